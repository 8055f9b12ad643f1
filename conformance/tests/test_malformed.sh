# Malformed and truncated case files: each is reported with its file and byte
# offset or JSON pointer, the other files still run, and the exit code is 2.
. "$(dirname "$0")/lib.sh"

cp "$FIX/runner_fixture_test.json" "$TMP/"
cp "$TESTS/bad/truncated_test.json" "$TMP/"
printf '' >"$TMP/empty_test.json"
printf '{"schema": "mxm-conformance-1", "suite": "nul_test.json"\0}' >"$TMP/nul_test.json"
printf '[1, 2, 3]' >"$TMP/array_test.json"
printf '{"schema": "mxm-conformance-1", "suite": "deep", "x": %s}' "$(printf '[%.0s' $(seq 1 200))" >"$TMP/deep_test.json"
printf '{"schema": "mxm-conformance-1", "suite": "utf", "description": "\xff\xfe"}' >"$TMP/utf_test.json"
python3 - "$TMP/shape_test.json" <<'PY'
import json, sys
json.dump({"schema": "mxm-conformance-1", "suite": "shape", "numberOfTests": 1, "notes": {},
           "testGroups": [{"roomVersions": ["7"], "state": {"creator": "@a:x"},
                           "tests": [{"tcId": 1, "comment": "c", "flags": [], "spec": "s",
                                      "event": {"sender": 12}, "expected": {"auth": "allow", "rule": "member.join.public"}}]}]},
          open(sys.argv[1], "w"))
PY
$CONFORM "$TMP" >"$TMP/out.txt" 2>&1
expect_rc 2 $? "unloadable files give exit code 2"
expect_grep "^INPUT ERROR (.*/)?truncated_test.json: not valid JSON .*[0-9]+ bytes" "$TMP/out.txt" "truncated: byte offset"
expect_grep "^INPUT ERROR (.*/)?empty_test.json: empty file" "$TMP/out.txt" "empty file"
expect_grep "^INPUT ERROR (.*/)?nul_test.json: not valid JSON" "$TMP/out.txt" "NUL byte"
expect_grep "^INPUT ERROR (.*/)?array_test.json: the top level is array, not an object" "$TMP/out.txt" "not an object"
expect_grep "^INPUT ERROR (.*/)?deep_test.json: not valid JSON \(MXM_E_TOO_BIG\)" "$TMP/out.txt" "too deep"
expect_grep "^INPUT ERROR (.*/)?utf_test.json: not valid JSON" "$TMP/out.txt" "invalid UTF-8"
expect_grep "^INPUT ERROR (.*/)?shape_test.json: does not follow FORMAT.md .*\"sender\" must be string, not integer \(at /testGroups/0/tests/0/event/sender\)" "$TMP/out.txt" "schema problem with pointer"
expect_grep "^29 results: 29 passed, 0 failed, 0 errors, 0 skipped.*; 7 file\(s\) could not be loaded" "$TMP/out.txt" "the good file still ran"
done_tests
