"""The load and validate stages as pure functions: text in, records and diagnostics out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Loc
from generator.load import Map, Scalar, Seq, _split_by_lines, parse_document, parse_yaml, split_front_matter
from generator.validate import build_member, build_question, build_week


def test_values_remember_their_position():
    value, diags = parse_yaml("title: 社群\ntags:\n  - 冷啟動\n  - 'yes'\n", "q.yaml")
    assert not diags and isinstance(value, Map)
    key_loc, title = value.entries["title"]
    assert key_loc == Loc("q.yaml", 1, 1) and title == Scalar("社群", "", Loc("q.yaml", 1, 8))
    tags = value.entries["tags"][1]
    assert isinstance(tags, Seq)
    assert [t.loc for t in tags.items] == [Loc("q.yaml", 3, 5), Loc("q.yaml", 4, 5)]
    assert tags.items[1].style == "'"


def test_front_matter_keeps_file_lines():
    text = "---\ntitle: T\nasker: ab\n---\nline five\n\nline seven\n"
    yaml_text, yaml_line, body, body_line, diags = split_front_matter(text, "q.md")
    assert (yaml_line, body_line, diags) == (2, 5, [])
    assert body.splitlines()[2] == "line seven"
    document, diags = parse_document("question", "q.md", text)
    assert document.data.entries["asker"][1].loc == Loc("q.md", 3, 8)


_FRONT_LINES = st.sampled_from(["---", "...", "--- ", "---\t ", "----", " ---", "-- -", "....", "a: 1", "",
                                 "body", "x\u2028y", "\x85", "\ufeff---"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_FRONT_LINES, max_size=8), st.booleans())
@example(["---", "a: 1", "---"], False)  # the closing fence is the last line, without a line end
@example(["---", "---"], True)  # empty front matter
def test_front_matter_found_by_one_search_as_line_by_line(lines, final_newline):
    """A file without \r is split by one search for the closing fence; the result must be what
    the line-by-line reading gives: yaml, lines, body and diagnostics."""
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert split_front_matter(text, "q.md") == _split_by_lines(text, "q.md")


def test_yaml_error_in_front_matter_points_at_file_line():
    _, diags = parse_document("question", "q.md", "---\ntitle: ok\nasker: [x\n---\nbody\n")
    assert len(diags) == 1 and diags[0].loc.path == "q.md" and diags[0].loc.line >= 3


def test_crlf_files():
    document, diags = parse_document("question", "q.md", "---\r\ntitle: T\r\n---\r\nbody\r\n")
    assert not diags and document.body_line == 4


def test_member_record_types_and_private_fields():
    text = (
        "nickname: no\nname: 王小明\ncompany: ACME\ncontact: {email: a@b.c, wechat: wx1}\n"
        "career_path:\n  - {year: 2020, role: PM, org: Secret Co}\n  - {year: 2023, role: Lead}\n"
        "joined: 2026-01-05\nvisibility: public\nroles: [moderator, member]\n"
    )
    document, _ = parse_document("member", "content/members/ming.yaml", text)
    diags: list = []
    member = build_member(document, diags)
    assert diags == []
    assert member.handle == "ming" and member.nickname == "no"
    assert member.joined == dt.date(2026, 1, 5)
    assert [s.role for s in member.career_path] == ["PM", "Lead"]
    assert not hasattr(member.career_path[0], "org")
    assert member.private.name == "王小明" and member.private.career_orgs == ("Secret Co", "")
    assert member.private.contact == (("email", "a@b.c"), ("wechat", "wx1"))
    assert member.roles == ("moderator", "member")


def test_week_record():
    text = ("moderator: [ajie, yuting]\nsession: 2026-10-17\npool: 90.5\n"
            "awards:\n  - {rank: 1, answer: a-q/kevin, amount: 40}\n"
            "tips:\n  - {from: tom, answer: a-q/kevin, amount: 5}\nrating: 4.5\n")
    document, _ = parse_document("week", "content/weeks/2026-W42/week.yaml", text)
    diags: list = []
    week = build_week(document, diags)
    assert diags == []
    assert week.moderators == ("ajie", "yuting") and week.monday == dt.date(2026, 10, 12)
    assert week.pool == Decimal("90.5") and week.awards[0].amount == Decimal(40)
    assert week.tips[0].giver == "tom" and str(week.awards[0].answer) == "a-q/kevin"
    assert week.awards[0].at["answer"] == Loc("content/weeks/2026-W42/week.yaml", 5, 23)


def test_dates_must_be_dates_and_numbers_numbers():
    text = "---\ntitle: T\nasker: ab\nposted: '2026/01/05'\ntags: 冷啟動\n---\n"
    document, _ = parse_document("question", "content/weeks/2026-W01/q/question.md", text)
    diags: list = []
    assert build_question(document, diags) is None
    messages = sorted(d.message for d in diags)
    assert messages == ["expected a date (YYYY-MM-DD), found '2026/01/05'", "expected a list, found '冷啟動'"]
    assert sorted(d.loc.line for d in diags) == [4, 5]


def test_read_plain_reads_only_regular_utf8_files_reached_without_a_final_link(tmp_path):
    import os

    from generator.load import read_plain

    (tmp_path / "answer.md").write_bytes("\ufeff---\nx: 1\n---\n正文\n".encode())
    (tmp_path / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "link.md").symlink_to(tmp_path / "answer.md")
    os.mkfifo(tmp_path / "fifo.md")  # would block a plain open()
    assert read_plain(str(tmp_path / "answer.md")) == "---\nx: 1\n---\n正文\n"
    for name in ("latin1.md", "folder.md", "link.md", "fifo.md", "missing.md"):
        assert read_plain(str(tmp_path / name)) is None, name


# ---------------------------------------------------------------------------- simple front matter

def _by_libyaml(text: str, path: str, line_offset: int = 0):
    import generator.load as load

    simple, load._simple_mapping = load._simple_mapping, lambda *args: None
    try:
        return parse_yaml(text, path, line_offset)
    finally:
        load._simple_mapping = simple


_SAFE = ["a", "b c", "中文", "2026-01-02", "x-y", "k"]
_TRICKY = [" #", ": ", ":", "#", " ", ",", ", ", "[", "]", "'", '"', "?", "-", "\\", "10:30"]
_RARE = ["{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "~", "null", "\t", "\u2028", "\x85", "\ufeff", "\xa0",
         "\u3000", "--- ", "...", "\x7f", "🙂", "\r", "\n"]
_PIECE = st.one_of(st.sampled_from(_SAFE), st.sampled_from(_SAFE), st.sampled_from(_TRICKY), st.sampled_from(_RARE))
_VALUE = st.one_of(
    st.lists(_PIECE, min_size=1, max_size=6).map("".join),
    st.lists(st.lists(_PIECE, max_size=3).map("".join), max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    st.lists(_PIECE, max_size=5).map(lambda parts: '"' + "".join(parts) + '"'),
    st.lists(_PIECE, max_size=5).map(lambda parts: "'" + "".join(parts) + "'"))
_KEY = st.sampled_from(["title", "tags", "a_b", "x"] * 3 + ["on", "1x", "k-y", "", " k", "é", "- k"])
_LINE = st.tuples(_KEY, st.sampled_from([": "] * 6 + [":", ":  "]), _VALUE).map("".join)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(_LINE, min_size=1, max_size=4).map(lambda lines: "\n".join(lines) + "\n"), st.integers(0, 3))
@example("title: a:\n", 0)
@example("k" * 1000 + ": v\n", 0)
@example("k" * 1025 + ": v\n", 0)
@example("title: a #b\n", 1)
@example('tags: [a, "b"]\n', 0)
def test_simple_front_matter_is_read_as_libyaml_reads_it(text, line_offset):
    """Front matter of one `key: value` a line is read without libyaml, to the same values and
    positions; whatever libyaml might read otherwise or refuse is left to it."""
    from generator.load import _simple_mapping

    simple = _simple_mapping(text, "f.md", line_offset)
    if simple is not None:
        assert _by_libyaml(text, "f.md", line_offset) == (simple, [])


def test_nearly_all_front_matter_is_simple_and_read_as_libyaml_reads_it(tmp_path):
    import subprocess
    import sys

    from conftest import REPO
    from generator.load import _simple_mapping

    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "200"],
                   check=True, capture_output=True)
    simple = total = 0
    for root in (source / "content", REPO / "content"):
        for path in sorted(root.rglob("*.md")):
            front, first_line, _, _, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
            if front is None:
                continue
            total += 1
            made = _simple_mapping(front, str(path), first_line - 1)
            if made is not None:
                simple += 1
                assert _by_libyaml(front, str(path), first_line - 1) == (made, []), path
    assert simple > 0.85 * total > 1000


def test_front_matter_beyond_the_simple_shape_is_read_and_reported_by_libyaml():
    from generator.load import _simple_mapping

    for text in ("title: a: b\n", "title: a:\n", "title: x # note\n", "title: \"a\\\"b\"\n", "tags: [a,b]\n", "a: 1\na: 2\n",
                 "title: -1\n", "title: t\n\nasker: k\n", "title:\n  - a\n", "title: x\u2028y\n",
                 "k" * 1025 + ": v\n"):
        assert _simple_mapping(text, "f.md", 0) is None, text
    assert parse_yaml("title: a: b\n", "f.md")[1][0].message.startswith("YAML syntax error")
    assert parse_yaml("a: 1\na: 2\n", "f.md")[1][0].message == "duplicate field 'a' (first given at line 1)"
    assert parse_yaml("k" * 1025 + ": v\n", "f.md")[1][0].message.startswith("YAML syntax error")
