# clilib.sh: helpers of the CLI tests (cli_*.sh), sourced after MXM is set.
# Results go to stdout; finish prints the closing "N passed, N failed" line.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "  $2"; }

# expect NAME WANT_RC CMD...: run, keep stdout/stderr in $TMP/out, $TMP/err.
expect() {
  local name=$1 want=$2 rc
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, expected $want" "$(cat "$TMP/err")"; fi
}
# has NAME FILE PATTERN (fixed string)
has() { if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in $(basename "$2")" "$(head -c 600 "$2")"; fi; }
lines() { local n; n=$(wc -l <"$2"); if [ "$n" = "$3" ]; then ok; else bad "$1: $n lines, expected $3"; fi; }
# the closing line; fails unless every check passed and at least one ran
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ] && [ "$pass" -gt 0 ]
}
