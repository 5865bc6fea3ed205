"""The toolkit's exceptions and the argument checks every public function uses.

Every error raised on purpose derives from :class:`CorpusToolsError` and also from the
built-in it stands for (``ValueError``, ``TypeError``, ``OSError``), so callers can catch
either. Messages follow one format, the one scikit-learn uses::

    The 'threshold' parameter of find_near_duplicates must be a float in [0, 1]. Got 1.5 instead.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: The release from which the parameter names renamed in 0.2 are no longer accepted.
RENAMED_REMOVED_IN = "0.3"


class CorpusToolsError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class InvalidParameterError(CorpusToolsError, ValueError):
    """An argument of a public function has a wrong value or type."""


class InputReadError(CorpusToolsError, OSError):
    """An input file could not be read; ``path`` and ``reason`` say which and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NoDocumentsError(CorpusToolsError, ValueError):
    """Nothing readable was found in the inputs; ``errors`` (when a load raised it) is the
    table of the inputs that could not be read (``path``, ``reason``)."""

    def __init__(self, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.errors = errors


class IndexFormatError(CorpusToolsError, ValueError):
    """A persistent index is corrupt, truncated or of another format version."""


class NotFittedError(CorpusToolsError, ValueError, AttributeError):
    """An estimator-like object was used before it was fitted."""


class OutputError(CorpusToolsError, OSError):
    """An output file could not be written."""


class IndexBusyError(OutputError, TimeoutError):
    """Another process held the index's writer lock for longer than the timeout."""


class IndexChangedError(OutputError):
    """The index on disk changed since this one was loaded from it: saving would lose the
    documents another process added."""


class EngineError(InvalidParameterError):
    """The engine named by the arguments cannot run the job: its scheduler cannot be
    reached, or dask is not installed. One message for every capability::

        The 'scheduler' parameter of keyword_table must be the address of a running dask
        scheduler (start one with 'dask scheduler'). 'tcp://head:8786' cannot be reached: ...
    """


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def param_error(name: str, func: str, allowed: str, got: Any) -> InvalidParameterError:
    """Build the one message format for a bad argument."""
    return InvalidParameterError(
        f"The {name!r} parameter of {func} must be {allowed}. Got {_fmt(got)} instead."
    )


def check_number(
    value: Any,
    name: str,
    func: str,
    *,
    kind: type = float,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
    """Check that ``value`` is a number of ``kind`` in the interval; return it.

    ``kind=int`` refuses floats and bools; ``kind=float`` accepts ints too.
    """
    if kind is int:  # numpy integers too
        ok_type = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        kind_name = "an int"
    else:
        ok_type = isinstance(value, numbers.Real) and not isinstance(value, bool)
        kind_name = "a float"
    interval = ""
    if low is not None or high is not None:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else _num(low)
        hi = "inf" if high is None else _num(high)
        interval = f" in {left}{lo}, {hi}{right}"
    allowed = kind_name + interval
    if not ok_type:
        raise param_error(name, func, allowed, value)
    if isinstance(value, numbers.Real) and math.isnan(value):
        raise param_error(name, func, allowed, value)
    if low is not None and (value < low or (low_open and value == low)):
        raise param_error(name, func, allowed, value)
    if high is not None and (value > high or (high_open and value == high)):
        raise param_error(name, func, allowed, value)
    return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def check_choice(value: Any, name: str, func: str, choices: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``choices``; return it."""
    options = list(choices)
    if value not in options:
        listed = ", ".join(_fmt(c) for c in options)
        raise param_error(name, func, f"one of {{{listed}}}", value)
    return value


def check_type(value: Any, name: str, func: str, types: type | tuple[type, ...], what: str) -> Any:
    """Check ``isinstance(value, types)``; ``what`` says it in words ("a str")."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise param_error(name, func, what, value if _short(value) else type(value).__name__)
    return value


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, str, type(None))) and len(repr(value)) < 80


def check_columns(frame: Any, name: str, func: str, columns: Iterable[str]) -> None:
    """Check that ``frame`` is a DataFrame holding ``columns``."""
    import pandas as pd

    required = list(columns)
    if not isinstance(frame, pd.DataFrame):
        raise param_error(
            name, func, f"a pandas DataFrame with columns {required}", type(frame).__name__
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"The {name!r} parameter of {func} must be a DataFrame with columns {required}. "
            f"Columns {missing} are missing; it has {list(frame.columns)}."
        )


def renamed(**old_to_new: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Keep the old names of renamed keyword parameters working for one release.

    ``@renamed(top_n="top")`` on a function lets ``f(top_n=5)`` run as ``f(top=5)`` with a
    :class:`DeprecationWarning` that names the new parameter; giving both is an error. The
    signature a type checker sees is the new one.

    Examples
    --------
    >>> @renamed(top_n="top")
    ... def show(*, top: int = 10) -> int:
    ...     return top
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     show(top_n=3), str(seen[0].message)
    (3, "The 'top_n' parameter of show is renamed 'top'; 'top_n' will stop working in \
corpus-tools 0.3.")
    """

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        name = getattr(func, "__qualname__", getattr(func, "__name__", "function"))

        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            for old, new in old_to_new.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise InvalidParameterError(
                        f"{name} got both {old!r} and {new!r}, which is its new name. "
                        f"Give {new!r} only."
                    )
                warnings.warn(
                    f"The {old!r} parameter of {name} is renamed {new!r}; {old!r} will stop "
                    f"working in corpus-tools {RENAMED_REMOVED_IN}.",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper

    return decorate
