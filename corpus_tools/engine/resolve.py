"""One resolver from a capability's ``engine=`` and ``scheduler=`` arguments to an :class:`Engine`."""

from __future__ import annotations

from typing import Any

from corpus_tools.engine.base import Engine
from corpus_tools.engine.cluster import DaskEngine
from corpus_tools.engine.local import LocalEngine
from corpus_tools.errors import InvalidParameterError, check_type, param_error

__all__ = ["ENGINES", "as_engine"]

#: The names ``engine=`` takes (besides an :class:`Engine`).
ENGINES = ("local", "dask")


def as_engine(
    engine: str | Engine | None = "local",
    *,
    scheduler: str | None = None,
    n_jobs: int | None = None,
    start_method: str | None = None,
    func: str = "as_engine",
) -> Engine:
    """The engine a capability runs on, from its ``engine=`` and ``scheduler=`` arguments.

    Checks the arguments now; the engine connects (or starts its cluster) when it is
    opened with ``with engine:``, and an unreachable scheduler raises
    :class:`~corpus_tools.errors.EngineError` then, with the same message whichever
    capability asked.

    Parameters
    ----------
    engine : {"local", "dask"}, Engine or None, default "local"
        ``"local"`` (or None): :class:`LocalEngine` with ``n_jobs`` and ``start_method``;
        ``"dask"``: :class:`DaskEngine` on ``scheduler`` (default: the session's client,
        else a local cluster); an :class:`Engine`: itself.
    scheduler : str, optional
        Address of a dask scheduler; only with ``engine="dask"``.
    n_jobs, start_method : optional
        Local engine only, as for :class:`LocalEngine` (a Dask cluster decides its own
        processes).
    func : str, default "as_engine"
        The capability named in error messages.

    Returns
    -------
    Engine

    Examples
    --------
    >>> as_engine("local", n_jobs=2)
    LocalEngine(n_jobs=2, start_method=None)
    >>> as_engine("dask", scheduler="tcp://head:8786")
    DaskEngine('tcp://head:8786')
    >>> as_engine("local", scheduler="tcp://head:8786", func="segment_corpus")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.InvalidParameterError: The 'scheduler' parameter of segment_corpus \
needs engine='dask'. Got engine='local'.
    """
    local = LocalEngine(n_jobs, start_method=start_method, caller=func)  # checks n_jobs too
    if isinstance(engine, Engine):
        if scheduler is not None:
            raise InvalidParameterError(
                f"The 'scheduler' parameter of {func} goes with engine='dask' only; an Engine "
                f"brings its own (DaskEngine(scheduler=...)). Got engine={engine!r}."
            )
        return engine
    if engine is None:
        engine = "local"
    if not isinstance(engine, str) or engine not in ENGINES:
        raise param_error("engine", func, "one of {'local', 'dask'}, None or an Engine", engine)
    if scheduler is not None:
        check_type(scheduler, "scheduler", func, str, "an address such as 'tcp://host:8786'")
        if engine != "dask":
            raise InvalidParameterError(
                f"The 'scheduler' parameter of {func} needs engine='dask'. Got engine={engine!r}."
            )
    if engine == "dask":
        return DaskEngine(scheduler=scheduler, caller=func)
    return local


def is_local(engine: Any) -> bool:
    """True for the names of the default engine (``"local"``, None)."""
    return engine is None or (isinstance(engine, str) and engine == "local")
