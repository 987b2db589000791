#!/usr/bin/env bash
# End-to-end check of `convo import --from-llm` on logs databases that the real llm package writes now:
# makes fresh ones with scripts/make-llm-fixtures.sh (needs pip; the virtualenvs are cached under
# .build/llm-fixtures/), imports each into a new repository with the built convo, and checks the branches
# and the first conversation. Run by .ci/run after the test suite; about 20 s once the virtualenvs exist.
set -euo pipefail
cd "$(dirname "$0")/.."
convo=${CONVO:-$(pwd)/.build/debug/convo}
[ -x "$convo" ] || swift build --product convo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/make-llm-fixtures.sh "$work/fixtures" >/dev/null
for db in "$work"/fixtures/*.db; do
    repo=$work/repo-$(basename "$db" .db)
    mkdir -p "$repo"
    "$convo" -C "$repo" init >/dev/null
    "$convo" -C "$repo" import --from-llm "$db" 2>/dev/null
    "$convo" -C "$repo" import --from-llm "$db" --json | grep -q '"new_turns":0' || { echo "re-import of $db added turns"; exit 1; }
    first=$("$convo" -C "$repo" log --json --reverse llm/hello-my-name-is-alice-rememb | grep -o '"input":"[^"]*"')
    expected='"input":"Hello, my name is Alice. Remember this."
"input":"What'"'"'s my name?"
"input":"Plan three days in Rome"
"input":"Back to the first conversation"'
    [ "$first" = "$expected" ] || { printf 'unexpected history from %s:\n%s\n' "$db" "$first"; exit 1; }
    echo "ok: $(basename "$db"): $("$convo" -C "$repo" branch | grep -c llm/) llm branches"
    "$convo" -C "$repo" fsck >/dev/null 2>&1
done
