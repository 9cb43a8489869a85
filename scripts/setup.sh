#!/usr/bin/env bash
# Installs what WABA Desk needs on Debian/Ubuntu and is not there yet: system libraries for
# Tauri (WebKitGTK 4.1), the Secret Service and Xvfb/WebDriver for tests, npm packages, and
# (with --test) tauri-driver. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

APT_PACKAGES=(
  build-essential pkg-config file curl
  libwebkit2gtk-4.1-dev libssl-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  libdbus-1-dev
  gnome-keyring dbus-daemon dbus-x11 libsecret-tools
)
if [ "$want_test" = 1 ]; then
  APT_PACKAGES+=(xvfb xauth x11-utils x11-apps netpbm webkit2gtk-driver postgresql-15)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || {
  echo "Rust is not installed: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
}
command -v node >/dev/null || {
  echo "Node.js 20 or newer is needed (with npm); install it, then run this again." >&2
  exit 1
}
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js $node_major is too old: WABA Desk's UI tooling needs Node.js 20 or newer." >&2
  exit 1
fi

if [ "$want_test" = 1 ]; then
  for c in clippy rustfmt; do
    if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then
      log "adding rust component $c"
      rustup component add "$c"
    fi
  done
fi

# npm packages: install when missing or when the lock file changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund
fi

if [ "$want_test" = 1 ] && ! command -v tauri-driver >/dev/null; then
  log "installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked
fi
