#!/usr/bin/env python3
"""Skeleton adapter for `mxm conform` (conformance/PROTOCOL.md), standard library only.

Homeserver authors: copy this file, set HELLO to what your server implements, and replace
decide() (and, if you answer those layers, classify() and api_call()) with calls into your
server's own authorisation code. Then run

    mxm conform --adapter 'python3 path/to/your_adapter.py' conformance/cases

The runner sends one JSON request per line on standard input and reads one JSON response per
line on standard output. Everything else you print must go to standard error. Each response is
flushed at once: a buffered line looks like a hang to the runner.

As shipped, decide() is a stub that rejects every event without naming a rule, so a run shows
the protocol working end to end: every case expecting "reject" or "invalid" passes and every
case expecting "allow" fails. It is not an implementation of anything.
"""

import json
import sys

# What this adapter implements (PROTOCOL.md section 1). Cases outside it are skipped, not failed.
HELLO = {
    "mxm_adapter": 1,
    "protocol": "1.1",  # the protocol version this file speaks; the runner's is in $MXM_PROTOCOL_VERSION
    "name": "skeleton.py (stub decide(): rejects everything)",
    "room_versions": [str(v) for v in range(1, 13)],
    "layers": ["auth"],  # add "transition", "api", "sequence", "client" as you implement them
    "spec_releases": {"from": "r0", "to": "v1.19"},
    "reports_rules": False,  # True only if your "rule" answers use the ids of ref/RULES.md
}


class CannotDecide(Exception):
    """Raise to answer {"error": ...}: the case is reported as an error, not as a failure."""


def current_state(state_events):
    """The room state as a dict (type, state_key) -> event; later events replace earlier ones."""
    current = {}
    for event in state_events:
        if "state_key" in event:
            current[(event["type"], event["state_key"])] = event
    return current


def decide(room_version, spec_release, state_events, server_keys, event, check_auth_events):
    """Authorise `event` against the room state. REPLACE THIS with your server's auth rules.

    room_version: "1" .. "12"; spec_release: "r0", "v1.1" .. "v1.19" (whose rule text to follow).
    state_events: the full state events (PDUs), oldest first; see current_state().
    server_keys: {"example.org": {"ed25519:1": "<unpadded base64 Ed25519 public key>"}}.
    event: the event as a dict, or None when the event is not valid JSON (then see
        decide_text()).
    check_auth_events: True when the case tests the auth_events rules explicitly.

    Return ("allow" | "reject" | "invalid", rule_id_or_None, reason_text). "invalid" means the
    event is not a valid event for the room version (checked before the auth rules).
    """
    del room_version, spec_release, state_events, server_keys, event, check_auth_events
    return "reject", None, "skeleton stub: decide() is not implemented"


def decide_text(room_version, spec_release, state_events, server_keys, text, check_auth_events):
    """The same for an event given as raw text (malformed-JSON cases)."""
    try:
        event = json.loads(text)
    except ValueError as exc:
        return "invalid", None, "not valid JSON: %s" % exc
    if not isinstance(event, dict):
        return "invalid", None, "not a JSON object"
    return decide(room_version, spec_release, state_events, server_keys, event, check_auth_events)


def classify(era, from_membership, to_membership, is_self, profile_changed):
    """Transition layer: return (outcome, cell_text) per FORMAT.md "Outcome names"."""
    raise CannotDecide("transition layer not implemented")


def api_call(room_version, spec_release, state_events, server_keys, call):
    """API layer: return a response dict {"api": {...}, "verdict": ..., "rule": ...}."""
    raise CannotDecide("api layer not implemented")


def client_view(user_id, spec_release, syncs):
    """Client layer (PROTOCOL.md 2.5, client libraries): feed the /sync bodies to your client and
    return one view per body, [{"rooms": {room_id: {"section", "membership", "name", "members",
    "outcomes"}}}, ...]. Leave out every field your client has no notion of: it counts as "not
    expressed", never as a failure."""
    raise CannotDecide("client layer not implemented")


def answer(request):
    """One request object -> one response object (PROTOCOL.md section 2)."""
    response = {"id": request.get("id")}
    kind = request.get("type")
    try:
        if kind == "auth":
            args = (request["room_version"], request.get("spec_release", "v1.19"), request["state"],
                    request.get("server_keys", {}))
            check = bool(request.get("check_auth_events", False))
            if "event_text" in request:
                verdict, rule, reason = decide_text(*args, request["event_text"], check)
            else:
                verdict, rule, reason = decide(*args, request["event"], check)
            response["verdict"] = verdict
            if rule is not None:
                response["rule"] = rule
            if reason:
                response["reason"] = reason
        elif kind == "transition":
            outcome, text = classify(request["era"], request["from"], request["to"],
                                     bool(request.get("self")), bool(request.get("profile_changed")))
            response["outcome"] = outcome
            response["text"] = text
        elif kind == "api":
            response.update(api_call(request["room_version"], request.get("spec_release", "v1.19"),
                                     request["state"], request.get("server_keys", {}), request["call"]))
        elif kind == "sequence":
            raise CannotDecide("sequence layer not implemented")
        elif kind == "client":
            response["views"] = client_view(request["user_id"], request.get("spec_release", "v1.19"),
                                            request["syncs"])
        else:
            raise CannotDecide("unknown request type %r" % (kind,))
    except CannotDecide as exc:
        return {"id": request.get("id"), "error": str(exc)}
    except Exception as exc:  # a bug in the adapter must not look like a verdict
        print("skeleton.py: %r failed: %s: %s" % (request.get("id"), type(exc).__name__, exc),
              file=sys.stderr)
        return {"id": request.get("id"), "error": "%s: %s" % (type(exc).__name__, exc)}
    return response


def serve(hello, answer_fn, inp=None, out=None):
    """The protocol loop: print the hello, then one response line per request line."""
    inp = sys.stdin if inp is None else inp
    out = sys.stdout if out is None else out
    out.write(json.dumps(hello) + "\n")
    out.flush()
    for line in inp:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            response = {"id": None, "error": "request is not JSON: %s" % exc}
        else:
            response = answer_fn(request) if isinstance(request, dict) else {
                "id": None, "error": "request is not a JSON object"}
        out.write(json.dumps(response, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def main():
    return serve(HELLO, answer)


if __name__ == "__main__":
    sys.exit(main())
