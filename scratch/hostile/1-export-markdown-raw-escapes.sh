#!/bin/bash
# export --format markdown on a terminal prints stored escape sequences raw (OSC 52, ESC[2J, U+202E).
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
"$CONVO" init >/dev/null 2>&1
printf '{"input":"hi \\u001b]52;c;aGk=\\u0007 \\u001b[2J \\u202e","output":"o \\u001b[2J"}\n' > evil.jsonl
"$CONVO" import evil.jsonl 2>/dev/null
echo "--- log on a tty (escaped):"; script -qc "$CONVO --no-pager log --oneline" /dev/null | cat -v
echo "--- export --format markdown on a tty (raw ESC bytes below = defect):"
script -qc "$CONVO export --format markdown" /dev/null | grep -a -c $'\e' | sed 's/^/lines with a raw ESC: /'
