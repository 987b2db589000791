#!/usr/bin/env bash
# Issue 11's import, store size and turn-reading figures (import, store / raw text, fsck beside git fsck,
# export --all, show) on the deep and large corpora, beside git in one run. Figures in BENCHMARKS.md.
# Usage: scripts/bench-decode.sh [BASELINE_BINARY] [--only deep|large]
# BENCH_BINARY=path skips the build; BENCH_DIR=DIR keeps the corpora and git repositories between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_BINARY:-}" ]; then
    source scripts/release-flags.sh
    swift build "${release_flags[@]}" --product convo >&2
    BENCH_BINARY="$(swift build "${release_flags[@]}" --show-bin-path)/convo"
fi
exec python3 scripts/bench/decode.py "$BENCH_BINARY" "$@"
