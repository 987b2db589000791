#!/usr/bin/env python3
"""Measures `convo chat` against convo-emulator: the wall time of N messages through one chat process
(batch mode, stdin a pipe) against the same N request bodies sent by curl (one process per request) and
over one kept-alive connection (http.client), so the figure is the per-turn overhead over a bare request.

Usage: chat.py BIN_DIR [TURNS]   (BIN_DIR holds convo and convo-emulator; TURNS default 200)
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

from say import KEY, message, posts, start_emulator


def main():
    bin_dir = sys.argv[1]
    turns = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    convo = os.path.join(bin_dir, "convo")
    emulator, root = start_emulator(bin_dir)
    base = root + "/v1"
    env = dict(os.environ, CONVO_BASE_URL=base, CONVO_API_KEY=KEY, NO_COLOR="1")
    try:
        with tempfile.TemporaryDirectory() as repo:
            subprocess.run([convo, "-C", repo, "init", "--provider", "custom", "--base-url", base],
                           env=env, check=True, capture_output=True)
            posts(root)
            lines = "".join(message(i) + "\n" for i in range(1, turns + 1))
            start = time.perf_counter()
            subprocess.run([convo, "-C", repo, "chat"], input=lines, env=env, check=True, capture_output=True, text=True)
            chat_seconds = time.perf_counter() - start
            chained = posts(root)
            assert len(chained) == turns, f"expected {turns} requests, the emulator logged {len(chained)}"
            bodies = [json.dumps(body, separators=(",", ":"), sort_keys=True) for body in chained]

            with tempfile.TemporaryDirectory() as folder:
                files = []
                for i, body in enumerate(bodies):
                    path = os.path.join(folder, f"{i}.json")
                    with open(path, "w") as f:
                        f.write(body)
                    files.append(path)
                start = time.perf_counter()
                for path in files:
                    subprocess.run(
                        ["curl", "-sS", "-o", "/dev/null", "-X", "POST", base + "/responses",
                         "-H", f"Authorization: Bearer {KEY}", "-H", "Content-Type: application/json",
                         "--data-binary", "@" + path], check=True)
                curl_seconds = time.perf_counter() - start
            posts(root)

            url = urllib.parse.urlparse(base)
            connection = http.client.HTTPConnection(url.hostname, url.port)
            start = time.perf_counter()
            for body in bodies:
                connection.request("POST", url.path + "/responses", body=body.encode(),
                                   headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
                reply = connection.getresponse()
                reply.read()
                assert reply.status == 200, reply.status
            kept_seconds = time.perf_counter() - start
            connection.close()
            posts(root)

            per = lambda seconds: 1000 * seconds / turns
            print(f"{turns} turns: convo chat {chat_seconds:.2f} s ({per(chat_seconds):.1f} ms/turn), "
                  f"curl per request {curl_seconds:.2f} s ({per(curl_seconds):.1f} ms), "
                  f"one kept-alive connection {kept_seconds:.2f} s ({per(kept_seconds):.1f} ms)")
            print(f"  chat / curl {chat_seconds / curl_seconds:.2f}x (target <= 1.2x), "
                  f"chat / kept-alive {chat_seconds / kept_seconds:.2f}x, "
                  f"overhead over kept-alive {per(chat_seconds - kept_seconds):.1f} ms/turn")
    finally:
        emulator.terminate()
        emulator.wait()


if __name__ == "__main__":
    main()
