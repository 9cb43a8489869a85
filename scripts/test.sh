#!/usr/bin/env bash
# Runs every test of WABA Desk, installing what is missing first.
#   formatting and lint (rustfmt, clippy -D warnings, tsc)
#   Rust unit + integration tests (cargo test --workspace), inside a private D-Bus session
#     with an unlocked GNOME Keyring, including the real-keyring round trip
#   the team relay against a real PostgreSQL 15 (throw-away cluster: scripts/with-postgres.sh):
#     ingest, dedupe, secrets, tokens, feed, live stream, two replicas with one killed,
#     sends reported from one desktop to another, attacks (slow headers, big, unauthenticated)
#   the relay's .deb (binary, systemd unit, settings file), unpacked into a scratch root
#   a demo number's Postman collection run in Newman against the simulator
#   generated TypeScript bindings are committed and unchanged (drift check)
#   UI unit tests (Vitest)
#   SQL is parameterised everywhere (a grep-able rule)
#   a short coverage-guided fuzz run of the parsers (cargo-fuzz, 10 s per target)
#   the .deb bundle, installed into a scratch root
#   end-to-end: the built app in Xvfb, driven through tauri-driver + WebKitWebDriver
#     (with the CSP, IPC-secret and accessibility checks), under a throw-away PostgreSQL for
#     the team relay journey
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test

passed=0
failed=0
stage() {
  local name=$1
  shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name" >&2
    printf '\nstages: %d passed, %d failed\n' "$passed" "$failed"
    exit 1
  fi
}

bindings_unchanged() {
  local dir=ui/src/lib/ipc/bindings
  if [ -n "$(git status --porcelain -- "$dir")" ]; then
    git status --porcelain -- "$dir"
    git --no-pager diff -- "$dir" | head -50
    echo "The TypeScript bindings differ from the Rust types: commit the regenerated files." >&2
    return 1
  fi
}

target_dir=${CARGO_TARGET_DIR:-target}

stage "UI type check and build (ui/dist is embedded in the app)" npm run --silent build:ui
stage "rustfmt" cargo fmt --all --check
stage "SQL is parameterised everywhere" bash scripts/check-sql.sh
stage "structure: no import cycle in the core, adapters call the core only" bash scripts/check-structure.sh
stage "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
# --include-ignored adds the tests that need the real OS keyring (GNOME Keyring here).
# Building the tests also builds target/debug/wabadesk-app and wabadesk for the E2E stage.
stage "Rust tests, with the real Secret Service" \
  scripts/with-keyring.sh cargo test --workspace --exclude wabadesk-relay --locked -- --include-ignored
stage "team relay against a real PostgreSQL 15 (two replicas, one killed under load)" \
  scripts/with-postgres.sh cargo test -p wabadesk-relay --locked
# Packs the debug binary the stage above built (no rebuild): the package's contents are
# checked, not the optimised build (scripts/build-relay-deb.sh --release makes that one).
stage "the relay's .deb installs its binary, systemd unit and settings file" \
  bash scripts/build-relay-deb.sh --check
stage "the receiver under attack (slow clients, big, unauthenticated and many bodies, kill -9, a full disk)" \
  bash scripts/attack.sh
stage "a demo number's Postman collection runs in Newman against the simulator" \
  env WABADESK_CLI="$target_dir/debug/wabadesk" \
  scripts/with-keyring.sh bash scripts/check-postman.sh
stage "TypeScript bindings match the Rust types" bindings_unchanged
stage "UI unit tests (Vitest)" npx vitest run --config ui/vite.config.ts
stage "fuzzing, short run (webhook events, templates, URLs, phone numbers)" bash scripts/fuzz.sh 10
stage ".deb bundle installs its binary, desktop entry and icon, and the binary starts" \
  scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" bash scripts/check-bundle.sh
# Under one throw-away PostgreSQL (a few seconds) for the team relay journey; its relay binary
# was built by the relay stage above.
stage "end-to-end tests in the real window" \
  scripts/with-postgres.sh \
  env WABADESK_APP="$target_dir/debug/wabadesk-app" WABADESK_CLI="$target_dir/debug/wabadesk" \
  WABADESK_RELAY="$target_dir/debug/wabadesk-relay" \
  scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" \
  node --test --test-concurrency=1 --test-timeout=180000 e2e/

printf '\nstages: %d passed, %d failed\n' "$passed" "$failed"
