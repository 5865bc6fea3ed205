"""The local engine: stages in this process, or in a pool of worker processes on this machine."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, TypeVar

from corpus_tools.engine.base import Engine, Handle
from corpus_tools.engine.lifeline import exit_with_parent
from corpus_tools.errors import check_choice, check_number, param_error

__all__ = ["PARALLEL_MIN_WORK", "LocalEngine", "available_cores"]

_R = TypeVar("_R")

#: With ``n_jobs=None``, a job smaller than this (in the caller's unit: characters of text)
#: runs in this process: starting worker processes would cost more than they save.
PARALLEL_MIN_WORK = 400_000

#: Items handed to the pool ahead of the results, per worker process: enough to keep every
#: worker busy, few enough that a lazy generator of items is not read far ahead.
AHEAD_PER_WORKER = 2


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class _Ready:
    """A handle to a value already in this process."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class _Pending:
    """A handle to a task of the process pool."""

    def __init__(self, future: cf.Future[Any]) -> None:
        self.future = future

    def result(self) -> Any:
        return self.future.result()


class _Lazy:
    """A handle to a partition of a Dask DataFrame, read (in this process) when used."""

    def __init__(self, delayed: Any) -> None:
        self.delayed = delayed

    def result(self) -> Any:
        return self.delayed.compute(scheduler="sync")


def _value(arg: Any) -> Any:
    return arg.result() if isinstance(arg, (_Ready, _Pending, _Lazy)) else arg


class LocalEngine(Engine):
    """Stages in this process (one job) or in a pool of worker processes (several).

    Parameters
    ----------
    n_jobs : int, optional
        Worker processes. ``None``: all cores for a large job (:meth:`map` with ``work``
        of at least 400,000, e.g. characters to segment), this process for a small one;
        ``-1``: all cores; ``1``: this process, no pool. Workers end with this process
        (:func:`~corpus_tools.engine.lifeline.exit_with_parent`): a ``kill -9`` of the main
        process leaves no worker behind.
    start_method : {"fork", "spawn", "forkserver"}, optional
        How worker processes start (default: the platform's).
    caller : str, default "LocalEngine"
        The function named in error messages (:func:`~corpus_tools.engine.as_engine`
        passes the capability that resolved the engine).

    Examples
    --------
    >>> with LocalEngine(n_jobs=2) as engine:
    ...     sorted(engine.map(pow, [2, 3, 4], 2))
    [(0, 4), (1, 9), (2, 16)]
    >>> engine.workers(), LocalEngine().workers(work=1000)
    (2, 1)
    """

    name = "local"

    def __init__(
        self,
        n_jobs: int | None = None,
        *,
        start_method: str | None = None,
        caller: str = "LocalEngine",
    ) -> None:
        super().__init__()
        if n_jobs is not None:
            check_number(n_jobs, "n_jobs", caller, kind=int)
            if n_jobs == 0 or n_jobs < -1:
                raise param_error("n_jobs", caller, "a positive int, -1 or None", n_jobs)
        if start_method is not None:
            check_choice(
                start_method, "start_method", caller, multiprocessing.get_all_start_methods()
            )
        self.n_jobs = n_jobs
        self.start_method = start_method
        self._pool: cf.ProcessPoolExecutor | None = None
        self._pool_size = 0

    def __repr__(self) -> str:
        return f"LocalEngine(n_jobs={self.n_jobs!r}, start_method={self.start_method!r})"

    # -- lifetime ----------------------------------------------------------------------

    def open(self) -> None:
        """Nothing to acquire: the pool starts with the first parallel stage."""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._pool_size = 0

    def _get_pool(self, jobs: int) -> cf.ProcessPoolExecutor:
        if self._pool is not None and self._pool_size != jobs:
            self.close()
        if self._pool is None:
            ctx = multiprocessing.get_context(self.start_method)
            # workers end with this process (no orphan after a kill -9): the kernel's
            # signal needs the starting thread to live as long as the process
            parent = None if ctx.get_start_method() == "forkserver" else os.getpid()
            main = threading.current_thread() is threading.main_thread()
            self._pool = cf.ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=ctx,
                initializer=exit_with_parent,
                initargs=(parent, main),
            )
            self._pool_size = jobs
        return self._pool

    # -- running stages ----------------------------------------------------------------

    @property
    def forks(self) -> bool:
        return multiprocessing.get_context(self.start_method).get_start_method() == "fork"

    def runs_here(self, work: int | None = None) -> bool:
        return self.workers(work) <= 1

    def workers(self, work: int | None = None) -> int:
        if self.n_jobs is None:
            return 1 if work is not None and work < PARALLEL_MIN_WORK else available_cores()
        if self.n_jobs == -1:
            return available_cores()
        return self.n_jobs

    def map(
        self,
        fn: Callable[..., _R],
        items: Iterable[Any],
        *shared: Any,
        work: int | None = None,
    ) -> Iterator[tuple[int, _R]]:
        self.check_open()
        jobs = self.workers(work)
        rest = iter(items)
        head = list(islice(rest, 2))
        if jobs <= 1 or len(head) < 2:  # one item is not worth a process
            for i, item in enumerate(chain(head, rest)):
                yield i, fn(item, *shared)
            return
        pool = self._get_pool(jobs)
        pending: dict[cf.Future[_R], int] = {}
        for i, item in enumerate(chain(head, rest)):
            pending[pool.submit(fn, item, *shared)] = i
            if len(pending) >= AHEAD_PER_WORKER * jobs:
                yield from _done(pending, cf.FIRST_COMPLETED)
        while pending:
            yield from _done(pending, cf.FIRST_COMPLETED)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle:
        self.check_open()
        values = [_value(a) for a in args]
        jobs = self.workers()
        if jobs <= 1:
            return _Ready(fn(*values))
        return _Pending(self._get_pool(jobs).submit(fn, *values))

    def scatter(self, value: Any) -> Handle:
        self.check_open()
        return _Ready(value)

    def gather(self, handles: Sequence[Handle]) -> list[Any]:
        return [_value(h) for h in handles]

    def as_completed(self, handles: Sequence[Handle]) -> Iterator[tuple[int, Any]]:
        futures: dict[cf.Future[Any], int] = {}
        for k, h in enumerate(handles):
            if isinstance(h, _Pending):
                futures[h.future] = k
            else:
                yield k, _value(h)
        while futures:
            yield from _done(futures, cf.FIRST_COMPLETED)

    def partitions(self, frame: Any) -> list[Handle]:
        return [_Lazy(d) for d in frame.to_delayed()]


def _done(pending: dict[cf.Future[_R], int], when: str) -> Iterator[tuple[int, _R]]:
    """Wait for some of ``pending``; yield ``(index, result)`` of those done, removed."""
    done, _ = cf.wait(pending, return_when=when)
    for fut in sorted(done, key=pending.__getitem__):
        yield pending.pop(fut), fut.result()
