"""Report structure on the seeds, against structures read off by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.errors import InvalidParameterError
from corpus_tools.text import find_title, parse_sections
from corpus_tools.text.structure import cn_number

# (level, heading) of levels 1-4, read off each seed by hand.
EXPECTED = {
    "000_14cdbf6256da471f.txt": [
        (1, "主要做法"),
        (2, "科学谋划，夯实责任，加强整顿工作组织领导"),
        (2, "找准症结，细化措施，促进整顿工作深入开展"),
        (2, "强化督导，示范带动，确保整顿工作取得实效"),
    ],
    "001_76da920ca12b73e0.txt": [
        (1, "存在突出问题"),
        (2, "存在主要问题"),
        (2, "问题产生的原因"),
        (1, "问题整顿情况"),
        (3, "强化队伍建设"),
        (3, "优化帮扶队伍"),
        (3, "办好民生实事"),
        (3, "抓好信访维稳"),
        (1, "下一步工作打算"),  # the report skips 三、 and goes on with 四、
        (3, "加强党组织建设"),
        (3, "狠抓队伍建设"),
        (3, "优化办公环境"),
        (3, "强化综治维稳"),
        (3, "注重民生实事"),
        (3, "抓好建章立制"),
    ],
    "002_fcffc313e2c7ef3d.txt": [
        (1, "主要做法及成效"),
        (2, "抓观念转变，树牢城市基层党建新理念"),
        (2, "抓统筹协调，提升城市基层党建整体效应"),
        (2, "抓规范建设，夯实城市党建基层基础"),
        (2, "抓队伍建设，激发基层组织建设活力"),
        (2, "抓党建引领，提升城市基层治理水平"),
        (1, "下一步工作计划"),
        (2, "以提升组织力为重点，推进基层组织体系建设"),
        (2, "以创新服务载体为抓手，推进基层服务体系建设"),
        (2, "以“三治并进”为支撑，推进基层治理体系建设"),
    ],
    "004_4ba3fb77ef7e832c.txt": [
        (1, "坚持党建引领，进一步优化组织领导"),
        (2, "优化社区党组织设置"),
        (2, "优化社区红色服务"),
        (2, "强化社区工作保障"),
        (1, "坚持“一张网”，织密“红色连心圈”"),
        (2, "以网格为依托，抓实抓细基层治理"),
        (2, "以社区为轴心，抓共建促联合治理"),
        (2, "以社区为圆心，抓引领促同心共治"),
        (1, "坚持深化服务，强化“一名党员一面旗”理念"),
        (2, "优化社区党群服务中心建设"),
        (2, "完善行政服务中心服务功能"),
        (2, "发挥党员先锋模范作用"),
        (2, "单元志愿服务带动民间团体志愿服务"),
        (1, "坚持党建引领，推动工作落实落细"),
        (2, "坚持党建引领"),
        (2, "加强志愿服务体系建设"),
        (2, "丰富社区服务"),
    ],
}

# The report of seed 003 (lines 4-9) runs every heading into one line.
EXPECTED_003_REPORT_START = [
    (1, "社区服务型党组织建设"),
    (2, "经验做法"),
    (3, "抓基础,创新基层组织设置"),
    (3, "抓创新,丰富为民服务载体"),
    (3, "抓保障,强化基层制度建设"),
    (2, "存在问题"),
    (3, "发挥“引擎”作用不够突出"),
    (3, "发挥“引领”作用不够积极"),
    (3, "发挥“融合”作用不够主动"),
    (2, "下步对策"),
    (3, "多措并举,加强社区干部队伍建设"),
    (3, "整合资源,完善社区党建经费保障"),
    (3, "探索创新,提升社区党建工作实效"),
    (1, "提升基层党建引领社区治理水平"),
]

TITLES = {
    "000_14cdbf6256da471f.txt": "XX区后进社区整顿工作汇报材料",
    "001_76da920ca12b73e0.txt": "",
    "002_fcffc313e2c7ef3d.txt": "迎接市委组织部党建工作调研汇报材料",
    "004_4ba3fb77ef7e832c.txt": "县委组织部党建工作融入社区为民服务工作情况报告",
}


def _headings(frame: pd.DataFrame) -> list[tuple[int, str]]:
    heads = frame[(frame["level"] >= 1) & (frame["level"] <= 4)]
    return list(zip(heads["level"].tolist(), heads["heading"].tolist(), strict=True))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_headings(name: str, seed_texts: dict[str, str]) -> None:
    assert _headings(parse_sections(seed_texts[name])) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(TITLES))
def test_seed_titles(name: str, seed_texts: dict[str, str]) -> None:
    assert find_title(seed_texts[name]) == TITLES[name]


def test_run_in_headings_of_seed_003(seeds_dir) -> None:  # type: ignore[no-untyped-def]
    docs = ct.load_corpus(next(seeds_dir.glob("003_*.txt")), split="lines").documents
    report = docs["text"].iloc[3]
    assert find_title(report) == "X区加强和完善城乡社区治理工作情况报告"
    heads = _headings(parse_sections(report))
    assert heads[: len(EXPECTED_003_REPORT_START)] == EXPECTED_003_REPORT_START
    top = [h for lvl, h in heads if lvl == 1]
    assert top == [
        "社区服务型党组织建设",
        "提升基层党建引领社区治理水平",
        "加强社区党务工作者队伍建设",
    ]
    # the one-line summary of line 2 runs three levels into its first line
    line2 = docs["text"].iloc[1]
    assert _headings(parse_sections(line2)) == [
        (1, "2021年上半年工作小结"),
        (2, "努力组织收入,助力曲线上扬"),
        (3, "全力挖掘增收潜力"),
    ]


def test_sections_nest_and_tile(seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        frame = parse_sections(text)
        assert frame["section_id"].tolist() == list(range(len(frame)))
        for row in frame.itertuples():
            assert 0 <= row.start < row.end <= len(text)
            if row.parent >= 0:
                parent = frame.loc[row.parent]
                assert parent["level"] < row.level
                assert parent["start"] <= row.start and row.end <= parent["end"]
            if row.level >= 1:
                # the heading text stands right after its marker in the original
                assert row.heading in text[row.start : row.start + len(row.heading) + 8]


def test_enumeration_items_are_level_5(seed_texts: dict[str, str]) -> None:
    frame = parse_sections(seed_texts["000_14cdbf6256da471f.txt"])
    items = frame[frame["level"] == 5]
    assert items["heading"].tolist()[:4] == [
        "区级领导挂点联系",
        "区直部门对口帮扶",
        "党工委书记包点督导",
        "驻社区第一书记具体负责",
    ]
    assert set(frame.loc[items["parent"], "level"]) == {2}


def test_words_that_look_like_markers_are_not_headings() -> None:
    text = "坚持统一、规范管理，收入增长1.5%，完成第一、二季度任务。\n一、主要做法\n正文。"
    assert _headings(parse_sections(text)) == [(1, "主要做法")]


def test_salutation_and_front_matter(seed_texts: dict[str, str]) -> None:
    text = seed_texts["002_fcffc313e2c7ef3d.txt"]
    front = parse_sections(text).iloc[0]
    assert front["level"] == 0
    assert "尊敬的调研组各位领导" in text[front["start"] : front["end"]]
    assert text[front["end"] :].startswith("一、主要做法及成效")


def test_cn_number() -> None:
    assert [cn_number(s) for s in ["一", "十", "十二", "二十", "二十三", "12"]] == [
        1,
        10,
        12,
        20,
        23,
        12,
    ]


def test_sections_over_a_corpus_and_inspect(seeds_dir) -> None:  # type: ignore[no-untyped-def]
    docs = ct.load_corpus(seeds_dir).documents
    secs = ct.sections(docs)
    assert secs.columns[0] == "doc_id"
    assert set(secs["doc_id"]) == set(docs["doc_id"])
    table = ct.inspect(docs)
    assert table["chars"].tolist() == [len(t) for t in docs["text"]]
    assert table.loc[table["doc_id"] == "004_4ba3fb77ef7e832c.txt", "sections"].item() == 17


def test_errors() -> None:
    with pytest.raises(
        InvalidParameterError, match="'text' parameter of parse_sections must be a str"
    ):
        parse_sections(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="columns \\['doc_id', 'text'\\]"):
        ct.sections(pd.DataFrame({"x": [1]}))
