"""``corpus-tools dedup``, ``corpus-tools index build|add|check|repair`` and ``corpus-tools flag``."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    check_engine_options,
    dumps,
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
from corpus_tools.errors import CorpusToolsError, IndexFormatError, OutputError

if TYPE_CHECKING:
    import pandas as pd


def _match_options(func: Any) -> Any:
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


def _wait_option(func: Any) -> Any:
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


def _role_options(func: Any) -> Any:
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


def _memory_options(func: Any) -> Any:
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


def _overrides(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@click.command("dedup")
@input_options
@_match_options
@_memory_options
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
    try:
        result = find_near_duplicates(
            corpus,
            engine=engine,
            scheduler=scheduler,
            **_overrides(
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
    _print_dedup(result, resolve_format(fmt), group_duplicates=group_duplicates)
    finish(state)


def _print_dedup(result: Any, fmt: str, *, group_duplicates: bool) -> None:
    """The output of ``dedup``: pairs and clusters (and the duplicate groups)."""
    import pandas as pd

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

    pairs = result.pairs
    figures = [
        [_number(round(float(v), 4)) for v in pairs[col].tolist()]
        for col in ("similarity", "containment", "copy_ratio")
    ]
    rows = [
        _PAIR % (quote(str(a)), quote(str(b)), sim, cont, quote(str(rel)), ratio)
        for a, b, rel, sim, cont, ratio in zip(
            pairs["a"].tolist(),
            pairs["b"].tolist(),
            pairs["relation"].tolist(),
            *figures,
            strict=True,
        )
    ]
    clusters = result.clusters.groupby("cluster", sort=True)["doc_id"].apply(list).tolist()
    text = (
        '{\n  "pairs": '
        + ("[\n" + ",\n".join(rows) + "\n  ]" if rows else "[]")
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
@_role_options
@_match_options
@_memory_options
@_wait_option
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
            **_overrides(
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
@_role_options
@_wait_option
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
        _load_index(index_dir)  # says why it is no index (before a lock file is made there)
    corpus = stream_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    try:
        # held from load to save: no other writer saves in between, so none is lost
        with DedupIndex.lock(index_dir, timeout=wait):
            index = _load_index(index_dir)
            index.spill_dir = index_dir  # texts wait inside the index, cleaned up if we die
            index.add(corpus, role=role, unit_field=unit_field)
            require_documents(corpus)
            index.save(index_dir, timeout=wait)
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
@_wait_option
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


def _load_index(path: str) -> Any:
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


class _AgainstCommand(click.Command):
    """Lets ``--against`` and ``--reference`` take several paths:
    ``flag SUB... --against A B C --reference N``."""

    GREEDY = ("--against", "--reference")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        greedy: str | None = None
        taken = 0
        for arg in [*args, "--"]:
            if greedy and taken == 0 and (arg.startswith("-") and arg != "-"):
                raise click.UsageError(f"Option '{greedy}' requires one or more paths.", ctx)
            if arg in self.GREEDY:
                greedy, taken = arg, 0
            elif arg == "--" and greedy:
                greedy = None
            elif arg.startswith("-") and arg != "-":
                greedy = None
                out.append(arg)
            elif greedy:
                out.extend([greedy, arg])
                taken += 1
            else:
                out.append(arg)
        if out and out[-1] == "--":
            out.pop()
        return super().parse_args(ctx, out)


@click.command("flag", cls=_AgainstCommand)
@input_options
@click.option(
    "--index",
    "index_dir",
    type=click.Path(exists=True, path_type=str),
    default=None,
    help="Directory of an index built with 'corpus-tools index build'.",
)
@click.option(
    "--against",
    multiple=True,
    type=click.Path(path_type=str),
    help="Held documents to match against (files or folders; several may follow).",
)
@click.option(
    "--reference",
    multiple=True,
    type=click.Path(path_type=str),
    help="Held documents that may be quoted, beside --against (several may follow): a "
    "passage found in one counts as quoted, not copied.",
)
@click.option(
    "--unit-field",
    "unit_field",
    default=None,
    metavar="FIELD",
    help="Metadata field naming the unit of each submission and held document: matches "
    "with the same unit's documents are recycled drafts, not copying.",
)
@click.option(
    "--place",
    default=None,
    metavar="P",
    help="The submissions' own place (贵州省, 遵义市湄潭县, a division code): names of other "
    "places left in copied passages are residue [default: inferred from each text].",
)
@click.option(
    "--place-field",
    "place_field",
    default=None,
    metavar="FIELD",
    help="Metadata field naming each submission's place (inferred where empty).",
)
@click.option(
    "--html",
    "html_out",
    default=None,
    metavar="OUT.html",
    type=click.Path(dir_okay=False, path_type=str),
    help="Also write a self-contained page for a reviewer: verdicts, sections, sources, "
    "residue and the copied passages side by side.",
)
@_match_options
@format_option(formats=("table", "json"))
def flag_command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    index_dir: str | None,
    against: tuple[str, ...],
    reference: tuple[str, ...],
    unit_field: str | None,
    place: str | None,
    place_field: str | None,
    html_out: str | None,
    threshold: float | None,
    containment: float | None,
    partial: float | None,
    fmt: str | None,
) -> None:
    """Flag submissions that copy documents already held (exit status 1 when any is).

    Give the held documents either as an index (--index DIR) or as files (--against
    PATH..., with --reference PATH... for those that may be quoted). Only copying from
    peers flags: quotation of references and a unit's own earlier drafts (--unit-field)
    are reported apart. Residue (unfilled blanks, names of another place than --place)
    is listed as evidence; --html writes a page a reviewer can read and forward.
    """
    if place is not None and place_field is not None:
        fail("give at most one of --place and --place-field", ExitCode.USAGE)
    if (index_dir is None) == (not against and not reference) or (index_dir and reference):
        fail(
            "give exactly one of --index DIR or --against PATH... [--reference PATH...] "
            "(an index holds its references: 'index add DIR PATH... --role reference')",
            ExitCode.USAGE,
        )
    state = RunState()
    submissions = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    overrides = _overrides(threshold=threshold, containment=containment, partial=partial)
    if index_dir is not None:
        index = _load_index(index_dir)
        if overrides:
            index.set_options(**overrides)
    else:
        index = _index_against(
            against,
            reference,
            state,
            split=split,
            id_field=id_field,
            text_field=text_field,
            unit_field=unit_field,
            overrides=overrides,
        )
    try:
        report = index.flag(
            submissions, unit_field=unit_field, place=place, place_field=place_field
        )
    except IndexFormatError as exc:
        fail(f"cannot use the index: {exc}", ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    if html_out is not None:
        _write_flag_html(report, submissions, html_out)
    fmt = resolve_format(fmt)
    if fmt == "json":
        click.echo(dumps(report.to_json()))
    else:
        _print_flag_tables(report, submissions)
    code = ExitCode.FLAGGED if report.flagged else ExitCode.OK
    if state.errors and code == ExitCode.FLAGGED:
        click.echo(f"corpus-tools: {state.errors} input(s) could not be read (see above)", err=True)
    finish(state, code)


def _write_flag_html(report: Any, submissions: pd.DataFrame, path: str) -> None:
    """The reviewer's page (``--html``), written atomically; said on stderr."""
    from corpus_tools.present.evidence import write_flag_html

    try:
        out = write_flag_html(report, path, texts=submissions)
    except OutputError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    click.echo(f"wrote {out}", err=True)


def _index_against(
    against: tuple[str, ...],
    reference: tuple[str, ...],
    state: RunState,
    *,
    split: str | None,
    id_field: str,
    text_field: str,
    unit_field: str | None,
    overrides: dict[str, Any],
) -> Any:
    """An index in memory of the --against (peer) and --reference documents."""
    from corpus_tools.dedup import DedupIndex

    index = DedupIndex(**overrides)
    for paths, role in ((against, "peer"), (reference, "reference")):
        if not paths:
            continue
        held_state = RunState()
        held = stream_inputs(
            paths, held_state, split=split, id_field=id_field, text_field=text_field
        )
        try:
            index.add(held, role=role, unit_field=unit_field if role == "peer" else None)
        except OutputError as exc:
            fail(str(exc), ExitCode.NOTHING)
        except CorpusToolsError as exc:
            fail(str(exc), ExitCode.USAGE)
        require_documents(held)
        state.errors += held_state.errors
    return index


def _print_flag_tables(report: Any, submissions: pd.DataFrame) -> None:
    """For a person: the verdicts, then what matched and where."""
    import pandas as pd

    subs = report.submissions.assign(
        flagged=report.submissions["flagged"].map({True: "FLAGGED", False: "-"}),
        # a submission that matched nothing has no largest source: say so, not "None"
        largest_source=report.submissions["largest_source"].map(lambda v: _shown(v, "(no source)")),
    )
    click.echo(
        render_table(
            subs[
                [
                    "submission",
                    "flagged",
                    "copy_ratio",
                    "quoted_ratio",
                    "recycled_ratio",
                    "largest_source",
                    "largest_source_ratio",
                    "matches",
                    "residue",
                ]
            ]
        )
    )
    if len(report.passages):
        texts = dict(zip(submissions["doc_id"].astype(str), submissions["text"], strict=True))
        rows = []
        for p in report.passages.itertuples(index=False):
            text = texts.get(p.submission, "")
            line = text.count("\n", 0, p.submission_start) + 1
            rows.append(
                {
                    "submission": p.submission,
                    "line": line,
                    "submission_span": f"{p.submission_start}-{p.submission_end}",
                    "doc_id": p.doc_id,
                    "role": "recycled" if p.recycled else p.role,
                    "match_span": f"{p.match_start}-{p.match_end}",
                    "chars": p.chars,
                    "passage": p.text,
                }
            )
        click.echo("\nCopied passages:")
        click.echo(render_table(pd.DataFrame(rows), max_width=40))
    secs = report.sections
    matched = secs[(secs["copied_chars"] + secs["quoted_chars"] + secs["recycled_chars"]) > 0]
    if len(matched):
        click.echo("\nSections with matched text:")
        columns = ["submission", "heading", "start", "end", "chars", "copy_ratio", "quoted_ratio"]
        click.echo(render_table(matched[[*columns, "recycled_ratio"]], max_width=30))
    if len(report.residue):
        click.echo(
            "\nResidue (unfilled placeholders, names of another place; certain when inside a "
            "passage copied from a source):"
        )
        columns = ["submission", "start", "end", "text", "kind", "belongs_to", "certainty"]
        residue = report.residue[[*columns, "source_doc_id"]]
        # a blank belongs to no place, and a mark outside a copied passage has no source
        residue = residue.assign(
            belongs_to=residue["belongs_to"].map(lambda v: _shown(v, "-")),
            source_doc_id=residue["source_doc_id"].map(lambda v: _shown(v, "-")),
        )
        click.echo(render_table(residue, max_width=30))


def _shown(value: Any, missing: str) -> Any:
    """``value`` for the flag tables, ``missing`` in place of None/NaN (not "None")."""
    import pandas as pd

    return missing if pd.isna(value) else value
