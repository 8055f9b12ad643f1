# The corpus and the fixtures against the reference, in process and through
# mxm-ref-adapter (the protocol end to end): both must agree case for case.
. "$(dirname "$0")/lib.sh"
XF=$TESTS/../expected-failures/mxm-reference.json

$CONFORM "$FIX" >"$TMP/fix.txt" 2>&1
expect_rc 0 $? "fixtures pass in process"
expect_grep "^29 results: 29 passed, 0 failed, 0 errors, 0 skipped" "$TMP/fix.txt" "fixture counts"

$CONFORM --expected-failures "$XF" --format json "$CASES" >"$TMP/inproc.json" 2>"$TMP/inproc.err"
expect_rc 0 $? "corpus passes in process (known deviations listed in mxm-reference.json)"
$CONFORM --expected-failures "$XF" --format json --adapter "$REF_ADAPTER" "$CASES" >"$TMP/adapter.json" 2>"$TMP/adapter.err"
expect_rc 0 $? "corpus passes through mxm-ref-adapter"
# the same outcome and actual answer for every case, in the same order
python3 - "$TMP/inproc.json" "$TMP/adapter.json" <<'PY' || fail "in-process and adapter runs differ"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
ra = [(r["file"], r["tcId"], r["roomVersion"], r["spec"], r["outcome"], r["actual"]) for r in a if "summary" not in r]
rb = [(r["file"], r["tcId"], r["roomVersion"], r["spec"], r["outcome"], r["actual"]) for r in b if "summary" not in r]
assert len(ra) > 1000, len(ra)
assert ra == rb, [x for x in zip(ra, rb) if x[0] != x[1]][:3]
s = a[-1]["summary"]
assert s["failed"] == 0 and s["errors"] == 0 and s["passed"] > 1000, s
print("in process and through the adapter:", len(ra), "results agree;", s["passed"], "passed,",
      s["expectedFailures"], "expected failures")
PY
ok "in-process and adapter results agree"
done_tests
