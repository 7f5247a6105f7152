"""The privacy audit: every byte of every output file, in every audience.

A unique string is planted in every private field of every member: `name`, `company`, `contact`
(as a plain string for some members, as a mapping of email, phone, wechat and telegram for the
others) and the `org` of every career step; and in the nickname and bio of every member whose
visibility is `members` or `hidden`. The sample is then built, with its book (HTML, EPUB, PDF) and
search index, for the public, for members (in the `growth` and the `seed` stage) and for the
owner, and every file is scanned: its bytes, gzip streams opened (Pagefind's index and fragments),
zip members opened (the EPUB), PDF text, outline, metadata and decoded streams extracted.

- public: not one planted string, and no trace of a hidden or members-only handle;
- members, growth stage: no private field, no hidden member; members-only nicknames shown;
- members, seed stage: real names shown (that is what `seed` means), still nothing of a hidden member;
- owner: every planted string found, which proves the scan finds what it looks for.

A public canary (a sentence in a curated solution that the book includes) must be found in the
HTML, in a gunzipped Pagefind fragment, inside the EPUB and in the PDF's text: each decoder works.
The Markdown cache (build/.cache/, beside the outputs but not published) is scanned too.
"""

from __future__ import annotations

import gzip
import io
import marshal
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from conftest import REPO, Site

MARK = "ZQXP"
CANARY = "ZQXPUBLICCANARY"
PRIVATE_KINDS = ("NAME", "COMPANY", "EMAIL", "PHONE", "WECHAT", "TELEGRAM", "CONTACT", "ORG")


@dataclass
class Planted:
    private: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # handle -> kind -> strings
    unlisted: dict[str, list[str]] = field(default_factory=dict)  # handle -> nickname and bio marks
    visibility: dict[str, str] = field(default_factory=dict)

    def private_of(self, handles) -> list[str]:
        return [s for h in handles for strings in self.private[h].values() for s in strings]

    def unlisted_of(self, handles) -> list[str]:
        return [s for h in handles if h in self.unlisted for s in self.unlisted[h]]

    def handles(self, *visibilities: str) -> list[str]:
        return sorted(h for h, v in self.visibility.items() if v in visibilities)


def plant(site: Site) -> Planted:
    """Rewrite every member file with planted private fields (contact alternating between its
    two forms) and, for members the public may not see, a planted nickname and bio."""
    planted = Planted()
    for index, path in enumerate(sorted(site.path("content/members").glob("*.yaml"))):
        handle = path.stem
        tag = handle.upper().replace("-", "")
        member = yaml.safe_load(path.read_text(encoding="utf-8"))
        marks: dict[str, list[str]] = {"NAME": [f"{MARK}NAME{tag}"], "COMPANY": [f"{MARK}COMPANY{tag}"]}
        member["name"] = marks["NAME"][0]
        member["company"] = marks["COMPANY"][0]
        if index % 2:
            marks["CONTACT"] = [f"{MARK}CONTACT{tag}"]
            member["contact"] = f"{marks['CONTACT'][0].lower()}@example.org, line id {marks['CONTACT'][0]}"
        else:
            for kind in ("EMAIL", "PHONE", "WECHAT", "TELEGRAM"):
                marks[kind] = [f"{MARK}{kind}{tag}"]
            member["contact"] = {"email": f"{marks['EMAIL'][0].lower()}@example.org",
                                 "phone": f"+886-{marks['PHONE'][0]}", "wechat": marks["WECHAT"][0],
                                 "telegram": "@" + marks["TELEGRAM"][0]}
        steps = member.get("career_path") or [{"year": 2020, "role": "Lead"}]
        marks["ORG"] = [f"{MARK}ORG{i}{tag}" for i in range(len(steps))]
        member["career_path"] = [{**step, "org": org} for step, org in zip(steps, marks["ORG"])]
        visibility = member.get("visibility", "members")
        planted.visibility[handle] = visibility
        if visibility != "public":
            member["nickname"] = f"{MARK}NICK{tag}"
            member["bio"] = f"{MARK}BIO{tag} 只給社群成員看的簡介。"
            planted.unlisted[handle] = [member["nickname"], f"{MARK}BIO{tag}"]
        planted.private[handle] = marks
        path.write_text(yaml.safe_dump(member, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # A public sentence the book includes (chapter 1 takes the weeks 2026-W35 to W37).
    solution = sorted(site.path("content/weeks/2026-W35").glob("*/solution.md"))[0]
    solution.write_text(solution.read_text(encoding="utf-8") + f"\n公開的檢查字串 {CANARY} 出現在書裡。\n",
                        encoding="utf-8")
    return planted


# ---------------------------------------------------------------------------- opening every byte


@dataclass
class Scan:
    files: int = 0
    raw_bytes: int = 0
    scanned_bytes: int = 0
    opened: dict[str, int] = field(default_factory=lambda: {"gzip": 0, "zip member": 0, "pdf": 0, "cached file": 0})
    blobs: list[tuple[str, bytes]] = field(default_factory=list)  # (where, lower-cased bytes)


def _pdf_parts(data: bytes) -> Iterator[tuple[str, bytes]]:
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    yield "text", text.encode("utf-8")
    # Words a line break or a soft hyphen split are joined again.
    yield "text joined", re.sub(r"[\s\u00ad]+", "", text).encode("utf-8")
    yield "metadata", repr(dict(reader.metadata or {})).encode("utf-8")

    def titles(outline) -> Iterator[str]:
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield str(getattr(item, "title", ""))

    yield "outline", "\n".join(titles(reader.outline)).encode("utf-8")
    size = int(reader.trailer.get("/Size", 0))
    for number in range(1, size):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free or unreadable object number
            continue
        if isinstance(obj, StreamObject):
            try:
                yield f"stream {number}", obj.get_data()
            except Exception:
                continue


def _open(where: str, data: bytes, scan: Scan, depth: int = 0) -> None:
    scan.blobs.append((where, data.lower()))
    scan.scanned_bytes += len(data)
    if depth > 4:
        return
    if data[:2] == b"\x1f\x8b":
        scan.opened["gzip"] += 1
        _open(f"{where} (gunzipped)", gzip.decompress(data), scan, depth + 1)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                scan.opened["zip member"] += 1
                _open(f"{where}!{name}", archive.read(name), scan, depth + 1)
    if data[:5] == b"%PDF-":
        scan.opened["pdf"] += 1
        for part, content in _pdf_parts(data):
            _open(f"{where} (pdf {part})", content, scan, depth + 1)
    if where.endswith(".marshal"):  # build caches: the search shards hold gzip files
        kept = marshal.loads(data)
        for key, value in kept.items() if isinstance(kept, dict) else ():
            if isinstance(value, bytes):
                scan.opened["cached file"] += 1
                _open(f"{where}!{key}", value, scan, depth + 1)


def scan_folder(folder: Path) -> Scan:
    scan = Scan()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            scan.files += 1
            scan.raw_bytes += len(data)
            _open(path.relative_to(folder).as_posix(), data, scan)
    return scan


def hits(scan: Scan, needles: list[str]) -> dict[str, list[str]]:
    """needle -> the places it was found (case-insensitive)."""
    found: dict[str, list[str]] = {}
    lowered = [(n, n.lower().encode()) for n in needles]
    prefixes = {n[:4] for _, n in lowered}
    for where, blob in scan.blobs:
        if not any(p in blob for p in prefixes):
            continue
        for needle, low in lowered:
            if low in blob:
                found.setdefault(needle, []).append(where)
    return found


def per_file(found: dict[str, list[str]]) -> str:
    by_file: dict[str, list[str]] = {}
    for needle, places in found.items():
        for place in places:
            by_file.setdefault(place, []).append(needle)
    return "\n".join(f"{place}: {', '.join(sorted(set(n)))}" for place, n in sorted(by_file.items()))


def summary(name: str, scan: Scan, needles: list[str], found: dict) -> str:
    return (f"{name} build: {scan.files} files, {scan.raw_bytes:,} bytes on disk, {scan.scanned_bytes:,} bytes "
            f"scanned after opening {scan.opened}; {len(needles)} strings looked for, {len(found)} found")


# ---------------------------------------------------------------------------- the builds


def copy_sample(root: Path) -> Site:
    root.mkdir(parents=True)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return Site(root)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=REPO)


@dataclass
class Audit:
    planted: Planted
    builds: dict[str, Path]
    caches: dict[str, Path]
    scans: dict[str, Scan]


@pytest.fixture(scope="module")
def audit(tmp_path_factory) -> Audit:
    """Four full builds (book and search included), two at a time: the growth-stage copy for
    public, members and owner into build/<audience>/, and a seed-stage copy for members."""
    root = tmp_path_factory.mktemp("privacy")
    growth = copy_sample(root / "growth")
    planted = plant(growth)
    seed = copy_sample(root / "seed")
    assert plant(seed) == planted
    seed.edit("site.yaml", "stage: growth", "stage: seed")
    for site in (growth, seed):
        check = cli("check", "--strict", "--source", str(site.root))
        assert check.returncode == 0, check.stdout[-3000:]
    jobs = {
        "public": (growth, "public"), "members": (growth, "members"), "owner": (growth, "owner"),
        "members-seed": (seed, "members"),
    }

    def run(name: str) -> tuple[str, subprocess.CompletedProcess]:
        site, audience = jobs[name]
        return name, cli("build", "--source", str(site.root), "--audience", audience, "--quiet")

    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        for name, result in pool.map(run, jobs):
            assert result.returncode == 0, (name, result.stderr[-3000:])
    builds = {name: site.root / "build" / audience for name, (site, audience) in jobs.items()}
    caches = {"growth": growth.root / "build" / ".cache", "seed": seed.root / "build" / ".cache"}
    scans = {name: scan_folder(path) for name, path in builds.items()}
    return Audit(planted, builds, caches, scans)


# ---------------------------------------------------------------------------- what each audience holds


def test_the_public_build_holds_nothing_private(audit):
    p = audit.planted
    scan = audit.scans["public"]
    needles = p.private_of(p.private) + p.unlisted_of(p.unlisted)
    found = hits(scan, needles)
    assert scan.files > 300 and scan.opened["gzip"] > 10 and scan.opened["zip member"] > 5 and scan.opened["pdf"] == 1
    print(summary("public", scan, needles, found))
    assert found == {}, "private strings in the public build:\n" + per_file(found)


def test_the_public_build_names_no_hidden_or_members_only_handle(audit):
    """Handles can't be planted (they are file names), so their traces are looked for: a page,
    an answer anchor, a JSON value, a search filter."""
    p = audit.planted
    unlisted = p.handles("members", "hidden")
    assert unlisted
    patterns = [s for h in unlisted for s in (f"/members/{h}/", f"answer-{h}\"", f"answer-{h}'", f"\"{h}\"",
                                              f"#answer-{h}", f"members/{h}/resume.json")]
    found: dict[str, list[str]] = {}
    for where, blob in audit.scans["public"].blobs:
        for pattern in patterns:
            if pattern.encode() in blob:
                found.setdefault(pattern, []).append(where)
    assert found == {}, per_file(found)


def test_the_members_build_in_growth_stage_shows_no_private_field(audit):
    p = audit.planted
    scan = audit.scans["members"]
    found = hits(scan, p.private_of(p.private))
    print(summary("members (growth)", scan, p.private_of(p.private), found))
    assert found == {}, "private fields in the members' build (growth stage):\n" + per_file(found)
    hidden = hits(scan, p.unlisted_of(p.handles("hidden")))
    assert hidden == {}, "hidden members in the members' build:\n" + per_file(hidden)
    shown = hits(scan, [p.unlisted[h][0] for h in p.handles("members")])
    assert set(shown) == {p.unlisted[h][0] for h in p.handles("members")}, "members-only nicknames are shown to members"


def test_the_members_build_in_seed_stage_shows_names_but_nothing_hidden(audit):
    p = audit.planted
    scan = audit.scans["members-seed"]
    visible = p.handles("public", "members")
    names = [p.private[h]["NAME"][0] for h in visible]
    shown = hits(scan, names)
    assert set(shown) == set(names), f"real names missing in the seed stage: {sorted(set(names) - set(shown))}"
    hidden = hits(scan, p.private_of(p.handles("hidden")) + p.unlisted_of(p.handles("hidden")))
    print(summary("members (seed)", scan, names, shown))
    assert hidden == {}, "a hidden member in the members' build (seed stage):\n" + per_file(hidden)


def test_the_owner_build_holds_every_planted_string(audit):
    """The same scan finds every planted string where it is allowed: the scan can fail."""
    p = audit.planted
    needles = p.private_of(p.private) + p.unlisted_of(p.unlisted)
    found = hits(audit.scans["owner"], needles)
    print(summary("owner", audit.scans["owner"], needles, found))
    missing = sorted(set(needles) - set(found))
    assert missing == [], f"{len(missing)} planted strings the owner's build does not show: {missing[:12]}"


def test_each_decoder_finds_the_public_canary(audit):
    """The canary sits in a curated solution of the book's first chapter: it must be seen in an
    HTML page, in a gunzipped Pagefind fragment, inside the EPUB and in the PDF's text."""
    places = hits(audit.scans["public"], [CANARY])[CANARY]
    assert any(p.endswith(".html") for p in places), places
    assert any(".pf_fragment (gunzipped)" in p for p in places), places
    assert any(p.startswith("book/book.epub!") for p in places), places
    assert any(p.startswith("book/book.pdf (pdf text") for p in places), places


def test_the_markdown_cache_beside_the_outputs(audit):
    """build/.cache/ is not published (only build/public/ is), but it sits beside the outputs:
    the public audience's cache file must hold nothing private; what the members' and owner's
    cache files hold is reported."""
    p = audit.planted
    needles = p.private_of(p.private) + p.unlisted_of(p.unlisted)
    report = []
    for stage, cache in audit.caches.items():
        for path in sorted(p for p in cache.rglob("*") if p.is_file()):
            name = path.relative_to(cache).as_posix()
            scan = Scan()
            _open(name, path.read_bytes(), scan)
            found = hits(scan, needles)
            report.append(f"{stage}/{name}: {path.stat().st_size:,} bytes, planted strings: "
                          f"{', '.join(sorted(found)) or 'none'}")
            if "public" in name:
                assert found == {}, per_file(found)
    # The owner's search shards are opened (gzip inside marshal) and do hold what the owner sees.
    assert any("search-owner/" in line and "none" not in line.split("planted strings: ")[1] for line in report), report
    print("; ".join(report))
    public_out = audit.builds["public"].resolve()
    assert not any(c.resolve().is_relative_to(public_out) for c in audit.caches.values())


def test_the_book_command_output_holds_nothing_private(tmp_path):
    """`shequn book` (the book alone, public audience) opened the same way."""
    from generator.cli import main

    site = copy_sample(tmp_path / "site")
    planted = plant(site)
    out = tmp_path / "out"
    assert main(["book", "--source", str(site.root), "--out", str(out), "--quiet"]) == 0
    scan = scan_folder(out)
    assert scan.opened["pdf"] == 1 and scan.opened["zip member"] > 5
    found = hits(scan, planted.private_of(planted.private) + planted.unlisted_of(planted.unlisted))
    assert found == {}, per_file(found)


def test_a_warm_rebuild_after_a_member_turns_hidden_holds_nothing_of_them(tmp_path):
    """The caches (rendered Markdown, the up-to-date stamp) must not carry a member into the
    public build after they hide: `junhao`, public and linked with `m:` from curated solutions,
    turns hidden with a new nickname between a cold build and a warm one."""
    site = copy_sample(tmp_path / "site")
    planted = plant(site)
    assert planted.visibility["junhao"] == "public"
    out, cache = tmp_path / "public", tmp_path / "cache"
    build = ("build", "--source", str(site.root), "--out", str(out), "--cache-dir", str(cache), "--quiet")
    assert cli(*build).returncode == 0
    before = scan_folder(out)
    assert hits(before, ["/members/junhao/"])  # the scan can see them while they are public
    site.set_field("content/members/junhao.yaml", "visibility", "hidden")
    site.set_field("content/members/junhao.yaml", "nickname", f"{MARK}WARMNICK")
    result = cli(*build)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "up to date" not in result.stderr
    scan = scan_folder(out)
    needles = [f"{MARK}WARMNICK", "/members/junhao/", "answer-junhao", "members/junhao/resume.json",
               *planted.private_of(planted.private), *planted.unlisted_of(planted.unlisted)]
    found = hits(scan, needles)
    assert found == {}, per_file(found)
