"""Speed of the text layer on one very long line (issue 23, item 7).

The seed reports are joined without line breaks and repeated to 1, 4 and 16 million
characters on one line (a corpus dumped one report per line, a web page without breaks).
Printed: CPU seconds of ``find_placeholders``, of ``parse_sections`` + ``find_title``, and of
``inspect`` (both and the rest), and the time per million characters, which stays flat when
the scan is linear. Before the fix, ``find_placeholders`` took 5.7 s on 8M characters and
33 s on 16M, and ``inspect`` 59 s on 16M (121 s on a 50 MB file).

Run: ``.venv/bin/python benchmarks/bench_long_lines.py [--sizes 1e6 4e6 16e6]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corpus_tools as ct  # noqa: E402
from corpus_tools.text import find_placeholders  # noqa: E402
from corpus_tools.text.structure import find_title, parse_sections  # noqa: E402


def _cpu(func, *args):  # type: ignore[no-untyped-def]
    start = time.process_time()
    func(*args)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 4e6, 16e6])
    args = parser.parse_args()
    seeds = sorted((ROOT / "data" / "raw").glob("*.txt"))
    seed = "".join(p.read_text("utf-8") for p in seeds).replace("\n", "")
    print(f"{'chars':>12} {'placeholders':>13} {'structure':>10} {'inspect':>8} {'s/M chars':>10}")
    for size in args.sizes:
        n = int(size)
        text = (seed * (n // len(seed) + 1))[:n]
        spans = _cpu(find_placeholders, text)
        structure = _cpu(lambda t: (parse_sections(t), find_title(t)), text)
        whole = _cpu(ct.inspect, ct.load_texts([text]))
        print(f"{n:>12,} {spans:>13.1f} {structure:>10.1f} {whole:>8.1f} {whole / n * 1e6:>10.2f}")


if __name__ == "__main__":
    main()
