"""A small HTML reader for tests: ids, links, elements with their attributes and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list["Element"] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element.text += data


class Page:
    def __init__(self, path: Path) -> None:
        reader = _Reader()
        reader.feed(path.read_text(encoding="utf-8"))
        self.path = path
        self.root = reader.root
        self.elements = reader.elements

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def by_id(self, id_: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == id_), None)

    @property
    def ids(self) -> list[str]:
        return [e.attrs["id"] for e in self.elements if "id" in e.attrs]

    @property
    def links(self) -> list[str]:
        return [e.attrs["href"] for e in self.elements if e.tag in ("a", "link") and "href" in e.attrs]

    @property
    def text(self) -> str:
        return self.root.text


def broken_links(out: Path) -> list[str]:
    """Every site-relative link or anchor in the HTML under `out` that points at nothing."""
    pages = {path: Page(path) for path in sorted(out.rglob("*.html"))}
    broken = []
    for path, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target_path = unquote(parts.path)
            if not target_path:
                target = path
            elif not target_path.startswith("/"):
                broken.append(f"{path.relative_to(out)} -> {href} (relative)")
                continue
            else:
                target = out / target_path.lstrip("/")
                if target_path.endswith("/"):
                    target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(out)} -> {href}")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in (pages.get(target) or Page(target)).ids:
                    broken.append(f"{path.relative_to(out)} -> {href} (no such anchor)")
    return broken
