#!/usr/bin/env python3
"""Writes a deterministic JSON Lines corpus of conversations for `convo import`.

Usage: corpus.py TURNS [SEED] [--length L] > corpus.jsonl

The same TURNS and SEED (and L) always give the same bytes. Conversations of 3-40 turns; one in ten forks
from a turn of an earlier conversation (through "parent"). With --length L every conversation has exactly
L turns and none forks: `--length 10000` on 10000 turns is the "deep" corpus (one conversation),
`--length 10` on 100000 turns the "large" one (10,000 conversations). A few instructions repeat across
conversations, as system prompts do; answers are several paragraphs, inputs one to three sentences. Prints the raw text size
(the sum of the UTF-8 bytes of every input, output and instructions) on stderr as `raw_text_bytes N`.
"""
import bisect
import itertools
import json
import random
import sys

def main():
    arguments = sys.argv[1:]
    fixed = None
    if "--length" in arguments:
        at = arguments.index("--length")
        fixed = int(arguments[at + 1])
        del arguments[at:at + 2]
    turns = int(arguments[0])
    rng = random.Random(int(arguments[1]) if len(arguments) > 1 else 42)
    syllables = ["ka", "lo", "mi", "ren", "sta", "vo", "tri", "el", "an", "dor", "pe", "qui", "sol", "mar", "ti",
                 "ne", "gra", "phi", "lu", "ber", "co", "den", "sa", "ri", "um", "ex", "ol", "ta", "vin", "ser"]
    common = ["the", "a", "of", "to", "and", "in", "is", "it", "that", "for", "you", "with", "on", "as", "this",
              "be", "are", "can", "your", "we", "or", "by", "from", "not", "but", "what", "how", "when", "which"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(8000)})
    rng.shuffle(vocabulary)
    # Word frequencies follow Zipf's law, as in natural language: the r-th word is used in proportion to 1/r.
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))

    def word():
        if rng.random() < 0.3:
            return rng.choice(common)
        return vocabulary[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def sentence():
        words = [word() for _ in range(rng.randint(6, 22))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice([".", ".", ".", "?", "!"])

    def paragraph(low, high):
        return " ".join(sentence() for _ in range(rng.randint(low, high)))

    instructions = [paragraph(2, 4) for _ in range(5)]
    raw = 0
    written = 0
    conversation = 0
    while written < turns:
        length = min(fixed if fixed else rng.randint(3, 40), turns - written)
        name = f"conv-{conversation}"
        system = rng.choice(instructions) if rng.random() < 0.7 else None
        first_parent = None
        if not fixed and conversation > 0 and rng.random() < 0.1:
            first_parent = rng.randrange(written)  # fork from an earlier line
        for index in range(length):
            line = {
                "conversation": name,
                "input": paragraph(1, 3) + (
                    "\n\n" + "\n\n".join(paragraph(3, 6) for _ in range(rng.randint(2, 6))) if rng.random() < 0.2 else ""),
                "output": "\n\n".join(paragraph(2, 6) for _ in range(rng.randint(2, 7))),
                "model": rng.choice(["grok-4", "grok-4", "grok-4-fast", "gpt-4.1-mini"]),
                "created_at": f"2026-{1 + written % 12:02d}-{1 + written % 28:02d}T{written % 24:02d}:{written % 60:02d}:{(written * 7) % 60:02d}Z",
                "response_id": f"resp_{rng.getrandbits(96):024x}",
                "usage": {"input_tokens": rng.randint(20, 9000), "output_tokens": rng.randint(20, 1500)},
            }
            if system:
                line["instructions"] = system
                if index == 0:
                    raw += len(system.encode())
            if index == 0 and first_parent is not None:
                line["parent"] = first_parent
            raw += len(line["input"].encode()) + len(line["output"].encode())
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
        conversation += 1
    print(f"raw_text_bytes {raw}", file=sys.stderr)

if __name__ == "__main__":
    main()
