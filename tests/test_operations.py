"""Fund, pools, leaderboard and moderator KPIs, recomputed here from the raw YAML and compared with
what the build publishes; planted operational defects reported where they were written."""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import pytest
import yaml

from conftest import REPO, Site
from htmlscan import Page

INCOME = {"entry_fee", "operations_fee", "donation"}


def raw(root: Path):
    fund = yaml.safe_load((root / "content/fund.yaml").read_text(encoding="utf-8")) or []
    weeks = {}
    for path in sorted((root / "content/weeks").glob("*/week.yaml")):
        weeks[path.parent.name] = yaml.safe_load(path.read_text(encoding="utf-8"))
    site = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    return site, fund, weeks


def sunday(week_id: str) -> dt.date:
    year, number = week_id.split("-W")
    return dt.date.fromisocalendar(int(year), int(number), 7)


def expected_balances(fund, weeks) -> list[tuple[dt.date, Decimal]]:
    moves = [(e["date"], 0, Decimal(str(e["amount"])) * (1 if e["kind"] in INCOME else -1)) for e in fund]
    moves += [(sunday(w), 1, -sum(Decimal(str(a["amount"])) for a in data["awards"]))
              for w, data in weeks.items() if data.get("awards")]
    balance, result = Decimal(0), []
    for day, _, amount in sorted(moves, key=lambda m: (m[0], m[1])):
        balance += amount
        result.append((day, balance))
    return result


def expected_pools(site, fund, weeks) -> dict[str, Decimal]:
    pools, paid_before = {}, Decimal(0)
    first = dt.date.fromisocalendar(*map(int, next(iter(weeks)).split("-W")), 1)
    for week_id, data in weeks.items():
        if "pool" in data:
            pools[week_id] = Decimal(str(data["pool"]))
        else:
            end = sunday(week_id)
            balance = sum((Decimal(str(e["amount"])) * (1 if e["kind"] in INCOME else -1)
                           for e in fund if e["date"] <= end), Decimal(0)) - paid_before
            left = max(1, (site.get("fund", {}).get("weeks", 52)) - ((end - first).days // 7))
            pools[week_id] = (balance / left).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        paid_before += sum((Decimal(str(a["amount"])) for a in data.get("awards") or ()), Decimal(0))
    return pools


def build(root: Path, out: Path, *args: str) -> Path:
    from generator.cli import main

    assert main(["build", "--source", str(root), "--out", str(out), "--quiet", *args]) == 0
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("ops") / "community"
    subprocess.run([sys.executable, str(REPO / "bench/generate.py"), str(root), "--questions", "120", "--seed", "11"],
                   check=True, capture_output=True)
    return root, build(root, root.parent / "out")


@pytest.mark.parametrize("which", ["sample", "generated"])
def test_ledger_balance_and_pools_match_the_records(which, generated, tmp_path):
    root, out = (REPO, build(REPO, tmp_path / "out")) if which == "sample" else generated
    site, fund, weeks = raw(root)
    ledger = json.loads((out / "fund/ledger.json").read_text(encoding="utf-8"))
    balances = expected_balances(fund, weeks)
    assert Decimal(ledger["balance"]) == balances[-1][1]
    published = [(e["date"], Decimal(e["balance"])) for e in ledger["entries"]]
    # The public build gives one line per day; the last balance of each day must agree.
    last_of_day = {day.isoformat(): balance for day, balance in balances}
    assert {d: b for d, b in published} == last_of_day
    assert {w: Decimal(p) for w, p in ledger["pools"].items()} == expected_pools(site, fund, weeks)
    totals = defaultdict(Decimal)
    for entry in fund:
        totals[entry["kind"]] += Decimal(str(entry["amount"]))
    for kind, amount in totals.items():
        assert Decimal(ledger["totals"][kind]) == amount


def test_kpis_match_the_records(generated):
    root, out = generated
    kpis = {k["week"]: k for k in json.loads((out / "moderators/kpi.json").read_text(encoding="utf-8"))}
    _, _, weeks = raw(root)
    for week_id, data in weeks.items():
        folders = [p for p in (root / "content/weeks" / week_id).iterdir() if p.is_dir()]
        answerers = {a.stem for f in folders for a in (f / "answers").glob("*.md")}
        solutions = [f / "solution.md" for f in folders if (f / "solution.md").exists()]
        delays = []
        for path in solutions:
            published = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]).get("published")
            if published and data.get("session"):
                delays.append((published - data["session"]).days)
        kpi = kpis[week_id]
        assert (kpi["questions"], kpi["answerers"], kpi["curated"]) == (len(folders), len(answerers), len(solutions))
        assert kpi["days_to_publish"] == (statistics.median(delays) if delays else None)
        assert kpi["rating"] == (str(Decimal(str(data["rating"]))) if "rating" in data else None)


def test_leaderboard_matches_the_awards(generated):
    root, out = generated
    _, _, weeks = raw(root)
    totals = defaultdict(Decimal)
    for data in weeks.values():
        for award in data.get("awards") or ():
            totals[award["answer"].split("/")[1]] += Decimal(str(award["amount"]))
    members = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "content/members").glob("*.yaml")}
    page = Page(out / "leaderboard/index.html")
    section = page.by_id("overall") or page.by_id(f"year-{max(int(w[:4]) for w in weeks)}")
    assert section is not None
    rows = [e for e in page.elements if e.tag == "tr" and any(c.tag == "th" and c.attrs.get("scope") == "row" for c in e.children)]
    shown = {}
    for row in rows:
        cells = [c for c in row.children if c.tag in ("td", "th")]
        name = cells[1].text.strip()
        amount = Decimal(re.sub(r"[^\d.]", "", cells[2].text.split("(")[0]))
        shown.setdefault(name, amount)
    for handle, total in sorted(totals.items(), key=lambda t: -t[1])[:5]:
        member = members[handle]
        if member.get("visibility") == "public":
            assert shown[member["nickname"]] == total, handle


def test_public_ledger_hides_who_paid_unless_public_detail(tmp_path):
    site = Site(tmp_path / "s")
    import shutil

    shutil.copytree(REPO / "content", site.root / "content")
    shutil.copy2(REPO / "site.yaml", site.root / "site.yaml")
    out = build(site.root, tmp_path / "public")
    ledger = json.loads((out / "fund/ledger.json").read_text(encoding="utf-8"))
    assert not ledger["detail"] and all("member" not in e and "note" not in e for e in ledger["entries"])
    members_out = build(site.root, tmp_path / "members", "--audience", "members")
    detailed = json.loads((members_out / "fund/ledger.json").read_text(encoding="utf-8"))
    assert any("member" in e for e in detailed["entries"])
    site.edit("site.yaml", "public_detail: false", "public_detail: true")
    out = build(site.root, tmp_path / "public2")
    ledger = json.loads((out / "fund/ledger.json").read_text(encoding="utf-8"))
    hidden = [yaml.safe_load(p.read_text(encoding="utf-8"))["nickname"] for p in (REPO / "content/members").glob("*.yaml")
              if yaml.safe_load(p.read_text(encoding="utf-8")).get("visibility") != "public"]
    names = {e.get("member") for e in ledger["entries"]}
    assert ledger["detail"] and names - {None} and not names & set(hidden)


# ---------------------------------------------------------------------------- planted defects


def test_award_to_the_weeks_own_moderator_warns(sample, shequn):
    rel = "content/weeks/2026-W36/week.yaml"
    text = sample.read(rel)
    start = text.index("answer:", text.index("awards:"))
    slug = text[start + 8: text.index("\n", start)].split("/")[0].strip()
    sample.path(f"content/weeks/2026-W36/{slug}/answers/xiaomei.md").write_text(
        "---\nsubmitted: 2026-09-02\n---\nmine\n", encoding="utf-8")
    sample.write(rel, text[:start] + f"answer: {slug}/xiaomei" + text[text.index("\n", start):])
    where = sample.locate(rel, f"{slug}/xiaomei")
    run = shequn("check", "--source", str(sample.root))
    assert f"{where}: warning: award to 'xiaomei', the week's own duty moderator" in run.out.splitlines()


def test_stipend_to_a_member_who_never_moderated_warns(sample, shequn):
    rel = "content/fund.yaml"
    sample.write(rel, sample.read(rel) + "- date: 2026-11-20\n  kind: stipend\n  amount: 10\n  member: kevin\n  note: x\n")
    where = sample.locate(rel, "kevin", after="2026-11-20")
    run = shequn("check", "--source", str(sample.root))
    assert f"{where}: warning: stipend to 'kevin', who moderated no week of the archive" in run.out.splitlines()


def test_challenge_entry_without_an_award_warns(sample, shequn):
    _, _, weeks = raw(REPO)
    winners = {a["answer"].split("/")[1] for data in weeks.values() for a in data.get("awards") or ()}
    handle = next(p.stem for p in sorted((REPO / "content/members").glob("*.yaml"))
                  if p.stem not in winners and "\nentry:" in p.read_text(encoding="utf-8"))
    rel = f"content/members/{handle}.yaml"
    sample.set_field(rel, "entry", "challenge")
    where = sample.locate(rel, "challenge")
    run = shequn("check", "--source", str(sample.root))
    assert (f"{where}: warning: '{handle}' entered through a challenge but won no award in the archive "
            "(fine if the winning week predates it)") in run.out.splitlines()


def test_negative_balance_is_an_error_at_the_entry(sample, shequn):
    rel = "content/fund.yaml"
    sample.write(rel, sample.read(rel) + "- date: 2026-06-02\n  kind: other\n  amount: 99999\n  note: oops\n")
    where = sample.locate(rel, "99999")
    run = shequn("check", "--source", str(sample.root))
    lines = [l for l in run.out.splitlines() if "balance falls to" in l]
    assert lines and lines[0].startswith(f"{where}: error: the fund's balance falls to -")
    assert lines[0].endswith("on 2026-06-02")
