"""Time shequn on generated communities: check, cold build, and a rebuild with nothing changed.

    python bench/measure.py [--sizes 1000 10000] [--runs 3] [--work /tmp/shequn-bench]

Each figure is the median of --runs runs of the real `shequn` command in a fresh process;
memory is the peak resident set of the largest process (os.wait4's ru_maxrss, which on Linux
also covers the worker processes the command waited for). Prints one table row per step.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(command: list[str]) -> tuple[float, int]:
    """(seconds, peak KiB) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def median_run(command: list[str], runs: int, before=None) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(timed(command))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/shequn-bench"))
    args = parser.parse_args()
    shequn = [sys.executable, "-m", "generator.cli"]
    print(f"{'questions':>9}  {'step':<28} {'seconds':>8} {'peak MiB':>9} {'files':>7}")
    for size in args.sizes:
        source = args.work / f"q{size}"
        if not (source / "site.yaml").exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(source), "--questions", str(size)],
                           check=True, stdout=subprocess.DEVNULL)
        out, cache = args.work / f"out{size}", args.work / f"cache{size}"

        def cold() -> None:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)

        build = shequn + ["build", "--source", str(source), "--out", str(out), "--cache-dir", str(cache), "--quiet"]
        rows = [
            ("check", median_run(shequn + ["check", "--source", str(source), "--quiet"], args.runs)),
            ("build, cold (no output, no cache)", median_run(build, args.runs, before=cold)),
            ("build, nothing changed", median_run(build, args.runs)),
        ]
        files = sum(len(f) for _, _, f in os.walk(out))
        for step, (seconds, peak) in rows:
            print(f"{size:>9}  {step:<28} {seconds:>8.2f} {peak / 1024:>9.0f} {files if 'build' in step else '':>7}")


if __name__ == "__main__":
    main()
