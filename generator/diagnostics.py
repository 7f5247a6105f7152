"""Located diagnostics: the one way every stage reports a problem with the records.

Stages never raise for bad content; they return diagnostics, and the CLI prints them all at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Loc:
    """A place in the source tree: a path relative to the source folder, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    loc: Loc
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.severity}: {printable(self.message)}"

    def sort_key(self) -> tuple:
        return (self.loc.path, self.loc.line, self.loc.column, self.severity, self.message)


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\n\r]")


def printable(text: str) -> str:
    """Control, line-separator and bidi characters from record values shown as escapes, so a
    message stays one line and cannot drive the terminal."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def error(loc: Loc, message: str) -> Diagnostic:
    return Diagnostic(loc, "error", message)


def warning(loc: Loc, message: str) -> Diagnostic:
    return Diagnostic(loc, "warning", message)


def escalate(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """`--strict`: every warning becomes an error."""
    return [Diagnostic(d.loc, "error", d.message) for d in diagnostics]


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by path, line and column, duplicates removed (two stages may see the same fault)."""
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def count_line(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def as_text(diagnostics: list[Diagnostic]) -> str:
    return "".join(f"{d}\n" for d in diagnostics) + count_line(diagnostics) + "\n"


def as_json(diagnostics: list[Diagnostic]) -> str:
    rows = [
        {
            "path": d.loc.path,
            "line": d.loc.line,
            "column": d.loc.column,
            "severity": d.severity,
            "message": d.message,
        }
        for d in diagnostics
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # The workflow-command escaping GitHub's runner documents (toolkit/core/src/command.ts).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(diagnostics: list[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        props = ",".join(
            (
                f"file={_github_escape(d.loc.path, property_value=True)}",
                f"line={d.loc.line}",
                f"col={d.loc.column}",
            )
        )
        lines.append(f"::{d.severity} {props}::{_github_escape(d.message)}\n")
    return "".join(lines) + count_line(diagnostics) + "\n"


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
