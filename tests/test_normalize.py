"""Normalisation for matching: folding, idempotence, offsets back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools.errors import InvalidParameterError
from corpus_tools.text import NormalizeConfig, fold, normalize

CASES = [
    ("full-width ASCII", "ＡＢＣ１２３", "abc123"),
    ("quotes", "“三会一课”「两学一做」‘四个意识’", '"三会一课""两学一做""四个意识"'),
    ("punctuation", "一、（一）党建引领：网格化；", "一、(一)党建引领:网格化;"),
    ("dashes", "民情收集—限期办理——结果反馈", "民情收集-限期办理--结果反馈"),
    ("spaces and breaks", "多措并举  找准症结\n创新思路　", "多措并举找准症结创新思路"),
    ("spaced digits", "1 9 9 8年", "1998年"),
    ("book titles", "《实施方案》〈意见〉", "<实施方案><意见>"),
    ("zero-width", "三\u200b会\ufeff一课", "三会一课"),
    ("placeholder widths", "ＸＸ社区 xx社区 XX社区", "xx社区xx社区xx社区"),
]


@pytest.mark.parametrize(("label", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_folding(label: str, raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_offsets_point_into_the_original(seed_texts: dict[str, str]) -> None:
    text = seed_texts["000_14cdbf6256da471f.txt"]
    n = normalize(text)
    # every folded character comes from exactly the original character it maps to
    for i in range(0, len(n.text), 97):
        s, e = n.to_original(i, i + 1)
        assert fold(text[s:e]) == n.text[i]
    # a phrase found on folded text slices the original text
    i = n.text.index('"四位一体"')
    s, e = n.to_original(i, i + len('"四位一体"'))
    assert text[s:e] == "“四位一体”"


def test_collapse_keeps_one_space_per_run() -> None:
    n = normalize("多措并举  找准症结\n\n创新", spaces="collapse")
    assert n.text == "多措并举 找准症结 创新"
    i = n.text.index(" ")
    assert n.to_original(i, i + 1) == (4, 6)


def test_keep_and_config_object() -> None:
    cfg = NormalizeConfig(spaces="keep", lowercase=False)
    assert normalize("A  B", config=cfg).text == "A  B"
    assert normalize("A  B", config=cfg, lowercase=True).text == "a  b"


def test_bad_arguments() -> None:
    with pytest.raises(
        InvalidParameterError, match="'spaces' parameter of normalize must be one of"
    ):
        normalize("x", spaces="squash")
    with pytest.raises(InvalidParameterError, match="'text' parameter of normalize must be a str"):
        normalize(b"x")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'widht' parameter of normalize"):
        normalize("x", widht=True)
    with pytest.raises(InvalidParameterError, match="0 <= start <= end <= 2"):
        normalize("ab").to_original(1, 5)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["remove", "collapse", "keep"]))
def test_idempotent(text: str, spaces: str) -> None:
    once = fold(text, spaces=spaces)
    assert fold(once, spaces=spaces) == once


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["remove", "collapse", "keep"]))
def test_map_is_monotone_and_in_bounds(text: str, spaces: str) -> None:
    n = normalize(text, spaces=spaces)
    assert len(n.starts) == len(n.ends) == len(n.text)
    if len(n.text):
        assert n.starts.min() >= 0
        assert n.ends.max() <= len(text)
        assert (n.starts[1:] >= n.ends[:-1]).all()
        assert (n.ends > n.starts).all()
        # each folded character is the folding of the original span it maps to
        for i in range(len(n.text)):
            piece = text[n.starts[i] : n.ends[i]]
            assert fold(piece, spaces=spaces) == n.text[i]


def test_package_level_normalize_is_the_function() -> None:
    import importlib

    import corpus_tools as ct

    module = importlib.import_module("corpus_tools.text.normalization")
    assert ct.normalize is module.normalize
    assert ct.normalize("ＸＸ社区　").text == "xx社区"
    assert ct.fold("ＡＢ") == "ab"
