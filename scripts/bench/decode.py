#!/usr/bin/env python3
"""Issue 11's store, import and turn-reading figures, beside git in one run.

Usage: decode.py CONVO_BINARY [BASELINE_BINARY] [--only deep|large]

For the "deep" corpus (one conversation of 10,000 turns) and the "large" one (10,000 conversations of 10
turns), both from corpus.py: git gets the same turns through gitcorpus.py | `git fast-import`, then `git gc`.
Each convo binary (and the baseline, when given, in the same run) then: `import` (wall time and peak
resident memory), store size over raw text (the whole `.convo` folder, and SQLite's dbstat per table),
`fsck` beside `git fsck`, `export --all > /dev/null` beside `git log --all -p > /dev/null` (both read every
turn's texts), and `show` of the newest turn (median of 15). BENCH_DIR=DIR keeps corpora and git
repositories between runs (they are deterministic) so that only convo's steps are redone.
"""
import collections
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, cwd, stdin=None):
    """(seconds, peak RSS MiB) of argv, stdout discarded; exits on failure."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(argv)} failed: {errors.read().decode()[:2000]}")
    return seconds, usage.ru_maxrss / 1024


def median(argv, cwd, times):
    return statistics.median(run(argv, cwd)[0] for _ in range(times))


def size(path):
    return sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(path) for name in names)


def corpus(workdir, name, turns, length):
    path = os.path.join(workdir, f"{name}.jsonl")
    raw_path = path + ".raw"
    if not os.path.exists(raw_path):
        with open(path, "wb") as out:
            made = subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), str(turns), "--length", str(length)],
                                  stdout=out, stderr=subprocess.PIPE, check=True)
        with open(raw_path, "w") as out:
            out.write(made.stderr.decode().split()[-1])
    return path, int(open(raw_path).read())


def git_repository(workdir, name, path):
    git = os.path.join(workdir, f"{name}-git")
    if not os.path.exists(os.path.join(git, "done")):
        subprocess.run(["rm", "-rf", git], check=True)
        os.makedirs(git)
        run(["git", "init", "--quiet", "--bare", "."], git)
        stream = subprocess.Popen([sys.executable, os.path.join(HERE, "gitcorpus.py"), path], stdout=subprocess.PIPE)
        run(["git", "fast-import", "--quiet"], git, stdin=stream.stdout)
        stream.stdout.close()
        stream.wait()
        run(["git", "gc", "--quiet"], git)
        open(os.path.join(git, "done"), "w").close()
    return git


def tables(repo):
    database = sqlite3.connect(os.path.join(repo, ".convo", "store.sqlite"))
    sizes = collections.Counter()
    for table, pages in database.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
        sizes["turn_search (FTS5)" if table.startswith("turn_search") else table] += pages
    database.close()
    return sizes


def measure(label, binary, workdir, name, path, raw, git):
    repo = os.path.join(workdir, f"{name}-{label}")
    subprocess.run(["rm", "-rf", repo], check=True)
    os.makedirs(repo)
    run([binary, "init"], repo)
    seconds, rss = run([binary, "import", path], repo)
    print(f"  {label:8s} import {seconds:7.2f} s  peak {rss:5.0f} MiB", flush=True)
    store = size(os.path.join(repo, ".convo"))
    print(f"  {label:8s} store / raw text {store / raw:.2f}  ({store / 1e6:.1f} MB)   git {size(git) / raw:.2f}", flush=True)
    sizes = tables(repo)
    print("           " + ", ".join(f"{table} {sizes[table] / 1e6:.1f}" for table in sorted(sizes, key=lambda t: -sizes[t])[:8]) + " MB")
    convo_fsck, fsck_rss = run([binary, "fsck"], repo)
    git_fsck, _ = run(["git", "fsck", "--no-progress"], git)
    print(f"  {label:8s} fsck {convo_fsck:7.2f} s (peak {fsck_rss:.0f} MiB)   git fsck {git_fsck:6.2f} s   ratio {convo_fsck / git_fsck:.2f}", flush=True)
    export, export_rss = run([binary, "export", "--all"], repo)
    git_log, _ = run(["git", "log", "--all", "-p"], git)
    print(f"  {label:8s} export --all {export:6.2f} s (peak {export_rss:.0f} MiB)   git log --all -p {git_log:6.2f} s", flush=True)
    run([binary, "checkout", "conv-0"], repo)
    show = median([binary, "show"], repo, 15)
    version = median([binary, "--version"], repo, 15)
    print(f"  {label:8s} show {show * 1000:6.1f} ms (--version {version * 1000:.1f} ms)", flush=True)


def main():
    arguments = sys.argv[1:]
    only = None
    if "--only" in arguments:
        at = arguments.index("--only")
        only = arguments[at + 1]
        del arguments[at:at + 2]
    binaries = [("this", os.path.abspath(arguments[0]))]
    if len(arguments) > 1:
        binaries.insert(0, ("baseline", os.path.abspath(arguments[1])))
    keep = os.environ.get("BENCH_DIR")
    workdir = os.path.abspath(keep) if keep else tempfile.mkdtemp(prefix="convo-decode-")
    os.makedirs(workdir, exist_ok=True)
    for name, turns, length in [("deep", 10_000, 10_000), ("large", 100_000, 10)]:
        if only and name != only:
            continue
        path, raw = corpus(workdir, name, turns, length)
        git = git_repository(workdir, name, path)
        print(f"{name}: {turns} turns in conversations of {length}, corpus {os.path.getsize(path) / 1e6:.1f} MB, raw text {raw / 1e6:.1f} MB", flush=True)
        for label, binary in binaries:
            measure(label, binary, workdir, name, path, raw, git)
    if not keep:
        subprocess.run(["rm", "-rf", workdir], check=True)


if __name__ == "__main__":
    main()
