"""``corpus-tools keywords PATH... -o OUT.(parquet|csv|xlsx) [--by FIELD]...``: keyword tables.

Writes one table (atomically, parquet, CSV or Excel by extension) and prints a summary:

* default: the keyword frequency table (:func:`corpus_tools.keywords.keyword_table`);
* ``--keyness FIELD``: rising and falling terms per group of FIELD
  (:func:`corpus_tools.keywords.keyness`);
* ``--kwic TERM``: a concordance with offsets (:func:`corpus_tools.keywords.kwic`);
* ``--terms-from formulas``: the corpus's formulas counted per group
  (:func:`corpus_tools.keywords.formula_table`), or with ``--kwic`` their contexts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

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
    require_documents,
    resolve_format,
    segmentation_options,
    stream_inputs,
    table_output_path,
    write_output_table,
)
from corpus_tools.cli.copies import distinct_documents, unique_option
from corpus_tools.errors import InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

    from corpus_tools.io import CorpusStream

#: Rows of the table printed after the summary on a terminal.
PREVIEW_ROWS = 10


def _read_words(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read word list {path}: {exc}", ExitCode.USAGE)
    return []  # pragma: no cover - fail exits


@click.command("keywords")
@input_options
@click.option(
    "-o",
    "--output",
    required=True,
    callback=table_output_path,
    help="Table to write: OUT.parquet, OUT.csv or OUT.xlsx (written atomically).",
)
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="FIELD",
    help="Group by a metadata field (repeat: --by year --by province).",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=None,
    help="Drop terms rarer than this in a group [table: 1, keyness: 5].",
)
@click.option(
    "--top",
    "top",
    type=click.IntRange(min=1),
    default=None,
    help="Keep the N most frequent terms per group (keyness: N rising + N falling; "
    "--terms-from formulas: the N most widespread formulas).",
)
@click.option(
    "--min-length",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Shortest term, in characters.",
)
@click.option("--numbers", is_flag=True, help="Count numbers (2025, 10) as terms.")
@click.option("--keep-stopwords", is_flag=True, help="Do not remove the genre's stopwords.")
@click.option(
    "--stopwords",
    "stopword_files",
    multiple=True,
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="Extra stopwords, one per line (repeatable).",
)
@click.option(
    "--strip-boilerplate",
    is_flag=True,
    help="Remove boilerplate passages before counting (table and --keyness).",
)
@click.option(
    "--mine-slogans",
    is_flag=True,
    help="Also keep whole the numeric slogans mined from these documents (e.g. 五星三联).",
)
@click.option(
    "--keyness",
    "keyness_field",
    metavar="FIELD",
    default=None,
    help="Write the keyness table of FIELD's groups instead (log-likelihood).",
)
@click.option(
    "--target",
    default=None,
    metavar="VALUE",
    help="--keyness: only this group (default: every group).",
)
@click.option(
    "--reference",
    default=None,
    metavar="VALUE",
    help="--keyness: compare with this group (default: the rest of the corpus).",
)
@click.option(
    "--max-p",
    type=click.FloatRange(0, 1),
    default=1.0,
    show_default=True,
    help="--keyness: keep terms with p-value at most this.",
)
@click.option(
    "--kwic",
    "kwic_terms",
    multiple=True,
    is_flag=False,
    flag_value="",
    metavar="TERM",
    help="Write a keyword-in-context table of TERM instead (repeatable); with "
    "--terms-from formulas, TERM is matched as formulas are, and --kwic alone shows the "
    "formulas found.",
)
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="--kwic: characters of context on each side.",
)
@click.option(
    "--substring", is_flag=True, help="--kwic: every occurrence in the text, not only whole tokens."
)
@click.option(
    "--terms-from",
    type=click.Choice(["formulas"]),
    default=None,
    help="Count the corpus's formulas (as `corpus-tools formulas` finds them) instead of "
    "keywords, on the folded text they are matched in: one row per group and formula.",
)
@click.option(
    "--min-docs",
    type=click.IntRange(min=2),
    default=None,
    help="--terms-from formulas: a formula occurs in at least this many documents [3].",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=2),
    default=None,
    help="--terms-from formulas: shortest formula, in characters [8].",
)
@segmentation_options
@engine_options
@unique_option
@format_option()
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    output: str,
    by: tuple[str, ...],
    min_count: int | None,
    top: int | None,
    min_length: int,
    numbers: bool,
    keep_stopwords: bool,
    stopword_files: tuple[str, ...],
    lexicons: tuple[str, ...],
    strip_boilerplate: bool,
    mine_slogans: bool,
    keyness_field: str | None,
    target: str | None,
    reference: str | None,
    max_p: float,
    kwic_terms: tuple[str, ...],
    window: int,
    substring: bool,
    terms_from: str | None,
    min_docs: int | None,
    min_chars: int | None,
    no_cache: bool,
    n_jobs: int | None,
    engine: str,
    scheduler: str | None,
    unique: bool,
    fmt: str | None,
) -> None:
    """Write a keyword frequency table of PATH... to OUT (.parquet, .csv or .xlsx).

    Columns: the --by fields, term, count, doc_freq, docs, rate_per_10k, tfidf.
    Slogans (两个确立) and placeholders (XX) are counted whole; segmentation is cached,
    so a rerun, or a corpus with new documents, only segments what is new.

    \b
    Examples:
      corpus-tools keywords corpus.jsonl -o data/processed/keywords.parquet --by year --top 100
      corpus-tools keywords corpus.jsonl -o keyness.csv --keyness year --target 2026
      corpus-tools keywords data/raw -o kwic.csv --kwic 两个确立 --window 30
      corpus-tools keywords news.jsonl -o trend.csv --terms-from formulas --by year --top 50
      corpus-tools keywords news.jsonl -o kwic.csv --terms-from formulas --top 10 --kwic
    """
    mode = _mode(keyness_field, kwic_terms, target, reference)
    check_engine_options(engine, scheduler)
    state = RunState()
    if terms_from is not None or min_docs is not None or min_chars is not None:
        refused = {
            "--keyness": keyness_field is not None,
            "--substring": substring,
            "--strip-boilerplate": strip_boilerplate,
            "--mine-slogans": mine_slogans,
            "--engine dask": engine != "local",
            "--numbers": numbers,
            "--keep-stopwords": keep_stopwords,
            "--stopwords": bool(stopword_files),
            "--lexicon": bool(lexicons),
            "--unique": unique,
        }
        _formulas_command(
            _FormulaOptions(
                paths,
                split,
                id_field,
                text_field,
                output,
                by,
                top,
                min_count,
                kwic_terms,
                window,
                terms_from,
                min_docs,
                min_chars,
                fmt,
            ),
            refused,
            state,
        )
        return
    if any(t == "" for t in kwic_terms):
        fail("--kwic needs a TERM (or --terms-from formulas: the formulas found)", ExitCode.USAGE)
    # counting streams the corpus (a chunk in memory at a time) unless an option needs it
    # whole; on Dask the whole corpus becomes the tasks, run at once
    # (--unique too: the copies are found among all the documents)
    whole = kwic_terms or strip_boilerplate or mine_slogans or unique
    streamed = engine == "local" and not whole
    docs: Any
    if streamed:
        docs = stream_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    else:
        docs = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
        docs = distinct_documents(docs) if unique else docs
    stopwords = _stopwords(keep_stopwords, stopword_files)
    common: dict[str, Any] = {
        "segmenter": _segmenter(lexicons),
        "mine_slogans": mine_slogans,
        "cache": not no_cache,
        "n_jobs": n_jobs,
        "progress": None,
    }
    counting: dict[str, Any] = {
        "stopwords": stopwords,
        "top": top,
        "min_length": min_length,
        "numbers": numbers,
        "strip_boilerplate": strip_boilerplate,
        "engine": engine,
        "scheduler": scheduler,
    }
    if min_count is not None:  # else each function's own default
        counting["min_count"] = min_count
    import pandas as pd

    from corpus_tools import keywords as kw

    compute: Callable[[], Any]
    if mode == "kwic":
        match = "substring" if substring else "token"
        compute = partial(
            kw.kwic,
            docs,
            list(kwic_terms),
            window=window,
            by=list(by) or None,
            match=match,
            **common,
        )
    elif mode == "keyness":
        compute = partial(
            kw.keyness,
            docs,
            by=[str(keyness_field), *by],
            target=target,
            reference=reference,
            max_p=max_p,
            **common,
            **counting,
        )
    elif output.lower().endswith(".parquet"):  # written a frame at a time, as it is made
        from corpus_tools.keywords.table import keyword_rows

        compute = partial(keyword_rows, docs, by=list(by) or None, **common, **counting)
    else:
        compute = partial(kw.keyword_table, docs, by=list(by) or None, **common, **counting)
    result = _compute(compute, docs if streamed else None)
    if isinstance(result, pd.DataFrame):
        table, figures = _write(result, output)
    else:
        table, figures = _write_frames(result, output)
    summary = {"output": output, "table": mode, "rows": figures.pop("written", len(table))}
    summary.update(figures)
    summary["skipped_inputs"] = state.errors
    if mode == "kwic":
        summary["documents"] = len(docs)
        summary["terms"] = len(set(kwic_terms))
    _print(summary, table, fmt)
    finish(state)


def _mode(
    keyness_field: str | None,
    kwic_terms: tuple[str, ...],
    target: str | None,
    reference: str | None,
) -> str:
    """Which table to write (keywords, keyness, kwic); exit 2 on options that do not mix."""
    if keyness_field is not None and kwic_terms:
        fail("choose one of --keyness and --kwic", ExitCode.USAGE)
    if (target is not None or reference is not None) and keyness_field is None:
        fail("--target and --reference need --keyness FIELD", ExitCode.USAGE)
    return "kwic" if kwic_terms else "keyness" if keyness_field else "keywords"


def _stopwords(keep_stopwords: bool, stopword_files: tuple[str, ...]) -> Any:
    """The ``stopwords`` argument: the genre's list (unless --keep-stopwords) plus the
    words of every --stopwords FILE."""
    if not stopword_files:
        return not keep_stopwords
    extra = [w for f in stopword_files for w in _read_words(f)]
    if keep_stopwords:
        return extra
    from corpus_tools.tokens import load_stopwords

    return load_stopwords(extra=extra)


def _segmenter(lexicons: tuple[str, ...]) -> Any:
    """A segmenter with the --lexicon files, or None for the default one."""
    if not lexicons:
        return None
    from corpus_tools.tokens import Segmenter

    return Segmenter(lexicons=tuple(lexicons))


def _compute(compute: Callable[[], Any], stream: CorpusStream | None) -> Any:
    """The table (or its rows); exit 2 on a bad option, 4 when ``stream`` (read during the computation)
    held no readable document."""
    try:
        table = compute()
    except InvalidParameterError as exc:
        if stream is not None:  # no readable document is what went wrong, not the options
            require_documents(stream)
        fail(str(exc), ExitCode.USAGE)
    if stream is not None:
        require_documents(stream)
    return table


def _write(table: pd.DataFrame, output: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Write ``table`` (without its attrs: the file holds the data only) atomically; return
    what was written and the run figures of ``table.attrs["summary"]``. Exit 4 when the
    file cannot be written."""
    import pandas as pd

    figures: dict[str, Any] = dict(table.attrs.get("summary", {}))
    data = pd.DataFrame(table)  # a copy, whose attrs are dropped
    data.attrs = {}
    write_output_table(data, output)  # .parquet, .csv or .xlsx; exits 4 when it cannot
    return data, figures


def _write_frames(rows: Any, output: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Write the keyword table of ``rows`` (:class:`~corpus_tools.keywords.KeywordRows`)
    to the parquet file ``output`` atomically, a frame (one row group) at a time, so that
    memory holds one frame, not the table: the same file as ``DataFrame.to_parquet``
    writes of the whole table. Return the first rows (the preview) and the run figures
    (``written``: the rows written). Exit 4 when the file cannot be written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpus_tools.errors import CorpusToolsError, OutputError
    from corpus_tools.io import atomic_write

    head: pd.DataFrame | None = None
    written = 0
    try:
        with atomic_write(output, "wb") as fh:
            writer: Any = None
            for frame in rows.frames():
                data = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(fh, data.schema, compression="snappy")
                    head = frame.head(PREVIEW_ROWS)
                elif not data.schema.equals(writer.schema, check_metadata=True):
                    data = data.cast(writer.schema)  # (a frame of a by column all missing)
                writer.write_table(data)
                written += len(frame)
            if writer is not None:
                writer.close()
    except OutputError as exc:  # its message names the file: "Cannot write PATH: why."
        fail(str(exc)[:1].lower() + str(exc)[1:], ExitCode.NOTHING)
    except (CorpusToolsError, OSError, pa.ArrowException) as exc:
        fail(f"cannot write {output}: {exc}", ExitCode.NOTHING)
    finally:
        rows.close()
    assert head is not None  # (frames gives one frame at least)
    return head, {**rows.summary(written), "written": written}


def _print(summary: dict[str, Any], table: pd.DataFrame, fmt: str | None) -> None:
    """The summary on stdout: a line and the first rows on a terminal, else one record."""
    import pandas as pd

    resolved = resolve_format(fmt)
    if resolved == "table":
        preview = table.head(PREVIEW_ROWS)
        click.echo(", ".join(f"{k}: {v}" for k, v in summary.items()))
        if not preview.empty:
            emit(summary, resolved, table=preview)
    else:
        emit(summary, resolved, rows=pd.DataFrame([summary]))


class _FormulaOptions(NamedTuple):
    """The options of ``keywords --terms-from formulas``."""

    paths: tuple[str, ...]
    split: str | None
    id_field: str
    text_field: str
    output: str
    by: tuple[str, ...]
    top: int | None
    min_count: int | None
    kwic_terms: tuple[str, ...]
    window: int
    terms_from: str | None
    min_docs: int | None
    min_chars: int | None
    fmt: str | None


def _formulas_command(opts: _FormulaOptions, refused: dict[str, bool], state: RunState) -> None:
    """``--terms-from formulas``: the formulas of the corpus (find_formulas) counted per
    group on their matching text (formula_table), or their contexts (kwic, folded)."""
    import pandas as pd

    if opts.terms_from is None:
        fail("--min-docs and --min-chars need --terms-from formulas", ExitCode.USAGE)
    given = [name for name, on in refused.items() if on]
    if given:
        fail(f"--terms-from formulas does not take {', '.join(given)}", ExitCode.USAGE)
    docs = load_inputs(
        opts.paths, state, split=opts.split, id_field=opts.id_field, text_field=opts.text_field
    )
    from corpus_tools import keywords as kw
    from corpus_tools.formulas import find_formulas

    by = list(opts.by) or None
    options: dict[str, Any] = {"min_docs": opts.min_docs, "min_chars": opts.min_chars}
    options = {k: v for k, v in options.items() if v is not None}  # else find_formulas' own
    compute: Callable[[], pd.DataFrame]
    terms = [t for t in opts.kwic_terms if t]
    if terms:  # the contexts of the terms given, matched as formulas are
        compute = partial(kw.kwic, docs, terms, window=opts.window, by=by, match="folded")
    elif opts.kwic_terms:  # the contexts of the formulas found

        def compute() -> pd.DataFrame:
            found = find_formulas(docs, top=opts.top, progress=None, **options)
            texts = found.formulas["text"].tolist()
            if not texts:  # an empty concordance
                columns = ["doc_id", *(by or []), "term", "start", "end", "left", "right"]
                ints = ("start", "end")
                return pd.DataFrame(
                    {c: pd.Series(dtype="int64" if c in ints else object) for c in columns}
                )
            return kw.kwic(docs, texts, window=opts.window, by=by, match="folded")

    else:
        compute = partial(
            kw.formula_table,
            docs,
            by=by,
            top=opts.top,
            min_count=opts.min_count or 1,
            progress=None,
            **options,
        )
    table, figures = _write(_compute(compute, None), opts.output)
    mode = "kwic" if opts.kwic_terms else "formulas"
    summary = {"output": opts.output, "table": mode, "rows": len(table), **figures}
    summary["skipped_inputs"] = state.errors
    if mode == "kwic":
        summary["documents"] = len(docs)
        summary["terms"] = int(table["term"].nunique()) if len(table) else 0
    _print(summary, table, opts.fmt)
    finish(state)
