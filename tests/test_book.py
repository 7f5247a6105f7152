"""The credited book: open the real EPUB and PDF, check credits, validity and privacy."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO, Site
from generator.model import read_community
from test_build import PRIVATE_MARK, plant_private

ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"


def make_book(source: Path, out: Path, audience: str = "public") -> Path:
    from generator.cli import main

    assert main(["book", "--source", str(source), "--out", str(out), "--audience", audience, "--quiet"]) == 0
    return out / "book"


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return make_book(REPO, tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def expected():
    """Chapter titles and the nicknames each chapter must credit, from the records."""
    community, _ = read_community(REPO)
    chapters = []
    for index, chapter in enumerate(community.book.chapters):
        names = set()
        for question in community.chapter_questions(index):
            if question.slug not in community.solutions:
                continue
            handles = {community.solutions[question.slug].curator}
            for answer in community.answers.get(question.slug, ()):
                handles |= {answer.author, *answer.co_authors}
            for handle in handles:
                member = community.members[handle]
                names.add(member.nickname if member.visibility == "public" else None)
        chapters.append((chapter.title, names))
    return chapters


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_epub_structure_credits_and_language(book, expected):
    with zipfile.ZipFile(book / "book.epub") as epub:
        names = epub.namelist()
        assert names[0] == "mimetype" and epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        container = ET.fromstring(epub.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").attrib["full-path"]
        opf = ET.fromstring(epub.read(opf_path))
        assert opf.find(".//{http://purl.org/dc/elements/1.1/}language").text == "zh-Hant"
        manifest = {i.attrib["id"]: i.attrib for i in opf.find("{*}manifest")}
        assert any("nav" in a.get("properties", "") for a in manifest.values())
        assert any(a["media-type"] == "application/x-dtbncx+xml" for a in manifest.values())
        assert any(a["media-type"] == "text/css" for a in manifest.values())
        assert any("cover-image" in a.get("properties", "") for a in manifest.values())
        base = opf_path.rsplit("/", 1)[0]
        for number, (title, credited) in enumerate(expected, start=1):
            chapter = epub.read(f"{base}/chapter-{number}.xhtml").decode("utf-8")
            assert title in chapter
            for name in credited:
                assert (name or "匿名成員") in chapter, (title, name)


def test_epubcheck_reports_nothing(book):
    jar = Path(__import__("epubcheck").__file__).parent / "epubcheck.jar"
    result = subprocess.run(["java", "-jar", str(jar), str(book / "book.epub")], capture_output=True, text=True)
    assert "No errors or warnings detected." in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


def test_pdf_text_bookmarks_metadata_and_a_page_to_look_at(book, expected):
    reader = PdfReader(book / "book.pdf")
    text = pdf_text(book / "book.pdf")
    for title, credited in expected:
        assert title in text
        for name in credited:
            assert (name or "匿名成員") in text, name
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    for title, _ in expected:
        assert any(title in entry for entry in outline), (title, outline)
    assert reader.metadata.title == yaml.safe_load((REPO / "content/book.yaml").read_text())["title"]
    assert reader.trailer["/Root"].get("/Lang") == "zh-Hant"
    assert "目錄" in text and "貢獻者索引" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "4", "-l", "4", str(book / "book.pdf"),
                    str(ARTIFACTS / "book-page")], check=True)
    page = next(ARTIFACTS.glob("book-page*.png"))
    assert page.stat().st_size > 10_000


def test_pdf_toc_has_page_numbers(book):
    first_pages = [p.extract_text() for p in PdfReader(book / "book.pdf").pages[:4]]
    toc = next(t for t in first_pages if "目錄" in t)
    assert sum(line.rstrip()[-1:].isdigit() for line in toc.splitlines()) >= 5


def test_the_public_book_carries_nothing_private(tmp_path):
    site = Site(tmp_path / "s")
    shutil.copytree(REPO / "content", site.root / "content")
    shutil.copy2(REPO / "site.yaml", site.root / "site.yaml")
    planted = plant_private(site)
    book = make_book(site.root, tmp_path / "out")
    text = pdf_text(book / "book.pdf")
    with zipfile.ZipFile(book / "book.epub") as epub:
        text += "".join(epub.read(n).decode("utf-8", "replace") for n in epub.namelist())
    for path in book.rglob("*.html"):
        text += path.read_text(encoding="utf-8")
    leaks = [s for s in planted["private"] + planted["unlisted"] if s.lower() in text.lower()]
    assert leaks == []
    assert PRIVATE_MARK not in text
    # The same scan finds the members the public may not name in the owner's book: it can fail.
    owner = make_book(site.root, tmp_path / "owner", "owner")
    owner_text = pdf_text(owner / "book.pdf")
    assert [s for s in planted["unlisted"] if s in owner_text]


def test_a_chapter_question_without_solution_is_left_out_with_a_warning(sample, shequn):
    rel = "content/book.yaml"
    community, _ = read_community(sample.root)
    open_slug = next(slug for slug in community.questions if slug not in community.solutions)
    sample.write(rel, sample.read(rel) + f"  - title: 草稿章\n    questions: [{open_slug}, {next(iter(community.solutions))}]\n")
    run = shequn("check", "--source", str(sample.root))
    where = sample.locate(rel, "title: 草稿章")
    assert (f"{where}: warning: chapter '草稿章': question '{open_slug}' has no curated solution yet, "
            "so the book leaves it out") in run.out.splitlines()


def test_the_pdf_fetches_nothing_from_the_network_or_outside_the_theme(tmp_path):
    """An image in a curated solution may point at a server or climb out of the theme with a
    relative path: the PDF is still made offline and embeds neither."""
    from conftest import StaticServer
    from PIL import Image

    served = tmp_path / "served"
    served.mkdir()
    Image.new("RGB", (40, 40), "red").save(served / "remote.png")
    outside = tmp_path / "outside.png"
    Image.new("RGB", (40, 40), "blue").save(outside)
    site = Site(tmp_path / "s")
    shutil.copytree(REPO / "content", site.root / "content")
    shutil.copy2(REPO / "site.yaml", site.root / "site.yaml")
    community, _ = read_community(site.root)
    slug = next(q.slug for q in community.chapter_questions(0) if q.slug in community.solutions)
    rel = community.solutions[slug].loc.path
    climb = "../" * 30 + str(outside).lstrip("/")
    with StaticServer(served) as server:
        site.write(rel, site.read(rel) + f"\n![遠端圖片]({server.url}/remote.png)\n\n![外面的圖]({climb})\n")
        from generator.cli import main
        assert main(["book", "--source", str(site.root), "--out", str(tmp_path / "out"), "--format", "pdf",
                     "--quiet"]) == 0
        assert server.requested == []
    pdf = PdfReader(tmp_path / "out" / "book" / "book.pdf")
    assert sum(len(page.images) for page in pdf.pages) == 0
    assert "遠端圖片" in pdf_text(tmp_path / "out" / "book" / "book.pdf")  # the alt text stands in
