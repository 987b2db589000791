#!/usr/bin/env bash
# An offline tour of convo for a newcomer without an API key: builds convo and convo-emulator (debug),
# starts the emulator on a free loopback port, and in a temporary repository runs the Alice
# conversation, a fork, `log --graph` and `status`. The emulator is stopped on exit.
# (`gc --dry-run` belongs in this tour once `convo gc` exists.)
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product convo >&2
swift build --product convo-emulator >&2
bin="$(swift build --show-bin-path)"
work="$(mktemp -d)"
fifo="$work/emulator.out"
mkfifo "$fifo"
"$bin/convo-emulator" --port 0 --flavor xai --api-key demo-key >"$fifo" 2>/dev/null &
emulator=$!
cleanup() { kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
exec 3<"$fifo"
read -r line <&3
base="${line#listening on }/v1"
echo "== convo-emulator (a test double of the Responses API) at $base" >&2

export CONVO_BASE_URL="$base" CONVO_API_KEY=demo-key NO_COLOR=1
convo() {
    local shown="\$ convo" arg
    for arg in "$@"; do [[ "$arg" == *[[:space:]\'?]* ]] && shown+=" \"$arg\"" || shown+=" $arg"; done
    echo "$shown" >&2
    "$bin/convo" -C "$work" "$@"
}
convo init --provider custom --base-url "$base"
convo say "Hello, my name is Alice. Remember this."
convo say "What's my name?"
convo checkout -b travel HEAD~1
convo say "Plan a trip to Rome"
convo log --graph --all --oneline
convo status
convo gc --dry-run
convo diff main travel
convo search --all Alice
convo gc --remote --dry-run
