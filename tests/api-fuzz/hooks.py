"""Schemathesis hooks for `make api-fuzz`: random ids only ever reach "not found", so about half
of the generated requests get the ids of things that exist (the seeded team, an incident, a
playbook, a checklist item, a note, an action, all made by build/api-fuzz.sh before the run),
which takes the fuzzing past the lookups into the code that acts on them."""

import json
import os

import schemathesis

REAL = json.loads(os.environ["API_FUZZ_IDS"])


def _pick(name, value):
    # Deterministic in the generated value, so Hypothesis can shrink and replay a failure.
    if name in REAL and len(str(value)) % 2 == 0:
        return REAL[name]
    return value


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    path = context.operation.path
    # Ending the real incident would turn every later change into 409; ending and reopening
    # keep to made-up ids (the conformance suite covers them on real incidents).
    if path.endswith("/end") or path.endswith("/reopen"):
        return path_parameters
    for name in list(path_parameters or {}):
        key = name
        if name == "id":
            key = "playbook_id" if path.startswith("/playbooks") else "incident_id"
        path_parameters[name] = _pick(key, path_parameters[name])
    return path_parameters


@schemathesis.hook
def map_query(context, query):
    if query and "team_id" in query:
        query["team_id"] = _pick("team_id", query["team_id"])
    return query


@schemathesis.hook
def map_body(context, body):
    if isinstance(body, dict):
        for key in ("team_id", "post_id", "user_id"):
            if key in body:
                body[key] = _pick(key, body[key])
        ctx = body.get("context")
        if isinstance(ctx, dict) and "incident_id" in ctx:
            ctx["incident_id"] = _pick("incident_id", ctx["incident_id"])
    return body
