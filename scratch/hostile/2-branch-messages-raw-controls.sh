#!/bin/bash
# branch/checkout messages on stderr print a branch name's C1/bidi controls raw.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$CONVO" init >/dev/null 2>&1
printf '{"input":"i","output":"o"}\n' > a.jsonl; "$CONVO" import a.jsonl 2>/dev/null
"$CONVO" branch $'x\u202ey\xc2\x9b2J' 2>&1 | od -c | head -3     # 342 200 256 / 302 233 = raw U+202E / U+009B
"$CONVO" checkout $'x\u202ey\xc2\x9b2J' 2>&1 | od -c | head -3
