"""What every command shares: input options, loading with error reporting, output formats.

A command module defines one click command (or group) and uses:

* ``@input_options`` for ``PATH...``, ``--split``, ``--id-field``, ``--text-field``,
  ``--include GLOB``, ``--exclude GLOB`` (these two, and ``--debug``, reach
  :func:`load_inputs` through the click context, so a command's signature does not list them);
* ``@format_option()`` for ``--format`` (and ``--raw-cells`` where ``csv`` is a format);
* ``load_inputs(ctx_state)`` which loads, names every bad input on stderr and returns the
  corpus; it exits 4 when nothing was readable, saying why;
* ``stream_inputs(ctx_state)`` instead, for jobs that take a stream (keywords, dedup,
  index): the corpus is read a chunk at a time; ``require_documents`` exits 4 after the
  pass when nothing was readable;
* ``emit(data, fmt, table=...)`` to print the result (CSV cells that a spreadsheet would
  run as formulas neutralised unless ``--raw-cells``);
* ``write_output_table(frame, path)`` to write an ``-o`` table (``.parquet``, ``.csv`` or
  ``.xlsx``, honouring ``--raw-cells``);
* ``finish(state)`` as the last call, which exits 3 when some inputs were unreadable.

Unexpected errors are caught in :mod:`corpus_tools.cli` (exit 5, one line; the traceback
with ``--debug``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from corpus_tools.errors import (
    CorpusToolsError,
    InvalidParameterError,
    NoDocumentsError,
    OutputError,
)

if TYPE_CHECKING:  # imported where used: ``corpus-tools --help`` pays for none of them
    import pandas as pd

    from corpus_tools.engine import Engine
    from corpus_tools.io import CorpusStream

F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Exit statuses of ../shared/CLI.md."""

    OK = 0
    FLAGGED = 1
    USAGE = 2
    PARTIAL = 3
    NOTHING = 4
    INTERNAL = 5


FORMATS = ("table", "json", "jsonl", "csv")


@dataclass
class RunState:
    """What a command learnt while loading: how many inputs failed."""

    errors: int = 0
    error_rows: list[tuple[str, str]] = field(default_factory=list)

    def skipped(self, path: str, reason: str) -> None:
        """Name an unreadable input on stderr, with its reason, and count it."""
        click.echo(f"corpus-tools: skipped {path}: {reason}", err=True)
        self.errors += 1
        self.error_rows.append((path, reason))


#: Keys of ``click.Context.meta`` (shared by a command and its group) for the options that
#: reach the loading and output helpers without passing through a command's signature.
META_INCLUDE = "corpus_tools.include"
META_EXCLUDE = "corpus_tools.exclude"
META_RAW_CELLS = "corpus_tools.raw_cells"
META_DEBUG = "corpus_tools.debug"


def _to_meta(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value or key not in ctx.meta:
            ctx.meta[key] = value

    return store


def meta(key: str, default: Any = None) -> Any:
    """The value an option stored under ``key`` for the running command (``default`` outside
    a command, as in a library call)."""
    ctx = click.get_current_context(silent=True)
    return default if ctx is None else ctx.meta.get(key, default)


def debug_option(func: F) -> F:
    """``--debug``: on an unexpected error, print the traceback too."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_to_meta(META_DEBUG),
        help="On an unexpected error (exit status 5), print the traceback too.",
    )(func)


def input_options(func: F) -> F:
    """``PATH...`` plus ``--split``, ``--id-field``, ``--text-field``, ``--include``,
    ``--exclude`` and ``--debug``."""
    func = debug_option(func)
    func = click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        expose_value=False,
        callback=_to_meta(META_EXCLUDE),
        help="Leave out the files of folders that match GLOB (matched against the path "
        "relative to the folder and the file name; repeatable).",
    )(func)
    func = click.option(
        "--include",
        multiple=True,
        metavar="GLOB",
        expose_value=False,
        callback=_to_meta(META_INCLUDE),
        help="Read only the files of folders that match GLOB, e.g. '*.jsonl' or '2023/*' "
        "(repeatable). README/SOURCE/LICENSE files beside the reports are read only when "
        "named so.",
    )(func)
    func = click.option(
        "--text-field",
        default="text",
        show_default=True,
        help="Field holding the text in .jsonl/.csv/.parquet records.",
    )(func)
    func = click.option(
        "--id-field",
        default="id",
        show_default=True,
        help="Field holding the document id in .jsonl/.csv/.parquet records.",
    )(func)
    func = click.option(
        "--split",
        type=click.Choice(["lines", "auto"]),
        default=None,
        help="'lines': one document per non-empty line of plain-text files (doc_id PATH:LINE); "
        "'auto': only for files that hold one report per line (lines of 1,000+ characters, "
        "no numbered heading lines).",
    )(func)
    func = click.argument(
        "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str)
    )(func)
    return func


def raw_cells_option(func: F) -> F:
    """``--raw-cells``: write CSV/Excel cells as they are, formula-like or not."""
    return click.option(
        "--raw-cells",
        is_flag=True,
        expose_value=False,
        callback=_to_meta(META_RAW_CELLS),
        help="Write CSV/Excel cells as they are. By default a text cell that a spreadsheet "
        "would run as a formula (=, +, -, @ first) gets a ' in front in CSV (in .xlsx it is "
        "marked as text).",
    )(func)


def format_option(*, formats: Sequence[str] = FORMATS) -> Callable[[F], F]:
    """``--format``: ``table`` on a terminal, ``json`` when piped, unless given (and
    ``--raw-cells`` where ``csv`` is one of the formats)."""

    def deco(func: F) -> F:
        if "csv" in formats:
            func = raw_cells_option(func)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=None,
            help="Output format (default: table on a terminal, json when piped).",
        )(func)

    return deco


def resolve_format(fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


def load_inputs(
    paths: Sequence[str],
    state: RunState,
    *,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Load the inputs (``--include``/``--exclude`` as given), naming each unreadable one on
    stderr; exit 4 if none is readable, saying why."""
    from corpus_tools.io import load_corpus

    try:
        result = load_corpus(
            list(paths),
            split=split,
            id_field=id_field,
            text_field=text_field,
            include=meta(META_INCLUDE, ()),
            exclude=meta(META_EXCLUDE, ()),
            progress=None,
        )
    except NoDocumentsError as exc:
        if not allow_empty:
            _nothing(state, exc.errors, str(exc))
        from corpus_tools.io import load_texts

        for path, reason in [] if exc.errors is None else exc.errors.itertuples(index=False):
            state.skipped(str(path), str(reason))
        return load_texts([])
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    for path, reason in result.errors.itertuples(index=False):
        state.skipped(str(path), str(reason))
    return result.documents


NO_DOCUMENTS = "no readable document in the inputs"


def _nothing(state: RunState, errors: pd.DataFrame | None, why: str) -> None:
    """Name each unreadable input (one line each), then exit 4 with one line saying why
    nothing was read."""
    if errors is not None and len(errors):
        for path, reason in errors.itertuples(index=False):
            state.skipped(str(path), str(reason))
        fail(f"{NO_DOCUMENTS} (each input above could not be read)", ExitCode.NOTHING)
    fail(why[:1].lower() + why[1:], ExitCode.NOTHING)


def stream_inputs(
    paths: Sequence[str],
    state: RunState,
    *,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
) -> CorpusStream:
    """The inputs as a stream of chunks (a corpus larger than memory): each unreadable
    input is named on stderr as it is met. Call :func:`require_documents` after the pass."""
    from corpus_tools.io import stream_corpus

    seen: set[tuple[str, str]] = set()

    def on_error(path: str, reason: str) -> None:
        if (path, reason) in seen:  # a second pass meets the same inputs
            return
        seen.add((path, reason))
        state.skipped(path, reason)

    try:
        stream = stream_corpus(
            list(paths),
            split=split,
            id_field=id_field,
            text_field=text_field,
            include=meta(META_INCLUDE, ()),
            exclude=meta(META_EXCLUDE, ()),
            on_error=on_error,
        )
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    stream.warn_empty = False  # require_documents says it, as an error
    return stream


def require_documents(stream: CorpusStream) -> None:
    """Exit 4 when the pass over ``stream`` met no readable document, saying why."""
    if stream.documents == 0:
        if len(stream.errors):
            fail(f"{NO_DOCUMENTS} (each input above could not be read)", ExitCode.NOTHING)
        why = stream.nothing_found()
        fail(why[:1].lower() + why[1:], ExitCode.NOTHING)


def fail(message: str, code: ExitCode) -> Any:
    """Print ``message`` on stderr and exit with ``code``."""
    click.echo(f"corpus-tools: error: {message}", err=True)
    sys.exit(int(code))


#: Whether the command that ran leaves nothing for the interpreter's teardown (see
#: :func:`allow_quick_exit`).
_TEARDOWN = {"needed": True}


def allow_quick_exit() -> None:
    """Say that the running command leaves nothing for the interpreter's teardown to do: no
    temporary file, thread or open output of its own. The console script
    (:func:`corpus_tools.cli.main`) then flushes standard output and error and ends the
    process at once, without freeing every object one by one (about 0.045 CPU-s of a
    ``flag`` run against a 100k index: its gazetteer and document table), unless some
    library registered an exit handler. A call of ``main([...])`` (tests, scripts) never
    ends its process."""
    _TEARDOWN["needed"] = False


def quick_exit_allowed() -> bool:
    """Whether the command that ran called :func:`allow_quick_exit`."""
    return not _TEARDOWN["needed"]


def finish(state: RunState, code: ExitCode = ExitCode.OK) -> None:
    """Exit 3 when inputs were skipped (unless a stronger code is due), else ``code``."""
    if state.errors and code == ExitCode.OK:
        click.echo(f"corpus-tools: {state.errors} input(s) could not be read (see above)", err=True)
        sys.exit(int(ExitCode.PARTIAL))
    sys.exit(int(code))


# --------------------------------------------------------------------------- output


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    # a pandas value only exists once pandas is imported: printing plain data needs no pandas
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.DataFrame):
        return [_jsonable(r) for r in value.to_dict("records")]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return _jsonable(value.tolist())
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def dumps(data: Any) -> str:
    """Deterministic JSON (keys in the order given, UTF-8 characters kept)."""
    return json.dumps(_jsonable(data), ensure_ascii=False, indent=2)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    out, w = [], 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > width - 1 and w + cw > width:
            out.append("…")
            break
        out.append(ch)
        w += cw
    return "".join(out)


def render_table(frame: pd.DataFrame, *, max_width: int = 48) -> str:
    """An aligned table for a person; wide characters count as two columns."""
    if frame.empty:
        return "(nothing)"
    cols = [str(c) for c in frame.columns]
    rows = [
        [_clip(_cell(v).replace("\n", " "), max_width) for v in row]
        for row in frame.itertuples(index=False)
    ]
    widths = [
        max(display_width(c), *(display_width(r[i]) for r in rows)) for i, c in enumerate(cols)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    return "\n".join([line(cols), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def emit(
    data: Any,
    fmt: str,
    *,
    table: pd.DataFrame | None = None,
    rows: pd.DataFrame | None = None,
) -> None:
    """Print ``data`` as JSON (``json``), ``rows`` as JSON lines/CSV, ``table`` for a person.

    ``rows`` defaults to ``table``; ``table`` defaults to ``rows``.
    """
    import pandas as pd

    from corpus_tools.io.write import for_spreadsheet

    rows = table if rows is None else rows
    table = rows if table is None else table
    if fmt == "json":
        click.echo(dumps(data))
    elif fmt == "jsonl":
        frame = rows if rows is not None else pd.DataFrame(_jsonable(data))
        for rec in frame.to_dict("records"):
            click.echo(json.dumps(_jsonable(rec), ensure_ascii=False))
    elif fmt == "csv":
        frame = rows if rows is not None else pd.DataFrame(_jsonable(data))
        frame = for_spreadsheet(frame, raw_cells=bool(meta(META_RAW_CELLS, False)))
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        click.echo(buf.getvalue(), nl=False)
    else:
        frame = table if table is not None else pd.DataFrame(_jsonable(data))
        click.echo(render_table(frame))


def segmentation_options(func: F) -> F:
    """``--lexicon FILE``, ``--no-cache`` and ``-j/--jobs`` (keywords, topics)."""
    func = click.option(
        "-j",
        "--jobs",
        "n_jobs",
        type=click.IntRange(min=1),
        default=None,
        help=(
            "Worker processes for segmentation; for topics also the threads that fit the k"
            " of a range (default: one per idle core)."
        ),
    )(func)
    func = click.option(
        "--no-cache", is_flag=True, help="Do not read or write the segmentation cache."
    )(func)
    func = click.option(
        "--lexicon",
        "lexicons",
        multiple=True,
        metavar="FILE",
        type=click.Path(exists=True, dir_okay=False),
        help="Extra segmentation lexicon (jieba format; repeatable).",
    )(func)
    return func


def engine_options(func: F) -> F:
    """``--engine local|dask`` and ``--scheduler ADDRESS`` (segment, keywords, dedup);
    :func:`check_engine_options` turns them into an engine."""
    from corpus_tools.engine import ENGINES

    func = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="With --engine dask: a dask.distributed scheduler, e.g. tcp://host:8786 "
        "(default: a local cluster on all cores).",
    )(func)
    func = click.option(
        "--engine",
        type=click.Choice(list(ENGINES)),
        default="local",
        show_default=True,
        help="Where to run: local processes, or a Dask cluster (same output).",
    )(func)
    return func


def check_engine_options(
    engine: str, scheduler: str | None, *, n_jobs: int | None = None
) -> Engine:
    """The engine ``--engine``/``--scheduler`` (and ``--jobs``) name, resolved by
    :func:`corpus_tools.engine.as_engine` as the library resolves ``engine=``; exit 2 when
    --scheduler is given without --engine dask (the only error --engine's choices leave)."""
    from corpus_tools.engine import as_engine

    if scheduler is not None and engine != "dask":
        fail("--scheduler needs --engine dask", ExitCode.USAGE)
    try:
        return as_engine(engine, scheduler=scheduler, n_jobs=n_jobs, func="corpus-tools")
    except InvalidParameterError as exc:
        fail(str(exc), ExitCode.USAGE)
    raise AssertionError("unreachable")  # pragma: no cover - fail() exits


def table_output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: an output table path must end in .parquet, .csv or .xlsx (None passes)."""
    from corpus_tools.io.write import TABLE_SUFFIXES

    if value is not None and Path(value).suffix.lower() not in TABLE_SUFFIXES:
        raise click.BadParameter(
            f"{value!r} must end in .parquet, .csv or .xlsx (the table's format is chosen by "
            "extension)."
        )
    return value


def write_output_table(frame: pd.DataFrame, path: str) -> None:
    """Write an output table (``.parquet``, ``.csv`` or ``.xlsx``, :func:`write_table`),
    honouring ``--raw-cells``; exit 4 when it cannot be written."""
    from corpus_tools.io.write import write_table

    try:
        write_table(frame, path, raw_cells=bool(meta(META_RAW_CELLS, False)))
    except OutputError as exc:  # its message names the file: "Cannot write PATH: why."
        fail(str(exc)[:1].lower() + str(exc)[1:], ExitCode.NOTHING)
    except (CorpusToolsError, OSError) as exc:
        fail(f"cannot write {path}: {exc}", ExitCode.NOTHING)
