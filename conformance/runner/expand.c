/*
 * expand.c: compact state and compact events (conformance/FORMAT.md) into
 * full events in the room version's format: v1/v2 events carry
 * "$<n>:<domain>" IDs and [id, {"sha256": hash}] references; v3+ events are
 * referred to by their reference hash (mxm_compute_event_id); v12 rooms take
 * their ID from the create event. Every event gets depth, prev_events,
 * origin_server_ts and auth_events (the spec's auth-events selection, for the
 * spec release being run), and is hashed and signed by its sender's server
 * with the corpus's derived keys (mxm_signing_key_for_name, derived once per
 * run: mxmc_key_for_name).
 *
 * Speed (a conformance run expands thousands of cases): each distinct
 * event is hashed and signed once per run, and its reference hash comes from
 * the bytes its servers sign (one encoding for all of them and the ID);
 * keys, hashes and signatures are remembered per run (signcache.c), and an
 * expanded room per (compact state, room version, spec release), handed
 * out as copies (mxmc_room_build). Every event's ID is kept with it
 * (mxmc_room_ids) for the in-process backend, which then hashes nothing.
 *
 * The expander builds what the case describes and nothing more: it never
 * decides or checks a verdict. An impossible request (a selector naming an
 * event the state does not have, a signing failure) is an expansion error
 * with a JSON pointer into the case file.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

struct rec {
  char *id;        /* owned: event ID */
  char *type;      /* owned */
  char *state_key; /* owned */
  char *ref_b64;   /* owned: reference hash, standard base64 (for v1/v2 references) */
  size_t index;    /* position in state (or SIZE_MAX for a foreign event) */
};

struct mxmc_room {
  const struct mxm_room_version *rv;
  enum mxm_spec_release spec;
  const struct mxm_json *compact; /* borrowed: the compact state */
  char *domain;                   /* owned: the creator's server */
  char *room_id;                  /* owned */
  struct mxm_json *state;         /* owned: array of full events */
  struct mxm_json *keys;          /* owned: server -> {key id -> public key} */
  struct mxm_json *foreign;       /* owned: events of other rooms named by auth_events, or NULL */
  struct rec *recs;               /* owned: one per state event, in order */
  size_t n_recs, cap_recs;
  const char **rec_ids;           /* owned array: recs[i].id (borrowed), for mxmc_room_ids */
  char **foreign_ids;             /* owned: the IDs of the events of `foreign` */
  size_t n_foreign;
  int64_t depth;                  /* depth of the last event */
  unsigned counter;               /* for v1/v2 event IDs */
};

#define OOM(err) mxm_error_set(err, MXM_E_NOMEM, "", "out of memory")

/* Add `server`'s derived public key to the server_keys map. */
static enum mxm_status involve_server(struct mxmc_room *room, const char *server, struct mxm_error *err)
{
  struct mxm_signing_key key;
  char b64[64];
  struct mxm_json *o;
  if(!server || !*server || mxm_json_get(room->keys, server))
    return MXM_OK;
  if(mxmc_key_for_name(server, &key) != MXM_OK)
    return mxm_error_set(err, MXM_E_CRYPTO, "", "cannot derive the key of \"%s\"", server);
  mxm_signing_key_public_b64(&key, b64, sizeof(b64));
  o = mxm_json_new_object();
  if(!o || mxm_json_object_set(o, key.key_id, mxm_json_new_string(b64)) != MXM_OK) {
    mxm_json_free(&o);
    return OOM(err);
  }
  if(mxm_json_object_set(room->keys, server, o) != MXM_OK)
    return OOM(err);
  return MXM_OK;
}

static enum mxm_status involve_user(struct mxmc_room *room, const char *user, struct mxm_error *err)
{
  const char *d = user ? mxm_id_domain(user) : NULL;
  return d ? involve_server(room, d, err) : MXM_OK;
}

static void b64_encode(const unsigned char *bin, size_t n, int urlsafe, char *out, size_t outlen)
{
  sodium_bin2base64(out, outlen, bin, n,
                    urlsafe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

/* The index of the current state event (type, state_key), or -1. */
static long find_rec(const struct mxmc_room *room, const char *type, const char *state_key)
{
  size_t i = room->n_recs;
  while(i-- > 0)
    if(room->recs[i].index != SIZE_MAX && strcmp(room->recs[i].type, type) == 0 &&
       strcmp(room->recs[i].state_key, state_key) == 0)
      return (long)i;
  return -1;
}

/* A reference to rec r in the room version's format. */
static struct mxm_json *ref_of(const struct mxmc_room *room, const struct rec *r)
{
  struct mxm_json *v, *h;
  if(room->rv->event_id_format != MXM_EVENT_ID_SERVER)
    return mxm_json_new_string(r->id);
  v = mxm_json_new_array();
  h = mxm_json_new_object();
  if(!v || !h || mxm_json_array_add(v, mxm_json_new_string(r->id)) != MXM_OK ||
     mxm_json_object_set(h, "sha256", mxm_json_new_string(r->ref_b64)) != MXM_OK) {
    mxm_json_free(&v);
    mxm_json_free(&h);
    return NULL;
  }
  if(mxm_json_array_add(v, h) != MXM_OK) {
    mxm_json_free(&v);
    return NULL;
  }
  return v;
}

/* Append rec index i to the reference array arr (skipping duplicates). */
static enum mxm_status add_ref(const struct mxmc_room *room, struct mxm_json *arr, long i, struct mxm_error *err)
{
  size_t k;
  if(i < 0)
    return MXM_OK;
  for(k = 0; k < mxm_json_array_len(arr); k++) {
    const struct mxm_json *e = mxm_json_array_get(arr, k);
    const char *id = mxm_json_string(e) ? mxm_json_string(e) : mxm_json_string(mxm_json_array_get(e, 0));
    if(id && strcmp(id, room->recs[i].id) == 0)
      return MXM_OK;
  }
  if(mxm_json_array_add(arr, ref_of(room, &room->recs[i])) != MXM_OK)
    return OOM(err);
  return MXM_OK;
}

/*
 * The auth-events selection (server-server API "Auth events selection")
 * for an event of `type` by `sender` with `content`, against the
 * current state, in the text of room->spec:
 *   create (v1-v11 only), power levels, the sender's member event; for member
 *   events also the target's member event, join rules for join/invite (and
 *   knock from v1.14), the third-party-invite event of signed.token for an
 *   invite, and for a join (any membership before v1.15) with
 *   join_authorised_via_users_server in a restricted-capable version (from
 *   v1.2) that user's member event.
 */
static enum mxm_status select_auth(const struct mxmc_room *room, const char *type, const char *sender,
                                   const char *state_key, const struct mxm_json *content, struct mxm_json *arr,
                                   struct mxm_error *err)
{
  enum mxm_status s = MXM_OK;
  if(strcmp(type, "m.room.create") == 0)
    return MXM_OK;
  if(room->rv->create_in_auth_events)
    s = add_ref(room, arr, find_rec(room, "m.room.create", ""), err);
  if(!s)
    s = add_ref(room, arr, find_rec(room, "m.room.power_levels", ""), err);
  if(!s)
    s = add_ref(room, arr, find_rec(room, "m.room.member", sender), err);
  if(!s && strcmp(type, "m.room.member") == 0 && state_key) {
    const char *m = mxm_json_string(mxm_json_get(content, "membership"));
    const char *via = mxm_json_string(mxm_json_get(content, "join_authorised_via_users_server"));
    const char *token = mxm_json_string(
        mxm_json_get(mxm_json_get(mxm_json_get(content, "third_party_invite"), "signed"), "token"));
    s = add_ref(room, arr, find_rec(room, "m.room.member", state_key), err);
    if(!s && m &&
       (strcmp(m, "join") == 0 || strcmp(m, "invite") == 0 ||
        (strcmp(m, "knock") == 0 && room->spec >= MXM_SPEC_V1_14)))
      s = add_ref(room, arr, find_rec(room, "m.room.join_rules", ""), err);
    if(!s && m && strcmp(m, "invite") == 0 && token)
      s = add_ref(room, arr, find_rec(room, "m.room.third_party_invite", token), err);
    if(!s && via && room->rv->restricted && room->spec >= MXM_SPEC_V1_2 &&
       ((m && strcmp(m, "join") == 0) || room->spec < MXM_SPEC_V1_15))
      s = add_ref(room, arr, find_rec(room, "m.room.member", via), err);
  }
  return s;
}

/* Fill the envelope of ev (which has type, sender, content and maybe
 * state_key): room_id, depth, prev_events, origin_server_ts, auth_events
 * (unless present), event_id (v1/v2), then sign by the sender's server and
 * `signers`, and compute the ID into id_out. prev: -1 = none, else the rec. */
static enum mxm_status sign_all(struct mxmc_room *room, struct mxm_json *ev, const char *sender_server,
                                const struct mxm_json *signers, unsigned char ref_hash[32], struct mxm_error *err);

/* finish_event with a test event that may be invalid on purpose: an event
 * that cannot be hashed and signed because it is not canonical JSON for its
 * room version (floats or out-of-range integers in v6+) is sent unsigned and
 * without a computed ID; it is invalid anyway, which is what such a case
 * tests. */
static enum mxm_status finish_event(struct mxmc_room *room, struct mxm_json *ev, long prev,
                                    const struct mxm_json *signers, int fill_auth, char id_out[MXM_EVENT_ID_MAX],
                                    unsigned char ref_hash[32], struct mxm_error *err);
static enum mxm_status finish_test_event(struct mxmc_room *room, struct mxm_json *ev, long prev,
                                         const struct mxm_json *signers, struct mxm_error *err)
{
  char id[MXM_EVENT_ID_MAX];
  struct mxm_error e2;
  enum mxm_status s;
  mxm_error_clear(&e2);
  s = finish_event(room, ev, prev, signers, 1, id, NULL, &e2);
  if(s == MXM_E_MALFORMED) {
    mxm_json_object_del(ev, "hashes");
    mxm_json_object_del(ev, "signatures");
    return MXM_OK;
  }
  if(s != MXM_OK && err)
    *err = e2;
  return s;
}

/* The reference hash of a finished event (the SHA-256 of its signing
 * bytes), remembered per run; and its ID from it (v3+) or from its event_id
 * (v1/v2, where the hash is needed only for references: ref_hash may then
 * be NULL). */
static enum mxm_status event_id_of(const struct mxmc_room *room, const struct mxm_json *ev, int have_hash,
                                   unsigned char hash[32], char id_out[MXM_EVENT_ID_MAX], struct mxm_error *err)
{
  enum mxm_status s;
  if(!have_hash && (hash || room->rv->event_id_format != MXM_EVENT_ID_SERVER)) {
    char *bytes = NULL;
    size_t len = 0;
    unsigned char tmp[32];
    if((s = mxm_event_signing_bytes(ev, room->rv, &bytes, &len, err)) != MXM_OK)
      return s;
    s = mxmc_sha256_once(bytes, len, hash ? hash : tmp);
    free(bytes);
    if(s != MXM_OK)
      return mxm_error_set(err, s, "", "SHA-256 failed");
    if(!hash)
      hash = tmp;
    have_hash = 1;
  }
  if(room->rv->event_id_format == MXM_EVENT_ID_SERVER)
    return mxm_compute_event_id(ev, room->rv, id_out, err); /* the event_id field */
  if(mxm_event_id_from_hash(hash, room->rv, id_out) != MXM_OK)
    return mxm_error_set(err, MXM_E_USAGE, "", "no event ID format");
  return MXM_OK;
}

static enum mxm_status finish_event(struct mxmc_room *room, struct mxm_json *ev, long prev,
                                    const struct mxm_json *signers, int fill_auth, char id_out[MXM_EVENT_ID_MAX],
                                    unsigned char ref_hash[32], struct mxm_error *err)
{
  unsigned char hash[32];
  int have_hash = 0;
  const char *type = mxm_json_string(mxm_json_get(ev, "type"));
  const char *sender = mxm_json_string(mxm_json_get(ev, "sender"));
  const char *state_key = mxm_json_string(mxm_json_get(ev, "state_key"));
  int is_create = type && strcmp(type, "m.room.create") == 0;
  int64_t depth = prev >= 0 ? room->depth + 1 : 1;
  const char *sender_server = sender ? mxm_id_domain(sender) : NULL;
  enum mxm_status s;

  if(!type || !sender || !sender_server)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "an event needs a type and a sender with a server name");
  if(prev >= 0) {
    /* depth: one more than the prev event's */
    const struct mxm_json *pe = mxm_json_array_get(room->state, room->recs[prev].index);
    int64_t pd = 0;
    if(pe && mxm_json_int(mxm_json_get(pe, "depth"), &pd))
      depth = pd + 1;
  }
  if(!mxm_json_get(ev, "room_id") && !(is_create && room->rv->creators_v12) && room->room_id &&
     mxm_json_object_set(ev, "room_id", mxm_json_new_string(room->room_id)) != MXM_OK)
    return OOM(err);
  if(!mxm_json_get(ev, "depth") && mxm_json_object_set(ev, "depth", mxm_json_new_int(depth)) != MXM_OK)
    return OOM(err);
  if(!mxm_json_get(ev, "origin_server_ts") &&
     mxm_json_object_set(ev, "origin_server_ts", mxm_json_new_int(1000 * depth)) != MXM_OK)
    return OOM(err);
  if(!mxm_json_get(ev, "prev_events")) {
    struct mxm_json *pa = mxm_json_new_array();
    if(!pa)
      return OOM(err);
    if(prev >= 0 && (s = add_ref(room, pa, prev, err)) != MXM_OK) {
      mxm_json_free(&pa);
      return s;
    }
    if(mxm_json_object_set(ev, "prev_events", pa) != MXM_OK)
      return OOM(err);
  }
  if(fill_auth && !mxm_json_get(ev, "auth_events")) {
    struct mxm_json *aa = mxm_json_new_array();
    if(!aa)
      return OOM(err);
    if((s = select_auth(room, type, sender, state_key, mxm_json_get(ev, "content"), aa, err)) != MXM_OK) {
      mxm_json_free(&aa);
      return s;
    }
    if(mxm_json_object_set(ev, "auth_events", aa) != MXM_OK)
      return OOM(err);
  }
  if(room->rv->event_id_format == MXM_EVENT_ID_SERVER && !mxm_json_get(ev, "event_id")) {
    char id[300];
    snprintf(id, sizeof(id), "$%u:%s", ++room->counter, sender_server);
    if(mxm_json_object_set(ev, "event_id", mxm_json_new_string(id)) != MXM_OK)
      return OOM(err);
  }
  if(!mxm_json_get(ev, "signatures")) {
    if((s = sign_all(room, ev, sender_server, signers, hash, err)) != MXM_OK)
      return s;
    have_hash = 1;
  }
  if((s = event_id_of(room, ev, have_hash, have_hash ? hash : ref_hash, id_out, err)) != MXM_OK)
    return s;
  if(ref_hash && have_hash)
    memcpy(ref_hash, hash, 32);
  return MXM_OK;
}

/* obj[key] as an object, created if absent; NULL (and *st) if present but
 * not an object, or on out-of-memory. As mxm_sign_event finds it. */
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

/* signatures[entity][key_id] = sig in obj, as the library puts them. */
static enum mxm_status put_signature(struct mxm_json *obj, const char *entity, const char *key_id, const char *sig,
                                     struct mxm_error *err)
{
  enum mxm_status st;
  struct mxm_json *sigs = object_member(obj, "signatures", &st), *ent;
  if(!sigs)
    return mxm_error_set(err, st, "/signatures", st == MXM_E_NOMEM ? "out of memory" : "signatures is not an object");
  ent = object_member(sigs, entity, &st);
  if(!ent)
    return mxm_error_set(err, st, "/signatures",
                         st == MXM_E_NOMEM ? "out of memory" : "signatures[%s] is not an object", entity);
  if(mxm_json_object_set(ent, key_id, mxm_json_new_string(sig)) != MXM_OK)
    return mxm_error_set(err, MXM_E_NOMEM, "/signatures", "could not store the signature");
  return MXM_OK;
}

/* Sign one server's signature of the bytes into ev. */
static enum mxm_status sign_as(struct mxmc_room *room, struct mxm_json *ev, const char *server, const char *bytes,
                               size_t len, struct mxm_error *err)
{
  struct mxm_signing_key key;
  char sig[MXM_SIGNATURE_B64_MAX];
  enum mxm_status s;
  if((s = involve_server(room, server, err)) != MXM_OK)
    return s;
  if(mxmc_key_for_name(server, &key) != MXM_OK)
    return mxm_error_set(err, MXM_E_CRYPTO, "", "cannot derive the key of %s", server);
  if((s = mxmc_sign_once(bytes, len, &key, sig, err)) != MXM_OK)
    return s;
  return put_signature(ev, server, key.key_id, sig, err);
}

/*
 * Hash and sign ev as mxm_sign_event does, by its sender's server and then
 * every other server in signers, with the same result byte for byte: set
 * hashes.sha256 to the content hash, and add each server's signature of the
 * redacted event. Faster in three ways: the content is encoded once and the
 * redacted form once for all the servers (signatures are not part of what
 * is signed, so every server signs the same bytes); those bytes are also
 * what the reference hash covers, so *ref_hash comes with no further
 * encoding; and hashes and signatures come from the run's memory when the
 * same bytes were hashed or signed before (signcache.c).
 */
static enum mxm_status sign_all(struct mxmc_room *room, struct mxm_json *ev, const char *sender_server,
                                const struct mxm_json *signers, unsigned char ref_hash[32], struct mxm_error *err)
{
  static const char *const content_keys[] = {"unsigned", "signatures", "hashes"};
  unsigned char hash[32];
  char hash_b64[64], *bytes = NULL;
  size_t len = 0, i;
  struct mxm_json *hashes;
  enum mxm_status s;
  /* content hash (server-server API "Calculating the content hash") */
  if((s = mxm_canonical_encode_without(ev, mxm_canon_mode_for(room->rv), content_keys, 3, &bytes, &len, err)) !=
     MXM_OK)
    return s;
  s = mxmc_sha256_once(bytes, len, hash);
  free(bytes);
  bytes = NULL;
  if(s != MXM_OK)
    return mxm_error_set(err, s, "", "SHA-256 failed");
  b64_encode(hash, sizeof(hash), 0, hash_b64, sizeof(hash_b64));
  hashes = object_member(ev, "hashes", &s);
  if(!hashes)
    return mxm_error_set(err, s, "/hashes", s == MXM_E_NOMEM ? "out of memory" : "hashes is not an object");
  if(mxm_json_object_set(hashes, "sha256", mxm_json_new_string(hash_b64)) != MXM_OK)
    return mxm_error_set(err, MXM_E_NOMEM, "/hashes/sha256", "could not store the content hash");
  /* the redacted form, which every server signs */
  if((s = mxm_event_signing_bytes(ev, room->rv, &bytes, &len, err)) != MXM_OK)
    return s;
  s = sign_as(room, ev, sender_server, bytes, len, err);
  for(i = 0; s == MXM_OK && i < mxm_json_array_len(signers); i++) {
    const char *server = mxm_json_string(mxm_json_array_get(signers, i));
    if(server && strcmp(server, sender_server) != 0)
      s = sign_as(room, ev, server, bytes, len, err);
  }
  if(s == MXM_OK && (s = mxmc_sha256_once(bytes, len, ref_hash)) != MXM_OK)
    s = mxm_error_set(err, s, "", "SHA-256 failed");
  free(bytes);
  return s;
}

/* Append a finished event to the state, with its reference hash. Takes
 * ownership of ev. */
static enum mxm_status push_state(struct mxmc_room *room, struct mxm_json *ev, const char *id,
                                  const unsigned char hash[32], struct mxm_error *err)
{
  struct rec *r;
  char b64[64];
  const char *type = mxm_json_string(mxm_json_get(ev, "type"));
  const char *sk = mxm_json_string(mxm_json_get(ev, "state_key"));
  int64_t depth = 0;
  if(room->n_recs >= MXMC_MAX_STATE_EVENTS) {
    mxm_json_free(&ev);
    return mxm_error_set(err, MXM_E_TOO_BIG, "", "more than %d state events", MXMC_MAX_STATE_EVENTS);
  }
  b64_encode(hash, 32, 0, b64, sizeof(b64));
  if(room->n_recs == room->cap_recs) {
    size_t ncap = room->cap_recs ? room->cap_recs * 2 : 16;
    struct rec *n = realloc(room->recs, ncap * sizeof(*n));
    const char **ni;
    if(!n) {
      mxm_json_free(&ev);
      return OOM(err);
    }
    room->recs = n;
    ni = realloc(room->rec_ids, ncap * sizeof(*ni));
    if(!ni) {
      mxm_json_free(&ev);
      return OOM(err);
    }
    room->rec_ids = ni;
    room->cap_recs = ncap;
  }
  if(mxm_json_int(mxm_json_get(ev, "depth"), &depth) && depth > room->depth)
    room->depth = depth;
  r = &room->recs[room->n_recs];
  r->id = mxmc_strdup(id);
  r->type = mxmc_strdup(type ? type : "");
  r->state_key = mxmc_strdup(sk ? sk : "");
  r->ref_b64 = mxmc_strdup(b64);
  r->index = mxm_json_array_len(room->state);
  room->rec_ids[room->n_recs] = r->id;
  room->n_recs++;
  if(!r->id || !r->type || !r->state_key || !r->ref_b64 || mxm_json_array_add(room->state, ev) != MXM_OK)
    return OOM(err);
  return MXM_OK;
}

/* A new event object {type, sender, state_key, content}; takes content. */
static struct mxm_json *new_event(const char *type, const char *sender, const char *state_key,
                                  struct mxm_json *content)
{
  struct mxm_json *ev = mxm_json_new_object();
  if(!ev || !content || mxm_json_object_set(ev, "type", mxm_json_new_string(type)) != MXM_OK ||
     mxm_json_object_set(ev, "sender", mxm_json_new_string(sender)) != MXM_OK ||
     (state_key && mxm_json_object_set(ev, "state_key", mxm_json_new_string(state_key)) != MXM_OK) ||
     mxm_json_object_set(ev, "content", content) != MXM_OK) {
    if(!ev)
      mxm_json_free(&content);
    mxm_json_free(&ev);
    return NULL;
  }
  return ev;
}

struct merge_ctx {
  struct mxm_json *into;
  int failed;
};
static int merge_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct merge_ctx *m = vctx;
  (void)key_len;
  if(mxm_json_object_set(m->into, key, mxm_json_copy(val)) != MXM_OK)
    m->failed = 1;
  return m->failed;
}
static int merge(struct mxm_json *into, const struct mxm_json *from)
{
  struct merge_ctx m = {into, 0};
  (void)mxm_json_object_foreach(from, merge_cb, &m);
  return m.failed ? -1 : 0;
}

/* Build, finish and push one state event. Takes content. */
static enum mxm_status add_state_event(struct mxmc_room *room, const char *type, const char *sender,
                                       const char *state_key, struct mxm_json *content, struct mxm_error *err)
{
  struct mxm_json *ev = new_event(type, sender, state_key, content);
  char id[MXM_EVENT_ID_MAX];
  unsigned char hash[32];
  enum mxm_status s;
  if(!ev)
    return OOM(err);
  if((s = involve_user(room, sender, err)) != MXM_OK ||
     (s = finish_event(room, ev, room->n_recs ? (long)room->n_recs - 1 : -1, NULL, 1, id, hash, err)) != MXM_OK) {
    mxm_json_free(&ev);
    return s;
  }
  return push_state(room, ev, id, hash, err);
}

static struct mxm_json *membership_content(const char *membership, const struct mxm_json *extra)
{
  struct mxm_json *c = mxm_json_new_object();
  if(!c || mxm_json_object_set(c, "membership", mxm_json_new_string(membership)) != MXM_OK ||
     (extra && merge(c, extra) != 0)) {
    mxm_json_free(&c);
    return NULL;
  }
  return c;
}

struct members_ctx {
  struct mxmc_room *room;
  const char *creator;
  const struct mxm_json *member_content;
  enum mxm_status status;
  struct mxm_error *err;
  const char *ptr;
};
static int member_cb(const char *user, size_t len, const struct mxm_json *val, void *vctx)
{
  struct members_ctx *m = vctx;
  const char *membership = mxm_json_string(val);
  const char *sender;
  (void)len;
  if(strcmp(user, m->creator) == 0)
    return 0; /* expanded first */
  if(!membership) {
    m->status = mxm_error_set(m->err, MXM_E_MALFORMED, m->ptr, "membership of %s is not a string", user);
    return 1;
  }
  sender = (strcmp(membership, "invite") == 0 || strcmp(membership, "ban") == 0) ? m->creator : user;
  if((m->status = involve_user(m->room, user, m->err)) != MXM_OK)
    return 1;
  m->status = add_state_event(m->room, "m.room.member", sender, user,
                              membership_content(membership, mxm_json_get(m->member_content, user)), m->err);
  return m->status != MXM_OK;
}

/* Public key of identity-server key `name`, in the requested alphabet. */
static int is_public_key(const char *name, int urlsafe, char *out, size_t outlen)
{
  struct mxm_signing_key key;
  if(mxmc_key_for_name(name, &key) != MXM_OK)
    return -1;
  b64_encode(key.public_key, sizeof(key.public_key), urlsafe, out, outlen);
  return 0;
}

static enum mxm_status add_tpi(struct mxmc_room *room, const struct mxm_json *t, struct mxm_error *err)
{
  const char *token = mxm_json_string(mxm_json_get(t, "token"));
  const char *sender = mxm_json_string(mxm_json_get(t, "sender"));
  const char *display = mxm_json_string(mxm_json_get(t, "displayName"));
  const struct mxm_json *keys = mxm_json_get(t, "keys");
  const char *enc = mxm_json_string(mxm_json_get(t, "keyEncoding"));
  int urlsafe = enc && strcmp(enc, "urlsafe") == 0;
  int only_list = 0;
  struct mxm_json *content = mxm_json_new_object(), *list = mxm_json_new_array();
  char pk[64], url[300];
  size_t i;
  (void)mxm_json_bool(mxm_json_get(t, "publicKeysOnly"), &only_list);
  if(!token || !sender || mxm_json_array_len(keys) == 0) {
    mxm_json_free(&content);
    mxm_json_free(&list);
    return mxm_error_set(err, MXM_E_MALFORMED, "", "a third-party invite needs token, sender and keys");
  }
  if(!content || !list)
    goto oom;
  for(i = 0; i < mxm_json_array_len(keys); i++) {
    const char *name = mxm_json_string(mxm_json_array_get(keys, i));
    struct mxm_json *entry;
    if(!name || is_public_key(name, urlsafe, pk, sizeof(pk))) {
      mxm_json_free(&content);
      mxm_json_free(&list);
      return mxm_error_set(err, MXM_E_CRYPTO, "", "cannot derive identity-server key %s", name ? name : "?");
    }
    snprintf(url, sizeof(url), "https://%s/_matrix/identity/v2/pubkey/isvalid", name);
    if(i == 0 && !only_list) {
      if(mxm_json_object_set(content, "public_key", mxm_json_new_string(pk)) != MXM_OK ||
         mxm_json_object_set(content, "key_validity_url", mxm_json_new_string(url)) != MXM_OK)
        goto oom;
    }
    entry = mxm_json_new_object();
    if(!entry || mxm_json_object_set(entry, "public_key", mxm_json_new_string(pk)) != MXM_OK ||
       mxm_json_object_set(entry, "key_validity_url", mxm_json_new_string(url)) != MXM_OK) {
      mxm_json_free(&entry);
      goto oom;
    }
    if(mxm_json_array_add(list, entry) != MXM_OK)
      goto oom;
  }
  if(only_list) {
    /* a key unrelated to any identity server, so only public_keys can verify */
    if(is_public_key("mxm-unrelated-key", urlsafe, pk, sizeof(pk)) ||
       mxm_json_object_set(content, "public_key", mxm_json_new_string(pk)) != MXM_OK ||
       mxm_json_object_set(content, "key_validity_url",
                           mxm_json_new_string("https://unrelated.example/_matrix/identity/v2/pubkey/isvalid")) != MXM_OK)
      goto oom;
  }
  if(mxm_json_object_set(content, "display_name", mxm_json_new_string(display ? display : "Invited user")) != MXM_OK)
    goto oom;
  if(mxm_json_object_set(content, "public_keys", list) != MXM_OK) {
    list = NULL;
    goto oom;
  }
  return add_state_event(room, "m.room.third_party_invite", sender, token, content, err);
oom:
  mxm_json_free(&content);
  mxm_json_free(&list);
  return OOM(err);
}

/* A state event given in full under "events": filled in where fields are
 * missing; kept as is when it already carries signatures. */
static enum mxm_status add_given_event(struct mxmc_room *room, const struct mxm_json *given, struct mxm_error *err)
{
  struct mxm_json *ev = mxm_json_copy(given);
  char id[MXM_EVENT_ID_MAX];
  unsigned char hash[32];
  enum mxm_status s;
  if(!ev)
    return OOM(err);
  if((s = involve_user(room, mxm_json_string(mxm_json_get(ev, "sender")), err)) != MXM_OK ||
     (s = finish_event(room, ev, room->n_recs ? (long)room->n_recs - 1 : -1, NULL, 1, id, hash, err)) != MXM_OK) {
    mxm_json_free(&ev);
    return s;
  }
  return push_state(room, ev, id, hash, err);
}

/* Prefix a state-relative error pointer with the state's pointer. */
static void prefix_where(struct mxm_error *err, const char *ptr)
{
  char tmp[MXM_ERROR_WHERE_MAX];
  if(!err || !ptr)
    return;
  snprintf(tmp, sizeof(tmp), "%s%s", ptr, err->where);
  memcpy(err->where, tmp, sizeof(tmp));
}

static struct mxmc_room *build_room(const struct mxm_room_version *rv, enum mxm_spec_release spec,
                                    const struct mxm_json *cs, const char *state_ptr, struct mxm_error *err)
{
  struct mxmc_room *room = calloc(1, sizeof(*room));
  const char *creator = mxm_json_string(mxm_json_get(cs, "creator"));
  const struct mxm_json *members = mxm_json_get(cs, "members");
  const struct mxm_json *mc = mxm_json_get(cs, "memberContent");
  const struct mxm_json *v;
  struct mxm_json *content;
  char id[MXM_EVENT_ID_MAX];
  unsigned char hash[32];
  enum mxm_status s = MXM_OK;
  size_t i;

  if(!room) {
    OOM(err);
    return NULL;
  }
  room->rv = rv;
  room->spec = spec;
  room->compact = cs;
  room->state = mxm_json_new_array();
  room->keys = mxm_json_new_object();
  if(!room->state || !room->keys) {
    OOM(err);
    goto fail;
  }
  if(!creator || !mxm_id_domain(creator)) {
    mxm_error_set(err, MXM_E_MALFORMED, "/creator", "the compact state needs a creator with a server name");
    goto fail;
  }
  room->domain = mxmc_strdup(mxm_id_domain(creator));
  if(!rv->creators_v12)
    room->room_id = mxmc_printf("!room:%s", room->domain);
  if(!room->domain || (!rv->creators_v12 && !room->room_id)) {
    OOM(err);
    goto fail;
  }

  /* create */
  content = mxm_json_new_object();
  if(!content || (rv->creator_from == MXM_CREATOR_CONTENT &&
                  mxm_json_object_set(content, "creator", mxm_json_new_string(creator)) != MXM_OK) ||
     (strcmp(rv->id, "1") != 0 && mxm_json_object_set(content, "room_version", mxm_json_new_string(rv->id)) != MXM_OK) ||
     ((v = mxm_json_get(cs, "createContent")) != NULL && merge(content, v) != 0)) {
    mxm_json_free(&content);
    OOM(err);
    goto fail;
  }
  {
    struct mxm_json *ev = new_event("m.room.create", creator, "", content);
    if(!ev) {
      OOM(err);
      goto fail;
    }
    if((s = involve_user(room, creator, err)) != MXM_OK ||
       (s = finish_event(room, ev, -1, NULL, 1, id, hash, err)) != MXM_OK) {
      mxm_json_free(&ev);
      prefix_where(err, state_ptr);
      goto fail;
    }
    if((s = push_state(room, ev, id, hash, err)) != MXM_OK)
      goto fail;
    if(rv->creators_v12) {
      room->room_id = mxmc_printf("!%s", id + 1); /* the create event's ID with "!" */
      if(!room->room_id) {
        OOM(err);
        goto fail;
      }
    }
  }
  /* v12: additional creators are servers involved too */
  v = mxm_json_get(mxm_json_get(cs, "createContent"), "additional_creators");
  for(i = 0; i < mxm_json_array_len(v); i++)
    if((s = involve_user(room, mxm_json_string(mxm_json_array_get(v, i)), err)) != MXM_OK)
      goto fail;
  /* the creator's join */
  if(mxm_json_get(members, creator)) {
    if((s = add_state_event(room, "m.room.member", creator, creator,
                            membership_content("join", mxm_json_get(mc, creator)), err)) != MXM_OK)
      goto fail;
  }
  if((v = mxm_json_get(cs, "powerLevels")) != NULL) {
    if((s = add_state_event(room, "m.room.power_levels", creator, "", mxm_json_copy(v), err)) != MXM_OK) {
      prefix_where(err, "/powerLevels");
      goto fail;
    }
  }
  if((v = mxm_json_get(cs, "joinRule")) != NULL || (v = mxm_json_get(cs, "joinRules")) != NULL) {
    if(mxm_json_type(v) == MXM_JSON_STRING) {
      content = mxm_json_new_object();
      if(!content || mxm_json_object_set(content, "join_rule", mxm_json_copy(v)) != MXM_OK) {
        mxm_json_free(&content);
        OOM(err);
        goto fail;
      }
    } else {
      content = mxm_json_copy(v);
    }
    if((s = add_state_event(room, "m.room.join_rules", creator, "", content, err)) != MXM_OK)
      goto fail;
  }
  if(members) {
    struct members_ctx m = {room, creator, mc, MXM_OK, err, "/members"};
    (void)mxm_json_object_foreach(members, member_cb, &m);
    if((s = m.status) != MXM_OK)
      goto fail;
  }
  v = mxm_json_get(cs, "thirdPartyInvites");
  for(i = 0; i < mxm_json_array_len(v); i++) {
    if((s = add_tpi(room, mxm_json_array_get(v, i), err)) != MXM_OK) {
      char p[64];
      snprintf(p, sizeof(p), "/thirdPartyInvites/%zu", i);
      prefix_where(err, p);
      goto fail;
    }
  }
  v = mxm_json_get(cs, "events");
  for(i = 0; i < mxm_json_array_len(v); i++) {
    if((s = add_given_event(room, mxm_json_array_get(v, i), err)) != MXM_OK) {
      char p[64];
      snprintf(p, sizeof(p), "/events/%zu", i);
      prefix_where(err, p);
      goto fail;
    }
  }
  return room;
fail:
  if(err && err->status == MXM_OK)
    mxm_error_set(err, s ? s : MXM_E_MALFORMED, "", "cannot expand the state");
  if(err && strncmp(err->where, state_ptr ? state_ptr : "", state_ptr ? strlen(state_ptr) : 0) != 0)
    prefix_where(err, state_ptr);
  mxmc_room_free(&room);
  return NULL;
}

/* ---- the run's expanded rooms ----
 *
 * Every test of a group, in every room version, starts from the group's
 * compact state: without memory the same state is expanded (and all its
 * events hashed and signed) once per test. A room is a pure function of
 * (compact state, room version, spec release): build_room reads nothing
 * else. So the first build is kept, keyed by those three (the compact state
 * by its serialised bytes, compared in full), and later builds hand out a
 * copy: the same event objects (never changed once built: requests take
 * references, sequences copy), their own list of records, key map and
 * counters, which expansion of the test event then extends. Bounded
 * (ROOM_CACHE, round robin); a failed build is not kept (its error is
 * built again, naming the caller's pointer). */
#define ROOM_CACHE 64

struct room_entry {
  char *key; /* owned */
  size_t key_len;
  struct mxmc_room *room; /* owned */
};
static struct room_entry rooms[ROOM_CACHE];
static size_t rooms_next;

void mxmc_expand_rooms_reset(void)
{
  size_t i;
  for(i = 0; i < ROOM_CACHE; i++) {
    free(rooms[i].key);
    mxmc_room_free(&rooms[i].room);
    rooms[i].key = NULL;
  }
  rooms_next = 0;
}

size_t mxmc_expand_rooms_cached(void)
{
  size_t i, n = 0;
  for(i = 0; i < ROOM_CACHE; i++)
    n += rooms[i].room != NULL;
  return n;
}

/* A copy of base that the caller may extend; NULL on out-of-memory. */
static struct mxmc_room *room_copy(const struct mxmc_room *base, const struct mxm_json *cs)
{
  struct mxmc_room *room = calloc(1, sizeof(*room));
  size_t i;
  if(!room)
    return NULL;
  room->rv = base->rv;
  room->spec = base->spec;
  room->compact = cs;
  room->domain = mxmc_strdup(base->domain);
  room->room_id = base->room_id ? mxmc_strdup(base->room_id) : NULL;
  room->state = mxm_json_new_array();
  room->keys = mxm_json_copy(base->keys);
  room->depth = base->depth;
  room->counter = base->counter;
  room->cap_recs = base->n_recs ? base->n_recs : 1;
  room->recs = calloc(room->cap_recs, sizeof(*room->recs));
  room->rec_ids = calloc(room->cap_recs, sizeof(*room->rec_ids));
  if(!room->domain || (base->room_id && !room->room_id) || !room->state || !room->keys || !room->recs ||
     !room->rec_ids)
    goto oom;
  for(i = 0; i < base->n_recs; i++) {
    const struct rec *b = &base->recs[i];
    struct rec *r = &room->recs[i];
    r->index = b->index;
    r->id = mxmc_strdup(b->id);
    r->type = mxmc_strdup(b->type);
    r->state_key = mxmc_strdup(b->state_key);
    r->ref_b64 = mxmc_strdup(b->ref_b64);
    room->rec_ids[i] = r->id;
    room->n_recs++;
    if(!r->id || !r->type || !r->state_key || !r->ref_b64)
      goto oom;
  }
  for(i = 0; i < mxm_json_array_len(base->state); i++)
    if(mxm_json_array_add(room->state, mxm_json_ref(mxm_json_array_get(base->state, i))) != MXM_OK)
      goto oom;
  return room;
oom:
  mxmc_room_free(&room);
  return NULL;
}

struct mxmc_room *mxmc_room_build(const struct mxm_room_version *rv, enum mxm_spec_release spec,
                                  const struct mxm_json *cs, const char *state_ptr, struct mxm_error *err)
{
  char *text = NULL, *key = NULL;
  size_t text_len = 0, key_len = 0, i;
  struct mxmc_room *room;
  if(rv && (text = mxm_json_to_string(cs, &text_len)) != NULL) {
    key = mxmc_printf("%s|%d|%s", rv->id, (int)spec, text);
    key_len = key ? strlen(key) : 0;
    free(text);
  }
  for(i = 0; key && i < ROOM_CACHE; i++) {
    if(rooms[i].room && rooms[i].key_len == key_len && memcmp(rooms[i].key, key, key_len) == 0) {
      free(key);
      mxmc_expand_count_room(0);
      room = room_copy(rooms[i].room, cs);
      if(!room)
        OOM(err);
      return room;
    }
  }
  room = build_room(rv, spec, cs, state_ptr, err);
  mxmc_expand_count_room(1);
  if(room && key) {
    struct mxmc_room *copy = room_copy(room, cs);
    if(copy) {
      struct room_entry *e = &rooms[rooms_next];
      rooms_next = (rooms_next + 1) % ROOM_CACHE;
      free(e->key);
      mxmc_room_free(&e->room);
      e->key = key;
      e->key_len = key_len;
      e->room = room;
      room->compact = NULL; /* kept beyond the caller's tree; never expanded from */
      return copy;
    }
  }
  free(key);
  return room;
}

void mxmc_room_free(struct mxmc_room **roomp)
{
  struct mxmc_room *room;
  size_t i;
  if(!roomp || !*roomp)
    return;
  room = *roomp;
  for(i = 0; i < room->n_recs; i++) {
    free(room->recs[i].id);
    free(room->recs[i].type);
    free(room->recs[i].state_key);
    free(room->recs[i].ref_b64);
  }
  free(room->recs);
  free(room->rec_ids);
  for(i = 0; i < room->n_foreign; i++)
    free(room->foreign_ids[i]);
  free(room->foreign_ids);
  mxm_json_free(&room->state);
  mxm_json_free(&room->keys);
  mxm_json_free(&room->foreign);
  free(room->domain);
  free(room->room_id);
  free(room);
  *roomp = NULL;
}

const struct mxm_json *mxmc_room_state(const struct mxmc_room *room)
{
  return room->state;
}

const struct mxm_json *mxmc_room_server_keys(const struct mxmc_room *room)
{
  return room->keys;
}

const struct mxm_json *mxmc_room_other_events(const struct mxmc_room *room)
{
  return room->foreign;
}

void mxmc_room_ids(const struct mxmc_room *room, struct mxmc_ids *out)
{
  memset(out, 0, sizeof(*out));
  if(!room)
    return;
  out->state = room->rec_ids;
  out->n_state = room->n_recs;
  out->other = (const char *const *)room->foreign_ids;
  out->n_other = room->n_foreign;
  out->events_fixed = 1; /* expanded events are never changed */
}

/* Names collected from an object (foreach must not modify what it walks). */
struct names {
  char *v[32]; /* owned */
  size_t n;
};
static int names_cb(const char *key, size_t len, const struct mxm_json *val, void *vctx)
{
  struct names *nm = vctx;
  (void)len;
  (void)val;
  if(nm->n < sizeof(nm->v) / sizeof(nm->v[0]))
    nm->v[nm->n++] = mxmc_strdup(key);
  return 0;
}
static void names_free(struct names *nm)
{
  size_t i;
  for(i = 0; i < nm->n; i++)
    free(nm->v[i]);
  nm->n = 0;
}

/* corrupt: true. Changes the first base64 character of every signature in
 * obj.signatures, which always changes the first decoded byte. */
static enum mxm_status corrupt_signatures(struct mxm_json *obj, struct mxm_error *err)
{
  struct mxm_json *sigs = mxm_json_get_mut(obj, "signatures");
  struct names entities = {{0}, 0};
  size_t i, k;
  enum mxm_status s = MXM_OK;
  (void)mxm_json_object_foreach(sigs, names_cb, &entities);
  for(i = 0; i < entities.n && s == MXM_OK; i++) {
    struct mxm_json *ent = mxm_json_get_mut(sigs, entities.v[i]);
    struct names ids = {{0}, 0};
    (void)mxm_json_object_foreach(ent, names_cb, &ids);
    for(k = 0; k < ids.n && s == MXM_OK; k++) {
      const char *sig = mxm_json_string(mxm_json_get(ent, ids.v[k]));
      char *flipped = mxmc_strdup(sig);
      if(!flipped || !flipped[0]) {
        free(flipped);
        continue;
      }
      flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
      if(mxm_json_object_set(ent, ids.v[k], mxm_json_new_string(flipped)) != MXM_OK)
        s = OOM(err);
      free(flipped);
    }
    names_free(&ids);
  }
  names_free(&entities);
  return s;
}

/* mxm_sign_json (strict canonical JSON of obj without signatures and
 * unsigned, signed by key under entity), with the signature from the run's
 * memory when the same bytes were signed with the same key before. */
static enum mxm_status sign_json_once(struct mxm_json *obj, const char *entity, const struct mxm_signing_key *key,
                                      struct mxm_error *err)
{
  char *bytes = NULL, sig[MXM_SIGNATURE_B64_MAX];
  size_t len = 0;
  enum mxm_status s = mxm_signing_bytes(obj, MXM_CANON_STRICT, &bytes, &len, err);
  if(s != MXM_OK)
    return s;
  s = mxmc_sign_once(bytes, len, key, sig, err);
  free(bytes);
  return s == MXM_OK ? put_signature(obj, entity, key->key_id, sig, err) : s;
}

/* content.third_party_invite for a compact event. */
static enum mxm_status build_tpi(struct mxmc_room *room, const struct mxm_json *spec, const char *sender,
                                 const char *state_key, struct mxm_json **out, struct mxm_error *err)
{
  const char *token = mxm_json_string(mxm_json_get(spec, "token"));
  const char *mxid = mxm_json_string(mxm_json_get(spec, "mxid"));
  const char *tsender = mxm_json_string(mxm_json_get(spec, "sender"));
  const char *display = mxm_json_string(mxm_json_get(spec, "displayName"));
  const struct mxm_json *sign_with = mxm_json_get(spec, "signWith");
  const struct mxm_json *omit_fields = mxm_json_get(spec, "omitFields");
  const char *default_key = NULL;
  int corrupt = 0, omit_signed = 0;
  struct mxm_json *tpi = mxm_json_new_object(), *signed_obj = mxm_json_new_object();
  size_t i;
  enum mxm_status s;
  (void)mxm_json_bool(mxm_json_get(spec, "corrupt"), &corrupt);
  (void)mxm_json_bool(mxm_json_get(spec, "omitSigned"), &omit_signed);
  *out = NULL;
  if(!tpi || !signed_obj || mxm_json_object_set(signed_obj, "mxid", mxm_json_new_string(mxid ? mxid : state_key)) != MXM_OK ||
     mxm_json_object_set(signed_obj, "sender", mxm_json_new_string(tsender ? tsender : sender)) != MXM_OK ||
     mxm_json_object_set(signed_obj, "token", mxm_json_new_string(token ? token : "")) != MXM_OK)
    goto oom;
  if(!sign_with) {
    /* default: the first key of the state's invite with this token */
    const struct mxm_json *list = mxm_json_get(room->compact, "thirdPartyInvites");
    for(i = 0; i < mxm_json_array_len(list) && !default_key; i++) {
      const struct mxm_json *t = mxm_json_array_get(list, i);
      const char *tok = mxm_json_string(mxm_json_get(t, "token"));
      if(tok && token && strcmp(tok, token) == 0)
        default_key = mxm_json_string(mxm_json_array_get(mxm_json_get(t, "keys"), 0));
    }
    if(default_key) {
      struct mxm_signing_key key;
      if(mxmc_key_for_name(default_key, &key) != MXM_OK)
        goto crypto;
      if((s = sign_json_once(signed_obj, default_key, &key, err)) != MXM_OK)
        goto fail;
    }
  }
  for(i = 0; i < mxm_json_array_len(sign_with); i++) {
    const char *name = mxm_json_string(mxm_json_array_get(sign_with, i));
    struct mxm_signing_key key;
    if(!name || mxmc_key_for_name(name, &key) != MXM_OK)
      goto crypto;
    if((s = sign_json_once(signed_obj, name, &key, err)) != MXM_OK)
      goto fail;
  }
  if(corrupt && (s = corrupt_signatures(signed_obj, err)) != MXM_OK)
    goto fail;
  for(i = 0; i < mxm_json_array_len(omit_fields); i++) {
    const char *f = mxm_json_string(mxm_json_array_get(omit_fields, i));
    if(f)
      mxm_json_object_del(signed_obj, f);
  }
  if(mxm_json_object_set(tpi, "display_name", mxm_json_new_string(display ? display : "Invited user")) != MXM_OK)
    goto oom;
  if(!omit_signed) {
    if(mxm_json_object_set(tpi, "signed", signed_obj) != MXM_OK) {
      signed_obj = NULL;
      goto oom;
    }
  } else {
    mxm_json_free(&signed_obj);
  }
  *out = tpi;
  return MXM_OK;
crypto:
  s = mxm_error_set(err, MXM_E_CRYPTO, "/thirdPartyInvite/signWith", "cannot derive an identity-server key");
  goto fail;
oom:
  s = OOM(err);
fail:
  mxm_json_free(&tpi);
  mxm_json_free(&signed_obj);
  return s;
}

/* An event of `type` in another room, for the "foreign:<type>" selector.
 * It is not part of the state; only its ID is listed. */
static enum mxm_status foreign_ref(struct mxmc_room *room, const char *type, const char *sender,
                                   struct mxm_json *arr, struct mxm_error *err)
{
  struct mxm_json *ev = new_event(type, sender, "", mxm_json_new_object());
  char id[MXM_EVENT_ID_MAX], other[300];
  unsigned char hash[32];
  struct rec r;
  enum mxm_status s;
  if(!ev)
    return OOM(err);
  snprintf(other, sizeof(other), "!other:%s", room->domain);
  if(mxm_json_object_set(ev, "room_id", mxm_json_new_string(other)) != MXM_OK) {
    mxm_json_free(&ev);
    return OOM(err);
  }
  if((s = finish_event(room, ev, -1, NULL, 0, id, hash, err)) != MXM_OK) {
    mxm_json_free(&ev);
    return s;
  }
  memset(&r, 0, sizeof(r));
  r.id = id;
  r.ref_b64 = "";
  {
    char b64[64];
    b64_encode(hash, sizeof(hash), 0, b64, sizeof(b64));
    r.ref_b64 = b64;
    if(mxm_json_array_add(arr, ref_of(room, &r)) != MXM_OK) {
      mxm_json_free(&ev);
      return OOM(err);
    }
    if(!room->foreign && !(room->foreign = mxm_json_new_array())) {
      mxm_json_free(&ev);
      return OOM(err);
    }
    {
      char **ni = realloc(room->foreign_ids, (room->n_foreign + 1) * sizeof(*ni));
      if(!ni) {
        mxm_json_free(&ev);
        return OOM(err);
      }
      room->foreign_ids = ni;
      if(!(ni[room->n_foreign] = mxmc_strdup(id))) {
        mxm_json_free(&ev);
        return OOM(err);
      }
      room->n_foreign++;
    }
    if(mxm_json_array_add(room->foreign, ev) != MXM_OK)
      return OOM(err);
  }
  return MXM_OK;
}

/* The explicit auth_events list of a compact event. */
static enum mxm_status explicit_auth(struct mxmc_room *room, const struct mxm_json *selectors, const char *sender,
                                     const char *ptr, struct mxm_json **out, struct mxm_error *err)
{
  struct mxm_json *arr = mxm_json_new_array();
  size_t i;
  enum mxm_status s = MXM_OK;
  if(!arr)
    return OOM(err);
  for(i = 0; i < mxm_json_array_len(selectors) && s == MXM_OK; i++) {
    const char *sel = mxm_json_string(mxm_json_array_get(selectors, i));
    long idx = -1;
    char where[MXM_ERROR_WHERE_MAX + 64];
    snprintf(where, sizeof(where), "%s/authEvents/%zu", ptr, i);
    if(!sel)
      s = mxm_error_set(err, MXM_E_MALFORMED, where, "a selector must be a string");
    else if(strcmp(sel, "create") == 0)
      idx = find_rec(room, "m.room.create", "");
    else if(strcmp(sel, "power_levels") == 0)
      idx = find_rec(room, "m.room.power_levels", "");
    else if(strcmp(sel, "join_rules") == 0)
      idx = find_rec(room, "m.room.join_rules", "");
    else if(strncmp(sel, "member:", 7) == 0)
      idx = find_rec(room, "m.room.member", sel + 7);
    else if(strncmp(sel, "third_party_invite:", 19) == 0)
      idx = find_rec(room, "m.room.third_party_invite", sel + 19);
    else if(strncmp(sel, "foreign:", 8) == 0) {
      s = foreign_ref(room, sel + 8, sender, arr, err);
      continue;
    } else
      s = mxm_error_set(err, MXM_E_MALFORMED, where, "unknown selector \"%s\"", sel);
    if(s == MXM_OK && idx < 0)
      s = mxm_error_set(err, MXM_E_MALFORMED, where, "selector \"%s\": the state has no such event", sel);
    /* explicit lists keep duplicates on purpose (auth_events.duplicate) */
    if(s == MXM_OK && mxm_json_array_add(arr, ref_of(room, &room->recs[idx])) != MXM_OK)
      s = OOM(err);
  }
  if(s != MXM_OK) {
    mxm_json_free(&arr);
    return s;
  }
  *out = arr;
  return MXM_OK;
}

static int looks_like_user(const char *s)
{
  return s && s[0] == '@' && mxm_id_domain(s);
}

enum mxm_status mxmc_room_expand_event(struct mxmc_room *room, const struct mxm_json *holder,
                                       const char *holder_ptr, struct mxm_json **event,
                                       char **event_text, int *explicit_auth_out, struct mxm_error *err)
{
  const struct mxm_json *ce = mxm_json_get(holder, "event");
  const struct mxm_json *v;
  const char *type, *sender, *state_key, *membership, *prev_mode;
  struct mxm_json *ev = NULL, *content = NULL;
  char ptr[MXM_ERROR_WHERE_MAX];
  enum mxm_status s;
  size_t i;
  long prev;

  *event = NULL;
  *event_text = NULL;
  *explicit_auth_out = 0;
  if((v = mxm_json_get(holder, "rawEventText")) != NULL) {
    size_t len = 0;
    const char *text = mxm_json_string_len(v, &len);
    if(!text)
      return mxm_error_set(err, MXM_E_MALFORMED, holder_ptr, "rawEventText must be a string");
    *event_text = malloc(len + 1);
    if(!*event_text)
      return OOM(err);
    memcpy(*event_text, text, len);
    (*event_text)[len] = '\0';
    return MXM_OK;
  }
  if((v = mxm_json_get(holder, "rawEvent")) != NULL) {
    if((s = involve_user(room, mxm_json_string(mxm_json_get(v, "sender")), err)) != MXM_OK)
      return s;
    *event = mxm_json_copy(v);
    return *event ? MXM_OK : OOM(err);
  }
  snprintf(ptr, sizeof(ptr), "%s/event", holder_ptr);
  if(mxm_json_type(ce) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, holder_ptr, "no event, rawEvent or rawEventText");
  type = mxm_json_string(mxm_json_get(ce, "type"));
  if(!type)
    type = "m.room.member";
  sender = mxm_json_string(mxm_json_get(ce, "sender"));
  if(!sender)
    return mxm_error_set(err, MXM_E_MALFORMED, ptr, "the compact event needs a sender");
  state_key = mxm_json_string(mxm_json_get(ce, "stateKey"));
  if(!state_key && strcmp(type, "m.room.member") == 0)
    state_key = sender;
  membership = mxm_json_string(mxm_json_get(ce, "membership"));
  content = mxm_json_new_object();
  if(!content)
    return OOM(err);
  if(membership && mxm_json_object_set(content, "membership", mxm_json_new_string(membership)) != MXM_OK)
    goto oom;
  if((v = mxm_json_get(ce, "content")) != NULL && merge(content, v) != 0)
    goto oom;
  if((v = mxm_json_get(ce, "thirdPartyInvite")) != NULL) {
    struct mxm_json *tpi = NULL;
    if((s = build_tpi(room, v, sender, state_key ? state_key : "", &tpi, err)) != MXM_OK) {
      mxm_json_free(&content);
      return s;
    }
    if(mxm_json_object_set(content, "third_party_invite", tpi) != MXM_OK)
      goto oom;
  }
  v = mxm_json_get(ce, "contentOmit");
  for(i = 0; i < mxm_json_array_len(v); i++) {
    const char *k = mxm_json_string(mxm_json_array_get(v, i));
    if(k)
      mxm_json_object_del(content, k);
  }
  if((s = involve_user(room, sender, err)) != MXM_OK ||
     (looks_like_user(state_key) && (s = involve_user(room, state_key, err)) != MXM_OK) ||
     (s = involve_user(room, mxm_json_string(mxm_json_get(content, "join_authorised_via_users_server")), err)) !=
         MXM_OK) {
    mxm_json_free(&content);
    return s;
  }
  ev = new_event(type, sender, state_key, content);
  content = NULL;
  if(!ev)
    return OOM(err);
  prev_mode = mxm_json_string(mxm_json_get(ce, "prevEvents"));
  prev = (prev_mode && strcmp(prev_mode, "create") == 0) ? find_rec(room, "m.room.create", "")
                                                          : (long)room->n_recs - 1;
  v = mxm_json_get(ce, "authEvents");
  if(mxm_json_type(v) == MXM_JSON_ARRAY) {
    struct mxm_json *arr = NULL;
    if((s = explicit_auth(room, v, sender, ptr, &arr, err)) != MXM_OK)
      goto fail;
    if(mxm_json_object_set(ev, "auth_events", arr) != MXM_OK)
      goto oom;
    *explicit_auth_out = 1;
  }
  if((s = finish_test_event(room, ev, prev, mxm_json_get(ce, "signedBy"), err)) != MXM_OK)
    goto fail;
  v = mxm_json_get(ce, "omit");
  for(i = 0; i < mxm_json_array_len(v); i++) {
    const char *k = mxm_json_string(mxm_json_array_get(v, i));
    if(k)
      mxm_json_object_del(ev, k);
  }
  *event = ev;
  return MXM_OK;
oom:
  s = OOM(err);
fail:
  if(err && err->where[0] != '/')
    prefix_where(err, ptr);
  mxm_json_free(&content);
  mxm_json_free(&ev);
  return s;
}

enum mxm_status mxmc_room_accept(struct mxmc_room *room, const struct mxm_json *ev, struct mxm_error *err)
{
  struct mxm_json *copy;
  char id[MXM_EVENT_ID_MAX];
  unsigned char hash[32];
  enum mxm_status s;
  if(!mxm_json_get(ev, "state_key"))
    return MXM_OK; /* not a state event: the state does not change */
  if((s = event_id_of(room, ev, 0, hash, id, err)) != MXM_OK)
    return s;
  copy = mxm_json_copy(ev);
  if(!copy)
    return OOM(err);
  return push_state(room, copy, id, hash, err);
}
