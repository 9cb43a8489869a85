#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring as its Secret
# Service, so keyring code talks to a real backend and never to the user's own keyring.
#   scripts/with-keyring.sh cargo test ...
set -euo pipefail

if [ -z "${WABADESK_KEYRING_SESSION:-}" ]; then
  export WABADESK_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/wabadesk-keyring.XXXXXX")
trap 'kill "${GNOME_KEYRING_PID:-}" 2>/dev/null || true; rm -rf "$scratch"' EXIT
mkdir -p "$scratch/runtime" "$scratch/data"
chmod 700 "$scratch/runtime"
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/data"
# A new login keyring, created and unlocked with a throwaway password.
eval "$(printf 'wabadesk-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
"$@"
