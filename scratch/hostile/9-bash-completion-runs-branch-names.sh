#!/bin/bash
# HIGH: bash completion (compgen -W) expands candidates; a branch name from an imported transcript runs code on Tab.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$CONVO" init >/dev/null 2>&1
printf '{"input":"hi","output":"there","conversation":"notes/$(touch${IFS}%s/PWNED)"}\n' "$WORK" > t.jsonl
"$CONVO" import t.jsonl
mkdir bin; ln -s "$CONVO" bin/convo; "$CONVO" completion bash > convo.bash
PATH="$WORK/bin:$PATH" bash -c 'source ./convo.bash
COMP_WORDS=(convo checkout ""); COMP_CWORD=2; COMP_LINE="convo checkout "; COMP_POINT=${#COMP_LINE}
_convo convo "" checkout; printf "candidate: %s\n" "${COMPREPLY[@]}"'
ls -la "$WORK/PWNED" && echo "DEFECT: Tab completion ran the branch name"
