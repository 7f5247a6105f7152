"""Generated communities (bench/generate.py): clean for `check --strict`, complete when built."""

from __future__ import annotations

import subprocess
import sys

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
    """The parallel path (the main process and forked workers taking chunks of the page plan in
    turn, the search records coming back from the workers) writes exactly what one process
    writes."""
    from generator import build

    source = tmp_path / "generated"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source), "--questions", "120",
                    "--seed", "5"], check=True, capture_output=True)
    trees = {}
    for name, threshold in (("serial", 10**9), ("parallel", 0)):
        monkeypatch.setattr(build, "PARALLEL_PLAN", threshold)
        monkeypatch.setattr(build.os, "cpu_count", lambda: 3)
        monkeypatch.setattr(build, "PLAN_CHUNK", 5)
        out = tmp_path / name
        result = build.build_site(source, "members", out, cache_dir=tmp_path / f"cache-{name}")
        assert result.out == out
        trees[name] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(trees["serial"]) == sorted(trees["parallel"])
    assert any(path.startswith("pagefind/") for path in trees["parallel"])
    different = [path for path in trees["serial"] if trees["serial"][path] != trees["parallel"][path]]
    assert different == []
