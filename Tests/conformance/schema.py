"""Validates convo-emulator's raw bodies against the OpenAPI subset in Tests/Fixtures/responses-api.

Usage: schema.py --flavor openai|xai --base-url http://127.0.0.1:PORT/v1 --api-key KEY
The subset copies only the Responses blocks verbatim (SOURCE.md); a $ref to a schema it does not hold
(tools, reasoning, annotations...) accepts anything and is listed once, so what is checked is what the
subset defines. Exits non-zero naming the first body that does not validate.
Where the 2026-08 spec and the recordings the emulator follows disagree, KNOWN names each difference and
the recording that decides it; it is printed, not failed.
"""

import argparse
import json
import pathlib
import re
import sys
import urllib.error
import urllib.request

import jsonschema
import yaml

SPEC = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "responses-api" / "openapi-responses-subset.yaml"


def load_spec():
    text = SPEC.read_text()
    spec = yaml.safe_load(text)
    schemas = spec["components"]["schemas"]
    missing = sorted(set(re.findall(r"#/components/schemas/(\w+)", text)) - set(schemas))
    for name in missing:
        schemas[name] = {}
    prune_alternatives(spec, set(missing))
    return spec, missing


def prune_alternatives(node, missing):
    """A oneOf alternative the subset lacks would match anything (and so make every oneOf
    ambiguous): drop it, keeping the alternatives the subset defines."""
    if isinstance(node, dict):
        for key in ("oneOf",):
            if isinstance(node.get(key), list):
                kept = [alt for alt in node[key] if not (isinstance(alt, dict) and alt.get("$ref", "").split("/")[-1] in missing)]
                if kept:
                    node[key] = kept
        for value in node.values():
            prune_alternatives(value, missing)
    elif isinstance(node, list):
        for value in node:
            prune_alternatives(value, missing)


def event_schemas(spec):
    """Event type -> the subset's schema for it. ResponseStreamEvent itself is an anyOf that includes
    events outside the subset, so it would accept any object."""
    names = {}
    for name, schema in spec["components"]["schemas"].items():
        enum = ((schema or {}).get("properties", {}).get("type") or {}).get("enum") or []
        if name.endswith("Event") and len(enum) == 1:
            names[enum[0]] = name
    return names


def validator(spec, name):
    root = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(root)


def request(base, key, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# Where the 2026-08 spec asks for more than any recording shows, the emulator follows the recordings.
KNOWN = {
    # Required by the spec's ResponseUsage; absent from every recorded usage (2025-09 to 2026-06).
    ("'cache_write_tokens' is a required property", ("usage", "input_tokens_details")),
    # The spec types `user` as a string; every recorded OpenAI body (openai-create-get-delete-get404...) sends null.
    ("None is not of type 'string'", ("user",)),
    ("None is not of type 'string'", ("response", "user")),
    # The spec's Response.usage is an object; every recorded response.created / in_progress event
    # (openai-stream-text-2025-09 and 2026-04, xai-stream-grok-4) carries "usage": null.
    ("None is not of type 'object'", ("response", "usage")),
    ("'cache_write_tokens' is a required property", ("response", "usage", "input_tokens_details")),
}


def is_known(error):
    return (error.message, tuple(error.absolute_path)) in KNOWN


def check(spec, name, body, what):
    errors = sorted(validator(spec, name).iter_errors(body), key=lambda e: list(e.absolute_path))
    for known in filter(is_known, errors):
        print(f"  known {what}: {known.message} at {list(known.absolute_path)} (the recordings decide)")
    errors = [e for e in errors if not is_known(e)]
    if errors:
        first = errors[0]
        raise AssertionError(f"{what} is not a {name}: {first.message} at {list(first.absolute_path)}")
    print(f"  ok  {what} validates as {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flavor", required=True, choices=["openai", "xai"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    args = parser.parse_args()
    spec, missing = load_spec()
    print(f"schema ({args.flavor}): {len(missing)} schemas outside the subset accept anything and are no oneOf alternative")
    model = "grok-4" if args.flavor == "xai" else "gpt-4o-mini"
    base, key = args.base_url, args.api_key

    status, text = request(base, key, "POST", "/responses", {"model": model, "input": "My name is Alice", "instructions": "Be brief."})
    assert status == 200, f"create: {status} {text}"
    first = json.loads(text)
    check(spec, "Response", first, "POST /responses")
    status, text = request(base, key, "POST", "/responses",
                           {"model": model, "input": [{"type": "message", "role": "user", "content": "What's my name?"}],
                            "previous_response_id": first["id"], "max_output_tokens": 2, "temperature": 0.5})
    assert status == 200, f"chained create: {status} {text}"
    check(spec, "Response", json.loads(text), "chained POST /responses cut by max_output_tokens")
    status, text = request(base, key, "GET", f"/responses/{first['id']}")
    check(spec, "Response", json.loads(text), "GET /responses/{id}")
    status, text = request(base, key, "GET", f"/responses/{first['id']}/input_items")
    check(spec, "ResponseItemList", json.loads(text), "GET /responses/{id}/input_items")

    events = []
    for extra in ({}, {"max_output_tokens": 2}):  # the second ends with response.incomplete
        status, text = request(base, key, "POST", "/responses", {"model": model, "input": "Hello, world!", "stream": True, **extra})
        streamed = [json.loads(line[len("data: "):]) for line in text.splitlines() if line.startswith("data: ")]
        assert streamed, f"stream: no events in {text!r}"
        events += streamed
    schemas = event_schemas(spec)
    for event in events:
        name = schemas.get(event.get("type"))
        assert name, f"stream event type {event.get('type')!r} has no schema in the subset"
        check(spec, name, event, f"stream event {event.get('type')}")

    if args.flavor == "openai":
        # xAI's flat {"code","error"} errors are not OpenAI's ErrorResponse, by design (SOURCE.md).
        status, text = request(base, key, "GET", "/responses/resp_0000")
        assert status == 404, f"missing: {status}"
        check(spec, "ErrorResponse", json.loads(text), "404 GET /responses/{missing}")
    print("schema: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"schema: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
