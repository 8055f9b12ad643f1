# The deliberately wrong adapter: each planted bug must be caught, on exactly
# the fixture cases whose expectations (from the spec text) it contradicts,
# and nothing else may fail.
. "$(dirname "$0")/lib.sh"

run_bug() { # BUG -> $TMP/BUG.txt (-v: the full block of each failing case)
  $CONFORM -v --adapter "$WRONG --bug $1" "$FIX" >"$TMP/$1.txt" 2>&1
}

run_bug self-ban
expect_rc 1 $? "self-ban is caught"
expect_grep "^FAIL  runner_fixture_test.json tcId=4 \(room v1, v7, spec v1.19\) \"member without power bans themselves\"$" "$TMP/self-ban.txt" "self-ban v1 and v7, one block"
expect_grep "^  expected: reject   by member.ban.insufficient_power$" "$TMP/self-ban.txt" "expected verdict and rule shown"
expect_grep "^  answered: allow    by member.ban.allow$" "$TMP/self-ban.txt" "the answer's verdict and rule shown"
expect_grep "^  reason:   " "$TMP/self-ban.txt" "the answer's reason shown"
expect_grep "^  flag:     SelfBan \[AUTH_BYPASS\]: ." "$TMP/self-ban.txt" "flag with its description shown"
expect_grep "^            effect: ." "$TMP/self-ban.txt" "flag effect shown"
expect_grep "^            links:  matrix-spec " "$TMP/self-ban.txt" "flag links shown"
expect_grep "^  spec:     ." "$TMP/self-ban.txt" "the case's spec citation shown"
expect_count 2 "^FAIL" "$TMP/self-ban.txt" "self-ban fails tcId 4 (v1, v7) and tcId 104 (v12): one block per case"

run_bug banned-join
expect_rc 1 $? "banned-join is caught"
expect_grep "^FAIL  runner_fixture_test.json tcId=2 \(room v1, v7, spec v1.19\)" "$TMP/banned-join.txt" "banned join v1, v7"
expect_grep "^FAIL  runner_fixture_test.json tcId=102 \(room v12, spec v1.19\)" "$TMP/banned-join.txt" "banned join v12"
expect_count 2 "^FAIL" "$TMP/banned-join.txt" "banned-join fails tcId 2 (v1, v7) and 102"

run_bug pl-off-by-one
expect_rc 1 $? "off-by-one power comparison is caught"
expect_count 6 "^FAIL" "$TMP/pl-off-by-one.txt" "ban, kick, invite at the exact level fail in v1, v7 (one block each) and v12"
expect_grep "why:      verdict reject, expected allow" "$TMP/pl-off-by-one.txt" "why is stated"
expect_no_grep "^ERROR" "$TMP/pl-off-by-one.txt" "no errors"

# all three at once, with a JUnit report: the failures are in the XML
$CONFORM --adapter "$WRONG --bug self-ban --bug banned-join --bug pl-off-by-one" --format junit --output "$TMP/j.xml" "$FIX" 2>/dev/null
expect_rc 1 $? "combined bugs fail the run"
python3 - "$TMP/j.xml" <<'PY' || fail "JUnit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
fails = [tc.get("name") for tc in root.iter("testcase") if tc.find("failure") is not None]
assert len(fails) == 15, fails
assert root.get("failures") == "15", root.attrib
PY
ok "JUnit report lists the 15 failures"
done_tests
