"""Render stage: views -> bytes for every output file (pages, feed, sitemap, robots, static files).

Templates are looked up in the site's own `themes/<name>/templates/` first, then the default
theme shipped beside the package, so a site overrides any single template or static file by
placing one of the same name. Jinja runs with autoescaping and `StrictUndefined`: a misspelt
variable fails the build instead of printing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import jinja2

from .i18n import load_translations
from .view import Site

PACKAGE_THEMES = Path(__file__).resolve().parent.parent / "themes"


def theme_dirs(source: Path, theme: str) -> list[Path]:
    """The theme folders in lookup order: the site's, then shequn's default theme."""
    dirs = [source / "themes" / theme, PACKAGE_THEMES / theme, PACKAGE_THEMES / "default"]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def make_environment(source: Path, theme: str, language: str) -> tuple[jinja2.Environment, Callable[[str], str]]:
    dirs = theme_dirs(source, theme)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([d / "templates" for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    translations = load_translations([d / "locales" for d in dirs], language)
    env.install_gettext_translations(translations, newstyle=True)
    return env, translations.gettext


def static_files(source: Path, theme: str) -> dict[str, Path]:
    """Output path -> file, the site's theme winning over the default for the same name."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_dirs(source, theme)):
        static = folder / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):
                found[f"static/{path.relative_to(static).as_posix()}"] = path
    return found


def render_pages(env: jinja2.Environment, site: Site) -> Iterator[tuple[str, bytes]]:
    for page in site.pages:
        template = env.get_template(page.template)
        html = template.render(site=site.site, page=page, view=page.view)
        yield page.path, html.encode("utf-8")


def render_feed(site: Site) -> bytes:
    """Atom 1.0 (RFC 4287), absolute URLs from base_url."""
    s = site.site
    base = s.base_url
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(s.lang)}>',
        f"  <title>{escape(s.title)}</title>",
        f"  <subtitle>{escape(s.tagline)}</subtitle>" if s.tagline else "",
        f"  <id>{escape(base)}</id>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(base)}/>',
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + "feed.xml")}/>',
        f"  <updated>{site.feed_updated}</updated>",
        "  <generator>shequn</generator>",
    ]
    for entry in site.feed:
        lines += [
            f"  <entry xml:lang={quoteattr(entry.lang)}>",
            f"    <title>{escape(entry.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(entry.url)}/>',
            f"    <id>{escape(entry.url)}#{entry.kind}</id>",
            f"    <updated>{entry.updated}</updated>",
            f"    <author><name>{escape(entry.author)}</name></author>",
            f"    <category term={quoteattr(entry.kind)}/>",
            f'    <content type="html">{escape(entry.summary_html)}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")


def render_sitemap(site: Site) -> bytes:
    base = site.site.base_url
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in site.pages:
        if not page.in_sitemap:
            continue
        path = page.path.removesuffix("index.html")
        url = base + quote(path)
        lastmod = f"<lastmod>{page.lastmod}</lastmod>" if page.lastmod else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_robots(site: Site) -> bytes:
    if site.site.noindex:
        return b"User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.site.base_url}sitemap.xml\n".encode("utf-8")
