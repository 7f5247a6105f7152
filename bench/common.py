"""What the benchmark scripts share."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent


def generated(work: Path, questions: int) -> Path:
    """`work/q<questions>`, a community made by generate.py (seed 1), made once and then reused."""
    source = work / f"q{questions}"
    if not (source / "site.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(source), "--questions", str(questions)],
                       check=True, stdout=subprocess.DEVNULL)
    return source


# ---------------------------------------------------------------------------- memory of a process tree

PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(root: int) -> list[int]:
    """`root` and every process under it, from /proc."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(name))
    found = [root]
    for pid in found:
        found.extend(tree.get(pid, []))
    return found


def sizes(pid: int) -> tuple[str, int, int]:
    """(command, RSS bytes, PSS bytes) of a process; zeros for one that is gone. PSS counts a
    page shared by n processes as 1/n of it: the sum over forked workers is what they hold."""
    try:
        with open(f"/proc/{pid}/comm") as comm:
            name = comm.read().strip()
        with open(f"/proc/{pid}/statm") as statm:
            rss = int(statm.read().split()[1]) * PAGE
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            pss = next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
        return name, rss, pss
    except (OSError, StopIteration, ValueError):
        return "", 0, 0


class TreePeak:
    """Samples a process and everything under it every `interval` seconds, in a thread, until
    stopped: `pss` is the peak of the summed PSS."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval, self.pss = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.pss = max(self.pss, sum(sizes(pid)[2] for pid in descendants(self.pid)))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.pss
