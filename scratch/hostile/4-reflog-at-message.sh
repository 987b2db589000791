#!/bin/bash
# @{N} past the end names '@@{N}' and hints 'convo reflog @', which itself exits 2.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$CONVO" init >/dev/null 2>&1
printf '{"input":"i","output":"o"}\n' > a.jsonl; "$CONVO" import a.jsonl 2>/dev/null
"$CONVO" rev-parse '@{9}'; echo "rc=$?"
"$CONVO" reflog @; echo "rc=$?"
