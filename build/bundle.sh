#!/usr/bin/env bash
# Assembles the installable bundle from built parts: dist/<id>-<version>.tar.gz with one
# top-level folder, as Mattermost's plugin upload expects (protocol.md §8.2).
set -euo pipefail
cd "$(dirname "$0")/.."

host=${HOST_BIN:-target/release/plugin-host}
# The same cross-compiled for linux-arm64 (make host), with its own precompiled guest.
host_arm64=${HOST_BIN_ARM64:-target/aarch64-unknown-linux-gnu/release/plugin-host}
guest=${GUEST_WASM:-target/wasm32-wasip2/wasm/incident_guest.wasm}
# The same logic compiled ahead of time for the host's target (make guest, precompile-guest):
# what the shipped host runs. The .wasm rides along as the portable original.
guest_cwasm=${GUEST_CWASM:-${guest%.wasm}.cwasm}
guest_cwasm_arm64=${GUEST_CWASM_ARM64:-${guest%.wasm}-linux-arm64.cwasm}
webapp=webapp/dist/main.js

id=$(python3 -c 'import json;print(json.load(open("plugin.json"))["id"])')
version=$(python3 -c 'import json;print(json.load(open("plugin.json"))["version"])')
for f in "$host" "$host_arm64" "$guest" "$guest_cwasm" "$guest_cwasm_arm64" "$webapp"; do
  [ -f "$f" ] || { echo "bundle: missing $f (run make dist)" >&2; exit 1; }
done

# A private staging folder and an atomic rename, so two builds at once cannot mix files.
mkdir -p dist
root=$(mktemp -d dist/.stage.XXXXXX)
trap 'rm -rf "$root"' EXIT
stage=$root/$id
mkdir -p "$stage/server/dist" "$stage/webapp/dist"
cp plugin.json LICENSE NOTICE "$stage/"
cp -r assets "$stage/"
install -m 0755 "$host" "$stage/server/dist/plugin-linux-amd64"
install -m 0755 "$host_arm64" "$stage/server/dist/plugin-linux-arm64"
install -m 0644 "$guest" "$stage/server/dist/incident.wasm"
install -m 0644 "$guest_cwasm" "$stage/server/dist/incident-linux-amd64.cwasm"
install -m 0644 "$guest_cwasm_arm64" "$stage/server/dist/incident-linux-arm64.cwasm"
install -m 0644 "$webapp" "$stage/webapp/dist/main.js"

out=dist/$id-$version.tar.gz
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$root" -czf "$root/bundle.tar.gz" "$id"
mv "$root/bundle.tar.gz" "$out"
echo "bundle: $out ($(du -h "$out" | cut -f1))"
