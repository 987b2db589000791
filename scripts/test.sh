#!/usr/bin/env bash
# Runs every test tier: unit, in-process command and end-to-end (built binaries on 127.0.0.1),
# then the emulator's conformance with the official openai Python SDK (in a virtualenv under .build/).
# Arguments are passed to `swift test` (e.g. --filter ConvoStoreTests).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build "$@"
Tests/conformance/run.sh
