"""Hostile content in a real browser: the corpus in tests/hostile/ built and every page opened.

The corpus (site.yaml and content/, a few dozen files) puts a payload in every text field: script
tags, event handlers, javascript:/data:/vbscript: links plain and obfuscated, SVG payloads,
template syntax, bidi overrides and zero-width characters, emoji and astral CJK, 100 KB lines,
1,000-level nesting, raw HTML blocks. It passes `shequn check` with warnings only.

Every HTML page is opened in headless Chromium (Debian's, driven by Playwright) WITHOUT bypassing
the pages' Content-Security-Policy, since the point is that nothing from content can run. Checks
use Playwright's listeners (dialog, console, pageerror) and Python-side DOM reads (selectors,
attributes, the serialised DOM), never script evaluation in the page. Only the 360 px overflow
measurement uses a second context that bypasses the CSP, to read `scrollWidth`.

A question with 10,000 answers is generated at test time in a temporary copy (too many files to
commit), built, timed and opened.
"""

from __future__ import annotations

import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import CHROMIUM, REPO, StaticServer, chromium
from generator.cli import main

pytest.importorskip("playwright.sync_api")

CORPUS = REPO / "tests" / "hostile"
SETTLE_SECONDS = 15
BIG = 10_000  # answers to the one question
BIG_BUILD_SECONDS = 90  # budget for generating and building the 10,000-answer community

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

# Planted in the corpus. Evaluated by any template engine, they would read 49, LOOPLOOPLOOP, 1337.
TEMPLATE = "{{ 7*7 }}"
LOOP = "{% for i in range(3) %}LOOP{% endfor %}"
DOLLAR = "${7*191}"
EVALUATED = ["LOOPLOOP", "1337"]
AFTER_DEEP = "AFTER-DEEP-NESTING"

# What each page must show literally, as text (a sample of the fields: every page shows the site
# title and tagline, which carry the template syntax too).
LITERAL = {
    "/": [TEMPLATE, LOOP, DOLLAR],
    "/members/xss/": ["<script>alert('xss')</script><img src=x onerror=alert(1)>",
                      f"position {TEMPLATE}", f"role {TEMPLATE}", "javascript:alert(1)"],
    "/members/tmpl/": [LOOP, DOLLAR, "{{ 7*191 }}"],
    "/members/mod/": [f"{TEMPLATE} 主持人"],
    "/members/emoji/": ["𠮷野家 𩸽 👩‍👩‍👧‍👦"],
    "/weeks/2026-W10/": [f"theme {TEMPLATE}"],
    "/questions/xss-everywhere/": ["<script>alert('title')</script> " + TEMPLATE,
                                   "<svg onload=alert('svg-block')>", "<iframe src=\"javascript:alert('iframe')\">"],
    "/events/2026-03-21-hostile-meetup/": [f"location {TEMPLATE}", "<script>alert('event')</script>"],
    "/fund/": [f"note {TEMPLATE}"],
    "/about/": [f"about {TEMPLATE}"],
    "/book/": [f"book {TEMPLATE}"],
    "/book/chapter-1/": [f"chapter {TEMPLATE}"],
}

# Event-handler content attributes of HTML and SVG, for a CSS selector over the live DOM (the
# serialised DOM is also scanned for any attribute whose name starts with "on").
HANDLERS = """abort afterprint animationend animationiteration animationstart auxclick beforeinput
beforematch beforeprint beforetoggle beforeunload begin blur cancel canplay canplaythrough change
click close contextlost contextmenu contextrestored copy cuechange cut dblclick drag dragend
dragenter dragleave dragover dragstart drop durationchange emptied end ended error focus focusin
focusout formdata hashchange input invalid keydown keypress keyup languagechange load loadeddata
loadedmetadata loadstart message messageerror mousedown mouseenter mouseleave mousemove mouseout
mouseover mouseup offline online pagehide pagereveal pageshow pageswap paste pause play playing
pointercancel pointerdown pointerenter pointerleave pointermove pointerout pointerover pointerup
popstate progress ratechange rejectionhandled repeat reset resize scroll scrollend
securitypolicyviolation seeked seeking select slotchange stalled storage submit suspend
timeupdate toggle transitionend unhandledrejection unload volumechange waiting wheel
zoom""".split()
HANDLER_SELECTOR = ", ".join(f"[on{name}]" for name in HANDLERS)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster",
                  "background", "lowsrc", "dynsrc", "ping", "cite", "longdesc", "srcset", "manifest",
                  "codebase", "archive", "icon", "usemap"}
DANGEROUS = ("javascript:", "data:", "vbscript:")
# The theme's own empty icon (base.html), so that browsers ask for no /favicon.ico: an empty
# text/plain document, exempt only as exactly this element.
THEME_ICON = ("link", "icon", "data:,")
# Elements content must never bring, whatever their attributes (the theme uses none of them).
FORBIDDEN = ("iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
             "foreignobject", "style", "template", "math")
THEME_SCRIPT = re.compile(r"^/(static/[\w.-]+\.js|pagefind/[\w./-]+)$")


def url_scheme(value: str) -> str:
    """The scheme a browser would see in a URL attribute (WHATWG: leading and trailing C0 controls
    and spaces stripped, ASCII tab and newline removed anywhere), lower case, or ''."""
    value = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", value)
    return f"{match[1].lower()}:" if match else ""


# ---------------------------------------------------------------------------- fixtures


def copy_corpus(target: Path) -> Path:
    """A copy of the corpus to build from (a build writes its cache under the source folder)."""
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns("build"))
    return target


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = copy_corpus(tmp_path_factory.mktemp("hostile") / "site")
    assert main(["check", "--source", str(root)]) == 0, "the corpus must pass `shequn check`"
    out = root / "out"
    assert main(["build", "--source", str(root), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def base_url(out):
    with StaticServer(out) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def html_paths(out: Path) -> list[str]:
    """Every HTML page of the build as a site path ('/questions/x/' for questions/x/index.html)."""
    paths = []
    for file in sorted(out.rglob("*.html")):
        rel = file.relative_to(out).as_posix()
        paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return paths


def url_of(base_url: str, path: str) -> str:
    return base_url + quote(path, safe="/?=&")


# ---------------------------------------------------------------------------- the watcher


class Watcher:
    """One browser context with the pages' CSP in force: records dialogs, page errors, console
    messages (other than the expected ones) and requests that leave 127.0.0.1."""

    def __init__(self, browser, base_url: str, **options) -> None:
        self.context = browser.new_context(**options)
        self.base_host = urlsplit(base_url).netloc
        self.events: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.events.append(f"pageerror: {error}"))

    def _route(self, route) -> None:
        if urlsplit(route.request.url).netloc == self.base_host:
            route.continue_()
        else:
            self.events.append(f"request left the site: {route.request.url[:120]}")
            route.abort()

    def _dialog(self, dialog) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        text = message.text
        # Expected: the CSP refusing an https image that a Markdown body may link (img-src is
        # 'self' data:). Anything else is a finding, above all "Refused to execute inline
        # script/event handler" (content that tried to run), and a /favicon.ico 404 (the theme
        # names an empty icon).
        if re.match(r"Loading the image 'https?://[^']*' violates the following Content Security Policy "
                    r"directive: \"img-src 'self' data:\"", text):
            return
        self.events.append(f"console {message.type}: {text[:300]}")

    def take(self) -> list[str]:
        events, self.events = self.events, []
        return events

    def close(self) -> None:
        self.context.close()


class _DomScan(HTMLParser):
    """Findings in a serialised DOM: on* attributes, dangerous URL schemes, forbidden elements,
    scripts that are not the theme's, a refresh <meta>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}={value[:60]!r}>")
            if name in URL_ATTRIBUTES and (tag, values.get("rel", ""), value) != THEME_ICON:
                for part in (value.split(",") if name == "srcset" else [value]):
                    if url_scheme(part) in DANGEROUS:
                        self.findings.append(f"<{tag} {name}={value[:60]!r}>")
        if tag in FORBIDDEN:
            self.findings.append(f"<{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.findings.append(f"<meta http-equiv=refresh content={values.get('content', '')[:60]!r}>")
        if tag == "script" and not THEME_SCRIPT.match(urlsplit(values.get("src", "")).path):
            self.findings.append(f"<script src={values.get('src', '')!r}> is not the theme's")

    handle_startendtag = handle_starttag


def dom_findings(page, selectors: bool = True) -> list[str]:
    """Everything content could have smuggled into the live DOM of `page`. `selectors=False`
    skips the per-selector queries (slow on a page of 10,000 answers: the serialised DOM scan
    covers the same ground)."""
    findings: list[str] = []
    if selectors:
        findings += _selector_findings(page)
    # 2. The whole serialised DOM: any attribute named on*, any URL attribute, any element.
    scan = _DomScan()
    scan.feed(page.content())
    return sorted(set(findings + scan.findings))


def _selector_findings(page) -> list[str]:
    # 1. Python-side queries on the live DOM (no script evaluated in the page).
    findings: list[str] = []
    if page.query_selector_all(HANDLER_SELECTOR):
        for name in HANDLERS:
            hits = page.query_selector_all(f"[on{name}]")
            if hits:
                findings.append(f"{len(hits)} element(s) with on{name}=")
    for tag in FORBIDDEN:
        if page.query_selector_all(tag):
            findings.append(f"<{tag}> in the page")
    for element in page.query_selector_all("script"):
        src = element.get_attribute("src") or ""
        if not THEME_SCRIPT.match(urlsplit(src).path):
            findings.append(f"<script src={src!r}> is not the theme's")
    for selector, attribute in (("a", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
                                ("object", "data"), ("embed", "src"), ("svg *", "href"),
                                ("svg *", "xlink:href"), ("form", "action"), ("button", "formaction"),
                                ("link", "href"), ("area", "href"), ("source", "src")):
        for element in page.query_selector_all(selector):
            value = element.get_attribute(attribute)
            if (selector, element.get_attribute("rel") or "", value) == THEME_ICON:
                continue
            if value is not None and url_scheme(value) in DANGEROUS:
                findings.append(f"<{selector} {attribute}={value[:60]!r}>")
    # The URL the browser resolved for each link, not just the attribute as written.
    for element in page.query_selector_all("a[href]"):
        resolved = element.get_property("href").json_value()
        if isinstance(resolved, str) and url_scheme(resolved) in DANGEROUS:
            findings.append(f"<a> resolves to {resolved[:60]!r}")
    return findings


# ---------------------------------------------------------------------------- every page


def test_every_page_is_inert(out, base_url, browser):
    """Every page: no dialog, no script from content, no handler or dangerous URL in the DOM,
    template syntax shown literally."""
    paths = html_paths(out)
    assert len(paths) >= 40, paths
    watcher = Watcher(browser, base_url)
    problems: dict[str, list[str]] = {}
    try:
        for path in paths:
            watcher.page.goto(url_of(base_url, path), wait_until="load")
            found = dom_findings(watcher.page)
            text = watcher.page.inner_text("body")
            if TEMPLATE not in text:
                found.append(f"{TEMPLATE!r} (in the site title on every page) is not shown literally")
            for evaluated in EVALUATED:
                if evaluated in text:
                    found.append(f"template syntax was evaluated: {evaluated!r} in the text")
            for literal in LITERAL.get(path, []):
                if literal not in text:
                    found.append(f"not shown literally: {literal!r}")
            found += watcher.take()
            if found:
                problems[path] = found
    finally:
        watcher.close()
    assert not problems, "\n".join(f"{path}:\n  " + "\n  ".join(found) for path, found in problems.items())
    print(f"{len(paths)} pages visited, no findings")


def test_nothing_runs_even_without_the_csp(out, base_url, browser):
    """Defence in depth: with the CSP bypassed (a host that strips it, an old browser) every page
    still opens no dialog and logs nothing: the markup itself carries no script."""
    watcher = Watcher(browser, base_url, bypass_csp=True)
    problems = {}
    try:
        for path in html_paths(out):
            watcher.page.goto(url_of(base_url, path), wait_until="load")
            # Without the CSP, https images from Markdown load (the watcher aborts them): only
            # what scripts do counts here.
            events = [e for e in watcher.take() if not e.startswith(
                ("request left the site", "console error: Failed to load resource"))]
            if events:
                problems[path] = events
    finally:
        watcher.close()
    assert not problems, problems


@pytest.mark.parametrize("query", ["script", "alert", TEMPLATE, "<img src=x onerror=alert(1)>",
                                   '"><svg onload=alert(1)>', "javascript:alert(1)", "𠮷"])
def test_search_results_are_inert(base_url, browser, query):
    """The search shows hostile titles, tags and excerpts from the index as text."""
    watcher = Watcher(browser, base_url)
    try:
        watcher.page.goto(f"{base_url}/search/?q={quote(query)}")
        deadline = time.monotonic() + SETTLE_SECONDS
        status = ""
        while time.monotonic() < deadline:
            status = watcher.page.inner_text("#search-status").strip()
            if status and "…" not in status:
                break
            time.sleep(0.05)
        assert status and "…" not in status, f"search did not finish: {status!r}"
        found = dom_findings(watcher.page) + watcher.take()
        assert not found, "\n".join(found)
        if query in ("script", "alert"):
            assert watcher.page.query_selector_all("#search-results > li"), status
    finally:
        watcher.close()


def test_directory_filters_from_the_url_are_inert(base_url, browser):
    watcher = Watcher(browser, base_url)
    try:
        hostile = quote("<script>alert(1)</script>")
        watcher.page.goto(f"{base_url}/members/?expertise={hostile}&sort={hostile}&role=%22%3E%3Csvg%20onload%3Dalert(1)%3E")
        watcher.page.select_option("select[name=expertise]", index=1)
        found = dom_findings(watcher.page) + watcher.take()
        assert not found, "\n".join(found)
    finally:
        watcher.close()


# ---------------------------------------------------------------------------- layout


NARROW_PAGES = ["/", "/weeks/2026-W10/", "/weeks/2026-W11/", "/questions/xss-everywhere/",
                "/questions/long-and-deep/", "/members/bidi/", "/members/longname/", "/members/",
                "/tags/", "/tags/" + "長" * 80 + "/", "/search/", "/fund/", "/book/chapter-1/"]


def test_no_horizontal_overflow_at_360px(out, base_url, browser):
    """A 360 px wide phone never scrolls sideways (wide code and tables scroll in their own box).
    Measured in a context that bypasses the CSP, only to read scrollWidth."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    page = context.new_page()
    wide = {}
    try:
        for path in NARROW_PAGES:
            assert (out / path.lstrip("/") / "index.html").exists(), path
            page.goto(url_of(base_url, path), wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                wide[path] = width
    finally:
        context.close()
    assert not wide, f"pages wider than 360 px: {wide}"


def test_bidi_controls_in_names_are_isolated(base_url, browser):
    """A nickname with U+202E (RIGHT-TO-LEFT OVERRIDE) must not reorder the text around it:
    inline text from records is isolated (unicode-bidi: isolate)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/questions/xss-everywhere/")
        people = page.query_selector_all("a.person[href$='/members/bidi/']")
        assert people
        for person in people:
            assert "\u202e" in person.inner_text()
            assert person.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
        tags = page.query_selector_all("ul.tags a")
        assert any("\u202e" in tag.inner_text() for tag in tags)
        assert all(tag.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate" for tag in tags)
    finally:
        context.close()


# ---------------------------------------------------------------------------- the corpus itself


def test_invalid_handles_and_slugs_are_rejected(tmp_path, shequn):
    """Bidi and zero-width characters are welcome in text, never in a handle, slug or week id."""
    site = copy_corpus(tmp_path / "site")
    member = (site / "content/members/mod.yaml").read_text(encoding="utf-8")
    question = site / "content/weeks/2026-W11/many-answers"
    bad_members = ["\u202eevil", "ab\u200bc", "Mod", "😀", "-lead", "mod\ufeff", "ｍｏｄ"]
    for handle in bad_members:
        (site / f"content/members/{handle}.yaml").write_text(member, encoding="utf-8")
    bad_slugs = ["many\u200banswers", "\u202esrewsna", "Many-Answers", "問題"]
    for slug in bad_slugs:
        shutil.copytree(question, question.parent / slug)
    (question / "answers" / "mo\u200dd.md").write_text("---\nsubmitted: 2026-03-10\n---\nx\n", encoding="utf-8")
    result = shequn("check", "--source", str(site))
    assert result.code == 1
    errors = [line for line in result.out.splitlines() + result.err.splitlines() if ": error: " in line]
    for name in bad_members:
        assert any(f"content/members/{name}.yaml:" in line for line in errors), name
    for name in bad_slugs:
        assert any(f"content/weeks/2026-W11/{name}:" in line for line in errors), name
    assert any("answers/mo\u200dd.md:" in line for line in errors)
    # A reference that differs from a handle by one invisible character points at nobody.
    site = copy_corpus(tmp_path / "references")
    for rel, old, new in (("site.yaml", "moderators: [mod, xss]", 'moderators: ["mo\\u200bd", xss]'),
                          ("content/weeks/2026-W10/week.yaml", "moderator: mod", 'moderator: "\\u202emod"'),
                          ("content/weeks/2026-W10/week.yaml", "answer: xss-everywhere/bidi",
                           'answer: "xss-everywhere/bi\\u200ddi"'),
                          ("content/weeks/2026-W11/many-answers/question.md", "asker: mod", 'asker: "mod\\ufeff"')):
        text = (site / rel).read_text(encoding="utf-8")
        assert old in text, (rel, old)
        (site / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    result = shequn("check", "--source", str(site))
    assert result.code == 1
    errors = [line for line in result.out.splitlines() + result.err.splitlines() if ": error: " in line]
    for rel, line_start in (("site.yaml", "site.yaml:"), ("week", "content/weeks/2026-W10/week.yaml:"),
                            ("question", "content/weeks/2026-W11/many-answers/question.md:")):
        assert any(line.startswith(line_start) for line in errors), (rel, errors)
    assert sum(line.startswith("content/weeks/2026-W10/week.yaml:") for line in errors) >= 2, errors


def test_text_after_deep_nesting_is_kept(out):
    page = (out / "questions/long-and-deep/index.html").read_text(encoding="utf-8")
    # The question, and each of the four answers that nest 1,000 deep, end with the marker.
    assert page.count(AFTER_DEEP) == 5


# ---------------------------------------------------------------------------- 10,000 answers


def add_answers(site: Path, count: int) -> None:
    """`count` members (one public in a hundred) and an answer from each to `many-answers`."""
    members = site / "content/members"
    answers = site / "content/weeks/2026-W11/many-answers/answers"
    for i in range(count):
        handle = f"a{i:05d}"
        visibility = "public" if i % 100 == 0 else "hidden" if i % 7 == 0 else "members"
        (members / f"{handle}.yaml").write_text(
            f'nickname: "答者 {i} {TEMPLATE} <b onclick=alert({i})>"\nvisibility: {visibility}\njoined: 2026-01-05\n',
            encoding="utf-8")
        (answers / f"{handle}.md").write_text(
            f"---\nsubmitted: 2026-03-10\n---\nAnswer {i}: {TEMPLATE} <script>alert({i})</script> "
            f"[x](&#106;avascript:alert({i})) 𠮷\n", encoding="utf-8")


def test_ten_thousand_answers(tmp_path, browser, capsys):
    site = copy_corpus(tmp_path / "site")
    started = time.monotonic()
    add_answers(site, BIG)
    generated = time.monotonic() - started
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["build", "--source", str(site), "--out", str(out), "--quiet"]) == 0
    built = time.monotonic() - started
    page_file = out / "questions/many-answers/index.html"
    assert page_file.exists()
    html = page_file.read_text(encoding="utf-8")
    assert html.count('class="answer"') == BIG + 1
    with StaticServer(out) as server:
        watcher = Watcher(browser, server.url)
        try:
            started = time.monotonic()
            watcher.page.goto(f"{server.url}/questions/many-answers/", wait_until="load")
            opened = time.monotonic() - started
            started = time.monotonic()
            assert watcher.page.locator("article.answer").count() == BIG + 1
            found = dom_findings(watcher.page, selectors=False) + watcher.take()
            scanned = time.monotonic() - started
            assert not found, "\n".join(found[:20])
        finally:
            watcher.close()
    with capsys.disabled():
        print(f"\n10,000 answers: generated in {generated:.1f} s, built in {built:.1f} s "
              f"({len(html) / 1e6:.1f} MB page), opened in {opened:.1f} s, scanned in {scanned:.1f} s")
    assert generated + built < BIG_BUILD_SECONDS, f"generated in {generated:.1f} s, built in {built:.1f} s"
