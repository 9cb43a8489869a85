#!/usr/bin/env bash
# Every benchmark in one go (`npm run bench`; benchmarks, not tests: npm test never runs them).
# Installs what is missing (as scripts/setup.sh does, and wrk), builds in release once what the
# parts need, then runs each part, floor and WABA Desk side by side:
#   startup  scripts/bench/startup.sh       start-up against the floor window, idle memory, sizes
#   memory   scripts/bench/memory.mjs       memory while browsing History at 100,000 and 1M messages
#   history  history_bench example (core)   every History query at 1M messages, p95
#   ingest   scripts/bench/inbox.sh         the receiver's durable ingest against a bare HTTP server
# Each part prints its figures as its last lines, `BENCH <key> <value> <unit>`; this collects
# them into one table (scripts/bench/table.mjs: measure | floor | WABA Desk | ratio | budget |
# ok), printed and saved with every part's raw output in docs/bench/<date>-<commit>.txt and
# docs/bench/latest.md. A part that is not there yet, or prints no figures yet, is reported as
# "not run: <reason>". Exits non-zero when a build or a part fails to run; a figure over its
# budget is reported in the table, not as a failure.
#   npm run bench                       (or: bash scripts/bench/run.sh)
#   BENCH_PARTS="startup ingest" npm run bench     only those parts
#   BENCH_NOTE="…" npm run bench        a remark kept with the run (e.g. the machine was busy)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target=${CARGO_TARGET_DIR:-target}
parts=${BENCH_PARTS:-startup memory history ingest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "bench: $*" >&2; exit 1; }
wants() { [[ " $parts " == *" $1 "* ]]; }

{
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs/bench' 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "machine $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
  echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
  [ -n "${BENCH_NOTE:-}" ] && echo "note $BENCH_NOTE"
} > "$work/meta"

# 1. What the parts need and is not there yet.
log "setup"
bash scripts/setup.sh --test || die "setup failed"
if wants ingest && ! command -v wrk >/dev/null; then
  log "installing wrk"
  SUDO=""
  [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk \
    || die "wrk could not be installed"
fi

# 2. Release builds, once: the app and its .deb (with the UI), the floor window, the CLI (its
# seeders), the History benchmark. (inbox.sh builds the receiver it runs, a no-op after this.)
log "release builds"
if wants startup || wants memory; then
  npx tauri build --bundles deb || die "the app's release build failed"
  (cd scripts/bench/floor && npx tauri build --no-bundle) || die "the floor's release build failed"
fi
if wants startup || wants memory; then
  cargo build --release --locked -p wabadesk || die "the CLI's release build failed"
fi
history_example=src-tauri/crates/core/examples/history_bench.rs
if wants history && grep -qs 'BENCH ' "$history_example"; then
  cargo build --release --locked -p wabadesk-core --example history_bench || die "history_bench's release build failed"
fi

# 3. The parts. `part NAME CMD…` runs one, its output in $work/NAME.log and its outcome in
# $work/NAME.status; `skip NAME REASON` records one that cannot run yet.
failed=()
part() {
  local name=$1
  shift
  log "$name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$work/$name.log"
  local code=${PIPESTATUS[0]}
  if [ "$code" = 0 ]; then
    if grep -q '^BENCH ' "$work/$name.log"; then
      echo "ok in $((SECONDS - start)) s" > "$work/$name.status"
    else
      echo "not run: it printed no BENCH figures" > "$work/$name.status"
    fi
  else
    echo "failed: exit $code after $((SECONDS - start)) s" > "$work/$name.status"
    failed+=("$name")
  fi
}
skip() {
  log "$1: not run: $2"
  echo "not run: $2" > "$work/$1.status"
}
# A benchmark that does not print BENCH lines yet is not worth its minutes.
prints_figures() { [ -f "$1" ] && grep -q 'BENCH ' "$1"; }

xvfb=(scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24")
if wants startup; then
  # Browsing memory is its own part when scripts/bench/memory.mjs is there.
  only=startup
  ! [ -f scripts/bench/memory.mjs ] && grep -q 'browse100k' scripts/bench/startup.mjs && only=""
  part startup env BENCH_BUILT=1 BENCH_ONLY="$only" bash scripts/bench/startup.sh 15
fi
if wants memory; then
  if prints_figures scripts/bench/memory.mjs; then
    part memory "${xvfb[@]}" node scripts/bench/memory.mjs
  elif grep -q 'browse100k' scripts/bench/startup.mjs; then
    echo "measured in the startup part" > "$work/memory.status"
  else
    skip memory "no browsing benchmark printing BENCH figures yet (scripts/bench/memory.mjs)"
  fi
fi
if wants history; then
  if prints_figures "$history_example"; then
    part history "$target/release/examples/history_bench" 1000000
  else
    skip history "$history_example prints no BENCH figures yet"
  fi
fi
if wants ingest; then
  if prints_figures scripts/bench/inbox.sh; then
    part ingest bash scripts/bench/inbox.sh
  else
    skip ingest "scripts/bench/inbox.sh prints no BENCH figures yet"
  fi
fi

echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/meta"

# 4. One table, printed and kept.
log "results"
mkdir -p docs/bench
node scripts/bench/table.mjs "$work" "$root/docs/bench" || die "the table could not be made"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "bench: these parts failed to run: ${failed[*]} (see their output above)" >&2
  exit 1
fi
