#!/usr/bin/env bash
# Makes llm logs databases with the REAL `llm` package from PyPI, for `convo import --from-llm` tests.
# For each llm version: a virtualenv under .build/llm-fixtures/, llm and a tiny offline model plugin
# (scripts/llm-fixture-plugin: model "parrot", no network), then a few prompts: a three-turn
# conversation (-c), a single prompt, a conversation with a system prompt, one more turn of the first
# conversation (--cid), and (llm 0.32+) a thread forked at the first answer and continued. Then the
# oldest version's database continued by the newest, as after an upgrade. The logs.db files land in OUT
# (default Tests/Fixtures/llm-generated); about a minute the first time (pip), 20 s after.
#
#   scripts/make-llm-fixtures.sh [OUT]          versions: LLM_VERSIONS="0.19 0.36" (old and new layout)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-Tests/Fixtures/llm-generated}
versions=${LLM_VERSIONS:-"0.19 0.36"}
work=.build/llm-fixtures
mkdir -p "$out" "$work"
plugin=$(pwd)/scripts/llm-fixture-plugin

for version in $versions; do
    venv=$work/venv-$version
    if [ ! -x "$venv/bin/llm" ]; then
        python3 -m venv "$venv"
        # httpx: llm 0.19 imports it without declaring it (it used to come with openai).
        "$venv/bin/pip" install -q --disable-pip-version-check "llm==$version" httpx "$plugin"
    fi
    home=$(mktemp -d)
    export LLM_USER_PATH=$home
    llm() { "$venv/bin/llm" "$@"; }
    # The first prompt makes the database; each -c continues the newest conversation.
    llm -m parrot "Hello, my name is Alice. Remember this." >/dev/null
    llm -m parrot -c "What's my name?" >/dev/null
    llm -m parrot -c "Plan three days in Rome" >/dev/null
    llm -m parrot "A separate question: what is 2+2?" >/dev/null
    # The first conversation's id (llm 0.36 keeps new conversations only as threads).
    cid=$(sqlite3 "$home/logs.db" "SELECT id FROM conversations ORDER BY rowid LIMIT 1" 2>/dev/null || true)
    if [ -z "$cid" ]; then cid=$(sqlite3 "$home/logs.db" "SELECT id FROM threads ORDER BY rowid LIMIT 1" 2>/dev/null || true); fi
    llm -m parrot -s "Answer in French." "Bonjour" >/dev/null
    if [ -n "$cid" ]; then llm -m parrot --cid "$cid" "Back to the first conversation" >/dev/null; fi
    # The new layout can fork a thread at an earlier message (llm's Python API; no CLI command yet).
    if [ -n "$(sqlite3 "$home/logs.db" "SELECT name FROM sqlite_master WHERE name = 'threads'")" ]; then
        "$venv/bin/python" "$plugin/fork_thread.py" "$home/logs.db" "$cid" "Plan a trip to Paris instead" >/dev/null
    fi
    # Upgrading: the old version's database, continued by the newest version listed.
    newest=${versions##* }
    if [ "$version" != "$newest" ]; then
        cp "$home/logs.db" "$work/upgrade-$version.db"
    fi
    cp "$home/logs.db" "$out/llm-$version-logs.db"
    sqlite3 "$out/llm-$version-logs.db" "VACUUM" 2>/dev/null || true
    echo "$out/llm-$version-logs.db: llm $("$venv/bin/llm" --version | awk '{print $NF}')"
    rm -rf "$home"
done

# A database begun by an old llm (conversations/responses) and continued by the newest (threads/turns):
# one more turn of the newest old conversation (-c) and a new conversation.
oldest=${versions%% *}
newest=${versions##* }
if [ "$oldest" != "$newest" ]; then
    home=$(mktemp -d)
    cp "$work/upgrade-$oldest.db" "$home/logs.db"
    export LLM_USER_PATH=$home
    "$work/venv-$newest/bin/llm" -m parrot -c "Continued after upgrading llm" >/dev/null
    "$work/venv-$newest/bin/llm" -m parrot "A new conversation after upgrading" >/dev/null
    cp "$home/logs.db" "$out/llm-$oldest-then-$newest-logs.db"
    sqlite3 "$out/llm-$oldest-then-$newest-logs.db" "VACUUM"
    echo "$out/llm-$oldest-then-$newest-logs.db: llm $oldest, then llm $newest"
    rm -rf "$home"
fi
