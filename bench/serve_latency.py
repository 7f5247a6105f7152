"""Edit-to-reload latency of `shequn serve` on a generated community.

    python bench/serve_latency.py [--questions 10000] [--edits 20] [--work /tmp/shequn-serve]

Starts the real `shequn serve` on a free port, listens to its reload events like a browser,
appends a line to a random answer, and times the write until the `reload` event arrives; then
prints the median, p95 and maximum over --edits edits (after one warm-up edit).
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from common import generated

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/shequn-serve"))
    args = parser.parse_args()
    source = generated(args.work, args.questions)
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--source", str(source),
                               "--port", str(port)], stderr=subprocess.PIPE, text=True, cwd=HERE.parent)
    for line in server.stderr:
        if line.startswith("serving "):
            break
    print(f"first build and start: {time.perf_counter() - started:.1f} s")
    reloads: list[float] = []
    updated = threading.Event()

    def listen() -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__shequn/events") as stream:
            for raw in stream:
                if raw.startswith(b"event: reload"):
                    reloads.append(time.perf_counter())
                    updated.set()

    threading.Thread(target=listen, daemon=True).start()
    primed = threading.Event()

    def drain() -> None:
        for line in server.stderr:
            if line.startswith("rebuilt in"):
                primed.set()  # serve has read every record once (it does at start)

    threading.Thread(target=drain, daemon=True).start()
    if not primed.wait(timeout=600):
        raise SystemExit("serve did not finish its first read within 600 s")
    print(f"first read of every record: {time.perf_counter() - started:.1f} s after start")
    time.sleep(1)
    answers = sorted(source.glob("content/weeks/*/*/answers/*.md"))
    rng = random.Random(1)
    latencies = []
    try:
        for edit in range(args.edits + 1):
            target = rng.choice(answers)
            updated.clear()
            before = time.perf_counter()
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(f"\n編輯 {edit}：補充一點 method note.\n")
            if not updated.wait(timeout=120):
                raise SystemExit("no reload event within 120 s")
            if edit:  # the first edit warms caches
                latencies.append((reloads[-1] - before) * 1000)
            time.sleep(0.5)  # let the search index update finish
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"{args.questions} questions, {len(latencies)} edits: median {statistics.median(latencies):.0f} ms, "
          f"p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms")


if __name__ == "__main__":
    main()
