"""read_pdf's questions to PDFium (issue 17).

read_pdf calls PDFium's per-character functions (``FPDFText_GetLooseCharBox``,
``FPDFText_IsGenerated``) as bare C calls, without pypdfium2's argument conversions, for
speed: the text must be the very text read through pypdfium2's own calls.
"""

from __future__ import annotations

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
