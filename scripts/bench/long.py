#!/usr/bin/env python3
"""Issue 14's token table: a 300-turn conversation of ~300-token turns against convo-emulator with
--context-window 8000, tokens sent per turn (as the emulator counts them: one per word, every
/v1/responses and /v1/responses/compact request) for (a) server state, (b) full replay, (c) replay with
replay_strategy truncate, (d) replay with replay_strategy compact, (e) server state with compact_threshold
(half the window); whether turn 300 still knows the name told in turn 1; and what the server billed
(convo usage).

Usage: long.py BIN_DIR [TURNS] [WINDOW] [FLAVOR]   (defaults 300, 8000, xai)
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from say import KEY, start_emulator

FILLER = "the kettle sings while tea leaves unfurl slowly in warm water and we talk about gardens rivers and old maps"


def words(text):
    return len(text.split())


def item_tokens(item):
    if isinstance(item, str):
        return words(item)
    if item.get("type") == "compaction":
        # The emulator reads its own item as "[compacted N messages] my name is X".
        try:
            decoded = base64.b64decode(item["encrypted_content"][5:]).decode()
            summary = json.loads(decoded.split(":", 1)[1])
            return 3 + (4 if summary.get("name") else 0)
        except Exception:
            return 1
    content = item.get("content", "")
    if isinstance(content, str):
        return words(content)
    return sum(words(part.get("text", "")) for part in content)


def sent(root):
    """Tokens of every request logged since the last call, then clears the log."""
    with urllib.request.urlopen(root + "/_emulator/requests") as reply:
        entries = json.load(reply)["requests"]
    urllib.request.urlopen(urllib.request.Request(root + "/_emulator/requests", method="DELETE")).read()
    total = 0
    for entry in entries:
        if entry["method"] != "POST" or not entry["path"].startswith("/v1/responses"):
            continue
        body = json.loads(entry["body"]) if isinstance(entry["body"], str) else entry["body"]
        items = body.get("input", [])
        items = [items] if isinstance(items, str) else items
        total += sum(item_tokens(i) for i in items) + words(body.get("instructions") or "")
    return total


def message(i):
    if i == 1:
        return "Hello, my name is Alice. " + " ".join([FILLER] * 7)
    return f"Turn {i}: " + " ".join([FILLER] * 7)


def scenario(bin_dir, name, turns, window, flavor, config, say_flags):
    emulator, root = start_emulator(bin_dir, flavor, ["--context-window", str(window)])
    base = root + "/v1"
    env = dict(os.environ, CONVO_BASE_URL=base, CONVO_API_KEY=KEY, XAI_API_KEY=KEY, OPENAI_API_KEY=KEY, NO_COLOR="1")
    per_turn, failures, last = [], 0, ""
    try:
        with tempfile.TemporaryDirectory() as repo:
            def run(*args, check=True):
                return subprocess.run([os.path.join(bin_dir, "convo"), "-C", repo, *args], env=env, check=check,
                                      capture_output=True, text=True)
            # The flavour's own provider, so that OpenAI's context_management goes out with compact_threshold.
            run("init", "--provider", flavor, "--base-url", base)
            run("config", "model", "m1")
            for key, value in config:
                run("config", key, value)
            sent(root)
            for i in range(1, turns + 1):
                text = "What's my name?" if i == turns else message(i)
                result = run("say", "--no-stream", *([] if i == 1 else say_flags), text, check=False)
                if result.returncode != 0:
                    failures += 1
                last = result.stdout.strip()
                per_turn.append(sent(root))
            usage = json.loads(run("usage", "--json", check=False).stdout or "{}").get("total", {})
    finally:
        emulator.terminate()
        emulator.wait()
    return {"name": name, "per_turn": per_turn, "failures": failures, "last": last, "usage": usage}


def main():
    bin_dir = sys.argv[1]
    turns = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    window = int(sys.argv[3]) if len(sys.argv) > 3 else 8000
    flavor = sys.argv[4] if len(sys.argv) > 4 else "xai"
    known = [("model.m1.context_window", str(window))]
    runs = [
        scenario(bin_dir, "(a) server state", turns, window, flavor, known, []),
        scenario(bin_dir, "(b) full replay", turns, window, flavor, [("replay_strategy", "fail")], ["--replay"]),
        scenario(bin_dir, "(c) replay, truncate", turns, window, flavor, known + [("replay_strategy", "truncate")], ["--replay"]),
        scenario(bin_dir, "(d) replay, compact", turns, window, flavor, known + [("replay_strategy", "compact")], ["--replay"]),
        scenario(bin_dir, "(e) server state, compact_threshold", turns, window, flavor,
                 known + [("compact_threshold", str(window // 2))], []),
    ]
    print(f"{turns} turns of ~300 tokens, convo-emulator --flavor {flavor} --context-window {window}; tokens sent per turn")
    print("| turn | " + " | ".join(r["name"] for r in runs) + " |")
    print("|---:|" + "---:|" * len(runs))
    for t in sorted({1, 2, 3, 10, 25, 50, 100, 200, turns} & set(range(1, turns + 1))):
        print(f"| {t} | " + " | ".join(str(r["per_turn"][t - 1]) for r in runs) + " |")
    print("| total | " + " | ".join(str(sum(r["per_turn"])) for r in runs) + " |")
    print("| turns failed | " + " | ".join(str(r["failures"]) for r in runs) + " |")
    print("| turn 300 knows the name | " + " | ".join("yes" if "Alice" in r["last"] else "no" for r in runs) + " |")
    print()
    print("What the server billed for the conversation at turn 300 (convo usage --json, total):")
    print("| | " + " | ".join(r["name"] for r in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    for key in ["input_tokens", "cached_tokens", "output_tokens", "replays", "compactions", "cost_usd"]:
        print(f"| {key} | " + " | ".join(str(r["usage"].get(key, "")) for r in runs) + " |")
    a, b = runs[0]["per_turn"], runs[1]["per_turn"]
    if len(a) >= 100:
        full = sum(words(message(i)) * 2 for i in range(1, 101))
        print(f"turn 100 with state: {a[99]} tokens sent, {100 * a[99] / full:.1f}% of a full replay of 100 turns (~{full})")


if __name__ == "__main__":
    main()
