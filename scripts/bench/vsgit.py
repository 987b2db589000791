#!/usr/bin/env python3
"""convo beside git on the same turns, in one run (issue 11). Figures are recorded in BENCHMARKS.md.

Usage: vsgit.py CONVO_BINARY [--large] [--turns N]

"deep" is one conversation of N turns (default 10,000); with --large also "large", 10,000 conversations of
10 turns (slow to make: generating, importing and packing take minutes). Each corpus comes from corpus.py;
convo imports it, git gets the same turns from gitcorpus.py through `git fast-import`, then `git gc`.
Prints whole-process times (hyperfine, mean ± σ of 30 runs after 3 warm-ups) and, for the start-up
tasks, instruction counts under `valgrind --tool=callgrind` of a copy of the binary with its debug info
stripped (valgrind refuses the unstripped one). Instruction counts are repeatable on a noisy shared
machine; times are not. Set BENCH_KEEP=DIR to keep the repositories and callgrind profiles in DIR.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def quiet(argv, cwd, stdin=None):
    run = subprocess.run(argv, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if run.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{run.stderr.decode()}")


def size(path):
    return sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(path) for name in names)


def make(workdir, name, turns, length, convo):
    """The corpus, its convo repository and its git repository; returns (convo repo, git repo, raw bytes)."""
    corpus = os.path.join(workdir, f"{name}.jsonl")
    repo, git = os.path.join(workdir, f"{name}-convo"), os.path.join(workdir, f"{name}-git")
    if os.path.isdir(git) and os.path.isdir(os.path.join(repo, ".convo")):
        # BENCH_KEEP=DIR of an earlier run: the same corpora, so that two builds compare on one repository.
        print(f"{name}: reusing {repo} and {git}", flush=True)
        return repo, git
    started = time.perf_counter()
    with open(corpus, "wb") as out:
        generated = subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), str(turns), "--length", str(length)],
                                   stdout=out, stderr=subprocess.PIPE, check=True)
    raw = int(generated.stderr.decode().split()[-1])
    print(f"{name}: {turns} turns in conversations of {length}, corpus {os.path.getsize(corpus) / 1e6:.1f} MB, "
          f"raw text {raw / 1e6:.1f} MB (generated in {time.perf_counter() - started:.1f} s)", flush=True)
    repo = os.path.join(workdir, f"{name}-convo")
    os.makedirs(repo)
    quiet([convo, "init"], repo)
    started = time.perf_counter()
    quiet([convo, "import", corpus], repo)
    convo_import = time.perf_counter() - started
    quiet([convo, "checkout", "conv-0"], repo)
    git = os.path.join(workdir, f"{name}-git")
    os.makedirs(git)
    quiet(["git", "init", "--quiet"], git)
    started = time.perf_counter()
    stream = subprocess.Popen([sys.executable, os.path.join(HERE, "gitcorpus.py"), corpus], stdout=subprocess.PIPE)
    quiet(["git", "fast-import", "--quiet"], git, stdin=stream.stdout)
    stream.stdout.close()
    if stream.wait() != 0:
        sys.exit("gitcorpus.py failed")
    git_import = time.perf_counter() - started
    started = time.perf_counter()
    quiet(["git", "gc", "--quiet"], git)
    git_gc = time.perf_counter() - started
    quiet(["git", "symbolic-ref", "HEAD", "refs/heads/conv-0"], git)
    print(f"  import: convo {convo_import:.1f} s; git fast-import {git_import:.1f} s (streamed from the corpus) + gc {git_gc:.1f} s")
    print(f"  store / raw text: convo {size(os.path.join(repo, '.convo')) / raw:.2f}, git {size(os.path.join(git, '.git')) / raw:.2f}")
    return repo, git


def timed(pairs, label, runs=30):
    """Mean ± σ milliseconds of each (name, argv, cwd) with hyperfine, printed on one line."""
    cells = []
    for name, argv, cwd in pairs:
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            quiet(["hyperfine", "-N", "--warmup", str(min(3, runs)), "--runs", str(runs), "--export-json", report.name,
                   " ".join(argv)], cwd)
            result = json.load(open(report.name))["results"][0]
        cells.append(f"{name} {result['mean'] * 1000:7.1f} ± {result['stddev'] * 1000:4.1f} ms")
    print(f"  {label:32s} " + "   ".join(cells), flush=True)


def first_line(pairs, label, runs=5):
    """Best of `runs` milliseconds until each (name, argv, cwd) has written its first line, and until it exits."""
    cells = []
    for name, argv, cwd in pairs:
        firsts, totals = [], []
        for _ in range(runs):
            started = time.perf_counter()
            process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            process.stdout.readline()
            firsts.append(time.perf_counter() - started)
            for _ in iter(lambda: process.stdout.read(1 << 16), b""):
                pass
            process.wait()
            totals.append(time.perf_counter() - started)
        cells.append(f"{name} first line {min(firsts) * 1000:7.1f} ms of {min(totals) * 1000:7.1f} ms")
    print(f"  {label:32s} " + "   ".join(cells), flush=True)


def instructions(argv, cwd, profile):
    """Instructions executed by argv (callgrind's total, the whole process)."""
    run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", *argv], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if run.returncode != 0:
        sys.exit(f"valgrind {' '.join(argv)} failed:\n{run.stderr.decode()}")
    return int(re.search(r"Collected : (\d+)", run.stderr.decode()).group(1))


def main():
    arguments = sys.argv[1:]
    convo = os.path.abspath(arguments.pop(0))
    large = "--large" in arguments
    turns = int(arguments[arguments.index("--turns") + 1]) if "--turns" in arguments else 10_000
    keep = os.environ.get("BENCH_KEEP")
    workdir = os.path.abspath(keep) if keep else tempfile.mkdtemp(prefix="convo-vs-git-")
    os.makedirs(workdir, exist_ok=True)
    try:
        print(f"convo {subprocess.run([convo, '--version'], capture_output=True, text=True).stdout.strip()} "
              f"({os.path.getsize(convo) / 1e6:.1f} MB); {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}")
        deep, deep_git = make(workdir, "deep", turns, turns, convo)
        print("whole-process time (hyperfine -N, 30 runs):")
        timed([("convo", [convo, "--version"], deep), ("git", ["git", "--version"], deep_git)], "--version")
        timed([("convo", [convo, "log", "-n", "20"], deep), ("git", ["git", "--no-pager", "log", "-n", "20"], deep_git)],
              "log -n 20, deep")
        timed([("convo", [convo, "status"], deep), ("git", ["git", "status"], deep_git)], "status, deep")
        stripped = os.path.join(workdir, "convo-stripped")
        shutil.copy(convo, stripped)
        subprocess.run(["strip", "--strip-debug", stripped], check=True)
        print("instructions (valgrind --tool=callgrind, stripped copy; targets from issue 11):")
        for label, ours, theirs, target in [
            ("--version", ["--version"], ["--version"], 5),
            ("log -n 20, deep", ["log", "-n", "20"], ["--no-pager", "log", "-n", "20"], 10),
            ("status, deep", ["status"], ["status"], 12),
        ]:
            slug = re.sub(r"[^a-z0-9]+", "-", label).strip("-")
            mine = instructions([stripped, *ours], deep, os.path.join(workdir, f"callgrind.convo.{slug}"))
            git = instructions(["git", *theirs], deep_git, os.path.join(workdir, f"callgrind.git.{slug}"))
            verdict = "met" if mine <= target * 1_000_000 else "NOT met"
            print(f"  {label:32s} convo {mine / 1e6:7.2f} M   git {git / 1e6:6.2f} M   target ≤ {target} M: {verdict}", flush=True)
        if large:
            big, big_git = make(workdir, "large", 100_000, 10, convo)
            timed([("convo", [convo, "log", "--all", "-n", "20"], big), ("git", ["git", "--no-pager", "log", "--all", "-n", "20"], big_git)],
                  "log --all -n 20, large", runs=10)
            timed([("convo", [convo, "log", "--all", "--oneline"], big), ("git", ["git", "--no-pager", "log", "--all", "--oneline"], big_git)],
                  "log --all --oneline, large", runs=5)
            timed([("convo", [convo, "log", "--graph", "--all", "-n", "50"], big),
                   ("git", ["git", "--no-pager", "log", "--graph", "--all", "-n", "50", "--oneline"], big_git)],
                  "log --graph --all -n 50, large", runs=10)
            first_line([("convo", [convo, "log", "--all", "--oneline"], big), ("git", ["git", "--no-pager", "log", "--all", "--oneline"], big_git)],
                       "log --all --oneline, large")
        if keep:
            print(f"repositories and callgrind profiles kept in {workdir}")
    finally:
        if not keep:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
