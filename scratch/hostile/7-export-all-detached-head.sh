#!/bin/bash
# export --all includes a turn only a detached HEAD reaches, without a conversation; import leaves it
# unreachable (not in log --all) and gc prunes it.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
start_emulator
mkdir src dst; cd src
"$CONVO" init >/dev/null 2>&1
"$CONVO" say --no-stream one >/dev/null 2>&1; "$CONVO" say --no-stream two >/dev/null 2>&1
"$CONVO" checkout HEAD~1 2>/dev/null; "$CONVO" say --no-stream "on a detached HEAD" >/dev/null 2>&1
"$CONVO" log --all --oneline; "$CONVO" export --all > ../all.jsonl
cd ../dst; "$CONVO" init >/dev/null 2>&1; "$CONVO" import ../all.jsonl
echo "--- after import:"; "$CONVO" log --all --oneline
"$CONVO" gc --prune=now 2>&1 | grep 'prune turn'
