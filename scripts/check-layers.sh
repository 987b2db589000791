#!/bin/sh
# Fails when a target under Sources/ imports across one of the layer rules (Sources/README.md):
# storage knows no network, the client knows no storage, use cases know no terminal and no SQL, the commands
# know only the use cases, the emulator shares no model with the client.
#
# Usage: scripts/check-layers.sh [ROOT]   (ROOT: the folder holding Sources/, default this repository)
# Prints one line per violation, "FILE:LINE: TARGET imports MODULE (rule)", and exits 1; exits 0 when clean.
# Run by Tests/EndToEndTests/LayerRuleTests.swift, so CI fails on a violation.
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# The rules: TARGET followed by the modules it must never import (a trailing * matches any suffix).
rules() {
    cat <<'RULES'
ConvoJSON ConvoStore ConvoKit ConvoCLI ResponsesAPI ResponsesEmulator GRDB CZlib AsyncHTTPClient NIO* ArgumentParser Hummingbird* CEditLine
ConvoStore ResponsesAPI ConvoKit ConvoCLI ResponsesEmulator AsyncHTTPClient NIO* Hummingbird* ArgumentParser CEditLine
ResponsesAPI ConvoStore ConvoKit ConvoCLI ResponsesEmulator GRDB CZlib ArgumentParser Hummingbird* CEditLine
ConvoKit ConvoCLI ResponsesEmulator ArgumentParser Hummingbird* GRDB CZlib CEditLine
LLMLogs ConvoStore ConvoKit ConvoCLI ResponsesAPI ResponsesEmulator ConvoJSON AsyncHTTPClient NIO* ArgumentParser Hummingbird* CEditLine
ConvoCLI ConvoStore ConvoJSON ResponsesAPI ResponsesEmulator GRDB CZlib AsyncHTTPClient NIO* Hummingbird*
ResponsesEmulator ConvoStore ResponsesAPI ConvoKit ConvoCLI ConvoJSON GRDB CZlib CEditLine
convo-emulator ConvoStore ResponsesAPI ConvoKit ConvoCLI ConvoJSON GRDB CZlib CEditLine
convo ConvoStore ConvoKit ResponsesAPI ConvoJSON GRDB CZlib AsyncHTTPClient NIO* ResponsesEmulator CEditLine
RULES
}

found=0
for folder in Sources/*/; do
    target=$(basename "$folder")
    forbidden=$(rules | awk -v t="$target" '$1 == t { for (i = 2; i <= NF; i++) printf "%s ", $i }')
    [ -n "$forbidden" ] || continue
    # Every `import M`, `@preconcurrency import M`, `public import M`, `import struct M.X`, as FILE:LINE:MODULE.
    imports=$(find "$folder" -name '*.swift' -print | sort | while read -r file; do
        awk -v f="$file" '
            /^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]/ {
                line = $0
                sub(/^.*import[[:space:]]+/, "", line)
                sub(/^(typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+/, "", line)
                sub(/[.[:space:]].*$/, "", line)
                print f ":" FNR ":" line
            }' "$file"
    done)
    [ -n "$imports" ] || continue
    for module_rule in $forbidden; do
        echo "$imports" | while IFS=: read -r file line module; do
            case "$module" in
            $module_rule) echo "$file:$line: $target imports $module (forbidden: $target must not import $module_rule)" ;;
            esac
        done
    done
done > "${TMPDIR:-/tmp}/check-layers.$$"
if [ -s "${TMPDIR:-/tmp}/check-layers.$$" ]; then
    cat "${TMPDIR:-/tmp}/check-layers.$$"
    found=1
fi
rm -f "${TMPDIR:-/tmp}/check-layers.$$"
[ "$found" = 0 ] && echo "layers ok: no target imports across a rule" >&2
exit "$found"
