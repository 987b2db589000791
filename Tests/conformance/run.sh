#!/usr/bin/env bash
# Conformance with the official client: runs the `openai` Python SDK against the built
# convo-emulator, once per flavour, and validates its raw bodies against the OpenAPI subset (schema.py). Run after `swift build --product convo-emulator`.
# CONVO_EMULATOR overrides the binary; CONFORMANCE_VENV the virtualenv location.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${CONVO_EMULATOR:-$root/.build/debug/convo-emulator}"
venv="${CONFORMANCE_VENV:-$root/.build/conformance-venv}"

if [ ! -x "$bin" ]; then
    echo "conformance: $bin not found; run 'swift build --product convo-emulator' first" >&2
    exit 1
fi
if ! "$venv/bin/python" -c "import openai, jsonschema, yaml" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check openai jsonschema pyyaml
fi

tmp="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

for flavor in openai xai; do
    key="conformance-$flavor-key-0123456789"
    "$bin" --flavor "$flavor" --api-key "$key" --port 0 >"$tmp/$flavor.out" 2>"$tmp/$flavor.err" &
    pids+=("$!")
    url=""
    for _ in $(seq 1 100); do
        url="$(sed -n 's/^listening on //p' "$tmp/$flavor.out")"
        [ -n "$url" ] && break
        sleep 0.1
    done
    if [ -z "$url" ]; then
        echo "conformance: convo-emulator ($flavor) did not print 'listening on'" >&2
        cat "$tmp/$flavor.err" >&2
        exit 1
    fi
    "$venv/bin/python" "$here/conformance.py" --flavor "$flavor" --base-url "$url/v1" --api-key "$key"
    "$venv/bin/python" "$here/schema.py" --flavor "$flavor" --base-url "$url/v1" --api-key "$key"
done
echo "conformance: all checks passed"
