#!/usr/bin/env python3
"""Store benchmark: import generated corpora with the given convo binary and print figures.

Usage: store.py CONVO_BINARY [TURNS ...]   (default: 10000 100000)
       BENCH_BASELINE=/path/to/older/convo store.py CONVO_BINARY ...

For each size: a deterministic corpus (corpus.py), `convo import` into a fresh repository, then
`log -n 20`, `log --all --oneline | wc -l`, `search` for a frequent, a middling and a rare word and for a
frequent and a rare two-word phrase, `fsck`, and
`gc --prune=now` after deleting one branch. Prints wall time (median of repeated runs for the quick
commands), peak resident memory of each process, the store size over the raw text size, and the space the
derived tables take. With BENCH_BASELINE, the older binary imports the same corpus and runs the same
searches and gc in the same run, so that the two can be compared on one machine's load.
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


def search_phrases(corpus):
    """Two-word phrases of the corpus: the most frequent, and a rare one made of two frequent words (the
    hardest case for an index without positions: nearly every turn holds both words, few hold the phrase).
    Returns [(quoted phrase, turns containing it, turns containing both words)]."""
    with open(corpus, encoding="utf-8") as lines:
        texts = [" ".join(re.findall(r"[a-z]+", (json.loads(line)["input"] + " " + json.loads(line)["output"]).lower()))
                 for line in lines]
    sample = collections.Counter()
    words = collections.Counter()
    for text in texts[:2000]:
        tokens = text.split()
        sample.update(set(zip(tokens, tokens[1:])))
        words.update(set(tokens))
    frequent = sample.most_common(1)[0][0]
    common = {word for word, count in words.items() if count > 1000}
    rare = min((pair for pair, count in sample.items() if pair[0] in common and pair[1] in common and pair != frequent),
               key=lambda pair: (sample[pair], pair))
    chosen = []
    for pair in (frequent, rare):
        phrase = re.compile(r"\b" + " ".join(pair) + r"\b")
        holding = sum(1 for text in texts if phrase.search(text))
        both = sum(1 for text in texts if re.search(r"\b" + pair[0] + r"\b", text) and re.search(r"\b" + pair[1] + r"\b", text))
        chosen.append((f'"{pair[0]} {pair[1]}"', holding, both))
    return chosen


def searches(binary, repo, words, phrases):
    """Median seconds and peak RSS of `search --all` for each word (30 runs) and phrase (5 runs)."""
    timed = []
    for word, count in words:
        median, _, rss = repeated([binary, "search", "--all", word], repo, 30)
        timed.append((word, count, median, rss))
    for phrase, count, _ in phrases:
        median, _, rss = repeated([binary, "search", "--all", phrase], repo, 5)
        timed.append((phrase, count, median, rss))
    return timed


def store_size(repo):
    return sum(os.path.getsize(os.path.join(repo, ".convo", name)) for name in os.listdir(os.path.join(repo, ".convo")))


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


def baseline(binary, corpus, workdir, turns, words, phrases):
    """Import, the same searches, and gc with an older binary; returns (import seconds, gc seconds, searches,
    store bytes, table sizes)."""
    repo = os.path.join(workdir, f"baseline-{turns}")
    os.makedirs(repo)
    run([binary, "init"], repo)
    import_seconds, _, _ = run([binary, "import", corpus], repo)
    timed = searches(binary, repo, words, phrases)
    store, sizes = store_size(repo), table_sizes(repo)
    prune_one_branch(binary, repo)
    gc_seconds, _, _ = run([binary, "gc", "--prune=now"], repo)
    return import_seconds, gc_seconds, timed, store, sizes


def bench(binary, turns, workdir):
    corpus = os.path.join(workdir, f"corpus-{turns}.jsonl")
    with open(corpus, "wb") as out:
        generated = subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), str(turns)], stdout=out,
                                   stderr=subprocess.PIPE, check=True)
    raw = int(generated.stderr.decode().split()[-1])
    words, phrases = search_words(corpus), search_phrases(corpus)
    older = os.environ.get("BENCH_BASELINE")
    if older:
        old_import, old_gc, old_searches, old_store, old_sizes = baseline(os.path.abspath(older), corpus, workdir, turns, words, phrases)
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
    store = store_size(repo)
    timed = searches(binary, repo, words, phrases)
    sizes = table_sizes(repo)
    fsck_seconds, fsck_rss, _ = run([binary, "fsck"], repo)
    prune_one_branch(binary, repo)
    gc_seconds, gc_rss, _ = run([binary, "gc", "--prune=now"], repo)
    version_seconds, _, _ = repeated([binary, "--version"], repo, 30)
    print(f"--- {turns} turns (corpus {os.path.getsize(corpus) / 1e6:.1f} MB, raw text {raw / 1e6:.1f} MB)")
    print(f"import                      {import_seconds:8.2f} s   peak {import_rss:6.0f} MiB   {turns / import_seconds:8.0f} turns/s")
    print(f"log -n 20                   {log_median * 1000:8.1f} ms  (min {log_min * 1000:.1f} ms, process start alone {version_seconds * 1000:.1f} ms)  peak {log_rss:.0f} MiB")
    print(f"log --all --oneline | wc -l {all_seconds:8.2f} s   peak {all_rss:6.0f} MiB   {lines} lines")
    both = {phrase: pair for phrase, _, pair in phrases}
    for word, count, median, rss in timed:
        held = f"; both words in {both[word]}" if word in both else ""
        print(f"search --all {word:14s} {median * 1000:8.1f} ms  (in {count} turns{held}; 20 newest shown)  peak {rss:.0f} MiB")
    print(f"fsck                        {fsck_seconds:8.2f} s   peak {fsck_rss:6.0f} MiB")
    print(f"gc --prune=now              {gc_seconds:8.2f} s   peak {gc_rss:6.0f} MiB   (after deleting one branch)")
    print(f"store / raw text            {store / raw:8.2f}     ({store / 1e6:.1f} MB / {raw / 1e6:.1f} MB)")
    for name in ("turn_search (FTS5)", "search_doc", "turn_blob", "turn_index", "object", "pack"):
        print(f"  of which {name:18s} {sizes[name] / 1e6:8.1f} MB")
    if older:
        print(f"baseline import             {old_import:8.2f} s   (this binary: {import_seconds / old_import:.2f}x)")
        print(f"baseline gc --prune=now     {old_gc:8.2f} s   (this binary: {gc_seconds / old_gc:.2f}x)")
        for (word, _, median, _), (_, _, old_median, _) in zip(timed, old_searches):
            print(f"baseline search {word:11s} {old_median * 1000:8.1f} ms  (this binary: {median / old_median:.2f}x)")
        print(f"baseline store / raw text   {old_store / raw:8.2f}     ({old_store / 1e6:.1f} MB)")
        for name in ("turn_search (FTS5)", "search_doc"):
            print(f"  baseline {name:18s} {old_sizes[name] / 1e6:8.1f} MB")
    sys.stdout.flush()


def main():
    binary = os.path.abspath(sys.argv[1])
    sizes = [int(n) for n in sys.argv[2:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="convo-bench-") as workdir:
        for turns in sizes:
            bench(binary, turns, workdir)


if __name__ == "__main__":
    main()
