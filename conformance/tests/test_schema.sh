# The JSON Schema and the C lint agree: the corpus and the fixtures validate
# against conformance/schema/mxm-conformance-1.schema.json, and the planted
# schema-level findings of bad/lint_findings_test.json are violations for both.
. "$(dirname "$0")/lib.sh"
SCHEMA=$TESTS/../schema/mxm-conformance-1.schema.json
CHECK="python3 $TESTS/schema_check.py $SCHEMA"

$CHECK "$CASES"/*_test.json >"$TMP/corpus.txt" 2>&1
expect_rc 0 $? "every corpus file validates against the schema"
$CHECK "$FIX"/*_test.json >"$TMP/fix.txt" 2>&1
expect_rc 0 $? "fixtures validate"
$CHECK "$TESTS/bad/lint_findings_test.json" >"$TMP/bad.txt" 2>&1
expect_rc 1 $? "planted findings are schema violations"
expect_grep "^lint_findings_test.json: /testGroups/0/tests/0/surprise: unknown key 'surprise'$" "$TMP/bad.txt" "unknown key (schema)"
expect_grep "^lint_findings_test.json: /testGroups/0/tests/0/event/membership: must be string$" "$TMP/bad.txt" "wrong type (schema)"

# each of these is rejected by both the schema and the lint
python3 - "$FIX/runner_fixture_test.json" "$TMP" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1]))
def mutate(name, f):
    d = copy.deepcopy(base); f(d); d["suite"] = name
    json.dump(d, open("%s/%s_test.json" % (sys.argv[2], name), "w"))
mutate("m_joinrule_both", lambda d: d["testGroups"][0]["state"].update(joinRules={"join_rule": "invite"}))
mutate("m_no_rule", lambda d: d["testGroups"][0]["tests"][0]["expected"].pop("rule"))
mutate("m_two_events", lambda d: d["testGroups"][0]["tests"][0].update(rawEventText="{}"))
mutate("m_bad_prev", lambda d: d["testGroups"][0]["tests"][0]["event"].update(prevEvents="first"))
mutate("m_bad_selector", lambda d: d["testGroups"][0]["tests"][0]["event"].update(authEvents=["members"]))
mutate("m_refused_no_status", lambda d: d["testGroups"][4]["tests"][0]["expected"]["api"].pop("status"))
mutate("m_transition_state", lambda d: d["testGroups"][2].update(state={"creator": "@a:x"}))
mutate("m_bad_outcome", lambda d: d["testGroups"][2]["tests"][0]["expected"]["transition"]["r0"].update(outcome="nope"))
mutate("m_no_steps", lambda d: d["testGroups"][3]["tests"][0].update(steps=[]))
mutate("m_bad_version", lambda d: d["testGroups"][0].update(roomVersions=["1", "13"]))
PY
for f in "$TMP"/m_*_test.json; do
  n=$(basename "$f")
  $CHECK "$f" >/dev/null 2>&1
  expect_rc 1 $? "schema rejects $n"
  $CONFORM --lint --no-coverage "$f" >/dev/null 2>&1
  expect_rc 1 $? "lint rejects $n"
done
done_tests
