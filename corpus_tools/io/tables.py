"""The dtypes of the toolkit's tables: one rule for every table it makes.

* **Text** columns (ids, titles, texts, sources, reasons, terms) have pandas' string dtype
  ``string[python]`` (:data:`STRING_DTYPE`), missing values ``pd.NA``, on pandas 2 and 3
  alike. Not ``object`` (which says nothing of what a column holds) and not pandas 3's
  default ``str`` (Arrow storage), which would copy every document's text into an Arrow
  buffer and back each time a capability reads it (``tolist()``).
* **Integer** columns stay integer: ``int64``, or pandas' nullable ``Int64`` when some values
  are missing (a ``year`` one record lacks is ``<NA>``, not a float ``NaN`` that turns every
  year into ``2019.0``). Booleans likewise: ``bool``, or ``boolean`` with missing values.
* Other columns (floats, lists, mixed values) are left as they are.

:func:`column_array` makes a column from Python values under that rule and
:func:`with_table_dtypes` applies it to a table a capability built.

Examples
--------
>>> import pandas as pd
>>> frame = with_table_dtypes(pd.DataFrame({"term": ["三会一课"], "year": [2021]}))
>>> [str(t) for t in frame.dtypes]
['string', 'int64']
>>> column_array([2019, None, 2021]).dtype
Int64Dtype()
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus_tools.io.values import is_missing  # shared with the readers, which need no pandas

__all__ = ["STRING_DTYPE", "column_array", "errors_frame", "is_missing", "with_table_dtypes"]

#: The dtype of every text column of the toolkit's tables.
STRING_DTYPE = pd.StringDtype("python")


def _kind(values: Sequence[Any]) -> str:
    """``"str"``, ``"bool"``, ``"int"`` when every present value is one, else ``"other"``."""
    kinds = set()
    for v in values:
        if is_missing(v):
            continue
        if isinstance(v, str):
            kinds.add("str")
        elif isinstance(v, (bool, np.bool_)):
            kinds.add("bool")
        elif isinstance(v, numbers.Integral):
            kinds.add("int")
        else:
            return "other"
        if len(kinds) > 1:
            return "other"
    return kinds.pop() if kinds else "none"


#: Types of values whose column kind (:func:`_kind`) the type alone tells.
_PLAIN_KINDS = {str: "str", int: "int", bool: "bool"}


def column_array(values: Sequence[Any]) -> Any:
    """A column of a table made from Python values, under the rule of this module.

    Examples
    --------
    >>> column_array(["a", None]).dtype == STRING_DTYPE
    True
    >>> column_array([1, 2]).dtype
    dtype('int64')
    """
    types = set(map(type, values))
    missing = type(None) in types
    types.discard(type(None))
    plain = _PLAIN_KINDS.get(types.pop()) if len(types) == 1 else None
    if plain is not None:  # every value a str (an int, a bool) or None: known in C
        kind = plain
    else:
        kind = _kind(values)
        missing = any(is_missing(v) for v in values)
    if kind == "str":
        if not missing:
            return pd.array(list(values), dtype=STRING_DTYPE)
        return pd.array([pd.NA if is_missing(v) else v for v in values], dtype=STRING_DTYPE)
    if kind == "int":
        if missing:
            return pd.array([pd.NA if is_missing(v) else int(v) for v in values], dtype="Int64")
        return np.asarray(values, dtype=np.int64)
    if kind == "bool":
        if missing:
            return pd.array([pd.NA if is_missing(v) else bool(v) for v in values], "boolean")
        return np.asarray(values, dtype=bool)
    if kind == "none":  # nothing present: a text column with no text yet
        return pd.array([pd.NA] * len(values), dtype=STRING_DTYPE)
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def with_table_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns as ``string[python]`` and its integer (boolean)
    columns with missing values as ``Int64`` (``boolean``); a new frame, ``frame`` is not
    changed.

    Examples
    --------
    >>> frame = pd.DataFrame({"doc_id": ["a", "b"], "year": [2021, None]}, dtype=object)
    >>> with_table_dtypes(frame).dtypes.astype(str).tolist()
    ['string', 'Int64']
    """
    out = frame.copy(deep=False)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.StringDtype):
            if col.dtype != STRING_DTYPE:
                out.isetitem(i, col.astype(STRING_DTYPE))
        elif col.dtype == object:
            out.isetitem(i, pd.Series(column_array(col.tolist()), index=col.index))
    return out


def errors_frame(errors: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The table of unreadable inputs: ``path``, ``reason`` (both string).

    Examples
    --------
    >>> errors_frame([("a.txt", "empty: no text")]).to_dict("records")
    [{'path': 'a.txt', 'reason': 'empty: no text'}]
    """
    return pd.DataFrame(
        {
            "path": pd.array([str(p) for p, _ in errors], dtype=STRING_DTYPE),
            "reason": pd.array([str(r) for _, r in errors], dtype=STRING_DTYPE),
        }
    )
