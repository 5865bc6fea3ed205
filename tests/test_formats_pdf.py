"""read_pdf's questions to PDFium (issue 17).

read_pdf calls PDFium's per-character functions (``FPDFText_GetLooseCharBox``,
``FPDFText_IsGenerated``) as bare C calls, without pypdfium2's argument conversions, and
where the compiled loops (``pdfcalls``, built from ``pdfcalls.c``) were built, from C,
with the runs of a line, their order and the layout's spaces worked out there, for
speed: the text must be the very text read through pypdfium2's own calls, and the same
with the compiled loops and without them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pypdfium2.raw as pdfium_c
import pytest

from corpus_tools.io.formats import pdf

FORMATS = Path(__file__).resolve().parent / "data" / "formats"


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_bare_pdfium_calls_read_what_pypdfiums_calls_read(
    seed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = FORMATS / f"{seed}.pdf"
    bare = pdf.read_pdf(path).text
    typed = pdf._CharCalls(pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_IsGenerated)
    monkeypatch.setattr(pdf, "_char_calls", lambda: typed)
    assert pdf.read_pdf(path).text == bare


def test_runs_leave_out_the_spaces_inside_their_own_classes() -> None:
    # The ideographic space is a Chinese character to the run pattern and the line
    # separator a mark, yet both are spaces: a run neither starts nor ends with them (the
    # runs' places on the page decide the order of a line with quotation marks).
    lines = ["丁\u3000 %\u2028‘甲", "abc 乙"]
    runs, starts, bounds = pdf._PageText._runs(lines, [10, 30], [0, 1])
    assert runs == ["丁", "%", "‘", "甲", "abc", "乙"]
    assert starts == [10, 13, 15, 16, 30, 34]
    assert bounds == [0, 4, 6]


def test_characters_outside_the_basic_plane_are_read_whole() -> None:
    # PDFium holds 😀, 𝐀 and 𠀀 as two UTF-16 code units each; the reader asks it one
    # character at a time on such a page and must join the halves in the text it returns.
    import pypdfium2 as pdfium

    path = FORMATS / "astral.pdf"
    text = pdf.read_pdf(path).text
    assert not any("\ud800" <= ch <= "\udfff" for ch in text)  # no lone surrogate halves
    assert text.encode("utf-8")  # so the text can be written out
    doc = pdfium.PdfDocument(str(path))
    try:
        whole = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    wide = [ch for ch in whole if ord(ch) > 0xFFFF]
    assert len(wide) >= 5 and "😀" in wide  # what pypdfium2 reads of the same page
    assert sorted(ch for ch in text if ord(ch) > 0xFFFF) == sorted(wide)
    assert "关于XX社区党建工作的报告" in text and "只是普通的中文句子。" in text


def test_pages_opened_together_read_as_one_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # read_pdf opens PAGES_AT_ONCE pages, lets PDFium read them, then repairs them: the
    # text (and its paragraphs across page breaks) must not depend on where a batch ends.
    import pypdfium2 as pdfium

    path = FORMATS / "003.pdf"
    doc = pdfium.PdfDocument(str(path))
    try:
        assert len(doc) > pdf.PAGES_AT_ONCE  # so that the default reads it in two turns
    finally:
        doc.close()
    batched = pdf.read_pdf(path).text
    for size in (1, 7):
        monkeypatch.setattr(pdf, "PAGES_AT_ONCE", size)
        assert pdf.read_pdf(path).text == batched
    assert "2021年上半年工作小结" in batched


def test_a_pdf_read_from_memory_reads_as_from_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # A PDF up to READ_AT_ONCE bytes is handed to PDFium in memory, a larger one by path.
    path = FORMATS / "001.pdf"
    assert isinstance(pdf._pdf_input(path), bytes)
    in_memory = pdf.read_pdf(path).text
    monkeypatch.setattr(pdf, "READ_AT_ONCE", 1000)
    assert pdf._pdf_input(path) == str(path)
    assert pdf.read_pdf(path).text == in_memory
    assert pdf._pdf_input(FORMATS / "missing.pdf") == str(FORMATS / "missing.pdf")


NATIVE = pdf._native_calls()
needs_native = pytest.mark.skipif(
    NATIVE is None, reason="the compiled loops were not built (no C compiler)"
)


@needs_native
@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004", "astral"])
def test_the_compiled_loops_read_what_the_python_reads(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seed reports, printed by LibreOffice, hold 412 lines with quotation marks drawn
    # out of order and about a thousand generated spaces: every line's text, place and
    # size must be the same floats and characters on both paths.
    path = FORMATS / f"{name}.pdf"
    assert pdf._char_calls().native is not None
    answers = []  # what the compiled sort answered: not None (left to Python) on these
    original = NATIVE.ordered

    def ordered(*args: object) -> object:
        answers.append(original(*args))
        return answers[-1]

    with monkeypatch.context() as patch:
        patch.setattr(pdf._char_calls().native, "ordered", ordered)
        compiled = pdf._pdf_pages(path), pdf.read_pdf(path).text
    assert None not in answers
    if name != "astral":
        assert any(wrong for wrong, _ in answers)  # lines put back in order
    python = pdf._char_calls()._replace(native=None)  # what runs where they were not built
    monkeypatch.setattr(pdf, "_char_calls", lambda: python)
    assert (pdf._pdf_pages(path), pdf.read_pdf(path).text) == compiled
    if name == "002":
        assert "“三会一课”" in compiled[1]  # a line put back in order


def test_no_compiled_loops_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from corpus_tools.cli import _pdf_loops, cli

    built = NATIVE is not None
    out = CliRunner().invoke(cli, ["--version"]).output
    assert ("PDF reader: compiled (pdfcalls.c)" in out) == built
    monkeypatch.setenv("CORPUS_TOOLS_NATIVE", "0")
    assert pdf._native_calls() is None and not pdf.native_pdf_calls()
    assert _pdf_loops() == "Python (CORPUS_TOOLS_NATIVE=0)"


# characters of every class the runs know: Chinese (with the ideographic space and
# full-width forms), quotation marks and dashes (with the spaces of their block), Latin,
# digits, and spaces of several kinds, a lone CR and LF among them
_ALPHABET = "甲乙，。\u3000（）“”‘’—–…\u2028\u2029\u202f\u205f\u2010\u206fab1 \t\n\r\xa0%"


@needs_native
def test_the_compiled_runs_split_lines_as_the_pattern_does() -> None:
    rng = random.Random(17)
    for _ in range(300):
        lines = ["".join(rng.choices(_ALPHABET, k=rng.randrange(0, 30))) for _ in range(6)]
        firsts = [rng.randrange(0, 5000) for _ in lines]
        movable = sorted(rng.sample(range(6), rng.randrange(0, 7)))
        assert NATIVE.runs(lines, firsts, movable) == pdf._PageText._runs(lines, firsts, movable)


@needs_native
def test_the_compiled_loops_refuse_what_they_cannot_read() -> None:
    with pytest.raises(IndexError, match="out of range"):
        NATIVE.runs(["甲"], [0], [3])
    with pytest.raises(TypeError):
        NATIVE.runs([1], [0], [0])
    with pytest.raises(ValueError, match="non-null address"):
        NATIVE.placed(0, 0, [], [])
    calls = pdf._char_calls()
    with pytest.raises(ValueError, match="format 'f'"):
        NATIVE.loose_boxes(calls.box_address, 1, [0, 1], bytearray(8))
