"""The interface of an engine: where the stage functions of a job run.

A capability (segmentation, keyword counts, near-duplicates) cuts its job into stage
functions, plain picklable functions of their arguments, and runs them through an
:class:`Engine`; it never learns whether they ran in this process, in a pool of local
processes or on a Dask cluster, and the result is the same byte for byte.

Two ways to run stages:

* :meth:`Engine.map` for independent items (batches of texts, chunks of documents): the
  results come back to this process as they are done, with the index of their item;
* :meth:`Engine.submit` / :meth:`Engine.scatter` / :meth:`Engine.gather` for a plan
  whose intermediate results stay where they were computed (a worker) and are passed,
  as handles, to later stages (the partitioned near-duplicate search).

An engine is a context manager. Entering an engine that is already open does nothing and
leaving that inner block leaves it open: a capability enters the engine it is given, so an
engine the caller opened stays open across calls (a Dask cluster started once), and an
engine not yet opened is opened for the call and closed after it.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["Engine", "Handle"]

_E = TypeVar("_E", bound="Engine")
_R = TypeVar("_R")

#: A stage's result where it was computed (a worker's memory, for a Dask engine): pass it
#: to :meth:`Engine.submit` as an argument, or bring it here with :meth:`Engine.gather`.
Handle = Any


class Engine(abc.ABC):
    """Where a job's stage functions run; see :mod:`corpus_tools.engine`.

    Subclasses implement :meth:`open`, :meth:`close`, :meth:`workers`, :meth:`map`,
    :meth:`submit`, :meth:`scatter`, :meth:`gather`, :meth:`as_completed` and
    :meth:`partitions`; the lifetime (``with engine:``, re-entrant) is implemented here.

    Examples
    --------
    >>> from corpus_tools.engine import LocalEngine
    >>> with LocalEngine(n_jobs=1) as engine:
    ...     sorted(engine.map(len, ["三会一课", "XX社区"]))
    [(0, 4), (1, 4)]
    """

    #: The name ``engine=`` takes for this kind of engine ("local", "dask").
    name: str = "engine"

    def __init__(self) -> None:
        self._depth = 0

    # -- lifetime ----------------------------------------------------------------------

    def __enter__(self: _E) -> _E:
        if self._depth == 0:
            self.open()
        self._depth += 1
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.close()

    @property
    def is_open(self) -> bool:
        """True inside a ``with engine:`` block."""
        return self._depth > 0

    def check_open(self) -> None:
        """Refuse to run a stage outside a ``with engine:`` block."""
        if not self.is_open:
            raise RuntimeError(
                f"{type(self).__name__} is not open: run its stages inside 'with engine:'."
            )

    @abc.abstractmethod
    def open(self) -> None:
        """Acquire what the engine runs on (called on entering the outermost block)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release it (called on leaving the outermost block)."""

    # -- running stages ----------------------------------------------------------------

    @property
    def forks(self) -> bool:
        """True when tasks run in this process or in processes forked from it, which
        inherit what this process has loaded (load a dictionary before :meth:`map`)."""
        return False

    def runs_here(self, work: int | None = None) -> bool:
        """True when :meth:`map` with this ``work`` runs the stages in this process: their
        results are not sent between processes, so a caller need not pack them."""
        return False

    @abc.abstractmethod
    def workers(self, work: int | None = None) -> int:
        """How many tasks run at once for a job of ``work`` units (None: a large job).

        :meth:`map` with the same ``work`` runs that many at once; callers size their
        batches by it.
        """

    @abc.abstractmethod
    def map(
        self,
        fn: Callable[..., _R],
        items: Iterable[Any],
        *shared: Any,
        work: int | None = None,
    ) -> Iterator[tuple[int, _R]]:
        """``fn(item, *shared)`` for every item, as ``(index of the item, result)`` pairs.

        Results come in the order they are done (not necessarily the items' order); the
        items are read lazily, a few per worker ahead of the results, so a generator of
        items can prepare each one (read a cache) just in time. ``work`` (the size of the
        whole job, in the caller's unit: characters for text) lets an engine run a small
        job in this process.
        """

    @abc.abstractmethod
    def submit(self, fn: Callable[..., Any], *args: Any) -> Handle:
        """Start ``fn(*args)``; handles among ``args`` stand for their values."""

    @abc.abstractmethod
    def scatter(self, value: Any) -> Handle:
        """Send ``value`` to a worker once; pass the handle to :meth:`submit`."""

    @abc.abstractmethod
    def gather(self, handles: Sequence[Handle]) -> list[Any]:
        """The values of ``handles``, in their order."""

    @abc.abstractmethod
    def as_completed(self, handles: Sequence[Handle]) -> Iterator[tuple[int, Any]]:
        """``(position in handles, value)`` of each handle as it is done; each handle
        is released once its value is here."""

    @abc.abstractmethod
    def partitions(self, frame: Any) -> list[Handle]:
        """The partitions of a Dask DataFrame, as handles read where a task uses them
        (each use reads the partition again: nothing is held in between)."""
