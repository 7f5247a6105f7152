"""Shared fixtures: every test works on real files, in a copy of the sample community."""

from __future__ import annotations

import contextlib
import functools
import shutil
import socket
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str


class Site:
    """A copy of a community on disk, with helpers to plant defects and find where they are."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).parent.mkdir(parents=True, exist_ok=True)
        self.path(rel).write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, 1))

    def set_field(self, rel: str, key: str, value: str) -> None:
        """Replace the first top-level `key: …` line (YAML file or front matter)."""
        lines = self.read(rel).split("\n")
        for index, line in enumerate(lines):
            if line.startswith(f"{key}:"):
                lines[index] = f"{key}: {value}"
                self.write(rel, "\n".join(lines))
                return
        raise AssertionError(f"no '{key}:' line in {rel}")

    def replace_block(self, rel: str, key: str, line: str) -> None:
        """Replace a top-level `key:` and the indented lines under it by one line."""
        lines = self.read(rel).split("\n")
        start = next(i for i, l in enumerate(lines) if l.startswith(f"{key}:"))
        end = start + 1
        while end < len(lines) and lines[end].startswith((" ", "-")):
            end += 1
        self.write(rel, "\n".join(lines[:start] + [line] + lines[end:]))

    def locate(self, rel: str, needle: str, after: str = "") -> str:
        """`rel:line:column` (1-based) of the first `needle` that follows the first `after`."""
        text = self.read(rel)
        offset = text.index(needle, text.index(after) + len(after) if after else 0)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return f"{rel}:{line}:{column}"

    def questions(self, week: str) -> list[str]:
        folder = self.path(f"content/weeks/{week}")
        return sorted(p.name for p in folder.iterdir() if p.is_dir())

    def answers(self, week: str, slug: str) -> list[str]:
        folder = self.path(f"content/weeks/{week}/{slug}/answers")
        return sorted(p.stem for p in folder.glob("*.md"))


@pytest.fixture
def sample(tmp_path: Path) -> Site:
    """A fresh copy of the sample community (site.yaml and content/)."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return Site(root)


@pytest.fixture
def shequn(capsys):
    """Run the `shequn` command in this process; returns exit code and what it printed."""

    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


# ---------------------------------------------------------------------------- local HTTP


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for a server started in another process)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Quiet(SimpleHTTPRequestHandler):
    """Serves files without logging; the server keeps the path of every request."""

    def log_message(self, *args) -> None:
        pass

    def log_request(self, code="-", size="-") -> None:
        self.server.requested.append(self.path)


class StaticServer:
    """A folder served over HTTP on 127.0.0.1 (a port of its own) by a thread, as a static host
    would: `url` has no trailing slash; `requested` lists the paths asked for, in order.
    A context manager: it stops on leaving."""

    def __init__(self, folder: Path) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        self.httpd.requested = []
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requested(self) -> list[str]:
        return self.httpd.requested

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> "StaticServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------------------- a real browser

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, never a browser Playwright downloads
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def chromium():
    """Debian's Chromium driven by Playwright, closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
