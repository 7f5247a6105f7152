"""Seconds per pipeline stage of one cold build (no search, no book): where the time goes.

    python bench/stages.py SOURCE [--audience public]

Prints one line per stage. The build goes to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build import site_outputs  # noqa: E402
from generator.load import without_cycle_collector  # noqa: E402
from generator.model import read_community  # noqa: E402
from generator.render import make_environment  # noqa: E402
from generator.view import build_views  # noqa: E402
from generator.write import StagedOutput  # noqa: E402


@without_cycle_collector  # as build_site runs
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--audience", default="public")
    args = parser.parse_args()
    marks = [("start", time.perf_counter())]
    community, _ = read_community(args.source)
    marks.append(("load, validate, model", time.perf_counter()))
    env, translate = make_environment(args.source, community.site.theme, community.site.language)
    site, _ = build_views(community, args.audience, translate, {})
    marks.append(("views (Markdown included)", time.perf_counter()))
    with tempfile.TemporaryDirectory() as folder:
        staged = StagedOutput(Path(folder) / "out")
        rendered = 0.0
        for path, data in site_outputs(args.source, community, env, translate, site, book=False):
            start = time.perf_counter()
            staged.write(path, data.read_bytes() if isinstance(data, Path) else data)
            rendered += time.perf_counter() - start
        marks.append(("render (pages, feeds, JSON)", time.perf_counter() - rendered))
        marks.append(("write", time.perf_counter()))
        staged.commit()
        marks.append(("commit", time.perf_counter()))
    for (_, before), (name, after) in zip(marks, marks[1:]):
        print(f"{name:28} {after - before:7.2f} s")
    print(f"{'total':28} {marks[-1][1] - marks[0][1]:7.2f} s   peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (main process)")


if __name__ == "__main__":
    main()
