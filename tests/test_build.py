"""`shequn build`: real builds of the sample, parsed with an HTML parser."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import REPO, Site
from generator.i18n import Formats
from generator.model import read_community
from generator.view import tag_segment
from htmlscan import Page, broken_links


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    """The sample built once for the public."""
    root = tmp_path_factory.mktemp("public")
    out = root / "out"
    from generator.cli import main

    assert main(["build", "--source", str(REPO), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def community():
    community, diags = read_community(REPO)
    assert community is not None
    return community


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_record_has_its_page(public, community):
    for slug in community.questions:
        assert (public / "questions" / slug / "index.html").is_file()
    for week in community.weeks:
        assert (public / "weeks" / week / "index.html").is_file()
    for tag in community.tags:
        assert (public / "tags" / tag_segment(tag) / "index.html").is_file()
    for event in community.events:
        assert (public / "events" / event.slug / "index.html").is_file()
    for handle, member in community.members.items():
        assert (public / "members" / handle / "index.html").is_file() == (member.visibility == "public")
    for name in ("index.html", "weeks/index.html", "tags/index.html", "members/index.html",
                 "events/index.html", "about/index.html", "404.html", "feed.xml", "sitemap.xml",
                 "robots.txt", "static/style.css"):
        assert (public / name).is_file(), name


def test_every_answer_author_is_credited(public, community):
    for slug, answers in community.answers.items():
        page = Page(public / "questions" / slug / "index.html")
        credits = page.by_id("credits")
        for answer in answers:
            member = community.members[answer.author]
            if member.visibility == "public":
                article = page.by_id(f"answer-{answer.author}")
                assert article is not None and member.nickname in article.text
                assert f"/members/{answer.author}/" in [a.attrs.get("href") for a in page.find_all("a")]
                assert member.nickname in credits.text
            else:
                assert f"answer-{answer.author}" not in page.ids
                assert "anonymous member" in page.text or "匿名成員" in page.text
        solution = community.solutions.get(slug)
        if solution:
            assert page.by_id("solution") is not None
            order = page.ids
            assert order.index("solution") < order.index("answers")


def test_internal_links_and_anchors_resolve(public):
    broken = broken_links(public)
    assert not broken, "\n".join(broken[:20])


def test_lang_attributes(public, community):
    home = Page(public / "index.html")
    assert home.find_all("html")[0].attrs["lang"] == community.site.language
    # An English answer inside the Traditional Chinese site says so.
    english = [a for answers in community.answers.values() for a in answers
               if community.members[a.author].handle in ("linda", "kevin", "tom")]
    assert english
    answer = english[0]
    page = Page(public / "questions" / answer.slug / "index.html")
    article = page.by_id(f"answer-{answer.author}")
    prose = [e for e in article.children if e.tag == "div"]
    assert prose and prose[0].attrs["lang"] == "en"


def test_feed_is_atom_with_absolute_urls(public, community):
    feed = ET.parse(public / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries
    for entry in entries:
        href = entry.find("a:link", ns).attrib["href"]
        assert href.startswith(community.site.base_url)
        assert entry.find("a:updated", ns).text[:4].isdigit()
    sitemap = ET.parse(public / "sitemap.xml").getroot()
    locs = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sitemap]
    assert all(loc.startswith(community.site.base_url) for loc in locs)
    assert len(locs) == len(set(locs)) and len(locs) > len(community.questions)
    assert "Sitemap: " in (public / "robots.txt").read_text()


def test_chinese_sorting_is_icu_collation():
    names = ["志明", "阿明", "一一", "小龍", "丁丁", "靜香", "大頭", "老王"]
    stroke = sorted(names, key=Formats("zh-Hant", "CNY").sort_key)
    assert stroke == ["一一", "丁丁", "大頭", "小龍", "老王", "志明", "阿明", "靜香"]
    pinyin = sorted(names, key=Formats("zh-Hans", "CNY").sort_key)
    assert pinyin == ["阿明", "大頭", "丁丁", "靜香", "老王", "小龍", "一一", "志明"]


def test_dates_and_money_per_locale():
    import datetime as dt
    from decimal import Decimal

    day = dt.date(2025, 2, 14)
    assert Formats("zh-Hant", "TWD").date(day) == "2025年2月14日"
    assert Formats("en", "CNY").date(day) == "February 14, 2025"
    assert Formats("zh-Hans", "CNY").money(Decimal("12345.6")) == "¥12,345.60"
    assert Formats("zh-Hant", "CNY").money(Decimal("12345.6")) == "CN¥12,345.60"


# ---------------------------------------------------------------------------- audiences and privacy

PRIVATE_MARK = "ZQXPRIV"


def plant_private(site: Site) -> dict[str, list[str]]:
    """A unique string in every private field of every member, and in the nickname and handle
    of every member the public may not see. Returns the planted strings by kind."""
    planted: dict[str, list[str]] = {"private": [], "unlisted": []}
    for path in sorted(site.path("content/members").glob("*.yaml")):
        handle = path.stem
        lines = [l for l in path.read_text(encoding="utf-8").split("\n")
                 if not l.startswith(("name:", "company:", "contact:", "career_path:"))
                 and not l.startswith(("  email:", "  phone:", "  wechat:", "  - year:", "    role:",
                                       "    org:", "  - {year"))]
        marks = {k: f"{PRIVATE_MARK}{k.upper()}{handle.upper().replace('-', '')}" for k in
                 ("name", "company", "email", "phone", "wechat", "contact", "org")}
        text = "\n".join(lines).rstrip("\n") + "\n"
        text += (f"name: {marks['name']}\ncompany: {marks['company']}\n"
                 f"contact:\n  email: {marks['email'].lower()}@example.org\n  phone: '+886-{marks['phone']}'\n"
                 f"  wechat: {marks['wechat']}\n"
                 f"career_path:\n  - {{year: 2020, role: Lead, org: {marks['org']}}}\n")
        path.write_text(text, encoding="utf-8")
        planted["private"] += [marks["name"], marks["company"], marks["email"].lower(), marks["phone"],
                               marks["wechat"], marks["org"]]
        visibility = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("visibility:")), "members")
        if visibility != "public":
            nickname = f"{PRIVATE_MARK}NICK{handle.upper().replace('-', '')}"
            site.set_field(f"content/members/{handle}.yaml", "nickname", nickname)
            planted["unlisted"].append(nickname)
    return planted


def every_byte(out: Path):
    """(file, bytes) of every output file, with compressed ones opened."""
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if data[:2] == b"\x1f\x8b":
            yield path, gzip.decompress(data)
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


def hits(out: Path, needles: list[str]) -> list[str]:
    found = []
    for path, data in every_byte(out):
        for needle in needles:
            if needle.encode() in data or needle.lower().encode() in data.lower():
                found.append(f"{path.relative_to(out) if path.is_relative_to(out) else path}: {needle}")
    return found


def test_private_fields_never_reach_the_public_build(sample, shequn):
    planted = plant_private(sample)
    assert shequn("check", "--strict", "--source", str(sample.root)).code == 0
    out = sample.root / "build" / "public"
    assert shequn("build", "--source", str(sample.root), "--quiet").code == 0
    assert hits(out, planted["private"] + planted["unlisted"]) == []
    # The same scan finds them in the owner's build: it can fail.
    assert shequn("build", "--source", str(sample.root), "--audience", "owner", "--quiet").code == 0
    owner_hits = hits(sample.root / "build" / "owner", planted["private"])
    assert {h.split(": ")[1] for h in owner_hits} >= set(planted["private"][:6])


def test_members_build_shows_names_only_in_seed_stage(sample, shequn):
    planted = plant_private(sample)
    out = sample.root / "build" / "members"
    assert shequn("build", "--source", str(sample.root), "--audience", "members", "--quiet").code == 0
    assert hits(out, planted["private"]) == []
    sample.edit("site.yaml", "stage: growth", "stage: seed")
    assert shequn("build", "--source", str(sample.root), "--audience", "members", "--quiet").code == 0
    assert hits(out, planted["private"])


def test_owner_build_is_never_indexed(sample, shequn):
    assert shequn("build", "--source", str(sample.root), "--audience", "owner", "--quiet").code == 0
    out = sample.root / "build" / "owner"
    for path in html_files(out)[:50]:
        robots = Page(path).find_all("meta", name="robots")
        assert robots and "noindex" in robots[0].attrs["content"], path
    assert "Disallow: /" in (out / "robots.txt").read_text()


# ---------------------------------------------------------------------------- safety of the build


def digest(out: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        h.update(str(path.relative_to(out)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def test_content_errors_write_nothing(sample, shequn):
    assert shequn("build", "--source", str(sample.root), "--quiet").code == 0
    out = sample.root / "build" / "public"
    before = digest(out)
    sample.set_field("content/members/kevin.yaml", "joined", "2026-02-30")
    run = shequn("build", "--source", str(sample.root), "--quiet")
    assert run.code == 1 and "2026-02-30 is not a real date" in run.out
    assert digest(out) == before


def test_build_is_deterministic_and_leaves_content_alone(sample, shequn, tmp_path):
    content_before = digest(sample.root / "content")
    first, second = tmp_path / "one", tmp_path / "two"
    assert shequn("build", "--source", str(sample.root), "--out", str(first), "--quiet").code == 0
    assert shequn("build", "--source", str(sample.root), "--out", str(second), "--quiet").code == 0
    assert digest(first) == digest(second)
    assert digest(sample.root / "content") == content_before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_kill_minus_nine_leaves_the_previous_site(tmp_path):
    source = tmp_path / "big"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "400"],
                   check=True, capture_output=True)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator.cli", "build", "--source", str(source), "--out", str(out), "--quiet"]
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    before = digest(out)
    (source / "content" / "about.md").write_text("---\ntitle: changed\n---\nchanged\n", encoding="utf-8")
    # What a build killed after it swapped the new site in leaves (its own cache: as slow as the others).
    complete = tmp_path / "complete"
    subprocess.run([*command[:-2], str(complete), "--quiet", "--cache-dir", str(tmp_path / "elsewhere")],
                   check=True, capture_output=True, cwd=REPO)
    after = digest(complete)
    assert after != before
    killed = 0
    for delay in (0.3, 0.6, 0.9, 1.2):
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        workers = children(process.pid)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
        if process.returncode == 0 or digest(out) == after:
            break  # it finished, or was killed after it swapped the complete new site in
        assert digest(out) == before, f"site changed by a build killed after {delay}s"
        assert not still_running(workers, seconds=5), f"workers outlived a build killed after {delay}s"
    assert killed, "the build was too quick to be interrupted"
    # The next build cleans up after the killed ones and completes.
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.build-")]
    assert "changed" in (out / "about" / "index.html").read_text()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def still_running(pids: list[int], seconds: float) -> list[int]:
    """Those of `pids` still running after up to `seconds` (a zombie has ended)."""
    deadline = time.monotonic() + seconds
    while True:
        running = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in ("Z", "X"):
                running.append(pid)
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def _death_signal(_: int) -> int:
    import ctypes

    signal_number = ctypes.c_int()
    ctypes.CDLL(None).prctl(2, ctypes.byref(signal_number))  # PR_GET_PDEATHSIG
    return signal_number.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_forked_workers_die_with_the_process_that_forked_them():
    """A worker that outlived a killed build went on writing into its staging folder after the
    next build had removed it, which left a stray `.out.build-*` folder (CI, 2026-11-26)."""
    from generator.workers import forked_pool

    with forked_pool(2) as pool:
        assert pool.map(_death_signal, range(4), chunksize=1) == [signal.SIGKILL] * 4


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ is Linux's")
def test_the_queue_of_markdown_rendered_ahead_holds_a_whole_batch():
    """With the default 64 KiB pipe a worker rendering ahead waited 1.25 s of its 4.3 s to send
    its batches to a thread of the busy main process (10,000 questions)."""
    import fcntl

    from generator.workers import PIPE_BYTES, roomy_queue

    queue = roomy_queue()
    assert fcntl.fcntl(queue._writer.fileno(), 1032) == PIPE_BYTES  # F_GETPIPE_SZ
    queue.put(batch := {b"key": "x" * (PIPE_BYTES // 2)})  # whole, with nobody reading yet
    assert queue.get() == batch


def test_a_page_builder_is_freed_without_the_cycle_collector(community):
    """A build pauses the cycle collector, so a builder in a reference cycle kept its caches
    (rendered Markdown, summaries) and the whole model alive beside the search stage: 160 MiB
    of 10,000 questions. Its Markdown renderers call back into it, through a weak reference."""
    import gc
    import weakref

    from generator.render import make_environment
    from generator.view import page_builder

    _, translate = make_environment(REPO, community.site.theme, community.site.language)
    collecting = gc.isenabled()
    gc.disable()
    try:
        builder = page_builder(community, "public", translate)
        pages = [page for make in builder.page_plan()[:40] for page in make()]
        assert pages and builder.used and builder.book()  # it rendered Markdown for the site and the book
        gone = weakref.ref(builder)
        del builder
        assert gone() is None
    finally:
        if collecting:
            gc.enable()


def test_site_theme_overrides_one_template_and_one_static_file(sample, shequn):
    sample.write("themes/default/templates/tags.html",
                 '{% extends "base.html" %}{% block content %}<h1>OVERRIDDEN-TAGS</h1>{% endblock %}\n')
    sample.write("themes/default/static/style.css", "/* site css */\n")
    assert shequn("build", "--source", str(sample.root), "--quiet").code == 0
    out = sample.root / "build" / "public"
    assert "OVERRIDDEN-TAGS" in (out / "tags" / "index.html").read_text()
    assert (out / "static" / "style.css").read_text() == "/* site css */\n"
    assert "OVERRIDDEN-TAGS" not in (out / "weeks" / "index.html").read_text()


def test_interface_language_follows_site_yaml(sample, shequn):
    sample.edit("site.yaml", "language: zh-Hant", "language: en")
    assert shequn("build", "--source", str(sample.root), "--quiet").code == 0
    page = Page(sample.root / "build" / "public" / "weeks" / "index.html")
    assert page.find_all("html")[0].attrs["lang"] == "en"
    assert "Weeks" in page.text
    sample.edit("site.yaml", "language: en", "language: zh-Hans")
    assert shequn("build", "--source", str(sample.root), "--quiet").code == 0
    page = Page(sample.root / "build" / "public" / "weeks" / "index.html")
    assert page.find_all("html")[0].attrs["lang"] == "zh-Hans"
    assert "Weeks" not in page.text


VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_nu_html_checker_finds_no_errors(public):
    """The Nu HTML checker (vnu.jar from the vnu-jar npm package, run with Java) on every page
    and on the theme's stylesheet; Pagefind's own bundle is not ours to check."""
    assert VNU.is_file(), "run scripts/setup (npm installs the checker)"
    targets = [str(p) for p in html_files(public)] + [str(public / "static" / "style.css")]
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--also-check-css", *targets],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]


def test_shequns_jinja_renders_what_jinja_renders(sample, tmp_path, monkeypatch):
    """The template environment's shortcuts (escaping without markupsafe's Python-level
    constructor, a view's dict fields looked up as keys) change no byte of any audience's site."""
    import jinja2

    from generator import build, render

    trees = {}
    for name, environment in (("jinja", jinja2.Environment), ("shequn", render._Environment)):
        monkeypatch.setattr(render, "_Environment", environment)
        for audience in ("public", "owner"):
            out = tmp_path / f"{name}-{audience}"
            assert build.build_site(sample.root, audience, out, cache_dir=tmp_path / f"cache-{name}", search=False).out
            trees[name, audience] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for audience in ("public", "owner"):
        assert trees["jinja", audience] == trees["shequn", audience]
    assert type(render.make_environment(sample.root, "default", "zh-Hant")[0]) is render._Environment


@pytest.mark.parametrize("template", [
    "{{ d.title }}|{{ d['title'] }}|{{ d.items is callable }}|{{ d.get('title') }}|{{ d.missing is defined }}",
    "{{ s }}|{{ m }}|{{ n }}|{{ h }}|{{ sub }}|{{ s ~ m }}|{{ s | e }}|{% set x %}<{{ s }}>{% endset %}{{ x }}",
    "{% macro p(v) %}<b>{{ v }}</b>{% endmacro %}{{ p(s) }}|{{ p(m) }}|{{ [s, m] | join(', ') }}",
    # Calls: macros with defaults, keywords, a caller, extra arguments; in loops; functions of
    # every kind, one that raises StopIteration.
    "{% macro q(a, b='<2>') %}{{ a }}-{{ b }}{% endmacro %}{{ q(s) }}|{{ q(s, b=m) }}|{{ q(b=n, a=s) }}|"
    "{% for x in [s, m] %}{{ q(x, loop.index) }}{% endfor %}|{% set y = q(n) %}{{ y }}",
    "{% macro c(t) %}[{{ t }}{{ caller(s) }}]{% endmacro %}{% call(v) c(m) %}<{{ v }}>{% endcall %}|"
    "{% macro v(a) %}{{ a }}{{ varargs | join }}{{ kwargs | dictsort }}{% endmacro %}{{ v(s, m, 3) }}|{{ v(n, k=s) }}",
    "{{ f(s) }}|{{ f(m) }}|{{ stop() is defined }}|{{ ctx() }}|{{ ev() }}|{{ env() }}|{{ h.__html__() }}|"
    "{% for x in [1] %}{{ ctx() }}{{ f(x) }}{% endfor %}|{% autoescape false %}{{ f(s) }}{% endautoescape %}",
])
def test_shequns_jinja_prints_each_value_as_jinja_does(template):
    import jinja2
    from markupsafe import Markup

    from generator import render

    class Html:
        def __html__(self):
            return "<i>ok</i>"

    class Text(str):
        pass

    def stop():
        raise StopIteration

    values = {"d": {"title": "<T&>", "items": "shadowed", "get": 1}, "s": "<a href=\"x\">'&'", "m": Markup("<em>m</em>"),
              "n": 42, "h": Html(), "sub": Text("<sub>"), "f": lambda x: f"<{x}>", "stop": stop,
              "ctx": jinja2.pass_context(lambda context: context["s"]),
              "ev": jinja2.pass_eval_context(lambda eval_ctx: f"<{eval_ctx.autoescape}>"),
              "env": jinja2.pass_environment(lambda environment: type(environment).__name__.startswith(("Env", "_Env")))}
    printed = [environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(template).render(values)
               for environment in (jinja2.Environment, render._Environment)]
    assert printed[0] == printed[1]
    assert "&lt;" in printed[1]


def test_messages_without_variables_are_translated_when_a_template_is_compiled(sample):
    """`_("text")` becomes the translation in the compiled template, where Jinja writes its own
    text; a template that sets `_` itself keeps the call."""
    from generator import render

    env, _ = render.make_environment(sample.root, "default", "zh-Hant")
    compiled = env.compile(env.loader.get_source(env, "base.html")[0], "base.html", raw=True)
    assert "跳到主要內容" in compiled and "Skip to content" not in compiled
    own = env.from_string("{% set _ = upper %}{{ _('Search') }}|{{ gettext('Search') }}")
    assert own.render(upper=str.upper) == "SEARCH|搜尋"
    assert env.from_string("{{ _('Search') }} {{ _('%(n)s x', n=2) }}").render() == "搜尋 2 x"


def test_the_command_ends_a_build_without_freeing_it_and_loses_nothing(tmp_path):
    """`shequn build` ends its process without freeing the model (os._exit): its messages are
    still printed, its site is the one an in-process build makes, and its stamp, taken while the
    Markdown is rendered ahead (a first build), lets the next build find nothing to do."""
    from generator import build
    from generator.cli import main

    source = tmp_path / "big"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "400"],
                   check=True, capture_output=True)
    assert len(list((source / "content" / "weeks").iterdir())) >= build.RENDER_AHEAD_WEEKS
    (source / "content" / "notes.txt").write_text("a stray file: one warning on the standard output\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "generator.cli", "build", "--source", str(source), "--out", str(out),
               "--cache-dir", str(cache), "--no-search"]
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    first = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=buffered)
    assert first.returncode == 0, first.stderr
    # Printed before the process ended, the warning through a buffered pipe.
    assert "content/notes.txt" in first.stdout and "not part of the content layout" in first.stdout
    assert f"files for the public audience into {out}" in first.stderr

    in_process = tmp_path / "in-process"
    assert main(["build", "--source", str(source), "--out", str(in_process), "--cache-dir",
                 str(tmp_path / "cache2"), "--no-search", "--quiet"]) == 0
    assert build._left_for_exit == []  # a build in a process that goes on frees what it made
    assert digest(out) == digest(in_process)

    again = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert again.returncode == 0 and "is up to date" in again.stderr, again.stderr
    (source / "content" / "about.md").write_text("---\ntitle: changed\n---\nchanged\n", encoding="utf-8")
    edited = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert edited.returncode == 0 and "built" in edited.stderr, edited.stderr
    assert "changed" in (out / "about" / "index.html").read_text(encoding="utf-8")


def test_json_exports_are_written_as_the_standard_library_indents_them(public):
    """orjson writes the exports; each must be byte for byte what `json.dumps(indent=2,
    ensure_ascii=False)` writes, on the sample's files and on values that differ elsewhere."""
    import json

    from generator.render import render_json

    def standard(data) -> bytes:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    exports = [p for p in public.rglob("*.json") if "pagefind" not in p.parts and p.name != "fold.json"]
    assert len(exports) > 10
    for path in exports:
        data = path.read_bytes()
        assert data == standard(json.loads(data)), path
    awkward = {"文": ["正體", "简体", "emoji 🎉", "tab\there", "quote \" and \\", "\u2028\x00\x1f\x7f"],
               "empty": [[], {}, [{}], ""], "numbers": [0, -1, 2**63 - 1, 0.1, 12.5, 3.0, 1e16, -0.25],
               "flags": [True, False, None], "nested": {"a": {"b": [1, {"c": []}]}}}
    assert render_json(awkward) == standard(awkward)
    for refused in ({"big": 2**70}, {1: "an integer key"}):  # orjson refuses them: the standard way
        assert render_json(refused) == standard(refused)
    # The one difference: a float below 0.0001 has no zero in its exponent (1e-7, not 1e-07),
    # the same number. The exports' floats are chart coordinates rounded to hundredths.
    assert json.loads(render_json([1e-07, -2.5e-10])) == [1e-07, -2.5e-10]
