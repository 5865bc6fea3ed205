"""``corpus-tools report PATH... -o OUT.html``: one self-contained HTML report.

Calls :func:`corpus_tools.present.write_report` (which collects the report's tables with
:func:`~corpus_tools.present.collect_report_data` and renders them with
:func:`~corpus_tools.present.render_report`) and prints a short summary: the file written
and one line per section. Unreadable inputs are named on stderr and listed in the report
(exit status 3); a section whose capability fails is noted in the report and in the
summary, and the rest is still written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from corpus_tools.cli.common import (
    ExitCode,
    RunState,
    fail,
    finish,
    input_options,
    load_inputs,
)
from corpus_tools.errors import CorpusToolsError, InvalidParameterError, OutputError

#: The report's sections, as corpus_tools.present.SECTIONS defines them (spelled here so that
#: ``--help`` imports nothing heavy; tests/test_startup.py checks that they agree).
SECTIONS = (
    "overview",
    "duplicates",
    "templates",
    "slogans",
    "boilerplate",
    "keywords",
    "topics",
    "formulas",
)


def _html_path(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if Path(value).suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(f"{value!r} must end in .html (the report is one HTML file).")
    return value


def _sections(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    if value is None:
        return list(SECTIONS)
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown or not names:
        raise click.BadParameter(
            f"{value!r}: choose a comma-separated list from {', '.join(SECTIONS)}."
        )
    return names


@click.command("report")
@input_options
@click.option(
    "-o",
    "--output",
    required=True,
    callback=_html_path,
    help="The HTML file to write (atomically; folders are created).",
)
@click.option(
    "--by",
    default="auto",
    show_default=True,
    metavar="FIELD",
    help="Metadata field for keyword trends, topic shares and the spread of formulas "
    "('auto': year when present; 'none': no grouping).",
)
@click.option("--title", default=None, help="Title of the report.")
@click.option(
    "--sections",
    default=None,
    callback=_sections,
    metavar="LIST",
    help=f"Comma-separated sections to include [default: all: {','.join(SECTIONS)}].",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Rows of the tables and bars of the figures.",
)
@click.option(
    "--max-pairs",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Document pairs shown with their copied passages side by side.",
)
@click.option(
    "--topics",
    "n_topics",
    type=click.IntRange(min=2),
    default=None,
    help="Number of topics (default: the topic model's choice).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the randomised steps (hashing, topic model): same seed, same file.",
)
@click.option(
    "--unique/--no-unique",
    "unique",
    default=True,
    show_default=True,
    help="Count each group of exact or near-exact copies once in the templates, slogans, "
    "boilerplate, keywords, topics and formulas (the overview, the duplicates and the "
    "scorecard list every document); --no-unique counts every copy.",
)
def command(
    *,
    paths: tuple[str, ...],
    split: str | None,
    id_field: str,
    text_field: str,
    output: str,
    by: str,
    title: str | None,
    sections: list[str],
    top: int,
    max_pairs: int,
    n_topics: int | None,
    seed: int,
    unique: bool,
) -> None:
    """Write one self-contained HTML report: overview, duplicates, templates, slogans,
    boilerplate, keywords, topics, formulas.

    The file embeds its figures and style (no network needed to open it). Example:

        corpus-tools report data/raw -o data/processed/report.html
    """
    import pandas as pd

    from corpus_tools.present import write_report

    state = RunState()
    corpus = load_inputs(paths, state, split=split, id_field=id_field, text_field=text_field)
    errors = pd.DataFrame(state.error_rows, columns=["path", "reason"])
    options: dict[str, Any] = {
        "by": None if by.lower() == "none" else by,
        "sections": sections,
        "top": top,
        "max_pairs": max_pairs,
        "n_topics": n_topics,
        "seed": seed,
        "unique": unique,
        "progress": None,
    }
    if title is not None:
        options["title"] = title
    try:
        summary = write_report(corpus, output, load_errors=errors, **options)
    except OutputError as exc:
        fail(str(exc), ExitCode.NOTHING)
    except InvalidParameterError as exc:
        fail(str(exc), ExitCode.USAGE)
    except CorpusToolsError as exc:
        fail(str(exc), ExitCode.NOTHING)
    size = summary.bytes / 1024
    click.echo(
        f"wrote {summary.path} ({size:,.0f} KB): {summary.documents} documents, "
        f"{summary.chars:,} characters"
    )
    if summary.copies:
        click.echo(f"  counted once: {summary.copies} ({summary.distinct:,} distinct documents)")
    for section, status, note in summary.sections.itertuples(index=False):
        mark = "ok" if status == "ok" else str(status).upper()
        click.echo(f"  {section!s:<12} {mark:<12} {note}")
    finish(state)
