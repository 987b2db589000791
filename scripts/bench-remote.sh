#!/usr/bin/env bash
# Builds convo and convo-emulator in release mode and prints the server-state figures of gc
# (BENCHMARKS.md records them): marking expired responses, and DELETE throughput of gc --remote.
# Usage: scripts/bench-remote.sh [TURNS [DELETES]]   (default: 100000 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product convo >&2
swift build -c release --static-swift-stdlib --product convo-emulator >&2
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"
exec python3 scripts/bench/remote.py "$bin/convo" "$bin/convo-emulator" "$@"
