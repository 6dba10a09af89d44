#!/usr/bin/env bash
# The conformance suite against several releases of Mattermost's plugin host code
# (github.com/mattermost/mattermost/server/public). One suite: each release has its own module
# file, tests/conformance/versions/go.<version>.mod (+ .sum), used with `go test -modfile=…`;
# the suite's own go.mod stays the one editors, `go vet` and the tools use.
#
#   build/conformance-versions.sh list               every release, oldest first
#   build/conformance-versions.sh oldest|newest      the oldest (at or above min_server_version) / newest
#   build/conformance-versions.sh all [go test args]  test every release (make test-versions)
#   build/conformance-versions.sh ends [go test args] the oldest and the newest (make test)
#        (both: CONFORMANCE_JOBS releases at a time, default 2)
#   build/conformance-versions.sh test VERSION [go test args…]
#   build/conformance-versions.sh probe VERSION [go test args…]
#        the whole suite on a release below min_server_version, with a copy of the bundle whose
#        min_server_version is lowered to that release: evidence for lowering it, nothing more
#   build/conformance-versions.sh regen [VERSION…]   (re)write module files (needs the Go proxy)
#   build/conformance-versions.sh download           fetch every release's modules (setup)
#   build/conformance-versions.sh golden [VERSION…]  (re)record the gob bytes each release sends
#        (tests/conformance/cmd/gobgolden) into server/mm-protocol/tests/golden/<version>/;
#        without VERSION every release (those below min_server_version too: evidence for probe)
#
# `test` on a release below plugin.json's min_server_version runs only TestMinServerVersion
# (the host code refuses the plugin there, as that release of Mattermost does); from the
# minimum on it runs the whole suite. BUNDLE_TGZ and FAULTY_GUEST_CWASM as for `go test`.
#
# A module file requires only that release and the websocket client the suite uses, then
# `go mod tidy` picks every other dependency at the version that release asks for: the
# go-plugin and gRPC a server of that release was built with, not ours.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/tests/conformance"
GO=${GO:-go}

# Every release the Go module proxy serves from v0.1.10 on (v0.1.18, v0.1.23-25, v0.2.2+,
# v0.3.2+ are not served), with the Mattermost release whose plugin API it is: the newest
# entry of model/version.go at that tag (model.CurrentVersion, what the host code checks
# min_server_version against). docs/compatibility.md records the results.
RELEASES=(
  v0.1.10=10.5.0 v0.1.11=10.7.0 v0.1.12=10.9.0 v0.1.13=10.9.0 v0.1.14=10.9.0 v0.1.15=10.10.0
  v0.1.16=10.11.0 v0.1.17=10.12.0 v0.1.19=11.0.0 v0.1.20=11.1.0 v0.1.21=11.1.0 v0.1.22=11.4.0
  v0.2.0=11.5.0 v0.2.1=11.6.0 v0.3.0=11.6.0 v0.3.1=11.7.0 v0.4.0=11.8.0 v0.4.1=11.8.0
  v0.4.2=11.8.0 v0.4.3=11.9.0 v0.4.4=11.11.0
)
min_server=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["min_server_version"])' "$root/plugin.json")

versions() { local r; for r in "${RELEASES[@]}"; do echo "${r%%=*}"; done; }
mattermost_of() {
  local r
  for r in "${RELEASES[@]}"; do [ "${r%%=*}" = "$1" ] && { echo "${r#*=}"; return 0; }; done
  echo "conformance-versions: $1 is not one of: $(versions | tr '\n' ' ')" >&2
  return 1
}
# below_min VERSION: true when that release is older than plugin.json's min_server_version.
below_min() {
  local mm
  mm=$(mattermost_of "$1")
  [ "$mm" != "$min_server" ] && [ "$(printf '%s\n%s\n' "$mm" "$min_server" | sort -V | head -1)" = "$mm" ]
}
modfile() { echo "versions/go.$1.mod"; }
# The oldest release at or above min_server_version.
oldest() { local v; for v in $(versions); do below_min "$v" || { echo "$v"; return 0; }; done; }

regen() {
  local v=$1 mod websocket server
  mattermost_of "$v" >/dev/null
  mod=$(modfile "$v")
  websocket=$(awk '$1 == "github.com/gorilla/websocket" {print $2}' go.mod)
  # v0.1.19 and v0.1.20's model package imports server/v8 (a password hasher) without
  # requiring it; v0.1.21 requires this build of it. tidy drops it where nothing imports it.
  server=$(awk '$1 == "github.com/mattermost/mattermost/server/v8" {print $2}' go.mod)
  cat >"$mod" <<MOD
module incidentresponse/tests/conformance

go 1.24.6

require (
	github.com/gorilla/websocket $websocket
	github.com/mattermost/mattermost/server/public $v
	github.com/mattermost/mattermost/server/v8 $server // indirect
)
MOD
  rm -f "${mod%.mod}.sum"
  "$GO" mod tidy -modfile="$mod"
}

run_tests() {
  local v=$1
  shift
  echo "== conformance: server/public $v (Mattermost $(mattermost_of "$v")), min_server_version $min_server"
  if below_min "$v"; then
    "$GO" test -modfile="$(modfile "$v")" -count=1 -run '^TestMinServerVersion$' "$@" .
  else
    "$GO" test -modfile="$(modfile "$v")" "$@" ./...
  fi
}

# probe VERSION: the bundle with min_server_version lowered to VERSION's release.
probe() {
  local v=$1 tmp mm
  shift
  mm=$(mattermost_of "$v")
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  mkdir "$tmp/x"
  tar -xzf "${BUNDLE_TGZ:?BUNDLE_TGZ must name the bundle}" -C "$tmp/x"
  python3 - "$tmp/x"/*/plugin.json "$mm" <<'PY'
import json, sys
path, version = sys.argv[1], sys.argv[2]
m = json.load(open(path))
m["min_server_version"] = version
json.dump(m, open(path, "w"), indent=4)
PY
  tar -czf "$tmp/bundle.tar.gz" -C "$tmp/x" .
  echo "== probe: server/public $v (Mattermost $mm) with the bundle's min_server_version lowered to $mm"
  BUNDLE_TGZ="$tmp/bundle.tar.gz" "$GO" test -modfile="$(modfile "$v")" "$@" ./...
}

# golden VERSION: that release's recordings, written afresh.
golden() {
  local v=$1 out=$root/server/mm-protocol/tests/golden
  mattermost_of "$v" >/dev/null
  rm -rf "${out:?}/$v"
  "$GO" run -modfile="$(modfile "$v")" ./cmd/gobgolden -out "$out"
}

# run_many "V1 V2 …" [go test args…]: the releases CONFORMANCE_JOBS at a time (default 2; each
# run is its own process tree, plugin folder and sockets, and spends much of its time waiting on
# timers), each one's output printed whole as it ends, then one summary line.
run_many() {
  local list=$1 jobs=${CONFORMANCE_JOBS:-2} logs v ended status passed=0 failed=()
  shift
  logs=$(mktemp -d)
  trap 'rm -rf "$logs"' RETURN
  declare -A running=()
  # Waits for whichever run ends first (`wait -n -p`, bash 5.1), prints its output, counts it.
  one_ends() {
    status=0
    wait -n -p ended || status=$?
    cat "$logs/${running[$ended]}.log"
    if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else failed+=("${running[$ended]}"); fi
    unset "running[$ended]"
  }
  for v in $list; do
    while [ ${#running[@]} -ge "$jobs" ]; do one_ends; done
    run_tests "$v" "$@" >"$logs/$v.log" 2>&1 &
    running[$!]=$v
  done
  while [ ${#running[@]} -gt 0 ]; do one_ends; done
  if [ ${#failed[@]} -gt 0 ]; then echo "conformance failed on: ${failed[*]}" >&2; fi
  echo "conformance releases: $passed passed, ${#failed[@]} failed"
  [ ${#failed[@]} -eq 0 ]
}

cmd=${1:-list}
shift || true
case "$cmd" in
  list) versions ;;
  oldest) oldest ;;
  newest) versions | tail -1 ;;
  all) run_many "$(versions)" "$@" ;;
  ends) run_many "$(oldest) $(versions | tail -1)" "$@" ;;
  test) v=${1:?version}; shift; run_tests "$v" "$@" ;;
  probe) v=${1:?version}; shift; probe "$v" "$@" ;;
  regen)
    if [ $# -eq 0 ]; then set -- $(versions); fi
    for v in "$@"; do regen "$v"; done ;;
  golden)
    if [ $# -eq 0 ]; then
      set -- $(versions)
    fi
    for v in "$@"; do golden "$v"; done ;;
  download) for v in $(versions); do "$GO" mod download -modfile="$(modfile "$v")"; done ;;
  *) echo "usage: $0 list|oldest|newest|all|ends|test VERSION|probe VERSION|regen [VERSION…]|download|golden [VERSION…]" >&2; exit 2 ;;
esac
