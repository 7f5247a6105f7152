"""Markdown to safe HTML: one configured markdown-it-py, used for every body in every output.

CommonMark plus tables, strikethrough, footnotes, task lists and heading anchors, code
highlighted by Pygments. Raw HTML is escaped (markdown-it's `html: False`). Link targets are
limited to http, https, mailto, relative paths and the record links (q: a: m: w: t:); a record
link is rewritten by the `resolve` function the caller passes, and a link that cannot be shown
(an unknown target, a disallowed scheme, a member this audience may not see) becomes its text.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import unicodedata
from typing import Callable
from urllib.parse import unquote

import markdown_it
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# A record link resolves to a site-relative URL, or None when the link must become plain text.
Resolver = Callable[[str, str], "str | None"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
RECORD_SCHEMES = frozenset({"q", "a", "m", "w", "t"})
_FORMATTER = HtmlFormatter(nowrap=True)


def heading_slug(title: str) -> str:
    """GitHub-style anchors that keep CJK: `## 背景與訴求` -> `背景與訴求`."""
    text = unicodedata.normalize("NFC", title).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s+", "-", text) or "section"


def _highlight(code: str, language: str, attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(language.split()[0]) if language else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes and wraps the code itself
    return highlight(code, lexer, _FORMATTER)


def _validate_link(url: str) -> bool:
    match = _SCHEME.match(url.strip())
    if not match:
        return True  # relative path or #anchor
    scheme = match[1].lower()
    return scheme in SAFE_SCHEMES or scheme in RECORD_SCHEMES


def _record_links(resolve: Resolver):
    """Core rule: point record links at their pages, or turn them into plain text."""

    def rule(state) -> None:
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            kept: list[Token] = []
            unlinked = False  # CommonMark links never nest, so one flag pairs open and close
            for token in block.children:
                if token.type == "link_open":
                    href = token.attrGet("href") or ""
                    match = _SCHEME.match(href)
                    if match and match[1].lower() in RECORD_SCHEMES:
                        target = resolve(match[1].lower(), unquote(href[match.end():]))
                        if target is None:
                            unlinked = True
                            continue
                        token.attrSet("href", target)
                elif token.type == "link_close" and unlinked:
                    unlinked = False
                    continue
                kept.append(token)
            block.children = kept
    return rule


def _focusable(rule):
    """A code block that scrolls sideways can be reached and scrolled with the keyboard."""

    def render(self, tokens, idx, options, env) -> str:
        return rule(tokens, idx, options, env).replace("<pre>", '<pre tabindex="0">', 1)
    return render


def _table_open(self, tokens, idx, options, env) -> str:
    # A wide table scrolls inside its own keyboard-focusable region, not the page.
    return '<div class="table-scroll" tabindex="0">' + self.renderToken(tokens, idx, options, env)


def _table_close(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def make_markdown(resolve: Resolver) -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                  "highlight": _highlight})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(tasklists_plugin, label=True)
        .use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug, permalink=False)
    )
    # Nested lists and quotes keep their text up to 100 levels (markdown-it drops the rest after
    # 20 by default; far deeper nesting would exhaust Python's recursion limit).
    md.options["maxNesting"] = 100
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("fence", _focusable(md.renderer.rules["fence"]))
    md.add_render_rule("code_block", _focusable(md.renderer.rules["code_block"]))
    md.add_render_rule("table_close", _table_close)
    md.validateLink = _validate_link
    md.core.ruler.push("record_links", _record_links(resolve))
    md.core.ruler.push("scoped_ids", _scoped_ids)
    md.core.ruler.push("empty_header_cells", _empty_header_cells)
    return md


def _empty_header_cells(state) -> None:
    """An empty header cell (the corner of a two-way table) is a data cell: a header with no
    text names nothing for screen readers."""
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        if tokens[i].type == "th_open" and tokens[i + 1].type == "inline" and not tokens[i + 1].content.strip() \
                and tokens[i + 2].type == "th_close":
            tokens[i].tag = tokens[i + 2].tag = "td"


def _scoped_ids(state) -> None:
    """Several bodies share one page (a question, its answers, the solution): prefix heading
    ids with the body's `docId` so they stay unique (footnotes use `docId` themselves), and
    shift heading levels to nest under the page's headings."""
    scope = state.env.get("docId")
    shift = state.env.get("headingShift", 0)
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            if shift:
                level = min(6, int(token.tag[1]) + shift)
                token.tag = f"h{level}"
            if scope and token.type == "heading_open" and token.attrGet("id"):
                token.attrSet("id", f"{scope}-{token.attrGet('id')}")


def render_markdown(md: MarkdownIt, text: str, scope: str = "", heading_shift: int = 0) -> str:
    """Render one body. `scope` prefixes its ids; `heading_shift` moves its headings down so
    they nest under the page's own (an answer's `##` under the answer's h3 becomes h4)."""
    env = {"headingShift": heading_shift}
    if scope:
        env["docId"] = scope
    return md.render(text, env)


# ---------------------------------------------------------------------------- many bodies at once

# (text, scope, heading_shift): everything a rendering depends on, besides record links.
Job = tuple[str, str, int]
CACHE_VERSION = f"3/{markdown_it.__version__}"
PARALLEL_JOBS = 400  # below this, starting worker processes costs more than it saves

_worker_md: MarkdownIt | None = None


_RECORD_TARGET = re.compile(r"(?:\]\(\s*<?|\]:\s*<?)(q|a|m|w|t):([^)\s>]*)")


def cache_key(job: Job, resolve: Resolver) -> bytes:
    """A stable key for a rendering, reusable across builds: the text, its scope and shift, and
    where each record link in it points now (so the key changes when a linked record moves
    or disappears)."""
    text, scope, shift = job
    digest = hashlib.blake2b(digest_size=16)
    for part in (CACHE_VERSION, scope, str(shift), text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    for scheme, rest in _RECORD_TARGET.findall(text):
        digest.update(f"{resolve(scheme, unquote(rest))}\0".encode("utf-8", "surrogatepass"))
    return digest.digest()


def _render_job(job: Job) -> str:
    assert _worker_md is not None
    return render_markdown(_worker_md, *job)


def render_many(md: MarkdownIt, jobs: list[Job], workers: int | None = None) -> list[str]:
    """Render many bodies, in parallel across cores when there are enough of them. Workers are
    forked, so they share `md` (and the resolver it closes over) without pickling it."""
    global _worker_md
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(jobs) < PARALLEL_JOBS or "fork" not in multiprocessing.get_all_start_methods():
        return [render_markdown(md, *job) for job in jobs]
    _worker_md = md
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_render_job, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
    finally:
        _worker_md = None
