"""Render stage: views -> bytes for every output file (pages, feed, sitemap, robots, static files).

Templates are looked up in the site's own `themes/<name>/templates/` first, then the default
theme shipped beside the package, so a site overrides any single template or static file by
placing one of the same name. Jinja runs with autoescaping and `StrictUndefined`: a misspelt
variable fails the build instead of printing nothing.
"""

from __future__ import annotations

import csv
import io
import re
import json
import os
from pathlib import Path
from types import FunctionType
from typing import Callable, Iterator
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import jinja2
import jinja2.runtime
import jinja2.visitor
import orjson
from markupsafe import Markup, escape as escape_markup

try:
    from markupsafe import _escape_inner  # MarkupSafe 3's C escaping, under its `escape`
except ImportError:  # another MarkupSafe: its `escape` as it is
    _escape_inner = None

from .diagnostics import Diagnostic, Loc, warning
from .i18n import load_translations
from .view import Site
from .workers import can_fork, forked_pool

# In a checkout the themes sit beside the package; an installed wheel carries them inside it.
_HERE = Path(__file__).resolve().parent
PACKAGE_THEMES = next((p for p in (_HERE.parent / "themes", _HERE / "themes") if (p / "default").is_dir()),
                      _HERE.parent / "themes")


def theme_dirs(source: Path, theme: str) -> list[Path]:
    """The theme folders in lookup order: the site's, then shequn's default theme."""
    dirs = [source / "themes" / theme, PACKAGE_THEMES / theme, PACKAGE_THEMES / "default"]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


class ThemeLoader(jinja2.FileSystemLoader):
    """A template that is a link leading out of its theme folder is treated as missing."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not any(_inside(Path(filename), Path(folder)) for folder in self.searchpath):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


_DICT_ATTRIBUTES = frozenset(dir(dict))


def _escape(value) -> str:
    """markupsafe's `escape` for what templates print, with the same text. A page prints a few
    hundred values (4 million at 10,000 questions), and a compiled template only joins what it
    prints into the page: a printed string is escaped by markupsafe's C function and given as a
    plain string, where `escape` made a `Markup` of it, through a Python-level constructor, copying
    it. Any other value goes through `escape` (a `Markup` is printed as it is)."""
    if type(value) is str and _escape_inner is not None:
        return _escape_inner(value)
    if type(value) is Markup:
        return value
    if type(value) is int or type(value) is float:  # counts and figures: nothing to escape
        return str(value)
    return escape_markup(value)


class _Template(jinja2.Template):
    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        namespace["escape"] = _escape  # what the compiled template calls for each `{{ }}`, only there
        return super()._from_namespace(environment, namespace, globals)


class _Context(jinja2.runtime.Context):
    """What a template's calls run in: a macro called with its parameters, as the theme calls
    `person(p)` (250,000 times at 10,000 questions), and a plain function, go straight to what
    Jinja's `Context.call`, `Macro.__call__` and `Macro._invoke` would call them with."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own names: no clash with kwargs)
        try:
            if type(__obj) is jinja2.runtime.Macro:
                kwargs.pop("_loop_vars", None)
                kwargs.pop("_block_vars", None)
                if (not kwargs and len(args) == __obj._argument_count
                        and not (__obj.caller or __obj.catch_kwargs or __obj.catch_varargs)):
                    made = __obj._func(*args)
                    # What `Markup(made)` makes, without its Python-level check for `__html__`
                    # (a macro's output is a plain string): 260,000 at 10,000 questions.
                    return str.__new__(Markup, made) if __self.eval_ctx.autoescape else made
                return __obj(__self.eval_ctx, *args, **kwargs)  # a macro takes the evaluation context
            if type(__obj) is FunctionType:
                passed = getattr(__obj, "jinja_pass_arg", None)
                if passed is None or passed is _PASS_EVAL_CONTEXT:
                    kwargs.pop("_loop_vars", None)
                    kwargs.pop("_block_vars", None)
                    return __obj(__self.eval_ctx, *args, **kwargs) if passed else __obj(*args, **kwargs)
        except StopIteration:  # as Jinja answers it
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_PASS_EVAL_CONTEXT = getattr(jinja2.pass_eval_context(lambda: None), "jinja_pass_arg")


class _Translated(jinja2.visitor.NodeTransformer):
    """`_("text")`, a message without variables, replaced by its translation when a template is
    compiled: Jinja then writes it into the template as it writes the template's own text, where
    a call on every page (forty a page) translated, formatted and escaped it again."""

    def __init__(self, gettext) -> None:
        self.gettext = gettext

    def visit_Call(self, node: jinja2.nodes.Call):
        node = self.generic_visit(node)
        if (isinstance(node.node, jinja2.nodes.Name) and node.node.name == "_" and len(node.args) == 1
                and isinstance(node.args[0], jinja2.nodes.Const) and type(node.args[0].value) is str
                and not (node.kwargs or node.dyn_args or node.dyn_kwargs)):
            try:  # what the new-style `_` gives: a format string, formatted with no variables
                text = self.gettext(node.args[0].value) % {}
            except (KeyError, ValueError, TypeError):
                return node  # left to fail where it fails at run time
            return jinja2.nodes.MarkSafeIfAutoescape(jinja2.nodes.Const(text), lineno=node.lineno)
        return node


class _Environment(jinja2.Environment):
    """Jinja with the same results, faster on what views are made of."""

    template_class = _Template
    context_class = _Context
    translated_gettext = None  # the catalog's gettext, once installed: `_("text")` is then folded

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        gettext = self.translated_gettext
        if gettext is None or any(n.name == "_" for n in tree.find_all(jinja2.nodes.Name) if n.ctx != "load"):
            return tree  # `_` set or taken as a parameter by the template itself: left as it is
        return _Translated(gettext).visit(tree)

    def getattr(self, obj, attribute):
        # `view.title` on a dict: Jinja tries the attribute first, and the AttributeError it
        # raises and catches for every field of every view cost more than the lookup. A dict's
        # only attributes are its methods, so any other name is looked up as a key directly.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        try:  # Jinja's own, inlined: this runs 400 times a page
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def make_environment(source: Path, theme: str, language: str,
                     watch: bool = False) -> tuple[jinja2.Environment, Callable[[str], str]]:
    """The theme's templates with the site's translations. `watch`: every use of a template
    checks whether its file changed (for `serve`); a build's templates cannot change under it,
    and the check was a stat for each of its 14,000 pages at 10,000 questions."""
    dirs = theme_dirs(source, theme)
    env = _Environment(
        loader=ThemeLoader([d / "templates" for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=watch,
    )
    translations = load_translations([d / "locales" for d in dirs], language)
    env.install_gettext_translations(translations, newstyle=True)
    env.globals.update(_direct_gettext(translations))
    if isinstance(env, _Environment):
        env.translated_gettext = translations.gettext
    return env, translations.gettext


def _direct_gettext(translations) -> dict[str, Callable]:
    """Jinja's new-style `_`, `gettext` and `ngettext`, with the same results, called directly:
    Jinja's own pass through three context calls each, a fifth of a page's rendering time.
    A message without variables, or with only its count, is translated and formatted once."""
    done: dict[tuple[str, bool], str] = {}
    counted: dict[tuple[str, str, int, bool], str] = {}

    def formatted(translated: str, autoescape: bool, variables: dict) -> str:
        # New-style: always a format string, its variables escaped when the template escapes.
        return (Markup(translated) if autoescape else translated) % variables

    @jinja2.pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        if variables:
            return formatted(translations.gettext(string), eval_ctx.autoescape, variables)
        key = (string, eval_ctx.autoescape)
        if key not in done:
            done[key] = formatted(translations.gettext(string), eval_ctx.autoescape, {})
        return done[key]

    @jinja2.pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        if len(variables) > 1 or not isinstance(num, int):
            return formatted(translations.ngettext(singular, plural, num), eval_ctx.autoescape, variables)
        key = (singular, plural, num, eval_ctx.autoescape)  # "%(num)d answers" on every card
        if key not in counted:
            counted[key] = formatted(translations.ngettext(singular, plural, num), eval_ctx.autoescape, variables)
        return counted[key]

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def static_files(source: Path, theme: str) -> dict[str, Path]:
    """Output path -> file, the site's theme winning over the default for the same name."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_dirs(source, theme)):
        static = folder / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else ():
            # A link leading out of the theme (to a key, say) is never published.
            if path.is_file() and not path.name.startswith(".") and _inside(path, folder):
                found[f"static/{path.relative_to(static).as_posix()}"] = path
    return found


PARALLEL_PAGES = 300  # below this, starting worker processes costs more than it saves
_worker_state: tuple[jinja2.Environment, Site] | None = None


def _render_range(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    assert _worker_state is not None
    env, site = _worker_state
    return [_render_one(env, site, page) for page in site.pages[bounds[0]:bounds[1]]]


def _render_one(env: jinja2.Environment, site: Site, page) -> tuple[str, bytes]:
    return page.path, render_page(env, site.site, page)


def render_page(env: jinja2.Environment, site_view, page) -> bytes:
    return env.get_template(page.template).render(site=site_view, page=page, view=page.view).encode("utf-8")


def theme_problems(source: Path, theme: str) -> list[Diagnostic]:
    """Files of the site's own theme that are links leading out of it: never read or published."""
    problems = []
    folder = source / "themes" / theme
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_symlink() and not _inside(path, folder):
            problems.append(warning(Loc(path.relative_to(source).as_posix()),
                                    "is a symbolic link to a place outside the theme; not read or published"))
    return problems


def render_pages(env: jinja2.Environment, site: Site, workers: int | None = None) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every page, in page order; across cores for large sites. Workers are
    forked, so they share the environment and the views without pickling them."""
    global _worker_state
    workers = workers or os.cpu_count() or 1
    pages = site.pages
    if not can_fork(workers, len(pages), PARALLEL_PAGES):
        for page in pages:
            yield _render_one(env, site, page)
        return
    step = max(1, len(pages) // (workers * 8))
    ranges = [(start, min(start + step, len(pages))) for start in range(0, len(pages), step)]
    _worker_state = (env, site)
    try:
        with forked_pool(workers) as pool:
            for chunk in pool.imap(_render_range, ranges):
                yield from chunk
    finally:
        _worker_state = None


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
            f"    <id>{escape(entry.url.split('#', 1)[0])}#{entry.kind}</id>",
            f"    <updated>{entry.updated}</updated>",
            f"    <author><name>{escape(entry.author)}</name></author>",
            f"    <category term={quoteattr(entry.kind)}/>",
            f'    <content type="html">{escape(entry.summary_html)}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return xml_safe("\n".join(line for line in lines if line) + "\n").encode("utf-8")


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
    return xml_safe("\n".join(lines) + "\n").encode("utf-8")


_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 forbids (a control character in a record would make the whole
    feed unreadable)."""
    return _XML_ILLEGAL.sub("", text)


def render_robots(site: Site) -> bytes:
    if site.site.noindex:
        return b"User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.site.base_url}sitemap.xml\n".encode("utf-8")


# ---------------------------------------------------------------------------- talent exports

TALENT_COLUMNS = ("handle", "nickname", "position", "industry", "expertise", "needs", "roles", "joined",
                  "answers", "solutions_credited", "awards", "awards_total", "weeks_moderated",
                  "portfolio", "resume")


def render_json(data) -> bytes:
    """Indented JSON, as `json.dumps(indent=2, ensure_ascii=False)` writes it (but for a float
    below 0.0001: 1e-7, not 1e-07). By orjson: with an indent, the standard library encodes in
    Python, not C (the 1,003 JSON files of 10,000 questions, 34 MB: 0.55 s, against 0.12 s).
    What orjson refuses (an integer beyond 64 bits, a key that is not a string) goes the
    standard library's way."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def render_talent_csv(rows) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs open the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TALENT_COLUMNS)
    for row in rows:
        writer.writerow(["; ".join(v) if isinstance(v, list) else v for v in (row[c] for c in TALENT_COLUMNS)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
