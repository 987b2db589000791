"""Runs the official `openai` Python SDK against a running convo-emulator.

Usage: conformance.py --flavor openai|xai --base-url http://127.0.0.1:PORT/v1 --api-key KEY
Exits non-zero with a message naming the first check that failed.
"""

import argparse
import json
import re
import sys
import urllib.request

import openai
from openai import OpenAI

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print(f"  ok  {what}")


def text(error):
    """The error as a user sees it: the SDK's message plus the body it kept. For xAI's
    flat bodies the SDK's message is only "Error code: N", so the body carries the words."""
    return f"{error} {json.dumps(error.body)}"


def expect_error(kind, call):
    try:
        call()
    except kind as error:
        return error
    raise AssertionError(f"expected {kind.__name__}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flavor", required=True, choices=["openai", "xai"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    args = parser.parse_args()
    xai = args.flavor == "xai"
    model = "grok-4" if xai else "gpt-4o-mini"
    client = OpenAI(base_url=args.base_url, api_key=args.api_key, max_retries=2)
    print(f"conformance ({args.flavor}, openai {openai.__version__})")

    first = client.responses.create(model=model, input="My name is Alice", store=True)
    check(UUID.match(first.id) if xai else first.id.startswith("resp_"), f"response id shape: {first.id}")
    second = client.responses.create(model=model, input="What's my name?", previous_response_id=first.id, store=True)
    check("Alice" in second.output_text, f"turn 2 remembers the name: {second.output_text!r}")
    check(second.previous_response_id == first.id, "turn 2 echoes previous_response_id")
    check(second.usage.input_tokens > first.usage.input_tokens, "turn 2 bills the whole context as input")
    # Both providers cache only past a size (OpenAI: 1024 tokens; xAI: only under a prompt_cache_key), so a
    # short chained turn reports nothing cached; a long prompt sent again under one key does.
    check(second.usage.input_tokens_details.cached_tokens == 0, "a short chained turn reports nothing cached")
    long_prompt = " ".join(["the kettle sings while tea leaves unfurl"] * 200)
    key = {"prompt_cache_key": "conformance-cache"}
    cold = client.responses.create(model=model, input=long_prompt, extra_body=key)
    warm = client.responses.create(model=model, input=long_prompt, extra_body=key)
    check(cold.usage.input_tokens_details.cached_tokens == 0, "a long prompt's first request reports nothing cached")
    check(0 < warm.usage.input_tokens_details.cached_tokens <= warm.usage.input_tokens,
          f"the same long prompt again under one prompt_cache_key reports cached tokens "
          f"({warm.usage.input_tokens_details.cached_tokens} of {warm.usage.input_tokens})")

    fetched = client.responses.retrieve(second.id)
    check(fetched.id == second.id and fetched.output_text == second.output_text, "retrieve returns the stored response")
    items = client.responses.input_items.list(first.id)
    check([i.content[0].text for i in items.data] == ["My name is Alice"], "input_items lists the turn's input")

    if not xai:
        raw = client.responses.with_raw_response.retrieve(second.id).http_response.text
        pretty = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
        check(raw == pretty, "body is json.dumps(indent=2) byte for byte, no trailing newline")

    deltas, types, final = [], [], None
    for event in client.responses.create(model=model, input="Stream this please", stream=True):
        types.append(event.type)
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        if event.type == "response.completed":
            final = event.response
    check(len(deltas) > 1, f"stream sends several deltas ({len(deltas)})")
    check(final is not None and final.output_text == "".join(deltas), "joined deltas equal the final text")
    check(types[:2] == ["response.created", "response.in_progress"] and types[-1] == "response.completed",
          "stream starts with created, in_progress and ends with completed")

    deleted = client.responses.delete(first.id)
    check(deleted is None, "delete succeeds")
    gone = expect_error(openai.NotFoundError, lambda: client.responses.retrieve(first.id))
    check(gone.status_code == 404 and re.search(r"not[ _]found", text(gone), re.I), f"retrieve after delete: {text(gone)}")

    if xai:
        chained = expect_error(openai.NotFoundError, lambda: client.responses.create(
            model=model, input="Hi again", previous_response_id=first.id))
        # With a flat body the SDK keeps only the "error" string as `body`; the gRPC text
        # in "code" is visible only in the raw response.
        check(re.search(r"not[ _]found", text(chained), re.I), f"chaining to a deleted id: {text(chained)}")
        wire = chained.response.json()
        check(wire == {"code": "Some requested entity was not found", "error": chained.body},
              f"flat xAI error on the wire: {wire}")
        both = expect_error(openai.BadRequestError, lambda: client.responses.create(
            model=model, input="Hi", instructions="Be brief", previous_response_id=second.id))
        check("instructions and previous_response_id" in text(both), "instructions with previous_response_id is rejected")
    else:
        chained = expect_error(openai.BadRequestError, lambda: client.responses.create(
            model=model, input="Hi again", previous_response_id=first.id))
        check("previous_response_not_found" in text(chained), f"chaining to a deleted id: {text(chained)}")
        check(chained.code == "previous_response_not_found" and chained.param == "previous_response_id",
              f"the SDK reads the nested error: code={chained.code} param={chained.param}")

    wrong = OpenAI(base_url=args.base_url, api_key="wrong-key-that-is-long-enough", max_retries=0)
    kind = openai.BadRequestError if xai else openai.AuthenticationError
    denied = expect_error(kind, lambda: wrong.responses.retrieve(second.id))
    check("wrong-key-that-is-long-enough" not in text(denied), f"wrong key rejected without echoing it: {text(denied)}")

    fault = "status=429;retry-after=1;count=1;id=conformance"
    retried = client.responses.create(model=model, input="Retry me", extra_headers={"X-Emulator-Fault": fault})
    check(retried.output_text.startswith("Echo: Retry me"), "the SDK retries a 429 and then succeeds")
    root = args.base_url.rsplit("/v1", 1)[0]
    with urllib.request.urlopen(f"{root}/_emulator/requests") as answer:
        log = json.load(answer)["requests"]
    statuses = [r["status"] for r in log if r["fault"] == fault]
    check(statuses == [429, 200], f"the emulator saw the retry: {statuses}")
    check(all(r["authorization"] for r in log), "every request carried a key (the log never shows it)")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
