"""Generated communities (bench/generate.py): clean for `check --strict`, complete when built."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import REPO
from generator.model import read_community
from htmlscan import broken_links


def test_generated_community_is_clean_and_builds(tmp_path, shequn):
    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "150",
                    "--seed", "7"], check=True, capture_output=True)
    run = shequn("check", "--strict", "--source", str(source))
    assert run.out.splitlines()[-1] == "0 errors, 0 warnings", run.out[-2000:]
    out = tmp_path / "out"
    assert shequn("build", "--source", str(source), "--out", str(out), "--quiet").code == 0
    community, _ = read_community(source)
    for slug in community.questions:
        assert (out / "questions" / slug / "index.html").is_file()
    assert broken_links(out) == []


def test_generator_is_deterministic(tmp_path):
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(tmp_path / name),
                        "--questions", "40", "--seed", "3"], check=True, capture_output=True)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)


def test_pages_made_on_every_core_equal_pages_made_in_one_process(tmp_path, monkeypatch):
    """The parallel path (Markdown rendered ahead while the records are read, the main process
    and forked workers taking chunks of the page plan in turn, the search records and the
    Markdown used coming back from the workers) writes exactly what one process writes, the
    Markdown cache included."""
    from generator import build

    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "120",
                    "--seed", "5"], check=True, capture_output=True)
    read = build.read_community

    def read_slowly(source):
        # Long enough for the Markdown rendered ahead to be all there, so the pages use it.
        community = read(source)
        time.sleep(1)
        return community

    monkeypatch.setattr(build, "read_community", read_slowly)
    trees = {}
    for name, threshold in (("serial", 10**9), ("parallel", 0)):
        monkeypatch.setattr(build, "PARALLEL_PLAN", threshold)
        monkeypatch.setattr(build, "RENDER_AHEAD_WEEKS", threshold)
        monkeypatch.setattr(build.os, "cpu_count", lambda: 3)
        monkeypatch.setattr(build, "PLAN_CHUNK", 5)
        monkeypatch.setattr(build, "AHEAD_BATCH", 7)  # two workers' batches through one queue
        out = tmp_path / name
        result = build.build_site(source, "members", out, cache_dir=tmp_path / f"cache-{name}")
        assert result.out == out
        trees[name] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(trees["serial"]) == sorted(trees["parallel"])
    assert any(path.startswith("pagefind/") for path in trees["parallel"])
    different = [path for path in trees["serial"] if trees["serial"][path] != trees["parallel"][path]]
    assert different == []
    # The parallel build's cache is in one shard for each process (three here), the serial one's in one.
    assert [len(list((tmp_path / f"cache-{name}").glob("markdown-members.*.marshal")))
            for name in ("serial", "parallel")] == [1, 3]
    caches = [build.load_markdown_cache(tmp_path / f"cache-{name}", "members") for name in ("serial", "parallel")]
    assert caches[0] and caches[0] == caches[1]
    # A later build in one process into the parallel build's cache leaves one shard, with the
    # whole cache in it: the workers' shards and the single file of earlier versions go.
    cache = tmp_path / "cache-parallel"
    (cache / "markdown-members.marshal").write_bytes((cache / "markdown-members.1.marshal").read_bytes())
    monkeypatch.setattr(build, "PARALLEL_PLAN", 10**9)
    monkeypatch.setattr(build, "RENDER_AHEAD_WEEKS", 10**9)
    assert build.build_site(source, "members", tmp_path / "again", cache_dir=cache).out is not None
    assert sorted(p.name for p in cache.glob("markdown-*")) == ["markdown-members.0.marshal"]
    assert build.load_markdown_cache(cache, "members") == caches[0]


def test_markdown_rendered_ahead_of_the_records_is_what_the_pages_render(tmp_path, monkeypatch):
    """While the main process reads the records, a forked worker renders every body open. The
    page builder closes all its Markdown from them, answers by members the audience may not
    name (whose anchors are numbered) and solutions linking to records included, renders none
    itself, and each page shows what it would have rendered itself."""
    from generator import build, view
    from generator.render import make_environment
    from generator.view import build_views, page_builder

    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "120",
                    "--seed", "5"], check=True, capture_output=True)
    monkeypatch.setattr(build, "RENDER_AHEAD_WEEKS", 0)
    monkeypatch.setattr(build, "AHEAD_BATCH", 7)  # most of it arrives in batches, the rest returned
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    opened: dict = {}
    with build._rendering_ahead(source, {}, opened):
        community, _ = build.read_community(source)
        time.sleep(1)  # the worker's 600 bodies take a tenth of that
    _, translate = make_environment(source, community.site.theme, community.site.language)
    rendered_here = []

    def counted(text, shift):
        rendered_here.append((text, shift))
        return render_open(text, shift)

    render_open = view.render_open
    for audience in ("public", "members"):
        fresh_site, fresh = build_views(community, audience, translate, {})
        monkeypatch.setattr(view, "render_open", counted)
        site, used = build_views(community, audience, translate, {}, opened)
        monkeypatch.setattr(view, "render_open", render_open)
        assert used == fresh and [page.view for page in site.pages] == [page.view for page in fresh_site.pages]
        bodies = set(page_builder(community, audience, translate).markdown_jobs())
        assert [job for job in bodies if job[1].startswith("answer-anonymous-")]
        assert [job for job in bodies if job[1] == "solution" and "](a:" in job[0]]
        # Every question, solution and answer the pages show was rendered ahead (bios, and the
        # book's bodies, whose headings go further down, were not).
        shown = {(text, shift) for text, scope, shift in bodies
                 if scope in ("question", "solution") or scope.startswith("answer-")}
        assert len(shown) > 600 and rendered_here and not shown & set(rendered_here), audience
        rendered_here.clear()


def test_a_first_build_shows_the_markdown_rendered_ahead(tmp_path, monkeypatch):
    """With no cache yet, the pages still find what the worker rendered while the records were
    read (the page builder, made and warmed before the rendering ahead ends, must see it)."""
    from generator import build

    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "120",
                    "--seed", "5"], check=True, capture_output=True)
    render_open, read = build.render_open, build.read_community

    def marked(text, shift):  # what the worker renders ahead, marked
        html, links = render_open(text, shift)
        return html + "<!-- ahead -->", links

    def read_slowly(source):
        community = read(source)
        time.sleep(1)  # the worker's 600 bodies take a tenth of that
        return community

    monkeypatch.setattr(build, "render_open", marked)
    monkeypatch.setattr(build, "read_community", read_slowly)
    monkeypatch.setattr(build, "RENDER_AHEAD_WEEKS", 0)
    monkeypatch.setattr(build, "PARALLEL_PLAN", 0)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    out = tmp_path / "out"
    assert build.build_site(source, "public", out, cache_dir=tmp_path / "cache", search=False).out == out
    pages = [p.read_text() for p in (out / "questions").glob("*/index.html")]
    assert len(pages) == 120
    assert all("<!-- ahead -->" in page for page in pages)


def test_the_model_and_the_page_builder_are_let_go_before_the_search_index(tmp_path, monkeypatch):
    """The index stage runs beside two Pagefinds and needs only the records: a parallel build
    must have let go of the model, the views and the warmed page builder (with the Markdown it
    found) before it (200 MiB at 10,000 questions)."""
    import gc

    from generator import build, view
    from generator.model import Community

    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "120",
                    "--seed", "5"], check=True, capture_output=True)
    alive: list[list[str]] = []

    def index_files(_, found, cache):
        alive.append([type(o).__name__ for o in gc.get_objects() if isinstance(o, (view._Builder, Community))])
        assert found
        return iter(())

    monkeypatch.setattr(build, "index_files", index_files)
    monkeypatch.setattr(build, "RENDER_AHEAD_WEEKS", 0)
    monkeypatch.setattr(build, "PARALLEL_PLAN", 0)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    assert build.build_site(source, "public", tmp_path / "out", cache_dir=tmp_path / "cache").out is not None
    assert alive == [[]]
