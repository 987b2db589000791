#!/usr/bin/env bash
# convo beside git on the same turns, in one run: start-up and `log -n 20` times (hyperfine) and the
# instruction counts of the start-up tasks (callgrind), on a deep corpus (one conversation of 10,000
# turns) and, with --large, a large one (10,000 conversations of 10 turns). Figures in BENCHMARKS.md.
# Usage: scripts/bench-vs-git.sh [--large] [--turns N]
# Needs git, hyperfine, valgrind (callgrind_annotate) and strip. BENCH_BINARY=path skips the build;
# BENCH_KEEP=DIR keeps the repositories and profiles (read them with callgrind_annotate --inclusive=yes).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in git hyperfine valgrind strip; do
    command -v "$tool" >/dev/null || { echo "bench-vs-git: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done
if [ -z "${BENCH_BINARY:-}" ]; then
    # As scripts/install.sh builds it: release, static Swift runtime.
    source scripts/release-flags.sh
    swift build "${release_flags[@]}" --product convo >&2
    BENCH_BINARY="$(swift build "${release_flags[@]}" --show-bin-path)/convo"
fi
exec python3 scripts/bench/vsgit.py "$BENCH_BINARY" "$@"
