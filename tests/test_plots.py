"""Plots: a CJK font is found, Chinese is drawn as glyphs (never boxes), rcParams untouched."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from conftest import needs_cjk_font
from matplotlib.figure import Figure
from matplotlib.text import Text

import corpus_tools as ct
from corpus_tools.errors import InvalidParameterError
from corpus_tools.present import plots


@pytest.fixture(scope="module")
def lines_corpus(seeds_dir: Path) -> pd.DataFrame:
    """003 one report per line (the last six are one report), plus the other seeds whole."""
    files = sorted(seeds_dir.glob("*.txt"))
    lines = ct.load_corpus([str(p) for p in files if p.name.startswith("003")], split="lines")
    whole = ct.load_corpus([str(p) for p in files if not p.name.startswith("003")])
    return pd.concat([lines.documents, whole.documents], ignore_index=True)


@pytest.fixture
def axes() -> Iterator[Any]:
    """A fresh Axes on a Figure outside pyplot (nothing global is touched)."""
    fig = Figure(figsize=(8, 5), layout="constrained")
    yield fig.add_subplot()


@pytest.fixture
def glyph_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Every warning raised while drawing; tests assert none is about a missing glyph."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def _render(ax: Any) -> bytes:
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=60)
    return buf.getvalue()


def _assert_no_missing_glyphs(caught: list[warnings.WarningMessage]) -> None:
    bad = [
        str(w.message)
        for w in caught
        if "glyph" in str(w.message).lower() or "missing from" in str(w.message).lower()
    ]
    assert bad == []


def _all_text(ax: Any) -> list[Text]:
    return [t for t in ax.figure.findobj(Text) if t.get_text()]


def _assert_cjk_everywhere(ax: Any) -> None:
    name = plots.find_cjk_font().name
    texts = _all_text(ax)
    assert texts
    for t in texts:
        assert t.get_fontfamily()[0] == name, t.get_text()


# --------------------------------------------------------------------------- the font


@needs_cjk_font
def test_found_font_really_has_chinese_glyphs() -> None:
    from matplotlib.ft2font import FT2Font

    font = plots.find_cjk_font()
    charmap = FT2Font(font.path).get_charmap()
    assert all(ord(ch) in charmap for ch in "三会一课两学一做党支部")
    assert font.name in {f.name for f in matplotlib.font_manager.fontManager.ttflist}


@needs_cjk_font
def test_different_chinese_strings_draw_different_pixels(glyph_warnings: list[Any]) -> None:
    # boxes (tofu) look alike whatever the character; real glyphs do not
    images = []
    for text in ("三会一课", "两学一做", "三会一课"):
        fig = Figure(figsize=(2, 1))
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=20)
        plots.apply_cjk_font(ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="rgba", dpi=50)
        images.append(np.frombuffer(buf.getvalue(), dtype=np.uint8))
    assert not np.array_equal(images[0], images[1])
    assert np.array_equal(images[0], images[2])
    ink = (images[0].reshape(-1, 4)[:, :3] < 128).any(axis=1).sum()
    assert ink > 50  # something was drawn
    _assert_no_missing_glyphs(glyph_warnings)


def test_missing_font_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(plots.FONT_ENV, raising=False)
    monkeypatch.setattr(plots, "_search", lambda families: None)
    plots.find_cjk_font.cache_clear()
    try:
        with pytest.raises(plots.FontNotFoundError, match=r"apt-get install fonts-noto-cjk"):
            plots.find_cjk_font()
        with pytest.raises(plots.FontNotFoundError, match="boxes"):
            plots.plot_slogans(pd.DataFrame({"slogan": ["三会一课"], "count": [3]}))
    finally:
        plots.find_cjk_font.cache_clear()


def test_env_override_rejects_a_font_without_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    plots.find_cjk_font.cache_clear()
    try:
        monkeypatch.setenv(plots.FONT_ENV, str(dejavu))
        with pytest.raises(plots.FontNotFoundError, match="no Chinese glyphs"):
            plots.find_cjk_font()
        plots.find_cjk_font.cache_clear()
        monkeypatch.setenv(plots.FONT_ENV, "/nonexistent/font.ttf")
        with pytest.raises(plots.FontNotFoundError, match="no such font file"):
            plots.find_cjk_font()
        plots.find_cjk_font.cache_clear()
        monkeypatch.setenv(plots.FONT_ENV, "DejaVu Sans")
        with pytest.raises(plots.FontNotFoundError, match="draws Chinese"):
            plots.find_cjk_font()
    finally:
        plots.find_cjk_font.cache_clear()


@needs_cjk_font
def test_env_override_accepts_a_cjk_font_file(monkeypatch: pytest.MonkeyPatch) -> None:
    path = plots.find_cjk_font().path
    plots.find_cjk_font.cache_clear()
    try:
        monkeypatch.setenv(plots.FONT_ENV, path)
        assert plots.find_cjk_font().path == path
    finally:
        plots.find_cjk_font.cache_clear()


@needs_cjk_font
def test_plotting_leaves_global_rcparams_alone(seed_corpus: pd.DataFrame, axes: Any) -> None:
    before = dict(matplotlib.rcParams)
    plots.plot_document_sizes(ct.inspect(seed_corpus), ax=axes)
    _render(axes)
    assert dict(matplotlib.rcParams) == before


@needs_cjk_font
def test_apply_cjk_font_on_a_whole_figure(glyph_warnings: list[Any]) -> None:
    fig = Figure()
    left, right = fig.subplots(1, 2)
    left.set_title("三会一课")
    right.set_yticks([0, 1], labels=["党支部", "党小组"])
    assert plots.apply_cjk_font(fig) is fig
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    _assert_cjk_everywhere(left)
    _assert_no_missing_glyphs(glyph_warnings)


def test_apply_cjk_font_rejects_other_objects() -> None:
    with pytest.raises(InvalidParameterError, match="'target' parameter of apply_cjk_font"):
        plots.apply_cjk_font("not an axes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- each figure


@needs_cjk_font
def test_document_sizes(seed_corpus: pd.DataFrame, axes: Any, glyph_warnings: list[Any]) -> None:
    overview = ct.inspect(seed_corpus)
    ax = plots.plot_document_sizes(overview, ax=axes)
    assert ax is axes
    widths = sorted((p.get_width() for p in ax.patches), reverse=True)
    assert widths == sorted(overview["chars"].astype(float), reverse=True)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    longest = overview.loc[overview["chars"].idxmax()]
    assert labels[0].startswith(longest["title"][:10])
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_document_sizes_histogram_for_many_documents(axes: Any) -> None:
    overview = pd.DataFrame({"doc_id": [f"d{i}" for i in range(60)], "chars": range(60)})
    ax = plots.plot_document_sizes(overview, top=40, ax=axes)
    assert sum(p.get_height() for p in ax.patches) == 60  # one histogram, every document


@needs_cjk_font
def test_old_name_n_still_works_with_a_warning(seed_corpus: pd.DataFrame) -> None:
    from matplotlib.figure import Figure

    from corpus_tools.slogans import mine_slogans

    table = mine_slogans(seed_corpus)
    new = plots.plot_slogans(table, top=4, ax=Figure().add_subplot())
    with pytest.warns(DeprecationWarning, match="'n' parameter of plot_slogans is renamed 'top'"):
        old = plots.plot_slogans(table, n=4, ax=Figure().add_subplot())
    labels = [t.get_text() for t in old.get_yticklabels()]
    assert labels == [t.get_text() for t in new.get_yticklabels()]
    by_count = table.sort_values("count", ascending=False, kind="stable")
    assert labels == by_count["slogan"].head(4).tolist()
    with pytest.raises(InvalidParameterError, match="got both 'n' and 'top'"):
        plots.plot_slogans(table, n=4, top=4)


@needs_cjk_font
def test_slogans(seed_corpus: pd.DataFrame, axes: Any, glyph_warnings: list[Any]) -> None:
    from corpus_tools.slogans import mine_slogans

    table = mine_slogans(seed_corpus)
    ax = plots.plot_slogans(table, top=10, ax=axes)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    by_count = table.sort_values("count", ascending=False, kind="stable")
    assert labels == by_count["slogan"].head(10).tolist()
    assert [p.get_width() for p in ax.patches[:10]] == by_count["count"].head(10).tolist()
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_slogan_chart_title_and_order_agree(seed_corpus: pd.DataFrame, axes: Any) -> None:
    """The chart says "most frequent" and shows the most frequent first, whatever the
    table's order (mine_slogans sorts by score: 003's 三社联动 has the most occurrences
    of the seeds but is not the best scored)."""
    from corpus_tools.slogans import mine_slogans

    table = mine_slogans(seed_corpus)
    assert table["count"].tolist() != sorted(table["count"], reverse=True)  # by score
    ax = plots.plot_slogans(table, top=8, ax=axes)
    assert "most frequent" in ax.get_title()
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] == table["count"].max()
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown[0] == table.loc[table["count"].idxmax(), "slogan"]


@needs_cjk_font
def test_placeholder_density(
    seed_corpus: pd.DataFrame, axes: Any, glyph_warnings: list[Any]
) -> None:
    from corpus_tools.text import template_sections

    sections = template_sections(seed_corpus)
    ax = plots.plot_placeholder_density(sections, top=8, ax=axes)
    dense = sections[sections["placeholders"] > 0]
    widths = [p.get_width() for p in ax.patches]
    assert len(widths) == min(8, len(dense))
    assert widths == sorted(widths, reverse=True)
    assert widths[0] == pytest.approx(dense["density"].max())
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_duplicates(lines_corpus: pd.DataFrame, axes: Any, glyph_warnings: list[Any]) -> None:
    from corpus_tools.dedup import find_near_duplicates

    pairs = find_near_duplicates(lines_corpus).pairs
    ax = plots.plot_duplicates(pairs, ax=axes)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    involved = set(pairs["a"]) | set(pairs["b"])
    assert len(labels) == len(involved) >= 6  # the six copies of the 003 report at least
    matrix = ax.images[0].get_array()
    assert matrix.shape == (len(labels), len(labels))
    assert np.allclose(matrix.filled(0), matrix.filled(0).T)
    _render(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_duplicates_labels_readable_past_20_documents(axes: Any) -> None:
    """The national reports: 116 documents in pairs. The 30 in most pairs are drawn, their
    ids cut to what tells them apart, no cell text (it would overlap)."""
    from conftest import corpus_file

    from corpus_tools.dedup import find_near_duplicates

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("corpus 'state_council_gwr' not found")
    pairs = find_near_duplicates(ct.load_corpus(str(path)).documents).pairs
    involved = pd.concat([pairs["a"], pairs["b"]]).value_counts()
    assert len(involved) > 30
    ax = plots.plot_duplicates(pairs, top=30, ax=axes)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 30
    assert len(set(labels)) == 30
    assert max(len(x) for x in labels) <= 14
    assert not ax.texts  # no per-cell values past 20 documents
    # the documents shown are the most involved ones
    assert (
        min(involved[[d for d in involved.index if d.endswith(tuple(labels))]])
        >= sorted(involved, reverse=True)[29]
    )
    # past 40 documents only every k-th id is written
    ax = plots.plot_duplicates(pairs, top=100, ax=Figure().add_subplot())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 100
    assert 25 <= sum(1 for x in labels if x) <= 40


@needs_cjk_font
def test_duplicates_line_documents_lose_their_shared_file_name(seeds_dir: Path) -> None:
    """The lines of 002 as documents: past 20 the labels are their line numbers, not each
    time ``002_fcffc31…``."""
    path = seeds_dir / "002_fcffc313e2c7ef3d.txt"
    ids = ct.load_corpus(str(path), split="lines").documents["doc_id"].tolist()
    assert len(ids) > 20
    pairs = pd.DataFrame({"a": ids[:-1], "b": ids[1:], "similarity": 0.9})  # a chain
    ax = plots.plot_duplicates(pairs, top=30, ax=Figure().add_subplot())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == sorted(i.rsplit(":", 1)[1] for i in ids)


@needs_cjk_font
def test_originality(seed_corpus: pd.DataFrame, axes: Any, glyph_warnings: list[Any]) -> None:
    from corpus_tools.boilerplate import find_boilerplate

    docs = find_boilerplate(seed_corpus).documents
    ax = plots.plot_originality(docs, ax=axes)
    n = len(docs)
    original, repeated, water = (ax.patches[i * n : (i + 1) * n] for i in range(3))
    for o, r, w in zip(original, repeated, water, strict=True):
        assert o.get_width() + r.get_width() + w.get_width() == pytest.approx(1.0)
    # the watermarked seeds (000 and 002) come first, least original first
    top = [t.get_text() for t in ax.get_yticklabels()][:2]
    assert {label[:3] for label in top} == {"000", "002"}
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)


KEYWORDS = pd.DataFrame(
    {
        "year": [2023, 2023, 2023, 2024, 2024, 2025],
        "term": ["两个确立", "党建引领", "三会一课", "两个确立", "新质生产力", "新质生产力"],
        "count": [5, 3, 1, 2, 7, 9],
        "doc_freq": [2, 2, 1, 1, 3, 4],
        "docs": [4, 4, 4, 3, 3, 5],
        "rate_per_10k": [5.0, 3.0, 1.0, 2.5, 8.75, 9.0],
        "tfidf": [0.1, 0.05, 0.01, 0.04, 0.2, 0.3],
    }
)


@needs_cjk_font
def test_keywords_sums_groups(axes: Any, glyph_warnings: list[Any]) -> None:
    ax = plots.plot_keywords(KEYWORDS, top=3, ax=axes)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["新质生产力", "两个确立", "党建引领"]
    assert [p.get_width() for p in ax.patches] == [16, 7, 3]
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_keyword_trends(axes: Any, glyph_warnings: list[Any]) -> None:
    ax = plots.plot_keyword_trends(KEYWORDS, terms=["两个确立", "新质生产力"], ax=axes)
    lines = {line.get_label(): line.get_ydata().tolist() for line in ax.get_lines()}
    assert lines == {"两个确立": [5.0, 2.5, 0.0], "新质生产力": [0.0, 8.75, 9.0]}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024", "2025"]
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_keywords_on_real_text(seed_corpus: pd.DataFrame, axes: Any) -> None:
    from corpus_tools import keywords as kw

    table = kw.keyword_table(seed_corpus, min_length=2)
    ax = plots.plot_keywords(table, top=5, ax=axes)
    top = table.sort_values(["count", "term"], ascending=[False, True])["term"].head(5)
    assert [t.get_text() for t in ax.get_yticklabels()] == top.tolist()


TOPIC_TERMS = pd.DataFrame(
    {
        "topic": [0, 0, 0, 1, 1, 1],
        "term": ["支部", "党员", "组织", "经济", "增长", "投资"],
        "weight": [0.5, 0.3, 0.2, 0.6, 0.3, 0.1],
    }
)


@needs_cjk_font
def test_topic_terms(axes: Any, glyph_warnings: list[Any]) -> None:
    ax = plots.plot_topic_terms(TOPIC_TERMS, n_terms=3, ax=axes)
    cells = {t.get_text() for t in ax.texts}
    assert cells == set(TOPIC_TERMS["term"])
    # a column is named by its topic and best terms, as the legend of the shares names it
    assert [t.get_text() for t in ax.get_xticklabels()] == ["T0\n支部、党员", "T1\n经济、增长"]
    _render(ax)
    _assert_cjk_everywhere(ax)
    _assert_no_missing_glyphs(glyph_warnings)
    # the other accepted shape: one row per topic with its list of terms
    fig = Figure()
    wide = pd.DataFrame({"topic": [0, 1], "terms": [["支部", "党员"], ["经济", "增长"]]})
    ax2 = plots.plot_topic_terms(wide, ax=fig.add_subplot())
    assert {t.get_text() for t in ax2.texts} == {"支部", "党员", "经济", "增长"}


@needs_cjk_font
def test_topic_shares(axes: Any, glyph_warnings: list[Any]) -> None:
    doc_topics = pd.DataFrame(
        {"doc_id": list("abcdef"), "topic": [0, 1, 1, 0, 0, 1], "weight": [1.0] * 6}
    )
    corpus = pd.DataFrame({"doc_id": list("abcdef"), "year": [2021, 2021, 2022, 2022, 2023, 2023]})
    ax = plots.plot_topic_shares(doc_topics, by="year", corpus=corpus, ax=axes)
    # three periods: two stacked areas, the upper one reaching 1 (shares sum to 1)
    assert len(ax.collections) == 2
    top = ax.collections[1].get_paths()[0].vertices
    assert top[:, 1].max() == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021", "2022", "2023"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["T0", "T1"]  # no terms given
    _render(ax)
    _assert_no_missing_glyphs(glyph_warnings)
    # with the topics' terms, the legend names each topic by its best three
    topics = pd.DataFrame({"topic": [0, 1], "terms": [["支部", "党员", "组织", "党费"], ["经济"]]})
    fig = Figure()
    named = plots.plot_topic_shares(
        doc_topics, by="year", corpus=corpus, topics=topics, ax=fig.add_subplot()
    )
    legend = [t.get_text() for t in named.get_legend().get_texts()]
    assert legend == ["T0 支部、党员、组织", "T1 经济"]
    with pytest.raises(InvalidParameterError, match="'topics' parameter of plot_topic_shares"):
        plots.plot_topic_shares(doc_topics, by="year", corpus=corpus, topics=[["支部"]])  # type: ignore[arg-type]


@needs_cjk_font
@pytest.mark.slow
def test_topic_plots_on_real_topics(seed_corpus: pd.DataFrame, glyph_warnings: list[Any]) -> None:
    from corpus_tools import topics

    docs = seed_corpus.assign(year=[2019, 2019, 2020, 2021, 2021])
    res = topics.fit_topics(docs, k=3, by="year")
    fig = Figure(figsize=(8, 8))
    ax1, ax2 = fig.subplots(2, 1)
    plots.plot_topic_terms(res.topics, n_terms=5, ax=ax1)
    # each topic's terms, best first, in its column
    for j, terms in enumerate(res.topics["terms"]):
        column = sorted(
            (t for t in ax1.texts if t.get_position()[0] == j), key=lambda t: t.get_position()[1]
        )
        assert [t.get_text() for t in column] == [plots._short(x, 8) for x in terms[:5]]
    assert [t.get_text() for t in ax1.get_xticklabels()] == [
        f"T{t}\n" + "、".join(plots._short(x, 6) for x in terms[:2])
        for t, terms in zip(res.topics["topic"], res.topics["terms"], strict=True)
    ]
    plots.plot_topic_shares(res, by="year", ax=ax2)  # the whole result: shares and terms
    assert [t.get_text() for t in ax2.get_xticklabels()] == ["2019", "2020", "2021"]
    legend = [t.get_text() for t in ax2.get_legend().get_texts()]
    shown = sorted(res.shares["topic"].unique())
    assert legend == [
        f"T{t} " + "、".join(plots._short(x, 6) for x in res.topics["terms"][t][:3]) for t in shown
    ]
    top = ax2.collections[-1].get_paths()[0].vertices
    assert top[:, 1].max() == pytest.approx(1.0)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    _assert_cjk_everywhere(ax1)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_new_figure_when_no_axes_given(seed_corpus: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    ax = plots.plot_document_sizes(ct.inspect(seed_corpus))
    try:
        assert ax.figure is not None
        assert ax.patches
    finally:
        plt.close(ax.figure)


@needs_cjk_font
def test_empty_tables_draw_a_note(axes: Any) -> None:
    ax = plots.plot_slogans(pd.DataFrame({"slogan": [], "count": []}), ax=axes)
    assert [t.get_text() for t in ax.texts] == ["no slogans"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: plots.plot_slogans(pd.DataFrame({"x": [1]})), r"Columns \['slogan', 'count'\]"),
        (lambda: plots.plot_slogans([1, 2]), "must be a pandas DataFrame"),
        (
            lambda: plots.plot_slogans(pd.DataFrame({"slogan": ["a"], "count": [1]}), top=0),
            r"'top' parameter of plot_slogans must be an int in \[1, inf\]",
        ),
        (
            lambda: plots.plot_keywords(KEYWORDS, value="bogus"),
            "'value' parameter of plot_keywords",
        ),
        (
            lambda: plots.plot_keyword_trends(KEYWORDS.drop(columns="year")),
            "keyword table made with by=",
        ),
        (
            lambda: plots.plot_keyword_trends(KEYWORDS, terms="两个确立"),
            "'terms' parameter of plot_keyword_trends must be a list of str",
        ),
        (
            lambda: plots.plot_duplicates(pd.DataFrame({"a": [], "b": []}), value="jaccard"),
            "'value' parameter of plot_duplicates",
        ),
        (
            lambda: plots.plot_topic_terms(pd.DataFrame({"topic": [0], "w": [1]})),
            r"\['topic', 'term', 'weight'\] or \['topic', 'terms'\]",
        ),
        (
            lambda: plots.plot_topic_shares(
                pd.DataFrame({"doc_id": ["a"], "topic": [0]}), by="year"
            ),
            "'by' parameter of plot_topic_shares must be a column of the table",
        ),
        (
            lambda: plots.plot_originality(pd.DataFrame({"doc_id": ["a"]})),
            "'documents' parameter of plot_originality",
        ),
        (
            lambda: plots.plot_document_sizes(pd.DataFrame({"doc_id": ["a"], "chars": [1]}), ax=1),
            "'ax' parameter of plot_document_sizes must be a matplotlib Axes",
        ),
    ],
)
def test_bad_arguments(call: Any, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        call()


# --------------------------------------------------------------------------- formulas


@pytest.fixture(scope="module")
def provincial_formulas() -> Any:
    """The formulas of the 31 provincial reports of 2026, spread over provinces."""
    from conftest import iter_records

    recs = list(iter_records("provincial_gwr_2026"))
    corpus = pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "province": [r["province"] for r in recs],
        }
    )
    return ct.find_formulas(corpus, by="province")


@pytest.fixture(scope="module")
def news_formulas() -> Any:
    """The formulas of every 20th 新闻联播 item (about 1,000, 2022-2026), spread over years."""
    from conftest import iter_records

    recs = [r for i, r in enumerate(iter_records("xinwen_lianbo")) if i % 20 == 0]
    corpus = pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "year": [r["year"] for r in recs],
        }
    )
    return ct.find_formulas(corpus, by="year")


def _labels(ticks: Any) -> list[str]:
    return [t.get_text() for t in ticks]


@needs_cjk_font
def test_formula_heatmap_cells_are_the_spread_shares(
    provincial_formulas: Any, axes: Any, glyph_warnings: list[Any]
) -> None:
    res = provincial_formulas
    ax = plots.plot_formula_heatmap(res, top=12, ax=axes)
    provinces = sorted(set(res.spread["value"]))
    assert len(provinces) == 31
    assert _labels(ax.get_xticklabels()) == provinces
    grid = np.ma.filled(ax.images[0].get_array(), np.nan)
    assert grid.shape == (12, 31)
    spread = res.spread.set_index(["formula_id", "value"])["share"]
    for i in range(12):
        for j, p in enumerate(provinces):
            want = spread.get((i, p), np.nan)
            assert (np.isnan(grid[i, j]) and np.isnan(want)) or grid[i, j] == want
    # the guiding-thought formula stands in every report: a full row
    assert res.formulas["key"].iloc[0] == "以习近平新时代中国特色社会主义思想为指导"
    assert (grid[0] == 1.0).all()
    # long formulas keep head and tail around an ellipsis; the labels are distinct
    labels = _labels(ax.get_yticklabels())
    assert labels[0] == "以习近平新时代中国…会主义思想为指导"
    assert all(len(lab) <= 18 for lab in labels) and len(set(labels)) == 12
    for lab, text in zip(labels, res.formulas["text"].head(12), strict=True):
        head, _, tail = lab.partition("…")
        assert text.startswith(head) and text.endswith(tail)
    _render(ax)
    _assert_no_missing_glyphs(glyph_warnings)
    _assert_cjk_everywhere(ax)


@needs_cjk_font
def test_formula_heatmap_takes_the_spread_tables(provincial_formulas: Any) -> None:
    res = provincial_formulas
    whole = plots.plot_formula_heatmap(res, top=8, ax=Figure().add_subplot())
    table = plots.plot_formula_heatmap(res.spread, top=8, ax=Figure().add_subplot())
    assert np.ma.allequal(whole.images[0].get_array(), table.images[0].get_array())
    assert _labels(whole.get_yticklabels()) == _labels(table.get_yticklabels())
    fam = plots.plot_formula_heatmap(res.family_spread, top=8, ax=Figure().add_subplot())
    founders = res.families["text"].head(8).tolist()
    assert [lab.partition("…")[0] for lab in _labels(fam.get_yticklabels())] == [
        t[: len(lab.partition("…")[0])]
        for t, lab in zip(founders, _labels(fam.get_yticklabels()), strict=True)
    ]


@needs_cjk_font
def test_formula_timeline_ordered_by_first_year(
    news_formulas: Any, axes: Any, glyph_warnings: list[Any]
) -> None:
    res = news_formulas
    ax = plots.plot_formula_timeline(res, top=25, ax=axes)
    shown = res.formulas.head(25)
    # rows: first year ascending, then last year, then the result's order
    order = shown.sort_values(["first", "last", "formula_id"], kind="stable")
    labels = _labels(ax.get_yticklabels())
    assert len(labels) == 25
    for lab, text in zip(labels, order["text"], strict=True):
        assert text.startswith(lab.partition("…")[0].partition(" #")[0])
    # one segment per formula, from its first to its last year
    segments = ax.collections[0].get_segments()
    spans = [(float(s[0][0]), float(s[1][0])) for s in segments]
    assert spans == [
        (float(f), float(last)) for f, last in zip(order["first"], order["last"], strict=True)
    ]
    assert [f for f, _ in spans] == sorted(f for f, _ in spans)
    # a dot for every year a formula occurs in
    dots = ax.collections[1].get_offsets()
    assert len(dots) == int(res.spread["formula_id"].isin(order["formula_id"]).sum())
    assert ax.get_xlabel() == "year"
    _render(ax)
    _assert_no_missing_glyphs(glyph_warnings)


@needs_cjk_font
def test_formula_plots_of_nothing_draw_a_note(seed_corpus: pd.DataFrame, axes: Any) -> None:
    docs = seed_corpus.assign(year=range(2019, 2019 + len(seed_corpus)))
    res = ct.find_formulas(docs, by="year", min_docs=5, min_chars=60)
    assert res.formulas.empty
    ax = plots.plot_formula_heatmap(res, ax=axes)
    assert [t.get_text() for t in ax.texts] == ["no formulas"]
    ax = plots.plot_formula_timeline(res, ax=Figure().add_subplot())
    assert [t.get_text() for t in ax.texts] == ["no formulas"]


@needs_cjk_font
def test_formula_plots_bad_arguments(seed_corpus: pd.DataFrame) -> None:
    res = ct.find_formulas(seed_corpus)  # no by: nothing to spread over
    with pytest.raises(
        InvalidParameterError, match="'result_or_spread' parameter of plot_formula_heatmap"
    ):
        plots.plot_formula_heatmap(res)
    with pytest.raises(InvalidParameterError, match="found without by"):
        plots.plot_formula_timeline(res)
    with pytest.raises(InvalidParameterError, match="must be a FormulaResult"):
        plots.plot_formula_timeline(res.spread)
    with pytest.raises(InvalidParameterError, match=r"Columns \['share'\] are missing"):
        plots.plot_formula_heatmap(res.spread.drop(columns="share"))
    with pytest.raises(InvalidParameterError, match="must be a FormulaResult or a spread table"):
        plots.plot_formula_heatmap([1, 2])
    by_year = ct.find_formulas(seed_corpus.assign(year=2020), by="year")
    with pytest.raises(
        InvalidParameterError,
        match=r"'top' parameter of plot_formula_heatmap must be an int in \[1, inf\]",
    ):
        plots.plot_formula_heatmap(by_year, top=0)
    with pytest.raises(InvalidParameterError, match="'top' parameter of plot_formula_timeline"):
        plots.plot_formula_timeline(by_year, top=0)
