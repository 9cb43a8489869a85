#!/usr/bin/env bash
# Start-up and footprint benchmark (not a test): builds WABA Desk and its .deb in release (as
# `npm run build` does), the floor window and the CLI, then runs scripts/bench/startup.mjs in
# Xvfb with a private keyring session.
#   scripts/bench/startup.sh [runs]      (15 by default; BENCH_ONLY=startup skips the History phase)
set -euo pipefail
cd "$(dirname "$0")/../.."
# BENCH_BUILT=1 (set by scripts/bench/run.sh, which has built them): no setup, no builds.
if [ "${BENCH_BUILT:-}" != 1 ]; then
  bash scripts/setup.sh --test
  npx tauri build --bundles deb
  # The floor is built exactly as the app: the Tauri CLI, release profile, UI embedded.
  (cd scripts/bench/floor && npx tauri build --no-bundle)
  cargo build --release --locked -p wabadesk
fi
exec scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" node scripts/bench/startup.mjs "${1:-15}"
