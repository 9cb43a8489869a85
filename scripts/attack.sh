#!/usr/bin/env bash
# The receiver under attack, on loopback only, every step bounded (about a minute in all):
# slow clients, oversized bodies, unauthenticated bodies, many concurrent bodies, kill -9
# under load and a full disk. Prints "tried … / held" per attack; exits 1 if one did not hold.
#
# The receiver runs as `inbox_attack serve` (the core's receiver with one number and a shared
# secret) under the common 1024-descriptor limit. The full disk is a 6 MB tmpfs when this may
# mount one (root), otherwise a 6 MB file-size limit (ulimit -f, with SIGXFSZ ignored so writes
# fail with EFBIG as on a full disk); the line says which.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
timeout 300 cargo build -q -p wabadesk-core --example inbox_attack || exit 1
BIN="$CARGO_TARGET_DIR/debug/examples/inbox_attack"

work=$(mktemp -d)
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
receiver_pid=""
mounted=""
failed=0
cleanup() {
  [ -n "$receiver_pid" ] && kill -9 "$receiver_pid" 2>/dev/null
  [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# start DIR [extra ulimit/trap commands]: starts the receiver, sets receiver_pid and URL.
start() {
  local dir=$1 prep=${2:-}
  mkdir -p "$dir"
  : >"$work/ready"
  (
    ulimit -n 1024
    eval "$prep"
    exec "$BIN" serve "$dir" "$SECRET"
  ) >"$work/ready" 2>"$work/receiver.err" &
  receiver_pid=$!
  for _ in $(seq 100); do
    URL=$(sed -n 's/^inbox listening on //p' "$work/ready")
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  echo "the receiver did not start: $(cat "$work/receiver.err")" >&2
  exit 1
}
stop() {
  kill -9 "$receiver_pid" 2>/dev/null
  wait "$receiver_pid" 2>/dev/null
  receiver_pid=""
}
run() { timeout 60 "$BIN" "$@" || failed=1; }

start "$work/a"
run slow "$URL" "$SECRET" 1100
run big "$URL" "$SECRET"
peak=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$receiver_pid/status")
if [ "$peak" -lt 400 ]; then word=held; else word="DID NOT HOLD"; failed=1; fi
echo "memory of bodies in flight: tried the bodies above / $word: the receiver peaked at $peak MB (64 MB body budget)"
run unauth "$URL" "$SECRET" 300
timeout 60 "$BIN" load "$URL" "$SECRET" 4 256 "$work/acked-many" >"$work/load.out" || failed=1
if timeout 60 "$BIN" check "$work/a" "$work/acked-many" >"$work/check.out"; then word=held; else word="DID NOT HOLD"; failed=1; fi
echo "many concurrent bodies: tried 256 connections for 4 s / $word: $(cat "$work/load.out"); $(cat "$work/check.out")"
stop

# kill -9 under load: every acknowledged event is found after a restart.
start "$work/k"
timeout 60 "$BIN" load "$URL" "$SECRET" 5 64 "$work/acked-kill" >"$work/load.out" &
load_pid=$!
sleep 2.5
stop
wait "$load_pid"
start "$work/k"
stop
if timeout 60 "$BIN" check "$work/k" "$work/acked-kill" >"$work/check.out"; then word=held; else word="DID NOT HOLD"; failed=1; fi
echo "kill -9 under load: tried SIGKILL after 2.5 s of 64 connections / $word: $(cat "$work/load.out") (load ran on); after the restart $(cat "$work/check.out")"

# A full disk: nothing answered 200 that is not stored.
mkdir -p "$work/disk"
if mount -t tmpfs -o size=6m tmpfs "$work/disk" 2>/dev/null; then
  mounted="$work/disk"
  how="a 6 MB tmpfs"
  start "$work/disk/d"
else
  how="a 6 MB file-size limit (ulimit -f)"
  start "$work/disk/d" "trap '' XFSZ; ulimit -f 6144"
fi
timeout 60 "$BIN" load "$URL" "$SECRET" 6 32 "$work/acked-disk" >"$work/load.out"
stop
cp -r "$work/disk/d" "$work/disk-copy"
if timeout 60 "$BIN" check "$work/disk-copy" "$work/acked-disk" >"$work/check.out" \
  && grep -q ', [1-9][0-9]* not' "$work/load.out"; then word=held; else word="DID NOT HOLD"; failed=1; fi
echo "full disk: tried $how / $word: $(cat "$work/load.out"); $(cat "$work/check.out")"

if [ "$failed" -ne 0 ]; then
  echo "attack: at least one attack did not hold" >&2
  exit 1
fi
echo "attack: every attack held"
