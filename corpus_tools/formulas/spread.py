"""How formulas spread over a metadata field: first and last value, documents per value.

The values of the field (``year``, ``province``, ``date`` ...) are ordered as the field
sorts: numbers by value, text in code-point order (a field that mixes types is ordered by
the text of its values). A document without a value is left out of the spread.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> values = pd.Series([2024, 2025, 2025, None])
>>> order, codes = field_codes(values)
>>> order, codes.tolist()
([2024, 2025], [0, 1, 1, -1])
>>> table = spread_table(np.array([0, 0, 1]), np.array([0, 1, 2]), codes, order)
>>> table.to_dict("records")[0]
{'group': 0, 'value': 2024, 'doc_freq': 1, 'docs': 1, 'share': 1.0}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.formulas.suffixes import distinct

__all__ = ["field_codes", "first_last", "spread_table"]


def _sorted_values(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # a field that mixes numbers and text
        return sorted(values, key=str)


def field_codes(values: pd.Series) -> tuple[list[Any], npt.NDArray[np.int64]]:
    """The field's distinct values in their sort order, and each document's position in it
    (-1 for a document without a value)."""
    present = values.notna().to_numpy()
    kept = values[present]
    if kept.dtype.kind == "f" and bool((kept == kept.round()).all()):
        kept = kept.astype(np.int64)  # a year column holding NaN is read as float
    order = _sorted_values(pd.unique(kept).tolist())
    position = {v: i for i, v in enumerate(order)}
    codes = np.full(len(values), -1, dtype=np.int64)
    codes[present] = [position[v] for v in kept.tolist()]
    return order, codes


def _pairs(
    group: npt.NDArray[np.int64], doc: npt.NDArray[np.int64], codes: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(group, value code) of the group-document pairs whose document has a value."""
    code = codes[doc]
    ok = code >= 0
    return group[ok], code[ok]


def first_last(
    group: npt.NDArray[np.int64],
    doc: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64],
    order: list[Any],
    n_groups: int,
) -> tuple[list[Any], list[Any]]:
    """The first and last value (in ``order``) of the documents of each group (None for a
    group none of whose documents has a value)."""
    g, c = _pairs(group, doc, codes)
    lo = np.full(n_groups, len(order), dtype=np.int64)
    hi = np.full(n_groups, -1, dtype=np.int64)
    np.minimum.at(lo, g, c)
    np.maximum.at(hi, g, c)
    first = [order[i] if i < len(order) else None for i in lo.tolist()]
    last = [order[i] if i >= 0 else None for i in hi.tolist()]
    return first, last


def spread_table(
    group: npt.NDArray[np.int64],
    doc: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64],
    order: list[Any],
) -> pd.DataFrame:
    """One row per group and value it occurs in: ``group``, ``value``, ``doc_freq`` (its
    documents with that value), ``docs`` (the corpus's documents with that value),
    ``share`` (``doc_freq / docs``); by group, then value order.

    ``group`` and ``doc`` are distinct (group, document) pairs.
    """
    g, c = _pairs(group, doc, codes)
    width = max(len(order), 1)
    key, freq = distinct(g * width + c)
    per_value = np.bincount(codes[codes >= 0], minlength=len(order))
    code = key % width
    return pd.DataFrame(
        {
            "group": (key // width).astype(np.int64),
            "value": pd.Series([order[i] for i in code.tolist()], dtype=object),
            "doc_freq": freq.astype(np.int64),
            "docs": per_value[code].astype(np.int64),
            "share": (freq / per_value[code]).astype(np.float64),
        }
    )
