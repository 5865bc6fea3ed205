# Type stub of the compiled extension built from pdfcalls.c (see setup.py): PDFium's
# character boxes asked from C by the PDF reader (corpus_tools/io/formats/pdf.py).
# ``function`` is the address of PDFium's FPDFText_GetLooseCharBox, ``textpage`` that of an
# open FPDF_TEXTPAGE.
from array import array

def loose_boxes(function: int, textpage: int, indexes: list[int], out: array[float], /) -> None:
    """The loose box of each character index written to ``out`` (format ``f``): left,
    top, right, bottom of each in turn."""

def placed(
    function: int, textpage: int, firsts: list[int], lasts: list[int], /
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Each line's left, right, top and size from the boxes of its first glyph
    (``firsts``) and of its last (``lasts`` minus one)."""

def runs(
    lines: list[str], firsts: list[int], movable: list[int], /
) -> tuple[list[str], list[int], list[int]]:
    """The runs of glyphs of the lines ``movable``, where each starts on the page, and where
    each line's runs start in that list (and the end)."""
