# Every report format is well-formed and carries the summary, the
# conformance matrix and the transition tables; failures name file, tcId,
# room version, spec release, comment, expected, actual and flags.
. "$(dirname "$0")/lib.sh"
W="$WRONG --bug self-ban"

for f in text tap junit json markdown html; do
  $CONFORM --adapter "$W" --format $f --output "$TMP/r.$f" "$FIX" 2>"$TMP/$f.err"
  expect_rc 1 $? "$f report of a failing run"
  expect_grep "26 passed, 3 failed, 0 errors, 0 skipped" "$TMP/$f.err" "$f: one-line summary on stderr"
done

expect_grep "^FAIL  runner_fixture_test.json tcId=104 \(room v12, spec v1.19\) \"member without power bans themselves\"$" "$TMP/r.text" "text: failure header"
expect_grep "^FAIL  runner_fixture_test.json tcId=4 \(room v1, v7, spec v1.19\)" "$TMP/r.text" "text: the versions that failed alike are one entry"
expect_grep "^  expected reject   by member.ban.insufficient_power; answered allow    by member.ban.allow; verdict allow, expected reject$" "$TMP/r.text" "text: one line per case without -v"
expect_grep "^result: FAIL: 3 failed, 0 errors, 0 unexpected passes, in 2 case\(s\)$" "$TMP/r.text" "text: verdict first"
expect_grep "^member.ban +3 +3 +0 +0 +0 +0  2 of 4  <-$" "$TMP/r.text" "text: rule-area summary"
[ "$(grep -n '^== rule areas' "$TMP/r.text" | cut -d: -f1)" -lt "$(grep -n '^FAIL' "$TMP/r.text" | head -1 | cut -d: -f1)" ] || fail "text: the summary comes before the cases"
ok "text: the summary comes before the cases"
expect_grep "^area +v1 +v7 +v12 +all$" "$TMP/r.text" "text: matrix header"
expect_grep "^member.ban +1/2! +1/2! +1/2! +3/6!$" "$TMP/r.text" "text: matrix row marks failures"
expect_grep "^== transition table, v1.3 era" "$TMP/r.text" "text: transition table"

expect_grep "^TAP version 13$" "$TMP/r.tap" "tap: version"
expect_grep "^1\.\.29$" "$TMP/r.tap" "tap: plan matches the results"
expect_count 3 "^not ok " "$TMP/r.tap" "tap: failures are not ok"
expect_grep "^  expected: \"reject   by member.ban.insufficient_power\"$" "$TMP/r.tap" "tap: YAML diagnostics"

python3 - "$TMP/r.junit" "$TMP/r.json" "$TMP/r.html" <<'PY' || fail "junit/json/html"
import json, sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("failures") == "3", root.attrib
f = [tc for tc in root.iter("testcase") if tc.find("failure") is not None]
assert "tcId 4 v1 member without power bans themselves" == f[0].get("name"), f[0].get("name")
assert "expected: reject" in f[0].find("failure").text and "SelfBan [AUTH_BYPASS]" in f[0].find("failure").text
m = f[0].find("failure").get("message")
assert m.startswith("runner_fixture_test.json tcId 4 room v1, spec v1.19: expected reject") and "answered allow" in m, m
assert all(float(tc.get("time")) >= 0 for tc in root.iter("testcase")), "every testcase has a time"
assert all(ts.get("time") is not None for ts in root.iter("testsuite")), "every testsuite has a time"
lines = [json.loads(l) for l in open(sys.argv[2])]
s = lines[-1]["summary"]
assert s["passed"] == 26 and s["failed"] == 3, s
assert s["matrix"]["member.ban"]["7"] == {"pass": 1, "xfail": 0, "total": 2}, s["matrix"]
assert s["transitions"]["v1.3"]["invite>knock"] == {"pass": 1, "xfail": 0, "total": 1}, s["transitions"]
assert s["interrupted"] is False and s["run"]["implementation"].startswith("wrong-adapter"), s
fail = [l for l in lines[:-1] if l["outcome"] == "FAIL"][0]
for k in ("file", "tcId", "roomVersion", "specRelease", "spec", "comment", "expected", "actual", "flags", "message", "pointer", "response"):
    assert fail[k] not in ("", None), k
assert fail["expected"] == {"auth": "reject", "rule": "member.ban.insufficient_power"}, fail["expected"]
assert fail["specRelease"] == "v1.19" and "5.5.3" in fail["spec"], (fail["specRelease"], fail["spec"])
assert fail["flags"][0]["name"] == "SelfBan" and fail["flags"][0]["bugType"] == "AUTH_BYPASS", fail["flags"]
assert fail["flags"][0]["description"] and fail["flags"][0]["effect"] and fail["flags"][0]["links"], fail["flags"]
assert fail["response"]["verdict"] == "allow" and fail["response"]["reason"], fail["response"]
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.tables = 0; self.text = []
    def handle_starttag(self, tag, a):
        if tag not in ("meta", "br", "hr", "img", "input", "link", "wbr"): self.stack.append(tag)
        if tag == "table": self.tables += 1
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(sys.argv[3]).read()); p.close()
assert not p.stack, p.stack
assert p.tables == 6, p.tables  # rule areas, matrix, three eras, failures
t = "".join(p.text)
assert "Conformance matrix" in t and "Transition tables" in t and "member without power bans themselves" in t
PY
ok "junit parses, json summary and matrix, html balanced with matrix, transition and failure tables"

expect_grep "^\| member.ban \| \*\*1/2\*\* \|" "$TMP/r.markdown" "markdown: matrix row"
expect_grep "^- \*\*FAIL\*\* \`runner_fixture_test.json\` #4 \(room v1, v7, spec v1.19\)" "$TMP/r.markdown" "markdown: failure entry, versions together"
expect_grep "^<details><summary><b>member.ban</b>: 2 failing, 0 expected to fail</summary>" "$TMP/r.markdown" "markdown: details folded per area"
expect_grep "^  - flag \*\*SelfBan\*\* \[AUTH_BYPASS\]: .* Effect: .* Links: matrix-spec" "$TMP/r.markdown" "markdown: flag description, effect, links"

# markdown of a run with many failures (the stub rejects everything) still
# fits in one pull-request comment, and says what it left out
$CONFORM --adapter "python3 $TESTS/../adapters/skeleton.py" --format markdown "$CASES" >"$TMP/big.md" 2>/dev/null
expect_rc 1 $? "markdown of the stub over the whole corpus"
n=$(python3 -c 'import sys; print(len(open(sys.argv[1], encoding="utf-8").read()))' "$TMP/big.md")
[ "$n" -le 65536 ] || fail "markdown has $n characters, more than a pull-request comment holds"
ok "markdown has $n characters (<= 65536)"
expect_grep "^\*\*Left out to stay within a pull-request comment" "$TMP/big.md" "markdown says what it left out"

# HTML with expected failures: XFAIL rows, the unexpected-pass card, filters,
# matrix cells linking to their failures, expected failures in their own colour
cat >"$TMP/xf.json" <<'JSON'
{"schema": "mxm-expected-failures-1", "entries": [
  {"file": "runner_fixture_test.json", "tcId": 4, "reason": "planted self-ban bug"},
  {"file": "runner_fixture_test.json", "tcId": 104, "reason": "planted self-ban bug"},
  {"file": "runner_fixture_test.json", "tcId": 2, "roomVersions": ["7"], "reason": "stale entry: this case passes"}]}
JSON
$CONFORM --adapter "$W" --expected-failures "$TMP/xf.json" --format html --output "$TMP/x.html" "$FIX" 2>/dev/null
expect_rc 1 $? "html with an unexpected pass"
python3 - "$TMP/x.html" <<'PY' || fail "html with expected failures"
import re, sys
h = open(sys.argv[1]).read()
assert h.count('<tr data-o="XFAIL"') == 2, "XFAIL rows (tcId 4 in v1+v7 as one, 104)"
assert re.search(r'<div class="n">1</div><div class="l">unexpected passes', h), "unexpected-pass card"
assert '<select id="fo">' in h and '<select id="fa">' in h, "filters by result and rule area"
# member.ban: every non-pass is an expected failure: its own colour, not green, and linked
row = re.search(r'<tr><td class="area">member.<wbr>ban</td>(.*?)</tr>', h).group(1)
assert 'class="known"' in row and 'class="ok"' not in row, row
assert 'data-a="member.ban" data-v="7"' in row, row
assert "@media (max-width:1000px)" in h
PY
ok "html: XFAIL rows, unexpected-pass card, filters, linked cells, xfail colour"
done_tests
