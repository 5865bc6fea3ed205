"""``corpus-tools slogans``: numeric slogans and quoted formulas, ranked."""

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
    write_output_table,
)
from corpus_tools.cli.copies import distinct_documents, unique_option
from corpus_tools.errors import CorpusToolsError


@click.command(name="slogans")
@input_options
@format_option()
@click.option(
    "--kind",
    "kind",
    type=click.Choice(["all", "numeric", "quoted"]),
    default="all",
    show_default=True,
    help="numeric: numbered formulas (三会一课); quoted: other quoted formulas (大党委).",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Keep slogans found at least this many times.",
)
@click.option(
    "--min-docs",
    "--min-doc-freq",
    "min_docs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Keep slogans found in at least this many documents (--min-doc-freq: same option).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=None, help="Print only the N best slogans."
)
@click.option(
    "--lexicon",
    "lexicon",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Also write the slogans as a jieba user dictionary (word freq tag) for the segmenter.",
)
@click.option(
    "--occurrences",
    "occurrences",
    default=None,
    type=click.Path(dir_okay=False, path_type=str),
    help="Also write every occurrence (doc_id, slogan, start, end, ...) to a .csv, "
    ".parquet or .xlsx file.",
)
@unique_option
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    fmt: str | None,
    kind: str,
    min_count: int,
    min_docs: int,
    top: int | None,
    lexicon: str | None,
    occurrences: str | None,
    unique: bool,
) -> None:
    """Mine numeric slogans (三会一课, 一征三议两公开) and quoted formulas, best first.

    JSON: [{"slogan", "count", "doc_freq", "score", "family", "example", "kind", "quoted",
    "cue"}]. "example" is the expansion the text gives (八项本领 -> 学习本领、…) or the text
    around the first occurrence.
    """
    from corpus_tools.io.write import TABLE_SUFFIXES
    from corpus_tools.slogans import mine_slogans, slogan_occurrences, to_lexicon

    if occurrences is not None and not occurrences.lower().endswith(TABLE_SUFFIXES):
        fail(
            f"--occurrences must end in .xlsx, .csv or .parquet; got {occurrences!r}",
            ExitCode.USAGE,
        )
    state = RunState()
    docs = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    kinds = ["numeric", "quoted"] if kind == "all" else [kind]
    if unique:
        docs = distinct_documents(docs)
    try:
        table = mine_slogans(docs, kinds=kinds, min_count=min_count, min_docs=min_docs, top=top)
        if lexicon is not None:
            to_lexicon(table, lexicon)
        if occurrences is not None:
            write_output_table(slogan_occurrences(docs, table), occurrences)
    except OSError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    columns = ["slogan", "count", "doc_freq", "score", "family", "example", "kind", "quoted", "cue"]
    rows = table[columns]
    shown = table[["slogan", "kind", "family", "count", "doc_freq", "score", "example"]]
    emit(rows, resolve_format(fmt), table=shown, rows=rows)
    finish(state)
