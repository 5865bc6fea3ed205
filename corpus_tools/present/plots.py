"""Figures that render Chinese: keywords, slogans, placeholders, duplicates, boilerplate, topics.

Every plot function takes a table returned by a capability of the toolkit, draws on
``ax`` (a new figure when ``ax`` is None) and returns the :class:`~matplotlib.axes.Axes`;
saving belongs to the caller. Chinese text is drawn with a CJK font found on the machine
(:func:`find_cjk_font`: Noto Sans CJK SC, Source Han Sans, WenQuanYi, Microsoft YaHei,
PingFang SC …), set on the artists of the Axes (:func:`apply_cjk_font`), so the global
``rcParams`` are never changed and no glyph is ever drawn as a box. Without a CJK font the
plot functions raise :class:`FontNotFoundError`, which says what to install.

====================================  ==================================================
function                              table it draws
====================================  ==================================================
:func:`plot_document_sizes`           structure.inspect
:func:`plot_keywords`                 keywords.keyword_table
:func:`plot_keyword_trends`           keywords.keyword_table with by=[field]
:func:`plot_slogans`                  slogans.mine_slogans
:func:`plot_placeholder_density`      placeholders.template_sections
:func:`plot_duplicates`               dedup.find_near_duplicates(...).pairs
:func:`plot_originality`              boilerplate.find_boilerplate(...).documents
:func:`plot_topic_terms`              topics.fit_topics(...).topics
:func:`plot_topic_shares`             topics.fit_topics(..., by=field).shares
:func:`plot_formula_heatmap`          formulas.find_formulas(..., by=field)
:func:`plot_formula_timeline`         formulas.find_formulas(..., by=field)
====================================  ==================================================

Examples
--------
>>> import corpus_tools as ct
>>> from corpus_tools.present import plots
>>> docs = ct.load_corpus("data/raw").documents
>>> ax = plots.plot_slogans(ct.mine_slogans(docs), top=15)
>>> ax.get_title()
'提法与口号 · 出现最多 most frequent slogans'

Save it with ``ax.figure.savefig("slogans.png", dpi=150)``.

How many rows to draw is ``top`` in every function (``n`` in corpus-tools 0.1; ``n`` still
works until 0.3, with a :class:`DeprecationWarning`).
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.errors import (
    CorpusToolsError,
    check_columns,
    check_number,
    param_error,
    renamed,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONT_FAMILIES",
    "CJKFont",
    "FontNotFoundError",
    "apply_cjk_font",
    "find_cjk_font",
    "plot_document_sizes",
    "plot_duplicates",
    "plot_formula_heatmap",
    "plot_formula_timeline",
    "plot_keyword_trends",
    "plot_keywords",
    "plot_originality",
    "plot_placeholder_density",
    "plot_slogans",
    "plot_topic_shares",
    "plot_topic_terms",
]

#: CJK font families looked for, best first (simplified Chinese faces before the others).
CJK_FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)

#: File names of CJK fonts, for a font not yet in matplotlib's font cache.
_CJK_FILE = re.compile(
    r"NotoSansCJK|NotoSansSC|SourceHanSans|wqy-?(microhei|zenhei)|msyh|PingFang|"
    r"Hiragino Sans GB|STHeiti|simhei|NotoSerifCJK|DroidSansFallback|Arial Unicode",
    re.IGNORECASE,
)

#: Environment variable naming a font family or file to use instead of the search.
FONT_ENV = "CORPUS_TOOLS_CJK_FONT"

#: Characters every CJK font must draw (checked on the font file itself).
_PROBE = "党建工作汇报材料三会一课"

_INSTALL_HINT = (
    "Install one and run again: 'apt-get install fonts-noto-cjk' (Debian, Ubuntu), "
    "'dnf install google-noto-sans-cjk-fonts' (Fedora), "
    "'brew install --cask font-noto-sans-cjk-sc' (macOS); on Windows Microsoft YaHei is "
    f"built in. Or set {FONT_ENV} to the path of a .ttf/.otf/.ttc font with Chinese glyphs."
)


class FontNotFoundError(CorpusToolsError, RuntimeError):
    """No font able to draw Chinese is installed (the message says what to install)."""


class CJKFont(NamedTuple):
    """A font that draws Chinese: its family ``name`` (for matplotlib) and file ``path``."""

    name: str
    path: str


# --------------------------------------------------------------------------- fonts


def _draws_chinese(path: str) -> bool:
    """Whether the font file has glyphs for the probe characters."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
        charmap = font.get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def _from_env(value: str) -> CJKFont:
    from matplotlib import font_manager as fm

    if os.path.sep in value or Path(value).suffix.lower() in (".ttf", ".otf", ".ttc"):
        path = Path(value).expanduser()
        if not path.is_file():
            raise FontNotFoundError(f"{FONT_ENV}={value!r}: no such font file.")
        if not _draws_chinese(str(path)):
            raise FontNotFoundError(f"{FONT_ENV}={value!r}: this font has no Chinese glyphs.")
        fm.fontManager.addfont(str(path))
        name = fm.FontProperties(fname=str(path)).get_name()
        return CJKFont(name, str(path))
    for entry in fm.fontManager.ttflist:
        if entry.name == value and _draws_chinese(entry.fname):
            return CJKFont(entry.name, entry.fname)
    raise FontNotFoundError(
        f"{FONT_ENV}={value!r}: no installed font family of that name draws Chinese."
    )


def _search(families: Sequence[str]) -> CJKFont | None:
    from matplotlib import font_manager as fm

    by_name: dict[str, list[str]] = {}
    for entry in fm.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry.fname)
    for family in families:
        for path in sorted(by_name.get(family, [])):
            if _draws_chinese(path):
                return CJKFont(family, path)
    # a font installed after matplotlib built its cache: look at the files themselves
    for path in sorted(fm.findSystemFonts()):
        if _CJK_FILE.search(os.path.basename(path)) and _draws_chinese(path):
            fm.fontManager.addfont(path)
            return CJKFont(fm.FontProperties(fname=path).get_name(), path)
    return None


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> CJKFont:
    """The installed font used to draw Chinese, found once per process.

    The environment variable ``CORPUS_TOOLS_CJK_FONT`` (a family name or a font file) takes
    precedence; otherwise the first of :data:`CJK_FONT_FAMILIES` that matplotlib knows and
    that really has Chinese glyphs, else any CJK font file on the system.

    Returns
    -------
    CJKFont
        ``name`` (the family to give matplotlib) and ``path`` (the font file).

    Raises
    ------
    FontNotFoundError
        No font on the machine draws Chinese; the message says how to install one
        (``apt-get install fonts-noto-cjk`` on Debian).

    Examples
    --------
    >>> from pathlib import Path
    >>> from corpus_tools.present.plots import find_cjk_font
    >>> font = find_cjk_font()        # font.name: 'Noto Sans CJK SC' on Debian with fonts-noto-cjk
    >>> Path(font.path).is_file()
    True
    """
    override = os.environ.get(FONT_ENV, "").strip()
    if override:
        return _from_env(override)
    found = _search(CJK_FONT_FAMILIES)
    if found is None:
        raise FontNotFoundError(
            "No font that can draw Chinese was found, so figures would show boxes instead "
            f"of characters (looked for {', '.join(CJK_FONT_FAMILIES[:8])} …). {_INSTALL_HINT}"
        )
    return found


def _families() -> list[str]:
    # DejaVu Sans (matplotlib's own) after the CJK font: glyphs the CJK font lacks fall back
    return [find_cjk_font().name, "DejaVu Sans"]


def apply_cjk_font(target: Axes | Figure) -> Axes | Figure:
    """Draw every text of an Axes (or of a whole Figure) with the CJK font.

    Titles, axis labels, tick labels, legends and annotations get the font family of
    :func:`find_cjk_font` (their size and weight are kept); global ``rcParams`` are not
    touched. The plot functions of this module call it; call it yourself on figures you
    draw with Chinese labels.

    Parameters
    ----------
    target : matplotlib Axes or Figure

    Returns
    -------
    The ``target``.

    Raises
    ------
    FontNotFoundError
        No CJK font is installed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from corpus_tools.present.plots import apply_cjk_font, find_cjk_font
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("三会一课落实情况")
    >>> apply_cjk_font(ax) is ax
    True
    >>> ax.title.get_fontfamily()[0] == find_cjk_font().name
    True
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    if not isinstance(target, (Axes, Figure)):
        raise param_error(
            "target", "apply_cjk_font", "a matplotlib Axes or Figure", type(target).__name__
        )
    families = _families()
    axes = target.axes if isinstance(target, Figure) else [target]
    for ax in axes:
        # tick labels made later (on draw) copy the properties of the first tick
        for axis in (ax.xaxis, ax.yaxis):
            axis.get_major_ticks()
            axis.get_minor_ticks()
    for text in target.findobj(Text):
        text.set_fontfamily(families)
    return target


# --------------------------------------------------------------------------- helpers


def _axes(ax: Axes | None, func: str, size: tuple[float, float]) -> Axes:
    from matplotlib.axes import Axes

    if ax is None:
        find_cjk_font()  # fail before opening a figure
        import matplotlib.pyplot as plt

        _, new = plt.subplots(figsize=size, layout="constrained")
        return new
    if not isinstance(ax, Axes):
        raise param_error("ax", func, "a matplotlib Axes or None", type(ax).__name__)
    find_cjk_font()
    return ax


def _short(label: Any, width: int = 18) -> str:
    text = re.sub(r"\s+", " ", str(label)).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_id(doc_id: Any, width: int = 24) -> str:
    """A doc_id cut in the middle (its end, ``:LINE`` or the extension, tells copies apart)."""
    text = str(doc_id)
    if len(text) <= width:
        return text
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + text[-tail:]


def _empty(ax: Axes, message: str) -> Axes:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])
    apply_cjk_font(ax)
    return ax


def _done(ax: Axes) -> Axes:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    apply_cjk_font(ax)
    return ax


def _check_n(n: Any, name: str, func: str) -> int:
    return int(check_number(n, name, func, kind=int, low=1))


def _barh(ax: Axes, labels: Sequence[str], values: Sequence[float], **kwargs: Any) -> None:
    pos = np.arange(len(labels))
    ax.barh(pos, values, **kwargs)
    ax.set_yticks(pos, labels=list(labels))
    ax.invert_yaxis()  # first row at the top
    ax.margins(y=0.01)


# --------------------------------------------------------------------------- overview


@renamed(n="top")
def plot_document_sizes(
    overview: pd.DataFrame,
    *,
    top: int = 40,
    ax: Axes | None = None,
) -> Axes:
    """Size of each document, in characters (bars), or their distribution (many documents).

    Parameters
    ----------
    overview : pandas.DataFrame
        :func:`corpus_tools.text.inspect` (columns ``doc_id``, ``chars``; ``title``
        labels the bars when present).
    top : int, default 40
        Up to ``top`` documents get one bar each (largest first); more make a histogram.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> docs = ct.load_corpus("data/raw").documents
    >>> ax = plots.plot_document_sizes(ct.inspect(docs))
    >>> len(ax.patches)               # one bar per document
    5
    """
    func = "plot_document_sizes"
    check_columns(overview, "overview", func, ["doc_id", "chars"])
    top = _check_n(top, "top", func)
    ax = _axes(ax, func, (8, 0.3 * min(len(overview), top) + 1.5))
    if overview.empty:
        return _empty(ax, "no documents")
    chars = overview["chars"].to_numpy(dtype=float)
    if len(overview) > top:
        ax.hist(chars, bins=min(40, max(10, len(overview) // 10)), color="#4C72B0")
        ax.set_xlabel("字符数 characters")
        ax.set_ylabel("文档数 documents")
        ax.set_title(f"文档长度分布 · {len(overview)} documents")
        return _done(ax)
    order = np.lexsort((overview["doc_id"].astype(str).to_numpy(), -chars))
    frame = overview.iloc[order]
    names = frame["doc_id"].astype(str).tolist()
    if "title" in frame:
        names = [
            f"{_short(t, 16)} ({_short_id(d, 14)})" if str(t).strip() else _short_id(d, 30)
            for t, d in zip(frame["title"].astype(str), names, strict=True)
        ]
    _barh(ax, names, frame["chars"].to_numpy(dtype=float), color="#4C72B0")
    ax.set_xlabel("字符数 characters")
    ax.set_title("文档长度 · document sizes")
    return _done(ax)


# --------------------------------------------------------------------------- keywords


def _group_columns(table: pd.DataFrame) -> list[str]:
    cols = list(table.columns)
    return cols[: cols.index("term")] if "term" in cols else []


@renamed(n="top")
def plot_keywords(
    table: pd.DataFrame,
    *,
    top: int = 20,
    value: str = "count",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of the top keywords of a keyword table (summed over its groups).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`corpus_tools.keywords.keyword_table` (columns ``term`` and ``value``; group
        columns, if any, are summed over).
    top : int, default 20
        Number of terms shown, most frequent first.
    value : str, default "count"
        Column to plot: ``count``, ``doc_freq`` or ``tfidf`` (summed); ``rate_per_10k``
        (averaged over groups).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> table = ct.keyword_table(ct.load_corpus("data/raw").documents, min_length=2)
    >>> ax = plots.plot_keywords(table, top=25)
    >>> len(ax.patches)
    25
    """
    func = "plot_keywords"
    check_columns(table, "table", func, ["term"])
    top = _check_n(top, "top", func)
    numeric = [c for c in ("count", "doc_freq", "rate_per_10k", "tfidf") if c in table.columns]
    if value not in numeric:
        raise param_error("value", func, f"one of the table's columns {numeric}", value)
    ax = _axes(ax, func, (7, 0.28 * top + 1.5))
    if table.empty:
        return _empty(ax, "no keywords")
    how = "mean" if value == "rate_per_10k" else "sum"
    totals = table.groupby("term", sort=True)[value].agg(how)
    frame = totals.reset_index()
    order = np.lexsort((frame["term"].astype(str).to_numpy(), -frame[value].to_numpy()))
    shown = frame.iloc[order[:top]]
    _barh(ax, [_short(t, 14) for t in shown["term"]], shown[value].to_numpy(), color="#4C72B0")
    labels = {
        "count": "出现次数 count",
        "doc_freq": "文档数 documents",
        "rate_per_10k": "每万字 per 10,000 characters",
        "tfidf": "tf-idf",
    }
    ax.set_xlabel(labels[value])
    ax.set_title("高频词 · top keywords")
    return _done(ax)


@renamed(n="top")
def plot_keyword_trends(
    table: pd.DataFrame,
    *,
    terms: Sequence[str] | None = None,
    top: int = 6,
    by: str | None = None,
    value: str = "rate_per_10k",
    ax: Axes | None = None,
) -> Axes:
    """Lines: how often chosen keywords occur in each group (year, region…).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`corpus_tools.keywords.keyword_table` with ``by=[field]``.
    terms : list of str, optional
        Terms to draw; default the ``top`` terms with the highest total count.
    top : int, default 6
        Number of terms when ``terms`` is None.
    by : str, optional
        The group column (x axis); default the table's first group column.
    value : str, default "rate_per_10k"
        ``rate_per_10k`` (comparable between groups of different sizes) or ``count``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> docs = ct.load_corpus("data/raw").documents.assign(year=[2019, 2019, 2020, 2021, 2021])
    >>> table = ct.keyword_table(docs, by=["year"], min_length=2)
    >>> ax = plots.plot_keyword_trends(table, terms=["党员", "社区"])
    >>> [line.get_label() for line in ax.get_lines()]
    ['党员', '社区']
    """
    func = "plot_keyword_trends"
    if value not in ("rate_per_10k", "count"):
        raise param_error("value", func, "one of {'rate_per_10k', 'count'}", value)
    check_columns(table, "table", func, ["term", "count", value])
    groups = _group_columns(table)
    if by is None:
        if not groups:
            raise param_error(
                "table",
                func,
                "a keyword table made with by=[field] (a group column before 'term')",
                f"columns {list(table.columns)}",
            )
        by = groups[0]
    check_columns(table, "table", func, [by])
    top = _check_n(top, "top", func)
    if terms is not None and (isinstance(terms, str) or not all(isinstance(t, str) for t in terms)):
        raise param_error("terms", func, "a list of str", terms)
    ax = _axes(ax, func, (8, 4.5))
    if table.empty:
        return _empty(ax, "no keywords")
    if terms is None:
        totals = table.groupby("term", sort=True)["count"].sum().reset_index()
        order = np.lexsort((totals["term"].astype(str).to_numpy(), -totals["count"].to_numpy()))
        terms = totals["term"].iloc[order[:top]].tolist()
    x_values = sorted(table[by].dropna().unique().tolist())
    wide = (
        table[table["term"].isin(list(terms))]
        .groupby([by, "term"], sort=True)[value]
        .sum()
        .unstack("term")
        .reindex(index=x_values, columns=list(terms))
        .fillna(0.0)
    )
    xs = _x_axis(ax, x_values)
    marker = "o" if len(xs) <= 20 else None
    for term in terms:
        ax.plot(xs, wide[term].to_numpy(dtype=float), marker=marker, label=_short(term, 12))
    ax.set_xlabel(str(by))
    ax.set_ylabel("每万字 per 10,000 characters" if value == "rate_per_10k" else "出现次数 count")
    ax.set_title(f"关键词趋势 · keywords by {by}")
    ax.legend(frameon=False, fontsize="small", ncols=2 if len(terms) > 6 else 1)
    return _done(ax)


# --------------------------------------------------------------------------- slogans


#: The title of :func:`plot_slogans`: it shows the most frequent slogans, most frequent first.
_SLOGANS_TITLE = "提法与口号 · 出现最多 most frequent slogans"


@renamed(n="top")
def plot_slogans(
    table: pd.DataFrame,
    *,
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Bars: the most frequent slogans, coloured by kind, documents written beside.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`corpus_tools.slogans.mine_slogans` (``slogan``, ``count``; ``kind`` and
        ``doc_freq`` used when present).
    top : int, default 20
        Number of slogans shown: the ``top`` most frequent (highest ``count``; ties in
        table order), most frequent at the top, whatever order the table is in
        (:func:`~corpus_tools.slogans.mine_slogans` sorts by score).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> table = ct.mine_slogans(ct.load_corpus("data/raw").documents)
    >>> ax = plots.plot_slogans(table, top=15)
    >>> len(ax.patches)
    15
    """
    func = "plot_slogans"
    check_columns(table, "table", func, ["slogan", "count"])
    top = _check_n(top, "top", func)
    ax = _axes(ax, func, (7, 0.3 * min(len(table), top) + 1.5))
    if table.empty:
        return _empty(ax, "no slogans")
    by_count = np.argsort(-table["count"].to_numpy(dtype=float), kind="stable")
    shown = table.iloc[by_count[:top]]
    kinds = shown["kind"].astype(str).tolist() if "kind" in shown else ["numeric"] * len(shown)
    palette = {"numeric": "#C44E52", "quoted": "#4C72B0"}
    colors = [palette.get(k, "#8C8C8C") for k in kinds]
    counts = shown["count"].to_numpy(dtype=float)
    _barh(ax, [_short(s, 16) for s in shown["slogan"]], counts, color=colors)
    if "doc_freq" in shown:
        for i, (c, d) in enumerate(zip(counts, shown["doc_freq"].tolist(), strict=True)):
            ax.text(c, i, f" {int(d)} 篇", va="center", fontsize="x-small", color="0.3")
        ax.margins(x=0.12)
    from matplotlib.patches import Patch

    present = [k for k in palette if k in kinds]
    if len(present) > 1:
        names = {"numeric": "数字提法 numeric", "quoted": "引号提法 quoted"}
        ax.legend(
            handles=[Patch(color=palette[k], label=names[k]) for k in present],
            frameon=False,
            fontsize="small",
            loc="lower right",
        )
    ax.set_xlabel("出现次数 count (篇 = documents)")
    ax.set_title(_SLOGANS_TITLE)
    return _done(ax)


# --------------------------------------------------------------------------- placeholders


@renamed(n="top")
def plot_placeholder_density(
    sections: pd.DataFrame,
    *,
    top: int = 15,
    ax: Axes | None = None,
) -> Axes:
    """Bars: the sections with the densest unfilled placeholders (blanks per 100 characters).

    Parameters
    ----------
    sections : pandas.DataFrame
        :func:`corpus_tools.text.template_sections` (``doc_id``, ``heading``,
        ``density``; ``placeholders`` written beside the bars when present). Sections
        without placeholders are left out.
    top : int, default 15
        Number of sections shown, densest first.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> secs = ct.template_sections(ct.load_corpus("data/raw").documents)
    >>> ax = plots.plot_placeholder_density(secs, top=10)
    >>> len(ax.patches)
    10
    """
    func = "plot_placeholder_density"
    check_columns(sections, "sections", func, ["doc_id", "heading", "density"])
    top = _check_n(top, "top", func)
    frame = sections[sections["density"] > 0]
    if "placeholders" in frame:
        frame = frame[frame["placeholders"] > 0]
    order = np.lexsort((np.arange(len(frame)), -frame["density"].to_numpy(dtype=float)))
    shown = frame.iloc[order[:top]]
    ax = _axes(ax, func, (8, 0.3 * max(len(shown), 1) + 1.5))
    if shown.empty:
        return _empty(ax, "no placeholders")
    labels = [
        f"{_short(h, 14) or '(front matter)'} · {_short_id(d, 16)}"
        for h, d in zip(shown["heading"].astype(str), shown["doc_id"].astype(str), strict=True)
    ]
    density = shown["density"].to_numpy(dtype=float)
    _barh(ax, labels, density, color="#DD8452")
    if "placeholders" in shown:
        for i, (x, k) in enumerate(zip(density, shown["placeholders"].tolist(), strict=True)):
            ax.text(x, i, f" {int(k)}", va="center", fontsize="x-small", color="0.3")
        ax.margins(x=0.1)
    ax.set_xlabel("每百字空白数 placeholders per 100 characters")
    ax.set_title("模板段落 · template sections")
    return _done(ax)


# --------------------------------------------------------------------------- duplicates


@renamed(n="top")
def plot_duplicates(
    pairs: pd.DataFrame,
    *,
    top: int = 30,
    value: str = "similarity",
    ax: Axes | None = None,
) -> Axes:
    """Matrix of the documents involved in duplicate pairs, coloured by similarity.

    Documents are ordered so that those that copy each other sit together; each cell
    holds the pair's value and the first letter of its relation (``D`` duplicate, ``N``
    near-duplicate, ``C`` contained, ``P`` partial).

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``pairs`` of :func:`corpus_tools.dedup.find_near_duplicates` (``a``, ``b``,
        ``value``; ``relation`` when present).
    top : int, default 30
        At most this many documents: those in the most pairs (ties: the strongest pair).
        Past 20 documents the cells are colour only and the ids are cut to the part that
        tells them apart (a prefix or suffix all share is dropped); past 40 only every k-th
        id is written.
    value : str, default "similarity"
        ``similarity`` (Jaccard), ``containment`` or ``copy_ratio``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> docs = ct.load_corpus("data/raw/003_9b7675b2e4522a57.txt", split="lines").documents
    >>> ax = plots.plot_duplicates(ct.find_near_duplicates(docs).pairs)
    >>> len(ax.get_yticklabels())     # the six copies of one report
    6
    """
    func = "plot_duplicates"
    if value not in ("similarity", "containment", "copy_ratio"):
        raise param_error(
            "value", func, "one of {'similarity', 'containment', 'copy_ratio'}", value
        )
    check_columns(pairs, "pairs", func, ["a", "b", value])
    top = _check_n(top, "top", func)
    a = pairs["a"].astype(str).tolist()
    b = pairs["b"].astype(str).tolist()
    values = pairs[value].to_numpy(dtype=float)
    order = _grouped(_most_involved(a, b, values, top), a, b)
    size = max(len(order), 1)
    ax = _axes(ax, func, (0.35 * size + 3, 0.35 * size + 2.2))
    if not order:
        return _empty(ax, "no duplicate pairs")
    index = {d: i for i, d in enumerate(order)}
    matrix = np.full((len(order), len(order)), np.nan)
    relations = pairs["relation"].astype(str).tolist() if "relation" in pairs else [""] * len(a)
    for x, y, v, r in zip(a, b, values, relations, strict=True):
        if x in index and y in index:
            i, j = index[x], index[y]
            matrix[i, j] = matrix[j, i] = v
            if len(order) <= _LABELLED_CELLS:
                for p, q in ((i, j), (j, i)):
                    ax.text(
                        q,
                        p,
                        f"{v:.2f}\n{r[:1].upper()}",
                        ha="center",
                        va="center",
                        fontsize=6,
                        color="white" if v > 0.6 else "black",
                    )
    np.fill_diagonal(matrix, 1.0)
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap="Reds", vmin=0.0, vmax=1.0)
    labels = _matrix_labels(order)
    size_name = "small" if len(order) <= _LABELLED_CELLS else "x-small"
    ax.set_xticks(
        np.arange(len(order)),
        labels=labels,
        rotation=60,
        ha="right",
        rotation_mode="anchor",
        fontsize=size_name,
    )
    ax.set_yticks(np.arange(len(order)), labels=labels, fontsize=size_name)
    ax.figure.colorbar(image, ax=ax, shrink=0.7, label=value)
    ax.set_title("重复与抄袭 · duplicate pairs")
    return _done(ax)


#: Up to this many documents the duplicates matrix writes each cell's value and long ids;
#: past it the cells are colour only and the ids are cut to what tells them apart.
_LABELLED_CELLS = 20
#: Past :data:`_LABELLED_CELLS` documents an id label has at most this many characters.
_DENSE_ID_CHARS = 14
#: Past this many documents only every k-th id is written (k so that at most this many are).
_MAX_TICK_LABELS = 40


def _most_involved(a: list[str], b: list[str], values: npt.NDArray[Any], top: int) -> list[str]:
    """The ``top`` documents in the most pairs (ties: strongest pair, then first seen)."""
    pairs: dict[str, int] = {}
    best: dict[str, float] = {}
    for x, y, v in zip(a, b, values, strict=True):
        for d in (x, y):
            pairs[d] = pairs.get(d, 0) + 1
            best[d] = max(best.get(d, -math.inf), -math.inf if math.isnan(v) else float(v))
    first = {d: i for i, d in reversed(list(enumerate(pairs)))}
    ranked = sorted(pairs, key=lambda d: (-pairs[d], -best[d], first[d]))
    return ranked[:top]


#: Where an id may be cut when a prefix or suffix all ids share is dropped.
_ID_SEPARATORS = re.compile(r"[-_:/.\s]")


def _shared_start(ids: list[str]) -> str:
    """The characters all ``ids`` start with."""
    first, last = min(ids), max(ids)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _common_affixes(ids: list[str]) -> tuple[int, int]:
    """Lengths of the prefix and suffix all ``ids`` share, cut at separators (``gwr-``,
    ``.txt``), leaving each id a character at least."""
    if len(ids) < 2:
        return 0, 0
    shortest = min(len(d) for d in ids)
    prefix = _shared_start(ids)[: shortest - 1]
    ends = [m.end() for m in _ID_SEPARATORS.finditer(prefix)]
    pre = ends[-1] if ends else 0
    room = shortest - 1 - pre
    suffix = _shared_start([d[::-1] for d in ids])[:room][::-1] if room > 0 else ""
    starts = [m.start() for m in _ID_SEPARATORS.finditer(suffix)]
    return pre, (len(suffix) - starts[0] if starts else 0)


def _matrix_labels(order: list[str]) -> list[str]:
    """Tick labels of the duplicates matrix: readable ids, distinct, thinned when many.

    Up to :data:`_LABELLED_CELLS` documents the ids are cut at 24 characters. Past it what
    every id shares (``003_9b7675b2e4522a57.txt:`` of line documents, ``gwr-``) is dropped,
    the rest cut at :data:`_DENSE_ID_CHARS`, and past :data:`_MAX_TICK_LABELS` documents
    only every k-th label is written.
    """
    if len(order) <= _LABELLED_CELLS:
        return [_short_id(d, 24) for d in order]
    pre, suf = _common_affixes(order)
    cut = [d[pre : len(d) - suf] for d in order]
    labels = [_short_id(c, _DENSE_ID_CHARS) for c in cut]
    if len(set(labels)) < len(labels):  # cutting merged two ids: keep their full middles
        labels = [_short_id(d, _DENSE_ID_CHARS) for d in order]
        if len(set(labels)) < len(labels):
            labels = [str(d) for d in order]
    step = math.ceil(len(order) / _MAX_TICK_LABELS)
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _grouped(docs: list[str], a: list[str], b: list[str]) -> list[str]:
    """``docs`` reordered so that documents linked by pairs sit together (first seen first)."""
    parent = {d: d for d in docs}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for x, y in zip(a, b, strict=True):
        if x in parent and y in parent:
            rx, ry = root(x), root(y)
            if rx != ry:
                parent[ry] = rx
    first: dict[str, int] = {}
    for i, d in enumerate(docs):
        first.setdefault(root(d), i)
    return sorted(docs, key=lambda d: (first[root(d)], docs.index(d)))


# --------------------------------------------------------------------------- boilerplate


@renamed(n="top")
def plot_originality(
    documents: pd.DataFrame,
    *,
    top: int = 30,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars per document: original text, repeated boilerplate, watermarks.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``documents`` of :func:`corpus_tools.boilerplate.find_boilerplate` (``doc_id``,
        ``chars``, ``boilerplate_chars``; ``watermark_chars`` when present).
    top : int, default 30
        At most this many documents, least original first.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> res = ct.find_boilerplate(ct.load_corpus("data/raw").documents)
    >>> ax = plots.plot_originality(res.documents)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['原创 original', '重复套话 repeated', '水印 watermark']
    """
    func = "plot_originality"
    check_columns(documents, "documents", func, ["doc_id", "chars", "boilerplate_chars"])
    top = _check_n(top, "top", func)
    ax = _axes(ax, func, (8, 0.3 * min(len(documents), top) + 1.8))
    if documents.empty:
        return _empty(ax, "no documents")
    chars = documents["chars"].to_numpy(dtype=float)
    boiler = documents["boilerplate_chars"].to_numpy(dtype=float)
    water = (
        documents["watermark_chars"].to_numpy(dtype=float)
        if "watermark_chars" in documents
        else np.zeros(len(documents))
    )
    share = np.divide(boiler, chars, out=np.zeros_like(chars), where=chars > 0)
    order = np.lexsort((np.arange(len(documents)), -share))[:top]
    ids = [_short_id(d, 24) for d in documents["doc_id"].astype(str).to_numpy()[order]]
    total = np.where(chars[order] > 0, chars[order], 1.0)
    wm = water[order] / total
    rep = (boiler[order] - water[order]) / total
    orig = 1.0 - wm - rep
    pos = np.arange(len(order))
    ax.barh(pos, orig, color="#55A868", label="原创 original")
    ax.barh(pos, rep, left=orig, color="#8172B3", label="重复套话 repeated")
    ax.barh(pos, wm, left=orig + rep, color="#C44E52", label="水印 watermark")
    ax.set_yticks(pos, labels=ids)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("文本占比 share of characters")
    ax.set_title("原创度 · originality")
    ax.legend(frameon=False, fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    return _done(ax)


# --------------------------------------------------------------------------- topics


#: Top terms that name a topic in a legend or under a column (enough to tell topics apart).
TOPIC_NAME_TERMS = 3
#: Characters kept of each of those terms.
TOPIC_NAME_TERM_CHARS = 6


def _topic_label(topic: Any) -> str:
    return f"T{topic}" if isinstance(topic, (int, np.integer)) else _short(topic, 10)


def _topic_name(topic: Any, terms: Sequence[Any], sep: str = " ") -> str:
    """``T0 社区、治理、网格``: the topic's number and its best terms."""
    words = "、".join(_short(t, TOPIC_NAME_TERM_CHARS) for t in list(terms)[:TOPIC_NAME_TERMS])
    return _topic_label(topic) + (sep + words if words else "")


def _topic_names(topics: pd.DataFrame | None, func: str) -> dict[Any, str]:
    """Each topic's name from a ``topics`` table (``topic``, ``terms``); {} without one."""
    if topics is None:
        return {}
    if not isinstance(topics, pd.DataFrame):
        raise param_error("topics", func, "the topics table of fit_topics or None", topics)
    check_columns(topics, "topics", func, ["topic", "terms"])
    names = {}
    for topic, terms in zip(topics["topic"].tolist(), topics["terms"].tolist(), strict=True):
        words = [terms] if isinstance(terms, str) else list(terms) if terms is not None else []
        names[topic] = _topic_name(topic, words)
    return names


def plot_topic_terms(
    terms: pd.DataFrame,
    *,
    n_terms: int = 8,
    max_topics: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """A grid of the top terms of each topic, shaded by weight.

    Parameters
    ----------
    terms : pandas.DataFrame
        The ``topics`` table of :func:`corpus_tools.topics.fit_topics` (one row per topic:
        ``topic``, ``terms`` a list of str best first, ``term_weights`` when present); or
        a long table, one row per (topic, term): ``topic``, ``term``, ``weight``.
    n_terms : int, default 8
        Terms shown per topic.
    max_topics : int, default 12
        Topics shown (in ``topic`` order).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> from corpus_tools.topics import fit_topics
    >>> res = fit_topics(ct.load_corpus("data/raw").documents, k=3)
    >>> ax = plots.plot_topic_terms(res.topics)
    >>> [t.get_text().splitlines()[0] for t in ax.get_xticklabels()]
    ['T0', 'T1', 'T2']

    Each column is named by its topic's number and best terms (as in the legend of
    :func:`plot_topic_shares`), so that the two figures name a topic alike.
    """
    func = "plot_topic_terms"
    check_columns(terms, "terms", func, ["topic"])
    n_terms = _check_n(n_terms, "n_terms", func)
    max_topics = _check_n(max_topics, "max_topics", func)
    long = _long_terms(terms, func)
    topics = sorted(long["topic"].unique().tolist(), key=lambda t: (str(type(t)), t))
    topics = topics[:max_topics]
    ax = _axes(ax, func, (1.6 * max(len(topics), 1) + 1, 0.32 * n_terms + 1.5))
    if not topics:
        return _empty(ax, "no topics")
    grid = np.full((n_terms, len(topics)), np.nan)
    names = []
    for j, topic in enumerate(topics):
        rows = long[long["topic"] == topic]
        w = rows["weight"].to_numpy(dtype=float)
        order = np.lexsort((np.arange(len(rows)), -w))[:n_terms]
        top_w = w[order]
        scale = top_w.max() if len(top_w) and top_w.max() > 0 else 1.0
        best = rows["term"].astype(str).to_numpy()[order]
        names.append(_topic_name(topic, best[:2].tolist(), sep="\n"))
        for i, (term, weight) in enumerate(zip(best, top_w, strict=True)):
            grid[i, j] = weight / scale
            ax.text(
                j,
                i,
                _short(term, 8),
                ha="center",
                va="center",
                fontsize="small",
                color="white" if weight / scale > 0.65 else "black",
            )
    ax.imshow(np.ma.masked_invalid(grid), cmap="Blues", vmin=0.0, vmax=1.15, aspect="auto")
    ax.set_xticks(np.arange(len(topics)), labels=names, fontsize="small")
    ax.set_yticks(np.arange(n_terms), labels=[str(i + 1) for i in range(n_terms)])
    ax.xaxis.tick_top()
    ax.set_ylabel("rank")
    ax.set_title("主题词 · topic terms", pad=24)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    apply_cjk_font(ax)
    return ax


def _long_terms(terms: pd.DataFrame, func: str) -> pd.DataFrame:
    if {"term", "weight"} <= set(terms.columns):
        return terms[["topic", "term", "weight"]]
    if "terms" in terms.columns:
        rows: list[tuple[Any, str, float]] = []
        weights = terms["term_weights"] if "term_weights" in terms.columns else None
        for i, (topic, words) in enumerate(zip(terms["topic"], terms["terms"], strict=True)):
            seq = list(words) if words is not None else []
            given = list(weights.iloc[i]) if weights is not None else []
            for j, w in enumerate(seq):
                weight = float(given[j]) if j < len(given) else float(len(seq) - j)
                rows.append((topic, str(w), weight))
        return pd.DataFrame(rows, columns=["topic", "term", "weight"])
    raise param_error(
        "terms",
        func,
        "a table with columns ['topic', 'term', 'weight'] or ['topic', 'terms']",
        f"columns {list(terms.columns)}",
    )


def plot_topic_shares(
    table: Any,
    *,
    by: str,
    corpus: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    weight: str | None = "weight",
    ax: Axes | None = None,
) -> Axes:
    """Stacked areas: the share of each topic in each period (or other group).

    The legend names each topic by its number and best terms (``T0 社区、治理、网格``)
    when the topics' terms are known: given as ``topics``, or ``table`` a whole result.

    Parameters
    ----------
    table : TopicResult or pandas.DataFrame
        A result of :func:`corpus_tools.topics.fit_topics` (its ``shares`` when they are
        over ``by``, else its ``documents``; its ``topics`` name the legend); or the
        ``shares`` of one (``by``, ``topic``, ``share``: drawn as given); or document
        topics, one row per document (or per document and topic): ``doc_id``, ``topic``
        (-1: no topic, left out) and, when ``weight`` names a column, that weight (each
        document's weights are normalised to sum to 1; without weights each document
        counts once for its topic).
    by : str
        The time (or group) field: a column of ``table``, else of ``corpus``.
    corpus : pandas.DataFrame, optional
        The corpus table holding ``doc_id`` and ``by`` when ``table`` has no ``by``.
    topics : pandas.DataFrame, optional
        The ``topics`` table of the fit (``topic``, ``terms``): the legend names each topic
        by its best terms (without it, and without a result as ``table``: T0, T1 ...).
    weight : str or None, default "weight"
        Weight column of document topics, used when present.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> from corpus_tools.topics import fit_topics
    >>> docs = ct.load_corpus("data/raw").documents.assign(year=[2019, 2019, 2020, 2021, 2021])
    >>> res = fit_topics(docs, k=3)
    >>> ax = plots.plot_topic_shares(res.documents, by="year", corpus=docs, topics=res.topics)
    >>> ax.get_xlabel()
    'year'
    >>> names = [t.get_text() for t in ax.get_legend().get_texts()]
    >>> names[0] == "T0 " + "、".join(res.topics["terms"][0][:3])
    True
    """
    func = "plot_topic_shares"
    if not isinstance(by, str):
        raise param_error("by", func, "a column name (str)", by)
    if not isinstance(table, pd.DataFrame) and hasattr(table, "documents"):  # a TopicResult
        topics = table.topics if topics is None else topics
        shares = table.shares
        table = shares if shares is not None and by in shares.columns else table.documents
    names = _topic_names(topics, func)
    check_columns(table, "table", func, ["topic"])
    if {"share", by} <= set(table.columns):
        frame = table[(table["topic"] >= 0) & table[by].notna()]
        shares = frame.groupby([by, "topic"], sort=True)["share"].sum().unstack("topic").fillna(0.0)
    else:
        check_columns(table, "table", func, ["doc_id", "topic"])
        frame = table
        if by not in frame.columns:
            if corpus is None:
                raise param_error("by", func, "a column of the table (or give corpus=)", by)
            check_columns(corpus, "corpus", func, ["doc_id", by])
            frame = frame.merge(corpus[["doc_id", by]], on="doc_id", how="left")
        frame = frame[frame[by].notna() & (frame["topic"] >= 0)]
        w = (
            frame[weight].to_numpy(dtype=float)
            if weight is not None and weight in frame.columns
            else np.ones(len(frame))
        )
        frame = frame.assign(_w=w)
        frame = frame.assign(_w=frame["_w"] / frame.groupby("doc_id")["_w"].transform("sum"))
        counts = frame.groupby([by, "topic"], sort=True)["_w"].sum().unstack("topic").fillna(0.0)
        shares = counts.div(counts.sum(axis=1), axis=0)
    ax = _axes(ax, func, (8, 4.5))
    if shares.empty:
        return _empty(ax, "no documents with a value for " + by)
    xs = _x_axis(ax, shares.index.tolist())
    shown = list(shares.columns)
    colors = _topic_colors(len(shown))
    values = shares.to_numpy(dtype=float).T
    labels = [names.get(t, _topic_label(t)) for t in shown]
    if len(xs) < 3:  # an area needs a few periods; stacked bars for one or two
        bottom = np.zeros(len(xs))
        for row, label, color in zip(values, labels, colors, strict=True):
            ax.bar(xs, row, bottom=bottom, label=label, color=color, width=0.6 * _step(xs))
            bottom += row
    else:
        ax.stackplot(xs, values, labels=labels, colors=colors, alpha=0.9)
    if len(xs) >= 3:
        ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel(by)
    ax.set_ylabel("主题占比 share")
    ax.set_title(f"主题随时间变化 · topic shares by {by}")
    ax.legend(frameon=False, fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
    return _done(ax)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _x_axis(ax: Axes, values: Sequence[Any]) -> npt.NDArray[np.float64]:
    """x positions of sorted group values: the values themselves when they are numbers
    (years keep their spacing), else 0, 1, 2 … with at most about 12 labels."""
    if values and all(_is_number(v) for v in values):
        xs = np.asarray(values, dtype=float)
        if len(xs) <= 12:
            ax.set_xticks(xs, labels=[f"{v:g}" for v in xs])
        else:
            from matplotlib.ticker import MaxNLocator, StrMethodFormatter

            ax.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
            ax.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        return xs
    xs = np.arange(len(values), dtype=float)
    step = max(1, math.ceil(len(xs) / 12))
    ax.set_xticks(xs[::step], labels=[_short(v, 10) for v in list(values)[::step]])
    return xs


def _step(xs: npt.NDArray[np.float64]) -> float:
    return float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0


def _topic_colors(k: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab20" if k > 10 else "tab10"]
    return [cmap(i % cmap.N) for i in range(k)]


# --------------------------------------------------------------------------- formulas

#: Characters of a formula drawn as a label; a longer one keeps its head and tail around
#: "…" (坚持以…为指导), its full text being in the tables.
FORMULA_LABEL_CHARS = 18
#: Shares are written in the cells of a heatmap of at most this many cells.
FORMULA_CELL_TEXT = 300
#: At most this many values of the field are labelled on an axis.
FORMULA_VALUE_LABELS = 40
#: Columns of a spread table (find_formulas(...).spread, or .family_spread with "family").
_SPREAD_COLUMNS = ["text", "value", "doc_freq", "docs", "share"]
_SHARE_LABEL = "占比 share of documents"
#: Cells darker than this share (square-root colour scale) get white text.
DARK_SHARE = 0.36


def _share_norm() -> Any:
    """Colours of shares in [0, 1], square-root scaled: a formula in 4% of a year's news
    items is visible beside one in 90%."""
    from matplotlib.colors import PowerNorm

    return PowerNorm(gamma=0.5, vmin=0.0, vmax=1.0)


def _formula_label(text: Any, width: int = FORMULA_LABEL_CHARS) -> str:
    """A formula on one line, cut in the middle when longer than ``width`` (坚持以…为指导)."""
    one = re.sub(r"\s+", " ", str(text)).strip()
    if len(one) <= width:
        return one
    head = (width - 1) - (width - 1) // 2
    return one[:head] + "…" + one[len(one) - (width - 1) // 2 :]


def _formula_labels(ids: Sequence[Any], texts: Sequence[Any]) -> list[str]:
    """Labels of formulas; two that would read the same get their id appended."""
    labels = [_formula_label(t) for t in texts]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{lab} #{i}" if seen[lab] > 1 else lab for lab, i in zip(labels, ids, strict=True)]


def _sorted_values(values: Sequence[Any]) -> list[Any]:
    """Values of a field in its sort order (numbers by value; mixed types by their text)."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _is_formula_result(value: Any) -> bool:
    from corpus_tools.formulas import FormulaResult

    return isinstance(value, FormulaResult)


def _spread_of(result_or_spread: Any, func: str) -> tuple[pd.DataFrame, str, str | None]:
    """The spread table, its id column (formula_id or family) and the field's name."""
    if _is_formula_result(result_or_spread):
        if result_or_spread.by is None:
            raise param_error(
                "result_or_spread",
                func,
                "a FormulaResult of find_formulas(..., by=FIELD) or its spread table",
                "a FormulaResult found without by",
            )
        return result_or_spread.spread, "formula_id", result_or_spread.by
    if not isinstance(result_or_spread, pd.DataFrame):
        raise param_error(
            "result_or_spread",
            func,
            "a FormulaResult or a spread table (find_formulas(..., by=FIELD).spread)",
            type(result_or_spread).__name__,
        )
    key = "family" if "family" in result_or_spread.columns else "formula_id"
    check_columns(result_or_spread, "result_or_spread", func, [key, *_SPREAD_COLUMNS])
    return result_or_spread, key, None


def plot_formula_heatmap(
    result_or_spread: Any,
    *,
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap: the share of each value's documents (year, province) holding each formula.

    Rows are the ``top`` most widespread formulas (in the result's order: most documents
    first), columns the values of the field in its sort order (years by number, provinces
    by text), each cell the share of that value's documents that hold the formula
    (``spread["share"]``); a cell is blank where the formula does not occur. A formula
    longer than 18 characters is labelled by its head and tail around "…" (坚持以…为指导);
    its full text is in ``result.formulas``.

    Parameters
    ----------
    result_or_spread : FormulaResult or pandas.DataFrame
        :func:`corpus_tools.find_formulas` with ``by=FIELD``, or its ``spread`` table
        (``formula_id``, ``text``, ``value``, ``doc_freq``, ``docs``, ``share``; rows in
        the order of ``formula_id``), or its ``family_spread`` (one row per family).
    top : int, default 20
        Formulas (or families) drawn: the first ``top`` ids.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidParameterError
        A result found without ``by``, a table without the spread's columns, ``top < 1``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> docs = ct.load_texts({
    ...     "a": "坚持以人民为中心的发展思想。", "b": "我们坚持以人民为中心的发展思想。",
    ...     "c": "始终坚持以人民为中心的发展思想！", "d": "全面从严治党永远在路上。",
    ...     "e": "必须坚持以人民为中心的发展思想。",
    ... }).assign(year=[2023, 2024, 2024, 2025, 2025])
    >>> res = ct.find_formulas(docs, by="year", min_docs=2)
    >>> ax = plots.plot_formula_heatmap(res)
    >>> [t.get_text() for t in ax.get_xticklabels()], [t.get_text() for t in ax.get_yticklabels()]
    (['2023', '2024', '2025'], ['坚持以人民为中心的发展思想'])
    >>> res.spread[["value", "share"]].values.tolist()    # the cells: 1/1, 2/2, 1/2
    [[2023, 1.0], [2024, 1.0], [2025, 0.5]]
    """
    func = "plot_formula_heatmap"
    spread, key, by = _spread_of(result_or_spread, func)
    top = _check_n(top, "top", func)
    values = _sorted_values(pd.unique(spread["value"].dropna()).tolist())
    ids = pd.unique(spread[key]).tolist()
    ids = sorted(ids)[:top]
    ax = _axes(ax, func, (0.42 * max(len(values), 1) + 5.5, 0.3 * max(len(ids), 1) + 2.0))
    if not ids or not values:
        return _empty(ax, "no formulas")
    rows = spread[spread[key].isin(ids)]
    row_of = {v: i for i, v in enumerate(ids)}
    col_of = {v: j for j, v in enumerate(values)}
    grid = np.full((len(ids), len(values)), np.nan)
    for i, v, s in zip(
        rows[key].tolist(), rows["value"].tolist(), rows["share"].tolist(), strict=True
    ):
        if v in col_of:
            grid[row_of[i], col_of[v]] = float(s)
    texts = rows.drop_duplicates(key).set_index(key)["text"]
    image = ax.imshow(
        np.ma.masked_invalid(grid),
        cmap="Reds",
        norm=_share_norm(),
        aspect="auto",
        interpolation="nearest",
    )
    if grid.size <= FORMULA_CELL_TEXT:
        for (i, j), s in np.ndenumerate(grid):
            if not np.isnan(s):
                ax.text(
                    j,
                    i,
                    f"{s:.0%}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if s > DARK_SHARE else "black",
                )
    step = max(1, math.ceil(len(values) / FORMULA_VALUE_LABELS))
    cols = np.arange(len(values))[::step]
    ax.set_xticks(
        cols,
        labels=[_short(values[j], 10) for j in cols],
        rotation=90 if any(len(str(v)) > 4 for v in values) else 0,
        fontsize="small",
    )
    ax.set_yticks(
        np.arange(len(ids)), labels=_formula_labels(ids, [texts[i] for i in ids]), fontsize="small"
    )
    apply_cjk_font(ax.figure.colorbar(image, ax=ax, shrink=0.8, label=_SHARE_LABEL).ax)
    if by:
        ax.set_xlabel(by)
    ax.set_title(f"套话分布 · formulas by {by}" if by else "套话分布 · formulas")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    apply_cjk_font(ax)
    return ax


def plot_formula_timeline(
    result: Any,
    *,
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Timeline: when each formula first appears, and where it stands since.

    One row per formula, the ``top`` most widespread, ordered by their ``first`` value
    (then by ``last``, then most widespread first): a line from the first to the last value
    of the field among its documents, and a dot at every value where it occurs, the darker
    the larger the share of that value's documents holding it. Numeric values (years) keep
    their spacing; other values (provinces, dates as text) are evenly spaced in their sort
    order. Long formulas are labelled by their head and tail around "…".

    Parameters
    ----------
    result : FormulaResult
        :func:`corpus_tools.find_formulas` with ``by=FIELD``. The formulas drawn are the
        first ``top`` rows of ``result.formulas`` (pass
        ``result._replace(formulas=result.formulas[...])`` to choose others).
    top : int, default 20
        Formulas drawn.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidParameterError
        Not a FormulaResult, one found without ``by``, ``top < 1``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import plots
    >>> docs = ct.load_texts({
    ...     "a": "推动高质量发展取得新成效。", "b": "坚持以人民为中心的发展思想。",
    ...     "c": "推动高质量发展取得新成效，坚持以人民为中心的发展思想。",
    ...     "d": "坚持以人民为中心的发展思想！", "e": "推动高质量发展取得新成效！",
    ... }).assign(year=[2021, 2023, 2023, 2024, 2025])
    >>> ax = plots.plot_formula_timeline(ct.find_formulas(docs, by="year", min_docs=2))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['推动高质量发展取得新成效', '坚持以人民为中心的发展思想']
    """
    func = "plot_formula_timeline"
    if not _is_formula_result(result):
        raise param_error(
            "result", func, "a FormulaResult of find_formulas(..., by=FIELD)", type(result).__name__
        )
    if result.by is None:
        raise param_error(
            "result",
            func,
            "a FormulaResult of find_formulas(..., by=FIELD)",
            "a FormulaResult found without by",
        )
    top = _check_n(top, "top", func)
    spread = result.spread
    values = _sorted_values(pd.unique(spread["value"].dropna()).tolist())
    shown = result.formulas.head(top)
    shown = shown[shown["first"].notna()]
    ax = _axes(ax, func, (8.5, 0.3 * max(len(shown), 1) + 2.0))
    if shown.empty or not values:
        return _empty(ax, "no formulas")
    col_of = {v: j for j, v in enumerate(values)}
    first = np.array([col_of[v] for v in shown["first"].tolist()])
    last = np.array([col_of[v] for v in shown["last"].tolist()])
    order = np.lexsort((np.arange(len(shown)), last, first))
    shown = shown.iloc[order]
    xs = _x_axis(ax, values)
    ids = shown["formula_id"].tolist()
    row_of = {f: i for i, f in enumerate(ids)}
    ax.hlines(np.arange(len(ids)), xs[first[order]], xs[last[order]], color="0.75", lw=2, zorder=1)
    dots = spread[spread["formula_id"].isin(ids) & spread["value"].isin(values)]
    points = ax.scatter(
        xs[[col_of[v] for v in dots["value"].tolist()]],
        [row_of[f] for f in dots["formula_id"].tolist()],
        c=dots["share"].to_numpy(dtype=float),
        cmap="Reds",
        norm=_share_norm(),
        s=36,
        edgecolors="0.3",
        linewidths=0.5,
        zorder=2,
    )
    ax.set_yticks(np.arange(len(ids)), labels=_formula_labels(ids, shown["text"].tolist()))
    ax.set_ylim(len(ids) - 0.5, -0.5)  # earliest at the top
    pad = _step(xs) * 0.5 if len(xs) > 1 else 0.5
    ax.set_xlim(xs[0] - pad, xs[-1] + pad)
    apply_cjk_font(ax.figure.colorbar(points, ax=ax, shrink=0.8, label=_SHARE_LABEL).ax)
    ax.set_xlabel(str(result.by))
    ax.set_title(f"套话首次出现 · formulas by first {result.by}")
    ax.grid(axis="x", color="0.92", zorder=0)
    return _done(ax)
