# Citations: across the source tree, no file cites a source a reader's clone does
# not have, and every anchored reference to a repository document resolves
# (citations.py). A planted tree shows that each kind of problem is reported.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ROOT=$(cd "$TESTS/../.." && pwd)

$PY "$TESTS/citations.py" "$ROOT" >"$TMP/tree.out" 2>"$TMP/tree.err"
expect_rc 0 $? "the source tree cites only sources a reader can open"
expect_grep "0 problem" "$TMP/tree.err" "citations summary"

mkdir -p "$TMP/planted/conformance" "$TMP/planted/ref"
printf '# Notes\n\n## missing join rules\n\ntext\n' >"$TMP/planted/conformance/NOTES.md"
# (the planted text is assembled from pieces, so that this file itself stays clean)
D=NOTES.md; M=md; X=dig; Y=divergences
{
  echo "/* fine: conformance/$D#missing-join-rules */"
  echo "/* no such anchor: conformance/$D#no-such-section */"
  echo "/* no such file: conformance/GONE.$M#x */"
  echo "/* private notes: ${X}est 8.3, and $Y.md */"
} >"$TMP/planted/ref/a.c"
$PY "$TESTS/citations.py" "$TMP/planted" >"$TMP/planted.out" 2>&1
expect_rc 1 $? "planted citation problems fail"
expect_grep "^ref/a.c:2: conformance/NOTES\\.md#no-such-section: no such heading" "$TMP/planted.out" "missing anchor"
expect_grep "^ref/a.c:3: conformance/GONE\\.md#x: no such file" "$TMP/planted.out" "missing file"
expect_grep "^ref/a.c:4: cites 'd[i]gest 8'" "$TMP/planted.out" "private digest"
expect_no_grep "^ref/a.c:1:" "$TMP/planted.out" "a resolving anchor is fine"
expect_grep "3 problem" "$TMP/planted.out" "exactly the planted problems"
done_tests
