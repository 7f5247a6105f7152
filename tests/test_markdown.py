"""The fast Markdown engine (markdown-it-pyrs parsing, shequn's tree renderer) against the
reference (markdown-it-py with the same plugins and rules), on real bodies."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from generator.markdown import make_markdown, render_reference


def resolve(scheme: str, rest: str) -> str | None:
    # Some targets resolve and some do not, as in a real archive.
    return f"/{scheme}/{rest}/" if len(rest) % 3 else None


MD = make_markdown(resolve)


def bodies(root: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[text.find("\n", end + 1) + 1:]
        found.append((str(path.relative_to(root)), text))
    return found


def differences(items: list[tuple[str, str]], scope: str = "answer-x", shift: int = 1) -> list[str]:
    return [name for name, text in items
            if MD.render(text, scope, shift) != render_reference(MD.reference, text, scope, shift)]


SNIPPETS = [
    "# Title\n\n## 背景與訴求\n\n## 背景與訴求\n\n### `code` &amp; *em*\n\n#### four\n\n##### five",
    "- a\n  - b\n    - c\n- d\n\n1. x\n2. y\n\n3) z",
    "- loose\n\n  second paragraph\n- item\n\n  ```python\n  print(1)\n  ```",
    "- [x] done *well*\n- [ ] open\n  - nested\n\n* [ ] loose task\n\n  more",
    "x[^b] y[^a] z[^b] w^[inline *note*]\n\n[^a]: A\n[^b]: B\n\n    code in b\n[^c]: unused",
    "| a | | c |\n|:--|--:|:-:|\n| 1 | [q](q:abc) | ![i *x*](https://e.org/i.png \"t\") |\n\n| h |\n|---|",
    "> quote\n> - list\n>\n> > deeper\n\n>\n\n---\n\n***",
    "soft\nbreak  \nhard\\\nbreak <http://a.example> <a@b.example> &copy; &#35; \\* `a<b`",
    "[rel](../x \"t&\") [rec](q:ab) [rec2](m:abc) [js](javascript:alert(1)) [ref][r]\n\n[r]: https://r.example",
    "## [linked](https://e.org) ![img](https://e.org/i.png) heading",
    "```\nno language <b>\n```\n\n```unknown-lang extra\nx\n```\n\n    indented <i>",
    "~~struck~~ **strong _em_** ***both***",
    "",
    "\n\n",
    "ü 𠮷 emoji 🙂 RTL \u202e text",
    "Setext *one*\n===\n\nSetext two\nlines\n---\n\n- item\n  Inner\n  ---",
    "## plain\n\n## plain\n\n1. one\n2. two\n\n- a\n\n  b\n\n***\n\n##### five *x*",
    "# h1\n\n## 背景 \"與\" 'x'\n\n- ## in a list\n\ntext\nmore text",
    # Where markdown-it-pyrs parses otherwise (fuzzing found them): markdown-it-py renders these.
    "a\n:-\n\nb | c\n|-:|\n\n| d |\n---",  # tables without the pipes markdown-it-py requires
    "> a\n-\n\n> b | c\n--|--",  # an empty item, a table: after a quote
    "1. :-|\n:-\n\nx | y\n:-|-\n*",  # a table in a list item's first line; an empty item under a table
    "> > 1.  \t>  | x\n\n> > - \t-  y",  # tabs among the markers
    "1.     code\n\n- a\n  -      more code",  # indented code in list items, plain otherwise
]


def test_a_panic_of_the_rust_parser_falls_back_quietly():
    """Fuzzing found bodies that make markdown-it.rs panic: they render with markdown-it-py, and
    Rust's report (a backtrace under RUST_BACKTRACE=1) never reaches the terminal."""
    script = ("from generator.markdown import make_markdown\n"
              "print(make_markdown(lambda s, r: None).render('`>`[` and `a`[`'))\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "RUST_BACKTRACE": "1"}, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == render_reference(MD.reference, "`>`[` and `a`[`") + "\n"
    assert run.stderr == ""


def test_a_loop_of_bodies_silences_the_rust_reports_once_and_gives_stderr_back():
    """The page and render-ahead loops silence stderr around all their bodies; a body inside
    finds it silenced (and nests), and what is written to stderr before and after gets there."""
    script = ("import os, sys\n"
              "from generator.markdown import make_markdown, rust_panics_silenced\n"
              "md = make_markdown(lambda s, r: None)\n"
              "print('before', file=sys.stderr)\n"
              "with rust_panics_silenced():\n"
              "    os.write(2, b'lost')\n"
              "    first = md.render('`>`[` and `a`[`')\n"
              "    with rust_panics_silenced():\n"
              "        second = md.render('`>`[`')\n"
              "    os.write(2, b'lost too')\n"
              "print('after', file=sys.stderr)\n"
              "print(first, second, sep='|')\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "RUST_BACKTRACE": "1"}, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "before\nafter\n"
    assert run.stdout == (render_reference(MD.reference, "`>`[` and `a`[`") + "|"
                          + render_reference(MD.reference, "`>`[`") + "\n")


def test_the_engines_agree_on_the_sample():
    assert differences(bodies(REPO / "content")) == []


def test_the_engines_agree_on_a_generated_community(tmp_path):
    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "300",
                    "--seed", "11"], check=True, capture_output=True)
    items = bodies(source / "content")
    assert len(items) > 1500
    assert differences(items) == []


@pytest.mark.parametrize("text", SNIPPETS)
@pytest.mark.parametrize("scope,shift", [("", 0), ("answer-x", 1)])
def test_the_engines_agree_on_each_construct(text, scope, shift):
    assert MD.render(text, scope, shift) == render_reference(MD.reference, text, scope, shift)


def test_on_hostile_bodies_the_fast_engine_never_links_more():
    """Where the engines differ on the hostile corpus, the fast one is the stricter: every link
    target and image source it writes, the reference writes too."""
    targets = re.compile(r'(?:href|src)="([^"]*)"')
    differing = 0
    for name, text in bodies(REPO / "tests" / "hostile"):
        fast, reference = MD.render(text, "s", 1), render_reference(MD.reference, text, "s", 1)
        if fast != reference:
            differing += 1
            assert set(targets.findall(fast)) <= set(targets.findall(reference)), name
    assert differing > 0  # the corpus does reach the cases where they differ


def test_a_link_with_a_scheme_not_allowed_becomes_its_text():
    # markdown-it-py leaves such a link's source as it was; the fast engine keeps only its text.
    html = MD.render("[slides](ftp://files.example/x.pdf) ![chart](data:image/png;base64,AAAA) "
                     "[odd](%6Aavascript:alert(1)) [lead](< javascript:alert(1)>)")
    assert html == "<p>slides chart odd lead</p>\n"


def test_deep_nesting_keeps_its_text_and_never_crashes():
    """1,000 levels keep every word (markdown-it-py alone dropped them after 100); 30,000 levels,
    which would overflow the Rust parser's stack, go to the reference engine (which keeps 100).
    In a child process, so a crash would fail this test, not the run."""
    script = textwrap.dedent("""
        import sys
        from generator.markdown import make_markdown
        md = make_markdown(lambda s, r: None)
        for depth in (1000, 30000):
            for prefix in ("> ", "- ", "1. "):
                html = md.render(prefix * depth + "DEEPWORD\\n\\nAFTERWORD\\n")
                print(depth, prefix.strip(), "DEEPWORD" in html, "AFTERWORD" in html)
        html = md.render("*a " * 60000 + "x" + " a*" * 60000)
        print("spans", "x" in html)
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.split("\n")
    assert all(line.endswith("True True") for line in lines if line.startswith("1000 ")), run.stdout
    assert sum(line.startswith("30000 ") for line in lines) == 3, run.stdout  # reached, no crash
    assert "spans True" in run.stdout


# Resolvers as the records may answer: some targets found and some not, none found, and
# targets with characters to escape.
_RESOLVERS = [resolve, lambda scheme, rest: None, lambda scheme, rest: f'/{scheme}/?a=1&b="{rest}"<']
_LINKED_SNIPPETS = [
    "see [the answer](a:q1/weiting) first",
    "[ref][r]\n\n[r]: q:some-question",
    "[spaced]( <w:2026-W01> )",
    "[split](\nm:kevinl)",
    "## A [linked](q:abc \"title\") heading\n\n## A [linked](q:abc) heading\n\ntext[^1]\n\n[^1]: a note [link](m:abcd)",
    "[**bold** ![img](https://e.org/i.png) `code`](q:abcdef) and ![picture](q:abc)",
    "<q:autolinked> and [x](Q:upper) and [y](q:%E6%A8%99)",
    "[a](q:one) [b](q:one) [c](t:標籤) [d](https://e.org/?q=1)",
    "| h | i |\n|---|:-:|\n| [x](q:abc) | [y](m:ab \"t\") |",
    "- [x] task [link](q:ab)\n- [ ] [other](w:2026-W02)",
    "-\t[tab among the markers](q:abcd), for markdown-it-py",
    "### 方法與思路\n\n1. [第一](a:q/x)\n2. 第二\n\n```python\nprint('[x](q:ab)')\n```",
]


@pytest.mark.parametrize("text", SNIPPETS + _LINKED_SNIPPETS)
@pytest.mark.parametrize("scope,shift", [("", 0), ("question", 0), ("answer-weiting", 2), ("answer-anonymous-2", 2)])
def test_a_body_rendered_open_closes_to_what_the_page_builder_renders(text, scope, shift):
    """A body rendered before the records are read, its scope and record links left open, gives
    once closed exactly what rendering it with the records gives, wherever its links point."""
    from generator.markdown import close_open, render_markdown, render_open

    opened = render_open(text, shift)
    assert opened is not None
    for resolver in _RESOLVERS:
        assert close_open(opened, scope, resolver) == render_markdown(make_markdown(resolver), text, scope, shift)


def test_a_body_holding_the_marks_is_not_rendered_open_and_misplaced_marks_are_not_closed():
    from generator.markdown import close_open, render_open

    assert render_open("text \x01 with a control character", 0) is None
    assert render_open("[x](q:abc) \x02", 0) is None
    assert close_open(("<p>x</p>", ()), 'a"b', resolve) is None  # a scope to escape is never given
    nested = '<a href="\x020\x02">x <a href="/y">y</a> z</a>'
    assert close_open((nested, (("q", "abc"),)), "answer-x", resolve) is None
    assert close_open(('<img src="\x020\x02" />', (("q", "abc"),)), "answer-x", resolve) is None


def test_hostile_bodies_rendered_open_close_to_the_same_html():
    from generator.markdown import close_open, render_markdown, render_open

    items = bodies(REPO / "tests" / "hostile")
    assert items
    for name, text in items:
        opened = render_open(text, 1)
        for resolver in _RESOLVERS:
            direct = render_markdown(make_markdown(resolver), text, "answer-x", 1)
            assert opened is not None and close_open(opened, "answer-x", resolver) == direct, name


_LINK_PIECES = ["a", "\n", "\n\n", "## ", "- ", "> ", "| ", "|", "---", "[x](q:ab)", "[y](m:abc \"t\")",
                "<w:2026-W01>", "![i](q:ab)", "[^1]", "[^1]: n", "[r]", "[r]: t:標籤", "**", "`c`", "\t", "[",
                "](", ")", "(q:abcd)"]


@settings(max_examples=800, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_LINK_PIECES), min_size=2, max_size=14).map("".join))
def test_a_body_rendered_open_closes_to_the_same_html_whatever_its_shape(text):
    """Links, references, footnotes, headings, tables and quotes in any order."""
    from generator.markdown import close_open, render_markdown, render_open

    opened = render_open(text, 1)
    for resolver in _RESOLVERS:
        for scope in ("answer-x", ""):
            assert close_open(opened, scope, resolver) == render_markdown(make_markdown(resolver), text, scope, 1)


def test_a_plain_body_is_rendered_without_the_tree_and_to_the_same_html():
    """Bodies of text, headings, lists, emphasis, links and tables only (most bodies) take
    markdown-it-pyrs' own renderer, their headings given ids and levels, their links pointed and
    their tables wrapped afterwards; anything more takes the tree."""
    from generator.markdown import Markdown

    class Counting:
        def __init__(self, parser):
            self.parser, self.trees, self.renders = parser, 0, 0

        def tree(self, text):
            self.trees += 1
            return self.parser.tree(text)

        def render(self, text):
            self.renders += 1
            return self.parser.render(text)

    md = Markdown(resolve)
    md.parser = counting = Counting(md.parser)
    plain = ["## 背景\n\n關於索引，*先*整理。\n\n## 訴求\n\n1. 一\n2. 二\n\n### 結果\n\n- a\n- b",
             "Setext\n===\n\n## same\n\n## same\n\n***"]
    for text in plain:
        assert md.render(text, "answer-x", 2) == render_reference(MD.reference, text, "answer-x", 2)
    assert (counting.renders, counting.trees) == (2, 0)
    # Links alone: the same renderer, each anchor then pointed (or made its text) as the tree's.
    linked = ["## [背景](q:abc) *a*\n\n[rec](m:ab) [gone](q:ab) [web](https://e.org/?a=1 \"t\") [js](javascript:x) [p]",
              "[中文](t:標籤) [*em*](w:2026-w01 'title') [[x]](q:abcd) [](q:abc)"]
    for text in linked:
        assert md.render(text, "answer-x", 2) == render_reference(MD.reference, text, "answer-x", 2)
    assert (counting.renders, counting.trees) == (4, 0)
    # Tables too, each then put in its scrolling region and an empty header cell made a data cell.
    tables = ["| a |\n|---|\n| 1 |",
              "## 比較\n\n|  | 前 | 後 |\n|:--|--:|:-:|\n| 人 | 32% | *50%* |\n\n| h |\n|---|\n\n| x | y |\n| - | - |",
              "- item\n\n  | a | b |\n  |---|---|\n  | [q](q:abc) | [gone](q:ab) |\n\na | b\n-- | --\n1 | 2",
              "|  |  |\n|---|---|\n|  | x |\n\n| a \\| b |\n|---|"]
    for text in tables:
        assert "table-scroll" in md.render(text, "answer-x", 2)
        assert md.render(text, "answer-x", 2) == render_reference(MD.reference, text, "answer-x", 2)
    assert (counting.renders, counting.trees) == (4 + 3 * 2, 1 * 2)  # the last has an escape: the tree
    for text in ["a [link][r]\n\n[r]: q:abc", "- [ ] task [l](q:abc)", "`code`",
                 "a  \nhard break", "tab\there", "> quote"]:
        assert md.render(text, "answer-x", 2) == render_reference(MD.reference, text, "answer-x", 2)
    assert (counting.renders, counting.trees) == (10, 8)


def test_the_plain_body_check_names_every_whitespace_character_python_knows():
    from generator.markdown import _WHITESPACE_BUT_SPACE_AND_LINE_END

    assert set(_WHITESPACE_BUT_SPACE_AND_LINE_END) == {
        c for c in map(chr, range(0x110000)) if c.isspace() and c not in " \n"}


_BLOCK_PIECES = ["a", "b c", "|", " | ", ":", "-", "---", ":-", "-:", "\n", "\n", "\n\n", "> ", "- ", "1. ", "  ",
                 "#", " ", "*", "x|y", "\t", "[x](q:ab)", "`c`", "**", "\r\n", "\r"]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_BLOCK_PIECES), min_size=2, max_size=16).map("".join))
def test_the_engines_agree_on_block_structure(text):
    """Tables, quotes, lists and their markers in any order: where markdown-it-pyrs would read
    them otherwise, the body goes to markdown-it-py; the HTML is always the reference's."""
    assert MD.render(text, "answer-x", 1) == render_reference(MD.reference, text, "answer-x", 1)


def test_bodies_rendered_open_in_several_threads_keep_their_own_links():
    """Each thread has its own renderer and marks: with one shared, a thread switch inside a
    rendering gave a body another's links (7 bodies in 900, switching every microsecond)."""
    import concurrent.futures
    import sys

    from generator.markdown import close_open, render_markdown, render_open

    def to(scheme, rest):
        return f"/{scheme}/{rest}/"

    texts = [f"## H{i}\n\n[x{i}](q:abc{i}) and [y](m:k{i}) " + "word " * 200 for i in range(300)] * 3
    expected = [render_markdown(make_markdown(to), text, "answer-z", 1) for text in texts]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            made = list(pool.map(lambda text: close_open(render_open(text, 1), "answer-z", to), texts))
    finally:
        sys.setswitchinterval(interval)
    assert made == expected
