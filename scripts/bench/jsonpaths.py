#!/usr/bin/env python3
"""Times the JSON paths of convo binaries on one corpus: `import` (parse JSON Lines, encode canonical turns),
`export --all` (decode every stored turn, encode JSON Lines) and `fsck` (decode every turn; since issue 9
it also re-encodes each one to compare bytes). Figures are medians of wall time for the whole process.

Usage: jsonpaths.py TURNS BINARY [BINARY...]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

def main():
    turns = int(sys.argv[1])
    binaries = sys.argv[2:]
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = subprocess.run([sys.executable, os.path.join(here, "corpus.py"), str(turns)], capture_output=True, check=True).stdout
    lines = []
    for index, line in enumerate(corpus.splitlines()):
        turn = json.loads(line)
        # Typical said turns: sampling parameters and usage, as `say --temperature 0.7 --max-output-tokens N` stores.
        turn["parameters"] = {"temperature": [0.7, 1.0, 0.2][index % 3], "max_output_tokens": 1000 + index % 7}
        turn["usage"] = {"input_tokens": 100 + index, "output_tokens": 400 + index % 97, "cached_tokens": index % 50}
        lines.append(json.dumps(turn, ensure_ascii=False, separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    print(f"corpus: {turns} turns, {len(data) / 1e6:.1f} MB")
    print("| binary | import | export --all (median of 5) | fsck (median of 3) |")
    print("|---|---|---|---|")
    for binary in binaries:
        with tempfile.TemporaryDirectory() as folder:
            def run(*arguments, stdin=None):
                start = time.perf_counter()
                subprocess.run([binary, *arguments], cwd=folder, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                return time.perf_counter() - start
            run("init")
            imported = run("import", "-", stdin=data)
            exports = statistics.median(run("export", "--all") for _ in range(5))
            fscks = statistics.median(run("fsck") for _ in range(3))
            print(f"| {binary} | {imported:.2f} s | {exports:.2f} s | {fscks:.2f} s |")

if __name__ == "__main__":
    main()
