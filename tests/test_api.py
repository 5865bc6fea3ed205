"""``import corpus_tools as ct``: every public name is real at run time and typed to a checker."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import corpus_tools as ct

INIT = Path(ct.__file__)


def _typed_names() -> dict[str, str]:
    """name -> module, from the ``if TYPE_CHECKING:`` imports of the package face."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    names = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module, ast.unparse(node)
        for alias in node.names:
            assert alias.asname == alias.name, f"re-export {alias.name} as itself"
            names[alias.name] = node.module
    return names


def test_the_typed_and_the_run_time_names_agree() -> None:
    typed = _typed_names()
    runtime = ct._EXPORTS  # type: ignore[attr-defined]
    assert typed == runtime
    assert sorted(ct.__all__) == sorted([*typed, "__version__"])
    assert sorted(dir(ct)) == sorted(ct.__all__)


@pytest.mark.parametrize("name", sorted(_typed_names()))
def test_every_public_name_resolves_to_what_its_module_defines(name: str) -> None:
    import importlib

    value = getattr(ct, name)
    assert value is getattr(importlib.import_module(_typed_names()[name]), name)
    assert getattr(value, "__module__", "corpus_tools").startswith("corpus_tools")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'no_such_function'"):
        ct.no_such_function  # type: ignore[attr-defined]  # noqa: B018


def test_subpackages_are_reachable_as_attributes() -> None:
    assert ct.dedup.DedupIndex is ct.DedupIndex
    assert ct.text.normalize is ct.normalize


def test_importing_the_package_loads_neither_pandas_nor_jieba() -> None:
    code = (
        "import sys, corpus_tools; print(sorted({'pandas', 'jieba', 'numpy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_type_checker_sees_real_names(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "use.py"
    snippet.write_text(
        "import corpus_tools as ct\nreveal_type(ct.find_near_duplicates)\nct.no_such_function()\n",
        encoding="utf-8",
    )
    out, _, status = api.run(
        [str(snippet), "--no-error-summary", "--cache-dir", str(tmp_path / ".mypy_cache")]
    )
    lines = out.splitlines()
    revealed = next(line for line in lines if "Revealed type" in line)
    assert "def (corpus: Any" in revealed and "DedupResult" in revealed
    assert any('has no attribute "no_such_function"' in line for line in lines)
    assert status == 1
