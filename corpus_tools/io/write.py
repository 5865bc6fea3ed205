"""Writing outputs so that an interrupted run never leaves a half-written file, and tables
that a spreadsheet opens without running anything in them.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> folder = tempfile.mkdtemp()
>>> path = write_table(pd.DataFrame({"word": ["三会一课"], "count": [3]}),
...                    os.path.join(folder, "counts.csv"))
>>> open(path, encoding="utf-8-sig").read()
'word,count\\n三会一课,3\\n'
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from corpus_tools.errors import check_type, param_error
from corpus_tools.io.atomic import atomic_write
from corpus_tools.io.tables import column_array, is_missing

__all__ = [
    "LIST_SEPARATOR",
    "TABLE_SUFFIXES",
    "for_spreadsheet",
    "is_formula_like",
    "write_table",
]

#: Table formats by extension.
TABLE_SUFFIXES = (".parquet", ".csv", ".xlsx")
#: What list cells (a topic's terms) are joined with in CSV and Excel files; parquet keeps lists.
LIST_SEPARATOR = "; "
#: Cell beginnings that make a spreadsheet program read a cell as a formula (OWASP's list:
#: ``=``, ``+``, ``-``, ``@``, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: ... unless the cell is a plain number, which stays as it is.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")
#: Excel's limits: characters in a cell, rows and columns in a sheet.
EXCEL_CELL_CHARS = 32_767
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet program would take the text ``value`` for a formula.

    Examples
    --------
    >>> [is_formula_like(v) for v in ("=HYPERLINK('http://x')", "@SUM(A1)", "-5", "三会一课", 3)]
    [True, True, False, False, False]
    """
    return (
        isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value)
    )


def for_spreadsheet(
    frame: pd.DataFrame, *, raw_cells: bool = False, separator: str = LIST_SEPARATOR
) -> pd.DataFrame:
    """``frame`` as it goes into a CSV file: list cells joined with ``separator`` (other
    containers as JSON), and text cells a spreadsheet would run as a formula (``=``, ``+``,
    ``-``, ``@``, tab or carriage return first, :func:`is_formula_like`) prefixed with ``'``
    -- unless ``raw_cells``. Numbers, and text that is a plain number (``-5``), stay as they
    are. A new frame; ``frame`` is not changed.

    Examples
    --------
    >>> frame = pd.DataFrame({"title": ["=HYPERLINK('http://x','点击')", "三会一课"],
    ...                       "terms": [["党建", "引领"], []], "score": [-1.5, 2.0]})
    >>> for_spreadsheet(frame).values.tolist()
    [["'=HYPERLINK('http://x','点击')", '党建; 引领', -1.5], ['三会一课', '', 2.0]]
    """
    check_type(frame, "frame", "for_spreadsheet", pd.DataFrame, "a pandas DataFrame")
    out = frame.copy(deep=False)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype != object and not isinstance(col.dtype, pd.StringDtype):
            continue
        values = [_cell(v, raw_cells, separator) for v in col.tolist()]
        if values != col.tolist():
            out.isetitem(i, pd.Series(column_array(values), index=col.index))
    return out


def _cell(value: Any, raw_cells: bool, separator: str) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        if all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in items):
            value = separator.join(str(x) for x in items)
        else:
            value = json.dumps(items, ensure_ascii=False, default=str)
    elif isinstance(value, (dict, set)):
        value = json.dumps(
            value if isinstance(value, dict) else sorted(value, key=str),
            ensure_ascii=False,
            default=str,
        )
    if not raw_cells and is_formula_like(value):
        return "'" + value
    return value


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    raw_cells: bool = False,
    separator: str = LIST_SEPARATOR,
) -> Path:
    """Write ``frame`` atomically as parquet, CSV or Excel (by extension); return the path.

    * ``.parquet`` keeps every column as it is (lists stay lists).
    * ``.csv`` is UTF-8 with a BOM, so that spreadsheet programs show Chinese; list cells are
      joined with ``separator``; a text cell that a spreadsheet would run as a formula
      (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is not a
      plain number) is written with a ``'`` in front, which Excel and LibreOffice show as
      text (CSV injection; ``raw_cells=True`` writes the cells as they are).
    * ``.xlsx`` (one sheet, openpyxl): list cells joined as for CSV; text is always written
      as text cells, never formulas, and a cell that looks like a formula is also marked
      "quote prefix" so that editing it keeps it text (``raw_cells=True``: not marked); its
      value is never changed. Characters an Excel file cannot hold (control characters
      other than tab and line breaks) are written as U+FFFD, with a warning. A table beyond
      Excel's limits (32,767 characters in a cell, 1,048,576 rows, 16,384 columns) is
      refused: write ``.csv`` or ``.parquet``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : path
        Ends in ``.parquet``, ``.csv`` or ``.xlsx``.
    raw_cells : bool, default False
        Write text cells as they are, formula-like or not.
    separator : str, default "; "
        What list cells are joined with in CSV and Excel files.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "k.csv")
    >>> table = pd.DataFrame({"term": ["=1+1", "三会一课"], "terms": [["党建", "引领"], []]})
    >>> _ = write_table(table, out)
    >>> open(out, encoding="utf-8-sig").read()
    "term,terms\\n'=1+1,党建; 引领\\n三会一课,\\n"
    """
    func = "write_table"
    check_type(frame, "frame", func, pd.DataFrame, "a pandas DataFrame")
    check_type(raw_cells, "raw_cells", func, bool, "a bool")
    check_type(separator, "separator", func, str, "a str")
    check_type(path, "path", func, (str, os.PathLike), "a file path")
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise param_error(
            "path", func, "a file name ending in " + ", ".join(TABLE_SUFFIXES), str(path)
        )
    if suffix == ".xlsx":
        _check_excel_limits(frame, func)
    with atomic_write(target, "wb") as fh:
        if suffix == ".parquet":
            frame.to_parquet(fh, index=False)
        elif suffix == ".csv":
            table = for_spreadsheet(frame, raw_cells=raw_cells, separator=separator)
            fh.write(table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
        else:
            _write_xlsx(frame, fh, raw_cells=raw_cells, separator=separator)
    return target


def _check_excel_limits(frame: pd.DataFrame, func: str) -> None:
    allowed = (
        f"a table that fits an Excel sheet ({EXCEL_CELL_CHARS:,} characters in a cell, "
        f"{EXCEL_ROWS:,} rows, {EXCEL_COLUMNS:,} columns); write .csv or .parquet"
    )
    if len(frame) + 1 > EXCEL_ROWS or frame.shape[1] > EXCEL_COLUMNS:
        raise param_error("frame", func, allowed, f"a table of {frame.shape} rows and columns")
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        if col.dtype != object and not isinstance(col.dtype, pd.StringDtype):
            continue
        for row, value in enumerate(col.tolist()):
            if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                raise param_error(
                    "frame",
                    func,
                    allowed,
                    f"a cell of {len(value):,} characters (column {frame.columns[i]!r}, row {row})",
                )


def _write_xlsx(frame: pd.DataFrame, fh: IO[bytes], *, raw_cells: bool, separator: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    replaced: Counter[str] = Counter()

    def cell(value: Any, column: str) -> Any:
        value = _cell(value, True, separator)
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                replaced[column] += 1
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            out = WriteOnlyCell(sheet, value=value)
            out.data_type = "s"  # text, never a formula
            if not raw_cells and is_formula_like(value):
                out.quotePrefix = True
            return out
        if is_missing(value):
            return None
        if isinstance(value, np.generic):
            return value.item()
        return value

    names = [str(c) for c in frame.columns]
    sheet.append([cell(name, "header") for name in names])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([cell(v, names[j]) for j, v in enumerate(row)])
    book.save(fh)
    if replaced:
        where = ", ".join(f"{n} cells of {c!r}" for c, n in sorted(replaced.items()))
        warnings.warn(
            f"control characters an Excel file cannot hold were written as U+FFFD ({where})",
            UserWarning,
            stacklevel=3,
        )
