"""Blank marks before every unit a number takes are found; real ×/X and quoted name
patterns are not (issue 20's rough edges).

Marks are planted where the seeds write a number (``选派3个`` -> ``选派*个``), one per text,
so no other blank of the text lends support.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import iter_records

from corpus_tools.text import find_placeholders

#: Every mark the README and the placeholders issue name, single and doubled.
MARKS = (
    "X", "XX", "XXX", "x", "Ｘ", "ＸＸ", "×", "××", "○", "○○", "〇〇", "◯◯",
    "＊", "＊＊", "*", "**", "＿＿", "__", "□", "□□", "✕",
)  # fmt: skip
#: Units a number takes in the genre (money, counts, dates, measures, percent).
UNITS = (
    "万", "亿", "千", "个", "%", "％", "‰", "年", "月", "日", "天", "元", "万元", "亿元",
    "美元", "人", "万人", "人次", "户", "次", "项", "名", "家", "件", "条", "场", "所",
    "位", "批", "期", "篇", "份", "座", "辆", "台", "种", "类", "处", "支", "张", "套",
    "本", "倍", "岁", "公里", "千米", "米", "吨", "亩", "公斤", "千克", "平方米", "小时",
    "分钟", "余", "多", "个百分点",
)  # fmt: skip
_NUMBER = re.compile(r"(?<![0-9０-９.])[0-9０-９]+(?:\.[0-9]+)?")
_SENTENCE = re.compile(r"(?<=[。；！？\n])")
#: A sentence the genre writes when the seeds have no number before a unit.
_FALLBACK = "全年共完成7{unit}，同比增长。"
#: Real sentences per unit a mark is planted in.
_PER_UNIT = 3


def _planted(seed_texts: dict[str, str]) -> list[tuple[str, int, int]]:
    sentences = [s for t in seed_texts.values() for s in _SENTENCE.split(t) if s.strip()]
    cases = []
    for unit in UNITS:
        found = [
            (s, m)
            for s in sentences
            for m in _NUMBER.finditer(s)
            if s.startswith(unit, m.end()) and not s.startswith(unit + unit, m.end())
        ][:_PER_UNIT]
        if not found:
            s = _FALLBACK.format(unit=unit)
            found = [(s, m) for m in [_NUMBER.search(s)] if m]
        for s, m in found:
            for mark in MARKS:
                text = s[: m.start()] + mark + s[m.end() :]
                cases.append((text, m.start(), m.start() + len(mark)))
    return cases


def test_every_mark_before_every_unit_is_found(seed_texts: dict[str, str]) -> None:
    cases = _planted(seed_texts)
    assert len(cases) > len(MARKS) * len(UNITS)
    missed = []
    for text, start, end in cases:
        spans = find_placeholders(text)
        if not ((spans["start"] == start) & (spans["end"] == end)).any():
            missed.append(text[max(0, start - 8) : end + 6])
    assert not missed, missed[:20]


@pytest.mark.parametrize(
    "text",
    [
        "提供7×24小时服务",
        "男子4×100米接力",
        "构建“1+N+X”模式",
        "做X光检查，拍X射线片",
        "数据要素×行动",
        "2×3=6",
        "二〇三五年远景目标",
        "一百〇五万人",
        "一九八○年",
        "* 3个社区完成换届",  # a markdown bullet
        "**重点**任务5项",
        "PM_2.5浓度下降",
    ],
)
def test_real_marks_are_never_taken(text: str) -> None:
    assert find_placeholders(text, min_support=0).empty


def test_circle_before_a_round_unit_is_a_blank_after_a_numeral_a_zero() -> None:
    assert find_placeholders("参与群众已达○○万人次")["text"].tolist() == ["○○"]
    assert find_placeholders("投入○亿元")["kind"].tolist() == ["money"]
    assert find_placeholders("一百〇五万人").empty


def test_asterisk_blanks_in_one_sentence() -> None:
    spans = find_placeholders("共有*个社区，投入*万元，增长*%。")
    assert spans[["text", "kind"]].values.tolist() == [
        ["*", "number"],
        ["*", "money"],
        ["*", "percent"],
    ]


def test_quoted_name_pattern_in_news_is_no_blank() -> None:
    """xinwen_lianbo 2025-07-12: fake accounts named “XX报”“XX新闻”: XX stands for any
    name. A template's quoted blank (打造“XX先锋”品牌) is still one."""
    for r in iter_records("xinwen_lianbo"):
        if "“XX报”" in r["text"]:
            assert find_placeholders(r["text"]).empty
            break
    else:
        pytest.fail("the news item with “XX报” is gone")
    assert find_placeholders("打造“XX先锋”“XX驿站”等党建品牌")["text"].tolist() == ["XX", "XX"]
    assert find_placeholders("冠以“XX中心”字样招揽生意").empty


def test_seeds_find_the_same_blanks(seeds_dir: Path) -> None:
    """The README's count: all 442 blank runs of the seeds, nothing else."""
    total = sum(
        len(find_placeholders(p.read_text(encoding="utf-8")))
        for p in sorted(seeds_dir.glob("*.txt"))
    )
    assert total == 442
