#!/usr/bin/env bash
# Builds convo and convo-emulator as scripts/install.sh does (scripts/release-flags.sh) and prints the
# per-turn figures of `convo chat`: N messages through one chat process (batch mode) against curl sending
# the same bodies, one process per request as a user's shell would, and against one kept-alive HTTP
# connection (the floor). Usage: scripts/bench-chat.sh [TURNS]   (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-flags.sh
flags=("${release_flags[@]}")
swift build "${flags[@]}" --product convo >&2
swift build "${flags[@]}" --product convo-emulator >&2
exec python3 scripts/bench/chat.py "$(swift build "${flags[@]}" --show-bin-path)" "$@"
