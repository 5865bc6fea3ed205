"""Residue in ``flag`` (issue 18, item 2): unfilled blanks and names of another place left in
the passages a submission copied, with offsets, the source and a certainty."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import iter_records
from test_residue import belongs, rewrite

from corpus_tools.cli import cli
from corpus_tools.dedup import flag_submissions
from corpus_tools.errors import InvalidParameterError

MEITAN = (
    "湄潭县2025年政府工作报告\n过去一年，全县茶园面积稳定在60万亩，兴隆镇、永兴镇、复兴镇"
    "茶叶产值增长12%，湄江街道新建茶旅融合示范点3个。我们坚持生态优先，湄潭县获评全国茶旅"
    "融合示范县，遵义市委、市政府充分肯定。今年要推动茶产业提质增效，建成标准化茶园10万亩。"
)
#: 湄潭县's report rewritten for 凤冈县: its county name and 湄江街道 changed, the townships
#: 兴隆镇、永兴镇、复兴镇 left, a figure blanked.
FENGGANG = MEITAN.replace("湄潭县", "凤冈县").replace("湄江街道", "龙泉镇").replace("60", "X")
LEFT = ["兴隆镇", "永兴镇", "复兴镇"]


def _foreign(report: object) -> pd.DataFrame:
    res = report.residue  # type: ignore[attr-defined]
    return res[res["kind"] == "foreign_place"]


@pytest.mark.parametrize("place", ["凤冈县", None])
def test_townships_of_the_source_left_in_a_copy(place: str | None) -> None:
    report = flag_submissions({"fg": FENGGANG}, against={"meitan": MEITAN}, place=place)
    sub = report.submissions.iloc[0]
    assert sub["place"] == "贵州省遵义市凤冈县"  # given, or inferred from the names outside
    foreign = _foreign(report)
    assert foreign["text"].tolist() == LEFT
    assert set(foreign["certainty"]) == {"certain"}
    assert set(foreign["source_doc_id"]) == {"meitan"}
    assert foreign["belongs_to"].tolist() == [f"贵州省遵义市湄潭县{t}" for t in LEFT]
    assert foreign["code"].str.startswith("520328").all()
    res = report.residue
    for r in res.itertuples():
        assert FENGGANG[r.start : r.end] == r.text
    blank = res[res["kind"] == "placeholder"]
    assert blank["text"].tolist() == ["X"] and blank["certainty"].tolist() == ["certain"]
    assert int(sub["residue"]) == len(res) == 4
    # the substituted names are not taken
    assert "凤冈县" not in set(res["text"]) and "龙泉镇" not in set(res["text"])
    # the held document's side of each passage
    p = report.passages.iloc[0]
    assert p["match_text"] == MEITAN[p["match_start"] : p["match_end"]]

    (data,) = report.to_json()
    assert data["place"] == "贵州省遵义市凤冈县"
    assert [r["text"] for r in data["residue"] if r["kind"] == "foreign_place"] == LEFT
    first = next(r for r in data["residue"] if r["kind"] == "foreign_place")
    assert set(first) == {
        "start",
        "end",
        "text",
        "kind",
        "detail",
        "belongs_to",
        "code",
        "certainty",
        "source_doc_id",
    }
    assert FENGGANG[first["start"] : first["end"]] == first["text"]
    assert first["detail"] == "township"
    assert len(data["template_residue"]) == 1
    assert data["residue_count"] == 4 and data["residue_certain"] == 4


def test_names_in_a_quotation_of_a_reference_are_not_residue() -> None:
    national = (
        "推动京津冀协同发展、长江经济带发展、粤港澳大湾区建设，高标准高质量建设雄安新区，"
        "支持浙江高质量发展建设共同富裕示范区，支持深圳建设中国特色社会主义先行示范区。"
    )
    own = "凤冈县2025年政府工作报告\n全县上下认真学习，我县茶产业稳步发展，凤冈县锌硒茶品牌更响。"
    report = flag_submissions(
        {"fg": own + national}, against={"x": "无关的文字。" * 20}, reference={"gwr": national}
    )
    assert report.submissions["quoted_ratio"].iloc[0] > 0.5
    assert report.submissions["place"].iloc[0] == "贵州省遵义市凤冈县"
    assert _foreign(report).empty
    # the same names outside any quotation are possible residue
    alone = flag_submissions({"fg": own + national}, against={"x": "无关的文字。" * 20})
    foreign = _foreign(alone)
    assert foreign["text"].tolist() == ["浙江", "深圳"]
    assert set(foreign["certainty"]) == {"possible"}
    assert foreign["source_doc_id"].isna().all()


def test_place_field_and_errors() -> None:
    subs = pd.DataFrame(
        {"doc_id": ["a", "b"], "text": [FENGGANG, FENGGANG], "county": ["凤冈县", ""]}
    )
    report = flag_submissions(subs, against={"meitan": MEITAN}, place_field="county")
    assert report.submissions["place"].tolist() == ["贵州省遵义市凤冈县"] * 2
    with pytest.raises(InvalidParameterError, match=r"'place' parameter of DedupIndex\.flag"):
        flag_submissions(subs, against={"m": MEITAN}, place="凤冈县", place_field="county")
    with pytest.raises(InvalidParameterError, match=r"'place_field' parameter of DedupIndex\.flag"):
        flag_submissions(subs, against={"m": MEITAN}, place_field="province")
    bad = subs.assign(county=["凤冈县", "不存在县"])
    with pytest.raises(InvalidParameterError, match="submission 'b'"):
        flag_submissions(bad, against={"m": MEITAN}, place_field="county")
    with pytest.raises(InvalidParameterError, match="names 4"):
        flag_submissions(subs, against={"m": MEITAN}, place="鼓楼区")
    with pytest.raises(InvalidParameterError, match="'place' parameter"):
        flag_submissions(subs, against={"m": MEITAN}, place=520327)


def test_cli_residue_in_json_and_table(tmp_path: Path) -> None:
    held = tmp_path / "held"
    held.mkdir()
    (held / "meitan.txt").write_text(MEITAN, encoding="utf-8")
    sub = tmp_path / "fenggang.txt"
    sub.write_text(FENGGANG, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(
        cli, ["flag", str(sub), "--against", str(held), "--place", "凤冈县", "--format", "json"]
    )
    assert res.exit_code == 1, res.output
    (data,) = json.loads(res.stdout)
    assert data["place"] == "贵州省遵义市凤冈县"
    foreign = [r for r in data["residue"] if r["kind"] == "foreign_place"]
    assert [r["text"] for r in foreign] == LEFT
    assert {r["source_doc_id"] for r in foreign} == {"meitan.txt"}
    table = runner.invoke(cli, ["flag", str(sub), "--against", str(held), "--place", "凤冈县"])
    assert table.exit_code == 1
    assert "foreign_place" in table.stdout and "贵州省遵义市湄潭县兴隆镇" in table.stdout
    # --place-field from a JSONL submission's metadata
    jsonl = tmp_path / "subs.jsonl"
    jsonl.write_text(
        json.dumps({"id": "fg", "text": FENGGANG, "county": "凤冈县"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        cli,
        ["flag", str(jsonl), "--against", str(held), "--place-field", "county", "--format", "json"],
    )
    assert res.exit_code == 1, res.output
    assert json.loads(res.stdout)[0]["place"] == "贵州省遵义市凤冈县"
    # usage errors
    both = runner.invoke(
        cli, ["flag", str(sub), "--against", str(held), "--place", "凤冈县", "--place-field", "x"]
    )
    assert both.exit_code == 2 and "at most one of --place and --place-field" in both.output
    unknown = runner.invoke(cli, ["flag", str(sub), "--against", str(held), "--place", "不存在县"])
    assert unknown.exit_code == 2 and "'place' parameter" in unknown.output


# --------------------------------------------------------------------------- the check


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("贵州省", "四川省"),
        ("浙江省", "江苏省"),
        ("河南省", "山东省"),
        ("广东省", "福建省"),
        ("甘肃省", "青海省"),
        ("云南省", "广西壮族自治区"),
    ],
)
def test_flag_finds_the_names_left_in_a_report_rewritten_for_another_province(
    a: str, b: str
) -> None:
    """Province ``a``'s report rewritten for ``b`` with every third city and county name
    left unchanged, flagged against the other provinces' reports: at least 90% of the names
    left found as ``foreign_place`` with slicing offsets and the report of ``a`` as their
    source, none of the names put in taken, at most two other ``certain`` findings. The
    submission's place given, and inferred."""
    texts = {rec["province"]: rec["text"] for rec in iter_records("provincial_gwr_2026")}
    new, kept, put = rewrite(texts[a], a, b)
    assert len(kept) >= 10
    held = pd.DataFrame(
        {"doc_id": [p for p in texts if p != b], "text": [t for p, t in texts.items() if p != b]}
    )
    for place in (b, None):
        report = flag_submissions({"sub": new}, against=held, place=place)
        assert report.flagged
        assert report.submissions["place"].iloc[0] == b
        foreign = _foreign(report)
        spans = {
            (int(s), int(e)): d for s, e, d in foreign[["start", "end", "source_doc_id"]].values
        }
        found = [k for k in kept if k in spans]
        assert len(found) >= 0.9 * len(kept)
        for start, end in found:
            assert belongs(new[start:end], a)
            assert spans[(start, end)] in (a, None)  # (None: between two copied passages)
        assert sum(spans[k] == a for k in found) >= 0.8 * len(kept)
        assert not [p for p in put if ((foreign["start"] < p[1]) & (foreign["end"] > p[0])).any()]
        res = report.residue
        certain = res[res["certainty"] == "certain"]  # (blanks count too)
        kept_set = set(kept)
        others = [
            s for s in zip(certain["start"], certain["end"], strict=True) if s not in kept_set
        ]
        assert len(others) <= 2
