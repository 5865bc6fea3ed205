"""HTML pieces of the report: escaped text, highlighted spans, tables, figures.

Every function returns HTML in which each string that came from a document, a table or an
option is escaped, so a document that contains ``<script>`` shows it as text.

Examples
--------
>>> import pandas as pd
>>> from corpus_tools.present.markup import escape, highlight, html_table
>>> escape('<b title="x">')
'&lt;b title=&quot;x&quot;&gt;'
>>> highlight("XX区有X个社区", [(0, 2, "ph")])
'<mark class="ph">XX</mark>区有X个社区'
>>> html_table(pd.DataFrame({"year": [2024], "count": [1200]})).split("<tbody>")[1]
'<tr><td class="num">2024</td><td class="num">1,200</td></tr></tbody></table></div>'
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "SectionHTML",
    "clip",
    "escape",
    "escape_text",
    "figure",
    "format_int",
    "highlight",
    "html_table",
    "notice",
    "stat_boxes",
]

#: Integer columns written without thousands separators (2026, not 2,026).
PLAIN_INT = re.compile(r"year|month|day|date|_id$|^id$|_no$|congress|cluster|topic", re.I)
#: Figures are drawn at this resolution and shown at CSS_DPI pixels per inch (sharp on
#: high-density screens).
FIGURE_DPI = 144
CSS_DPI = 96
#: A cell holding a list shows this many items, then how many more.
LIST_ITEMS = 6
#: Blank lines beyond the first of a run: kept in the page (offsets stay exact) but hidden.
_BLANK_LINES = re.compile(r"(\n[ \t\u3000\r]*\n)((?:[ \t\u3000\r]*\n)+)")


class SectionHTML(NamedTuple):
    """A rendered section: its body (HTML) and one line of plain text on what it found."""

    note: str
    html: str


def escape(value: Any) -> str:
    """``str(value)`` escaped for HTML text and attribute values."""
    return html.escape(str(value), quote=True)


def escape_text(text: str) -> str:
    """Document text escaped for a ``white-space: pre-wrap`` block; blank lines beyond one
    are kept in the page (offsets stay exact) but hidden (``span.blank``)."""
    return _BLANK_LINES.sub(r'\1<span class="blank">\2</span>', escape(text))


def format_int(n: Any) -> str:
    """An integer with thousands separators: ``48,190``."""
    return f"{int(n):,}"


def clip(text: str, width: int) -> str:
    """``text`` on one line (whitespace runs as one space), cut to ``width`` with ``…``."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def highlight(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    *,
    start: int = 0,
    end: int | None = None,
    titles: dict[str, str] | None = None,
) -> str:
    """Escape ``text[start:end]`` as HTML with each span wrapped in ``<mark class=...>``.

    Spans are ``(span_start, span_end, css_class)`` with offsets into ``text``; a span that
    overlaps one already marked is clipped, one outside the window is cut to it. ``titles``
    gives a tooltip per class.

    Examples
    --------
    >>> highlight("XX区有X个<社区>", [(0, 2, "ph"), (4, 5, "ph")])
    '<mark class="ph">XX</mark>区有<mark class="ph">X</mark>个&lt;社区&gt;'
    """
    stop = len(text) if end is None else min(end, len(text))
    out: list[str] = []
    pos = start
    for lo, hi, cls in sorted(spans, key=lambda sp: (sp[0], -sp[1], sp[2])):
        s, e = max(lo, pos), min(hi, stop)
        if e <= s:
            continue
        out.append(escape_text(text[pos:s]))
        title = f' title="{escape(titles[cls])}"' if titles and cls in titles else ""
        out.append(f'<mark class="{escape(cls)}"{title}>{escape_text(text[s:e])}</mark>')
        pos = e
    out.append(escape_text(text[pos:stop]))
    return "".join(out)


def html_table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    max_rows: int = 50,
    numeric_format: dict[str, str] | None = None,
    long: Sequence[str] = (),
    clip_at: int = 160,
    html_cells: dict[str, Sequence[str]] | None = None,
) -> str:
    """An HTML table of the first ``max_rows`` rows of ``frame`` (then how many more).

    ``columns`` picks and orders columns (missing ones are left out); ``numeric_format``
    gives a format per column (``{"density": ".2f"}``; integers in year-like columns are
    written plain); ``long`` columns may wrap; text cells are cut at ``clip_at`` characters;
    ``html_cells`` gives ready (escaped) HTML for a column, one string per row shown.
    """
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    if frame.empty or not cols:
        return '<p class="note">（无）nothing to show.</p>'
    formats = {c: "d" for c in cols if PLAIN_INT.search(str(c))}
    formats.update(numeric_format or {})
    ready = html_cells or {}
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    rows = []
    for i, rec in enumerate(frame[cols].head(max_rows).itertuples(index=False)):
        cells = []
        for col, value in zip(cols, rec, strict=True):
            if col in ready:
                cells.append(f'<td class="long">{ready[col][i]}</td>')
            else:
                cells.append(_cell(value, formats.get(col), long=col in long, clip_at=clip_at))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="more">… and {format_int(len(frame) - max_rows)} more rows.</p>'
    return (
        f'<div class="table-wrap"><table class="data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _cell(value: Any, fmt: str | None, *, long: bool, clip_at: int) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [str(v) for v in value]
        rest = len(items) - LIST_ITEMS
        shown = "、".join(items[:LIST_ITEMS]) + (f" … (+{rest})" if rest > 0 else "")
        return f'<td class="long">{escape(shown)}</td>'
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, np.integer)):
        shown = str(int(value)) if fmt == "d" else format_int(value)
        return f'<td class="num">{shown}</td>'
    if isinstance(value, (float, np.floating)):
        return _float_cell(float(value), fmt)
    if value is None or value is pd.NA:
        return "<td></td>"
    cls = ' class="long"' if long else ""
    return f"<td{cls}>{escape(clip(str(value), clip_at))}</td>"


def _float_cell(value: float, fmt: str | None) -> str:
    if np.isnan(value):
        return "<td></td>"
    if fmt == "d" and value.is_integer():
        return f'<td class="num">{int(value)}</td>'
    return f'<td class="num">{format(value, fmt if fmt and fmt != "d" else ".3f")}</td>'


def stat_boxes(items: Sequence[tuple[str, str]]) -> str:
    """A row of boxes, each a figure in bold over its label: ``[(label, value), ...]``."""
    boxes = "".join(
        f'<div class="stat"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in items
    )
    return f'<div class="stats">{boxes}</div>'


def notice(label: str, text: str, *, failed: bool = False) -> str:
    """A highlighted paragraph: ``label`` in bold, then ``text`` (both escaped)."""
    cls = "notice failed" if failed else "notice"
    return f'<p class="{cls}"><b>{escape(label)}:</b> {escape(text)}</p>'


def figure(
    draw: Callable[[Axes], Any], *, size: tuple[float, float], caption: str, alt: str
) -> str:
    """``<figure>``: ``draw(ax)`` on a fresh Figure (no pyplot, default style), embedded as a
    PNG ``data:`` URI without a date (the same drawing gives the same bytes)."""
    import matplotlib.style
    from matplotlib.figure import Figure

    with matplotlib.style.context("default"):
        fig = Figure(figsize=size, dpi=100, layout="constrained")
        draw(fig.add_subplot())
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=FIGURE_DPI, metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    width = round(size[0] * CSS_DPI)
    return (
        f'<figure><img src="data:image/png;base64,{data}" width="{width}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )
