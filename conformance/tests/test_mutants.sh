# Bad input never crashes the runner: 300 seeded mutants of the fixture file
# (values swapped for other types, huge or negative numbers, NUL bytes and
# odd Unicode in strings, keys dropped, arrays emptied, truncations) are
# linted and run; every run must end with a documented exit code (0, 1 or 2),
# never a signal, a sanitizer report or exit code 3.
. "$(dirname "$0")/lib.sh"

python3 - "$FIX/runner_fixture_test.json" "$TMP" <<'PY'
import copy, json, random, sys
base = json.load(open(sys.argv[1]))
rnd = random.Random(20261126)
ODD = [None, True, -1, 0, 2**63, -2**63 - 1, 1.5, 1e308, "", "\u0000", "@:", "@a:b\u0000c", "\ud7ff\ue000",
       "x" * 70000, [], {}, [None], {"": None}, "$", "!", "member.join.public", "9" * 40]
def nodes(v, path=()):
    yield path, v
    if isinstance(v, dict):
        for k, x in v.items():
            yield from nodes(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from nodes(x, path + (i,))
def setp(doc, path, val):
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = val
def delp(doc, path):
    for p in path[:-1]:
        doc = doc[p]
    del doc[path[-1]]
# free-form material for the mutator: content on every compact event
for g in base["testGroups"]:
    for t in g["tests"]:
        for h in [t] + t.get("steps", []):
            if "event" in h:
                h["event"]["content"] = {"displayname": "Name", "avatar_url": "mxc://x/y", "n": 1, "list": [1, "a"]}
for n in range(300):
    d = copy.deepcopy(base)
    d["suite"] = "m%03d" % n  # matches the file name, so the shape check alone decides
    for _ in range(rnd.randint(1, 3)):
        allp = [p for p, _ in nodes(d) if p]
        # mostly inside free-form parts (content, power levels, raw events),
        # which the shape check lets through to the expander and the backend
        free = [p for p in allp if any(k in p for k in ("content", "powerLevels", "createContent", "memberContent",
                                                        "rawEvent", "body"))]
        p = rnd.choice(free if free and rnd.random() < 0.8 else allp)
        r = rnd.random()
        try:
            if r < 0.6:
                setp(d, p, copy.deepcopy(rnd.choice(ODD)))
            elif r < 0.8:
                delp(d, p)
            else:
                setp(d, p, copy.deepcopy(rnd.choice([v for _, v in nodes(d)])))
        except (KeyError, IndexError, TypeError):
            pass
    text = json.dumps(d)
    if n % 10 == 9:
        text = text[: rnd.randint(0, len(text))]
    open("%s/m%03d_test.json" % (sys.argv[2], n), "w").write(text)
PY
bad=0
for f in "$TMP"/m*_test.json; do
  for mode in "--lint --no-coverage" ""; do
    $CONFORM $mode --format json "$f" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ -z "$mode" ] && [ $rc -le 1 ] && echo "$f" >>"$TMP/ran"
    if [ $rc -gt 2 ] || grep -q "Sanitizer\|runtime error" "$TMP/err"; then
      echo "exit $rc on $(basename "$f") ($mode):" >&2
      head -20 "$TMP/err" >&2
      bad=$((bad + 1))
    fi
  done
done
[ $bad -eq 0 ] || fail "$bad runs crashed or ended with an undocumented exit code"
ran=$(grep -c . "$TMP/ran" 2>/dev/null || echo 0)
[ "$ran" -ge 100 ] || fail "only $ran mutants got past the shape check: the test does not reach the runner"
ok "$ran mutants were run (not only rejected)"
ok "300 mutants linted and run, exit codes 0-2 only"
done_tests
