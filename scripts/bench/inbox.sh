#!/usr/bin/env bash
# Receiver benchmark with wrk (a C load generator, so the receiver gets most of the CPU):
# distinct status events for DURATION seconds from CONNECTIONS connections, then checks that
# every answered request is stored. Needs `wrk` (Debian package) and a release build.
#   scripts/bench/inbox.sh [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
conns=${2:-32}
target=${CARGO_TARGET_DIR:-target}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release -q -p wabadesk
data=$(mktemp -d)
port=18377
"$target/release/wabadesk" inbox serve --listen "127.0.0.1:$port" --data-dir "$data" > "$data/serve.out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do grep -q listening "$data/serve.out" 2>/dev/null && break; sleep 0.1; done
out=$(wrk -t1 -c"$conns" -d"${duration}s" -s scripts/bench/inbox-post.lua "http://127.0.0.1:$port/webhook")
echo "$out" | grep -E "Requests/sec|requests|errors|p50_ms|p99_ms"
sleep 2 # let history catch up
kill $server; wait $server 2>/dev/null || true
answered=$(echo "$out" | awk '/^requests /{print $2}')
stored=$("$target/release/wabadesk" inbox list --data-dir "$data" --limit 4294967295 --json | grep -c '"id"')
pending=$("$target/release/wabadesk" inbox list --data-dir "$data" --limit 4294967295 --json | grep -c '"state": "pending"' || true)
echo "stored $stored of $answered answered; $pending not yet applied to history"
[ "$stored" -ge "$answered" ] || { echo "LOST EVENTS" >&2; exit 1; }
