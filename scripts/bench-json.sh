#!/bin/sh
# JSON decode/encode speed. Figures in BENCHMARKS.md.
#
#   scripts/bench-json.sh micro [REV]   decode and encode of one typical turn (scripts/bench/json-micro.swift),
#                                       compiled with swiftc -O against Sources/ConvoJSON and, given REV from
#                                       before ConvoJSON (e.g. e50cdbb), against that revision's
#                                       ConvoStore/JSONValue.swift, so both compile the same way
#   scripts/bench-json.sh paths TURNS BINARY...   import, export --all and fsck of whole binaries on one
#                                       corpus (scripts/bench/jsonpaths.py); noisy on a shared machine
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "${1:-micro}" in
micro)
    cp scripts/bench/json-micro.swift "$work/main.swift"
    if [ $# -ge 2 ]; then
        git show "$2:Sources/ConvoStore/JSONValue.swift" >"$work/old.swift"
        # The old file used ConvoStore's internal Hex; the same lowercase hex, standalone.
        echo 'enum Hex { static func encode(_ b: some Sequence<UInt8>) -> String { b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() } }' >"$work/hex.swift"
        swiftc -O -o "$work/before" "$work/main.swift" "$work/old.swift" "$work/hex.swift"
        echo "before ($2):"
        "$work/before"
    fi
    swiftc -O -o "$work/after" "$work/main.swift" Sources/ConvoJSON/*.swift
    echo "ConvoJSON:"
    "$work/after"
    ;;
paths)
    shift
    exec python3 scripts/bench/jsonpaths.py "$@"
    ;;
esac
