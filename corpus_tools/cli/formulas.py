"""``corpus-tools formulas PATH...``: phrases repeated below the sentence, and their spread."""

from __future__ import annotations

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    emit,
    fail,
    finish,
    format_option,
    input_options,
    load_inputs,
    resolve_format,
)
from corpus_tools.cli.copies import distinct_documents, unique_option
from corpus_tools.errors import CorpusToolsError

#: Fields of each formula in the JSON output (../shared/CLI.md), then the extra ones.
JSON_FIELDS = ["text", "doc_freq", "count", "chars", "first", "last", "family", "formula_id"]
_SHOW = ("formulas", "families", "spread", "examples")


@click.command("formulas")
@input_options
@format_option()
@click.option(
    "--by",
    default=None,
    metavar="FIELD",
    help="Metadata field (year, province ...): first and last value of each formula, and "
    "its documents per value (--show spread).",
)
@click.option(
    "--min-docs",
    type=click.IntRange(min=2),
    default=3,
    show_default=True,
    help="A formula occurs in at least this many documents.",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=2),
    default=8,
    show_default=True,
    help="Shortest formula, in characters (spaces not counted).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=None, help="Keep only the N most widespread."
)
@click.option(
    "--show",
    type=click.Choice(_SHOW),
    default="formulas",
    show_default=True,
    help="Table printed by --format table/csv/jsonl; json prints formulas, families and "
    "(with --by) the spread.",
)
@unique_option
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    fmt: str | None,
    by: str | None,
    min_docs: int,
    min_chars: int,
    top: int | None,
    show: str,
    unique: bool,
) -> None:
    """Find formulas (套话): strings of at least --min-chars characters found in at least
    --min-docs documents, not contained in a longer one found in the same documents
    (以习近平新时代中国特色社会主义思想为指导), most widespread first, with their families of
    variants and, with --by, how they spread (first and last year, documents per province).

    JSON: {"formulas": [{text, doc_freq, count, chars, first, last, family, formula_id}],
    "families": [{family, text, formulas, doc_freq, first, last, variants}]} and, with
    --by, "spread": [{formula_id, text, value, doc_freq, docs, share}]. doc_freq is exact;
    family is the formula_id of the family's most widespread variant.
    """
    from corpus_tools.formulas import find_formulas

    state = RunState()
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    if unique:
        corpus = distinct_documents(corpus)
    if by is not None and by not in corpus.columns:
        fields = [c for c in corpus.columns if c not in ("doc_id", "text")]
        fail(f"--by {by!r}: no such field in the inputs; they have {fields}", ExitCode.USAGE)
    try:
        result = find_formulas(
            corpus, by=by, min_docs=min_docs, min_chars=min_chars, top=top, progress=None
        )
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    fmt = resolve_format(fmt)
    formulas = result.formulas[JSON_FIELDS]
    data = {"formulas": formulas, "families": result.families}
    if by is not None:
        data["spread"] = result.spread
    tables = {
        "formulas": formulas,
        "families": result.families,
        "spread": result.spread,
        "examples": result.examples,
    }
    rows = tables[show]
    table = rows
    if show == "formulas":
        table = formulas[["formula_id", "doc_freq", "count", "first", "last", "family", "text"]]
    if fmt == "csv" and show == "families":
        rows = rows.assign(variants=[" | ".join(v) for v in rows["variants"]])
    emit(data, fmt, table=table, rows=rows)
    finish(state)
