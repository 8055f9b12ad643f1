# cli_replay_stream.sh: `mxm replay` streams. The first result comes out while
# the producer is still writing (a pipe held open, nothing more sent), the
# summary only after the input ends; a line longer than the limit is one
# error line and the events after it are still decided.
# Usage: bash cli_replay_stream.sh /path/to/mxm
set -u
MXM=${1:?usage: cli_replay_stream.sh /path/to/mxm}
TMP=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
R='"room_id": "!r:example.org", "prev_events": [], "auth_events": [], "origin_server_ts": 1'
ev() { echo "{\"type\": \"$1\", \"sender\": \"@alice:example.org\", \"state_key\": \"$2\", \"depth\": 1, $R, \"content\": $3}"; }

mkfifo "$TMP/in"
"$MXM" replay --room-version 10 "$TMP/in" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/in"
ev m.room.create "" '{"room_version": "10", "creator": "@alice:example.org"}' >&3
# the producer pauses with the pipe open: the result must arrive anyway
for i in $(seq 1 100); do [ -s "$TMP/out" ] && break; sleep 0.05; done
[ -s "$TMP/out" ] || { kill $pid; fail "no result while the input was still open"; }
grep -q '"line": 1, "type": "m.room.create".*"verdict": "allow"' "$TMP/out" || fail "first result: $(cat "$TMP/out")"
grep -q summary "$TMP/out" && fail "summary before the input ended"
echo "ok 1 - the first result is printed before the input ends"
ev m.room.member @alice:example.org '{"membership": "join"}' >&3
exec 3>&-
wait $pid
rc=$?
[ "$rc" = 0 ] || fail "exit code $rc: $(cat "$TMP/err")"
grep -q '^{"summary": {"events": 2, .*"errors": 0}}$' "$TMP/out" || fail "summary: $(tail -1 "$TMP/out")"
echo "ok 2 - summary after the end of the input"

# a runaway line (40 MiB, more than twice the limit, no newline for a long
# time) is one error; the next event is decided
{
  ev m.room.create "" '{"room_version": "10", "creator": "@alice:example.org"}'
  head -c $((40 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
  echo
  ev m.room.member @alice:example.org '{"membership": "join"}'
} >"$TMP/long.jsonl"
"$MXM" replay --room-version 10 "$TMP/long.jsonl" >"$TMP/out2" 2>"$TMP/err2"
rc=$?
[ "$rc" = 1 ] || fail "long line: exit code $rc, expected 1"
grep -q '"line": 2, "error": "MXM_E_TOO_BIG".*longer than 16777216 bytes' "$TMP/out2" || fail "long line error: $(cut -c1-200 "$TMP/out2")"
[ "$(grep -c '"error"' "$TMP/out2")" = 1 ] || fail "one error line for the long line, got $(grep -c '"error"' "$TMP/out2")"
grep -q '"line": 3, "type": "m.room.member".*"verdict": ' "$TMP/out2" || fail "the event after the long line"
grep -q '"events": 3, .*"errors": 1}' "$TMP/out2" || fail "long line summary: $(tail -1 "$TMP/out2")"
echo "ok 3 - an over-long line is one error line, and the replay goes on"
echo "3 passed, 0 failed"
