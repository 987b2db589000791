#!/usr/bin/env bash
# Prints how long `log --all` takes to render 10,000 turns (or TURNS) with --oneline, with a --format
# template and in the default medium layout, median of 5 runs each (BENCHMARKS.md records the figures).
# Usage: scripts/bench-log-format.sh [CONVO_BINARY] [TURNS]   (default: a release build, 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then
    bin="$(realpath "$1")"
else
    source scripts/release-flags.sh
    swift build "${release_flags[@]}" --product convo >&2
    bin="$(swift build "${release_flags[@]}" --show-bin-path)/convo"
fi
turns="${2:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 scripts/bench/corpus.py "$turns" > "$work/corpus.jsonl" 2>/dev/null
(cd "$work" && "$bin" init >/dev/null && "$bin" import corpus.jsonl 2>/dev/null)
python3 - "$bin" "$work" <<'PY'
import statistics, subprocess, sys, time
binary, work = sys.argv[1], sys.argv[2]
for label, extra in [("log --all --oneline", ["--oneline"]),
                     ("log --all --format='%h %cr %m %t %s%d'", ["--format=%h %cr %m %t %s%d"]),
                     ("log --all --color=always --oneline", ["--color=always", "--oneline"]),
                     ("log --all (medium)", [])]:
    samples, lines = [], 0
    for _ in range(5):
        start = time.perf_counter()
        out = subprocess.run([binary, "log", "--all"] + extra, cwd=work, stdout=subprocess.PIPE, check=True).stdout
        samples.append(time.perf_counter() - start)
        lines = out.count(b"\n")
    print(f"{label:42s} {statistics.median(samples) * 1000:8.0f} ms  {lines} lines")
PY
