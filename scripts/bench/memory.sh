#!/usr/bin/env bash
# Browse-memory benchmark (not a test): builds WABA Desk and the CLI in release, then runs
# scripts/bench/memory.mjs in Xvfb with a private keyring session (it drives the app through
# tauri-driver, so nothing else may use port 4444 meanwhile).
#   scripts/bench/memory.sh
# BENCH_COUNTS (default 100000,1000000), BENCH_PAGES (200) and BENCH_SECONDS (60) tune the run;
# BENCH_APPS=a,b measures those app binaries side by side (the BENCH lines are the first one's).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh --test
npx tauri build --no-bundle
cargo build --release --locked -p wabadesk
exec scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" node scripts/bench/memory.mjs
