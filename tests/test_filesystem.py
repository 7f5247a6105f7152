"""Filesystem safety: what shequn reads, where it writes, and what a failed write leaves behind.

- Symbolic links in the source that lead outside it are reported and not read.
- Tags, slugs and handles that would make a path escape the output folder (`..`, absolute paths,
  Windows drive letters, backslashes, NUL) are refused by `check` or made into safe path segments;
  every file a build writes lies inside the output folder.
- An output folder that is a symbolic link: the link stays, the folder it points at is replaced
  whole (shequn stages the build beside the resolved target and swaps it in), nothing else moves.
- A read-only output folder or parent, a full disk (a real tiny tmpfs where this machine can
  mount one, and a failing write in any case): a clear error, and the previous build intact with
  no temporary folders left beside it.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, Site
from generator import write as write_module
from htmlscan import broken_links

MEMBER = "content/members/kevin.yaml"
QUESTION_DIR = "content/weeks/2026-W43/kpi-for-volunteer-moderators"
SECRET = "ZQXOUTSIDESECRET"


def fast(site: Site) -> Site:
    """The sample without the EPUB and PDF (the slow part of a build; not what is tested here)."""
    site.edit("site.yaml", "formats: [html, epub, pdf]", "formats: [html]")
    return site


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def strays(out: Path) -> list[str]:
    """What a build may leave beside its output folder: staging folders and a moved-aside site."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith((f".{out.name}.build-", f".{out.name}.old")))


def build(shequn, site: Site, out: Path, *more: str):
    return shequn("build", "--source", str(site.root), "--out", str(out), "--quiet", "--no-search", *more)


class Opened:
    """Records the real path of every file opened in this process (by `open` or `os.open`)."""

    def __init__(self, monkeypatch) -> None:
        self.paths: list[str] = []
        real_open = builtins.open

        def recording_open(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)):
                self.paths.append(os.path.realpath(os.fsdecode(file)))
            return real_open(file, *args, **kwargs)

        def recording_os_open(file, *args, **kwargs):
            descriptor = real_os_open(file, *args, **kwargs)  # O_NOFOLLOW refuses a link: nothing opened
            self.paths.append(os.path.realpath(os.fsdecode(file)))
            return descriptor

        real_os_open = os.open
        monkeypatch.setattr(builtins, "open", recording_open)
        monkeypatch.setattr(io, "open", recording_open)
        monkeypatch.setattr(os, "open", recording_os_open)

    def under(self, folder: Path) -> list[str]:
        root = os.path.realpath(folder)
        return [p for p in self.paths if p == root or p.startswith(root + os.sep)]


# ---------------------------------------------------------------------------- symbolic links in the source


def test_symlinked_record_file_outside_is_reported_and_not_read(sample, shequn, tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "intruder.yaml"
    secret.write_text(f"nickname: {SECRET}\nvisibility: public\n", encoding="utf-8")
    os.symlink(secret, sample.path("content/members/intruder.yaml"))
    opened = Opened(monkeypatch)
    run = shequn("check", "--source", str(sample.root))
    assert ("content/members/intruder.yaml:1:1: error: is a symbolic link to a place outside the source "
            "folder; not read") in run.out.splitlines()
    assert run.code == 1 and SECRET not in run.out + run.err
    assert opened.under(outside) == []
    out = sample.root / "out"
    assert build(shequn, sample, out).code == 1 and not out.exists()


def test_symlink_inside_the_source_folder_is_followed(sample, shequn):
    """A folder moved elsewhere inside the source and linked back is an ordinary folder."""
    fast(sample)
    archive = sample.path("archive/2026-W43")
    archive.parent.mkdir()
    os.rename(sample.path("content/weeks/2026-W43"), archive)
    os.symlink(os.path.relpath(archive, sample.path("content/weeks")), sample.path("content/weeks/2026-W43"))
    run = shequn("check", "--source", str(sample.root))
    assert run.code == 0 and run.out == "0 errors, 0 warnings\n", run.out
    out = sample.root / "out"
    assert build(shequn, sample, out).code == 0
    assert (out / "weeks" / "2026-W43" / "index.html").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs or Unix sockets here")
def test_a_fifo_or_socket_among_the_records_is_reported_without_waiting(sample, shequn, tmp_path):
    """Opening a FIFO for reading waits for a writer; shequn must neither wait nor read it."""
    import socket

    os.mkfifo(sample.path("content/members/pipe.yaml"))
    # A socket's path is limited to about 100 bytes: made short in /tmp, then moved in.
    with socket.socket(socket.AF_UNIX) as listener:
        short = Path(f"/tmp/shequn-{os.getpid()}.sock")
        listener.bind(str(short))
        try:
            os.rename(short, sample.path("content/members/socket.yaml"))
            run = shequn("check", "--source", str(sample.root))
        finally:
            short.unlink(missing_ok=True)
    lines = run.out.splitlines()
    assert "content/members/pipe.yaml:1:1: error: is not a regular file" in lines, run.out
    assert "content/members/socket.yaml:1:1: error: is not a regular file" in lines, run.out
    assert run.code == 1


LINKED_FOLDERS = {
    "a week folder": "content/weeks/2026-W43",
    "a question folder": QUESTION_DIR,
    "an answers folder": f"{QUESTION_DIR}/answers",
    "the members folder": "content/members",
    "the events folder": "content/events",
}


@pytest.mark.parametrize("what", sorted(LINKED_FOLDERS))
def test_symlinked_folder_outside_is_reported_and_not_read(sample, shequn, tmp_path, monkeypatch, what):
    rel = LINKED_FOLDERS[what]
    outside = tmp_path / "outside" / Path(rel).name
    outside.parent.mkdir()
    shutil.move(sample.path(rel), outside)
    os.symlink(outside, sample.path(rel))
    opened = Opened(monkeypatch)
    run = shequn("check", "--source", str(sample.root))
    assert f"{rel}:1:1: error: is a symbolic link to a place outside the source folder; not read" in run.out, run.out
    assert opened.under(outside) == [], opened.under(outside)[:3]


def test_theme_file_linked_outside_is_not_published(sample, shequn, tmp_path):
    fast(sample)
    secret = tmp_path / "id_ed25519"
    secret.write_text(f"-----BEGIN OPENSSH PRIVATE KEY----- {SECRET}\n", encoding="utf-8")
    static = sample.path("themes/default/static")
    static.mkdir(parents=True)
    os.symlink(secret, static / "key.txt")
    out = sample.root / "out"
    run = build(shequn, sample, out)
    published = [p for p in out.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert published == [], published
    assert "symbolic link" in run.out + run.err


# ---------------------------------------------------------------------------- paths that would escape the output folder

ESCAPING_TAGS = ["..", "../../../etc", "/abs/olute", "C:\\x", "\\\\server\\share", "a\x00b", "%2e%2e%2f",
                 ".", "~", "tags/../../x", "\u202e..\u202c", "ＣＯＮ", " .. "]


def yaml_quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def within(folder: Path) -> list[str]:
    """Every file and folder under `folder` whose real path is not inside it."""
    root = folder.resolve()
    return [str(p) for p in folder.rglob("*") if not p.resolve().is_relative_to(root)]


def test_tags_that_look_like_paths_stay_inside_the_output(sample, shequn):
    fast(sample)
    rel = f"{QUESTION_DIR}/question.md"
    sample.set_field(rel, "tags", "[" + ", ".join(yaml_quoted(t) for t in ESCAPING_TAGS) + "]")
    run = shequn("check", "--source", str(sample.root))
    assert run.code == 0, run.out
    out = sample.root / "site-out"
    before = sorted(p.name for p in sample.root.iterdir())
    assert build(shequn, sample, out).code == 0
    assert within(out) == []
    # Besides the output, only the Markdown cache (build/.cache/) was written.
    assert sorted(p.name for p in sample.root.iterdir()) == sorted(set(before) | {"site-out", "build"})
    assert [p.name for p in (sample.root / "build").iterdir()] == [".cache"]
    assert not any(p.is_symlink() for p in out.rglob("*"))
    tags = sorted(p.name for p in (out / "tags").iterdir() if p.is_dir())
    assert all(name not in ("", ".", "..") and "/" not in name and "\\" not in name and "\x00" not in name
               and ":" not in name for name in tags), tags
    assert broken_links(out) == []


ESCAPING_NAMES = {
    "question folder with a drive letter": (f"content/weeks/2026-W43/C:\\x/question.md", "question.md"),
    "question folder with a backslash": ("content/weeks/2026-W43/q\\..\\..\\x/question.md", "question.md"),
    "question folder percent-encoded": ("content/weeks/2026-W43/%2e%2e/question.md", "question.md"),
    "member file with a drive letter": ("content/members/C:\\x.yaml", "member"),
    "member file with a backslash": ("content/members/m\\..\\..\\x.yaml", "member"),
    "answer file with a drive letter": (f"{QUESTION_DIR}/answers/C:\\x.md", "answer"),
    "event file with a backslash": ("content/events/2026-09-19-..\\x.md", "event"),
    "week folder with dots": ("content/weeks/2026-W43../week.yaml", "week"),
}


@pytest.mark.parametrize("case", sorted(ESCAPING_NAMES))
def test_file_names_that_would_escape_are_refused(sample, shequn, case):
    rel, kind = ESCAPING_NAMES[case]
    texts = {
        "question.md": "---\ntitle: x\nasker: kevin\nposted: 2026-10-20\n---\nx\n",
        "member": "nickname: x\nvisibility: public\n",
        "answer": "---\nsubmitted: 2026-10-20\n---\nx\n",
        "event": "---\ntitle: x\n---\nx\n",
        "week": "moderator: linda\n",
    }
    sample.write(rel, texts[kind])
    run = shequn("check", "--source", str(sample.root))
    assert run.code == 1, run.out
    folder = rel.rsplit("/", 1)[0]
    assert any(line.startswith((rel + ":", folder + ":")) and ": error: " in line for line in run.out.splitlines()), run.out
    out = sample.root / "out"
    assert build(shequn, sample, out).code == 1 and not out.exists()


ESCAPING_HANDLES = {
    "asker": (f"{QUESTION_DIR}/question.md", "asker"),
    "week moderator": ("content/weeks/2026-W43/week.yaml", "moderator"),
    "solution curator": (f"{QUESTION_DIR}/solution.md", "curator"),
}


@pytest.mark.parametrize("value", ["../../etc/passwd", "/etc/passwd", "C:\\x", "a\x00b", "..", "kevin/../x"])
@pytest.mark.parametrize("field", sorted(ESCAPING_HANDLES))
def test_handles_that_would_escape_are_refused(sample, shequn, field, value):
    rel, key = ESCAPING_HANDLES[field]
    sample.set_field(rel, key, yaml_quoted(value))
    run = shequn("check", "--source", str(sample.root))
    assert run.code == 1
    assert any(line.startswith(rel + ":") and "not a valid handle" in line for line in run.out.splitlines()), run.out


@pytest.mark.parametrize("value", ["../../x/kevin", "/abs/kevin", "C:\\x/kevin", "community-health-metrics/..",
                                   "community-health-metrics/a\x00b"])
def test_answer_references_that_would_escape_are_refused(sample, shequn, value):
    rel = "content/weeks/2026-W43/week.yaml"
    sample.edit(rel, "answer: community-health-metrics/haoran", f"answer: {yaml_quoted(value)}")
    run = shequn("check", "--source", str(sample.root))
    assert run.code == 1
    assert any(line.startswith(rel + ":") and "answer reference" in line for line in run.out.splitlines()), run.out


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../x", "..", "a/..", "a/./b", "./a", "a//b", "a/", "", "."])
def test_the_staged_writer_refuses_paths_outside_the_output(tmp_path, rel):
    """The last line of defence, whatever a theme or a future page kind asks for."""
    out = tmp_path / "out"
    staged = write_module.StagedOutput(out)
    try:
        with pytest.raises(write_module.OutputError):
            staged.write(rel, b"x")
        with pytest.raises((write_module.OutputError, ValueError)):
            staged.write("a\x00b", b"x")
        assert [p for p in staged.stage.rglob("*")] == []
    finally:
        staged.abandon()
    assert list(tmp_path.iterdir()) == []


def test_a_build_leaves_a_running_builds_staging_folder_alone(tmp_path):
    """Two builds into one folder at once (an editor's build beside a script's): the second
    removes killed builds' leftovers, never the first one's files; the last to finish wins."""
    out = tmp_path / "out"
    first = write_module.StagedOutput(out)
    first.write("a/first.html", b"1")
    second = write_module.StagedOutput(out)
    try:
        assert first.stage.is_dir()
        first.write("b/first.html", b"1")
        first.commit()
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")) == ["a/first.html", "b/first.html"]
        second.write("second.html", b"2")
        second.commit()
    finally:
        second.abandon()
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.html")] == ["second.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_killed_builds_staging_folder_is_removed_by_the_next(tmp_path):
    out = tmp_path / "out"
    script = ("import sys, time; from pathlib import Path; from generator.write import StagedOutput; "
              "s = StagedOutput(Path(sys.argv[1])); s.write('a/page.html', b'x'); print(s.stage, flush=True); "
              "time.sleep(60)")
    killed = subprocess.Popen([sys.executable, "-c", script, str(out)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        leftover = Path(killed.stdout.readline().strip())
    finally:
        killed.kill()
        killed.wait()
        killed.stdout.close()
    assert (leftover / "a" / "page.html").exists()
    staged = write_module.StagedOutput(out)
    try:
        assert not leftover.exists()
    finally:
        staged.abandon()


def test_a_staging_folder_removed_during_the_build_is_never_made_again(tmp_path):
    """A write into a removed staging folder fails with a clear error instead of starting a
    stray copy of it beside the output."""
    out = tmp_path / "out"
    staged = write_module.StagedOutput(out)
    staged.write("a/page.html", b"x")
    shutil.rmtree(staged.stage)
    try:
        with pytest.raises(FileNotFoundError, match="staging folder was removed"):
            staged.write("b/c/page.html", b"x")
    finally:
        staged.abandon()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../x", ".."])
def test_the_live_writer_refuses_paths_outside_the_output(tmp_path, rel):
    out = tmp_path / "out"
    out.mkdir()
    live = write_module.LiveOutput(out, {})
    with pytest.raises(write_module.OutputError):
        live.put(rel, b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and list(out.iterdir()) == []


# ---------------------------------------------------------------------------- the output folder


def test_output_folder_that_is_a_symlink_keeps_the_link_and_replaces_its_target(sample, shequn, tmp_path):
    """Decided behaviour (generator/write.py resolves the target): the link stays as it is, the
    folder it points at is replaced whole by an atomic swap staged beside that folder, and
    nothing else in either folder changes."""
    fast(sample)
    real_parent, links = tmp_path / "real", tmp_path / "links"
    real_parent.mkdir()
    links.mkdir()
    (real_parent / "neighbour.txt").write_text("keep me\n")
    (links / "other.txt").write_text("keep me too\n")
    target = real_parent / "site"
    link = links / "out"
    os.symlink(target, link)  # dangling until the first build
    assert build(shequn, sample, link).code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert (target / "index.html").is_file()
    (target / "left-over-from-before.txt").write_text("old\n")
    sample.edit("content/about.md", "\n---\n", "\n---\nZQXNEWABOUT\n")
    assert build(shequn, sample, link).code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "ZQXNEWABOUT" in (target / "about" / "index.html").read_text(encoding="utf-8")
    assert not (target / "left-over-from-before.txt").exists()  # replaced whole, not merged
    assert sorted(p.name for p in real_parent.iterdir()) == ["neighbour.txt", "site"]
    assert sorted(p.name for p in links.iterdir()) == ["other.txt", "out"]
    assert (real_parent / "neighbour.txt").read_text() == "keep me\n"
    assert within(target) == []


@pytest.mark.parametrize("where", ["content", ".", ".."])
def test_output_folder_holding_the_source_is_refused(sample, shequn, where):
    fast(sample)
    before = digest(sample.root / "content")
    out = (sample.root / where).resolve()
    run = build(shequn, sample, out)
    assert digest(sample.root / "content") == before, "the build replaced the community's records"
    assert (sample.root / "site.yaml").is_file()
    assert run.code != 0 and run.err.strip()  # refused with a message (a usage error, exit 2, fits best)


# ---------------------------------------------------------------------------- permissions (a real unprivileged run)


def unprivileged() -> list[str]:
    """A command prefix under which permission bits apply: nothing when not root; as root,
    setpriv dropping the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permission bits cannot be tested")
    caps = "-dac_override,-dac_read_search,-fowner"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"shequn-probe-{os.getpid()}"
    probe.mkdir(mode=0o555)
    try:
        result = subprocess.run([*prefix, "touch", str(probe / "x")], capture_output=True)
        if result.returncode == 0:
            pytest.skip("permission bits are not enforced here even without capabilities")
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return prefix


def cli_build(site: Site, out: Path, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "generator.cli", "build", "--source", str(site.root),
                           "--out", str(out), "--quiet", "--no-search"],
                          capture_output=True, text=True, cwd=REPO)


def read_only_run(sample, tmp_path, make_read_only) -> tuple[subprocess.CompletedProcess, str, str, Path]:
    """Build once, make something read-only, build a changed site again unprivileged."""
    fast(sample)
    prefix = unprivileged()
    parent = tmp_path / "published"
    parent.mkdir()
    out = parent / "site"
    assert cli_build(sample, out).returncode == 0
    before = digest(out)
    sample.edit("content/about.md", "\n---\n", "\n---\nZQXNEWABOUT\n")
    locked = make_read_only(parent, out)
    try:
        result = cli_build(sample, out, prefix)
    finally:
        for path in locked:
            os.chmod(path, 0o755)
    return result, before, digest(out), out


def lock(*paths: Path) -> list[Path]:
    for path in paths:
        os.chmod(path, 0o555)
    return list(paths)


def test_read_only_parent_leaves_the_previous_build(sample, tmp_path):
    result, before, after, out = read_only_run(sample, tmp_path, lambda parent, out: lock(parent))
    assert result.returncode != 0
    assert after == before
    assert strays(out) == []


def test_read_only_parent_gives_a_clear_error(sample, tmp_path):
    result, *_ = read_only_run(sample, tmp_path, lambda parent, out: lock(parent))
    assert "Traceback" not in result.stderr, result.stderr[-600:]
    assert "Permission denied" in result.stderr and "site" in result.stderr


def test_read_only_output_folder_gives_a_clear_error_and_keeps_the_previous_build(sample, tmp_path):
    result, before, after, out = read_only_run(sample, tmp_path, lambda parent, out: lock(out))
    try:
        assert "Traceback" not in result.stderr, result.stderr[-600:]
        assert result.returncode != 0
        assert after == before
        assert strays(out) == []
    finally:
        for path in out.parent.rglob("*"):
            if path.is_dir():
                os.chmod(path, 0o755)


# ---------------------------------------------------------------------------- a full disk


def failing_writes(monkeypatch, after: int) -> None:
    """The disk fills up after `after` files."""
    real = write_module.StagedOutput.write
    count = {"n": 0}

    def write(self, rel, data):
        count["n"] += 1
        if count["n"] > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.stage / rel))
        return real(self, rel, data)

    monkeypatch.setattr(write_module.StagedOutput, "write", write)


@pytest.mark.parametrize("after", [0, 1, 60])
def test_failing_write_leaves_the_previous_build(sample, shequn, monkeypatch, after):
    fast(sample)
    out = sample.root / "build" / "public"
    assert build(shequn, sample, out).code == 0
    before = digest(out)
    sample.edit("content/about.md", "\n---\n", "\n---\nZQXNEWABOUT\n")
    failing_writes(monkeypatch, after)
    try:
        code = build(shequn, sample, out).code
    except OSError as exc:  # the traceback itself is test_failing_write_gives_a_clear_error's matter
        assert exc.errno == errno.ENOSPC
        code = None
    assert code != 0
    assert digest(out) == before
    assert strays(out) == []


def test_failing_write_gives_a_clear_error(sample, shequn, monkeypatch):
    fast(sample)
    out = sample.root / "build" / "public"
    assert build(shequn, sample, out).code == 0
    sample.write("content/about.md", sample.read("content/about.md") + "\nchanged\n")  # not up to date
    failing_writes(monkeypatch, 30)
    run = build(shequn, sample, out)
    assert run.code != 0
    assert "No space left on device" in run.err and "Traceback" not in run.err


TMPFS_SCRIPT = textwrap.dedent("""
    import json, os, subprocess, sys
    mount, source, repo = sys.argv[1:4]
    out = os.path.join(mount, "site")
    command = [sys.executable, "-m", "generator.cli", "build", "--source", source, "--out", out,
               "--quiet", "--no-search"]
    def run():
        r = subprocess.run(command, capture_output=True, text=True, cwd=repo)
        return {"code": r.returncode, "stderr": r.stderr[-2000:]}
    def listing():
        files = {}
        for folder, dirs, names in os.walk(out):
            for name in names:
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    files[os.path.relpath(path, out)] = handle.read().hex()[:64] + str(os.path.getsize(path))
        return files
    first = run()
    before = listing()
    about = os.path.join(source, "content", "about.md")
    text = open(about, encoding="utf-8").read()
    open(about, "w", encoding="utf-8").write(text.replace("\\n---\\n", "\\n---\\nZQXNEWABOUT\\n", 1))
    stat = os.statvfs(mount)
    ballast = os.path.join(mount, "ballast")
    with open(ballast, "wb") as handle:  # leave about 200 kB free
        handle.write(b"\\0" * max(0, stat.f_bavail * stat.f_frsize - 200_000))
    full = run()
    after = listing()
    leftovers = sorted(n for n in os.listdir(mount) if n not in ("site", "ballast"))
    os.remove(ballast)
    again = run()
    fresh = "ZQXNEWABOUT" in open(os.path.join(out, "about", "index.html"), encoding="utf-8").read()
    print(json.dumps({"first": first, "full": full, "again": again, "same": before == after,
                      "files": len(before), "leftovers": leftovers, "fresh": fresh}))
""")


@pytest.fixture(scope="module")
def tmpfs_run(tmp_path_factory) -> dict:
    """Builds on a real 8 MB tmpfs, mounted in a private mount namespace (`unshare -m`), so the
    mount disappears with the process and nothing on the machine sees it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare: cannot mount a private tmpfs")
    root = tmp_path_factory.mktemp("tmpfs")
    source = root / "source"
    source.mkdir()
    shutil.copy2(REPO / "site.yaml", source / "site.yaml")
    shutil.copytree(REPO / "content", source / "content")
    fast(Site(source))
    mount = root / "disk"
    mount.mkdir()
    script = root / "full_disk.py"
    script.write_text(TMPFS_SCRIPT, encoding="utf-8")
    probe = subprocess.run([unshare, "-m", "--propagation", "private", "sh", "-c",
                            f"mount -t tmpfs -o size=8m tmpfs '{mount}'"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.strip()}")
    result = subprocess.run(
        [unshare, "-m", "--propagation", "private", "sh", "-c",
         'mount -t tmpfs -o size=8m tmpfs "$1" && exec "$2" "$3" "$1" "$4" "$5"',
         "sh", str(mount), sys.executable, str(script), str(source), str(REPO)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_full_tmpfs_leaves_the_previous_build(tmpfs_run):
    assert tmpfs_run["first"]["code"] == 0, tmpfs_run["first"]
    assert tmpfs_run["files"] > 100
    assert tmpfs_run["full"]["code"] != 0, "the build on a full disk claimed success"
    assert tmpfs_run["same"], "the previous build changed"
    assert tmpfs_run["leftovers"] == [], tmpfs_run["leftovers"]
    assert tmpfs_run["again"]["code"] == 0 and tmpfs_run["fresh"]


def test_full_tmpfs_gives_a_clear_error(tmpfs_run):
    assert "Traceback" not in tmpfs_run["full"]["stderr"], tmpfs_run["full"]["stderr"][-500:]
    assert "No space left on device" in tmpfs_run["full"]["stderr"]
