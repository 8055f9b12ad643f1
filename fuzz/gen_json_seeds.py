#!/usr/bin/env python3
"""fuzz/gen_json_seeds.py: seed corpora of the raw-JSON harnesses.

  python3 fuzz/gen_json_seeds.py SPEC_EXAMPLES_DIR CORPUS_DIR

corpus/fuzz_event_parse/: each spec example event (matrix-org/matrix-spec
data/event-schemas/examples, Apache-2.0; copied as facts) completed into a
full PDU, once per room version family, prefixed by the version byte the
harness reads (byte % 12 + 1), plus a few conformance-style events (creator
join, string/float power levels, a knock).
corpus/fuzz_canonical/: the same events and the Canonical JSON examples of
the spec appendix (content/appendices.md), with the mode byte (odd = strict).
Deterministic output; re-run and diff to check the committed seeds.
"""
import json
import os
import sys

def pdu(ev, version, n):
    """Complete an example into a PDU of room version `version` (1..12)."""
    e = {k: v for k, v in ev.items() if k != "$ref"}
    e.setdefault("sender", "@example:example.org")
    e.setdefault("state_key", "")
    e["origin_server_ts"] = 1432735824653
    e["depth"] = n + 2
    e["auth_events"] = []
    if version <= 2:
        e["event_id"] = "$%d:example.org" % n
        e["prev_events"] = [["$1:example.org", {"sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]]
    else:
        e["prev_events"] = ["$Mx7Uf5Hf3nNqX1UDqjIY1pKpUj8ai7r5HvHkA0hp0DI"]
    if not (version == 12 and e.get("type") == "m.room.create"):
        e["room_id"] = "!jEsUZKDJdhlrceRyVU:example.org"
    if e.get("type") == "m.room.create":
        e["content"] = dict(e.get("content", {}), room_version=str(version))
        if version <= 10:
            e["content"]["creator"] = e["sender"]
    if "unsigned" in e:
        del e["unsigned"]
    return e

EXTRA = [  # conformance-style events (not from the spec examples)
    {"type": "m.room.member", "state_key": "@alice:a.test", "sender": "@alice:a.test",
     "content": {"membership": "join"}},
    {"type": "m.room.member", "state_key": "@bob:a.test", "sender": "@bob:a.test",
     "content": {"membership": "knock", "reason": "let me in"}},
    {"type": "m.room.member", "state_key": "@bob:a.test", "sender": "@alice:a.test",
     "content": {"membership": "ban", "reason": "spam"}},
    {"type": "m.room.power_levels", "state_key": "", "sender": "@alice:a.test",
     "content": {"ban": " +050 ", "kick": "50", "invite": 0, "users": {"@alice:a.test": 100, "@bob:a.test": "-01"}}},
    {"type": "m.room.power_levels", "state_key": "", "sender": "@alice:a.test",
     "content": {"ban": 50.75, "kick": 505e-1, "users": {"@alice:a.test": 100.5}}},
    {"type": "m.room.join_rules", "state_key": "", "sender": "@alice:a.test",
     "content": {"join_rule": "knock_restricted",
                 "allow": [{"type": "m.room_membership", "room_id": "!other:b.test"}]}},
    {"type": "m.room.create", "state_key": "", "sender": "@alice:a.test",
     "content": {"additional_creators": ["@carol:b.test"], "m.federate": False}},
    {"type": "m.room.member", "state_key": "@bob:a.test", "sender": "@alice:a.test",
     "content": {"membership": 42}},
    {"type": "m.room.member", "sender": "@alice:a.test", "content": {"membership": "join"}},
]

CANONICAL = [  # content/appendices.md, Canonical JSON examples (inputs)
    '{}',
    '{"one": 1, "two": "Two"}',
    '{"b": "2", "a": "1"}',
    '{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {"display_name": "John Doe",'
    ' "three_pids": [{"medium": "email", "address": "john.doe@example.org"},'
    ' {"medium": "msisdn", "address": "123456789"}]}}}',
    '{"a": "\u65e5\u672c\u8a9e"}',
    '{"\u672c": 2, "\u65e5": 1}',
    '{"a": "\\u65E5"}',
    '{"a": null}',
    '{"a": -0, "b": 1e10}',
    '{"a": "\\u0000\\u001f\\"\\\\\\b\\f\\n\\r\\t"}',
    '[9007199254740991, -9007199254740991, 9007199254740992, 1.5]',
]

def write(path, data):
    with open(path, "wb") as f:
        f.write(data)

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_json_seeds.py SPEC_EXAMPLES_DIR CORPUS_DIR")
    examples, corpus = sys.argv[1], sys.argv[2]
    ep = os.path.join(corpus, "fuzz_event_parse")
    cn = os.path.join(corpus, "fuzz_canonical")
    os.makedirs(ep, exist_ok=True)
    os.makedirs(cn, exist_ok=True)
    events = []
    for name in sorted(os.listdir(examples)):
        if name.endswith(".yaml"):
            with open(os.path.join(examples, name), encoding="utf-8") as f:
                events.append((name[:-5], json.load(f)))
    events += [("extra%d" % i, e) for i, e in enumerate(EXTRA)]
    for n, (name, ev) in enumerate(events):
        for version in (1, 3, 5, 6, 7, 8, 10, 11, 12):
            text = json.dumps(pdu(ev, version, n), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            write(os.path.join(ep, "%s-v%d" % (name, version)), bytes([version - 1]) + text.encode())
        text = json.dumps(pdu(ev, 10, n), ensure_ascii=False, indent=1)
        write(os.path.join(cn, "%s-strict" % name), b"\x01" + text.encode())
    for i, text in enumerate(CANONICAL):
        write(os.path.join(cn, "appendix%02d-strict" % i), b"\x01" + text.encode())
        write(os.path.join(cn, "appendix%02d-lax" % i), b"\x00" + text.encode())

if __name__ == "__main__":
    main()
