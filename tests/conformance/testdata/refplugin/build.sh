#!/bin/sh
# Builds a Go stand-in bundle and "faulty guest" to self-check the harness:
#   sh testdata/refplugin/build.sh /tmp/ref
#   BUNDLE_TGZ=/tmp/ref/incident-response-0.1.0.tar.gz FAULTY_GUEST_WASM=/tmp/ref/faulty.wasm go test ./...
set -eu
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage="$out/stage/incident-response"
rm -rf "$out/stage"
mkdir -p "$stage/server/dist" "$stage/webapp/dist" "$stage/assets"
(cd "$here/../.." && CGO_ENABLED=0 go build -o "$stage/server/dist/plugin-linux-amd64" ./testdata/refplugin)
chmod 0755 "$stage/server/dist/plugin-linux-amd64"
printf 'not wasm: reference guest\n' > "$stage/server/dist/incident.wasm"
printf 'FAULTY\n' > "$out/faulty.wasm"
echo 'console.log("ref");' > "$stage/webapp/dist/main.js"
echo 'icon' > "$stage/assets/icon.svg"
cat > "$stage/plugin.json" <<'JSON'
{
    "id": "incident-response",
    "name": "Incident Response",
    "version": "0.1.0",
    "min_server_version": "9.0.0",
    "server": {"executables": {"linux-amd64": "server/dist/plugin-linux-amd64"}},
    "webapp": {"bundle_path": "webapp/dist/main.js"}
}
JSON
tar -C "$out/stage" -czf "$out/incident-response-0.1.0.tar.gz" incident-response
rm -rf "$out/stage"
echo "$out/incident-response-0.1.0.tar.gz"
