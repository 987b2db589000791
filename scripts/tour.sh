#!/usr/bin/env bash
# A first conversation with convo, from installed (or given) binaries, in a temporary repository:
# the Alice conversation, a fork, log --graph, status, diff, search and what gc would do.
# With XAI_API_KEY or OPENAI_API_KEY set it talks to that provider (a few cheap requests); without a key it
# starts the bundled convo-emulator, a local test double of the Responses API, on a free loopback port.
#
# Usage: scripts/tour.sh [--prefix DIR | --bin-dir DIR]
#   --prefix DIR   use DIR/bin (default: the install prefix, ~/.local, or /usr/local as root)
#   --bin-dir DIR  use the convo and convo-emulator in DIR (scripts/demo.sh passes the debug build)
set -euo pipefail

if [ "$(id -u)" = 0 ]; then bin="/usr/local/bin"; else bin="$HOME/.local/bin"; fi
case "${1:-}" in
    --prefix) bin="${2:?--prefix needs a folder}/bin" ;;
    --bin-dir) bin="${2:?--bin-dir needs a folder}" ;;
    "") ;;
    *) echo "tour.sh: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
esac
[ -x "$bin/convo" ] || { echo "tour.sh: no convo in $bin: run scripts/install.sh first" >&2; exit 1; }

work="$(mktemp -d)"
emulator=""
cleanup() {
    if [ -n "$emulator" ]; then kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
unset CONVO_DIR
export NO_COLOR=1

if [ -n "${XAI_API_KEY:-}" ]; then
    provider=xai
    echo "== talking to xAI (XAI_API_KEY is set); the repository is a temporary folder" >&2
elif [ -n "${OPENAI_API_KEY:-}" ]; then
    provider=openai
    echo "== talking to OpenAI (OPENAI_API_KEY is set); the repository is a temporary folder" >&2
else
    [ -x "$bin/convo-emulator" ] || { echo "tour.sh: no convo-emulator in $bin" >&2; exit 1; }
    fifo="$work/emulator.out"
    mkfifo "$fifo"
    "$bin/convo-emulator" --port 0 --flavor xai --api-key demo-key >"$fifo" 2>/dev/null &
    emulator=$!
    exec 3<"$fifo"
    read -r line <&3
    base="${line#listening on }/v1"
    provider=emulator
    export CONVO_API_KEY=demo-key
    cat >&2 <<MSG
== No API key is set, so the answers below come from convo-emulator, a local test double of the
== Responses API at $base: it answers deterministically and only shows what context it was sent.
== For real answers: export XAI_API_KEY=... (or OPENAI_API_KEY=... and convo init --provider openai).
MSG
fi

convo() {
    local shown="\$ convo" arg
    for arg in "$@"; do [[ "$arg" == *[[:space:]\'?]* ]] && shown+=" \"$arg\"" || shown+=" $arg"; done
    echo "$shown" >&2
    "$bin/convo" -C "$work" "$@"
}
case "$provider" in
    emulator) convo init --provider custom --base-url "$base" ;;
    *) convo init --provider "$provider" ;;
esac
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
