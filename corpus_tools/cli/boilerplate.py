"""``corpus-tools boilerplate PATH...``: watermarks and passages repeated across documents."""

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

#: The choices of the option, as corpus_tools.boilerplate.repeated.KINDS defines them (spelled here so
#: that ``--help`` imports nothing heavy; tests/test_startup.py checks that they agree).
KINDS = ("watermark", "repeated")

if TYPE_CHECKING:
    import pandas as pd

_SHOW = ("passages", "documents", "spans")


@click.command("boilerplate")
@input_options
@format_option()
@click.option(
    "--min-docs",
    type=click.IntRange(min=2),
    default=3,
    show_default=True,
    help="A sentence or paragraph is boilerplate when at least this many documents hold it.",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Shortest repeated passage reported, in characters (whitespace not counted).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(KINDS)),
    help="Look only for this kind (repeatable); both by default.",
)
@click.option(
    "--fold-digits",
    is_flag=True,
    help="Match sentences that differ only in their numbers (a template filled with other "
    "figures).",
)
@click.option(
    "--spans",
    "with_spans",
    is_flag=True,
    help="JSON: add to each passage its occurrences [{doc_id, start, end}].",
)
@click.option(
    "--show",
    type=click.Choice(_SHOW),
    default="passages",
    show_default=True,
    help="Table printed by --format table/csv/jsonl; json prints passages and documents.",
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
    min_docs: int,
    min_chars: int,
    kinds: tuple[str, ...],
    fold_digits: bool,
    with_spans: bool,
    show: str,
    top: int,
    unique: bool,
) -> None:
    """Find template-site watermarks (仅供学习, 请勿照搬, QQ群 ...) and the sentences and
    paragraphs repeated in at least --min-docs documents (page furniture, news openings,
    template paragraphs); give each document its originality.

    JSON: {"passages": [{text, kind, doc_freq, docs, passage_id, chars, occurrences}],
    "documents": [{doc_id, boilerplate_chars, originality, chars, watermark_chars}]};
    with --spans each passage also lists its occurrences with offsets into the texts.
    """
    state = RunState()
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    if unique:
        corpus = distinct_documents(corpus)
    from corpus_tools.boilerplate.repeated import find_boilerplate

    result = find_boilerplate(
        corpus,
        min_docs=min_docs,
        min_chars=min_chars,
        kinds=list(kinds) or list(KINDS),
        fold_digits=fold_digits,
        progress=None,
    )
    fmt = resolve_format(fmt)
    passages = result.passages[
        ["text", "kind", "doc_freq", "docs", "passage_id", "chars", "occurrences"]
    ]
    documents = result.documents[
        ["doc_id", "boilerplate_chars", "originality", "chars", "watermark_chars"]
    ]
    records = passages.to_dict("records")
    if with_spans:
        occ = result.spans.groupby("passage_id", sort=False)[["doc_id", "start", "end"]]
        by_passage = {pid: g.to_dict("records") for pid, g in occ}
        for rec in records:
            rec["spans"] = by_passage.get(rec["passage_id"], [])
    data = {"passages": records, "documents": documents}
    rows: pd.DataFrame = {"passages": passages, "documents": documents, "spans": result.spans}[show]
    table = rows
    if show == "passages":
        table = passages[["passage_id", "kind", "doc_freq", "chars", "text"]]
        if fmt == "csv":
            rows = passages.assign(docs=[" ".join(d) for d in passages["docs"]])
    if top:
        rows, table = rows.head(top), table.head(top)
    emit(data, fmt, table=table, rows=rows)
    finish(state)
