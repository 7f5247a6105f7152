"""Load stage: find the record files of a community, read them safely, parse YAML with positions.

Nothing here knows the meaning of a field. The output is a list of `Document`s: each the file's
kind, its path relative to the source folder, its YAML tree (every value carrying its location)
and, for Markdown files, the body and the file line it starts on.

Reading is defensive because records are written by many hands: symlinks leaving the source
folder, folders where files belong, binary or non-UTF-8 bytes, huge files and alias bombs each
become one located diagnostic and the run goes on.
"""

from __future__ import annotations

import bisect
import errno
import functools
import gc
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Union

import yaml

from .diagnostics import Diagnostic, Loc, error, warning

try:  # libyaml is ~10x faster; the pure-Python parser gives the same events and marks
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml.composer import Composer as _PyComposer
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _PyReader
    from yaml.scanner import Scanner as _PyScanner

    class _Parser(_PyReader, _PyScanner, _PyParser, _PyComposer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _PyReader.__init__(self, stream)
            _PyScanner.__init__(self)
            _PyParser.__init__(self)
            _PyComposer.__init__(self)

MAX_FILE_BYTES = 8 * 1024 * 1024
# A document may expand (through aliases) to at most this many values: stops alias bombs.
MAX_VALUES = 100_000
MAX_DEPTH = 64

# Files a question folder may hold besides its records (pictures the Markdown refers to).
ASSET_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .svg .avif .pdf .txt .csv .mp3 .mp4".split()
)


# ---------------------------------------------------------------------------- positioned YAML


@dataclass(frozen=True, slots=True)
class Scalar:
    """A YAML scalar kept as its source text: the schema, not YAML 1.1, decides its type."""

    text: str
    style: str  # "" plain (so `~`, `true`, numbers and dates may be meant), or one of ' " | >
    loc: Loc

    @property
    def plain(self) -> bool:
        return not self.style

    @property
    def is_null(self) -> bool:
        return not self.style and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple["Value", ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Map:
    # key -> (location of the key, value); insertion order is the file's order
    entries: dict[str, tuple[Loc, "Value"]] = field(hash=False)
    loc: Loc


Value = Union[Scalar, Seq, Map]

# Tags YAML gives values itself. With the non-resolving composer below, plain scalars are all
# `str`; any other tag was written explicitly in the file.
_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))
_TAG_PREFIX = "tag:yaml.org,2002:"


class _Composer(_Parser, yaml.resolver.BaseResolver):
    """libyaml's parser with a resolver that guesses no types: the schema decides them."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.resolver.BaseResolver.__init__(self)

    _DEFAULT_TAGS = {yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
                     yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                     yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG}

    def resolve(self, kind, value, implicit) -> str:
        # What BaseResolver answers with no implicit or path resolvers, without looking them up
        # for each of the 550,000 values of 10,000 questions.
        return self._DEFAULT_TAGS[kind]


class _Budget:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_VALUES


class _TooLarge(Exception):
    def __init__(self, loc: Loc, message: str) -> None:
        self.loc, self.message = loc, message


def _tag_problem(tag: str) -> str:
    shown = "!!" + tag[len(_TAG_PREFIX):] if tag.startswith(_TAG_PREFIX) else tag
    return f"YAML tag {shown} is not supported"


# libyaml ends lines also at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (YAML 1.1); editors,
# git and grep only at \n, \r\n and \r. Locations are given in the editors' lines.
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile(r"\r\n|[\r\n]")
Remap = Callable[[int, int], tuple[int, int]]


def _editor_positions(text: str) -> Remap | None:
    """Maps libyaml's (line, column), from 0, to the editor's, from 1; None when they agree."""
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return None
    yaml_starts = [0] + [m.end() for m in _YAML_BREAK.finditer(text)]
    editor_starts = [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]

    def remap(line: int, column: int) -> tuple[int, int]:
        offset = yaml_starts[min(line, len(yaml_starts) - 1)] + column
        row = bisect.bisect_right(editor_starts, offset) - 1
        return row + 1, offset - editor_starts[row] + 1
    return remap


def _loc(path: str, mark, line_offset: int, remap: Remap | None) -> Loc:
    if remap is None:
        return Loc(path, mark.line + 1 + line_offset, mark.column + 1)
    line, column = remap(mark.line, mark.column)
    return Loc(path, line + line_offset, column)


def _convert(node: yaml.Node, path: str, line_offset: int, budget: _Budget, depth: int,
             diags: list[Diagnostic], remap: Remap | None = None) -> Value:
    mark = node.start_mark
    loc = Loc(path, mark.line + 1 + line_offset, mark.column + 1) if remap is None else \
        _loc(path, mark, line_offset, remap)
    budget.left -= 1
    if budget.left < 0:
        raise _TooLarge(loc, f"document expands to more than {MAX_VALUES:,} values "
                             "(a YAML alias bomb?); file not read")
    if depth > MAX_DEPTH:
        raise _TooLarge(loc, f"values nested more than {MAX_DEPTH} levels deep; file not read")
    if node.tag not in _STANDARD_TAGS:
        diags.append(error(loc, _tag_problem(node.tag)))

    if node.id == "scalar":
        return Scalar(node.value, node.style or "", loc)
    if node.id == "sequence":
        return Seq(tuple([_convert(n, path, line_offset, budget, depth + 1, diags, remap) for n in node.value]), loc)
    entries: dict[str, tuple[Loc, Value]] = {}
    for key_node, value_node in node.value:
        key_mark = key_node.start_mark
        key_loc = Loc(path, key_mark.line + 1 + line_offset, key_mark.column + 1) if remap is None else \
            _loc(path, key_mark, line_offset, remap)
        if key_node.id != "scalar":
            diags.append(error(key_loc, "a field name must be plain text, not a list or mapping"))
            continue
        key = key_node.value
        if key == "<<" and not key_node.style:
            diags.append(error(key_loc, "YAML merge keys (<<) are not supported; write the fields out"))
            continue
        if key in entries:
            first = entries[key][0]
            diags.append(error(key_loc, f"duplicate field '{key}' (first given at line {first.line})"))
            continue
        entries[key] = (key_loc, _convert(value_node, path, line_offset, budget, depth + 1, diags, remap))
    return Map(entries, loc)


# Front matter as nearly all of it is written: one `key: value` a line from the first column,
# each value plain text, quoted text without escapes, or a flow list of plain items. Such YAML
# is read here to the values and positions libyaml gives, in a quarter of its time (58,000 of
# the 62,500 files of 10,000 generated questions: 1.0 s of the main process's reading to
# 0.25 s); anything else (nesting, comments, blank lines, escapes, a value YAML might read
# otherwise, a character it refuses) is left to libyaml, which also reports its errors.
_INDICATORS = re.escape("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar starts with none of them
# (A key of over 1,024 characters is a syntax error to libyaml.)
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,999}): ([^\s" + _INDICATORS + r"](?:.*[^\s:])?|\[.*\]"
                          r"|\"[^\"\\]*\"|'[^']*')\Z")
_FLOW_ITEM = re.compile(r"[^\s" + _INDICATORS + r"](?:[^,\[\]{}#:]*[^\s,\[\]{}#:])?\Z")
# Outside YAML's printable characters, or a line end libyaml counts and editors do not, a
# byte order mark, a tab.
_NOT_SIMPLE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _simple_mapping(text: str, path: str, line_offset: int) -> Map | None:
    """`parse_yaml`'s value for YAML of the shape above, None for any other."""
    if _NOT_SIMPLE.search(text):
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    entries: dict[str, tuple[Loc, Value]] = {}
    line = line_offset
    for source in lines:
        line += 1
        match = _SIMPLE_LINE.match(source)
        if match is None or match[1] in entries:
            return None
        key, value = match[1], match[2]
        column = len(key) + 3
        if value[0] in "\"'":
            made: Value = Scalar(value[1:-1], value[0], Loc(path, line, column))
        elif ": " in value or " #" in value:  # a mapping's value or a comment, on a plain scalar
            return None
        elif value[0] == "[":
            items = []
            if len(value) > 2:
                at = column + 1
                for item in value[1:-1].split(", "):
                    if not _FLOW_ITEM.match(item):
                        return None
                    items.append(Scalar(item, "", Loc(path, line, at)))
                    at += len(item) + 2
            made = Seq(tuple(items), Loc(path, line, column))
        else:
            made = Scalar(value, "", Loc(path, line, column))
        entries[key] = (Loc(path, line, 1), made)
    return Map(entries, Loc(path, line_offset + 1, 1)) if entries else None


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Value | None, list[Diagnostic]]:
    """Parse one YAML document into positioned values. `line_offset` is added to every line
    (front matter starts below its `---`). Returns None for an empty document."""
    simple = _simple_mapping(text, path, line_offset)
    if simple is not None:
        return simple, []
    diags: list[Diagnostic] = []
    remap = _editor_positions(text)
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = _loc(path, mark, line_offset, remap) if mark else Loc(path, 1 + line_offset, 1)
        line, column = at.line, at.column
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "cannot parse"
        return None, [error(Loc(path, line, column), f"YAML syntax error: {problem}")]
    except yaml.YAMLError as exc:  # e.g. "expected a single document in the stream"
        return None, [error(Loc(path, 1 + line_offset, 1), f"YAML error: {exc}")]
    except RecursionError:
        return None, [error(Loc(path, 1 + line_offset, 1), "values nested too deeply; file not read")]
    if node is None:
        return None, diags
    try:
        return _convert(node, path, line_offset, _Budget(), 0, diags, remap), diags
    except _TooLarge as exc:
        return None, [error(exc.loc, exc.message)]


def without_cycle_collector(function):
    """Runs `function` with Python's cycle collector paused. Loading and rendering an archive
    makes millions of long-lived objects and almost no cyclic garbage, yet the collector keeps
    walking all of them: at 10,000 questions it took a quarter of a cold build (30-36 s against
    26 s, and the same peak memory). Mercurial pauses it the same way (`util.nogc`)."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()
    return paused


# ---------------------------------------------------------------------------- documents


@dataclass(frozen=True, slots=True)
class Document:
    """One record file, parsed but not yet understood."""

    kind: str  # site, member, week, question, answer, solution, fund, event, about, book
    path: str  # relative to the source folder, with forward slashes
    data: Value | None  # the YAML (front matter for Markdown files); None when empty
    body: str = ""  # Markdown after the front matter
    body_line: int = 1  # file line of the body's first line


FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$")


def _editor_line_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end without the line end, start of the next line) of each line, as editors count."""
    start = 0
    for match in _EDITOR_BREAK.finditer(text):
        yield start, match.start(), match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text), len(text)


_CLOSING_FENCE = re.compile(r"^(?:---[ \t]*|\.\.\.)$", re.MULTILINE)


def split_front_matter(text: str, path: str) -> tuple[str | None, int, str, int, list[Diagnostic]]:
    """Split `---` front matter from a Markdown body, keeping line numbers.

    Returns (yaml_text, yaml_first_line, body, body_first_line, diagnostics); yaml_text is None
    when the file has no front matter."""
    if "\r" not in text:
        # Lines end only at \n: the closing fence is found by one search, not line by line
        # (59,000 bodies at 10,000 questions: 0.22 s to 0.10 s, and they are split twice, by the
        # reader and by the worker rendering ahead).
        first_end = text.find("\n")
        if first_end > 0 and FRONT_MATTER_FENCE.match(text, 0, first_end):
            closing = _CLOSING_FENCE.search(text, first_end + 1)
            if closing is not None:
                return (text[first_end + 1:closing.start()], 2, text[closing.end() + 1:],
                        text.count("\n", 0, closing.start()) + 2, [])
    return _split_by_lines(text, path)


def _split_by_lines(text: str, path: str) -> tuple[str | None, int, str, int, list[Diagnostic]]:
    lines = _editor_line_spans(text)
    first = next(lines, None)
    if first is None or not FRONT_MATTER_FENCE.match(text[first[0]:first[1]]):
        return None, 1, text, 1, [error(Loc(path, 1, 1),
                                        "missing front matter: the file must start with a line '---'")]
    for number, (start, end, after) in enumerate(lines, start=2):
        line = text[start:end]
        if FRONT_MATTER_FENCE.match(line) or line == "...":
            return text[first[2]:start], 2, text[after:], number + 1, []
    return None, 1, text, 1, [error(Loc(path, 1, 1),
                                    "front matter opened on line 1 is never closed by a line '---'")]


def parse_document(kind: str, path: str, text: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse a record file's text (pure: no I/O). YAML records are whole-file YAML, the others
    Markdown with front matter."""
    if path.endswith(".md"):
        yaml_text, yaml_line, body, body_line, diags = split_front_matter(text, path)
        if yaml_text is None:
            return None, diags
        data, more = parse_yaml(yaml_text, path, line_offset=yaml_line - 1)
        if data is None and not more:
            more = [error(Loc(path, yaml_line, 1), "front matter is empty")]
        return (Document(kind, path, data, body, body_line) if not _has_error(more) else None), more
    if not text.strip():
        return None, [error(Loc(path, 1, 1), "file is empty")]
    data, diags = parse_yaml(text, path)
    if data is None and not diags:
        return None, [error(Loc(path, 1, 1), "file holds no YAML value")]
    return (Document(kind, path, data) if not _has_error(diags) else None), diags


def _has_error(diags: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diags)


# ---------------------------------------------------------------------------- reading files


# Opening with O_NOFOLLOW tells a symbolic link from a file in the same call, and fstat then
# checks the file that was opened: two system calls a file instead of lstat, open and read's
# stat (measured: read_text's overhead over a bare open and read went from 2 s to under 1 s on
# 62,000 files). O_NONBLOCK keeps a FIFO from blocking the open.
_OPEN_FILE = (os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
              if hasattr(os, "O_NOFOLLOW") else None)
_SLOW_OPEN = {errno.ELOOP, errno.ENXIO, errno.EMLINK}  # a link (EMLINK on FreeBSD), a socket


def _open_unless_link(path: str) -> int | None:
    """A descriptor for `path`, or None when it is a link or socket (or links cannot be told
    apart by `open` here), for the caller to look at with lstat."""
    if _OPEN_FILE is None:
        return None
    try:
        return os.open(path, _OPEN_FILE)
    except OSError as exc:
        if exc.errno in _SLOW_OPEN:
            return None
        raise


def _read_upto(descriptor: int, size_hint: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = os.read(descriptor, min(limit - total, max(size_hint + 1 - total, 65536)))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _leaves_source(here: Loc) -> Diagnostic:
    return error(here, "is a symbolic link to a place outside the source folder; not read")


def _inside(real: str, base: str) -> bool:
    return real == base or real.startswith(base if base.endswith(os.sep) else base + os.sep)


def read_text(root: Path, rel: str, folders: dict[str, str] | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Read one record file as UTF-8 text, refusing what a record file cannot be. `folders`
    remembers the real paths of folders across the files of one load."""
    here = Loc(rel)
    full = os.path.join(root, rel)
    folders = {} if folders is None else folders
    descriptor = None
    try:
        # The real path, not only a final link: a linked folder on the way counts too, and is
        # checked before anything is opened.
        real, base = _real_path(full, False, folders), _real_folder(str(root), folders)
        if not _inside(real, base):
            return None, [_leaves_source(here)]
        descriptor = _open_unless_link(full)
        info = os.lstat(full) if descriptor is None else os.fstat(descriptor)
        is_link = stat.S_ISLNK(info.st_mode)
        if is_link:
            real = _real_path(full, True, folders)
            if not _inside(real, base):
                return None, [_leaves_source(here)]
            if not os.path.exists(real):
                return None, [error(here, "is a broken symbolic link")]
            info = os.stat(real)
        if stat.S_ISDIR(info.st_mode):
            return None, [error(here, "expected a file, found a folder")]
        if not stat.S_ISREG(info.st_mode):
            return None, [error(here, "is not a regular file")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [error(here, f"file is {info.st_size / 1e6:.1f} MB; a record file may be at "
                                      f"most {MAX_FILE_BYTES // (1024 * 1024)} MB")]
        if descriptor is None:
            descriptor = os.open(real, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
        raw = _read_upto(descriptor, info.st_size, MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [error(here, f"cannot read: {exc.strerror or exc}")]
    finally:
        if descriptor is not None:
            os.close(descriptor)
    if b"\x00" in raw[:8192]:
        return None, [error(here, "is a binary file, not text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return None, [error(Loc(rel, line, column),
                            f"is not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")]
    return text.removeprefix("\ufeff"), []


def read_plain(path: str) -> str | None:
    """The text of a file that is a regular file (not a link) of UTF-8, else None, without
    `read_text`'s checks of where it lies and without its reports: for work done ahead whose
    result is used only for the same text read by `read_text` (a Markdown body, which is found
    by its text). 8 µs a file where `read_text` takes 15."""
    if _OPEN_FILE is None:
        return None
    try:
        descriptor = os.open(path, _OPEN_FILE)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        # One read: a text cut short by a file growing meanwhile is still rendered as what it
        # is, and used only where that very text is read again.
        raw = os.read(descriptor, info.st_size)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def _real_folder(folder: str, folders: dict[str, str]) -> str:
    real = folders.get(folder)
    if real is None:
        parent, name = os.path.split(folder)
        if parent and parent != folder and name not in ("", ".", "..") and not os.path.islink(folder):
            # One lstat here, the parent's real path remembered: not one lstat per component.
            real = os.path.join(_real_folder(parent, folders), name)
        else:
            real = os.path.realpath(folder)
        folders[folder] = real
    return real


def _real_path(path: str, is_link: bool, folders: dict[str, str]) -> str:
    if is_link:
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    return os.path.join(_real_folder(folder, folders), name)


def _leaves_root(root: Path, entry: os.DirEntry) -> bool:
    """A symbolic link whose target is outside the source folder."""
    if not entry.is_symlink():
        return False
    base = os.path.realpath(root)
    return os.path.commonpath([os.path.realpath(entry.path), base]) != base


def _entries(root: Path, rel: str) -> list[os.DirEntry]:
    try:
        return sorted((e for e in os.scandir(root / rel) if not e.name.startswith(".")),
                      key=lambda e: e.name)
    except OSError:
        return []


def _is_dir(entry: os.DirEntry) -> bool:
    # Symlinked folders are walked; read_text refuses every file whose real path leaves the
    # source folder, so a link outside yields diagnostics, never content.
    return entry.is_dir(follow_symlinks=True)


def discover(root: Path) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """List (kind, relative path) of every record file under the source folder, and
    diagnostics for files and folders that do not belong to the layout."""
    found: list[tuple[str, str]] = []
    diags: list[Diagnostic] = []

    def unexpected(rel: str, expected: str) -> None:
        diags.append(warning(Loc(rel), f"not part of the content layout, ignored ({expected})"))

    def folder(entry: os.DirEntry, rel: str) -> bool:
        """Whether to descend: a linked folder leading outside is reported, never read."""
        if not _is_dir(entry):
            return False
        if _leaves_root(root, entry):
            diags.append(_leaves_source(Loc(rel)))
            return False
        return True

    if (root / "site.yaml").exists() or (root / "site.yaml").is_symlink():
        found.append(("site", "site.yaml"))
    else:
        diags.append(error(Loc("site.yaml"), "no site.yaml in the source folder"))
    if not (root / "content").is_dir():
        diags.append(error(Loc("content"), "no content/ folder in the source folder"))
        return found, diags

    singles = {"fund.yaml": "fund", "about.md": "about", "book.yaml": "book"}
    for entry in _entries(root, "content"):
        rel = f"content/{entry.name}"
        if entry.name in singles:
            found.append((singles[entry.name], rel))
        elif entry.name == "members" and folder(entry, rel):
            for member in _entries(root, rel):
                if member.name.endswith(".yaml"):
                    found.append(("member", f"{rel}/{member.name}"))
                else:
                    unexpected(f"{rel}/{member.name}", "members are content/members/<handle>.yaml")
        elif entry.name == "weeks" and folder(entry, rel):
            _discover_weeks(root, rel, found, unexpected, folder)
        elif entry.name == "events" and folder(entry, rel):
            for event in _entries(root, rel):
                if event.name.endswith(".md"):
                    found.append(("event", f"{rel}/{event.name}"))
                elif Path(event.name).suffix.lower() not in ASSET_SUFFIXES:
                    unexpected(f"{rel}/{event.name}", "events are content/events/<YYYY-MM-DD>-<slug>.md")
        elif entry.name in ("members", "weeks", "events") and _leaves_root(root, entry):
            continue  # reported by folder()
        elif entry.name == "assets" and _is_dir(entry):
            continue
        else:
            unexpected(rel, "content/ holds members/, weeks/, events/, assets/, fund.yaml, about.md, book.yaml")
    return found, diags


def _discover_weeks(root: Path, rel: str, found: list, unexpected, folder) -> None:
    for week in _entries(root, rel):
        week_rel = f"{rel}/{week.name}"
        if _leaves_root(root, week):
            folder(week, week_rel)
            continue
        if not _is_dir(week):
            unexpected(week_rel, "weeks are folders content/weeks/<YYYY-Www>/")
            continue
        found.append(("week", f"{week_rel}/week.yaml"))
        for item in _entries(root, week_rel):
            item_rel = f"{week_rel}/{item.name}"
            if item.name == "week.yaml":
                continue
            if _leaves_root(root, item):
                folder(item, item_rel)
                continue
            if not _is_dir(item):
                unexpected(item_rel, "a week folder holds week.yaml and one folder per question")
                continue
            found.append(("question", f"{item_rel}/question.md"))
            for part in _entries(root, item_rel):
                part_rel = f"{item_rel}/{part.name}"
                if part.name == "question.md":
                    continue
                if part.name == "solution.md":
                    found.append(("solution", part_rel))
                elif part.name == "answers" and _leaves_root(root, part):
                    folder(part, part_rel)
                elif part.name == "answers" and _is_dir(part):
                    for answer in _entries(root, part_rel):
                        if answer.name.endswith(".md"):
                            found.append(("answer", f"{part_rel}/{answer.name}"))
                        elif Path(answer.name).suffix.lower() not in ASSET_SUFFIXES:
                            unexpected(f"{part_rel}/{answer.name}", "answers are answers/<handle>.md")
                elif Path(part.name).suffix.lower() not in ASSET_SUFFIXES or _is_dir(part):
                    unexpected(part_rel, "a question folder holds question.md, solution.md, answers/ and pictures")


MISSING_MESSAGES = {
    "week": "week.yaml in this week folder",
    "question": "question.md in this question folder: its answers and solution refer to a missing question",
}


@dataclass(frozen=True, slots=True)
class Loaded:
    documents: list[Document]
    member_files: frozenset[str]  # handles with a member file, readable or not
    diagnostics: list[Diagnostic]


class FileCache:
    """Parsed record files by path, kept while their size and modification time stay the same
    (`shequn serve` re-reads only what changed)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple[int, int], Document | None, list[Diagnostic]]] = {}

    def get(self, root: Path, kind: str, rel: str,
            folders: dict[str, str] | None = None) -> tuple[Document | None, list[Diagnostic]]:
        try:
            info = os.stat(os.path.join(root, rel))
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = (-1, -1)
        cached = self.entries.get(rel)
        if cached is not None and cached[0] == stamp and stamp != (-1, -1):
            return cached[1], cached[2]
        document, diags = _load_file(root, kind, rel, folders)
        self.entries[rel] = (stamp, document, diags)
        return document, diags


def load_source(root: Path, cache: FileCache | None = None) -> Loaded:
    """Read and parse every record file under `root`. A file that cannot be read or parsed is
    left out with its diagnostics; all the others are still loaded.

    Serial on purpose: measured on 62,000 files, handing parsed documents back from worker
    processes (pickling) cost more than the parsing it spread over two cores."""
    paths, diags = discover(root)
    documents: list[Document] = []
    folders: dict[str, str] = {}
    for kind, rel in paths:
        document, more = cache.get(root, kind, rel, folders) if cache else _load_file(root, kind, rel, folders)
        diags += more
        if document is not None:
            documents.append(document)
    members = frozenset(_file_stem(rel) for kind, rel in paths if kind == "member")
    return Loaded(documents, members, diags)


def _file_stem(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _load_file(root: Path, kind: str, rel: str,
               folders: dict[str, str] | None = None) -> tuple[Document | None, list[Diagnostic]]:
    if kind in ("week", "question") and not os.path.lexists(os.path.join(root, rel)):
        folder = rel.rsplit("/", 1)[0]
        return None, [error(Loc(folder), f"no {MISSING_MESSAGES[kind]}")]
    text, diags = read_text(root, rel, folders)
    if text is None:
        return None, diags
    document, more = parse_document(kind, rel, text)
    return document, diags + more
