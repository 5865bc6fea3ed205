"""Rough edges of issue 20 (item 7), each on the seed reports: what a researcher saw before
the fix is what these tests refuse."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from tqdm import tqdm

import corpus_tools as ct
from corpus_tools import progress
from corpus_tools.cli import cli

SEED_000 = "000_14cdbf6256da471f.txt"
SEED_001 = "001_76da920ca12b73e0.txt"
SEED_002 = "002_fcffc313e2c7ef3d.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_flag_table_names_no_source_instead_of_none(runner: CliRunner, seeds_dir: Path) -> None:
    # 000 copies neither 001 nor 002: it has no largest source, and its residue (the XX
    # blanks) belongs to no place and comes from no source
    res = runner.invoke(
        cli,
        [
            "flag",
            str(seeds_dir / SEED_000),
            "--against",
            str(seeds_dir / SEED_001),
            str(seeds_dir / SEED_002),
            "--format",
            "table",
        ],
    )
    assert res.exit_code == 0, res.output
    header, _, row = res.output.splitlines()[:3]
    assert header.split()[5] == "largest_source"
    assert row.split()[:2] == [SEED_000, "-"]
    assert "(no source)" in row
    assert "Residue" in res.output  # the table whose empty cells said None too
    assert "None" not in res.output


class _Bar(tqdm):  # type: ignore[misc]
    """A tqdm bar drawn into memory that remembers its label and unit."""

    made: ClassVar[list[_Bar]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)
        _Bar.made.append(self)


@pytest.mark.parametrize("streamed", [False, True])
def test_dedup_bars_say_dedup_and_count_pairs(
    monkeypatch: pytest.MonkeyPatch, seeds_dir: Path, streamed: bool
) -> None:
    # `corpus-tools dedup` streams its input through an index: its bar said "index:
    # sketching", and the verifying bar counted candidate pairs as "doc"
    monkeypatch.setattr(progress, "_bar_class", lambda: _Bar)
    _Bar.made = []
    corpus: Any = (
        ct.stream_corpus(str(seeds_dir), split="auto")
        if streamed
        else ct.load_corpus(str(seeds_dir), split="auto").documents
    )
    result = ct.find_near_duplicates(corpus, progress=True)
    assert len(result.pairs) > 0  # the six copies in 003: there were pairs to verify
    bars = {str(bar.desc).rstrip(": "): bar.unit for bar in _Bar.made}
    assert bars["dedup: sketching"] == "doc"
    assert all(name.startswith("dedup: ") for name in bars)  # not "index: ..."
    # a later bar (verifying pairs, aligning blocks of pairs) does not count documents
    assert all(unit != "doc" for name, unit in bars.items() if name != "dedup: sketching")


def test_boilerplate_and_inspect_count_the_same_chars(runner: CliRunner, seeds_dir: Path) -> None:
    # document 000 was 2802 characters in `boilerplate` (folded, whitespace dropped) and 2830
    # in `inspect`: both now count the characters of the text as loaded
    counts = {}
    for command in (["inspect"], ["boilerplate", "--show", "documents"]):
        res = runner.invoke(cli, [*command, str(seeds_dir), "--split", "auto", "--format", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        rows = data["documents"] if isinstance(data, dict) else data
        counts[command[0]] = {row["doc_id"]: row["chars"] for row in rows}
    texts = ct.load_corpus(str(seeds_dir), split="auto").documents
    as_loaded = {d: len(t) for d, t in zip(texts["doc_id"], texts["text"], strict=True)}
    assert counts["boilerplate"] == counts["inspect"] == as_loaded
    assert as_loaded["003_9b7675b2e4522a57.txt:1"] > 0
