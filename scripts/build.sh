#!/usr/bin/env bash
# Builds the installable bundles in release: a .deb and an AppImage, through the Tauri bundler.
# They land in target/release/bundle/deb/ and target/release/bundle/appimage/ (under
# $CARGO_TARGET_DIR when that is set). The AppImage step downloads linuxdeploy and its GTK
# plugin from GitHub the first time (kept in ~/.cache/tauri), so it needs that network access.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
target_dir=${CARGO_TARGET_DIR:-target}

rm -rf "$target_dir/release/bundle"
# One build, both bundles (the .deb is made first); bundling patches the binary, so a second
# `tauri build` would relink it.
if ! npx tauri build --bundles deb,appimage; then
  if ls "$target_dir"/release/bundle/deb/*.deb >/dev/null 2>&1; then
    echo "The AppImage could not be built (the bundler downloads linuxdeploy from github.com);" >&2
    echo "the .deb is ready in $target_dir/release/bundle/deb/." >&2
  fi
  exit 1
fi
echo "Bundles:"
ls -l "$target_dir"/release/bundle/deb/*.deb "$target_dir"/release/bundle/appimage/*.AppImage
