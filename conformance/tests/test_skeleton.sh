# The Python skeleton adapter speaks the protocol: it connects, says hello,
# answers every auth request with its stub verdict, answers other layers with
# an error (declared unsupported, so they are skipped), and the run reports.
. "$(dirname "$0")/lib.sh"
SKEL=$TESTS/../adapters/skeleton.py
command -v python3 >/dev/null || fail "python3 is required"

python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])" "$SKEL" 2>"$TMP/pyc.err"
expect_rc 0 $? "skeleton.py compiles"

# by hand: hello first, then one response line per request, ids echoed
printf '%s\n' '{"id": "a", "type": "transition", "era": "v1.3", "from": "join", "to": "ban", "self": false}' \
  'not json' '{"id": "b", "type": "auth", "room_version": "7", "state": [], "event_text": "{"}' |
  python3 "$SKEL" >"$TMP/raw.jsonl" 2>"$TMP/raw.err"
expect_rc 0 $? "skeleton exits 0 at end of input"
python3 - "$TMP/raw.jsonl" <<'PY' || fail "raw protocol exchange"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 4, lines
assert lines[0]["mxm_adapter"] == 1 and "7" in lines[0]["room_versions"], lines[0]
assert lines[1] == {"id": "a", "error": "transition layer not implemented"}, lines[1]
assert lines[2]["id"] is None and "not JSON" in lines[2]["error"], lines[2]
assert lines[3]["id"] == "b" and lines[3]["verdict"] == "invalid", lines[3]
PY
ok "hello, error, garbage request and invalid event answered line by line"

$CONFORM -v --adapter "python3 $SKEL" "$FIX" >"$TMP/run.txt" 2>&1
expect_rc 1 $? "the stub fails the cases expecting allow"
expect_grep "^implementation: skeleton.py \(stub decide\(\): rejects everything\) via" "$TMP/run.txt" "the report names the adapter"
expect_grep "^29 results: 12 passed, 12 failed, 0 errors, 5 skipped" "$TMP/run.txt" "every case ran or was skipped, no protocol error"
expect_grep "^FAIL  runner_fixture_test.json tcId=1 \(room v1, v7, spec v1.19\) \"outsider joins a public room\"" "$TMP/run.txt" "allow case fails against the stub"
expect_grep "answered: reject   \(skeleton stub: decide\(\) is not implemented\)" "$TMP/run.txt" "the stub's reason is shown"
done_tests
