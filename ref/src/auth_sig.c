/*
 * auth_sig.c: the signature facts the auth rules need
 * (mxm_auth_facts_compute). The rule engine (auth_member.c) only reads the
 * facts; every signature check for membership happens here.
 *
 * 1. Third-party invites (v1-auth-rules.md 5.3.1.7; appendices.md §Checking for a Signature):
 *    for an invite whose content has third_party_invite, "any signature in
 *    signed verifies against any public key" of the m.room.third_party_invite
 *    whose state_key is signed.token. Exactly:
 *      - the signed bytes are the canonical JSON (strict) of `signed` minus
 *        `signatures` and `unsigned` (appendices "Checking for a
 *        Signature");
 *      - the keys are content.public_key and every
 *        content.public_keys[].public_key, unpadded base64 in the standard
 *        or URL-safe alphabet; a key that does not decode to 32 bytes is
 *        skipped;
 *      - every signature under any entity and any "ed25519:*" key ID is
 *        tried with every key (conformance/NOTES.md#third-party-signed-object: the rule names no entity and no
 *        key ID, so neither is matched; key_validity_url is not consulted,
 *        third_party_invites.md §Server behaviour). Other algorithms are ignored.
 *    The fact is computed for every invite that carries third_party_invite,
 *    whatever the earlier steps (banned target, mxid, token, sender) would
 *    decide, so the engine always has a definite fact when it reaches the
 *    signature step. Malformed content anywhere (signed not an object,
 *    signatures of the wrong type, no token event, no usable key) is
 *    MXM_SIG_INVALID with a detail, never an error. More than
 *    MAX_TPI_ATTEMPTS (signature, key) pairs, or more than MAX_TPI_KEYS
 *    usable keys, without a valid signature among those tried is
 *    MXM_SIG_UNKNOWN, so the engine reports "cannot decide" rather than a
 *    guess (a bound on work for hostile input: a 64 KiB event could
 *    otherwise ask for ~10^6 verifications; real invites have one or two
 *    signatures and keys).
 *
 * 2. Rule 4.2 (room versions with rv->restricted, v8+), for every
 *    membership value: if content has join_authorised_via_users_server, the
 *    event must be validly signed by the homeserver of that user over its
 *    redacted canonical form (server-server API "Signing Events"), with
 *    the server's keys from the state (mxm_state_server_keys):
 *      - the key present but not a user ID with a server part: INVALID;
 *      - no signatures[server] with an "ed25519:*" entry: INVALID (known
 *        unsigned, whatever keys the state has);
 *      - a signature under a key ID whose key the state supplies and that
 *        verifies: VALID;
 *      - otherwise, if some signature's key ID has no key in the state:
 *        UNKNOWN (cannot decide: the state file must supply server_keys);
 *        else INVALID.
 *
 * Not checked here, on purpose: the event's own signature by the sender's
 * server (and, in v1/v2, the event-ID domain) and its content hash. Those
 * are federation checks made before authorisation (server-server API
 * "Checks performed on receipt of a PDU", steps 2-3), not membership auth
 * rules; `mxm verify` checks them on request.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "mxm/auth.h"
#include "mxm/sign.h"

#define MAX_TPI_ATTEMPTS 4096
#define MAX_TPI_KEYS 256

/* printf into a fixed detail buffer; truncation is fine (human text). */
static void detail_set(char *d, size_t n, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void detail_set(char *d, size_t n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d, n, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Third-party invites.                                                */

struct tpi_keys {
  unsigned char pk[MAX_TPI_KEYS][32];
  size_t n;
  size_t skipped;  /* present but not 32 bytes of base64 */
  size_t overflow; /* usable keys beyond MAX_TPI_KEYS, never tried */
};

static void add_key(struct tpi_keys *k, const char *b64)
{
  unsigned char buf[64];
  if(!b64)
    return;
  if(mxm_base64_decode_any(b64, buf, sizeof(buf)) != 32)
    k->skipped++;
  else if(k->n < MAX_TPI_KEYS)
    memcpy(k->pk[k->n++], buf, 32);
  else
    k->overflow++;
}

/* The public keys of a token event, from its JSON (the typed content holds
 * the strings too, but the JSON is authoritative for odd shapes). */
static void collect_keys(const struct mxm_event *tok, struct tpi_keys *k)
{
  const struct mxm_json *content = mxm_json_get(tok->json, "content");
  const struct mxm_json *list = mxm_json_get(content, "public_keys");
  size_t i, n = mxm_json_array_len(list);
  const struct mxm_json *pk = mxm_json_get(content, "public_key");
  if(pk)
    add_key(k, mxm_json_string(pk));
  for(i = 0; i < n; i++) {
    const struct mxm_json *e = mxm_json_get(mxm_json_array_get(list, i), "public_key");
    if(e)
      add_key(k, mxm_json_string(e));
    else
      k->skipped++;
  }
}

struct tpi_try {
  const char *msg;
  size_t len;
  const struct tpi_keys *keys;
  size_t attempts, sigs;
  int valid;
  int budget_exceeded;
};

static int try_key_ids(const char *key_id, size_t key_len, const struct mxm_json *val, void *ctx)
{
  struct tpi_try *t = ctx;
  const char *sig = mxm_json_string(val);
  size_t i;
  (void)key_len;
  if(strncmp(key_id, "ed25519:", 8) != 0 || !sig)
    return 0;
  t->sigs++;
  for(i = 0; i < t->keys->n; i++) {
    if(t->attempts++ >= MAX_TPI_ATTEMPTS) {
      t->budget_exceeded = 1;
      return 1;
    }
    if(mxm_verify_detached_b64(t->msg, t->len, sig, t->keys->pk[i])) {
      t->valid = 1;
      return 1;
    }
  }
  return 0;
}

static int try_entities(const char *entity, size_t entity_len, const struct mxm_json *val, void *ctx)
{
  (void)entity;
  (void)entity_len;
  return mxm_json_object_foreach(val, try_key_ids, ctx);
}

static enum mxm_sig_fact tpi_fact(const struct mxm_state *st, const struct mxm_event *ev, char *detail,
                                  size_t dlen, enum mxm_status *fatal, struct mxm_error *err)
{
  const struct mxm_json *sgn = mxm_json_get(ev->u.member.third_party_invite, "signed");
  const struct mxm_json *sigs = mxm_json_get(sgn, "signatures");
  const char *token = mxm_json_string(mxm_json_get(sgn, "token"));
  const struct mxm_event *tok;
  struct tpi_keys *keys;
  struct tpi_try t;
  char *msg = NULL;
  size_t len = 0;
  enum mxm_status st_enc;
  struct mxm_error enc_err;
  size_t n_keys;

  if(mxm_json_type(sgn) != MXM_JSON_OBJECT) {
    detail_set(detail, dlen, "third_party_invite.signed is missing or not an object");
    return MXM_SIG_INVALID;
  }
  if(!token) {
    detail_set(detail, dlen, "signed.token is missing or not a string");
    return MXM_SIG_INVALID;
  }
  tok = mxm_state_third_party_invite(st, token);
  if(!tok) {
    detail_set(detail, dlen, "no m.room.third_party_invite with the signed token in the state");
    return MXM_SIG_INVALID;
  }
  if(mxm_json_type(sigs) != MXM_JSON_OBJECT) {
    detail_set(detail, dlen, "signed.signatures is missing or not an object");
    return MXM_SIG_INVALID;
  }
  keys = mxmi_calloc(1, sizeof(*keys));
  if(!keys) {
    *fatal = mxm_error_set(err, MXM_E_NOMEM, "", "out of memory checking a third-party-invite signature");
    return MXM_SIG_UNKNOWN;
  }
  collect_keys(tok, keys);
  if(keys->n == 0) {
    detail_set(detail, dlen, "the m.room.third_party_invite has no usable public key (%zu not 32-byte base64)",
             keys->skipped);
    free(keys);
    return MXM_SIG_INVALID;
  }
  st_enc = mxm_signing_bytes(sgn, MXM_CANON_STRICT, &msg, &len, &enc_err);
  if(st_enc != MXM_OK) {
    free(keys);
    if(st_enc == MXM_E_NOMEM) {
      *fatal = mxm_error_set(err, MXM_E_NOMEM, "", "out of memory encoding signed");
      return MXM_SIG_UNKNOWN;
    }
    detail_set(detail, dlen, "signed is not canonical JSON at /content/third_party_invite/signed%.60s: %.40s",
             enc_err.where, enc_err.message);
    return MXM_SIG_INVALID;
  }
  memset(&t, 0, sizeof(t));
  t.msg = msg;
  t.len = len;
  t.keys = keys;
  (void)mxm_json_object_foreach(sigs, try_entities, &t);
  n_keys = keys->n;
  if(keys->overflow)
    t.budget_exceeded = 1;
  free(msg);
  free(keys);
  if(t.valid) {
    detail_set(detail, dlen, "a signature in signed verifies with a key of the token event");
    return MXM_SIG_VALID;
  }
  if(t.budget_exceeded) {
    detail_set(detail, dlen, "more than %d (signature, key) pairs or %d keys; gave up without a valid one",
               MAX_TPI_ATTEMPTS, MAX_TPI_KEYS);
    return MXM_SIG_UNKNOWN;
  }
  if(t.sigs == 0)
    detail_set(detail, dlen, "signed.signatures holds no ed25519 signature");
  else
    detail_set(detail, dlen, "none of %zu ed25519 signature(s) verifies with any of %zu key(s)", t.sigs,
             n_keys);
  return MXM_SIG_INVALID;
}

/* ------------------------------------------------------------------ */
/* Rule 4.2: the authorising user's server signed the event.           */

struct key_find {
  const char *key_id;
  const char *b64; /* found key, borrowed */
};

static int find_key(const char *key_id, const char *public_key_b64, void *ctx)
{
  struct key_find *f = ctx;
  if(strcmp(key_id, f->key_id) == 0) {
    f->b64 = public_key_b64;
    return 1;
  }
  return 0;
}

struct auth_try {
  const struct mxm_state *st;
  const struct mxm_event *ev;
  const struct mxm_room_version *rv;
  const char *server;
  size_t sigs, missing, tried;
  const char *missing_id; /* first key ID without a key, borrowed */
  int valid;
  enum mxm_status fatal;  /* MXM_E_NOMEM: stopped, cannot decide */
};

static int try_server_sig(const char *key_id, size_t key_len, const struct mxm_json *val, void *ctx)
{
  struct auth_try *t = ctx;
  struct key_find f;
  unsigned char pk[64];
  (void)key_len;
  if(strncmp(key_id, "ed25519:", 8) != 0 || !mxm_json_string(val))
    return 0;
  t->sigs++;
  f.key_id = key_id;
  f.b64 = NULL;
  (void)mxm_state_server_keys(t->st, t->server, find_key, &f);
  if(!f.b64 || mxm_base64_decode_any(f.b64, pk, sizeof(pk)) != 32) {
    if(!t->missing_id)
      t->missing_id = key_id;
    t->missing++;
    return 0;
  }
  t->tried++;
  t->fatal = mxm_verify_event_server_status(t->ev->json, t->rv, t->server, key_id, pk, &t->valid);
  return t->fatal != MXM_OK || t->valid;
}

static enum mxm_sig_fact authoriser_fact(const struct mxm_state *st, const struct mxm_event *ev,
                                         const struct mxm_room_version *rv, char *detail, size_t dlen,
                                         enum mxm_status *fatal, struct mxm_error *err)
{
  const char *user = ev->u.member.join_authorised_via_users_server;
  const char *server;
  const struct mxm_json *sigs;
  struct auth_try t;

  if(!user || !mxm_user_id_valid(user, strlen(user)) || !(server = mxm_id_domain(user)) || !*server) {
    detail_set(detail, dlen, "join_authorised_via_users_server is not a user ID, so no server can have signed");
    return MXM_SIG_INVALID;
  }
  sigs = mxm_json_get(mxm_json_get(ev->json, "signatures"), server);
  memset(&t, 0, sizeof(t));
  t.st = st;
  t.ev = ev;
  t.rv = rv;
  t.server = server;
  (void)mxm_json_object_foreach(sigs, try_server_sig, &t);
  if(t.fatal != MXM_OK) {
    /* Out of memory is not "does not verify": no verdict may rest on it. */
    *fatal = mxm_error_set(err, t.fatal, "/signatures", "out of memory checking the authorising server's signature");
    return MXM_SIG_UNKNOWN;
  }
  if(t.valid) {
    detail_set(detail, dlen, "signed by %.100s", server);
    return MXM_SIG_VALID;
  }
  if(t.sigs == 0) {
    detail_set(detail, dlen, "the event has no ed25519 signature by %.100s", server);
    return MXM_SIG_INVALID;
  }
  if(t.missing) {
    detail_set(detail, dlen, "the state has no key %.40s for server %.60s (supply server_keys)", t.missing_id,
             server);
    return MXM_SIG_UNKNOWN;
  }
  detail_set(detail, dlen, "the signature(s) by %.100s do not verify", server);
  return MXM_SIG_INVALID;
}

enum mxm_status mxm_auth_facts_compute(const struct mxm_state *st, const struct mxm_event *ev,
                                       struct mxm_auth_facts *out, struct mxm_error *err)
{
  const struct mxm_room_version *rv;
  enum mxm_status fatal = MXM_OK;
  if(!out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output for the signature facts");
  memset(out, 0, sizeof(*out));
  if(!st || !ev)
    return mxm_error_set(err, MXM_E_USAGE, "", "signature facts need a state and an event");
  if(ev->kind != MXM_EVENT_MEMBER)
    return MXM_OK;
  rv = mxm_state_room_version(st);
  if(!rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "the state has no room version");

  if(ev->u.member.has_third_party_invite && ev->u.member.membership == MXM_MEMBERSHIP_INVITE) {
    out->tpi_signature = tpi_fact(st, ev, out->tpi_detail, sizeof(out->tpi_detail), &fatal, err);
    if(fatal != MXM_OK)
      return fatal;
  }
  if(rv->restricted && ev->u.member.has_join_authorised) {
    out->authoriser_signature =
        authoriser_fact(st, ev, rv, out->authoriser_detail, sizeof(out->authoriser_detail), &fatal, err);
    if(fatal != MXM_OK)
      return fatal;
  }
  return MXM_OK;
}
