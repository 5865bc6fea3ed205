"""The HTML report: self-contained, deterministic, escaped, offsets that point into the text."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

matplotlib.use("Agg")

from conftest import chromium, needs_cjk_font, run_chromium

import corpus_tools as ct
from corpus_tools.cli import cli
from corpus_tools.errors import InvalidParameterError, NoDocumentsError
from corpus_tools.formulas import fold_formulas
from corpus_tools.present import collect_report_data, markup, plots, render_report, report
from corpus_tools.present.data import pairs_to_show
from corpus_tools.present.render import render_sections

pytestmark = needs_cjk_font


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def copy_corpus(seeds_dir: Path) -> pd.DataFrame:
    """003 one report per line (six copies of one), 000 whole, and a partial copy of 000."""
    lines = ct.load_corpus(str(next(seeds_dir.glob("003_*.txt"))), split="lines").documents
    whole = ct.load_corpus(str(next(seeds_dir.glob("000_*.txt")))).documents
    source = whole["text"].iloc[0]
    partial = ct.load_texts(
        {
            "partial<copy>": "本社区的基本情况和工作成效，另行撰写。\n"
            + source[300:900]
            + "\n结尾另写。"
        }
    )
    return pd.concat([lines, whole, partial], ignore_index=True)


@pytest.fixture(scope="module")
def seed_report(seed_corpus: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("report") / "report.html"
    summary = report.write_report(seed_corpus, out)
    return summary, out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def copy_report(copy_corpus: pd.DataFrame) -> str:
    return report.build_report(copy_corpus, sections=["duplicates", "templates"])


class _Elements(HTMLParser):
    """Collects elements of one class: their attributes, visible text and marked spans."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls = cls
        self.found: list[dict[str, Any]] = []
        self._depth = 0  # >0 inside a wanted element
        self._gap = 0  # >0 inside span.gap (not document text)
        self._mark: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._depth:
            self._depth += 1
            if tag == "span" and "gap" in a.get("class", "").split():
                self._gap = self._depth
            if tag == "mark":
                self._mark = a.get("class", "")
                self.found[-1]["marks"].append([self._mark, len(self.found[-1]["text"]), ""])
        elif self.cls in a.get("class", "").split():
            self._depth = 1
            self.found.append({"attrs": a, "text": "", "marks": []})

    def handle_endtag(self, tag: str) -> None:
        if not self._depth:
            return
        if self._gap == self._depth:
            self._gap = 0
        if tag == "mark":
            self._mark = None
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._depth or self._gap:
            return
        self.found[-1]["text"] += data
        if self._mark is not None:
            self.found[-1]["marks"][-1][2] += data


def _elements(page: str, cls: str) -> list[dict[str, Any]]:
    parser = _Elements(cls)
    parser.feed(page)
    return parser.found


# --------------------------------------------------------------------------- the page


def test_page_is_self_contained(seed_report: Any) -> None:
    _, page = seed_report
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)
    assert refs, "figures and navigation are expected"
    assert all(r.startswith(("data:image/png;base64,", "#")) for r in refs)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) >= 4  # overview, templates, slogans, boilerplate at least
    import base64

    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in images)


def test_sections_in_order_and_none_failed(seed_report: Any) -> None:
    summary, page = seed_report
    ids = re.findall(r'<section id="([a-z]+)">', page)
    # the findings and the scorecard open the page, before the numbered sections
    assert ids == ["findings", "scorecard", *report.SECTIONS]
    statuses = dict(zip(summary.sections["section"], summary.sections["status"], strict=True))
    assert "failed" not in statuses.values(), summary.sections.to_string()
    # every capability has landed: every section must be there and ok
    assert statuses == {key: "ok" for key in report.SECTIONS}, summary.sections.to_string()
    assert "Could not be computed" not in page


def test_overview_lists_every_seed_with_its_title(
    seed_report: Any, seed_corpus: pd.DataFrame
) -> None:
    _, page = seed_report
    overview = page.split('<section id="overview">')[1].split("</section>")[0]
    table = ct.inspect(seed_corpus)
    for doc_id, title in zip(table["doc_id"], table["title"], strict=True):
        assert html.escape(doc_id) in overview
        assert html.escape(title[:20]) in overview


def test_placeholders_highlighted_at_their_offsets(
    seed_report: Any, seed_corpus: pd.DataFrame
) -> None:
    from corpus_tools.text import placeholder_spans

    _, page = seed_report
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
    spans = placeholder_spans(seed_corpus)
    shown = _elements(page, "section-text")
    assert shown, "template sections with placeholders are expected in the seeds"
    marked = 0
    for el in shown:
        doc, s, e = (
            el["attrs"]["data-doc"],
            int(el["attrs"]["data-start"]),
            int(el["attrs"]["data-end"]),
        )
        assert el["text"] == texts[doc][s:e]  # the displayed text is the original slice
        got = [(s + off, s + off + len(t), cls.split()[-1][3:]) for cls, off, t in el["marks"]]
        inside = spans[(spans["doc_id"] == doc) & (spans["start"] >= s) & (spans["end"] <= e)]
        want = list(zip(inside["start"], inside["end"], inside["kind"], strict=True))
        assert got == want
        assert [t for _, _, t in el["marks"]] == inside["text"].tolist()
        marked += len(got)
    assert marked > 10


def test_copied_passages_side_by_side(copy_report: str, copy_corpus: pd.DataFrame) -> None:
    from corpus_tools.dedup import copied_passages

    texts = dict(zip(copy_corpus["doc_id"], copy_corpus["text"], strict=True))
    excerpts = _elements(copy_report, "excerpt")
    assert len(excerpts) >= 2 and len(excerpts) % 2 == 0
    for el in excerpts:
        a = el["attrs"]
        doc, lo, hi = a["data-doc"], int(a["data-start"]), int(a["data-end"])
        cs, ce = int(a["data-copy-start"]), int(a["data-copy-end"])
        copied = "".join(t for cls, _, t in el["marks"] if cls == "copy")
        if len(el["marks"]) == 1:  # shown whole
            assert el["text"] == texts[doc][lo:hi]
            assert copied == texts[doc][cs:ce]
        else:  # a long passage: its head and tail
            assert texts[doc][cs:ce].startswith(el["marks"][0][2])
            assert texts[doc][cs:ce].endswith(el["marks"][-1][2])
    # the partial copy is shown against its source, passage for passage
    pairs = list(zip(excerpts[::2], excerpts[1::2], strict=True))
    partial = [(a, b) for a, b in pairs if a["attrs"]["data-doc"] == "partial<copy>"]
    assert partial, "the partial copy of 000 must be shown"
    source = partial[0][1]["attrs"]["data-doc"]
    assert source.startswith("000_")
    want = copied_passages(texts["partial<copy>"], texts[source])
    got = [
        (int(a["attrs"]["data-copy-start"]), int(b["attrs"]["data-copy-start"])) for a, b in partial
    ]
    assert got == list(zip(want["submission_start"], want["match_start"], strict=True))
    # the six identical copies of the 003 report: one example, not fifteen
    dup_docs = {
        a["attrs"]["data-doc"] for a, _ in pairs if a["attrs"]["data-doc"].startswith("003_")
    }
    assert len(dup_docs) == 1
    assert "&lt;copy&gt;" in copy_report and "partial<copy>" not in copy_report


def test_blank_lines_hidden_but_offsets_kept() -> None:
    text = "一、做法\n\n\n\n\n投入X万元，建成X个站点。<b>"
    page = markup.highlight(text, [(11, 12, "ph"), (17, 18, "ph")])
    assert '<span class="blank">' in page
    parsed = _elements(f'<div class="t">{page}</div>', "t")[0]
    assert parsed["text"] == text
    assert [(off, t) for _, off, t in parsed["marks"]] == [(11, "X"), (17, "X")]


def test_side_by_side_pairs_cover_every_relation() -> None:
    relations = ["duplicate"] * 3 + ["near-duplicate"] * 4 + ["partial"] * 3
    pairs = pd.DataFrame(
        {
            "a": ["d1", "d1", "d2", *[f"n{i}" for i in range(4)], *[f"p{i}" for i in range(3)]],
            "b": ["d2", "d3", "d3", *[f"m{i}" for i in range(4)], *[f"q{i}" for i in range(3)]],
            "relation": relations,
        }
    )
    clusters = pd.DataFrame({"cluster": [0, 0, 0], "doc_id": ["d1", "d2", "d3"]})
    chosen = pairs_to_show(pairs, clusters, 5)
    assert chosen == sorted(chosen)
    assert [relations[i] for i in chosen].count("duplicate") == 1  # one per cluster
    assert {relations[i] for i in chosen} == {"duplicate", "near-duplicate", "partial"}
    assert len(chosen) == 5
    assert len(pairs_to_show(pairs, clusters, 99, one_per_cluster=False)) == 10


def test_text_is_escaped() -> None:
    docs = ct.load_texts(
        {
            '<img src=x onerror="alert(1)">': "关于XX社区的汇报\n一、做法\n<script>alert('hi')</script>"
            "投入X万元，建成X个站点，覆盖XX社区居民X人 & 党员X名。“三会一课”落实到位。",
        }
    )
    page = report.build_report(docs, sections=["overview", "templates", "slogans"])
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&amp; 党员" in page


@pytest.mark.slow
def test_same_input_same_bytes(seed_report: Any, seed_corpus: pd.DataFrame, tmp_path: Path) -> None:
    summary, _ = seed_report
    again = report.write_report(seed_corpus, tmp_path / "again.html")
    assert Path(again.path).read_bytes() == Path(summary.path).read_bytes()


def test_failing_capability_is_a_note(
    monkeypatch: pytest.MonkeyPatch, seed_corpus: pd.DataFrame, tmp_path: Path
) -> None:
    import corpus_tools.boilerplate as bp

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bp, "find_boilerplate", boom)
    summary = report.write_report(
        seed_corpus, tmp_path / "r.html", sections=["overview", "boilerplate"]
    )
    rows = dict(zip(summary.sections["section"], summary.sections["status"], strict=True))
    assert rows == {"overview": "ok", "boilerplate": "failed"}
    page = Path(summary.path).read_text(encoding="utf-8")
    assert "RuntimeError: disk on fire" in page


# --------------------------------------------------------------------------- data, then HTML


def test_collect_then_render_is_the_report_and_render_computes_nothing(
    monkeypatch: pytest.MonkeyPatch, copy_corpus: pd.DataFrame, copy_report: str
) -> None:
    from corpus_tools import dedup, text

    data = collect_report_data(copy_corpus, sections=["duplicates", "templates"])
    assert repr(data) == "ReportData(11 documents, 6 distinct; tables: duplicates, placeholders)"
    assert list(data.passages) and all(
        (a, b) in set(zip(data.duplicates.pairs["a"], data.duplicates.pairs["b"], strict=True))
        for a, b in data.passages
    )

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("render_report computed a table")

    for module, name in (
        (dedup, "find_near_duplicates"),
        (dedup, "copied_passages"),
        (text, "scan_placeholders"),
    ):
        monkeypatch.setattr(module, name, boom)
    assert render_report(data) == copy_report


def test_a_changed_table_is_what_the_page_shows(seed_corpus: pd.DataFrame) -> None:
    data = collect_report_data(seed_corpus, sections=["slogans"])
    assert data.slogans is not None
    numeric = data.slogans[data.slogans["kind"] == "numeric"]
    quoted = data.slogans[data.slogans["kind"] != "numeric"]
    assert len(numeric) and len(quoted)
    data.slogans = numeric
    section = render_report(data).split('<section id="slogans">')[1].split("</section>")[0]
    assert f"<b>{len(numeric)}</b><span>提法 slogans</span>" in section
    assert f"<td>{html.escape(numeric['slogan'].iloc[0])}</td>" in section
    assert f"<td>{html.escape(quoted['slogan'].iloc[0])}</td>" not in section


def test_boilerplate_is_found_once_and_passed_to_the_topics(
    monkeypatch: pytest.MonkeyPatch, seed_corpus: pd.DataFrame
) -> None:
    import corpus_tools.boilerplate as bp
    import corpus_tools.topics as tp

    found: list[Any] = []
    fitted: list[dict[str, Any]] = []
    real_find, real_fit = bp.find_boilerplate, tp.fit_topics

    def find(*args: Any, **kwargs: Any) -> Any:
        found.append(real_find(*args, **kwargs))
        return found[-1]

    def fit(*args: Any, **kwargs: Any) -> Any:
        fitted.append(kwargs)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(bp, "find_boilerplate", find)
    monkeypatch.setattr(tp, "fit_topics", fit)
    data = collect_report_data(seed_corpus, sections=["boilerplate", "topics"], n_topics=3)
    assert data.failures == {}
    assert len(found) == 1 and len(fitted) == 1
    assert fitted[0]["boilerplate"] is data.boilerplate is found[0]
    assert data.topics is not None and data.topics.k == 3


def test_a_section_without_its_table_is_a_note(seed_corpus: pd.DataFrame) -> None:
    data = collect_report_data(seed_corpus, sections=["overview", "slogans"])
    data.slogans = None
    parts = render_sections(data)
    assert [(p.key, p.status) for p in parts] == [("overview", "ok"), ("slogans", "failed")]
    assert "the table of the 'slogans' section was not collected" in parts[1].note
    section = render_report(data).split('<section id="slogans">')[1].split("</section>")[0]
    assert '<p class="notice failed"><b>Could not be computed:</b>' in section


def test_collect_report_data_checks_its_arguments(seed_corpus: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="'top' parameter of collect_report_data"):
        collect_report_data(seed_corpus, top=0)
    with pytest.raises(InvalidParameterError, match="'sections' parameter of collect_report_data"):
        collect_report_data(seed_corpus, sections=["overview", "bogus"])


def test_no_cjk_font_fails_before_any_work(
    monkeypatch: pytest.MonkeyPatch, seed_corpus: pd.DataFrame
) -> None:
    def missing() -> Any:
        raise plots.FontNotFoundError("no font: apt-get install fonts-noto-cjk")

    monkeypatch.setattr(plots, "find_cjk_font", missing)
    with pytest.raises(plots.FontNotFoundError, match="fonts-noto-cjk"):
        report.build_report(seed_corpus, sections=["overview"])


@pytest.mark.slow
def test_trends_over_a_time_field(seed_corpus: pd.DataFrame) -> None:
    docs = seed_corpus.assign(year=[2019, 2019, 2020, 2021, 2021])
    page = report.build_report(docs, sections=["keywords", "topics"], n_topics=3)
    assert 'alt="keyword trends"' in page
    assert 'alt="topic shares"' in page
    topics = page.split('<section id="topics">')[1]
    assert re.search(r"<b>3</b><span>主题 topics</span>", topics)


def test_group_field_is_picked_up(seed_corpus: pd.DataFrame) -> None:
    docs = seed_corpus.assign(year=[2019, 2019, 2020, 2021, 2021])
    page = report.build_report(docs, sections=["overview"])
    assert "grouped by year" in page
    assert "grouped by" not in report.build_report(docs, sections=["overview"], by=None)


# --------------------------------------------------------------------------- writing


def test_write_report_from_paths(tmp_path: Path, seeds_dir: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(seeds_dir.glob("00[01]_*.txt")):
        shutil.copy(p, src / p.name)
    (src / "broken.docx").write_bytes(b"not a zip")
    out = tmp_path / "out" / "report.html"
    summary = report.write_report(src, out, sections=["overview"])
    assert summary.path == str(out) and out.stat().st_size == summary.bytes
    assert (summary.documents, summary.unreadable) == (2, 1)
    page = out.read_text(encoding="utf-8")
    assert "broken.docx" in page and "could not be read" in page
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no temp file left


def test_write_report_nothing_readable(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"\x00\x01")
    with pytest.raises(NoDocumentsError, match="No readable document"):
        report.write_report(tmp_path, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sections": ["overview", "bogus"]}, "'sections' parameter of build_report"),
        ({"sections": "overview"}, "'sections' parameter of build_report"),
        ({"top": 0}, r"'top' parameter of build_report must be an int in \[1, inf\]"),
        ({"by": "province"}, "'by' parameter of build_report must be a column of the corpus"),
        ({"title": 3}, "'title' parameter of build_report must be a str"),
        ({"n_topics": 1}, "'n_topics' parameter of build_report"),
    ],
)
def test_bad_options(seed_corpus: pd.DataFrame, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        report.build_report(seed_corpus, **kwargs)


def test_bad_corpus() -> None:
    twice = pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]})
    with pytest.raises(InvalidParameterError, match="unique doc_id values"):
        report.build_report(twice)
    with pytest.raises(InvalidParameterError, match=r"Columns \['text'\] are missing"):
        report.build_report(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(InvalidParameterError, match="'options' parameter of write_report"):
        report.write_report(twice, "x.html", colour="red")


# --------------------------------------------------------------------------- command line


def test_cli_writes_the_report(tmp_path: Path, seeds_dir: Path) -> None:
    out = tmp_path / "r.html"
    files = [str(p) for p in sorted(seeds_dir.glob("00[02]_*.txt"))]
    result = CliRunner().invoke(
        cli, ["report", *files, "-o", str(out), "--sections", "overview,templates"]
    )
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert f"wrote {out}" in result.output and "templates" in result.output
    ids = re.findall(r'<section id="([a-z]+)">', out.read_text(encoding="utf-8"))
    assert ids == ["findings", "scorecard", "overview", "templates"]


def test_main_command_shows_the_copies_of_seed_003(tmp_path: Path, seeds_dir: Path) -> None:
    # the README's main command: seed 003's six copies are lines of one file
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli,
        ["report", str(seeds_dir), "--split", "auto", "-o", str(out), "--sections", "duplicates"],
    )
    assert result.exit_code == 0, result.output
    assert "15 duplicate" in result.output  # the six copies, pairwise
    page = out.read_text(encoding="utf-8")
    for line in range(4, 10):
        assert f"003_9b7675b2e4522a57.txt:{line}" in page


def test_cli_exit_statuses(tmp_path: Path, seeds_dir: Path) -> None:
    runner = CliRunner()
    seed = str(next(seeds_dir.glob("001_*.txt")))
    bad_suffix = runner.invoke(cli, ["report", seed, "-o", str(tmp_path / "r.txt")])
    assert bad_suffix.exit_code == 2 and "must end in .html" in bad_suffix.output
    bad_section = runner.invoke(
        cli, ["report", seed, "-o", str(tmp_path / "r.html"), "--sections", "nope"]
    )
    assert bad_section.exit_code == 2 and "choose a comma-separated list" in bad_section.output
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    partial = runner.invoke(
        cli,
        [
            "report",
            seed,
            str(tmp_path / "bad.docx"),
            "-o",
            str(tmp_path / "r.html"),
            "--sections",
            "overview",
        ],
    )
    assert partial.exit_code == 3
    assert "bad.docx" in partial.output
    nothing = runner.invoke(
        cli, ["report", str(tmp_path / "bad.docx"), "-o", str(tmp_path / "n.html")]
    )
    assert nothing.exit_code == 4 and not (tmp_path / "n.html").exists()


# --------------------------------------------------------------------------- a real browser


def _pixels(path: Path) -> np.ndarray:
    import matplotlib.image

    return np.asarray(matplotlib.image.imread(str(path)))[..., :3]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="chromium not installed (apt-get install chromium)")
def test_report_renders_chinese_in_chromium(seed_report: Any, tmp_path: Path) -> None:
    summary, page = seed_report
    url = Path(summary.path).resolve().as_uri()

    # it loads: exit 0, a screenshot with content
    shot = tmp_path / "report.png"
    run = run_chromium([f"--screenshot={shot}", "--window-size=1200,2000", url], tmp_path)
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    pixels = _pixels(shot)
    assert pixels.shape[:2] == (2000, 1200)
    assert (pixels < 0.5).any(axis=2).mean() > 0.01  # text and figures, not a blank page

    # the DOM holds the Chinese text, decoded (no replacement characters)
    dom = run_chromium(["--dump-dom", url], tmp_path)
    assert dom.returncode == 0
    text = dom.stdout.decode("utf-8")
    assert "语料分析报告" in text and "XX区后进社区整顿工作汇报材料" in text
    assert "\ufffd" not in text
    # the page opens with the findings and the scorecard, one row per document
    order = [text.index(f'<section id="{key}">') for key in ("findings", "scorecard", "overview")]
    assert order == sorted(order)
    assert "要点" in text and "Duplicates counted once" in text
    card = text.split('<section id="scorecard">')[1].split("</section>")[0]
    assert len(re.findall(r"<tr>", card.split("<tbody>")[1])) == summary.documents

    # the glyphs: two different Chinese strings must draw differently (missing glyphs all
    # draw the same box), and differently from characters no font has (private use area)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    rows = ["语料分析报告", "党建工作汇报", "\ue000\ue001\ue002\ue003\ue004\ue005"]
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        + style.group(1)
        + "body{margin:0;padding:0} h1{height:80px;margin:0;padding:10px;overflow:hidden}"
        "</style></head><body>" + "".join(f"<h1>{r}</h1>" for r in rows) + "</body></html>",
        encoding="utf-8",
    )
    probe_shot = tmp_path / "probe.png"
    run = run_chromium(
        [f"--screenshot={probe_shot}", "--window-size=600,240", probe.as_uri()], tmp_path
    )
    assert run.returncode == 0
    img = _pixels(probe_shot)
    bands = [img[i * 80 : (i + 1) * 80, :300] for i in range(3)]
    ink = [(b < 0.6).any(axis=2) for b in bands]
    assert all(m.sum() > 200 for m in ink[:2])  # glyphs were drawn
    assert (ink[0] != ink[1]).sum() > 200  # different characters, different shapes
    assert (ink[0] != ink[2]).sum() > 200  # not the missing-glyph boxes


# --------------------------------------------------------------------------- formulas


@pytest.fixture(scope="module")
def news_by_year() -> pd.DataFrame:
    """Every 20th 新闻联播 item (about 1,000, 2022-2026) with its year."""
    from conftest import iter_records

    recs = [r for i, r in enumerate(iter_records("xinwen_lianbo")) if i % 20 == 0]
    return pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "year": [r["year"] for r in recs],
        }
    )


@pytest.fixture(scope="module")
def news_formulas_report(news_by_year: pd.DataFrame) -> tuple[Any, str]:
    data = collect_report_data(news_by_year, sections=["formulas"], top=15)
    return data, render_report(data)


def _section(page: str, key: str) -> str:
    return page.split(f'<section id="{key}">')[1].split("</section>", maxsplit=1)[0]


def test_formulas_section_shows_the_top_formulas_and_their_spread(
    news_formulas_report: tuple[Any, str], news_by_year: pd.DataFrame
) -> None:
    data, page = news_formulas_report
    res = data.formulas
    assert res is not None and res.by == "year" and data.failures == {}
    section = _section(page, "formulas")
    # both figures over the years
    assert 'alt="formula heatmap"' in section and 'alt="formula timeline"' in section
    assert f"<b>{len(res.formulas):,}</b><span>套话 formulas</span>" in section
    # the table: the 15 most widespread formulas, with doc_freq, first, last and family
    body = section.split("<h3>Families of variants</h3>")[0].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == 15
    for row, f in zip(rows, res.formulas.head(15).itertuples(), strict=True):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert cells[:7] == [
            str(f.formula_id),
            html.escape(f.text),
            f"{f.doc_freq:,}",
            f"{f.count:,}",
            str(f.first),
            str(f.last),
            str(f.family),
        ]
    # each example is the text as loaded around the formula's first occurrence
    texts = dict(zip(news_by_year["doc_id"], news_by_year["text"], strict=True))
    examples = _elements(section, "context")
    assert len(examples) == 15
    for ex, f in zip(examples, res.formulas.head(15).itertuples(), strict=True):
        a = ex["attrs"]
        doc, start, end = a["data-doc"], int(a["data-start"]), int(a["data-end"])
        assert ex["text"] == texts[doc][start:end]
        (mark,) = ex["marks"]
        assert mark[0] == "formula" and mark[2] == f.text
        assert fold_formulas(mark[2]).text == f.key


@pytest.fixture(scope="module")
def auto_corpus(seeds_dir: Path) -> pd.DataFrame:
    """The seeds as the README's main command reads them (--split auto): 13 documents."""
    return ct.load_corpus(str(seeds_dir), split="auto").documents


def test_formulas_section_leaves_the_other_sections_as_they_were(auto_corpus: pd.DataFrame) -> None:
    with_it = report.build_report(auto_corpus, sections=["overview", "slogans", "formulas"])
    without = report.build_report(auto_corpus, sections=["overview", "slogans"])
    assert re.findall(r'<section id="([a-z]+)">', with_it) == [
        "findings",
        "scorecard",
        "overview",
        "slogans",
        "formulas",
    ]
    stripped = re.sub(r'<li class="ok"><a href="#formulas">.*?</li>', "", with_it)
    stripped = re.sub(r'<section id="formulas">.*?</section>', "", stripped, flags=re.S)
    # the findings name the commonest formulas and the sections that count distinct texts
    findings = r'<section id="findings">.*?</section>'
    assert re.sub(findings, "", stripped, flags=re.S) == re.sub(findings, "", without, flags=re.S)


def test_formulas_section_without_a_field_says_how_to_get_the_spread(
    auto_corpus: pd.DataFrame,
) -> None:
    # every copy counted: the formulas of the six copies of 003's report are found
    data = collect_report_data(auto_corpus, sections=["formulas"], by=None, unique=False)
    assert data.formulas is not None and data.formulas.by is None
    section = _section(render_report(data), "formulas")
    assert "<figure>" not in section and "<code>--by FIELD</code>" in section
    assert "<th>first</th>" not in section
    assert not data.formulas.formulas.empty and "<th>family</th>" in section
    one_year = collect_report_data(
        auto_corpus.assign(year=2024), sections=["formulas"], by="year", unique=False
    )
    section = _section(render_report(one_year), "formulas")
    assert "<figure>" not in section and "under one value of year" in section


def test_formulas_are_found_once_and_render_computes_nothing(
    monkeypatch: pytest.MonkeyPatch, auto_corpus: pd.DataFrame
) -> None:
    import corpus_tools.formulas as fm

    calls: list[dict[str, Any]] = []
    real = fm.find_formulas

    def find(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(fm, "find_formulas", find)
    docs = auto_corpus.assign(year=[2019 + i % 3 for i in range(len(auto_corpus))])
    data = collect_report_data(docs, sections=["formulas"], unique=False)
    assert len(calls) == 1 and calls[0]["by"] == "year"
    page = render_report(data)
    assert len(calls) == 1
    # a changed table is what the page shows
    data.formulas = data.formulas._replace(formulas=data.formulas.formulas.head(3))
    assert "<b>3</b><span>套话 formulas</span>" in _section(render_report(data), "formulas")
    assert len(calls) == 1 and "formula heatmap" in page


def test_formulas_section_escapes_document_text() -> None:
    evil = "<script>alert('x')</script>坚持以人民为中心的发展思想"
    docs = ct.load_texts(
        {f'<img src=x onerror="{i}">': f"第{i}条。{evil}，推动发展。" for i in range(3)}
    ).assign(year=[2023, 2024, 2025])
    # three texts that differ by a number are copies: counted as they stand
    page = report.build_report(docs, sections=["formulas"], unique=False)
    section = _section(page, "formulas")
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;坚持以人民为中心的发展思想" in section
    assert "&lt;img src=x onerror=&quot;0&quot;&gt;" in section


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="chromium not installed (apt-get install chromium)")
def test_formulas_section_renders_in_chromium(
    news_formulas_report: tuple[Any, str], tmp_path: Path
) -> None:
    data, page = news_formulas_report
    path = tmp_path / "formulas.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "formulas.png"
    run = run_chromium([f"--screenshot={shot}", "--window-size=1200,1600", path.as_uri()], tmp_path)
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    assert (_pixels(shot) < 0.5).any(axis=2).mean() > 0.01
    dom = run_chromium(["--dump-dom", path.as_uri()], tmp_path)
    assert dom.returncode == 0
    text = dom.stdout.decode("utf-8")
    assert "\ufffd" not in text and "套话短语及其传播" in text
    assert data.formulas.formulas["text"].iloc[0] in text
    # both figures decode as images in the browser: their alt text is not shown instead
    assert text.count('alt="formula heatmap"') == 1 and text.count('alt="formula timeline"') == 1
