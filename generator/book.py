"""The credited book in EPUB 3 and PDF, from the same book view as the web book.

- EPUB through EbookLib, with what epubcheck requires and EbookLib leaves out by default (its
  issue #130): a navigation document, a non-empty NCX, and a guide whose landmarks reach the
  cover. A cover is drawn with Pillow when the book gives none.
- PDF through WeasyPrint from the print page with `book.css`: CJK fonts from Noto CJK, running
  headers, page numbers, a table of contents and an index with page numbers, bookmarks.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))


class BookError(Exception):
    """A toolchain problem (a missing font or library), reported without a traceback."""


def print_html(env: jinja2.Environment, book: dict, css: str, noindex: bool = False) -> str:
    return env.get_template("book-print.html").render(b=book, css=css, noindex=noindex)


def render_pdf(env: jinja2.Environment, book: dict, stylesheet: Path) -> bytes:
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise BookError(f"PDF needs WeasyPrint and Pango: {exc}") from None
    fetcher = _offline_fetcher(stylesheet.parent)
    html = HTML(string=print_html(env, book, ""), base_url=str(stylesheet.parent), url_fetcher=fetcher)
    weasyprint_log = logging.getLogger("weasyprint")
    level = weasyprint_log.level
    weasyprint_log.setLevel(logging.ERROR)  # an image left out is not worth a warning per page
    try:
        document = html.render(stylesheets=[CSS(filename=str(stylesheet), url_fetcher=fetcher)])
    finally:
        weasyprint_log.setLevel(level)
    metadata = document.metadata
    metadata.title = book["title"]
    metadata.lang = book["lang"]
    metadata.authors = [p.name for p in book["editors"]] or [book["community"]]
    metadata.generator = "shequn"
    if book["date_iso"]:
        stamp = f"{book['date_iso']}T00:00:00Z"
        metadata.created = metadata.modified = stamp
    return document.write_pdf()


def _offline_fetcher(folder: Path):
    """The PDF is made offline and from the theme's own files: nothing from the network (an
    image in an answer stays a link on the web), nothing from elsewhere on the disk (a relative
    image path could climb out of the theme)."""
    from weasyprint.urls import URLFetcher

    allowed = os.path.realpath(folder)

    class OfflineFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = os.path.realpath(url2pathname(unquote(parts.path)))
                if os.path.commonpath([path, allowed]) == allowed:
                    return super().fetch(url, headers)
            raise ValueError(f"not fetched for the book: {url}")

    return OfflineFetcher()


def _cover_font(size: int):
    from PIL import ImageFont

    for folder in FONT_DIRS:
        for name in ("NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc"):
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size, index=3 if "Serif" in name else 2)
    return ImageFont.load_default(size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > width and line:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


def draw_cover(title: str, subtitle: str, community: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 1800), (36, 102, 107))
    draw = ImageDraw.Draw(image)
    y = 420
    for text, size, colour in ((title, 96, (255, 255, 255)), (subtitle, 48, (222, 238, 236))):
        font = _cover_font(size)
        for line in _wrap(draw, text, font, 1000):
            draw.text((100, y), line, font=font, fill=colour)
            y += int(size * 1.45)
        y += 60
    draw.text((100, 1600), community, font=_cover_font(44), fill=(222, 238, 236))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def render_epub(env: jinja2.Environment, translate: Callable[[str], str], book: dict, stylesheet: Path,
                identifier: str) -> bytes:
    from ebooklib import epub

    volume = epub.EpubBook()
    volume.set_identifier(identifier)
    volume.set_title(book["title"])
    volume.set_language(book["lang"])
    for number, person in enumerate(book["editors"] or ()):
        volume.add_author(person.name, uid=f"editor-{number}")
    volume.add_author(book["community"], uid="community")
    if book["license"]:
        volume.add_metadata("DC", "rights", book["license"])
    if book["date_iso"]:
        volume.add_metadata("DC", "date", book["date_iso"])
    volume.set_cover("cover.png", draw_cover(book["title"], book["subtitle"], book["community"]))

    style = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css",
                          content=stylesheet.read_bytes())
    volume.add_item(style)
    _ = translate
    title_page = epub.EpubHtml(title=book["title"], file_name="title.xhtml", lang=book["lang"])
    editors = "、".join(p.name for p in book["editors"]) if book["lang"].startswith("zh") else \
        ", ".join(p.name for p in book["editors"])
    title_page.content = (
        f'<section class="title-page"><h1>{_esc(book["title"])}</h1>'
        + (f"<p>{_esc(book['subtitle'])}</p>" if book["subtitle"] else "")
        + f"<p>{_esc(book['community'])}</p>" + (f"<p>{_esc(editors)}</p>" if editors else "")
        + (f"<p>{_esc(book['date'])}</p>" if book["date"] else "")
        + (f"<p>{_esc(book['license'])}</p>" if book["license"] else "") + "</section>"
    )
    title_page.add_item(style)
    volume.add_item(title_page)
    chapters, toc = [], []
    template = env.get_template("book-epub-chapter.html")
    for chapter in book["chapters"]:
        page = epub.EpubHtml(title=chapter["title"], file_name=f"{chapter['id']}.xhtml", lang=book["lang"])
        page.content = template.render(ch=chapter)
        page.add_item(style)
        volume.add_item(page)
        chapters.append(page)
        toc.append((epub.Section(chapter["title"], href=f"{chapter['id']}.xhtml"),
                    [epub.Link(f"{chapter['id']}.xhtml#{s['id']}", s["title"], s["id"]) for s in chapter["sections"]]))
    index = epub.EpubHtml(title=_("Index of contributors"), file_name="contributors.xhtml", lang=book["lang"])
    where = {s["id"]: c["id"] for c in book["chapters"] for s in c["sections"]}
    rows = "".join(
        f"<dt>{_esc(e['person'].name)}</dt><dd>"
        + "、".join(f'<a href="{where[s["id"]]}.xhtml#{s["id"]}">{_esc(s["title"])}</a>' for s in e["sections"])
        + "</dd>" for e in book["index"])
    index.content = f"<section><h1>{_esc(_('Index of contributors'))}</h1><dl>{rows}</dl></section>"
    index.add_item(style)
    volume.add_item(index)
    volume.toc = [epub.Link("title.xhtml", book["title"], "title"), *toc,
                  epub.Link("contributors.xhtml", _("Index of contributors"), "contributors")]
    volume.add_item(epub.EpubNcx())
    volume.add_item(epub.EpubNav())
    volume.spine = ["cover", "nav", title_page, *chapters, index]
    volume.guide = [{"href": "cover.xhtml", "title": book["title"], "type": "cover"},
                    {"href": "title.xhtml", "title": book["title"], "type": "text"}]
    out = io.BytesIO()
    # A fixed modification time (the latest solution's date) keeps the same book byte-identical.
    modified = dt.datetime.fromisoformat(book["date_iso"]) if book["date_iso"] else dt.datetime(2000, 1, 1)
    epub.write_epub(out, volume, {"epub3_pages": False, "landmark_title": _("Contents"), "mtime": modified})
    return _stable_zip(out.getvalue())


def _esc(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed timestamps (EbookLib stamps the current time), keeping
    `mimetype` first and uncompressed as EPUB requires."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def book_files(env: jinja2.Environment, translate: Callable[[str], str], book: dict, formats: tuple[str, ...],
               stylesheets: dict[str, Path], identifier: str, slug: str = "book") -> dict[str, bytes]:
    """`book/<slug>.epub` and `book/<slug>.pdf` as asked for (the web book's pages are ordinary
    site pages)."""
    files: dict[str, bytes] = {}
    if "epub" in formats:
        files[f"book/{slug}.epub"] = render_epub(env, translate, book, stylesheets["epub"], identifier)
    if "pdf" in formats:
        files[f"book/{slug}.pdf"] = render_pdf(env, book, stylesheets["print"])
    return files
