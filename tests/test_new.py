"""`shequn new`: every scaffold passes `check --strict` as written, on a copy of the sample and in
a brand-new community; nothing is ever overwritten or written outside the source folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from conftest import Site
from htmlscan import broken_links


def made_today(value: dt.date, since: dt.date) -> bool:
    """`value` is the date a command run after `since` took as today (a run may cross midnight)."""
    return since <= value <= dt.date.today()


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_strict_clean(shequn, root: Path) -> None:
    run = shequn("check", "--strict", "--source", str(root))
    assert run.out.strip().splitlines()[-1] == "0 errors, 0 warnings", run.out
    assert run.code == 0


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def weeks_of(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "content" / "weeks").iterdir() if p.is_dir())


def iso(day: dt.date) -> str:
    return "{}-W{:02d}".format(*day.isocalendar()[:2])


def duty(root: Path, week: str) -> str:
    """The rota's moderator for `week`, computed here from site.yaml with plain date arithmetic."""
    rota = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))["rota"]
    start_year, start_number = map(int, rota["start"].split("-W"))
    year, number = map(int, week.split("-W"))
    days = dt.date.fromisocalendar(year, number, 1) - dt.date.fromisocalendar(start_year, start_number, 1)
    return rota["moderators"][(days.days // 7) % len(rota["moderators"])]


def week_moderators(root: Path, week: str) -> list[str]:
    moderator = yaml.safe_load((root / f"content/weeks/{week}/week.yaml").read_text(encoding="utf-8"))["moderator"]
    return moderator if isinstance(moderator, list) else [moderator]


# ---------------------------------------------------------------------------- on the sample


def test_new_member_passes_strict_check(sample: Site, shequn):
    run = shequn("new", "member", "newcomer", "--source", str(sample.root))
    assert run.code == 0, run.err
    path = sample.path("content/members/newcomer.yaml")
    assert run.out.strip().endswith(str(Path("content/members/newcomer.yaml")))
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["nickname"] == "newcomer"
    assert record["joined"] == dt.date.today()
    assert record["visibility"] == "members"
    assert_strict_clean(shequn, sample.root)


def test_a_handle_yaml_would_misread_is_quoted(sample: Site, shequn):
    assert shequn("new", "member", "null", "--source", str(sample.root)).code == 0
    assert yaml.safe_load(sample.read("content/members/null.yaml"))["nickname"] == "null"
    assert_strict_clean(shequn, sample.root)


def test_new_week_is_the_next_week_with_the_rota_moderator(sample: Site, shequn):
    latest = weeks_of(sample.root)[-1]
    year, number = map(int, latest.split("-W"))
    expected = iso(dt.date.fromisocalendar(year, number, 1) + dt.timedelta(days=7))
    run = shequn("new", "week", "--source", str(sample.root))
    assert run.code == 0, run.err
    assert run.out.strip().endswith(str(Path(f"content/weeks/{expected}/week.yaml")))
    assert week_moderators(sample.root, expected) == [duty(sample.root, expected)]
    assert_strict_clean(shequn, sample.root)


@pytest.mark.parametrize("week", ["2026-W30", "2026-W53", "2027-W02"])
def test_new_week_given_follows_the_rota_cyclically(sample: Site, shequn, week):
    # Before the rota's start (counting backwards), across the 53-week year 2026, into 2027.
    assert shequn("new", "week", week, "--source", str(sample.root)).code == 0
    assert week_moderators(sample.root, week) == [duty(sample.root, week)]
    assert_strict_clean(shequn, sample.root)


def test_new_week_without_a_rota_repeats_the_last_moderators(sample: Site, shequn):
    sample.replace_block("site.yaml", "rota", "# no rota")
    latest = weeks_of(sample.root)[-1]
    assert shequn("new", "week", "--source", str(sample.root)).code == 0
    year, number = map(int, latest.split("-W"))
    new = iso(dt.date.fromisocalendar(year, number, 1) + dt.timedelta(days=7))
    assert week_moderators(sample.root, new) == week_moderators(sample.root, latest)
    assert_strict_clean(shequn, sample.root)


def test_question_answer_solution_in_the_latest_week(sample: Site, shequn):
    latest = weeks_of(sample.root)[-1]
    root = str(sample.root)
    since = dt.date.today()
    run = shequn("new", "question", "fresh-question", "--source", root)
    assert run.code == 0, run.err
    folder = sample.path(f"content/weeks/{latest}/fresh-question")
    assert run.out.strip().endswith(str(Path(f"content/weeks/{latest}/fresh-question/question.md")))
    question = front_matter(folder / "question.md")
    assert made_today(question["posted"], since)
    assert question["asker"] in week_moderators(sample.root, latest)

    for handle in ("kevin", "lily"):
        assert shequn("new", "answer", "fresh-question", handle, "--source", root).code == 0
        assert made_today(front_matter(folder / "answers" / f"{handle}.md")["submitted"], since)
    assert shequn("new", "solution", "fresh-question", "--source", root).code == 0
    solution = front_matter(folder / "solution.md")
    assert solution["curator"] == week_moderators(sample.root, latest)[0]
    assert made_today(solution["published"], since)
    body = (folder / "solution.md").read_text(encoding="utf-8")
    assert "(a:fresh-question/kevin)" in body and "(a:fresh-question/lily)" in body
    assert_strict_clean(shequn, sample.root)


def test_question_in_a_given_week(sample: Site, shequn):
    root = str(sample.root)
    assert shequn("new", "week", "2026-W47", "--source", root).code == 0
    run = shequn("new", "question", "next-topic", "--week", "2026-W47", "--source", root)
    assert run.code == 0, run.err
    assert sample.path("content/weeks/2026-W47/next-topic/question.md").is_file()
    assert shequn("new", "answer", "next-topic", "xiaobai", "--source", root).code == 0
    assert shequn("new", "solution", "next-topic", "--source", root).code == 0
    assert front_matter(sample.path("content/weeks/2026-W47/next-topic/solution.md"))["curator"] \
        == duty(sample.root, "2026-W47")
    assert_strict_clean(shequn, sample.root)


def test_solution_of_a_question_with_answers_already_in_the_sample(sample: Site, shequn):
    week = next(w for w in weeks_of(sample.root)
                for q in sample.questions(w) if not sample.path(f"content/weeks/{w}/{q}/solution.md").exists())
    slug = next(q for q in sample.questions(week) if not sample.path(f"content/weeks/{week}/{q}/solution.md").exists())
    assert shequn("new", "solution", slug, "--source", str(sample.root)).code == 0
    body = sample.read(f"content/weeks/{week}/{slug}/solution.md")
    for handle in sample.answers(week, slug):
        assert f"(a:{slug}/{handle})" in body
    assert_strict_clean(shequn, sample.root)


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("args", [
    ("member", "kevin"),
    ("week", "2026-W46"),
    ("question", "cold-start-first-100", "--week", "2026-W35"),
    ("answer", "cold-start-first-100", "kevin"),
    ("solution", "cold-start-first-100"),
])
def test_never_overwrites(sample: Site, shequn, args):
    before = tree(sample.root)
    run = shequn("new", *args, "--source", str(sample.root))
    assert run.code == 1
    assert "already exist" in run.err and "nothing overwritten" in run.err
    assert run.out == ""
    assert tree(sample.root) == before


@pytest.mark.parametrize("args, message", [
    (("answer", "no-such-question", "kevin"), "unknown question 'no-such-question'"),
    (("answer", "cold-start-first-100", "nobody"), "unknown member 'nobody'"),
    (("solution", "no-such-question"), "unknown question 'no-such-question'"),
    (("question", "elsewhere", "--week", "2027-W10"), "no week folder content/weeks/2027-W10/"),
    (("question", "cold-start-first-100"), "already used in content/weeks/2026-W35/cold-start-first-100/"),
])
def test_refuses_references_to_nothing(sample: Site, shequn, args, message):
    before = tree(sample.root)
    run = shequn("new", *args, "--source", str(sample.root))
    assert run.code == 1
    assert message in run.err
    assert tree(sample.root) == before


@pytest.mark.parametrize("args, message", [
    (("member", "Kevin"), "'Kevin' is not a valid handle"),
    (("member", "_kevin"), "'_kevin' is not a valid handle"),
    (("member", "../escape"), "'../escape' is not a valid handle"),
    (("member", "a" * 65), "is not a valid handle"),
    (("question", "bad_slug"), "'bad_slug' is not a valid slug"),
    (("answer", "cold-start-first-100", "Kevin Lee"), "'Kevin Lee' is not a valid handle"),
    (("solution", "x/y"), "'x/y' is not a valid slug"),
    (("week", "2026-W54"), "2026 has weeks W01 to W53"),
    (("week", "2026-47"), "expected an ISO week like 2026-W07"),
    (("question", "fine", "--week", "2026-w47"), "expected an ISO week"),
    (("member",), "wrong number of names: shequn new member HANDLE"),
    (("answer", "cold-start-first-100"), "wrong number of names: shequn new answer SLUG HANDLE"),
    (("solution", "a", "b"), "wrong number of names"),
    (("week", "2026-W47", "2026-W48"), "wrong number of names"),
    (("site",), "wrong number of names: shequn new site DIR"),
    (("member", "fine", "--week", "2026-W47"), "--week is for `shequn new question`"),
])
def test_usage_errors_exit_2(sample: Site, shequn, args, message):
    before = tree(sample.root)
    run = shequn("new", *args, "--source", str(sample.root))
    assert run.code == 2
    assert message in run.err, run.err
    assert tree(sample.root) == before


def test_never_writes_outside_the_source_folder(sample: Site, shequn, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    weeks = sample.path("content/weeks")
    (weeks / "2026-W47").symlink_to(outside, target_is_directory=True)
    (outside / "week.yaml").write_text("moderator: ajie\n", encoding="utf-8")
    run = shequn("new", "question", "leak", "--week", "2026-W47", "--source", str(sample.root))
    assert run.code == 1
    # Refused either by scaffold's own guard or because the linked week is never read at all.
    assert "outside the source folder" in run.err or "is missing" in run.err, run.err
    assert sorted(p.name for p in outside.iterdir()) == ["week.yaml"]


def test_refuses_a_folder_that_is_not_a_community(shequn, tmp_path):
    run = shequn("new", "member", "someone", "--source", str(tmp_path))
    assert run.code == 1
    assert "not a community's source folder" in run.err
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- a new community


@pytest.fixture
def fresh(tmp_path, shequn) -> Path:
    root = tmp_path / "我們的社群"
    run = shequn("new", "site", str(root), "mei")
    assert run.code == 0, run.err
    written = run.out.split()
    assert str(root / "site.yaml") in written and str(root / ".github/workflows/publish.yml") in written
    return root


def test_new_site_passes_strict_check_and_builds(fresh: Path, shequn):
    assert_strict_clean(shequn, fresh)
    founder = yaml.safe_load((fresh / "content/members/mei.yaml").read_text(encoding="utf-8"))
    assert founder["nickname"] == "mei" and "founder" in founder["roles"]
    site = yaml.safe_load((fresh / "site.yaml").read_text(encoding="utf-8"))
    assert set(site) >= {"title", "base_url", "language", "rota"}
    assert site["rota"] == {"moderators": ["mei"], "start": iso(dt.date.today())}
    fund = yaml.safe_load((fresh / "content/fund.yaml").read_text(encoding="utf-8"))
    assert [(e["kind"], e["member"]) for e in fund] == [("entry_fee", "mei")]
    assert (fresh / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "build/"
    readme = (fresh / "README.md").read_text(encoding="utf-8")
    assert "shequn new question" in readme and "--audience members" in readme

    run = shequn("build", "--source", str(fresh), "--audience", "public", "--quiet")
    assert run.code == 0, run.out + run.err
    public = fresh / "build" / "public"
    assert (public / "index.html").is_file()
    assert (public / "questions" / "how-we-work" / "index.html").is_file()
    broken = broken_links(public)
    assert not broken, "\n".join(broken[:20])


def test_new_site_grows_with_every_new_command(fresh: Path, shequn):
    root = str(fresh)
    week = iso(dt.date.today() + dt.timedelta(days=7))
    for args in (("week",), ("member", "lin"), ("question", "second-round"),
                 ("answer", "second-round", "lin"), ("solution", "second-round")):
        run = shequn("new", *args, "--source", root)
        assert run.code == 0, (args, run.err)
    assert week_moderators(fresh, week) == ["mei"]
    assert (fresh / f"content/weeks/{week}/second-round/solution.md").is_file()
    assert_strict_clean(shequn, fresh)


def test_new_site_refuses_to_overwrite_anything(fresh: Path, shequn):
    (fresh / "site.yaml").write_text("title: mine\nbase_url: https://example.org/\n", encoding="utf-8")
    before = tree(fresh)
    run = shequn("new", "site", str(fresh), "mei")
    assert run.code == 1
    assert "site.yaml" in run.err and "nothing overwritten" in run.err
    assert tree(fresh) == before


def test_new_site_rejects_a_bad_founder_handle(shequn, tmp_path):
    run = shequn("new", "site", str(tmp_path / "x"), "Mei")
    assert run.code == 2 and "'Mei' is not a valid handle" in run.err
    assert not (tmp_path / "x").exists()


def test_publish_workflow_checks_builds_and_deploys_to_pages(fresh: Path):
    workflow = yaml.safe_load((fresh / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    commands = "\n".join(step.get("run", "") for step in build["steps"])
    assert "pip install" in commands
    assert "shequn check --strict" in commands
    assert "shequn build --audience public" in commands
    assert "members" not in commands and "owner" not in commands
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "build/public"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert "git+https://github.com/OWNER/shequn" in (fresh / ".github/workflows/publish.yml").read_text(encoding="utf-8")


def test_scaffolds_are_pure(tmp_path):
    from generator import scaffold

    day = dt.date(2026, 11, 25)
    files = scaffold.site_scaffolds("demo", "mei", day)
    assert files == scaffold.site_scaffolds("demo", "mei", day)
    assert list(tmp_path.iterdir()) == []
    paths = [f.path for f in files]
    assert len(paths) == len(set(paths))
    assert "content/weeks/2026-W48/how-we-work/answers/mei.md" in paths
    assert scaffold.rota_moderator(["a", "b", "c"], "2026-W52", "2027-W02") == "a"
    assert scaffold.rota_moderator(["a", "b", "c"], "2026-W52", "2026-W51") == "c"
    assert scaffold.next_week("2026-W53") == "2027-W01"
