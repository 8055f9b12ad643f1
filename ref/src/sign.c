/*
 * sign.c: keys, unpadded base64, JSON signatures, content and reference
 * hashes, event IDs and event signing (mxm/sign.h).
 *
 * Sources: content/appendices.md ("Unpadded Base64", "Signing Details",
 * "Checking for a Signature", "Cryptographic Test Vectors"),
 * content/server-server-api.md ("Signing Events", "Calculating the
 * reference hash for an event", "Calculating the content hash for an
 * event"), content/rooms/fragments/v4-event-ids.md and v12.md.
 *
 * Every cryptographic primitive is libsodium's: crypto_sign_seed_keypair,
 * crypto_sign_detached, crypto_sign_verify_detached, crypto_hash_sha256,
 * sodium_bin2base64 and sodium_base642bin. This file only arranges bytes.
 *
 * Decisions (also in the report):
 *   - Base64 decoding accepts unpadded or correctly padded input, in the
 *     standard or the URL-safe alphabet (not both in one string), and
 *     ignores non-zero unused bits in the last character. RFC 4648 3.5 lets
 *     a decoder reject such input, but the appendix's own test seed
 *     "YJDBA9...XA1" has them (its last character '1' carries the bits 01
 *     past the 256th bit), and libsodium rejects them, so those bits are
 *     cleared before libsodium decodes. The appendix says decoders SHOULD
 *     accept padding.
 *   - Signing and verifying canonicalise in the room version's mode for
 *     events (lax for v1-v5), strictly for plain JSON (3PID `signed`).
 *   - A signature is only looked up under the exact entity and key ID;
 *     "ed25519:" is the only algorithm understood (appendix step 2).
 */
#include "mxm/sign.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/redact.h"
#include "redact_int.h"
#include "sign_int.h"

/* sodium_init is thread-safe and idempotent; 0 or 1 mean ready. */
static int crypto_ready(void) { return sodium_init() >= 0; }

/* The test hook of sign_int.h. */
static mxmi_crypto_trace_fn trace_fn;
static void *trace_ctx;

void mxmi_crypto_trace_set(mxmi_crypto_trace_fn fn, void *ctx)
{
  trace_fn = fn;
  trace_ctx = ctx;
}

static void trace(enum mxmi_crypto_op op, const void *data, size_t len, const unsigned char *extra, size_t extra_len)
{
  if(trace_fn)
    trace_fn(op, data, len, extra, extra_len, trace_ctx);
}

static void trace_verify(const void *msg, size_t len, const unsigned char sig[64], const unsigned char pk[32])
{
  unsigned char extra[96];
  if(!trace_fn)
    return;
  memcpy(extra, sig, 64);
  memcpy(extra + 64, pk, 32);
  trace(MXMI_OP_VERIFY, msg, len, extra, sizeof(extra));
}

/* Keys a signature does not cover (appendices "Signing Details"), and the
 * content hash leaves out as well (server-server API "Calculating the
 * content hash for an event"). */
static const char *const unsigned_keys[] = {"signatures", "unsigned"};
static const char *const content_hash_keys[] = {"unsigned", "signatures", "hashes"};

static int has_ed25519_prefix(const char *key_id) { return key_id && strncmp(key_id, "ed25519:", 8) == 0; }

/* ------------------------------------------------------------------ */
/* Base64.                                                             */

char *mxm_base64_encode(const unsigned char *bin, size_t len, char *buf, size_t buflen)
{
  if(!buf || buflen < sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING))
    return NULL;
  return sodium_bin2base64(buf, buflen, bin, len, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

long mxm_base64_decode_any(const char *s, unsigned char *out, size_t outlen)
{
  size_t len, i, bin_len = 0;
  int url = 0, std = 0, variant;
  char tmp[1024];
  const char *alpha;
  const char *pos;
  if(!s || !out || !crypto_ready())
    return -1;
  len = strlen(s);
  /* Optional padding: only as many '=' as complete the last quantum. */
  if(len > 0 && s[len - 1] == '=') {
    size_t pad = 1;
    if(len > 1 && s[len - 2] == '=')
      pad = 2;
    if(len % 4 != 0)
      return -1;
    len -= pad;
    if(len % 4 == 1 || (pad == 2 && len % 4 != 2) || (pad == 1 && len % 4 != 3))
      return -1;
  }
  if(len % 4 == 1 || len >= sizeof(tmp))
    return -1;
  for(i = 0; i < len; i++) {
    char c = s[i];
    if(c == '+' || c == '/')
      std = 1;
    else if(c == '-' || c == '_')
      url = 1;
    else if(!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return -1;
  }
  if(std && url)
    return -1;
  alpha = url ? b64_url : b64_std;
  variant = url ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  /* Clear the unused low bits of the last character (see file header). */
  if(len % 4 == 2 || len % 4 == 3) {
    unsigned mask = len % 4 == 2 ? 0x30u : 0x3Cu;
    pos = strchr(alpha, tmp[len - 1]);
    if(!pos)
      return -1;
    tmp[len - 1] = alpha[(unsigned)(pos - alpha) & mask];
  }
  if(sodium_base642bin(out, outlen, tmp, len, NULL, &bin_len, NULL, variant) != 0)
    return -1;
  return (long)bin_len;
}

/* ------------------------------------------------------------------ */
/* Keys.                                                               */

enum mxm_status mxm_signing_key_from_seed(const unsigned char seed[32], const char *key_id,
                                          struct mxm_signing_key *out)
{
  if(!seed || !out || !has_ed25519_prefix(key_id) || strlen(key_id) >= sizeof(out->key_id))
    return MXM_E_USAGE;
  if(!crypto_ready())
    return MXM_E_CRYPTO;
  memset(out, 0, sizeof(*out));
  memcpy(out->seed, seed, 32);
  if(crypto_sign_seed_keypair(out->public_key, out->secret_key, out->seed) != 0)
    return MXM_E_CRYPTO;
  memcpy(out->key_id, key_id, strlen(key_id) + 1);
  return MXM_OK;
}

enum mxm_status mxm_signing_key_from_seed_b64(const char *seed_b64, const char *key_id,
                                              struct mxm_signing_key *out, struct mxm_error *err)
{
  unsigned char seed[64];
  long n = mxm_base64_decode_any(seed_b64, seed, sizeof(seed));
  enum mxm_status st;
  if(n != 32)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "seed is not unpadded base64 of 32 bytes");
  st = mxm_signing_key_from_seed(seed, key_id, out);
  sodium_memzero(seed, sizeof(seed));
  if(st == MXM_E_USAGE)
    return mxm_error_set(err, st, "", "key ID must start with \"ed25519:\" and be shorter than %zu bytes",
                         sizeof(out->key_id));
  if(st != MXM_OK)
    return mxm_error_set(err, st, "", "could not derive the Ed25519 key pair");
  return MXM_OK;
}

enum mxm_status mxm_signing_key_for_name(const char *name, struct mxm_signing_key *out)
{
  static const char prefix[] = "mxm-conformance-key:";
  unsigned char seed[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_state h;
  enum mxm_status st;
  if(!name || !out)
    return MXM_E_USAGE;
  if(!crypto_ready())
    return MXM_E_CRYPTO;
  crypto_hash_sha256_init(&h);
  crypto_hash_sha256_update(&h, (const unsigned char *)prefix, sizeof(prefix) - 1);
  crypto_hash_sha256_update(&h, (const unsigned char *)name, strlen(name));
  crypto_hash_sha256_final(&h, seed);
  st = mxm_signing_key_from_seed(seed, "ed25519:1", out);
  sodium_memzero(seed, sizeof(seed));
  return st;
}

void mxm_signing_key_public_b64(const struct mxm_signing_key *key, char *buf, size_t buflen)
{
  if(!buf || buflen == 0)
    return;
  if(!key || !mxm_base64_encode(key->public_key, 32, buf, buflen))
    buf[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* JSON signatures.                                                    */

/* Canonical bytes of obj without `signatures` and `unsigned`. */
enum mxm_status mxm_signing_bytes(const struct mxm_json *obj, enum mxm_canon_mode mode, char **out,
                                  size_t *out_len, struct mxm_error *err)
{
  if(mxm_json_type(obj) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "only a JSON object can be signed, not a JSON %s",
                         mxm_json_type_name(mxm_json_type(obj)));
  return mxm_canonical_encode_without(obj, mode, unsigned_keys, 2, out, out_len, err);
}

/* obj[key] as an object, created if absent. NULL if present but not an
 * object, or on out-of-memory (*st says which). */
static struct mxm_json *object_member(struct mxm_json *obj, const char *key, enum mxm_status *st)
{
  struct mxm_json *m = mxm_json_get_mut(obj, key);
  if(m) {
    *st = mxm_json_type(m) == MXM_JSON_OBJECT ? MXM_OK : MXM_E_MALFORMED;
    return *st == MXM_OK ? m : NULL;
  }
  *st = mxm_json_object_set(obj, key, mxm_json_new_object());
  return *st == MXM_OK ? mxm_json_get_mut(obj, key) : NULL;
}

/* signatures[entity][key_id] = sig_b64 in obj. */
static enum mxm_status put_signature(struct mxm_json *obj, const char *entity, const char *key_id,
                                     const char *sig_b64, struct mxm_error *err)
{
  enum mxm_status st;
  struct mxm_json *sigs = object_member(obj, "signatures", &st), *ent;
  if(!sigs)
    return mxm_error_set(err, st, "/signatures",
                         st == MXM_E_NOMEM ? "out of memory" : "signatures is not an object");
  ent = object_member(sigs, entity, &st);
  if(!ent)
    return mxm_error_set(err, st, "/signatures",
                         st == MXM_E_NOMEM ? "out of memory" : "signatures[%s] is not an object", entity);
  st = mxm_json_object_set(ent, key_id, mxm_json_new_string(sig_b64));
  if(st != MXM_OK)
    return mxm_error_set(err, st, "/signatures", "could not store the signature");
  return MXM_OK;
}

enum mxm_status mxm_sign_bytes_b64(const char *msg, size_t len, const struct mxm_signing_key *key,
                                   char sig_b64[MXM_SIGNATURE_B64_MAX], struct mxm_error *err)
{
  unsigned char sig[crypto_sign_BYTES];
  if(!msg || !key || !sig_b64 || !has_ed25519_prefix(key->key_id))
    return mxm_error_set(err, MXM_E_USAGE, "", "sign: missing bytes, output or ed25519 key");
  if(!crypto_ready())
    return mxm_error_set(err, MXM_E_CRYPTO, "", "libsodium failed to initialise");
  trace(MXMI_OP_SIGN, msg, len, key->public_key, sizeof(key->public_key));
  if(crypto_sign_detached(sig, NULL, (const unsigned char *)msg, len, key->secret_key) != 0)
    return mxm_error_set(err, MXM_E_CRYPTO, "", "Ed25519 signing failed");
  (void)mxm_base64_encode(sig, sizeof(sig), sig_b64, MXM_SIGNATURE_B64_MAX);
  return MXM_OK;
}

/* Sign obj (its canonical form in the given mode, without signatures and
 * unsigned); the base64 signature goes to sig_b64. */
static enum mxm_status sign_mode(const struct mxm_json *obj, const struct mxm_signing_key *key,
                                 enum mxm_canon_mode mode, char sig_b64[MXM_SIGNATURE_B64_MAX], struct mxm_error *err)
{
  char *bytes = NULL;
  size_t len = 0;
  enum mxm_status st;
  if(!obj || !key || !has_ed25519_prefix(key->key_id))
    return mxm_error_set(err, MXM_E_USAGE, "", "sign: missing object, entity or ed25519 key");
  st = mxm_signing_bytes(obj, mode, &bytes, &len, err);
  if(st != MXM_OK)
    return st;
  st = mxm_sign_bytes_b64(bytes, len, key, sig_b64, err);
  free(bytes);
  return st;
}

enum mxm_status mxm_sign_json(struct mxm_json *obj, const char *entity, const struct mxm_signing_key *key,
                              struct mxm_error *err)
{
  char sig_b64[MXM_SIGNATURE_B64_MAX];
  enum mxm_status st;
  if(!obj || !entity || !key || !has_ed25519_prefix(key->key_id))
    return mxm_error_set(err, MXM_E_USAGE, "", "sign: missing object, entity or ed25519 key");
  st = sign_mode(obj, key, MXM_CANON_STRICT, sig_b64, err);
  if(st != MXM_OK)
    return st;
  return put_signature(obj, entity, key->key_id, sig_b64, err);
}

int mxm_verify_detached_b64(const char *msg, size_t len, const char *sig_b64, const unsigned char public_key[32])
{
  unsigned char sig[96];
  if(!msg || !sig_b64 || !public_key || !crypto_ready())
    return 0;
  if(mxm_base64_decode_any(sig_b64, sig, sizeof(sig)) != crypto_sign_BYTES)
    return 0;
  trace_verify(msg, len, sig, public_key);
  return crypto_sign_verify_detached(sig, (const unsigned char *)msg, len, public_key) == 0;
}

/* The verification, telling "does not verify" (MXM_OK, *valid = 0) from
 * "could not check" (MXM_E_NOMEM). */
static enum mxm_status verify_json_status(const struct mxm_json *obj, const char *entity, const char *key_id,
                                          const unsigned char public_key[32], enum mxm_canon_mode mode, int *valid)
{
  const char *sig_b64;
  unsigned char sig[96];
  char *bytes = NULL;
  size_t len = 0;
  enum mxm_status st;
  *valid = 0;
  if(!obj || !entity || !has_ed25519_prefix(key_id) || !public_key || !crypto_ready())
    return MXM_OK;
  sig_b64 = mxm_json_string(mxm_json_get(mxm_json_get(mxm_json_get(obj, "signatures"), entity), key_id));
  if(!sig_b64 || mxm_base64_decode_any(sig_b64, sig, sizeof(sig)) != crypto_sign_BYTES)
    return MXM_OK;
  st = mxm_signing_bytes(obj, mode, &bytes, &len, NULL);
  if(st != MXM_OK)
    return st == MXM_E_NOMEM ? st : MXM_OK; /* not canonical JSON: cannot carry a valid signature */
  trace_verify(bytes, len, sig, public_key);
  *valid = crypto_sign_verify_detached(sig, (const unsigned char *)bytes, len, public_key) == 0;
  free(bytes);
  return MXM_OK;
}

int mxm_verify_json_mode(const struct mxm_json *obj, const char *entity, const char *key_id,
                         const unsigned char public_key[32], enum mxm_canon_mode mode)
{
  int valid;
  return verify_json_status(obj, entity, key_id, public_key, mode, &valid) == MXM_OK && valid;
}

int mxm_verify_json(const struct mxm_json *obj, const char *entity, const char *key_id,
                    const unsigned char public_key[32])
{
  return mxm_verify_json_mode(obj, entity, key_id, public_key, MXM_CANON_STRICT);
}

/* ------------------------------------------------------------------ */
/* Hashes and event IDs.                                               */

enum mxm_status mxm_sha256(const void *data, size_t len, unsigned char out[32])
{
  if((!data && len) || !out)
    return MXM_E_USAGE;
  if(!crypto_ready())
    return MXM_E_CRYPTO;
  trace(MXMI_OP_SHA256, data, len, NULL, 0);
  crypto_hash_sha256(out, data ? (const unsigned char *)data : (const unsigned char *)"", len);
  return MXM_OK;
}

/* SHA-256 of the canonical form of j without the top-level keys omit. */
static enum mxm_status sha256_of(const struct mxm_json *j, enum mxm_canon_mode mode, const char *const *omit,
                                 size_t n_omit, unsigned char out[32], struct mxm_error *err)
{
  char *bytes = NULL;
  size_t len = 0;
  enum mxm_status st;
  if(!crypto_ready())
    return mxm_error_set(err, MXM_E_CRYPTO, "", "libsodium failed to initialise");
  st = mxm_canonical_encode_without(j, mode, omit, n_omit, &bytes, &len, err);
  if(st != MXM_OK)
    return st;
  st = mxm_sha256(bytes, len, out);
  free(bytes);
  return st == MXM_OK ? MXM_OK : mxm_error_set(err, st, "", "SHA-256 failed");
}

enum mxm_status mxm_content_hash(const struct mxm_json *event, const struct mxm_room_version *rv,
                                 unsigned char out[32], struct mxm_error *err)
{
  if(!rv || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "content hash: missing room version or output");
  if(mxm_json_type(event) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "event is not a JSON object");
  return sha256_of(event, mxm_canon_mode_for(rv), content_hash_keys, 3, out, err);
}

enum mxm_status mxm_event_signing_bytes(const struct mxm_json *event, const struct mxm_room_version *rv, char **out,
                                        size_t *out_len, struct mxm_error *err)
{
  struct mxm_json *red = NULL;
  enum mxm_status st;
  if(!out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output pointer");
  *out = NULL;
  if(!rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "signing bytes: missing room version");
  st = mxmi_redact_shared(event, rv, &red, err);
  if(st != MXM_OK)
    return st;
  st = mxm_canonical_encode_without(red, mxm_canon_mode_for(rv), unsigned_keys, 2, out, out_len, err);
  mxm_json_free(&red);
  return st;
}

enum mxm_status mxm_reference_hash(const struct mxm_json *event, const struct mxm_room_version *rv,
                                   unsigned char out[32], struct mxm_error *err)
{
  char *bytes = NULL;
  size_t len = 0;
  enum mxm_status st;
  if(!rv || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "reference hash: missing room version or output");
  if(!crypto_ready())
    return mxm_error_set(err, MXM_E_CRYPTO, "", "libsodium failed to initialise");
  st = mxm_event_signing_bytes(event, rv, &bytes, &len, err);
  if(st != MXM_OK)
    return st;
  st = mxm_sha256(bytes, len, out);
  free(bytes);
  return st == MXM_OK ? MXM_OK : mxm_error_set(err, st, "", "SHA-256 failed");
}

enum mxm_status mxm_event_id_from_hash(const unsigned char hash[32], const struct mxm_room_version *rv,
                                       char out[MXM_EVENT_ID_MAX])
{
  int variant;
  if(!hash || !rv || !out)
    return MXM_E_USAGE;
  out[0] = '\0';
  if(rv->event_id_format == MXM_EVENT_ID_SERVER)
    return MXM_E_UNSUPPORTED;
  variant = rv->event_id_format == MXM_EVENT_ID_HASH_URL ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
                                                         : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  out[0] = '$';
  sodium_bin2base64(out + 1, MXM_EVENT_ID_MAX - 1, hash, 32, variant);
  return MXM_OK;
}

enum mxm_status mxm_compute_event_id(const struct mxm_json *event, const struct mxm_room_version *rv,
                                     char out[MXM_EVENT_ID_MAX], struct mxm_error *err)
{
  unsigned char hash[32];
  enum mxm_status st;
  if(!rv || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "event ID: missing room version or output");
  out[0] = '\0';
  if(rv->event_id_format == MXM_EVENT_ID_SERVER) {
    size_t len = 0;
    const struct mxm_json *id = mxm_json_get(event, "event_id");
    const char *s = mxm_json_string_len(id, &len);
    if(mxm_json_type(event) != MXM_JSON_OBJECT)
      return mxm_error_set(err, MXM_E_MALFORMED, "", "event is not a JSON object");
    if(!id)
      return mxm_error_set(err, MXM_E_MALFORMED, "/event_id",
                           "room version %s events carry their event_id, and this one has none", rv->id);
    if(!s || len != strlen(s))
      return mxm_error_set(err, MXM_E_MALFORMED, "/event_id", "event_id is not a string without NUL");
    if(len >= MXM_EVENT_ID_MAX)
      return mxm_error_set(err, MXM_E_TOO_BIG, "/event_id", "event_id is %zu bytes; mxm_compute_event_id copies at most %d",
                           len, MXM_EVENT_ID_MAX - 1);
    memcpy(out, s, len + 1);
    return MXM_OK;
  }
  st = mxm_reference_hash(event, rv, hash, err);
  if(st != MXM_OK)
    return st;
  return mxm_event_id_from_hash(hash, rv, out);
}

enum mxm_status mxm_room_id_from_create(const struct mxm_json *create_event, const struct mxm_room_version *rv,
                                        char out[MXM_EVENT_ID_MAX], struct mxm_error *err)
{
  char id[MXM_EVENT_ID_MAX];
  enum mxm_status st;
  if(!rv || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "room ID: missing room version or output");
  if(!rv->creators_v12 || rv->event_id_format == MXM_EVENT_ID_SERVER)
    return mxm_error_set(err, MXM_E_UNSUPPORTED, "",
                         "in room version %s the room ID is not derived from the create event", rv->id);
  if(!mxm_json_string(mxm_json_get(create_event, "type")) ||
     strcmp(mxm_json_string(mxm_json_get(create_event, "type")), "m.room.create") != 0)
    return mxm_error_set(err, MXM_E_MALFORMED, "/type", "not an m.room.create event");
  st = mxm_compute_event_id(create_event, rv, id, err);
  if(st != MXM_OK)
    return st;
  out[0] = '!';
  memcpy(out + 1, id + 1, strlen(id)); /* drop "$", keep the NUL */
  return MXM_OK;
}

/* ------------------------------------------------------------------ */
/* Events.                                                             */

enum mxm_status mxm_sign_event(struct mxm_json *event, const struct mxm_room_version *rv, const char *server,
                               const struct mxm_signing_key *key, struct mxm_error *err)
{
  unsigned char hash[32];
  char hash_b64[64], sig_b64[MXM_SIGNATURE_B64_MAX];
  struct mxm_json *hashes, *red = NULL;
  enum mxm_status st;
  if(!rv || !server || !key)
    return mxm_error_set(err, MXM_E_USAGE, "", "sign event: missing room version, server or key");
  st = mxm_content_hash(event, rv, hash, err);
  if(st != MXM_OK)
    return st;
  (void)mxm_base64_encode(hash, sizeof(hash), hash_b64, sizeof(hash_b64));
  hashes = object_member(event, "hashes", &st);
  if(!hashes)
    return mxm_error_set(err, st, "/hashes", st == MXM_E_NOMEM ? "out of memory" : "hashes is not an object");
  st = mxm_json_object_set(hashes, "sha256", mxm_json_new_string(hash_b64));
  if(st != MXM_OK)
    return mxm_error_set(err, st, "/hashes/sha256", "could not store the content hash");
  st = mxmi_redact_shared(event, rv, &red, err);
  if(st != MXM_OK)
    return st;
  st = sign_mode(red, key, mxm_canon_mode_for(rv), sig_b64, err);
  mxm_json_free(&red);
  if(st != MXM_OK)
    return st;
  return put_signature(event, server, key->key_id, sig_b64, err);
}

enum mxm_status mxm_verify_event_server_status(const struct mxm_json *event, const struct mxm_room_version *rv,
                                               const char *server, const char *key_id,
                                               const unsigned char public_key[32], int *valid)
{
  struct mxm_json *red = NULL;
  enum mxm_status st;
  int ok = 0;
  if(valid)
    *valid = 0;
  if(!valid || !rv)
    return MXM_E_USAGE;
  st = mxmi_redact_shared(event, rv, &red, NULL);
  if(st != MXM_OK)
    return st == MXM_E_NOMEM ? st : MXM_OK; /* not an event object: nothing verifies */
  st = verify_json_status(red, server, key_id, public_key, mxm_canon_mode_for(rv), &ok);
  mxm_json_free(&red);
  *valid = ok;
  return st;
}

int mxm_verify_event_server(const struct mxm_json *event, const struct mxm_room_version *rv,
                            const char *server, const char *key_id, const unsigned char public_key[32])
{
  int valid;
  return mxm_verify_event_server_status(event, rv, server, key_id, public_key, &valid) == MXM_OK && valid;
}
