#!/usr/bin/env python3
"""Turns a corpus.py JSON Lines file into a `git fast-import` stream: the same turns as git commits.

Usage: gitcorpus.py CORPUS.jsonl | git fast-import --quiet

One commit per line. The commit message is the turn's input; the tree holds the answer (`output.md`) and,
when the turn has them, its instructions (`instructions.md`). Lines chain as convo's import chains them:
same `conversation` in file order, or the line numbered by `parent`; each conversation's last turn is
branch `refs/heads/<conversation>`. Dates are the turns' `created_at`, so the stream is deterministic.
"""
import datetime
import json
import sys


def data(out, text):
    encoded = text.encode()
    out.write(b"data %d\n" % len(encoded))
    out.write(encoded)
    out.write(b"\n")


def main():
    out = sys.stdout.buffer
    last = {}  # conversation -> mark of its newest turn
    with open(sys.argv[1], encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            turn = json.loads(line)
            mark = number + 1
            conversation = turn.get("conversation", "main")
            parent = turn["parent"] + 1 if "parent" in turn else last.get(conversation)
            when = int(datetime.datetime.fromisoformat(turn["created_at"].replace("Z", "+00:00")).timestamp())
            out.write(b"commit refs/heads/%s\nmark :%d\n" % (conversation.encode(), mark))
            out.write(b"author %s <model@convo> %d +0000\n" % (turn.get("model", "model").encode(), when))
            out.write(b"committer convo <convo@convo> %d +0000\n" % when)
            data(out, turn["input"])
            if parent is not None:
                out.write(b"from :%d\n" % parent)
            out.write(b"deleteall\n")
            out.write(b"M 644 inline output.md\n")
            data(out, turn["output"])
            if "instructions" in turn:
                out.write(b"M 644 inline instructions.md\n")
                data(out, turn["instructions"])
            out.write(b"\n")
            last[conversation] = mark


if __name__ == "__main__":
    main()
