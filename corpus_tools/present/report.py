"""One self-contained HTML report of a corpus: what is copied, templated, repeated, said.

:func:`build_report` runs every capability of the toolkit on a corpus table and returns one
HTML page; :func:`write_report` loads files (or takes a table) and writes that page
atomically. The page holds everything it shows: figures are PNG images embedded as
``data:`` URIs, the style sheet is inline, there is no script and a Content-Security-Policy
forbids any network access, so the file can be mailed, archived or opened offline. The same
corpus and options give a byte-identical file (no timestamp, stable ordering, PNGs without
dates).

Sections, in order (``sections=`` picks some of them):

==================  =====================================================================
``overview``        documents, sizes and structure (:func:`corpus_tools.text.inspect`)
``duplicates``      duplicate, near-duplicate, contained and partly copied documents, with
                    the copied passages side by side and highlighted
                    (:func:`corpus_tools.dedup.find_near_duplicates`, ``copied_passages``)
``templates``       template sections, their unfilled placeholders highlighted
                    (:func:`corpus_tools.text.scan_placeholders`)
``slogans``         numeric slogans and quoted formulas (:func:`corpus_tools.slogans.mine_slogans`)
``boilerplate``     watermarks, repeated passages, originality per document
                    (:func:`corpus_tools.boilerplate.find_boilerplate`)
``keywords``        top keywords, and their trend over ``by`` (year…)
                    (:func:`corpus_tools.keywords.keyword_table`)
``topics``          topics, their terms and their shares over ``by`` (:mod:`corpus_tools.topics`)
==================  =====================================================================

A section whose capability is missing from the installed version, or fails on this
corpus, is replaced by a note saying so; the rest of the report is still written.

Examples
--------
>>> import corpus_tools as ct
>>> summary = ct.write_report("data/raw", "data/processed/report.html")   # doctest: +SKIP
>>> html = ct.build_report(ct.load_texts({"a": "XX区有X个社区。"}), sections=["overview"])
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from corpus_tools.errors import (
    NoDocumentsError,
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.progress import progress_bar

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SECTIONS", "ReportSummary", "build_report", "write_report"]

#: The report's sections, in the order they appear.
SECTIONS = ("overview", "duplicates", "templates", "slogans", "boilerplate", "keywords", "topics")

_TITLES = {
    "overview": ("文档概览", "Corpus overview"),
    "duplicates": ("重复与抄袭", "Duplicates and copied passages"),
    "templates": ("模板段落与未填空白", "Template sections and placeholders"),
    "slogans": ("提法与口号", "Slogans"),
    "boilerplate": ("套话与水印", "Boilerplate and watermarks"),
    "keywords": ("关键词", "Keywords"),
    "topics": ("主题", "Topics"),
}

#: Integer columns written without thousands separators (2026, not 2,026).
_PLAIN_INT = re.compile(r"year|month|day|date|_id$|^id$|_no$|congress|cluster|topic", re.I)
_DPI = 144  # figures are drawn at this resolution and shown at 96 CSS pixels per inch
_PH_KINDS = ("number", "percent", "money", "date", "name", "person", "generic")
_PH_NAMES = {
    "number": "数量 number",
    "percent": "比例 percent",
    "money": "金额 money",
    "date": "日期 date",
    "name": "名称 name",
    "person": "人名 person",
    "generic": "其他 generic",
}


class ReportSummary(NamedTuple):
    """What :func:`write_report` wrote.

    Attributes
    ----------
    path : str
        The HTML file.
    bytes : int
        Its size.
    documents : int
        Documents in the report.
    chars : int
        Characters in those documents.
    unreadable : int
        Inputs that could not be read (listed in the report).
    sections : pandas.DataFrame
        One row per requested section: ``section`` (str), ``status`` (str: ``ok``,
        ``unavailable`` when the capability is not installed, ``failed`` when it raised),
        ``note`` (str: one line on what the section found, or why it is missing).
    """

    path: str
    bytes: int
    documents: int
    chars: int
    unreadable: int
    sections: pd.DataFrame


@dataclass
class _Options:
    title: str
    by: str | None
    top: int
    max_pairs: int
    max_passages: int
    max_template_sections: int
    n_topics: int | None
    seed: int


@dataclass
class _Part:
    key: str
    status: str = "ok"
    note: str = ""
    body: str = ""


@dataclass
class _Context:
    corpus: pd.DataFrame
    texts: dict[str, str]
    options: _Options
    cache: dict[str, Any] = field(default_factory=dict)


class _Unavailable(Exception):
    """A capability is not installed in this version of the toolkit."""


# --------------------------------------------------------------------------- HTML helpers


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


_BLANK_LINES = re.compile(r"(\n[ \t\u3000\r]*\n)((?:[ \t\u3000\r]*\n)+)")


def _etext(text: str) -> str:
    """Escape document text for a ``white-space: pre-wrap`` block; blank lines beyond one
    are kept in the page (offsets stay exact) but hidden (``span.blank``)."""
    escaped = html.escape(text, quote=True)
    return _BLANK_LINES.sub(r'\1<span class="blank">\2</span>', escaped)


def _fmt_int(n: Any) -> str:
    return f"{int(n):,}"


def _clip(text: str, width: int) -> str:
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
    overlaps one already marked is clipped, one outside the window is cut to it.

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
        out.append(_etext(text[pos:s]))
        title = f' title="{_e(titles[cls])}"' if titles and cls in titles else ""
        out.append(f'<mark class="{_e(cls)}"{title}>{_etext(text[s:e])}</mark>')
        pos = e
    out.append(_etext(text[pos:stop]))
    return "".join(out)


def _table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    max_rows: int = 50,
    numeric_format: dict[str, str] | None = None,
    long: Sequence[str] = (),
    clip: int = 160,
    html_cells: dict[str, Sequence[str]] | None = None,
) -> str:
    """An HTML table of ``frame``; ``html_cells`` gives ready (escaped) HTML for a column."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    if frame.empty or not cols:
        return '<p class="note">（无）nothing to show.</p>'
    formats = {c: "d" for c in cols if _PLAIN_INT.search(str(c))}
    formats.update(numeric_format or {})
    ready = html_cells or {}
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    rows = []
    for i, rec in enumerate(frame[cols].head(max_rows).itertuples(index=False)):
        cells = []
        for col, value in zip(cols, rec, strict=True):
            if col in ready:
                cells.append(f'<td class="long">{ready[col][i]}</td>')
            else:
                cells.append(_cell(value, formats.get(col), long=col in long, clip=clip))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="more">… and {_fmt_int(len(frame) - max_rows)} more rows.</p>'
    return (
        f'<div class="table-wrap"><table class="data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _cell(value: Any, fmt: str | None, *, long: bool, clip: int) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [str(v) for v in value]
        shown = "、".join(items[:6]) + (f" … (+{len(items) - 6})" if len(items) > 6 else "")
        return f'<td class="long">{_e(shown)}</td>'
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, np.integer)):
        shown = str(int(value)) if fmt == "d" else _fmt_int(value)
        return f'<td class="num">{shown}</td>'
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "<td></td>"
        if fmt == "d" and float(value).is_integer():
            return f'<td class="num">{int(value)}</td>'
        return f'<td class="num">{format(float(value), fmt if fmt and fmt != "d" else ".3f")}</td>'
    if value is None or value is pd.NA:
        return "<td></td>"
    cls = ' class="long"' if long else ""
    return f"<td{cls}>{_e(_clip(str(value), clip))}</td>"


def _stats(items: Sequence[tuple[str, str]]) -> str:
    boxes = "".join(f'<div class="stat"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for k, v in items)
    return f'<div class="stats">{boxes}</div>'


def _figure(
    draw: Callable[[Axes], Any], *, size: tuple[float, float], caption: str, alt: str
) -> str:
    """Draw on a fresh Figure (no pyplot, default style) and embed it as a PNG data URI."""
    import matplotlib.style
    from matplotlib.figure import Figure

    with matplotlib.style.context("default"):
        fig = Figure(figsize=size, dpi=100, layout="constrained")
        draw(fig.add_subplot())
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    width = round(size[0] * 96)
    return (
        f'<figure><img src="data:image/png;base64,{data}" width="{width}" alt="{_e(alt)}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _import(module: str) -> Any:
    try:
        return importlib.import_module(f"corpus_tools.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("corpus_tools"):
            raise _Unavailable(
                f"corpus_tools.{module} is not part of this version of corpus-tools "
                f"(missing module {exc.name})."
            ) from None
        raise


# --------------------------------------------------------------------------- sections


def _overview(ctx: _Context, part: _Part) -> None:
    from corpus_tools.present import plots
    from corpus_tools.text.summary import inspect

    table = inspect(ctx.corpus)
    ctx.cache["overview"] = table
    chars = table["chars"].to_numpy() if len(table) else np.zeros(1, dtype=np.int64)
    stats = [
        ("文档 documents", _fmt_int(len(table))),
        ("字符 characters", _fmt_int(chars.sum())),
        ("中位长度 median length", _fmt_int(np.median(chars))),
        ("标题层级 headings", _fmt_int(table["sections"].sum() if len(table) else 0)),
    ]
    meta = [c for c in table.columns if c not in _OVERVIEW and _short_values(table[c])]
    cols = ["doc_id", "title", "chars", "paragraphs", "sections", "items", "depth", *meta[:4]]
    size = (8.0, min(0.3 * min(len(table), 40) + 1.5, 13.0))
    fig = _figure(
        lambda ax: plots.plot_document_sizes(table, ax=ax),
        size=size,
        caption="Characters per document (a histogram when there are many).",
        alt="document sizes",
    )
    part.body = (
        '<p class="lead">What the corpus holds: one row per document, with its title (read '
        "off the front matter), its length and how deeply its headings nest "
        "(一、 → （一） → 1. → （1）).</p>"
        + _stats(stats)
        + fig
        + _table(table, columns=cols, max_rows=50, long=("title",))
    )
    part.note = f"{len(table)} documents, {_fmt_int(chars.sum())} characters"


_OVERVIEW = ("doc_id", "title", "chars", "paragraphs", "sections", "items", "depth", "source")


def _short_values(column: pd.Series) -> bool:
    """A metadata column worth a table column: short values (year, province), not URLs."""
    values = column.dropna().astype(str)
    return bool(len(values)) and int(values.str.len().max()) <= 24


def _duplicates(ctx: _Context, part: _Part) -> None:
    dedup = _import("dedup")
    from corpus_tools.present import plots

    opts = ctx.options
    result = dedup.find_near_duplicates(ctx.corpus, progress=False, seed=opts.seed)
    pairs, clusters = result.pairs, result.clusters
    counts = pairs["relation"].value_counts().to_dict() if len(pairs) else {}
    order = ("duplicate", "near-duplicate", "contained", "partial")
    stats = [(f"{r} pairs", _fmt_int(counts.get(r, 0))) for r in order]
    stats.append(("clusters", _fmt_int(clusters["cluster"].nunique() if len(clusters) else 0)))
    lead = (
        '<p class="lead">Documents compared on characters after folding width, punctuation, '
        "numbers and placeholders (so a filled-in copy still matches its blank template). "
        "<b>duplicate</b>: same folded text; <b>near-duplicate</b>: Jaccard similarity of "
        "5-character shingles above the threshold; <b>contained</b>: the shorter one (a) is "
        "found inside the longer (b); <b>partial</b>: a large share of a is copied from b in "
        "passages. <i>copy_ratio</i> is the share of a's characters in copied passages.</p>"
    )
    if pairs.empty:
        part.body = (
            lead
            + _stats(stats)
            + ('<p class="note">No two documents share enough text to be reported.</p>')
        )
        part.note = "no copied documents"
        return
    n_docs = len(set(pairs["a"]) | set(pairs["b"]))
    side = min(0.35 * min(n_docs, 30) + 3.5, 12.0)
    mixed = pairs.iloc[
        _pairs_to_show(pairs, clusters, len(pairs), table_order=False, one_per_cluster=False)
    ]
    fig = _figure(
        lambda ax: plots.plot_duplicates(mixed, ax=ax),
        size=(side + 1.5, side),
        caption="Similarity of the documents of the strongest pairs of each relation "
        "(cell letter: D duplicate, N near-duplicate, C contained, P partial).",
        alt="duplicate matrix",
    )
    body = [lead, _stats(stats), fig]
    if len(clusters):
        groups = (
            clusters.groupby("cluster", sort=True)["doc_id"]
            .agg(lambda s: [str(x) for x in s])
            .reset_index()
        )
        groups.insert(1, "size", groups["doc_id"].map(len))
        groups = groups.rename(columns={"doc_id": "documents"})
        body.append('<h3>Clusters <span class="en">groups of mutual copies</span></h3>')
        body.append(_table(groups, max_rows=opts.top))
    body.append('<h3>Pairs <span class="en">strongest first</span></h3>')
    body.append(
        _table(
            pairs,
            columns=["a", "b", "relation", "similarity", "containment", "copy_ratio"],
            max_rows=opts.top * 2,
        )
    )
    body.append(
        "<h3>Copied passages, side by side "
        '<span class="en">highlighted in both documents</span></h3>'
    )
    chosen = _pairs_to_show(pairs, clusters, opts.max_pairs)
    for rec in pairs.iloc[chosen].itertuples(index=False):
        a, b = str(rec.a), str(rec.b)
        passages = dedup.copied_passages(ctx.texts[a], ctx.texts[b], seed=opts.seed)
        body.append(
            _pair_html(a, b, rec, passages, texts=ctx.texts, max_passages=opts.max_passages)
        )
    shown = len(chosen)
    rest = len(pairs) - shown
    if rest > 0:
        body.append(
            f'<p class="more">{_fmt_int(rest)} more pairs are listed above without '
            "passages (every relation found is shown, strongest pairs first; identical copies "
            "show one example per cluster).</p>"
        )
    part.body = "".join(body)
    part.note = ", ".join(f"{counts[r]} {r}" for r in order if r in counts)


def _pairs_to_show(
    pairs: pd.DataFrame,
    clusters: pd.DataFrame,
    limit: int,
    *,
    table_order: bool = True,
    one_per_cluster: bool = True,
) -> list[int]:
    """Rows of ``pairs`` to show: strongest first, taken in turn from each relation (so
    partial copies are shown even when near-duplicates abound), one pair per cluster of
    identical copies; in the table's order, or in the order taken."""
    cluster_of = dict(zip(clusters["doc_id"].astype(str), clusters["cluster"], strict=True))
    queues: dict[str, list[int]] = {}
    seen: set[int] = set()
    for i, (a, relation) in enumerate(zip(pairs["a"].astype(str), pairs["relation"], strict=True)):
        if relation == "duplicate" and one_per_cluster:
            c = int(cluster_of.get(a, -1))
            if c in seen:
                continue
            seen.add(c)
        queues.setdefault(str(relation), []).append(i)
    chosen: list[int] = []
    lists = list(queues.values())
    depth = 0
    while len(chosen) < limit and any(depth < len(q) for q in lists):
        for q in lists:
            if depth < len(q) and len(chosen) < limit:
                chosen.append(q[depth])
        depth += 1
    return sorted(chosen) if table_order else chosen


def _middle_cut(text: str, s: int, e: int, keep: int) -> list[tuple[int, int] | int]:
    """Pieces of ``[s, e)`` to show: the whole span, or its head and tail around a gap."""
    if e - s <= 2 * keep + 40:
        return [(s, e)]
    return [(s, s + keep), e - s - 2 * keep, (e - keep, e)]


def _excerpt(doc: str, text: str, s: int, e: int, *, context: int = 40, keep: int = 220) -> str:
    """``<p class="excerpt">``: the copied span ``text[s:e]`` marked, with context around.

    The data attributes give the offsets shown: everything outside ``span.gap`` elements is
    ``text[data-start:data-end]`` (less the middle of a very long passage).
    """
    lo = max(0, s - context)
    hi = min(len(text), e + context)
    out = ['<span class="gap">…</span>' if lo > 0 else "", _etext(text[lo:s])]
    marked = []
    for piece in _middle_cut(text, s, e, keep):
        if isinstance(piece, int):
            marked.append(
                f'</mark><span class="gap"> … {_fmt_int(piece)} more copied '
                'characters … </span><mark class="copy">'
            )
        else:
            marked.append(_etext(text[piece[0] : piece[1]]))
    out.append('<mark class="copy">' + "".join(marked) + "</mark>")
    out.append(_etext(text[e:hi]))
    out.append('<span class="gap">…</span>' if hi < len(text) else "")
    return (
        f'<p class="excerpt" data-doc="{_e(doc)}" data-start="{lo}" data-end="{hi}" '
        f'data-copy-start="{s}" data-copy-end="{e}">' + "".join(out) + "</p>"
    )


def _pair_html(
    a: str, b: str, rec: Any, passages: pd.DataFrame, *, texts: dict[str, str], max_passages: int
) -> str:
    ta, tb = texts[a], texts[b]
    copied = int((passages["submission_end"] - passages["submission_start"]).sum())
    head = (
        f'<div class="pair"><h3>{_e(a)} ↔ {_e(b)} · {_e(rec.relation)}</h3>'
        f"<p>similarity {rec.similarity:.2f} · containment {rec.containment:.2f} · "
        f"{len(passages)} passage{'s' if len(passages) != 1 else ''}, "
        f"{_fmt_int(copied)} of {_fmt_int(len(ta))} characters of a copied ({copied / max(len(ta), 1):.0%}).</p>"
    )
    if passages.empty:
        return head + '<p class="note">No passage long enough to align.</p></div>'
    cells = [f'<div class="head">a: {_e(a)}</div>', f'<div class="head">b: {_e(b)}</div>']
    for p in passages.head(max_passages).itertuples(index=False):
        cells.append(_excerpt(a, ta, int(p.submission_start), int(p.submission_end)))
        cells.append(_excerpt(b, tb, int(p.match_start), int(p.match_end)))
    more = ""
    if len(passages) > max_passages:
        more = f'<p class="more">… and {len(passages) - max_passages} more passages.</p>'
    return head + f'<div class="side-by-side">{"".join(cells)}</div>{more}</div>'


def _templates(ctx: _Context, part: _Part) -> None:
    ph = _import("text")
    from corpus_tools.present import plots

    opts = ctx.options
    result = ph.scan_placeholders(ctx.corpus)
    spans, sections, documents = result.spans, result.sections, result.documents
    kinds = spans["kind"].value_counts().to_dict() if len(spans) else {}
    stats = [
        ("占位符 placeholders", _fmt_int(len(spans))),
        (
            "含占位符文档 documents with any",
            _fmt_int(spans["doc_id"].nunique() if len(spans) else 0),
        ),
        (
            "模板段落 template sections",
            _fmt_int(int((sections["placeholders"] > 0).sum()) if len(sections) else 0),
        ),
    ]
    legend = " ".join(
        f'<mark class="ph ph-{k}">{_e(_PH_NAMES[k])}</mark>' for k in _PH_KINDS if k in kinds
    )
    lead = (
        '<p class="lead">Blanks a template left unfilled (XX社区, X个, ×万元, 20XX年, 某某) '
        "and the sections that hold them, densest first. <i>density</i> is placeholders per "
        "100 characters; a document's <i>template_score</i> is the share of its text in "
        "sections dense with blanks.</p>"
    )
    if spans.empty:
        part.body = lead + _stats(stats) + '<p class="note">No unfilled placeholder found.</p>'
        part.note = "no placeholders"
        return
    dense = _distinct_sections(sections[sections["placeholders"] > 0], ctx.texts)
    n_bars = min(len(dense), 15)
    fig = _figure(
        lambda ax: plots.plot_placeholder_density(dense, ax=ax),
        size=(8.5, 0.3 * max(n_bars, 1) + 1.6),
        caption="Sections with the densest placeholders (number of blanks beside); "
        "a section repeated verbatim in several documents is shown once.",
        alt="placeholder density",
    )
    body = [lead, _stats(stats), f'<p class="legend">{legend}</p>', fig]
    body.append('<h3>Documents <span class="en">by template score</span></h3>')
    body.append(
        _table(
            documents, max_rows=opts.top, numeric_format={"density": ".2f", "template_score": ".2f"}
        )
    )
    body.append('<h3>Template sections <span class="en">placeholders highlighted</span></h3>')
    by_doc = {d: g for d, g in spans.groupby("doc_id", sort=False)}
    shown: dict[str, list[tuple[int, int]]] = {}
    count = 0
    titles = {f"ph ph-{k}": k for k in _PH_KINDS}
    for sec in dense.to_dict("records"):
        if count >= opts.max_template_sections:
            break
        doc = str(sec["doc_id"])
        s, e = int(sec["start"]), int(sec["end"])
        if any(s < e2 and s2 < e for s2, e2 in shown.get(doc, [])):
            continue  # a parent or child of a section already shown
        text = ctx.texts[doc]
        shown.setdefault(doc, []).append((s, e))
        count += 1
        grp = by_doc.get(doc)
        marks = (
            [
                (int(a), int(b), f"ph ph-{k}")
                for a, b, k in zip(grp["start"], grp["end"], grp["kind"], strict=True)
            ]
            if grp is not None
            else []
        )
        limit = min(e, s + 1500)
        cut = (
            f'<span class="gap"> … {_fmt_int(e - limit)} more characters</span>'
            if limit < e
            else ""
        )
        copies = f" · same text also in {_e(sec['copies'])}" if sec["copies"] else ""
        body.append(
            f'<h3>{_e(sec["heading"] or "(front matter)")} <span class="en">{_e(doc)} · '
            f"{int(sec['placeholders'])} placeholders, "
            f"{float(sec['density']):.1f} per 100 characters · "
            f"{_e(sec['kinds'])}{copies}</span></h3>"
            f'<div class="section-text" data-doc="{_e(doc)}" data-start="{s}" data-end="{limit}">'
            f"{highlight(text, marks, start=s, end=limit, titles=titles)}{cut}</div>"
        )
    part.body = "".join(body)
    part.note = f"{len(spans)} placeholders in {spans['doc_id'].nunique()} documents"


def _distinct_sections(sections: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """Sections in their order, each text once; ``copies`` says where else it stands."""
    first: dict[str, int] = {}
    others: dict[int, list[str]] = {}
    keep = []
    for i, (doc, s, e) in enumerate(
        zip(sections["doc_id"].astype(str), sections["start"], sections["end"], strict=True)
    ):
        key = hashlib.blake2b(texts[doc][int(s) : int(e)].encode("utf-8"), digest_size=16)
        digest = key.hexdigest()
        if digest in first:
            others[first[digest]].append(doc)
            continue
        first[digest] = i
        others[i] = []
        keep.append(i)
    out = sections.iloc[keep].copy()
    out["copies"] = [_copies(others[i]) for i in keep]
    return out.reset_index(drop=True)


def _copies(docs: list[str]) -> str:
    counts: dict[str, int] = {}
    for d in docs:
        counts[d] = counts.get(d, 0) + 1
    return "、".join(f"{d} ×{n}" if n > 1 else d for d, n in counts.items())


def _slogans(ctx: _Context, part: _Part) -> None:
    slogans = _import("slogans")
    from corpus_tools.present import plots

    opts = ctx.options
    table = slogans.mine_slogans(ctx.corpus, progress=False)
    lead = (
        '<p class="lead">Numbered formulas (三会一课, 一征三议两公开) and quoted formulas '
        "(大党委), mined from the characters of the text; <i>count</i> is occurrences, "
        "<i>doc_freq</i> documents, <i>family</i> groups variants of one frame.</p>"
    )
    if table.empty:
        part.body = lead + '<p class="note">No slogan found.</p>'
        part.note = "no slogans"
        return
    n = min(len(table), opts.top)
    fig = _figure(
        lambda ax: plots.plot_slogans(table, top=opts.top, ax=ax),
        size=(7.5, 0.3 * n + 1.6),
        caption="Most frequent slogans (篇: documents).",
        alt="slogans",
    )
    stats = [
        ("提法 slogans", _fmt_int(len(table))),
        ("家族 families", _fmt_int(table["family"].nunique() if "family" in table else 0)),
    ]
    cols = ["slogan", "kind", "family", "count", "doc_freq", "score", "example"]
    examples = []
    for slogan, example in zip(
        table["slogan"].head(opts.top), table["example"].head(opts.top), strict=True
    ):
        text = _clip(str(example), 100)
        at = text.find(str(slogan)) if slogan else -1
        spans = [(at, at + len(str(slogan)), "slogan")] if at >= 0 else []
        examples.append(highlight(text, spans))
    part.body = (
        lead
        + _stats(stats)
        + fig
        + _table(table, columns=cols, max_rows=opts.top, html_cells={"example": examples})
    )
    part.note = f"{len(table)} slogans"


def _boilerplate(ctx: _Context, part: _Part) -> None:
    bp = _import("boilerplate")
    from corpus_tools.present import plots

    opts = ctx.options
    result = bp.find_boilerplate(ctx.corpus, progress=False)
    passages, documents = result.passages, result.documents
    counts = passages["kind"].value_counts().to_dict() if len(passages) else {}
    stats = [
        ("水印 watermarks", _fmt_int(counts.get("watermark", 0))),
        ("重复段落 repeated passages", _fmt_int(counts.get("repeated", 0))),
        (
            "平均原创度 mean originality",
            f"{documents['originality'].mean():.2f}" if len(documents) else "–",
        ),
    ]
    lead = (
        '<p class="lead">Marks of template websites (仅供学习参考, 请勿照搬照抄, QQ群…) and '
        "passages repeated in at least three documents. <i>originality</i> is the share of a "
        "document's characters outside them.</p>"
    )
    n = min(len(documents), 30)
    fig = _figure(
        lambda ax: plots.plot_originality(documents, ax=ax),
        size=(9.0, 0.3 * max(n, 1) + 1.8),
        caption="Share of each document that is original, repeated or watermark "
        "(least original first).",
        alt="originality",
    )
    table = passages.sort_values("passage_id", kind="stable")
    part.body = (
        lead
        + _stats(stats)
        + fig
        + "<h3>Passages</h3>"
        + _table(
            table,
            columns=["kind", "text", "chars", "doc_freq", "occurrences", "docs"],
            max_rows=opts.top * 2,
            long=("text",),
            clip=200,
        )
    )
    part.note = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none found"


def _keywords(ctx: _Context, part: _Part) -> None:
    kw = _import("keywords")
    from corpus_tools.present import plots

    opts = ctx.options
    by = [opts.by] if opts.by else None
    table = kw.keyword_table(ctx.corpus, by=by, min_length=2, progress=False)
    lead = (
        '<p class="lead">Terms of the segmented text (slogans and placeholders kept whole, '
        "the genre's stopwords removed, terms of two characters or more)"
        + (f", counted per <b>{_e(opts.by)}</b>" if opts.by else "")
        + ". <i>rate_per_10k</i> is occurrences per 10,000 characters.</p>"
    )
    if table.empty:
        part.body = lead + '<p class="note">No keyword.</p>'
        part.note = "no keywords"
        return
    totals = (
        table.groupby("term", sort=True)
        .agg(count=("count", "sum"), doc_freq=("doc_freq", "sum"))
        .reset_index()
    )
    order = np.lexsort((totals["term"].astype(str).to_numpy(), -totals["count"].to_numpy()))
    totals = totals.iloc[order].reset_index(drop=True)
    n = min(len(totals), opts.top)
    figs = [
        _figure(
            lambda ax: plots.plot_keywords(table, top=opts.top, ax=ax),
            size=(7.0, 0.28 * n + 1.6),
            caption="Most frequent terms.",
            alt="keywords",
        )
    ]
    if opts.by and table[opts.by].nunique() > 1:
        figs.append(
            _figure(
                lambda ax: plots.plot_keyword_trends(table, by=opts.by, ax=ax),
                size=(9.0, 4.8),
                caption=f"Top terms per 10,000 characters, by {opts.by}.",
                alt="keyword trends",
            )
        )
    part.body = lead + "".join(figs) + _table(totals, max_rows=opts.top)
    part.note = f"{len(totals)} terms"


def _topics(ctx: _Context, part: _Part) -> None:
    topics = _import("topics")
    from corpus_tools.present import plots

    opts = ctx.options
    lead = (
        '<p class="lead">Documents clustered by what they are about, after removing what '
        "they all share (boilerplate, the genre's stopwords, terms in more than half of the "
        "documents). Each topic is listed with its top terms (a pair of adjacent words shown "
        "joined) and the documents that best represent it; <i>coherence</i> (NPMI) is higher "
        "when a topic's terms occur together.</p>"
    )
    if len(ctx.corpus) < 3:
        part.body = lead + '<p class="note">Topics need three documents or more.</p>'
        part.note = "too few documents"
        return
    k = None if opts.n_topics is None else min(opts.n_topics, len(ctx.corpus))
    result = topics.fit_topics(ctx.corpus, k=k, over=opts.by, seed=opts.seed)
    table = result.topics
    stats = [
        ("主题 topics", _fmt_int(result.k)),
        ("模型 model", result.model),
        (f"一致性 coherence ({result.coherence_measure})", f"{result.coherence:.3f}"),
    ]
    k_note = ""
    if len(result.k_scores):
        tried = ", ".join(
            f"k={int(r.k)}: {r.coherence:.3f}" for r in result.k_scores.itertuples(index=False)
        )
        k_note = f'<p class="note">k chosen by coherence among {_e(tried)}.</p>'
    n_terms = 8
    figs = [
        _figure(
            lambda ax: plots.plot_topic_terms(table, n_terms=n_terms, ax=ax),
            size=(min(1.6 * max(result.k, 1) + 1.5, 13.0), 0.34 * n_terms + 1.6),
            caption="Top terms of each topic (darker: higher weight within the topic).",
            alt="topic terms",
        )
    ]
    if result.shares is not None and opts.by and result.shares[opts.by].nunique() > 1:
        shares = result.shares
        figs.append(
            _figure(
                lambda ax: plots.plot_topic_shares(shares, by=str(opts.by), ax=ax),
                size=(9.0, 4.6),
                caption=f"Share of the documents of each {opts.by} in each topic.",
                alt="topic shares",
            )
        )
    reps = result.representatives
    if len(reps):  # the title read off the front matter, not a watermark's first line
        from corpus_tools.text.structure import find_title

        reps = reps.assign(
            title=[
                find_title(ctx.texts[str(d)]) or str(t)
                for d, t in zip(reps["doc_id"], reps["title"], strict=True)
            ]
        )
    part.body = (
        lead
        + _stats(stats)
        + k_note
        + "".join(figs)
        + _table(table, columns=["topic", "size", "share", "coherence", "terms"], max_rows=50)
        + "<h3>Representative documents</h3>"
        + _table(reps, columns=["topic", "rank", "doc_id", "title", "weight"], max_rows=150)
    )
    part.note = f"{result.k} topics ({result.model}), coherence {result.coherence:.3f}"


_BUILDERS: dict[str, Callable[[_Context, _Part], None]] = {
    "overview": _overview,
    "duplicates": _duplicates,
    "templates": _templates,
    "slogans": _slogans,
    "boilerplate": _boilerplate,
    "keywords": _keywords,
    "topics": _topics,
}


# --------------------------------------------------------------------------- the page


def _css() -> str:
    from importlib.resources import files

    return files("corpus_tools").joinpath("data/report.css").read_text(encoding="utf-8")


def _section_html(index: int, part: _Part) -> str:
    zh, en = _TITLES[part.key]
    head = f'<section id="{part.key}"><h2>{index}. {_e(zh)} <span class="en">{_e(en)}</span></h2>'
    if part.status == "ok":
        return head + part.body + "</section>"
    label = "Not available" if part.status == "unavailable" else "Could not be computed"
    cls = "notice" if part.status == "unavailable" else "notice failed"
    return head + f'<p class="{cls}"><b>{label}:</b> {_e(part.note)}</p></section>'


def _page(ctx: _Context, parts: list[_Part], load_errors: pd.DataFrame | None) -> str:
    from corpus_tools import __version__

    opts = ctx.options
    n_docs = len(ctx.corpus)
    chars = sum(len(t) for t in ctx.texts.values())
    nav = "".join(
        f'<li class="{"ok" if p.status == "ok" else "skipped"}"><a href="#{p.key}">{i}. '
        f'{_e(_TITLES[p.key][0])} <span class="en">{_e(_TITLES[p.key][1])}</span></a></li>'
        for i, p in enumerate(parts, 1)
    )
    errors = ""
    if load_errors is not None and len(load_errors):
        errors = (
            f'<p class="notice failed"><b>{len(load_errors)} input(s) could not be read</b> '
            "and are not in this report:</p>"
            + _table(load_errors, max_rows=100, long=("reason",), clip=300)
        )
    sections = "".join(_section_html(i, p) for i, p in enumerate(parts, 1))
    by = f" · grouped by {_e(opts.by)}" if opts.by else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="corpus-tools {_e(__version__)}">\n'
        f"<title>{_e(opts.title)}</title>\n<style>\n{_css()}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(opts.title)}</h1>"
        f'<p class="meta">{_fmt_int(n_docs)} documents · {_fmt_int(chars)} characters{by} · '
        f"corpus-tools {_e(__version__)}</p><nav><ol>{nav}</ol></nav></header>\n"
        f"<main>{errors}{sections}</main>\n"
        "<footer><p>Offsets, counts and passages come from the corpus_tools functions named "
        "in each section; the same call in Python gives the full tables. Generated by "
        f"corpus-tools {_e(__version__)}.</p></footer>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- public API


def _resolve_by(by: Any, corpus: pd.DataFrame, func: str) -> str | None:
    if by is None:
        return None
    check_type(by, "by", func, str, "a column name, 'auto' or None")
    if by == "auto":
        for name in ("year", "period"):
            if name in corpus.columns and corpus[name].dropna().nunique() > 1:
                return name
        return None
    if by not in corpus.columns:
        raise param_error("by", func, f"a column of the corpus {list(corpus.columns)}", by)
    return by


def _check_sections(sections: Any, func: str) -> list[str]:
    if isinstance(sections, str) or not isinstance(sections, Sequence) or not sections:
        raise param_error("sections", func, f"a non-empty list from {list(SECTIONS)}", sections)
    for s in sections:
        if s not in SECTIONS:
            raise param_error("sections", func, f"a list of names from {list(SECTIONS)}", s)
    return [s for s in SECTIONS if s in sections]


def _render(
    corpus: pd.DataFrame,
    func: str,
    *,
    title: str,
    by: str | None,
    sections: Sequence[str],
    top: int,
    max_pairs: int,
    max_passages: int,
    max_template_sections: int,
    n_topics: int | None,
    load_errors: pd.DataFrame | None,
    seed: int,
    progress: bool | None,
) -> tuple[str, list[_Part]]:
    check_columns(corpus, "corpus", func, ["doc_id", "text"])
    check_type(title, "title", func, str, "a str")
    for name, value in (
        ("top", top),
        ("max_pairs", max_pairs),
        ("max_passages", max_passages),
        ("max_template_sections", max_template_sections),
    ):
        check_number(value, name, func, kind=int, low=1)
    if n_topics is not None:
        check_number(n_topics, "n_topics", func, kind=int, low=2)
    check_number(seed, "seed", func, kind=int, low=0)
    if load_errors is not None:
        check_columns(load_errors, "load_errors", func, ["path", "reason"])
    wanted = _check_sections(sections, func)
    ids = [str(d) for d in corpus["doc_id"]]
    if len(set(ids)) != len(ids):
        dup = next(d for d in ids if ids.count(d) > 1)
        raise param_error(
            "corpus", func, "a table with unique doc_id values", f"{dup!r} more than once"
        )
    if not all(isinstance(t, str) for t in corpus["text"]):
        raise param_error("corpus", func, "a table whose 'text' column holds str", "other values")
    frame = corpus.assign(doc_id=ids).reset_index(drop=True)
    opts = _Options(
        title=title,
        by=_resolve_by(by, frame, func),
        top=top,
        max_pairs=max_pairs,
        max_passages=max_passages,
        max_template_sections=max_template_sections,
        n_topics=n_topics,
        seed=seed,
    )
    ctx = _Context(frame, dict(zip(ids, frame["text"], strict=True)), opts)
    from corpus_tools.present.plots import find_cjk_font

    find_cjk_font()  # no CJK font: stop now, with the install hint, not after the work
    parts: list[_Part] = []
    for key in progress_bar(wanted, desc="report", unit="section", enabled=progress):
        part = _Part(key)
        try:
            _BUILDERS[key](ctx, part)
        except _Unavailable as exc:
            part.status, part.note, part.body = "unavailable", str(exc), ""
        except ModuleNotFoundError as exc:  # a module the capability needs is missing
            part.status, part.body = "unavailable", ""
            part.note = f"a module it needs, {exc.name}, is not installed."
            if (exc.name or "").startswith("corpus_tools"):
                part.note = f"a module it needs, {exc.name}, is not part of this version."
        except Exception as exc:  # one failing capability must not cost the whole report
            part.status, part.body = "failed", ""
            part.note = f"{type(exc).__name__}: {exc}"
        parts.append(part)
    return _page(ctx, parts, load_errors), parts


def build_report(
    corpus: pd.DataFrame,
    *,
    title: str = "语料分析报告 Corpus report",
    by: str | None = "auto",
    sections: Sequence[str] = SECTIONS,
    top: int = 20,
    max_pairs: int = 10,
    max_passages: int = 12,
    max_template_sections: int = 8,
    n_topics: int | None = None,
    load_errors: pd.DataFrame | None = None,
    seed: int = 0,
    progress: bool | None = False,
) -> str:
    """The HTML report of a corpus, as one self-contained page.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table with unique ``doc_id`` and ``text`` (:func:`corpus_tools.load_corpus`);
        metadata columns are shown in the overview. Not modified.
    title : str
        The page's title.
    by : str or None, default "auto"
        Metadata field for keyword trends and topic shares (``"year"``, ``"province"``);
        ``"auto"`` takes ``year`` or ``period`` when the corpus has two values or more;
        None: no grouping.
    sections : list of str, default all
        Which of :data:`SECTIONS` to include (always in that order).
    top : int, default 20
        Rows of the main tables and bars of the figures (tables may show twice as many).
    max_pairs : int, default 10
        Document pairs whose copied passages are shown side by side.
    max_passages : int, default 12
        Passages shown per pair.
    max_template_sections : int, default 8
        Template sections shown with their placeholders highlighted.
    n_topics : int, optional
        Number of topics (default: the topic model's own choice).
    load_errors : pandas.DataFrame, optional
        Inputs that could not be read (``path``, ``reason``), listed at the top.
    seed : int, default 0
        Seed of every randomised step (hashing, topic model).
    progress : bool or None, default False
        Progress bar over sections on stderr (None: only on a terminal).

    Returns
    -------
    str
        The HTML page (UTF-8 text). The same corpus and options give the same string.

    Raises
    ------
    InvalidParameterError
        For a bad argument (no ``doc_id``/``text``, duplicate ``doc_id``, unknown section).
    FontNotFoundError
        No CJK font is installed to draw the figures (the message says what to install).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "关于XX社区的汇报\\n一、做法\\n投入X万元，建成X个站点。"})
    >>> page = ct.build_report(docs, sections=["overview", "templates"])   # doctest: +SKIP
    >>> open("report.html", "w", encoding="utf-8").write(page)           # doctest: +SKIP
    """
    page, _ = _render(
        corpus,
        "build_report",
        title=title,
        by=by,
        sections=sections,
        top=top,
        max_pairs=max_pairs,
        max_passages=max_passages,
        max_template_sections=max_template_sections,
        n_topics=n_topics,
        load_errors=load_errors,
        seed=seed,
        progress=progress,
    )
    return page


def write_report(
    source: pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out_path: str | os.PathLike[str],
    *,
    split: str | None = None,
    load_errors: pd.DataFrame | None = None,
    **options: Any,
) -> ReportSummary:
    """Write the HTML report of a corpus (a table, or files and folders to load) atomically.

    Parameters
    ----------
    source : DataFrame, path or list of paths
        A corpus table, or inputs for :func:`corpus_tools.load_corpus`; unreadable inputs
        are skipped and listed in the report.
    out_path : str or path-like
        The HTML file to write (folders are created; an existing file is replaced only
        once the new one is complete).
    split : {"lines", "auto"}, optional
        For paths: one document per non-empty line of plain-text files (``"auto"``: of the
        files that hold one report per line), as for :func:`corpus_tools.load_corpus`.
    load_errors : pandas.DataFrame, optional
        With a table: inputs that could not be read (``path``, ``reason``).
    **options
        Options of :func:`build_report` (``title``, ``by``, ``sections``, ``top``…).

    Returns
    -------
    ReportSummary
        The file written, its size, and what each section found or why it is missing.

    Raises
    ------
    NoDocumentsError
        No input could be read.
    OutputError
        ``out_path`` cannot be written.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> s = ct.write_report("data/raw", "data/processed/report.html")       # doctest: +SKIP
    >>> s.sections[["section", "status"]]                                  # doctest: +SKIP
    """
    func = "write_report"
    check_type(out_path, "out_path", func, (str, os.PathLike), "a file path")
    if isinstance(source, pd.DataFrame):
        corpus, errors = source, load_errors
    else:
        from corpus_tools.io import load_corpus

        paths = [source] if isinstance(source, (str, os.PathLike)) else list(source)
        loaded = load_corpus(paths, split=split, progress=False)
        corpus, errors = loaded.documents, loaded.errors
        if corpus.empty:
            raise NoDocumentsError(
                f"No readable document in {[str(p) for p in paths]}; "
                f"{len(errors)} input(s) could not be read."
            )
    unknown = set(options) - set(_BUILD_OPTIONS)
    if unknown:
        raise param_error(
            "options", func, f"options of build_report {sorted(_BUILD_OPTIONS)}", sorted(unknown)[0]
        )
    page, parts = _render(corpus, func, load_errors=errors, **{**_DEFAULTS, **options})
    data = page.encode("utf-8")
    from corpus_tools.io import atomic_write

    target = Path(out_path)
    with atomic_write(target, "wb") as fh:
        fh.write(data)
    table = pd.DataFrame(
        [(p.key, p.status, p.note) for p in parts], columns=["section", "status", "note"]
    )
    chars = int(sum(len(t) for t in corpus["text"]))
    return ReportSummary(
        str(target), len(data), len(corpus), chars, 0 if errors is None else len(errors), table
    )


_DEFAULTS: dict[str, Any] = {
    "title": "语料分析报告 Corpus report",
    "by": "auto",
    "sections": SECTIONS,
    "top": 20,
    "max_pairs": 10,
    "max_passages": 12,
    "max_template_sections": 8,
    "n_topics": None,
    "seed": 0,
    "progress": False,
}
_BUILD_OPTIONS = tuple(_DEFAULTS)
