# Versions (mxm/about.h): --version prints the three, the corpus's VERSION file agrees with the
# build, every report format names them, and the hello exchange carries them both ways
# (PROTOCOL.md section 1).
. "$(dirname "$0")/lib.sh"

ABOUT="$TESTS/../../ref/include/mxm/about.h"
want() { sed -n "s/^#define $1 \"\(.*\)\"$/\1/p" "$ABOUT"; }
V=$(want MXM_VERSION); P=$(want MXM_PROTOCOL_VERSION); C=$(want MXM_CORPUS_VERSION)
[ -n "$V" ] && [ -n "$P" ] && [ -n "$C" ] || fail "cannot read the versions from $ABOUT"
ok "versions in about.h: mxm $V, protocol $P, corpus $C"
[ "$(head -n1 "$CASES/VERSION")" = "$C" ] || fail "conformance/cases/VERSION says $(head -n1 "$CASES/VERSION"), about.h $C"
ok "conformance/cases/VERSION matches MXM_CORPUS_VERSION"
grep -q "^project(mxm VERSION \${MXM_VERSION_FROM_HEADER}" "$TESTS/../../CMakeLists.txt" || fail "CMakeLists.txt does not take its version from about.h"
grep -q "^## \[$V\]" "$TESTS/../../CHANGELOG.md" || fail "CHANGELOG.md has no section for $V"
ok "CHANGELOG.md has a section for $V"

for prog in "$BIN/mxm" "$CONFORM"; do
  "$prog" --version >"$TMP/v" 2>&1
  expect_rc 0 $? "$(basename "$prog") --version"
  expect_grep "^mxm $V$" "$TMP/v" "$(basename "$prog") --version: mxm $V"
  expect_grep "^adapter protocol $P$" "$TMP/v" "$(basename "$prog") --version: protocol $P"
  expect_grep "^conformance corpus $C$" "$TMP/v" "$(basename "$prog") --version: corpus $C"
done

# every report format names the three
for f in text tap junit json markdown html; do
  $CONFORM --format $f --only member_join_test.json:1 --room-version 1 "$CASES" >"$TMP/r.$f" 2>"$TMP/r.err"
  expect_rc 0 $? "report $f"
  expect_grep "mxm version.*$V" "$TMP/r.$f" "report $f names mxm $V"
  expect_grep "protocol version.*$P" "$TMP/r.$f" "report $f names protocol $P"
  expect_grep "corpus version.*$C" "$TMP/r.$f" "report $f names corpus $C"
done
# a corpus without a VERSION file says so
mkdir -p "$TMP/unversioned"
cp "$CASES/member_join_test.json" "$TMP/unversioned/"
$CONFORM --format text --room-version 1 --only member_join_test.json:1 "$TMP/unversioned" >"$TMP/u" 2>&1
expect_grep "corpus version: unversioned" "$TMP/u" "a corpus without VERSION is unversioned"

# the runner's side of the hello: the adapter's environment
$CONFORM --adapter "sh -c 'env | grep ^MXM_ >\"$TMP/env\"; exec \"$REF_ADAPTER\"'" --format text \
  --room-version 1 --only member_join_test.json:1 "$CASES" >"$TMP/a" 2>&1
expect_rc 0 $? "run through an adapter"
expect_grep "^MXM_PROTOCOL_VERSION=$P$" "$TMP/env" "the adapter sees MXM_PROTOCOL_VERSION"
expect_grep "^MXM_VERSION=$V$" "$TMP/env" "the adapter sees MXM_VERSION"
expect_grep "^MXM_CORPUS_VERSION=$C$" "$TMP/env" "the adapter sees MXM_CORPUS_VERSION"
# the adapter's side: its hello's protocol, in the report
expect_grep "protocol version: $P \(the adapter speaks $P\)" "$TMP/a" "the report names the adapter's protocol"
cat >"$TMP/old.py" <<'PY'
import json, sys
print(json.dumps({"mxm_adapter": 1, "name": "a protocol 1.0 adapter", "room_versions": ["1"]}), flush=True)
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "error": "not implemented"}), flush=True)
PY
$CONFORM --adapter "python3 $TMP/old.py" --format text --room-version 1 --only member_join_test.json:1 "$CASES" >"$TMP/o" 2>&1
expect_grep "the adapter speaks 1\.0" "$TMP/o" "a hello without protocol is 1.0"
printf '#!/bin/sh\necho '"'"'{"mxm_adapter": 1, "protocol": "2.0", "room_versions": ["1"]}'"'"'\nexec cat >/dev/null\n' >"$TMP/bad.sh"
$CONFORM --adapter "sh $TMP/bad.sh" --room-version 1 --only member_join_test.json:1 "$CASES" >"$TMP/b" 2>&1
expect_rc 2 $? "a hello with protocol 2.0 stops the run"
expect_grep '"protocol" must be a string "1\.N"' "$TMP/b" "and says why"
done_tests
