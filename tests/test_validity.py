"""Validity of the feed and the sitemap: by their schemas, and by the rules the schemas cannot say.

- `feed.xml` against the RELAX NG grammar of RFC 4287 (Appendix B, vendored in
  tests/vendor/atom-rfc4287/), plus the RFC's Schematron and prose rules checked here: the feed's
  and each entry's id, title and updated (RFC 3339 with a zone), an author for every entry, a
  rel=alternate link per entry, unique absolute ids, one alternate link per type and language,
  and links in the content that resolve inside the site.
- `sitemap.xml` against the Sitemaps 0.9 XML schema (tests/vendor/sitemap-0.9/), plus the
  protocol's limits: absolute http(s) locations under base_url of at most 2,048 characters, W3C
  dates, at most 50,000 URLs and 50 MB, no duplicates, every location a page of the build.

Both on the sample as it is, on the sample published under a sub-path (a GitHub Pages project
site), and with hostile but legal text in titles, names and tags. The feed and sitemap do not
depend on the EPUB, the PDF or the search index, so those are left out of these builds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import REPO, Site
from generator.cli import main
from htmlscan import Page

VENDOR = Path(__file__).resolve().parent / "vendor"
ATOM_RNG = VENDOR / "atom-rfc4287" / "atom.rng"
SITEMAP_XSD = VENDOR / "sitemap-0.9" / "sitemap.xsd"
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
W3C_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
# An IRI (RFC 3987) as far as a feed needs: a scheme, no spaces or angle brackets, one fragment.
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`#]+(#[^\s<>\"{}|\\^`#]*)?")


def copy_sample(root: Path) -> Site:
    root.mkdir(parents=True)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    site = Site(root)
    site.edit("site.yaml", "formats: [html, epub, pdf]", "formats: [html]")
    return site


def build(site: Site, out: Path) -> Path:
    assert main(["build", "--source", str(site.root), "--out", str(out), "--quiet", "--no-search"]) == 0
    return out


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("validity")
    site = copy_sample(root / "site")
    return build(site, root / "out"), "https://shequn-demo.example.org/"


SUBPATH = "https://user.github.io/shequn-demo/"


@pytest.fixture(scope="module")
def subpath_build(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("validity-subpath")
    site = copy_sample(root / "site")
    site.set_field("site.yaml", "base_url", SUBPATH)
    return build(site, root / "out"), SUBPATH


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a YAML double-quoted scalar


HOSTILE = "A & B <script>alert(1)</script> ]]> \"q\" 'a' 𠮷 😀 \u202eevil\u202c zero\u200bwidth {{ x }} %s"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> tuple[Path, str]:
    """Legal but awkward text everywhere the feed and sitemap draw from: titles, the site's
    title and tagline, the curators' and askers' nicknames, tags (which become URL paths)."""
    root = tmp_path_factory.mktemp("validity-hostile")
    site = copy_sample(root / "site")
    site.set_field("site.yaml", "title", q("社群 " + HOSTILE))
    site.set_field("site.yaml", "tagline", q(HOSTILE))
    for path in sorted(site.path("content/weeks").glob("*/*/question.md")):
        rel = path.relative_to(site.root).as_posix()
        site.set_field(rel, "title", q(f"{path.parent.name} {HOSTILE}"))
        tags = next((l for l in site.read(rel).split("\n") if l.startswith("tags: [")), None)
        if tags:  # the question's own tags stay (solutions link to them); awkward ones are added
            site.set_field(rel, "tags", tags.removeprefix("tags: ").rstrip("]") + ", " + ", ".join(q(t) for t in (
                "A & B", "<b>", "]]>", "a b/c?d#e", "100%", "𠮷", "\u202eevil", "Ｆｕｌｌ")) + "]")
    for handle in ("linda", "xiaomei", "laochen", "ajie", "wangfang", "dawei", "yijun"):
        site.set_field(f"content/members/{handle}.yaml", "nickname", q(f"{handle} {HOSTILE}"))
    return build(site, root / "out"), "https://shequn-demo.example.org/"


BUILDS = ["sample_build", "subpath_build", "hostile_build"]


# ---------------------------------------------------------------------------- the feed


@pytest.mark.parametrize("which", BUILDS)
def test_feed_is_valid_by_the_rfc4287_relax_ng_schema(which, request):
    etree = pytest.importorskip("lxml.etree", reason="lxml (installed with EbookLib) validates RELAX NG")
    out, _ = request.getfixturevalue(which)
    schema = etree.RelaxNG(etree.parse(str(ATOM_RNG)))
    document = etree.parse(str(out / "feed.xml"))
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


def test_the_atom_schema_catches_an_invalid_feed():
    """The vendored grammar is the real thing: it rejects what RFC 4287 rejects."""
    etree = pytest.importorskip("lxml.etree")
    schema = etree.RelaxNG(etree.parse(str(ATOM_RNG)))
    no_id = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2026-01-01T00:00:00Z</updated></feed>'
    bad_date = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>'
                b'<updated>2026-01-01</updated></feed>')
    good = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>'
            b'<updated>2026-01-01T00:00:00Z</updated><author><name>a</name></author></feed>')
    assert not schema.validate(etree.fromstring(no_id))
    assert not schema.validate(etree.fromstring(bad_date))
    assert schema.validate(etree.fromstring(good)), schema.error_log


def rfc3339(text: str | None) -> dt.datetime:
    assert text and RFC3339.fullmatch(text), f"not an RFC 3339 date-time with a zone: {text!r}"
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def one(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.findall(A + tag)
    assert len(found) == 1, f"{len(found)} atom:{tag} in {parent.tag}"
    return found[0]


def alternates(parent: ET.Element) -> list[ET.Element]:
    return [l for l in parent.findall(A + "link") if l.get("rel", "alternate") == "alternate"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("href", "src") and v is not None]


def lands_in_site(url: str, base: str, out: Path) -> str | None:
    """Why an absolute URL of the site points at nothing in the build, or None."""
    parts = urlsplit(url)
    if not url.startswith(base):
        return "outside base_url"
    rel = unquote(parts.path[len(urlsplit(base).path):])
    target = out / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    if not target.resolve().is_relative_to(out.resolve()):
        return "escapes the output folder"
    if not target.is_file():
        return f"no file {target.relative_to(out)}"
    if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in Page(target).ids:
        return f"no anchor #{unquote(parts.fragment)}"
    return None


def feed_problems(out: Path, base: str) -> list[str]:
    """RFC 4287's rules the grammar leaves to Schematron or prose, and links that resolve."""
    problems: list[str] = []
    feed = ET.parse(out / "feed.xml").getroot()
    if feed.tag != A + "feed":
        return [f"root is {feed.tag}"]
    feed_url = base + "feed.xml"
    one(feed, "title")
    feed_id = one(feed, "id").text or ""
    updated = rfc3339(one(feed, "updated").text)
    if not IRI.fullmatch(feed_id):
        problems.append(f"feed id is not an absolute IRI: {feed_id!r}")
    selves = [l.get("href") for l in feed.findall(A + "link") if l.get("rel") == "self"]
    if selves != [feed_url]:
        problems.append(f"rel=self should be the feed's own URL {feed_url}: {selves}")
    seen_alternates = [(l.get("type"), l.get("hreflang")) for l in alternates(feed)]
    if len(seen_alternates) != len(set(seen_alternates)):
        problems.append("feed: two alternate links with the same type and hreflang")
    if feed.get(XML_LANG) and not LANGUAGE_TAG.fullmatch(feed.get(XML_LANG)):
        problems.append(f"feed xml:lang {feed.get(XML_LANG)!r}")
    feed_has_author = feed.find(A + "author") is not None
    entries = feed.findall(A + "entry")
    if not entries:
        problems.append("the feed has no entries")
    ids = [feed_id]
    for index, entry in enumerate(entries):
        where = f"entry {index + 1}"
        title = one(entry, "title")
        if not (title.text or "").strip():
            problems.append(f"{where}: empty title")
        entry_id = one(entry, "id").text or ""
        ids.append(entry_id)
        if not IRI.fullmatch(entry_id):
            problems.append(f"{where}: id is not an absolute IRI (RFC 4287 4.2.6, RFC 3987): {entry_id!r}")
        entry_updated = rfc3339(one(entry, "updated").text)
        if entry_updated > updated:
            problems.append(f"{where}: updated {entry_updated} after the feed's {updated}")
        authors = entry.findall(A + "author")
        if not authors and not feed_has_author:
            problems.append(f"{where}: no author, and the feed has none")
        for author in authors:
            if not (one(author, "name").text or "").strip():
                problems.append(f"{where}: an author without a name")
        links = alternates(entry)
        if not links and entry.find(A + "content") is None:
            problems.append(f"{where}: neither a rel=alternate link nor content")
        kinds = [(l.get("type"), l.get("hreflang")) for l in links]
        if len(kinds) != len(set(kinds)):
            problems.append(f"{where}: two alternate links with the same type and hreflang")
        for link in links:
            why = lands_in_site(link.get("href", ""), base, out)
            if why:
                problems.append(f"{where}: alternate link {link.get('href')}: {why}")
        if entry.get(XML_LANG) and not LANGUAGE_TAG.fullmatch(entry.get(XML_LANG)):
            problems.append(f"{where}: xml:lang {entry.get(XML_LANG)!r}")
        content = entry.find(A + "content")
        if content is not None and content.get("type") == "html":
            reader = _Links()
            reader.feed(content.text or "")
            reader.close()
            for active in {"script", "iframe", "object", "embed", "style"} & set(reader.tags):
                problems.append(f"{where}: <{active}> in the content")
            for url in reader.urls:
                absolute = urljoin(link.get("href") if links else feed_url, url)
                scheme = urlsplit(absolute).scheme
                if scheme in ("http", "https") and absolute.startswith(base):
                    why = lands_in_site(absolute, base, out)
                    if why:
                        problems.append(f"{where}: content link {url} -> {absolute}: {why}")
                elif scheme not in ("http", "https", "mailto"):
                    problems.append(f"{where}: content link with scheme {scheme!r}: {url}")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"ids used twice: {duplicates}")
    return problems


@pytest.mark.parametrize("which", BUILDS)
def test_feed_follows_the_rules_of_rfc4287(which, request):
    out, base = request.getfixturevalue(which)
    problems = feed_problems(out, base)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("which", BUILDS)
def test_feed_follows_the_rules_of_rfc4287_besides_the_entry_ids(which, request):
    """The same rules with the one known fault (ids of question entries) set aside, so every
    other rule keeps guarding the feed until that is fixed."""
    out, base = request.getfixturevalue(which)
    problems = [p for p in feed_problems(out, base) if "#question#question" not in p]
    assert problems == [], "\n".join(problems[:20])


def test_feed_rules_catch_a_broken_feed(tmp_path):
    """The Python rules can fail: a feed missing what RFC 4287 requires."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "feed.xml").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x y</id>'
        "<updated>2026-01-01T00:00:00+08:00</updated>"
        "<entry><title>e</title><id>https://s.example/a#1#2</id><updated>2027-01-01T00:00:00Z</updated></entry>"
        "<entry><title>e</title><id>https://s.example/a#1#2</id><updated>2026-01-01T00:00:00Z</updated>"
        '<link href="https://s.example/missing/"/><content type="html">&lt;script&gt;x&lt;/script&gt;</content></entry>'
        "</feed>", encoding="utf-8")
    problems = "\n".join(feed_problems(out, "https://s.example/"))
    for expected in ("feed id is not an absolute IRI", "rel=self", "after the feed's", "no author",
                     "neither a rel=alternate link nor content", "no file missing/index.html",
                     "<script> in the content", "ids used twice", "id is not an absolute IRI"):
        assert expected in problems, expected


def test_control_characters_in_records_never_break_the_feed(tmp_path):
    site = copy_sample(tmp_path / "site")
    rel = "content/weeks/2026-W46/" + sorted(p.name for p in site.path("content/weeks/2026-W46").iterdir()
                                             if p.is_dir())[0] + "/question.md"
    site.set_field(rel, "title", '"Bad \\x01 title \\x1b[31m red"')
    site.write(rel, site.read(rel) + "\nA form feed \x0c and an escape \x1b[2J.\n")
    out = tmp_path / "out"
    code = main(["build", "--source", str(site.root), "--out", str(out), "--quiet", "--no-search"])
    if code != 0:
        return  # refused at check time: also a good outcome
    ET.parse(out / "feed.xml")
    ET.parse(out / "sitemap.xml")


# ---------------------------------------------------------------------------- the sitemap


@pytest.mark.parametrize("which", BUILDS)
def test_sitemap_is_valid_by_the_sitemaps_xml_schema(which, request):
    etree = pytest.importorskip("lxml.etree", reason="lxml (installed with EbookLib) validates XML Schema")
    out, _ = request.getfixturevalue(which)
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    document = etree.parse(str(out / "sitemap.xml"))
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


def test_the_sitemap_schema_catches_an_invalid_sitemap():
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    ns = b'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    assert not schema.validate(etree.fromstring(b"<urlset " + ns + b"><url><loc>x</loc></url></urlset>"))
    assert not schema.validate(etree.fromstring(
        b"<urlset " + ns + b"><url><loc>https://example.org/</loc><lastmod>2026-13-01</lastmod></url></urlset>"))
    assert not schema.validate(etree.fromstring(b"<urlset " + ns + b"></urlset>"))
    assert schema.validate(etree.fromstring(
        b"<urlset " + ns + b"><url><loc>https://example.org/</loc><lastmod>2026-10-01</lastmod></url></urlset>"))


@pytest.mark.parametrize("which", BUILDS)
def test_sitemap_follows_the_protocol(which, request):
    out, base = request.getfixturevalue(which)
    data = (out / "sitemap.xml").read_bytes()
    assert len(data) <= 50 * 1024 * 1024
    root = ET.fromstring(data)
    assert root.tag == SM + "urlset"
    urls = root.findall(SM + "url")
    assert 0 < len(urls) <= 50_000
    assert len(urls) == len(list(root)), "only url elements in a urlset"
    locs = []
    for url in urls:
        loc_elements = url.findall(SM + "loc")
        assert len(loc_elements) == 1
        loc = loc_elements[0].text or ""
        locs.append(loc)
        assert len(loc) <= 2048 and loc.isascii() and not re.search(r"\s", loc), loc
        assert urlsplit(loc).scheme in ("http", "https") and urlsplit(loc).netloc, loc
        assert lands_in_site(loc, base, out) is None, (loc, lands_in_site(loc, base, out))
        lastmod = url.find(SM + "lastmod")
        if lastmod is not None:
            assert W3C_DATE.fullmatch(lastmod.text or ""), lastmod.text
            dt.date.fromisoformat(lastmod.text[:10])
    assert len(locs) == len(set(locs)), "a URL listed twice"
    assert base in locs and base + "feed.xml" not in locs
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()


@pytest.mark.parametrize("which", BUILDS)
def test_every_indexable_page_is_in_the_sitemap(which, request):
    """Pages a search engine may index (no robots noindex, not the 404 or search page) are all
    listed, so nothing public is missing from it."""
    out, base = request.getfixturevalue(which)
    locs = {u.find(SM + "loc").text for u in ET.parse(out / "sitemap.xml").getroot()}
    prefix = urlsplit(base).path
    missing = []
    for path in sorted(out.rglob("index.html")):
        rel = path.parent.relative_to(out).as_posix()
        if rel.startswith(("search", "book/print")):
            continue
        robots = Page(path).find_all("meta", name="robots")
        if robots and "noindex" in robots[0].attrs.get("content", ""):
            continue
        url_path = prefix + ("" if rel == "." else rel + "/")
        if not any(unquote(urlsplit(loc).path) == url_path for loc in locs):
            missing.append(url_path)
    assert missing == [], missing[:20]
