#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz + libFuzzer) of the parsers that take outside input:
# webhook events, the template linter/draft, the webhook URL checker, the phone number parser.
#   scripts/fuzz.sh            a short run: 10 s per target (part of npm test)
#   scripts/fuzz.sh 600        ten minutes per target
#   scripts/fuzz.sh 600 webhook_url phone_number    only these targets
# Each run starts from the reference payloads (seed corpus) plus what earlier runs found
# (kept in $WABADESK_FUZZ_CORPUS, default ~/.cache/wabadesk/fuzz-corpus). A finding stops the
# run with the crashing input saved under src-tauri/crates/core/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-10}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(webhook_event template_lint webhook_url phone_number)

if ! command -v cargo-fuzz >/dev/null; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --version '^0.13' --locked
fi

# libFuzzer's instrumentation flags are nightly-only; the stable toolchain accepts them this way.
export RUSTC_BOOTSTRAP=1
corpus_root=${WABADESK_FUZZ_CORPUS:-$HOME/.cache/wabadesk/fuzz-corpus}
fixtures=$root/src-tauri/crates/sim/fixtures/reference-examples

seed() {
  local target=$1 dir=$corpus_root/$1
  mkdir -p "$dir"
  case $target in
    webhook_event) cp "$fixtures"/webhook*.json "$dir"/ ;;
    template_lint) cp "$fixtures"/template*.json "$dir"/ ;;
    webhook_url)
      printf '%s' "https://hooks.example.com/webhook" >"$dir/ok"
      printf '%s' "https://a_b.example.com:8443/x?y=1#z" >"$dir/bad"
      printf '%s' "https://bücher.example/wh" >"$dir/idn" ;;
    phone_number)
      printf '%s' "+49 151 2345-6789" >"$dir/de"
      printf '%s' "0049 (151) 23456789" >"$dir/intl"
      printf '%s' "+1 555 000 0100" >"$dir/us" ;;
  esac
}

cd src-tauri/crates/core
status=0
for t in "${targets[@]}"; do
  seed "$t"
  log=$(mktemp)
  echo "==> fuzzing $t for ${seconds}s"
  if cargo fuzz run --sanitizer none --debug-assertions "$t" "$corpus_root/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536 \
      -print_final_stats=1 >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "    $t: no finding, $execs inputs run in ${seconds}s ($cov)"
  else
    status=1
    tail -40 "$log"
    echo "    $t: FINDING (input saved under src-tauri/crates/core/fuzz/artifacts/$t/)" >&2
  fi
  rm -f "$log"
done
exit $status
