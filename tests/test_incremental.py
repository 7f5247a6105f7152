"""Warm builds: what they skip, and that every change still reaches every page it affects."""

from __future__ import annotations

import hashlib
from pathlib import Path

from htmlscan import Page


def digest(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def build(shequn, sample, out: Path, cache: Path):
    run = shequn("build", "--source", str(sample.root), "--out", str(out), "--cache-dir", str(cache), "--quiet")
    assert run.code == 0, run.out
    return run


def test_warm_builds_equal_cold_builds_and_see_every_change(sample, shequn, tmp_path):
    warm, cache = tmp_path / "warm", tmp_path / "cache"
    build(shequn, sample, warm, cache)
    assert "up to date" in build(shequn, sample, warm, cache).err

    answer = sorted(sample.path("content/weeks/2026-W36").glob("*/answers/*.md"))[0]
    slug, handle = answer.parent.parent.name, answer.stem
    answer.write_text(answer.read_text(encoding="utf-8") + "\n新增的一段 WARMMARK\n", encoding="utf-8")
    sample.write("themes/default/templates/404.html",
                 '{% extends "base.html" %}{% block content %}<h1>TEMPLATEMARK</h1>{% endblock %}\n')
    sample.edit("site.yaml", "tagline: ", "tagline: SITEMARK ")
    sample.set_field(f"content/members/{handle}.yaml", "visibility", "hidden")
    build(shequn, sample, warm, cache)

    question = Page(warm / "questions" / slug / "index.html")
    assert "WARMMARK" in question.text
    assert f"answer-{handle}" not in question.ids and not (warm / "members" / handle).exists()
    assert "TEMPLATEMARK" in (warm / "404.html").read_text(encoding="utf-8")
    assert "SITEMARK" in (warm / "weeks" / "index.html").read_text(encoding="utf-8")

    cold = tmp_path / "cold"
    build(shequn, sample, cold, tmp_path / "empty-cache")
    assert digest(warm) == digest(cold)


def test_a_changed_output_is_rebuilt(sample, shequn, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(shequn, sample, out, cache)
    (out / "robots.txt").write_text("tampered", encoding="utf-8")
    assert "up to date" not in build(shequn, sample, out, cache).err
    assert (out / "robots.txt").read_text(encoding="utf-8") != "tampered"


def test_a_removed_search_file_is_rebuilt(sample, shequn, tmp_path):
    """Pagefind's fragments are stamped by their names alone (they are named by their bytes'
    hash): removing one still makes the next build a real one."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(shequn, sample, out, cache)
    fragment = sorted((out / "pagefind" / "fragment").iterdir())[0]
    fragment.unlink()
    assert "up to date" not in build(shequn, sample, out, cache).err
    assert fragment.is_file()
    assert "up to date" in build(shequn, sample, out, cache).err


# ---------------------------------------------------------------------------- serve's rebuilds


def _site_files(out: Path) -> dict[str, bytes]:
    # The search index is rebuilt after the reload (`reindex`), the EPUB and PDF by the next full
    # build: they are left out here (and must still be there).
    assert (out / ".shequn-output").is_file()
    return {rel: p.read_bytes() for p in out.rglob("*") if p.is_file()
            and not (rel := p.relative_to(out).as_posix()).startswith(("pagefind/", "search/fold"))
            and not rel.endswith((".epub", ".pdf"))}


def _live(sample, tmp_path):
    from generator.build import LiveSite, build_site

    out = tmp_path / "live"
    assert build_site(sample.root, "public", out, search=False).out == out
    live = LiveSite(sample.root, "public", out)
    live.adopt()
    live.rebuild()  # as serve does at start
    return live, out


def _cold(sample, tmp_path, name: str) -> dict[str, bytes]:
    from generator.build import build_site

    out = tmp_path / name
    assert build_site(sample.root, "public", out, search=False, cache_dir=tmp_path / f"{name}-cache").out == out
    return _site_files(out)


def test_serve_after_a_body_edit_equals_a_cold_build(sample, tmp_path, monkeypatch):
    """An answer's text and a solution's text edited: the fast path (no record re-read but the
    two, only the pages showing them made again) leaves exactly what a cold build writes."""
    from generator import build

    live, out = _live(sample, tmp_path)
    community = live.community
    slug = next(s for s in community.solutions if community.answers.get(s) and community.book
                and any(q.slug == s for i in range(len(community.book.chapters))
                        for q in community.chapter_questions(i)))
    answer = sample.path(community.answers[slug][0].loc.path)
    solution = sample.path(community.solutions[slug].loc.path)
    head, fence, body = answer.read_text(encoding="utf-8").partition("\n---\n")
    # At the start of the body, so the excerpt on the author's portfolio changes too.
    answer.write_text(head + fence + "開頭補充 QUICKMARK，見 [題目](q:" + slug + ")。\n\n" + body, encoding="utf-8")
    solution.write_text(solution.read_text(encoding="utf-8") + "\n整理者補充 SOLUTIONMARK。\n", encoding="utf-8")

    def no_full_rebuild(*args, **kwargs):
        raise AssertionError("the full rebuild ran")

    monkeypatch.setattr(build, "read_community", no_full_rebuild)
    diagnostics, changed = live.rebuild(touched=[answer, solution])
    monkeypatch.undo()
    assert changed >= 3  # the question page, portfolios, the book's pages
    page = (out / "questions" / slug / "index.html").read_text(encoding="utf-8")
    assert "QUICKMARK" in page and "SOLUTIONMARK" in page
    author = community.answers[slug][0].author
    assert "QUICKMARK" in (out / "members" / author / "index.html").read_text(encoding="utf-8")
    assert _site_files(out) == _cold(sample, tmp_path, "cold")
    assert [str(d) for d in diagnostics] == [str(d) for d in build.read_community(sample.root)[1]]


def test_serve_after_a_front_matter_edit_takes_the_full_rebuild(sample, tmp_path, monkeypatch):
    from generator import build

    live, out = _live(sample, tmp_path)
    community = live.community
    answer = next(a for answers in community.answers.values() for a in answers if not a.co_authors)
    path = sample.path(answer.loc.path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("submitted:", "co_authors: [" + community.questions[answer.slug].asker + "]\nsubmitted:", 1),
                    encoding="utf-8")
    calls = []
    real = build.read_community
    monkeypatch.setattr(build, "read_community", lambda *a, **k: calls.append(1) or real(*a, **k))
    diagnostics, _ = live.rebuild(touched=[path])
    assert calls == [1]
    assert _site_files(out) == _cold(sample, tmp_path, "cold")


def test_serve_after_a_body_gains_a_broken_link_reports_it_and_writes_nothing(sample, tmp_path):
    live, out = _live(sample, tmp_path)
    before = _site_files(out)
    answer = sample.path(next(a for answers in live.community.answers.values() for a in answers).loc.path)
    answer.write_text(answer.read_text(encoding="utf-8") + "\n[壞連結](q:no-such-question)\n", encoding="utf-8")
    diagnostics, changed = live.rebuild(touched=[answer])
    assert changed == 0
    assert any("link to unknown question 'no-such-question'" in str(d) and d.severity == "error" for d in diagnostics)
    assert _site_files(out) == before
