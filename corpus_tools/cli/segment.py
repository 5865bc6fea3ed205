"""``corpus-tools segment PATH...``: tokens per document, slogans and placeholders kept whole."""

from __future__ import annotations

import json

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    check_engine_options,
    emit,
    engine_options,
    fail,
    finish,
    input_options,
    load_inputs,
    resolve_format,
)
from corpus_tools.errors import CorpusToolsError, InvalidParameterError

FORMATS = ("table", "json", "jsonl", "csv", "text")


@click.command("segment")
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help='jsonl: one {"doc_id", "tokens"} per line; json: a list of them; text: one '
    "document per line, tokens separated by spaces (whitespace tokens dropped); csv: doc_id "
    "and space-separated tokens; table: a summary (default on a terminal, json when piped).",
)
@click.option(
    "--drop-space",
    is_flag=True,
    help="Leave out whitespace tokens (by default the tokens join to the text as loaded).",
)
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="User lexicon in jieba's format ('word [freq] [tag]' per line); repeatable. Its "
    "words are never cut.",
)
@click.option(
    "--word",
    "words",
    multiple=True,
    metavar="WORD",
    help="A word never to cut (e.g. a slogan); repeatable.",
)
@click.option(
    "--no-domain-lexicon",
    is_flag=True,
    help="Do not load the project's lexicon of party-building terms and slogans.",
)
@click.option(
    "--mine-slogans",
    is_flag=True,
    help="Also keep whole the numeric slogans mined from these documents (e.g. 三个结合), "
    "as keywords --mine-slogans does.",
)
@click.option("--no-hmm", is_flag=True, help="Do not guess unknown words with jieba's HMM.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=-1),
    default=None,
    help="Worker processes (-1: all cores; default: all cores for large inputs).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the segment cache.")
@engine_options
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of the segment cache (default: $CORPUS_TOOLS_CACHE or ~/.cache/corpus-tools).",
)
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    fmt: str | None,
    drop_space: bool,
    lexicons: tuple[str, ...],
    words: tuple[str, ...],
    no_domain_lexicon: bool,
    mine_slogans: bool,
    no_hmm: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: str | None,
    engine: str,
    scheduler: str | None,
) -> None:
    """Cut documents into tokens; slogans, placeholder runs (XX, X-X, ××) and numbers stay whole.

    Tokens of each document are cached on disk (keyed by the text and the lexicons), so a
    rerun does not segment again. Unreadable inputs are named on stderr (exit status 3).
    """
    import pandas as pd

    from corpus_tools.tokens import Segmenter, segment_corpus

    if jobs == 0:
        fail(
            "Invalid value for '--jobs': 0 is not allowed; use a positive number or -1.",
            ExitCode.USAGE,
        )
    where = check_engine_options(engine, scheduler, n_jobs=jobs)
    state = RunState()
    try:
        segmenter = Segmenter(
            lexicons=list(lexicons),
            extra_words=list(words),
            domain_lexicon=not no_domain_lexicon,
            hmm=not no_hmm,
        )
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.USAGE)
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    if mine_slogans:  # the slogans keywords --mine-slogans keeps whole, mined the same way
        from corpus_tools.keywords.counts import with_slogans

        segmenter = with_slogans(segmenter, corpus["text"].tolist(), None, "segment")
    fmt = resolve_format(fmt)
    cache: bool | str = False if no_cache else (cache_dir if cache_dir else True)
    try:
        tokens = segment_corpus(
            corpus,
            segmenter=segmenter,
            cache=cache,
            drop_space=drop_space or fmt in ("text", "csv"),
            engine=where,
        )
    except InvalidParameterError as exc:
        fail(str(exc), ExitCode.USAGE)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.NOTHING)
    doc_ids = corpus["doc_id"].tolist()
    if fmt == "text":
        for toks in tokens:
            click.echo(" ".join(toks))
    elif fmt == "jsonl":
        for doc_id, toks in zip(doc_ids, tokens, strict=True):
            click.echo(json.dumps({"doc_id": doc_id, "tokens": toks}, ensure_ascii=False))
    elif fmt == "csv":
        emit(
            None,
            fmt,
            rows=pd.DataFrame({"doc_id": doc_ids, "tokens": [" ".join(t) for t in tokens]}),
        )
    else:
        records = [{"doc_id": d, "tokens": t} for d, t in zip(doc_ids, tokens, strict=True)]
        summary = pd.DataFrame(
            {
                "doc_id": doc_ids,
                "chars": corpus["text"].str.len().tolist(),
                "tokens": [sum(1 for x in t if not x.isspace()) for t in tokens],
                "first tokens": [" ".join(x for x in t if not x.isspace())[:60] for t in tokens],
            }
        )
        emit(records, fmt, table=summary)
    finish(state)
