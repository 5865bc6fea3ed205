"""``corpus-tools index build|add|check|repair``, and the options every command that matches
documents shares (``dedup``, ``index``, ``flag``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    dumps,
    fail,
    finish,
    format_option,
    input_options,
    render_table,
    require_documents,
    resolve_format,
    stream_inputs,
)
from corpus_tools.errors import CorpusToolsError, IndexFormatError, OutputError

__all__ = [
    "index_group",
    "load_index",
    "match_options",
    "memory_options",
    "option_overrides",
    "role_options",
    "wait_option",
]


def match_options(func: Any) -> Any:
    """Options shared by every command that matches documents."""
    func = click.option(
        "--partial",
        type=click.FloatRange(0, 1),
        default=None,
        help="Share copied (aligned passages) that makes a partial copy [default: 0.3].",
    )(func)
    func = click.option(
        "--containment",
        type=click.FloatRange(0, 1),
        default=None,
        help="Share of the shorter text found in the longer that makes it 'contained' "
        "[default: 0.8].",
    )(func)
    func = click.option(
        "--threshold",
        type=click.FloatRange(0, 1),
        default=None,
        help="Jaccard similarity that makes a near-duplicate [default: 0.5].",
    )(func)
    return func


def wait_option(func: Any) -> Any:
    """How long a writer waits for another process writing the same index."""
    return click.option(
        "--wait",
        "wait",
        type=click.FloatRange(0),
        default=60.0,
        show_default=True,
        metavar="SECONDS",
        help="How long to wait for another process writing the index before giving up.",
    )(func)


def role_options(func: Any) -> Any:
    """What the documents added are: their role and the field naming their unit."""
    func = click.option(
        "--unit-field",
        "unit_field",
        default=None,
        metavar="FIELD",
        help="Metadata field naming each document's unit (county, bureau): 'flag "
        "--unit-field FIELD' then reports a submission's matches with its own unit's "
        "documents as recycled drafts.",
    )(func)
    return click.option(
        "--role",
        type=click.Choice(["peer", "reference"]),
        default="peer",
        show_default=True,
        help="reference: documents submissions may quote (central documents, national "
        "reports; a passage found in one is quoted, not copied); peer: any other.",
    )(func)


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    from corpus_tools.dedup.config import parse_size

    if value is None:
        return None
    try:
        return parse_size(value)
    except CorpusToolsError:
        raise click.BadParameter(f"a size such as 4G, 512M or 0, not {value!r}") from None


def memory_options(func: Any) -> Any:
    """The memory budget and the cap on candidate pairs (dedup, index build)."""
    func = click.option(
        "--max-pairs-per-doc",
        type=click.IntRange(0),
        default=None,
        help="Most candidate pairs a document keeps with later documents (its strongest); "
        "a warning names the documents capped [default: 200; 0: no cap].",
    )(func)
    func = click.option(
        "--max-memory",
        callback=_size,
        default=None,
        metavar="SIZE",
        help="Memory for making candidate pairs at a time, e.g. 2G or 512M (the sketches, "
        "about 1.5 KB per document, come on top) [default: an eighth of RAM, 256M to 2G].",
    )(func)
    return func


def option_overrides(**values: Any) -> dict[str, Any]:
    """The options given (not None), as keywords of :class:`corpus_tools.dedup.DedupConfig`."""
    return {k: v for k, v in values.items() if v is not None}


@click.group("index")
def index_group() -> None:
    """Build or extend a persistent index for 'flag'."""


@index_group.command("build")
@input_options
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=str),
    help="Directory to write the index to.",
)
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="Write the index into a folder that holds other files (they are left as they are).",
)
@role_options
@match_options
@memory_options
@wait_option
@format_option(formats=("table", "json"))
def build_command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    output: str,
    force: bool,
    role: str,
    unit_field: str | None,
    threshold: float | None,
    containment: float | None,
    partial: float | None,
    max_memory: int | None,
    max_pairs_per_doc: int | None,
    wait: float,
    fmt: str | None,
) -> None:
    """Index documents so that 'flag --index DIR' can match submissions against them.

    DIR is replaced if it holds an index; a folder of other files is refused unless
    --force (the index is then written beside them, none of them changed or removed).
    """
    from corpus_tools.dedup import DedupIndex

    _check_output(output, force)
    state = RunState()
    corpus = stream_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    try:
        index = DedupIndex(
            spill_dir=_spill_dir(output),
            **option_overrides(
                threshold=threshold,
                containment=containment,
                partial=partial,
                max_memory=max_memory,
                max_pairs_per_doc=max_pairs_per_doc,
            ),
        ).build(corpus, role=role, unit_field=unit_field)
        require_documents(corpus)
        index.save(output, timeout=wait, force=force)
    except OutputError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    _summary(index, output, corpus.documents, fmt)
    finish(state)


def _check_output(output: str, force: bool) -> None:
    """Refuse a folder of other files before the inputs are read (the save checks again)."""
    from corpus_tools.dedup.store import check_target

    try:
        check_target(Path(output), force=force)
    except OutputError as exc:
        fail(f"cannot write the index: {exc}", ExitCode.NOTHING)


def _spill_dir(output: str) -> str:
    """Texts of a large corpus wait beside the index (one file system: a rename on save)."""
    parent = Path(output).absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create {parent}: {exc.strerror or exc}", ExitCode.NOTHING)
    return str(parent)


@index_group.command("add")
@click.argument("index_dir", type=click.Path(path_type=str))
@input_options
@role_options
@wait_option
@format_option(formats=("table", "json"))
def add_command(
    *,
    index_dir: str,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    role: str,
    unit_field: str | None,
    wait: float,
    fmt: str | None,
) -> None:
    """Add documents to the index in INDEX_DIR without rebuilding it.

    Several processes may add to one index: each waits for the one writing (--wait), then
    adds to what that one saved.
    """
    from corpus_tools.dedup import DedupIndex
    from corpus_tools.dedup.store import MANIFEST

    state = RunState()
    if not (Path(index_dir) / MANIFEST).is_file():
        load_index(index_dir)  # says why it is no index (before a lock file is made there)
    corpus = stream_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    try:
        # held from load to save: no other writer saves in between, so none is lost
        with DedupIndex.lock(index_dir, timeout=wait):
            index = load_index(index_dir)
            index.spill_dir = index_dir  # texts wait inside the index, cleaned up if we die
            index.add(corpus, role=role, unit_field=unit_field)
            require_documents(corpus)
            index.save(index_dir, timeout=wait)
    except IndexFormatError as exc:  # (a file found damaged when the add read it whole)
        fail(f"cannot use the index: {exc}", ExitCode.NOTHING)
    except OutputError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    _summary(index, index_dir, corpus.documents, fmt)
    finish(state)


@index_group.command("check")
@click.argument("index_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@format_option(formats=("table", "json"))
def check_command(*, index_dir: str, fmt: str | None) -> None:
    """Verify every checksum of the index in INDEX_DIR and say what is damaged.

    Exit status 0 when every file and text is intact, 4 when something is damaged.
    """
    from corpus_tools.dedup import check_index

    try:
        found = check_index(index_dir)
    except IndexFormatError as exc:
        fail(f"cannot use the index: {exc}", ExitCode.NOTHING)
    _print_check(found.to_json(), fmt)
    if not found.ok:
        fail(
            f"index {index_dir} is damaged; 'corpus-tools index repair {index_dir}' drops "
            "what cannot be read and names the documents to add again",
            ExitCode.NOTHING,
        )
    sys.exit(int(ExitCode.OK))


@index_group.command("repair")
@click.argument("index_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@wait_option
@format_option(formats=("table", "json"))
def repair_command(*, index_dir: str, wait: float, fmt: str | None) -> None:
    """Repair the index in INDEX_DIR: drop the documents whose stored text is damaged,
    recompute damaged search files from the texts, remove what crashed writers left.

    Exit status 0 when no document was lost, 4 (with their list) when documents were
    dropped and must be added again.
    """
    from corpus_tools.dedup import repair_index

    try:
        done = repair_index(index_dir, timeout=wait)
    except (IndexFormatError, OutputError) as exc:
        fail(f"cannot repair the index: {exc}", ExitCode.NOTHING)
    _print_check(done.to_json(), fmt)
    if done.dropped:
        fail(
            f"{len(done.dropped)} document(s) were dropped from {index_dir} and must be added "
            f"again: {', '.join(done.dropped)}",
            ExitCode.NOTHING,
        )
    sys.exit(int(ExitCode.OK))


def _print_check(data: dict[str, Any], fmt: str | None) -> None:
    import pandas as pd

    if resolve_format(fmt) == "json":
        click.echo(dumps(data))
        return
    summary = {k: v for k, v in data.items() if not isinstance(v, list)}
    click.echo(render_table(pd.DataFrame([summary])))
    if data["damaged"]:
        rows = [
            {"file": d["file"], "reason": d["reason"], "documents": len(d["documents"])}
            for d in data["damaged"]
        ]
        click.echo("\nDamaged:")
        click.echo(render_table(pd.DataFrame(rows), max_width=60))


def load_index(path: str) -> Any:
    from corpus_tools.dedup import DedupIndex

    try:
        return DedupIndex.load(path)
    except IndexFormatError as exc:
        fail(f"cannot use the index: {exc}", ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    return None  # pragma: no cover - fail() exits


def _summary(index: Any, output: str, added: int, fmt: str | None) -> None:
    import pandas as pd

    sizes = index.nbytes()
    data = {
        "index": output,
        "documents": len(index),
        "added": added,
        "search_bytes": sizes["search"],
        "text_bytes": sizes["texts"],
        "search_bytes_per_document": round(sizes["search"] / max(len(index), 1), 1),
    }
    if resolve_format(fmt) == "json":
        click.echo(dumps(data))
    else:
        click.echo(render_table(pd.DataFrame([data])))
