#!/usr/bin/env bash
# Builds convo and convo-emulator as scripts/install.sh does (scripts/release-flags.sh: release, static
# Swift runtime) and prints the `say` figures: wall time of N sequential `convo say` against curl with the
# same bodies, and request bytes per turn with server state against --replay.
# Usage: scripts/bench-say.sh [TURNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-flags.sh
flags=("${release_flags[@]}")
swift build "${flags[@]}" --product convo >&2
swift build "${flags[@]}" --product convo-emulator >&2
exec python3 scripts/bench/say.py "$(swift build "${flags[@]}" --show-bin-path)" "$@"
