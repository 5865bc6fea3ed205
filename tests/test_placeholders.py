"""Tests of corpus_tools.text: blanks found, real ×/X left alone, sections scored."""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, iter_records
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools.cli import cli
from corpus_tools.errors import InvalidParameterError
from corpus_tools.io import load_texts
from corpus_tools.text import (
    PLACEHOLDER_MARKS,
    PLACEHOLDER_RUN,
    find_placeholders,
    parse_sections,
    placeholder_spans,
    scan_placeholders,
    template_scores,
    template_sections,
)
from corpus_tools.text.placeholders import KINDS

CASES = Path(__file__).parent / "cases"
MARKS = set(PLACEHOLDER_MARKS) | {"某"}


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))
    return cases


def _check_offsets(text: str, spans: pd.DataFrame) -> None:
    rows = zip(
        spans["start"].tolist(),
        spans["end"].tolist(),
        spans["text"].tolist(),
        spans["kind"].tolist(),
        strict=True,
    )
    for start, end, blank, kind in rows:
        assert text[start:end] == blank
        assert kind in KINDS
        assert any(ch in MARKS for ch in blank)
    starts, ends = spans["start"].tolist(), spans["end"].tolist()
    assert starts == sorted(starts)
    assert all(e <= s for e, s in zip(ends, starts[1:], strict=False))  # no overlaps


# --------------------------------------------------------------------------- cases


@pytest.mark.parametrize("case", _cases("placeholders_spans.json"), ids=lambda c: c["label"])
def test_template_blanks(case: dict[str, Any]) -> None:
    spans = find_placeholders(case["input"])
    _check_offsets(case["input"], spans)
    assert spans[["text", "kind"]].values.tolist() == case["expected"]


@pytest.mark.parametrize("case", _cases("placeholders_real.json"), ids=lambda c: c["label"])
def test_real_marks_are_not_blanks(case: dict[str, Any]) -> None:
    assert find_placeholders(case["input"]).empty
    # ... even beside real blanks, which unlock lone marks
    text = "XX区有X个社区，投入X万元。" + case["input"]
    spans = find_placeholders(text)
    assert spans["end"].max() <= len("XX区有X个社区，投入X万元。")


def test_columns_and_dtypes() -> None:
    spans = find_placeholders("XX县有X个村。")
    assert list(spans.columns) == ["start", "end", "text", "kind"]
    assert str(spans["start"].dtype) == "int64" and str(spans["end"].dtype) == "int64"
    empty = find_placeholders("没有空白。")
    assert list(empty.columns) == ["start", "end", "text", "kind"] and empty.empty
    assert str(empty["start"].dtype) == "int64"


def test_lone_marks_need_support() -> None:
    lone = "X财政局在县委领导下，X经济社会发展持续向好。"
    kept = find_placeholders(lone, min_support=0)["text"].tolist()
    assert kept == ["X", "X"]
    # one certain blank (X财政局) is below the default support of two: the lone X goes
    assert find_placeholders(lone)["kind"].tolist() == ["name"]
    supported = lone + "X-X月财政收入X亿元。"
    assert find_placeholders(supported)["kind"].tolist() == ["name", "generic", "date", "money"]


def test_kinds_filter() -> None:
    text = "20XX年XX县投入X万元，建成X个站点，完成率X%。"
    assert find_placeholders(text, kinds=["money", "percent"])["kind"].tolist() == [
        "money",
        "percent",
    ]
    assert find_placeholders(text, kinds="date")["text"].tolist() == ["20XX"]


def test_does_not_mutate_and_is_deterministic(seed_texts: dict[str, str]) -> None:
    corpus = load_texts(seed_texts)
    before = corpus.copy(deep=True)
    a = scan_placeholders(corpus)
    b = scan_placeholders(corpus)
    pd.testing.assert_frame_equal(corpus, before)
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)


# --------------------------------------------------------------------------- seeds


def test_every_blank_of_the_seeds_is_found(seed_texts: dict[str, str]) -> None:
    """The seeds' ×/X/○ runs are all template blanks (read by hand); all must be found,
    and nothing else."""
    for name, text in seed_texts.items():
        # 003 is one report per line
        for doc in text.splitlines() if name.startswith("003_") else [text]:
            gold = [(m.start(), m.end()) for m in PLACEHOLDER_RUN.finditer(doc)]
            spans = find_placeholders(doc)
            _check_offsets(doc, spans)
            got = list(zip(spans["start"], spans["end"], strict=True))
            assert got == gold, (name, doc[:40])


def test_seed_blank_kinds(seed_texts: dict[str, str]) -> None:
    text = next(t for n, t in seed_texts.items() if n.startswith("000_"))
    spans = find_placeholders(text)

    def kind_at(fragment: str, offset: int = 0) -> str:
        pos = text.index(fragment) + offset
        row = spans[spans["start"] == pos]
        assert len(row) == 1, fragment
        return str(row["kind"].iloc[0])

    assert kind_at("第X批", 1) == "number"
    assert kind_at("X万元") == "money"
    assert kind_at("XX路街道") == "name"
    assert kind_at("X化粪池") == "generic"
    seeds3 = next(t for n, t in seed_texts.items() if n.startswith("003_")).splitlines()[1]
    s3 = find_placeholders(seeds3)
    assert dict(zip(s3["text"], s3["kind"], strict=False))["X-X"] == "date"
    assert "percent" in set(s3["kind"])


def test_seed_template_sections_come_first(seed_texts: dict[str, str]) -> None:
    """Sections full of blanks (000's （二）找准症结 and its 三是 item) rank above sections
    without any; every density is the count of spans in the section per 100 chars."""
    corpus = load_texts({n: t for n, t in seed_texts.items() if n.startswith("000_")})
    text = corpus["text"].iloc[0]
    secs = template_sections(corpus)
    spans = placeholder_spans(corpus)
    for rec in secs.to_dict("records"):
        inside = spans[(spans["start"] >= rec["start"]) & (spans["start"] < rec["end"])]
        assert rec["placeholders"] == len(inside)
        assert rec["density"] == pytest.approx(100 * len(inside) / (rec["end"] - rec["start"]))
    assert secs["density"].is_monotonic_decreasing
    top = secs.head(3)["heading"].tolist()
    assert "打造特色促提升" in top
    assert any(h.startswith("找准症结") for h in top)
    no_blank = secs[secs["placeholders"] == 0]
    assert not no_blank.empty and no_blank.index.min() > secs[secs["placeholders"] > 0].index.max()
    assert set(secs["section_id"]) <= set(parse_sections(text)["section_id"])


def test_template_scores_rank_templates_above_filled_reports(seed_texts: dict[str, str]) -> None:
    corpus = load_texts(
        {
            "template": next(t for n, t in seed_texts.items() if n.startswith("000_")),
            "filled": "一、主要做法\n全年投入资金3.2亿元，建成服务中心12个，覆盖居民5万人。"
            "二、下步打算\n持续推进基层党建工作，推动各项工作取得新成效。",
        }
    )
    scores = template_scores(corpus).set_index("doc_id")
    assert scores.loc["template", "template_score"] > 0.5
    assert scores.loc["filled", "template_score"] == 0.0
    assert scores.loc["filled", "placeholders"] == 0
    assert scores["template_score"].min() >= 0 and scores["template_score"].max() <= 1


# --------------------------------------------------------------------------- real corpora


def _corpus(name: str, keep: Any = None, limit: int | None = None) -> pd.DataFrame:
    rows = [
        (r["id"], r["text"]) for r in iter_records(name, limit) if keep is None or keep(r["text"])
    ]
    return pd.DataFrame({"doc_id": [r[0] for r in rows], "text": [r[1] for r in rows]})


_HAS_MARK = re.compile(f"[{re.escape(PLACEHOLDER_MARKS)}]|某某").search


@pytest.mark.parametrize("name", ["provincial_gwr_2026", "state_council_gwr"])
def test_government_reports_have_no_blanks(name: str) -> None:
    corpus = _corpus(name)
    assert len(corpus) > 30
    marks = sum(len(re.findall(f"[{re.escape(PLACEHOLDER_MARKS)}]", t)) for t in corpus["text"])
    assert marks > 20  # the test is only worth something if real marks are there
    spans = placeholder_spans(corpus)
    assert spans.empty, spans.head(10).to_dict("records")
    assert (template_scores(corpus, spans=spans)["template_score"] == 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xinwen_lianbo", "local_regulations"])
def test_news_and_regulations_keep_their_real_marks(name: str) -> None:
    corpus = _corpus(name, keep=lambda t: bool(_HAS_MARK(t)))
    assert len(corpus) > 3
    spans = placeholder_spans(corpus)
    # the only blanks real news writes are names such as “XX报”“XX新闻” (fake accounts):
    # two marks or more standing alone; no lone ×/X of 4×100米, 平台X, X光 is taken
    assert all(len(t) >= 2 for t in spans["text"]), spans.to_dict("records")
    assert len(spans) <= 4


def _bench_module() -> Any:
    path = ROOT / "benchmarks" / "bench_placeholders.py"
    spec = importlib.util.spec_from_file_location("bench_placeholders", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_placeholders", module)
    spec.loader.exec_module(module)
    return module


def test_quality_on_blanked_provincial_reports() -> None:
    """Real reports blanked like templates: P >= 0.98, R >= 0.95, no real ×/X taken."""
    bench = _bench_module()
    docs = [(r["id"], r["text"]) for r in iter_records("provincial_gwr_2026")]
    q = bench.quality(docs[:12], random.Random(7))
    assert q["blanks"] > 300 and q["real_marks"] > 5
    assert q["precision"] >= 0.98
    assert q["recall"] >= 0.95
    assert q["real_taken"] == []


# --------------------------------------------------------------------------- properties

_ALPHABET = "XX×○某某个人万元年月区社县%第.-—0123456789ABMa，。“”的工作推进数据要素+=（）\n "


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_spans_always_slice_the_original(text: str) -> None:
    spans = find_placeholders(text, min_support=0)
    _check_offsets(text, spans)
    # fewer spans with more support required, never different ones
    strict = find_placeholders(text, min_support=3)
    assert set(zip(strict["start"], strict["end"], strict=True)) <= set(
        zip(spans["start"], spans["end"], strict=True)
    )


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_real_snippets_add_no_span(text: str) -> None:
    """Appending real uses of ×/X never adds a span where they are."""
    real = "；提供7×24小时服务，实施“数据要素×”行动，1+N+X体系，X射线。"
    spans = find_placeholders(text + real, min_support=0)
    # no span reaches into the real snippet (a blank may end where the text ends)
    assert (spans["end"] <= len(text)).all()


# --------------------------------------------------------------------------- errors


def test_errors() -> None:
    with pytest.raises(InvalidParameterError, match="'text' parameter of find_placeholders"):
        find_placeholders(b"XX")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'kinds' parameter of find_placeholders"):
        find_placeholders("X个", kinds=["place"])
    with pytest.raises(InvalidParameterError, match="'kinds' parameter"):
        find_placeholders("X个", kinds=[])
    with pytest.raises(InvalidParameterError, match="'kinds' parameter"):
        find_placeholders("X个", kinds=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'min_support' .* an int in \[0, inf\]"):
        find_placeholders("X个", min_support=-1)
    with pytest.raises(InvalidParameterError, match="'corpus' parameter of placeholder_spans"):
        placeholder_spans(pd.DataFrame({"text": ["X个"]}))
    with pytest.raises(InvalidParameterError, match="'text' column holds str"):
        placeholder_spans(pd.DataFrame({"doc_id": ["a"], "text": [None]}))
    docs = load_texts({"a": "XX县有X个村。"})
    with pytest.raises(InvalidParameterError, match="'min_chars' parameter of template_sections"):
        template_sections(docs, min_chars=-5)
    with pytest.raises(InvalidParameterError, match="'max_level' parameter of template_sections"):
        template_sections(docs, max_level=6)
    with pytest.raises(InvalidParameterError, match="'spans' parameter of template_sections"):
        template_sections(docs, spans=pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(InvalidParameterError, match="'threshold' parameter of template_scores"):
        template_scores(docs, threshold=0)
    with pytest.raises(InvalidParameterError, match="'kinds' parameter of scan_placeholders"):
        scan_placeholders(docs, kinds=["nope"])


# --------------------------------------------------------------------------- CLI


def test_cli_json_contract(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(
        "XX区工作汇报\n一、做法\n投入X万元，建成X个站点，覆盖XX社区居民X人。"
        "\n二、打算\n提供7×24小时服务。",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["placeholders", str(tmp_path), "--format", "json", "--min-chars", "0"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    text = (tmp_path / "t.txt").read_text(encoding="utf-8")
    assert [s["text"] for s in data["spans"]] == ["XX", "X", "X", "XX", "X"]
    for span in data["spans"]:
        assert set(span) >= {"doc_id", "start", "end", "text", "kind"}
        assert text[span["start"] : span["end"]] == span["text"]
    sec = data["sections"][0]
    assert set(sec) >= {"doc_id", "start", "end", "heading", "placeholders", "density"}
    assert sec["heading"] == "做法" and sec["placeholders"] == 4
    assert data["documents"][0]["doc_id"] == "t.txt"


def test_cli_formats_and_options(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("20XX年XX县投入X万元。\n全年完成X-X月任务。", encoding="utf-8")
    runner = CliRunner()
    csv = runner.invoke(
        cli,
        ["placeholders", str(tmp_path), "--show", "spans", "--format", "csv", "--kind", "money"],
    )
    assert csv.exit_code == 0, csv.output
    assert csv.output.splitlines() == ["doc_id,start,end,text,kind", "a.txt,10,11,X,money"]
    lines = runner.invoke(
        cli,
        [
            "placeholders",
            str(tmp_path),
            "--split",
            "lines",
            "--show",
            "documents",
            "--format",
            "jsonl",
        ],
    )
    assert lines.exit_code == 0
    docs = [json.loads(x) for x in lines.output.splitlines()]
    assert [d["doc_id"] for d in docs] == ["a.txt:1", "a.txt:2"]
    table = runner.invoke(cli, ["placeholders", str(tmp_path), "--format", "table"])
    assert table.exit_code == 0 and "density" in table.output
    bad = runner.invoke(cli, ["placeholders", str(tmp_path), "--min-support", "-1"])
    assert bad.exit_code == 2
    missing = runner.invoke(cli, ["placeholders", str(tmp_path / "nothing.txt")])
    assert missing.exit_code == 2  # CLI.md: no such path is a usage error
