"""Names a package re-exports, imported on first use (one mechanism for every package).

A package's ``__init__`` lists its public names with the module each comes from, imports
them under ``TYPE_CHECKING`` (so a type checker sees real, typed names) and at run time
lets :func:`lazy_exports` import a module only when one of its names is first asked for:
``import corpus_tools`` or ``corpus_tools.dedup`` then loads neither pandas nor the engines.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Mapping, MutableMapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    exports: Mapping[str, str],
    namespace: MutableMapping[str, Any],
    *,
    subpackages: Collection[str] = (),
    extra: Collection[str] = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``.

    ``exports`` maps each public name to the module defining it; the first lookup imports
    that module and keeps the value in ``namespace`` (the package's ``globals()``), so the
    next one costs nothing. ``subpackages`` are imported as attributes; ``extra`` names
    (``__version__``) are listed by ``dir`` too.

    Examples
    --------
    >>> space = {}
    >>> get, names = lazy_exports("pkg", {"sqrt": "math"}, space)
    >>> get("sqrt")(9.0), "sqrt" in space, names()
    (3.0, True, ['sqrt'])
    """

    def __getattr__(name: str) -> object:
        if name in subpackages:
            return importlib.import_module(f"{package}.{name}")
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*exports, *extra])

    return __getattr__, __dir__
