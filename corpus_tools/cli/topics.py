"""``corpus-tools topics PATH... [-k K]``: cluster documents by topic.

Calls :func:`corpus_tools.topics.fit_topics` and prints, with ``--format json``::

    {"model", "k", "coherence", "coherence_measure", "converged",
     "topics": [{"topic", "terms": [...], "size", "share", "coherence",
                 "representatives": [{"doc_id", "title", "weight"}]}],
     "documents": [{"doc_id", "title", FIELD, "topic", "weight"}],  # FIELD with --by
     "unassigned": [{"doc_id", "title", "reason"}],   # documents without a topic, and why
     "k_scores": [{"k", "coherence", "chosen"}],      # when -k is not given
     "shares": [{FIELD, "topic", "n_docs", "share"}]}  # with --over/--by FIELD

``--format jsonl``/``csv`` print the document-topic table; ``table`` prints the topics, their
representative documents, the documents without a topic, the k scores and the shares for a
person. ``-o FILE`` also writes the document-topic table (.parquet, .csv or .xlsx,
atomically).
The caveats of the fit (a corpus too small for its topics, documents without a topic, a
model that did not converge) are lines on stderr, one sentence each.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

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
    render_table,
    resolve_format,
    segmentation_options,
    table_output_path,
    write_output_table,
)
from corpus_tools.cli.copies import distinct_documents, unique_option
from corpus_tools.errors import CorpusToolsError, NoDocumentsError

if TYPE_CHECKING:
    from corpus_tools.topics import TopicResult


@click.command("topics")
@input_options
@click.option(
    "-k",
    "--topics",
    "k",
    type=click.IntRange(min=2),
    default=None,
    help="Number of topics (default: chosen by coherence between --k-min and --k-max).",
)
@click.option(
    "--model",
    type=click.Choice(["nmf", "lda", "kmeans"]),
    default="nmf",
    show_default=True,
    help="nmf: NMF on tf-idf (measured best); lda: gensim LDA; kmeans: clustering.",
)
@click.option(
    "--k-min",
    type=click.IntRange(min=2),
    default=4,
    show_default=True,
    help="Smallest k tried when -k is not given.",
)
@click.option(
    "--k-max",
    type=click.IntRange(min=2),
    default=14,
    show_default=True,
    help="Largest k tried when -k is not given.",
)
@click.option(
    "--coherence",
    type=click.Choice(["c_v", "c_npmi", "u_mass"]),
    default="c_v",
    show_default=True,
    help="Coherence measure reported and used to choose k.",
)
@click.option(
    "--terms",
    "n_terms",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Terms listed per topic.",
)
@click.option(
    "--docs",
    "n_docs",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Representative documents listed per topic.",
)
@click.option(
    "--over",
    "--by",
    "by",
    metavar="FIELD",
    default=None,
    help="Topic shares over a metadata field (e.g. year). --by is the same option.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**32 - 1),
    default=0,
    show_default=True,
    help="Random state (lda, kmeans; nmf is deterministic anyway).",
)
@click.option(
    "--keep-boilerplate", is_flag=True, help="Do not remove watermarks and repeated passages first."
)
@click.option(
    "--pair-min-df",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Keep word pairs in at least N documents (default: as words). 3 is about a quarter "
    "faster on long reports, with other topics.",
)
@segmentation_options
@click.option(
    "-o",
    "--output",
    default=None,
    callback=table_output_path,
    help="Also write the document-topic table to OUT.parquet, OUT.csv or OUT.xlsx.",
)
@format_option()
@unique_option
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    k: int | None,
    model: str,
    k_min: int,
    k_max: int,
    coherence: str,
    n_terms: int,
    n_docs: int,
    by: str | None,
    seed: int,
    keep_boilerplate: bool,
    pair_min_df: int | None,
    lexicons: tuple[str, ...],
    no_cache: bool,
    n_jobs: int | None,
    output: str | None,
    fmt: str | None,
    unique: bool,
) -> None:
    """Cluster documents into topics: top terms, representative documents, shares.

    Genre stopwords, boilerplate and over-frequent terms are removed first, so topics are
    themes (整顿软弱涣散, 社区治理) rather than 党建/服务/组织.
    """
    fmt = resolve_format(fmt)
    if k_max < k_min:
        fail(f"--k-max ({k_max}) must be at least --k-min ({k_min}).", ExitCode.USAGE)
    state = RunState()
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    if unique:
        corpus = distinct_documents(corpus)
    from corpus_tools.tokens import Segmenter
    from corpus_tools.topics import TopicWarning, fit_topics

    try:
        with warnings.catch_warnings():  # said below as lines, from the result's notes
            warnings.simplefilter("ignore", TopicWarning)
            result = fit_topics(
                corpus,
                k=k,
                model=model,
                k_range=(k_min, k_max),
                n_terms=n_terms,
                n_docs=n_docs,
                by=by,
                seed=seed,
                coherence=coherence,
                segmenter=Segmenter(lexicons=list(lexicons)),
                strip_boilerplate=not keep_boilerplate,
                n_jobs=n_jobs,
                cache=not no_cache,
                progress=None,  # a bar on a terminal, naming each step and each k tried
                pair_min_df=pair_min_df,
            )
    except NoDocumentsError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    for note in result.notes:
        click.echo(f"corpus-tools: topics: {note}", err=True)
    if output is not None:
        _write(result, output)
    if fmt == "table":
        _print_tables(result, by)
    else:
        emit(_json_data(result), fmt, rows=result.documents)
    finish(state)


def _write(result: TopicResult, output: str) -> None:
    """Write the document-topic table (.parquet, .csv or .xlsx, atomically). or exit 4."""
    write_output_table(result.documents, output)


def _json_data(result: TopicResult) -> dict[str, Any]:
    """The ``--format json`` document (see the module docstring)."""
    reps: dict[int, list[dict[str, Any]]] = {}
    rep_rows: list[Any] = result.representatives.to_dict("records")
    for rep in rep_rows:
        reps.setdefault(int(rep["topic"]), []).append(
            {"doc_id": rep["doc_id"], "title": rep["title"], "weight": float(rep["weight"])}
        )
    topic_rows: list[Any] = result.topics.to_dict("records")
    topics = [
        {
            "topic": int(row["topic"]),
            "terms": list(row["terms"]),
            "size": int(row["size"]),
            "share": float(row["share"]),
            "coherence": float(row["coherence"]),
            "representatives": reps.get(int(row["topic"]), []),
        }
        for row in topic_rows
    ]
    data: dict[str, Any] = {
        "model": result.model,
        "k": result.k,
        "coherence": result.coherence,
        "coherence_measure": result.coherence_measure,
        "converged": result.converged,
        "topics": topics,
        "documents": result.documents,
        "unassigned": result.unassigned,
    }
    if not result.k_scores.empty:
        data["k_scores"] = result.k_scores
    if result.shares is not None:
        data["shares"] = result.shares
    return data


def _print_tables(result: TopicResult, by: str | None) -> None:
    """``--format table``: the topics, representatives, k scores and shares for a person."""
    click.echo(render_table(result.topics[["topic", "size", "share", "coherence", "terms"]]))
    if not result.representatives.empty:
        click.echo("\nrepresentative documents")
        click.echo(render_table(result.representatives))
    if not result.unassigned.empty:
        click.echo("\ndocuments without a topic")
        click.echo(render_table(result.unassigned))
    if not result.k_scores.empty:
        click.echo(f"\n{result.coherence_measure} coherence by k")
        click.echo(render_table(result.k_scores))
    if result.shares is not None:
        click.echo(f"\ntopic shares over {by}")
        click.echo(render_table(result.shares))
