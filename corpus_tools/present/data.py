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
ReportData(5 documents, 5 distinct; tables: overview, slogans)
>>> data.slogans = data.slogans[data.slogans["kind"] == "numeric"]   # only numbered slogans
>>> render_report(data).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from corpus_tools.errors import check_columns, check_number, check_type, param_error
from corpus_tools.progress import progress_counter, set_stage

if TYPE_CHECKING:
    from corpus_tools.boilerplate import BoilerplateResult
    from corpus_tools.dedup import DedupResult
    from corpus_tools.formulas import FormulaResult
    from corpus_tools.text import PlaceholderReport
    from corpus_tools.topics import TopicResult

__all__ = [
    "COUNTED_SECTIONS",
    "DEFAULT_TITLE",
    "MIN_TOPIC_DOCUMENTS",
    "SECTIONS",
    "Findings",
    "ReportData",
    "ReportOptions",
    "collect_report_data",
    "collect_tables",
    "display_titles",
    "document_scorecard",
    "metadata_columns",
    "pairs_to_show",
    "prepare_report",
    "report_findings",
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
#: The sections computed on the corpus with its copies collapsed (``unique=True``); the
#: overview and the duplicates are of every document.
COUNTED_SECTIONS = ("templates", "slogans", "boilerplate", "keywords", "topics", "formulas")
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
    unique : bool
        Whether the corpus-level sections (:data:`COUNTED_SECTIONS`) count each group of
        exact or near-exact copies once (:func:`corpus_tools.dedup.unique.unique_corpus`).
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
    unique: bool = True


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
    unique : pandas.DataFrame or None
        With ``options.unique``: the corpus with each group of copies collapsed to its first
        document (:func:`corpus_tools.dedup.unique.unique_corpus`: the corpus's columns,
        ``copies``, ``copy_ids``), which the sections of :data:`COUNTED_SECTIONS` count.
        None when copies are counted as they stand (or no such section was asked for).
    overview : pandas.DataFrame or None
        :func:`corpus_tools.text.inspect` of the corpus (every document).
    duplicates : DedupResult or None
        :func:`corpus_tools.dedup.find_near_duplicates` (``pairs``, ``clusters``) of every
        document.
    passages : dict of (str, str) to pandas.DataFrame
        :func:`corpus_tools.dedup.copied_passages` of the pairs shown side by side, keyed by
        ``(a, b)`` of ``duplicates.pairs``, in the order shown.
    placeholders : PlaceholderReport or None
        :func:`corpus_tools.text.scan_placeholders` (``spans``, ``sections``, ``documents``)
        of :attr:`counted`.
    slogans : pandas.DataFrame or None
        :func:`corpus_tools.slogans.mine_slogans` of :attr:`counted`.
    boilerplate : BoilerplateResult or None
        :func:`corpus_tools.boilerplate.find_boilerplate` (``passages``, ``documents``) of
        :attr:`counted`.
    keywords : pandas.DataFrame or None
        :func:`corpus_tools.keywords.keyword_table` of :attr:`counted`, grouped by
        ``options.by``.
    topics : TopicResult or None
        :func:`corpus_tools.topics.fit_topics` of :attr:`counted` over ``options.by`` (None
        also when it has fewer than :data:`MIN_TOPIC_DOCUMENTS` documents); the ``title``
        of its representatives is read off each document's front matter.
    formulas : FormulaResult or None
        :func:`corpus_tools.find_formulas` of :attr:`counted` with ``by=options.by`` (every
        formula, with its families, its spread over ``by`` and an example).
    failures : dict of str to str
        Section -> ``"ExceptionName: message"`` for each capability that raised (``"unique"``
        when the copies could not be collapsed: every document is then counted).
    """

    corpus: pd.DataFrame
    options: ReportOptions = field(default_factory=ReportOptions)
    load_errors: pd.DataFrame | None = None
    unique: pd.DataFrame | None = None
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

    @property
    def counted(self) -> pd.DataFrame:
        """The documents the sections of :data:`COUNTED_SECTIONS` count: :attr:`unique`
        when copies were collapsed, else :attr:`corpus`."""
        return self.corpus if self.unique is None else self.unique

    def __repr__(self) -> str:
        tables = [name for name in TABLE_FIELDS if getattr(self, name) is not None]
        failed = f"; failed: {', '.join(self.failures)}" if self.failures else ""
        distinct = "" if self.unique is None else f", {len(self.unique)} distinct"
        return (
            f"ReportData({len(self.corpus)} documents{distinct}; tables: "
            f"{', '.join(tables) or 'none'}{failed})"
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
    unique: bool = True,
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
    check_type(unique, "unique", func, bool, "a bool")
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
        unique=unique,
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


def _unique(data: ReportData) -> None:
    """Collapse the copies for the counted sections, with the duplicates section's pairs
    when it has them (the near-duplicate search runs once)."""
    from corpus_tools.dedup.unique import unique_corpus

    data.unique = unique_corpus(
        data.corpus, duplicates=data.duplicates, progress=False, seed=data.options.seed
    )


def _templates(data: ReportData) -> None:
    from corpus_tools.text import scan_placeholders

    data.placeholders = scan_placeholders(data.counted)


def _slogans(data: ReportData) -> None:
    from corpus_tools.slogans import mine_slogans

    data.slogans = mine_slogans(data.counted, progress=False)


def _boilerplate(data: ReportData) -> None:
    from corpus_tools.boilerplate import find_boilerplate

    data.boilerplate = find_boilerplate(data.counted, min_docs=BOILERPLATE_MIN_DOCS, progress=False)


def _keywords(data: ReportData) -> None:
    from corpus_tools.keywords import keyword_table

    by = [data.options.by] if data.options.by else None
    data.keywords = keyword_table(
        data.counted, by=by, min_length=KEYWORD_MIN_LENGTH, progress=False
    )


def _topics(data: ReportData) -> None:
    from corpus_tools.text.structure import find_title
    from corpus_tools.topics import TopicWarning, boilerplate_min_docs, fit_topics

    opts = data.options
    corpus = data.counted
    if len(corpus) < MIN_TOPIC_DOCUMENTS:
        return
    k = None if opts.n_topics is None else min(opts.n_topics, len(corpus))
    # the boilerplate section's passages (found in 3 documents) are what the topic model strips
    # when its own threshold (10% of the documents, and 3) is the same; on a larger corpus it
    # strips only what 10% share, so it finds its own
    given = data.boilerplate
    if given is not None and boilerplate_min_docs(len(corpus)) != BOILERPLATE_MIN_DOCS:
        given = None
    with warnings.catch_warnings():
        # the fit's caveats are in its notes, which the topics section and the findings show
        warnings.simplefilter("ignore", TopicWarning)
        result = fit_topics(
            corpus, k=k, by=opts.by, seed=opts.seed, boilerplate=given, progress=False
        )
    reps = result.representatives
    if len(reps):  # the title read off the front matter, not a watermark's first line
        texts = data.texts
        reps = reps.assign(
            title=[
                str(t) or find_title(texts[str(d)])
                for d, t in zip(reps["doc_id"], reps["title"], strict=True)
            ]
        )
    data.topics = result._replace(representatives=reps)


def _formulas(data: ReportData) -> None:
    from corpus_tools.formulas import find_formulas

    data.formulas = find_formulas(data.counted, by=data.options.by, progress=False)


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


def _stages(options: ReportOptions) -> list[str]:
    """The steps to run: the sections asked for, and ``unique`` (collapsing the copies)
    after the duplicates and before the first counted section, when it is needed."""
    stages = list(options.sections)
    counted = [i for i, key in enumerate(stages) if key in COUNTED_SECTIONS]
    if options.unique and counted:
        stages.insert(counted[0], "unique")
    return stages


def collect_tables(data: ReportData, *, progress: bool | None = None) -> ReportData:
    """The tables of ``data.options.sections``, each computed once, in a new
    :class:`ReportData` (``data`` is not changed). A section whose capability raises gets
    its ``failures`` entry and no table; the others are still collected. With
    ``options.unique``, the copies are collapsed (``unique``) before the counted sections
    run; if that fails, they count every document and ``failures["unique"]`` says why.
    """
    out = dataclasses.replace(data, unique=None, passages={}, failures={})
    stages = _stages(data.options)
    steps: dict[str, Callable[[ReportData], None]] = {**_STEPS, "unique": _unique}
    with progress_counter(desc="report", unit="step", total=len(stages), enabled=progress) as bar:
        for key in stages:
            set_stage(bar, f"report: {key}")
            try:
                steps[key](out)
            except Exception as exc:  # one failing capability must not cost the whole report
                out.failures[key] = f"{type(exc).__name__}: {exc}"
            if bar is not None:
                bar.update(1)
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
    unique: bool = True,
    progress: bool | None = None,
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
    {'watermark': 2}

    Seed 003 holds six copies of one report: counted as they stand, the report is a
    passage "repeated" in six documents.

    >>> data = collect_report_data(docs, sections=["boilerplate"], unique=False)
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
        unique=unique,
    )
    return collect_tables(data, progress=progress)


# --------------------------------------------------------------------------- findings

#: Columns of the corpus that are not metadata to show beside a document.
NOT_METADATA = ("doc_id", "title", "guessed_title", "text", "source", "chars", "copies", "copy_ids")
#: Metadata columns shown beside a document: at most this many (with values as short as
#: :data:`corpus_tools.dedup.fields.FIELD_WIDTH`).
METADATA_COLUMNS = 4
#: Rows of each list of the findings.
FINDINGS_ROWS = 5


def metadata_columns(
    frame: pd.DataFrame, *, exclude: Sequence[str] = NOT_METADATA, limit: int = METADATA_COLUMNS
) -> list[str]:
    """The metadata columns worth a table column, in the frame's order: short values (year,
    province, doc_type), not URLs or texts; at most ``limit``.

    Examples
    --------
    >>> frame = pd.DataFrame({"doc_id": ["a"], "text": ["…"], "year": [2024],
    ...                       "url": ["https://www.gov.cn/zhengce/content/2024-01/1.htm"]})
    >>> metadata_columns(frame)
    ['year']
    """
    from corpus_tools.dedup.fields import metadata_fields

    return metadata_fields(frame, exclude=exclude, limit=limit)


def _given_titles(data: ReportData) -> list[str]:
    """Each document's ``title`` as the corpus gives it ("" when it has none)."""
    corpus = data.corpus
    if "title" not in corpus.columns:
        return [""] * len(corpus)
    return ["" if pd.isna(t) else str(t) for t in corpus["title"].tolist()]


def _guessed_titles(data: ReportData) -> list[str] | None:
    """Each document's title read off its front matter (the overview's ``guessed_title``),
    or None when the overview was not collected."""
    overview = data.overview
    if overview is None or "guessed_title" not in overview.columns:
        return None
    found = {
        str(d): "" if pd.isna(t) else str(t)
        for d, t in zip(overview["doc_id"], overview["guessed_title"], strict=True)
    }
    return [found.get(str(d), "") for d in data.corpus["doc_id"]]


def display_titles(data: ReportData) -> list[str]:
    """The title to name each document by in the findings: the corpus's own, unless it is
    only the text's first line (what the loader gives a file without a title) and a title
    was read off the front matter.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw").documents
    >>> data = collect_report_data(docs, sections=["overview"])
    >>> docs["title"].iloc[0], display_titles(data)[0]
    ('本文系作者原创投稿，仅供学习参考，请勿照搬照抄！', 'XX区后进社区整顿工作汇报材料')
    """
    from corpus_tools.io.documents import first_line

    given = _given_titles(data)
    guessed = _guessed_titles(data) or [""] * len(given)
    texts = data.corpus["text"].tolist()
    return [
        g if g and (not t or t == first_line(text)) else t
        for t, g, text in zip(given, guessed, texts, strict=True)
    ]


def _stands_for(data: ReportData) -> tuple[list[str], list[int]]:
    """For each document of the corpus: the doc_id of the document of :attr:`counted` that
    stands for it (itself, or the first of its group of copies), and the size of its group."""
    ids = [str(d) for d in data.corpus["doc_id"]]
    if data.unique is None:
        return ids, [1] * len(ids)
    first: dict[str, str] = {}
    size: dict[str, int] = {}
    for doc, copies, others in zip(
        data.unique["doc_id"], data.unique["copies"], data.unique["copy_ids"], strict=True
    ):
        for member in (doc, *others):
            first[str(member)] = str(doc)
            size[str(member)] = int(copies)
    return [first.get(d, d) for d in ids], [size.get(d, 1) for d in ids]


def _strongest_pairs(ids: list[str], pairs: pd.DataFrame) -> pd.DataFrame:
    """Each document's strongest pair (the pairs are sorted strongest first): ``relation``,
    ``copied_with``, ``copy_ratio`` (NaN, "" without one) and ``related`` (documents it
    has any relation with)."""
    best: dict[str, tuple[str, str, float]] = {}
    related: dict[str, int] = {}
    for a, b, relation, ratio in zip(
        pairs["a"].astype(str),
        pairs["b"].astype(str),
        pairs["relation"].astype(str),
        pairs["copy_ratio"].astype("float64"),
        strict=True,
    ):
        for doc, other in ((a, b), (b, a)):
            related[doc] = related.get(doc, 0) + 1
            best.setdefault(doc, (relation, other, float(ratio)))
    rows = [best.get(d, ("", "", float("nan"))) for d in ids]
    return pd.DataFrame(
        {
            "relation": pd.Series([r[0] for r in rows], dtype=object),
            "copied_with": pd.Series([r[1] for r in rows], dtype=object),
            "copy_ratio": pd.Series([r[2] for r in rows], dtype="float64"),
            "related": pd.Series([related.get(d, 0) for d in ids], dtype="int64"),
        }
    )


def document_scorecard(data: ReportData) -> pd.DataFrame:
    """One row per document of the corpus, in corpus order: how much of it is copied,
    templated, watermarked and original, from the tables collected (nothing is computed).

    Columns: ``doc_id`` (str), ``title`` (str: the corpus's own title, as given),
    ``guessed_title`` (str: the title read off the front matter, when the overview was
    collected; "" when none is found), the short
    metadata columns of the corpus (:func:`metadata_columns`: year, province ...), ``chars``
    (int64), and the columns of the tables collected:

    - with :attr:`ReportData.unique`: ``copies`` (int64: documents in its group of copies,
      1 when it has none) and ``copy_of`` (str: the document that stands for it in the
      counted sections when it is a collapsed copy, else "");
    - with ``duplicates``: ``relation`` (str: its strongest relation to another document,
      ``duplicate`` ... ``partial``, "" for none), ``copied_with`` (str: the other document
      of that pair), ``copy_ratio`` (float64: that pair's share of the smaller document
      found in the other) and ``related`` (int64: documents it has any relation with);
    - with ``placeholders``: ``placeholders`` (int64) and ``template_score`` (float64: the
      share of its text in sections dense with blanks);
    - with ``boilerplate``: ``watermark_chars`` (int64) and ``originality`` (float64: the
      share of its characters outside watermarks and repeated passages).

    A collapsed copy has the figures of the document that stands for it (the same text,
    counted once).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="auto").documents
    >>> data = collect_report_data(docs, sections=["duplicates", "templates"])
    >>> card = document_scorecard(data)
    >>> card.loc[card["copies"] > 1, ["doc_id", "copies", "copy_of"]].tail(2).values.tolist()
    [['003_9b7675b2e4522a57.txt:8', 6, '003_9b7675b2e4522a57.txt:4'], \
['003_9b7675b2e4522a57.txt:9', 6, '003_9b7675b2e4522a57.txt:4']]
    >>> card.loc[card["template_score"].idxmax(), ["doc_id", "placeholders"]].to_dict()
    {'doc_id': '003_9b7675b2e4522a57.txt:3', 'placeholders': 4}
    """
    corpus = data.corpus
    ids = [str(d) for d in corpus["doc_id"]]
    card = pd.DataFrame({"doc_id": pd.Series(ids, dtype=object)})
    card["title"] = pd.Series(_given_titles(data), dtype=object)
    guessed = _guessed_titles(data)
    if guessed is not None:
        card["guessed_title"] = pd.Series(guessed, dtype=object)
    for name in metadata_columns(corpus):
        card[name] = corpus[name].to_numpy()
    card["chars"] = pd.Series([len(t) for t in corpus["text"]], dtype="int64")
    first, sizes = _stands_for(data)
    if data.unique is not None:
        card["copies"] = pd.Series(sizes, dtype="int64")
        card["copy_of"] = pd.Series(
            [f if f != d else "" for f, d in zip(first, ids, strict=True)], dtype=object
        )
    if data.duplicates is not None:
        card = pd.concat([card, _strongest_pairs(ids, data.duplicates.pairs)], axis=1)
    if data.placeholders is not None:
        docs = data.placeholders.documents.assign(doc_id=lambda f: f["doc_id"].astype(str))
        found = docs.set_index("doc_id")
        card["placeholders"] = pd.Series(
            [int(found["placeholders"].get(f, 0)) for f in first], dtype="int64"
        )
        card["template_score"] = pd.Series(
            [float(found["template_score"].get(f, 0.0)) for f in first], dtype="float64"
        )
    if data.boilerplate is not None:
        docs = data.boilerplate.documents.assign(doc_id=lambda f: f["doc_id"].astype(str))
        found = docs.set_index("doc_id")
        card["watermark_chars"] = pd.Series(
            [int(found["watermark_chars"].get(f, 0)) for f in first], dtype="int64"
        )
        card["originality"] = pd.Series(
            [float(found["originality"].get(f, float("nan"))) for f in first], dtype="float64"
        )
    return card


class Findings(NamedTuple):
    """What stands out in a report's tables (:func:`report_findings`); a table is empty
    when its section was not collected or found nothing.

    Attributes
    ----------
    copies : str
        What collapsing the copies did (``"6 copies of one document counted once"``), or ""
        when copies are counted as they stand.
    clusters : pandas.DataFrame
        The largest groups of copies: ``doc_id`` (str: the first document), ``title``
        (str), ``size`` (int64: documents), ``others`` (list of str).
    templated : pandas.DataFrame
        The documents with the highest template score (above 0): ``doc_id``, ``title``,
        ``template_score`` (float64), ``placeholders`` (int64).
    watermarks : pandas.DataFrame
        The watermarks found, most widespread first: ``text`` (str), ``doc_freq`` (int64),
        ``docs`` (list of str).
    formulas : pandas.DataFrame
        The most widespread formulas: ``text`` (str), ``doc_freq`` (int64), ``count`` (int64).
    slogans : pandas.DataFrame
        The most frequent slogans: ``slogan`` (str), ``count`` (int64), ``doc_freq`` (int64).
    """

    copies: str
    clusters: pd.DataFrame
    templated: pd.DataFrame
    watermarks: pd.DataFrame
    formulas: pd.DataFrame
    slogans: pd.DataFrame


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _largest_clusters(data: ReportData, titles: dict[str, str], top: int) -> pd.DataFrame:
    columns = ["doc_id", "title", "size", "others"]
    if data.duplicates is None or data.duplicates.clusters.empty:
        return _empty(columns)
    order = {d: i for i, d in enumerate(data.corpus["doc_id"])}
    rows = []
    for _, group in data.duplicates.clusters.groupby("cluster", sort=True):
        members = sorted((str(d) for d in group["doc_id"]), key=lambda d: order.get(d, 0))
        rows.append((members[0], titles.get(members[0], ""), len(members), members[1:]))
    rows.sort(key=lambda r: (-r[2], order.get(r[0], 0)))
    frame = pd.DataFrame(rows[:top], columns=columns)
    return frame.astype({"size": "int64"})


def _most_templated(data: ReportData, titles: dict[str, str], top: int) -> pd.DataFrame:
    columns = ["doc_id", "title", "template_score", "placeholders"]
    if data.placeholders is None:
        return _empty(columns)
    docs = data.placeholders.documents
    docs = docs[docs["template_score"] > 0]
    ranked = docs.assign(_id=docs["doc_id"].astype(str)).sort_values(
        ["template_score", "placeholders", "_id"], ascending=[False, False, True], kind="stable"
    )
    head = ranked.head(top)
    return pd.DataFrame(
        {
            "doc_id": head["_id"].tolist(),
            "title": [titles.get(d, "") for d in head["_id"]],
            "template_score": head["template_score"].astype("float64").tolist(),
            "placeholders": head["placeholders"].astype("int64").tolist(),
        },
        columns=columns,
    )


def _watermarks(data: ReportData, top: int) -> pd.DataFrame:
    columns = ["text", "doc_freq", "docs"]
    if data.boilerplate is None:
        return _empty(columns)
    found = data.boilerplate.passages
    found = found[found["kind"] == "watermark"]
    found = found.sort_values(["doc_freq", "passage_id"], ascending=[False, True], kind="stable")
    return found[columns].head(top).reset_index(drop=True)


def _commonest_formulas(data: ReportData, top: int) -> pd.DataFrame:
    columns = ["text", "doc_freq", "count"]
    if data.formulas is None:
        return _empty(columns)
    return data.formulas.formulas[columns].head(top).reset_index(drop=True)


def _commonest_slogans(data: ReportData, top: int) -> pd.DataFrame:
    columns = ["slogan", "count", "doc_freq"]
    if data.slogans is None or data.slogans.empty:
        return _empty(columns)
    table = data.slogans
    ranked = table.sort_values(
        ["count", "doc_freq", "slogan"], ascending=[False, False, True], kind="stable"
    )
    return ranked[columns].head(top).reset_index(drop=True)


def report_findings(data: ReportData, *, top: int = FINDINGS_ROWS) -> Findings:
    """What stands out in the tables of ``data``: the largest groups of copies, the most
    templated documents, the watermarks, the commonest formulas and slogans (nothing is
    computed: a list is empty when its section was not collected).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="auto").documents
    >>> found = report_findings(collect_report_data(docs, sections=["duplicates", "slogans"]))
    >>> found.copies
    '6 copies of one document counted once'
    >>> found.clusters[["doc_id", "size"]].values.tolist()
    [['003_9b7675b2e4522a57.txt:4', 6]]
    >>> found.slogans.head(2).to_dict("records")
    [{'slogan': '两委', 'count': 14, 'doc_freq': 3}, {'slogan': '三社联动', 'count': 10, 'doc_freq': 2}]
    """
    from corpus_tools.dedup.unique import copies_note

    check_number(top, "top", "report_findings", kind=int, low=1)
    titles = dict(zip(data.corpus["doc_id"].astype(str), display_titles(data), strict=True))
    return Findings(
        copies="" if data.unique is None else copies_note(data.unique),
        clusters=_largest_clusters(data, titles, top),
        templated=_most_templated(data, titles, top),
        watermarks=_watermarks(data, top),
        formulas=_commonest_formulas(data, top),
        slogans=_commonest_slogans(data, top),
    )
