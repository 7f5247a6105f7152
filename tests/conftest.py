"""Shared fixtures: every test works on real files, in a copy of the sample community."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
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
