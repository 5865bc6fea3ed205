"""The Dask engine: stages as tasks of a ``dask.distributed`` cluster.

Where the work runs: the ``client`` given; else a new connection to the scheduler at
``scheduler`` (``"tcp://host:8786"``, started with ``dask scheduler`` + ``dask worker`` or
by ``dask-jobqueue`` on SLURM); else the current default client of the session (a
notebook's ``Client()``); else a ``LocalCluster`` of worker processes on all cores, started
when the engine opens and closed when it closes.

Examples
--------
>>> from corpus_tools.engine import DaskEngine
>>> import corpus_tools as ct
>>> with DaskEngine(scheduler="tcp://head:8786") as engine:          # doctest: +SKIP
...     result = ct.find_near_duplicates(docs, engine=engine)
...     table = ct.keyword_table(docs, by="year", engine=engine)
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from corpus_tools.engine.base import Engine, Handle
from corpus_tools.engine.local import available_cores
from corpus_tools.errors import (
    EngineError,
    InvalidParameterError,
    check_number,
    check_type,
    param_error,
)

__all__ = ["DaskEngine", "get_client", "legacy_dask_engine"]

_R = TypeVar("_R")

#: Items sent to the cluster ahead of the results, per worker (see :meth:`DaskEngine.map`).
AHEAD_PER_WORKER = 2

_ADDRESS = "an address such as 'tcp://host:8786'"


def _import_distributed(caller: str) -> Any:
    try:
        import distributed
    except ImportError:  # pragma: no cover - dask is an optional dependency
        raise EngineError(
            f"{caller} needs dask.distributed to run on Dask: pip install 'corpus-tools[dask]'."
        ) from None
    return distributed


def _connect(scheduler: str, timeout: float | None, caller: str, *, default: bool = False) -> Any:
    """A client of the scheduler at ``scheduler``; the one error when it cannot be reached.

    ``default``: make it the session's default client (as ``Client(address)`` does).
    """
    distributed = _import_distributed(caller)
    options: dict[str, Any] = {"set_as_default": default}
    if timeout is not None:
        options["timeout"] = timeout
    try:
        _probe(scheduler, timeout)
        return distributed.Client(scheduler, **options)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineError(
            f"The 'scheduler' parameter of {caller} must be the address of a running "
            f"dask scheduler (start one with 'dask scheduler'). {scheduler!r} cannot be "
            f"reached: {exc}"
        ) from None


def _probe(scheduler: str, timeout: float | None) -> None:
    """Fail fast (OSError) when a ``tcp://`` scheduler does not accept connections: a
    ``Client`` that fails to connect lingers until it is garbage-collected, and then waits
    again to close."""
    import dask
    from dask.utils import parse_timedelta
    from distributed.comm import parse_address, parse_host_port

    scheme, location = parse_address(scheduler)
    if scheme != "tcp":
        return
    host, port = parse_host_port(location)
    if timeout is None:
        timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    with socket.create_connection((host, port), timeout=timeout):
        pass


def _local_cluster(
    caller: str, n_workers: int | None, threads_per_worker: int, memory_limit: Any
) -> Any:
    distributed = _import_distributed(caller)
    return distributed.LocalCluster(
        n_workers=n_workers or available_cores(),
        threads_per_worker=threads_per_worker,
        processes=True,
        memory_limit=memory_limit,
        dashboard_address=":0",  # any free port: 8787 may be taken by another cluster
        silence_logs=logging.ERROR,
    )


def _is_delayed(value: Any) -> bool:
    from dask.delayed import Delayed

    return isinstance(value, Delayed)


class DaskEngine(Engine):
    """Stages as tasks of a ``dask.distributed`` cluster.

    Parameters
    ----------
    client : distributed.Client, optional
        Run on this client's cluster (left open on closing the engine).
    scheduler : str, optional
        Or connect to the scheduler at this address (``"tcp://head:8786"``; ``dask
        scheduler`` prints it). Without either: the session's default client, else a
        ``LocalCluster`` started for the engine's lifetime.
    n_workers : int, optional
        Local cluster only: worker processes (default: one per core).
    threads_per_worker : int, default 1
        Local cluster only. The stages are pure Python and hold the GIL: use processes.
    memory_limit : str, float or None, default "auto"
        Local cluster only: per worker (``"2GiB"``; ``"auto"`` shares the machine's memory).
    timeout : float, optional
        Seconds to wait for the scheduler at ``scheduler`` (default: dask's
        ``distributed.comm.timeouts.connect``, 30 s).
    caller : str, default "DaskEngine"
        The function named in error messages (:func:`~corpus_tools.engine.as_engine`
        passes the capability that resolved the engine).

    Raises
    ------
    EngineError
        On opening, when the scheduler cannot be reached (or dask is not installed).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> with DaskEngine(scheduler="tcp://head:8786") as engine:       # doctest: +SKIP
    ...     tokens = ct.segment_corpus(docs, engine=engine)
    ...     engine.client.dashboard_link
    """

    name = "dask"

    def __init__(
        self,
        client: Any = None,
        scheduler: str | None = None,
        *,
        n_workers: int | None = None,
        threads_per_worker: int = 1,
        memory_limit: str | float | None = "auto",
        timeout: float | None = None,
        caller: str = "DaskEngine",
    ) -> None:
        super().__init__()
        if scheduler is not None:
            check_type(scheduler, "scheduler", caller, str, _ADDRESS)
        if n_workers is not None:
            check_number(n_workers, "n_workers", caller, kind=int, low=1)
        check_number(threads_per_worker, "threads_per_worker", caller, kind=int, low=1)
        if timeout is not None:
            check_number(timeout, "timeout", caller, low=0, low_open=True)
        if client is not None:
            distributed = _import_distributed(caller)
            if not isinstance(client, distributed.Client):
                raise param_error(
                    "client", caller, "a distributed.Client or None", type(client).__name__
                )
            if scheduler is not None:
                raise InvalidParameterError(
                    f"The 'client' and 'scheduler' parameters of {caller} are exclusive: give "
                    f"one. Got client={client!r} and scheduler={scheduler!r}."
                )
        self.scheduler = scheduler
        self.n_workers = n_workers
        self.threads_per_worker = threads_per_worker
        self.memory_limit = memory_limit
        self.timeout = timeout
        self.caller = caller
        self._given = client
        #: The ``distributed.Client`` the stages run on, while the engine is open.
        self.client: Any = None
        self._owned: list[Any] = []

    def __repr__(self) -> str:
        where = self.scheduler or ("client" if self._given is not None else "local cluster")
        return f"DaskEngine({where!r})"

    # -- lifetime ----------------------------------------------------------------------

    def open(self) -> None:
        if self._given is not None:
            self.client = self._given
            return
        if self.scheduler is not None:
            self.client = _connect(self.scheduler, self.timeout, self.caller)
            self._owned = [self.client]
            return
        distributed = _import_distributed(self.caller)
        try:
            current = distributed.default_client()
        except ValueError:
            current = None
        if current is not None and current.status == "running":
            self.client = current
            return
        cluster = _local_cluster(
            self.caller, self.n_workers, self.threads_per_worker, self.memory_limit
        )
        self.client = distributed.Client(cluster, set_as_default=False)
        self._owned = [self.client, cluster]

    def close(self) -> None:
        owned, self._owned = self._owned, []
        self.client = None
        for thing in owned:
            thing.close()

    # -- running stages ----------------------------------------------------------------

    def workers(self, work: int | None = None) -> int:
        self.check_open()
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(
        self,
        fn: Callable[..., _R],
        items: Iterable[Any],
        *shared: Any,
        work: int | None = None,
    ) -> Iterator[tuple[int, _R]]:
        self.check_open()
        from distributed import as_completed

        client = self.client
        ahead = AHEAD_PER_WORKER * self.workers(work)
        index: dict[str, int] = {}
        running = as_completed(loop=client.loop)  # (our client need not be the default)
        for i, item in enumerate(items):
            # scattered one at a time: workers start while later items are prepared
            [data] = client.scatter([item], hash=False)
            fut = client.submit(fn, data, *shared, pure=False)
            index[fut.key] = i
            running.add(fut)
            del data
            if running.count() >= ahead:
                yield _finished(next(running), index)
        for fut in running:
            yield _finished(fut, index)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle:
        self.check_open()
        if any(_is_delayed(a) for a in args):
            import dask

            return self.client.compute(dask.delayed(fn, pure=False)(*args))
        return self.client.submit(fn, *args, pure=False)

    def scatter(self, value: Any) -> Handle:
        self.check_open()
        [handle] = self.client.scatter([value], hash=False)
        return handle

    def gather(self, handles: Sequence[Handle]) -> list[Any]:
        self.check_open()
        futures = [self.client.compute(h) if _is_delayed(h) else h for h in handles]
        return list(self.client.gather(futures))

    def as_completed(self, handles: Sequence[Handle]) -> Iterator[tuple[int, Any]]:
        self.check_open()
        from distributed import as_completed

        index = {h.key: k for k, h in enumerate(handles)}
        for fut in as_completed(list(handles), loop=self.client.loop):
            yield _finished(fut, index)

    def partitions(self, frame: Any) -> list[Handle]:
        return list(frame.to_delayed())


def _finished(fut: Any, index: dict[str, int]) -> tuple[int, Any]:
    """``(index, result)`` of a finished future, released on the cluster."""
    value = fut.result()
    fut.release()
    return index.pop(fut.key), value


@contextlib.contextmanager
def get_client(
    scheduler: str | None = None,
    *,
    n_workers: int | None = None,
    threads_per_worker: int = 1,
    memory_limit: str | float | None = "auto",
    timeout: float = 30.0,
) -> Iterator[Any]:
    """A ``dask.distributed`` client, closed (with its local cluster) on leaving the block.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``"tcp://head:8786"``). Default: start a
        ``LocalCluster`` of worker processes on this machine.
    n_workers, threads_per_worker, memory_limit
        Local cluster only, as for :class:`DaskEngine`.
    timeout : float, default 30
        Seconds to wait for the scheduler at ``scheduler``.

    Yields
    ------
    distributed.Client

    Examples
    --------
    >>> import corpus_tools as ct
    >>> with get_client() as client:                        # doctest: +SKIP
    ...     tokens = ct.segment_corpus(docs, engine=DaskEngine(client))
    """
    func = "get_client"
    if scheduler is not None:
        check_type(scheduler, "scheduler", func, str, _ADDRESS)
    if n_workers is not None:
        check_number(n_workers, "n_workers", func, kind=int, low=1)
    check_number(threads_per_worker, "threads_per_worker", func, kind=int, low=1)
    check_number(timeout, "timeout", func, low=0, low_open=True)
    distributed = _import_distributed(func)
    if scheduler is not None:
        with _connect(scheduler, timeout, func, default=True) as client:
            yield client
        return
    cluster = _local_cluster(func, n_workers, threads_per_worker, memory_limit)
    with cluster, distributed.Client(cluster) as client:
        yield client


def legacy_dask_engine(old: str, new: str, client: Any, scheduler: str | None) -> DaskEngine:
    """The engine of a deprecated ``*_dask`` function, with its DeprecationWarning.

    ``old`` is the deprecated function, ``new`` the capability that replaces it.
    """
    import warnings

    warnings.warn(
        f"{old} is deprecated and will be removed in corpus-tools 0.3: call "
        f"{new}(..., engine=DaskEngine(client=..., scheduler=...)) or engine='dask'.",
        DeprecationWarning,
        stacklevel=3,
    )
    return DaskEngine(client=client, scheduler=scheduler, caller=old)
