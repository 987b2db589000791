#!/usr/bin/env bash
# Builds convo and convo-emulator in release mode and prints the server-state figures of gc
# (BENCHMARKS.md records them): marking expired responses, and DELETE throughput of gc --remote.
# Usage: scripts/bench-remote.sh [TURNS [DELETES]]   (default: 100000 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-flags.sh
swift build "${release_flags[@]}" --product convo >&2
swift build "${release_flags[@]}" --product convo-emulator >&2
bin="$(swift build "${release_flags[@]}" --show-bin-path)"
exec python3 scripts/bench/remote.py "$bin/convo" "$bin/convo-emulator" "$@"
