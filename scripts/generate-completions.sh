#!/usr/bin/env bash
# Regenerates the committed shell completion scripts from the command definitions.
# A test (CompletionScriptTests) fails when the committed copies are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product convo >&2
bin="$(swift build --show-bin-path)/convo"
"$bin" --generate-completion-script bash > completions/convo.bash
"$bin" --generate-completion-script zsh > completions/_convo
"$bin" --generate-completion-script fish > completions/convo.fish
echo "wrote completions/convo.bash completions/_convo completions/convo.fish" >&2
