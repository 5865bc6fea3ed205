"""The sections of the report that show document text: copied passages side by side
(duplicates) and template sections with their unfilled placeholders (templates).

Text is shown as loaded, escaped, with its offsets in ``data-*`` attributes: everything
outside ``span.gap`` elements of an element ``data-doc="d" data-start="s" data-end="e"`` is
``text[s:e]`` of document ``d``, so a reader (or a test) can check a highlight against the
original.

Examples
--------
>>> from corpus_tools.present.excerpts import excerpt
>>> excerpt("d1", "甲乙丙丁戊", 1, 3, context=1)
'<p class="excerpt" data-doc="d1" data-start="0" data-end="4" data-copy-start="1" \
data-copy-end="3">甲<mark class="copy">乙丙</mark>丁<span class="gap">…</span></p>'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd

from corpus_tools.present.data import ReportData, pairs_to_show
from corpus_tools.present.markup import (
    SectionHTML,
    escape,
    escape_text,
    figure,
    format_int,
    highlight,
    html_table,
    stat_boxes,
)
from corpus_tools.present.plots import (
    plot_duplicates,
    plot_placeholder_density,
)
from corpus_tools.present.sections import missing_table

__all__ = [
    "distinct_sections",
    "duplicates_section",
    "excerpt",
    "pair_html",
    "templates_section",
]

#: Relations of duplicate pairs, strongest first.
RELATIONS = ("duplicate", "near-duplicate", "contained", "partial")
#: Documents drawn at most in the duplicate matrix (its side grows with them).
MATRIX_DOCUMENTS = 30
#: Characters of context shown around a copied passage.
EXCERPT_CONTEXT = 40
#: A copied passage longer than twice this (plus a margin) shows its head and tail only.
EXCERPT_KEEP = 220
EXCERPT_MARGIN = 40
#: Placeholder kinds, in legend order, and their labels.
PLACEHOLDER_KINDS = {
    "number": "数量 number",
    "percent": "比例 percent",
    "money": "金额 money",
    "date": "日期 date",
    "name": "名称 name",
    "person": "人名 person",
    "generic": "其他 generic",
}
#: Template sections drawn in the density figure.
DENSITY_BARS = 15
#: Characters of a template section shown (the rest is counted).
SECTION_CHARS = 1500


# --------------------------------------------------------------------------- duplicates


def _middle_cut(s: int, e: int, keep: int) -> list[tuple[int, int] | int]:
    """Pieces of ``[s, e)`` to show: the whole span, or its head and tail around a gap (an
    int: the number of characters left out)."""
    if e - s <= 2 * keep + EXCERPT_MARGIN:
        return [(s, e)]
    return [(s, s + keep), e - s - 2 * keep, (e - keep, e)]


def excerpt(
    doc: str,
    text: str,
    s: int,
    e: int,
    *,
    context: int = EXCERPT_CONTEXT,
    keep: int = EXCERPT_KEEP,
) -> str:
    """``<p class="excerpt">``: the copied span ``text[s:e]`` marked, with context around.

    The data attributes give the offsets shown: everything outside ``span.gap`` elements is
    ``text[data-start:data-end]`` (less the middle of a very long passage).
    """
    lo = max(0, s - context)
    hi = min(len(text), e + context)
    out = ['<span class="gap">…</span>' if lo > 0 else "", escape_text(text[lo:s])]
    marked = []
    for piece in _middle_cut(s, e, keep):
        if isinstance(piece, int):
            marked.append(
                f'</mark><span class="gap"> … {format_int(piece)} more copied '
                'characters … </span><mark class="copy">'
            )
        else:
            marked.append(escape_text(text[piece[0] : piece[1]]))
    out.append('<mark class="copy">' + "".join(marked) + "</mark>")
    out.append(escape_text(text[e:hi]))
    out.append('<span class="gap">…</span>' if hi < len(text) else "")
    return (
        f'<p class="excerpt" data-doc="{escape(doc)}" data-start="{lo}" data-end="{hi}" '
        f'data-copy-start="{s}" data-copy-end="{e}">' + "".join(out) + "</p>"
    )


def pair_html(
    pair: Any, passages: pd.DataFrame, *, texts: dict[str, str], max_passages: int
) -> str:
    """A pair of documents (a row of ``pairs``: ``a``, ``b``, ``relation``, ``similarity``,
    ``containment``) with its copied passages side by side, highlighted in both texts."""
    a, b = str(pair.a), str(pair.b)
    ta, tb = texts[a], texts[b]
    copied = int((passages["submission_end"] - passages["submission_start"]).sum())
    head = (
        f'<div class="pair"><h3>{escape(a)} ↔ {escape(b)} · {escape(pair.relation)}</h3>'
        f"<p>similarity {pair.similarity:.2f} · containment {pair.containment:.2f} · "
        f"{len(passages)} passage{'s' if len(passages) != 1 else ''}, "
        f"{format_int(copied)} of {format_int(len(ta))} characters of a copied "
        f"({copied / max(len(ta), 1):.0%}).</p>"
    )
    if passages.empty:
        return head + '<p class="note">No passage long enough to align.</p></div>'
    cells = [f'<div class="head">a: {escape(a)}</div>', f'<div class="head">b: {escape(b)}</div>']
    for p in passages.head(max_passages).itertuples(index=False):
        cells.append(excerpt(a, ta, int(p.submission_start), int(p.submission_end)))
        cells.append(excerpt(b, tb, int(p.match_start), int(p.match_end)))
    more = ""
    if len(passages) > max_passages:
        more = f'<p class="more">… and {len(passages) - max_passages} more passages.</p>'
    return head + f'<div class="side-by-side">{"".join(cells)}</div>{more}</div>'


_DUPLICATES_LEAD = (
    '<p class="lead">Documents compared on characters after folding width, punctuation, '
    "numbers and placeholders (so a filled-in copy still matches its blank template). "
    "<b>duplicate</b>: same folded text; <b>near-duplicate</b>: Jaccard similarity of "
    "5-character shingles above the threshold; <b>contained</b>: the shorter one (a) is "
    "found inside the longer (b); <b>partial</b>: a large share of a is copied from b in "
    "passages. <i>copy_ratio</i> is the share of a's characters in copied passages.</p>"
)


def _matrix(pairs: pd.DataFrame, clusters: pd.DataFrame) -> str:
    """The similarity matrix of the documents of the strongest pairs of each relation."""
    n_docs = len(set(pairs["a"]) | set(pairs["b"]))
    side = min(0.35 * min(n_docs, MATRIX_DOCUMENTS) + 3.5, 12.0)
    order = pairs_to_show(pairs, clusters, len(pairs), table_order=False, one_per_cluster=False)
    mixed = pairs.iloc[order]
    return figure(
        lambda ax: plot_duplicates(mixed, ax=ax),
        size=(side + 1.5, side),
        caption="Similarity of the documents of the strongest pairs of each relation "
        "(cell letter: D duplicate, N near-duplicate, C contained, P partial).",
        alt="duplicate matrix",
    )


def _clusters(clusters: pd.DataFrame, top: int) -> str:
    if clusters.empty:
        return ""
    groups = (
        clusters.groupby("cluster", sort=True)["doc_id"]
        .agg(lambda s: [str(x) for x in s])
        .reset_index()
    )
    groups.insert(1, "size", groups["doc_id"].map(len))
    groups = groups.rename(columns={"doc_id": "documents"})
    return '<h3>Clusters <span class="en">groups of mutual copies</span></h3>' + html_table(
        groups, max_rows=top
    )


def _side_by_side(data: ReportData, pairs: pd.DataFrame) -> str:
    """Each pair of ``data.passages`` with its passages, then how many pairs are not shown."""
    texts = data.texts
    rows = {(str(r.a), str(r.b)): r for r in pairs.itertuples(index=False)}
    out = [
        "<h3>Copied passages, side by side "
        '<span class="en">highlighted in both documents</span></h3>'
    ]
    for key, passages in data.passages.items():
        out.append(
            pair_html(rows[key], passages, texts=texts, max_passages=data.options.max_passages)
        )
    rest = len(pairs) - len(data.passages)
    if rest > 0:
        out.append(
            f'<p class="more">{format_int(rest)} more pairs are listed above without '
            "passages (every relation found is shown, strongest pairs first; identical copies "
            "show one example per cluster).</p>"
        )
    return "".join(out)


def duplicates_section(data: ReportData) -> SectionHTML:
    """Duplicate, near-duplicate, contained and partly copied documents, with the copied
    passages side by side (:func:`corpus_tools.dedup.find_near_duplicates`,
    ``copied_passages``)."""
    result = missing_table(data.duplicates, "duplicates")
    pairs, clusters = result.pairs, result.clusters
    counts = pairs["relation"].value_counts().to_dict() if len(pairs) else {}
    stats = [(f"{r} pairs", format_int(counts.get(r, 0))) for r in RELATIONS]
    stats.append(("clusters", format_int(clusters["cluster"].nunique() if len(clusters) else 0)))
    if pairs.empty:
        return SectionHTML(
            "no copied documents",
            _DUPLICATES_LEAD
            + stat_boxes(stats)
            + '<p class="note">No two documents share enough text to be reported.</p>',
        )
    body = (
        _DUPLICATES_LEAD
        + stat_boxes(stats)
        + _matrix(pairs, clusters)
        + _clusters(clusters, data.options.top)
        + '<h3>Pairs <span class="en">strongest first</span></h3>'
        + html_table(
            pairs,
            # the titles carried beside each pair (find_near_duplicates' keep="auto")
            columns=[
                "a",
                "title_a",
                "b",
                "title_b",
                "relation",
                "similarity",
                "containment",
                "copy_ratio",
            ],
            max_rows=data.options.top * 2,
            long=("title_a", "title_b"),
        )
        + _side_by_side(data, pairs)
    )
    return SectionHTML(", ".join(f"{counts[r]} {r}" for r in RELATIONS if r in counts), body)


# --------------------------------------------------------------------------- templates


def _copies(docs: list[str]) -> str:
    counts: dict[str, int] = {}
    for d in docs:
        counts[d] = counts.get(d, 0) + 1
    return "、".join(f"{d} ×{n}" if n > 1 else d for d, n in counts.items())


def distinct_sections(sections: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """Sections in their order, each text once; ``copies`` says where else it stands.

    Examples
    --------
    >>> secs = pd.DataFrame({"doc_id": ["a", "b", "b"], "start": [0, 0, 3], "end": [2, 2, 5]})
    >>> distinct_sections(secs, {"a": "XX", "b": "XX。YY"})[["doc_id", "copies"]].values.tolist()
    [['a', 'b'], ['b', '']]
    """
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


def _section_text(sec: Mapping[Any, Any], text: str, marks: list[tuple[int, int, str]]) -> str:
    """A template section's heading and text, its placeholders marked by kind."""
    doc = str(sec["doc_id"])
    s, e = int(sec["start"]), int(sec["end"])
    limit = min(e, s + SECTION_CHARS)
    cut = (
        f'<span class="gap"> … {format_int(e - limit)} more characters</span>' if limit < e else ""
    )
    copies = f" · same text also in {escape(sec['copies'])}" if sec["copies"] else ""
    titles = {f"ph ph-{k}": k for k in PLACEHOLDER_KINDS}
    return (
        f'<h3>{escape(sec["heading"] or "(front matter)")} <span class="en">{escape(doc)} · '
        f"{int(sec['placeholders'])} placeholders, "
        f"{float(sec['density']):.1f} per 100 characters · "
        f"{escape(sec['kinds'])}{copies}</span></h3>"
        f'<div class="section-text" data-doc="{escape(doc)}" data-start="{s}" data-end="{limit}">'
        f"{highlight(text, marks, start=s, end=limit, titles=titles)}{cut}</div>"
    )


def _section_texts(
    dense: pd.DataFrame, spans: pd.DataFrame, texts: dict[str, str], limit: int
) -> list[str]:
    """The densest template sections, none inside another already shown, at most ``limit``."""
    by_doc = {d: g for d, g in spans.groupby("doc_id", sort=False)}
    shown: dict[str, list[tuple[int, int]]] = {}
    out: list[str] = []
    for sec in dense.to_dict("records"):
        if len(out) >= limit:
            break
        doc = str(sec["doc_id"])
        s, e = int(sec["start"]), int(sec["end"])
        if any(s < e2 and s2 < e for s2, e2 in shown.get(doc, [])):
            continue  # a parent or child of a section already shown
        shown.setdefault(doc, []).append((s, e))
        grp = by_doc.get(doc)
        marks = (
            [
                (int(a), int(b), f"ph ph-{k}")
                for a, b, k in zip(grp["start"], grp["end"], grp["kind"], strict=True)
            ]
            if grp is not None
            else []
        )
        out.append(_section_text(sec, texts[doc], marks))
    return out


def templates_section(data: ReportData) -> SectionHTML:
    """Template sections, their unfilled placeholders highlighted
    (:func:`corpus_tools.text.scan_placeholders`)."""
    result = missing_table(data.placeholders, "templates")
    spans, sections, documents = result.spans, result.sections, result.documents
    kinds = spans["kind"].value_counts().to_dict() if len(spans) else {}
    stats = [
        ("占位符 placeholders", format_int(len(spans))),
        (
            "含占位符文档 documents with any",
            format_int(spans["doc_id"].nunique() if len(spans) else 0),
        ),
        (
            "模板段落 template sections",
            format_int(int((sections["placeholders"] > 0).sum()) if len(sections) else 0),
        ),
    ]
    lead = (
        '<p class="lead">Blanks a template left unfilled (XX社区, X个, ×万元, 20XX年, 某某) '
        "and the sections that hold them, densest first. <i>density</i> is placeholders per "
        "100 characters; a document's <i>template_score</i> is the share of its text in "
        "sections dense with blanks.</p>"
    )
    if spans.empty:
        return SectionHTML(
            "no placeholders",
            lead + stat_boxes(stats) + '<p class="note">No unfilled placeholder found.</p>',
        )
    texts = data.texts
    dense = distinct_sections(sections[sections["placeholders"] > 0], texts)
    legend = " ".join(
        f'<mark class="ph ph-{k}">{escape(name)}</mark>'
        for k, name in PLACEHOLDER_KINDS.items()
        if k in kinds
    )
    fig = figure(
        lambda ax: plot_placeholder_density(dense, ax=ax),
        size=(8.5, 0.3 * max(min(len(dense), DENSITY_BARS), 1) + 1.6),
        caption="Sections with the densest placeholders (number of blanks beside); "
        "a section repeated verbatim in several documents is shown once.",
        alt="placeholder density",
    )
    body = (
        lead
        + stat_boxes(stats)
        + f'<p class="legend">{legend}</p>'
        + fig
        + '<h3>Documents <span class="en">by template score</span></h3>'
        + html_table(
            documents,
            max_rows=data.options.top,
            numeric_format={"density": ".2f", "template_score": ".2f"},
        )
        + '<h3>Template sections <span class="en">placeholders highlighted</span></h3>'
        + "".join(_section_texts(dense, spans, texts, data.options.max_template_sections))
    )
    note = f"{len(spans)} placeholders in {spans['doc_id'].nunique()} documents"
    return SectionHTML(note, body)
