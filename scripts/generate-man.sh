#!/usr/bin/env bash
# Regenerates the committed man pages (man/convo.1 and man/convo-<command>.1) from the command definitions,
# the same ones --help and the completion scripts come from. A test (ManualPageTests) fails when they are stale.
# View one without installing: man -l man/convo-log.1
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product convo >&2
bin="$(swift build --show-bin-path)/convo"
"$bin" --generate-manual man
