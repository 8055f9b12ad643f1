# The adapter host and the run's own guarantees, each against a fault adapter
# of this directory: no shell holds the adapter's pipes (a closed stdout is
# seen at once), the whole process group dies at the end of every run, a
# crash names its signal; a run in which nothing ran has its own exit code;
# report files are replaced atomically, and an interrupted run leaves a
# complete report marked interrupted; a closed stdout ends the run quietly.
. "$(dirname "$0")/lib.sh"

# a closed stdout is noticed at once (the timeout is 20 s)
start=$(date +%s)
$CONFORM --timeout 20 --room-version 7 --only runner_fixture_test.json:1 --adapter "$TESTS/fault_close_stdout.sh" "$FIX" \
  >"$TMP/close.txt" 2>&1
expect_rc 1 $? "a closed stdout is an error"
[ $(($(date +%s) - start)) -lt 10 ] || fail "a closed stdout took $(($(date +%s) - start)) s to notice"
ok "closed stdout noticed in $(($(date +%s) - start)) s"
expect_grep "adapter fault: the adapter closed its output \(it was still running\)" "$TMP/close.txt" "closed output explained"

# the whole process group is killed at the end of a run that went well
$CONFORM --room-version 7 --adapter "$TESTS/fault_grandchild.sh $TMP/gc.pid $REF_ADAPTER" "$FIX" >"$TMP/gc.txt" 2>&1
expect_rc 0 $? "the adapter itself passes"
sleep 0.2
expect_gone "$(cat "$TMP/gc.pid")" "the adapter's process group is gone after the run"

# a crash names its signal (the script is run directly: no shell turns it into status 139)
$CONFORM --room-version 7 --only runner_fixture_test.json:1 --adapter "$TESTS/fault_signal.sh SEGV" "$FIX" >"$TMP/sig.txt" 2>&1
expect_rc 1 $? "a crash is an error"
expect_grep "it was killed by SIGSEGV\)" "$TMP/sig.txt" "SIGSEGV named"
$CONFORM --room-version 7 --only runner_fixture_test.json:1 --adapter "$TESTS/fault_signal.sh ABRT" "$FIX" >"$TMP/sig2.txt" 2>&1
expect_grep "it was killed by SIGABRT\)" "$TMP/sig2.txt" "SIGABRT named"
# through a shell (shell syntax in the command), the status a shell gives is explained
$CONFORM --room-version 7 --only runner_fixture_test.json:1 --adapter "$TESTS/fault_signal.sh SEGV || exit \$?" "$FIX" >"$TMP/sig3.txt" 2>&1
expect_grep "(killed by SIGSEGV|status 139, which a shell uses for a child killed by SIGSEGV)" "$TMP/sig3.txt" "a shell's 139 explained"

# nothing in common: its own exit code, and why
$CONFORM --layer auth --adapter "$TESTS/fault_nothing_in_common.sh" "$FIX" >"$TMP/none.txt" 2>"$TMP/none.err"
expect_rc 4 $? "every case skipped"
expect_grep "no case ran: all [0-9]+ selected results were skipped. The implementation declares room versions 3, layers sequence" \
  "$TMP/none.err" "says what the implementation declares"
expect_grep "^result: NOTHING RAN" "$TMP/none.txt" "the report says nothing ran"

# a failed hello leaves an existing report untouched
for f in junit html json; do
  echo "previous $f report" >"$TMP/old.$f"
  $CONFORM --format $f --output "$TMP/old.$f" --adapter "echo nope" "$FIX" 2>/dev/null
  expect_rc 2 $? "$f: failed hello"
  expect_grep "^previous $f report$" "$TMP/old.$f" "$f: the previous report is intact"
done
[ -z "$(ls "$TMP" | grep '\.tmp-')" ] || fail "temporary report files left behind: $(ls "$TMP" | grep '\.tmp-')"
ok "no temporary file left"

# SIGTERM while the adapter hangs on case 3: a complete report, marked interrupted, with cases 1 and 2
for f in json junit html tap text markdown; do
  echo "previous" >"$TMP/int.$f"
  $CONFORM --format $f --output "$TMP/int.$f" --timeout 60 --room-version 7 --layer auth \
    --adapter "$WRONG --fault hang:3" "$FIX" 2>"$TMP/int.$f.err" &
  pid=$!
  for i in $(seq 1 100); do grep -q '^{"outcome":"PASS".*"tcId":2,' "$TMP/int.$f".tmp-* 2>/dev/null && break; [ "$f" = json ] || { sleep 1; break; }; sleep 0.05; done
  kill -TERM $pid
  wait $pid
  expect_rc 143 $? "$f: SIGTERM exit code"
done
python3 - "$TMP" <<'PY' || fail "interrupted reports"
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
lines = [json.loads(l) for l in open(d + "/int.json")]
assert lines[-1]["summary"]["interrupted"] == "SIGTERM", lines[-1]
assert [l["tcId"] for l in lines[:-1]] == [1, 2], [l.get("tcId") for l in lines]
root = ET.parse(d + "/int.junit").getroot()
errs = [tc for tc in root.iter("testcase") if tc.get("name") == "run"]
assert errs and "interrupted (SIGTERM)" in errs[0].find("error").get("message"), "junit marks the interruption"
assert len([tc for tc in root.iter("testcase") if tc.get("name", "").startswith("tcId")]) == 2
html = open(d + "/int.html").read()
assert html.rstrip().endswith("</html>") and "Interrupted (SIGTERM)" in html
tap = open(d + "/int.tap").read()
assert "1..2" in tap and "Bail out! interrupted (SIGTERM)" in tap, tap
assert "INTERRUPTED (SIGTERM)" in open(d + "/int.text").read()
assert "INTERRUPTED (SIGTERM)" in open(d + "/int.markdown").read()
PY
ok "interrupted: every format is complete, marked interrupted, with the results so far"

# a closed pipe on stdout ends the run quietly, streaming or not (the whole
# corpus: more than a pipe holds, so the writer sees the reader go)
for f in text json; do
  $CONFORM -v --format $f "$CASES" 2>"$TMP/pipe.$f.err" | head -1 >/dev/null
  expect_rc 141 "${PIPESTATUS[0]}" "$f: stdout closed"
  [ ! -s "$TMP/pipe.$f.err" ] || { cat "$TMP/pipe.$f.err" >&2; fail "$f: a closed stdout printed a message"; }
  ok "$f: no message"
done
done_tests
