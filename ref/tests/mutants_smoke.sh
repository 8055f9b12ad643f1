#!/usr/bin/env bash
# mutants_smoke.sh: a smoke test of scripts/mutants.sh itself (not a mutation score).
# Runs a fixed sample of 20 mutants (--max 20 --seed 1) and checks that the run works:
# the exit codes of bad usage, a report that is well-formed JSON whose counts add up, every
# killed mutant named with what killed it, at least one mutant killed (a script that builds
# nothing or never runs the checks kills none), the mutated file really changed, and the tree
# itself left untouched. The full run is a documented command (README.md), not a test.
set -u
ROOT=${1:?usage: mutants_smoke.sh SOURCE_DIR}
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || { echo "mutants_smoke: no $PY (scripts/setup.sh installs python3)"; exit 1; }
fails=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "FAIL - $1"; fails=$((fails + 1)); fi; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxm-mutants-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
M="$ROOT/scripts/mutants.sh"

"$M" --help >/dev/null; check "--help exits 0" $?
"$M" --bogus >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; check "unknown option exits 2 (got $rc)" $?
"$M" --file nosuch.c --list >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; check "unknown --file exits 2 (got $rc)" $?
"$M" --max -1 --list >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; check "--max -1 exits 2 (got $rc)" $?
n=$("$M" --list --max 20 --seed 1 2>/dev/null | wc -l); [ "$n" -eq 20 ]; check "--list --max 20 lists 20 (got $n)" $?
a=$("$M" --list --max 20 --seed 1 2>/dev/null); b=$("$M" --list --max 20 --seed 1 2>/dev/null)
[ "$a" = "$b" ]; check "the same seed gives the same sample" $?
c=$("$M" --list --max 20 --seed 2 2>/dev/null); [ "$a" != "$c" ]; check "another seed gives another sample" $?
n=$("$M" --list --file redact.c --op literal 2>/dev/null | grep -c '"membership"'); [ "$n" -ge 2 ]
check "string literals of the redaction key lists are mutated (got $n)" $?
n=$("$M" --list --file version.c --op release 2>/dev/null | grep -c 'MXM_SPEC_V1_17'); [ "$n" -ge 1 ]
check "the spec-edit table's rows (inside #define bodies) are mutated (got $n)" $?

before=$(cd "$ROOT" && find ref/src -type f -exec sha256sum {} + | sort)
"$M" --max 20 --seed 1 --jobs 1 --report "$tmp/report.json" --work "$tmp/work" >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
[ $rc -eq 0 ]; check "the sample run exits 0 (got $rc)" $?
[ $rc -eq 0 ] || tail -20 "$tmp/err.txt"
after=$(cd "$ROOT" && find ref/src -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ]; check "the tree's ref/src is untouched" $?
grep -q '^survivors (' "$tmp/out.txt"; check "the survivors are listed" $?
grep -q '^rule files ' "$tmp/out.txt"; check "the rule files' score is printed" $?

"$PY" - "$tmp/report.json" <<'PYEOF'
import json, sys
ok = True
def check(name, cond):
    global ok
    print(("ok - " if cond else "FAIL - ") + name)
    ok = ok and cond
r = json.load(open(sys.argv[1]))
ms = r["mutants"]
check("the report holds 20 mutants (got %d)" % len(ms), len(ms) == 20)
check("mutant ids are unique", len({m["id"] for m in ms}) == len(ms))
st = {"killed", "survived", "equivalent", "compiler-equivalent", "stillborn"}
check("every status is known", all(m["status"] in st for m in ms))
check("every killed mutant names its killer",
      all((m["killer"] or "").startswith(("corpus", "ctest:")) for m in ms if m["status"] == "killed"))
check("no killer without a kill", all(m["killer"] is None for m in ms if m["status"] != "killed"))
check("every mutant changes its text", all(m["original"] != m["replacement"] for m in ms))
killed = sum(m["status"] == "killed" for m in ms)
check("at least one mutant is killed (got %d)" % killed, killed >= 1)
tot = {k: 0 for k in ("mutants", "killed", "survived", "equivalent", "compiler-equivalent", "stillborn")}
for f, p in r["per_file"].items():
    check("%s: the statuses add up" % f,
          p["mutants"] == sum(p[k] for k in ("killed", "survived", "equivalent", "compiler-equivalent", "stillborn")))
    for k in tot:
        tot[k] += p[k]
check("the per-file counts add up to the mutants", tot["mutants"] == len(ms) and tot["killed"] == killed)
g = r["groups"]["all"]
den = g["killed"] + g["survived"]
check("the overall score is killed / (killed + survived)",
      den == 0 or abs(g["score"] - round(100.0 * g["killed"] / den, 1)) < 1e-9)
sys.exit(0 if ok else 1)
PYEOF
check "the report is well-formed" $?

[ $fails -eq 0 ] && echo "mutants_smoke: all checks passed" || echo "mutants_smoke: $fails check(s) failed"
[ $fails -eq 0 ]
