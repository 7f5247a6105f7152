"""Cache files in `build/.cache/`: marshal dicts, written atomically, read as empty when missing
or unreadable (a cache is only ever an optimisation). Below every stage, so any may keep one."""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path


def load_cache(path: Path) -> dict:
    """A cache file written by `save_cache`, or an empty one when missing or unreadable (a
    cache is only ever an optimisation)."""
    try:
        with open(path, "rb") as handle:
            data = marshal.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, EOFError, ValueError, TypeError):
        return {}


def save_cache(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            marshal.dump(data, out)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
