"""Forked worker processes, shared by the stages that spread work over the cores. Below every
stage, so any may use it."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import multiprocessing
import multiprocessing.pool
import multiprocessing.queues
import os
import signal

try:
    import fcntl
except ImportError:  # Windows, where nothing is forked anyway
    fcntl = None

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


PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process (fs.pipe-max-size)


def roomy_queue() -> multiprocessing.queues.SimpleQueue:
    """A queue for forked workers to send large batches to a thread of this process while its
    main thread computes, over a pipe of `PIPE_BYTES` where the system allows it. The receiving
    thread takes the GIL back after every read of the pipe, which the busy main thread yields
    only every switch interval (5 ms): with the default 64 KiB pipe that moves about 13 MB/s,
    and a worker rendering Markdown ahead at 10,000 questions spent 1.25 s of its 4.3 s
    waiting to send."""
    queue = multiprocessing.get_context("fork").SimpleQueue()
    resize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if resize is not None:  # Linux
        try:
            fcntl.fcntl(queue._writer.fileno(), resize, PIPE_BYTES)
        except OSError:  # a lower ceiling or the user's pipe quota spent: the default pipe
            pass
    return queue


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
