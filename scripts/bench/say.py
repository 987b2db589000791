#!/usr/bin/env python3
"""Measures `convo say` against convo-emulator: process wall time against curl sending the same
bodies, and request bytes per turn with server state (previous_response_id) against --replay.

Usage: say.py BIN_DIR [TURNS]   (BIN_DIR holds convo and convo-emulator; TURNS default 200)
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

KEY = "bench-key"


def start_emulator(bin_dir, flavor="xai", extra=()):
    """Starts the built convo-emulator on a free port; returns the process and its root URL."""
    proc = subprocess.Popen(
        [os.path.join(bin_dir, "convo-emulator"), "--port", "0", "--flavor", flavor, "--api-key", KEY, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        sys.exit(f"convo-emulator did not start: {line!r}")
    return proc, line[len("listening on "):]


def posts(root):
    """Bodies of the POST /v1/responses requests logged so far, then clears the log."""
    with urllib.request.urlopen(root + "/_emulator/requests") as reply:
        entries = json.load(reply)["requests"]
    urllib.request.urlopen(urllib.request.Request(root + "/_emulator/requests", method="DELETE")).read()
    return [e["body"] for e in entries if e["method"] == "POST" and e["path"] == "/v1/responses"]


def wire_size(body):
    # The client sends compact JSON with sorted keys; the log holds it parsed, so re-encode it that way.
    return len(json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode())


def message(i):
    return f"Turn {i}: please summarise what we have discussed so far and add one new idea about topic {i}."


def main():
    bin_dir = sys.argv[1]
    turns = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    convo = os.path.join(bin_dir, "convo")
    emulator, root = start_emulator(bin_dir)
    base = root + "/v1"
    env = dict(os.environ, CONVO_BASE_URL=base, CONVO_API_KEY=KEY, NO_COLOR="1")
    try:
        with tempfile.TemporaryDirectory() as repo:
            def run(*args):
                return subprocess.run([convo, "-C", repo, *args], env=env, check=True, capture_output=True, text=True)

            run("init", "--provider", "custom", "--base-url", base)
            posts(root)
            start = time.perf_counter()
            for i in range(1, turns + 1):
                run("say", "--no-stream", message(i))
            convo_seconds = time.perf_counter() - start
            chained = posts(root)
            assert len(chained) == turns, f"expected {turns} requests, the emulator logged {len(chained)}"

            with tempfile.TemporaryDirectory() as bodies:
                files = []
                for i, body in enumerate(chained):
                    path = os.path.join(bodies, f"{i}.json")
                    with open(path, "w") as f:
                        json.dump(body, f, separators=(",", ":"), sort_keys=True)
                    files.append(path)
                start = time.perf_counter()
                for path in files:
                    subprocess.run(
                        ["curl", "-sS", "-o", "/dev/null", "-X", "POST", base + "/responses",
                         "-H", f"Authorization: Bearer {KEY}", "-H", "Content-Type: application/json",
                         "--data-binary", "@" + path], check=True)
                curl_seconds = time.perf_counter() - start
            posts(root)

            print(f"{turns} sequential requests: convo say {convo_seconds:.2f} s, curl {curl_seconds:.2f} s, "
                  f"ratio {convo_seconds / curl_seconds:.2f}x (target <= 1.2x)")
            # Where the time goes: starting the process at all, and opening the repository without a request.
            costs = [f"say {1000 * convo_seconds / turns:.1f} ms", f"curl {1000 * curl_seconds / turns:.1f} ms"]
            for label, args in (("convo --version", ["--version"]), ("convo status", ["status"])):
                start = time.perf_counter()
                for _ in range(50):
                    run(*args)
                costs.append(f"{label} {1000 * (time.perf_counter() - start) / 50:.1f} ms")
            print("  per process: " + ", ".join(costs))

            sizes = {}
            for n in (1, 10, 100):
                if n > turns:
                    continue
                state = wire_size(chained[n - 1])
                if n == 1:
                    replay = state  # a first turn has no history to replay
                else:
                    # Stand on turn n-1 and send turn n's message again as a replay.
                    run("checkout", f"main~{turns - (n - 1)}")
                    run("say", "--no-stream", "--replay", message(n))
                    replay = wire_size(posts(root)[-1])
                sizes[n] = (state, replay)
                print(f"turn {n:>3}: {state:>7} bytes with state, {replay:>7} bytes with --replay")
            if 100 in sizes:
                state, replay = sizes[100]
                print(f"turn 100: state sends {100 * state / replay:.1f}% of the replay's bytes (target <= 3%)")
    finally:
        emulator.terminate()
        emulator.wait()


if __name__ == "__main__":
    main()
