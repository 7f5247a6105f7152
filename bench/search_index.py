"""The search index of one site against Pagefind over the same site's finished HTML.

    python bench/search_index.py SOURCE [--audience public] [--shard-chars N]

Builds SOURCE's pages once without search (into a temporary folder), then times, each in the
same run:

- shequn's index stage alone: `build_index` on the site's records (no cache), one Pagefind
  process per shard;
- the Pagefind CLI (the same binary, `--force-language zh`) over the finished HTML.

Memory: `peak` is the peak of the summed resident sets of every Pagefind process (sampled every
50 ms from /proc) plus, for shequn, this process (which also held the views the records were
made from); `Pagefind` is the Pagefind processes alone.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import index  # noqa: E402
from generator.cli import main as shequn  # noqa: E402
from generator.model import read_community  # noqa: E402
from generator.render import make_environment  # noqa: E402
from generator.view import build_views  # noqa: E402


def rss_of(name: str) -> int:
    """Summed resident set, in KiB, of every process whose command is `name`."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if f"({name}" not in stat.read().split(")")[0] + ")":
                    continue
            with open(f"/proc/{pid}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


class Peak:
    """The peak of `rss_of('pagefind')` (+ this process, when `me`) while the block runs."""

    def __init__(self, me: bool) -> None:
        self.me, self.peak, self.indexers, self.done = me, 0, 0, threading.Event()

    def __enter__(self) -> "Peak":
        def sample() -> None:
            while not self.done.wait(0.05):
                mine = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
                indexers = rss_of("pagefind")
                self.indexers = max(self.indexers, indexers)
                self.peak = max(self.peak, indexers + (mine if self.me else 0))
        self.thread = threading.Thread(target=sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--audience", default="public")
    parser.add_argument("--shard-chars", type=int, default=index.SHARD_CHARS)
    args = parser.parse_args()
    community, _ = read_community(args.source)
    _, translate = make_environment(args.source, community.site.theme, community.site.language)
    site, _ = build_views(community, args.audience, translate)
    found = list(index.records(site))
    chars = sum(len(r.text) + len(r.title) for r in found)
    shards = len(index.plan_shards(found, args.shard_chars))
    del site, community
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        assert shequn(["build", "--source", str(args.source), "--out", str(out), "--audience", args.audience,
                       "--no-search", "--quiet", "--cache-dir", str(Path(folder) / "cache")]) == 0
        pages = sum(1 for _ in out.rglob("*.html"))
        with Peak(me=True) as ours:
            started = time.perf_counter()
            bundle = index.build_index(None, found, shard_chars=args.shard_chars)
            ours_seconds = time.perf_counter() - started
        ours_bytes = sum(len(data) for data in bundle.values())
        del bundle
        binary = index.pagefind_binary()
        with Peak(me=False) as theirs:
            started = time.perf_counter()
            subprocess.run([str(binary), "--site", str(out), "--output-path", str(Path(folder) / "pf"),
                            "--force-language", "zh"], check=True, stdout=subprocess.DEVNULL)
            theirs_seconds = time.perf_counter() - started
        theirs_bytes = sum(p.stat().st_size for p in (Path(folder) / "pf").rglob("*") if p.is_file())
    print(f"{len(found)} records, {chars:,} characters, {pages} HTML pages; {os.cpu_count()} cores")
    print(f"{'':34} {'seconds':>8} {'peak MiB':>9} {'Pagefind MiB':>13} {'bundle MB':>10}")
    print(f"{f'shequn build_index ({shards} shards)':34} {ours_seconds:8.1f} {ours.peak / 1024:9.0f} "
          f"{ours.indexers / 1024:13.0f} {ours_bytes / 1e6:10.1f}")
    print(f"{'pagefind --site over the HTML':34} {theirs_seconds:8.1f} {theirs.peak / 1024:9.0f} "
          f"{theirs.indexers / 1024:13.0f} {theirs_bytes / 1e6:10.1f}")
    print(f"this process's peak (views included): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
