#!/usr/bin/env bash
# `make run`: a local Mattermost with the plugin installed (tests/e2e/cmd/mmrun). Builds the
# server from its Go module the first time (minutes; Go's build cache keeps it), starts a
# private PostgreSQL, prints the URL and logins, and runs until Ctrl-C (MM_RUN_PORT: the port,
# default 8065).
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=$(realpath "$1")
bin=$PWD/target/e2e/bin
mkdir -p "$bin"
(cd tests/e2e && go build -o "$bin/mmrun" ./cmd/mmrun)
cd tests/e2e
# exec, so that Ctrl-C and SIGTERM reach it directly and it stops the server and database.
exec "$bin/mmrun" -bundle "$bundle" ${MM_RUN_PORT:+-port "$MM_RUN_PORT"}
