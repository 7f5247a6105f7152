"""Write stage: the only code that touches the output folder.

A build is written into a fresh temporary folder beside the target, then swapped in with one
atomic `renameat2(RENAME_EXCHANGE)` (or, where the kernel lacks it, two renames), so a build
killed at any moment leaves the previous site as it was. A build holds a lock on its temporary
folder, so the next build removes a killed build's folder but never a running one's. The writer
records every path, refuses to write one twice and refuses any path that would leave the output
folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so leftovers are removed as before
    fcntl = None  # type: ignore[assignment]

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """A bug in a theme or the generator, never bad content: two files at one path, or a path
    outside the output folder."""


MARKER = ".shequn-output"  # written into every build, so a later build knows the folder is its own


def refuse_output(source: Path, out: Path) -> str | None:
    """Why `out` must not be a build's output folder, or None. A build replaces the whole folder,
    so it must not hold the records, nor be a folder of something else."""
    source, target = source.resolve(), out.resolve()
    if target == source or source.is_relative_to(target):
        return f"refusing to build into {out}: it holds the source folder"
    for inside in ("content", "themes"):
        if target.is_relative_to(source / inside):
            return f"refusing to build into {out}: it is inside the source's {inside}/"
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        return f"refusing to build into {out}: it is not empty and holds no earlier shequn build"
    return None


def _clean(rel: str) -> bool:
    """Whether `rel` is a clean relative POSIX path, which stays in the output folder: no empty,
    `.` or `..` part, nothing before or after."""
    return bool(rel) and not rel.startswith("/") and not any(part in ("", ".", "..") for part in rel.split("/"))


class StagedOutput:
    """Collects one build's files in a temporary folder; `commit()` swaps it into place."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.target)
        self.stage = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.build-", dir=self.target.parent))
        self._stage = str(self.stage)
        # Forked workers inherit the lock, so it lasts while any process may still write here.
        self.lock = _lock_folder(self.stage)
        self.written: set[str] = set()

    def write(self, rel: str, data: bytes) -> None:
        # With the os module's calls, not pathlib's: 20 µs a file instead of 36 (14,000 pages
        # at 10,000 questions).
        descriptor = os.open(self._place(rel), _NEW_FILE, 0o644)
        try:
            left = memoryview(data)
            while left:
                left = left[os.write(descriptor, left):]
        finally:
            os.close(descriptor)

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self._place(rel))  # by the kernel: the bytes never pass through Python

    def put_all(self, outputs: Iterable[tuple[str, bytes | Path]]) -> None:
        """Write each (path, bytes), or copy each (path, file)."""
        for rel, data in outputs:
            if isinstance(data, Path):
                self.copy(rel, data)
            else:
                self.write(rel, data)

    def _place(self, rel: str) -> str:
        """The staged path for `rel` (a clean path), its folder made; each path is given once."""
        if not _clean(rel):
            raise OutputError(f"refusing to write outside the output folder: {rel!r}")
        if rel in self.written:
            raise OutputError(f"two outputs want the same path: {rel}")
        self.written.add(rel)
        folder, _, _ = rel.rpartition("/")
        if folder:
            self._make_folder(folder)
        elif not os.path.isdir(self._stage):
            self._make_folder("")
        return f"{self._stage}/{rel}"

    def _make_folder(self, folder: str) -> None:
        """Make `folder` (relative) and its missing parents inside the staging folder, never the
        staging folder itself: if that is gone, someone removed it during the build."""
        if not folder:
            if not os.path.isdir(self._stage):
                raise FileNotFoundError(errno.ENOENT, "the staging folder was removed during the build",
                                        self._stage)
            return
        try:
            os.mkdir(f"{self._stage}/{folder}")
        except FileExistsError:
            pass
        except FileNotFoundError:
            self._make_folder(folder.rpartition("/")[0])
            try:
                os.mkdir(f"{self._stage}/{folder}")
            except FileExistsError:
                pass

    def claim(self, paths: Iterable[str]) -> None:
        """Count files other processes wrote into the staging folder (with `write`)."""
        for rel in paths:
            if rel in self.written:
                raise OutputError(f"two outputs want the same path: {rel}")
            self.written.add(rel)

    def commit(self) -> None:
        (self.stage / MARKER).write_text("built by shequn; the next build replaces this folder\n")
        os.chmod(self.stage, 0o755)
        if self.target.exists() and not os.access(self.target, os.W_OK | os.X_OK):
            raise PermissionError(13, "the output folder is read-only", str(self.target))
        if self.target.exists() and _exchange(self.stage, self.target):
            shutil.rmtree(self.stage, ignore_errors=True)  # now holds the previous build
        elif self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.target, old)
            os.rename(self.stage, self.target)
            shutil.rmtree(old)
        else:
            os.rename(self.stage, self.target)
        self._unlock()

    def abandon(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        _unlock(self.lock)
        self.lock = -1  # the number may be reused by the next file opened


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_stale(target: Path) -> None:
    """Leftovers of builds that were killed: their temporary folders, or a previous site moved
    aside by the two-rename fallback (restored when the target is missing)."""
    old = target.with_name(f".{target.name}.old")
    if old.exists() and not target.exists():
        os.rename(old, target)
    for leftover in target.parent.glob(f".{target.name}.build-*"):
        lock = _lock_folder(leftover)
        if lock != _HELD_BY_ANOTHER:  # a running build's folder is left to it
            shutil.rmtree(leftover, ignore_errors=True)
            _unlock(lock)


_HELD_BY_ANOTHER = -2


def _lock_folder(folder: Path) -> int:
    """An open descriptor holding an exclusive lock on `folder`; `_HELD_BY_ANOTHER` when another
    process holds it; -1 where there are no locks or the folder cannot be opened."""
    if fcntl is None:
        return -1
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return -1
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return _HELD_BY_ANOTHER
    except OSError:  # a file system without locks
        os.close(descriptor)
        return -1
    return descriptor


def _unlock(descriptor: int) -> None:
    if descriptor >= 0:
        os.close(descriptor)


class LiveOutput:
    """Updates a served output folder in place: a file is rewritten (temporary file, then an
    atomic rename) only when its bytes changed; files no longer produced are removed."""

    def __init__(self, target: Path, previous: dict[str, bytes]) -> None:
        self.target = target.resolve()
        self.previous = previous
        self.now: dict[str, bytes] = {}
        self.changed = 0

    def put(self, rel: str, data: bytes) -> None:
        if not _clean(rel) or rel in self.now:
            raise OutputError(f"refusing to write {rel!r}")
        digest = self.digest(data)
        self.now[rel] = digest
        if self.previous.get(rel) == digest and (self.target / rel).exists():
            return
        path = self.target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".write-", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        self.changed += 1

    @staticmethod
    def digest(data: bytes) -> bytes:
        return hashlib.blake2b(data, digest_size=16).digest()

    def remove_stale(self) -> None:
        for rel in set(self.previous) - set(self.now):
            (self.target / rel).unlink(missing_ok=True)
