#!/usr/bin/env python3
"""Store benchmark: import generated corpora with the given convo binary and print figures.

Usage: store.py CONVO_BINARY [TURNS ...]   (default: 10000 100000)

For each size: a deterministic corpus (corpus.py), `convo import` into a fresh repository, then
`log -n 20`, `log --all --oneline | wc -l`, `fsck` and `gc --prune=now`. Prints wall time (median of repeated runs for the
quick commands), peak resident memory of each process, and the store size over the raw text size.
Figures are for comparing runs on one machine; the machine is shared and noisy.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, cwd, stdout=subprocess.DEVNULL, stdin=None):
    """Runs argv; returns (seconds, peak RSS in MiB, exit status, captured stdout or None)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=stdout, stdin=stdin, stderr=errors)
        output = process.stdout.read() if stdout == subprocess.PIPE else None
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(argv)} failed: {errors.read().decode()}")
    return seconds, usage.ru_maxrss / 1024, output


def repeated(argv, cwd, times):
    samples = [run(argv, cwd) for _ in range(times)]
    return statistics.median(s[0] for s in samples), min(s[0] for s in samples), max(s[1] for s in samples)


def bench(binary, turns, workdir):
    corpus = os.path.join(workdir, f"corpus-{turns}.jsonl")
    with open(corpus, "wb") as out:
        generated = subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), str(turns)], stdout=out,
                                   stderr=subprocess.PIPE, check=True)
    raw = int(generated.stderr.decode().split()[-1])
    repo = os.path.join(workdir, f"repo-{turns}")
    os.makedirs(repo)
    run([binary, "init"], repo)
    import_seconds, import_rss, _ = run([binary, "import", corpus], repo)
    # Put HEAD on a conversation at least 20 turns deep, so that `log -n 20` prints 20 turns.
    for line in run([binary, "branch"], repo, stdout=subprocess.PIPE)[2].decode().splitlines():
        branch = line[2:].split()[0]
        if run([binary, "log", "--oneline", "-n", "20", branch], repo, stdout=subprocess.PIPE)[2].count(b"\n") == 20:
            run([binary, "checkout", branch], repo)
            break
    log_median, log_min, log_rss = repeated([binary, "log", "-n", "20"], repo, 30)
    start = time.perf_counter()
    all_seconds, all_rss, listing = run([binary, "log", "--all", "--oneline"], repo, stdout=subprocess.PIPE)
    lines = listing.count(b"\n")
    store = sum(os.path.getsize(os.path.join(repo, ".convo", name)) for name in os.listdir(os.path.join(repo, ".convo")))
    fsck_seconds, fsck_rss, _ = run([binary, "fsck"], repo)
    gc_seconds, gc_rss, _ = run([binary, "gc", "--prune=now"], repo)
    version_seconds, _, _ = repeated([binary, "--version"], repo, 30)
    print(f"--- {turns} turns (corpus {os.path.getsize(corpus) / 1e6:.1f} MB, raw text {raw / 1e6:.1f} MB)")
    print(f"import                      {import_seconds:8.2f} s   peak {import_rss:6.0f} MiB   {turns / import_seconds:8.0f} turns/s")
    print(f"log -n 20                   {log_median * 1000:8.1f} ms  (min {log_min * 1000:.1f} ms, process start alone {version_seconds * 1000:.1f} ms)  peak {log_rss:.0f} MiB")
    print(f"log --all --oneline | wc -l {all_seconds:8.2f} s   peak {all_rss:6.0f} MiB   {lines} lines")
    print(f"fsck                        {fsck_seconds:8.2f} s   peak {fsck_rss:6.0f} MiB")
    print(f"gc --prune=now              {gc_seconds:8.2f} s   peak {gc_rss:6.0f} MiB")
    print(f"store / raw text            {store / raw:8.2f}     ({store / 1e6:.1f} MB / {raw / 1e6:.1f} MB)")
    sys.stdout.flush()


def main():
    binary = os.path.abspath(sys.argv[1])
    sizes = [int(n) for n in sys.argv[2:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="convo-bench-") as workdir:
        for turns in sizes:
            bench(binary, turns, workdir)


if __name__ == "__main__":
    main()
