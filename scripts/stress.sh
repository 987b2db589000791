#!/usr/bin/env bash
# Stress harness for "never lose an answer" (issue 9): many processes on one repository, and kill -9.
#
#   scripts/stress.sh [--rounds N] [--says N] [--kills N] [--gcs N] [--latency-ms N] [--bin DIR]
#
# Against convo-emulator (xai flavour, with latency), each round:
#   1. runs --says concurrent `convo say` on one branch while --gcs `gc --prune=now`, an `import` of a
#      scratch conversation and its `branch -D` run at the same time;
#   2. starts say, import, gc and fetch one at a time (picked at random) and kills each with SIGKILL after
#      a random delay, until --kills processes died of it (one that finished first is not counted);
#   3. imports any rescue files (`.convo/rescue/*.jsonl`), runs `gc --prune=now` and `fsck`, and checks:
#      - every response the emulator's request log shows as served with 200 is in the repository (after
#        that gc, whatever is stored is reachable). The request's new user message names the say that
#        sent it (each say's message is unique). A response may be missing only when the harness
#        killed that say itself (exit 137) — it may have died before committing; a say that exited on
#        its own, with any status, must have kept its answer or written it to a rescue file;
#      - history is all-or-nothing per command: every killed import of 3 lines left 0 or 3 turns.
# It prints rounds, kills, responses served, kept, allowed losses (killed before commit), lost and fsck
# failures, and exits 1 unless lost and fsck failures are 0. Binaries: --bin DIR (default
# .build/release if it holds convo, else .build/debug). Needs python3, sqlite3 and curl.
set -uo pipefail
cd "$(dirname "$0")/.."

rounds=1 says=16 kills=200 gcs=3 latency=100 bin=
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --says) says=$2; shift 2 ;;
        --kills) kills=$2; shift 2 ;;
        --gcs) gcs=$2; shift 2 ;;
        --latency-ms) latency=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "stress: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$bin" ]; then
    if [ -x .build/release/convo ]; then bin=.build/release; else bin=.build/debug; fi
fi
bin=$(cd "$bin" && pwd)
for tool in "$bin/convo" "$bin/convo-emulator"; do
    [ -x "$tool" ] || { echo "stress: $tool is missing: swift build first" >&2; exit 2; }
done
convo=$bin/convo

work=$(mktemp -d "${TMPDIR:-/tmp}/convo-stress.XXXXXX")
emulator_pid=
cleanup() {
    [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
[ -n "${STRESS_KEEP:-}" ] && trap 'echo "stress: kept $work" >&2; kill "$emulator_pid" 2>/dev/null' EXIT

"$bin/convo-emulator" --flavor xai --api-key stress --latency-ms "$latency" > "$work/emulator.out" 2> "$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")
[ -n "$url" ] || { echo "stress: the emulator did not start: $(cat "$work/emulator.err")" >&2; exit 1; }

export CONVO_BASE_URL=$url/v1 CONVO_API_KEY=stress NO_COLOR=1
export XDG_STATE_HOME=$work/state XDG_DATA_HOME=$work/data
repo=$work/repo
mkdir -p "$repo" "$work/exits"
cd "$repo"
"$convo" init --provider xai >/dev/null 2>&1 || { echo "stress: convo init failed" >&2; exit 1; }

total_kills=0 served=0 kept=0 allowed=0 lost=0 fsck_failures=0 partial_imports=0
killed_by=(say import gc fetch)
declare -A kill_counts=([say]=0 [import]=0 [gc]=0 [fetch]=0)

# A say whose exit status is recorded under its message.
say() { "$convo" say --no-stream "$1" >/dev/null 2>>"$work/say.err"; echo $? > "$work/exits/$1"; }

# Three lines that continue nothing: a conversation of their own.
transcript() {
    local name=$1 file=$work/$1.jsonl
    : > "$file"
    for line in 1 2 3; do
        printf '{"conversation":"%s","input":"%s line %s","output":"ok %s"}\n' "$name" "$name" "$line" "$line" >> "$file"
    done
    echo "$file"
}

random_ms() { awk -v r="$RANDOM" -v m="$1" 'BEGIN { printf "%.3f", (r % m) / 1000 }'; }

for round in $(seq "$rounds"); do
    # 1. Concurrent says on one branch, with gc, import and branch -D running meanwhile.
    pids=()
    for i in $(seq "$says"); do say "stress r$round s$i" & pids+=($!); done
    for g in $(seq "$gcs"); do ("$convo" gc --prune=now >/dev/null 2>>"$work/gc.err") & pids+=($!); done
    (
        name=scratch-r$round
        "$convo" import "$(transcript "$name")" >/dev/null 2>>"$work/import.err" \
            && "$convo" branch -D "$name" >/dev/null 2>>"$work/import.err"
    ) &
    pids+=($!)
    wait "${pids[@]}"

    # 2. Kill -9 at random moments.
    round_kills=0 k=0
    while [ "$round_kills" -lt "$kills" ] && [ "$k" -lt $((kills * 10)) ]; do
        k=$((k + 1))
        kind=${killed_by[$((RANDOM % 4))]}
        case $kind in
            say)
                message="stress r$round k$k"
                "$convo" say --no-stream "$message" >/dev/null 2>>"$work/say.err" &
                ;;
            import) "$convo" import "$(transcript "kill-r$round-k$k")" >/dev/null 2>>"$work/import.err" & ;;
            gc) "$convo" gc --prune=now >/dev/null 2>>"$work/gc.err" & ;;
            fetch)
                id=$(sqlite3 -readonly .convo/store.sqlite \
                    "SELECT response_id FROM turn_index WHERE response_id IS NOT NULL ORDER BY random() LIMIT 1" 2>/dev/null)
                "$convo" fetch "${id:-missing}" >/dev/null 2>>"$work/fetch.err" &
                ;;
        esac
        pid=$!
        sleep "$(random_ms $((latency * 2 + 100)))"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        status=$?
        [ "$kind" = say ] && echo "$status" > "$work/exits/$message"
        if [ "$status" = 137 ]; then
            round_kills=$((round_kills + 1))
            total_kills=$((total_kills + 1))
            kill_counts[$kind]=$((kill_counts[$kind] + 1))
        fi
    done

    # 3. Recover rescued answers, prune everything unreachable, check.
    for file in .convo/rescue/*.jsonl "$XDG_STATE_HOME"/convo/rescue/*.jsonl; do
        [ -f "$file" ] || continue
        if "$convo" import "$file" >/dev/null 2>>"$work/rescue.err"; then mv "$file" "$file.imported"; fi
    done
    "$convo" gc --prune=now >/dev/null 2>>"$work/gc.err" || echo "stress: round $round: the final gc failed: $(tail -1 "$work/gc.err")" >&2
    if ! "$convo" fsck > "$work/fsck.out" 2>&1; then
        fsck_failures=$((fsck_failures + 1))
        echo "stress: round $round: fsck failed:" >&2
        cat "$work/fsck.out" >&2
    fi
    curl -sf "$url/_emulator/requests" > "$work/requests.json"
    curl -sf -X DELETE "$url/_emulator/requests" >/dev/null
    sqlite3 -readonly .convo/store.sqlite "SELECT input_line FROM turn_index" > "$work/stored.txt"
    read -r r_served r_kept r_allowed r_lost r_partial < <(python3 - "$work" "$round" <<'EOF'
import json, os, sys
work, round_ = sys.argv[1], sys.argv[2]
requests = json.load(open(os.path.join(work, "requests.json")))["requests"]
stored = set(open(os.path.join(work, "stored.txt"), encoding="utf-8").read().split("\n"))
served = kept = allowed = lost = 0
for request in requests:
    if request["method"] != "POST" or request["status"] != 200 or not isinstance(request.get("body"), dict):
        continue
    users = [item for item in request["body"].get("input", []) if isinstance(item, dict) and item.get("role") == "user"]
    if not users:
        continue
    message = users[-1].get("content")
    if not isinstance(message, str) or not message.startswith(f"stress r{round_} "):
        continue
    served += 1
    if message in stored:
        kept += 1
        continue
    try:
        status = open(os.path.join(work, "exits", message)).read().strip()
    except OSError:
        status = "?"
    if status == "137":
        allowed += 1
    else:
        lost += 1
        print(f"stress: LOST: '{message}' was served (200) but is not stored; say exited {status}", file=sys.stderr)
partial = 0
counts = {}
for line in stored:
    if line.startswith(f"kill-r{round_}-"):
        name = line.rsplit(" line ", 1)[0]
        counts[name] = counts.get(name, 0) + 1
for name, count in counts.items():
    if count != 3:
        partial += 1
        print(f"stress: PARTIAL: import {name} left {count} of 3 turns", file=sys.stderr)
print(served, kept, allowed, lost, partial)
EOF
)
    served=$((served + r_served)) kept=$((kept + r_kept)) allowed=$((allowed + r_allowed))
    lost=$((lost + r_lost)) partial_imports=$((partial_imports + r_partial))
    echo "round $round: served $r_served, kept $r_kept, killed before commit $r_allowed, lost $r_lost, partial imports $r_partial" >&2
done

echo "rounds: $rounds"
echo "concurrent says per round: $says, gc --prune=now per round: $gcs, emulator latency: ${latency} ms"
echo "kills: $total_kills, $kills a round (say ${kill_counts[say]}, import ${kill_counts[import]}, gc ${kill_counts[gc]}, fetch ${kill_counts[fetch]})"
echo "responses served: $served"
echo "responses kept: $kept"
echo "killed before commit: $allowed"
echo "lost: $lost"
echo "partial imports: $partial_imports"
echo "fsck failures: $fsck_failures"
[ "$lost" = 0 ] && [ "$fsck_failures" = 0 ] && [ "$partial_imports" = 0 ]
