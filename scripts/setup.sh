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
    say "without a CJK font plots cannot show Chinese (corpus-tools says so when it plots)"
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
stamp=".venv/.installed-$extras-$(cat pyproject.toml | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  say "installing corpus-tools[$extras] into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"
  touch "$stamp"
fi
say "ready: .venv/bin/corpus-tools"
