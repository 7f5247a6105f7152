"""Memory of a real `shequn build` with search, stage by stage, across all of its processes.

    python bench/build_memory.py [--questions 10000] [--runs 1] [--work /tmp/shequn-bench]

Runs the real command (a fresh process, empty cache, empty output) and samples /proc every
0.1 s. For each sample it sums, over the command and every process under it, the resident set
(RSS) and the proportional set (PSS, from smaps_rollup: a page shared by n processes counts 1/n).
Forked page workers share most of their memory with the main process, so RSS counts it once
per worker and overstates the pages stage; PSS does not. Prints the peak of each while the
pages are made (workers alive), while the index is made (a Pagefind process alive) and overall,
with the main process's own RSS at those peaks.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import descendants, generated, sizes

@dataclass
class Peak:
    rss: int = 0
    pss: int = 0
    main: int = 0  # the main process's RSS at the PSS peak
    pagefinds: int = 0  # the Pagefind processes' RSS at the PSS peak
    seen: bool = False

    def add(self, rss: int, pss: int, main: int, pagefinds: int) -> None:
        self.seen = True
        self.rss = max(self.rss, rss)
        if pss > self.pss:
            self.pss, self.main, self.pagefinds = pss, main, pagefinds


@dataclass
class Run:
    seconds: float = 0.0
    stages: dict[str, Peak] = field(default_factory=lambda: {"pages": Peak(), "index": Peak(), "whole build": Peak()})


def measure(source: Path, out: Path, cache: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, "-m", "generator.cli", "build", "--source", str(source), "--out", str(out),
               "--cache-dir", str(cache), "--quiet"]
    run, started = Run(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while process.poll() is None:
        samples = [(pid, *sizes(pid)) for pid in descendants(process.pid)]
        rss = sum(s[2] for s in samples)
        pss = sum(s[3] for s in samples)
        main = next((s[2] for s in samples if s[0] == process.pid), 0)
        pagefinds = sum(s[2] for s in samples if s[1].startswith("pagefind"))
        workers = [s for s in samples if s[0] != process.pid and s[1].startswith(("python", "shequn"))]
        run.stages["whole build"].add(rss, pss, main, pagefinds)
        if pagefinds:
            run.stages["index"].add(rss, pss, main, pagefinds)
        elif workers:
            run.stages["pages"].add(rss, pss, main, pagefinds)
        time.sleep(0.1)
    run.seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/shequn-bench"))
    args = parser.parse_args()
    source = generated(args.work, args.questions)
    out, cache = args.work / f"memory-out{args.questions}", args.work / f"memory-cache{args.questions}"
    mib = 1 << 20
    print(f"{'run':>3} {'seconds':>8}  {'stage':<12} {'PSS MiB':>8} {'RSS MiB':>8} {'main MiB':>9} {'Pagefind MiB':>13}")
    for number in range(1, args.runs + 1):
        run = measure(source, out, cache)
        for name, peak in run.stages.items():
            if peak.seen:
                print(f"{number:>3} {run.seconds:>8.1f}  {name:<12} {peak.pss / mib:>8.0f} {peak.rss / mib:>8.0f} "
                      f"{peak.main / mib:>9.0f} {peak.pagefinds / mib:>13.0f}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
