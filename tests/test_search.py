"""Search in a real browser: the sample built once, served over HTTP, queried in headless Chromium.

Playwright for Python drives Debian's Chromium (`/usr/bin/chromium`; no browser is downloaded).
The pages carry a strict CSP, which blocks Playwright's string-evaluated `wait_for_function`, so
the tests poll `#search-status` until it holds a final message (not the "…" of "searching…").
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import pytest

from conftest import CHROMIUM, REPO, StaticServer, chromium
from generator.cli import main
from generator import index
from generator.index import phrase_forms, records
from generator.model import read_community
from generator.render import make_environment
from generator.view import build_views
from htmlscan import Page
from test_build import hits, plant_private

pytest.importorskip("playwright.sync_api")

SETTLE_SECONDS = 15
MAX_RESULTS = 30  # search.js shows this many results at most

QUESTION = "/questions/silent-members-reactivation/"
TRADITIONAL = "喚醒計畫"  # in the question only: "…能看到數字變化的喚醒計畫"
ENGLISH_QUESTION = "/questions/discord-onboarding-bot/"
HOSTILE = ['<img src=x onerror=alert(1)>', '"><script>alert(1)</script>']


# ---------------------------------------------------------------------------- fixtures


SHARDED_CHARS = 20_000  # the sample (78,000 characters) in four shards the browser merges


@pytest.fixture(scope="module", params=["one index", "shards"])
def out(request, tmp_path_factory) -> Path:
    """The sample built once for the public: with one index, and with the index cut into
    shards as a large archive's is (every search test runs on both)."""
    out = tmp_path_factory.mktemp("search") / "out"
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "shards":
            patch.setattr(index, "SHARD_CHARS", SHARDED_CHARS)
        assert main(["build", "--source", str(REPO), "--out", str(out), "--quiet"]) == 0
    shards = json.loads((out / "pagefind" / "shards.json").read_bytes())
    assert (len(shards) > 2) == (request.param == "shards"), shards
    return out


@pytest.fixture(scope="module")
def indexed() -> list:
    """The records the public index was made from (what the search may find)."""
    community, _ = read_community(REPO)
    assert community is not None
    _, translate = make_environment(REPO, community.site.theme, community.site.language)
    site, _ = build_views(community, "public", translate)
    return list(records(site))


@pytest.fixture(scope="module")
def server(out):
    with StaticServer(out) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


@pytest.fixture(scope="module")
def browser():
    # CI installs chromium (scripts/setup): there a missing browser fails instead of skipping.
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed")
    with chromium() as browser:
        yield browser


class SearchPage:
    """One tab on /search/; records every dialog and uncaught page error."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, **params) -> str:
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        self.page.goto(f"{self.base_url}/search/{query}")
        return self.settle() if params else ""

    def settle(self) -> str:
        """The final status line, once the search has finished (bounded wait)."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            status = self.page.inner_text("#search-status").strip()
            if status and "…" not in status:
                return status
            time.sleep(0.05)
        raise AssertionError(f"search did not finish: status {self.page.inner_text('#search-status')!r}")

    def type(self, query: str) -> str:
        self.page.fill("#search-q", query)
        self.page.press("#search-q", "Enter")
        return self.settle()

    def select(self, selector: str, value: str) -> str:
        self.page.select_option(selector, value)  # `change` submits the form
        return self.settle()

    def count_fragments(self) -> list[str]:
        """A list that fills with every result fragment the page requests from now on."""
        fragments: list[str] = []
        self.page.on("request", lambda request: "/pagefind/" in request.url and "/fragment/" in request.url
                     and fragments.append(request.url))
        return fragments

    def results(self) -> list[dict]:
        """Every result shown: link, title, class, highlighted words and tags (read in one call)."""
        return self.page.eval_on_selector_all("#search-results > li", """items => items.map(item => ({
            href: item.querySelector("h2 a").getAttribute("href"),
            title: item.querySelector("h2 a").textContent,
            kind: item.className,
            marks: [...item.querySelectorAll(".excerpt mark")].map(m => m.textContent),
            tags: [...item.querySelectorAll("ul.tags li")].map(t => t.textContent),
        }))""")


@pytest.fixture
def search(browser, base_url):
    context = browser.new_context()
    tab = SearchPage(context.new_page(), base_url)
    yield tab
    context.close()
    assert tab.dialogs == []
    assert tab.errors == []


def t2s(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("t2s.json").convert(text)


def path_of(href: str) -> str:
    return urlsplit(href).path


# ---------------------------------------------------------------------------- queries


def test_traditional_query_finds_the_question_first(search):
    status = search.open()
    assert status == ""
    search.type(TRADITIONAL)
    results = search.results()
    assert results, search.page.inner_text("#search-status")
    assert results[0]["href"] == QUESTION + "#question"
    assert "kind-question" in results[0]["kind"]


def test_simplified_query_finds_the_same_question_first(search):
    simplified = t2s(TRADITIONAL)
    assert simplified != TRADITIONAL
    search.open()
    search.type(TRADITIONAL)
    traditional_first = search.results()[0]["href"]
    search.type(simplified)
    assert search.results()[0]["href"] == traditional_first == QUESTION + "#question"


def test_highlight_shows_the_original_script(search):
    """A Simplified query highlights the Traditional text the record was written in."""
    search.open(q=t2s("喚醒"))
    results = search.results()
    position = [r["href"] for r in results].index(QUESTION + "#question")
    assert results[position]["marks"] and set(results[position]["marks"]) == {"喚醒"}
    mark = search.page.query_selector(f"#search-results > li:nth-child({position + 1}) .excerpt mark")
    assert mark.evaluate("m => m.closest('.excerpt').lang") == "zh-Hant"


def test_simplified_phrase_form_is_highlighted(search):
    """The fold is char by char (計畫 -> 计画), but a Simplified reader types OpenCC's phrase form
    计划: the record's phrase forms let the page highlight it."""
    assert t2s("計畫") == "计划"
    search.open(q="计划")
    results = search.results()
    assert results and all("計畫" in r["marks"] for r in results)
    # The character forms still highlight as before.
    search.open(q="计画")
    assert all("計畫" in r["marks"] for r in search.results())


def test_phrase_forms_are_where_opencc_and_the_fold_differ(monkeypatch):
    assert phrase_forms("計畫") == [[1, "划"]]
    assert phrase_forms("我們的計畫很好，瞭解一下") == [[4, "划"], [8, "了"]]
    assert phrase_forms("😀 計畫") == [[4, "划"]]  # offsets in UTF-16 units, as in JavaScript
    assert phrase_forms("运营 onboarding 計劃") == [] == phrase_forms("")
    assert phrase_forms("乾隆的計畫") == [[4, "划"]]  # OpenCC keeps 乾 there, a folded query never does
    # A conversion that changes the length: each Han run is converted alone, and a run whose
    # length changes is left out.
    real = index.to_simplified
    monkeypatch.setattr(index, "to_simplified", lambda text: real(text).replace("了解", "了解了"))
    assert phrase_forms("計畫，瞭解") == [[1, "划"]]


@pytest.mark.parametrize("word", ["onboarding", "Onboarding", "onboards", "onboarded"])
def test_english_word_and_its_inflections(search, word):
    search.open(q=word)
    results = search.results()
    assert results and path_of(results[0]["href"]) == ENGLISH_QUESTION
    assert results[0]["href"] == ENGLISH_QUESTION + "#question"


def test_plural_in_ies_finds_the_singular(search):
    search.open(q="community")
    singular = {r["href"] for r in search.results()}
    search.open(q="communities")
    assert singular and singular <= {r["href"] for r in search.results()}


def test_inflected_english_word_is_highlighted(search):
    search.open(q="onboards")
    assert {m.lower() for m in search.results()[0]["marks"]} == {"onboard"}


@pytest.mark.parametrize("query", ["Discord 身分組", "discord 身分组"])
def test_mixed_script_query(search, query):
    search.open(q=query)
    results = search.results()
    assert results and {path_of(r["href"]) for r in results} == {ENGLISH_QUESTION}
    assert all({m.lower() for m in r["marks"]} >= {"discord", "身分組"} for r in results)


def test_tag_filter_narrows_to_questions_with_that_tag(search, indexed):
    tag = "留存"
    tagged = {r.url for r in indexed if r.kind == "question" and tag in r.tags}
    assert 0 < len(tagged) < sum(r.kind == "question" for r in indexed)
    search.open(kind="question")
    before = {r["href"] for r in search.results()}
    search.select("#search-tag", tag)
    after = search.results()
    assert {r["href"] for r in after} == tagged
    assert len(after) < len(before)
    assert all(tag in r["tags"] and "kind-question" in r["kind"] for r in after)
    # With a query too: every result carries the tag.
    search.type("社群")
    with_query = search.results()
    assert with_query and all(tag in r["tags"] for r in with_query)
    assert {path_of(r["href"]) for r in with_query} <= {path_of(url) for url in tagged}


def test_a_filter_changed_mid_search_shows_only_the_last_search(search):
    search.open()
    search.page.fill("#search-q", "社群")
    search.page.press("#search-q", "Enter")
    search.select("#search-tag", "留存")  # before the first search has finished
    search.page.wait_for_timeout(1500)
    results = search.results()
    assert all("留存" in r["tags"] for r in results)
    assert len({r["href"] for r in results}) == len(results)
    assert str(len(results)) in search.page.inner_text("#search-status")


def test_member_found_by_expertise(search, indexed):
    expertise = "喚醒活動"
    experts = {r.url for r in indexed if r.kind == "member" and expertise in r.filters.get("expertise", [])}
    assert experts
    search.open(kind="member")
    assert all("kind-member" in r["kind"] for r in search.results())
    search.select("#search-expertise", expertise)
    results = search.results()
    assert {r["href"] for r in results} == experts
    assert all("kind-member" in r["kind"] for r in results)


def test_week_range_filter(search, indexed):
    search.open(q="社群", **{"from": "2026-W37", "to": "2026-W37"})
    results = search.results()
    weeks = {r.url: r.week for r in indexed}
    assert results and all(weeks[r["href"]] == "2026-W37" for r in results)


def test_every_weekly_record_carries_its_iso_week_as_a_filter(indexed):
    weekly = [r for r in indexed if r.kind in WEEKLY]
    assert weekly and all(re.fullmatch(r"\d{4}-W\d{2}", r.week) and r.filters["week"] == [r.week]
                          for r in weekly)
    assert all("week" not in r.filters for r in indexed if r.kind in ("member", "event"))


WEEKLY = ["question", "solution", "answer"]


@pytest.mark.parametrize(("start", "end", "kinds"), [
    ("2026-W46", "2026-W46", WEEKLY),  # the last week: a client-side filter fetched every other result
    ("2026-W38", "2026-W40", WEEKLY[:2]),
    ("2026-w38", "2026W40", WEEKLY[:2]),  # read as ISO labels
    ("2000-W01", "2026-W36", WEEKLY[:2]),  # clamped to the archive's first week
])
def test_week_range_is_filtered_by_pagefind(search, indexed, start, end, kinds):
    """The range gives exactly the sample's records of those weeks, and only the results shown
    are fetched: one fragment request each, never more than MAX_RESULTS."""
    low, high = (re.sub(r"^(\d{4})-?W", r"\1-W", w.upper()) for w in (start, end))
    expected = {r.url for r in indexed if r.kind in kinds and low <= r.week <= high}
    assert 0 < len(expected) <= MAX_RESULTS
    fragments = search.count_fragments()
    search.open(kind=kinds, **{"from": start, "to": end})
    results = search.results()
    assert {r["href"] for r in results} == expected
    assert len(results) == len(expected)
    assert len(fragments) == len(results)


def test_wide_week_range_fetches_only_the_results_shown(search, indexed):
    in_range = [r for r in indexed if r.week and "2026-W35" <= r.week <= "2026-W60"]
    assert len(in_range) > MAX_RESULTS
    fragments = search.count_fragments()
    search.open(kind="answer", **{"from": "2026-W35", "to": "2026-W60"})
    results = search.results()
    assert len(results) == MAX_RESULTS
    assert {r["href"] for r in results} <= {r.url for r in in_range if r.kind == "answer"}
    assert len(fragments) == MAX_RESULTS
    # With a query too: every result is in the range, and no more fragments than results
    # (fewer when some were fetched for the search before).
    fragments.clear()
    search.type("社群")
    results = search.results()
    weeks = {r.url: r.week for r in indexed}
    assert results and all("2026-W35" <= weeks[r["href"]] for r in results)
    assert len(fragments) <= len(results) <= MAX_RESULTS


@pytest.mark.parametrize(("start", "end"), [("2026-W40", "2026-W38"), ("2030-W01", ""), ("", "2001-W52")])
def test_week_range_without_weeks_finds_nothing(search, start, end):
    fragments = search.count_fragments()
    status = search.open(q="社群", **{"from": start, "to": end})
    assert search.results() == [] and fragments == []
    assert status == search.page.get_attribute("#search-form", "data-no-results").replace("{query}", "社群")


def test_no_results_shows_a_friendly_message(search):
    status = search.open(q="zzqqxx不存在的詞")
    assert search.results() == []
    assert "zzqqxx不存在的詞" in status
    friendly = search.page.get_attribute("#search-form", "data-no-results")
    assert status == friendly.replace("{query}", "zzqqxx不存在的詞")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_query_runs_no_script(browser, base_url, hostile):
    # CSP bypassed: the page's own code must be safe, not only the policy.
    context = browser.new_context(bypass_csp=True)
    tab = SearchPage(context.new_page(), base_url)
    try:
        tab.open()
        baseline = {tag: len(tab.page.query_selector_all(tag)) for tag in ("img", "script", "iframe")}
        statuses = [tab.type(hostile), tab.open(q=hostile), tab.type(f"社群 {hostile}")]
        tab.page.wait_for_timeout(300)  # an onerror would fire by now
        assert tab.dialogs == []
        assert {tag: len(tab.page.query_selector_all(tag)) for tag in baseline} == baseline
        assert tab.page.query_selector_all("#search-results img, #search-results script") == []
        assert hostile in statuses[0] and hostile in statuses[1]  # shown as text
        assert tab.page.input_value("#search-q") == f"社群 {hostile}"
        assert tab.errors == []
    finally:
        context.close()


def test_no_favicon_request(browser, server):
    """The pages name an empty icon, so the browser asks for no /favicon.ico (a 404 on most hosts).
    The browser's own icon request is no page request: the server's log and the console see it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(
            f"{(message.location or {}).get('url', '')} {message.text}"))
        mark = len(server.requested)
        for path in ("/", QUESTION, "/book/print/", "/search/?q=%E7%A4%BE%E7%BE%A4"):
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        requested = [urlsplit(p).path for p in server.requested[mark:]]
        assert "/search/" in requested and "/book/print/" in requested and "/favicon.ico" not in requested
        assert [m for m in messages if "favicon" in m or "Content Security Policy" in m] == []
    finally:
        context.close()


# ---------------------------------------------------------------------------- result links


def test_results_link_to_anchors_that_exist(search, out):
    hrefs = []
    for params in ({"q": "喚醒"}, {"q": "onboarding"}, {"q": "社群"}, {"kind": "member"}, {"kind": "event"},
                   {"q": "社群", "kind": ["solution", "answer"]}):
        search.open(**params)
        hrefs += [r["href"] for r in search.results()]
    kinds = {urlsplit(h).fragment.split("-")[0] for h in hrefs}
    assert {"question", "solution", "answer", ""} <= kinds
    pages: dict[Path, Page] = {}
    broken = []
    for href in hrefs:
        parts = urlsplit(href)
        assert parts.path.startswith("/") and not parts.netloc, href
        target = out / unquote(parts.path).lstrip("/")
        if parts.path.endswith("/"):
            target /= "index.html"
        if not target.exists():
            broken.append(href)
        elif parts.fragment and unquote(parts.fragment) not in pages.setdefault(target, Page(target)).ids:
            broken.append(f"{href} (no such anchor)")
    assert broken == []
    # Following a result in the browser lands on its anchor.
    search.open(q=TRADITIONAL)
    search.page.click("#search-results > li:first-child h2 a")
    search.page.wait_for_load_state()
    assert search.page.url.endswith(QUESTION + "#question")
    assert search.page.query_selector("[id='question']") is not None


# ---------------------------------------------------------------------------- privacy of the index


def test_public_index_holds_no_private_string(sample, tmp_path):
    planted = plant_private(sample)
    public, owner = tmp_path / "public", tmp_path / "owner"
    assert main(["build", "--source", str(sample.root), "--out", str(public), "--quiet"]) == 0
    assert (public / "pagefind" / "pagefind-entry.json").stat().st_size > 0
    assert hits(public / "pagefind", planted["private"] + planted["unlisted"]) == []
    assert hits(public / "search", planted["private"] + planted["unlisted"]) == []
    # The same scan finds the nicknames the public may not see in the owner's index, and only
    # after decompressing it: it can fail.
    assert main(["build", "--source", str(sample.root), "--out", str(owner), "--audience", "owner",
                 "--quiet"]) == 0
    owner_hits = hits(owner / "pagefind", planted["unlisted"])
    assert {h.split(": ")[1] for h in owner_hits} >= set(planted["unlisted"])
    assert any(".pf_" in h.split(": ")[0] for h in owner_hits)
    raw = [p for p in (owner / "pagefind").rglob("*.pf_*")
           if any(n.encode() in p.read_bytes() for n in planted["unlisted"])]
    assert raw == []  # the .pf_ files are gzip: a scan without decompressing would miss them


# ---------------------------------------------------------------------------- shards


def test_an_edit_remakes_one_shard_and_the_cache_equals_a_fresh_index(indexed, tmp_path):
    from dataclasses import replace

    cache = tmp_path / "shards"
    cold = index.build_index(None, indexed, cache, shard_chars=SHARDED_CHARS)
    kept = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.marshal")}
    assert len(kept) == len(json.loads(cold["pagefind/shards.json"])) + 1 > 2
    # Nothing changed: every shard comes from the cache, and the bundle is the same bytes.
    assert index.build_index(None, indexed, cache, shard_chars=SHARDED_CHARS) == cold
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.marshal")} == kept
    # One answer edited: its shard alone is indexed again; the others keep their files.
    at = next(i for i, r in enumerate(indexed) if r.kind == "answer")
    edited = list(indexed)
    edited[at] = replace(indexed[at], text=indexed[at].text + " zqxjkv")
    warm = index.build_index(None, edited, cache, shard_chars=SHARDED_CHARS)
    now = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.marshal")}
    assert len(set(now) - set(kept)) == 1 and len(set(kept) - set(now)) == 1
    assert warm == index.build_index(None, edited, None, shard_chars=SHARDED_CHARS)

    def shards(bundle: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
        folders: dict[str, dict[str, bytes]] = {}
        for path, data in bundle.items():
            parts = path.split("/")
            folder = parts[1] if parts[1].startswith("shard-") else parts[0]
            folders.setdefault(folder, {})[path] = data
        return folders

    before, after = shards(cold), shards(warm)
    assert before.keys() == after.keys()
    assert len([folder for folder in before if before[folder] != after[folder]]) == 1


def test_an_unreadable_shard_cache_is_indexed_again(indexed, tmp_path):
    cache = tmp_path / "shards"
    cold = index.build_index(None, indexed, cache, shard_chars=SHARDED_CHARS)
    spoilt = sorted(cache.glob("*.marshal"))[1]
    spoilt.write_bytes(b"not marshal")
    assert index.build_index(None, indexed, cache, shard_chars=SHARDED_CHARS) == cold
    assert spoilt.read_bytes() != b"not marshal"


def test_pagefinds_are_given_records_one_at_a_time(indexed, monkeypatch):
    """Two Pagefinds given records side by side peaked together (640 MiB at 10,000 questions);
    one at a time, one grows while the other makes its files. The real Pagefinds run; only the
    moments each starts and stops receiving records are noted."""
    receiving: list[tuple[float, float]] = []
    send_records = index.Pagefind.pipeline

    def noted(pagefind, payloads):
        started = time.perf_counter()
        send_records(pagefind, payloads)
        receiving.append((started, time.perf_counter()))

    monkeypatch.setattr(index.Pagefind, "pipeline", noted)
    monkeypatch.setattr(index.os, "cpu_count", lambda: 2)
    bundle = index.build_index(None, indexed, None, shard_chars=SHARDED_CHARS)
    assert len(receiving) == len(json.loads(bundle["pagefind/shards.json"])) + 1 > 2
    ordered = sorted(receiving)
    assert all(before[1] <= after[0] for before, after in zip(ordered, ordered[1:]))
