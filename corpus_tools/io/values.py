"""Missing values, told apart without importing pandas (the readers need no table)."""

from __future__ import annotations

import math
import sys
from typing import Any

__all__ = ["is_missing"]


def is_missing(value: Any) -> bool:
    """None, ``pd.NA``, ``pd.NaT`` or a float NaN (numpy's too), without importing pandas:
    while pandas is not loaded, no value can be one of its missing markers.

    Examples
    --------
    >>> import pandas as pd
    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, "", 0)]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):  # numpy's float64 is a float too
        return math.isnan(value)
    pd = sys.modules.get("pandas")
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return True
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.floating) and bool(np.isnan(value))
