"""The tables of the report, each computed once: :class:`ReportData`, :func:`collect_report_data`.

The report is made in two steps. :func:`collect_report_data` runs the capabilities of the
toolkit on a corpus, in dependency order and each once (the boilerplate found for its
section is the one the topic model strips), and returns a :class:`ReportData`: plain
tables and result objects a notebook can look at or change.
:func:`corpus_tools.present.render_report` then turns it into HTML without computing
anything. A capability that raises is recorded in ``failures`` and its section becomes a
note; the other tables are still collected.

Examples
--------
>>> import corpus_tools as ct
>>> from corpus_tools.present import collect_report_data, render_report
>>> docs = ct.load_corpus("data/raw").documents
>>> data = collect_report_data(docs, sections=["overview", "slogans"])
>>> data
ReportData(5 documents; tables: overview, slogans)
>>> data.slogans = data.slogans[data.slogans["kind"] == "numeric"]   # only numbered slogans
>>> render_report(data).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from corpus_tools.errors import check_columns, check_number, check_type, param_error
from corpus_tools.progress import progress_bar

if TYPE_CHECKING:
    from corpus_tools.boilerplate import BoilerplateResult
    from corpus_tools.dedup import DedupResult
    from corpus_tools.formulas import FormulaResult
    from corpus_tools.text import PlaceholderReport
    from corpus_tools.topics import TopicResult

__all__ = [
    "DEFAULT_TITLE",
    "MIN_TOPIC_DOCUMENTS",
    "SECTIONS",
    "ReportData",
    "ReportOptions",
    "collect_report_data",
    "collect_tables",
    "pairs_to_show",
    "prepare_report",
]

#: The report's sections, in the order they appear (a new section comes last, so the
#: numbers and the HTML of the others stay as they were).
SECTIONS = (
    "overview",
    "duplicates",
    "templates",
    "slogans",
    "boilerplate",
    "keywords",
    "topics",
    "formulas",
)
DEFAULT_TITLE = "语料分析报告 Corpus report"
#: Topics are fitted on corpora of at least this many documents.
MIN_TOPIC_DOCUMENTS = 3
#: Keywords shorter than this many characters are left out of the report's keyword table.
KEYWORD_MIN_LENGTH = 2
#: Documents a passage is found in to be boilerplate in the report (find_boilerplate's default).
BOILERPLATE_MIN_DOCS = 3
#: Fields ``by="auto"`` picks, the first with two values or more.
AUTO_BY = ("year", "period")
#: The fields of :class:`ReportData` that hold a section's table, in section order.
TABLE_FIELDS = (
    "overview",
    "duplicates",
    "placeholders",
    "slogans",
    "boilerplate",
    "keywords",
    "topics",
    "formulas",
)


@dataclass(frozen=True)
class ReportOptions:
    """The options of a report, checked (:func:`prepare_report`).

    Attributes
    ----------
    title : str
        The page's title.
    by : str or None
        The metadata field keyword trends, topic shares and the spread of formulas are
        drawn over (resolved: never ``"auto"``).
    sections : tuple of str
        The sections, in the order of :data:`SECTIONS`.
    top : int
        Rows of the main tables and bars of the figures.
    max_pairs, max_passages, max_template_sections : int
        Document pairs shown side by side, passages per pair, template sections shown.
    n_topics : int or None
        Number of topics (None: the topic model's choice).
    seed : int
        Seed of every randomised step.
    """

    title: str = DEFAULT_TITLE
    by: str | None = None
    sections: tuple[str, ...] = SECTIONS
    top: int = 20
    max_pairs: int = 10
    max_passages: int = 12
    max_template_sections: int = 8
    n_topics: int | None = None
    seed: int = 0


@dataclass
class ReportData:
    """Everything a report shows, as tables; :func:`~corpus_tools.present.render_report`
    renders it. A table is None when its section was not asked for (or failed).

    Attributes
    ----------
    corpus : pandas.DataFrame
        The documents (``doc_id`` as str, unique; ``text``; metadata columns).
    options : ReportOptions
        What to show and how much.
    load_errors : pandas.DataFrame or None
        Inputs that could not be read (``path``, ``reason``), listed at the top.
    overview : pandas.DataFrame or None
        :func:`corpus_tools.text.inspect` of the corpus.
    duplicates : DedupResult or None
        :func:`corpus_tools.dedup.find_near_duplicates` (``pairs``, ``clusters``).
    passages : dict of (str, str) to pandas.DataFrame
        :func:`corpus_tools.dedup.copied_passages` of the pairs shown side by side, keyed by
        ``(a, b)`` of ``duplicates.pairs``, in the order shown.
    placeholders : PlaceholderReport or None
        :func:`corpus_tools.text.scan_placeholders` (``spans``, ``sections``, ``documents``).
    slogans : pandas.DataFrame or None
        :func:`corpus_tools.slogans.mine_slogans`.
    boilerplate : BoilerplateResult or None
        :func:`corpus_tools.boilerplate.find_boilerplate` (``passages``, ``documents``).
    keywords : pandas.DataFrame or None
        :func:`corpus_tools.keywords.keyword_table` grouped by ``options.by``.
    topics : TopicResult or None
        :func:`corpus_tools.topics.fit_topics` over ``options.by`` (None also when the
        corpus has fewer than :data:`MIN_TOPIC_DOCUMENTS` documents); the ``title`` of its
        representatives is read off each document's front matter.
    formulas : FormulaResult or None
        :func:`corpus_tools.find_formulas` with ``by=options.by`` (every formula, with its
        families, its spread over ``by`` and an example).
    failures : dict of str to str
        Section -> ``"ExceptionName: message"`` for each capability that raised.
    """

    corpus: pd.DataFrame
    options: ReportOptions = field(default_factory=ReportOptions)
    load_errors: pd.DataFrame | None = None
    overview: pd.DataFrame | None = None
    duplicates: DedupResult | None = None
    passages: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    placeholders: PlaceholderReport | None = None
    slogans: pd.DataFrame | None = None
    boilerplate: BoilerplateResult | None = None
    keywords: pd.DataFrame | None = None
    topics: TopicResult | None = None
    formulas: FormulaResult | None = None
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def texts(self) -> dict[str, str]:
        """``{doc_id: text}`` of the corpus."""
        return dict(zip(self.corpus["doc_id"], self.corpus["text"], strict=True))

    def __repr__(self) -> str:
        tables = [name for name in TABLE_FIELDS if getattr(self, name) is not None]
        failed = f"; failed: {', '.join(self.failures)}" if self.failures else ""
        return (
            f"ReportData({len(self.corpus)} documents; tables: {', '.join(tables) or 'none'}"
            f"{failed})"
        )


# --------------------------------------------------------------------------- arguments


def _resolve_by(by: Any, corpus: pd.DataFrame, func: str) -> str | None:
    if by is None:
        return None
    check_type(by, "by", func, str, "a column name, 'auto' or None")
    if by == "auto":
        for name in AUTO_BY:
            if name in corpus.columns and corpus[name].dropna().nunique() > 1:
                return name
        return None
    if by not in corpus.columns:
        raise param_error("by", func, f"a column of the corpus {list(corpus.columns)}", by)
    return str(by)


def _check_sections(sections: Any, func: str) -> tuple[str, ...]:
    if isinstance(sections, str) or not isinstance(sections, Sequence) or not sections:
        raise param_error("sections", func, f"a non-empty list from {list(SECTIONS)}", sections)
    for s in sections:
        if s not in SECTIONS:
            raise param_error("sections", func, f"a list of names from {list(SECTIONS)}", s)
    return tuple(s for s in SECTIONS if s in sections)


def _check_corpus(corpus: Any, func: str) -> pd.DataFrame:
    """The corpus with ``doc_id`` as str and a fresh index (a copy: the caller's is kept)."""
    check_columns(corpus, "corpus", func, ["doc_id", "text"])
    ids = [str(d) for d in corpus["doc_id"]]
    if len(set(ids)) != len(ids):
        dup = next(d for d in ids if ids.count(d) > 1)
        raise param_error(
            "corpus", func, "a table with unique doc_id values", f"{dup!r} more than once"
        )
    if not all(isinstance(t, str) for t in corpus["text"]):
        raise param_error("corpus", func, "a table whose 'text' column holds str", "other values")
    return corpus.assign(doc_id=ids).reset_index(drop=True)


def prepare_report(
    corpus: pd.DataFrame,
    func: str,
    *,
    title: str = DEFAULT_TITLE,
    by: str | None = "auto",
    sections: Sequence[str] = SECTIONS,
    top: int = 20,
    max_pairs: int = 10,
    max_passages: int = 12,
    max_template_sections: int = 8,
    n_topics: int | None = None,
    load_errors: pd.DataFrame | None = None,
    seed: int = 0,
) -> ReportData:
    """Check the arguments of a report and return its :class:`ReportData`, tables not yet
    collected (:func:`collect_tables` does that). Errors name ``func``, the function the
    caller called.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> data = prepare_report(ct.load_texts({"a": "XX区有X个社区。"}), "my_report", top=5)
    >>> data.options.top, data.options.by, data
    (5, None, ReportData(1 documents; tables: none))
    """
    frame = _check_corpus(corpus, func)
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
    options = ReportOptions(
        title=title,
        by=_resolve_by(by, frame, func),
        sections=_check_sections(sections, func),
        top=top,
        max_pairs=max_pairs,
        max_passages=max_passages,
        max_template_sections=max_template_sections,
        n_topics=n_topics,
        seed=seed,
    )
    return ReportData(frame, options, load_errors=load_errors)


# --------------------------------------------------------------------------- tables


def pairs_to_show(
    pairs: pd.DataFrame,
    clusters: pd.DataFrame,
    limit: int,
    *,
    table_order: bool = True,
    one_per_cluster: bool = True,
) -> list[int]:
    """Rows of ``pairs`` to show: strongest first, taken in turn from each relation (so
    partial copies are shown even when near-duplicates abound), one pair per cluster of
    identical copies; in the table's order, or in the order taken.

    Examples
    --------
    >>> pairs = pd.DataFrame({"a": ["d1", "d1", "n1", "p1"], "b": ["d2", "d3", "m1", "q1"],
    ...                       "relation": ["duplicate", "duplicate", "near-duplicate", "partial"]})
    >>> clusters = pd.DataFrame({"cluster": [0, 0, 0], "doc_id": ["d1", "d2", "d3"]})
    >>> pairs_to_show(pairs, clusters, 3)
    [0, 2, 3]
    """
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


def _overview(data: ReportData) -> None:
    from corpus_tools.text.summary import inspect

    data.overview = inspect(data.corpus)


def _duplicates(data: ReportData) -> None:
    from corpus_tools.dedup import copied_passages, find_near_duplicates

    seed = data.options.seed
    result = find_near_duplicates(data.corpus, progress=False, seed=seed)
    data.duplicates = result
    shown = result.pairs.iloc[pairs_to_show(result.pairs, result.clusters, data.options.max_pairs)]
    texts = data.texts
    data.passages = {
        (str(a), str(b)): copied_passages(texts[str(a)], texts[str(b)], seed=seed)
        for a, b in zip(shown["a"], shown["b"], strict=True)
    }


def _templates(data: ReportData) -> None:
    from corpus_tools.text import scan_placeholders

    data.placeholders = scan_placeholders(data.corpus)


def _slogans(data: ReportData) -> None:
    from corpus_tools.slogans import mine_slogans

    data.slogans = mine_slogans(data.corpus, progress=False)


def _boilerplate(data: ReportData) -> None:
    from corpus_tools.boilerplate import find_boilerplate

    data.boilerplate = find_boilerplate(data.corpus, min_docs=BOILERPLATE_MIN_DOCS, progress=False)


def _keywords(data: ReportData) -> None:
    from corpus_tools.keywords import keyword_table

    by = [data.options.by] if data.options.by else None
    data.keywords = keyword_table(data.corpus, by=by, min_length=KEYWORD_MIN_LENGTH, progress=False)


def _topics(data: ReportData) -> None:
    from corpus_tools.text.structure import find_title
    from corpus_tools.topics import boilerplate_min_docs, fit_topics

    opts = data.options
    if len(data.corpus) < MIN_TOPIC_DOCUMENTS:
        return
    k = None if opts.n_topics is None else min(opts.n_topics, len(data.corpus))
    # the boilerplate section's passages (found in 3 documents) are what the topic model strips
    # when its own threshold (10% of the documents, and 3) is the same; on a larger corpus it
    # strips only what 10% share, so it finds its own
    given = data.boilerplate
    if given is not None and boilerplate_min_docs(len(data.corpus)) != BOILERPLATE_MIN_DOCS:
        given = None
    result = fit_topics(data.corpus, k=k, by=opts.by, seed=opts.seed, boilerplate=given)
    reps = result.representatives
    if len(reps):  # the title read off the front matter, not a watermark's first line
        texts = data.texts
        reps = reps.assign(
            title=[
                find_title(texts[str(d)]) or str(t)
                for d, t in zip(reps["doc_id"], reps["title"], strict=True)
            ]
        )
    data.topics = result._replace(representatives=reps)


def _formulas(data: ReportData) -> None:
    from corpus_tools.formulas import find_formulas

    data.formulas = find_formulas(data.corpus, by=data.options.by, progress=False)


#: The collecting step of each section, run in this order (boilerplate before topics).
_STEPS: dict[str, Callable[[ReportData], None]] = {
    "overview": _overview,
    "duplicates": _duplicates,
    "templates": _templates,
    "slogans": _slogans,
    "boilerplate": _boilerplate,
    "keywords": _keywords,
    "topics": _topics,
    "formulas": _formulas,
}


def collect_tables(data: ReportData, *, progress: bool | None = False) -> ReportData:
    """The tables of ``data.options.sections``, each computed once, in a new
    :class:`ReportData` (``data`` is not changed). A section whose capability raises gets
    its ``failures`` entry and no table; the others are still collected.
    """
    out = dataclasses.replace(data, passages={}, failures={})
    for key in progress_bar(data.options.sections, desc="report", unit="section", enabled=progress):
        try:
            _STEPS[key](out)
        except Exception as exc:  # one failing capability must not cost the whole report
            out.failures[key] = f"{type(exc).__name__}: {exc}"
    return out


def collect_report_data(
    corpus: pd.DataFrame,
    *,
    title: str = DEFAULT_TITLE,
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
) -> ReportData:
    """Compute the tables of the report of a corpus, each once, without drawing anything.

    Parameters are those of :func:`corpus_tools.present.build_report`, which is
    ``render_report(collect_report_data(corpus, ...))``.

    Returns
    -------
    ReportData
        The tables per section (see its attributes), the checked options, the load errors
        and the sections that failed. Change a table and pass it to
        :func:`corpus_tools.present.render_report` to get the page.

    Raises
    ------
    InvalidParameterError
        For a bad argument (no ``doc_id``/``text``, duplicate ``doc_id``, unknown section).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="auto").documents
    >>> data = collect_report_data(docs, sections=["boilerplate"])
    >>> data.boilerplate.passages["kind"].value_counts().sort_index().to_dict()
    {'repeated': 1, 'watermark': 2}
    """
    data = prepare_report(
        corpus,
        "collect_report_data",
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
    )
    return collect_tables(data, progress=progress)
