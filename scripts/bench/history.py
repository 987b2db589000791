"""Figures for issue 5's history commands: `import --from-llm` on a large llm logs database (the older
layout, filled from the llm 0.19 fixture's own schema) and `diff` on two long answers.
Usage: python3 scripts/bench/history.py BIN_DIR [RESPONSES] [ANSWER_LINES]"""
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

bin_dir = sys.argv[1]
responses = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
answer_lines = int(sys.argv[3]) if len(sys.argv) > 3 else 5_000
convo = os.path.join(bin_dir, "convo")
here = os.path.dirname(os.path.abspath(__file__))
fixture = os.path.join(here, "..", "..", "Tests", "Fixtures", "llm-generated", "llm-0.19-logs.db")
rng = random.Random(5)
words = [f"w{i}" for i in range(2000)]


def sentence(n):
    return " ".join(rng.choice(words) for _ in range(n))


def run(work, *args):
    started = time.perf_counter()
    result = subprocess.run([convo, "-C", work, *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"convo {' '.join(args)} failed: {result.stderr}")
    return elapsed, result


with tempfile.TemporaryDirectory() as work:
    # An llm database with `responses` responses in conversations of 10.
    db_path = os.path.join(work, "logs.db")
    shutil.copy(fixture, db_path)
    db = sqlite3.connect(db_path)
    db.execute("DELETE FROM responses")
    db.execute("DELETE FROM conversations")
    for c in range(0, responses, 10):
        cid = f"conv{c:08d}"
        db.execute("INSERT INTO conversations (id, name, model) VALUES (?, ?, ?)", (cid, sentence(6), "parrot"))
        for t in range(min(10, responses - c)):
            db.execute(
                "INSERT INTO responses (id, model, prompt, response, conversation_id, datetime_utc, input_tokens, output_tokens, options_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')",
                (f"r{c + t:09d}", "parrot", sentence(20), "\n".join(sentence(12) for _ in range(8)), cid,
                 f"2026-01-01T00:{(c // 600) % 60:02d}:{t:02d}.{c:06d}", 20, 96))
    db.commit()
    db.close()
    run(work, "init")
    first, result = run(work, "import", "--json", "--from-llm", db_path)
    imported = json.loads(result.stdout)
    again, result = run(work, "import", "--json", "--from-llm", db_path)
    print(f"import --from-llm: {responses:,} responses in {responses // 10:,} conversations: "
          f"{first:.2f} s ({imported['new_turns'] / first:,.0f} turns/s); again (nothing new): {again:.2f} s; "
          f"database {os.path.getsize(db_path) / 1e6:.1f} MB")

    # Two answers of `answer_lines` lines, one in ten lines changed, inserted or removed.
    old = [sentence(10) for _ in range(answer_lines)]
    new = []
    for line in old:
        roll = rng.random()
        if roll < 0.033:
            continue
        if roll < 0.066:
            new.append(sentence(10))
        new.append(sentence(10) if 0.066 <= roll < 0.1 else line)
    lines = [
        {"input": "q", "output": "\n".join(old), "conversation": "a", "parent": None},
        {"input": "q", "output": "\n".join(new), "conversation": "b", "parent": None},
    ]
    transcript = os.path.join(work, "answers.jsonl")
    with open(transcript, "w") as out:
        out.write("\n".join(json.dumps(line) for line in lines) + "\n")
    run(work, "import", transcript)
    times = []
    for _ in range(5):
        elapsed, result = run(work, "diff", "a", "b")
        times.append(elapsed)
    hunks = result.stdout.count("\n@@ ")
    _, version = run(work, "--version")
    start = statistics.median(run(work, "--version")[0] for _ in range(5))
    print(f"diff of two {answer_lines:,}-line answers ({len(new):,} lines, {hunks} hunks): median of 5 "
          f"{statistics.median(times) * 1000:.0f} ms (process start alone {start * 1000:.0f} ms)")
