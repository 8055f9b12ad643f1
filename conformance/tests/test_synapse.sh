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
# (it rewrites expected-errors.json and the Synapse part of IMPLEMENTATIONS.md; the
# expected-failures file is written by hand, one cited entry per divergence).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/../.." && pwd)
PY=/usr/bin/python3
ADAPTER="$PY $ROOT/conformance/adapters/synapse/synapse_adapter.py"
XFAIL=$ROOT/conformance/expected-failures/synapse-1.150.0.json
XERR=$ROOT/conformance/adapters/synapse/expected-errors.json
SKIP=77

if [ ! -x "$PY" ]; then echo "SKIP: $PY (Debian's python3) is not installed"; exit $SKIP; fi
$ADAPTER </dev/null >"$TMP/hello.jsonl" 2>"$TMP/hello.err"
rc=$?
if [ "$rc" = 3 ]; then
  echo "SKIP: Synapse cannot be imported (MXM_SYNAPSE_SRC=${MXM_SYNAPSE_SRC:-unset}):"
  cat "$TMP/hello.err"
  exit $SKIP
fi
expect_rc 0 "$rc" "the adapter starts, says hello and exits at end of input"
expect_grep '"name": "Synapse 1\.150\.0 ' "$TMP/hello.jsonl" "the hello names Synapse 1.150.0 (the version the lists are for)"

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

$CONFORM --adapter "$ADAPTER" --expected-failures "$XFAIL" --format json --output "$TMP/report.json" \
  "$CASES" 2>"$TMP/run.err"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$TMP/run.err" >&2; fail "mxm conform exited $rc"; }
ok "the corpus ran through the Synapse adapter (exit $rc)"

$PY - "$TMP/report.json" "$XERR" "${MXM_UPDATE:-0}" <<'PY' || fail "the run differs from the expected failures and errors"
import json, sys
report, xerr_path, update = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
cases, summary = [], None
for line in open(report):
    o = json.loads(line)
    if "summary" in o:
        summary = o["summary"]
    else:
        cases.append(o)
assert summary is not None, "no summary line"
bad = [c for c in cases if c["outcome"] in ("FAIL", "XPASS")]
for c in bad:
    print("%s %s#%s v%s: %s (expected %s, got %s)" % (c["outcome"], c["file"], c["tcId"],
          c["roomVersion"], c.get("message", ""), c.get("expected"), c.get("actual")))
errors = {(c["file"], c["tcId"], c["roomVersion"]): c.get("message", "") for c in cases
          if c["outcome"] == "ERROR"}
doc = json.load(open(xerr_path))
listed = {(e["file"], e["tcId"], v) for e in doc["entries"] for v in e["roomVersions"]}
new = sorted(set(errors) - listed)
gone = sorted(listed - set(errors))
if update:
    by = {}
    for (f, t, v), msg in sorted(errors.items(), key=lambda x: (x[0][0], x[0][1], int(x[0][2]))):
        by.setdefault((f, t), {"rvs": [], "msg": msg.replace("the implementation could not decide: ", "")})["rvs"].append(v)
    doc["entries"] = [{"file": f, "tcId": t, "roomVersions": e["rvs"], "synapse": e["msg"]}
                      for (f, t), e in by.items()]
    with open(xerr_path, "w") as out:
        json.dump(doc, out, indent=2, ensure_ascii=False)
        out.write("\n")
    print("rewrote %s: %d entries" % (xerr_path, len(doc["entries"])))
else:
    for k in new:
        print("NEW ERROR %s#%s v%s: %s" % (k[0], k[1], k[2], errors[k]))
    for k in gone:
        print("LISTED ERROR GONE %s#%s v%s (remove it from expected-errors.json)" % k)
print("Synapse: %(passed)d passed, %(failed)d failed, %(expectedFailures)d xfail, "
      "%(unexpectedPasses)d xpass, %(errors)d errors, %(skipped)d skipped" % summary)
sys.exit(1 if bad or (not update and (new or gone)) else 0)
PY
ok "no new failure, no unexpected pass, errors exactly the listed ones"

if [ "${MXM_UPDATE:-0}" = 1 ]; then
  $PY "$ROOT/scripts/implementations.py" "$TMP/report.json=$XFAIL" || fail "regenerating IMPLEMENTATIONS.md"
  ok "rewrote conformance/IMPLEMENTATIONS.md"
else
  $PY "$ROOT/scripts/implementations.py" --check "$TMP/report.json=$XFAIL" >"$TMP/impl.diff" 2>&1
  rc=$?
  [ "$rc" = 0 ] || { cat "$TMP/impl.diff" >&2; fail "conformance/IMPLEMENTATIONS.md is not current for Synapse (MXM_UPDATE=1 regenerates it)"; }
  ok "conformance/IMPLEMENTATIONS.md is current for Synapse"
fi
echo "$CHECKS checks passed"
