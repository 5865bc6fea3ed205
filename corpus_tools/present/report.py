"""One self-contained HTML report of a corpus: what is copied, templated, repeated, said.

:func:`build_report` runs every capability of the toolkit on a corpus table and returns one
HTML page; :func:`write_report` loads files (or takes a table) and writes that page
atomically. Both are :func:`~corpus_tools.present.collect_report_data` (the tables, each
computed once) followed by :func:`~corpus_tools.present.render_report` (the page); call those
two yourself to look at or change a table before it is drawn. The page holds everything it
shows: figures are PNG images embedded as ``data:`` URIs, the style sheet is inline, there
is no script and a Content-Security-Policy forbids any network access, so the file can be
mailed, archived or opened offline. The same corpus and options give a byte-identical file
(no timestamp, stable ordering, PNGs without dates).

The page opens with its **findings** (what stands out: the copies counted once, the
largest groups of copies, the most templated documents, the watermarks, the commonest
formulas and slogans; :func:`~corpus_tools.present.data.report_findings`) and a
**scorecard**, one row per document: copied / template / watermark / originality, with the
corpus's own title and its metadata (:func:`~corpus_tools.present.data.document_scorecard`).

Each group of exact or near-exact copies is counted once in the corpus-level sections
(templates, slogans, boilerplate, keywords, topics, formulas: ``unique=True``, the default),
so six copies of one report add its slogans once, not six times; the overview, the
duplicates and the scorecard list every document. The top of the page says how many copies
were collapsed.

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
``formulas``        phrases repeated below the sentence (套话), their families, and how they
                    spread over ``by``: a heatmap of formulas x value and a timeline of first
                    appearances (:func:`corpus_tools.find_formulas`)
==================  =====================================================================

A section whose capability fails on this corpus is replaced by a note saying so; the rest
of the report is still written.

Examples
--------
>>> import corpus_tools as ct
>>> html = ct.build_report(ct.load_texts({"a": "XX区有X个社区。"}), sections=["overview"])
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from corpus_tools.errors import NoDocumentsError, check_type, param_error
from corpus_tools.present.data import (
    DEFAULT_TITLE,
    SECTIONS,
    ReportData,
    collect_tables,
    prepare_report,
)
from corpus_tools.present.render import (
    RenderedSection,
    render_front,
    render_page,
    render_sections,
)

__all__ = ["SECTIONS", "ReportSummary", "build_report", "write_report"]


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
        One row per requested section: ``section`` (str), ``status`` (str: ``ok``, or
        ``failed`` when its capability raised), ``note`` (str: one line on what the section
        found, or the error).
    copies : str
        What counting each group of copies once did (``"6 copies of one document counted
        once"``, ``"no copies"``), or "" when copies were counted as they stand.
    distinct : int
        Documents the corpus-level sections counted (``documents`` less the copies
        collapsed).
    """

    path: str
    bytes: int
    documents: int
    chars: int
    unreadable: int
    sections: pd.DataFrame
    copies: str = ""
    distinct: int = 0


#: The options of :func:`build_report` and their defaults (``write_report(**options)``).
_DEFAULTS: dict[str, Any] = {
    "title": DEFAULT_TITLE,
    "by": "auto",
    "sections": SECTIONS,
    "top": 20,
    "max_pairs": 10,
    "max_passages": 12,
    "max_template_sections": 8,
    "n_topics": None,
    "seed": 0,
    "unique": True,
    "progress": None,
}


def _make(
    corpus: pd.DataFrame, func: str, *, progress: bool | None, **options: Any
) -> tuple[str, list[RenderedSection], ReportData]:
    """Check, collect, render: the page, its sections and its tables."""
    from corpus_tools.present.plots import find_cjk_font  # looked up when called

    request: ReportData = prepare_report(corpus, func, **options)
    find_cjk_font()  # no CJK font: stop now, with the install hint, not after the work
    data = collect_tables(request, progress=progress)
    parts = render_sections(data)
    return render_page(data, parts, render_front(data)), parts, data


def build_report(
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
) -> str:
    """The HTML report of a corpus, as one self-contained page.

    The same as ``render_report(collect_report_data(corpus, ...))``
    (:func:`~corpus_tools.present.collect_report_data`,
    :func:`~corpus_tools.present.render_report`), but stops before any work when no CJK
    font is installed.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table with unique ``doc_id`` and ``text`` (:func:`corpus_tools.load_corpus`);
        metadata columns are shown in the overview. Not modified.
    title : str
        The page's title.
    by : str or None, default "auto"
        Metadata field for keyword trends, topic shares and the spread of formulas
        (``"year"``, ``"province"``);
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
    unique : bool, default True
        Count each group of exact or near-exact copies once in the templates, slogans,
        boilerplate, keywords, topics and formulas
        (:func:`corpus_tools.dedup.unique.unique_corpus`); the overview, the duplicates and
        the scorecard still list every document, and the page says at the top how many
        copies were collapsed. False: every copy counts.
    progress : bool or None, default None
        Progress bar of the report's steps (None: on a terminal or in a notebook, when
        the report takes more than a moment).

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
    >>> page = ct.build_report(docs, sections=["overview", "templates"])
    >>> page.count("<mark class=\\"ph ph-")     # the placeholders XX, X, X highlighted
    3

    Save it with ``open("report.html", "w", encoding="utf-8").write(page)``, or use
    :func:`write_report`.
    """
    page, _, _ = _make(
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
        unique=unique,
        progress=progress,
    )
    return page


def _load(
    source: pd.DataFrame | str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    split: str | None,
    load_errors: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The corpus and the inputs that could not be read."""
    if isinstance(source, pd.DataFrame):
        return source, load_errors
    from corpus_tools.io import load_corpus

    paths = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    loaded = load_corpus(paths, split=split, progress=False)
    if loaded.documents.empty:
        raise NoDocumentsError(
            f"No readable document in {[str(p) for p in paths]}; "
            f"{len(loaded.errors)} input(s) could not be read."
        )
    return loaded.documents, loaded.errors


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
    >>> import tempfile
    >>> from pathlib import Path
    >>> import corpus_tools as ct
    >>> out = Path(tempfile.mkdtemp()) / "report.html"     # e.g. "data/processed/report.html"
    >>> s = ct.write_report("data/raw", out, sections=["overview", "slogans"])
    >>> s.documents, s.sections[["section", "status"]].values.tolist()
    (5, [['overview', 'ok'], ['slogans', 'ok']])
    """
    func = "write_report"
    check_type(out_path, "out_path", func, (str, os.PathLike), "a file path")
    corpus, errors = _load(source, split, load_errors)
    unknown = set(options) - set(_DEFAULTS)
    if unknown:
        raise param_error(
            "options", func, f"options of build_report {sorted(_DEFAULTS)}", sorted(unknown)[0]
        )
    page, parts, data = _make(corpus, func, load_errors=errors, **{**_DEFAULTS, **options})
    encoded = page.encode("utf-8")
    from corpus_tools.io import atomic_write

    target = Path(out_path)
    with atomic_write(target, "wb") as fh:
        fh.write(encoded)
    table = pd.DataFrame(
        [(p.key, p.status, p.note) for p in parts], columns=["section", "status", "note"]
    )
    chars = int(sum(len(t) for t in corpus["text"]))
    from corpus_tools.dedup.unique import copies_note

    return ReportSummary(
        str(target),
        len(encoded),
        len(corpus),
        chars,
        0 if errors is None else len(errors),
        table,
        copies="" if data.unique is None else copies_note(data.unique),
        distinct=len(data.counted),
    )
