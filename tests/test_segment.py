"""corpus_tools.tokens: slogans and placeholders whole, jieba-identical elsewhere, cache, workers."""

from __future__ import annotations

import bisect
import json
import pickle
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import iter_records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus_tools.errors import InvalidParameterError
from corpus_tools.text import PLACEHOLDER_RUN
from corpus_tools.tokens import (
    Segmenter,
    default_cache_dir,
    gensim_corpus,
    is_content_token,
    segment_corpus,
)

# Sentences written for these tests: template blanks, slogans, numbers, mixed scripts.
SENTENCES = [
    "XX社区在X-X月开展“三会一课”，落实一征三议两公开，推动三社联动。",
    "20XX年，×区委组织部投入X.X万元，建成X个党群服务中心，覆盖○○街道和＊＊村。",
    "ＸＸ镇１９９８年起实行四议两公开，2023年完成3.5万元、12.5%的任务。",
    "平台支持7×24小时服务，推进数据要素×和人工智能+行动，5G基站达到G20标准。",
    "Linux 服务器 3x3 篮球赛　全角空格\n\n第二段\t制表符 一岗双责  两个确立",
    "统一把手机交给一把手，三星级酒店，明确两个责任人，打赢脱贫攻坚战。",
]


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the compiled lexicon and the segment cache out of the user's home."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CORPUS_TOOLS_CACHE", str(tmp_path_factory.mktemp("ct-cache")))
    yield None
    mp.undo()


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter().load()


def _containing(spans: list[tuple[str, int, int]], pos: int) -> tuple[str, int, int]:
    """The token whose span holds character ``pos``."""
    ends = [e for _, _, e in spans]
    return spans[bisect.bisect_right(ends, pos)]


def _cut_inside(spans: list[tuple[str, int, int]], start: int, end: int) -> bool:
    """True when a token boundary falls strictly inside ``[start, end)``."""
    _, _, tok_end = _containing(spans, start)
    return tok_end < end


# --------------------------------------------------------------------------- round trip


def test_tokens_join_to_the_text_and_spans_slice_it(seg: Segmenter, seed_texts: dict) -> None:
    for text in [*seed_texts.values(), *SENTENCES]:
        tokens = seg.cut(text)
        assert "".join(tokens) == text
        spans = seg.spans(text)
        assert [t for t, _, _ in spans] == tokens
        assert all(text[s:e] == t for t, s, e in spans)
        dropped = seg.cut(text, drop_space=True)
        assert dropped == [t for t in tokens if not t.isspace()]
        assert [t for t, _, _ in seg.spans(text, drop_space=True)] == dropped


def test_whitespace_runs_are_single_tokens(seg: Segmenter) -> None:
    tokens = seg.cut(SENTENCES[4])
    assert "\n\n" in tokens and "\u3000" in tokens and "  " in tokens
    assert not any(
        t.isspace() and not t.strip() and any(not c.isspace() for c in t) for t in tokens
    )
    assert not any(c.isspace() for t in tokens if not t.isspace() for c in t)


def test_same_text_same_tokens_across_segmenters(seed_texts: dict) -> None:
    text = seed_texts[sorted(seed_texts)[1]]
    assert Segmenter().cut(text) == Segmenter().cut(text)


# --------------------------------------------------------------------------- placeholders


def test_placeholder_runs_are_whole_tokens(seg: Segmenter) -> None:
    tokens = seg.cut("".join(SENTENCES[:3]))
    for run in ("XX", "X-X", "20XX", "×", "X.X", "X", "○○", "＊＊", "ＸＸ"):
        assert run in tokens, run
    # the blank is never glued to the word after it
    assert "社区" in tokens and "区委" in tokens and "镇" in tokens


def test_latin_x_inside_words_is_not_a_placeholder(seg: Segmenter) -> None:
    tokens = seg.cut(SENTENCES[4])
    assert "Linux" in tokens
    assert "x" not in tokens  # 3x3 stays with its digits


def test_every_placeholder_run_of_the_seeds_is_one_token(seg: Segmenter, seed_texts: dict) -> None:
    checked = 0
    for text in seed_texts.values():
        spans = seg.spans(text)
        starts = {s for _, s, _ in spans}
        ends = {e for _, _, e in spans}
        for m in PLACEHOLDER_RUN.finditer(text):
            s, e = m.span()
            before = text[s - 1] if s else ""
            after = text[e] if e < len(text) else ""
            if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
                continue  # a Latin word or a number, not a blank
            assert not _cut_inside(spans, s, e), text[s - 5 : e + 5]
            # the run is a token of its own unless it sits inside a protected slogan
            assert (s in starts and e in ends) or len(_containing(spans, s)[0]) > e - s
            checked += 1
    assert checked > 300  # the seeds are templates full of blanks


def test_placeholders_module_spans_are_tokens(seg: Segmenter, seed_texts: dict) -> None:
    from corpus_tools.text import find_placeholders

    checked = 0
    for text in seed_texts.values():
        spans = seg.spans(text)
        starts = {s for _, s, _ in spans}
        ends = {e for _, _, e in spans}
        frame = find_placeholders(text)
        for start, end, blank in frame[["start", "end", "text"]].itertuples(index=False):
            assert start in starts and end in ends, blank
            assert not _cut_inside(spans, start, end), blank
            checked += 1
    assert checked > 300


# --------------------------------------------------------------------------- slogans


def test_domain_slogans_are_never_cut(seg: Segmenter) -> None:
    text = "".join(SENTENCES)
    tokens = seg.cut(text)
    for slogan in (
        "三会一课",
        "一征三议两公开",
        "三社联动",
        "四议两公开",
        "一岗双责",
        "两个确立",
        "7×24小时",
        "数据要素×",
        "人工智能+",
    ):
        assert slogan in tokens, slogan


def test_ambiguous_short_words_are_not_forced(seg: Segmenter) -> None:
    tokens = seg.cut(SENTENCES[5])
    assert "统一" in tokens  # 一把手 is a word, but not protected: 统一/把/手机
    assert "一把手" in tokens
    assert "两个责任" not in tokens  # 两个/责任人
    assert "脱贫攻坚战" in tokens  # not 脱贫攻坚/战


def test_mined_slogans_of_the_seeds_are_never_cut(seed_texts: dict) -> None:
    from corpus_tools.slogans import mine_slogans, to_lexicon

    words = to_lexicon(mine_slogans(list(seed_texts.values())))
    assert len(words) > 30
    seg = Segmenter(extra_words=words)
    occurrences = 0
    for text in seed_texts.values():
        spans = seg.spans(text)
        for word in words:
            i = text.find(word)
            while i >= 0:
                occurrences += 1
                assert not _cut_inside(spans, i, i + len(word)), (word, text[i - 5 : i + 20])
                i = text.find(word, i + 1)
    assert occurrences > 300


def test_plain_jieba_cuts_the_slogans_we_keep(seed_texts: dict) -> None:
    """The reason for this module: jieba's dictionary alone cuts most slogans of the seeds."""
    plain = Segmenter(domain_lexicon=False)  # jieba's dictionary alone
    ours = Segmenter()
    slogans = [w for w in ours.protected_words if w.isalpha() and w[0] in "一二三四五两双"]
    present = [w for w in slogans if any(w in t for t in seed_texts.values())]
    assert len(present) >= 15
    cut_by_jieba = [w for w in present if plain.cut(w) != [w]]
    assert len(cut_by_jieba) > len(present) // 2
    for w in present:
        assert ours.cut(w) == [w]


def test_user_lexicon_file_words_are_protected(tmp_path: Path) -> None:
    lexicon = tmp_path / "slogans.txt"
    lexicon.write_text(
        "# mined\n双推双评三全程 3000 nz\n三岗十八级\n红色连心圈 5\n", encoding="utf-8"
    )
    text = "推行双推双评三全程和三岗十八级，打造红色连心圈。"
    seg = Segmenter(lexicons=[lexicon])
    tokens = seg.cut(text)
    assert {"双推双评三全程", "三岗十八级", "红色连心圈"} <= set(tokens)
    assert {"双推双评三全程", "三岗十八级", "红色连心圈"} <= seg.protected_words
    loose = Segmenter(lexicons=[lexicon], protect_lexicons=False)
    assert "红色连心圈" not in loose.protected_words
    assert "三岗十八级" in loose.cut(text)  # still a dictionary word


def test_protected_words_win_leftmost_then_longest() -> None:
    seg = Segmenter(
        extra_words=["三级联创", "五化并举", "三级联创五化并举", "创五"], domain_lexicon=False
    )
    assert seg.cut("推行三级联创五化并举") == ["推行", "三级联创五化并举"]
    assert seg.cut("三级联创和五化并举") == ["三级联创", "和", "五化并举"]


def test_global_jieba_is_untouched() -> None:
    import jieba

    Segmenter(extra_words=["甲乙丙丁戊己庚"]).load()
    assert jieba.dt.FREQ.get("甲乙丙丁戊己庚") is None


# --------------------------------------------------------------------------- numbers


def test_numbers_are_one_token_apart_from_their_unit(seg: Segmenter) -> None:
    tokens = seg.cut(SENTENCES[2])
    for number in ("１９９８", "2023", "3.5", "12.5%"):
        assert number in tokens, number
    assert "万元" in tokens and "年" in tokens
    mixed = seg.cut(SENTENCES[3])
    assert "5G" in mixed and "G20" in mixed


# --------------------------------------------------------------------------- same as jieba


def _jieba_identity(texts: list[str], hmm: bool) -> int:
    fast = Segmenter(hmm=hmm)
    ref = Segmenter(hmm=hmm, algorithm="jieba")
    compared = 0
    for text in texts:
        assert fast.cut(text) == ref.cut(text)
        compared += len(text)
    return compared


@pytest.mark.parametrize("hmm", [True, False])
def test_fast_algorithm_gives_jiebas_tokens_on_the_seeds(seed_texts: dict, hmm: bool) -> None:
    assert _jieba_identity([*seed_texts.values(), *SENTENCES], hmm) > 40_000


@pytest.mark.slow
def test_fast_algorithm_gives_jiebas_tokens_on_real_reports() -> None:
    texts = [r["text"] for r in iter_records("provincial_gwr_2026", limit=8)]
    texts += [r["text"] for r in iter_records("xinwen_lianbo", limit=300)]
    assert _jieba_identity(texts, True) > 200_000


#: Runs that are not Chinese which jieba-rs's HMM keeps whole and jieba's splits (the
#: "fast" algorithm splits them as jieba does), beside runs both keep.
LATIN_RUNS = [
    "网址www.kjzfw.mil.cn，欢迎访问",
    "迈步进入5.5G时代",
    "歼35-A和F-16战机、S-300防空系统",
    "今年1-9月新开工改造小区4.8万个，5.1-9月新增就业",
    "2024-2030年规划，流花11-1油田",
    "C++与C#、AT&T、a_b、x.y%z、abc-def-ghi",
]


@pytest.mark.parametrize("hmm", [True, False])
def test_fast_algorithm_splits_latin_runs_as_jieba(hmm: bool) -> None:
    fast, ref = Segmenter(hmm=hmm), Segmenter(hmm=hmm, algorithm="jieba")
    for text in LATIN_RUNS:
        assert fast.cut(text) == ref.cut(text), text
    assert fast.cut(LATIN_RUNS[0])[1:4] == ["www", ".", "kjzfw"]


def test_fast_algorithm_runs_on_rjieba_with_the_lexicons(tmp_path: Path) -> None:
    """The "fast" algorithm is jieba-rs (when rjieba is installed) over the same dictionary:
    lexicon words with and without a frequency, and protected words, give jieba's tokens."""
    pytest.importorskip("rjieba")
    from corpus_tools.tokens.core import RustCore

    lexicon = tmp_path / "lex.txt"
    lexicon.write_text("网格化管理 5\n接诉即办\n基层减负 200000 n\n", encoding="utf-8")
    text = "推进网格化管理和接诉即办，抓好基层减负，落实一征三议两公开。"
    fast = Segmenter(lexicons=[lexicon], protect_lexicons=False)
    ref = Segmenter(lexicons=[lexicon], protect_lexicons=False, algorithm="jieba")
    assert isinstance(fast.load()._core, RustCore)
    assert fast.cut(text) == ref.cut(text)
    assert "接诉即办" in fast.cut(text) and "一征三议两公开" in fast.cut(text)


def test_fast_algorithm_without_rjieba_is_the_python_port(
    seed_texts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where rjieba is not installed, "fast" runs jieba's algorithm ported to Python."""
    from corpus_tools.tokens import segmenter
    from corpus_tools.tokens.core import Core

    monkeypatch.setattr(segmenter, "rust_version", lambda: None)
    fast = Segmenter(extra_words=["三岗十八级"])
    assert isinstance(fast.load()._core, Core)
    ref = Segmenter(extra_words=["三岗十八级"], algorithm="jieba")
    for text in [*list(seed_texts.values())[:3], *LATIN_RUNS]:
        assert fast.cut(text) == ref.cut(text)


def test_a_word_removed_by_a_lexicon_is_removed(tmp_path: Path) -> None:
    """An entry of frequency 0 removes a word, as in jieba (the "fast" algorithm then runs
    the Python port: jieba-rs keeps such a word for its HMM)."""
    lexicon = tmp_path / "lex.txt"
    lexicon.write_text("发展 0\n中国 0\n", encoding="utf-8")
    text = "坚持科学发展本领，推动中国发展"
    for hmm in (True, False):
        fast = Segmenter(lexicons=[lexicon], hmm=hmm)
        assert fast.cut(text) == Segmenter(lexicons=[lexicon], hmm=hmm, algorithm="jieba").cut(text)
    assert "发展" not in Segmenter(lexicons=[lexicon], hmm=False).cut(text)


_LATIN = st.sampled_from(list("abcXYZ0123456789.-%+#&_ 网格党建年月至的"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LATIN, max_size=30).map("".join), st.booleans())
def test_fast_algorithm_on_random_latin_runs(text: str, hmm: bool) -> None:
    assert Segmenter(hmm=hmm).cut(text) == Segmenter(hmm=hmm, algorithm="jieba").cut(text)


_ALPHABET = st.sampled_from(
    list("三会一课社联动两委XxＸ×○＊-—~至年月区XX社区党建的了在是和，。、“”（）")
    + list("0123456789０１.%ＡAbc \n\u3000\t")
)


# derandomize: the same examples in every run (CI must not turn red on a new random draw;
# the one known difference a random draw found is pinned below)
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_invariants_on_random_text(text: str) -> None:
    fast = Segmenter(extra_words=["三会一课", "X社区"])
    ref = Segmenter(extra_words=["三会一课", "X社区"], algorithm="jieba")
    tokens = fast.cut(text)
    assert "".join(tokens) == text
    assert all(tokens)
    assert tokens == ref.cut(text)
    assert fast.cut(text) == tokens  # the memo does not change anything


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FD5)


@settings(max_examples=300, deadline=None)
@given(st.text(_CJK, min_size=1, max_size=14))
def test_fast_hmm_is_jiebas_viterbi(run: str) -> None:
    from jieba import finalseg

    from corpus_tools.tokens.hmm import hmm_words

    assert hmm_words(run) == list(getattr(finalseg, "__cut")(run))


def test_fast_hmm_on_real_unknown_runs(seed_texts: dict) -> None:
    from jieba import finalseg

    from corpus_tools.tokens.hmm import hmm_words

    text = "".join(seed_texts.values())
    runs = {text[i : i + n] for n in (2, 3, 5, 8) for i in range(0, len(text) - n, 13)}
    runs = {r for r in runs if all("\u4e00" <= c <= "\u9fd5" for c in r)}
    assert len(runs) > 2000
    for run in runs:
        assert hmm_words(run) == list(getattr(finalseg, "__cut")(run))


# --------------------------------------------------------------------------- versions, pickling


def test_lexicon_version_tracks_what_is_loaded(tmp_path: Path) -> None:
    lexicon = tmp_path / "lex.txt"
    lexicon.write_text("三岗十八级 100\n", encoding="utf-8")
    a = Segmenter(lexicons=[lexicon]).lexicon_version
    assert a == Segmenter(lexicons=[str(lexicon)]).lexicon_version
    assert a != Segmenter().lexicon_version
    assert a != Segmenter(lexicons=[lexicon], extra_words=["三清三拆"]).lexicon_version
    assert a != Segmenter(lexicons=[lexicon], hmm=False).lexicon_version
    lexicon.write_text("三岗十八级 200\n", encoding="utf-8")
    assert Segmenter(lexicons=[lexicon]).lexicon_version != a
    assert Segmenter(algorithm="jieba").lexicon_version == Segmenter().lexicon_version


def test_engine_is_the_old_name_of_algorithm() -> None:
    with pytest.warns(DeprecationWarning, match="'engine' parameter of Segmenter is renamed"):
        old = Segmenter(engine="jieba")
    assert old.algorithm == "jieba"
    assert old.cut(SENTENCES[0]) == Segmenter().cut(SENTENCES[0])
    with pytest.warns(DeprecationWarning, match=r"Segmenter\.engine is renamed"):
        assert old.engine == "jieba"
    with pytest.raises(InvalidParameterError, match="got both 'engine' and 'algorithm'"):
        Segmenter(engine="fast", algorithm="jieba")


def test_segmenter_pickles_without_its_dictionary(seg: Segmenter) -> None:
    data = pickle.dumps(seg)
    assert len(data) < 5000
    clone = pickle.loads(data)
    assert clone.cut(SENTENCES[0]) == seg.cut(SENTENCES[0])
    # the per-document function a distributed engine ships to its workers
    cut = pickle.loads(pickle.dumps(seg.cut))
    assert cut(SENTENCES[1], drop_space=True) == seg.cut(SENTENCES[1], drop_space=True)


# --------------------------------------------------------------------------- segment_corpus


def test_segment_corpus_aligned_with_rows(seg: Segmenter, seed_texts: dict) -> None:
    frame = pd.DataFrame({"doc_id": list(seed_texts), "text": list(seed_texts.values())})
    before = frame.copy()
    tokens = segment_corpus(frame, segmenter=seg, cache=False, n_jobs=1)
    pd.testing.assert_frame_equal(frame, before)
    assert tokens == [seg.cut(t, drop_space=True) for t in frame["text"]]
    kept = segment_corpus(
        list(seed_texts.values()), segmenter=seg, cache=False, drop_space=False, n_jobs=1
    )
    assert ["".join(t) for t in kept] == list(seed_texts.values())
    assert segment_corpus([], segmenter=seg, cache=False) == []


def test_cache_serves_a_rerun_without_segmenting(
    tmp_path: Path, seed_texts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*seed_texts.values(), *SENTENCES]
    seg = Segmenter()
    first = segment_corpus(texts, segmenter=seg, cache=tmp_path, n_jobs=1)
    assert seg.cache_stats() == {"hits": 0, "misses": len(texts)}
    assert (tmp_path / "segments-v2.sqlite").is_file()

    def refuse(self: Segmenter, text: str, *, drop_space: bool = False) -> list[str]:
        raise AssertionError("segmented again")

    monkeypatch.setattr(Segmenter, "cut", refuse)
    again = segment_corpus(texts, segmenter=seg, cache=tmp_path, n_jobs=1)
    assert again == first
    spaced = segment_corpus(texts, segmenter=seg, cache=tmp_path, drop_space=False)
    assert ["".join(t) for t in spaced] == texts
    assert seg.cache_stats()["hits"] == 3 * len(texts) - len(texts)
    # another lexicon is another key: nothing served from the cache
    with pytest.raises(AssertionError, match="segmented again"):
        segment_corpus(
            texts[:1], segmenter=Segmenter(extra_words=["三清三拆"]), cache=tmp_path, n_jobs=1
        )


def test_corrupt_cache_is_reported_and_bypassed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "segments-v2.sqlite").write_bytes(b"not a database" * 100)
    tokens = segment_corpus(SENTENCES, cache=tmp_path, n_jobs=1)
    assert tokens == segment_corpus(SENTENCES, cache=False, n_jobs=1)
    assert "segment cache" in capsys.readouterr().err


def test_cache_defaults_to_env_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORPUS_TOOLS_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    segment_corpus(["三社联动"], n_jobs=1)
    assert (tmp_path / "c" / "segments-v2.sqlite").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_give_the_serial_tokens(method: str, seed_texts: dict) -> None:
    texts = [*seed_texts.values(), *SENTENCES]
    serial = segment_corpus(texts, cache=False, n_jobs=1)
    parallel = segment_corpus(texts, cache=False, n_jobs=2, start_method=method)
    assert parallel == serial


# --------------------------------------------------------------------------- adapters


def test_sklearn_count_vectorizer(seg: Segmenter, seed_texts: dict) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    from corpus_tools.tokens import load_stopwords

    stop = load_stopwords()
    vec = CountVectorizer(
        tokenizer=seg.sklearn_tokenizer(stopwords=stop), lowercase=False, token_pattern=None
    )
    texts = list(seed_texts.values())
    matrix = vec.fit_transform(texts)
    vocab = vec.vocabulary_
    assert {"三社联动", "一征三议两公开", "XX"} <= set(vocab)
    assert not stop & set(vocab)
    assert not any(not is_content_token(t) for t in vocab)
    expected = Counter(
        t for t in seg.cut(texts[1], drop_space=True) if t not in stop and is_content_token(t)
    )
    row = matrix[1].toarray()[0]
    assert row[vocab["社区"]] == expected["社区"]
    clone = pickle.loads(pickle.dumps(vec))
    assert (clone.transform(texts[:1]) != vec.transform(texts[:1])).nnz == 0


def test_gensim_dictionary_and_bow(seg: Segmenter, seed_texts: dict) -> None:
    from corpus_tools.tokens import load_stopwords

    tokens = segment_corpus(list(seed_texts.values()), segmenter=seg, cache=False, n_jobs=1)
    stop = load_stopwords()
    dictionary, bow = gensim_corpus(tokens, stopwords=stop)
    assert len(bow) == len(tokens)
    counts = dict(bow[1])
    expected = Counter(t for t in tokens[1] if t not in stop and is_content_token(t))
    assert {dictionary[i]: n for i, n in counts.items()} == dict(expected)
    again, bow2 = gensim_corpus(tokens, stopwords=stop)
    assert again.token2id == dictionary.token2id and bow2 == bow
    filtered, _ = gensim_corpus(tokens, stopwords=stop, no_below=3)
    assert all(filtered.dfs[i] >= 3 for i in filtered)
    assert len(filtered) < len(dictionary)


def test_is_content_token() -> None:
    assert [is_content_token(t) for t in ["三会一课", "，", "——", " ", "XX", "2023", "×", "%"]] == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
        False,
    ]


# --------------------------------------------------------------------------- errors


def test_bad_arguments_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="'lexicons' parameter of Segmenter"):
        Segmenter(lexicons="lexicon.txt")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="must list existing files"):
        Segmenter(lexicons=[tmp_path / "missing.txt"])
    with pytest.raises(InvalidParameterError, match="'extra_words' parameter of Segmenter"):
        Segmenter(extra_words="三会一课")
    with pytest.raises(InvalidParameterError, match=r"without whitespace\. Got '三会 一课'"):
        Segmenter(extra_words=["三会 一课"])
    with pytest.raises(InvalidParameterError, match="'algorithm' parameter of Segmenter"):
        Segmenter(algorithm="rjieba")
    with pytest.raises(InvalidParameterError, match="'hmm' parameter of Segmenter"):
        Segmenter(hmm=1)  # type: ignore[arg-type]
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("三会一课".encode("gbk"))
    with pytest.raises(InvalidParameterError, match="must be UTF-8 text"):
        Segmenter(lexicons=[bad]).load()
    seg = Segmenter()
    with pytest.raises(InvalidParameterError, match=r"'text' parameter of Segmenter\.cut"):
        seg.cut(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'text' parameter of Segmenter\.spans"):
        seg.spans(b"x")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'min_chars' parameter"):
        seg.sklearn_tokenizer(min_chars=0)
    with pytest.raises(InvalidParameterError, match="'stopwords' parameter"):
        seg.sklearn_tokenizer(stopwords="的")


def test_bad_corpus_arguments_are_named() -> None:
    func = "segment_corpus"
    with pytest.raises(InvalidParameterError, match=f"'corpus' parameter of {func}"):
        segment_corpus(5)
    with pytest.raises(InvalidParameterError, match="with a 'text' column"):
        segment_corpus(pd.DataFrame({"body": ["x"]}))
    with pytest.raises(InvalidParameterError, match="Row 1 is float"):
        segment_corpus(["三社联动", float("nan")], cache=False)
    with pytest.raises(InvalidParameterError, match="'n_jobs' parameter"):
        segment_corpus(["x"], n_jobs=0)
    with pytest.raises(InvalidParameterError, match="'cache' parameter"):
        segment_corpus(["x"], cache=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'start_method' parameter"):
        segment_corpus(["x"], start_method="thread")
    with pytest.raises(InvalidParameterError, match="'segmenter' parameter"):
        segment_corpus(["x"], segmenter="jieba")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'tokens' parameter of gensim_corpus"):
        gensim_corpus("三会一课")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="Document 0 is str"):
        gensim_corpus(["三会一课"])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match="'no_above' parameter"):
        gensim_corpus([["三会一课"]], no_above=0.0)


# --------------------------------------------------------------------------- CLI


def _cli(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from corpus_tools.cli import cli

    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_jsonl_tokens_join_to_the_text(seeds_dir: Path, seed_texts: dict) -> None:
    code, out, err = _cli("segment", str(seeds_dir), "--format", "jsonl", "--no-cache")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["doc_id"] for r in rows] == sorted(seed_texts)
    for row in rows:
        assert "".join(row["tokens"]) == seed_texts[row["doc_id"]]
    code, out, _ = _cli(
        "segment", str(seeds_dir), "--format", "jsonl", "--drop-space", "--no-cache"
    )
    assert not any(t.isspace() for line in out.splitlines() for t in json.loads(line)["tokens"])


def test_cli_text_words_and_lexicons(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("推行双推双评三全程，\n落实三岗十八级。", encoding="utf-8")
    lexicon = tmp_path / "lex.txt"
    lexicon.write_text("三岗十八级\n", encoding="utf-8")
    code, out, err = _cli(
        "segment",
        str(doc),
        "--format",
        "text",
        "--word",
        "双推双评三全程",
        "--lexicon",
        str(lexicon),
        "--cache-dir",
        str(tmp_path / "c"),
    )
    assert code == 0, err
    assert out.splitlines() == ["推行 双推双评三全程 ， 落实 三岗十八级 。"]
    code, out, _ = _cli("segment", str(doc), "--format", "json", "--cache-dir", str(tmp_path / "c"))
    assert json.loads(out)[0]["doc_id"] == "a.txt"


def test_cli_usage_errors(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("三社联动", encoding="utf-8")
    code, _, err = _cli("segment", str(doc), "--lexicon", str(tmp_path / "none.txt"))
    assert code == 2 and "none.txt" in err
    code, _, err = _cli("segment", str(doc), "--word", "三 社")
    assert code == 2 and "extra_words" in err
    code, _, err = _cli("segment", str(doc), "--jobs", "0")
    assert code == 2 and "--jobs" in err
    code, _, err = _cli("segment", str(tmp_path / "missing"))
    assert code in (2, 4)


def test_cli_mine_slogans_keeps_the_corpus_slogans_whole_as_keywords_does(
    seeds_dir: Path, tmp_path: Path
) -> None:
    # issue 20: `keywords --mine-slogans` counted 三个结合 and 三项机制 (mined from the seeds)
    # whole while `segment` had no such option and cut them; same option, same default now
    slogans = {"三个结合", "三项机制"}
    found = {}
    for flag in ((), ("--mine-slogans",)):
        args = ("segment", str(seeds_dir), "--split", "auto", "--format", "jsonl", "--no-cache")
        code, out, err = _cli(*args, *flag)
        assert code == 0, err
        tokens = {t for line in out.splitlines() for t in json.loads(line)["tokens"]}
        table = tmp_path / f"keywords{len(flag)}.csv"
        code, _, err = _cli(
            "keywords", str(seeds_dir), "--split", "auto", "--top", "5000", "-o", str(table), *flag
        )
        assert code == 0, err
        terms = set(pd.read_csv(table)["term"])
        found[flag] = (slogans & tokens, slogans & terms)
    assert found[()] == (set(), set())  # neither keeps them by default
    assert found[("--mine-slogans",)] == (slogans, slogans)


def test_a_cache_of_the_former_format_is_not_read(tmp_path: Path) -> None:
    """A ``segments-v1.sqlite`` (token lengths) is left alone: its entries, even wrong
    ones, are never taken for token ids; the documents are segmented into the new file."""
    import sqlite3

    from corpus_tools.tokens.cache import SegmentCache, pack_lengths

    seg = Segmenter()
    old = sqlite3.connect(tmp_path / "segments-v1.sqlite")
    old.execute("CREATE TABLE seg (key BLOB PRIMARY KEY, lengths BLOB NOT NULL)")
    wrong = [(SegmentCache.key(seg.lexicon_version, t), pack_lengths([t])) for t in SENTENCES]
    old.executemany("INSERT INTO seg VALUES (?, ?)", wrong)
    old.commit()
    old.close()
    tokens = segment_corpus(SENTENCES, segmenter=seg, cache=tmp_path, n_jobs=1)
    assert tokens == segment_corpus(SENTENCES, cache=False, n_jobs=1)
    assert seg.cache_stats() == {"hits": 0, "misses": len(SENTENCES)}
    assert (tmp_path / SegmentCache.FILE).is_file()


def test_two_jobs_writing_one_cache_share_its_vocabulary(tmp_path: Path) -> None:
    """Each write first reads the tokens another job added, so one id never names two
    tokens; a job that read the vocabulary earlier reads it on when it meets new ids."""
    from corpus_tools.tokens.cache import SegmentCache

    seg = Segmenter()
    version = seg.lexicon_version
    first, second = SegmentCache(tmp_path), SegmentCache(tmp_path)
    try:
        texts = [SENTENCES[0], SENTENCES[1]]
        first.put_many([(first.key(version, texts[0]), seg.cut(texts[0]))])
        second.put_many([(second.key(version, texts[1]), seg.cut(texts[1]))])
        assert len(set(first.vocab.words)) == len(first.vocab.words)
        # ``first`` has not read the tokens ``second`` added: segment_corpus reads them on
        found = segment_corpus(texts, segmenter=seg, cache=tmp_path, drop_space=False)
        assert found == [seg.cut(t) for t in texts]
        assert seg.cache_stats()["hits"] == 2
        keys = [first.key(version, t) for t in texts]
        assert SegmentCache.keys(version, texts) == keys
        entries = first.get_many(keys)
        first.refresh()
        assert [first.vocab.tokens(entries[k][0]) for k in keys] == found
        assert first.vocab.words == second.vocab.words
    finally:
        first.close()
        second.close()


@pytest.mark.xfail(
    strict=True,
    reason="known: with extra words the fast algorithm (rjieba) breaks the tie of two "
    "equally likely routes of 区区区 the other way from jieba (区/区区 against 区区/区): "
    "its route sums round differently from Python's, so exact ties need not agree (the "
    "same frequencies given to it do not change this); found by a random draw of "
    "test_invariants_on_random_text",
)
def test_fast_algorithm_breaks_a_route_tie_as_jieba_does() -> None:
    fast = Segmenter(extra_words=["三会一课", "X社区"])
    ref = Segmenter(extra_words=["三会一课", "X社区"], algorithm="jieba")
    assert fast.cut("区区区三") == ref.cut("区区区三")
