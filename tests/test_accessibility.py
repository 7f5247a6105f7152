"""Accessibility in a real browser: axe-core on the sample's pages, in light and dark mode.

The sample community (with its book) is built once and served over HTTP; each page is opened in
headless Chromium (Debian's, driven by Playwright) and checked by axe-core, which npm installs
(`npm ci`, locked in package-lock.json) into node_modules/axe-core. axe is injected as a script
tag, so these contexts bypass the pages' CSP (which allows only the site's own scripts); the CSP
itself is tested with hostile content in test_hostile.py.

`axe.run()` runs its default rule set: WCAG 2.0-2.2 A and AA plus axe's best practices. Any
violation fails, with its rule, impact and the first few elements.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import CHROMIUM, REPO, StaticServer, chromium
from generator.cli import main

pytest.importorskip("playwright.sync_api")

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SETTLE_SECONDS = 15

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run `npm ci`"),
]

# One page of each kind the issue names, and the book's HTML.
PAGES = {
    "home": "/",
    "week": "/weeks/2026-W43/",
    "question": "/questions/community-health-metrics/",
    "tag": "/tags/kpi/",
    "members": "/members/",
    "portfolio": "/members/laochen/",
    "fund": "/fund/",
    "moderators": "/moderators/",
    "search": "/search/?q=社群",
    "book": "/book/",
    "chapter": "/book/chapter-1/",
    "contributors": "/book/contributors/",
    "print": "/book/print/",
}
SCHEMES = ("light", "dark")

# Pages whose Markdown bodies use features the renderer does not yet make accessible; see the
# reasons. They run too, so a fix shows up as an XPASS (then move them into PAGES).
RENDERER_GAPS = {
    "code block": ("/questions/retention-cohort-30-day/", "scrollable-region-focusable",
                   "a code block that scrolls sideways cannot be reached by keyboard: markdown.py "
                   "could render <pre tabindex=\"0\"> as it wraps tables in a focusable box"),
    "task list": ("/questions/kpi-for-volunteer-moderators/", "label",
                  "task-list checkboxes have no label: markdown.py could use "
                  "tasklists_plugin(label=True), which wraps each item's text in <label>"),
    "empty header": ("/questions/moderator-burnout/", "empty-table-header",
                     "a Markdown table whose first header cell is empty (content, or the renderer "
                     "could emit <td> for an empty header cell)"),
}


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The sample, with its book (HTML, EPUB, PDF), built once for the public."""
    root = tmp_path_factory.mktemp("a11y") / "site"
    root.mkdir()
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
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


@pytest.fixture(scope="module")
def contexts(browser):
    """One context per colour scheme; they bypass the CSP only so that axe can be injected."""
    made = {scheme: browser.new_context(color_scheme=scheme, bypass_csp=True) for scheme in SCHEMES}
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- axe


def settle_search(page) -> str:
    """Wait until the search has shown its final status (not the '…' of 'searching…')."""
    deadline = time.monotonic() + SETTLE_SECONDS
    status = ""
    while time.monotonic() < deadline:
        status = page.inner_text("#search-status").strip()
        if status and "…" not in status:
            return status
        time.sleep(0.05)
    raise AssertionError(f"search did not finish: status {status!r}")


def violations(context, axe_source: str, url: str, path: str) -> list[dict]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url, wait_until="load")
        if path.startswith("/search/"):
            status = settle_search(page)
            assert page.query_selector_all("#search-results > li"), f"no results: {status!r}"
        page.add_script_tag(content=axe_source)
        found = page.evaluate("""async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""")
    finally:
        page.close()
    assert not errors, errors
    return found


def report(found: list[dict]) -> str:
    lines = []
    for v in found:
        wcag = ", ".join(t for t in v["tags"] if t.startswith("wcag")) or "best practice"
        lines.append(f"{v['id']} ({v['impact']}; {wcag}): {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:4]:
            summary = " ".join(node["summary"].split())[:200]
            lines.append(f"    {node['target']}  |  {summary}")
    return "\n".join(lines)


def page_url(base_url: str, path: str) -> str:
    return base_url + quote(path, safe="/?=&")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(out, base_url, contexts, axe_source, name, scheme):
    path = PAGES[name]
    assert (out / path.split("?")[0].lstrip("/") / "index.html").exists(), path
    found = violations(contexts[scheme], axe_source, page_url(base_url, path), path)
    assert not found, f"{path} ({scheme}):\n{report(found)}"


def test_dark_mode_is_applied(base_url, contexts):
    """The dark context really renders the dark scheme (otherwise the dark runs prove nothing)."""
    backgrounds = {}
    for scheme, context in contexts.items():
        page = context.new_page()
        page.goto(base_url + "/")
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        page.close()
    assert backgrounds["light"] != backgrounds["dark"], backgrounds


@pytest.mark.parametrize("feature", list(RENDERER_GAPS))
def test_markdown_features(base_url, contexts, axe_source, feature):
    """Known gaps in the Markdown renderer: only the named rule may fail (then the test xfails)."""
    path, rule, reason = RENDERER_GAPS[feature]
    found = violations(contexts["light"], axe_source, page_url(base_url, path), path)
    assert {v["id"] for v in found} <= {rule}, f"{path}:\n{report(found)}"
    if found:
        pytest.xfail(f"{rule}: {reason}")
