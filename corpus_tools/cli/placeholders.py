"""``corpus-tools placeholders PATH...``: unfilled template blanks and template sections."""

from __future__ import annotations

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
from corpus_tools.text.placeholders import KINDS, scan_placeholders

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
    help="Table printed by --format table/csv/jsonl; json prints them all.",
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
    if show == "sections":
        table = sections[
            ["doc_id", "heading", "level", "chars", "placeholders", "density", "kinds"]
        ]
    if top:
        rows, table = rows.head(top), table.head(top)
    emit(data, fmt, table=table, rows=rows)
    finish(state)
