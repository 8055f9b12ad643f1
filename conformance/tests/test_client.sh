# The client layer (PROTOCOL.md 2.5, FORMAT.md "Client cases"): the
# reference passes every client case, in process and through the protocol;
# each planted client bug of wrong-adapter fails exactly the cases whose
# spec text it contradicts, with what the adapter answered; fields an adapter
# leaves out are counted as not expressed, never failed; malformed answers
# are errors; the lint refuses malformed client cases.
. "$(dirname "$0")/lib.sh"
CLIENT_CASES=$(ls "$CASES"/client_*_test.json)

$CONFORM $CLIENT_CASES >"$TMP/ref.txt" 2>&1
expect_rc 0 $? "the reference passes every client case"
expect_grep "^client +[0-9]+ +0 +0 " "$TMP/ref.txt" "the client area in the summary"
$CONFORM --adapter "$REF_ADAPTER" --format json --output "$TMP/ref.json" $CLIENT_CASES 2>/dev/null
expect_rc 0 $? "mxm-ref-adapter answers client requests the same"
python3 - "$TMP/ref.json" <<'PY' || fail "json report"
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])][-1]
assert d["summary"]["notExpressed"] == 0, d["summary"]
assert d["summary"]["failed"] == 0 and d["summary"]["passed"] > 100, d["summary"]
PY
ok "the reference expresses every expected field"

run_bug() { # BUG -> $TMP/BUG.txt
  $CONFORM -v --adapter "$WRONG --bug $1" $CLIENT_CASES >"$TMP/$1.txt" 2>&1
}
run_bug trust-stripped
expect_rc 1 $? "trust-stripped is caught"
expect_count 3 "^FAIL" "$TMP/trust-stripped.txt" "forged own join, forged own ban, forged knock join"
expect_grep "^FAIL  client_stripped_test.json tcId=9 \(client, spec v1.19\) " "$TMP/trust-stripped.txt" "the forged join case"
expect_grep "why:      sync 1: membership join, expected invite$" \
  "$TMP/trust-stripped.txt" "what the adapter answered, field by field"
expect_grep "^  fields:   views=" "$TMP/trust-stripped.txt" "the adapter's views are shown"
expect_grep "^  flag:     Forged \[AUTH_BYPASS\]" "$TMP/trust-stripped.txt" "the flag is shown"
# the failures, listed as expected failures (a client library's known deviations)
printf '{"schema": "mxm-expected-failures-1", "entries": [%s]}' \
  '{"file": "client_stripped_test.json", "tcId": 9, "reason": "r"}, {"file": "client_stripped_test.json", "tcId": 10, "reason": "r"}, {"file": "client_stripped_test.json", "tcId": 12, "reason": "r"}' \
  >"$TMP/xf.json"
$CONFORM --adapter "$WRONG --bug trust-stripped" --expected-failures "$TMP/xf.json" $CLIENT_CASES >"$TMP/xf.txt" 2>&1
expect_rc 0 $? "client cases can be expected failures"
expect_grep " 3 expected failures" "$TMP/xf.txt" "counted as expected failures"
$CONFORM --expected-failures "$TMP/xf.json" $CLIENT_CASES >"$TMP/xpass.txt" 2>&1
expect_rc 1 $? "an expected failure that passes fails the run"
run_bug keep-invite-state
expect_rc 1 $? "keep-invite-state is caught"
expect_count 2 "^FAIL" "$TMP/keep-invite-state.txt" "the discard case and the knock story"
expect_grep "sync 2: member @zed:example.org join, expected absent" "$TMP/keep-invite-state.txt" "a stripped member kept after the join"
run_bug hide-empty-invite
expect_rc 1 $? "hide-empty-invite is caught"
expect_count 1 "^FAIL" "$TMP/hide-empty-invite.txt" "only the empty invite"
expect_grep "sync 1: room \(none\), expected shown" "$TMP/hide-empty-invite.txt" "the hidden room"
expect_no_grep "^ERROR" "$TMP/hide-empty-invite.txt" "no errors"

# An adapter that expresses little, one that answers garbage, one without the layer.
cat >"$TMP/terse.py" <<'PY'
import json, sys
mode = sys.argv[1]
layers = ["auth"] if mode == "nolayer" else ["client"]
print(json.dumps({"mxm_adapter": 1, "name": "terse", "room_versions": ["10"], "layers": layers}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    if mode == "short":
        print(json.dumps({"id": req["id"], "views": []}), flush=True)
        continue
    if mode == "error":
        print(json.dumps({"id": req["id"], "error": "no client here"}), flush=True)
        continue
    views = []
    for body in req["syncs"]:
        rooms = {}
        for section, entries in body.get("rooms", {}).items():
            for room in entries:
                rooms[room] = {}
        views.append({"rooms": rooms} if mode == "rooms" else {})
    print(json.dumps({"id": req["id"], "views": views}), flush=True)
PY
T="$CASES/client_stripped_test.json"
$CONFORM --adapter "python3 $TMP/terse.py none" --format json --output "$TMP/none.json" "$T" >/dev/null 2>&1
expect_rc 0 $? "an adapter that expresses nothing fails nothing"
python3 - "$TMP/none.json" <<'PY' || fail "not-expressed count"
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])][-1]
s = d["summary"]
assert s["failed"] == 0 and s["errors"] == 0 and s["notExpressed"] > 50 and s["notExpressedResults"] == s["passed"], s
PY
ok "its omissions are counted in the summary"
$CONFORM --adapter "python3 $TMP/terse.py rooms" "$T" >"$TMP/rooms.txt" 2>&1
expect_rc 0 $? "rooms without fields: nothing fails"
expect_grep "expected client field\(s\) not expressed, in [0-9]+ result\(s\)" "$TMP/rooms.txt" "the text summary counts what was not expressed"
$CONFORM --adapter "python3 $TMP/terse.py short" "$T" >"$TMP/short.txt" 2>&1
expect_rc 1 $? "too few views"
expect_grep "the response has 0 views for 1 syncs" "$TMP/short.txt" "too few views is an error, with the reason"
expect_no_grep "^FAIL" "$TMP/short.txt" "never a failure"
$CONFORM --adapter "python3 $TMP/terse.py error" "$T" >"$TMP/err.txt" 2>&1
expect_grep "could not apply the syncs: no client here" "$TMP/err.txt" "an error answer is an error"
$CONFORM --adapter "python3 $TMP/terse.py nolayer" "$T" >"$TMP/nolayer.txt" 2>&1
expect_rc 4 $? "without the client layer nothing runs"
expect_grep "does not answer the client layer" "$TMP/nolayer.txt" "skipped, with the reason"

# --dump-requests writes client requests that mxm client reads as they are.
$CONFORM --only client_stripped_test.json:14 --dump-requests "$TMP/req.jsonl" "$T" >/dev/null 2>&1
expect_rc 0 $? "one case by FILE:TCID"
expect_grep '"type":"client"' "$TMP/req.jsonl" "a client request"
head -1 "$TMP/req.jsonl" >"$TMP/req.json"
$BIN/mxm client "$TMP/req.json" >"$TMP/view.json"
expect_rc 0 $? "mxm client reads a dumped request"
expect_grep '"section":"join","membership":"join","name":null' "$TMP/view.json" "the joined view has no invite name"

# The lint refuses malformed client cases.
python3 - "$T" "$TMP" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1]))
def mutate(name, f):
    d = copy.deepcopy(base); f(d["testGroups"][0]); d["suite"] = name
    json.dump(d, open("%s/%s_test.json" % (sys.argv[2], name), "w"))
mutate("c_views", lambda g: g["tests"][0]["expected"].append({}))
mutate("c_both", lambda g: g["tests"][0].update(cell={"from": "join", "to": "leave", "by": "self", "observer": "target"}))
mutate("c_list", lambda g: g["tests"][13]["expected"][1].update(outcomes={"$bj": ["joined", "joined_room"]}))
mutate("c_outcome", lambda g: g["tests"][13]["expected"][1].update(outcomes={"$bj": "joined_the_room"}))
mutate("c_state", lambda g: g.update(state={"creator": "@a:x"}))
mutate("c_event", lambda g: g["tests"][13]["syncs"][1]["join"]["timeline"][0].pop("sender"))
mutate("c_user", lambda g: g["tests"][0].pop("user"))
PY
lint() { $CONFORM --lint --no-coverage "$TMP/$1_test.json" >"$TMP/$1.txt" 2>&1; }
for m in c_views c_both c_list c_outcome c_state c_event c_user; do
  lint $m
  expect_rc 1 $? "lint refuses $m"
done
expect_grep "2 expected views for 1 syncs" "$TMP/c_views.txt" "one view per sync"
expect_grep "exactly one of syncs and cell" "$TMP/c_both.txt" "syncs or cell"
expect_grep "a list of outcomes needs a flag whose bugType is AMBIGUOUS" "$TMP/c_list.txt" "alternatives need AMBIGUOUS"
expect_grep "\"joined_the_room\" is not an outcome name" "$TMP/c_outcome.txt" "outcome names"
expect_grep "client groups take no state" "$TMP/c_state.txt" "no state"
expect_grep "missing required key \"sender\"" "$TMP/c_event.txt" "compact events need a sender"
expect_grep "needs a user" "$TMP/c_user.txt" "a user"
done_tests
