#!/usr/bin/env bash
# Builds the .deb with the Tauri bundler and installs it into a scratch root (dpkg -x): the
# binary, the desktop entry and the icons must be where a desktop expects them, and (with a
# display) the installed binary must start and paint its window.
#   scripts/check-bundle.sh            debug build (fast; what npm test runs)
#   scripts/check-bundle.sh --release  the release .deb, as `npm run build` makes it
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
build=(--debug)
if [ "${1:-}" = "--release" ]; then
  profile=release
  build=()
fi
target_dir=${CARGO_TARGET_DIR:-target}
bundle_dir=$target_dir/$profile/bundle/deb
rm -rf "$bundle_dir"
npx tauri build "${build[@]}" --bundles deb --ci >/dev/null

deb=$(ls "$bundle_dir"/*.deb)
fail() { echo "bundle check: $*" >&2; exit 1; }
[ "$(dpkg-deb -f "$deb" Package)" = "waba-desk" ] || fail "package name: $(dpkg-deb -f "$deb" Package)"
version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version $(dpkg-deb -f "$deb" Version), want $version"
dpkg-deb -f "$deb" Depends | grep -q libwebkit2gtk-4.1 || fail "no WebKitGTK dependency"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
bin=$root/usr/bin/wabadesk-app
[ -x "$bin" ] || fail "no executable usr/bin/wabadesk-app"
file "$bin" | grep -q ELF || fail "usr/bin/wabadesk-app is not an ELF binary"
desktop=$(ls "$root"/usr/share/applications/*.desktop 2>/dev/null | head -1)
[ -n "$desktop" ] || fail "no desktop entry under usr/share/applications"
grep -qx 'Name=WABA Desk' "$desktop" || fail "desktop entry name: $(grep ^Name= "$desktop")"
grep -qx 'Exec=wabadesk-app %u' "$desktop" || fail "desktop entry Exec: $(grep ^Exec= "$desktop")"
# wabadesk:// links open in the app; the entry's actions open the builder and the inbox.
grep -qx 'MimeType=x-scheme-handler/wabadesk;' "$desktop" || fail "desktop entry MimeType: $(grep ^MimeType= "$desktop")"
grep -qx 'Actions=new-template;open-inbox;' "$desktop" || fail "desktop entry Actions: $(grep ^Actions= "$desktop")"
grep -qx 'Exec=wabadesk-app wabadesk://templates/new' "$desktop" || fail "desktop action New template"
grep -qx 'Exec=wabadesk-app wabadesk://inbox' "$desktop" || fail "desktop action Open Inbox"
grep -qx 'Type=Application' "$desktop" || fail "desktop entry Type"
icon=$(sed -n 's/^Icon=//p' "$desktop")
ls "$root"/usr/share/icons/hicolor/*/apps/"$icon".png >/dev/null 2>&1 || fail "icon $icon not installed"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$desktop"; fi

# The installed binary starts and paints its window (when a display is there, as in npm test).
if [ -n "${DISPLAY:-}" ]; then
  data=$(mktemp -d)
  log=$(mktemp)
  WABADESK_DATA_DIR=$data WABADESK_KEYRING_SERVICE=com.wabadesk.desk.bundle-check WABADESK_LOG=info \
    timeout 60 "$bin" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q "UI ready" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q "UI ready" "$log"; then
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    cat "$log" >&2
    fail "the installed binary did not paint its window"
  fi
  # Each desktop action, run as the desktop runs it (its Exec line, the binary by its installed
  # path), goes to the running window and ends at once instead of opening a second one.
  actions=0
  while IFS= read -r exec_line; do
    read -r -a argv <<<"${exec_line#Exec=}"
    [ "${argv[0]}" = "wabadesk-app" ] || fail "desktop action runs ${argv[0]}, not wabadesk-app"
    case "${argv[1]:-}" in wabadesk://*) ;; *) fail "desktop action without a wabadesk:// link: $exec_line" ;; esac
    second=$(mktemp)
    WABADESK_DATA_DIR=$data WABADESK_KEYRING_SERVICE=com.wabadesk.desk.bundle-check WABADESK_LOG=info \
      timeout 30 "$bin" "${argv[@]:1}" >"$second" 2>&1 || { cat "$second" >&2; fail "the action $exec_line did not hand over and exit"; }
    if grep -q "WABA Desk starting" "$second"; then
      cat "$second" >&2
      fail "the action $exec_line opened a second window"
    fi
    rm -f "$second"
    actions=$((actions + 1))
  done < <(sed -n '/^\[Desktop Action /,$p' "$desktop" | grep '^Exec=')
  [ "$actions" -eq 2 ] || fail "$actions desktop actions run, want 2"
  for _ in $(seq 1 100); do
    [ "$(grep -c "a second start handed over its arguments" "$log")" -ge 2 ] && break
    sleep 0.1
  done
  [ "$(grep -c "a second start handed over its arguments" "$log")" -ge 2 ] || { cat "$log" >&2; fail "the running window did not get the actions"; }
  pkill -P "$pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "bundle: the installed binary started and painted its window; both desktop actions went to it"
  rm -rf "$data" "$log"
fi

size=$(stat -c %s "$deb")
echo "bundle: $(basename "$deb") ($((size / 1024)) KiB): usr/bin/wabadesk-app, $(basename "$desktop") (Icon=$icon)"
if [ "$profile" = release ] && [ "$size" -ge $((20 * 1024 * 1024)) ]; then
  fail "the release .deb is $((size / 1048576)) MB, over the 20 MB budget"
fi
