"""``corpus-tools placeholders PATH...``: unfilled template blanks and template sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from corpus_tools.cli.common import (
    RunState,
    emit,
    finish,
    format_option,
    input_options,
    load_inputs,
    resolve_format,
)
from corpus_tools.cli.copies import distinct_documents, unique_option

#: The choices of the option, as corpus_tools.text.placeholders.KINDS defines them (spelled here so
#: that ``--help`` imports nothing heavy; tests/test_startup.py checks that they agree).
KINDS = ("number", "percent", "money", "date", "name", "person", "generic")

if TYPE_CHECKING:
    import pandas as pd

_SHOW = ("sections", "spans", "documents")


@click.command("placeholders")
@input_options
@format_option()
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(KINDS)),
    help="Keep only placeholders of this kind (repeatable); all kinds by default.",
)
@click.option(
    "--min-support",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="A lone mark with no blank-like context (X化粪池, ×主题活动) counts only in a text with at "
    "least this many certain placeholders (XX, X个, 第X批).",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=0),
    default=40,
    show_default=True,
    help="Leave out sections shorter than this.",
)
@click.option(
    "--max-level",
    type=click.IntRange(0, 5),
    default=5,
    show_default=True,
    help="Deepest heading level listed in sections: 1 一、, 2 （一）, 3 1., 4 （1）, 5 一是.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(min=0, min_open=True),
    default=0.5,
    show_default=True,
    help="Placeholders per 100 characters from which text counts as template (template_score).",
)
@click.option(
    "--show",
    type=click.Choice(_SHOW),
    default="sections",
    show_default=True,
    help="Table printed by --format table/csv/jsonl; json prints them all. The table for a "
    "person has one row per distinct section (or blank in its words), with 'docs', the number "
    "of documents it is in; csv/jsonl keep every row.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=0,
    help="Print only the first N rows of the table shown (0: all); json is never cut.",
)
@unique_option
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    fmt: str | None,
    kinds: tuple[str, ...],
    min_support: int,
    min_chars: int,
    max_level: int,
    threshold: float,
    show: str,
    top: int,
    unique: bool,
) -> None:
    """Find unfilled template placeholders (XX社区, X个, ×万元, 20XX年, 某某) and the
    sections full of them.

    Sections are ranked by density (placeholders per 100 characters), densest first.
    JSON: {"spans": [{doc_id, start, end, text, kind}], "sections": [{doc_id, start, end,
    heading, placeholders, density, ...}], "documents": [{doc_id, template_score, ...}]};
    offsets are character offsets into each document's text.
    """
    state = RunState()
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    if unique:
        corpus = distinct_documents(corpus)
    from corpus_tools.text.placeholders import scan_placeholders

    report = scan_placeholders(
        corpus,
        kinds=list(kinds) or None,
        min_support=min_support,
        min_chars=min_chars,
        max_level=max_level,
        threshold=threshold,
    )
    fmt = resolve_format(fmt)
    sections = report.sections[
        [
            "doc_id",
            "start",
            "end",
            "heading",
            "placeholders",
            "density",
            "section_id",
            "parent",
            "level",
            "chars",
            "kinds",
        ]
    ]
    data = {"spans": report.spans, "sections": sections, "documents": report.documents}
    rows = {"spans": report.spans, "sections": sections, "documents": report.documents}[show]
    table = rows
    if show in ("sections", "spans"):
        table = collapse_copies(rows, corpus, show)
    if top:
        rows, table = rows.head(top), table.head(top)
    emit(data, fmt, table=table, rows=rows)
    finish(state)


#: Columns of the table printed for ``--show sections`` (``docs`` after ``doc_id``).
_SECTION_COLUMNS = ["heading", "level", "chars", "placeholders", "density", "kinds"]
#: Characters either side of a span that make two spans the same blank in the same words.
_SPAN_CONTEXT = 12


def collapse_copies(rows: pd.DataFrame, corpus: pd.DataFrame, show: str) -> pd.DataFrame:
    """The table printed for a person: one row per distinct section (or blank in its
    words), with ``docs``, the number of documents it is found in, and the first of them.

    Six copies of one report (data/raw/003 split by lines) print one row each, not six;
    JSON, JSON lines and CSV keep every row.
    """
    import pandas as pd

    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    keys = []
    for doc_id, start, end in zip(rows["doc_id"], rows["start"], rows["end"], strict=True):
        text = texts.get(doc_id, "")
        lo, hi = (
            (start, end) if show == "sections" else (start - _SPAN_CONTEXT, end + _SPAN_CONTEXT)
        )
        keys.append(text[max(0, int(lo)) : int(hi)])
    frame = rows.assign(_key=keys)
    docs = frame.groupby("_key", sort=False)["doc_id"].transform("nunique")
    first = ~frame["_key"].duplicated()
    kept = frame.assign(docs=docs.astype("int64"))[first]
    columns = (
        ["doc_id", "docs", *_SECTION_COLUMNS]
        if show == "sections"
        else ["doc_id", "docs", "start", "end", "text", "kind"]
    )
    return pd.DataFrame(kept[columns]).reset_index(drop=True)
