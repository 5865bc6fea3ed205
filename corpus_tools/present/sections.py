"""The sections of the report drawn from tables alone: overview, slogans, boilerplate,
keywords, topics, formulas (duplicates and templates, which show document text, are in
:mod:`corpus_tools.present.excerpts`).

Each ``*_section(data)`` reads the tables of a :class:`~corpus_tools.present.ReportData`
and returns a :class:`~corpus_tools.present.markup.SectionHTML`: the section's HTML and one
line on what it found. Nothing is computed here that a capability computes.

Examples
--------
>>> import corpus_tools as ct
>>> from corpus_tools.present import collect_report_data
>>> from corpus_tools.present.sections import slogans_section
>>> data = collect_report_data(ct.load_corpus("data/raw").documents, sections=["slogans"])
>>> slogans_section(data).note == f"{len(data.slogans)} slogans"
True
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

from corpus_tools.present.data import (
    COUNTED_SECTIONS,
    MIN_TOPIC_DOCUMENTS,
    ReportData,
    document_scorecard,
    metadata_columns,
    report_findings,
)
from corpus_tools.present.markup import (
    SectionHTML,
    clip,
    escape,
    figure,
    format_int,
    highlight,
    html_table,
    notice,
    stat_boxes,
)
from corpus_tools.present.plots import (
    plot_document_sizes,
    plot_formula_heatmap,
    plot_formula_timeline,
    plot_keyword_trends,
    plot_keywords,
    plot_originality,
    plot_slogans,
    plot_topic_shares,
    plot_topic_terms,
)

__all__ = [
    "boilerplate_section",
    "findings_section",
    "formulas_section",
    "keyword_totals",
    "keywords_section",
    "missing_table",
    "overview_section",
    "scorecard_section",
    "slogans_section",
    "topics_note",
    "topics_section",
]

T = TypeVar("T")

#: Overview columns always shown, in this order; metadata columns follow.
OVERVIEW_COLUMNS = (
    "doc_id",
    "title",
    "guessed_title",
    "chars",
    "paragraphs",
    "sections",
    "items",
    "depth",
)
#: Rows of the overview and topic tables.
TABLE_ROWS = 50
#: Rows of the representative documents (a few per topic).
REPRESENTATIVE_ROWS = 150
#: Slogan examples are cut to this many characters.
EXAMPLE_WIDTH = 100
#: Documents drawn in the originality figure.
ORIGINALITY_BARS = 30
#: Terms per topic drawn in the topic figure.
TOPIC_TERMS = 8
#: Characters of a formula shown in its table cell (nearly every formula whole).
FORMULA_CHARS = 400
#: Characters of context shown on each side of a formula's first occurrence.
FORMULA_CONTEXT = 15
#: ``first`` and ``last`` are values of a field (2024, not 2,024).
_PLAIN_VALUES = {"first": "d", "last": "d"}
#: The formula figures are as wide as this many inches at most.
FORMULA_FIGURE_WIDTH = 13.0
#: Characters of a watermark, formula or title quoted in the findings.
FINDING_CHARS = 40
#: Documents named in a note before "…".
FINDING_IDS = 10
#: Documents listed in the scorecard (the whole table is ``document_scorecard(data)``).
SCORECARD_ROWS = 300
#: Characters of a title in the scorecard (a row stays a line or two high).
SCORECARD_TITLE_CHARS = 30


def missing_table(table: T | None, section: str) -> T:
    """``table``, or an error saying that the table of ``section`` was not collected."""
    if table is None:
        raise ValueError(
            f"the table of the {section!r} section was not collected: render the ReportData "
            f"of collect_report_data with {section!r} among its sections."
        )
    return table


# --------------------------------------------------------------------------- overview


def overview_section(data: ReportData) -> SectionHTML:
    """Documents, sizes and structure (:func:`corpus_tools.text.inspect`)."""
    table = missing_table(data.overview, "overview")
    chars = table["chars"].to_numpy() if len(table) else np.zeros(1, dtype=np.int64)
    stats = [
        ("文档 documents", format_int(len(table))),
        ("字符 characters", format_int(chars.sum())),
        ("中位长度 median length", format_int(np.median(chars))),
        ("标题层级 headings", format_int(table["sections"].sum() if len(table) else 0)),
    ]
    meta = metadata_columns(table, exclude=(*OVERVIEW_COLUMNS, "source", "copies", "copy_ids"))
    cols = [*OVERVIEW_COLUMNS, *meta]
    fig = figure(
        lambda ax: plot_document_sizes(table, ax=ax),
        size=(8.0, min(0.3 * min(len(table), 40) + 1.5, 13.0)),
        caption="Characters per document (a histogram when there are many).",
        alt="document sizes",
    )
    body = (
        '<p class="lead">What the corpus holds: one row per document, with its title as the '
        "corpus gives it, the title read off its front matter (guessed_title), its length "
        "and how deeply its headings nest "
        "(一、 → （一） → 1. → （1）).</p>"
        + stat_boxes(stats)
        + fig
        + html_table(table, columns=cols, max_rows=TABLE_ROWS, long=("title", "guessed_title"))
    )
    return SectionHTML(f"{len(table)} documents, {format_int(chars.sum())} characters", body)


# --------------------------------------------------------------------------- slogans


def slogans_section(data: ReportData) -> SectionHTML:
    """Numeric slogans and quoted formulas (:func:`corpus_tools.slogans.mine_slogans`)."""
    table = missing_table(data.slogans, "slogans")
    top = data.options.top
    lead = (
        '<p class="lead">Numbered formulas (三会一课, 一征三议两公开) and quoted formulas '
        "(大党委), mined from the characters of the text; <i>count</i> is occurrences, "
        "<i>doc_freq</i> documents, <i>family</i> groups variants of one frame.</p>"
    )
    if table.empty:
        return SectionHTML("no slogans", lead + '<p class="note">No slogan found.</p>')
    fig = figure(
        lambda ax: plot_slogans(table, top=top, ax=ax),
        size=(7.5, 0.3 * min(len(table), top) + 1.6),
        caption="Most frequent slogans (篇: documents).",
        alt="slogans",
    )
    stats = [
        ("提法 slogans", format_int(len(table))),
        ("家族 families", format_int(table["family"].nunique() if "family" in table else 0)),
    ]
    cols = ["slogan", "kind", "family", "count", "doc_freq", "score", "example"]
    examples = []
    for slogan, example in zip(table["slogan"].head(top), table["example"].head(top), strict=True):
        text = clip(str(example), EXAMPLE_WIDTH)
        at = text.find(str(slogan)) if slogan else -1
        examples.append(highlight(text, [(at, at + len(str(slogan)), "slogan")] if at >= 0 else []))
    body = (
        lead
        + stat_boxes(stats)
        + fig
        + html_table(table, columns=cols, max_rows=top, html_cells={"example": examples})
    )
    return SectionHTML(f"{len(table)} slogans", body)


# --------------------------------------------------------------------------- boilerplate


def boilerplate_section(data: ReportData) -> SectionHTML:
    """Watermarks, repeated passages, originality per document
    (:func:`corpus_tools.boilerplate.find_boilerplate`)."""
    result = missing_table(data.boilerplate, "boilerplate")
    passages, documents = result.passages, result.documents
    counts = passages["kind"].value_counts().to_dict() if len(passages) else {}
    stats = [
        ("水印 watermarks", format_int(counts.get("watermark", 0))),
        ("重复段落 repeated passages", format_int(counts.get("repeated", 0))),
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
    fig = figure(
        lambda ax: plot_originality(documents, ax=ax),
        size=(9.0, 0.3 * max(min(len(documents), ORIGINALITY_BARS), 1) + 1.8),
        caption="Share of each document that is original, repeated or watermark "
        "(least original first).",
        alt="originality",
    )
    table = passages.sort_values("passage_id", kind="stable")
    body = (
        lead
        + stat_boxes(stats)
        + fig
        + "<h3>Passages</h3>"
        + html_table(
            table,
            columns=["kind", "text", "chars", "doc_freq", "occurrences", "docs"],
            max_rows=data.options.top * 2,
            long=("text",),
            clip_at=200,
        )
    )
    note = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none found"
    return SectionHTML(note, body)


# --------------------------------------------------------------------------- keywords


def keyword_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Count and doc_freq of each term summed over the groups of a keyword table, most
    frequent first (ties by term)."""
    totals = (
        table.groupby("term", sort=True)
        .agg(count=("count", "sum"), doc_freq=("doc_freq", "sum"))
        .reset_index()
    )
    order = np.lexsort((totals["term"].astype(str).to_numpy(), -totals["count"].to_numpy()))
    return totals.iloc[order].reset_index(drop=True)


def keywords_section(data: ReportData) -> SectionHTML:
    """Top keywords and their trend over ``by`` (:func:`corpus_tools.keywords.keyword_table`)."""
    table = missing_table(data.keywords, "keywords")
    by, top = data.options.by, data.options.top
    lead = (
        '<p class="lead">Terms of the segmented text (slogans and placeholders kept whole, '
        "the genre's stopwords removed, terms of two characters or more)"
        + (f", counted per <b>{escape(by)}</b>" if by else "")
        + ". <i>rate_per_10k</i> is occurrences per 10,000 characters.</p>"
    )
    if table.empty:
        return SectionHTML("no keywords", lead + '<p class="note">No keyword.</p>')
    totals = keyword_totals(table)
    figs = [
        figure(
            lambda ax: plot_keywords(table, top=top, ax=ax),
            size=(7.0, 0.28 * min(len(totals), top) + 1.6),
            caption="Most frequent terms.",
            alt="keywords",
        )
    ]
    if by and table[by].nunique() > 1:
        figs.append(
            figure(
                lambda ax: plot_keyword_trends(table, by=by, ax=ax),
                size=(9.0, 4.8),
                caption=f"Top terms per 10,000 characters, by {by}.",
                alt="keyword trends",
            )
        )
    body = lead + "".join(figs) + html_table(totals, max_rows=top)
    return SectionHTML(f"{len(totals)} terms", body)


# --------------------------------------------------------------------------- topics

_TOPICS_LEAD = (
    '<p class="lead">Documents clustered by what they are about, after removing what '
    "they all share (boilerplate, the genre's stopwords, terms in more than half of the "
    "documents). Each topic is listed with its top terms (a pair of adjacent words shown "
    "joined) and the documents that best represent it; <i>coherence</i> (NPMI) is higher "
    "when a topic's terms occur together.</p>"
)


def topics_note(data: ReportData) -> str:
    """What a reader of the topics must know, or "": the corpus is too small to cluster,
    documents were left without a topic (and why), every topic holds one document.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import collect_report_data
    >>> docs = ct.load_texts({"a": "推进基层治理。", "b": "推进基层治理！"})
    >>> topics_note(collect_report_data(docs, sections=["topics"]))
    'too few documents to cluster: 1 distinct document (copies counted once); topics need 3 or more'
    """
    result = data.topics
    n = len(data.counted)
    if result is None:
        if n >= MIN_TOPIC_DOCUMENTS:
            return ""
        what = "distinct document" if data.unique is not None else "document"
        copies = " (copies counted once)" if data.unique is not None else ""
        return (
            f"too few documents to cluster: {n} {what}{'s' if n != 1 else ''}{copies}; "
            f"topics need {MIN_TOPIC_DOCUMENTS} or more"
        )
    # the fit's own caveats (too few documents for its topics, documents without a topic,
    # no convergence), then the documents without a topic by name
    notes = [n.rstrip(".") for n in result.notes]
    left = result.unassigned
    if len(left):
        named = [
            f"{d} ({r})" for d, r in zip(left["doc_id"].astype(str), left["reason"], strict=True)
        ]
        notes.append(
            "without a topic: "
            + ", ".join(named[:FINDING_IDS])
            + (" …" if len(named) > FINDING_IDS else "")
        )
    return "; ".join(notes)


def topics_section(data: ReportData) -> SectionHTML:
    """Topics, their terms, representative documents and shares over ``by``
    (:func:`corpus_tools.topics.fit_topics`)."""
    result = data.topics
    note = topics_note(data)
    if result is None and len(data.counted) < MIN_TOPIC_DOCUMENTS:
        return SectionHTML(
            "too few documents",
            _TOPICS_LEAD + f'<p class="note">{escape(note[:1].upper() + note[1:])}.</p>',
        )
    result = missing_table(result, "topics")
    by = data.options.by
    table = result.topics
    stats = [
        ("主题 topics", format_int(result.k)),
        ("模型 model", result.model),
        (f"一致性 coherence ({result.coherence_measure})", f"{result.coherence:.3f}"),
    ]
    k_note = ""
    if len(result.k_scores):
        scores = result.k_scores
        tried = ", ".join(
            f"k={int(k)}: {c:.3f}"
            for k, c in zip(scores["k"].tolist(), scores["coherence"].tolist(), strict=True)
        )
        k_note = f'<p class="note">k chosen by coherence among {escape(tried)}.</p>'
    figs = [
        figure(
            lambda ax: plot_topic_terms(table, n_terms=TOPIC_TERMS, ax=ax),
            size=(min(1.6 * max(result.k, 1) + 1.5, 13.0), 0.34 * TOPIC_TERMS + 1.6),
            caption="Top terms of each topic (darker: higher weight within the topic).",
            alt="topic terms",
        )
    ]
    shares = result.shares
    if shares is not None and by and shares[by].nunique() > 1:
        figs.append(
            figure(
                lambda ax: plot_topic_shares(shares, by=by, topics=table, ax=ax),
                size=(9.0, 4.6),
                caption=f"Share of the documents of each {by} in each topic.",
                alt="topic shares",
            )
        )
    warning = notice("Note", note[:1].upper() + note[1:] + ".") if note else ""
    body = (
        _TOPICS_LEAD
        + stat_boxes(stats)
        + warning
        + k_note
        + "".join(figs)
        + html_table(
            table, columns=["topic", "size", "share", "coherence", "terms"], max_rows=TABLE_ROWS
        )
        + "<h3>Representative documents</h3>"
        + html_table(
            result.representatives,
            columns=["topic", "rank", "doc_id", "title", "weight"],
            max_rows=REPRESENTATIVE_ROWS,
        )
    )
    note = f"{result.k} topics ({result.model}), coherence {result.coherence:.3f}"
    return SectionHTML(note, body)


# --------------------------------------------------------------------------- formulas

_FORMULAS_LEAD = (
    '<p class="lead">Phrases repeated below the sentence (套话): strings of the folded text of '
    "at least eight characters found in at least three documents and not contained in a "
    "longer string found in the same documents, most widespread first "
    "(<code>find_formulas</code>). <i>doc_freq</i> is documents, exact; <i>count</i> "
    "occurrences; <i>family</i> is the <i>formula_id</i> of the most widespread variant "
    "(one character apart, 坚持以…为指导 / 始终坚持以…为指导, a blank filled with a name)."
)


def _formula_examples(data: ReportData, shown: pd.DataFrame) -> list[str]:
    """The first occurrence of each formula shown, highlighted in its context; the context
    is ``text[data-start:data-end]`` of document ``data-doc``."""
    result = missing_table(data.formulas, "formulas")
    examples = result.examples.set_index("formula_id")
    texts = data.texts
    cells = []
    for fid in shown["formula_id"].tolist():
        ex = examples.loc[fid]
        doc, start, end = str(ex["doc_id"]), int(ex["start"]), int(ex["end"])
        text = texts[doc]
        lo, hi = max(0, start - FORMULA_CONTEXT), min(len(text), end + FORMULA_CONTEXT)
        cells.append(
            f'<span class="context" data-doc="{escape(doc)}" data-start="{lo}" '
            f'data-end="{hi}">{highlight(text, [(start, end, "formula")], start=lo, end=hi)}'
            f'</span> <span class="note">{escape(doc)}</span>'
        )
    return cells


def _formula_figures(data: ReportData) -> str:
    """The heatmap and the timeline over ``by``, or a note saying why there are none."""
    result = missing_table(data.formulas, "formulas")
    by, top = data.options.by, data.options.top
    if by is None:
        return (
            '<p class="note">No field to spread the formulas over: report with '
            "<code>--by FIELD</code> (year, province) to see where and when each appears.</p>"
        )
    values = result.spread["value"].nunique()
    if values < 2:  # a spread needs two values
        return f'<p class="note">Every formula stands under one value of {escape(by)}.</p>'
    rows = min(len(result.formulas), top)
    return figure(
        lambda ax: plot_formula_heatmap(result, top=top, ax=ax),
        size=(min(0.42 * values + 5.5, FORMULA_FIGURE_WIDTH), 0.3 * rows + 2.0),
        caption=f"Share of the documents of each {by} that hold each formula "
        "(the most widespread formulas; blank: not found).",
        alt="formula heatmap",
    ) + figure(
        lambda ax: plot_formula_timeline(result, top=top, ax=ax),
        size=(9.0, 0.3 * rows + 2.0),
        caption=f"When each formula first appears: from its first to its last {by}, a dot "
        f"where it stands (darker: a larger share of that {by}'s documents).",
        alt="formula timeline",
    )


def formulas_section(data: ReportData) -> SectionHTML:
    """Formulas, their families and how they spread over ``by``
    (:func:`corpus_tools.find_formulas`)."""
    result = missing_table(data.formulas, "formulas")
    by, top = data.options.by, data.options.top
    formulas, families = result.formulas, result.families
    lead = (
        _FORMULAS_LEAD
        + (
            f" <i>first</i> and <i>last</i> are the first and last {escape(by)} it stands in."
            if by
            else ""
        )
        + "</p>"
    )
    if formulas.empty:
        return SectionHTML(
            "no formulas",
            lead + '<p class="note">No phrase of eight characters or more is found in three '
            "documents or more.</p>",
        )
    everywhere = int((formulas["doc_freq"] == len(data.counted)).sum())
    stats = [
        ("套话 formulas", format_int(len(formulas))),
        ("家族 families", format_int(len(families))),
        ("见于全部文档 in every document", format_int(everywhere)),
    ]
    cols = ["formula_id", "text", "doc_freq", "count"]
    cols += ["first", "last"] if by else []
    cols += ["family", "example"]
    shown = formulas.head(top)
    table = html_table(
        formulas.assign(example=""),  # the cells are given as HTML
        columns=cols,
        max_rows=top,
        numeric_format=_PLAIN_VALUES,
        long=("text",),
        clip_at=FORMULA_CHARS,
        html_cells={"example": _formula_examples(data, shown)},
    )
    variants = families[families["formulas"] > 1]
    fam_cols = ["family", "text", "formulas", "doc_freq", *(["first", "last"] if by else [])]
    body = (
        lead
        + stat_boxes(stats)
        + _formula_figures(data)
        + table
        + "<h3>Families of variants</h3>"
        + html_table(
            variants,
            columns=[*fam_cols, "variants"],
            max_rows=top,
            numeric_format=_PLAIN_VALUES,
            long=("text", "variants"),
            clip_at=FORMULA_CHARS,
        )
    )
    return SectionHTML(f"{len(formulas)} formulas, {len(families)} families", body)


# --------------------------------------------------------------------------- findings

#: The scorecard's columns as shown, from those of ``document_scorecard``.
_SCORE_NAMES = {"template_score": "template", "watermark_chars": "watermark"}


def _quoted(text: object) -> str:
    return f"「{escape(clip(str(text), FINDING_CHARS))}」"


def _titled(doc: object, title: object) -> str:
    name = f"<code>{escape(str(doc))}</code>"
    return f"{name} {_quoted(title)}" if title and str(title) != str(doc) else name


#: The section each item of the findings links to.
_FINDING_SECTIONS = {
    "copies": "scorecard",
    "clusters": "duplicates",
    "templated": "templates",
    "watermarks": "boilerplate",
    "formulas": "formulas",
    "slogans": "slogans",
    "topics": "topics",
}


def _item(key: str, label: str, parts: list[str], *, empty: str) -> str:
    body = "; ".join(parts) if parts else f'<span class="note">{escape(empty)}</span>'
    target = _FINDING_SECTIONS.get(key)
    head = f'<a href="#{target}">{escape(label)}</a>' if target else escape(label)
    return f'<li class="finding-{key}"><b>{head}:</b> {body}</li>'


def _copies_item(data: ReportData, copies: str) -> str:
    if data.unique is None:
        if not data.options.unique and any(s in COUNTED_SECTIONS for s in data.options.sections):
            return _item(
                "copies",
                "Copies counted as they stand",
                ["every document is counted, copies included (<code>unique=False</code>)"],
                empty="",
            )
        return ""
    counted = [s for s in data.options.sections if s in COUNTED_SECTIONS]
    text = (
        f"{escape(copies)}: {', '.join(escape(s) for s in counted)} count "
        f"{format_int(len(data.unique))} distinct documents of {format_int(len(data.corpus))} "
        "(<code>--no-unique</code> / <code>unique=False</code> counts every copy)"
    )
    if copies == "no copies":
        text = f"no two documents are copies of one another; {escape(', '.join(counted))} count all"
    return _item("copies", "Duplicates counted once", [text], empty="")


def _topics_item(data: ReportData) -> str:
    if "topics" not in data.options.sections or "topics" in data.failures:
        return ""
    note = topics_note(data)
    return _item("topics", "Topics", [escape(note)], empty="") if note else ""


def findings_section(data: ReportData) -> SectionHTML:
    """What stands out, at the top of the report: the copies counted once, the largest
    groups of copies, the most templated documents, the watermarks, the commonest formulas
    and slogans (:func:`~corpus_tools.present.data.report_findings`)."""
    found = report_findings(data)
    asked = data.options.sections
    items = [_copies_item(data, found.copies)]
    if data.duplicates is not None:
        items.append(
            _item(
                "clusters",
                "Largest groups of copies",
                [
                    f"{_titled(r.doc_id, r.title)} ×{r.size}"
                    for r in found.clusters.itertuples(index=False)
                ],
                empty="no document is a copy of another",
            )
        )
    if data.placeholders is not None:
        items.append(
            _item(
                "templated",
                "Most templated documents",
                [
                    f"{_titled(r.doc_id, r.title)} template score {r.template_score:.2f} "
                    f"({format_int(r.placeholders)} placeholders)"
                    for r in found.templated.itertuples(index=False)
                ],
                empty="no unfilled placeholder found",
            )
        )
    if data.boilerplate is not None:
        items.append(
            _item(
                "watermarks",
                "Watermarks",
                [
                    f"{_quoted(r.text)} in {format_int(r.doc_freq)} "
                    f"document{'s' if r.doc_freq != 1 else ''}"
                    for r in found.watermarks.itertuples(index=False)
                ],
                empty="none found",
            )
        )
    if data.formulas is not None:
        items.append(
            _item(
                "formulas",
                "Commonest formulas",
                [
                    f"{_quoted(r.text)} in {format_int(r.doc_freq)} documents"
                    for r in found.formulas.itertuples(index=False)
                ],
                empty="no phrase of eight characters or more in three documents or more",
            )
        )
    if data.slogans is not None:
        items.append(
            _item(
                "slogans",
                "Most frequent slogans",
                [
                    f"{escape(r.slogan)} ×{format_int(r.count)} "
                    f"({format_int(r.doc_freq)} document{'s' if r.doc_freq != 1 else ''})"
                    for r in found.slogans.itertuples(index=False)
                ],
                empty="no slogan found",
            )
        )
    items.append(_topics_item(data))
    failed = [s for s in asked if s in data.failures]
    if "unique" in data.failures:
        items.insert(
            0,
            _item(
                "unique",
                "Copies could not be collapsed",
                [escape(data.failures["unique"]) + "; every document is counted"],
                empty="",
            ),
        )
    if failed:
        items.append(
            _item(
                "failed",
                "Sections that could not be computed",
                [escape(", ".join(failed))],
                empty="",
            )
        )
    shown = "".join(i for i in items if i)
    body = (
        f'<ul class="findings">{shown}</ul>'
        if shown
        else '<p class="note">Nothing to summarise in the sections asked for.</p>'
    )
    return SectionHTML(found.copies or "findings", body)


def scorecard_section(data: ReportData) -> SectionHTML:
    """One row per document: copied, template, watermark, originality, with its title as
    the corpus gives it and its metadata
    (:func:`~corpus_tools.present.data.document_scorecard`)."""
    card = document_scorecard(data)
    cols = [c for c in card.columns if c not in _COPY_FIELDS]
    copied = _copied_cells(card) if _COPY_FIELDS & set(card.columns) else None
    if copied is not None:
        at = cols.index("chars") + 1
        cols.insert(at, "copied")
        card = card.assign(copied="")
    shown = card.rename(columns=_SCORE_NAMES)
    cols = [_SCORE_NAMES.get(c, c) for c in cols]
    meta = [c for c in metadata_columns(data.corpus)]
    lead = (
        '<p class="lead">Each document in corpus order: <i>copied</i> is its strongest '
        "relation to another document (the share of the smaller one copied) and, when it "
        "is one of several copies, how many there are and which copy stands for them; "
        "<i>template</i> the share of its text in sections dense with blanks; "
        "<i>watermark</i> characters of template-site marks; <i>originality</i> the share "
        "outside watermarks and repeated passages. A collapsed copy shows the figures of the "
        "copy that stands for it. The title is the corpus's own (a file without one: its "
        "first line); guessed_title is read off the front matter.</p>"
    )
    table = html_table(
        shown,
        columns=cols,
        max_rows=SCORECARD_ROWS,
        numeric_format={
            "template": ".2f",
            "originality": ".2f",
            **{c: "d" for c in meta},
        },
        long=("title", "guessed_title"),
        clip_at=SCORECARD_TITLE_CHARS,
        html_cells={} if copied is None else {"copied": copied[:SCORECARD_ROWS]},
    )
    return SectionHTML(f"{len(card)} documents", lead + table)


#: Scorecard columns shown together in its ``copied`` cell.
_COPY_FIELDS = {"copies", "copy_of", "relation", "copied_with", "copy_ratio", "related"}


def _copied_cells(card: pd.DataFrame) -> list[str]:
    """The ``copied`` cell of each row: its group of copies, then its strongest relation
    to a document outside that group."""
    records = card.to_dict("records")
    head = {str(r["doc_id"]): str(r.get("copy_of") or r["doc_id"]) for r in records}
    cells = []
    for rec in records:
        doc = str(rec["doc_id"])
        parts = []
        copies = int(rec.get("copies", 1))
        if copies > 1:
            of = str(rec.get("copy_of", ""))
            parts.append(
                f"{copies} copies, counted as <code>{escape(of)}</code>"
                if of
                else f"{copies} copies, counted once"
            )
        relation, other = str(rec.get("relation", "")), str(rec.get("copied_with", ""))
        if relation and not (copies > 1 and head.get(other, other) == head[doc]):
            ratio = float(rec.get("copy_ratio", float("nan")))
            share = "" if np.isnan(ratio) else f" ({ratio:.0%})"
            parts.append(f"{escape(relation)} <code>{escape(other)}</code>{share}")
        cells.append(" · ".join(parts) or "–")
    return cells
