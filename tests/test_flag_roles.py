"""Quotation is not copying, a unit's own drafts are not copying, and per-section figures:
`flag` on real reports (the national work reports as references, the 2026 provincial
reports as peers), through the library and the command line.

The submissions are built from the shared corpora with planted shares: paragraphs quoted
from the 2025 national work report, paragraphs copied from a provincial report, and new
text (paragraphs of another provincial report that is not held). Paragraphs used as copied
or new text share less than 2% of their 8-character runs with any national report, so
that what is planted as copying is not also quotation; shares are counted in folded
characters, as the ratios are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import iter_records

from corpus_tools.cli import cli
from corpus_tools.dedup import DedupIndex, flag_submissions
from corpus_tools.errors import InvalidParameterError
from corpus_tools.text import fold_for_matching

#: How far a measured ratio may be from the planted share (the issue's check).
TOLERANCE = 0.08
NATIONAL = "gwr-2025-ws"
COPIED = "prov2026-云南省"  # held as a peer; the submission copies some of its paragraphs
NEW = "prov2026-上海市"  # not held: its paragraphs are the submission's own text
NGRAM = 8


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if len(p.strip()) >= 80]


def _folded(text: str) -> int:
    return len(fold_for_matching(text).codes)


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


class Corpora:
    """The held documents and the planted submissions, built once."""

    def __init__(self) -> None:
        self.references = {
            r["id"]: {"id": r["id"], "text": r["text"]}
            for r in iter_records("state_council_gwr")
            if not r.get("is_stub")
        }
        provincial = {r["id"]: r for r in iter_records("provincial_gwr_2026")}
        self.peers = {
            k: {"id": k, "text": r["text"], "province": r["province"]}
            for k, r in provincial.items()
            if k != NEW
        }
        grams = {
            t[i : i + NGRAM]
            for r in self.references.values()
            for t in [fold_for_matching(r["text"]).text]
            for i in range(len(t) - NGRAM + 1)
        }

        def original(p: str) -> bool:  # shares < 2% of its 8-grams with the national reports
            t = fold_for_matching(p).text
            runs = [t[i : i + NGRAM] for i in range(len(t) - NGRAM + 1)]
            return sum(g in grams for g in runs) < 0.02 * max(len(runs), 1)

        national = _paragraphs(self.references[NATIONAL]["text"])
        copied = [p for p in _paragraphs(provincial[COPIED]["text"]) if original(p)]
        new = [p for p in _paragraphs(provincial[NEW]["text"]) if original(p)]
        self.parts = {"quoted": national[5:11], "copied": copied[2:7], "new": new[1:6]}
        self.new_text = "\n".join(new[1:8])
        # headings make the three parts sections of their own
        self.mixed = "\n".join(
            [
                "关于本县2025年工作情况的报告",
                "一、学习贯彻中央部署",
                *self.parts["quoted"],
                "二、主要工作做法",
                *self.parts["copied"],
                "三、下一步打算",
                *self.parts["new"],
            ]
        )
        total = _folded(self.mixed)
        self.planted = {k: _folded("".join(v)) / total for k, v in self.parts.items()}
        self.quotes_only = "我们认真学习了政府工作报告。\n" + "\n".join(national[20:30])


@pytest.fixture(scope="module")
def corpora() -> Corpora:
    return Corpora()


@pytest.fixture(scope="module")
def files(corpora: Corpora, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("roles")
    return {
        "references": _jsonl(folder / "references.jsonl", list(corpora.references.values())),
        "peers": _jsonl(folder / "peers.jsonl", list(corpora.peers.values())),
        "submissions": _jsonl(
            folder / "submissions.jsonl",
            [
                {"id": "mixed", "text": corpora.mixed, "province": "甲省"},
                {"id": "quotes", "text": corpora.quotes_only, "province": "甲省"},
            ],
        ),
        "index": folder / "index",
    }


def test_the_planted_shares_are_what_the_check_needs(corpora: Corpora) -> None:
    shares = corpora.planted
    assert 0.25 <= shares["quoted"] <= 0.5 and 0.2 <= shares["copied"] <= 0.45
    assert 0.15 <= shares["new"] <= 0.45


def test_quotation_is_not_copying(corpora: Corpora) -> None:
    report = flag_submissions(
        {"mixed": corpora.mixed, "quotes": corpora.quotes_only},
        against={k: r["text"] for k, r in corpora.peers.items()},
        reference={k: r["text"] for k, r in corpora.references.items()},
    )
    mixed, quotes = report.submissions.to_dict("records")
    assert abs(mixed["copy_ratio"] - corpora.planted["copied"]) <= TOLERANCE, mixed
    assert abs(mixed["quoted_ratio"] - corpora.planted["quoted"]) <= TOLERANCE, mixed
    assert mixed["flagged"] and mixed["largest_source"] == COPIED
    assert quotes["copy_ratio"] < 0.05 and quotes["quoted_ratio"] > 0.9, quotes
    assert not quotes["flagged"] and quotes["largest_source"] is None
    # each match says its role; the national report is among the mixed one's sources
    m = report.matches[report.matches["submission"] == "mixed"].set_index("doc_id")
    assert m.loc[COPIED, "role"] == "peer" and m.loc[NATIONAL, "role"] == "reference"
    assert set(report.passages["role"]) <= {"peer", "reference"}
    # the same documents all held as peers: the quotations count as copying again
    everything = flag_submissions(
        {"quotes": corpora.quotes_only},
        against={k: r["text"] for k, r in {**corpora.peers, **corpora.references}.items()},
    )
    assert everything.submissions["copy_ratio"].item() > 0.9
    assert bool(everything.submissions["flagged"].item())


def test_a_passage_also_in_a_reference_is_quoted(corpora: Corpora) -> None:
    """A peer that itself quotes the national report: a submission quoting the same
    passage does not copy it (the peer, sharing quotations only, is not listed); one that
    also copies the peer's own text copies that part only."""
    national = "\n".join(_paragraphs(corpora.references[NATIONAL]["text"])[30:34])
    own = corpora.new_text.split("\n")
    quoting_peer = national + "\n" + "\n".join(own)
    both = national + "\n" + "\n".join(own[:3])
    report = flag_submissions(
        {"quotes": national, "both": both},
        against={"county-a": quoting_peer},
        reference={NATIONAL: corpora.references[NATIONAL]["text"]},
    )
    quotes, mixed = report.submissions.to_dict("records")
    assert quotes["copy_ratio"] == 0.0 and quotes["quoted_ratio"] > 0.95, quotes
    assert not quotes["flagged"]
    listed = report.matches.groupby("submission")["doc_id"].apply(set).to_dict()
    assert listed == {"quotes": {NATIONAL}, "both": {NATIONAL, "county-a"}}
    share = _folded("".join(own[:3])) / _folded(both)
    assert abs(mixed["copy_ratio"] - share) <= 0.02 and mixed["largest_source"] == "county-a"
    assert abs(mixed["quoted_ratio"] - (1 - share)) <= 0.02


def test_sections_carry_their_own_figures(corpora: Corpora) -> None:
    report = flag_submissions(
        {"mixed": corpora.mixed},
        against={k: r["text"] for k, r in corpora.peers.items()},
        reference={k: r["text"] for k, r in corpora.references.items()},
    )
    secs = report.sections.set_index("heading")
    first, second, third = (secs.loc[h] for h in ("学习贯彻中央部署", "主要工作做法", "下一步打算"))
    assert first["quoted_ratio"] > 0.9 and first["copy_ratio"] < 0.05
    assert second["copy_ratio"] > 0.9 and second["quoted_ratio"] < 0.05
    assert third["copy_ratio"] < 0.1 and third["quoted_ratio"] < 0.1
    for s in report.sections.itertuples():
        assert s.heading in corpora.mixed[s.start : s.end]


def test_recycled_drafts_are_reported_apart(corpora: Corpora) -> None:
    """A province's own report (last year's draft, say) reused: recycled with --unit-field,
    not copying; the same text from another province is copying."""
    own = _paragraphs(corpora.peers[COPIED]["text"])[2:9]
    text = "\n".join(own) + "\n" + corpora.new_text
    index = DedupIndex().build(_frame(corpora.peers), unit_field="province")
    subs = _frame(
        {
            "own": {"id": "own", "text": text, "province": "云南省"},
            "other": {"id": "other", "text": text, "province": "贵州省"},
        }
    )
    report = index.flag(subs, unit_field="province")
    own_row, other_row = report.submissions.to_dict("records")
    assert own_row["recycled_ratio"] > 0.4 and own_row["copy_ratio"] < 0.05
    assert not own_row["flagged"] and own_row["unit"] == "云南省"
    assert other_row["copy_ratio"] == pytest.approx(own_row["recycled_ratio"], abs=0.01)
    assert other_row["recycled_ratio"] == 0.0 and other_row["flagged"]
    m = report.matches.set_index(["submission", "doc_id"])
    assert bool(m.loc[("own", COPIED), "recycled"]) and not m.loc[("other", COPIED), "recycled"]
    with pytest.raises(InvalidParameterError, match="index's unit field"):
        DedupIndex().build(_frame(corpora.peers)).flag(subs, unit_field="province")


def _frame(records: dict[str, dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(list(records.values())).rename(columns={"id": "doc_id"})


def _json(res: Any) -> list[dict[str, Any]]:
    return list(json.loads(res.stdout))


def test_the_command_line_and_its_json(corpora: Corpora, files: dict[str, Path]) -> None:
    runner = CliRunner()
    ix = files["index"]
    built = runner.invoke(
        cli, ["index", "build", str(files["references"]), "-o", str(ix), "--role", "reference"]
    )
    assert built.exit_code == 0, built.output
    added = runner.invoke(
        cli, ["index", "add", str(ix), str(files["peers"]), "--unit-field", "province"]
    )
    assert added.exit_code == 0, added.output
    held = DedupIndex.load(ix)
    assert held.roles_.tolist().count("reference") == len(corpora.references)
    assert held.unit_field_ == "province" and "云南省" in set(held.units_)
    by_index = runner.invoke(
        cli, ["flag", str(files["submissions"]), "--index", str(ix), "--format", "json"]
    )
    by_files = runner.invoke(
        cli,
        [
            "flag",
            str(files["submissions"]),
            "--against",
            str(files["peers"]),
            "--reference",
            str(files["references"]),
            "--unit-field",
            "province",
            "--format",
            "json",
        ],
    )
    for res in (by_index, by_files):
        assert res.exit_code == 1, res.output  # the mixed one is flagged
        mixed, quotes = _json(res)
        assert abs(mixed["copy_ratio"] - corpora.planted["copied"]) <= TOLERANCE
        assert abs(mixed["quoted_ratio"] - corpora.planted["quoted"]) <= TOLERANCE
        assert mixed["flagged"] and not quotes["flagged"] and quotes["copy_ratio"] < 0.05
        assert set(mixed) >= {
            "submission",
            "flagged",
            "copy_ratio",
            "quoted_ratio",
            "place",
            "sections",
            "matches",
            "residue",
        }
        assert mixed["place"] is None
        assert set(mixed["sections"][0]) >= {
            "section_id",
            "heading",
            "start",
            "end",
            "copy_ratio",
            "quoted_ratio",
        }
        match = mixed["matches"][0]
        assert set(match) >= {
            "doc_id",
            "role",
            "recycled",
            "similarity",
            "containment",
            "copy_ratio",
            "passages",
        }
        roles = {m["doc_id"]: m["role"] for m in mixed["matches"]}
        assert roles[COPIED] == "peer" and roles[NATIONAL] == "reference"
        for p in match["passages"]:
            assert corpora.mixed[p["submission_start"] : p["submission_end"]]
    # a submission of quotations only exits 0
    quotes = files["submissions"].parent / "quotes.txt"
    quotes.write_text(corpora.quotes_only, encoding="utf-8")
    res = runner.invoke(cli, ["flag", str(quotes), "--index", str(ix), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert _json(res)[0]["copy_ratio"] < 0.05
    # the options are checked
    res = runner.invoke(cli, ["flag", str(quotes), "--index", str(ix), "--reference"])
    assert res.exit_code == 2 and "'--reference' requires one or more paths" in res.output
    res = runner.invoke(
        cli, ["flag", str(quotes), "--index", str(ix), "--reference", str(files["references"])]
    )
    assert res.exit_code == 2 and "exactly one of --index DIR or --against" in res.output
    res = runner.invoke(cli, ["index", "add", str(ix), str(quotes), "--role", "judge"])
    assert res.exit_code == 2
    res = runner.invoke(
        cli, ["flag", str(files["submissions"]), "--index", str(ix), "--unit-field", "county"]
    )
    assert res.exit_code == 2 and "column of the submissions" in res.output


def test_residue_names_its_source(seed_texts: dict[str, str]) -> None:
    """An unfilled placeholder inside a passage copied from a held template is certain
    residue from that template; one outside any copied passage is possible."""
    template = seed_texts["000_14cdbf6256da471f.txt"]
    sub = "一、基本情况\n本镇新建X个站点，覆盖XX村。\n" + "\n".join(template.split("\n")[3:8])
    report = flag_submissions({"sub": sub}, against={"template": template})
    res = report.residue
    assert len(res) >= 3 and set(res["kind"]) == {"placeholder"}
    inside = res[res["start"] > sub.index("\n", 8)]
    outside = res[res["end"] <= sub.index("\n", 8)]
    assert set(inside["certainty"]) == {"certain"} and set(inside["source_doc_id"]) == {"template"}
    assert set(outside["certainty"]) == {"possible"} and outside["source_doc_id"].isna().all()
    for r in res.itertuples():
        assert sub[r.start : r.end] == r.text
    (data,) = report.to_json()
    assert {r["kind"] for r in data["residue"]} == {"placeholder"}
    assert len(data["template_residue"]) == len(data["residue"])
