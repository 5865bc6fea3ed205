"""The report counts distinct texts, opens with its findings and a per-document scorecard
(issue 20, items 1-2), on the seeds as the README's main command reads them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest
from click.testing import CliRunner

matplotlib.use("Agg")

from conftest import needs_cjk_font

import corpus_tools as ct
from corpus_tools.cli import cli
from corpus_tools.present import collect_report_data, render_report
from corpus_tools.present.data import document_scorecard, report_findings

pytestmark = needs_cjk_font

SECTIONS = ["overview", "duplicates", "templates", "slogans", "boilerplate"]
#: Seed 003's six copies of one report, read with --split auto; the first stands for all.
COPIES = [f"003_9b7675b2e4522a57.txt:{i}" for i in range(4, 10)]


@pytest.fixture(scope="module")
def auto_corpus(seeds_dir: Path) -> pd.DataFrame:
    return ct.load_corpus(str(seeds_dir), split="auto").documents


@pytest.fixture(scope="module")
def distinct(auto_corpus: pd.DataFrame) -> Any:
    return collect_report_data(auto_corpus, sections=SECTIONS)


@pytest.fixture(scope="module")
def every(auto_corpus: pd.DataFrame) -> Any:
    return collect_report_data(auto_corpus, sections=SECTIONS, unique=False)


@pytest.fixture(scope="module")
def page(distinct: Any) -> str:
    return render_report(distinct)


def _section(page: str, key: str) -> str:
    return page.split(f'<section id="{key}">')[1].split("</section>", maxsplit=1)[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_copies_are_counted_once(distinct: Any, every: Any) -> None:
    assert distinct.counted["doc_id"].tolist().count(COPIES[0]) == 1
    assert len(distinct.corpus) == 13 and len(distinct.counted) == 8
    # placeholders: 294 of the 442 are the copies' 49, six times
    assert int(every.placeholders.documents["placeholders"].sum()) == 442
    assert int(distinct.placeholders.documents["placeholders"].sum()) == 442 - 5 * 49
    slogans = {
        key: data.slogans.set_index("slogan")["count"]
        for key, data in (("d", distinct), ("e", every))
    }
    assert slogans["e"]["三社联动"] == 40 and slogans["d"]["三社联动"] == 10
    # counted as they stand, the duplicated report is a 5,666-character "repeated passage"
    # that leaves its copies no originality; counted once, it is a document like the others
    repeated = every.boilerplate.passages
    repeated = repeated[repeated["kind"] == "repeated"]
    assert len(repeated) == 1 and repeated["chars"].iloc[0] > 5000
    card_every = document_scorecard(every).set_index("doc_id")
    assert (card_every.loc[COPIES, "originality"] < 0.01).all()
    assert "repeated" not in set(distinct.boilerplate.passages["kind"])
    card = document_scorecard(distinct).set_index("doc_id")
    assert (card.loc[COPIES, "originality"] > 0.99).all()


def test_the_duplicates_and_overview_list_every_document(distinct: Any, page: str) -> None:
    assert len(distinct.overview) == 13
    pairs = distinct.duplicates.pairs
    assert set(pairs["a"]) | set(pairs["b"]) == set(COPIES)
    for doc in COPIES:
        assert doc in _section(page, "overview")


def test_the_page_opens_with_the_findings(page: str) -> None:
    ids = re.findall(r'<section id="([a-z]+)">', page)
    assert ids == ["findings", "scorecard", *SECTIONS]
    header = page.split("<main>", maxsplit=1)[0]
    assert "13 documents (8 distinct: 6 copies of one document counted once)" in header
    findings = _text(_section(page, "findings"))
    assert "6 copies of one document counted once" in findings
    assert "count 8 distinct documents of 13" in findings
    # the largest group of copies, named by the title read off its front matter, ×6
    assert f"{COPIES[0]} 「X区加强和完善城乡社区治理工作情况报告」 ×6" in findings
    assert "三社联动 ×10 (2 documents)" in findings
    assert "仅供学习 禁止外传" in findings  # a watermark
    # each finding links to its section
    links = re.findall(r'<a href="#([a-z]+)">', _section(page, "findings"))
    assert {"scorecard", "duplicates", "templates", "boilerplate", "slogans"} <= set(links)


def test_findings_table(distinct: Any) -> None:
    found = report_findings(distinct)
    assert found.copies == "6 copies of one document counted once"
    assert found.clusters[["doc_id", "size"]].values.tolist() == [[COPIES[0], 6]]
    assert found.clusters["others"].iloc[0] == COPIES[1:]
    top = found.templated.iloc[0]
    assert top["template_score"] == found.templated["template_score"].max() > 0
    assert found.slogans["slogan"].head(2).tolist() == ["两委", "三社联动"]


def test_one_scorecard_row_per_document(
    distinct: Any, page: str, auto_corpus: pd.DataFrame
) -> None:
    card = document_scorecard(distinct)
    assert card["doc_id"].tolist() == auto_corpus["doc_id"].tolist()
    assert card["title"].tolist() == auto_corpus["title"].tolist()  # the corpus's own
    assert card["guessed_title"].iloc[0] == "XX区后进社区整顿工作汇报材料"
    assert "line" in card.columns  # the corpus's metadata
    for column in ("copies", "copy_of", "relation", "placeholders", "template_score"):
        assert column in card.columns
    assert {"watermark_chars", "originality"} <= set(card.columns)
    by_id = card.set_index("doc_id")
    assert by_id.loc[COPIES, "copies"].tolist() == [6] * 6
    assert by_id.loc[COPIES, "copy_of"].tolist() == ["", *[COPIES[0]] * 5]
    assert by_id.loc[COPIES, "placeholders"].tolist() == [49] * 6
    assert int(by_id.loc["002_fcffc313e2c7ef3d.txt", "watermark_chars"]) > 0
    # the page: one row per document, the copies say which one is counted
    section = _section(page, "scorecard")
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)
    assert len(rows) == 13
    assert COPIES[1] in rows[7] and "6 copies, counted as" in _text(rows[7])
    assert COPIES[0] in rows[7]


def test_not_unique_says_copies_count(every: Any) -> None:
    page = render_report(every)
    assert "distinct" not in page.split("<main>")[0]
    assert "every document is counted, copies included" in _text(_section(page, "findings"))


def test_cli_report_says_what_it_collapsed(tmp_path: Path, seeds_dir: Path) -> None:
    args = ["report", str(seeds_dir), "--split", "auto", "--sections", "templates"]
    once = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "a.html")])
    assert once.exit_code == 0, once.output
    assert "counted once: 6 copies of one document counted once (8 distinct" in once.output
    assert "197 placeholders in 7 documents" in once.output
    every = CliRunner().invoke(cli, [*args, "--no-unique", "-o", str(tmp_path / "b.html")])
    assert every.exit_code == 0, every.output
    assert "counted once" not in every.output
    assert "442 placeholders in 12 documents" in every.output
