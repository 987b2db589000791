#!/bin/bash
# Branches 'a' and 'a/b' can both be made, and then push fails with git's raw D/F error (exit 1).
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
start_emulator
"$CONVO" init >/dev/null 2>&1
"$CONVO" say --no-stream hi >/dev/null 2>&1
git init -q --bare remote.git
"$CONVO" remote add origin "$WORK/remote.git"
"$CONVO" branch a; "$CONVO" branch a/b
"$CONVO" push; echo "push rc=$?"
"$CONVO" push origin a/b; echo "push a/b rc=$?"
