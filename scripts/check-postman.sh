#!/usr/bin/env bash
# Exports the Postman collection of a demo (simulator) number with the CLI and runs it in
# Newman against the simulator: every request must answer the way the app reads it.
#   scripts/with-keyring.sh bash scripts/check-postman.sh
# WABADESK_CLI: the wabadesk binary (default target/debug/wabadesk). Newman is the npm package
# from the lock file (npm ci), run through scripts/newman-run.cjs.
set -euo pipefail
cd "$(dirname "$0")/.."

cli=${WABADESK_CLI:-${CARGO_TARGET_DIR:-target}/debug/wabadesk}
work=$(mktemp -d "${TMPDIR:-/tmp}/wabadesk-postman.XXXXXX")
export WABADESK_KEYRING_SERVICE="com.wabadesk.desk.postman-check-$$"
demo_pid=
cleanup() {
  if [ -n "$demo_pid" ]; then
    kill "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$cli" --data-dir "$work/data" --json demo --review-delay-ms 200 >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 300); do
  grep -q '"ready"' "$work/demo.out" 2>/dev/null && break
  kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.err" >&2; echo "the demo stopped" >&2; exit 1; }
  sleep 0.2
done
grep -q '"ready"' "$work/demo.out" || { echo "the demo never got ready" >&2; exit 1; }

phone=$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.demo.numbers[0].phone)' "$work/demo.out")
"$cli" --data-dir "$work/data" template list "$phone" --sync >/dev/null
"$cli" --data-dir "$work/data" postman export "$phone" -o "$work/out" --include-key
collection=$(ls "$work/out"/*.postman_collection.json)
environment=$(ls "$work/out"/*.postman_environment.json)

# The key is only in the environment (asked for), never in the collection.
if grep -q '"api_key"' "$collection"; then
  echo "the collection names api_key as a value" >&2
  exit 1
fi

# The recipient is the demo's customer, who wrote in (the 24-hour window is open for the text
# and the image).
node scripts/newman-run.cjs "$collection" "$environment" "$work/out" \
  "recipient=4917612345678" "webhook_url=https://hooks.example.com/wabadesk"
