#!/usr/bin/env bash
# Builds the team relay's .deb with dpkg-deb: /usr/bin/wabadesk-relay, the systemd unit
# (/lib/systemd/system/wabadesk-relay.service) and its settings file (/etc/default/wabadesk-relay,
# a conffile, DATABASE_URL to fill in). Installing creates the wabadesk-relay system user; the
# service is enabled by hand once the settings are filled in (docs/relay.md).
#   scripts/build-relay-deb.sh                   debug binary (fast; what npm test checks)
#   scripts/build-relay-deb.sh --release         the release binary, for servers
#   add --check to unpack the package into a scratch root and check what it installs
# Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
build=()
check=""
for a in "$@"; do
  case $a in
    --release) profile=release; build=(--release) ;;
    --check) check=1 ;;
    *) echo "usage: $0 [--release] [--check]" >&2; exit 2 ;;
  esac
done
target_dir=${CARGO_TARGET_DIR:-target}
# Reuses the binary the relay's tests built (debug) when it is up to date.
cargo build -q -p wabadesk-relay --locked "${build[@]}"
bin=$target_dir/$profile/wabadesk-relay
version=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"/\1/p' Cargo.toml)
arch=$(dpkg --print-architecture)
deb=$target_dir/$profile/wabadesk-relay_${version}_${arch}.deb

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
install -D -m 0755 "$bin" "$root/usr/bin/wabadesk-relay"
install -D -m 0644 packaging/wabadesk-relay.service "$root/lib/systemd/system/wabadesk-relay.service"
install -D -m 0640 packaging/wabadesk-relay.default "$root/etc/default/wabadesk-relay"
install -D -m 0644 docs/relay.md "$root/usr/share/doc/wabadesk-relay/relay.md"
install -d "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: wabadesk-relay
Version: $version
Architecture: $arch
Maintainer: WABA Desk <wabadesk@example.com>
Section: net
Priority: optional
Installed-Size: $size
Depends: libc6, adduser
Recommends: postgresql-client
Description: WABA Desk team relay
 An always-on webhook receiver for many WhatsApp numbers (360dialog): webhooks go into
 PostgreSQL before they are answered, and WABA Desk desktops subscribe to a feed of them.
CONTROL
echo "/etc/default/wabadesk-relay" >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd wabadesk-relay >/dev/null; then
    adduser --system --group --no-create-home --home /nonexistent wabadesk-relay >/dev/null
  fi
  chown root:wabadesk-relay /etc/default/wabadesk-relay
  chmod 0640 /etc/default/wabadesk-relay
  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
fi
POSTINST
cat >"$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop wabadesk-relay.service || true
fi
PRERM
cat >"$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
dpkg-deb --root-owner-group -Zxz -z1 --build "$root" "$deb" >/dev/null

if [ -n "$check" ]; then
  fail() { echo "relay .deb check: $*" >&2; exit 1; }
  [ "$(dpkg-deb -f "$deb" Package)" = wabadesk-relay ] || fail "package name"
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version $(dpkg-deb -f "$deb" Version), want $version"
  listing=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/wabadesk-relay ./lib/systemd/system/wabadesk-relay.service ./etc/default/wabadesk-relay; do
    grep -q " $f\$" <<<"$listing" || fail "no $f in the package"
  done
  grep -q '^-rwxr-xr-x root/root .* ./usr/bin/wabadesk-relay$' <<<"$listing" || fail "usr/bin/wabadesk-relay is not root's executable"
  [ "$(dpkg-deb -I "$deb" conffiles)" = /etc/default/wabadesk-relay ] || fail "the settings file is not a conffile"
  x=$stage/x
  dpkg -x "$deb" "$x"
  unit=$x/lib/systemd/system/wabadesk-relay.service
  grep -qx 'ExecStart=/usr/bin/wabadesk-relay serve --listen 127.0.0.1:8790' "$unit" || fail "the unit's ExecStart: $(grep ^ExecStart= "$unit")"
  grep -qx 'EnvironmentFile=/etc/default/wabadesk-relay' "$unit" || fail "the unit's EnvironmentFile: $(grep ^EnvironmentFile= "$unit")"
  grep -q '^#\? *DATABASE_URL=' "$x/etc/default/wabadesk-relay" || fail "the settings file names no DATABASE_URL"
  # The packaged binary runs: it answers --version, and without a database says what is missing.
  "$x/usr/bin/wabadesk-relay" --version | grep -q "wabadesk-relay $version" || fail "the binary does not answer --version"
  out=$(env -u DATABASE_URL "$x/usr/bin/wabadesk-relay" migrate 2>&1 || true)
  grep -q DATABASE_URL <<<"$out" || fail "without a database the binary says: $out"
  echo "relay .deb: $(du -h "$deb" | cut -f1) with usr/bin/wabadesk-relay ($profile build), the systemd unit and /etc/default/wabadesk-relay" >&2
fi
echo "$deb"
