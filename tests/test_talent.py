"""The talent directory, portfolios and their exports, against counts taken from the files."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO
from htmlscan import Page

SCHEMA = json.loads((REPO / "tests" / "vendor" / "jsonresume-schema-1.3.1" / "schema.json").read_text())


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    from generator.cli import main

    out = tmp_path_factory.mktemp("talent") / "out"
    assert main(["build", "--source", str(REPO), "--out", str(out), "--quiet"]) == 0
    return out


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def records_from_files():
    """Counts computed straight from the sample's files, independently of shequn."""
    members = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (REPO / "content/members").glob("*.yaml")}
    answers = Counter(p.stem for p in (REPO / "content/weeks").glob("*/*/answers/*.md"))
    curated = Counter(front_matter(p)["curator"] for p in (REPO / "content/weeks").glob("*/*/solution.md"))
    awards: Counter = Counter()
    moderated: Counter = Counter()
    for week in (REPO / "content/weeks").glob("*/week.yaml"):
        data = yaml.safe_load(week.read_text(encoding="utf-8"))
        for award in data.get("awards") or ():
            awards[award["answer"].split("/")[1]] += 1
        mods = data["moderator"] if isinstance(data["moderator"], list) else [data["moderator"]]
        moderated.update(mods)
    return members, answers, curated, awards, moderated


def stats(page: Page) -> dict[str, int]:
    block = page.find_all("dl", class_="stats")[0]
    values = [int(e.text) for e in block.children for e in e.children if e.tag == "dd"]
    return dict(zip(("answers", "credited", "awards", "moderated"), values))


def test_portfolios_match_the_records(public):
    members, answers, curated, awards, moderated = records_from_files()
    checked = 0
    for handle, member in members.items():
        page_path = public / "members" / handle / "index.html"
        assert page_path.exists() == (member.get("visibility") == "public"), handle
        if not page_path.exists():
            continue
        page = Page(page_path)
        numbers = stats(page)
        assert numbers["answers"] == answers[handle], handle
        assert numbers["awards"] == awards[handle], handle
        assert numbers["moderated"] == moderated[handle], handle
        section = page.by_id("answers")
        listed = [e for e in page.elements if e.tag == "li" and "card" in e.attrs.get("class", "")
                  and any(c.tag == "h3" for c in e.children)]
        assert len([l for l in listed if l in _descendants(page, "answers")]) == answers[handle]
        if curated[handle]:
            assert page.by_id("curated") is not None
        if awards[handle]:
            assert page.by_id("awards-won") is not None
        checked += 1
        assert section is not None
    assert checked >= 15


def _descendants(page: Page, heading_id: str):
    """The elements inside the <section> labelled by the heading `heading_id`."""
    section = next(e for e in page.elements if e.tag == "section" and e.attrs.get("aria-labelledby") == heading_id)
    found, stack = [], list(section.children)
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(element.children)
    return found


def test_every_resume_is_valid_json_resume(public):
    resumes = sorted(public.glob("members/*/resume.json"))
    assert resumes
    checker = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for path in resumes:
        resume = json.loads(path.read_text(encoding="utf-8"))
        errors = sorted(checker.iter_errors(resume), key=str)
        assert not errors, f"{path}: {errors[0].message}"
        assert resume["basics"]["url"].startswith("https://shequn-demo.example.org/members/")
        for project in resume["projects"]:
            assert project["url"].startswith("https://shequn-demo.example.org/questions/")
        for job in resume["work"]:
            assert "name" not in job  # the organisation is private


def test_talent_exports(public):
    raw = (public / "members" / "talent.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    talent = json.loads((public / "members" / "talent.json").read_text(encoding="utf-8"))
    members, answers, *_ = records_from_files()
    public_handles = {h for h, m in members.items() if m.get("visibility") == "public"}
    assert {r["handle"] for r in rows} == public_handles == {t["handle"] for t in talent}
    for row in rows:
        assert int(row["answers"]) == answers[row["handle"]]
    assert not {"name", "company", "contact"} & set(rows[0])


def test_hidden_members_appear_nowhere_in_the_public_build(public):
    members, *_ = records_from_files()
    hidden = {h: m["nickname"] for h, m in members.items() if m.get("visibility") == "hidden"}
    assert hidden
    for path in public.rglob("*"):
        if path.is_file() and "pagefind" not in path.parts:
            data = path.read_text(encoding="utf-8", errors="replace")
            for handle, nickname in hidden.items():
                assert f"/members/{handle}" not in data and f"answer-{handle}" not in data, path
                assert f'"{handle}"' not in data and f",{handle}," not in data, path


def test_who_could_help_only_in_the_members_build(public, tmp_path):
    from generator.cli import main

    out = tmp_path / "members"
    assert main(["build", "--source", str(REPO), "--out", str(out), "--audience", "members", "--quiet"]) == 0
    with_helpers = [p for p in out.glob("questions/*/index.html") if Page(p).by_id("helpers-title")]
    assert with_helpers
    assert not [p for p in public.glob("questions/*/index.html") if Page(p).by_id("helpers-title")]
    page = Page(with_helpers[0])
    slug = with_helpers[0].parent.name
    answered = {p.stem for p in REPO.glob(f"content/weeks/*/{slug}/answers/*.md")}
    helpers = [a.attrs["href"].split("/")[-2] for a in page.elements
               if a.tag == "a" and a in _descendants_aside(page)]
    assert helpers and not set(helpers) & answered


def _descendants_aside(page: Page):
    aside = next(e for e in page.elements if e.tag == "aside")
    found, stack = [], list(aside.children)
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(element.children)
    return found


def test_directory_lists_everyone_without_javascript_in_collation_order(public):
    page = Page(public / "members" / "index.html")
    cards = [e for e in page.elements if e.tag == "li" and "member-card" in e.attrs.get("class", "")]
    members, *_ = records_from_files()
    assert len(cards) == sum(m.get("visibility") == "public" for m in members.values())
    ranks = [int(c.attrs["data-name"]) for c in cards]
    assert ranks == sorted(ranks)


_EXCERPT_PIECES = ["word", "正文", "  ", "\n", "\t", "\u3000", "\xa0", "# ", "**", "`", "[link](u)", "-", "|", ">", "…"]


def _whole_excerpt(text: str, limit: int) -> str:
    """What an excerpt is: the whole body, its Markdown marks and white space made single
    spaces, cut at `limit` characters."""
    import re

    clean = re.sub(r"\s+", " ", re.sub(r"[#>*_`|\[\]()-]+", " ", text)).strip()
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def test_an_excerpt_cleans_a_window_as_if_it_cleaned_the_whole_body():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.view import _excerpt

    @settings(max_examples=3000, deadline=None)
    @given(st.lists(st.sampled_from(_EXCERPT_PIECES), max_size=400), st.sampled_from([1, 2, 5, 20, 160]))
    def check(pieces, limit):
        text = "".join(pieces)
        assert _excerpt(text, limit) == _whole_excerpt(text, limit)

    check()
    long_start = "#" * 2000 + " " * 2000 + "正文" * 200  # marks far past the first windows
    assert _excerpt(long_start) == _whole_excerpt(long_start, 160)
