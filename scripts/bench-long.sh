#!/usr/bin/env bash
# Issue 14's token table: tokens sent per turn of a 300-turn conversation against convo-emulator
# --context-window 8000 with server state, full replay, replay_strategy truncate and compact, compact_threshold;
# and convo usage of each.
# Usage: scripts/bench-long.sh [TURNS] [WINDOW] [FLAVOR]   (defaults 300 8000 xai). Token counts do not
# depend on the build, so the debug build is used.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product convo >&2
swift build --product convo-emulator >&2
exec python3 scripts/bench/long.py "$(swift build --show-bin-path)" "$@"
