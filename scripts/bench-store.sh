#!/usr/bin/env bash
# Builds convo in release mode and prints the store figures (BENCHMARKS.md records them).
# Usage: scripts/bench-store.sh [TURNS ...]   (default: 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-flags.sh
swift build "${release_flags[@]}" --product convo >&2
exec python3 scripts/bench/store.py "$(swift build "${release_flags[@]}" --show-bin-path)/convo" "$@"
