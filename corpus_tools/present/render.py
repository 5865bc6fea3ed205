"""The report's page from its tables: :func:`render_report`.

:func:`render_report` turns a :class:`~corpus_tools.present.ReportData` into one
self-contained HTML page and computes nothing a capability computes: figures are drawn from
the tables and embedded as PNG ``data:`` URIs, the style sheet is inline, there is no script
and a Content-Security-Policy forbids any network access. The same data give the same
string. A section whose capability failed, or whose rendering raises, is replaced by a note.

Examples
--------
>>> import corpus_tools as ct
>>> from corpus_tools.present import collect_report_data, render_report
>>> data = collect_report_data(ct.load_texts({"a": "XX区有X个社区。"}), sections=["overview"])
>>> page = render_report(data)
>>> page.startswith("<!DOCTYPE html>"), '<section id="overview">' in page
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from corpus_tools.present.data import ReportData
from corpus_tools.present.excerpts import duplicates_section, templates_section
from corpus_tools.present.markup import (
    SectionHTML,
    escape,
    format_int,
    html_table,
    notice,
)
from corpus_tools.present.sections import (
    boilerplate_section,
    findings_section,
    formulas_section,
    keywords_section,
    overview_section,
    scorecard_section,
    slogans_section,
    topics_section,
)

__all__ = [
    "FRONT",
    "TITLES",
    "RenderedSection",
    "render_front",
    "render_page",
    "render_report",
    "render_sections",
]

#: What the page opens with, before the numbered sections: what stands out, then one row
#: per document.
FRONT = ("findings", "scorecard")
#: Heading of each section: (Chinese, English).
TITLES = {
    "findings": ("要点", "Findings"),
    "scorecard": ("文档评分卡", "Scorecard: one row per document"),
    "overview": ("文档概览", "Corpus overview"),
    "duplicates": ("重复与抄袭", "Duplicates and copied passages"),
    "templates": ("模板段落与未填空白", "Template sections and placeholders"),
    "slogans": ("提法与口号", "Slogans"),
    "boilerplate": ("套话与水印", "Boilerplate and watermarks"),
    "keywords": ("关键词", "Keywords"),
    "topics": ("主题", "Topics"),
    "formulas": ("套话短语及其传播", "Formulas and how they spread"),
}

_RENDERERS: dict[str, Callable[[ReportData], SectionHTML]] = {
    "findings": findings_section,
    "scorecard": scorecard_section,
    "overview": overview_section,
    "duplicates": duplicates_section,
    "templates": templates_section,
    "slogans": slogans_section,
    "boilerplate": boilerplate_section,
    "keywords": keywords_section,
    "topics": topics_section,
    "formulas": formulas_section,
}
#: Input files listed at most at the top of the page.
LOAD_ERROR_ROWS = 100


class RenderedSection(NamedTuple):
    """A section of the page: ``key`` (of :data:`~corpus_tools.present.SECTIONS`),
    ``status`` (``ok``, or ``failed`` when its capability or its rendering raised),
    ``note`` (one line on what it found, or the error) and ``html``."""

    key: str
    status: str
    note: str
    html: str


def render_front(data: ReportData) -> list[RenderedSection]:
    """The findings and the scorecard (:data:`FRONT`) as HTML; one that raises while drawn
    is a ``failed`` section with the error."""
    return _render(data, FRONT)


def render_sections(data: ReportData) -> list[RenderedSection]:
    """Each section of ``data.options.sections`` as HTML, in order; one that failed (in
    ``data.failures``, or raising while drawn) is a ``failed`` section with the error."""
    return _render(data, data.options.sections)


def _render(data: ReportData, keys: tuple[str, ...]) -> list[RenderedSection]:
    out = []
    for key in keys:
        if key in data.failures:
            out.append(RenderedSection(key, "failed", data.failures[key], ""))
            continue
        try:
            note, body = _RENDERERS[key](data)
        except Exception as exc:  # one section that cannot be drawn must not cost the page
            out.append(RenderedSection(key, "failed", f"{type(exc).__name__}: {exc}", ""))
            continue
        out.append(RenderedSection(key, "ok", note, body))
    return out


def _css() -> str:
    from importlib.resources import files

    return files("corpus_tools").joinpath("data/report.css").read_text(encoding="utf-8")


def _section_html(index: int | None, part: RenderedSection) -> str:
    zh, en = TITLES[part.key]
    number = "" if index is None else f"{index}. "
    head = (
        f'<section id="{escape(part.key)}"><h2>{number}{escape(zh)} '
        f'<span class="en">{escape(en)}</span></h2>'
    )
    if part.status == "ok":
        return head + part.html + "</section>"
    return head + notice("Could not be computed", part.note, failed=True) + "</section>"


def _load_errors(load_errors: pd.DataFrame | None) -> str:
    if load_errors is None or load_errors.empty:
        return ""
    return (
        f'<p class="notice failed"><b>{len(load_errors)} input(s) could not be read</b> '
        "and are not in this report:</p>"
        + html_table(load_errors, max_rows=LOAD_ERROR_ROWS, long=("reason",), clip_at=300)
    )


def _nav_item(index: int | None, part: RenderedSection) -> str:
    number = "" if index is None else f"{index}. "
    zh, en = TITLES[part.key]
    return (
        f'<li class="{"ok" if part.status == "ok" else "skipped"}"><a href="#{escape(part.key)}">'
        f'{number}{escape(zh)} <span class="en">{escape(en)}</span></a></li>'
    )


def _documents_line(data: ReportData) -> str:
    """``13 documents (8 distinct: 6 copies of one document counted once)``."""
    from corpus_tools.dedup.unique import copies_note

    line = f"{format_int(len(data.corpus))} documents"
    if data.unique is not None and len(data.unique) < len(data.corpus):
        line += f" ({format_int(len(data.unique))} distinct: {escape(copies_note(data.unique))})"
    return line


def render_page(
    data: ReportData,
    sections: list[RenderedSection],
    front: list[RenderedSection] | None = None,
) -> str:
    """The HTML page: header, navigation, load errors, ``front`` (the findings and the
    scorecard, :func:`render_front`), the numbered ``sections``, footer."""
    from corpus_tools.version import __version__

    opts = data.options
    version = escape(__version__)
    chars = int(sum(len(t) for t in data.corpus["text"]))
    front = render_front(data) if front is None else front
    nav = "".join(_nav_item(None, p) for p in front) + "".join(
        _nav_item(i, p) for i, p in enumerate(sections, 1)
    )
    body = "".join(_section_html(None, p) for p in front) + "".join(
        _section_html(i, p) for i, p in enumerate(sections, 1)
    )
    by = f" · grouped by {escape(opts.by)}" if opts.by else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="corpus-tools {version}">\n'
        f"<title>{escape(opts.title)}</title>\n<style>\n{_css()}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(opts.title)}</h1>"
        f'<p class="meta">{_documents_line(data)} · {format_int(chars)} '
        f"characters{by} · corpus-tools {version}</p><nav><ol>{nav}</ol></nav></header>\n"
        f"<main>{_load_errors(data.load_errors)}{body}</main>\n"
        "<footer><p>Offsets, counts and passages come from the corpus_tools functions named "
        "in each section; the same call in Python gives the full tables. Generated by "
        f"corpus-tools {version}.</p></footer>\n</body>\n</html>\n"
    )


def render_report(data: ReportData) -> str:
    """The HTML report of the tables of ``data``, as one self-contained page.

    Parameters
    ----------
    data : ReportData
        From :func:`~corpus_tools.present.collect_report_data`, tables possibly changed.

    Returns
    -------
    str
        The page (UTF-8 text). The same data give the same string. Every string that came
        from a document is escaped.

    Raises
    ------
    FontNotFoundError
        No CJK font is installed to draw the figures (the message says what to install).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> from corpus_tools.present import collect_report_data
    >>> docs = ct.load_texts({"<b>": "关于XX社区的汇报\\n一、做法\\n投入X万元，建成X个站点。"})
    >>> page = render_report(collect_report_data(docs, sections=["templates"]))
    >>> "&lt;b&gt;" in page
    True
    """
    from corpus_tools.present.plots import find_cjk_font  # looked up when called

    find_cjk_font()  # no CJK font: stop now, with the install hint
    return render_page(data, render_sections(data), render_front(data))
