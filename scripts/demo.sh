#!/usr/bin/env bash
# The offline tour (scripts/tour.sh) from a fresh debug build, for working on convo itself: builds convo
# and convo-emulator, then runs the tour against the emulator (no API key needed).
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product convo >&2
swift build --product convo-emulator >&2
env -u XAI_API_KEY -u OPENAI_API_KEY scripts/tour.sh --bin-dir "$(swift build --show-bin-path)"
