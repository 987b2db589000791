#!/bin/bash
# say's editor file (template quoting the previous turn) is created 0644 in the shared temp folder;
# and an editor that removes the file gives Foundation's raw NSError.
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
start_emulator
"$CONVO" init >/dev/null 2>&1
"$CONVO" say --no-stream "my secret is 42" >/dev/null 2>&1
umask 022
EDITOR='sh -c "stat -c \"mode %a\" \"\$1\"; grep secret \"\$1\"; exit 1" x' script -qc "$CONVO say" /dev/null </dev/null
EDITOR='sh -c "rm \"\$1\"" x' script -qc "$CONVO say; echo rc=\$?" /dev/null </dev/null
