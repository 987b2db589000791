#!/usr/bin/env bash
# push, pull and clone of large histories through a bare git remote on the local file system, beside plain
# git moving the same remote (issue 15; figures in BENCHMARKS.md). Builds convo in release mode unless
# CONVO_BIN names a binary.
# Usage: scripts/bench-sync.sh [TURNS ...]   (default: 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CONVO_BIN:-}" ]; then
    source scripts/release-flags.sh
    swift build "${release_flags[@]}" --product convo >&2
    CONVO_BIN="$(swift build "${release_flags[@]}" --show-bin-path)/convo"
fi
convo="$CONVO_BIN"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" CONVO_API_KEY=unused
mkdir -p "$HOME"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; exit 1; }; end=$(date +%s.%N); python3 -c "print(f'{$end - $start:.2f}')"; }
kib() { du -sk "$1" | cut -f1; }

echo "git $(git --version | cut -d' ' -f3), $(nproc) cores"
printf '%-8s %-28s %10s %12s\n' turns step seconds size_KiB
for n in "${sizes[@]}"; do
    dir="$work/$n"
    mkdir -p "$dir/a"
    # 100 conversations of n/100 turns each, with answers a few lines long.
    python3 - "$n" > "$dir/history.jsonl" <<'PY'
import json, sys
n = int(sys.argv[1]); per = max(1, n // 100)
for i in range(n):
    c, k = divmod(i, per)
    print(json.dumps({"conversation": f"topic-{c}", "input": f"Question {k} of topic {c}: how does step {k} work?",
                      "output": f"Answer {k} of topic {c}.\nIt works like this: first, then, finally ({i}).\n",
                      "model": "grok-4", "created_at": f"2026-01-01T00:00:00Z"}))
PY
    (cd "$dir/a" && "$convo" init >/dev/null 2>&1 && "$convo" import ../history.jsonl >/dev/null 2>&1 && "$convo" config sync.name laptop)
    git init --quiet --bare "$dir/remote.git"
    (cd "$dir/a" && "$convo" remote add origin ../remote.git)
    printf '%-8s %-28s %10s %12s\n' "$n" "store (import)" "-" "$(kib "$dir/a/.convo/store.sqlite")"
    t=$(cd "$dir/a" && seconds "$convo" push)
    printf '%-8s %-28s %10s %12s\n' "$n" "push (all, 100 branches)" "$t" "$(kib "$dir/remote.git")"
    t=$(cd "$dir/a" && seconds "$convo" push)
    printf '%-8s %-28s %10s %12s\n' "$n" "push (no-op)" "$t" "-"
    t=$(cd "$dir" && seconds "$convo" clone remote.git b)
    printf '%-8s %-28s %10s %12s\n' "$n" "clone (fetch+check+adopt)" "$t" "$(kib "$dir/b/.convo")"
    t=$(cd "$dir/b" && seconds "$convo" pull)
    printf '%-8s %-28s %10s %12s\n' "$n" "pull (no-op)" "$t" "-"
    t=$(cd "$dir/b" && seconds "$convo" fsck)
    printf '%-8s %-28s %10s %12s\n' "$n" "fsck of the clone" "$t" "-"
    t=$(seconds git clone --quiet --mirror "$dir/remote.git" "$dir/mirror.git")
    printf '%-8s %-28s %10s %12s\n' "$n" "git clone --mirror (baseline)" "$t" "$(kib "$dir/mirror.git")"
    [ "$(cd "$dir/a" && "$convo" log --all --json | wc -l)" = "$(cd "$dir/b" && "$convo" log --all --json | wc -l)" ] || { echo "turn counts differ" >&2; exit 1; }
    rm -rf "$dir"
done
