#!/usr/bin/env bash
# Set up corpus-tools on a fresh machine: system packages where possible, a virtualenv
# in .venv with the project installed. Safe to run again: it skips what is done.
#
#   bash scripts/setup.sh          # the toolkit (+ a CJK font for plots)
#   bash scripts/setup.sh --test   # also the test tools and a headless Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '[setup] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- system packages
apt_packages=()
fc-list 2>/dev/null | grep -qiE 'Noto Sans CJK|Noto Serif CJK|WenQuanYi|Source Han|Droid Sans Fallback' \
  || apt_packages+=(fonts-noto-cjk)
python3 -c 'import ensurepip, venv' 2>/dev/null || apt_packages+=(python3-venv)
# the compiled loops of dedup verification (corpus_tools/dedup/native.c, built at install)
# need a C compiler and Python's headers; without them the numpy code runs (same results)
have_cc() { command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; }
have_cc || apt_packages+=(gcc libc6-dev)
"${PYTHON:-python3}" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  2>/dev/null || apt_packages+=(python3-dev)
if [ "$want_test" = 1 ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  apt_packages+=(chromium)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing ${apt_packages[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" fontconfig >/dev/null
    fc-cache -f >/dev/null 2>&1 || true
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    say "installing ${apt_packages[*]} with sudo apt-get"
    sudo apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" fontconfig >/dev/null
  else
    say "could not install ${apt_packages[*]} (no apt-get as root): install them by hand;"
    say "without a CJK font plots cannot show Chinese (corpus-tools says so when it plots);"
    say "without gcc and python3-dev dedup verification runs its numpy code (slower)"
  fi
fi

# ---------------------------------------------------------------- python
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  say "corpus-tools needs Python >= 3.10; found $("$PY" --version 2>&1)"; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
extras="dask"
[ "$want_test" = 1 ] && extras="dask,test"
stamp=".venv/.installed-$extras-$(cat pyproject.toml setup.py corpus_tools/dedup/native.c corpus_tools/io/formats/pdfcalls.c | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  say "installing corpus-tools[$extras] into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"
  touch "$stamp"
fi
native() {
  .venv/bin/python -c 'from corpus_tools.dedup import fastpairs
from corpus_tools.io.formats import pdfcalls' 2>/dev/null
}
if ! native && have_cc; then  # a compiler that came after the last install
  say "building the compiled loops (dedup verification, PDF reader)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e . || true
fi
if native; then
  say "compiled loops: built (corpus_tools/dedup/native.c, corpus_tools/io/formats/pdfcalls.c)"
else
  say "NOTE: the compiled loops (corpus_tools/dedup/native.c, io/formats/pdfcalls.c) could"
  say "not be built (no C compiler or Python headers): dedup runs its numpy code and the"
  say "PDF reader asks PDFium through ctypes instead, with the same results and about 1.5x"
  say "the CPU time (dedup) and 1.05x (PDF). Install gcc and python3-dev"
  say "(apt-get install gcc python3-dev) and run this script again."
fi
say "ready: .venv/bin/corpus-tools"
