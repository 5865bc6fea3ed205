"""Build of the one compiled extension, ``corpus_tools.dedup.fastpairs`` (the rest of the
project is configured in pyproject.toml).

The extension is optional: where no C compiler (or no Python headers) is found, the
install still succeeds and near-duplicate verification runs its numpy code instead (same
results, slower; ``corpus-tools --version`` says which runs).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "corpus_tools.dedup.fastpairs",
            sources=["corpus_tools/dedup/native.c"],
            optional=True,
        )
    ]
)
