"""`shequn serve`: build, serve the output on localhost, watch the sources, rebuild and reload.

- Only the output folder is served; a path that normalises outside it is a 404.
- Rebuilds keep parsed record files by modification time and rendered Markdown by content, so
  an edit re-reads one file; pages whose bytes did not change are not rewritten.
- The browser reloads through server-sent events (`/__shequn/events`); content errors show as an
  overlay with `path:line:column`, and the last good site stays served.
"""

from __future__ import annotations

import json
import os
import posixpath
import queue
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostic, has_errors, ordered

EVENTS_PATH = "/__shequn/events"
CLIENT_PATH = "/__shequn/reload.js"
CLIENT_JS = """// shequn serve: reload on rebuild, show content errors over the page.
const source = new EventSource("/__shequn/events");
source.addEventListener("reload", () => location.reload());
source.addEventListener("errors", (event) => {
  let box = document.getElementById("shequn-errors");
  if (!box) {
    box = document.createElement("pre");
    box.id = "shequn-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1em;" +
      "background:#2b0b0b;color:#ffd7d7;font:13px/1.5 monospace;z-index:2147483647;white-space:pre-wrap";
    document.body.append(box);
  }
  box.textContent = JSON.parse(event.data).join("\\n");
});
source.addEventListener("clear", () => document.getElementById("shequn-errors")?.remove());
"""
INJECT = f'<script src="{CLIENT_PATH}"></script>'.encode()


@dataclass
class Broadcaster:
    """Fans server-sent events out to every connected page."""

    clients: list[queue.Queue] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_errors: list[str] = field(default_factory=list)

    def subscribe(self) -> queue.Queue:
        box: queue.Queue = queue.Queue()
        with self.lock:
            self.clients.append(box)
        if self.last_errors:
            box.put(("errors", json.dumps(self.last_errors, ensure_ascii=False)))
        return box

    def unsubscribe(self, box: queue.Queue) -> None:
        with self.lock:
            if box in self.clients:
                self.clients.remove(box)

    def send(self, event: str, data: str = "{}") -> None:
        with self.lock:
            for box in self.clients:
                box.put((event, data))


def safe_path(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `root`, or None when it would leave it (`..`, encoded
    or not, backslashes, NUL) or names nothing."""
    path = unquote(urlsplit(url_path).path)
    if "\x00" in path or "\\" in path:
        return None
    normal = posixpath.normpath("/" + path.lstrip("/"))
    if any(part == ".." for part in normal.split("/")):
        return None
    target = (root / normal.lstrip("/")).resolve()
    base = root.resolve()
    if target != base and not target.is_relative_to(base):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def make_handler(root: Path, events: Broadcaster, stopping: threading.Event):
    class Handler(SimpleHTTPRequestHandler):
        server_version = "shequn"

        def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows rebuilds
            pass

        def do_GET(self) -> None:
            if self.path.startswith(EVENTS_PATH):
                return self.stream_events()
            if self.path.startswith(CLIENT_PATH):
                return self.send_bytes(CLIENT_JS.encode(), "text/javascript; charset=utf-8")
            target = safe_path(root, self.path)
            if target is None:
                missing = root / "404.html"
                body = missing.read_bytes() if missing.is_file() else b"not found"
                return self.send_bytes(self.inject(body), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
            if not urlsplit(self.path).path.endswith("/") and (root / unquote(urlsplit(self.path).path).lstrip("/")).is_dir():
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.end_headers()
                return None
            body = target.read_bytes()
            kind = self.guess_type(str(target))
            if target.suffix == ".html":
                body, kind = self.inject(body), "text/html; charset=utf-8"
            return self.send_bytes(body, kind)

        def do_HEAD(self) -> None:
            self.do_GET()

        def inject(self, body: bytes) -> bytes:
            marker = body.rfind(b"</body>")
            return body[:marker] + INJECT + body[marker:] if marker != -1 else body + INJECT

        def send_bytes(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def stream_events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            box = events.subscribe()
            try:
                self.wfile.write(b": connected\n\n")
                self.wfile.flush()
                while not stopping.is_set():
                    try:
                        event, data = box.get(timeout=1.0)
                    except queue.Empty:
                        self.wfile.write(b": ping\n\n")
                    else:
                        self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                events.unsubscribe(box)

    return Handler


class Rebuilder:
    """Rebuilds after changes, at most one at a time, coalescing bursts of events."""

    def __init__(self, build: Callable[[set[Path]], tuple[list[Diagnostic], int]], events: Broadcaster,
                 report: Callable[[str], None], after: Callable[[], None] = lambda: None,
                 describe: Callable[[], str] = lambda: "") -> None:
        self.build, self.events, self.report, self.after, self.describe = build, events, report, after, describe
        self.pending = threading.Event()
        self.touched: set[Path] = set()  # what changed since the last rebuild began
        self.lock = threading.Lock()
        self.indexing = False  # the search index is being remade, beside the rebuilds
        self.index_again = False
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self) -> None:
        while not self.stopping.is_set():
            if not self.pending.wait(timeout=0.2):
                continue
            time.sleep(0.03)  # editors write a file in several steps
            with self.lock:
                self.pending.clear()
                touched, self.touched = self.touched, set()
            self.run_once(touched)

    def changed(self, path: Path) -> None:
        with self.lock:
            self.touched.add(path)
            self.pending.set()

    def run_once(self, touched: set[Path] = frozenset()) -> None:
        started = time.perf_counter()
        try:
            diagnostics, changed = self.build(touched)
        except Exception as exc:  # a bug must not stop the rebuilds: say it, keep serving
            self.report(f"rebuild failed: {type(exc).__name__}: {exc}; still serving the last good site")
            return
        elapsed = (time.perf_counter() - started) * 1000
        shown = ordered(diagnostics)
        if has_errors(shown):
            lines = [str(d) for d in shown]
            self.events.last_errors = lines
            self.events.send("errors", json.dumps(lines, ensure_ascii=False))
            self.report("\n".join(lines) + f"\nrebuild failed after {elapsed:.0f} ms; still serving the last good site")
        else:
            self.events.last_errors = []
            self.events.send("clear")
            self.events.send("reload")
            self.report(f"rebuilt in {elapsed:.0f} ms ({changed} files changed{self.describe()})")
            self.index_soon()

    def index_soon(self) -> None:
        """Remake the search index (`after`) in a thread of its own: on a large archive it takes
        minutes, and the next edit must not wait for it. Edits meanwhile ask for one more run."""
        with self.lock:
            if self.indexing:
                self.index_again = True
                return
            self.indexing = True
        threading.Thread(target=self._index, daemon=True).start()

    def _index(self) -> None:
        while True:
            started = time.perf_counter()
            try:
                self.after()
                self.report(f"search index updated in {(time.perf_counter() - started) * 1000:.0f} ms")
            except Exception as exc:  # the site is served all the same; the next edit tries again
                self.report(f"search index not updated: {exc}")
            with self.lock:
                if not self.index_again or self.stopping.is_set():
                    self.indexing = False
                    return
                self.index_again = False


def watch(paths: list[tuple[Path, bool]], on_change: Callable[[Path], None], ignore: Path):
    """Watch (path, recursive) folders; `on_change(path)` for any change outside `ignore`."""
    from watchdog.events import (
        DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent,
        FileModifiedEvent, FileMovedEvent, FileSystemEventHandler,
    )
    from watchdog.observers import Observer

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            if event.is_directory and event.event_type == "modified":
                return  # a folder's time changes with a file in it, which has its own event
            # A save by renaming a temporary file over the record changes the destination.
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                touched = Path(os.fsdecode(raw)) if raw else None
                if touched is None or touched.is_relative_to(ignore) or touched.name.startswith((".", "#")) \
                        or touched.name.endswith("~"):
                    continue
                on_change(touched)

    # Only writes, creations, deletions and moves: reading the 60,000 files of a large archive
    # would otherwise fill inotify's queue with "opened" events, overflow it, and make watchdog
    # rescan the tree again and again while the edits that matter are lost.
    wanted = [FileModifiedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileMovedEvent,
              DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
    observer = Observer()
    for path, recursive in paths:
        if path.is_dir():
            observer.schedule(Changed(), str(path), recursive=recursive, event_filter=wanted)
    observer.start()
    return observer


def serve(source: Path, audience: str, out: Path, bind: str, port: int, report: Callable[[str], None]) -> None:
    """Build, serve and rebuild on change until interrupted (Ctrl-C)."""
    from .build import LiveSite, build_site, load_markdown_cache

    first = build_site(source, audience, out)
    events = Broadcaster()
    if first.out is None:
        lines = [str(d) for d in ordered(first.diagnostics)]
        events.last_errors = lines
        report("\n".join(lines) + "\nthe site has errors; serving what was built before, if anything")
    out.mkdir(parents=True, exist_ok=True)
    cache = source / "build" / ".cache"
    live = LiveSite(source, audience, out, load_markdown_cache(cache, audience),
                    search_cache=cache / f"search-{audience}")
    live.adopt()
    stopping = threading.Event()
    server = ThreadingHTTPServer((bind, port), make_handler(out, events, stopping))
    server.daemon_threads = True
    rebuilder = Rebuilder(lambda touched: live.rebuild(touched=touched), events, report, after=live.reindex,
                          describe=lambda: "; only the pages showing the edited text" if live.fast else "")
    rebuilder.thread.start()
    rebuilder.pending.set()  # read every record once now, so the first edit is as fast as the next
    observer = watch([(source / "content", True), (source / "themes", True), (source, False)],
                     rebuilder.changed, ignore=source / "build")
    host, actual_port = server.server_address[:2]
    report(f"serving {out} at http://{host}:{actual_port}/ (Ctrl-C stops)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        report("stopping")
    finally:
        stopping.set()
        rebuilder.stopping.set()
        observer.stop()
        server.server_close()
        observer.join(timeout=5)
