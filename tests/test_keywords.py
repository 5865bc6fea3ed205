"""Keyword tables, keyness and KWIC on the seed reports and on real 新闻联播 items."""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import iter_records

from corpus_tools.boilerplate import BoilerplateResult, find_boilerplate
from corpus_tools.errors import InvalidParameterError
from corpus_tools.io import load_corpus, load_texts
from corpus_tools.keywords import KEYWORD_COLUMNS, keyness, keyword_table, kwic
from corpus_tools.slogans import mine_slogans
from corpus_tools.tokens import Segmenter, is_content_token

SLOGANS = ("两个确立", "两个维护", "四个意识")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter().load()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A segmentation cache of this test only (never the user's)."""
    return tmp_path / "segcache"


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    """The seed reports, one document per line of 003 (13 + 9 documents)."""
    return load_corpus(Path(__file__).parent.parent / "data" / "raw", split="lines").documents


@pytest.fixture(scope="module")
def news() -> pd.DataFrame:
    """Real 新闻联播 items: every one of the first 4,000 holding a slogan, plus 150 others."""
    with_slogan, others = [], []
    for rec in iter_records("xinwen_lianbo", limit=4000):
        row = {k: rec[k] for k in ("id", "text", "year", "column")}
        if any(s in rec["text"] for s in SLOGANS):
            with_slogan.append(row)
        elif len(others) < 150 and len(rec["text"]) < 3000:
            others.append(row)
    frame = pd.DataFrame(with_slogan + others).rename(columns={"id": "doc_id"})
    assert len(with_slogan) > 50
    return frame


# --------------------------------------------------------------------------- keyword table


@pytest.mark.slow
def test_slogans_counted_whole_on_real_news(
    news: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    table = keyword_table(news, by="year", segmenter=segmenter, cache=cache)
    for slogan in SLOGANS:
        rows = table[table["term"] == slogan]
        assert not rows.empty, slogan
        for year, group in news.groupby("year"):
            in_text = sum(t.count(slogan) for t in group["text"])
            docs = sum(slogan in t for t in group["text"])
            row = rows[rows["year"] == year]
            if in_text == 0:
                assert row.empty
                continue
            assert row["count"].tolist() == [in_text], (slogan, year)
            assert row["doc_freq"].tolist() == [docs], (slogan, year)
    assert table["year"].dtype == news["year"].dtype


def test_table_agrees_with_a_slow_recount(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    stop = frozenset(["的", "和", "了"])
    table = keyword_table(seeds, segmenter=segmenter, stopwords=stop, numbers=True, cache=cache)
    counts: Counter[str] = Counter()
    dfs: Counter[str] = Counter()
    tokenizer = segmenter.sklearn_tokenizer(stopwords=stop)
    for text in seeds["text"]:
        terms = tokenizer(text)
        counts.update(terms)
        dfs.update(set(terms))
    assert dict(zip(table["term"], table["count"], strict=True)) == dict(counts)
    assert dict(zip(table["term"], table["doc_freq"], strict=True)) == dict(dfs)
    chars = sum(len(t) for t in seeds["text"])
    np.testing.assert_allclose(table["rate_per_10k"], table["count"] * 10_000 / chars)
    n = len(seeds)
    idf = np.log((1 + n) / (1 + table["doc_freq"].to_numpy())) + 1
    np.testing.assert_allclose(table["tfidf"], table["count"] / table["count"].sum() * idf)
    assert (table["docs"] == n).all()
    assert table.columns.tolist() == ["term", "count", "doc_freq", "docs", "rate_per_10k", "tfidf"]
    assert tuple(table.columns) == KEYWORD_COLUMNS


def test_default_filters_drop_stopwords_numbers_and_punctuation(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    from corpus_tools.tokens import load_stopwords

    table = keyword_table(seeds, segmenter=segmenter, cache=cache)
    terms = set(table["term"])
    assert not terms & set(load_stopwords())
    assert all(is_content_token(t) for t in terms)
    assert not any(t.isdigit() for t in terms)
    assert "XX" in terms  # a placeholder run is a term, counted whole
    longer = keyword_table(seeds, segmenter=segmenter, cache=cache, min_length=2)
    assert set(longer["term"]) == {t for t in terms if len(t) >= 2}


def test_groups_sum_to_the_whole(seeds: pd.DataFrame, segmenter: Segmenter, cache: Path) -> None:
    whole = keyword_table(seeds, segmenter=segmenter, cache=cache)
    parts = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache)
    assert parts["source"].nunique() == seeds["source"].nunique()
    summed = parts.groupby("term")["count"].sum()
    assert summed.sort_index().to_dict() == whole.set_index("term")["count"].sort_index().to_dict()
    summed_df = parts.groupby("term")["doc_freq"].sum()
    assert summed_df.to_dict() == whole.set_index("term")["doc_freq"].to_dict()
    # within a group: count descending, then term
    for _, g in parts.groupby("source", sort=False):
        keys = list(zip(-g["count"], g["term"], strict=True))
        assert keys == sorted(keys)


def test_top_and_min_count(seeds: pd.DataFrame, segmenter: Segmenter, cache: Path) -> None:
    full = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache)
    top = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache, top=5)
    assert top.groupby("source").size().max() == 5
    expected = full.groupby("source", sort=False).head(5).reset_index(drop=True)
    pd.testing.assert_frame_equal(top, expected)
    frequent = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache, min_count=4)
    assert frequent["count"].min() >= 4
    assert len(frequent) == int((full["count"] >= 4).sum())


def test_top_n_is_the_old_name_of_top(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    new = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache, top=3)
    with pytest.warns(DeprecationWarning, match="'top_n' parameter of keyword_table is renamed"):
        old = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache, top_n=3)
    pd.testing.assert_frame_equal(old, new)
    new_key = keyness(seeds, by="source", segmenter=segmenter, cache=cache, top=2)
    with pytest.warns(DeprecationWarning, match="'top_n' parameter of keyness is renamed 'top'"):
        old_key = keyness(seeds, by="source", segmenter=segmenter, cache=cache, top_n=2)
    pd.testing.assert_frame_equal(old_key, new_key)
    assert new_key.groupby(["source", "direction"]).size().max() == 2


def test_missing_group_values_form_their_own_group(segmenter: Segmenter, cache: Path) -> None:
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": ["坚决做到两个维护", "深刻领悟两个确立", "增强四个意识"],
            "year": [2023, None, 2023],
        }
    )
    table = keyword_table(docs, by="year", segmenter=segmenter, cache=cache)
    last = table.iloc[-1]
    assert pd.isna(last["year"]) and last["term"] in {"两个确立", "深刻", "领悟"}
    assert set(table.loc[table["year"] == 2023, "term"]) >= {"两个维护", "四个意识"}
    assert docs["year"].isna().sum() == 1  # the input is not modified


def test_texts_in_memory_and_determinism(segmenter: Segmenter, cache: Path) -> None:
    texts = {"a": "坚决做到两个维护，两个维护。", "b": "深刻领悟两个确立，做到两个维护。"}
    one = keyword_table(texts, segmenter=segmenter, cache=cache)
    two = keyword_table(load_texts(texts), segmenter=segmenter, cache=False)
    pd.testing.assert_frame_equal(one, two)
    row = one[one["term"] == "两个维护"].iloc[0]
    assert (row["count"], row["doc_freq"]) == (3, 2)


def test_mined_slogans_are_counted_whole(segmenter: Segmenter, cache: Path) -> None:
    texts = {
        "a": "我们推行“五星三联”工作法，五星三联让群众满意。",
        "b": "学习五星三联经验，把五星三联落到实处。",
    }
    plain = keyword_table(texts, segmenter=segmenter, cache=cache)
    assert "五星三联" not in set(plain["term"])  # the dictionary alone cuts it
    mined = keyword_table(texts, segmenter=segmenter, cache=cache, mine_slogans=True)
    row = mined[mined["term"] == "五星三联"]
    assert row["count"].tolist() == [sum(t.count("五星三联") for t in texts.values())]
    assert row["doc_freq"].tolist() == [2]


def test_strip_boilerplate_removes_the_watermark_counts(seeds_dir: Path, cache: Path) -> None:
    docs = load_corpus(seeds_dir).documents
    kept = keyword_table(docs, cache=cache)
    stripped = keyword_table(docs, cache=cache, strip_boilerplate=True)
    assert stripped.attrs["summary"]["chars"] < kept.attrs["summary"]["chars"]
    assert "会员" in set(kept["term"])  # only in the template site's watermark
    assert "会员" not in set(stripped["term"])
    assert docs.equals(load_corpus(seeds_dir).documents)  # the input is not modified


def _same_table(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal tables with equal run figures (segmentation figures aside: the cache warms)."""
    pd.testing.assert_frame_equal(got, expected)
    figures = ("segmented", "from_cache")
    assert {k: v for k, v in got.attrs["summary"].items() if k not in figures} == {
        k: v for k, v in expected.attrs["summary"].items() if k not in figures
    }


def _refuse(*paths: str) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"{paths[0]} ran again")

    return refused


def test_boilerplate_passed_in_is_not_found_again(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = find_boilerplate(seeds)
    assert set(found.spans["kind"]) == {"watermark", "repeated"}
    options: dict[str, Any] = {"segmenter": segmenter, "cache": cache, "strip_boilerplate": True}
    table = keyword_table(seeds, by="source", **options)
    key = keyness(seeds, by="source", min_count=3, **options)
    assert "会员" not in set(table["term"])  # in a watermark only
    import corpus_tools.boilerplate.strip as strip_module

    monkeypatch.setattr(strip_module, "find_boilerplate", _refuse("find_boilerplate"))
    with pytest.raises(AssertionError, match="find_boilerplate ran again"):
        keyword_table(seeds, **options)  # (the finder the default runs is the one refused)
    _same_table(keyword_table(seeds, by="source", boilerplate=found, **options), table)
    _same_table(keyness(seeds, by="source", min_count=3, boilerplate=found, **options), key)
    # the result names documents by doc_id: a table in another order strips the same spans
    shuffled = seeds.iloc[::-1]
    pd.testing.assert_frame_equal(
        keyword_table(shuffled, by="source", boilerplate=found, **options), table
    )


def test_slogans_passed_in_are_not_mined_again(
    segmenter: Segmenter, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {
        "a": "我们推行“五星三联”工作法，五星三联让群众满意。",
        "b": "学习五星三联经验，把五星三联落到实处。",
    }
    options: dict[str, Any] = {"segmenter": segmenter, "cache": cache, "mine_slogans": True}
    mined = mine_slogans(texts, kinds=("numeric",))
    mined = mined[mined["doc_freq"] >= 2]  # what mine_slogans=True keeps
    assert mined["slogan"].tolist() == ["五星三联"]
    table = keyword_table(texts, **options)
    conc = kwic(texts, "五星三联", **options)
    assert len(conc) == 4  # kept whole, as in the table
    assert kwic(texts, "五星三联", segmenter=segmenter, cache=cache).empty
    import corpus_tools.slogans as slogans_package

    monkeypatch.setattr(slogans_package, "mine_slogans", _refuse("mine_slogans"))
    with pytest.raises(AssertionError, match="mine_slogans ran again"):
        keyword_table(texts, **options)  # (the miner the default runs is the one refused)
    _same_table(keyword_table(texts, slogans=mined, **options), table)
    _same_table(keyword_table(texts, slogans=["五星三联"], **options), table)
    pd.testing.assert_frame_equal(kwic(texts, "五星三联", slogans=mined, **options), conc)
    docs = load_texts(texts).assign(year=[2023, 2026])
    key = keyness(docs, by="year", min_count=1, slogans=("五星三联",), **options)
    assert "五星三联" in set(key["term"])


def test_results_passed_in_must_fit(seeds: pd.DataFrame, seed_corpus: pd.DataFrame) -> None:
    found = find_boilerplate(seed_corpus)
    strip = {"strip_boilerplate": True}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"boilerplate": found}, r"'boilerplate' parameter of keyword_table is used with "),
        ({"slogans": ["五星三联"]}, r"'slogans' parameter of keyword_table is used with "),
        ({"boilerplate": found.spans, **strip}, r"must be a BoilerplateResult"),
        ({"boilerplate": found, **strip}, r"must come from this corpus. Its spans name doc_id"),
        ({"slogans": "五星三联", "mine_slogans": True}, r"'slogans' parameter .* must be a slogan"),
        ({"slogans": [1], "mine_slogans": True}, r"'slogans' parameter .* Got 1 instead"),
        ({"slogans": found.spans, "mine_slogans": True}, r"Columns \['slogan'\] are missing"),
    ]
    for kwargs, match in cases:
        with pytest.raises(InvalidParameterError, match=match):
            keyword_table(seeds, **kwargs)
    twice = pd.concat([seed_corpus, seed_corpus], ignore_index=True)
    with pytest.raises(InvalidParameterError, match=r"unique values in column 'doc_id'"):
        keyness(twice, by="source", boilerplate=found, **strip)
    with pytest.raises(InvalidParameterError, match=r"'slogans' parameter of kwic is used with"):
        kwic(seeds, "社区", slogans=["五星三联"])
    assert isinstance(found, BoilerplateResult)


# --------------------------------------------------------------------------- batch behaviour


def test_rerun_reuses_the_cache_and_new_documents_only_are_segmented(
    seeds: pd.DataFrame, cache: Path
) -> None:
    seg = Segmenter()
    first = keyword_table(seeds.iloc[:15], segmenter=seg, cache=cache)
    assert first.attrs["summary"]["segmented"] == 15
    assert first.attrs["summary"]["from_cache"] == 0
    again = keyword_table(seeds.iloc[:15], segmenter=Segmenter(), cache=cache)
    assert again.attrs["summary"]["segmented"] == 0
    assert again.attrs["summary"]["from_cache"] == 15
    pd.testing.assert_frame_equal(first, again)
    seen = set(seeds["text"].iloc[:15])
    old = int(seeds["text"].isin(seen).sum())  # rows whose text was segmented already
    before = seg.cache_stats()
    grown = keyword_table(seeds, segmenter=seg, cache=cache)
    after = seg.cache_stats()
    assert after["hits"] - before["hits"] == old
    assert grown.attrs["summary"]["segmented"] == len(seeds) - old
    assert grown.attrs["summary"]["from_cache"] == old
    nocache = keyword_table(seeds.iloc[:3], segmenter=seg, cache=False)
    assert nocache.attrs["summary"]["segmented"] == 3


def test_warm_tables_equal_cold_ones_also_for_odd_texts_and_a_bad_cache_entry(
    seeds: pd.DataFrame, cache: Path
) -> None:
    """A rerun counts the cached documents in this process (token ids of the cache's
    vocabulary, counted as numbers): the tables equal those of a run without the cache,
    for texts holding U+0000, spaces, numbers and latin runs too, and a cache entry that
    does not fit its text is segmented again, never misread."""
    from corpus_tools.tokens.cache import SegmentCache

    odd = {
        "nul": "XX社区\x00三会一课 落实\x00好",
        "space": "  两个确立 \n\n 两个维护\t\t2025年 10% Linux 𠀀𠀁字",
        "bad": "坚持三会一课制度，XX社区开展主题党日。",
    }
    docs = pd.concat(
        [seeds, pd.DataFrame({"doc_id": list(odd), "text": list(odd.values())})],
        ignore_index=True,
    )
    docs["half"] = np.arange(len(docs)) % 2
    options: list[dict[str, Any]] = [
        {"by": "half"},
        {"by": "half", "min_length": 2, "numbers": True, "stopwords": False, "top": 7},
    ]
    cold = [keyword_table(docs, segmenter=Segmenter(), cache=False, **o) for o in options]
    first = keyword_table(docs, segmenter=Segmenter(), cache=cache, by="half")
    pd.testing.assert_frame_equal(first, cold[0])
    store = SegmentCache(cache)  # a wrong entry for one text: its lengths do not add up
    store.put_many([(store.key(Segmenter().lexicon_version, odd["bad"]), ["坚持"])])
    store.close()
    for o, expected in zip(options, cold, strict=True):
        warm = keyword_table(docs, segmenter=Segmenter(), cache=cache, chunk_size=5, **o)
        pd.testing.assert_frame_equal(warm, expected)
        assert warm.attrs["summary"]["from_cache"] == len(docs) - 1
        assert warm.attrs["summary"]["segmented"] == 1  # the bad entry, written again
        store = SegmentCache(cache)
        store.put_many([(store.key(Segmenter().lexicon_version, odd["bad"]), ["坚持"])])
        store.close()
    from corpus_tools.keywords import counts

    pending = counts._SHORT_PENDING
    try:  # counts kept as numbers summed as they come, not only at the end
        counts._SHORT_PENDING = 10
        summed = keyword_table(docs, segmenter=Segmenter(), cache=cache, chunk_size=5, by="half")
    finally:
        counts._SHORT_PENDING = pending
    pd.testing.assert_frame_equal(summed, cold[0])
    rising = keyness(docs, by="half", segmenter=Segmenter(), cache=cache)
    pd.testing.assert_frame_equal(
        rising, keyness(docs, by="half", segmenter=Segmenter(), cache=False)
    )


def test_chunks_do_not_change_the_table(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    one = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache)
    small = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache, chunk_size=7)
    pd.testing.assert_frame_equal(one, small)


@pytest.mark.slow
def test_dask_engine_gives_the_same_table(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    docs = seeds.iloc[::3]
    local = keyword_table(docs, by="source", segmenter=segmenter, cache=cache)
    dask = keyword_table(
        docs, by="source", segmenter=segmenter, cache=False, engine="dask", chunk_size=20
    )
    pd.testing.assert_frame_equal(local, dask)


# --------------------------------------------------------------------------- keyness


@pytest.mark.slow
def test_keyness_against_scipy_log_likelihood(
    news: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    from scipy.stats import chi2_contingency

    table = keyword_table(news, by="year", segmenter=segmenter, cache=cache)
    key = keyness(news, by="year", segmenter=segmenter, cache=cache, min_count=5)
    years = sorted(news["year"].unique())
    assert set(key["year"]) <= set(years)
    totals = table.groupby("term")["count"].sum()
    merged = key.set_index("term")
    # count + reference_count is the corpus count: the reference is the rest of the corpus
    for year, g in key.groupby("year"):
        sums = (g["count"] + g["reference_count"]).to_numpy()
        assert (sums == totals.loc[g["term"]].to_numpy()).all()
        own = table[table["year"] == year].set_index("term")["count"]
        assert (g["count"].to_numpy() == own.reindex(g["term"]).fillna(0).to_numpy()).all()
        assert ((g["count"] + g["reference_count"]) >= 5).all()
    # G² agrees with scipy's log-likelihood chi-squared on the 2x2 table
    summary = key.attrs["summary"]
    assert summary["documents"] == len(news)
    sizes = _token_sizes(news, segmenter, years)
    sample = key.groupby("year").head(5)
    for row in sample.itertuples(index=False):
        n1 = sizes[row.year]
        n2 = sum(sizes.values()) - n1
        obs = np.array(
            [[row.count, n1 - row.count], [row.reference_count, n2 - row.reference_count]]
        )
        g2, p, _, _ = chi2_contingency(obs, correction=False, lambda_="log-likelihood")
        assert math.isclose(row.log_likelihood, g2, rel_tol=1e-6), row
        assert math.isclose(row.p_value, p, rel_tol=1e-6, abs_tol=1e-300)
        assert (row.direction == "rise") == (row.log_ratio >= 0)
    assert merged.shape[0] == len(key)


def _token_sizes(news: pd.DataFrame, segmenter: Segmenter, years: list[Any]) -> dict[Any, int]:
    sizes = {}
    for year in years:
        texts = news.loc[news["year"] == year, "text"]
        sizes[year] = sum(
            1 for t in texts for tok in segmenter.cut(t, drop_space=True) if is_content_token(tok)
        )
    return sizes


def test_keyness_target_and_reference(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    sources = sorted(seeds["source"].unique())
    key = keyness(
        seeds,
        by="source",
        target=sources[0],
        reference=sources[2],
        segmenter=segmenter,
        cache=cache,
        min_count=3,
        top=4,
    )
    assert set(key["source"]) == {sources[0]}
    assert key.groupby("direction").size().max() <= 4
    assert list(key["direction"]) == sorted(key["direction"], key=lambda d: d != "rise")
    table = keyword_table(seeds, by="source", segmenter=segmenter, cache=cache)
    ref = table[table["source"] == sources[2]].set_index("term")["count"]
    for row in key.itertuples(index=False):
        assert row.reference_count == ref.get(row.term, 0)
    with pytest.raises(
        InvalidParameterError, match="'target' parameter of keyness must be a group"
    ):
        keyness(seeds, by="source", target="nowhere.txt", segmenter=segmenter, cache=cache)
    filtered = keyness(seeds, by="source", segmenter=segmenter, cache=cache, max_p=0.01)
    assert (filtered["p_value"] <= 0.01).all() and not filtered.empty


def test_keyness_needs_two_groups(segmenter: Segmenter, cache: Path) -> None:
    docs = load_texts({"a": "两个确立", "b": "两个维护"})
    with pytest.raises(InvalidParameterError, match="at least two groups"):
        keyness(docs, by="source", segmenter=segmenter, cache=cache)


# --------------------------------------------------------------------------- kwic


@pytest.mark.slow
def test_kwic_offsets_slice_the_original_text(
    news: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    conc = kwic(news, list(SLOGANS), window=12, by="year", segmenter=segmenter, cache=cache)
    texts = dict(zip(news["doc_id"], news["text"], strict=True))
    for row in conc.itertuples(index=False):
        text = texts[row.doc_id]
        assert text[row.start : row.end] == row.term
        assert text[max(0, row.start - 12) : row.start] == row.left
        assert text[row.end : row.end + 12] == row.right
    for slogan in SLOGANS:  # whole tokens, every occurrence: slogans are never cut
        assert (conc["term"] == slogan).sum() == sum(t.count(slogan) for t in news["text"])
    assert conc["year"].notna().all()


def test_kwic_token_matches_are_a_subset_of_substrings(
    seeds: pd.DataFrame, segmenter: Segmenter, cache: Path
) -> None:
    token = kwic(seeds, ["社区", "XX"], segmenter=segmenter, cache=cache, window=5)
    sub = kwic(seeds, ["社区", "XX"], match="substring", window=5)
    assert 0 < len(token) < len(sub)
    pairs = set(zip(sub["doc_id"], sub["start"], sub["term"], strict=True))
    assert set(zip(token["doc_id"], token["start"], token["term"], strict=True)) <= pairs
    texts = dict(zip(seeds["doc_id"], seeds["text"], strict=True))
    for row in sub.itertuples(index=False):
        assert texts[row.doc_id][row.start : row.end] == row.term
    assert kwic(seeds, "不存在的词语", segmenter=segmenter, cache=cache).empty


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"by": "province"}, r"'by' parameter of keyword_table must name fields.*'province'"),
        ({"by": 3}, r"'by' parameter of keyword_table must be a field name"),
        ({"by": ["source", "source"]}, r"must be distinct field names"),
        ({"by": "term"}, r"cannot group by 'term'"),
        ({"min_count": 0}, r"'min_count' parameter of keyword_table must be an int in \[1, inf\]"),
        ({"top": 1.5}, r"'top' parameter of keyword_table must be an int"),
        ({"min_length": 0}, r"'min_length' parameter"),
        ({"stopwords": "的"}, r"'stopwords' parameter of keyword_table must be True, False"),
        ({"stopwords": [1]}, r"'stopwords' parameter"),
        ({"engine": "spark"}, r"'engine' parameter of keyword_table must be one of"),
        ({"scheduler": "tcp://x:1"}, r"'scheduler' parameter of keyword_table needs engine='dask'"),
        ({"n_jobs": 0}, r"'n_jobs' parameter of keyword_table must be a positive int"),
        ({"cache": 3}, r"'cache' parameter of keyword_table must be a bool or a folder path"),
        ({"segmenter": "jieba"}, r"'segmenter' parameter of keyword_table must be a"),
        ({"progress": "yes"}, r"'progress' parameter"),
        ({"chunk_size": 0}, r"'chunk_size' parameter"),
    ],
)
def test_keyword_table_errors(seeds: pd.DataFrame, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        keyword_table(seeds, **kwargs)


def test_corpus_errors() -> None:
    with pytest.raises(InvalidParameterError, match="Columns \\['text'\\] are missing"):
        keyword_table(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(InvalidParameterError, match="'corpus' parameter of keyword_table must be"):
        keyword_table(42)
    with pytest.raises(InvalidParameterError, match=r"Row 0 \(doc_id 'a'\) holds int"):
        keyword_table(pd.DataFrame({"doc_id": ["a"], "text": [5]}))
    with pytest.raises(InvalidParameterError, match="'by' fields must hold scalar values"):
        keyword_table(pd.DataFrame({"doc_id": ["a"], "text": ["x"], "tags": [["a"]]}), by="tags")


def test_keyness_and_kwic_errors(seeds: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="'by' parameter of keyness"):
        keyness(seeds, by=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'max_p' parameter of keyness"):
        keyness(seeds, by="source", max_p=2)
    with pytest.raises(InvalidParameterError, match="'terms' parameter of kwic"):
        kwic(seeds, [])
    with pytest.raises(InvalidParameterError, match="'terms' parameter of kwic"):
        kwic(seeds, ["", "社区"])
    with pytest.raises(InvalidParameterError, match="'window' parameter of kwic"):
        kwic(seeds, "社区", window=-1)
    with pytest.raises(InvalidParameterError, match="'match' parameter of kwic must be one of"):
        kwic(seeds, "社区", match="regex")


# --------------------------------------------------------------------------- CLI


def _run(args: list[str], cache: Path) -> Any:
    from corpus_tools.cli import cli

    runner = CliRunner()
    return runner.invoke(
        cli, ["keywords", *args], env={"CORPUS_TOOLS_CACHE": str(cache)}, catch_exceptions=False
    )


def test_cli_broken_file_still_writes_the_good_ones(
    tmp_path: Path, seeds_dir: Path, cache: Path
) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in sorted(p.name for p in seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(seeds_dir / name, corpus / name)
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out" / "kw.parquet"
    res = _run([str(corpus), "-o", str(out), "--format", "json"], cache)
    assert res.exit_code == 3, res.output
    assert "broken.docx" in res.stderr
    summary = json.loads(res.stdout)
    table = pd.read_parquet(out)
    assert summary["rows"] == len(table) and summary["documents"] == 2
    good = load_corpus(sorted(str(p) for p in corpus.glob("*.txt"))).documents
    expected = keyword_table(good, cache=cache)
    expected.attrs = {}
    pd.testing.assert_frame_equal(table, expected)


def test_cli_csv_by_field_is_byte_identical_on_rerun(
    tmp_path: Path, seeds_dir: Path, cache: Path
) -> None:
    out = tmp_path / "kw.csv"
    args = [str(seeds_dir), "-o", str(out), "--by", "source", "--top", "3", "--format", "json"]
    first = _run(args, cache)
    assert first.exit_code == 0, first.output
    data = out.read_bytes()
    assert json.loads(first.stdout)["segmented"] == 5
    second = _run(args, cache)
    assert json.loads(second.stdout)["segmented"] == 0
    assert json.loads(second.stdout)["from_cache"] == 5
    assert out.read_bytes() == data
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.columns.tolist()[:3] == ["source", "term", "count"]
    assert table.groupby("source").size().max() == 3
    assert "keywords" not in first.stderr  # no progress bar when not on a terminal
    assert not list(tmp_path.glob(".kw.csv.*"))  # no temporary file left


def test_cli_keyness_and_kwic(tmp_path: Path, seeds_dir: Path, cache: Path) -> None:
    out = tmp_path / "key.parquet"
    res = _run([str(seeds_dir), "-o", str(out), "--keyness", "source", "--format", "json"], cache)
    assert res.exit_code == 0, res.output
    key = pd.read_parquet(out)
    assert {"log_likelihood", "direction", "source"} <= set(key.columns)
    conc = tmp_path / "kwic.csv"
    res = _run(
        [str(seeds_dir), "-o", str(conc), "--kwic", "XX", "--window", "6", "--format", "json"],
        cache,
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(conc, encoding="utf-8-sig", keep_default_na=False)
    assert set(table["term"]) == {"XX"} and json.loads(res.stdout)["rows"] == len(table)


def test_cli_mine_slogans_applies_to_kwic(tmp_path: Path, cache: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "我们推行“五星三联”工作法，五星三联让群众满意。", encoding="utf-8"
    )
    (corpus / "b.txt").write_text("学习五星三联经验，把五星三联落到实处。", encoding="utf-8")
    rows = []
    for flags in ([], ["--mine-slogans"]):
        out = tmp_path / f"kwic{len(flags)}.csv"
        res = _run([str(corpus), "-o", str(out), "--kwic", "五星三联", *flags], cache)
        assert res.exit_code == 0, res.output
        rows.append(json.loads(res.stdout)["rows"])
    assert rows == [0, 4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.ods"], "must end in .parquet, .csv or .xlsx"),
        (["-o", "out.csv", "--by", "province"], "'province' is not one"),
        (["-o", "out.csv", "--keyness", "source", "--kwic", "XX"], "one of --keyness and --kwic"),
        (["-o", "out.csv", "--target", "2026"], "need --keyness"),
        (["-o", "out.csv", "--scheduler", "tcp://x:1"], "--scheduler needs --engine dask"),
    ],
)
def test_cli_usage_errors(
    tmp_path: Path, seeds_dir: Path, cache: Path, args: list[str], message: str
) -> None:
    fixed = [a if a not in ("out.csv", "out.ods") else str(tmp_path / a) for a in args]
    res = _run([str(seeds_dir), *fixed], cache)
    assert res.exit_code == 2
    assert message in res.stderr


def test_cli_nothing_readable_and_unwritable_output(
    tmp_path: Path, seeds_dir: Path, cache: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    res = _run([str(bad), "-o", str(tmp_path / "o.csv")], cache)
    assert res.exit_code == 4
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = _run([str(seeds_dir / "001_76da920ca12b73e0.txt"), "-o", str(blocker / "o.csv")], cache)
    assert res.exit_code == 4
    assert "cannot write" in res.stderr


# --------------------------------------------------------------------------- formulas as terms


def _occurrences(key: str, text: str) -> int:
    """Places ``key`` starts in ``text``, overlapping ones too (the slow way)."""
    n, pos = 0, text.find(key)
    while pos >= 0:
        n, pos = n + 1, text.find(key, pos + 1)
    return n


@pytest.fixture(scope="module")
def news_years() -> pd.DataFrame:
    """Every 10th 新闻联播 item (about 2,100, 2022-2026) with its year."""
    recs = [r for i, r in enumerate(iter_records("xinwen_lianbo")) if i % 10 == 0]
    return pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "year": [r["year"] for r in recs],
        }
    )


@pytest.fixture(scope="module")
def news_formulas(news_years: pd.DataFrame) -> Any:
    from corpus_tools.formulas import find_formulas

    return find_formulas(news_years, by="year")


def test_formula_counts_per_year_equal_a_brute_force_count(
    news_years: pd.DataFrame, news_formulas: Any
) -> None:
    from corpus_tools.formulas import fold_formulas
    from corpus_tools.keywords import formula_table

    before = news_years.copy()
    table = formula_table(news_years, news_formulas, by="year")
    pd.testing.assert_frame_equal(news_years, before)
    assert list(table.columns) == [
        "year", "term", "count", "doc_freq", "docs", "rate_per_10k", "formula_id", "key",
    ]  # fmt: skip
    folded = [fold_formulas(t).text for t in news_years["text"]]
    years = news_years["year"].tolist()
    chars = news_years.groupby("year")["text"].apply(lambda s: s.str.len().sum())
    # the 30 most widespread formulas and 30 others, every year
    f = news_formulas.formulas
    picked = pd.concat([f.head(30), f.iloc[30:].sample(30, random_state=0)])
    rows = table.set_index(["formula_id", "year"])
    for fid, key in zip(picked["formula_id"], picked["key"], strict=True):
        for year in sorted(set(years)):
            n = sum(_occurrences(key, t) for t, y in zip(folded, years, strict=True) if y == year)
            d = sum(key in t for t, y in zip(folded, years, strict=True) if y == year)
            if n == 0:
                assert (fid, year) not in rows.index
                continue
            row = rows.loc[(fid, year)]
            assert (row["count"], row["doc_freq"]) == (n, d), (key, year)
            assert row["rate_per_10k"] == pytest.approx(n * 10_000 / chars[year])
            assert row["docs"] == years.count(year)
    # over the years, every formula's count and doc_freq are find_formulas'
    sums = table.groupby("formula_id")[["count", "doc_freq"]].sum()
    whole = f.set_index("formula_id")[["count", "doc_freq"]]
    pd.testing.assert_frame_equal(sums.sort_index(), whole.sort_index(), check_names=False)
    # by year, then most frequent first
    assert table["year"].is_monotonic_increasing
    for _, part in table.groupby("year"):
        assert part["count"].is_monotonic_decreasing


def test_formula_table_finds_the_formulas_once_or_takes_them(
    monkeypatch: pytest.MonkeyPatch, news_years: pd.DataFrame, news_formulas: Any
) -> None:
    import corpus_tools.formulas as fm
    from corpus_tools.keywords import formula_table

    sample = news_years.head(300)
    found = fm.find_formulas(sample, top=40)
    computed = formula_table(sample, by="year", top=40)
    pd.testing.assert_frame_equal(computed, formula_table(sample, found, by="year"))
    calls: list[Any] = []
    monkeypatch.setattr(fm, "find_formulas", lambda *a, **k: calls.append(1))
    given = formula_table(sample, found.formulas[found.formulas["family"] == 0], by="year")
    assert calls == [] and set(given["formula_id"]) == {0}
    # the table draws as a keyword trend
    assert list(given.columns[: given.columns.get_loc("term")]) == ["year"]


def test_formula_table_of_phrases_given_folds_them(provincial_reports: pd.DataFrame) -> None:
    from corpus_tools.keywords import formula_table

    guiding = "以习近平新时代中国特色社会主义思想为指导"
    wide = "以习近平新时代中国特色社会主义思想为指导".replace("以", "以 ", 1)  # a stray space
    table = formula_table(
        provincial_reports, [guiding, wide, "坚持稳中求进工作总基调"], by="province"
    )
    first = table[table["term"] == guiding]
    assert len(first) == 31 and (first["doc_freq"] == 1).all()
    counts = {
        p: _occurrences(guiding, t)
        for p, t in zip(provincial_reports["province"], provincial_reports["text"], strict=True)
    }
    assert dict(zip(first["province"], first["count"], strict=True)) == counts
    spaced = table[table["term"] == wide]
    assert spaced["count"].tolist() == first["count"].tolist() and set(spaced["formula_id"]) == {1}
    assert table.attrs["summary"]["terms"] == 3


@pytest.fixture(scope="module")
def provincial_reports() -> pd.DataFrame:
    recs = list(iter_records("provincial_gwr_2026"))
    return pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "province": [r["province"] for r in recs],
        }
    )


def test_kwic_folded_finds_formulas_where_they_stand(provincial_reports: pd.DataFrame) -> None:
    from corpus_tools.formulas import find_formulas, fold_formulas
    from corpus_tools.keywords import formula_table

    res = find_formulas(provincial_reports, top=8)
    docs = provincial_reports.copy()
    # a copy with a stray space: found by "folded", not by "substring"
    docs.loc[0, "text"] = docs.loc[0, "text"] + "\n要坚持稳中求进 工作总基调。"
    terms = res.formulas["text"].tolist()
    conc = kwic(docs, terms, match="folded", window=6, by="province")
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    keys = dict(zip(res.formulas["text"], res.formulas["key"], strict=True))
    for row in conc.itertuples():
        t = texts[row.doc_id]
        assert fold_formulas(t[row.start : row.end]).text == keys[row.term]
        assert row.left == t[max(0, row.start - 6) : row.start]
        assert row.right == t[row.end : row.end + 6]
    counts = formula_table(docs, res).set_index("term")["count"]
    assert conc["term"].value_counts().sort_index().to_dict() == counts.sort_index().to_dict()
    plain = kwic(docs, terms, match="substring")
    assert len(conc) == len(plain) + 1
    first = conc[conc["doc_id"] == docs["doc_id"].iloc[0]]
    extra = first[first["start"] > len(provincial_reports["text"].iloc[0])]
    assert extra["term"].tolist() == ["坚持稳中求进工作总基调"]


def test_formula_table_errors(seeds: pd.DataFrame) -> None:
    from corpus_tools.keywords import formula_table

    with pytest.raises(
        InvalidParameterError, match="'min_docs' parameter of formula_table is used"
    ):
        formula_table(seeds, ["两学一做学习教育"], min_docs=4)
    with pytest.raises(InvalidParameterError, match="'formulas' parameter of formula_table"):
        formula_table(seeds, ["两学一做", "  "])
    with pytest.raises(InvalidParameterError, match="'formulas' parameter of formula_table"):
        formula_table(seeds, "两学一做")
    with pytest.raises(InvalidParameterError, match=r"Columns \['key'\] are missing"):
        formula_table(seeds, pd.DataFrame({"formula_id": [0], "text": ["两学一做"]}))
    with pytest.raises(InvalidParameterError, match="'by' parameter of formula_table"):
        formula_table(seeds, ["两学一做"], by="year")
    with pytest.raises(
        InvalidParameterError, match=r"'top' parameter of formula_table must be an int in \[1"
    ):
        formula_table(seeds, top=0)
    with pytest.raises(InvalidParameterError, match="'terms' parameter of kwic"):
        kwic(seeds, ["两学一做", " "], match="folded")


def test_cli_terms_from_formulas(tmp_path: Path, news_years: pd.DataFrame, cache: Path) -> None:
    from corpus_tools.keywords import formula_table

    sample = news_years.head(400)
    src = tmp_path / "news.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for rec in sample.to_dict("records"):
            fh.write(
                json.dumps(
                    {"id": rec["doc_id"], "text": rec["text"], "year": rec["year"]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    out = tmp_path / "trend.csv"
    res = _run(
        [
            str(src),
            "-o",
            str(out),
            "--terms-from",
            "formulas",
            "--by",
            "year",
            "--top",
            "20",
            "--format",
            "json",
        ],
        cache,
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert (summary["table"], summary["terms"]) == ("formulas", 20)
    got = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    want = formula_table(sample, by="year", top=20)
    assert got["term"].tolist() == want["term"].tolist()
    assert got[["year", "count", "doc_freq", "formula_id"]].values.tolist() == (
        want[["year", "count", "doc_freq", "formula_id"]].values.tolist()
    )
    # --kwic alone: the contexts of the formulas found
    conc = tmp_path / "kwic.csv"
    res = _run(
        [
            str(src),
            "-o",
            str(conc),
            "--terms-from",
            "formulas",
            "--top",
            "3",
            "--kwic",
            "--window",
            "5",
        ],
        cache,
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(conc, encoding="utf-8-sig", keep_default_na=False)
    top3 = want.drop_duplicates("formula_id").sort_values("formula_id").head(3)
    assert set(table["term"]) == set(top3["term"])
    assert len(table) == int(want[want["formula_id"] < 3]["count"].sum())
    # --kwic TERM: matched as formulas are (folded)
    res = _run(
        [str(src), "-o", str(conc), "--terms-from", "formulas", "--kwic", "央视网消息 (新闻联播)"],
        cache,
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rows"] == int(
        want[want["key"] == "央视网消息(新闻联播)"]["count"].sum()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--terms-from", "formulas", "--keyness", "source"], "does not take --keyness"),
        (["--terms-from", "formulas", "--strip-boilerplate"], "does not take --strip-boilerplate"),
        (["--min-docs", "4"], "need --terms-from formulas"),
        (["--kwic"], "--kwic needs a TERM"),
        (["--terms-from", "slogans"], "Invalid value for '--terms-from'"),
    ],
)
def test_cli_terms_from_usage_errors(
    tmp_path: Path, seeds_dir: Path, cache: Path, args: list[str], message: str
) -> None:
    res = _run([str(seeds_dir), "-o", str(tmp_path / "o.csv"), *args], cache)
    assert res.exit_code == 2
    assert message in res.stderr or message in res.output
