#!/bin/bash
# An imported model/response_id holding U+0000 is cut at the NUL in turn_index: fsck exits 1 (stale-index)
# on a repository convo wrote, and fsck --rebuild-index does not clear it.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$CONVO" init >/dev/null 2>&1
printf '{"input":"i","output":"o","model":"a\\u0000b"}\n' > nul.jsonl
"$CONVO" import nul.jsonl; echo "import rc=$?"
"$CONVO" fsck; echo "fsck rc=$?"
"$CONVO" fsck --rebuild-index; echo "fsck --rebuild-index rc=$?"
"$CONVO" log --format='%m|' | od -c | head -2
