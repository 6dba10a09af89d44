#!/usr/bin/env bash
# Installs what building and testing need and a fresh machine lacks. Idempotent and quick when
# everything is there; `make test` and `make dist` run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
# `make api-fuzz` makes a venv; Debian's own python3 needs python3-venv for that.
if command -v python3 >/dev/null && ! python3 -c 'import ensurepip' 2>/dev/null; then
  need_apt+=(python3-venv)
fi
# The conformance suite's disk-fault tests: SQLite's integrity check on the plugin's database,
# and the immutable attribute (chattr) that stops root from writing a file.
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
command -v chattr >/dev/null || need_apt+=(e2fsprogs)
# PostgreSQL's server programs: the Rust tests of the shared-database store run against a
# private cluster (build/with-postgres.sh), and so does the real Mattermost server (make e2e).
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  need_apt+=(postgresql)
fi
# The linux-arm64 host: Debian's cross toolchain (gcc and the arm64 C library, which also holds
# the loader and libraries qemu needs) links it, and qemu-user runs it in the conformance suite
# (TestLinuxArm64UnderQemu) on this amd64 machine.
command -v aarch64-linux-gnu-gcc >/dev/null || need_apt+=(gcc-aarch64-linux-gnu)
[ -f /usr/aarch64-linux-gnu/lib/crt1.o ] || need_apt+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need_apt+=(qemu-user)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need_apt[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${need_apt[*]}" >&2
    exit 1
  fi
fi

for target in wasm32-wasip2 aarch64-unknown-linux-gnu; do
  if ! rustup target list --installed | grep -qx "$target"; then
    echo "setup: adding the $target Rust target"
    rustup target add "$target"
  fi
done

# `make lint` checks formatting and clippy's lints.
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component-"; then
    echo "setup: adding the $component Rust component"
    rustup component add "$component"
  fi
done

# Reinstall webapp packages when the lock file changed since the last install.
if [ ! -f webapp/node_modules/.package-lock.json ] || [ webapp/package-lock.json -nt webapp/node_modules/.package-lock.json ]; then
  echo "setup: installing webapp packages (npm ci)"
  (cd webapp && npm ci --no-audit --no-fund --loglevel=error)
fi

(cd tests/conformance && go mod download)
# The oldest and newest releases of Mattermost's plugin host code `make test` runs the suite
# against (`make test-versions` fetches the others).
for v in $(build/conformance-versions.sh oldest) $(build/conformance-versions.sh newest); do
  (cd tests/conformance && go mod download -modfile="versions/go.$v.mod")
done
(cd tests/gobaseline && go mod download)

# schemathesis for `make api-fuzz` (part of `make test`), pinned, in a venv under target/.
# Hypothesis 6.150 and later removed an internal schemathesis 3.39 uses; pin the one it was
# released against. jsonschema (which schemathesis uses too) validates produced dossiers against
# docs/dossier.schema.json in the guest's tests (tests/dossier.rs).
api_fuzz_venv=${API_FUZZ_VENV:-target/api-fuzz-venv}
api_fuzz_pins=(schemathesis==3.39.16 hypothesis==6.131.0 jsonschema==4.26.0)
if ! "$api_fuzz_venv/bin/pip" freeze 2>/dev/null | grep -qxF -e "${api_fuzz_pins[0]}" ||
   ! "$api_fuzz_venv/bin/pip" freeze 2>/dev/null | grep -qxF -e "${api_fuzz_pins[1]}" ||
   ! "$api_fuzz_venv/bin/pip" freeze 2>/dev/null | grep -qxF -e "${api_fuzz_pins[2]}"; then
  echo "setup: installing ${api_fuzz_pins[*]} in $api_fuzz_venv"
  python3 -m venv "$api_fuzz_venv"
  "$api_fuzz_venv/bin/pip" install -q "${api_fuzz_pins[@]}"
fi
if [ "${1:-}" = e2e ]; then
  (cd tests/e2e && go mod download)
fi
