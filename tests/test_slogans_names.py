"""Numbers that name, grade or number an edition are no slogans (issue 20's rough edges).

二十国集团 (a group of countries), 四级应急响应 (one grade of a response scale) and 十五运会
(the 15th National Games) were mined from the news corpus as numeric slogans; the plan
period 十四五, all numerals, is a formula of the genre and is kept.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import iter_records

from corpus_tools.slogans import mine_slogans
from corpus_tools.slogans.rules import (
    GRADE,
    GROUP_NAME,
    NUMBERED_EVENT,
    numeric_reason,
    single_reason,
)

#: Enough news items holding each false positive for the miner's repeat cue (3 uses).
_ITEMS_EACH = 12
_NAMES = ("二十国集团", "七国集团", "四级应急响应", "十五运会", "十四冬")


@pytest.fixture(scope="module")
def news_items() -> pd.DataFrame:
    """News items that use the names above, and items that quote “十四五”."""
    wanted = {w: 0 for w in (*_NAMES, "“十四五”")}
    rows = []
    for r in iter_records("xinwen_lianbo"):
        hits = [w for w in wanted if w in r["text"] and wanted[w] < _ITEMS_EACH]
        if hits:
            rows.append({"doc_id": r["id"], "text": r["text"]})
            for w in hits:
                wanted[w] += 1
        if all(n >= _ITEMS_EACH for n in wanted.values()):
            break
    return pd.DataFrame(rows)


def test_news_names_grades_and_editions_are_not_mined(news_items: pd.DataFrame) -> None:
    table = mine_slogans(news_items, progress=False)
    mined = set(table["slogan"])
    for name in _NAMES:
        assert name in "".join(news_items["text"])
        assert name not in mined, name
    assert not any(s.startswith(("二十国", "四级应急")) for s in mined)
    # what the same items say in numbered formulas is still found
    assert "十四五" in mined
    assert mined & {"两个确立", "两个维护", "一带一路", "四个意识"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("二十国集团", GROUP_NAME),
        ("77国集团和中国", GROUP_NAME),
        ("四级应急响应", GRADE),
        ("二级预警", GRADE),
        ("三级医院", GRADE),
        ("二级保护动物", GRADE),
        ("十五运会", NUMBERED_EVENT),
        ("十四冬", NUMBERED_EVENT),
    ],
)
def test_reasons(text: str, reason: str) -> None:
    assert numeric_reason(text) == reason
    assert single_reason(text) == reason


@pytest.mark.parametrize(
    "text", ["三级联动", "五级书记", "十四五", "十三五", "三会一课", "四个意识"]
)
def test_levels_of_government_and_plan_periods_stay(text: str) -> None:
    assert numeric_reason(text) is None
    assert single_reason(text) is None


def test_seed_slogans_unchanged(seed_corpus: pd.DataFrame) -> None:
    mined = set(mine_slogans(seed_corpus, progress=False)["slogan"])
    assert {"三会一课", "一征三议两公开", "三社联动"} <= mined
