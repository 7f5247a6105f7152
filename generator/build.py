"""The build: check the records, project them for one audience, render and write atomically.

Validation comes first and nothing is written while an error stands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from .diagnostics import Diagnostic, has_errors
from .book import book_files, print_html
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


def book_stylesheets(source: Path, theme: str) -> dict[str, Path]:
    files = static_files(source, theme)
    return {"print": files["static/book.css"], "epub": files["static/epub.css"]}


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
        if site.book is not None:
            staged.write("book/print/index.html", print_html(env, site.book, f"{site.site.root}static/book.css").encode())
            formats = tuple(f for f in community.site.book_formats if f in ("epub", "pdf"))
            if formats:
                progress(f"writing the book ({', '.join(formats)})")
                for path, data in book_files(env, translate, site.book, formats, book_stylesheets(source, community.site.theme),
                                             community.site.base_url + "book/").items():
                    staged.write(path, data)
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


def write_book(source: Path, audience: str, out: Path, formats: tuple[str, ...], *, strict: bool = False,
               progress: Callable[[str], None] = lambda message: None) -> BuildResult:
    """Only the book, into `<out>/book/` (swapped in whole, like a site build)."""
    community, diagnostics = read_community(source)
    blocking = has_errors(diagnostics) or (strict and bool(diagnostics))
    if community is None or blocking or community.book is None:
        return BuildResult(diagnostics, None)
    env, translate = make_environment(source, community.site.theme, community.site.language)
    site, _ = build_views(community, audience, translate)
    staged = StagedOutput(out / "book")
    try:
        if "html" in formats:
            pages = [p for p in site.pages if p.path.startswith("book/")]
            for path, data in render_pages(env, replace(site, pages=tuple(pages))):
                staged.write(path.removeprefix("book/"), data)
            staged.write("print/index.html", print_html(env, site.book, f"{site.site.root}static/book.css").encode())
        wanted = tuple(f for f in formats if f in ("epub", "pdf"))
        progress(f"writing the book ({', '.join(formats)})")
        for path, data in book_files(env, translate, site.book, wanted, book_stylesheets(source, community.site.theme),
                                     community.site.base_url + "book/").items():
            staged.write(path.removeprefix("book/"), data)
        staged.commit()
    except BaseException:
        staged.abandon()
        raise
    return BuildResult(diagnostics, out / "book", len(staged.written))
