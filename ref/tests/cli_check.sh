#!/usr/bin/env bash
# cli_check.sh: shell-level tests of `mxm check` (and the other rule-engine
# subcommands: replay, table, classify, api, rules): exit codes, output
# shape, error messages that name the file and the JSON pointer, --help.
# Usage: bash cli_check.sh /path/to/mxm
set -u
MXM=${1:?usage: cli_check.sh /path/to/mxm}
. "$(dirname "$0")/clilib.sh"

R='"room_id": "!r:example.org", "prev_events": [], "auth_events": [], "origin_server_ts": 1'
cat >"$TMP/state.json" <<JSON
[
 {"type": "m.room.create", "sender": "@alice:example.org", "state_key": "", "depth": 1, $R,
  "content": {"room_version": "10", "creator": "@alice:example.org"}},
 {"type": "m.room.member", "sender": "@alice:example.org", "state_key": "@alice:example.org", "depth": 2, $R,
  "content": {"membership": "join"}},
 {"type": "m.room.power_levels", "sender": "@alice:example.org", "state_key": "", "depth": 3, $R,
  "content": {"users": {"@alice:example.org": 100}}},
 {"type": "m.room.join_rules", "sender": "@alice:example.org", "state_key": "", "depth": 4, $R,
  "content": {"join_rule": "restricted"}},
 {"type": "m.room.member", "sender": "@alice:example.org", "state_key": "@bob:example.org", "depth": 5, $R,
  "content": {"membership": "ban"}},
 {"type": "m.room.member", "sender": "@alice:example.org", "state_key": "@ivy:example.org", "depth": 6, $R,
  "content": {"membership": "invite"}}
]
JSON
member() { # sender state_key content
  echo "{\"type\": \"m.room.member\", \"sender\": \"$1\", \"state_key\": \"$2\", \"depth\": 9, $R, \"content\": $3}"
}
member @ivy:example.org @ivy:example.org '{"membership": "join"}' >"$TMP/ivy_join.json"
member @bob:example.org @bob:example.org '{"membership": "join"}' >"$TMP/bob_join.json"
member @zed:example.org @zed:example.org \
  '{"membership": "join", "join_authorised_via_users_server": "@alice:example.org"}' >"$TMP/zed_authd.json"
member @zed:example.org @zed:example.org \
  '{"membership": "join", "join_authorised_via_users_server": "@alice:example.org"}' |
  sed 's/}$/, "signatures": {"example.org": {"ed25519:1": "AAAA"}}}/' >"$TMP/zed_authd_signed.json"
member @zed:example.org @zed:example.org '{"membership": 7}' >"$TMP/zed_weird.json"
printf '{"type": "m.room.member", "sender": "@zed:example.org", "content": {"membership": "join"}, ' >"$TMP/broken.json"
member @zed:example.org @zed:example.org '{"membership": "join"}' | sed 's/"@zed:example.org"/"zed"/' >"$TMP/badsender.json"
echo '[{"type": "m.room.create", "sender": "@a:x", "state_key": "", "content": "nope"}]' >"$TMP/badstate.json"

# --- check: verdicts and exit codes -------------------------------------------
expect "check allow (restricted, invited)" 0 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/ivy_join.json"
has "allow shape" "$TMP/out" '"verdict": "allow"'
has "allow rule" "$TMP/out" '"rule": "member.join.restricted.member"'
has "allow transition" "$TMP/out" '"outcome": "joined_room"'
has "allow eras" "$TMP/out" '"v1.1": {"outcome": "joined_room"'
lines "one JSON object" "$TMP/out" 1

expect "check reject (banned)" 1 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/bob_join.json"
has "reject verdict" "$TMP/out" '"verdict": "reject"'
has "reject rule" "$TMP/out" '"rule": "member.join.banned"'
has "reject reason" "$TMP/out" '"reason": "the sender is banned"'
has "reject where" "$TMP/out" '"where": "/sender"'
has "reject transition" "$TMP/out" '"outcome": "must_never_happen"'

expect "check same event, v7 (restricted unknown there)" 1 "$MXM" check --room-version 7 --state "$TMP/state.json" "$TMP/ivy_join.json"
has "v7 rule" "$TMP/out" '"rule": "member.join.otherwise"'

expect "check unknown membership: no transition" 1 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/zed_weird.json"
has "unknown membership rule" "$TMP/out" '"rule": "member.unknown_membership"'
has "null transition" "$TMP/out" '"transition": null'

expect "check --spec r0 era" 1 "$MXM" check --room-version 10 --spec r0 --state "$TMP/state.json" "$TMP/bob_join.json"
has "r0 era chosen" "$TMP/out" '"era": "r0"'

# --- check: cannot decide, input errors ------------------------------------------
expect "check rule 4.2, unsigned" 1 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/zed_authd.json"
has "rule 4.2 rule id" "$TMP/out" '"rule": "member.authorised_via.signature"'
expect "check undecidable (no server key for rule 4.2)" 2 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/zed_authd_signed.json"
has "undecidable names file" "$TMP/err" "zed_authd_signed.json"
has "undecidable says why" "$TMP/err" "cannot decide"
has "undecidable pointer" "$TMP/err" "/content/join_authorised_via_users_server"
[ -s "$TMP/out" ] && bad "undecidable prints no verdict" || ok

expect "check malformed JSON" 2 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/broken.json"
has "malformed names file" "$TMP/err" "broken.json"
expect "check bad sender" 2 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/badsender.json"
has "bad sender pointer" "$TMP/err" "badsender.json: /sender:"
expect "check bad state" 2 "$MXM" check --room-version 10 --state "$TMP/badstate.json" "$TMP/ivy_join.json"
has "bad state names file and pointer" "$TMP/err" "badstate.json: /0/"
expect "check missing file" 2 "$MXM" check --room-version 10 --state "$TMP/state.json" "$TMP/nope.json"
has "missing file named" "$TMP/err" "nope.json"
expect "check unknown room version" 2 "$MXM" check --room-version 13 --state "$TMP/state.json" "$TMP/ivy_join.json"
has "known versions listed" "$TMP/err" "known:"
expect "check unknown spec" 2 "$MXM" check --room-version 10 --spec v9.9 --state "$TMP/state.json" "$TMP/ivy_join.json"
expect "check no args" 2 "$MXM" check
expect "check unknown option" 2 "$MXM" check --bogus
expect "check --help" 0 "$MXM" check --help
has "help: usage" "$TMP/out" "usage: mxm check"
has "help: exit codes" "$TMP/out" "exit codes:"
has "help: output" "$TMP/out" '"verdict": "allow"|"reject"'
expect "check from stdin" 0 sh -c "\"$MXM\" check --room-version 10 --state \"$TMP/state.json\" - <\"$TMP/ivy_join.json\""

# --- replay -------------------------------------------------------------------
{
  member @ivy:example.org @ivy:example.org '{"membership": "join"}'
  echo 'this is not json'
  member @ivy:example.org @ivy:example.org '{"membership": "join"}'
  echo
  member @bob:example.org @bob:example.org '{"membership": "join"}'
  member @alice:example.org @ivy:example.org '{"membership": "leave"}'
} >"$TMP/events.jsonl"
expect "replay with a malformed line" 1 "$MXM" replay --room-version 10 --state "$TMP/state.json" "$TMP/events.jsonl"
lines "replay: 5 results + summary" "$TMP/out" 6
has "replay line 1 joined" "$TMP/out" '{"line": 1, "type": "m.room.member"'
has "replay line 2 error" "$TMP/out" '{"line": 2, "error": "MXM_E_MALFORMED"'
has "replay line 3 profile update (state changed by line 1)" "$TMP/out" '"outcome": "profile_unchanged"'
has "replay line 6 kick" "$TMP/out" '"outcome": "kicked"'
has "replay summary" "$TMP/out" '{"summary": {"events": 5, "allowed": 3, "rejected": 1, "errors": 1}}'
expect "replay needs a version" 2 "$MXM" replay "$TMP/events.jsonl"
expect "replay --help" 0 "$MXM" replay --help
has "replay help exit codes" "$TMP/out" "exit codes:"

# --- table, classify, rules, api ----------------------------------------------------
expect "table json" 0 "$MXM" table --era v1.3 --format json
[ "$(grep -o '"from"' "$TMP/out" | wc -l)" = 25 ] && ok || bad "table json has 25 cells"
has "table v1.3 re-knocking" "$TMP/out" '{"from": "invite", "to": "knock", "text": "User is re-knocking."}'
expect "table r0" 0 "$MXM" table --era r0
has "table r0 knock" "$TMP/out" "invite -> knock: Not implemented."
expect "table bad era" 2 "$MXM" table --era v0.9
expect "classify knock leave other" 0 "$MXM" classify --era v1.1 --from knock --to leave --other
has "classify outcome" "$TMP/out" '"outcome": "knock_denied"'
expect "classify none reads as leave" 0 "$MXM" classify --era current --from none --to join --self
has "classify none outcome" "$TMP/out" '"outcome": "joined"'
expect "classify needs self/other" 2 "$MXM" classify --era v1.3 --from join --to leave
expect "rules json" 0 "$MXM" rules --format json
has "rules has member.join.banned" "$TMP/out" '"id": "member.join.banned"'
expect "api kick banned user refused" 1 "$MXM" api --room-version 10 --state "$TMP/state.json" --endpoint kick \
  --caller @alice:example.org --target @bob:example.org
has "api refused 403" "$TMP/out" '"verdict": "refused", "status": 403, "errcode": "M_FORBIDDEN"'
has "api auth kept apart" "$TMP/out" '"rule": "member.leave.kick.allow"'
expect "api invite invited user" 0 "$MXM" api --room-version 10 --state "$TMP/state.json" --endpoint invite \
  --caller @alice:example.org --target @ivy:example.org
has "api invite no event" "$TMP/out" '"event": null'
expect "api leave never in room" 1 "$MXM" api --room-version 10 --state "$TMP/state.json" --endpoint leave --caller @zed:example.org
has "api leave unspecified" "$TMP/out" '"verdict": "unspecified"'
expect "api kick needs target" 2 "$MXM" api --room-version 10 --state "$TMP/state.json" --endpoint kick --caller @alice:example.org
expect "api --help" 0 "$MXM" api --help

finish
