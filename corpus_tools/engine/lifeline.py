"""Worker processes that end with their parent: no orphan left when the main process dies.

A worker of a process pool that outlives its parent (``kill -9`` of the main process, an
out-of-memory kill) holds its memory and may block for ever writing a result nobody reads.
:func:`exit_with_parent`, run first in every worker of the local engine's pool, ends the
worker when its parent is gone:

* on Linux the kernel sends the worker SIGKILL as its parent dies
  (``prctl(PR_SET_PDEATHSIG)``), whatever the worker is doing;
* on every platform a daemon thread of the worker checks ``os.getppid()`` (a dead parent's
  children are given to another process) every :data:`WATCH_SECONDS` and ends the worker
  with :data:`ORPHAN_EXIT` when it changed;
* the worker ends on SIGTERM (the CLI's handler, inherited through ``fork``, turns SIGTERM
  into KeyboardInterrupt, which a worker blocked in a pipe write would not act on).

Dask's worker processes watch their nanny the same way (``distributed`` ends a worker whose
parent's pipe closes), so :class:`~corpus_tools.engine.DaskEngine` needs nothing more.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

__all__ = ["ORPHAN_EXIT", "WATCH_SECONDS", "exit_with_parent", "parent_death_signal"]

#: Seconds between two checks of the parent by a worker's watchdog thread (where the
#: kernel cannot signal the parent's death, an orphan ends within this time).
WATCH_SECONDS = 0.5

#: Exit status of a worker ended because its parent died (128 + SIGKILL, as if killed).
ORPHAN_EXIT = 137

#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``: the signal sent when the parent dies.
_PR_SET_PDEATHSIG = 1


def parent_death_signal(signum: int) -> bool:
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux).

    Returns False where that is not available (other systems, no libc): the watchdog
    thread of :func:`exit_with_parent` covers them. The signal is sent when the *thread*
    that started this process ends; :func:`exit_with_parent` asks for it only when the
    pool was started from the parent's main thread.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(ORPHAN_EXIT)


def exit_with_parent(parent: int | None, kernel_signal: bool = True) -> None:
    """End this worker process when its parent dies (a pool's ``initializer``).

    Parameters
    ----------
    parent : int or None
        The pid of the process that started the pool, when it is also this worker's
        parent (start methods "fork" and "spawn"); None when a server process starts the
        workers ("forkserver": the server ends with the pool's process, and its workers
        with it). A worker whose parent is already gone ends at once.
    kernel_signal : bool, default True
        Also ask the kernel for SIGKILL on the parent's death (Linux): immediate, even in
        a long computation that holds the GIL. Give False when the pool was started from
        a thread that may end before the process (the kernel signals the death of the
        starting thread).

    Examples
    --------
    >>> import concurrent.futures as cf, os
    >>> with cf.ProcessPoolExecutor(1, initializer=exit_with_parent,
    ...                             initargs=(os.getpid(),)) as pool:
    ...     pool.submit(abs, -3).result()
    3
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if kernel_signal:
        parent_death_signal(signal.SIGKILL)
    current = os.getppid()
    if parent is not None and current != parent:  # died before the signal was asked for
        os._exit(ORPHAN_EXIT)
    threading.Thread(target=_watch, args=(current,), name="exit-with-parent", daemon=True).start()
