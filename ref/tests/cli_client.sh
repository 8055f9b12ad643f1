#!/usr/bin/env bash
# cli_client.sh: shell-level tests of `mxm client`: both input forms, the
# view's fields, --user / --spec, error messages naming the JSON pointer,
# exit codes, --help.
# Usage: bash cli_client.sh /path/to/mxm
set -u
MXM=${1:?usage: cli_client.sh /path/to/mxm}
. "$(dirname "$0")/clilib.sh"

M='"type":"m.room.member"'
cat >"$TMP/syncs.json" <<JSON
[{"rooms":{"join":{"!r:x":{"state":{"events":[
  {$M,"event_id":"\$a","sender":"@a:x","state_key":"@a:x","content":{"membership":"join"}},
  {$M,"event_id":"\$b","sender":"@b:x","state_key":"@b:x","content":{"membership":"join","displayname":"Bob"}}]}}}}},
 {"rooms":{"leave":{"!r:x":{"timeline":{"events":[
  {$M,"event_id":"\$ban","sender":"@a:x","state_key":"@b:x","content":{"membership":"ban"},
   "unsigned":{"prev_content":{"membership":"join","displayname":"Bob"}}}]}}}}}]
JSON
expect "client array" 0 "$MXM" client --user @b:x "$TMP/syncs.json"
has "client two views" "$TMP/out" '{"views":[{"rooms":{"!r:x":{"section":"join","membership":"join"'
has "client banned" "$TMP/out" '"section":"leave","membership":"ban"'
has "client outcome" "$TMP/out" '"outcomes":{"$ban":"kicked_and_banned"}'
expect "client stdin" 0 "$MXM" client --user @b:x - <"$TMP/syncs.json"
has "client stdin view" "$TMP/out" '"@b:x":{"membership":"ban","displayname":null,"avatar_url":null}'

# a client request of the adapter protocol; --spec r0 changes the era
{ printf '{"id":"x","type":"client","user_id":"@w:x","spec_release":"v1.19","syncs":'; cat "$TMP/syncs.json"; printf '}'; } >"$TMP/req.json"
expect "client request" 0 "$MXM" client "$TMP/req.json"
has "client request user" "$TMP/out" '"!r:x":{"section":"leave","membership":"leave"'
expect "client --user overrides" 0 "$MXM" client --user @b:x "$TMP/req.json"
has "client --user view" "$TMP/out" '"membership":"ban"'
printf '[{"rooms":{"join":{"!r:x":{"timeline":{"events":[{%s,"event_id":"$k","sender":"@k:x","state_key":"@k:x","content":{"membership":"knock"}}]}}}}}]' "$M" >"$TMP/knock.json"
expect "client r0" 0 "$MXM" client --user @w:x --spec r0 "$TMP/knock.json"
has "client r0 knock" "$TMP/out" '"$k":"not_implemented"'
expect "client v1.19" 0 "$MXM" client --user @w:x "$TMP/knock.json"
has "client v1.19 knock" "$TMP/out" '"$k":"knocking"'

# errors
printf '[{"rooms":{"invite":{"!r:x":{"invite_state":{"events":"no"}}}}}]' >"$TMP/bad.json"
expect "client malformed" 2 "$MXM" client --user @b:x "$TMP/bad.json"
has "client malformed pointer" "$TMP/err" "bad.json: /0/rooms/invite/!r:x/invite_state/events: not an array"
{ printf '{"user_id":"@b:x","syncs":'; cat "$TMP/bad.json"; printf '}'; } >"$TMP/badreq.json"
expect "client malformed request" 2 "$MXM" client "$TMP/badreq.json"
has "client request pointer" "$TMP/err" "/syncs/0/rooms/invite/!r:x/invite_state/events: not an array"
expect "client no user" 2 "$MXM" client "$TMP/syncs.json"
has "client no user message" "$TMP/err" "no user"
expect "client bad spec" 2 "$MXM" client --user @b:x --spec v9.9 "$TMP/syncs.json"
printf '{"user_id":"@b:x","syncs":{}}' >"$TMP/nosyncs.json"
expect "client syncs not array" 2 "$MXM" client "$TMP/nosyncs.json"
has "client syncs message" "$TMP/err" "/syncs: not an array of /sync bodies"
printf '[{"rooms":' >"$TMP/trunc.json"
expect "client bad json" 2 "$MXM" client --user @b:x "$TMP/trunc.json"
expect "client missing file" 2 "$MXM" client --user @b:x "$TMP/nope.json"
expect "client two files" 2 "$MXM" client --user @b:x "$TMP/syncs.json" "$TMP/syncs.json"
expect "client --user needs value" 2 "$MXM" client --user
expect "client --help" 0 "$MXM" client --help
has "client help" "$TMP/out" "usage: mxm client"
expect "mxm lists client" 0 "$MXM" --help
has "mxm help client" "$TMP/out" "client"

finish
