# Options: --help documents everything; bad options are usage errors;
# --room-version, --only, --layer and --spec select cases; --expected-failures
# turns failures into XFAIL and reports an entry that passes (XPASS).
. "$(dirname "$0")/lib.sh"

$CONFORM --help >"$TMP/help.txt"
expect_rc 0 $? "--help"
for o in --room-version --only --layer --spec --adapter --timeout --expected-failures --format --output --lint \
         --no-coverage --dump-requests "Exit codes" "0    every case that ran passed" "1    a failure" "2    usage or input error" "4    no case ran" "129, 130, 143" "141  standard output was closed"; do
  expect_grep "$o" "$TMP/help.txt" "--help mentions $o"
done
$CONFORM --no-such-option "$FIX" 2>"$TMP/e1"; expect_rc 2 $? "unknown option"
$CONFORM --room-version 13 "$FIX" 2>"$TMP/e2"; expect_rc 2 $? "unknown room version"
expect_grep "unknown room version \"13\"" "$TMP/e2" "room version error message"
$CONFORM --format pdf "$FIX" 2>"$TMP/e3"; expect_rc 2 $? "unknown format"
$CONFORM --spec v2.0 "$FIX" 2>"$TMP/e4"; expect_rc 2 $? "unknown spec release"
$CONFORM --timeout 0 "$FIX" 2>"$TMP/e5"; expect_rc 2 $? "bad timeout"
$CONFORM "$TMP/missing" 2>"$TMP/e6"; expect_rc 2 $? "missing path"
$CONFORM --only no.such.rule "$FIX" >/dev/null 2>"$TMP/e7"; expect_rc 2 $? "filters that match nothing"
expect_grep "no case matched" "$TMP/e7" "no-match message"

$CONFORM --room-version 1,12 --layer auth "$FIX" >"$TMP/rv.txt"
expect_rc 0 $? "--room-version 1,12 --layer auth"
expect_grep "^16 results: 16 passed" "$TMP/rv.txt" "8 auth cases x 2 versions"
$CONFORM --only runner_fixture_test.json:4 --only member.join "$FIX" >"$TMP/only.txt"
expect_grep "^8 results: 8 passed" "$TMP/only.txt" "--only by file:tcId (2) and rule prefix (6)"
$CONFORM --only runner_fixture_test.json:4 --room-version 7 -v "$FIX" >"$TMP/only4.txt"
expect_grep "^1 results: 1 passed" "$TMP/only4.txt" "--only FILE:TCID selects one case"
expect_grep "^PASS  runner_fixture_test.json tcId=4 \(room v7, spec v1.19\)" "$TMP/only4.txt" "-v lists passes"
$CONFORM --only 104 "$FIX" >"$TMP/bare.txt"
expect_grep "^1 results: 1 passed" "$TMP/bare.txt" "--only TCID"
$CONFORM --spec r0 --layer auth "$FIX" -v >"$TMP/r0.txt"
expect_grep "^SKIP  runner_fixture_test.json tcId=101 \(room v12\)" "$TMP/r0.txt" "--spec r0 skips v12 (exists from v1.16)"
expect_grep "^PASS  runner_fixture_test.json tcId=1 \(room v1, spec r0\)" "$TMP/r0.txt" "--spec r0 runs v1 at r0"
$CONFORM --spec v1.2 --layer transition "$FIX" -v >"$TMP/era.txt"
expect_grep "^PASS  runner_fixture_test.json tcId=201 \(v1.1 era\)" "$TMP/era.txt" "--spec picks the era of the transition table"
expect_count 1 "^PASS" "$TMP/era.txt" "only that era runs"

cat >"$TMP/xf.json" <<'JSON'
{"schema": "mxm-expected-failures-1", "implementation": "wrong-adapter --bug self-ban",
 "entries": [
  {"file": "runner_fixture_test.json", "tcId": 4, "reason": "planted self-ban bug"},
  {"file": "runner_fixture_test.json", "tcId": 104, "roomVersions": ["12"], "reason": "planted self-ban bug"},
  {"file": "runner_fixture_test.json", "tcId": 2, "roomVersions": ["7"], "reason": "stale entry: this case passes"}]}
JSON
$CONFORM --adapter "$WRONG --bug self-ban" --expected-failures "$TMP/xf.json" "$FIX" >"$TMP/xf.txt" 2>&1
expect_rc 1 $? "an unexpected pass fails the run"
expect_grep "^XPASS runner_fixture_test.json tcId=2 \(room v7" "$TMP/xf.txt" "stale entry reported as XPASS"
expect_grep "25 passed, 0 failed, 0 errors, 0 skipped, 3 expected failures, 1 unexpected passes" "$TMP/xf.txt" "xfail counts"
cat >"$TMP/xf2.json" <<'JSON'
{"schema": "mxm-expected-failures-1", "entries": [
  {"file": "runner_fixture_test.json", "tcId": 4, "reason": "planted self-ban bug"},
  {"file": "runner_fixture_test.json", "tcId": 104, "reason": "planted self-ban bug"}]}
JSON
$CONFORM --adapter "$WRONG --bug self-ban" --expected-failures "$TMP/xf2.json" "$FIX" >"$TMP/xf2.txt" 2>&1
expect_rc 0 $? "listed failures alone do not fail the run"
printf '{"schema": "mxm-expected-failures-1", "entries": [{"file": "x", "tcId": "1", "reason": "r"}]}' >"$TMP/xf3.json"
$CONFORM --expected-failures "$TMP/xf3.json" "$FIX" 2>"$TMP/xf3.err"
expect_rc 2 $? "malformed expected-failures file"
expect_grep "xf3.json: /entries/0: an entry needs" "$TMP/xf3.err" "names the file and pointer"

# the corpus is found wherever the program runs from
(cd "$TMP" && $CONFORM --only runner_fixture_test.json:1 >"$TMP/nowhere.txt" 2>&1; echo $? >"$TMP/nowhere.rc")
expect_rc 2 "$(cat "$TMP/nowhere.rc")" "from another directory: the source tree's corpus (no runner_fixture there: no match)"
expect_grep "no case matched the filters" "$TMP/nowhere.txt" "it ran the source tree's corpus"
(cd "$TMP" && $CONFORM --help) >"$TMP/h1.txt"
expect_grep "^  .*/conformance/cases \(the source tree this program was built from\)$" "$TMP/h1.txt" "--help names the source tree's corpus"
mkdir -p "$TMP/prefix/bin" "$TMP/prefix/share/mxm/conformance/cases"
cp "$CONFORM" "$TMP/prefix/bin/mxm-conform"
cp "$FIX/runner_fixture_test.json" "$TMP/prefix/share/mxm/conformance/cases/"
(cd / && "$TMP/prefix/bin/mxm-conform" --help) >"$TMP/h2.txt"
expect_grep "^  $TMP/prefix/share/mxm/conformance/cases \(installed, next to this program\)$" "$TMP/h2.txt" "--help names the installed corpus"
(cd / && "$TMP/prefix/bin/mxm-conform" --layer auth) >"$TMP/inst.txt" 2>&1
expect_rc 0 $? "an installed program runs its installed corpus from anywhere"
expect_grep "^24 results: 24 passed" "$TMP/inst.txt" "the installed corpus ran (8 auth cases x 3 versions)"
expect_grep "^corpus: $TMP/prefix/share/mxm/conformance/cases \(installed" "$TMP/inst.txt" "the report names the corpus"

# --only takes a path and a request id as --dump-requests writes it
$CONFORM --only conformance/tests/fixtures/runner_fixture_test.json:4 "$FIX" >"$TMP/op.txt"
expect_grep "^2 results: 2 passed" "$TMP/op.txt" "--only PATH:TCID"
$CONFORM --only "$FIX/runner_fixture_test.json" --layer auth "$FIX" >"$TMP/op2.txt"
expect_grep "^24 results: 24 passed" "$TMP/op2.txt" "--only PATH"
$CONFORM --dump-requests "$TMP/req.jsonl" --only runner_fixture_test.json:4 "$FIX" >/dev/null
id=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$TMP/req.jsonl")
$CONFORM --only "$id" -v "$FIX" >"$TMP/op3.txt"
expect_grep "^1 results: 1 passed" "$TMP/op3.txt" "--only $id (a request id)"
$CONFORM --only "runner_fixture_test.json#201@v1.1" -v "$FIX" >"$TMP/op4.txt"
expect_grep "^PASS  runner_fixture_test.json tcId=201 \(v1.1 era\)" "$TMP/op4.txt" "--only a transition request id"
expect_count 1 "^PASS" "$TMP/op4.txt" "only that era"

# duplicates are reported as such
$CONFORM --dump-requests "$TMP/dup.jsonl" "$FIX" "$FIX/runner_fixture_test.json" >/dev/null 2>"$TMP/dup.err"
expect_rc 0 $? "the same file twice"
expect_grep "is the same file as .*: run once" "$TMP/dup.err" "the duplicate file is named"
[ -z "$(python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l)["id"] for l in open(sys.argv[1])); print([k for k,v in c.items() if v>1])' "$TMP/dup.jsonl" | tr -d '[]')" ] || fail "duplicate request ids sent"
ok "no request id sent twice"
mkdir -p "$TMP/other"
cp "$FIX/runner_fixture_test.json" "$TMP/other/"
$CONFORM "$FIX" "$TMP/other" >/dev/null 2>"$TMP/dup2.err"
expect_rc 2 $? "two different files with the same name"
expect_grep "have the same name: their request ids and results would collide" "$TMP/dup2.err" "the clash is named"
cat >"$TMP/xfd.json" <<'JSON'
{"schema": "mxm-expected-failures-1", "entries": [
  {"file": "runner_fixture_test.json", "tcId": 4, "reason": "planted self-ban bug"},
  {"file": "runner_fixture_test.json", "tcId": 4, "roomVersions": ["7"], "reason": "the same again"},
  {"file": "runner_fixture_test.json", "tcId": 104, "reason": "planted self-ban bug"}]}
JSON
$CONFORM --adapter "$WRONG --bug self-ban" --expected-failures "$TMP/xfd.json" "$FIX" >/dev/null 2>"$TMP/xfd.err"
expect_rc 0 $? "a duplicate entry is harmless"
expect_grep "xfd.json: /entries/1: duplicate entry: /entries/0 already lists runner_fixture_test.json:4" "$TMP/xfd.err" "the duplicate entry is named"
expect_no_grep "was not run" "$TMP/xfd.err" "no false 'was not run' note"

# a file that cannot be loaded is named on stderr, also when the report goes to a file
printf '{"schema": "mxm-conformance-1", "testGroups": [' >"$TMP/cut_test.json"
$CONFORM --format json --output "$TMP/cut.json" "$TMP/cut_test.json" "$FIX" 2>"$TMP/cut.err"
expect_rc 2 $? "a truncated file is an input error"
expect_grep "INPUT ERROR $TMP/cut_test.json: not valid JSON" "$TMP/cut.err" "the file is named on stderr"
# --output onto a FIFO (as onto /dev/null): written in place, never replaced
# by a renamed file (as root, a rename would replace a device node).
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
$CONFORM --room-version 1 --layer auth --output "$TMP/fifo" "$FIX" 2>"$TMP/fifo.err"
expect_rc 0 $? "--output onto a FIFO"
wait "$reader"
if [ -p "$TMP/fifo" ]; then ok "the FIFO is still a FIFO"; else fail "the FIFO was replaced by a file"; fi
expect_grep "^8 results: 8 passed" "$TMP/fifo.out" "the report went through the FIFO"
done_tests
