"""Boilerplate: watermarks, repeated passages, originality, stripping, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import iter_records
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools.boilerplate import (
    BoilerplateResult,
    OffsetMap,
    find_boilerplate,
    find_watermarks,
    strip_boilerplate,
    strip_spans,
    watermark_cues,
)
from corpus_tools.cli import cli
from corpus_tools.errors import InvalidParameterError
from corpus_tools.io import load_corpus, load_texts
from corpus_tools.text import fold, fold_keep_spaces, normalize

NEWS_OPENING = "央视网消息（新闻联播）："
FURNITURE = "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】"


def _key(text: str) -> str:
    return "".join(fold(text).split())


def _keys(texts: list[str]) -> list[str]:
    """``_key`` of many texts with one call of ``fold`` (folding is character-wise)."""
    sep = "\x02"
    assert not any(sep in t for t in texts)
    return ["".join(part.split()) for part in fold(sep.join(texts)).split(sep)] if texts else []


def _frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {"doc_id": [r["id"] for r in records], "text": [r["text"] for r in records]}
    )


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    return load_corpus(Path(__file__).resolve().parent.parent / "data" / "raw").documents


@pytest.fixture(scope="module")
def seed_result(seeds: pd.DataFrame) -> BoilerplateResult:
    return find_boilerplate(seeds)


@pytest.fixture(scope="module")
def news() -> pd.DataFrame:
    return _frame([r for r in iter_records("xinwen_lianbo", 1500) if r["item_type"] == "item"])


@pytest.fixture(scope="module")
def provincial() -> pd.DataFrame:
    return _frame(list(iter_records("provincial_gwr_2026")))


def _check_invariants(corpus: pd.DataFrame, res: BoilerplateResult, min_docs: int = 3) -> None:
    """What must hold for any corpus: offsets slice the original, counts agree."""
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    p = res.passages
    assert p["passage_id"].tolist() == list(range(len(p)))
    kinds = p["kind"].tolist()
    assert kinds == sorted(kinds, key=["watermark", "repeated"].index)
    by_passage = dict(tuple(res.spans.groupby("passage_id")))
    for row in p.itertuples():
        occ = by_passage[row.passage_id]
        assert row.occurrences == len(occ)
        assert row.doc_freq == occ["doc_id"].nunique() == len(row.docs)
        assert set(row.docs) == set(occ["doc_id"])
        slices = [
            texts[d][s:e] for d, s, e in zip(occ["doc_id"], occ["start"], occ["end"], strict=True)
        ]
        if row.kind == "repeated":
            # every occurrence is the same passage after normalisation
            assert set(_keys(slices)) == {_key(row.text)}
            assert row.doc_freq >= min_docs
        assert row.chars == len(_key(row.text))
    # spans of a document never overlap
    for _, group in res.spans.groupby("doc_id"):
        g = group.sort_values("start")
        assert (g["start"].to_numpy()[1:] >= g["end"].to_numpy()[:-1]).all()
    # boilerplate characters are the characters of the text as loaded the spans cover,
    # out of the characters of the text as loaded (what inspect counts)
    covered = {d: 0 for d in corpus["doc_id"]}
    for d, s, e in zip(res.spans["doc_id"], res.spans["start"], res.spans["end"], strict=True):
        covered[d] += e - s
    docs = res.documents.set_index("doc_id")
    assert docs["boilerplate_chars"].to_dict() == covered
    assert docs["chars"].to_dict() == {d: len(t) for d, t in texts.items()}
    assert np.allclose(docs["originality"], 1 - docs["boilerplate_chars"] / docs["chars"].clip(1))
    assert ((docs["originality"] >= 0) & (docs["originality"] <= 1)).all()


# --------------------------------------------------------------------------- watermarks


def test_seed_000_watermark_is_its_first_line(seed_texts: dict[str, str]) -> None:
    text = seed_texts["000_14cdbf6256da471f.txt"]
    marks = find_watermarks(text)
    first_line = text.splitlines()[0]
    assert marks[["start", "end"]].to_dict("records") == [{"start": 0, "end": len(first_line)}]
    assert marks["text"].iloc[0] == text[: len(first_line)]


def test_seed_002_watermark_is_the_block_above_its_title(seed_texts: dict[str, str]) -> None:
    text = seed_texts["002_fcffc313e2c7ef3d.txt"]
    marks = find_watermarks(text)
    assert len(marks) == 1
    start, end = int(marks["start"].iloc[0]), int(marks["end"].iloc[0])
    title = text.index("迎接市委组织部党建工作调研汇报材料")
    block = text[start:end]
    # from the first line down to the QQ group line, nothing of the title or the report
    assert start == 0
    assert block.rstrip().endswith("QQ群：")
    assert text[end:title].strip() == ""
    assert marks["text"].iloc[0] == block


def test_seed_reports_without_marks_have_none(seed_texts: dict[str, str]) -> None:
    for name in (
        "001_76da920ca12b73e0.txt",
        "003_9b7675b2e4522a57.txt",
        "004_4ba3fb77ef7e832c.txt",
    ):
        assert find_watermarks(seed_texts[name]).empty, name


def test_seed_watermarks_in_corpus_result(
    seeds: pd.DataFrame, seed_result: BoilerplateResult
) -> None:
    wm = seed_result.passages[seed_result.passages["kind"] == "watermark"]
    assert sorted(d for docs in wm["docs"] for d in docs) == [
        "000_14cdbf6256da471f.txt",
        "002_fcffc313e2c7ef3d.txt",
    ]
    docs = seed_result.documents.set_index("doc_id")
    assert docs.loc["000_14cdbf6256da471f.txt", "watermark_chars"] == len(
        _key("本文系作者原创投稿，仅供学习参考，请勿照搬照抄！")
    )
    assert docs.loc["001_76da920ca12b73e0.txt", "watermark_chars"] == 0
    _check_invariants(seeds, seed_result)


# Marks we wrote ourselves (not the seeds'), and where they stand.
VARIANTS = [
    "本文来源于网络，如有侵权请联系删除",
    "更多精品资料请关注公众号：党建材料库",
    "本资料仅供学习交流使用，严禁用于商业用途！",
    "ＱＱ交流群：123456789　　微信：dangjian2020",
    "（文档下载后可编辑，欢迎下载！）",
    "版权归原作者所有，如有侵权请联系删除。",
]


@pytest.mark.parametrize("mark", VARIANTS)
@pytest.mark.parametrize("where", ["head", "tail", "one-line"])
def test_watermark_variants_found_where_they_stand(
    seed_texts: dict[str, str], mark: str, where: str
) -> None:
    report = seed_texts["004_4ba3fb77ef7e832c.txt"].strip()
    if where == "head":
        text = mark + "\n" + report
    elif where == "tail":
        text = report + "\n\n" + mark + "\n"
    else:  # a report on one line, the mark its first sentence
        text = mark + ("" if mark[-1] in "！。）" else "。") + report.replace("\n", "")
    marks = find_watermarks(text)
    if where == "one-line" and watermark_cues(mark)[0] < 2:
        # inside a paragraph only strong cues count (see find_watermarks)
        assert marks.empty
        return
    assert len(marks) == 1, marks
    s, e = int(marks["start"].iloc[0]), int(marks["end"].iloc[0])
    assert _key(text[s:e]).startswith(_key(mark).rstrip("。"))
    assert len(_key(text[s:e])) <= len(_key(mark)) + 1
    assert marks["text"].iloc[0] == text[s:e]


def test_footer_repeated_through_the_text_is_found_anywhere(seed_texts: dict[str, str]) -> None:
    lines = seed_texts["001_76da920ca12b73e0.txt"].splitlines()
    footer = "更多精品资料请关注公众号"
    text = "\n".join([*lines[:8], footer, *lines[8:16], footer, *lines[16:]])
    marks = find_watermarks(text)
    assert marks["text"].tolist() == [footer, footer]


# Real sentences (from the news and the regulations corpora) that name the same things
# without being marks, placed where marks stand.
NOT_MARKS = [
    "公众可提前通过电话、学校微信公众号等方式预约参观。",
    "此外，媒体记者可以通过两会新闻中心的网站以及微信公众号上发布的通知，了解每场记者会的时间安排和内容。",
    "第八十五条 未取得旅行社业务经营许可的，不得以户外俱乐部、微信公众号、QQ群、户外论坛、协会组织、"
    "保健品销售企业、物业公司等名义从事经营性旅游业务。",
    "（四）泄露举报假冒专利行为的举报人情况和举报内容的；",
    "清明期间，民政部门推出网上预约，延长服务时间，免费赠送鲜花、黄丝带、寄语卡等多项便民措施。",
    "关于社区党员教育管理平台建设和资料共享情况的汇报",
    "要深入基层、深入群众，增加群众身边的绿地。",
]


@pytest.mark.parametrize("sentence", NOT_MARKS)
def test_real_sentences_naming_the_cues_are_not_marks(
    seed_texts: dict[str, str], sentence: str
) -> None:
    report = seed_texts["004_4ba3fb77ef7e832c.txt"].strip()
    for text in (
        sentence + "\n" + report,
        report + "\n" + sentence,
        report[:300] + "\n" + sentence + "\n" + report[300:],
    ):
        assert find_watermarks(text).empty


@pytest.mark.slow
def test_real_report_openings_are_not_marks(provincial: pd.DataFrame) -> None:
    docs = pd.concat(
        [
            provincial,
            _frame(list(iter_records("state_council_gwr"))),
            _frame(list(iter_records("xinwen_lianbo", 2000))),
        ]
    )
    res = find_boilerplate(docs, kinds=["watermark"])
    assert res.passages.empty, res.passages["text"].tolist()


def test_watermark_cues_counts_distinct_cues() -> None:
    assert watermark_cues("仅供学习 禁止外传") == (2, 0)
    assert watermark_cues("举报举报举报") == (0, 1)
    assert watermark_cues("ＱＱ群") == watermark_cues("qq 群") == (1, 0)
    assert watermark_cues("学校微信公众号") == (1, 0)  # 微信 inside 微信公众号 is not counted


# --------------------------------------------------------------------------- repeated


@pytest.mark.slow
def test_news_opening_reported_with_its_doc_freq(news: pd.DataFrame) -> None:
    res = find_boilerplate(news)
    hits = res.passages[res.passages["text"] == NEWS_OPENING]
    assert len(hits) == 1
    holding = [d for d, t in zip(news["doc_id"], news["text"], strict=True) if NEWS_OPENING in t]
    assert int(hits["doc_freq"].iloc[0]) == len(holding)
    assert hits["docs"].iloc[0] == holding
    assert hits["kind"].iloc[0] == "repeated"
    # it is the most widespread passage of the sample
    assert res.passages["doc_freq"].max() == len(holding)
    _check_invariants(news, res)


def test_provincial_page_furniture_is_one_passage(provincial: pd.DataFrame) -> None:
    res = find_boilerplate(provincial)
    hits = res.passages[res.passages["text"] == FURNITURE]
    assert len(hits) == 1
    holding = [
        d
        for d, t in zip(provincial["doc_id"], provincial["text"], strict=True)
        if t.startswith(FURNITURE)
    ]
    assert int(hits["doc_freq"].iloc[0]) == len(holding) > 10
    spans = res.spans[res.spans["passage_id"] == hits["passage_id"].iloc[0]]
    assert (spans["start"] == 0).all()
    _check_invariants(provincial, res)


def _paragraph(min_len: int = 80) -> str:
    """A real paragraph from another corpus (a 1980s national report)."""
    for rec in iter_records("state_council_gwr"):
        if rec["id"] == "gwr-1984-ro":
            paras = [p.strip() for p in rec["text"].split("\n") if len(p.strip()) >= min_len]
            return paras[3]
    pytest.skip("gwr-1984-ro not in the corpus")


@pytest.mark.parametrize("variant", ["same", "reformatted"])
def test_paragraph_planted_in_five_documents(provincial: pd.DataFrame, variant: str) -> None:
    para = _paragraph()
    texts = provincial["text"].tolist()
    planted = [1, 4, 9, 16, 25]
    for n, i in enumerate(planted):
        lines = texts[i].split("\n")
        copy = para
        if variant == "reformatted" and n % 2:
            # another copy: full-width digits and spaces, as copies really differ
            copy = para.translate(str.maketrans("0123456789，", "０１２３４５６７８９,")).replace(
                "。", "。 "
            )
        lines.insert(len(lines) // 2, copy)
        texts[i] = "\n".join(lines)
    corpus = provincial.assign(text=texts)
    res = find_boilerplate(corpus)
    hits = res.passages[[_key(t) == _key(para) for t in res.passages["text"]]]
    assert len(hits) == 1
    assert int(hits["doc_freq"].iloc[0]) == 5
    assert hits["docs"].iloc[0] == [provincial["doc_id"].iloc[i] for i in planted]
    spans = res.spans[res.spans["passage_id"] == hits["passage_id"].iloc[0]]
    for d, s, e in zip(spans["doc_id"], spans["start"], spans["end"], strict=True):
        original = texts[provincial["doc_id"].tolist().index(d)]
        assert _key(original[s:e]) == _key(para)
    _check_invariants(corpus, res)


def test_sentence_glued_to_an_unpunctuated_heading_is_found(news: pd.DataFrame) -> None:
    # a real sentence from another corpus; a line of its own in three items, run on from a
    # subheading without punctuation in three others (the sentence cut by units alone
    # was heading + sentence there, found nowhere else)
    sentence = _paragraph().split("。")[0] + "。"
    headings = ["坚持稳中求进推动高质量发展", "加快建设农业强国", "深化改革开放"]
    texts = news["text"].tolist()
    alone, glued = [10, 50, 90], [130, 170, 210]
    for i in alone:
        texts[i] = texts[i] + "\n" + sentence
    for i, heading in zip(glued, headings, strict=True):
        mid = texts[i].index("\n") if "\n" in texts[i] else len(texts[i])
        texts[i] = texts[i][:mid] + "\n" + heading + sentence + texts[i][mid:]
    corpus = news.assign(text=texts)
    res = find_boilerplate(corpus)
    hits = res.passages[[_key(t) == _key(sentence) for t in res.passages["text"]]]
    assert len(hits) == 1
    planted = sorted(alone + glued)
    assert int(hits["doc_freq"].iloc[0]) == 6
    assert hits["docs"].iloc[0] == [news["doc_id"].iloc[i] for i in planted]
    spans = res.spans[res.spans["passage_id"] == hits["passage_id"].iloc[0]]
    for i, heading in zip(glued, headings, strict=True):
        (start,) = spans.loc[spans["doc_id"] == news["doc_id"].iloc[i], "start"]
        assert start == texts[i].index(heading) + len(heading)  # the heading is not in it
        assert not any(heading in t for t in res.passages["text"])
    _check_invariants(corpus, res)


def test_fold_digits_matches_templates_filled_with_other_numbers(provincial: pd.DataFrame) -> None:
    # the provincial pages carry a date line 时间：2026-02-09 under the furniture
    dated = [
        d
        for d, t in zip(provincial["doc_id"], provincial["text"], strict=True)
        if re.search(r"^时间：\d{4}-\d{2}-\d{2}$", t, flags=re.M)
    ]
    assert len(dated) > 10

    def date_passages(res: BoilerplateResult) -> pd.DataFrame:
        p = res.passages
        return p[[re.fullmatch(r"时间：\d{4}-\d{2}-\d{2}", t) is not None for t in p["text"]]]

    folded = date_passages(find_boilerplate(provincial, fold_digits=True))
    assert len(folded) == 1
    assert folded["docs"].iloc[0] == dated
    plain = date_passages(find_boilerplate(provincial))
    assert plain.empty or plain["doc_freq"].max() < len(dated)
    with pytest.raises(InvalidParameterError, match=r"'fold_digits' parameter .* a bool"):
        find_boilerplate(provincial, fold_digits="yes")  # type: ignore[arg-type]


def test_min_docs_decides_what_is_repeated() -> None:
    sentence = "现将有关情况汇报如下，请各位领导批评指正。"
    docs = load_texts(
        {f"d{i}": f"第{i}份材料的开头。{sentence}第{i}份材料的结尾。" for i in range(4)}
    )
    for min_docs, expected in ((3, 4), (4, 4), (5, None)):
        res = find_boilerplate(docs, min_docs=min_docs)
        got = res.passages["doc_freq"].tolist()
        assert got == ([] if expected is None else [expected])
    res = find_boilerplate(docs, min_chars=len(sentence) + 1)
    assert res.passages.empty


def test_doc_freq_counts_documents_not_occurrences() -> None:
    line = "以习近平新时代中国特色社会主义思想为指导。"
    docs = load_texts({"a": line + "\n甲。\n" + line, "b": line + "\n乙。", "c": "丙。\n" + line})
    res = find_boilerplate(docs)
    assert res.passages[["doc_freq", "occurrences"]].to_dict("records") == [
        {"doc_freq": 3, "occurrences": 4}
    ]
    _check_invariants(docs, res)


def test_no_boilerplate_and_empty_texts() -> None:
    docs = load_texts({"a": "", "b": "今年以来，社区开展了多项工作。", "c": "  \n"})
    res = find_boilerplate(docs)
    assert res.passages.empty and res.spans.empty
    assert res.documents["originality"].tolist() == [1.0, 1.0, 1.0]
    assert res.documents["boilerplate_chars"].tolist() == [0, 0, 0]


def test_same_input_same_output(news: pd.DataFrame) -> None:
    sample = news.head(400)
    a, b = find_boilerplate(sample), find_boilerplate(sample.copy())
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)
    before = sample.copy()
    find_boilerplate(sample)
    pd.testing.assert_frame_equal(sample, before)  # input not mutated


POOL = [
    "坚持以人民为中心的发展思想。",
    "现将有关情况汇报如下：",
    "一是加强组织领导，压实工作责任。",
    "二是强化督促检查，确保取得实效；",
    "社区党组织战斗堡垒作用明显增强！",
    "下载",
    "打印",
]


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(["", "\n", " "])), max_size=8),
        min_size=1,
        max_size=8,
    ),
    st.integers(2, 4),
)
def test_invariants_and_reference_on_random_corpora(
    docs: list[list[tuple[str, str]]], min_docs: int
) -> None:
    texts = {f"d{i}": "".join(s + sep for s, sep in doc) for i, doc in enumerate(docs)}
    corpus = load_texts(texts)
    res = find_boilerplate(corpus, min_docs=min_docs, min_chars=1)
    _check_invariants(corpus, res, min_docs=min_docs)
    # reference: a sentence held by min_docs documents is the most that can be covered
    held = {s: sum(s in {x for x, _ in doc} for doc in docs) for s in POOL}
    frequent = {s for s, n in held.items() if n >= min_docs}
    # (a passage of several sentences covers the separators between them too)
    top = {
        f"d{i}": sum(len(s + sep) for s, sep in doc if s in frequent) for i, doc in enumerate(docs)
    }
    got = res.documents.set_index("doc_id")["boilerplate_chars"].to_dict()
    assert all(got[d] <= top[d] for d in texts)
    # every passage is a run of whole sentences, each of them frequent
    keys = {_key(x) for x in frequent}
    for row in res.passages.itertuples():
        rest = _key(row.text)
        while rest:
            head = next((k for k in keys if rest.startswith(k)), None)
            assert head is not None, (row.text, frequent)
            rest = rest[len(head) :]


# --------------------------------------------------------------------------- stripping


def test_strip_removes_furniture_and_maps_back(provincial: pd.DataFrame) -> None:
    res = find_boilerplate(provincial)
    out = strip_boilerplate(provincial, result=res)
    assert list(out.columns) == [*provincial.columns, "removed_chars", "offset_map"]
    assert out["doc_id"].tolist() == provincial["doc_id"].tolist()
    for orig, row in zip(provincial["text"], out.itertuples(), strict=True):
        assert not row.text.lstrip().startswith("下载\n打印")
        assert len(orig) - len(row.text) == row.removed_chars
        omap: OffsetMap = row.offset_map
        # every kept piece maps back to the very same characters
        for (ps, pe), ss in zip(omap.pieces, omap.stripped_starts, strict=True):
            n = pe - ps
            assert row.text[ss : ss + n] == orig[ps:pe]
            if n:
                assert omap.to_original(int(ss), int(ss + n)) == (ps, pe)
    assert (out["removed_chars"] > 0).sum() >= 23
    assert provincial["text"].iloc[0].startswith("下载")  # input untouched


def test_strip_kinds_and_list_input(seed_texts: dict[str, str]) -> None:
    texts = [seed_texts["000_14cdbf6256da471f.txt"], seed_texts["001_76da920ca12b73e0.txt"]]
    stripped = strip_boilerplate(texts, kinds=["watermark"])
    assert isinstance(stripped, list)
    assert stripped[0] == texts[0][len(texts[0].splitlines()[0]) :]
    assert stripped[1] == texts[1]
    frame = strip_boilerplate(load_texts(texts), kinds=["repeated"])
    assert frame["text"].tolist() == texts  # nothing repeated in two documents


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="ab，。\n 下载打印", max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=5),
)
def test_strip_spans_maps_every_character_back(text: str, raw: list[tuple[int, int]]) -> None:
    n = len(text)
    spans = [(min(a, b, n), min(max(a, b), n)) for a, b in raw]
    stripped, omap = strip_spans(text, spans)
    removed = set()
    for s, e in spans:
        removed.update(range(s, e))
    kept = [i for i in range(n) if i not in removed]
    assert stripped == "".join(text[i] for i in kept)
    assert omap.stripped_length == len(stripped)
    if stripped:
        starts, ends = omap.to_original_many(np.arange(len(stripped)), np.arange(len(stripped)) + 1)
        assert starts.tolist() == kept
        assert (ends - starts == 1).all()
    assert omap.to_original(len(stripped), len(stripped))[0] <= n


#: zero-width space, BOM (deleted by folding), a character outside the BMP, NUL, a lone
#: surrogate (as broken files decode)
FOLD_EXTRAS = ["\u200b", "\ufeff", "\U00020000", "\x00", "\ud800"]


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"央视网消息（新闻联播）：ＱＱ群 \u3000\n\t“”。！？；abcABC１２3", *FOLD_EXTRAS]
        ),
        max_size=30,
    )
)
def test_fast_fold_is_normalize(text: str) -> None:
    folded, norm = fold_keep_spaces(text)
    expected = normalize(text, spaces="keep")
    assert folded == expected.text
    if norm is None:  # positions unchanged
        assert expected.starts.tolist() == list(range(len(text)))


# --------------------------------------------------------------------------- errors


def test_errors_name_the_argument() -> None:
    docs = load_texts({"a": "x", "b": "y"})
    with pytest.raises(
        InvalidParameterError,
        match=r"'min_docs' parameter of find_boilerplate must be an int in \[2, inf\]. Got 1",
    ):
        find_boilerplate(docs, min_docs=1)
    with pytest.raises(InvalidParameterError, match=r"'min_chars' parameter .* Got 0"):
        find_boilerplate(docs, min_chars=0)
    with pytest.raises(InvalidParameterError, match=r"'min_docs' parameter .* Got 2.5"):
        find_boilerplate(docs, min_docs=2.5)
    with pytest.raises(InvalidParameterError, match=r"'kinds' parameter .* Got 'ads'"):
        find_boilerplate(docs, kinds=["ads"])
    with pytest.raises(InvalidParameterError, match=r"'kinds' parameter .* non-empty"):
        find_boilerplate(docs, kinds=[])
    with pytest.raises(InvalidParameterError, match=r"'progress' parameter .* bool or None"):
        find_boilerplate(docs, progress="yes")  # type: ignore[arg-type]
    assert find_boilerplate(docs, kinds="watermark").passages.empty  # one kind as a str
    with pytest.raises(InvalidParameterError, match=r"columns \['doc_id', 'text'\]"):
        find_boilerplate(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(InvalidParameterError, match=r"must be a pandas DataFrame"):
        find_boilerplate(["a text"])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"unique values in column 'doc_id'. Got 'a'"):
        find_boilerplate(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}))
    with pytest.raises(
        InvalidParameterError, match=r"str values in column 'text'. Got float for doc_id 'b'"
    ):
        find_boilerplate(pd.DataFrame({"doc_id": ["a", "b"], "text": ["x", float("nan")]}))
    with pytest.raises(InvalidParameterError, match=r"'text' parameter of find_watermarks"):
        find_watermarks(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'text' parameter of watermark_cues"):
        watermark_cues(3)  # type: ignore[arg-type]


def test_strip_errors() -> None:
    docs = load_texts({"a": "本文来源于网络，如有侵权请联系删除\n正文。"})
    other = find_boilerplate(load_texts({"z": "本文来源于网络，如有侵权请联系删除\n正文。"}))
    with pytest.raises(InvalidParameterError, match=r"must come from this corpus.*'z'"):
        strip_boilerplate(docs, result=other)
    with pytest.raises(InvalidParameterError, match=r"'result' parameter .* BoilerplateResult"):
        strip_boilerplate(docs, result="x")  # type: ignore[call-overload]
    with pytest.raises(InvalidParameterError, match=r"'corpus' parameter of strip_boilerplate"):
        strip_boilerplate("one text")  # type: ignore[call-overload]
    with pytest.raises(InvalidParameterError, match=r"'corpus' parameter .* list of str"):
        strip_boilerplate(["a", 3])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match=r"'spans' parameter of strip_spans"):
        strip_spans("abc", [(2, 5)])
    with pytest.raises(InvalidParameterError, match=r"'spans' .* int pairs. Got 'shape \(1, 3\)'"):
        strip_spans("abc", [(0, 1, 2)])
    _, omap = strip_spans("abcdef", [(1, 3)])
    with pytest.raises(InvalidParameterError, match=r"0 <= start <= end <= 4"):
        omap.to_original(2, 5)
    with pytest.raises(InvalidParameterError, match=r"non-empty spans within \[0, 4\]"):
        omap.to_original_many([0], [0])


# --------------------------------------------------------------------------- CLI


def test_cli_json_contract(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["boilerplate", str(seeds_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["passages", "documents"]
    assert {"text", "kind", "doc_freq", "docs"} <= set(data["passages"][0])
    assert {"doc_id", "boilerplate_chars", "originality"} <= set(data["documents"][0])
    kinds = {p["kind"] for p in data["passages"]}
    assert kinds == {"watermark"}
    assert len(data["documents"]) == 5


def test_cli_options_and_formats(seeds_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "boilerplate",
            str(seeds_dir),
            "--split",
            "lines",
            "--spans",
            "--format",
            "json",
            "--kind",
            "repeated",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    texts = {}
    for rec in load_corpus(seeds_dir, split="lines").documents.itertuples():
        texts[rec.doc_id] = rec.text
    assert data["passages"] and all(p["kind"] == "repeated" for p in data["passages"])
    for p in data["passages"]:
        assert len(p["spans"]) == p["occurrences"]
        for sp in p["spans"]:
            assert _key(texts[sp["doc_id"]][sp["start"] : sp["end"]]) == _key(p["text"])
    res = runner.invoke(
        cli, ["boilerplate", str(seeds_dir), "--format", "csv", "--show", "documents"]
    )
    assert res.exit_code == 0
    assert (
        res.output.splitlines()[0] == "doc_id,boilerplate_chars,originality,chars,watermark_chars"
    )
    res = runner.invoke(cli, ["boilerplate", str(seeds_dir), "--fold-digits", "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.output)["passages"]
    res = runner.invoke(cli, ["boilerplate", str(seeds_dir), "--format", "table", "--top", "1"])
    assert res.exit_code == 0 and re.search(r"watermark", res.output)
    assert len(res.output.strip().splitlines()) == 3


def test_cli_bad_inputs(tmp_path: Path, seeds_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["boilerplate", str(tmp_path / "missing.txt")])
    assert res.exit_code in (2, 4)
    res = runner.invoke(cli, ["boilerplate", str(seeds_dir), "--min-docs", "1"])
    assert res.exit_code == 2 and "--min-docs" in res.output
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    (tmp_path / "ok.txt").write_text("本文来源于网络，如有侵权请联系删除\n正文。", encoding="utf-8")
    res = runner.invoke(cli, ["boilerplate", str(tmp_path), "--format", "json"])
    assert res.exit_code == 3
    assert "bad.docx" in res.stderr
    assert json.loads(res.stdout)["passages"][0]["kind"] == "watermark"
