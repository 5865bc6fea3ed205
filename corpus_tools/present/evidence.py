"""The reviewer's page of a ``flag`` run: :func:`render_flag_html`, :func:`write_flag_html`.

One self-contained HTML page for all the submissions of a :class:`~corpus_tools.dedup.FlagReport`:
per submission a verdict card (copy ratio, quoted ratio, the largest source and its share,
the number of sources, the residue), the per-section figures, the sources ranked with their
role, the residue, and each copied passage side by side (the submission left, the held
document right) with the characters that differ highlighted and the placeholders and residue
marked. The page loads nothing (the style sheet is inline, there is no script, and a
Content-Security-Policy forbids any network access); every text that came from a document
is escaped. The same report gives the same page.

Examples
--------
>>> import corpus_tools as ct
>>> held = {"湄潭": "湄潭县2025年工作总结。全县茶园面积60万亩，兴隆镇、永兴镇茶叶产值增长。" * 3}
>>> sub = held["湄潭"].replace("湄潭县", "凤冈县").replace("60", "X")
>>> report = ct.flag_submissions({"<凤冈>": sub}, against=held, place="凤冈县")
>>> page = render_flag_html(report)
>>> "&lt;凤冈&gt;" in page, 'class="res res-certain"' in page
(True, True)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from corpus_tools.dedup.flag import FlagReport
from corpus_tools.errors import check_type, param_error
from corpus_tools.present.excerpts import PLACEHOLDER_KINDS
from corpus_tools.present.markup import (
    escape,
    format_int,
    highlight,
    html_table,
    stat_boxes,
)

__all__ = ["char_differences", "render_flag_html", "write_flag_html"]

#: Copied passages shown per submission (the rest are counted; all are in the JSON).
MAX_PASSAGES = 200
#: Characters of context either side of a residue finding in the residue table.
RESIDUE_CONTEXT = 24
#: Residue findings listed per submission.
MAX_RESIDUE = 500
#: Two replaced runs of clauses longer than this product of lengths are marked whole, not
#: compared character by character (difflib is quadratic in the worst case).
MAX_CHAR_DIFF = 250_000
#: A clause ends after one of these (passages are first aligned clause by clause).
_CLAUSE = re.compile(r"[^，。；：！？、,.;:!?\n]*[，。；：！？、,.;:!?\n]?")

_TITLES = {
    "diff": "differs from the other side",
    "res res-certain": "residue (certain): left by the copier",
    "res res-possible": "residue (possible)",
    **{f"ph ph-{k}": f"placeholder: {v}" for k, v in PLACEHOLDER_KINDS.items()},
}

_CSS = """
.verdict { border: 1px solid var(--line); border-left: 6px solid #2da44e; border-radius: 6px;
  padding: .6rem 1rem; margin: 1rem 0; background: var(--panel); }
.verdict.flagged { border-left-color: #cf222e; }
.verdict h2 { margin: 0 0 .3rem; border: 0; font-size: 1.3rem; }
.badge { display: inline-block; font-size: .8rem; padding: .05rem .5rem; border-radius: 1rem;
  color: #fff; background: #2da44e; vertical-align: middle; margin-left: .4rem; }
.flagged .badge { background: #cf222e; }
mark.diff { background: #ffd6d3; color: #5c0a04; }
mark.res { color: #fff; font-weight: bold; }
mark.res-certain { background: #cf222e; outline: 2px solid #82071e; }
mark.res-possible { background: #bf8700; }
.side-by-side > .head { background: var(--panel); }
.excerpt .where { display: block; color: var(--muted); font-size: .8rem; }
nav li.flagged a { color: #cf222e; font-weight: bold; }
.legend .item { margin-right: 1.2rem; white-space: nowrap; }
"""


# --------------------------------------------------------------------------- differences


def _clause_starts(text: str) -> tuple[list[str], list[int]]:
    clauses = [m.group() for m in _CLAUSE.finditer(text) if m.group()]
    starts = [0]
    for c in clauses:
        starts.append(starts[-1] + len(c))
    return clauses, starts


def char_differences(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The characters of ``a`` not matched in ``b`` and those of ``b`` not matched in ``a``,
    as ``(start, end)`` spans (whitespace alone is not a difference).

    The texts are aligned clause by clause first, then the clauses that differ character by
    character, so two long passages are compared in about linear time.

    Examples
    --------
    >>> char_differences("全县茶园面积60万亩。", "全县茶园面积X万亩。")
    ([(6, 8)], [(6, 7)])
    """
    ca, sa = _clause_starts(a)
    cb, sb = _clause_starts(b)
    left: list[tuple[int, int]] = []
    right: list[tuple[int, int]] = []
    outer = SequenceMatcher(None, ca, cb, autojunk=False)
    for tag, i1, i2, j1, j2 in outer.get_opcodes():
        if tag == "equal":
            continue
        a0, a1, b0, b1 = sa[i1], sa[i2], sb[j1], sb[j2]
        if (a1 - a0) * (b1 - b0) > MAX_CHAR_DIFF:
            left.append((a0, a1))
            right.append((b0, b1))
            continue
        inner = SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False)
        for t, x1, x2, y1, y2 in inner.get_opcodes():
            if t != "equal":
                left.append((a0 + x1, a0 + x2))
                right.append((b0 + y1, b0 + y2))
    return _visible(a, left), _visible(b, right)


def _visible(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if e > s and text[s:e].strip()]


def _without(
    spans: Iterable[tuple[int, int]], cuts: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """``spans`` with the parts inside any of ``cuts`` taken out (marks that win)."""
    out = []
    for s, e in spans:
        pieces = [(s, e)]
        for c0, c1 in cuts:
            pieces = [
                piece
                for p0, p1 in pieces
                for piece in ((p0, min(p1, c0)), (max(p0, c1), p1))
                if piece[1] > piece[0]
            ]
        out.extend(pieces)
    return out


# --------------------------------------------------------------------------- pieces


def _percent(x: float) -> str:
    return f"{x:.1%}"


def _verdict(sub: Any, residue: pd.DataFrame) -> str:
    flagged = bool(sub.flagged)
    certain = int((residue["certainty"] == "certain").sum())
    largest = "—" if sub.largest_source is None else str(sub.largest_source)
    boxes = stat_boxes(
        [
            ("复制比 copy ratio", _percent(sub.copy_ratio)),
            ("引用比 quoted ratio", _percent(sub.quoted_ratio)),
            ("自我重复 recycled", _percent(sub.recycled_ratio)),
            ("最大来源 largest source", largest),
            ("其占比 its share", _percent(sub.largest_source_ratio)),
            ("来源数 sources", format_int(sub.matches)),
            ("残留 residue (certain)", f"{len(residue)} ({certain})"),
            ("地区 place", sub.place or "—"),
        ]
    )
    badge = "FLAGGED 疑似抄袭" if flagged else "not flagged 未标记"
    cls = "verdict flagged" if flagged else "verdict"
    return (
        f'<div class="{cls}"><h2>{escape(sub.submission)}'
        f'<span class="badge">{escape(badge)}</span></h2>{boxes}</div>'
    )


def _sections(sections: pd.DataFrame) -> str:
    if sections.empty:
        return '<p class="note">No section headings found: the whole text is one part.</p>'
    return html_table(
        sections,
        columns=[
            "section_id",
            "heading",
            "start",
            "end",
            "chars",
            "copy_ratio",
            "quoted_ratio",
            "recycled_ratio",
        ],
        numeric_format={c: ".1%" for c in ("copy_ratio", "quoted_ratio", "recycled_ratio")},
        long=("heading",),
        max_rows=200,
    )


def _sources(matches: pd.DataFrame, passages: pd.DataFrame) -> str:
    if matches.empty:
        return '<p class="note">No held document shares a passage with this submission.</p>'
    counts = passages.groupby("doc_id").size()
    table = matches.assign(
        rank=range(1, len(matches) + 1),
        role=[
            "recycled" if r else role
            for r, role in zip(matches["recycled"], matches["role"], strict=True)
        ],
        passages=[int(counts.get(d, 0)) for d in matches["doc_id"]],
    )
    return html_table(
        table,
        columns=[
            "rank",
            "doc_id",
            "role",
            "copy_ratio",
            "similarity",
            "containment",
            "relation",
            "passages",
        ],
        numeric_format={"copy_ratio": ".1%", "similarity": ".3f", "containment": ".1%"},
        max_rows=100,
    )


def _residue_spans(residue: pd.DataFrame) -> list[tuple[int, int, str]]:
    out = []
    for start, end, kind, detail, certainty in zip(
        residue["start"].tolist(),
        residue["end"].tolist(),
        residue["kind"].tolist(),
        residue["detail"].tolist(),
        residue["certainty"].tolist(),
        strict=True,
    ):
        if kind == "placeholder":
            cls = f"ph ph-{detail}" if detail in PLACEHOLDER_KINDS else "ph ph-generic"
        else:
            cls = f"res res-{certainty}"
        out.append((int(start), int(end), cls))
    return out


def _residue(residue: pd.DataFrame, text: str | None) -> str:
    if residue.empty:
        return '<p class="note">No unfilled placeholder and no name of another place found.</p>'
    shown = residue.head(MAX_RESIDUE)
    cells: dict[str, Sequence[str]] | None = None
    if text is not None:
        cells = {
            "context": [
                highlight(
                    text,
                    [(s, e, cls)],
                    start=max(0, s - RESIDUE_CONTEXT),
                    end=e + RESIDUE_CONTEXT,
                    titles=_TITLES,
                )
                for s, e, cls in _residue_spans(shown)
            ]
        }
        shown = shown.assign(context="")
    return html_table(
        shown,
        columns=[
            "start",
            "end",
            "text",
            "kind",
            "belongs_to",
            "certainty",
            "source_doc_id",
            "context",
        ],
        html_cells=cells,
        max_rows=MAX_RESIDUE,
    )


def _passage(p: Any, residue: list[tuple[int, int, str]]) -> list[str]:
    """The two cells of one copied passage: the submission's, the held document's."""
    from corpus_tools.text.placeholders import find_placeholders

    left_text, right_text = str(p.text), str(p.match_text)
    left_diff, right_diff = char_differences(left_text, right_text)
    offset = int(p.submission_start)
    marks = [
        (max(s - offset, 0), min(e - offset, len(left_text)), cls)
        for s, e, cls in residue
        if s < p.submission_end and e > offset
    ]
    cuts = [(s, e) for s, e, _ in marks]
    left = marks + [(s, e, "diff") for s, e in _without(left_diff, cuts)]
    found = find_placeholders(right_text)
    right_marks = [
        (int(s), int(e), f"ph ph-{k}" if k in PLACEHOLDER_KINDS else "ph ph-generic")
        for s, e, k in zip(found["start"], found["end"], found["kind"], strict=True)
    ]
    right_cuts = [(s, e) for s, e, _ in right_marks]
    right = right_marks + [(s, e, "diff") for s, e in _without(right_diff, right_cuts)]
    role = "recycled" if p.recycled else p.role
    return [
        f'<div class="excerpt"><span class="where">{format_int(p.submission_start)}–'
        f"{format_int(p.submission_end)}</span>{highlight(left_text, left, titles=_TITLES)}</div>",
        f'<div class="excerpt"><span class="where">{escape(p.doc_id)} · {escape(role)} · '
        f"{format_int(p.match_start)}–{format_int(p.match_end)}</span>"
        f"{highlight(right_text, right, titles=_TITLES)}</div>",
    ]


def _passages(passages: pd.DataFrame, residue: pd.DataFrame) -> str:
    if passages.empty:
        return '<p class="note">No copied or quoted passage.</p>'
    spans = _residue_spans(residue)
    cells = [
        '<div class="head">提交稿 submission</div>',
        '<div class="head">来源 held document</div>',
    ]
    for p in passages.head(MAX_PASSAGES).itertuples(index=False):
        cells.extend(_passage(p, spans))
    more = ""
    if len(passages) > MAX_PASSAGES:
        more = f'<p class="more">… and {len(passages) - MAX_PASSAGES} more passages.</p>'
    return f'<div class="pair"><div class="side-by-side">{"".join(cells)}</div>{more}</div>'


def _legend() -> str:
    items = [
        ('<mark class="diff">差异</mark>', "characters that differ between the two sides"),
        ('<mark class="res res-certain">湄潭县</mark>', "residue, certain"),
        ('<mark class="res res-possible">浙江</mark>', "residue, possible"),
        ('<mark class="ph ph-number">X</mark>', "unfilled placeholder"),
    ]
    shown = "".join(f'<span class="item">{m} {escape(label)}</span>' for m, label in items)
    return f'<p class="legend">{shown}</p>'


def _submission(k: int, sub: Any, report: FlagReport, text: str | None) -> str:
    name = sub.submission
    pick = {
        key: table[table["submission"] == name]
        for key, table in (
            ("matches", report.matches),
            ("passages", report.passages),
            ("sections", report.sections),
            ("residue", report.residue),
        )
    }
    return (
        f'<section id="s{k}">{_verdict(sub, pick["residue"])}'
        "<h3>分节 Sections</h3>"
        + _sections(pick["sections"])
        + "<h3>来源 Sources, largest share first</h3>"
        + _sources(pick["matches"], pick["passages"])
        + "<h3>残留 Residue: unfilled blanks and names of another place</h3>"
        + _residue(pick["residue"], text)
        + "<h3>逐段对照 Passages side by side</h3>"
        + _legend()
        + _passages(pick["passages"], pick["residue"])
        + "</section>"
    )


def _texts(texts: Any, func: str) -> dict[str, str]:
    if texts is None:
        return {}
    if isinstance(texts, pd.DataFrame):
        if "doc_id" not in texts.columns or "text" not in texts.columns:
            raise param_error("texts", func, "a corpus table with doc_id and text", "a table")
        return dict(zip(texts["doc_id"].astype(str), texts["text"].astype(str), strict=True))
    if isinstance(texts, Mapping):
        return {str(k): str(v) for k, v in texts.items()}
    raise param_error("texts", func, "a corpus table or a mapping", type(texts).__name__)


def render_flag_html(
    report: FlagReport,
    *,
    texts: pd.DataFrame | Mapping[str, str] | None = None,
    title: str = "抄袭检测 Copy check",
) -> str:
    """The reviewer's page of a ``flag`` run, as one self-contained HTML string.

    Parameters
    ----------
    report : FlagReport
        From :func:`corpus_tools.flag_submissions` or :meth:`corpus_tools.DedupIndex.flag`.
    texts : pandas.DataFrame or mapping, optional
        The submissions (corpus table or ``{name: text}``): the residue table then shows
        each finding in its context.
    title : str
        The page's title.

    Returns
    -------
    str
        The page; the same report gives the same string.
    """
    func = "render_flag_html"
    check_type(report, "report", func, FlagReport, "a FlagReport")
    check_type(title, "title", func, str, "a str")
    by_name = _texts(texts, func)
    from corpus_tools.version import __version__

    subs = report.submissions
    nav = "".join(
        f'<li class="{"flagged" if flag else "ok"}"><a href="#s{k}">{escape(name)}'
        f" · {_percent(ratio)}</a></li>"
        for k, (name, flag, ratio) in enumerate(
            zip(
                subs["submission"].tolist(),
                subs["flagged"].tolist(),
                subs["copy_ratio"].tolist(),
                strict=True,
            ),
            1,
        )
    )
    body = "".join(
        _submission(k, s, report, by_name.get(str(s.submission)))
        for k, s in enumerate(subs.itertuples(index=False), 1)
    )
    css = files("corpus_tools").joinpath("data/report.css").read_text(encoding="utf-8")
    version = escape(__version__)
    flagged = int(subs["flagged"].sum())
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="corpus-tools {version}">\n'
        f"<title>{escape(title)}</title>\n<style>\n{css}{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="meta">{format_int(len(subs))} submissions · {format_int(flagged)} flagged '
        f"· corpus-tools {version}</p><nav><ol>{nav}</ol></nav></header>\n"
        f"<main>{body or _EMPTY}</main>\n"
        "<footer><p><b>copy ratio</b>: share of the submission's characters (after folding) "
        "copied from peers of other units; <b>quoted ratio</b>: found in references (documents "
        "that may be quoted); <b>recycled</b>: found in the unit's own earlier documents. Only "
        "the copy ratio flags. <b>Residue</b>: unfilled blanks and place names of another "
        "place; <i>certain</i> when inside a passage copied from a source whose place it "
        "names. The same run with <code>--format json</code> gives every figure. Generated by "
        f"corpus-tools {version}.</p></footer>\n</body>\n</html>\n"
    )


_EMPTY = '<p class="note">No submission.</p>'


def write_flag_html(
    report: FlagReport,
    path: str | os.PathLike[str],
    *,
    texts: pd.DataFrame | Mapping[str, str] | None = None,
    title: str = "抄袭检测 Copy check",
) -> Path:
    """Write :func:`render_flag_html` to ``path`` atomically (UTF-8); return the path.

    Examples
    --------
    >>> import tempfile
    >>> import corpus_tools as ct
    >>> held = {"r1": "坚持党建引领，推动基层治理能力现代化建设取得新成效。" * 4}
    >>> report = ct.flag_submissions({"s": held["r1"]}, against=held)
    >>> out = write_flag_html(report, Path(tempfile.mkdtemp()) / "flag.html")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    from corpus_tools.io import atomic_write

    check_type(path, "path", "write_flag_html", (str, os.PathLike), "a file path")
    page = render_flag_html(report, texts=texts, title=title)
    target = Path(path)
    with atomic_write(target, "wb") as fh:
        fh.write(page.encode("utf-8"))
    return target
