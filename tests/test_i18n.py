"""Interface catalogs: complete for both Chinese scripts, and in step with the templates."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from conftest import REPO

LOCALES = REPO / "themes" / "default" / "locales"


def catalog(language: str):
    with open(LOCALES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_every_string_is_translated_with_its_placeholders(language):
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {ids[0]!r}"
        for text in strings:
            assert set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", text)) == set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", ids[0]))


def test_catalogs_hold_every_string_the_theme_uses(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract", "-F", "babel.cfg", "-k", "N_",
                    "-k", "_", "-k", "ngettext:1,2", "-o", str(pot), "."], capture_output=True, cwd=REPO, check=True)
    with open(pot, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("zh_Hant") if m.id}
    assert wanted - have == set(), "run the pybabel update command in babel.cfg"


@pytest.mark.parametrize("text, default, expected", [
    ("如何整理團隊的知識庫？", "en", "zh-Hant"),
    ("如何整理团队的知识库？", "zh-Hant", "zh-Hans"),
    ("用 Notion 整理會議紀錄", "zh-Hans", "zh-Hant"),
    ("阿杰", "zh-Hans", "zh-Hans"),  # both scripts write it so: the default
    ("如何安排有效的漏斗？", "zh-Hant", "zh-Hant"),  # 斗 alone becomes 鬥, 漏斗 stays: still neutral
    ("如何安排有效的漏斗？", "en", "zh-Hant"),
    ("Weekly review of the funnel", "zh-Hant", "en"),
    ("2026 · 42", "zh-Hans", "zh-Hans"),
    ("Intro\n\n" + "x" * 500 + " 知識庫", "en", "en"),  # the script is read from the first 400 characters
    ("我们" + "一二三四五六七八九十" * 9, "zh-Hant", "zh-Hans"),  # told by the twenty around 们
    # Around 斗 nothing converts (漏斗 is a phrase); the whole sample is converted: 面粉 is 麪粉.
    ("如何安排有效的漏斗？一二三四五六七八九十。面粉", "zh-Hant", "zh-Hans"),
])
def test_the_script_of_a_text(text, default, expected):
    from generator.i18n import script_of

    assert script_of(text, default) == expected


def test_the_script_of_every_text_of_two_communities_is_what_converting_it_whole_tells(tmp_path, monkeypatch):
    """script_of converts only twenty characters of most texts: on the sample's and a generated
    community's titles and bodies it agrees with converting the whole 104-character sample."""
    from generator import i18n

    generated = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(generated), "--questions", "150"],
                   check=True, capture_output=True)
    texts = [path.read_text(encoding="utf-8") for root in (REPO / "content", generated / "content")
             for path in root.rglob("*.md")]
    texts += [line.split(":", 1)[1] for root in (REPO / "content", generated / "content")
              for path in root.rglob("*.yaml") for line in path.read_text(encoding="utf-8").splitlines()
              if ":" in line and i18n._HAN.search(line)]
    assert len(texts) > 1000
    cases = [(text, default) for text in texts for default in ("zh-Hant", "en")]
    windowed = [i18n.script_of(text, default) for text, default in cases]
    # With no character converted alone, no window tells: every sample is converted whole.
    monkeypatch.setattr(i18n, "_converted_alone", lambda: re.compile("(?!)"))
    whole = [i18n._script_of(text, default) for text, default in cases]
    assert windowed == whole
    assert whole.count("zh-Hans") > 200
