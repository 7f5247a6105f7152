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
