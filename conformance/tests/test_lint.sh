# Lint: the committed corpus is clean (with coverage); planted findings in
# bad/ are each reported as file:tcId: message (at /pointer); a truncated file
# is reported with its byte offset and the other files are still linted.
. "$(dirname "$0")/lib.sh"

ls "$CASES"/*_test.json >/dev/null 2>&1 || fail "no case files in $CASES"
$CONFORM --lint "$CASES" >"$TMP/corpus.out" 2>"$TMP/corpus.err"
expect_rc 0 $? "corpus lints clean, coverage included"
expect_grep "0 finding" "$TMP/corpus.err" "corpus lint summary"

$CONFORM --lint --no-coverage "$FIX" >"$TMP/fix.out" 2>&1
expect_rc 0 $? "fixtures lint clean"

$CONFORM --lint --no-coverage "$TESTS/bad" "$FIX" >"$TMP/bad.out" 2>"$TMP/bad.err"
expect_rc 1 $? "planted findings fail the lint"
B=lint_findings_test.json
expect_grep "^$B:1: unknown key \"surprise\" \(at /testGroups/0/tests/0/surprise\)$" "$TMP/bad.out" "unknown key"
expect_grep "^$B:1: \"membership\" must be string, not integer \(at /testGroups/0/tests/0/event/membership\)$" "$TMP/bad.out" "wrong type"
expect_grep "^$B:1: duplicate tcId 1 " "$TMP/bad.out" "duplicate tcId"
expect_grep "^$B: numberOfTests is 99 but the file has 19 tests \(at /numberOfTests\)$" "$TMP/bad.out" "numberOfTests"
expect_grep "^$B:3: flag \"NoSuchFlag\" is not defined in notes \(at /testGroups/0/tests/2/flags/0\)$" "$TMP/bad.out" "undefined flag"
expect_grep "^$B:4: \"either\" needs a flag whose bugType is AMBIGUOUS" "$TMP/bad.out" "either without AMBIGUOUS"
expect_grep "^$B:5: rule \"member.leave.no_such_rule\" is not in the reference's rule table" "$TMP/bad.out" "unknown rule id"
expect_grep "^$B:6: rule \"member.invite.insufficient_power\" decides reject, but the case expects allow" "$TMP/bad.out" "rule verdict mismatch"
expect_grep "^$B:7: rule \"member.knock.not_self\" does not exist in room version\(s\) 1 " "$TMP/bad.out" "rule outside its room versions"
# citations a reader cannot follow (lint_cite.c), in a note's links and in a test's spec
N=/notes/Uncited/links
expect_grep "^$B: cites a source outside the repository and the spec .* \(at $N/0\)$" "$TMP/bad.out" "link citing a private digest"
expect_grep "^$B: cites a source outside the repository and the spec .* \(at $N/1\)$" "$TMP/bad.out" "link citing private notes"
expect_grep "^$B: an issue number without its repository .* \(at $N/2\)$" "$TMP/bad.out" "issue without repository"
expect_grep "^$B: a link must start with a spec file .* \(at $N/3\)$" "$TMP/bad.out" "link naming no source"
expect_grep "^$B: a link must start with a spec file .* \(at $N/4\)$" "$TMP/bad.out" "implementation without version"
expect_grep "^$B:8: cites a source outside the repository and the spec .* \(at /testGroups/0/tests/7/spec\)$" "$TMP/bad.out" "spec text citing private notes"
expect_no_grep "$N/[56]" "$TMP/bad.out" "a repository document and an implementation's function are citations"
expect_grep "^truncated_test.json: cannot load: not valid JSON .*[0-9]+ bytes" "$TMP/bad.out" "truncated file: byte offset"
# the planted wrong expectations of bad/ also contradict fixtures/ cases of the same
# situation (lint_situation.c): 4 more findings, one per planted-expectation case
expect_grep "^runner_fixture_test.json:6: same situation as $B#6 " "$TMP/bad.out" "same situation, different rule"
expect_count 21 "." "$TMP/bad.out" "exactly the planted findings"
expect_grep "3 file\(s\), 21 finding" "$TMP/bad.err" "every file was linted"

# coverage on the fixtures alone must report missing rules
$CONFORM --lint "$FIX" >"$TMP/cov.out" 2>&1
expect_rc 1 $? "coverage of a partial corpus fails"
expect_grep "^coverage: rule member.knock.allow \(allow\) has no case in room version\(s\) 7,8,9,10,11,12$" "$TMP/cov.out" "missing rule x version"
expect_grep "^coverage: branch member.knock has no allow case in room version 7$" "$TMP/cov.out" "missing branch allow case"
done_tests
