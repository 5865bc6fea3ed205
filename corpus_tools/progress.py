"""Progress bars on a terminal (stderr) or in a notebook, silence when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def in_notebook() -> bool:
    """True inside a Jupyter kernel (whose stderr is not a terminal but shows a bar)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def progress_enabled(enabled: bool | None) -> bool:
    """``None`` means: only when stderr is a terminal, or in a notebook."""
    if enabled is None:
        return sys.stderr.isatty() or in_notebook()
    return bool(enabled)


def progress_bar(
    items: Iterable[T],
    *,
    desc: str,
    unit: str = "doc",
    total: int | None = None,
    enabled: bool | None = None,
) -> Iterator[T]:
    """Iterate ``items`` with a tqdm bar on stderr when enabled (see :func:`progress_enabled`)."""
    if not progress_enabled(enabled):
        yield from items
        return
    from tqdm import tqdm

    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    yield from tqdm(items, desc=desc, unit=unit, total=total, file=sys.stderr, leave=False)


@contextmanager
def progress_counter(
    *, desc: str, unit: str = "doc", total: int | None = None, enabled: bool | None = None
) -> Iterator[Any]:
    """A tqdm bar to ``update(n)`` by hand (a stream of unknown length), or None when off."""
    if not progress_enabled(enabled):
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)
    try:
        yield bar
    finally:
        bar.close()
