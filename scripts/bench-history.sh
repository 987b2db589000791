#!/usr/bin/env bash
# Prints the figures of the history commands: `import --from-llm` of a 10,000-response llm database
# (and its re-import), and `diff` of two 5,000-line answers. Figures in BENCHMARKS.md.
# Usage: scripts/bench-history.sh [RESPONSES] [ANSWER_LINES]     BENCH_CONFIG=debug skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${BENCH_CONFIG:-release}
swift build -c "$config" --product convo >&2
exec python3 scripts/bench/history.py "$(swift build -c "$config" --show-bin-path)" "$@"
