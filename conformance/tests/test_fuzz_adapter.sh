# `mxm fuzz --adapter`: differential fuzzing through the adapter protocol.
#  - against mxm-ref-adapter (the reference behind the protocol) it finds nothing;
#  - against wrong-adapter it finds each planted bug, and every candidate it
#    writes is that bug (the answer's reason names it, or, for banned-join,
#    the reference decided by member.join.banned);
#  - candidates fail the loader and the linter until judged;
#  - adapter faults are survived (restart) and reported;
#  - usage errors and exit codes as --help documents them.
# Fixed seeds and --max-cases keep every run the same; --seconds only caps it.
. "$(dirname "$0")/lib.sh"
MXM=$BIN/mxm

# field FILE KEY: a top-level field of the JSON summary
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

$MXM fuzz --adapter "$REF_ADAPTER" --seed 7 --max-cases 3000 --seconds 300 --out "$TMP/ref" >"$TMP/ref.json" 2>"$TMP/ref.err"
expect_rc 0 $? "mxm-ref-adapter: no disagreement"
[ "$(field "$TMP/ref.json" cases)" = 3000 ] || fail "mxm-ref-adapter: 3000 cases ran ($(cat "$TMP/ref.json"))"
ok "mxm-ref-adapter: all 3000 cases ran"
[ "$(field "$TMP/ref.json" skipped)" = 0 ] || fail "mxm-ref-adapter: nothing skipped ($(cat "$TMP/ref.json"))"
ok "mxm-ref-adapter: no case skipped (every generated case expands)"
python3 - "$TMP/ref.json" <<'PY' || fail "mxm-ref-adapter summary"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["auth"] > 1000 and d["sequence"] > 300, d
assert d["disagreements"] == 0 and d["distinct"] == 0 and d["candidates"] == [], d
assert d["faults"] == 0 and d["restarts"] == 0, d
assert d["room_versions"] == [str(v) for v in range(1, 13)], d
PY
ok "mxm-ref-adapter: auth and sequence requests, no candidates, no faults"
[ -z "$(ls -A "$TMP/ref")" ] || fail "mxm-ref-adapter: the out dir is not empty"
ok "mxm-ref-adapter: nothing written"

# each planted bug: found, and every candidate is that bug
for bug in self-ban banned-join pl-off-by-one; do
  $MXM fuzz --adapter "$WRONG --bug $bug" --seed 1 --max-cases 4000 --seconds 300 --out "$TMP/$bug" >"$TMP/$bug.json" 2>/dev/null
  expect_rc 1 $? "wrong-adapter --bug $bug: disagreements found"
  python3 - "$TMP/$bug.json" "$bug" <<'PY' || fail "wrong-adapter --bug $bug candidates"
import json, sys
d = json.load(open(sys.argv[1])); bug = sys.argv[2]
assert d["distinct"] >= 1 and len(d["candidates"]) == d["distinct"], d
for c in d["candidates"]:
    case = json.load(open(c["file"]))
    t = case["testGroups"][0]["tests"][0]
    ans = t["candidate"]["implementation_answer"]
    # the bug's own answers name it; banned-join instead reads the ban as
    # leave and answers as the reference would then: only banned joins differ
    if bug == "banned-join":
        assert c["reference_rule"] == "member.join.banned", (c["file"], c)
    else:
        assert ("planted bug %s" % bug) in ans.get("reason", ""), (c["file"], ans)
    # the reference's answer is never the expected result
    exp = [t["expected"]] if "expected" in t else [s["expected"] for s in t["steps"]]
    assert all(e == {"auth": "unjudged"} for e in exp), exp
    assert t["candidate"]["reference"]["verdict"] in ("allow", "reject", "invalid"), t
    assert case["testGroups"][0]["roomVersions"] == c["room_versions"], c
print("%s: %d distinct, %d disagreements" % (bug, d["distinct"], d["disagreements"]))
PY
  ok "wrong-adapter --bug $bug: every candidate is the planted bug, expected unjudged"
done

# the two bugs that make the reference's allow a reject (or the reverse) in
# ways the first candidate of each run shows
expect_grep '"reference_rule":"member.invite.allow","adapter_verdict":"reject"' "$TMP/pl-off-by-one.json" "pl-off-by-one: an invite at exactly the invite level"
expect_grep '"reference_rule":"member.join.banned","adapter_verdict":"allow"' "$TMP/banned-join.json" "banned-join: a banned user's join allowed"
expect_grep '"adapter_verdict":"allow"' "$TMP/self-ban.json" "self-ban: a self-ban allowed"

# a candidate fails the loader and the linter until it is judged
cand=$(ls "$TMP/pl-off-by-one"/*_test.json | head -1)
$CONFORM "$cand" >"$TMP/run-cand.txt" 2>&1
expect_rc 2 $? "mxm conform refuses an unjudged candidate"
$CONFORM --lint --no-coverage "$cand" >"$TMP/lint-cand.txt" 2>&1
expect_rc 1 $? "mxm conform --lint fails an unjudged candidate"
expect_grep 'an unjudged candidate case from mxm fuzz' "$TMP/lint-cand.txt" "the lint names the candidate"
expect_grep '"auth" is "unjudged"' "$TMP/lint-cand.txt" "the lint names the unjudged verdict"
expect_count 2 'tests/0' "$TMP/lint-cand.txt" "only the candidate object and the verdict are findings"
# judged (by hand, here: the invite at exactly the invite level is allowed,
# v1-v5 rule 5.3.2, v6+ 4.3.2), it passes the lint and runs
python3 - "$cand" "$TMP/judged_test.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["suite"] = "judged"
t = c["testGroups"][0]["tests"][0]
del t["candidate"]
t["expected"] = {"auth": "allow", "rule": t["comment"].split(" says ")[1].split(",")[0]}
t["spec"] = "test only"
json.dump(c, open(sys.argv[2], "w"))
PY
$CONFORM --lint --no-coverage "$TMP/judged_test.json" >"$TMP/lint-judged.txt" 2>&1
expect_rc 0 $? "the judged candidate passes the lint"

# faults: the adapter dies on case 5 and hangs on case 9; both are faults,
# it is restarted, and the run goes on to the end
$MXM fuzz --adapter "$WRONG --fault die:5 --fault hang:9" --timeout 2 --seed 3 --max-cases 200 --seconds 120 >"$TMP/fault.json" 2>"$TMP/fault.err"
expect_rc 1 $? "faults count as disagreements"
python3 - "$TMP/fault.json" <<'PY' || fail "fault summary"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["cases"] == 200, d
assert d["faults"] >= 2 and d["restarts"] >= 2, d
assert any(c["adapter_verdict"] == "fault" for c in d["candidates"]), d
PY
ok "faults: restarted, counted, the run went on"

# usage and exit codes
$MXM fuzz --seconds 1 >/dev/null 2>"$TMP/u1.err"
expect_rc 2 $? "no --adapter is a usage error"
$MXM fuzz --adapter "$REF_ADAPTER" --seed -1 >/dev/null 2>"$TMP/u2.err"
expect_rc 2 $? "a bad --seed is a usage error"
$MXM fuzz --adapter "$REF_ADAPTER" --room-versions 13 >/dev/null 2>"$TMP/u3.err"
expect_rc 2 $? "room version 13 is a usage error"
$MXM fuzz --adapter "/bin/true" --seconds 1 >/dev/null 2>"$TMP/u4.err"
expect_rc 2 $? "an adapter without a hello"
$MXM fuzz --help >"$TMP/help.txt"
expect_rc 0 $? "--help"
for code in 0 1 2 3 4 129; do expect_grep "^  $code" "$TMP/help.txt" "--help documents exit code $code"; done

done_tests
