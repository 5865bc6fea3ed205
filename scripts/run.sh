#!/usr/bin/env bash
# Set up, then run the main job on the sample corpus in data/raw/: one HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/corpus-tools report data/raw --split auto -o data/processed/report.html
