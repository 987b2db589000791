#!/usr/bin/env python3
"""Store benchmark: import generated corpora with the given convo binary and print figures.

Usage: store.py CONVO_BINARY [TURNS ...]   (default: 10000 100000)
       BENCH_BASELINE=/path/to/older/convo store.py CONVO_BINARY ...

For each size: a deterministic corpus (corpus.py), `convo import` into a fresh repository, then
`log -n 20`, `log --all --oneline | wc -l`, `search` for a frequent, a middling and a rare word, `fsck`, and
`gc --prune=now` after deleting one branch. Prints wall time (median of repeated runs for the quick
commands), peak resident memory of each process, the store size over the raw text size, and the space the
derived tables take. With BENCH_BASELINE, the older binary imports the same corpus and runs the same gc
in the same run, so that the two can be compared on one machine's load.
Figures are for comparing runs on one machine; the machine is shared and noisy.
"""
import collections
import json
import os
import re
import sqlite3
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


def search_words(corpus):
    """A frequent, a middling and a rare word of the corpus, by the number of turns that contain them."""
    turns = collections.Counter()
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            turns.update(set(re.findall(r"[a-z]+", (record["input"] + " " + record["output"]).lower())))
    ranked = [word for word, _ in turns.most_common()]
    return [(word, turns[word]) for word in (ranked[0], ranked[len(ranked) // 20], ranked[len(ranked) // 2])]


def table_sizes(repo):
    """Bytes of the derived tables, from SQLite's dbstat."""
    database = sqlite3.connect(os.path.join(repo, ".convo", "store.sqlite"))
    sizes = collections.Counter()
    for name, size in database.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
        group = "turn_search (FTS5)" if name.startswith("turn_search") else name
        sizes[group] += size
    database.close()
    return sizes


def prune_one_branch(binary, repo):
    """Deletes a branch HEAD is not on, so that gc has unreachable turns to prune."""
    for line in reversed(run([binary, "branch"], repo, stdout=subprocess.PIPE)[2].decode().splitlines()):
        if not line.startswith("*"):
            run([binary, "branch", "-D", line[2:].split()[0]], repo)
            return


def baseline(binary, corpus, workdir, turns):
    """Import and gc with an older binary; returns (import seconds, gc seconds)."""
    repo = os.path.join(workdir, f"baseline-{turns}")
    os.makedirs(repo)
    run([binary, "init"], repo)
    import_seconds, _, _ = run([binary, "import", corpus], repo)
    prune_one_branch(binary, repo)
    gc_seconds, _, _ = run([binary, "gc", "--prune=now"], repo)
    return import_seconds, gc_seconds


def bench(binary, turns, workdir):
    corpus = os.path.join(workdir, f"corpus-{turns}.jsonl")
    with open(corpus, "wb") as out:
        generated = subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), str(turns)], stdout=out,
                                   stderr=subprocess.PIPE, check=True)
    raw = int(generated.stderr.decode().split()[-1])
    older = os.environ.get("BENCH_BASELINE")
    if older:
        old_import, old_gc = baseline(os.path.abspath(older), corpus, workdir, turns)
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
    searches = []
    for word, count in search_words(corpus):
        median, _, rss = repeated([binary, "search", "--all", word], repo, 30)
        searches.append((word, count, median, rss))
    sizes = table_sizes(repo)
    fsck_seconds, fsck_rss, _ = run([binary, "fsck"], repo)
    prune_one_branch(binary, repo)
    gc_seconds, gc_rss, _ = run([binary, "gc", "--prune=now"], repo)
    version_seconds, _, _ = repeated([binary, "--version"], repo, 30)
    print(f"--- {turns} turns (corpus {os.path.getsize(corpus) / 1e6:.1f} MB, raw text {raw / 1e6:.1f} MB)")
    print(f"import                      {import_seconds:8.2f} s   peak {import_rss:6.0f} MiB   {turns / import_seconds:8.0f} turns/s")
    print(f"log -n 20                   {log_median * 1000:8.1f} ms  (min {log_min * 1000:.1f} ms, process start alone {version_seconds * 1000:.1f} ms)  peak {log_rss:.0f} MiB")
    print(f"log --all --oneline | wc -l {all_seconds:8.2f} s   peak {all_rss:6.0f} MiB   {lines} lines")
    for word, count, median, rss in searches:
        print(f"search --all {word:14s} {median * 1000:8.1f} ms  (in {count} turns; 20 newest shown)  peak {rss:.0f} MiB")
    print(f"fsck                        {fsck_seconds:8.2f} s   peak {fsck_rss:6.0f} MiB")
    print(f"gc --prune=now              {gc_seconds:8.2f} s   peak {gc_rss:6.0f} MiB   (after deleting one branch)")
    print(f"store / raw text            {store / raw:8.2f}     ({store / 1e6:.1f} MB / {raw / 1e6:.1f} MB)")
    for name in ("turn_search (FTS5)", "search_doc", "turn_blob", "turn_index", "object", "pack"):
        print(f"  of which {name:18s} {sizes[name] / 1e6:8.1f} MB")
    if older:
        print(f"baseline import             {old_import:8.2f} s   (this binary: {import_seconds / old_import:.2f}x)")
        print(f"baseline gc --prune=now     {old_gc:8.2f} s   (this binary: {gc_seconds / old_gc:.2f}x)")
    sys.stdout.flush()


def main():
    binary = os.path.abspath(sys.argv[1])
    sizes = [int(n) for n in sys.argv[2:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="convo-bench-") as workdir:
        for turns in sizes:
            bench(binary, turns, workdir)


if __name__ == "__main__":
    main()
