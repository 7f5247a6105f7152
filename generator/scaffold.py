"""`shequn new`: scaffold a site, member, week, question, answer or solution.

Two layers. The templates are pure functions returning `Scaffold`s (a path relative to the source
folder and the file's text); every file they produce passes `shequn check --strict` as written,
with placeholders (in comments, or values such as a nickname that defaults to the handle) for the
author to edit. The planners read just the records they need (site.yaml for the rota, a week's
week.yaml for its moderator, folder names for weeks and slugs) to fill those templates in, and
`write_scaffolds` writes the files: never over an existing file, never outside the source folder.

Exit status of `run`: 0 written, 1 refused (a file exists, a reference points at nothing), 2 usage
(a malformed handle, slug or week id, the wrong number of names).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence, TextIO

from .diagnostics import Diagnostic
from .load import parse_document, read_text
from .records import Site, Week
from .validate import HANDLE, HANDLE_RULE, WEEK_ID, build_site, build_week, iso_week_problem, monday_of

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
KINDS = ("site", "member", "week", "question", "answer", "solution")
# The names each kind takes: (fewest, most, how to write them).
USAGE = {
    "site": (1, 2, "shequn new site DIR [FOUNDER-HANDLE]"),
    "member": (1, 1, "shequn new member HANDLE"),
    "week": (0, 1, "shequn new week [YYYY-Www]"),
    "question": (1, 1, "shequn new question SLUG [--week YYYY-Www]"),
    "answer": (2, 2, "shequn new answer SLUG HANDLE"),
    "solution": (1, 1, "shequn new solution SLUG"),
}
DEFAULT_FOUNDER = "founder"
FIRST_QUESTION = "how-we-work"


class Refused(Exception):
    """The request is well formed but cannot be done: exit 1."""

    code = EXIT_REFUSED


class UsageError(Exception):
    """The request itself is malformed: exit 2."""

    code = EXIT_USAGE


@dataclass(frozen=True, slots=True)
class Scaffold:
    path: str  # relative to the source folder, forward slashes
    text: str


# ---------------------------------------------------------------------------- small helpers


def week_id_of(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def next_week(week: str) -> str:
    return week_id_of(monday_of(week) + dt.timedelta(weeks=1))


def rota_moderator(moderators: Sequence[str], start: str, week: str) -> str:
    """The rota's handle on duty in `week`: weeks since `start`, modulo the rota's length
    (weeks before `start` count backwards through the list)."""
    weeks_since = (monday_of(week) - monday_of(start)).days // 7
    return moderators[weeks_since % len(moderators)]


def _scalar(text: str) -> str:
    """`text` as a YAML scalar the loader reads back unchanged: plain when that is safe, else
    double-quoted (a JSON string is a valid YAML 1.2 double-quoted scalar)."""
    if text and HANDLE.fullmatch(text) and text not in ("null", "true", "false", "yes", "no", "on", "off"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(handles: Sequence[str]) -> str:
    return _scalar(handles[0]) if len(handles) == 1 else "[" + ", ".join(map(_scalar, handles)) + "]"


# ---------------------------------------------------------------------------- templates (pure)


def member_scaffold(handle: str, today: dt.date, *, roles: Sequence[str] = ("member",),
                    entry: str | None = None, visibility: str = "members") -> Scaffold:
    entry_line = f"entry: {entry}" if entry else "# entry: fee"
    text = f"""\
# 成員檔案 · member profile. Only nickname is required; uncomment and fill in what applies.
# 標 [私密] 的欄位只出現在站主版本 · fields marked [private] never reach the public build.
nickname: {_scalar(handle)}  # 暱稱，到處顯示 · the name shown everywhere (edit me)
# name: 王小明  # [私密 private] 真實姓名 · real name
# company: 某某公司  # [私密 private] 公司 · employer
# contact:  # [私密 private]
#   email: someone@example.com
# position: 社群經理  # 職位 · job title
# industry: 教育  # 行業 · industry
# career_path:  # 個人發展路徑 · career path (org is private)
#   - year: 2020
#     role: 社群專員
#     org: 某某公司
# expertise: [社群冷啟動, 活動策劃]  # 擅長領域 · what you are good at
# needs: [拓展人脈]  # 個人訴求 · what you want from the community
# hobbies: [爬山]  # 個人愛好 · hobbies, for planning offline events
roles: [{", ".join(roles)}]  # founder, moderator, member, contributor, supervisor, guest
joined: {today.isoformat()}
{entry_line}  # 入會方式 · how you got in: fee, challenge, invited
visibility: {visibility}  # public: 公開作品頁 · members: 只在成員版 · hidden: 匿名 anonymous
# bio: |
#   自我介紹，可用 Markdown · a few lines about you, Markdown
"""
    return Scaffold(f"content/members/{handle}.yaml", text)


def week_scaffold(week: str, moderators: Sequence[str]) -> Scaffold:
    monday = monday_of(week)
    text = f"""\
# {week}: {monday.isoformat()} – {(monday + dt.timedelta(days=6)).isoformat()}
moderator: {_flow(moderators)}  # 輪值群管 · duty moderator(s); co-moderators as a list: [a, b]
# theme: 本週主題  # optional topic of the week
# session: {(monday + dt.timedelta(days=5)).isoformat()}  # 週會日期 · day of the weekly discussion
# pool: 100  # 本週獎金池；不寫時由基金平均分配 · default: the fund's weekly pool
# awards:  # 本週最佳分享 · best shares of the week, paid from the pool
#   - rank: 1
#     answer: <slug>/<handle>
#     amount: 30
# tips:  # 成員自發打賞 · members tipping an answer (not from the fund)
#   - from: <handle>
#     answer: <slug>/<handle>
#     amount: 10
# rating: 4.5  # 1–5, the members' score for the week's curated work
"""
    return Scaffold(f"content/weeks/{week}/week.yaml", text)


def question_scaffold(week: str, slug: str, asker: str, today: dt.date, *, title: str | None = None,
                      background: str | None = None, request: str | None = None) -> Scaffold:
    text = f"""\
---
title: {_scalar(title or slug)}  # 題目 · the question in one line (edit me)
asker: {_scalar(asker)}  # 提問者 · who asks: a handle from content/members/
posted: {today.isoformat()}
tags: []  # 標籤 · e.g. [冷啟動, 活動]
# deadline: {(today + dt.timedelta(days=4)).isoformat()}  # 回答截止日 · answers due
---
## 背景

{background or "（社群多大、在什麼平台、已經試過什麼。· Background: the community's size, platform, what was tried.）"}

## 訴求

{request or "（想得到什麼樣的答案。· The request: what kind of answer is wanted.）"}
"""
    return Scaffold(f"content/weeks/{week}/{slug}/question.md", text)


def answer_scaffold(week: str, slug: str, handle: str, today: dt.date, *, body: str | None = None) -> Scaffold:
    text = f"""\
---
submitted: {today.isoformat()}
# co_authors: [handle]  # 合寫者 · co-authors' handles
---
## 方法與思路

{body or "（步驟、數字、用過的工具，以及為什麼這樣做。· Method and reasoning: the steps, numbers, tools, and why.）"}
"""
    return Scaffold(f"content/weeks/{week}/{slug}/answers/{handle}.md", text)


def solution_scaffold(week: str, slug: str, curator: str, today: dt.date,
                      answer_authors: Sequence[str] = (), *, summary: str | None = None,
                      steps: str | None = None, points: str | None = None) -> Scaffold:
    references = "、".join(f"[{who}](a:{slug}/{who})" for who in answer_authors) \
        or "（連到參考的回答 · link the answers drawn on: [text](a:<slug>/<handle>)）"
    text = f"""\
---
curator: {_scalar(curator)}  # 整理者 · normally the week's duty moderator
published: {today.isoformat()}
# credits:  # 致謝；不寫時為每位回答者 · default: every answer's author
#   - member: <handle>
#     for: answer
---
## 問題摘要

{summary or "（一段話重述背景與訴求。· The question in a paragraph.）"}

## 解決方案

{steps or "1. （步驟 · step）"}

## 關鍵要點

{points or "- （要點 · key point）"}

## 參考回答

{references}
"""
    return Scaffold(f"content/weeks/{week}/{slug}/solution.md", text)


def site_scaffolds(folder_name: str, founder: str, today: dt.date) -> list[Scaffold]:
    """A whole new community: one founder, one week with one question, its answer and solution."""
    week = week_id_of(today)
    title = folder_name or "我們的研習社"
    site = f"""\
# 站點設定 · the site. Every field: CONTENT-MODEL.md of shequn.
title: {_scalar(title)}  # 社群名稱 · the community's name (edit me)
tagline: 每週一題，把經驗變成可以複用的方法  # 一行副標 · one line under the title
# The address the site is published at. On GitHub Pages: https://<user>.github.io/<repository>/
base_url: https://example.org/
language: zh-Hant  # zh-Hant, zh-Hans or en
timezone: Asia/Taipei
currency: CNY  # ISO 4217: TWD, CNY, HKD, USD …
privacy:
  stage: growth  # growth: real names and companies only in the owner's build; seed: also to members
fund:
  entry_fee: 100  # 入會費 · one-off fee into the award fund
  operations_fee: 0  # 月費 · monthly fee that pays the moderators
  weeks: 52  # the fund is spent evenly over this many weeks
  public_detail: false  # the public build shows totals only
rota:  # 群管輪值 · the duty moderators in order, from the start week on
  moderators: [{founder}]
  start: {week}
theme: default
"""
    about = f"""\
---
title: 關於我們
---
**{title}**是一群人每週討論一個真實的問題，再把回答整理成可以複用的方法。

（寫下社群的來歷、每週一輪怎麼運作、群管輪值與基金的規則。· Say who you are, how a week works,
how moderators rotate and how the fund is spent.）
"""
    fund = f"""\
# 基金帳本 · the fund's ledger: money in (entry_fee, operations_fee, donation) and out (stipend,
# event, refund, other). Awards are not written here: they come from each week's awards.
- date: {today.isoformat()}
  kind: entry_fee
  amount: 100
  member: {founder}
  note: 入會費
"""
    files = [
        Scaffold("site.yaml", site),
        Scaffold("content/about.md", about),
        Scaffold("content/fund.yaml", fund),
        member_scaffold(founder, today, roles=("founder", "moderator"), entry="fee", visibility="public"),
        week_scaffold(week, [founder]),
        question_scaffold(
            week, FIRST_QUESTION, founder, today, title="我們每週怎麼運作？",
            background="這是社群的第一題，示範一題的樣子：問題寫在 question.md，回答在 answers/<handle>.md，"
                       "輪值群管整理的標準解法在 solution.md。",
            request="請大家用自己的話說說：每週出題、回答、討論、整理，哪一步最需要規則？"),
        answer_scaffold(
            week, FIRST_QUESTION, founder, today,
            body="先定三件事：誰出題（輪值群管提醒）、何時截止（討論日前一天）、誰整理（當週群管）。"),
        solution_scaffold(
            week, FIRST_QUESTION, founder, today, [founder],
            summary="新社群需要一套每週的節奏：出題、回答、討論、整理。",
            steps="1. 輪值群管在週一提醒出題。\n2. 成員在截止日前回答。\n3. 週會討論後，群管整理標準解法。",
            points="- 規則越少越好，先跑起來再調整。"),
        Scaffold("README.md", _community_readme(title, founder)),
        Scaffold(".gitignore", "# shequn writes every output under build/: never commit it.\nbuild/\n"),
        Scaffold(".github/workflows/publish.yml", PUBLISH_WORKFLOW),
    ]
    return files


def _community_readme(title: str, founder: str) -> str:
    return f"""\
# {title}

The knowledge archive of a learning community, kept as plain files and turned into a site by
shequn. Each week has a duty moderator (群管輪值), questions
with their 背景 and 訴求, members' answers (方法與思路) and the moderator's curated solution.

## Layout

```
site.yaml                                      title, base_url, language, fund rules, rota
content/about.md                               the about page
content/fund.yaml                              the fund's ledger (awards come from the weeks)
content/members/<handle>.yaml                  one member's profile and privacy choice
content/weeks/<YYYY-Www>/week.yaml             the week's moderator, theme, awards, tips
content/weeks/<YYYY-Www>/<slug>/question.md    a question (front matter, then Markdown)
content/weeks/<YYYY-Www>/<slug>/answers/<handle>.md   one member's answer
content/weeks/<YYYY-Www>/<slug>/solution.md    the curated solution
.github/workflows/publish.yml                  checks, builds and publishes the public site
```

Handles and slugs are 1-64 lowercase ASCII letters, digits and `-`. Member files are
`visibility: members` unless they say otherwise: nobody is published without saying so.

## Commands

```sh
shequn new member HANDLE                  # content/members/HANDLE.yaml
shequn new week [YYYY-Www]                # next week, moderator from the rota in site.yaml
shequn new question SLUG [--week YYYY-Www]  # in the latest week unless --week
shequn new answer SLUG HANDLE             # HANDLE's answer to question SLUG
shequn new solution SLUG                  # curated by the week's moderator
shequn check --strict                     # every problem as path:line:column
shequn build --audience public            # the site, into build/public/
```

`new` never overwrites a file and prints the path it wrote; fill in the placeholders. The first
week's question `{FIRST_QUESTION}` (asked, answered and curated by `{founder}`) shows the format:
edit it or delete its folder.

## Publishing

Every push to `main` runs `.github/workflows/publish.yml`: `shequn check --strict`, then
`shequn build --audience public`, then deploys `build/public/` to GitHub Pages. Set it up once:

1. Set `base_url` in `site.yaml` to the address of the site (`https://<user>.github.io/<repository>/`).
2. In the repository's Settings → Pages, choose "GitHub Actions" as the source.
3. Check the install step of the workflow (the shequn package or a git URL).

Any static host works as well: upload the contents of `build/public/`.

Only the public build may be published. The members' build (`--audience members`) holds profiles
members kept to the community: build it into a private location (`--out` a folder outside this
repository, served behind a login) and never into `build/public/` or the Pages artifact. The
owner's build (`--audience owner`) shows real names and contacts and is for the owner only.
"""


PUBLISH_WORKFLOW = """\
# Checks the records, builds the public site and deploys it to GitHub Pages on every push to main.
# Once: Settings → Pages → Source: "GitHub Actions", and set base_url in site.yaml to the Pages
# address (https://<user>.github.io/<repository>/).
# Only the public build is deployed: never add the members' or the owner's build to this workflow.
name: Publish

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # What pip installs. Keep "shequn" for the released package, or pin a version ("shequn==0.1.0"),
  # or point at the shequn repository you use (edit OWNER and the ref):
  #   SHEQUN: "shequn @ git+https://github.com/OWNER/shequn@main"
  SHEQUN: "shequn"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install shequn
        run: |
          # PyICU (collation) compiles against the ICU headers.
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends libicu-dev pkg-config
          python -m pip install --disable-pip-version-check "$SHEQUN"
      - name: Check
        run: shequn check --strict --format github
      - name: Build the public site
        run: shequn build --audience public
      - uses: actions/upload-pages-artifact@v5
        with:
          path: build/public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v5
"""


# ---------------------------------------------------------------------------- reading the source


def _record(root: Path, rel: str, kind: str, builder: Callable[[object, list[Diagnostic]], object]):
    """One record read on its own (None when missing or unreadable)."""
    text, _ = read_text(root, rel)
    if text is None:
        return None
    document, _ = parse_document(kind, rel, text)
    return builder(document, []) if document is not None else None


def _weeks(root: Path) -> list[str]:
    """The archive's week folders with a valid ISO week name, oldest first."""
    folder = root / "content" / "weeks"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and WEEK_ID.fullmatch(p.name) and not iso_week_problem(p.name))


def _question_weeks(root: Path, slug: str) -> list[str]:
    """The weeks holding a folder named `slug` (one, in a sound archive)."""
    return [week for week in _weeks(root) if (root / "content" / "weeks" / week / slug).is_dir()]


def _member_exists(root: Path, handle: str) -> bool:
    return (root / "content" / "members" / f"{handle}.yaml").is_file()


def _site(root: Path) -> Site:
    site = _record(root, "site.yaml", "site", build_site)
    if site is None:
        raise Refused("site.yaml cannot be read; run `shequn check` to see why")
    return site


def _week_moderators(root: Path, week: str) -> tuple[str, ...]:
    rel = f"content/weeks/{week}/week.yaml"
    record: Week | None = _record(root, rel, "week", build_week)
    if record is None or not record.moderators:
        raise Refused(f"{rel} is missing or names no moderator; write it first "
                      f"(`shequn new week {week}`) or run `shequn check` to see why")
    return tuple(record.moderators)


def _require_community(root: Path) -> None:
    if not (root / "site.yaml").is_file() or not (root / "content").is_dir():
        raise Refused(f"{root} is not a community's source folder (no site.yaml and content/); "
                      "pass --source DIR, or start one with `shequn new site DIR`")


def _handle(value: str, what: str) -> str:
    if not HANDLE.fullmatch(value):
        raise UsageError(f"'{value}' is not a valid {what} ({HANDLE_RULE})")
    return value


def _week_id(value: str) -> str:
    problem = iso_week_problem(value)
    if problem:
        raise UsageError(problem)
    return value


# ---------------------------------------------------------------------------- planners


def plan_member(root: Path, handle: str, today: dt.date) -> list[Scaffold]:
    return [member_scaffold(handle, today)]


def plan_week(root: Path, week: str | None, today: dt.date) -> tuple[list[Scaffold], str]:
    """The week.yaml of `week` (default: the week after the latest archived one, or the current
    week in an empty archive) with its moderator from the rota; and where the moderator came from."""
    weeks = _weeks(root)
    if week is None:
        week = next_week(weeks[-1]) if weeks else week_id_of(today)
    rota = _site(root).rota
    if rota is not None and rota.moderators and rota.start:
        moderators, source = [rota_moderator(rota.moderators, rota.start, week)], "site.yaml rota"
    else:
        earlier = [w for w in weeks if w < week]
        if not earlier:
            raise Refused("no rota in site.yaml (rota: {moderators: [...], start: YYYY-Www}) and no "
                          "earlier week to take the moderator from; add a rota to site.yaml")
        moderators, source = list(_week_moderators(root, earlier[-1])), f"{earlier[-1]} (no rota in site.yaml)"
    return [week_scaffold(week, moderators)], f"moderator {', '.join(moderators)}, from {source}"


def plan_question(root: Path, slug: str, week: str | None, today: dt.date) -> list[Scaffold]:
    weeks = _weeks(root)
    if week is None:
        if not weeks:
            raise Refused("the archive has no week yet; start one with `shequn new week`")
        week = weeks[-1]
    elif week not in weeks:
        raise Refused(f"no week folder content/weeks/{week}/; start it with `shequn new week {week}`")
    elsewhere = [w for w in _question_weeks(root, slug) if w != week]
    if elsewhere:
        raise Refused(f"question slug '{slug}' is already used in content/weeks/{elsewhere[0]}/{slug}/: "
                      "slugs are unique across the archive")
    asker = _week_moderators(root, week)[0]
    return [question_scaffold(week, slug, asker, today)]


def _question_week(root: Path, slug: str) -> str:
    weeks = [w for w in _question_weeks(root, slug)
             if (root / "content" / "weeks" / w / slug / "question.md").is_file()]
    if not weeks:
        raise Refused(f"unknown question '{slug}' (no content/weeks/<week>/{slug}/question.md); "
                      f"write it first with `shequn new question {slug}`")
    if len(weeks) > 1:
        raise Refused(f"question slug '{slug}' is used in {' and '.join(weeks)}; "
                      "slugs are unique across the archive (run `shequn check`)")
    return weeks[0]


def plan_answer(root: Path, slug: str, handle: str, today: dt.date) -> list[Scaffold]:
    week = _question_week(root, slug)
    if not _member_exists(root, handle):
        raise Refused(f"unknown member '{handle}' (no content/members/{handle}.yaml); "
                      f"add them first with `shequn new member {handle}`")
    return [answer_scaffold(week, slug, handle, today)]


def plan_solution(root: Path, slug: str, today: dt.date) -> list[Scaffold]:
    week = _question_week(root, slug)
    curator = _week_moderators(root, week)[0]
    answers = root / "content" / "weeks" / week / slug / "answers"
    authors = sorted(p.stem for p in answers.glob("*.md")
                     if HANDLE.fullmatch(p.stem) and _member_exists(root, p.stem)) if answers.is_dir() else []
    return [solution_scaffold(week, slug, curator, today, authors)]


def plan_site(folder: Path, founder: str, today: dt.date) -> list[Scaffold]:
    return site_scaffolds(folder.name, founder, today)


# ---------------------------------------------------------------------------- writing


def _target(root: Path, rel: str) -> Path:
    """Where `rel` goes under `root`; refused if it would land outside (`..`, symbolic links)."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts:
        raise Refused(f"{rel}: not a path inside the source folder")
    target = root.joinpath(*pure.parts)
    real_root = os.path.realpath(root)
    if os.path.commonpath([os.path.realpath(target), real_root]) != real_root:
        raise Refused(f"{rel} would be written outside the source folder (a symbolic link leads out); "
                      "nothing written")
    return target


def write_scaffolds(root: Path, files: Sequence[Scaffold]) -> list[Path]:
    """Write every file, or none: refused when any of them exists or would land outside `root`."""
    targets = [(_target(root, f.path), f) for f in files]
    existing = [f.path for target, f in targets if os.path.lexists(target)]
    if existing:
        raise Refused(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                      "nothing overwritten")
    written = []
    for target, scaffold in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        _target(root, scaffold.path)  # the folders made just now may not lead out either
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(target, flags, 0o644)
        except FileExistsError:
            raise Refused(f"{scaffold.path} already exists; not overwritten") from None
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(scaffold.text)
        written.append(target)
    return written


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------- the command


def plan(what: str, names: Sequence[str], source: Path, week: str | None,
         today: dt.date) -> tuple[Path, list[Scaffold], str]:
    """(folder to write into, files, a note for the terminal). Raises UsageError or Refused."""
    if what not in USAGE:
        raise UsageError(f"unknown kind '{what}': one of {', '.join(KINDS)}")
    fewest, most, usage = USAGE[what]
    if not fewest <= len(names) <= most:
        raise UsageError(f"wrong number of names: {usage}")
    if week is not None and what != "question":
        raise UsageError(f"--week is for `shequn new question`; usage: {usage}")
    if week is not None:
        _week_id(week)
    if what == "site":
        folder = Path(names[0]).absolute()
        founder = _handle(names[1], "handle") if len(names) > 1 else DEFAULT_FOUNDER
        if folder.exists() and not folder.is_dir():
            raise Refused(f"{names[0]} exists and is not a folder")
        return folder, plan_site(folder, founder, today), f"new community in {folder}: " \
            "edit site.yaml (title, base_url), then `shequn check --strict`"
    if what == "member":
        handle = _handle(names[0], "handle")
        _require_community(source)
        return source, plan_member(source, handle, today), ""
    if what == "week":
        chosen = _week_id(names[0]) if names else None
        _require_community(source)
        files, note = plan_week(source, chosen, today)
        return source, files, note
    if what == "question":
        slug = _handle(names[0], "slug")
        _require_community(source)
        return source, plan_question(source, slug, week, today), ""
    if what == "answer":
        slug, handle = _handle(names[0], "slug"), _handle(names[1], "handle")
        _require_community(source)
        return source, plan_answer(source, slug, handle, today), ""
    slug = _handle(names[0], "slug")
    _require_community(source)
    return source, plan_solution(source, slug, today), ""


def run(what: str, names: Sequence[str], source: Path, week: str | None = None,
        today: dt.date | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`shequn new`: print each path written (stdout), or why nothing was (stderr); exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        root, files, note = plan(what, names, source, week, today or dt.date.today())
        written = write_scaffolds(root, files)
    except (UsageError, Refused) as exc:
        print(f"shequn new {what}: {exc}", file=err)
        return exc.code
    for path in written:
        print(_shown(path), file=out)
    if note:
        print(note, file=err)
    return EXIT_OK
