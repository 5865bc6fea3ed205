"""corpus_tools.tokens: the genre's stopword list, as segmenter tokens."""

from __future__ import annotations

import pytest

from corpus_tools.errors import InvalidParameterError
from corpus_tools.tokens import STOPWORD_KINDS, load_stopwords


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the compiled dictionary out of the user's home."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CORPUS_TOOLS_CACHE", str(tmp_path_factory.mktemp("ct-cache")))
    yield None
    mp.undo()


def test_both_kinds_by_default() -> None:
    stop = load_stopwords()
    assert stop == load_stopwords(kinds=STOPWORD_KINDS)
    assert {"工作", "开展", "加强", "推进", "进一步", "切实"} <= stop  # the 套话 of the issue
    assert {"的", "了", "和", "一是"} <= stop
    assert isinstance(stop, frozenset)


def test_kinds_are_separate_sections() -> None:
    genre = load_stopwords(kinds=["genre"])
    function = load_stopwords(kinds=["function"])
    assert "推进" in genre and "推进" not in function
    assert "的" in function and "的" not in genre
    assert load_stopwords(kinds=[]) == frozenset()
    assert load_stopwords(kinds=["genre"], extra=["XX社区"]) == genre | {"XX社区"}


def test_slogans_and_content_words_are_kept(seed_texts: dict) -> None:
    from corpus_tools.tokens import Segmenter

    stop = load_stopwords()
    assert not stop & Segmenter().protected_words
    for word in ("党建", "社区", "网格", "乡村振兴", "党员"):
        assert word not in stop


def test_every_stopword_is_one_segmenter_token() -> None:
    """Stopwords are compared with tokens: a word the segmenter splits would never match."""
    from corpus_tools.tokens import Segmenter

    seg = Segmenter()
    assert [w for w in sorted(load_stopwords()) if seg.cut(w) != [w]] == []


def test_stopwords_cover_much_of_a_report(seed_texts: dict) -> None:
    from corpus_tools.tokens import Segmenter, is_content_token

    seg = Segmenter()
    stop = load_stopwords(kinds=["genre"])
    text = seed_texts[sorted(seed_texts)[0]]
    tokens = [t for t in seg.cut(text, drop_space=True) if is_content_token(t)]
    share = sum(t in stop for t in tokens) / len(tokens)
    assert 0.05 < share < 0.5  # the 套话 are frequent, but most tokens stay


def test_bad_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="'kinds' parameter of load_stopwords"):
        load_stopwords(kinds="genre")
    with pytest.raises(InvalidParameterError, match="Got 'slogans' instead"):
        load_stopwords(kinds=["slogans"])
    with pytest.raises(InvalidParameterError, match="'extra' parameter of load_stopwords"):
        load_stopwords(extra="的")
    with pytest.raises(InvalidParameterError, match="non-empty str"):
        load_stopwords(extra=[""])
