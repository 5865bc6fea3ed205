"""The placeholders table for a person prints each section once, with its documents
(issue 20: six copies of one report printed six identical rows each)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from corpus_tools.cli import cli


def _run(seeds_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["placeholders", str(seeds_dir), "--split", "auto", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _table_rows(output: str) -> list[list[str]]:
    lines = output.splitlines()
    assert set(lines[1]) <= {"-", " "}  # the rule under the header
    return [line.split() for line in lines[2:] if line.strip()]


def test_sections_table_one_row_per_distinct_section(seeds_dir: Path) -> None:
    full = pd.read_csv(io.StringIO(_run(seeds_dir, "--format", "csv")))
    data = json.loads(_run(seeds_dir, "--format", "json"))
    assert len(data["sections"]) == len(full)  # csv and json keep every row
    copies = full[full["doc_id"].str.match(r"003_9b7675b2e4522a57\.txt:[4-9]$")]
    assert copies["doc_id"].nunique() == 6  # the six copies of one report
    rows = _table_rows(_run(seeds_dir, "--format", "table"))
    header = _run(seeds_dir, "--format", "table").splitlines()[0].split()
    assert header[:3] == ["doc_id", "docs", "heading"]
    # 将城市社区工作人员月均报酬由X元提高到X元 is one section in six documents: one row
    heading = "将城市社区工作人员月均报酬由X元提高到X元"
    assert (full["heading"] == heading).sum() == 6
    same = [r for r in rows if heading in r]
    assert len(same) == 1 and same[0][1] == "6"
    assert len(rows) == len(full) - 5 * copies["doc_id"].value_counts().min()  # 358 -> 133
    # every distinct section is still there, and the document counts add up
    assert sum(int(r[1]) for r in rows) == len(full)


def test_spans_table_one_row_per_blank_in_its_words(seeds_dir: Path) -> None:
    full = pd.read_csv(io.StringIO(_run(seeds_dir, "--show", "spans", "--format", "csv")))
    rows = _table_rows(_run(seeds_dir, "--show", "spans", "--format", "table"))
    assert sum(int(r[1]) for r in rows) == len(full)
    assert len(rows) < len(full)
    assert max(int(r[1]) for r in rows) == 6
