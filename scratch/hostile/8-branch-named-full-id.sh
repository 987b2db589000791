#!/bin/bash
# A branch named with a turn's full id shadows that turn: rev-parse/show/checkout and import's "parent": "<id>"
# reach the branch's tip instead.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$CONVO" init >/dev/null 2>&1
printf '{"input":"one","output":"1"}\n{"input":"two","output":"2"}\n' > a.jsonl; "$CONVO" import a.jsonl 2>/dev/null
FULL=$("$CONVO" rev-parse HEAD~1)
"$CONVO" branch "$FULL" HEAD
echo "rev-parse of the full id of HEAD~1: $("$CONVO" rev-parse "$FULL")  (expected $FULL)"
printf '{"input":"child of one","output":"x","parent":"%s","conversation":"kid"}\n' "$FULL" > kid.jsonl
"$CONVO" import kid.jsonl 2>/dev/null; "$CONVO" show kid | sed -n 2p
