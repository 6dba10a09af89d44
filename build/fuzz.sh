#!/usr/bin/env bash
# Runs every cargo-fuzz target for FUZZ_SECONDS (default 60) each. Needs a nightly toolchain
# and cargo-fuzz; installs both if missing. Built like the shipped binary (-O: optimised, no
# overflow checks; see [profile.release] in Cargo.toml for why that matters).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.1 --locked
for target in gob_hook_args netrpc_server yamux_session; do
  echo "fuzz: $target for ${seconds}s"
  cargo +nightly fuzz run -O --fuzz-dir server/fuzz "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048
done
