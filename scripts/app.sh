#!/usr/bin/env bash
# Installs what is missing, builds the UI and runs WABA Desk.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build:ui
exec cargo run -p wabadesk-app -- "$@"
