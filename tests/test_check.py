"""`shequn check` on the sample community and on copies of it with planted defects.

Every defect test plants one fault and asserts the exact `path:line:column: severity: message`
line, with the location computed from the planted text itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO

W = "2026-W36"  # a week of the sample curated by xiaomei


def test_sample_is_clean_in_strict_mode(shequn):
    run = shequn("check", "--strict", "--source", str(REPO))
    assert run.out.strip().splitlines()[-1] == "0 errors, 0 warnings", run.out
    assert run.code == 0


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def test_check_writes_nothing(sample, shequn):
    sample.set_field("content/members/kevin.yaml", "joined", "2026-13-01")  # make it report too
    before = tree_digest(sample.root)
    run = shequn("check", "--source", str(sample.root))
    assert run.code == 1
    assert tree_digest(sample.root) == before
    assert not (sample.root / "build").exists()


def expect(shequn, sample, line: str, *flags: str) -> None:
    run = shequn("check", *flags, "--source", str(sample.root))
    assert line in run.out.splitlines(), run.out
    severity = line.split(": ")[1]
    assert run.code == (1 if severity == "error" else 0)


# ---------------------------------------------------------------------------- YAML and fields


def test_yaml_syntax_error_is_located(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.write(rel, sample.read(rel) + "hobbies: [climbing, 'unclosed\n")
    run = shequn("check", "--source", str(sample.root))
    errors = [l for l in run.out.splitlines() if l.startswith(rel)]
    assert len(errors) == 1 and ": error: YAML syntax error: " in errors[0]
    assert run.code == 1


def test_duplicate_key(sample, shequn):
    rel = "content/members/kevin.yaml"
    first = sample.locate(rel, "nickname:")
    sample.write(rel, sample.read(rel) + "nickname: Kev\n")
    where = f"{rel}:{len(sample.read(rel).splitlines())}:1"
    expect(shequn, sample, f"{where}: error: duplicate field 'nickname' (first given at line {first.split(':')[1]})")


def test_unknown_field_warns_with_hint_and_fails_in_strict(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.edit(rel, "expertise:", "expertize:")
    line = f"{sample.locate(rel, 'expertize:')}: warning: unknown field 'expertize' (did you mean 'expertise'?)"
    expect(shequn, sample, line)
    expect(shequn, sample, line.replace(": warning: ", ": error: "), "--strict")


def test_missing_required_field(sample, shequn):
    rel = "content/members/kevin.yaml"
    lines = [l for l in sample.read(rel).splitlines() if not l.startswith("nickname:")]
    sample.write(rel, "\n".join(lines) + "\n")
    expect(shequn, sample, f"{rel}:1:1: error: missing required field 'nickname'")


def test_impossible_date(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.set_field(rel, "joined", "2026-02-30")
    expect(shequn, sample, f"{sample.locate(rel, '2026-02-30')}: error: 2026-02-30 is not a real date")


def test_wrong_type(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.replace_block(rel, "expertise", "expertise: SQL")
    expect(shequn, sample, f"{sample.locate(rel, 'SQL', after='expertise:')}: error: expected a list, found 'SQL'")


def test_yes_no_stay_strings(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.set_field(rel, "nickname", "no")
    sample.set_field(rel, "position", "yes")
    run = shequn("check", "--strict", "--source", str(sample.root))
    assert run.code == 0, run.out
    from generator.model import read_community

    community, _ = read_community(sample.root)
    assert community.members["kevin"].nickname == "no"
    assert community.members["kevin"].position == "yes"


def test_bad_choice_suggests(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.set_field(rel, "visibility", "pubic")
    expect(shequn, sample, f"{sample.locate(rel, 'pubic')}: error: expected one of public, members, hidden, "
                           "found 'pubic' (did you mean 'public'?)")


def test_invalid_handle_file_name(sample, shequn):
    text = sample.read("content/members/kevin.yaml")
    sample.write("content/members/Kevin_2.yaml", text)
    expect(shequn, sample, "content/members/Kevin_2.yaml:1:1: error: file name 'Kevin_2' is not a valid member "
                           "handle (1-64 lowercase ASCII letters, digits and '-', starting with a letter or digit)")


# ---------------------------------------------------------------------------- references


def question_file(sample, week=W, index=0):
    slug = sample.questions(week)[index]
    return slug, f"content/weeks/{week}/{slug}"


def test_unknown_asker(sample, shequn):
    slug, folder = question_file(sample)
    sample.set_field(f"{folder}/question.md", "asker", "nobody")
    where = sample.locate(f"{folder}/question.md", "nobody")
    expect(shequn, sample, f"{where}: error: unknown member 'nobody' as asker (no content/members/nobody.yaml)")


def test_unknown_answer_author(sample, shequn):
    slug, folder = question_file(sample)
    author = sample.answers(W, slug)[0]
    os.rename(sample.path(f"{folder}/answers/{author}.md"), sample.path(f"{folder}/answers/ghost.md"))
    expect(shequn, sample, f"{folder}/answers/ghost.md:1:1: error: unknown member 'ghost' as answer author "
                           "(the file name) (no content/members/ghost.yaml)")


def test_unknown_co_author(sample, shequn):
    slug, folder = question_file(sample)
    rel = f"{folder}/answers/{sample.answers(W, slug)[0]}.md"
    sample.edit(rel, "---\n", "---\nco_authors: [ghost-writer]\n")
    expect(shequn, sample, f"{sample.locate(rel, 'ghost-writer')}: error: unknown member 'ghost-writer' as "
                           "co-author (no content/members/ghost-writer.yaml)")


def test_unknown_curator(sample, shequn):
    slug, folder = question_file(sample)
    sample.set_field(f"{folder}/solution.md", "curator", "nobody")
    where = sample.locate(f"{folder}/solution.md", "nobody")
    expect(shequn, sample, f"{where}: error: unknown member 'nobody' as curator (no content/members/nobody.yaml)")


def test_solution_without_curator(sample, shequn):
    slug, folder = question_file(sample)
    rel = f"{folder}/solution.md"
    lines = [l for l in sample.read(rel).split("\n") if not l.startswith("curator:")]
    sample.write(rel, "\n".join(lines))
    expect(shequn, sample, f"{rel}:2:1: error: missing required field 'curator'")


def test_unknown_moderator(sample, shequn):
    rel = f"content/weeks/{W}/week.yaml"
    sample.set_field(rel, "moderator", "nobody")
    expect(shequn, sample, f"{sample.locate(rel, 'nobody')}: error: unknown member 'nobody' as moderator "
                           "(no content/members/nobody.yaml)")


def test_unknown_fund_member(sample, shequn):
    rel = "content/fund.yaml"
    sample.write(rel, sample.read(rel) + "- date: 2026-11-20\n  kind: donation\n  amount: 10\n  member: nobody\n")
    expect(shequn, sample, f"{sample.locate(rel, 'nobody')}: error: unknown member "
                           "'nobody' as fund member (no content/members/nobody.yaml)")


def test_unknown_event_organizer(sample, shequn):
    rel = next(f"content/events/{p.name}" for p in sorted(sample.path("content/events").glob("*.md")))
    sample.set_field(rel, "organizers", "[nobody]")
    expect(shequn, sample, f"{sample.locate(rel, 'nobody')}: error: unknown member 'nobody' as organizer "
                           "(no content/members/nobody.yaml)")


def test_unknown_book_editor_and_slug(sample, shequn):
    rel = "content/book.yaml"
    sample.set_field(rel, "editors", "[nobody]")
    sample.write(rel, sample.read(rel) + "  - title: 附錄\n    questions: [no-such-question]\n")
    run = shequn("check", "--source", str(sample.root))
    lines = run.out.splitlines()
    assert f"{sample.locate(rel, 'nobody')}: error: unknown member 'nobody' as book editor " \
           "(no content/members/nobody.yaml)" in lines
    assert f"{sample.locate(rel, 'no-such-question')}: error: unknown question 'no-such-question' in chapter '附錄'" in lines


def test_book_chapter_selecting_nothing(sample, shequn):
    rel = "content/book.yaml"
    sample.write(rel, sample.read(rel) + "  - title: 空章\n    tags: [沒有這個標籤]\n")
    expect(shequn, sample, f"{sample.locate(rel, 'title: 空章')}: error: chapter '空章' selects no question")


def test_duplicate_slug_across_weeks(sample, shequn):
    slug, folder = question_file(sample)
    import shutil

    shutil.copytree(sample.path(folder), sample.path(f"content/weeks/2026-W37/{slug}"))
    expect(shequn, sample, f"content/weeks/2026-W37/{slug}/question.md:1:1: error: question slug '{slug}' is "
                           f"also used in {folder}/question.md: slugs are unique across the archive")


def test_iso_week_that_does_not_exist(sample, shequn):
    os.rename(sample.path(f"content/weeks/{W}"), sample.path("content/weeks/2026-W54"))
    expect(shequn, sample, "content/weeks/2026-W54:1:1: error: week folder: 2026-W54 is not an ISO week: "
                           "2026 has weeks W01 to W53")


def test_answers_to_a_missing_question(sample, shequn):
    slug, folder = question_file(sample)
    os.remove(sample.path(f"{folder}/question.md"))
    expect(shequn, sample, f"{folder}:1:1: error: no question.md in this question folder: its answers and "
                           "solution refer to a missing question")


# ---------------------------------------------------------------------------- awards and tips


def week_with_awards(sample):
    rel = f"content/weeks/{W}/week.yaml"
    text = sample.read(rel)
    assert "awards:" in text and "tips:" in text
    return rel, text


def test_awards_above_pool(sample, shequn):
    rel, text = week_with_awards(sample)
    sample.write(rel, text.replace("awards:", "pool: 10\nawards:", 1))
    total = sum(Decimal(a) for a in re.findall(r"amount: ([\d.]+)", text.split("tips:")[0]))
    expect(shequn, sample, f"{sample.locate(rel, '- ', after='awards:')}: error: awards total {total:.2f}, "
                           "more than this week's pool of 10.00")


def test_awards_above_default_pool(sample, shequn):
    rel, text = week_with_awards(sample)
    sample.write(rel, re.sub(r"amount: [\d.]+", "amount: 900", text, count=1))
    run = shequn("check", "--source", str(sample.root))
    assert any("more than the fund's weekly pool" in l for l in run.out.splitlines()), run.out


def test_duplicate_rank(sample, shequn):
    rel, text = week_with_awards(sample)
    sample.write(rel, text.replace("rank: 2", "rank: 1", 1))
    second = text.index("rank: 2")
    line = text.count("\n", 0, second) + 1
    first_line = text.count("\n", 0, text.index("rank: 1")) + 1
    column = second - text.rfind("\n", 0, second) - 1 + len("rank: ") + 1
    expect(shequn, sample, f"{rel}:{line}:{column}: error: duplicate rank 1 (also at line {first_line})")


def test_award_to_missing_answer(sample, shequn):
    rel, text = week_with_awards(sample)
    slug = sample.questions(W)[0]
    start = text.index("answer:", text.index("awards:"))
    value = text[start + len("answer: "): text.index("\n", start)]
    sample.write(rel, text[:start] + f"answer: {slug}/nobody" + text[text.index("\n", start):])
    expect(shequn, sample, f"{sample.locate(rel, f'{slug}/nobody')}: error: award names a missing answer: "
                           f"'{slug}' has no answer by 'nobody'")
    assert value


def test_tip_to_missing_question(sample, shequn):
    rel, text = week_with_awards(sample)
    start = text.index("answer:", text.index("tips:"))
    sample.write(rel, text[:start] + "answer: no-such-question/kevin" + text[text.index("\n", start):])
    expect(shequn, sample, f"{sample.locate(rel, 'no-such-question/kevin')}: error: tip names unknown question "
                           "'no-such-question'")


# ---------------------------------------------------------------------------- Markdown bodies


def test_link_inside_body_points_at_file_line(sample, shequn):
    slug, folder = question_file(sample)
    rel = f"{folder}/solution.md"
    sample.write(rel, sample.read(rel) + "\n\nSee [this](q:no-such-question).\n")
    expect(shequn, sample, f"{sample.locate(rel, 'q:no-such-question')}: error: link to unknown question "
                           "'no-such-question'")


def test_script_link_warns(sample, shequn):
    slug, folder = question_file(sample)
    rel = f"{folder}/question.md"
    sample.write(rel, sample.read(rel) + "\n[click](javascript:alert(1))\n")
    expect(shequn, sample, f"{sample.locate(rel, 'javascript:')}: warning: link scheme 'javascript:' is not "
                           "allowed (use http, https, mailto, a relative path, or q: a: m: w: t: for records); "
                           "the link is shown as text")


def test_event_date_must_match_file_name(sample, shequn):
    rel = next(f"content/events/{p.name}" for p in sorted(sample.path("content/events").glob("*.md")))
    sample.set_field(rel, "date", "2020-01-01")
    named = Path(rel).stem[:10]
    expect(shequn, sample, f"{sample.locate(rel, '2020-01-01')}: error: date 2020-01-01 differs from the file "
                           f"name's {named}")


# ---------------------------------------------------------------------------- all in one run


def test_ten_defects_in_ten_files_all_reported(sample, shequn):
    planted = []
    members = ["kevin", "tom", "peiyu", "yijun", "chihao", "guowei", "ahua", "zhaolei", "haoran", "mingzhe"]
    for index, handle in enumerate(members):
        rel = f"content/members/{handle}.yaml"
        bad = f"2026-0{index % 9 + 1}-3{index % 2 + 2}" if index % 2 else f"2026-02-{30 + index % 2}"
        sample.set_field(rel, "joined", bad)
        planted.append(f"{sample.locate(rel, bad)}: error: {bad} is not a real date")
    run = shequn("check", "--source", str(sample.root))
    for line in planted:
        assert line in run.out.splitlines(), (line, run.out)
    assert run.out.splitlines()[-1] == "10 errors, 0 warnings"


def test_diagnostics_are_sorted_by_path_and_line(sample, shequn):
    sample.set_field("content/members/tom.yaml", "joined", "2026-02-30")
    sample.set_field("content/members/kevin.yaml", "joined", "2026-02-31")
    sample.set_field("content/members/kevin.yaml", "entry", "bribe")
    lines = shequn("check", "--source", str(sample.root)).out.splitlines()[:-1]
    keys = [(l.split(":")[0], int(l.split(":")[1]), int(l.split(":")[2])) for l in lines]
    assert keys == sorted(keys) and len(keys) == 3


def test_json_and_github_formats(sample, shequn):
    rel = "content/members/kevin.yaml"
    sample.set_field(rel, "joined", "2026-02-30")
    where = sample.locate(rel, "2026-02-30").split(":")
    rows = json.loads(shequn("check", "--format", "json", "--source", str(sample.root)).out)
    assert rows == [{"path": rel, "line": int(where[1]), "column": int(where[2]), "severity": "error",
                     "message": "2026-02-30 is not a real date"}]
    github = shequn("check", "--format", "github", "--source", str(sample.root)).out.splitlines()
    assert github[0] == f"::error file={rel},line={where[1]},col={where[2]}::2026-02-30 is not a real date"


# ---------------------------------------------------------------------------- the command itself


def test_console_script_help_version_and_usage_errors(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True,
                              text=True, cwd=REPO)

    assert "check" in run("--help").stdout and "build" in run("--help").stdout
    assert run("--version").stdout.startswith("shequn ")
    missing = run("check", "--source", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert run("check", "--no-such-flag").returncode == 2
    empty = run("check", "--source", str(tmp_path))
    assert empty.returncode == 1 and "site.yaml:1:1: error: no site.yaml in the source folder" in empty.stdout
    assert "Traceback" not in empty.stderr
