#!/usr/bin/env bash
# Set up, then run the main job on the sample corpus in data/raw/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/corpus-tools inspect data/raw --format table
