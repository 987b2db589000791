#!/usr/bin/env bash
# Runs every test tier: unit, in-process command and end-to-end (built binaries on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test "$@"
