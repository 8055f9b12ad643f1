# mxm-ref-adapter's state cache: a request whose state bytes the adapter saw
# recently is answered without parsing them again (refimpl.c, "the adapter's
# fast path"). Every answer must be the one the plain path gives
# (MXM_REF_ADAPTER_NO_CACHE=1), on the whole corpus's request stream and on
# lines built to trip a byte-level splitter: repeated and escaped keys,
# whitespace, strings holding braces and quotes, nesting at the parser's
# limit, malformed or missing state, other request types.
. "$(dirname "$0")/lib.sh"

$CONFORM --no-progress --output "$TMP/report.txt" --dump-requests "$TMP/stream.jsonl" "$CASES" >/dev/null 2>&1
[ -s "$TMP/stream.jsonl" ] || fail "no request stream"
ok "request stream of the corpus dumped ($(wc -l <"$TMP/stream.jsonl") lines)"

MXM_REF_ADAPTER_STATS=1 $REF_ADAPTER <"$TMP/stream.jsonl" >"$TMP/fast.out" 2>"$TMP/fast.err"
expect_rc 0 $? "adapter with its cache"
MXM_REF_ADAPTER_NO_CACHE=1 $REF_ADAPTER <"$TMP/stream.jsonl" >"$TMP/slow.out" 2>/dev/null
expect_rc 0 $? "adapter without its cache"
cmp -s "$TMP/fast.out" "$TMP/slow.out" || { diff "$TMP/slow.out" "$TMP/fast.out" | head -5 >&2; fail "corpus stream: answers differ"; }
ok "corpus stream: every answer is the same with and without the cache"
expect_grep "state cache: [1-9][0-9]* hits" "$TMP/fast.err" "the cache answered requests"

python3 - "$TMP/stream.jsonl" "$TMP/tricky.jsonl" <<'PY' || fail "building tricky lines"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
auth = [l for l in lines if '"type":"auth"' in l and '"state":[' in l]
api = [l for l in lines if '"type":"api"' in l][:2]
seq = [l for l in lines if '"type":"sequence"' in l][:2]
base = auth[0]
req = json.loads(base)
other = json.loads(auth[min(40, len(auth) - 1)])
out = []
out += auth[:30]                      # misses, then hits
out += [base, base]                   # the same line again
def dumps(o, **kw): return json.dumps(o, separators=(",", ":"), ensure_ascii=False, **kw)
out.append(json.dumps(req, indent=1))  # whitespace everywhere (one line: indent adds newlines)
out[-1] = out[-1].replace("\n", " ")
r = dict(req); out.append(dumps(r).replace('"state":', '"state"  :  '))
# the same state in another room version: must not be answered from the v-first entry
r = dict(req); r["room_version"] = "10" if req["room_version"] != "10" else "4"; out.append(dumps(r))
# a repeated top-level "state": the parser keeps the last
s = dumps(req)
out.append(s[:-1] + ',"state":' + dumps(other["state"]) + "}")
out.append('{"state":' + dumps(other["state"]) + "," + s[1:])
# an escaped key spelling "state"
out.append(s[:-1] + ',"st\\u0061te":[]}')
out.append(s.replace('"state":', '"st\\u0061te":', 1))
# strings with braces, brackets and escaped quotes inside the state
r = json.loads(s); r["state"][0]["content"]["x"] = 'a}]{["\\"' ; out.append(dumps(r))
# malformed state: a trailing comma, a raw control character, bad UTF-8 (as text)
out.append(s.replace('"state":[', '"state":[1,', 1).replace('],"server_keys"', ',],"server_keys"', 1))
out.append(s.replace('"state":[', '"state":["\t",', 1))
# nesting at the parser's limit, inside a state event's content: the line is
# 4 levels deeper (request, state, event, content) than the nested value
for depth in range(56, 63):
    r = json.loads(s); r["state"][0]["content"]["deep"] = "@@"; t = dumps(r)
    out.append(t.replace('"@@"', "[" * depth + "]" * depth, 1))
# state missing, or not an array
r = json.loads(s); del r["state"]; out.append(dumps(r))
r = json.loads(s); r["state"] = {}; out.append(dumps(r))
r = json.loads(s); r["state"] = "x"; out.append(dumps(r))
# no server_keys, no other_events, extra keys after the state
r = json.loads(s); r.pop("server_keys", None); out.append(dumps(r))
r = json.loads(s); r["other_events"] = []; out.append(dumps(r))
r = json.loads(s); r["zzz"] = {"state": [1]}; out.append(dumps(r))
# other request types
out += api + seq
out.append('{"id":"t","type":"transition","era":"v1.3","from":"join","to":"leave","self":true}')
# not an object, garbage, truncated
out += ["[1,2]", "garbage", s[: len(s) // 2], "{}", '{"id":1}', s + " x"]
with open(sys.argv[2], "wb") as f:
    for l in out:
        f.write(l.encode("utf-8", "surrogateescape") + b"\n")
    f.write(s.replace('"state":[', '"state":["\xff",', 1).encode("latin-1", "replace") + b"\n")
PY
$REF_ADAPTER <"$TMP/tricky.jsonl" >"$TMP/tf.out" 2>/dev/null
expect_rc 0 $? "tricky lines with the cache"
MXM_REF_ADAPTER_NO_CACHE=1 $REF_ADAPTER <"$TMP/tricky.jsonl" >"$TMP/ts.out" 2>/dev/null
expect_rc 0 $? "tricky lines without the cache"
[ "$(wc -l <"$TMP/tf.out")" -gt 60 ] || fail "tricky lines: too few answers"
cmp -s "$TMP/tf.out" "$TMP/ts.out" || { diff "$TMP/ts.out" "$TMP/tf.out" | head -10 >&2; fail "tricky lines: answers differ"; }
ok "tricky lines: every answer is the same with and without the cache"
done_tests
