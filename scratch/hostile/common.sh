# Sourced by the repro scripts: CONVO (release binary), a scratch folder, and an emulator on loopback.
CONVO=${CONVO:-/work/rel-last/convo}
EMULATOR=${EMULATOR:-/work/rel-last/convo-emulator}
WORK=$(mktemp -d /tmp/hostile-repro.XXXXXX)
start_emulator() {
  "$EMULATOR" --port 0 > "$WORK/emu.out" 2>"$WORK/emu.err" & EMU_PID=$!
  for _ in $(seq 50); do grep -q listening "$WORK/emu.out" && break; sleep 0.1; done
  export CONVO_BASE_URL="$(sed -n 's/^listening on //p' "$WORK/emu.out")/v1" CONVO_API_KEY=test-key
  trap 'kill $EMU_PID 2>/dev/null' EXIT
}
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/xdg"; mkdir -p "$HOME"
cd "$WORK"
