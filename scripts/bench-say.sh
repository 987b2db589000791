#!/usr/bin/env bash
# Builds convo and convo-emulator in release mode and prints the `say` figures: wall time of
# N sequential `convo say` against curl with the same bodies, and request bytes per turn with
# server state against --replay. Usage: scripts/bench-say.sh [TURNS]   (default 200)
# BENCH_STATIC=1 links the Swift runtime statically (in .build/static), which cuts process start-up,
# the larger part of what a one-shot `convo say` costs beyond curl.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release)
if [[ "${BENCH_STATIC:-0}" == 1 ]]; then flags+=(--static-swift-stdlib --scratch-path .build/static); fi
swift build "${flags[@]}" --product convo >&2
swift build "${flags[@]}" --product convo-emulator >&2
exec python3 scripts/bench/say.py "$(swift build "${flags[@]}" --show-bin-path)" "$@"
