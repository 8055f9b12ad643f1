/*
 * state.c: the room state the auth rules read (mxm/state.h). Owns the
 * member map, the map of other state events by (type, state_key), the
 * event-ID index, the server-key list, loading state from JSON, and the
 * power-level lookups with their per-release defaults (m.room.power_levels.yaml; server-server-api.md §Definitions). It
 * authorises nothing: mxm_state_put trusts that its caller decided.
 *
 * Every map is open addressing with linear probing over a power-of-two
 * table kept at most 3/4 full (members and refs) or 1/2 full (intern set,
 * event map), so lookups are O(1) expected. Hashes are FNV-1a with a final
 * avalanche step: deterministic across runs, so replays are reproducible.
 */
#include "mxm/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "event_int.h"
#include "limits.h"
#include "mxm/sign.h" /* mxm_base64_decode_any */
#include "state_int.h"

/* ------------------------------------------------------------------ */
/* Hashing                                                             */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  size_t i;
  for(i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

static uint64_t mix64(uint64_t h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint64_t hash_str(const char *s) { return mix64(fnv1a(FNV_INIT, s, strlen(s))); }

static uint64_t hash_pair(const char *a, const char *b)
{
  uint64_t h = fnv1a(FNV_INIT, a, strlen(a) + 1); /* the NUL separates a from b */
  return mix64(fnv1a(h, b, strlen(b)));
}

/* (displayname, avatar_url) -> non-zero hash; NULL and "" differ. */
uint64_t mxmi_profile_hash(const char *displayname, const char *avatar_url)
{
  uint64_t h = FNV_INIT;
  unsigned char tag;
  tag = displayname ? 1 : 0;
  h = fnv1a(h, &tag, 1);
  if(displayname)
    h = fnv1a(h, displayname, strlen(displayname) + 1);
  tag = avatar_url ? 1 : 0;
  h = fnv1a(h, &tag, 1);
  if(avatar_url)
    h = fnv1a(h, avatar_url, strlen(avatar_url) + 1);
  h = mix64(h);
  return h ? h : 1;
}

/* ------------------------------------------------------------------ */
/* Arena and intern set                                                */

static const char *str_at(const struct mxm_state *st, mxmi_str off)
{
  return off ? st->arena + off : NULL;
}

/* Grow a table to new_cap slots of size elem; NULL on out-of-memory. */
static void *table_alloc(size_t new_cap, size_t elem) { return mxmi_calloc(new_cap, elem); }

static int intern_grow(struct mxm_state *st)
{
  size_t cap = st->intern_cap ? st->intern_cap * 2 : 64, i, j;
  mxmi_str *slots = table_alloc(cap, sizeof(*slots));
  if(!slots)
    return 0;
  for(i = 0; i < st->intern_cap; i++) {
    mxmi_str off = st->intern[i];
    if(!off)
      continue;
    j = hash_str(st->arena + off) & (cap - 1);
    while(slots[j])
      j = (j + 1) & (cap - 1);
    slots[j] = off;
  }
  free(st->intern);
  st->intern = slots;
  st->intern_cap = cap;
  return 1;
}

/* The offset of s in the arena, adding it if new. 0 on out-of-memory or
 * when the arena would pass 4 GiB (offsets are 32-bit). */
static mxmi_str intern(struct mxm_state *st, const char *s)
{
  size_t len = strlen(s), j;
  uint64_t h = hash_str(s);
  mxmi_str off;
  if(st->intern_count + 1 > st->intern_cap / 2 && !intern_grow(st))
    return 0;
  for(j = h & (st->intern_cap - 1); st->intern[j]; j = (j + 1) & (st->intern_cap - 1))
    if(strcmp(st->arena + st->intern[j], s) == 0)
      return st->intern[j];
  if(st->arena_len + len + 1 > st->arena_cap) {
    size_t cap = st->arena_cap ? st->arena_cap : 4096;
    char *a;
    while(cap < st->arena_len + len + 1)
      cap *= 2;
    if(cap > (size_t)UINT32_MAX)
      cap = (size_t)UINT32_MAX;
    if(st->arena_len + len + 1 > cap)
      return 0;
    a = mxmi_realloc(st->arena, cap);
    if(!a)
      return 0;
    st->arena = a;
    st->arena_cap = cap;
  }
  off = (mxmi_str)st->arena_len;
  memcpy(st->arena + off, s, len + 1);
  st->arena_len += len + 1;
  st->intern[j] = off;
  st->intern_count++;
  return off;
}

/* The offset of s if it is interned, else 0 (for lookups: no allocation). */
static mxmi_str intern_find(const struct mxm_state *st, const char *s)
{
  size_t j;
  if(!st->intern_cap || !s)
    return 0;
  for(j = hash_str(s) & (st->intern_cap - 1); st->intern[j]; j = (j + 1) & (st->intern_cap - 1))
    if(strcmp(st->arena + st->intern[j], s) == 0)
      return st->intern[j];
  return 0;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

enum mxm_status mxm_state_new(const struct mxm_room_version *rv, struct mxm_state **out)
{
  struct mxm_state *st;
  if(!out)
    return MXM_E_USAGE;
  *out = NULL;
  if(!rv)
    return MXM_E_USAGE;
  st = mxmi_calloc(1, sizeof(*st));
  if(!st)
    return MXM_E_NOMEM;
  st->rv = rv;
  st->arena_cap = 4096;
  st->arena = mxmi_malloc(st->arena_cap);
  if(!st->arena) {
    free(st);
    return MXM_E_NOMEM;
  }
  st->arena[0] = '\0';
  st->arena_len = 1; /* offset 0 means "none" */
  *out = st;
  return MXM_OK;
}

void mxm_state_free(struct mxm_state **stp)
{
  struct mxm_state *st;
  size_t i;
  if(!stp || !*stp)
    return;
  st = *stp;
  for(i = 0; i < st->events_cap; i++)
    mxm_event_free(&st->events[i].ev);
  for(i = 0; i < st->keys_count; i++) {
    free(st->keys[i].server);
    free(st->keys[i].key_id);
    free(st->keys[i].public_key);
  }
  free(st->keys);
  free(st->events);
  free(st->refs);
  free(st->members);
  free(st->intern);
  free(st->arena);
  free(st);
  *stp = NULL;
}

static void *dup_mem(const void *p, size_t n)
{
  void *q;
  if(!p || n == 0)
    return NULL;
  q = mxmi_malloc(n);
  if(q)
    memcpy(q, p, n);
  return q;
}

static char *dup_str(const char *s) { return s ? dup_mem(s, strlen(s) + 1) : NULL; }

const struct mxm_room_version *mxm_state_room_version(const struct mxm_state *st)
{
  return st ? st->rv : NULL;
}

/* ------------------------------------------------------------------ */
/* Members                                                             */

/* Probe the member map directly: the stored 32-bit hash filters almost
 * every non-match, so a lookup costs one table access and one string
 * compare. */
static struct mxmi_member *member_slot(const struct mxm_state *st, const char *user)
{
  size_t j;
  uint32_t h;
  if(!st->members_cap || !user)
    return NULL;
  h = (uint32_t)hash_str(user);
  for(j = h & (st->members_cap - 1); st->members[j].user; j = (j + 1) & (st->members_cap - 1))
    if(st->members[j].hash == h && strcmp(st->arena + st->members[j].user, user) == 0)
      return &st->members[j];
  return NULL;
}

static int members_grow(struct mxm_state *st)
{
  size_t cap = st->members_cap ? st->members_cap * 2 : 64, i, j;
  struct mxmi_member *t;
  if(cap > MXM_MAX_STATE_MEMBERS * 2)
    return 0;
  t = table_alloc(cap, sizeof(*t));
  if(!t)
    return 0;
  for(i = 0; i < st->members_cap; i++) {
    if(!st->members[i].user)
      continue;
    for(j = st->members[i].hash & (cap - 1); t[j].user; j = (j + 1) & (cap - 1))
      ;
    t[j] = st->members[i];
  }
  free(st->members);
  st->members = t;
  st->members_cap = cap;
  return 1;
}

/* Insert or update; the caller has made room (members_grow). */
static void member_put(struct mxm_state *st, const struct mxm_event *ev, mxmi_str user, mxmi_str event_id)
{
  uint32_t h = (uint32_t)hash_str(ev->state_key);
  size_t j;
  for(j = h & (st->members_cap - 1); st->members[j].user; j = (j + 1) & (st->members_cap - 1))
    if(st->members[j].user == user)
      break;
  if(!st->members[j].user) {
    st->members_count++;
    st->members[j].user = user;
    st->members[j].hash = h;
  }
  st->members[j].event_id = event_id;
  st->members[j].membership = (uint8_t)ev->u.member.membership;
  st->members[j].profile = mxmi_profile_hash(ev->u.member.displayname, ev->u.member.avatar_url);
}

enum mxm_membership mxm_state_membership(const struct mxm_state *st, const char *user_id)
{
  const struct mxmi_member *m = st ? member_slot(st, user_id) : NULL;
  return m ? (enum mxm_membership)m->membership : MXM_MEMBERSHIP_NONE;
}

uint64_t mxm_state_profile_hash(const struct mxm_state *st, const char *user_id)
{
  const struct mxmi_member *m = st ? member_slot(st, user_id) : NULL;
  return m ? m->profile : 0;
}

const char *mxm_state_member_event_id(const struct mxm_state *st, const char *user_id)
{
  const struct mxmi_member *m = st ? member_slot(st, user_id) : NULL;
  return m ? str_at(st, m->event_id) : NULL;
}

size_t mxm_state_member_count(const struct mxm_state *st) { return st ? st->members_count : 0; }

/* ------------------------------------------------------------------ */
/* Event-ID index                                                      */

static int refs_grow(struct mxm_state *st)
{
  size_t cap = st->refs_cap ? st->refs_cap * 2 : 64, i, j;
  struct mxmi_event_ref *t;
  if(cap > MXM_MAX_STATE_EVENTS * 2)
    return 0;
  t = table_alloc(cap, sizeof(*t));
  if(!t)
    return 0;
  for(i = 0; i < st->refs_cap; i++) {
    if(!st->refs[i].id)
      continue;
    for(j = hash_str(st->arena + st->refs[i].id) & (cap - 1); t[j].id; j = (j + 1) & (cap - 1))
      ;
    t[j] = st->refs[i];
  }
  free(st->refs);
  st->refs = t;
  st->refs_cap = cap;
  return 1;
}

/* Insert or update; the caller has made room (refs_grow). */
static void ref_put(struct mxm_state *st, mxmi_str id, const char *id_str, mxmi_str type, mxmi_str state_key,
                    mxmi_str room_id)
{
  uint64_t h = hash_str(id_str);
  size_t j;
  for(j = h & (st->refs_cap - 1); st->refs[j].id; j = (j + 1) & (st->refs_cap - 1))
    if(st->refs[j].id == id)
      break;
  if(!st->refs[j].id)
    st->refs_count++;
  st->refs[j].id = id;
  st->refs[j].type = type;
  st->refs[j].state_key = state_key;
  st->refs[j].room_id = room_id;
}

int mxm_state_event_by_id(const struct mxm_state *st, const char *event_id, const char **type,
                          const char **state_key, const char **room_id)
{
  mxmi_str off;
  size_t j;
  if(!st || !event_id || !st->refs_cap)
    return 0;
  off = intern_find(st, event_id);
  if(!off)
    return 0;
  for(j = hash_str(event_id) & (st->refs_cap - 1); st->refs[j].id;
      j = (j + 1) & (st->refs_cap - 1)) {
    if(st->refs[j].id != off)
      continue;
    if(type)
      *type = str_at(st, st->refs[j].type);
    if(state_key)
      *state_key = str_at(st, st->refs[j].state_key);
    if(room_id)
      *room_id = str_at(st, st->refs[j].room_id);
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Other state events by (type, state_key)                             */

static struct mxmi_event_slot *event_slot(const struct mxm_state *st, const char *type,
                                          const char *state_key, int for_insert)
{
  uint64_t h;
  size_t j;
  if(!st->events_cap || !type || !state_key)
    return NULL;
  h = hash_pair(type, state_key);
  for(j = h & (st->events_cap - 1); st->events[j].ev; j = (j + 1) & (st->events_cap - 1)) {
    const struct mxm_event *ev = st->events[j].ev;
    if(st->events[j].hash == h && strcmp(ev->type, type) == 0 && strcmp(ev->state_key, state_key) == 0)
      return &st->events[j];
  }
  return for_insert ? &st->events[j] : NULL;
}

static int events_grow(struct mxm_state *st)
{
  size_t cap = st->events_cap ? st->events_cap * 2 : 16, i, j;
  struct mxmi_event_slot *t;
  if(cap > MXM_MAX_STATE_EVENTS * 2)
    return 0;
  t = table_alloc(cap, sizeof(*t));
  if(!t)
    return 0;
  for(i = 0; i < st->events_cap; i++) {
    if(!st->events[i].ev)
      continue;
    for(j = st->events[i].hash & (cap - 1); t[j].ev; j = (j + 1) & (cap - 1))
      ;
    t[j] = st->events[i];
  }
  free(st->events);
  st->events = t;
  st->events_cap = cap;
  return 1;
}

const struct mxm_event *mxm_state_get(const struct mxm_state *st, const char *type, const char *state_key)
{
  const struct mxmi_event_slot *s = st ? event_slot(st, type, state_key, 0) : NULL;
  return s ? s->ev : NULL;
}

const struct mxm_event *mxm_state_create(const struct mxm_state *st)
{
  return mxm_state_get(st, "m.room.create", "");
}

const struct mxm_event *mxm_state_power_levels(const struct mxm_state *st)
{
  return mxm_state_get(st, "m.room.power_levels", "");
}

const struct mxm_event *mxm_state_join_rules(const struct mxm_state *st)
{
  return mxm_state_get(st, "m.room.join_rules", "");
}

/* The token is the state_key of the m.room.third_party_invite. */
const struct mxm_event *mxm_state_third_party_invite(const struct mxm_state *st, const char *token)
{
  return mxm_state_get(st, "m.room.third_party_invite", token);
}

/* ------------------------------------------------------------------ */
/* Put                                                                 */

enum mxm_status mxm_state_put(struct mxm_state *st, struct mxm_event *ev, struct mxm_error *err)
{
  enum mxm_status status = MXM_OK;
  mxmi_str id = 0, type = 0, state_key = 0, room_id = 0;
  const char *id_str;
  struct mxmi_event_slot *slot;

  if(!st || !ev) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_USAGE, "", "no state or no event");
  }
  if(!ev->state_key) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_MALFORMED, "/state_key", "not a state event (no state_key)");
  }
  if(ev->kind == MXM_EVENT_POWER_LEVELS && !ev->u.power_levels.valid) {
    status = mxm_error_set(err, MXM_E_MALFORMED, ev->u.power_levels.invalid_where,
                           "invalid power levels for room version %s: %s", st->rv->id,
                           ev->u.power_levels.invalid_reason ? ev->u.power_levels.invalid_reason : "bad value");
    mxm_event_free(&ev);
    return status;
  }
  if(ev->kind == MXM_EVENT_MEMBER &&
     (ev->u.member.membership == MXM_MEMBERSHIP_UNKNOWN || ev->u.member.membership == MXM_MEMBERSHIP_NONE)) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_MALFORMED, "/content/membership",
                         "a member event in the state needs one of the five memberships");
  }
  /* The event's ID: given (v1/v2, client form) or the reference hash (v3+). */
  status = mxm_event_ensure_id(ev, st->rv, err);
  if(status != MXM_OK) {
    mxm_event_free(&ev);
    return status;
  }
  id_str = mxm_event_id(ev);
  if(st->refs_count >= MXM_MAX_STATE_EVENTS) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_TOO_BIG, "", "more than %zu state events", MXM_MAX_STATE_EVENTS);
  }
  if(!(id = intern(st, id_str)) || !(type = intern(st, ev->type)) ||
     !(state_key = intern(st, ev->state_key)) || (ev->room_id && !(room_id = intern(st, ev->room_id)))) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory (state strings)");
  }
  /* Make room in every table first, so that nothing below can fail and a
   * failed put leaves the state as it was (interned strings aside, which
   * nothing then refers to). */
  if((st->refs_count + 1 > st->refs_cap / 4 * 3 && !refs_grow(st)) ||
     (ev->kind == MXM_EVENT_MEMBER && st->members_count + 1 > st->members_cap / 4 * 3 && !members_grow(st)) ||
     (ev->kind != MXM_EVENT_MEMBER && st->events_count + 1 > st->events_cap / 2 && !events_grow(st))) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory (state tables)");
  }
  ref_put(st, id, id_str, type, state_key, room_id);
  if(ev->kind == MXM_EVENT_MEMBER) {
    member_put(st, ev, state_key, id);
    mxm_event_free(&ev); /* reduced to (membership, profile, ID) */
    return MXM_OK;
  }
  slot = event_slot(st, ev->type, ev->state_key, 1);
  if(slot->ev) {
    mxm_event_free(&slot->ev);
  } else {
    st->events_count++;
  }
  slot->hash = hash_pair(ev->type, ev->state_key);
  slot->ev = ev;
  return MXM_OK;
}

/* ------------------------------------------------------------------ */
/* Server keys                                                         */

enum mxm_status mxm_state_add_server_key(struct mxm_state *st, const char *server, const char *key_id,
                                         const char *public_key_b64, struct mxm_error *err)
{
  unsigned char raw[64];
  long n;
  size_t i;
  struct mxmi_server_key k;
  if(!st || !server || !key_id || !public_key_b64)
    return mxm_error_set(err, MXM_E_USAGE, "", "missing server, key ID or key");
  if(!mxmi_server_name_valid(server, strlen(server)))
    return mxm_error_set(err, MXM_E_MALFORMED, "", "\"%s\" is not a server name", server);
  if(key_id[0] == '\0' || !strchr(key_id, ':'))
    return mxm_error_set(err, MXM_E_MALFORMED, "", "key ID \"%s\" is not algorithm:version", key_id);
  n = mxm_base64_decode_any(public_key_b64, raw, sizeof(raw));
  if(n < 0)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "public key is not unpadded base64");
  if(strncmp(key_id, "ed25519:", 8) == 0 && n != 32)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "an ed25519 public key is 32 bytes, not %ld", n);
  for(i = 0; i < st->keys_count; i++) {
    if(strcmp(st->keys[i].server, server) == 0 && strcmp(st->keys[i].key_id, key_id) == 0) {
      char *pk = dup_str(public_key_b64);
      if(!pk)
        return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
      free(st->keys[i].public_key);
      st->keys[i].public_key = pk;
      return MXM_OK;
    }
  }
  if(st->keys_count == st->keys_cap) {
    size_t cap = st->keys_cap ? st->keys_cap * 2 : 8;
    struct mxmi_server_key *t = mxmi_realloc(st->keys, cap * sizeof(*t));
    if(!t)
      return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
    st->keys = t;
    st->keys_cap = cap;
  }
  k.server = dup_str(server);
  k.key_id = dup_str(key_id);
  k.public_key = dup_str(public_key_b64);
  if(!k.server || !k.key_id || !k.public_key) {
    free(k.server);
    free(k.key_id);
    free(k.public_key);
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
  }
  st->keys[st->keys_count++] = k;
  return MXM_OK;
}

size_t mxm_state_server_keys(const struct mxm_state *st, const char *server, mxm_server_key_fn fn, void *ctx)
{
  size_t i, visited = 0;
  if(!st || !server || !fn)
    return 0;
  for(i = 0; i < st->keys_count; i++) {
    if(strcmp(st->keys[i].server, server) != 0)
      continue;
    visited++;
    if(fn(st->keys[i].key_id, st->keys[i].public_key, ctx))
      break;
  }
  return visited;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/* err->where = prefix + err->where (both JSON pointers). */
static void prefix_where(struct mxm_error *err, const char *prefix)
{
  char joined[MXM_ERROR_WHERE_MAX];
  size_t plen;
  if(!err)
    return;
  plen = strlen(prefix);
  if(plen >= sizeof(joined))
    plen = sizeof(joined) - 1;
  memcpy(joined, prefix, plen);
  joined[plen] = '\0';
  if(plen + strlen(err->where) < sizeof(joined)) {
    memcpy(joined + plen, err->where, strlen(err->where) + 1);
  } else {
    /* Too long: keep the prefix, mark the cut. */
    size_t keep = sizeof(joined) - 4;
    if(plen < keep) {
      /* never cut inside a UTF-8 sequence: back off while the first byte
       * left out (err->where[keep - plen]) continues a character */
      while(keep > plen && ((unsigned char)err->where[keep - plen] & 0xC0) == 0x80)
        keep--;
      memcpy(joined + plen, err->where, keep - plen);
    } else {
      keep = plen < keep ? plen : keep;
    }
    memcpy(joined + keep, "...", 4);
  }
  memcpy(err->where, joined, sizeof(joined));
}

/* ids[i] (ids not NULL, i < n_known, ids[i] not NULL) is the known ID of arr[i];
 * an event that carries its own event_id keeps that (mxm_event_id's order).
 * bounds[i] (not NULL, i < n_known, not 0) bounds arr[i]'s canonical size. */
static enum mxm_status load_events(struct mxm_state *st, const struct mxm_json *arr, const char *base,
                                   const char *const *ids, const size_t *bounds, size_t n_known,
                                   struct mxm_error *err)
{
  size_t n = mxm_json_array_len(arr), i;
  for(i = 0; i < n; i++) {
    struct mxm_event *ev = NULL;
    enum mxm_status status;
    status = mxmi_event_from_json_bound(mxm_json_array_get(arr, i), st->rv, bounds && i < n_known ? bounds[i] : 0,
                                        &ev, err);
    if(status == MXM_OK && ids && i < n_known && ids[i] && !ev->event_id &&
       (status = mxm_event_set_id(ev, ids[i], err)) != MXM_OK)
      mxm_event_free(&ev);
    if(status == MXM_OK)
      status = mxm_state_put(st, ev, err);
    if(status != MXM_OK) {
      char where[MXM_ERROR_WHERE_MAX]; /* built only to report */
      snprintf(where, sizeof(where), "%s", base);
      mxmi_pointer_append_index(where, sizeof(where), i);
      prefix_where(err, where);
      return status;
    }
  }
  return MXM_OK;
}

struct key_walk {
  struct mxm_state *st;
  struct mxm_error *err;
  const char *server;
  char where[MXM_ERROR_WHERE_MAX];
  enum mxm_status status;
};

static int load_key(const char *key_id, size_t key_id_len, const struct mxm_json *val, void *ctx)
{
  struct key_walk *w = ctx;
  char where[MXM_ERROR_WHERE_MAX];
  const char *b64 = mxm_json_string(val);
  memcpy(where, w->where, sizeof(where));
  mxmi_pointer_append(where, sizeof(where), key_id, key_id_len);
  if(!b64) {
    w->status = mxm_error_set(w->err, MXM_E_MALFORMED, where, "a public key must be a base64 string");
    return 1;
  }
  w->status = mxm_state_add_server_key(w->st, w->server, key_id, b64, w->err);
  if(w->status != MXM_OK) {
    if(w->err)
      memcpy(w->err->where, where, sizeof(where));
    return 1;
  }
  return 0;
}

static int load_server(const char *server, size_t server_len, const struct mxm_json *val, void *ctx)
{
  struct key_walk *w = ctx;
  char saved[MXM_ERROR_WHERE_MAX];
  memcpy(saved, w->where, sizeof(saved));
  mxmi_pointer_append(w->where, sizeof(w->where), server, server_len);
  if(mxm_json_type(val) != MXM_JSON_OBJECT) {
    w->status = mxm_error_set(w->err, MXM_E_MALFORMED, w->where,
                              "server keys must be an object of key ID -> public key");
    return 1;
  }
  w->server = server;
  mxm_json_object_foreach(val, load_key, w);
  memcpy(w->where, saved, sizeof(saved));
  return w->status != MXM_OK;
}

enum mxm_status mxm_state_load_json(struct mxm_state *st, const struct mxm_json *doc, struct mxm_error *err)
{
  return mxm_state_load_json_bounds(st, doc, NULL, NULL, 0, err);
}

enum mxm_status mxm_state_load_json_ids(struct mxm_state *st, const struct mxm_json *doc, const char *const *ids,
                                        size_t n_ids, struct mxm_error *err)
{
  return mxm_state_load_json_bounds(st, doc, ids, NULL, n_ids, err);
}

enum mxm_status mxm_state_load_json_bounds(struct mxm_state *st, const struct mxm_json *doc, const char *const *ids,
                                           const size_t *bounds, size_t n, struct mxm_error *err)
{
  const struct mxm_json *events, *keys;
  struct key_walk w;
  if(!st || !doc)
    return mxm_error_set(err, MXM_E_USAGE, "", "no state or no document");
  if(mxm_json_type(doc) == MXM_JSON_ARRAY)
    return load_events(st, doc, "", ids, bounds, n, err);
  if(mxm_json_type(doc) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, "",
                         "state must be an array of events or {\"events\": [...], \"server_keys\": {...}}, not %s",
                         mxm_json_type_name(mxm_json_type(doc)));
  /* Keys first, so that events can be checked against them later. */
  keys = mxm_json_get(doc, "server_keys");
  if(keys) {
    if(mxm_json_type(keys) != MXM_JSON_OBJECT)
      return mxm_error_set(err, MXM_E_MALFORMED, "/server_keys",
                           "\"server_keys\" must be an object of server -> {key ID: public key}");
    memset(&w, 0, sizeof(w));
    w.st = st;
    w.err = err;
    w.status = MXM_OK;
    snprintf(w.where, sizeof(w.where), "/server_keys");
    mxm_json_object_foreach(keys, load_server, &w);
    if(w.status != MXM_OK)
      return w.status;
  }
  events = mxm_json_get(doc, "events");
  if(!events)
    return mxm_error_set(err, MXM_E_MALFORMED, "/events", "required property \"events\" is missing");
  if(mxm_json_type(events) != MXM_JSON_ARRAY)
    return mxm_error_set(err, MXM_E_MALFORMED, "/events", "\"events\" must be an array, not %s",
                         mxm_json_type_name(mxm_json_type(events)));
  return load_events(st, events, "/events", ids, bounds, n, err);
}

/* ------------------------------------------------------------------ */
/* Creators and power levels                                           */

const char *mxm_state_creator(const struct mxm_state *st)
{
  const struct mxm_event *create = mxm_state_create(st);
  if(!create)
    return NULL;
  return st->rv->creator_from == MXM_CREATOR_SENDER ? create->sender : create->u.create.creator;
}

int mxm_state_is_v12_creator(const struct mxm_state *st, const char *user_id)
{
  const struct mxm_event *create;
  size_t i;
  if(!st || !user_id || !st->rv->creators_v12)
    return 0;
  create = mxm_state_create(st);
  if(!create)
    return 0;
  if(strcmp(create->sender, user_id) == 0)
    return 1;
  if(!create->u.create.additional_creators_valid)
    return 0;
  for(i = 0; i < create->u.create.n_additional_creators; i++)
    if(strcmp(create->u.create.additional_creators[i], user_id) == 0)
      return 1;
  return 0;
}

static int pl_entry_key_cmp(const void *key, const void *entry)
{
  return strcmp(key, ((const struct mxm_pl_entry *)entry)->key);
}

int64_t mxm_state_user_level(const struct mxm_state *st, const char *user_id)
{
  const struct mxm_event *pl_ev;
  const char *creator;
  if(!st || !user_id)
    return 0;
  if(mxm_state_is_v12_creator(st, user_id))
    return MXM_PL_INFINITE;
  pl_ev = mxm_state_power_levels(st);
  if(pl_ev) {
    const struct mxm_power_levels *pl = &pl_ev->u.power_levels;
    const struct mxm_pl_entry *e =
        pl->n_users ? bsearch(user_id, pl->users, pl->n_users, sizeof(*pl->users), pl_entry_key_cmp) : NULL;
    if(e)
      return e->level;
    return pl->has_users_default ? pl->users_default : 0;
  }
  /* No power levels: the creator has 100 in v1-v11 (C-S "Permissions");
   * in v12 the creators were answered above and everyone else has 0. */
  if(st->rv->creators_v12)
    return 0;
  creator = mxm_state_creator(st);
  return creator && strcmp(creator, user_id) == 0 ? 100 : 0;
}

int64_t mxm_state_level(const struct mxm_state *st, const char *name, enum mxm_spec_release release)
{
  const struct mxm_event *pl_ev = st ? mxm_state_power_levels(st) : NULL;
  const struct mxm_power_levels *pl = pl_ev ? &pl_ev->u.power_levels : NULL;
  if(!name)
    return MXM_PL_INFINITE;
  if(strcmp(name, "invite") == 0) {
    if(pl && pl->has_invite)
      return pl->invite;
    return mxm_spec_edit_active("pl.invite_default_0", release) ? 0 : 50;
  }
  if(strcmp(name, "kick") == 0)
    return pl && pl->has_kick ? pl->kick : 50;
  if(strcmp(name, "ban") == 0)
    return pl && pl->has_ban ? pl->ban : 50;
  if(strcmp(name, "redact") == 0)
    return pl && pl->has_redact ? pl->redact : 50;
  if(strcmp(name, "users_default") == 0)
    return pl && pl->has_users_default ? pl->users_default : 0;
  if(strcmp(name, "events_default") == 0)
    return pl && pl->has_events_default ? pl->events_default : 0;
  if(strcmp(name, "state_default") == 0) {
    if(pl)
      return pl->has_state_default ? pl->state_default : 50;
    return mxm_spec_edit_active("pl.state_default_50_without_pl", release) ? 50 : 0;
  }
  return MXM_PL_INFINITE; /* unknown name: a level nobody reaches */
}

int64_t mxm_state_required_level(const struct mxm_state *st, const char *type, int is_state,
                                 enum mxm_spec_release release)
{
  const struct mxm_event *pl_ev = st ? mxm_state_power_levels(st) : NULL;
  if(!type)
    return MXM_PL_INFINITE;
  if(pl_ev) {
    const struct mxm_power_levels *pl = &pl_ev->u.power_levels;
    const struct mxm_pl_entry *e =
        pl->n_events ? bsearch(type, pl->events, pl->n_events, sizeof(*pl->events), pl_entry_key_cmp) : NULL;
    if(e)
      return e->level;
  }
  return mxm_state_level(st, is_state ? "state_default" : "events_default", release);
}
