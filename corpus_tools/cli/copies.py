"""``--unique``: the corpus-level commands count each group of exact or near-exact copies once.

:func:`unique_option` adds the option to a command; :func:`distinct_documents` collapses the
loaded documents (:func:`corpus_tools.dedup.unique_corpus`) and says on stderr what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["distinct_documents", "unique_option"]

F = TypeVar("F", bound=Callable[..., object])


def unique_option(func: F) -> F:
    """``--unique/--no-unique`` (default: every copy counts), passed as ``unique``."""
    option = click.option(
        "--unique/--no-unique",
        "unique",
        default=False,
        show_default=True,
        help="Count each group of exact or near-exact copies once (six copies of one report "
        "count once); stderr says how many copies were collapsed.",
    )
    return option(func)


def distinct_documents(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents left once each group of copies is collapsed to its first
    (:func:`corpus_tools.dedup.unique_corpus`), saying on stderr what was collapsed."""
    from corpus_tools.dedup import copies_note, unique_corpus

    kept = unique_corpus(docs)
    click.echo(
        f"unique: {copies_note(kept)} ({len(kept):,} distinct documents of {len(docs):,})",
        err=True,
    )
    return kept
