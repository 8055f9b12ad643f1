# Adapter faults: a case whose adapter hangs, dies or prints garbage is an
# ERROR saying what happened; the adapter is killed and restarted; every
# other case still runs and passes; nothing is lost from the streamed report.
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
$CONFORM --timeout 2 --adapter "$WRONG --fault hang:3 --fault die:5 --fault garbage:7" --layer auth \
  --room-version 7 "$FIX" >"$TMP/f.txt" 2>&1
rc=$?
end=$(date +%s)
expect_rc 1 $rc "faults make the run fail"
expect_grep "^ERROR runner_fixture_test.json tcId=3 \(room v7" "$TMP/f.txt" "hang is an error"
expect_grep "adapter fault: no response within 2.0 s \(hung\?\); the adapter was killed and restarted" "$TMP/f.txt" "hang explained"
expect_grep "^ERROR runner_fixture_test.json tcId=5 \(room v7" "$TMP/f.txt" "death is an error"
expect_grep "adapter fault: the adapter closed its output \(it exited with status 3\); the adapter was killed and restarted" "$TMP/f.txt" "death explained"
expect_grep "^ERROR runner_fixture_test.json tcId=7 \(room v7" "$TMP/f.txt" "garbage is an error"
expect_grep "is not a JSON object: \"<html>this is not a JSON line\"" "$TMP/f.txt" "garbage quoted"
expect_grep "^8 results: 5 passed, 0 failed, 3 errors" "$TMP/f.txt" "the other cases ran and passed"
expect_grep "adapter restarted 3 time" "$TMP/f.txt" "restarts counted"
[ $((end - start)) -lt 30 ] || fail "the run took $((end - start)) s: the timeout did not work"
ok "finished in $((end - start)) s"

# streaming: the JSON lines of a faulty run are each complete and in order
$CONFORM --timeout 2 --format json --adapter "$WRONG --fault die:1" --room-version 1 --layer auth "$FIX" >"$TMP/f.json" 2>/dev/null
python3 - "$TMP/f.json" <<'PY' || fail "json stream"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
res = [l for l in lines if "summary" not in l]
assert [r["tcId"] for r in res] == list(range(1, 9)), [r["tcId"] for r in res]
assert res[0]["outcome"] == "ERROR" and all(r["outcome"] == "PASS" for r in res[1:]), res
assert lines[-1]["summary"]["adapterRestarts"] == 1
PY
ok "every result streamed as one JSON line"

# an adapter that never says hello, or is not a program at all: usage error
$CONFORM --timeout 2 --adapter "echo this is not a hello" "$FIX" >"$TMP/h.txt" 2>&1
expect_rc 2 $? "an adapter without a hello is refused"
expect_grep "cannot start the adapter .*no valid hello line" "$TMP/h.txt" "hello problem explained"
$CONFORM --timeout 2 --adapter "/nonexistent/adapter" "$FIX" >"$TMP/n.txt" 2>&1
expect_rc 2 $? "a missing adapter program is refused"
expect_grep "exited with status 127" "$TMP/n.txt" "exit status shown"
# the runner interrupted while the adapter hangs: the adapter does not outlive it
$CONFORM --timeout 60 --adapter "echo \$\$ >$TMP/adapter.pid; exec $WRONG --fault hang:1" "$FIX" >/dev/null 2>&1 &
runner=$!
for i in $(seq 1 50); do [ -s "$TMP/adapter.pid" ] && break; sleep 0.1; done
[ -s "$TMP/adapter.pid" ] || fail "the adapter did not start"
sleep 0.5
kill -TERM $runner
wait $runner 2>/dev/null
sleep 0.3
expect_gone "$(cat "$TMP/adapter.pid")" "an interrupted runner takes its adapter down"
done_tests
