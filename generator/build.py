"""The build: check the records, project them for one audience, render and write atomically.

Validation comes first and nothing is written while an error stands.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .diagnostics import Diagnostic, Loc, has_errors
from .book import book_files, print_html
from .index import build_index, index_files, page_records, records
from .model import body_links, read_community, with_bodies
from .records import Answer
from .validate import record_of
from .render import PACKAGE_THEMES, theme_problems
from .render import (
    make_environment, render_feed, render_json, render_page, render_pages, render_robots, render_sitemap,
    render_talent_csv, static_files,
)
from .markdown import Opened, body_key, render_open, rust_panics_silenced
from .view import HEADING_SHIFTS, build_views, page_builder, site_view, site_views
from .i18n import prepare_scripts
from .load import FileCache, discover, read_plain, split_front_matter, without_cycle_collector
from .cachefile import load_cache, save_cache
from .write import MARKER, LiveOutput, StagedOutput, refuse_output
from .workers import can_fork, forked_pool, return_free_memory, roomy_queue


class OutputRefused(Exception):
    """The output folder given cannot be a build's (it holds the records, or something else)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    diagnostics: list[Diagnostic]
    out: Path | None  # None when nothing was written
    files: int = 0
    up_to_date: bool = False  # nothing changed since the last build: nothing was done


# Pagefind names the files in these folders by a hash of their bytes, so their names stamp
# them: a no-op build with search need not stat 60,000 of them at 10,000 questions.
_NAMED_BY_CONTENT = re.compile(r"/pagefind(?:/shard-\d+)?/(?:fragment|index|filter)$")


def _file_line(path: str, name_only: bool = False) -> str:
    if name_only:
        return f"{path}\n"
    try:
        info = os.stat(path)
    except OSError:  # a broken link
        return f"{path}\0-\n"
    return f"{path}\0{info.st_mtime_ns}\0{info.st_size}\n"


def _tree_lines(roots: list[Path], named_by_content: re.Pattern | None = None) -> list[str]:
    """A line for every file under `roots` (linked folders not followed), in a stable order:
    its path, modification time and size; only its path in folders `named_by_content` matches."""
    lines: list[str] = []
    for root in roots:
        if root.is_file():
            lines.append(_file_line(str(root)))
            continue
        stack = [str(root)] if root.is_dir() else []
        while stack:
            folder = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            names_only = named_by_content is not None and named_by_content.search(folder) is not None
            for entry in entries:
                if names_only and entry.is_file(follow_symlinks=False):
                    lines.append(_file_line(entry.path, name_only=True))
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    lines.append(_file_line(entry.path))
    return lines


def input_stamp(source: Path, audience: str, options: str) -> bytes:
    """Changes when any record, site.yaml, theme file, shequn itself or the options change."""
    from . import __version__

    digest = hashlib.blake2b(f"{__version__}\0{audience}\0{options}\n".encode(), digest_size=16)
    lines = _tree_lines([source / "site.yaml", source / "content", source / "themes", PACKAGE_THEMES,
                         Path(__file__).resolve().parent])
    digest.update("".join(lines).encode("utf-8", "surrogateescape"))
    return digest.digest()


def output_stamp(out: Path, files: Iterable[str] | None = None) -> bytes:
    """Changes when any file in `out` changes, appears or goes. `files`: the paths (relative to
    `out`) of every file a build just wrote there, which need no walk of its folders (0.15 s at
    10,000 questions, 13,419 folders); the lines are sorted, so both ways give the same stamp."""
    if files is None:
        lines = _tree_lines([out], _NAMED_BY_CONTENT) if out.is_dir() else []
    else:
        lines = [_file_line(path, _NAMED_BY_CONTENT.search(path.rpartition("/")[0]) is not None)
                 for path in (f"{out}/{rel}" for rel in files)]
    return hashlib.blake2b("".join(sorted(lines)).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def theme_stamp(source: Path, theme: str) -> tuple:
    """Changes whenever a template or catalog of the theme changes."""
    from .render import theme_dirs

    return tuple(sorted((str(p), p.stat().st_mtime_ns) for d in theme_dirs(source, theme)
                        for p in d.rglob("*") if p.is_file()))


def book_stylesheets(source: Path, theme: str) -> dict[str, Path]:
    files = static_files(source, theme)
    return {"print": files["static/book.css"], "epub": files["static/epub.css"]}


def site_outputs(source: Path, community, env, translate, site, *, book: bool = True,
                 pages: tuple | None = None,
                 progress: Callable[[str], None] = lambda message: None) -> Iterator[tuple[str, bytes | Path]]:
    """Every output file of one audience's site but its search index: (path, bytes), or (path,
    source file) for files copied as they are. `pages` limits the pages rendered (the others are
    unchanged)."""
    yield from render_pages(env, site if pages is None else replace(site, pages=pages))
    yield "sitemap.xml", render_sitemap(site)
    yield from site_files(source, community, env, translate, site, book=book, progress=progress)


def site_files(source: Path, community, env, translate, site, *, book: bool = True,
               progress: Callable[[str], None] = lambda message: None) -> Iterator[tuple[str, bytes | Path]]:
    """The outputs that are not pages and do not list them (all but the sitemap): a site
    without its pages makes them."""
    yield "feed.xml", render_feed(site)
    yield "robots.txt", render_robots(site)
    for handle, resume in site.resumes:
        yield f"members/{handle}/resume.json", render_json(resume)
    yield "members/talent.json", render_json(list(site.talent))
    yield "members/talent.csv", render_talent_csv(site.talent)
    yield "fund/ledger.json", render_json(site.ledger)
    yield "moderators/kpi.json", render_json(list(site.kpis))
    yield from static_files(source, community.site.theme).items()
    if site.book is not None:
        yield "book/print/index.html", print_html(env, site.book, f"{site.site.root}static/book.css", site.site.noindex).encode()
        formats = tuple(f for f in community.site.book_formats if f in ("epub", "pdf"))
        if book and formats:
            progress(f"writing the book ({', '.join(formats)})")
            yield from book_files(env, translate, site.book, formats, book_stylesheets(source, community.site.theme),
                                  community.site.base_url + "book/").items()


# ---------------------------------------------------------------------------- the Markdown cache

# The Markdown cache is kept in shards, one for each process that made pages: each process
# saves what it rendered and used itself, in parallel, at the end of its pages, rather than
# sending it to the main process to be saved there after the last page (40 MB through a pipe,
# then 80 MB saved, at 10,000 questions). A build's shards are the whole cache it leaves.
def markdown_shard(cache_root: Path, audience: str, number: int) -> Path:
    return cache_root / f"markdown-{audience}.{number}.marshal"


def _markdown_shards(cache_root: Path, audience: str) -> list[Path]:
    # (`markdown-<audience>.marshal`, the single file of earlier versions, matches too.)
    return sorted(cache_root.glob(f"markdown-{audience}.*marshal"))


def load_markdown_cache(cache_root: Path, audience: str) -> dict[bytes, Opened]:
    """Every open rendering the last build of this audience left, from all its shards (what
    an earlier version left, HTML by another key, is left out)."""
    stored: dict[bytes, Opened] = {}
    for shard in _markdown_shards(cache_root, audience):
        stored.update((key, value) for key, value in load_cache(shard).items() if type(value) is tuple)
    return stored


def _drop_other_shards(cache_root: Path, audience: str, kept: int) -> None:
    """Shards this build did not write (an earlier build used more processes) would keep
    renderings nobody uses any more."""
    written = {markdown_shard(cache_root, audience, number) for number in range(kept)}
    for shard in _markdown_shards(cache_root, audience):
        if shard not in written:
            shard.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- Markdown ahead of the records

RENDER_AHEAD_WEEKS = 40  # below this, the records are read before a forked worker has started
AHEAD_BATCH = 500  # bodies a worker sends at a time while the records are read: 0.5 MB, within a roomy pipe
_ahead: tuple | None = None  # what the forked workers read: set just before the fork


def _render_ahead(worker: int) -> dict[bytes, Opened]:
    """In a forked worker while the main process reads the records: render every `workers`-th
    body from `worker` open (`render_open`: its scope and record links left for the pages to
    close, as they depend on the records), until told to stop; a body an earlier build left in
    the cache is skipped. What is rendered goes to the main process in batches as it goes, and
    the last few are returned."""
    assert _ahead is not None
    source, stored, stop, workers, batches = _ahead
    opened: dict[bytes, Opened] = {}
    bodies = [(kind, rel) for kind, rel in discover(source)[0] if kind in HEADING_SHIFTS]
    with rust_panics_silenced():
        for kind, rel in bodies[worker::workers]:
            if stop.value:
                break
            text = read_plain(os.path.join(source, rel))
            front, _, body, _, _ = split_front_matter(text, rel) if text is not None else (None, 0, "", 0, [])
            if front is None or not body.strip():
                continue
            key = body_key(body, HEADING_SHIFTS[kind])
            if key in stored:
                continue
            made = render_open(body, HEADING_SHIFTS[kind])
            if made is not None:
                opened[key] = made
                if len(opened) == AHEAD_BATCH:
                    batches.put(opened)
                    opened = {}
    return opened


@contextlib.contextmanager
def _rendering_ahead(source: Path, stored: dict[bytes, Opened], opened: dict[bytes, Opened]) -> Iterator[None]:
    """While the block reads the records, forked workers (one per further core) render the
    Markdown open, and what they rendered is in `opened` when the block ends: the main process
    reads on one core, so the others would otherwise wait. A thread takes their batches in as
    they come, so the block's end waits for a few bodies, not for the 50 MB the workers
    rendered at 10,000 questions (0.3 s)."""
    global _ahead
    workers = (os.cpu_count() or 1) - 1
    try:
        weeks = sum(1 for _ in os.scandir(source / "content" / "weeks"))
    except OSError:
        weeks = 0
    if not can_fork(workers + 1, weeks, RENDER_AHEAD_WEEKS):
        yield
        return
    context = multiprocessing.get_context("fork")
    stop = context.Value("b", 0, lock=False)
    batches = roomy_queue()
    arrived: list[dict[bytes, Opened]] = []

    def take_in() -> None:
        while (batch := batches.get()) is not None:
            arrived.append(batch)

    taker = threading.Thread(target=take_in, name="rendered ahead", daemon=True)
    _ahead = (source, stored, stop, workers, batches)
    try:
        with forked_pool(workers) as pool:
            _ahead = None  # the workers have their copy
            taker.start()  # after the fork: a forked child gets no thread but the one forking
            shares = pool.map_async(_render_ahead, range(workers))
            try:
                yield
            finally:
                stop.value = 1
            arrived += shares.get()  # every worker has sent its batches before it returns
    finally:
        _ahead = None
        if taker.is_alive():
            batches.put(None)
            taker.join()
        batches.close()
    for rendered in arrived:
        opened.update(rendered)


# ---------------------------------------------------------------------------- pages on every core

PARALLEL_PLAN = 400  # pages below which one process is faster than forking workers
PLAN_CHUNK = 32  # plan entries taken at a time: few enough that the processes finish together
_share: tuple | None = None  # what forked workers read: set just before the fork


def _make_pages(_worker: int | None = None) -> tuple[list, list, dict[bytes, Opened]]:
    """Take chunks of the page plan, as long as any is left, from the cursor every process making
    pages shares: for each entry build its views, render and write it into the staging folder,
    and keep only what the main process still needs: a page's path and sitemap fields, its
    search records. The Markdown the builder used is saved as the process's own shard of the
    cache by a forked worker, and returned by the main process (whose builder also made the
    site-wide views)."""
    assert _share is not None
    builder, env, staged, search, cursor, shard = _share
    view = site_view(builder)
    plan = builder.page_plan()
    pages, found = [], []
    with rust_panics_silenced():  # once for every body these pages render
        while True:
            with cursor.get_lock():
                taken = cursor.value
                cursor.value = taken + PLAN_CHUNK
            if taken >= len(plan):
                break
            # Taken from the end: the plan ends with the makers of many pages each (tags, events,
            # the operations pages, the book), and a process left with them last kept the others
            # waiting (0.9 s at 10,000 questions); question pages, small and many, come last instead.
            for position in range(len(plan) - taken - 1, max(len(plan) - taken - PLAN_CHUNK, 0) - 1, -1):
                for order, page in enumerate(plan[position]()):
                    staged.write(page.path, render_page(env, view, page))
                    pages.append(((position, order), replace(page, view=None)))
                    if search:
                        found.extend(((position, order), record) for record in page_records(page))
    if _worker is None:
        return pages, found, builder.used
    save_cache(shard(_worker + 1), builder.used)
    return pages, found, {}


def _parallel_pages(builder, env, staged: StagedOutput, search: bool, workers: int,
                    meanwhile: Callable[[object], None], shard: Callable[[int], Path]) -> tuple[object, list]:
    """(the site, its pages without their views; search records). This process makes what the
    whole site shares and hands it to `meanwhile`, then makes pages beside `workers - 1` forked
    workers, each taking the next chunk of the page plan when it is done with one. All use
    `builder`, each process its own copy, with what it had worked out before the fork. Each
    process saves the Markdown it used as its shard of the cache, `shard(n)`, the main process
    while the workers finish their last pages. The main process takes a share rather than
    waiting: every forked worker ends up with its own copy of most of the model (reading an
    object writes its reference count, which copies its memory page), so one worker fewer is
    360 MiB less at 10,000 questions, at the same speed."""
    global _share
    _share = (builder, env, staged, search, multiprocessing.get_context("fork").Value("q", 0), shard)
    try:
        with forked_pool(workers - 1) as pool:
            shares = pool.map_async(_make_pages, range(workers - 1))
            site, _ = site_views(builder, pages=False)
            meanwhile(site)  # while the workers make pages, not after them with a core idle
            own = _make_pages()
            # Saved now, while the workers finish: every entry is keyed by what it was rendered
            # from, so the cache holds for the next build whether or not this one completes.
            save_cache(shard(0), own[2])
            made = shares.get()
    finally:
        _share = None
    pages = sorted((entry for share in (own, *made) for entry in share[0]), key=lambda e: e[0])
    found = [record for _, record in sorted((e for share in (own, *made) for e in share[1]), key=lambda e: e[0])]
    staged.claim(page.path for share in made for _, page in share[0])  # the workers wrote them
    return replace(site, pages=tuple(page for _, page in pages)), found


def _parallel(community) -> int:
    workers = os.cpu_count() or 1
    size = len(community.questions) + len(community.weeks) + len(community.members)
    return workers if can_fork(workers, size, PARALLEL_PLAN) else 1


_left_for_exit: list = []  # what builds in a process about to exit did not free


@without_cycle_collector
def build_site(source: Path, audience: str, out: Path, *, strict: bool = False,
               cache_dir: Path | None = None, search: bool = True,
               progress: Callable[[str], None] = lambda message: None, exit_after: bool = False) -> BuildResult:
    """Build one audience's site into `out`. With `exit_after` (the process ends after this
    build) the model and the site are left unfreed, for the operating system to take back with
    the process at once: Python frees them object by object (0.3 s at 10,000 questions)."""
    refusal = refuse_output(source, out)
    if refusal:
        raise OutputRefused(refusal)
    cache_root = cache_dir or source / "build" / ".cache"
    stamp_file = cache_root / f"build-{audience}.marshal"
    options = f"search={search} strict={strict} out={out.resolve()}"
    previous = load_cache(stamp_file)
    stamp = None
    if previous:
        stamp = input_stamp(source, audience, options)
        if previous.get("input") == stamp and previous.get("output") == output_stamp(out):
            # Nothing that goes into the build changed, and the output is as it was left.
            return BuildResult([Diagnostic(Loc(*loc), severity, message)
                                for loc, severity, message in previous.get("diagnostics", [])], out, 0, True)
    stored, opened = load_markdown_cache(cache_root, audience), {}
    with _rendering_ahead(source, stored, opened):
        if stamp is None:
            # No earlier build to be up to date with (a first build, a fresh checkout in CI): the
            # input stamp, still taken before the records are read, is taken while the Markdown
            # is rendered ahead, not with a core idle (0.4 s at 10,000 questions).
            stamp = input_stamp(source, audience, options)
        community, diagnostics = read_community(source)
        workers, builder = 1, None
        if community is not None and not has_errors(diagnostics):
            env, translate = make_environment(source, community.site.theme, community.site.language)
            workers = _parallel(community)
            if workers > 1:
                # While the Markdown is still rendered ahead: what every process making pages
                # would otherwise work out for itself (OpenCC's tables too), worked out once.
                prepare_scripts()
                builder = page_builder(community, audience, translate, stored, opened)
                builder.warm()
    if community is not None:
        diagnostics += theme_problems(source, community.site.theme)
    blocking = has_errors(diagnostics) or (strict and bool(diagnostics))
    if community is None or blocking:
        return BuildResult(diagnostics, None)
    progress(f"read {len(community.questions)} questions; rendering the {audience} site")
    staged = StagedOutput(out)
    try:
        if workers > 1:
            site, found = _parallel_pages(
                builder, env, staged, search, workers,
                lambda site: staged.put_all(site_files(source, community, env, translate, site, progress=progress)),
                lambda number: markdown_shard(cache_root, audience, number))
            outputs = [("sitemap.xml", render_sitemap(site))]
        else:
            site, cache = build_views(community, audience, translate, stored, opened)
            found, outputs = None, site_outputs(source, community, env, translate, site, progress=progress)
            # Saved now, not after the swap, so it is not held while the search index is made.
            save_cache(markdown_shard(cache_root, audience, 0), cache)
            del cache
        _drop_other_shards(cache_root, audience, workers)
        del stored, opened
        staged.put_all(outputs)
        if exit_after and not search:
            _left_for_exit.append((community, site, outputs, builder))
        if search:
            if found is None:
                found = list(records(site))
            # The index needs only the records. Letting the model, the views and the page builder
            # (with the Markdown it found) go first keeps 200 MiB of 10,000 questions out of the
            # stage that also runs two Pagefinds.
            del community, site, outputs, builder
            return_free_memory()
            progress("indexing for search")
            for path, data in index_files(None, found, cache_root / f"search-{audience}"):
                staged.write(path, data)
        progress(f"wrote {len(staged.written)} files; swapping them into {out}")
        staged.commit()
        save_cache(stamp_file, {"input": stamp, "output": output_stamp(out, [*staged.written, MARKER]), "diagnostics": [
            ((d.loc.path, d.loc.line, d.loc.column), d.severity, d.message) for d in diagnostics]})
    except BaseException:
        staged.abandon()
        raise
    return BuildResult(diagnostics, out, len(staged.written))


# What serve's rebuilds leave as they are: the search index (until `reindex`), the EPUB and PDF
# (until the next full build or `shequn book`), and the mark of a shequn output folder.
_KEPT_BY_SERVE = re.compile(r"pagefind/|search/fold\.json$|book/[^/]+\.(?:epub|pdf)$|" + re.escape(MARKER) + "$")
_BODY_FILE = re.compile(r"content/weeks/[^/]+/[^/]+/(?:question\.md|solution\.md|answers/[^/]+\.md)")


class LiveSite:
    """The site `shequn serve` keeps up to date: record files are re-read only when they
    changed, rendered Markdown is reused, and only files whose bytes changed are rewritten in
    place (each by an atomic rename), so the pages being served are never half-written."""

    def __init__(self, source: Path, audience: str, out: Path, rendered: dict[bytes, Opened] | None = None,
                 search_cache: Path | None = None) -> None:
        self.source, self.audience, self.out = source, audience, out
        self.search_cache = search_cache  # the search index's shards, kept between runs
        self.files = FileCache()
        self.rendered: dict[bytes, Opened] = rendered or {}
        self.written: dict[str, bytes] = {}  # path -> digest of what is on disk
        self.environment = None  # ((theme, language), jinja environment, translate)
        self.last_site = None
        self.theme_stamp = None
        self.community = None  # of the last rebuild that wrote the site
        self.diagnostics: list[Diagnostic] = []
        self.lock = threading.RLock()  # rebuilds and the search index's swap take turns
        self.fast = False  # the last rebuild took the path for edited text

    def adopt(self) -> None:
        """Take the files a full build left in the output folder as the current state."""
        self.written = {p.relative_to(self.out).as_posix(): LiveOutput.digest(p.read_bytes())
                        for p in self.out.rglob("*") if p.is_file()}

    def rebuild(self, *, search: bool = False, touched: Iterable[Path] | None = None) -> tuple[list[Diagnostic], int]:
        """(diagnostics, files rewritten); with an error nothing is written. The search index is
        left to `reindex`, so the browser can reload first. `touched`: the files that changed,
        when the caller knows them (an edit of a body alone takes a faster path)."""
        with self.lock:
            return self._rebuild(search, touched)

    def _rebuild(self, search: bool, touched: Iterable[Path] | None) -> tuple[list[Diagnostic], int]:
        self.fast = False
        if touched:
            quick = self._bodies_edited(touched)
            if quick is not None:
                self.fast = True
                return quick
        community, diagnostics = read_community(self.source, self.files)
        if community is None or has_errors(diagnostics):
            return diagnostics, 0
        key = (community.site.theme, community.site.language)
        if self.environment is None or self.environment[0] != key:
            # Jinja's loader notices edited templates by itself; a new theme or language needs a new one.
            self.environment = (key, *make_environment(self.source, *key, watch=True))
        _, env, translate = self.environment
        site, self.rendered = build_views(community, self.audience, translate, self.rendered)
        # Only pages whose view changed are rendered again, unless a template or what every page
        # shows (the site's header, counts) changed.
        stamp = theme_stamp(self.source, community.site.theme)
        everything = stamp != self.theme_stamp or self.last_site is None or site.site != self.last_site.site
        previous = {} if everything else {p.path: p for p in self.last_site.pages}
        changed = tuple(p for p in site.pages if previous.get(p.path) != p)
        output = LiveOutput(self.out, self.written)
        for page in site.pages:
            if page.path in previous and previous[page.path] == page and page.path in self.written:
                output.now[page.path] = self.written[page.path]
        for path, data in site_outputs(self.source, community, env, translate, site, book=False, pages=changed):
            output.put(path, data.read_bytes() if isinstance(data, Path) else data)
        self.theme_stamp = stamp
        for path in [p for p in self.written if _KEPT_BY_SERVE.match(p)]:
            output.now.setdefault(path, self.written[path])  # made by reindex() or a full build
        output.remove_stale()
        self.written = output.now
        self.last_site, self.community, self.diagnostics = site, community, diagnostics
        if search:
            self._merge_index(build_index(site, cache=self.search_cache))
        return diagnostics, output.changed

    def _bodies_edited(self, touched: Iterable[Path]) -> tuple[list[Diagnostic], int] | None:
        """The commonest edit, fast: only the text of questions, answers or solutions changed
        (their front matter is as it was), so only the pages showing that text are made again:
        their question pages, the portfolios and résumés of the answers' authors, the feed, the
        book's pages when one is in it. None when the change is anything more: the full
        rebuild takes it."""
        if self.community is None or self.last_site is None or self.environment is None:
            return None
        source = self.source.resolve()
        documents = []
        for path in set(touched):
            try:
                rel = Path(path).resolve().relative_to(source).as_posix()
            except (OSError, ValueError):
                return None
            before = self.files.entries.get(rel)
            if not _BODY_FILE.fullmatch(rel) or before is None or before[1] is None or before[2]:
                return None
            document, problems = self.files.get(self.source, before[1].kind, rel)
            if document is None or problems or (document.data, document.body_line) != (before[1].data, before[1].body_line):
                return None
            if document.body != before[1].body:
                documents.append(document)
        old = self.community
        records = [record_of(document) for document in documents]
        if any(record is None for record in records):
            return None
        community = with_bodies(old, records)
        diagnostics = list(self.diagnostics)
        for record in records:
            previous = {"question": lambda r: old.questions[r.slug], "solution": lambda r: old.solutions[r.slug],
                        "answer": lambda r: old.answer(r.ref)}[type(record).__name__.lower()](record)
            for stale in body_links(previous.body, old) if previous.body else ():
                if stale in diagnostics:
                    diagnostics.remove(stale)
            diagnostics += body_links(record.body, community) if record.body else []
        if has_errors(diagnostics):
            return None
        _, env, translate = self.environment
        builder = page_builder(community, self.audience, translate, self.rendered)
        authors = {record.author for record in records if isinstance(record, Answer)}
        pages = builder.pages_showing({record.slug for record in records}, authors)
        shown = {member.handle: member for member in builder.shown_members()}
        feed, updated = builder.feed()
        made = {page.path: page for page in pages}
        site = replace(self.last_site, pages=tuple(made.get(p.path, p) for p in self.last_site.pages),
                       feed=feed, feed_updated=updated,
                       resumes=tuple((h, builder.resume(shown[h]) if h in authors else resume)
                                     for h, resume in self.last_site.resumes),
                       book=builder.book() if any(p.path.startswith("book/") for p in pages) else self.last_site.book)
        output = LiveOutput(self.out, self.written)
        for page in pages:
            output.put(page.path, render_page(env, site.site, page))
        output.put("feed.xml", render_feed(site))
        for handle, resume in site.resumes:
            if handle in authors:
                output.put(f"members/{handle}/resume.json", render_json(resume))
        if site.book is not None and site.book is not self.last_site.book:
            output.put("book/print/index.html", print_html(env, site.book, f"{site.site.root}static/book.css",
                                                           site.site.noindex).encode())
        self.written = {**self.written, **output.now}
        self.rendered.update(builder.used)
        self.last_site, self.community, self.diagnostics = site, community, diagnostics
        return diagnostics, output.changed

    def reindex(self) -> None:
        """Remake the search index of the last site. May run beside `rebuild` (the index of a
        large archive takes minutes): the index is made unlocked, then swapped in."""
        site = self.last_site
        if site is None:
            return
        bundle = build_index(site, cache=self.search_cache)
        with self.lock:
            self._merge_index(bundle)

    def _merge_index(self, bundle: dict[str, bytes]) -> None:
        output = LiveOutput(self.out, self.written)
        for path, digest in self.written.items():
            if not (path.startswith("pagefind/") or path == "search/fold.json"):
                output.now[path] = digest
        for path, data in bundle.items():
            output.put(path, data)
        output.remove_stale()
        self.written = output.now


def write_book(source: Path, audience: str, out: Path, formats: tuple[str, ...], *, strict: bool = False,
               progress: Callable[[str], None] = lambda message: None) -> BuildResult:
    """Only the book, into `<out>/book/` (swapped in whole, like a site build)."""
    refusal = refuse_output(source, out / "book")
    if refusal:
        raise OutputRefused(refusal)
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
            staged.write("print/index.html", print_html(env, site.book, f"{site.site.root}static/book.css",
                                                        site.site.noindex).encode())
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
