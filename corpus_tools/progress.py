"""Progress bars: on a terminal (stderr) and in Jupyter (a widget), silent when piped.

Every long call of the toolkit takes ``progress``:

* ``None`` (the default): a bar on a terminal or in a notebook, shown only once the call
  has run for :data:`DELAY` seconds, so quick calls print nothing; nothing when the output
  is piped or captured (a script, a test, ``corpus-tools ... | jq``);
* ``True``: a bar at once, wherever stderr goes;
* ``False``: no bar.

In Jupyter the bar is a widget (``tqdm.auto``) when ``ipywidgets`` is installed
(``pip install corpus-tools[notebook]``), and text in the cell's output when it is not,
with no warning. Long calls name their stage in the bar (``formulas: suffix array``,
``keywords: segmenting``), so a bar that stays still says what it waits for.

Examples
--------
>>> from corpus_tools.progress import progress_bar, progress_enabled
>>> progress_enabled(False), progress_enabled(True)
(False, True)
>>> sum(progress_bar(range(4), desc="adding", enabled=False))
6
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "DELAY",
    "in_notebook",
    "progress_bar",
    "progress_counter",
    "progress_enabled",
    "set_stage",
]

#: Seconds a call runs before its bar appears when ``progress=None``: a call quicker than
#: this shows nothing.
DELAY = 1.5


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (a notebook, JupyterLab, VS Code).

    Looked up without importing IPython: a script never pays for it.

    Examples
    --------
    >>> in_notebook()
    False
    """
    if "ipykernel" not in sys.modules:
        return False
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        shell = get_ipython()
    except Exception:  # an IPython half torn down at exit
        return False
    if shell is None:
        return False
    # the kernel's shell (ZMQInteractiveShell), or one configured by a kernel app
    return type(shell).__name__ == "ZMQInteractiveShell" or "IPKernelApp" in getattr(
        shell, "config", {}
    )


def progress_enabled(enabled: bool | None) -> bool:
    """Whether to show a bar: ``None`` means on a terminal (stderr) or in a notebook."""
    if enabled is None:
        return _isatty() or in_notebook()
    return bool(enabled)


def _isatty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def _bar_class() -> Any:
    """tqdm's widget bar in a notebook with ipywidgets, its text bar anywhere else."""
    if in_notebook():
        with warnings.catch_warnings():
            # tqdm warns "IProgress not found" in a notebook without ipywidgets, then
            # falls back to its text bar: the text bar is what we want, without the warning
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm as auto_tqdm
        return auto_tqdm
    from tqdm import tqdm as text_tqdm

    return text_tqdm


def _make_bar(
    enabled: bool | None, *, desc: str, unit: str, total: int | None, items: Any = None
) -> Any:
    """A bar over ``items`` (or to update by hand), shown after :data:`DELAY` seconds when
    ``enabled`` is None and at once when it is True."""
    delay = DELAY if enabled is None else 0.0
    return _bar_class()(
        items, desc=desc, unit=unit, total=total, file=sys.stderr, leave=False, delay=delay
    )


def progress_bar(
    items: Iterable[T],
    *,
    desc: str,
    unit: str = "doc",
    total: int | None = None,
    enabled: bool | None = None,
) -> Iterator[T]:
    """Iterate ``items`` with a bar labelled ``desc`` when enabled (see
    :func:`progress_enabled`)."""
    if not progress_enabled(enabled):
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    bar = _make_bar(enabled, desc=desc, unit=unit, total=total, items=items)
    try:
        yield from bar
    finally:
        bar.close()


@contextmanager
def progress_counter(
    *, desc: str, unit: str = "doc", total: int | None = None, enabled: bool | None = None
) -> Iterator[Any]:
    """A bar to ``update(n)`` by hand (a stream of unknown length, stages of a job), or
    None when off."""
    if not progress_enabled(enabled):
        yield None
        return
    bar = _make_bar(enabled, desc=desc, unit=unit, total=total)
    try:
        yield bar
    finally:
        bar.close()


def set_stage(bar: Any, label: str) -> None:
    """Name the stage a bar of :func:`progress_counter` is at (``"formulas: suffix array"``);
    nothing when the bar is None (off). A bar already on screen shows it at once.

    Examples
    --------
    >>> with progress_counter(desc="job", total=2, enabled=False) as bar:
    ...     set_stage(bar, "job: reading")
    >>> bar is None
    True
    """
    if bar is None:
        return
    bar.set_description_str(label, refresh=False)
    # a bar still within its delay stays hidden; past it, the new stage shows now
    if time.time() - bar.start_t >= bar.delay:
        bar.refresh()
