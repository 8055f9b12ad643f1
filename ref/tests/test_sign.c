/*
 * test_sign.c: keys, base64, JSON signing, hashes, event IDs and event
 * signing (mxm/sign.h) against content/appendices.md "Cryptographic Test
 * Vectors" and "Unpadded Base64", byte for byte.
 *
 * The room-version rows are written here by hand (only the columns sign.c
 * reads), so the vectors test this module alone: the appendix event
 * vectors use the original (v1) redaction algorithm and event format.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/canonical.h"
#include "mxm/redact.h"
#include "mxm/sign.h"
#include "tap.h"

static struct mxm_room_version rv_v1, rv_v3, rv_v4, rv_v6, rv_v11, rv_v12;

static void init_versions(void)
{
  rv_v1.id = "1";
  rv_v1.number = 1;
  rv_v1.redaction = 1;
  rv_v1.event_id_format = MXM_EVENT_ID_SERVER;
  rv_v3 = rv_v1;
  rv_v3.id = "3";
  rv_v3.number = 3;
  rv_v3.event_id_format = MXM_EVENT_ID_HASH_STD;
  rv_v4 = rv_v3;
  rv_v4.id = "4";
  rv_v4.number = 4;
  rv_v4.event_id_format = MXM_EVENT_ID_HASH_URL;
  rv_v6 = rv_v4;
  rv_v6.id = "6";
  rv_v6.number = 6;
  rv_v6.redaction = 6;
  rv_v6.strict_canonical = 1;
  rv_v11 = rv_v6;
  rv_v11.id = "11";
  rv_v11.number = 11;
  rv_v11.redaction = 11;
  rv_v12 = rv_v11;
  rv_v12.id = "12";
  rv_v12.number = 12;
  rv_v12.creators_v12 = 1;
}

static struct mxm_json *parse(const char *s)
{
  struct mxm_json *j = NULL;
  struct mxm_error err;
  if(mxm_json_parse(s, strlen(s), &j, &err) != MXM_OK) {
    tap_check(0, "fixture parses", "%s: %s", s, err.message);
    return NULL;
  }
  return j;
}

/* Canonical (strict) text of j, for whole-object comparisons. */
static char *canon(const struct mxm_json *j, enum mxm_canon_mode mode)
{
  char *out = NULL;
  if(mxm_canonical_encode(j, mode, &out, NULL, NULL) != MXM_OK)
    return NULL;
  return out;
}

#define SEED "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"

/* ---- appendix "Unpadded Base64" and the decoder's choices ---- */
struct b64_case {
  const char *in;
  long len;           /* -1 = must be rejected */
  const char *bytes;  /* expected bytes when len >= 0 */
};
static const struct b64_case b64_cases[] = {
  {"", 0, ""},
  {"Zg", 1, "f"},
  {"Zm8", 2, "fo"},
  {"Zm9v", 3, "foo"},
  {"Zm9vYg", 4, "foob"},
  {"Zm9vYmE", 5, "fooba"},
  {"Zm9vYmFy", 6, "foobar"},
  {"Zg==", 1, "f"},      /* padding accepted (appendix: SHOULD) */
  {"Zm8=", 2, "fo"},
  {"Zh", 1, "f"},        /* non-zero unused bits ignored (see sign.c) */
  {"Zg=", -1, NULL},     /* wrong padding */
  {"Zm8==", -1, NULL},
  {"Z", -1, NULL},       /* impossible length */
  {"Zm9vY", -1, NULL},
  {"Zm 9v", -1, NULL},   /* not in either alphabet */
  {"Zm9v*", -1, NULL},
  {"-_8", 2, "\xfb\xff"},  /* URL-safe */
  {"+/8", 2, "\xfb\xff"},  /* standard */
  {"+_8", -1, NULL},       /* mixed alphabets */
};

static void test_base64(void)
{
  size_t i;
  unsigned char out[16];
  char enc[16];
  for(i = 0; i < sizeof(b64_cases) / sizeof(b64_cases[0]); i++) {
    const struct b64_case *c = &b64_cases[i];
    long n = mxm_base64_decode_any(c->in, out, sizeof(out));
    char name[64];
    snprintf(name, sizeof(name), "base64 decode \"%s\"", c->in);
    tap_int_eq(name, c->len, n);
    if(c->len > 0 && n == c->len)
      tap_check(memcmp(out, c->bytes, (size_t)n) == 0, name, "bytes differ");
  }
  tap_int_eq("base64 decode: output too small", -1, mxm_base64_decode_any("Zm9vYmFy", out, 5));
  tap_str_eq("base64 encode foobar", "Zm9vYmFy", mxm_base64_encode((const unsigned char *)"foobar", 6, enc, sizeof(enc)));
  tap_str_eq("base64 encode f", "Zg", mxm_base64_encode((const unsigned char *)"f", 1, enc, sizeof(enc)));
  tap_check(mxm_base64_encode((const unsigned char *)"foobar", 6, enc, 8) == NULL, "base64 encode: buffer too small",
            "accepted an 8-byte buffer for 8 characters + NUL");
}

/* ---- appendix "JSON Signing" ---- */
struct json_sign_case {
  const char *name;
  const char *input;
  const char *signature;
  const char *canonical_out; /* the appendix's signed output, canonicalised by hand */
};
static const struct json_sign_case json_sign_cases[] = {
  {"appendix: sign {}", "{}",
   "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ",
   "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/"
   "7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}"},
  {"appendix: sign one/two", "{\n    \"one\": 1,\n    \"two\": \"Two\"\n}",
   "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
   "{\"one\":1,\"signatures\":{\"domain\":{\"ed25519:1\":\"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/"
   "fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw\"}},\"two\":\"Two\"}"},
  /* signatures and unsigned are not covered: the same signature as {}. */
  {"unsigned and old signatures not covered",
   "{\"unsigned\":{\"age_ts\":1},\"signatures\":{\"other\":{\"ed25519:x\":\"abc\"}}}",
   "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ",
   "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/"
   "7Xg4ahLwYGYZzuHGZKM5ZAQ\"},\"other\":{\"ed25519:x\":\"abc\"}},\"unsigned\":{\"age_ts\":1}}"},
};

static void test_json_signing(const struct mxm_signing_key *key)
{
  size_t i;
  for(i = 0; i < sizeof(json_sign_cases) / sizeof(json_sign_cases[0]); i++) {
    const struct json_sign_case *c = &json_sign_cases[i];
    struct mxm_json *j = parse(c->input);
    struct mxm_error err;
    char *out;
    if(!j)
      continue;
    tap_int_eq(c->name, MXM_OK, mxm_sign_json(j, "domain", key, &err));
    tap_str_eq(c->name, c->signature,
               mxm_json_string(mxm_json_get(mxm_json_get(mxm_json_get(j, "signatures"), "domain"), "ed25519:1")));
    out = canon(j, MXM_CANON_STRICT);
    tap_str_eq(c->name, c->canonical_out, out);
    free(out);
    tap_check(mxm_verify_json(j, "domain", "ed25519:1", key->public_key) == 1, c->name, "own signature must verify");
    mxm_json_free(&j);
  }
}

/* ---- "Checking for a Signature": good, bad, missing ---- */
struct verify_case {
  const char *name;
  const char *json;
  const char *entity;
  const char *key_id;
  int expect;
};
static const struct verify_case verify_cases[] = {
  {"verify: appendix {} signed", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "ed25519:1", 1},
  {"verify: same signature URL-safe alphabet", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280_U9SSy9IVtjBuVeLr-HpOB4BQFWbg-UZaADMtTdGYI7Geitb76LTrr5QV_7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "ed25519:1", 1},
  {"verify: unsigned ignored", "{\"unsigned\":{\"x\":1},\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "ed25519:1", 1},
  {"verify: content changed", "{\"a\":1,\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "ed25519:1", 0},
  {"verify: one/two signature on {}", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw\"}}}", "domain", "ed25519:1", 0},
  {"verify: wrong entity", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "other", "ed25519:1", 0},
  {"verify: wrong key id", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "ed25519:2", 0},
  {"verify: unknown algorithm", "{\"signatures\":{\"domain\":{\"curve:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "curve:1", 0},
  {"verify: no signatures", "{}", "domain", "ed25519:1", 0},
  {"verify: signatures not an object", "{\"signatures\":[1]}", "domain", "ed25519:1", 0},
  {"verify: signature not a string", "{\"signatures\":{\"domain\":{\"ed25519:1\":7}}}", "domain", "ed25519:1", 0},
  {"verify: truncated signature", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr\"}}}", "domain", "ed25519:1", 0},
  {"verify: not base64", "{\"signatures\":{\"domain\":{\"ed25519:1\":\"!!!!\"}}}", "domain", "ed25519:1", 0},
  {"verify: float in strict mode", "{\"x\":1.5,\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}", "domain", "ed25519:1", 0},
};

static void test_verify(const struct mxm_signing_key *key)
{
  size_t i;
  for(i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]); i++) {
    const struct verify_case *c = &verify_cases[i];
    struct mxm_json *j = parse(c->json);
    if(!j)
      continue;
    tap_int_eq(c->name, c->expect, mxm_verify_json(j, c->entity, c->key_id, key->public_key));
    mxm_json_free(&j);
  }
  {
    /* A different key does not verify the appendix signature. */
    struct mxm_signing_key other;
    struct mxm_json *j = parse(verify_cases[0].json);
    if(mxm_signing_key_for_name("domain", &other) == MXM_OK && j)
      tap_int_eq("verify: other public key", 0, mxm_verify_json(j, "domain", "ed25519:1", other.public_key));
    mxm_json_free(&j);
  }
}

/* ---- appendix "Event Signing" ---- */
struct event_case {
  const char *name;
  const char *input;
  const char *content_hash;
  const char *signature;
  const char *canonical_out; /* appendix output canonicalised by hand */
  const char *redacted_canonical; /* hand-redacted (v1 algorithm), for the reference hash */
};
static const struct event_case event_cases[] = {
  {"appendix: minimal event",
   "{\"room_id\":\"!x:domain\",\"sender\":\"@a:domain\",\"origin\":\"domain\",\"origin_server_ts\":1000000,"
   "\"signatures\":{},\"hashes\":{},\"type\":\"X\",\"content\":{},\"prev_events\":[],\"auth_events\":[],"
   "\"depth\":3,\"unsigned\":{\"age_ts\":1000000}}",
   "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos",
   "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg",
   "{\"auth_events\":[],\"content\":{},\"depth\":3,\"hashes\":{\"sha256\":\"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos\"},"
   "\"origin\":\"domain\",\"origin_server_ts\":1000000,\"prev_events\":[],\"room_id\":\"!x:domain\",\"sender\":"
   "\"@a:domain\",\"signatures\":{\"domain\":{\"ed25519:1\":\"KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg\"}},"
   "\"type\":\"X\",\"unsigned\":{\"age_ts\":1000000}}",
   "{\"auth_events\":[],\"content\":{},\"depth\":3,\"hashes\":{\"sha256\":\"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos\"},"
   "\"origin\":\"domain\",\"origin_server_ts\":1000000,\"prev_events\":[],\"room_id\":\"!x:domain\",\"sender\":"
   "\"@a:domain\",\"type\":\"X\"}"},
  {"appendix: redactable event",
   "{\"content\":{\"body\":\"Here is the message content\"},\"event_id\":\"$0:domain\",\"origin\":\"domain\","
   "\"origin_server_ts\":1000000,\"type\":\"m.room.message\",\"room_id\":\"!r:domain\",\"sender\":\"@u:domain\","
   "\"signatures\":{},\"unsigned\":{\"age_ts\":1000000}}",
   "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g",
   "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA",
   "{\"content\":{\"body\":\"Here is the message content\"},\"event_id\":\"$0:domain\",\"hashes\":{\"sha256\":"
   "\"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g\"},\"origin\":\"domain\",\"origin_server_ts\":1000000,"
   "\"room_id\":\"!r:domain\",\"sender\":\"@u:domain\",\"signatures\":{\"domain\":{\"ed25519:1\":"
   "\"Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA\"}},\"type\":"
   "\"m.room.message\",\"unsigned\":{\"age_ts\":1000000}}",
   "{\"content\":{},\"event_id\":\"$0:domain\",\"hashes\":{\"sha256\":\"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g\"},"
   "\"origin\":\"domain\",\"origin_server_ts\":1000000,\"room_id\":\"!r:domain\",\"sender\":\"@u:domain\","
   "\"type\":\"m.room.message\"}"},
};

/* "$" + base64 (given variant) of SHA-256(text). The expected event ID
 * from a hand-written redacted form, with libsodium as the oracle. */
static void expected_id(const char *text, int variant, char *out, size_t outlen)
{
  unsigned char h[32];
  crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
  out[0] = '$';
  sodium_bin2base64(out + 1, outlen - 1, h, sizeof(h), variant);
}

static void test_event_signing(const struct mxm_signing_key *key)
{
  size_t i;
  for(i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
    const struct event_case *c = &event_cases[i];
    struct mxm_json *ev = parse(c->input);
    struct mxm_error err;
    unsigned char hash[32];
    char b64[64], id[MXM_EVENT_ID_MAX], want[MXM_EVENT_ID_MAX];
    char *out;
    if(!ev)
      continue;
    tap_int_eq(c->name, MXM_OK, mxm_content_hash(ev, &rv_v1, hash, &err));
    tap_str_eq(c->name, c->content_hash, mxm_base64_encode(hash, 32, b64, sizeof(b64)));
    tap_int_eq(c->name, MXM_OK, mxm_sign_event(ev, &rv_v1, "domain", key, &err));
    out = canon(ev, MXM_CANON_LAX);
    tap_str_eq(c->name, c->canonical_out, out);
    free(out);
    tap_str_eq(c->name, c->signature,
               mxm_json_string(mxm_json_get(mxm_json_get(mxm_json_get(ev, "signatures"), "domain"), "ed25519:1")));
    tap_int_eq("verify signed event", 1, mxm_verify_event_server(ev, &rv_v1, "domain", "ed25519:1", key->public_key));
    tap_int_eq("verify signed event, wrong server", 0,
               mxm_verify_event_server(ev, &rv_v1, "other", "ed25519:1", key->public_key));

    /* Event IDs: v3 standard, v4 URL-safe base64 of the reference hash. */
    tap_int_eq(c->name, MXM_OK, mxm_compute_event_id(ev, &rv_v3, id, &err));
    expected_id(c->redacted_canonical, sodium_base64_VARIANT_ORIGINAL_NO_PADDING, want, sizeof(want));
    tap_str_eq("event ID v3 (standard alphabet)", want, id);
    tap_int_eq(c->name, MXM_OK, mxm_compute_event_id(ev, &rv_v4, id, &err));
    expected_id(c->redacted_canonical, sodium_base64_VARIANT_URLSAFE_NO_PADDING, want, sizeof(want));
    tap_str_eq("event ID v4 (URL-safe alphabet)", want, id);

    /* Redactable content changes neither the reference hash nor the
     * signature check; a kept key does. */
    {
      struct mxm_json *content = mxm_json_get_mut(ev, "content");
      char id2[MXM_EVENT_ID_MAX];
      if(content && mxm_json_object_set(content, "extra", mxm_json_new_string("x")) == MXM_OK) {
        tap_int_eq(c->name, MXM_OK, mxm_compute_event_id(ev, &rv_v4, id2, &err));
        tap_str_eq("event ID ignores redacted content", id, id2);
        tap_int_eq("signature survives redactable edit", 1,
                   mxm_verify_event_server(ev, &rv_v1, "domain", "ed25519:1", key->public_key));
      }
      if(mxm_json_object_set(ev, "origin_server_ts", mxm_json_new_int(1000001)) == MXM_OK) {
        tap_int_eq(c->name, MXM_OK, mxm_compute_event_id(ev, &rv_v4, id2, &err));
        tap_check(strcmp(id, id2) != 0, "event ID covers origin_server_ts", "same ID %s", id2);
        tap_int_eq("signature broken by a kept-key edit", 0,
                   mxm_verify_event_server(ev, &rv_v1, "domain", "ed25519:1", key->public_key));
      }
    }
    mxm_json_free(&ev);
  }
}

static void test_event_ids(void)
{
  struct mxm_error err;
  char id[MXM_EVENT_ID_MAX], want[MXM_EVENT_ID_MAX];
  struct mxm_json *ev;
  static const char long_id[] =
      "{\"event_id\":\"$"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:d\"}";

  ev = parse("{\"event_id\":\"$abc:example.org\",\"type\":\"X\"}");
  tap_int_eq("v1 event ID from the event", MXM_OK, mxm_compute_event_id(ev, &rv_v1, id, &err));
  tap_str_eq("v1 event ID value", "$abc:example.org", id);
  mxm_json_free(&ev);
  ev = parse("{\"type\":\"X\"}");
  tap_int_eq("v1 event without event_id", MXM_E_MALFORMED, mxm_compute_event_id(ev, &rv_v1, id, &err));
  tap_str_eq("v1 missing event_id pointer", "/event_id", err.where);
  mxm_json_free(&ev);
  ev = parse("{\"event_id\":5}");
  tap_int_eq("v1 event_id not a string", MXM_E_MALFORMED, mxm_compute_event_id(ev, &rv_v1, id, &err));
  mxm_json_free(&ev);
  {
    /* Boundary: 63 bytes fit MXM_EVENT_ID_MAX (64 with NUL), 64 do not. */
    char buf[200], want63[64];
    memset(want63, 'a', 63);
    want63[0] = '$';
    want63[61] = ':';
    want63[62] = 'd';
    want63[63] = '\0';
    snprintf(buf, sizeof(buf), "{\"event_id\":\"%s\"}", want63);
    ev = parse(buf);
    tap_int_eq("v1 event_id of 63 bytes", MXM_OK, mxm_compute_event_id(ev, &rv_v1, id, &err));
    tap_str_eq("v1 event_id of 63 bytes value", want63, id);
    mxm_json_free(&ev);
    snprintf(buf, sizeof(buf), "{\"event_id\":\"a%s\"}", want63);
    ev = parse(buf);
    tap_int_eq("v1 event_id of 64 bytes", MXM_E_TOO_BIG, mxm_compute_event_id(ev, &rv_v1, id, &err));
    mxm_json_free(&ev);
  }
  ev = parse(long_id);
  tap_int_eq("v1 event_id longer than MXM_EVENT_ID_MAX-1", MXM_E_TOO_BIG, mxm_compute_event_id(ev, &rv_v1, id, &err));
  mxm_json_free(&ev);

  /* v11 drops origin from the redacted form: the ID differs from the v4
   * one, and equals the hash of the hand-redacted v11 form. */
  ev = parse("{\"type\":\"m.room.member\",\"state_key\":\"@a:d\",\"sender\":\"@a:d\",\"origin\":\"d\","
             "\"membership\":\"join\",\"content\":{\"membership\":\"join\",\"displayname\":\"A\"},"
             "\"unsigned\":{\"age\":1}}");
  tap_int_eq("v11 event ID", MXM_OK, mxm_compute_event_id(ev, &rv_v11, id, &err));
  expected_id("{\"content\":{\"membership\":\"join\"},\"sender\":\"@a:d\",\"state_key\":\"@a:d\",\"type\":\"m.room.member\"}",
              sodium_base64_VARIANT_URLSAFE_NO_PADDING, want, sizeof(want));
  tap_str_eq("v11 event ID value", want, id);
  tap_int_eq("v6 event ID", MXM_OK, mxm_compute_event_id(ev, &rv_v6, id, &err));
  expected_id("{\"content\":{\"membership\":\"join\"},\"membership\":\"join\",\"origin\":\"d\",\"sender\":\"@a:d\","
              "\"state_key\":\"@a:d\",\"type\":\"m.room.member\"}",
              sodium_base64_VARIANT_URLSAFE_NO_PADDING, want, sizeof(want));
  tap_str_eq("v6 event ID value", want, id);
  mxm_json_free(&ev);

  /* Strict versions refuse floats; lax ones hash them. */
  ev = parse("{\"type\":\"X\",\"depth\":1.5,\"content\":{}}");
  tap_int_eq("v6 event ID with a float", MXM_E_MALFORMED, mxm_compute_event_id(ev, &rv_v6, id, &err));
  tap_str_eq("v6 float pointer", "/depth", err.where);
  tap_int_eq("v4 event ID with a float", MXM_OK, mxm_compute_event_id(ev, &rv_v4, id, &err));
  mxm_json_free(&ev);

  ev = parse("[]");
  tap_int_eq("event ID of an array", MXM_E_MALFORMED, mxm_compute_event_id(ev, &rv_v4, id, &err));
  mxm_json_free(&ev);

  /* v12 room ID: "!" + the create event's ID without "$". */
  ev = parse("{\"type\":\"m.room.create\",\"state_key\":\"\",\"sender\":\"@a:d\",\"content\":{\"room_version\":\"12\"}}");
  tap_int_eq("v12 room ID", MXM_OK, mxm_room_id_from_create(ev, &rv_v12, id, &err));
  expected_id("{\"content\":{\"room_version\":\"12\"},\"sender\":\"@a:d\",\"state_key\":\"\",\"type\":\"m.room.create\"}",
              sodium_base64_VARIANT_URLSAFE_NO_PADDING, want, sizeof(want));
  want[0] = '!';
  tap_str_eq("v12 room ID value", want, id);
  tap_int_eq("room ID from create in v11", MXM_E_UNSUPPORTED, mxm_room_id_from_create(ev, &rv_v11, id, &err));
  mxm_json_free(&ev);
  ev = parse("{\"type\":\"m.room.member\",\"content\":{}}");
  tap_int_eq("room ID from a non-create event", MXM_E_MALFORMED, mxm_room_id_from_create(ev, &rv_v12, id, &err));
  mxm_json_free(&ev);
}

static void test_keys(void)
{
  struct mxm_signing_key k;
  struct mxm_error err;
  unsigned char seed[32], pk[32], sk[64];
  char b64[64];
  static const char name_seed[] = "mxm-conformance-key:example.org";

  tap_int_eq("seed b64: appendix seed", MXM_OK, mxm_signing_key_from_seed_b64(SEED, "ed25519:1", &k, &err));
  tap_int_eq("seed b64: too short", MXM_E_MALFORMED, mxm_signing_key_from_seed_b64("Zm9v", "ed25519:1", &k, &err));
  tap_int_eq("seed b64: bad key id", MXM_E_USAGE, mxm_signing_key_from_seed_b64(SEED, "rsa:1", &k, &err));
  tap_int_eq("seed b64: garbage", MXM_E_MALFORMED, mxm_signing_key_from_seed_b64("!!", "ed25519:1", &k, &err));

  /* FORMAT.md "Keys": seed = SHA-256("mxm-conformance-key:" + name). */
  crypto_hash_sha256(seed, (const unsigned char *)name_seed, sizeof(name_seed) - 1);
  crypto_sign_seed_keypair(pk, sk, seed);
  tap_int_eq("key for name", MXM_OK, mxm_signing_key_for_name("example.org", &k));
  tap_check(memcmp(k.public_key, pk, 32) == 0, "key for name: public key", "differs from SHA-256 derivation");
  tap_str_eq("key for name: key id", "ed25519:1", k.key_id);
  mxm_signing_key_public_b64(&k, b64, sizeof(b64));
  tap_int_eq("public key b64 length", 43, (int64_t)strlen(b64));
  tap_int_eq("public key b64 round trip", 32, mxm_base64_decode_any(b64, seed, sizeof(seed)));
  tap_check(memcmp(seed, pk, 32) == 0, "public key b64 bytes", "differ");
}

/* Signing into objects whose signatures or hashes have the wrong shape. */
static void test_sign_errors(const struct mxm_signing_key *key)
{
  struct mxm_error err;
  struct mxm_json *j = parse("{\"signatures\":[]}");
  tap_int_eq("sign: signatures not an object", MXM_E_MALFORMED, mxm_sign_json(j, "domain", key, &err));
  tap_str_eq("sign: signatures pointer", "/signatures", err.where);
  mxm_json_free(&j);
  j = parse("{\"signatures\":{\"domain\":\"x\"}}");
  tap_int_eq("sign: signatures.domain not an object", MXM_E_MALFORMED, mxm_sign_json(j, "domain", key, &err));
  mxm_json_free(&j);
  j = parse("[]");
  tap_int_eq("sign: array", MXM_E_MALFORMED, mxm_sign_json(j, "domain", key, &err));
  mxm_json_free(&j);
  j = parse("{\"x\":1.5}");
  tap_int_eq("sign: float is not strict canonical", MXM_E_MALFORMED, mxm_sign_json(j, "domain", key, &err));
  tap_str_eq("sign: float pointer", "/x", err.where);
  mxm_json_free(&j);
  j = parse("{\"type\":\"X\",\"hashes\":7,\"content\":{}}");
  tap_int_eq("sign event: hashes not an object", MXM_E_MALFORMED, mxm_sign_event(j, &rv_v6, "domain", key, &err));
  tap_str_eq("sign event: hashes pointer", "/hashes", err.where);
  mxm_json_free(&j);
  j = parse("{\"type\":\"X\",\"content\":{\"f\":0.5}}");
  tap_int_eq("sign event v6: float", MXM_E_MALFORMED, mxm_sign_event(j, &rv_v6, "domain", key, &err));
  tap_str_eq("sign event v6: float pointer", "/content/f", err.where);
  tap_int_eq("sign event v4: float is lax", MXM_OK, mxm_sign_event(j, &rv_v4, "domain", key, &err));
  tap_int_eq("verify event v4 with float", 1, mxm_verify_event_server(j, &rv_v4, "domain", "ed25519:1", key->public_key));
  mxm_json_free(&j);
}

int main(void)
{
  struct mxm_signing_key key;
  struct mxm_error err;
  init_versions();
  test_base64();
  test_keys();
  if(!tap_check(mxm_signing_key_from_seed_b64(SEED, "ed25519:1", &key, &err) == MXM_OK, "appendix key",
                "%s", err.message))
    return tap_done();
  test_json_signing(&key);
  test_verify(&key);
  test_event_signing(&key);
  test_event_ids();
  test_sign_errors(&key);
  return tap_done();
}
