#!/usr/bin/env python3
"""What a reader's browser pays for one search on a built site: time, requests and bytes.

    python bench/search_browser.py OUT [--query 社群 --query 社群 ...] [--runs 3]

OUT is a site built with search (`shequn build`), served here over HTTP on 127.0.0.1 as a
static host would. For each query, Debian's Chromium (driven by Playwright) opens the real
search page, `/search/?q=…`, in a fresh browser context (cold: nothing cached) and waits for
the status line to give the count; then, in the same tab, the next query of the list is typed
(warm: the shards' entry files and Pagefind's WebAssembly are loaded, the new words' index
chunks and the results' fragments are not). Printed per query: the median milliseconds from
navigation (cold) or Enter (warm) to the count, the requests and kilobytes under /pagefind/
and /search/, and the results shown. A large archive's index is cut into
shards that the browser merges, so this is where their number shows.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

QUERIES = ["社群", "社区", "留存率", "retention rate", "知識庫 workflow"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # as the tests


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


# The count replaces "searching…" in the status line once the results are shown.
_FINISHED = """() => { const status = document.getElementById("search-status").textContent.trim();
                       return status !== "" && !status.includes("…"); }"""


def settle(page, timeout: float = 120.0) -> str:
    """The status line once the search has finished (watched inside the page, not polled)."""
    page.wait_for_function(_FINISHED, timeout=timeout * 1000)
    return page.inner_text("#search-status").strip()


def measure(browser, base: str, query: str, then: str) -> tuple[dict, dict]:
    """The figures of `query` in a fresh context (cold), then of `then` typed next (warm)."""
    context = browser.new_context()
    page = context.new_page()
    seen: list = []
    page.on("requestfinished", lambda request: seen.append(request))

    def figures(started: float) -> dict:
        status = settle(page)
        elapsed = (time.perf_counter() - started) * 1000
        ours = [r for r in seen if "/pagefind/" in r.url or "/search/" in r.url and r.url.endswith(".json")]
        size = sum(r.sizes()["responseBodySize"] for r in ours)
        shown = page.eval_on_selector_all("#search-results > li", "items => items.length")
        return {"ms": elapsed, "requests": len(ours), "kb": size / 1024, "shown": shown, "status": status}

    started = time.perf_counter()
    page.goto(f"{base}/search/?q={quote(query)}")
    cold = figures(started)
    seen.clear()
    page.eval_on_selector("#search-status", "line => { line.textContent = ''; }")  # not the last count
    page.fill("#search-q", then)
    started = time.perf_counter()
    page.press("#search-q", "Enter")
    warm = figures(started)
    context.close()
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--query", action="append", help=f"repeatable; default {QUERIES}")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    shards = 1 + len(list((args.out / "pagefind").glob("shard-*")))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"{args.out}: {shards} shard(s); median of {args.runs} runs")
    print(f"{'query':<18} {'cold ms':>8} {'req':>5} {'KB':>7}   {'warm ms':>8} {'req':>5} {'KB':>7}   shown")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            queries = args.query or QUERIES
            cold: dict[str, list[dict]] = {q: [] for q in queries}
            warm: dict[str, list[dict]] = {q: [] for q in queries}
            for _ in range(args.runs):
                for query, then in zip(queries, queries[1:] + queries[:1]):
                    first, second = measure(browser, base, query, then)
                    cold[query].append(first)
                    warm[then].append(second)
            for query in queries:
                c, w = ({k: statistics.median(r[k] for r in runs) for k in ("ms", "requests", "kb")}
                        for runs in (cold[query], warm[query]))
                print(f"{query:<18} {c['ms']:8.0f} {c['requests']:5.0f} {c['kb']:7.0f}   "
                      f"{w['ms']:8.0f} {w['requests']:5.0f} {w['kb']:7.0f}   {cold[query][-1]['shown']}")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
