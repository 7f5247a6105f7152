"""`shequn serve` for real: a server on a free port, edits on disk, reload and error events."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, free_port


class Events:
    def __init__(self, port: int) -> None:
        self.seen: list[tuple[str, str]] = []
        self.lock = threading.Condition()
        threading.Thread(target=self.listen, args=(port,), daemon=True).start()

    def listen(self, port: int) -> None:
        event = None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__shequn/events", timeout=120) as stream:
            for raw in stream:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event:
                    with self.lock:
                        self.seen.append((event, line[6:]))
                        self.lock.notify_all()

    def wait(self, kind: str, after: int, timeout: float = 60) -> str:
        deadline = time.time() + timeout
        with self.lock:
            while time.time() < deadline:
                for event, data in self.seen[after:]:
                    if event == kind:
                        return data
                self.lock.wait(timeout=0.2)
        raise AssertionError(f"no {kind} event within {timeout} s; saw {self.seen[after:]}")


@pytest.fixture
def server(tmp_path):
    source = tmp_path / "site"
    source.mkdir()
    shutil.copy2(REPO / "site.yaml", source / "site.yaml")
    shutil.copytree(REPO / "content", source / "content")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--source", str(source),
                                "--port", str(port)], cwd=REPO, stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if line.startswith("serving "):
            break
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(process.stderr), daemon=True).start()
    yield source, port, log
    process.terminate()
    assert process.wait(timeout=30) is not None


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def raw_get(port: int, path: str) -> int:
    """A request line sent as written: no client-side normalisation of `..`."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return int(sock.recv(100).split()[1])


def test_edit_reloads_and_errors_show_then_clear(server):
    source, port, log = server
    status, home = get(port, "/")
    assert status == 200 and "/__shequn/reload.js" in home
    events = Events(port)
    time.sleep(0.5)
    answer = sorted(source.glob("content/weeks/2026-W36/*/answers/*.md"))[0]
    slug = answer.parent.parent.name
    mark = len(events.seen)
    answer.write_text(answer.read_text(encoding="utf-8") + "\n即時預覽的標記 LIVEMARK-1\n", encoding="utf-8")
    events.wait("reload", mark)
    assert "LIVEMARK-1" in get(port, f"/questions/{slug}/")[1]
    # The file watcher named the answer, so only the pages showing its text were made again.
    deadline = time.time() + 10
    while not any("only the pages showing the edited text" in line for line in log) and time.time() < deadline:
        time.sleep(0.1)
    assert any("only the pages showing the edited text" in line for line in log), log

    mark = len(events.seen)
    week = source / "content/weeks/2026-W36/week.yaml"
    good = week.read_text(encoding="utf-8")
    week.write_text(good.replace("moderator:", "moderator: [unclosed\nx:", 1), encoding="utf-8")
    overlay = events.wait("errors", mark)
    assert "content/weeks/2026-W36/week.yaml:" in overlay and "error" in overlay
    assert "LIVEMARK-1" in get(port, f"/questions/{slug}/")[1]  # the last good site is still served

    mark = len(events.seen)
    week.write_text(good, encoding="utf-8")
    events.wait("reload", mark)


def test_only_the_output_folder_is_served(server):
    source, port, _ = server
    (source / "secret.txt").write_text("top secret", encoding="utf-8")
    for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/..%2fsite.yaml", "/static/..%2f..%2fsite.yaml",
                 "/%2e%2e%2f%2e%2e%2fsecret.txt", "/..\\site.yaml", "/%00", "//etc/passwd"):
        assert raw_get(port, path) == 404, path
    assert raw_get(port, "/static/style.css") == 200
