#!/usr/bin/env bash
# cli_sign.sh: the signature subcommands of the mxm CLI (canonical, redact,
# hash, sign, verify) against content/appendices.md test vectors, byte for
# byte, plus their exit codes. Usage: bash cli_sign.sh /path/to/mxm
set -u
MXM=${1:?usage: cli_sign.sh /path/to/mxm}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "  $l"; done; }

# expect_out NAME EXPECTED_STDOUT EXPECTED_EXIT -- command...
expect_out() {
  local name=$1 want=$2 want_rc=$3
  shift 4
  local got rc
  got=$("$@" 2>"$TMP/err")
  rc=$?
  if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then ok "$name"; else
    bad "$name" "expected exit $want_rc, stdout: $want" "actual exit $rc, stdout: $got" "stderr: $(cat "$TMP/err")"
  fi
}
# expect_rc NAME EXPECTED_EXIT STDERR_SUBSTRING -- command...
expect_rc() {
  local name=$1 want_rc=$2 want_err=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ "$rc" = "$want_rc" ] && grep -qF -- "$want_err" "$TMP/err"; then ok "$name"; else
    bad "$name" "expected exit $want_rc and stderr containing: $want_err" "actual exit $rc, stderr: $(cat "$TMP/err")"
  fi
}

SEED=YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1

# --- canonical (appendix "Canonical JSON" examples) ---
printf '{\n    "a": -0,\n    "b": 1e10\n}' >"$TMP/num.json"
expect_out "canonical: -0 and 1e10" '{"a":0,"b":10000000000}' 0 -- "$MXM" canonical "$TMP/num.json"
printf '{"b":"2","a":"1"}' | {
  got=$("$MXM" canonical -)
  [ "$got" = '{"a":"1","b":"2"}' ] && ok "canonical: stdin key order" || bad "canonical: stdin key order" "$got"
}
printf '{"本":2,"日":1}' >"$TMP/cjk.json"
expect_out "canonical: CJK keys" '{"日":1,"本":2}' 0 -- "$MXM" canonical "$TMP/cjk.json"
# exact bytes: no trailing newline unless asked
n=$("$MXM" canonical "$TMP/cjk.json" | wc -c)
[ "$n" = "$(printf '{"日":1,"本":2}' | wc -c)" ] && ok "canonical: no trailing newline" || bad "canonical: no trailing newline" "$n bytes"
printf '{"x":{"y":1.5}}' >"$TMP/float.json"
expect_rc "canonical --strict: float rejected with pointer" 2 "/x/y" -- "$MXM" canonical --strict "$TMP/float.json"
expect_rc "canonical: strict by default, float rejected" 2 "/x/y" -- "$MXM" canonical "$TMP/float.json"
expect_out "canonical --lax: float kept" '{"x":{"y":1.5}}' 0 -- "$MXM" canonical --lax "$TMP/float.json"
printf '{"n":9007199254740992}' >"$TMP/big.json"
printf '{"n":9007199254740991}' >"$TMP/max.json"
expect_rc "canonical: strict by default, 2^53 rejected" 2 "/n" -- "$MXM" canonical "$TMP/big.json"
expect_out "canonical: 2^53-1 is in range" '{"n":9007199254740991}' 0 -- "$MXM" canonical "$TMP/max.json"
expect_out "canonical --lax: 2^53 written" '{"n":9007199254740992}' 0 -- "$MXM" canonical --lax "$TMP/big.json"
expect_rc "canonical --room-version 6: float rejected" 2 "/x/y" -- "$MXM" canonical --room-version 6 "$TMP/float.json"
expect_out "canonical --room-version 5: float kept" '{"x":{"y":1.5}}' 0 -- "$MXM" canonical --room-version 5 "$TMP/float.json"
printf '{"a":' >"$TMP/broken.json"
expect_rc "canonical: malformed JSON" 2 "broken.json" -- "$MXM" canonical "$TMP/broken.json"
expect_rc "canonical: unknown room version" 2 "unknown room version" -- "$MXM" canonical --room-version 99 "$TMP/num.json"

# --- sign (appendix "JSON Signing") ---
expect_out "sign {}" '{"signatures":{"domain":{"ed25519:1":"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"}}}' 0 -- bash -c "printf '{}' | '$MXM' sign --seed $SEED --server domain"
printf '{\n    "one": 1,\n    "two": "Two"\n}' >"$TMP/onetwo.json"
expect_out "sign one/two" '{"one":1,"signatures":{"domain":{"ed25519:1":"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"}},"two":"Two"}' 0 -- "$MXM" sign --seed "$SEED" --key-id ed25519:1 --server domain "$TMP/onetwo.json"

# --- sign an event (appendix "Event Signing", minimal event) ---
cat >"$TMP/event.json" <<'JSON'
{
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "signatures": {},
    "hashes": {},
    "type": "X",
    "content": {},
    "prev_events": [],
    "auth_events": [],
    "depth": 3,
    "unsigned": {
        "age_ts": 1000000
    }
}
JSON
expect_out "sign event (room version 1)" '{"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},"origin":"domain","origin_server_ts":1000000,"prev_events":[],"room_id":"!x:domain","sender":"@a:domain","signatures":{"domain":{"ed25519:1":"KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},"type":"X","unsigned":{"age_ts":1000000}}' 0 -- "$MXM" sign --seed "$SEED" --server domain --room-version 1 "$TMP/event.json"

# --- hash ---
"$MXM" hash --room-version 1 "$TMP/event.json" >"$TMP/hash.out" 2>"$TMP/err"
if [ $? = 0 ] && grep -qF '"content_hash":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"' "$TMP/hash.out" &&
   grep -qF '"event_id":null' "$TMP/hash.out"; then ok "hash: appendix content hash, v1 without event_id"; else
  bad "hash: appendix content hash" "$(cat "$TMP/hash.out" "$TMP/err")"; fi
"$MXM" hash --room-version 4 "$TMP/event.json" >"$TMP/hash4.out" 2>"$TMP/err"
if [ $? = 0 ] && grep -qE '"event_id":"\$[A-Za-z0-9_-]{43}"' "$TMP/hash4.out"; then ok "hash: v4 URL-safe event ID"; else
  bad "hash: v4 event ID" "$(cat "$TMP/hash4.out" "$TMP/err")"; fi
printf '{"type":"m.room.create","state_key":"","sender":"@a:d","content":{"room_version":"12"}}' >"$TMP/create12.json"
"$MXM" hash --room-version 12 "$TMP/create12.json" >"$TMP/hash12.out" 2>"$TMP/err"
id12=$(grep -oE '"event_id":"\$[A-Za-z0-9_-]{43}"' "$TMP/hash12.out" | sed 's/.*"\$//; s/"$//')
if [ -n "$id12" ] && grep -qF "\"room_id\":\"!$id12\"" "$TMP/hash12.out"; then ok "hash: v12 room ID is ! + create event ID"; else
  bad "hash: v12 room ID" "$(cat "$TMP/hash12.out" "$TMP/err")"; fi
expect_rc "hash: --room-version required" 2 "--room-version is required" -- "$MXM" hash "$TMP/event.json"

# --- verify ---
PK=$("$MXM" sign --seed "$SEED" --show-public-key)
[ ${#PK} = 43 ] && ok "sign --show-public-key: 43 characters" || bad "sign --show-public-key" "$PK"
"$MXM" sign --seed "$SEED" --server domain --room-version 1 "$TMP/event.json" >"$TMP/signed_event.json"
expect_out "verify: signed event valid" valid 0 -- "$MXM" verify --server domain --key-id ed25519:1 --public-key "$PK" --room-version 1 "$TMP/signed_event.json"
PK_URL=$(printf '%s' "$PK" | tr '+/' '-_')
expect_out "verify: URL-safe public key" valid 0 -- "$MXM" verify --server domain --key-id ed25519:1 --public-key "$PK_URL" --room-version 1 "$TMP/signed_event.json"
sed 's/"depth":3/"depth":4/' "$TMP/signed_event.json" >"$TMP/tampered.json"
expect_out "verify: tampered event invalid" invalid 1 -- "$MXM" verify --server domain --key-id ed25519:1 --public-key "$PK" --room-version 1 "$TMP/tampered.json"
expect_out "verify: wrong server invalid" invalid 1 -- "$MXM" verify --server other --key-id ed25519:1 --public-key "$PK" --room-version 1 "$TMP/signed_event.json"
printf '{"signatures":{"domain":{"ed25519:1":"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"}}}' >"$TMP/signed_empty.json"
expect_out "verify: appendix {} signature" valid 0 -- "$MXM" verify --server domain --key-id ed25519:1 --public-key "$PK" "$TMP/signed_empty.json"
expect_out "verify: missing signature" invalid 1 -- "$MXM" verify --server domain --key-id ed25519:1 --public-key "$PK" "$TMP/onetwo.json"
expect_rc "verify: bad public key" 2 "public-key" -- "$MXM" verify --server domain --key-id ed25519:1 --public-key 'abc' "$TMP/signed_empty.json"
expect_rc "verify: options required" 2 "required" -- "$MXM" verify "$TMP/signed_empty.json"

# --- conformance key names (FORMAT.md "Keys") ---
"$MXM" sign --key-name is1 --server is.example "$TMP/onetwo.json" >"$TMP/is1.json"
PK_IS1=$("$MXM" sign --key-name is1 --show-public-key)
expect_out "sign --key-name then verify" valid 0 -- "$MXM" verify --server is.example --key-id ed25519:1 --public-key "$PK_IS1" "$TMP/is1.json"
expect_rc "sign: seed and key name are exclusive" 2 "exactly one" -- "$MXM" sign --seed "$SEED" --key-name is1 --server d "$TMP/onetwo.json"
expect_rc "sign: bad seed" 2 "seed" -- "$MXM" sign --seed 'Zm9v' --server d "$TMP/onetwo.json"

# --- redact (v11 drops origin and membership; member keeps signed) ---
cat >"$TMP/member.json" <<'JSON'
{"type":"m.room.member","state_key":"@b:d","sender":"@a:d","room_id":"!r:d","origin":"d","membership":"invite",
 "content":{"membership":"invite","displayname":"B","third_party_invite":{"display_name":"b","signed":{"mxid":"@b:d","token":"t"}}},
 "unsigned":{"age":1}}
JSON
expect_out "redact v11 member" '{"content":{"membership":"invite","third_party_invite":{"signed":{"mxid":"@b:d","token":"t"}}},"room_id":"!r:d","sender":"@a:d","state_key":"@b:d","type":"m.room.member"}' 0 -- "$MXM" redact --room-version 11 "$TMP/member.json"
expect_out "redact v1 member" '{"content":{"membership":"invite"},"membership":"invite","origin":"d","room_id":"!r:d","sender":"@a:d","state_key":"@b:d","type":"m.room.member"}' 0 -- "$MXM" redact --room-version 1 "$TMP/member.json"
expect_rc "redact: --room-version required" 2 "--room-version is required" -- "$MXM" redact "$TMP/member.json"
printf '[1]' >"$TMP/array.json"
expect_rc "redact: not an object" 2 "not an object" -- "$MXM" redact --room-version 1 "$TMP/array.json"

# --- help ---
for c in canonical redact hash sign verify; do
  "$MXM" "$c" --help >"$TMP/help" 2>&1
  if [ $? = 0 ] && grep -q "usage: mxm $c" "$TMP/help"; then ok "$c --help"; else bad "$c --help" "$(cat "$TMP/help")"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
