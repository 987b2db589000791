#!/usr/bin/env bash
# Builds convo and convo-emulator in release mode and prints the `say` figures: wall time of
# N sequential `convo say` against curl with the same bodies, and request bytes per turn with
# server state against --replay. Usage: scripts/bench-say.sh [TURNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product convo >&2
swift build -c release --product convo-emulator >&2
exec python3 scripts/bench/say.py "$(swift build -c release --show-bin-path)" "$@"
