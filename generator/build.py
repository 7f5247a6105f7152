"""The build: check the records, project them for one audience, render and write atomically.

Validation comes first and nothing is written while an error stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .diagnostics import Diagnostic, has_errors
from .index import build_index
from .model import read_community
from .render import (
    make_environment, render_feed, render_json, render_pages, render_robots, render_sitemap,
    render_talent_csv, static_files,
)
from .view import build_views
from .write import StagedOutput, load_cache, save_cache


@dataclass(frozen=True, slots=True)
class BuildResult:
    diagnostics: list[Diagnostic]
    out: Path | None  # None when nothing was written
    files: int = 0


def build_site(source: Path, audience: str, out: Path, *, strict: bool = False,
               cache_dir: Path | None = None,
               progress: Callable[[str], None] = lambda message: None) -> BuildResult:
    community, diagnostics = read_community(source)
    blocking = has_errors(diagnostics) or (strict and bool(diagnostics))
    if community is None or blocking:
        return BuildResult(diagnostics, None)
    progress(f"read {len(community.questions)} questions; rendering the {audience} site")
    env, translate = make_environment(source, community.site.theme, community.site.language)
    cache_file = (cache_dir or source / "build" / ".cache") / f"markdown-{audience}.marshal"
    site, cache = build_views(community, audience, translate, load_cache(cache_file))
    staged = StagedOutput(out)
    try:
        for path, data in render_pages(env, site):
            staged.write(path, data)
        staged.write("feed.xml", render_feed(site))
        staged.write("sitemap.xml", render_sitemap(site))
        staged.write("robots.txt", render_robots(site))
        for handle, resume in site.resumes:
            staged.write(f"members/{handle}/resume.json", render_json(resume))
        staged.write("members/talent.json", render_json(list(site.talent)))
        staged.write("members/talent.csv", render_talent_csv(site.talent))
        staged.write("fund/ledger.json", render_json(site.ledger))
        staged.write("moderators/kpi.json", render_json(list(site.kpis)))
        for path, file in static_files(source, community.site.theme).items():
            staged.copy(path, file)
        progress("indexing for search")
        for path, data in build_index(site).items():
            staged.write(path, data)
        progress(f"wrote {len(staged.written)} files; swapping them into {out}")
        staged.commit()
        save_cache(cache_file, cache)
    except BaseException:
        staged.abandon()
        raise
    return BuildResult(diagnostics, out, len(staged.written))
