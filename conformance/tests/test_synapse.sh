# The whole corpus through the Synapse adapter (conformance/adapters/synapse/), when Synapse can
# be imported: MXM_SYNAPSE_SRC names a source tree (CI: .ci/run sets it), or Synapse is installed
# for Debian's /usr/bin/python3. Otherwise this test reports itself skipped (exit 77, ctest's
# SKIP_RETURN_CODE), never passed.
#
# It fails on: a failure not listed in conformance/expected-failures/synapse-1.150.0.json, a
# listed case that passes (XPASS), an error on a case not listed in
# conformance/adapters/synapse/expected-errors.json (or a listed case that no longer errors),
# and a conformance/IMPLEMENTATIONS.md whose Synapse row or divergences are not what this run
# gives. After a deliberate change, regenerate both lists' derived files with
#   MXM_UPDATE=1 bash conformance/tests/test_synapse.sh build/default/bin conformance/tests conformance/cases
# (lib.sh check_implementation: it rewrites expected-errors.json and the Synapse part of
# IMPLEMENTATIONS.md; the expected-failures file is written by hand, one cited entry per divergence).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/../.." && pwd)
PY=/usr/bin/python3
ADAPTER="$PY $ROOT/conformance/adapters/synapse/synapse_adapter.py"
XFAIL=$ROOT/conformance/expected-failures/synapse-1.150.0.json
XERR=$ROOT/conformance/adapters/synapse/expected-errors.json
SKIP=77

if [ ! -x "$PY" ]; then echo "SKIP: $PY (Debian's python3) is not installed"; exit $SKIP; fi
start_adapter Synapse "$ADAPTER" "Synapse 1\.150\.0 " "MXM_SYNAPSE_SRC=${MXM_SYNAPSE_SRC:-unset}"

# Protocol by hand: garbage, an unknown layer, malformed event text, an unknown room version.
printf '%s\n' 'not json' '{"id": "t", "type": "transition", "era": "v1.3"}' \
  '{"id": "x", "type": "auth", "room_version": "10", "state": [], "event_text": "{"}' \
  '{"id": "v", "type": "auth", "room_version": "99", "state": [], "event": {}}' |
  $ADAPTER >"$TMP/raw.jsonl" 2>"$TMP/raw.err"
expect_rc 0 $? "the adapter answers line by line and exits 0"
$PY - "$TMP/raw.jsonl" <<'PY' || fail "hand-written requests"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 5, lines
assert lines[1]["id"] is None and "not JSON" in lines[1]["error"], lines[1]
assert lines[2]["id"] == "t" and "not a layer" in lines[2]["error"], lines[2]
assert lines[3]["id"] == "x" and "error" in lines[3], lines[3]   # no create event in the state
assert lines[4]["id"] == "v" and "room version" in lines[4]["error"], lines[4]
PY
ok "garbage, unknown layer, empty state and unknown room version are errors, not verdicts"

check_implementation synapse "$ADAPTER" "$XFAIL" "$XERR"
done_tests
