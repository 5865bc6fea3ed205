"""Build of the two compiled extensions (the rest of the project is configured in
pyproject.toml): ``corpus_tools.dedup.fastpairs``, the per-pair loops of near-duplicate
verification, and ``corpus_tools.io.formats.pdfcalls``, PDFium's character boxes asked
from C by the PDF reader.

Both are optional: where no C compiler (or no Python headers) is found, the install still
succeeds, near-duplicate verification runs its numpy code and the PDF reader asks PDFium
through ctypes instead (same results, slower; ``corpus-tools --version`` says which runs).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "corpus_tools.dedup.fastpairs",
            sources=["corpus_tools/dedup/native.c"],
            optional=True,
        ),
        Extension(
            "corpus_tools.io.formats.pdfcalls",
            sources=["corpus_tools/io/formats/pdfcalls.c"],
            optional=True,
        ),
    ]
)
