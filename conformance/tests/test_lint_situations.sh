# Lint: cases that describe the same situation (same compact state and event, same
# room version, overlapping spec-release ranges) must expect the same thing. The
# fixtures in situations/ plant conflicts of verdict, of rule, of "either" against a
# verdict, across files and with keys in another order, next to look-alikes that
# must not be reported (disjoint spec releases, another room version, another event).
. "$(dirname "$0")/lib.sh"
S=$TESTS/situations

$CONFORM --lint --no-coverage "$S" >"$TMP/out" 2>"$TMP/err"
expect_rc 1 $? "planted conflicts fail the lint"
A=situation_a_test.json
B=situation_b_test.json
expect_grep "^$A:2: same situation as $A#1 \(room version\(s\) 6,7; spec releases r0\.\.v1\.19\): expects auth \"allow\" where $A#1 expects \"reject\" \(at /testGroups/0/tests/1\)$" "$TMP/out" "verdict conflict, keys in another order"
expect_grep "^$A:5: same situation as $A#1 \(room version\(s\) 7; spec releases v1\.1\.\.v1\.19\): expects rule member\.join\.otherwise where $A#1 expects member\.join\.banned" "$TMP/out" "rule conflict, in the one room version they share"
expect_grep "^$A:6: same situation as $A#1 \(room version\(s\) 6; .*expects auth \"either\" where $A#1 expects \"reject\"" "$TMP/out" "either against a verdict"
expect_grep "^$B:1: same situation as $A#1 \(room version\(s\) 7; .*expects auth \"allow\"" "$TMP/out" "across files, group state in another key order, only the shared room version"
expect_no_grep "$A:[34]:" "$TMP/out" "disjoint spec-release ranges are not the same situation"
expect_no_grep "$B:2:" "$TMP/out" "another event is another situation"
expect_no_grep "$B:1: same situation as $A#2 " "$TMP/out" "equal expectations are no finding"
expect_count 7 "." "$TMP/out" "exactly the planted conflicts"
expect_grep "2 file\(s\), 7 finding" "$TMP/err" "summary counts them"

$CONFORM --lint --no-coverage "$S/$B" >"$TMP/one.out" 2>&1
expect_rc 0 $? "one file alone has no conflict"
done_tests
