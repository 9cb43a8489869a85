#!/usr/bin/env bash
# Receiver benchmark with wrk (a C load generator, so the servers get most of the CPU).
# Each round measures, one after the other with the same load (distinct status events from
# CONNECTIONS connections for DURATION seconds):
#   floor: a bare HTTP server on the receiver's HTTP stack that reads each body and answers
#          200, storing nothing (src-tauri/crates/cli/examples/http_floor.rs);
#   app:   `wabadesk inbox serve` with one number the events are for, so every answered event
#          is stored durably (200 only after its commit) and applied to history meanwhile.
# After each app round it waits until history has caught up, then checks that every answered
# event is stored and applied. Prints the medians as `BENCH` lines (last lines of stdout).
# Needs `wrk`, `sqlite3` and what scripts/with-keyring.sh needs (Debian packages); builds what
# it runs in release.
#   scripts/bench/inbox.sh [DURATION] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
# The receiver reads its numbers' shared secrets from the keyring: a private one for the run.
if [ -z "${WABADESK_KEYRING_SESSION:-}" ]; then
  command -v dbus-run-session >/dev/null || { echo "needs dbus-run-session and gnome-keyring (scripts/with-keyring.sh)" >&2; exit 1; }
  exec scripts/with-keyring.sh "$0" "$@"
fi
duration=${1:-10}
conns=${2:-256}
rounds=${3:-3}
target=${CARGO_TARGET_DIR:-target}
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "install $tool (apt-get install $tool)" >&2; exit 1; }
done
cargo build --release -q -p wabadesk --bin wabadesk --example http_floor
cli="$target/release/wabadesk"
floor_bin="$target/release/examples/http_floor"
work=$(mktemp -d)
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT
port=18377

wait_listening() { # file
  for _ in $(seq 100); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $(cat "$1" "$1.err" 2>/dev/null)" >&2
  exit 1
}

load() { # url -> wrk output
  wrk -t1 -c"$conns" -d"${duration}s" --timeout 10s -s scripts/bench/inbox-post.lua "$1"
}

field() { # output key
  echo "$1" | awk -v k="$2" '$1 == k {print $2}'
}

rps() { # wrk output
  echo "$1" | awk '/^Requests\/sec:/ {printf "%d", $2}'
}

median() { # values...
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}

floor_rps=() app_rps=() app_p50=() app_p99=() floor_p50=() floor_p99=() catchup=()
lost_total=0
echo "receiver benchmark: $rounds rounds of ${duration}s, $conns connections; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  # The floor.
  "$floor_bin" "127.0.0.1:$port" > "$work/floor.out" 2>&1 &
  server=$!
  wait_listening "$work/floor.out"
  out=$(load "http://127.0.0.1:$port/webhook")
  stop_server
  floor_rps+=("$(rps "$out")")
  floor_p50+=("$(field "$out" p50_ms)")
  floor_p99+=("$(field "$out" p99_ms)")
  echo "round $round floor: $(rps "$out") requests/s, p50 $(field "$out" p50_ms) ms, p99 $(field "$out" p99_ms) ms, errors $(field "$out" errors)"

  # The receiver, on a fresh data directory with the events' number.
  data="$work/app$round"
  mkdir -p "$data"
  "$cli" --data-dir "$data" numbers add --phone +15550000100 --label Bench > /dev/null
  "$cli" inbox serve --listen "127.0.0.1:$port" --data-dir "$data" > "$data/serve.out" 2> "$data/serve.out.err" &
  server=$!
  wait_listening "$data/serve.out"
  out=$(load "http://127.0.0.1:$port/webhook")
  answered=$(( $(field "$out" requests) - $(field "$out" non2xx) ))
  db="$data/wabadesk.sqlite3"
  # History catches up while the receiver runs; nothing may stay pending.
  waited=0
  started=$(date +%s%N)
  while [ "$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM inbox_events WHERE state = 'pending'")" != 0 ]; do
    waited=$((waited + 1))
    [ "$waited" -le 1200 ] || break
    sleep 0.1
  done
  catchup+=("$(( ($(date +%s%N) - started) / 1000000 ))")
  stop_server
  read -r stored applied pending statuses < <(sqlite3 -separator ' ' "$db" \
    "SELECT count(*), sum(state = 'applied'), sum(state = 'pending'), (SELECT count(*) FROM status_events) FROM inbox_events")
  lost=$(( answered > stored ? answered - stored : 0 ))
  unapplied=$(( answered > applied ? answered - applied : 0 ))
  lost_total=$(( lost_total + lost + unapplied ))
  app_rps+=("$(rps "$out")")
  app_p50+=("$(field "$out" p50_ms)")
  app_p99+=("$(field "$out" p99_ms)")
  echo "round $round app:   $(rps "$out") requests/s, p50 $(field "$out" p50_ms) ms, p99 $(field "$out" p99_ms) ms, errors $(field "$out" errors); answered $answered, stored $stored, applied $applied, status events $statuses, pending $pending; history caught up ${catchup[-1]} ms after the load"
  [ "$lost" -eq 0 ] || echo "round $round: LOST $lost answered events" >&2
  [ "$unapplied" -eq 0 ] || echo "round $round: $unapplied answered events not applied to history" >&2
  rm -rf "$data"
done

f=$(median "${floor_rps[@]}")
a=$(median "${app_rps[@]}")
echo "load average after the run $(cut -d' ' -f1-3 /proc/loadavg)"
echo "BENCH ingest.floor_rps $f /s"
echo "BENCH ingest.floor_p50_ms $(median "${floor_p50[@]}") ms"
echo "BENCH ingest.floor_p99_ms $(median "${floor_p99[@]}") ms"
echo "BENCH ingest.app_rps $a /s"
echo "BENCH ingest.app_p50_ms $(median "${app_p50[@]}") ms"
echo "BENCH ingest.app_p99_ms $(median "${app_p99[@]}") ms"
echo "BENCH ingest.catchup_ms $(median "${catchup[@]}") ms"
echo "BENCH ingest.ratio $(awk -v a="$a" -v f="$f" 'BEGIN {printf "%.2f", a / f}') x"
echo "BENCH ingest.lost $lost_total events"
[ "$lost_total" -eq 0 ] || exit 1
