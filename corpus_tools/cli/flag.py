"""``corpus-tools flag``: submissions against an index (``--index DIR``) or held files
(``--against PATH...``).

Kept apart from ``dedup`` so that a flag run imports neither the engines nor the
dedup command's options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    allow_quick_exit,
    dumps,
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
from corpus_tools.cli.index import load_index, match_options, option_overrides
from corpus_tools.errors import CorpusToolsError, IndexFormatError, OutputError

if TYPE_CHECKING:
    pass

__all__ = ["flag_command"]


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
@match_options
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
    options = {"split": split, "id_field": id_field, "text_field": text_field}
    submissions = _read_submissions(
        paths, state, plain=unit_field is place_field is None, **options
    )
    overrides = option_overrides(threshold=threshold, containment=containment, partial=partial)
    if index_dir is not None:
        index = load_index(index_dir)
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
    if index_dir is not None and html_out is None and fmt == "json":
        allow_quick_exit()  # (an index is read, never written: no temporary file)
    if state.errors and code == ExitCode.FLAGGED:
        click.echo(f"corpus-tools: {state.errors} input(s) could not be read (see above)", err=True)
    finish(state, code)


def _read_submissions(
    paths: tuple[str, ...], state: RunState, *, plain: bool, **options: Any
) -> Any:
    """The submissions: with ``plain`` (no metadata field needed) as ``{doc_id: text}``
    (the ids the corpus table would give them; no table, no pandas), else as the corpus
    table. Each unreadable input is named on stderr; exit 4 when none is readable."""
    if not plain:
        return load_inputs(paths, state, **options)
    stream = stream_inputs(paths, state, **options)
    texts: dict[str, str] = {}
    for chunk in stream.text_chunks():
        texts.update(zip(chunk.ids, chunk.texts, strict=True))
    require_documents(stream)
    return texts


def _texts_of(submissions: Any) -> dict[str, str]:
    """``{doc_id: text}`` of the submissions (a dict already, or a corpus table)."""
    if isinstance(submissions, dict):
        return submissions
    return dict(zip(submissions["doc_id"].astype(str), submissions["text"], strict=True))


def _write_flag_html(report: Any, submissions: Any, path: str) -> None:
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


def _print_flag_tables(report: Any, submissions: Any) -> None:
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
        texts = _texts_of(submissions)
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
