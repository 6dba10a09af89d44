#!/usr/bin/env bash
# `make api-fuzz`: schemathesis (pinned in build/setup.sh) against docs/openapi.yaml, on the real plugin
# served by tests/conformance/cmd/devserver, as each kind of caller: a team member (alice), a user
# of another team (olga), a guest added to the incident's channel (gina) and a system admin. The
# one check is that no answer is a server error (5xx). Usage: build/api-fuzz.sh <bundle.tar.gz>
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=$(realpath "${1:?usage: build/api-fuzz.sh <bundle.tar.gz>}")
examples=${API_FUZZ_EXAMPLES:-30}
venv=${API_FUZZ_VENV:-target/api-fuzz-venv}
# build/setup.sh installs the pinned schemathesis there (make runs it first).
[ -x "$venv/bin/schemathesis" ] || ./build/setup.sh

work=$(mktemp -d)
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
(cd tests/conformance && go build -o "$work/devserver" ./cmd/devserver)
BUNDLE_TGZ=$bundle "$work/devserver" -watch-stdin=false -log "$work/plugin.log" >"$work/url" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
  sleep 0.1
done
base=$(head -n1 "$work/url")
[ -n "$base" ] || { echo "api-fuzz: the devserver printed no URL" >&2; cat "$work/stderr" >&2; exit 1; }

# Real ids for the hooks: the seeded team, and an incident with an item, a note and an action.
ids=$(python3 - "$base" <<'PY'
import json, sys, urllib.error, urllib.request
base = sys.argv[1]
def call(method, path, body=None, user="alice"):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"X-Test-User": user, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
seed = call("GET", "/test/seed")
api = "/plugins/incident-response/api/v0"
team = seed["team_id"]
inc = call("POST", api + "/incidents", {"team_id": team, "name": "Fuzzed", "private": False})
inc = call("POST", api + f"/incidents/{inc['id']}/items", {"section": "Tasks", "title": "an item"})
noted = call("POST", api + f"/incidents/{inc['id']}/notes", {"text": "a note"})
action = call("POST", api + f"/incidents/{inc['id']}/actions", {"text": "an action"})
playbook = call("POST", api + "/playbooks", {"team_id": team, "title": "Fuzzed playbook"})
# A user of another team, and a guest in the incident's channel (so her requests reach past
# "no such incident").
call("POST", "/test/user", {"username": "olga", "team": "elsewhere"})
call("POST", "/test/user", {"username": "gina", "guest": True})
call("POST", "/test/join", {"user": "gina", "channel_id": inc["channel_id"]})
assert call("GET", api + f"/incidents/{inc['id']}", user="gina")["id"] == inc["id"], "the guest cannot see the incident"
try:
    call("GET", api + f"/incidents/{inc['id']}", user="olga")
    sys.exit("api-fuzz: a user of another team sees the incident")
except urllib.error.HTTPError as e:
    assert e.code in (403, 404), e.code
print(json.dumps({"team_id": team, "incident_id": inc["id"], "item_id": inc["item_id"], "event_id": noted["timeline"][-1]["id"],
                  "action_id": action["id"], "playbook_id": playbook["id"], "user_id": seed["users"]["alice"]["id"]}))
PY
)

# The session is the devserver's X-Test-User header, so schemathesis does not make up bearer
# tokens: it would put bytes in the Authorization header that Go's HTTP server itself refuses
# (400, connection closed before the body is read, which the client sees as a reset), before
# the plugin is ever asked. Any error or failed check fails the target.
status=0
for user in alice olga gina sysadmin; do
  echo "api-fuzz: as $user, $examples examples per operation, against $base"
  API_FUZZ_IDS=$ids PYTHONPATH=tests/api-fuzz SCHEMATHESIS_HOOKS=hooks \
    "$venv/bin/schemathesis" run docs/openapi.yaml \
      --base-url "$base/plugins/incident-response/api/v0" \
      -H "X-Test-User: $user" \
      --checks not_a_server_error \
      --hypothesis-max-examples "$examples" \
      --hypothesis-seed 20261123 \
      --hypothesis-derandomize \
      --request-timeout 10000 \
      --generation-with-security-parameters=false \
      --junit-xml "$work/$user.xml" \
      --no-color || true
  python3 - "$work/$user.xml" <<'PY' || status=1
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
failed, errored = [], []
for case in cases:
    if case.find("failure") is not None:
        failed.append(case.get("name"))
    if case.find("error") is not None:
        errored.append(case.get("name"))
if errored:
    print("api-fuzz: requests that got no answer in: " + ", ".join(errored))
if failed:
    print("api-fuzz: SERVER ERRORS in: " + ", ".join(failed))
if failed or errored:
    sys.exit(1)
PY
done
if [ "$status" -ne 0 ]; then
  mkdir -p target
  cp "$work/plugin.log" target/api-fuzz-plugin.log 2>/dev/null || true
  echo "api-fuzz: FAILED; the plugin's log is in target/api-fuzz-plugin.log" >&2
else
  echo "api-fuzz: no server error"
fi
exit "$status"
