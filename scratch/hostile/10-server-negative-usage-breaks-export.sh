#!/bin/bash
# A server reporting negative usage gets its turn committed; convo's own export --all is then refused by import.
# Also: a server id/model holding U+0000 reaches the same cut index row as defect 5 (fsck stale-index).
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
python3 "$HERE/hostile-server.py" > port.txt & SRV=$!; trap 'kill $SRV' EXIT; sleep 1; P=$(cat port.txt)
export CONVO_API_KEY=test-key
"$CONVO" init >/dev/null 2>&1
CONVO_BASE_URL=http://127.0.0.1:$P/negusage/v1 "$CONVO" say --no-stream hi; echo "say rc=$?"
CONVO_BASE_URL=http://127.0.0.1:$P/nulid/v1 "$CONVO" say --no-stream hi; echo "say rc=$?"
"$CONVO" fsck; echo "fsck rc=$?"
"$CONVO" export --all > all.jsonl
mkdir other; cd other; "$CONVO" init >/dev/null 2>&1; "$CONVO" import ../all.jsonl; echo "import of convo's own export rc=$?"
