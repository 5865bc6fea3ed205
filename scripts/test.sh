#!/usr/bin/env bash
# Set up with the test tools, then lint, type-check and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
echo "== ruff"
.venv/bin/ruff check corpus_tools tests benchmarks
.venv/bin/ruff format --check corpus_tools tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
