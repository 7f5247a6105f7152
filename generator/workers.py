"""Forked worker processes, shared by the stages that spread work over the cores. Below every
stage, so any may use it."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import multiprocessing
import multiprocessing.pool
import os
import signal

_PR_SET_PDEATHSIG = 1


def can_fork(workers: int, size: int, threshold: int) -> bool:
    """Whether `size` jobs are worth forking `workers` processes for."""
    return workers >= 2 and size >= threshold and "fork" in multiprocessing.get_all_start_methods()


def forked_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers that die with the process that forked them. A worker that
    outlived a killed build would go on writing into its staging folder, which the next build
    has removed, and would keep a core busy for nothing."""
    _libc()  # loaded here, so the workers inherit it
    return multiprocessing.get_context("fork").Pool(workers, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    prctl = libc_function("prctl")
    if prctl is not None:  # Linux; elsewhere a worker still stops when its task queue closes
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def return_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's `malloc_trim`) after a stage let go
    of what it no longer needs: glibc keeps them for the process otherwise, and the next stage
    would run beside them."""
    trim = libc_function("malloc_trim")
    if trim is not None:  # glibc
        trim(0)


def libc_function(name: str):
    """A function of the C library, or None where it has none (not Linux, not glibc)."""
    libc = _libc()
    return getattr(libc, name, None) if libc is not None else None


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, loaded once for every caller."""
    path = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(path) if path else None
    except OSError:
        return None
