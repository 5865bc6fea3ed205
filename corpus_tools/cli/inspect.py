"""``corpus-tools inspect PATH...``: what each document is and how it is built."""

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


@click.command("inspect")
@input_options
@format_option()
def command(
    paths: tuple[str, ...], split: str | None, id_field: str, text_field: str, fmt: str | None
) -> None:
    """List documents: doc_id, title, chars, paragraphs, sections, placeholders.

    Unreadable inputs are named on stderr and skipped (exit status 3).
    """
    from corpus_tools.text import inspect

    state = RunState()
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    table = inspect(corpus)
    fmt = resolve_format(fmt)
    errors = [{"path": p, "reason": r} for p, r in state.error_rows]
    core = [
        c
        for c in ("doc_id", "title", "chars", "paragraphs", "sections", "items", "placeholders")
        if c in table.columns
    ]
    emit(
        {"documents": table, "errors": errors},
        fmt,
        table=table[core],
        rows=table,
    )
    finish(state)
