#!/usr/bin/env bash
# cli_versions.sh: `mxm versions` output formats, options and exit codes.
# Expected values are spec facts (content/rooms/v*.md), not captured output.
set -u
MXM=${1:?usage: cli_versions.sh /path/to/mxm}
fails=0
check() { # name, condition-result (0 = ok)
  if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "FAIL - $1"; fails=$((fails + 1)); fi
}

"$MXM" versions --help >/dev/null; check "--help exits 0" $?
"$MXM" versions --format xml >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; check "unknown format exits 2 (got $rc)" $?
"$MXM" versions --bogus >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; check "unknown option exits 2 (got $rc)" $?
"$MXM" versions --format >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; check "--format without value exits 2 (got $rc)" $?

json=$("$MXM" versions --format json); check "json exits 0" $?
n=$(printf '%s\n' "$json" | grep -c '"id": ')
[ "$n" -eq 12 ]; check "json lists 12 room versions (got $n)" $?
# v7 introduced knocking (content/rooms/v7.md); v6 has none.
printf '%s\n' "$json" | grep -q '"id": "7", "member_rule": 4, "knock": true'; check "v7 has knock, member rule 4" $?
printf '%s\n' "$json" | grep -q '"id": "6", "member_rule": 4, "knock": false'; check "v6 has no knock" $?
# v12 member rule is 5 (new rule 2), creators from the create sender.
printf '%s\n' "$json" | grep '"id": "12"' | grep -q '"member_rule": 5.*"creators_v12": true.*"creator_from": "sender"'
check "v12 row" $?
# Float power levels only v1-v5 (v1-floaty-power-levels.md).
nf=$(printf '%s\n' "$json" | grep -c '"float_pl": true')
[ "$nf" -eq 5 ]; check "float PL in 5 versions (got $nf)" $?

md=$("$MXM" versions --format markdown); check "markdown exits 0" $?
rows=$(printf '%s\n' "$md" | grep -c '^| [0-9]')
[ "$rows" -eq 12 ]; check "markdown has 12 rows (got $rows)" $?

text=$("$MXM" versions); check "text exits 0" $?
printf '%s\n' "$text" | grep -q '^float PL  *yes  *yes  *yes  *yes  *yes  *no'; check "text float PL line" $?

edits=$("$MXM" versions --edits --format json); check "--edits json exits 0" $?
printf '%s\n' "$edits" | grep -q '"id": "knock.from_invite".*"first": "v1.4", "last": "v1.9"'
check "knock.from_invite is v1.4-v1.9" $?
printf '%s\n' "$edits" | grep -q '"id": "restricted.authoriser_joined".*"first": "v1.17"'
check "restricted.authoriser_joined from v1.17" $?

echo "$fails failed"
[ "$fails" -eq 0 ]
