#!/bin/bash
# A non-streamed say gives up after a fixed 90 s read timeout (exit 8, nothing committed), while the server
# finishes and stores the response; the hint "allow a longer timeout" names no setting. Takes ~2.5 minutes.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$EMULATOR" --port 0 --latency-ms 100000 > emu.out 2>/dev/null & EMU=$!; trap 'kill $EMU' EXIT
sleep 1; export CONVO_BASE_URL="$(sed -n 's/^listening on //p' emu.out)/v1" CONVO_API_KEY=test-key
"$CONVO" init >/dev/null 2>&1
time "$CONVO" say --no-stream "review this"; echo "say rc=$?"
sleep 15; curl -s "${CONVO_BASE_URL%/v1}/_emulator/requests" | grep -o '"status" *: *[0-9]*'   # the server answered 200
"$CONVO" log --oneline --all | wc -l   # 0 turns
