"""Progress in notebooks: tqdm.auto bars by default for the long calls, labelled stages,
progress=False silences, nothing when output is piped (issue 20, item 6)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest
from tqdm import tqdm

import corpus_tools as ct
from corpus_tools import progress


class _Recorded(tqdm):  # type: ignore[misc]
    """A tqdm bar that writes to memory and remembers every label it showed."""

    made: ClassVar[list[_Recorded]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)
        self.labels = [str(self.desc)]
        _Recorded.made.append(self)

    def set_description_str(self, desc: str | None = None, refresh: bool = True) -> None:
        self.labels.append(str(desc))
        super().set_description_str(desc, refresh=refresh)

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        self.labels.append(str(desc))
        super().set_description(desc, refresh=refresh)


@pytest.fixture
def notebook(monkeypatch: pytest.MonkeyPatch) -> list[_Recorded]:
    """As in a Jupyter kernel (stderr not a terminal), with bars recorded, not drawn."""
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    monkeypatch.setattr(progress, "_isatty", lambda: False)
    monkeypatch.setattr(progress, "_bar_class", lambda: _Recorded)
    _Recorded.made = []
    return _Recorded.made


@pytest.fixture(scope="module")
def auto_corpus(seeds_dir: Path) -> pd.DataFrame:
    return ct.load_corpus(str(seeds_dir), split="auto").documents


def _labels(bars: list[_Recorded]) -> list[str]:
    return [label for bar in bars for label in bar.labels]


def test_long_calls_show_a_bar_in_a_notebook_by_default(
    notebook: list[_Recorded], auto_corpus: pd.DataFrame
) -> None:
    ct.keyword_table(auto_corpus)
    assert "keywords" in _labels(notebook)
    ct.mine_slogans(auto_corpus)
    assert "mining slogans" in _labels(notebook)
    ct.find_boilerplate(auto_corpus)
    assert "boilerplate" in _labels(notebook)
    ct.find_near_duplicates(auto_corpus)
    assert "dedup: sketching" in _labels(notebook)
    ct.find_formulas(auto_corpus)
    # the formulas bar names each stage it goes through
    assert {"formulas: folding", "formulas: suffix array", "formulas: families"} <= set(
        _labels(notebook)
    )
    # a bar in a notebook (progress=None) waits a moment: quick calls print nothing
    assert all(bar.delay == progress.DELAY for bar in notebook)


def test_progress_false_silences(notebook: list[_Recorded], auto_corpus: pd.DataFrame) -> None:
    ct.keyword_table(auto_corpus, progress=False)
    ct.mine_slogans(auto_corpus, progress=False)
    ct.find_formulas(auto_corpus, progress=False)
    ct.find_boilerplate(auto_corpus, progress=False)
    ct.find_near_duplicates(auto_corpus, progress=False)
    assert notebook == []


def test_progress_true_shows_at_once(notebook: list[_Recorded], auto_corpus: pd.DataFrame) -> None:
    ct.find_formulas(auto_corpus, progress=True)
    assert notebook and all(bar.delay == 0 for bar in notebook)


def test_piped_output_stays_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "in_notebook", lambda: False)
    monkeypatch.setattr(progress, "_isatty", lambda: False)
    assert progress.progress_enabled(None) is False
    monkeypatch.setattr(progress, "_isatty", lambda: True)
    assert progress.progress_enabled(None) is True


def test_a_notebook_gets_tqdm_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    from tqdm.auto import tqdm as auto_tqdm

    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    assert progress._bar_class() is auto_tqdm
    monkeypatch.setattr(progress, "in_notebook", lambda: False)
    assert progress._bar_class() is tqdm


def test_a_script_is_not_a_notebook() -> None:
    # this process has no kernel: no bar for a piped script, whatever IPython holds
    assert progress.in_notebook() is False


def test_the_report_names_its_steps(notebook: list[_Recorded], auto_corpus: pd.DataFrame) -> None:
    from corpus_tools.present import collect_report_data

    # by default: one bar, the report's, naming each step (the steps' own bars are off)
    collect_report_data(auto_corpus, sections=["duplicates", "slogans"])
    assert _labels(notebook) == [
        "report",
        "report: duplicates",
        "report: unique",
        "report: slogans",
    ]
