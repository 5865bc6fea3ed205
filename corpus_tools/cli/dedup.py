"""``corpus-tools dedup`` (``index`` is in :mod:`corpus_tools.cli.index`, ``flag`` in
:mod:`corpus_tools.cli.flag`)."""

from __future__ import annotations

import math
from typing import Any

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    check_engine_options,
    emit,
    engine_options,
    fail,
    finish,
    format_option,
    input_options,
    load_inputs,
    render_table,
    require_documents,
    resolve_format,
    stream_inputs,
)
from corpus_tools.cli.index import match_options, memory_options, option_overrides
from corpus_tools.errors import CorpusToolsError, OutputError

__all__ = ["dedup_command", "dedup_json", "duplicate_groups"]


@click.command("dedup")
@input_options
@match_options
@memory_options
@format_option()
@engine_options
@click.option(
    "--group-duplicates",
    "group_duplicates",
    is_flag=True,
    default=False,
    help="Report each group of identical texts once: 'duplicates' lists the groups (first "
    "doc_id: the group's representative) and the pairs keep only the representative "
    "(a member's pairs with other documents have the representative's figures).",
)
def dedup_command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    threshold: float | None,
    containment: float | None,
    partial: float | None,
    max_memory: int | None,
    max_pairs_per_doc: int | None,
    fmt: str | None,
    engine: str,
    scheduler: str | None,
    group_duplicates: bool = False,
) -> None:
    """Find duplicate, near-duplicate, contained and partly copied documents.

    Prints the pairs (a is the shorter text) and the clusters of mutual copies.
    """
    from corpus_tools.dedup import find_near_duplicates

    check_engine_options(engine, scheduler)
    state = RunState()
    corpus: Any
    if engine == "local":  # a stream: sketches in memory, texts in a temporary file
        corpus = stream_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    else:
        corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    fmt = resolve_format(fmt)
    try:
        result = find_near_duplicates(
            corpus,
            engine=engine,
            scheduler=scheduler,
            keep=None if fmt == "json" else "auto",  # the JSON of the contract has no fields
            **option_overrides(
                threshold=threshold,
                containment=containment,
                partial=partial,
                max_memory=max_memory,
                max_pairs_per_doc=max_pairs_per_doc,
            ),
        )
    except OutputError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    if engine == "local":
        require_documents(corpus)
    _print_dedup(result, fmt, group_duplicates=group_duplicates)
    finish(state)


def _print_dedup(result: Any, fmt: str, *, group_duplicates: bool) -> None:
    """The output of ``dedup``: pairs and clusters (and the duplicate groups)."""
    groups: list[list[str]] | None = None
    if group_duplicates:
        result, groups = duplicate_groups(result)
    if fmt == "json":
        click.echo(dedup_json(result, groups))
        return
    if fmt != "table":
        data = result.to_json()
        if groups is not None:
            data["duplicates"] = groups
        emit(data, fmt, rows=result.pairs)
        return
    import pandas as pd

    click.echo(render_table(result.pairs))
    listed = result.clusters.groupby("cluster", sort=True)["doc_id"].apply(list)
    for name, members in (
        ("cluster", listed),
        ("duplicates", pd.Series(groups or [], dtype=object)),
    ):
        if len(members):
            click.echo("")
            click.echo(
                render_table(
                    pd.DataFrame(
                        {name: range(len(members)), "size": members.map(len), "documents": members}
                    ),
                    max_width=80,
                )
            )


def duplicate_groups(result: Any) -> tuple[Any, list[list[str]]]:
    """The groups of identical texts of a dedup result (joined by ``duplicate`` pairs,
    doc_ids sorted, largest group first), and the result with the pairs of every member
    but the first (the representative) left out.

    A member's text is the representative's once folded, so its pairs with other
    documents have the same figures; pairs inside a group are all duplicates (1.0).
    """
    from corpus_tools.dedup import DedupResult, connected_components

    pairs = result.pairs
    dup = pairs[pairs["relation"] == "duplicate"]
    ids = sorted(set(dup["a"]) | set(dup["b"]))
    pos = {d: k for k, d in enumerate(ids)}
    edges = [[pos[a], pos[b]] for a, b in zip(dup["a"], dup["b"], strict=True)]
    labels = connected_components(len(ids), edges).tolist()
    members: dict[int, list[str]] = {}
    for d, lab in zip(ids, labels, strict=True):
        members.setdefault(lab, []).append(d)
    groups = sorted(members.values(), key=lambda g: (-len(g), g[0]))
    others = {d for g in groups for d in g[1:]}
    keep = ~(pairs["a"].isin(others) | pairs["b"].isin(others))
    return DedupResult(pairs[keep].reset_index(drop=True), result.clusters), groups


_PAIR = (
    '    {\n      "a": %s,\n      "b": %s,\n      "similarity": %s,\n      "containment": %s,'
    '\n      "relation": %s,\n      "copy_ratio": %s\n    }'
)


def _number(value: float) -> str:
    """A float as ``json.dumps`` writes it (NaN and infinities as null, as ``dumps`` does)."""
    return "null" if math.isnan(value) or math.isinf(value) else float.__repr__(value)


def dedup_json(result: Any, duplicates: list[list[str]] | None = None) -> str:
    """``dumps(result.to_json())`` byte for byte, written directly: the indenting encoder
    of the json module is pure Python and took seconds on a job with 50k pairs. With
    ``duplicates`` (:func:`duplicate_groups`), a third key lists them."""
    from json.encoder import encode_basestring as quote

    rows = result.rows()
    figures = [
        [_number(round(float(v), 4)) for v in column]
        for column in (rows.similarity, rows.containment, rows.copy_ratio)
    ]
    lines = [
        _PAIR % (quote(str(a)), quote(str(b)), sim, cont, quote(str(rel)), ratio)
        for a, b, rel, sim, cont, ratio in zip(rows.a, rows.b, rows.relation, *figures, strict=True)
    ]
    clusters = rows.clusters
    text = (
        '{\n  "pairs": '
        + ("[\n" + ",\n".join(lines) + "\n  ]" if lines else "[]")
        + ',\n  "clusters": '
        + _id_lists(clusters, quote)
    )
    if duplicates is not None:
        text += ',\n  "duplicates": ' + _id_lists(duplicates, quote)
    return text + "\n}"


def _id_lists(lists: list[list[str]], quote: Any) -> str:
    """A list of lists of doc_ids, indented as ``dumps`` does at the second level."""
    if not lists:
        return "[]"
    inner = [
        "    [\n" + ",\n".join("      " + quote(str(d)) for d in ids) + "\n    ]" for ids in lists
    ]
    return "[\n" + ",\n".join(inner) + "\n  ]"
