"""Speed of the readers of .pdf, .doc/.wps, .odt and .html against the libraries they wrap.

Same files, same run, best of ``--repeat`` (CPU time of this process, so that other jobs on
the machine do not blur the ratios):

PDF (pages/s)
    ``read_pdf`` (text in reading order, lines joined into paragraphs, headers, footers and
    page numbers dropped, layout spaces removed) against the plain pypdfium2 call (open,
    and per page ``get_textpage().get_text_range()``: PDFium's raw text, none of those
    repairs), and against pdfminer.six ``extract_text`` (its layout analysis) when installed.
.doc (documents/s)
    ``read_doc`` against the plain olefile call (open the compound file, read the
    ``WordDocument`` and table streams: what the reader needs before it parses the piece
    table), and against LibreOffice converting the same files to text (``--soffice``; wall
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
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus_tools.io.formats.odt import read_odt  # noqa: E402
from corpus_tools.io.formats.pdf import read_pdf  # noqa: E402
from corpus_tools.io.formats.webpage import read_html  # noqa: E402
from corpus_tools.io.formats.word97 import read_doc  # noqa: E402

FORMATS = ROOT / "tests" / "data" / "formats"
SEEDS = ("000", "001", "002", "003", "004")


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def paired(plain: Callable[[], Any], ours: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best times of the plain call and of ours, run in turn (so that a slow spell of the
    machine falls on both)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, into in ((plain, times[0]), (ours, times[1])):
            t0 = time.process_time()
            fn()
            into.append(time.process_time() - t0)
    return min(times[0]), min(times[1])


def line(label: str, seconds: float, units: float, unit: str, base: float | None = None) -> None:
    rate = units / seconds if seconds else float("inf")
    extra = f"  ({seconds / base:.2f}x the plain call)" if base else ""
    print(f"  {label:<44} {seconds * 1000:8.1f} ms  {rate:9.1f} {unit}/s{extra}")


def bench_pdf(repeat: int) -> None:
    import pypdfium2 as pdfium

    files = [FORMATS / f"{s}.pdf" for s in SEEDS]
    pages = 0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        pages += len(doc)
        doc.close()

    def plain() -> None:
        for f in files:
            doc = pdfium.PdfDocument(str(f))
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            doc.close()

    def ours() -> None:
        for f in files:
            read_pdf(f)

    print(f"== .pdf: {len(files)} files, {pages} pages")
    base, mine = paired(plain, ours, repeat)
    line("pypdfium2 get_text_range (plain call)", base, pages, "pages")
    line("read_pdf", mine, pages, "pages", base)
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("  (pdfminer.six not installed: not compared)")
        return

    def miner() -> None:
        for f in files:
            extract_text(str(f))

    line("pdfminer.six extract_text", best(miner, max(1, repeat // 2)), pages, "pages", base)


def bench_doc(repeat: int, soffice: bool) -> None:
    import olefile

    files = [FORMATS / f"{s}.{kind}" for s in SEEDS for kind in ("doc", "wps")]

    def plain() -> None:
        for f in files:
            with olefile.OleFileIO(str(f)) as ole:
                ole.openstream("WordDocument").read()
                ole.openstream("1Table").read()

    def ours() -> None:
        for f in files:
            read_doc(f)

    print(f"== .doc/.wps: {len(files)} files")
    base, mine = paired(plain, ours, repeat)
    line("olefile: open, read the streams (plain call)", base, len(files), "docs")
    line("read_doc", mine, len(files), "docs", base)
    if soffice and shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", out]
                + [str(f) for f in files],
                check=True,
                capture_output=True,
            )
            line(
                "LibreOffice --convert-to txt (wall time)",
                time.perf_counter() - t0,
                len(files),
                "docs",
            )


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
    base, mine = paired(plain, ours, repeat)
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
    base, mine = paired(plain, ours, repeat)
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
