#!/usr/bin/env python3
"""Server-state figures of `convo gc`, printed for BENCHMARKS.md.

Usage: remote.py CONVO CONVO_EMULATOR [TURNS [DELETES]]

1. A TURNS-turn corpus (corpus.py) imported as stored responses of one origin, created during 2026, most of
   them past 30 days: `gc --dry-run`, then `gc --prune=never` (which marks them expired), then `gc` again
   (nothing left to mark).
2. DELETES live stored responses of an emulator's origin, none of them on the emulator: `gc --remote --all
   --prune=never` sends one DELETE each (404, counted as already gone); prints requests per second.
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, cwd, env):
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    return seconds, done.stdout.decode()


def corpus(turns, origin, created_at=None):
    generated = subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), str(turns)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    lines = []
    for line in generated.stdout.decode().splitlines():
        turn = json.loads(line)
        turn["stored"] = True
        turn["origin"] = origin
        if created_at:
            turn["created_at"] = created_at
        lines.append(json.dumps(turn, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def repository(workdir, name, content, convo, env):
    repo = os.path.join(workdir, name)
    os.makedirs(repo)
    run([convo, "init"], repo, env)
    with open(os.path.join(repo, "corpus.jsonl"), "w") as out:
        out.write(content)
    run([convo, "import", "corpus.jsonl"], repo, env)
    return repo


def main():
    convo, emulator = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    turns = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    deletes = int(sys.argv[4]) if len(sys.argv) > 4 else 2_000
    server = subprocess.Popen([emulator, "--port", "0", "--flavor", "openai", "--api-key", "bench-key"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        base = server.stdout.readline().decode().strip().removeprefix("listening on ") + "/v1"
        env = dict(os.environ, CONVO_API_KEY="bench-key", CONVO_BASE_URL=base, NO_COLOR="1")
        with tempfile.TemporaryDirectory(prefix="convo-bench-remote-") as workdir:
            repo = repository(workdir, "marking", corpus(turns, base), convo, env)
            dry, _ = run([convo, "gc", "--dry-run", "--json"], repo, env)
            marking, out = run([convo, "gc", "--prune=never", "--json"], repo, env)
            marked = json.loads(out)["marked_expired"]
            again, _ = run([convo, "gc", "--prune=never"], repo, env)
            print(f"--- {turns} stored turns, {marked} past retention")
            print(f"gc --dry-run                 {dry:8.2f} s")
            print(f"gc (marks {marked} expired) {marking:8.2f} s")
            print(f"gc (nothing left to mark)    {again:8.2f} s")

            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            repo = repository(workdir, "deleting", corpus(deletes, base, created_at=now), convo, env)
            seconds, out = run([convo, "gc", "--remote", "--all", "--prune=never", "--json"], repo, env)
            remote = json.loads(out)["remote"]
            sent = len(remote["deleted"]) + len(remote["already_gone"])
            print(f"--- gc --remote --all: {sent} DELETE requests to a local emulator")
            print(f"gc --remote --all            {seconds:8.2f} s   {sent / seconds:8.0f} requests/s")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
