"""Progress bars on a terminal (stderr), silence when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress_enabled(enabled: bool | None) -> bool:
    """``None`` means: only when stderr is a terminal."""
    if enabled is None:
        return sys.stderr.isatty()
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
