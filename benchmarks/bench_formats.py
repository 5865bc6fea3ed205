"""Speed of the readers of .pdf, .doc/.wps, .odt and .html against the libraries they wrap.

Same files, same run, the plain call and ours in turn ``--repeat`` times (so that a slow
spell of the machine falls on both); the figures are medians, CPU time of this process
(other jobs on the machine blur it less) with the wall time beside it:

PDF (pages/s)
    ``read_pdf`` (text in reading order, lines joined into paragraphs, headers, footers and
    page numbers dropped, layout spaces removed) against the plain pypdfium2 call (open,
    and per page ``get_textpage().get_text_range()``: PDFium's raw text, none of those
    repairs), against the same loop on PDFium's own functions (``pypdfium2.raw``, which
    read_pdf uses: no page objects), and against pdfminer.six ``extract_text`` (its
    layout analysis) when installed. The loops open each file by its path, as pypdfium2's
    users do, and the plain call once more given the file's bytes; read_pdf hands PDFium
    the file's bytes and opens 32 pages at a time. read_pdf is timed with its compiled
    loops (``pdfcalls.c``, built at install) and without them (``CORPUS_TOOLS_NATIVE=0``,
    what runs where no C compiler was found). The ratios are medians of the rounds' ratios.
.doc (documents/s)
    ``read_doc`` against the plain olefile call (open the compound file, read the
    ``WordDocument`` and table streams: what the reader needs before it parses the piece
    table; by path, and given the file's bytes as read_doc gives them), and against
    LibreOffice converting the same files to text (``--soffice``; wall
    time, one process for all files).
.html (documents/s)
    ``read_html`` (charset, one lxml parse, ``<title>``, stated date, trafilatura on the
    parsed tree) against the plain trafilatura call on the page's bytes with the same
    options.
.odt (documents/s)
    ``read_odt`` against the plain calls it wraps: zipfile reading ``content.xml`` and lxml
    parsing it.

The files are the fixtures of tests/data/formats (the five seed reports as LibreOffice
wrote them, and as government web pages).

Run: ``.venv/bin/python benchmarks/bench_formats.py [--repeat 5] [--soffice]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus_tools.io.formats import pdf as pdf_reader  # noqa: E402
from corpus_tools.io.formats.odt import read_odt  # noqa: E402
from corpus_tools.io.formats.pdf import read_pdf  # noqa: E402
from corpus_tools.io.formats.webpage import read_html  # noqa: E402
from corpus_tools.io.formats.word97 import read_doc  # noqa: E402

FORMATS = ROOT / "tests" / "data" / "formats"
SEEDS = ("000", "001", "002", "003", "004")


class Timing(NamedTuple):
    """Median CPU and wall seconds of a call (and the CPU seconds of each round)."""

    cpu: float
    wall: float
    rounds: tuple[float, ...] = ()


def ratio(mine: Timing, base: Timing) -> float:
    """The median of the rounds' CPU ratios (each round ran both, one after the other)."""
    return statistics.median(m / b for m, b in zip(mine.rounds, base.rounds, strict=True))


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    t0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - t0, time.perf_counter() - w0


def median_of(fn: Callable[[], Any], repeat: int) -> Timing:
    runs = [timed(fn) for _ in range(repeat)]
    return Timing(statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs))


def paired(calls: list[Callable[[], Any]], repeat: int) -> list[Timing]:
    """Median times of each call, the calls run in turn ``repeat`` times (so that a slow
    spell of the machine falls on all of them)."""
    runs: list[list[tuple[float, float]]] = [[] for _ in calls]
    for _ in range(repeat):
        for fn, into in zip(calls, runs, strict=True):
            into.append(timed(fn))
    return [
        Timing(
            statistics.median(c for c, _ in r),
            statistics.median(w for _, w in r),
            tuple(c for c, _ in r),
        )
        for r in runs
    ]


def line(label: str, took: Timing, units: float, unit: str, base: Timing | None = None) -> None:
    rate = units / took.cpu if took.cpu else float("inf")
    extra = ""
    if base is not None:  # paired rounds: the median of their ratios
        times = ratio(took, base) if took.rounds and base.rounds else took.cpu / base.cpu
        extra = f"  ({times:.2f}x the plain call's CPU)"
    print(
        f"  {label:<46} {took.cpu * 1000:8.1f} ms CPU {took.wall * 1000:8.1f} ms wall"
        f"  {rate:9.1f} {unit}/s{extra}"
    )


def bench_pdf(repeat: int) -> None:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    files = [FORMATS / f"{s}.pdf" for s in SEEDS]
    pages = 0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        pages += len(doc)
        doc.close()

    def text_loop(source: Callable[[Path], Any]) -> None:
        for f in files:
            doc = pdfium.PdfDocument(source(f))
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            doc.close()

    def plain() -> None:
        text_loop(str)

    def plain_bytes() -> None:  # PDFium given the file's bytes (as read_pdf gives them)
        text_loop(Path.read_bytes)

    def raw() -> None:
        for f in files:
            doc = pdfium.PdfDocument(str(f))
            for i in range(len(doc)):
                page = pdfium_c.FPDF_LoadPage(doc.raw, i)
                textpage = pdfium_c.FPDFText_LoadPage(page)
                count = pdfium_c.FPDFText_CountChars(textpage)
                buffer = (ctypes.c_ushort * (count + 1))()
                written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
                bytes(buffer)[: 2 * (written - 1)].decode("utf-16-le", errors="ignore")
                pdfium_c.FPDFText_ClosePage(textpage)
                pdfium_c.FPDF_ClosePage(page)
            doc.close()

    def ours() -> None:
        for f in files:
            read_pdf(f)

    def ours_python() -> None:  # without the compiled loops (no C compiler at install)
        os.environ["CORPUS_TOOLS_NATIVE"] = "0"
        pdf_reader._char_calls.cache_clear()
        try:
            ours()
        finally:
            del os.environ["CORPUS_TOOLS_NATIVE"]
            pdf_reader._char_calls.cache_clear()

    compiled = "built" if pdf_reader.native_pdf_calls() else "NOT built"
    print(f"== .pdf: {len(files)} files, {pages} pages (medians of {repeat} paired runs)")
    print(f"  (read_pdf's compiled loops, pdfcalls.c: {compiled})")
    loops = [plain, plain_bytes, raw, ours, ours_python]
    base, from_bytes, bare, mine, python = paired(loops, repeat)
    line("pypdfium2 get_text_range (plain call)", base, pages, "pages")
    line("the same, the file given as bytes", from_bytes, pages, "pages", base)
    line("the same on pypdfium2.raw (no page objects)", bare, pages, "pages", base)
    line("read_pdf", mine, pages, "pages", base)
    line("read_pdf without its compiled loops", python, pages, "pages", base)
    print("  CPU ratios, medians of the rounds' ratios:")
    print(f"  read_pdf / the plain call given bytes: {ratio(mine, from_bytes):.2f}x")
    print(f"  read_pdf / the loop on pypdfium2.raw: {ratio(mine, bare):.2f}x")
    print(f"  read_pdf without its compiled loops / given bytes: {ratio(python, from_bytes):.2f}x")
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("  (pdfminer.six not installed: not compared)")
        return

    def miner() -> None:
        for f in files:
            extract_text(str(f))

    took = median_of(miner, max(1, repeat // 2))
    line("pdfminer.six extract_text", took, pages, "pages", base)


def bench_doc(repeat: int, soffice: bool) -> None:
    import olefile

    files = [FORMATS / f"{s}.{kind}" for s in SEEDS for kind in ("doc", "wps")]

    def streams(source: Callable[[Path], Any]) -> None:
        for f in files:
            with olefile.OleFileIO(source(f)) as ole:
                ole.openstream("WordDocument").read()
                ole.openstream("1Table").read()

    def plain() -> None:
        streams(str)

    def plain_bytes() -> None:  # olefile given the file's bytes (as read_doc gives them)
        streams(Path.read_bytes)

    def ours() -> None:
        for f in files:
            read_doc(f)

    print(f"== .doc/.wps: {len(files)} files")
    base, from_bytes, mine = paired([plain, plain_bytes, ours], repeat)
    line("olefile: open, read the streams (plain call)", base, len(files), "docs")
    line("the same, the file given as bytes", from_bytes, len(files), "docs", base)
    line("read_doc", mine, len(files), "docs", base)
    print(f"  read_doc / olefile given bytes: {ratio(mine, from_bytes):.2f}x (its text extracted)")
    if soffice and shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as out:
            w0 = time.perf_counter()
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", out]
                + [str(f) for f in files],
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - w0
            line("LibreOffice --convert-to txt (wall time)", Timing(wall, wall), len(files), "docs")


def bench_html(repeat: int) -> None:
    import trafilatura

    files = [FORMATS / f"{s}.html" for s in SEEDS]
    pages = [f.read_bytes() for f in files]

    def plain() -> None:
        for data in pages:
            trafilatura.bare_extraction(
                data,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                with_metadata=False,
            )

    def ours() -> None:
        for f in files:
            read_html(f)

    print(f"== .html: {len(files)} pages")
    base, mine = paired([plain, ours], repeat)
    line("trafilatura.bare_extraction (plain call)", base, len(files), "docs")
    line("read_html", mine, len(files), "docs", base)


def bench_odt(repeat: int) -> None:
    from lxml import etree

    files = [FORMATS / f"{s}.odt" for s in SEEDS]

    def plain() -> None:
        for f in files:
            with zipfile.ZipFile(f) as zf:
                etree.fromstring(zf.read("content.xml"))

    def ours() -> None:
        for f in files:
            read_odt(f)

    print(f"== .odt: {len(files)} files")
    base, mine = paired([plain, ours], repeat)
    line("zipfile + lxml parse of content.xml (plain)", base, len(files), "docs")
    line("read_odt", mine, len(files), "docs", base)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--soffice", action="store_true", help="also time LibreOffice on .doc")
    args = ap.parse_args()
    bench_pdf(args.repeat)
    bench_doc(args.repeat, args.soffice)
    bench_html(args.repeat)
    bench_odt(args.repeat)


if __name__ == "__main__":
    main()
