"""Property-based fuzzing (Hypothesis) of the loader, the checker and the Markdown renderer.

Two promises, tried on generated input with a bounded number of examples so the file stays fast:

- Any bytes, any text and YAML-ish text (quotes, colons, anchors, aliases, tags, merge keys,
  directives, odd indentation) written as a member file, a question.md or a week.yaml give a
  clean `check` or located diagnostics, never a traceback.
- Markdown, whatever its text (HTML-ish and link-ish fragments included), renders to HTML with
  no active element: no script, iframe, object, embed, svg or style element, no event-handler
  attribute, no link or source whose scheme is javascript:, vbscript:, data: or file:.

Run with `--hypothesis-show-statistics` to see how many examples each property tried.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from generator.cli import main
from generator.load import parse_document, parse_yaml
from generator.markdown import make_markdown, render_markdown
from generator.validate import build_member, build_question, build_week

MEMBER = "content/members/kevin.yaml"
QUESTION = "content/weeks/2026-W43/kpi-for-volunteer-moderators/question.md"
WEEK = "content/weeks/2026-W43/week.yaml"
TARGETS = (MEMBER, QUESTION, WEEK)
KINDS = {MEMBER: "member", QUESTION: "question", WEEK: "week"}
BUILDERS = {"member": build_member, "question": build_question, "week": build_week}
ORIGINAL = {rel: (REPO / rel).read_bytes() for rel in TARGETS}

# Bounded, with no example database (Hypothesis still keeps its caches in .hypothesis/, which
# ignores itself in git). In CI the examples are the same on every run (derandomize), so a
# submission is never failed by a newly drawn example; locally each run draws new ones.
_COMMON = dict(deadline=None, database=None, derandomize=bool(os.environ.get("CI")),
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PURE = settings(max_examples=200, **_COMMON)
WHOLE = settings(max_examples=40, **_COMMON)


# ---------------------------------------------------------------------------- generated input

YAML_KEYS = st.sampled_from([
    "nickname", "name", "company", "contact", "bio", "visibility", "joined", "roles", "entry",
    "career_path", "expertise", "moderator", "awards", "tips", "rank", "answer", "amount", "from",
    "title", "asker", "posted", "tags", "deadline", "pool", "rating", "session", "year", "org",
    "<<", "'<<'", "? nickname", "nick name", "日本語", "", "a:b", "'quoted key'", '"dq\\nkey"',
    '"\\x1b[2J"', "!!str tagged", "&anchor key", "*alias", "[a, b]", "{k: v}", "-", "?", "#",
])
YAML_SCALARS = st.one_of(
    st.sampled_from([
        "", "~", "null", "yes", "no", "on", "off", "true", "False", "1e3", "0x1F", "0o17", ".inf",
        "-.5", "12:30:00", "2026-02-30", "2026-13-01", "2026-10-19", "2026-W53", "2026-W43",
        "kevin", "ajie", "meiling", "Kevin", "public", "members", "hidden", "public ", "member",
        "community-health-metrics/haoran", "../../etc/passwd", "/abs/path", "C:\\x", "a\\0b",
        "-", "?", ":", "|", ">", "|-", ">+2", "&a", "&a value", "*a", "*b", "*undefined",
        "!!python/object/apply:os.system ['echo hi']", "!!binary aGk=", "!foo bar", "!<tag:x> y",
        "!!map {}", "!!set {a}", "!!omap [a: 1]", "'single'", "'it''s'", '"dou\\"ble"',
        '"\\x01\\x00\\n\\u202e"', '"\\ud800"', '"\\U0010FFFF"', "[a, b", "[a, b]", "{a: 1}",
        "{a: 1, a: 2}", "[]", "{}", "- x", "#comment", "%TAG", "---", "...", "@x", "`x`",
        "javascript:alert(1)", "<script>alert(1)</script>", "{{ site.title }}", "{% raw %}",
        "𠮷野家", "\u202eevil", "zero\u200bwidth", "x" * 300,
    ]),
    st.text(max_size=24),
)


@st.composite
def yaml_line(draw) -> str:
    indent = draw(st.sampled_from(["", "", "  ", "    ", " ", "\t", "      "]))
    key, value = draw(YAML_KEYS), draw(YAML_SCALARS)
    shape = draw(st.sampled_from([
        "{k}: {v}", "{k}: {v}", "- {v}", "- {k}: {v}", "{k}:", "? {k}", ": {v}", "{k}: |",
        "{k}: >-", "{k}: &a {v}", "{k}: *a", "<<: *a", "{k}: !!str {v}", "{k}: [{v}, {v}]",
        "{k}: {{{k}: {v}}}", "---", "...", "%YAML 1.1", "%YAML 1.2", "# {v}", "{v}",
    ]))
    return indent + shape.replace("{k}", key).replace("{v}", value)


@st.composite
def yaml_ish(draw) -> str:
    lines = draw(st.lists(yaml_line(), max_size=16))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@st.composite
def yaml_ish_for(draw, rel: str) -> str:
    """YAML-ish text shaped for the file: front matter and a body for a Markdown record."""
    text = draw(yaml_ish())
    if rel.endswith(".md") and draw(st.booleans()):
        body = draw(markdown_text())
        return f"---\n{text}\n---\n{body}"
    return text


@st.composite
def mutated(draw, rel: str) -> bytes:
    """The real file with a few bytes overwritten, inserted or cut: near-valid input."""
    data = bytearray(ORIGINAL[rel])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 12))
        data[at:at + cut] = draw(st.binary(max_size=8))
    return bytes(data)


def any_bytes_for(rel: str):
    return st.one_of(st.binary(max_size=1500), mutated(rel))


def any_text_for(rel: str):
    original = ORIGINAL[rel].decode("utf-8")
    return st.one_of(
        st.text(max_size=800),
        st.builds(lambda a, b: a + b, st.text(max_size=40), st.just(original)),
        st.builds(lambda cut, extra: original[:cut] + extra, st.integers(0, len(original)), st.text(max_size=60)),
    )


# ---------------------------------------------------------------------------- whole `check` runs


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One copy of the sample for every example; each example rewrites one file and puts it back."""
    root = tmp_path_factory.mktemp("fuzz") / "site"
    root.mkdir()
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root


def check(root: Path, rel: str, data: bytes, output_format: str) -> tuple[int, str, str]:
    """`shequn check` in this process on the copy with `rel` replaced by `data`. An exception
    escaping `main` fails the example (that is a traceback for the user)."""
    path = root / rel
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["check", "--source", str(root), "--format", output_format, "--quiet"])
    finally:
        path.write_bytes(ORIGINAL[rel])
    return code, out.getvalue(), err.getvalue()


# Line ends as libyaml counts them: besides \n, \r\n and \r also U+0085, U+2028 and U+2029, which
# editors, git and grep do not (see test_locations_count_lines_as_editors_do).
YAML_LINE_END = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


def yaml_lines(text: str) -> int:
    return len(YAML_LINE_END.split(text))


def assert_located(root: Path, rel: str, data: bytes, code: int, out: str, err: str) -> None:
    rows = json.loads(out)
    assert err == "", err
    assert code == (1 if any(r["severity"] == "error" for r in rows) else 0), (code, rows)
    for row in rows:
        assert set(row) == {"path", "line", "column", "severity", "message"}, row
        assert row["severity"] in ("error", "warning"), row
        assert isinstance(row["message"], str) and row["message"].strip(), row
        assert isinstance(row["line"], int) and row["line"] >= 1, row
        assert isinstance(row["column"], int) and row["column"] >= 1, row
        where = root / row["path"]
        assert not Path(row["path"]).is_absolute() and ".." not in Path(row["path"]).parts, row
        assert where.exists() or where.is_symlink(), f"diagnostic names no real file: {row}"
        assert where.resolve().is_relative_to(root.resolve()), row
        if row["path"] == rel:
            text = data.decode("utf-8", errors="replace")
            assert row["line"] <= yaml_lines(text) + 1, f"line beyond the end of the file: {row}"
    if code == 1:
        assert any(r["severity"] == "error" for r in rows)


@pytest.mark.parametrize("rel", TARGETS)
@WHOLE
@given(data=st.data())
def test_any_bytes_give_located_diagnostics(site, rel, data):
    raw = data.draw(any_bytes_for(rel), label="bytes")
    assert_located(site, rel, raw, *check(site, rel, raw, "json"))


@pytest.mark.parametrize("rel", TARGETS)
@WHOLE
@given(data=st.data())
def test_any_text_gives_located_diagnostics(site, rel, data):
    raw = data.draw(any_text_for(rel), label="text").encode("utf-8")
    assert_located(site, rel, raw, *check(site, rel, raw, "json"))


@pytest.mark.parametrize("rel", TARGETS)
@WHOLE
@given(data=st.data())
def test_yaml_ish_text_gives_located_diagnostics(site, rel, data):
    raw = data.draw(yaml_ish_for(rel), label="yaml").encode("utf-8")
    assert_located(site, rel, raw, *check(site, rel, raw, "json"))


TEXT_LINE = re.compile(r"(?P<path>[^\s:][^:\n]*):(?P<line>\d+):(?P<column>\d+): (?:error|warning): \S[^\n]*")
COUNT_LINE = re.compile(r"\d+ errors?, \d+ warnings?")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@WHOLE
@example(rel=MEMBER, raw='"bad\\nkey\\x1b[2J": 1\nnickname: x\n')
@example(rel=MEMBER, raw='nickname: x\nvisibility: "pub\\nlic"\n')
@given(rel=st.sampled_from(TARGETS), raw=st.one_of(yaml_ish(), st.text(max_size=300)))
def test_text_diagnostics_are_one_clean_line_each(site, rel, raw):
    """The text format (the default): every problem is one `path:line:column: severity: message`
    line naming a real file, with no control characters, then the count line."""
    code, out, err = check(site, rel, raw.encode("utf-8"), "text")
    assert err == ""
    assert out.endswith("\n")
    lines = out[:-1].split("\n")
    assert COUNT_LINE.fullmatch(lines[-1]), lines[-1]
    for line in lines[:-1]:
        match = TEXT_LINE.fullmatch(line)
        assert match, f"not a located diagnostic: {line!r}"
        assert (site / match["path"]).exists(), line
        assert not CONTROL.search(line), f"control character in {line!r}"


def test_locations_count_lines_as_editors_do(sample, shequn):
    rel = QUESTION
    text = sample.read(rel).replace("title: 志工群管要不要設 KPI？", 'title: "志工群管\u2028要不要設 KPI？"', 1)
    text = text.replace("## 背景\n", "## 背景\n[x](q:no-such-question)\n", 1)
    sample.write(rel, text)
    line = text[:text.index("[x](q:no-such")].count("\n") + 1
    sample.write(MEMBER, "nickname: a\u2028b\nvisibility: public\n")
    run = shequn("check", "--source", str(sample.root))
    assert f"{rel}:{line}:5: error: link to unknown question 'no-such-question'" in run.out.splitlines()
    mine = [l for l in run.out.splitlines() if l.startswith(MEMBER + ":")]
    assert mine and all(int(l.split(":")[1]) <= 2 for l in mine), mine


# ---------------------------------------------------------------------------- pure functions


def real_line_bound(text: str) -> int:
    return yaml_lines(text) + 1


@PURE
@given(kind_rel=st.sampled_from(sorted(KINDS.items())), text=st.one_of(st.text(max_size=600), yaml_ish()))
def test_parse_document_and_build_never_raise(kind_rel, text):
    """`parse_document` and the record builders on any text: a document or diagnostics located
    in the file, within its lines."""
    rel, kind = kind_rel
    if rel.endswith(".md") and not text.startswith("---"):
        text = "---\n" + text + "\n---\nbody\n"
    document, diags = parse_document(kind, rel, text)
    if document is not None:
        BUILDERS[kind](document, diags)
    else:
        assert any(d.severity == "error" for d in diags)
    for d in diags:
        assert d.loc.path in (rel, rel.rsplit("/", 1)[0]), d
        assert 1 <= d.loc.line <= real_line_bound(text), (d, text)
        assert d.loc.column >= 1, d
        assert d.message.strip(), d


@PURE
@given(text=yaml_ish())
def test_parse_yaml_never_raises(text):
    """The positioned YAML reader on YAML-ish text: a value, or diagnostics within the text."""
    value, diags = parse_yaml(text, "x.yaml")
    for d in diags:
        assert d.loc.path == "x.yaml", d
        assert 1 <= d.loc.line <= real_line_bound(text) and d.loc.column >= 1, (d, text)


# ---------------------------------------------------------------------------- Markdown renderer

ACTIVE_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "math", "frame", "frameset",
               "applet", "base", "link", "meta", "form", "button", "textarea", "select",
               "template", "noscript", "xmp", "plaintext", "noembed", "portal"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
             "data", "codebase", "srcset", "ping", "lowsrc", "dynsrc", "longdesc", "manifest"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
RAW_ACTIVE = re.compile(r"<\s*/?\s*(script|iframe|object|embed|svg|style)\b", re.I)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HANDLER = re.compile(r"\son\w+\s*=", re.I)

HOSTILE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
    "javascript&#58;alert(1)", "javas&#99;ript:alert(1)", "\x01javascript:alert(1)",
    "vbscript:msgbox(1)", "VBScript:x", "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd", "FILE://c:/windows", "%6Aavascript:alert(1)", "jav%0Aascript:alert(1)",
    "javascript://%0Aalert(1)", "<javascript:alert(1)>", "q:javascript:alert(1)", "m:<script>",
    "t:\"onmouseover=alert(1)", "https://ok.example/", "mailto:a@b.c", "../relative", "#anchor",
    "//evil.example/", "http://x\" onerror=\"alert(1)", "'><img src=x onerror=alert(1)>",
]
HTML_FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//x.js></SCRIPT>", "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)>", "<object data=x.swf>", "<embed src=x>", "<style>*{}</style>",
    "<a href=\"javascript:alert(1)\">x</a>", "<div onclick=alert(1)>x</div>", "<!-- x -->",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>", "<base href=//evil/>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>", "<form action=javascript:x>",
    "<details open ontoggle=alert(1)>", "<body onload=alert(1)>", "<![CDATA[x]]>", "<?php x ?>",
    "&lt;script&gt;", "&#60;script&#62;", "\\<script>", "`<script>`", "{{ 7*7 }}", "{% raw %}",
]


@st.composite
def markdown_text(draw) -> str:
    url = draw(st.one_of(st.sampled_from(HOSTILE_URLS), st.text(max_size=20)))
    label = draw(st.one_of(st.sampled_from(["x", "點我", "<b>x</b>", "![i](javascript:alert(1))", ""]),
                           st.text(max_size=8)))
    pieces = st.one_of(
        st.sampled_from(HTML_FRAGMENTS),
        st.just(f"[{label}]({url})"), st.just(f"![{label}]({url})"), st.just(f"<{url}>"),
        st.just(f"[{label}](<{url}>)"), st.just(f"[{label}][r]\n\n[r]: {url}\n"),
        st.just(f"[{label}]({url} \"t\" )"), st.just(f"[^1]\n\n[^1]: {label} [{label}]({url})\n"),
        st.sampled_from(["\n\n", "\n", " ", "    ", "> ", "- ", "1. ", "# ", "## ", "| a | b |\n|---|---|\n| ",
                         "```html\n", "```\n", "~~~js\n", "- [ ] ", "***", "\\", "&", "&amp;", "\x00", "\u202e"]),
        st.text(max_size=30),
    )
    return "".join(draw(st.lists(pieces, max_size=14)))


def resolve(scheme: str, target: str) -> str | None:
    """Record links of a small community: known targets point at their pages."""
    known = {"q": {"kpi", "health"}, "a": {"kpi/ajie"}, "m": {"kevin"}, "w": {"2026-W43"}, "t": {"KPI", "群管"}}
    folder = {"q": "questions", "a": "questions", "m": "members", "w": "weeks", "t": "tags"}[scheme]
    return f"../../{folder}/{target}/" if target in known[scheme] else None


MD = make_markdown(resolve)


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def browser_scheme_view(value: str) -> str:
    """A URL as a browser reads its scheme: entities decoded, leading C0 controls and spaces
    stripped, tabs and newlines removed anywhere, lower case."""
    value = html.unescape(value)
    value = re.sub(r"[\t\n\r]", "", value)
    value = re.sub(r"^[\x00-\x20]+", "", value)
    return value.lower()


def assert_inert(output: str) -> None:
    assert not RAW_ACTIVE.search(output), output
    for tag_text in TAG.findall(output):
        assert not HANDLER.search(tag_text), tag_text
    parser = _Attributes()
    parser.feed(output)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in ACTIVE_TAGS, (tag, output)
        if tag == "input":  # a task list's box, shown and never sent anywhere
            assert ("type", "checkbox") in attrs and ("disabled", "disabled") in attrs, attrs
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, output)
            if name in URL_ATTRS and value is not None:
                seen = browser_scheme_view(value)
                assert not seen.startswith(BAD_SCHEMES), (tag, name, value)
                if name == "srcset":
                    assert not any(part.strip().startswith(BAD_SCHEMES) for part in seen.split(","))


@PURE
@example(text="[x](java&#x09;script:alert(1)) <img src=x onerror=alert(1)> [y](<javascript:alert(1)>)")
@example(text="[a][r]\n\n[r]: &#106;avascript:alert(1)\n")
@given(text=st.text(max_size=400))
def test_rendered_arbitrary_text_is_inert(text):
    assert_inert(render_markdown(MD, text, scope="answer-kevin", heading_shift=1))


@PURE
@given(text=markdown_text(), scope=st.sampled_from(["", "solution", "answer-kevin", "answer-anonymous-2"]),
       shift=st.integers(0, 3))
def test_rendered_hostile_fragments_are_inert(text, scope, shift):
    assert_inert(render_markdown(MD, text, scope=scope, heading_shift=shift))


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("form", ["[x]({})", "![x]({})", "<{}>", "[x][r]\n\n[r]: {}", "[x](<{}>)"])
def test_each_hostile_url_in_each_link_form(url, form):
    assert_inert(render_markdown(MD, form.format(url)))
