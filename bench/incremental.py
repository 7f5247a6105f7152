"""Warm rebuilds and single-file edits on a generated community: median and p95.

    python bench/incremental.py [--questions 10000] [--runs 5] [--work /tmp/shequn-incremental] [--search]

Three figures, each over --runs repetitions after one cold build:
- `build, nothing changed`: `shequn build` again (the stamp of every input says nothing changed);
- `build, one answer edited`: a line appended to a random answer, then `shequn build` (the
  Markdown cache holds every other body; with --search, the index's other shards are cached);
- `serve, one answer edited`: the same edit handed to the in-process `LiveSite.rebuild` that
  `shequn serve` runs (re-parses the changed file, re-renders changed pages, rewrites changed files).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import generated

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def line(name: str, seconds: list[float]) -> str:
    return (f"{name:<28} median {statistics.median(seconds):7.3f} s   p95 {percentile(seconds, 0.95):7.3f} s   "
            f"max {max(seconds):7.3f} s   runs {len(seconds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/shequn-incremental"))
    parser.add_argument("--search", action="store_true",
                        help="build the search index too (an edit re-indexes the one shard it is in)")
    args = parser.parse_args()
    source = generated(args.work, args.questions)
    out, cache = args.work / "out", args.work / "cache"
    build = [sys.executable, "-m", "generator.cli", "build", "--source", str(source), "--out", str(out),
             "--cache-dir", str(cache), "--quiet"] + ([] if args.search else ["--no-search"])

    def timed_build() -> float:
        started = time.perf_counter()
        subprocess.run(build, check=True, cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started

    print(f"cold build: {timed_build():.2f} s ({args.questions} questions)")
    answers = sorted(source.glob("content/weeks/*/*/answers/*.md"))
    chooser = random.Random(1)
    originals: dict[Path, bytes] = {}  # put back at the end: other scripts share the community

    def edit() -> Path:
        answer = chooser.choice(answers)
        originals.setdefault(answer, answer.read_bytes())
        answer.write_text(answer.read_text(encoding="utf-8") + f"\n補充 {time.time_ns()}\n", encoding="utf-8")
        return answer

    try:
        nothing = [timed_build() for _ in range(args.runs)]
        edited = []
        for _ in range(args.runs):
            edit()
            edited.append(timed_build())
        print(line("build, nothing changed", nothing))
        print(line("build, one answer edited", edited))

        from generator.build import LiveSite

        live = LiveSite(source, "public", out)
        live.adopt()
        live.rebuild()  # the first rebuild reads every file, as `serve` does once at start
        served = []
        for _ in range(args.runs):
            touched = edit()
            started = time.perf_counter()
            live.rebuild(touched=[touched])  # what the file watcher tells `serve`
            served.append(time.perf_counter() - started)
        print(line("serve, one answer edited", served))
    finally:
        for answer, data in originals.items():
            answer.write_bytes(data)


if __name__ == "__main__":
    main()
