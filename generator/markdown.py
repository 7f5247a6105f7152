"""Markdown to safe HTML: one configured markdown-it-py, used for every body in every output.

CommonMark plus tables, strikethrough, footnotes, task lists and heading anchors, code
highlighted by Pygments. Raw HTML is escaped (markdown-it's `html: False`). Link targets are
limited to http, https, mailto, relative paths and the record links (q: a: m: w: t:); a record
link is rewritten by the `resolve` function the caller passes, and a link that cannot be shown
(an unknown target, a disallowed scheme, a member this audience may not see) becomes its text.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sys
import threading
import unicodedata
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

import markdown_it
import markdown_it_pyrs
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .workers import can_fork, forked_pool

# A record link resolves to a site-relative URL, or None when the link must become plain text.
Resolver = Callable[[str, str], "str | None"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
RECORD_SCHEMES = frozenset({"q", "a", "m", "w", "t"})
_FORMATTER = HtmlFormatter(nowrap=True)


_NOT_IN_SLUG = re.compile(r"[^\w\- ]")
_SPACES = re.compile(r"\s+")


def heading_slug(title: str) -> str:
    """GitHub-style anchors that keep CJK: `## 背景與訴求` -> `背景與訴求`."""
    text = unicodedata.normalize("NFC", title).strip().lower()
    return _SPACES.sub("-", _NOT_IN_SLUG.sub("", text)) or "section"


@functools.lru_cache(maxsize=256)
def _lexer(language: str):
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def _highlight(code: str, language: str, attrs: str) -> str:
    lexer = _lexer(language.split()[0]) if language.split() else None
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


class Markdown:
    """The configured renderer. markdown-it-pyrs parses and `_TreeRenderer` writes the HTML;
    markdown-it-py, configured the same way, takes the rare body nested too deep for the Rust
    parser's stack (and is the reference the tests compare the fast engine with)."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self.reference = markdown_it_py(resolve)
        self.parser = markdown_it_pyrs.MarkdownIt("zero").enable_many(_RS_RULES)

    def render(self, text: str, scope: str = "", heading_shift: int = 0) -> str:
        if _too_deep_for_rust(text) or _rust_reads_otherwise(text):
            return render_reference(self.reference, text, scope, heading_shift)
        shape = _shape(text)
        try:
            if _silenced:
                made = self.parser.tree(text) if shape is _TREE else self.parser.render(text)
            else:
                with rust_panics_silenced():
                    made = self.parser.tree(text) if shape is _TREE else self.parser.render(text)
        except BaseException as exc:  # pyo3's PanicException derives from BaseException
            if type(exc).__name__ != "PanicException":
                raise
            # A bug of markdown-it.rs (fuzzing found "`>`[`"): the reference engine renders it.
            return render_reference(self.reference, text, scope, heading_shift)
        if shape is _TREE:
            return _TreeRenderer(self.resolve, scope, heading_shift).render(made, has_footnotes="^" in text)
        if shape is _LINKED:
            made = _ANCHOR.sub(lambda anchor: _pointed(anchor, self.resolve), made)
        if "<table>" in made:  # no text has it: a `<` of its own takes the tree
            made = _scrolling_tables(made)
        return _scoped_headings(made, scope, heading_shift)


# A body with none of these (no image, code, footnote, quote, strikethrough, entity, escape,
# hard break, raw HTML, indented code, whitespace but spaces and line ends) and no bracket comes
# out of markdown-it-pyrs' own renderer as from `_TreeRenderer`, but for the headings' ids and
# levels, which `_scoped_headings` adds, and its tables' scrolling region and empty header
# cells, which `_scrolling_tables` adds: a third of the time of the tree and its renderer. Two
# bodies in three of a generated community are such, and half the rest have tables.
# (Each whitespace character but the space and the line end is named: a class of them is
# searched ten times faster than `[^\S\n ]`.)
_WHITESPACE_BUT_SPACE_AND_LINE_END = ("\t\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                                      "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_NEEDS_TREE = re.compile("[" + re.escape("!`<>&^~\\" + _WHITESPACE_BUT_SPACE_AND_LINE_END) + "]")
# An empty header cell in markdown-it-pyrs' table (the corner of a two-way table): a data cell,
# as `_TreeRenderer._table` and markdown-it-py's `_empty_header_cells` make it.
_EMPTY_HEADER_CELL = re.compile(r'<th((?: style="text-align:(?:left|right|center)")?)></th>')


def _scrolling_tables(html: str) -> str:
    """markdown-it-pyrs' tables as `_TreeRenderer._table` writes them."""
    html = html.replace("<table>\n", '<div class="table-scroll" tabindex="0"><table>\n')
    return _EMPTY_HEADER_CELL.sub(r"<td\1></td>", html.replace("</table>\n", "</table>\n</div>\n"))


_BULLET_OR_NUMBER = r"[-+*]|\d{1,9}[.)]"  # a list item's marker: a bullet, or a number and its dot or parenthesis
_LIST_MARKER = "(?:" + _BULLET_OR_NUMBER + ")"
# A list item's text five spaces or a tab after its marker is indented code.
_CODE_AFTER_MARKER = re.compile(r"^[ \t>]*(?:" + _LIST_MARKER + " +)*" + _LIST_MARKER + r"(?: {5,}| *\t)", re.M)


# A body's shape: plain (as above); linked, plain but for links written `[text](url "title")`
# (no reference definitions, no task lists): markdown-it-pyrs' renderer writes their anchors,
# and each is then pointed where the tree renderer would point it, or made its text; anything
# more takes the tree. Linked bodies are half the rest of a generated community's.
_PLAIN, _LINKED, _TREE = "plain", "linked", "tree"
_TASK = re.compile(r"^[ \t]*" + _LIST_MARKER + r"[ \t]+\[[ xX]\]", re.M)


def _shape(text: str) -> str:
    # (The line patterns only where their spaces or brackets are: a search of every line start
    # costs ten times a substring's.)
    if _NEEDS_TREE.search(text) or "\n    " in text or text.startswith("    ") or "  \n" in text \
            or text.endswith("  ") or ("     " in text and _CODE_AFTER_MARKER.search(text)):
        return _TREE
    if "[" not in text and "]" not in text:
        return _PLAIN
    if "]:" in text or (("[ ]" in text or "[x]" in text or "[X]" in text) and _TASK.search(text)):
        return _TREE
    return _LINKED


# markdown-it-pyrs' anchors, in a linked body (whose text has no `<`: no other tag has `<a `).
_ANCHOR = re.compile(r'<a href="([^"]*)"((?: title="[^"]*")?)>(.*?)</a>', re.S)


def _pointed(anchor: re.Match, resolve: Resolver) -> str:
    """An anchor markdown-it-pyrs wrote, pointed as `_TreeRenderer._link` points a link."""
    url = anchor[1].replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    target = _link_target(url, resolve)
    if target is None:
        return anchor[3]
    return f'<a href="{escapeHtml(target)}"{anchor[2]}>{anchor[3]}</a>'


# Where markdown-it-pyrs parses otherwise than markdown-it-py (found by fuzzing both): a table
# whose header line has no pipe, or whose delimiter row has none under a header that has them
# (the Rust parser makes a table of `a` over `:-`, a heading of `| a |` over `---`); a table or
# an empty list item that markdown-it-py reads as going on with a quote or list item before
# it; a tab among a line's quote and list markers. A body with such a line goes to markdown-it-py;
# no body of the sample or of a generated community has one.
_TAB_AMONG = r"[ \t]*(?:>|" + _BULLET_OR_NUMBER + r")[ >*+\-0-9.)]*\t"  # a tab among quote and list markers
_SUSPECT_LINE = re.compile(r"\n(?:(?P<line>[ \t>]*(?:[|:-][ \t|:>-]*|" + _LIST_MARKER + r"[ \t]*))(?=\n|$)|"
                           + _TAB_AMONG + ")")  # after a line end: searched fast
_BARE_MARKER = re.compile(r"[ \t]*" + _LIST_MARKER + r"[ \t]*")
_MARKED = re.compile(r"[ \t>]*" + _LIST_MARKER + r"(?:[ \t]|$)")
_QUOTED = re.compile(r"\n[ \t]*>")
_TAB_AMONG_MARKERS = re.compile(_TAB_AMONG)


def _rust_reads_otherwise(text: str) -> bool:
    text = "\n" + (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)
    for suspect in _SUSPECT_LINE.finditer(text):
        line = suspect["line"]
        if line is None or _TAB_AMONG_MARKERS.match(line):
            return True
        before = text[:suspect.start()]
        quoted = _QUOTED.search(before) is not None
        if _BARE_MARKER.fullmatch(line):  # an empty list item
            if quoted or "|" in before:
                return True
        elif "-" in line:  # a delimiter row, or a line of dashes
            previous = before[before.rfind("\n") + 1:]
            delimits = "|" in line or ":" in line
            if delimits != ("|" in previous) or (delimits and _MARKED.match(previous)) \
                    or (quoted and not line.lstrip().startswith(">")):
                return True
    return False


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")


def _heading_tag(level: int, title: Callable[[], str], scope: str, shift: int, slugs: set[str]) -> tuple[str, str]:
    """A heading's tag, moved down by `shift`, and its id attribute (levels 2 to 4, from its
    `title`, unique among `slugs`, prefixed by the body's `scope`)."""
    tag = f"h{min(6, level + shift)}"
    if not 2 <= level <= 4:
        return tag, ""
    slug = base = heading_slug(title())
    count = 0
    while slug in slugs:
        count += 1
        slug = f"{base}-{count}"
    slugs.add(slug)
    return tag, f' id="{escapeHtml(f"{scope}-{slug}" if scope else slug)}"'


def _scoped_headings(html: str, scope: str, shift: int) -> str:
    """Headings given their levels and ids as `_TreeRenderer` gives them, in HTML whose headings
    hold only text, emphasis and links."""
    slugs: set[str] = set()

    def heading(match: re.Match) -> str:
        inner = match[2]
        tag, attrs = _heading_tag(int(match[1]), lambda: unescapeAll(_TAG.sub("", inner)), scope, shift, slugs)
        return f"<{tag}{attrs}>{inner}</{tag}>"

    return _HEADING.sub(heading, html)


@contextlib.contextmanager
def rust_panics_silenced():
    """Rust reports a panic on stderr, with a backtrace under RUST_BACKTRACE, before pyo3 turns
    it into an exception; the body is then rendered all the same, so the report is noise. A
    loop rendering many bodies silences stderr once around them all: the bodies inside find it
    silenced and skip the four system calls (60,000 bodies at 10,000 questions: 0.5 s)."""
    global _devnull, _silenced
    if _silenced:
        yield
        return
    if _devnull is None:
        _devnull = os.open(os.devnull, os.O_WRONLY)
    sys.stderr.flush()  # what was written before goes where it was meant to
    saved = os.dup(2)
    os.dup2(_devnull, 2)
    _silenced = True
    try:
        yield
    finally:
        _silenced = False
        os.dup2(saved, 2)
        os.close(saved)


_devnull: int | None = None
_silenced = False


def make_markdown(resolve: Resolver) -> Markdown:
    return Markdown(resolve)


def markdown_it_py(resolve: Resolver) -> MarkdownIt:
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


def render_markdown(md: Markdown, text: str, scope: str = "", heading_shift: int = 0) -> str:
    """Render one body. `scope` prefixes its ids; `heading_shift` moves its headings down so
    they nest under the page's own (an answer's `##` under the answer's h3 becomes h4)."""
    return md.render(text, scope, heading_shift)


def render_reference(md: MarkdownIt, text: str, scope: str = "", heading_shift: int = 0) -> str:
    env = {"headingShift": heading_shift}
    if scope:
        env["docId"] = scope
    return md.render(text, env)


# ---------------------------------------------------------------------------- many bodies at once

# (text, scope, heading_shift): everything a rendering depends on, besides record links.
Job = tuple[str, str, int]
# The renderer's own source is part of the key: a changed rule must not reuse cached HTML.
CACHE_VERSION = (f"5/{markdown_it.__version__}/{markdown_it_pyrs.__version__}/"
                 f"{hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()}")
PARALLEL_JOBS = 400  # below this, starting worker processes costs more than it saves


def body_key(text: str, shift: int) -> bytes:
    """A body's text and heading shift, hashed with the renderer's version: the key of its open
    rendering (`render_open`), within a build and in the cache builds leave."""
    return hashlib.blake2b(f"{CACHE_VERSION}\0{shift}\0{text}\0".encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


# ---------------------------------------------------------------------------- Markdown rendered open

# What a body's HTML takes from the records is its scope (an answer's anchor names its author
# only where the audience may know them) and where its record links point. Rendered "open", a
# body has a mark in their place, for each page to close in microseconds, where rendering takes a
# hundred: so every body can be rendered while the records are read, and the cache holds what
# stays true when a linked record moves. The marks are control characters a body cannot hold
# (one that does is rendered as it is).
_OPEN_SCOPE, _OPEN_LINK = "\x01", "\x02"
# Record links as `_TreeRenderer._link` and markdown-it-py write them, pointed at a mark.
_OPEN_ANCHOR = re.compile('<a href="\x02([0-9]+)\x02"((?: title="[^"]*")?)>(.*?)</a>', re.S)
Opened = tuple[str, tuple[tuple[str, str], ...]]  # HTML with marks; each record link's (scheme, rest)


class _LinkMarks:
    """A resolver that points each record link at a numbered mark and remembers its target."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str]] = []

    def __call__(self, scheme: str, rest: str) -> str:
        self.links.append((scheme, rest))
        return f"{_OPEN_LINK}{len(self.links) - 1}{_OPEN_LINK}"


_open = threading.local()  # a renderer and its marks for each thread: the marks are per body


def _open_markdown() -> tuple[Markdown, _LinkMarks]:
    made = getattr(_open, "markdown", None)
    if made is None:
        marks = _LinkMarks()
        made = _open.markdown = (Markdown(marks), marks)
    return made


def render_open(text: str, shift: int) -> Opened | None:
    """A body rendered before the records are read, to be closed by `close_open` (None for a body
    that holds one of the marks). Its key is `body_key(text, shift)`."""
    if _OPEN_SCOPE in text or _OPEN_LINK in text:
        return None
    md, marks = _open_markdown()
    marks.links.clear()
    return render_markdown(md, text, _OPEN_SCOPE, shift), tuple(marks.links)


def close_open(opened: Opened, scope: str, resolve: Resolver) -> str | None:
    """The HTML `render_markdown(md, text, scope, shift)` gives, from the body's open rendering:
    the scope put in, each record link pointed where `resolve` says, or made its text. None
    where the marks are not where they are expected, for the caller to render the body."""
    html, links = opened
    if escapeHtml(scope) != scope:
        return None  # never given: a scope is `question`, `solution`, `answer-<handle>` …
    if links:
        nested = False

        def point(anchor: re.Match) -> str:
            nonlocal nested
            nested = nested or "<a " in anchor[3]  # links never nest; were they to, the text would be cut
            target = resolve(*links[int(anchor[1])])
            if target is None:
                return anchor[3]
            return f'<a href="{escapeHtml(target)}"{anchor[2]}>{anchor[3]}</a>'

        html = _OPEN_ANCHOR.sub(point, html)
        if nested or _OPEN_LINK in html:
            return None
    if not scope:  # ids without a scope have no dash before them, footnotes' none around it
        return html.replace(f"-{_OPEN_SCOPE}-", "").replace(f"{_OPEN_SCOPE}-", "")
    return html.replace(_OPEN_SCOPE, scope)


def render_open_many(bodies: list[tuple[str, int]], workers: int | None = None) -> list[Opened | None]:
    """`render_open` of many (text, shift), in parallel across cores when there are enough."""
    workers = workers or os.cpu_count() or 1
    if not can_fork(workers, len(bodies), PARALLEL_JOBS):
        return [render_open(*body) for body in bodies]
    with forked_pool(workers) as pool:
        return pool.starmap(render_open, bodies, chunksize=max(1, len(bodies) // (workers * 8)))


# ---------------------------------------------------------------------------- the fast engine

# markdown-it-pyrs (markdown-it's rules, compiled from Rust) parses; `_TreeRenderer` writes the
# same HTML as the markdown-it-py configuration above from its syntax tree, ten times faster.
_RS_RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
             "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link",
             "newline", "table", "strikethrough", "footnote", "tasklist"]  # no raw HTML, no linkify
_BLOCKS = frozenset({"paragraph", "heading", "lheading", "bullet_list", "ordered_list", "list_item", "blockquote", "hr",
                     "fence", "code_block", "table", "footnote_container", "footnote_def", "definition"})
# The Rust parser recurses, and overflows the stack (a crash, not an exception) between 20,000
# and 50,000 nested blocks and near 100,000 nested spans, measured. Each level of nesting takes
# at least one character of a line's prefix or one span mark, so a body that could nest 10,000
# deep goes to markdown-it-py instead (which keeps 100 levels).
_DEEP_LEVELS = 10000
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-.)0-9]{%d}" % _DEEP_LEVELS, re.M)
_SPAN_MARKS = re.compile(r"[*_~\[!]")
_MAX_SPAN_MARKS = 20000
_CHECKBOX = ('<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">',
             '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox">')
_ALIGN = {"left": ' style="text-align:left"', "right": ' style="text-align:right"',
          "center": ' style="text-align:center"'}


def _children(node) -> list:
    return node.children


_HTML_SPECIAL = re.compile(r'[&<>"]')


def _escape_text(text: str) -> str:
    """markdown-it's `escapeHtml` (html.escape, the apostrophe left as it is), returning most
    text, which has nothing to escape, as it is."""
    return escapeHtml(text) if _HTML_SPECIAL.search(text) else text


def _too_deep_for_rust(text: str) -> bool:
    # Either takes that many characters at least: most bodies are told by their length.
    return len(text) >= _DEEP_LEVELS and (bool(_DEEP_PREFIX.search(text))
                                          or len(_SPAN_MARKS.findall(text)) > _MAX_SPAN_MARKS)


def _heading_text(node) -> str:
    """What a heading's anchor is made from: its text and code, images left out (markdown-it-py's
    anchors plugin reads the heading's flat inline tokens, where an image keeps its own)."""
    out: list[str] = []
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        if current.name in ("text", "text_special"):
            out.append(current.meta.get("content", ""))
        elif current.name != "image":
            stack.extend(reversed(current.children))
    return "".join(out)


def _inline_text(node) -> str:
    """An image's alt text: the text of its content without markup (CommonMark's rule)."""
    out: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        name = current.name
        if name in ("text", "text_special"):
            out.append(current.meta.get("content", ""))
        elif name in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            stack.extend(reversed(current.children))
    return "".join(out)


def _link_target(url: str, resolve: Resolver) -> str | None:
    """Where a link may point, or None when it must become its text."""
    match = _SCHEME.match(url)
    if match and match[1].lower() in RECORD_SCHEMES:
        return resolve(match[1].lower(), unquote(url[match.end():]))
    # Checked decoded too: `< javascript:…>` arrives as `%20javascript:…`.
    return url if _validate_link(url) and _validate_link(unquote(url)) else None


class _TreeRenderer:
    """One body's tree to HTML. Iterative, so nesting depth never meets Python's recursion
    limit: every handler returns the strings and child nodes that stand for its node, in order."""

    def __init__(self, resolve: Resolver, scope: str, shift: int) -> None:
        self.resolve, self.scope, self.shift = resolve, scope, shift
        self.slugs: set[str] = set()
        self.footnote_prefix = f"-{scope}-" if scope else ""
        self.footnote_numbers: dict[int, int] = {}  # pyrs def_id -> number by first reference
        self.footnote_seen: dict[int, int] = {}
        self.current_note: int | None = None  # the footnote being rendered: its backrefs point to it

    def render(self, root, has_footnotes: bool = True) -> str:
        if has_footnotes:
            self._number_footnotes(root)
        out: list[str] = []
        stack: list = [root]
        handlers: dict = {}
        while stack:
            item = stack.pop()
            if type(item) is str:
                out.append(item)
                continue
            name = item.name
            if name == "text":  # half of all nodes: written here, without a handler's list
                out.append(_escape_text(item.meta.get("content", "")))
                continue
            handler = handlers.get(name)
            if handler is None:
                handler = handlers[name] = getattr(self, "_" + name, _children)
            stack.extend(reversed(handler(item)))
        return "".join(out)

    def _number_footnotes(self, root) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            if node.name == "footnote_ref":
                self.footnote_numbers.setdefault(node.meta["def_id"], len(self.footnote_numbers) + 1)
            elif node.name == "footnote_container":
                continue  # references inside notes count after those in the text, as markdown-it-py's
            stack.extend(reversed(node.children))
        stack = [c for c in root.children if c.name == "footnote_container"]
        while stack:
            node = stack.pop()
            if node.name == "footnote_ref":
                self.footnote_numbers.setdefault(node.meta["def_id"], len(self.footnote_numbers) + 1)
            stack.extend(reversed(node.children))

    # -- blocks
    def _paragraph(self, node) -> list:
        return ["<p>", *node.children, "</p>\n"]

    def _heading(self, node) -> list:
        level = node.meta["level"]
        tag, attrs = _heading_tag(level, lambda: _heading_text(node), self.scope, self.shift, self.slugs)
        return [f"<{tag}{attrs}>", *node.children, f"</{tag}>\n"]

    _lheading = _heading  # a setext heading (`Title` underlined with === or ---)

    def _blockquote(self, node) -> list:
        if not node.children:
            return ["<blockquote></blockquote>\n"]
        return ["<blockquote>\n", *node.children, "</blockquote>\n"]

    def _bullet_list(self, node) -> list:
        tasks = ' class="contains-task-list"' if node.attrs.get("class") == "contains-task-list" else ""
        return [f"<ul{tasks}>\n", *node.children, "</ul>\n"]

    def _ordered_list(self, node) -> list:
        start = node.meta.get("start", 1)
        return [f'<ol start="{start}">\n' if start != 1 else "<ol>\n", *node.children, "</ol>\n"]

    def _list_item(self, node) -> list:
        """A tight item's paragraphs are hidden: their text stands in the <li> itself (and a
        block after it starts on a new line, as markdown-it-py writes it)."""
        children = list(node.children)
        task = ""
        if children and children[0].name == "todo_checkbox":
            task = _CHECKBOX[bool(children.pop(0).meta.get("checked"))]
        parts: list = ['<li class="task-list-item">' if task or node.attrs.get("class") == "task-list-item" else "<li>"]
        previous_inline = False
        if task:  # the checkbox and the item's first text make one label
            if children and children[0].name == "paragraph":
                parts += ["\n<p><label>" + task, *children.pop(0).children, "</label></p>\n"]
            else:
                run = next((i for i, c in enumerate(children) if c.name in _BLOCKS), len(children))
                parts += ["<label>" + task, *children[:run], "</label>"]
                children, previous_inline = children[run:], True
        elif children and children[0].name in _BLOCKS:
            parts.append("\n")
        for child in children:
            block = child.name in _BLOCKS
            if block and previous_inline and child.name not in ("fence", "code_block", "table"):
                parts.append("\n")
            parts.append(child)
            previous_inline = not block
        parts.append("</li>\n")
        return parts

    def _hr(self, node) -> list:
        return ["<hr />\n"]

    def _fence(self, node) -> list:
        info = unescapeAll(node.meta.get("info", "")).strip()
        language, attrs = (info.split(maxsplit=1) + [""])[:2] if info else ("", "")
        content = node.meta.get("content", "")
        code = _highlight(content, language, attrs) or escapeHtml(content)
        cls = f' class="{escapeHtml("language-" + language)}"' if info else ""
        return [f'<pre tabindex="0"><code{cls}>{code}</code></pre>\n']

    def _code_block(self, node) -> list:
        return [f'<pre tabindex="0"><code>{escapeHtml(node.meta.get("content", ""))}</code></pre>\n']

    def _table(self, node) -> list:
        alignments = node.meta.get("alignments", [])
        parts: list = ['<div class="table-scroll" tabindex="0"><table>\n']
        for section in node.children:
            header = section.name == "thead"
            parts.append(f"<{section.name}>\n")
            for row in section.children:
                parts.append("<tr>\n")
                for column, cell in enumerate(row.children):
                    # An empty header cell (the corner of a two-way table) names nothing: a data cell.
                    empty = all(c.name == "text" and not c.meta.get("content", "").strip() for c in cell.children)
                    tag = "th" if header and not empty else "td"
                    align = _ALIGN.get(alignments[column] if column < len(alignments) else "", "")
                    parts += [f"<{tag}{align}>", *cell.children, f"</{tag}>\n"]
                parts.append("</tr>\n")
            parts.append(f"</{section.name}>\n")
        parts.append("</table>\n</div>\n")
        return parts

    def _definition(self, node) -> list:
        return []

    # -- footnotes
    def _footnote_ident(self, def_id: int) -> str:
        return f"{self.footnote_prefix}{self.footnote_numbers.get(def_id, 0)}"

    def _footnote_ref(self, node) -> list:
        def_id = node.meta["def_id"]
        sub = self.footnote_seen.get(def_id, 0)
        self.footnote_seen[def_id] = sub + 1
        ident, number = self._footnote_ident(def_id), str(self.footnote_numbers.get(def_id, 0))
        suffix = f":{sub}" if sub else ""
        return [f'<sup class="footnote-ref"><a href="#fn{ident}" id="fnref{ident}{suffix}">[{number}{suffix}]</a></sup>']

    def _footnote_container(self, node) -> list:
        notes = sorted((n for n in node.children if n.meta.get("def_id") in self.footnote_numbers),
                       key=lambda n: self.footnote_numbers[n.meta["def_id"]])
        if not notes:
            return []
        return ['<hr class="footnotes-sep" />\n<section class="footnotes">\n<ol class="footnotes-list">\n',
                *notes, "</ol>\n</section>\n"]

    def _footnote_def(self, node) -> list:
        self.current_note = node.meta["def_id"]
        return [f'<li id="fn{self._footnote_ident(node.meta["def_id"])}" class="footnote-item">',
                *node.children, "</li>\n"]

    def _footnote_ref_anchor(self, node) -> list:
        ident = self._footnote_ident(self.current_note)
        return [f' <a href="#fnref{ident}{f":{sub}" if sub else ""}" class="footnote-backref">\u21a9\ufe0e</a>'
                for sub in range(len(node.meta.get("ref_ids", [])))]

    # -- spans
    def _text(self, node) -> list:
        return [_escape_text(node.meta.get("content", ""))]

    _text_special = _text

    def _softbreak(self, node) -> list:
        return ["\n"]

    def _hardbreak(self, node) -> list:
        return ["<br />\n"]

    def _em(self, node) -> list:
        return ["<em>", *node.children, "</em>"]

    def _strong(self, node) -> list:
        return ["<strong>", *node.children, "</strong>"]

    def _strikethrough(self, node) -> list:
        return ["<s>", *node.children, "</s>"]

    def _code_inline(self, node) -> list:
        return ["<code>" + escapeHtml("".join(c.meta.get("content", "") for c in node.children)) + "</code>"]

    def _link(self, node) -> list:
        target = _link_target(node.meta.get("url", ""), self.resolve)
        if target is None:
            return list(node.children)
        title = node.meta.get("title")
        title = f' title="{escapeHtml(title)}"' if title else ""
        return [f'<a href="{escapeHtml(target)}"{title}>', *node.children, "</a>"]

    _autolink = _link

    def _image(self, node) -> list:
        url = node.meta.get("url", "")
        alt = _inline_text(node)
        match = _SCHEME.match(url)
        if (match and match[1].lower() in RECORD_SCHEMES) or _link_target(url, self.resolve) is None:
            return [escapeHtml(alt)]
        title = node.meta.get("title")
        title = f' title="{escapeHtml(title)}"' if title else ""
        return [f'<img src="{escapeHtml(url)}" alt="{escapeHtml(alt)}"{title} />']

    def _html_inline(self, node) -> list:
        return [escapeHtml(node.meta.get("content", ""))]  # never enabled; escaped all the same

    _html_block = _html_inline
