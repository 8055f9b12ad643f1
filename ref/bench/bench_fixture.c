/*
 * bench_fixture.c: the rooms and member events mxm-bench measures with.
 *
 * A fixture room holds an m.room.create, m.room.power_levels (admin 100,
 * moderator 50, kick/ban 50, invite 0), m.room.join_rules (public, knock or
 * restricted), the admin, the moderator, one banned user and `fill` joined
 * filler members. Events under test are full PDUs of realistic size (about
 * 700 bytes: auth_events, prev_events, origin_server_ts, unsigned, content
 * hash and an Ed25519 signature by the server bench.example), signed with
 * the library's own mxm_sign_event so that rule 4.2 (restricted joins) sees
 * a real signature.
 *
 * State events are put with mxm_state_put (no authorisation: the fixture is
 * trusted); in v3+ their IDs are computed by the state as reference hashes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

const char *mxmb_kind_name(enum mxmb_kind k)
{
  switch(k) {
  case MXMB_JOIN:
    return "join";
  case MXMB_INVITE:
    return "invite";
  case MXMB_LEAVE:
    return "leave";
  case MXMB_KICK:
    return "kick";
  case MXMB_BAN:
    return "ban";
  case MXMB_UNBAN:
    return "unban";
  case MXMB_KNOCK:
    return "knock";
  case MXMB_RESTRICTED:
    return "restricted_join";
  case MXMB_BANNED_JOIN:
    return "banned_join";
  case MXMB_WEAK_KICK:
    return "weak_kick";
  case MXMB_KIND_COUNT:
    break;
  }
  return "?";
}

void mxmb_member_name(size_t i, char *buf, size_t len) { snprintf(buf, len, "@m%07zu:" MXMB_SERVER, i); }

const struct mxm_signing_key *mxmb_server_key(void)
{
  static struct mxm_signing_key key;
  static int ready;
  if(!ready) {
    if(mxm_signing_key_for_name(MXMB_SERVER, &key) != MXM_OK)
      return NULL;
    ready = 1;
  }
  return &key;
}

/* A growable text buffer; on out-of-memory `failed` is set and text stops. */
struct buf {
  char *p;
  size_t len, cap;
  int failed;
};

static void buf_printf(struct buf *b, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void buf_printf(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  if(b->failed)
    return;
  for(;;) {
    size_t room = b->cap - b->len;
    va_start(ap, fmt);
    n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
    va_end(ap);
    if(n < 0) {
      b->failed = 1;
      return;
    }
    if(b->p && (size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    {
      size_t cap = b->cap ? b->cap * 2 : 1024;
      char *q;
      while(cap < b->len + (size_t)n + 1)
        cap *= 2;
      q = realloc(b->p, cap);
      if(!q) {
        b->failed = 1;
        return;
      }
      b->p = q;
      b->cap = cap;
    }
  }
}

/* A fake but well-formed 43-character unpadded base64 hash for prev_events. */
static void fake_hash(uint64_t seed, char out[44])
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  int i;
  for(i = 0; i < 43; i++) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    out[i] = alphabet[(x >> 58) & 63];
  }
  out[43] = '\0';
}

/* One reference in prev_events/auth_events: an ID string (v3+) or the pair
 * [id, {"sha256": hash}] (v1/v2). */
static void ref_json(struct buf *b, const struct mxm_room_version *rv, const char *id, uint64_t seed)
{
  if(rv->event_id_format == MXM_EVENT_ID_SERVER) {
    char h[44];
    fake_hash(seed, h);
    buf_printf(b, "[\"%s\",{\"sha256\":\"%s\"}]", id, h);
  }
  else
    buf_printf(b, "\"%s\"", id);
}

static uint64_t id_counter;

/* Start an event object with the common PDU fields; the caller adds
 * content, type, state_key and closes it. */
static void pdu_head(struct buf *b, const struct mxmb_room *r, const char *sender, int64_t depth,
                     const char *const *auth, size_t n_auth)
{
  const struct mxm_room_version *rv = r->rv;
  size_t i;
  char prev[48];
  buf_printf(b, "{\"auth_events\":[");
  for(i = 0; i < n_auth; i++) {
    if(i)
      buf_printf(b, ",");
    ref_json(b, rv, auth[i], (uint64_t)depth + i);
  }
  buf_printf(b, "],\"depth\":%" PRId64 ",\"origin\":\"" MXMB_SERVER "\",\"origin_server_ts\":%" PRId64,
             depth, (int64_t)1700000000000 + depth);
  prev[0] = '$';
  fake_hash((uint64_t)depth * 7919u, prev + 1);
  if(rv->event_id_format == MXM_EVENT_ID_SERVER) {
    buf_printf(b, ",\"event_id\":\"$e%" PRIu64 ":" MXMB_SERVER "\"", ++id_counter);
    snprintf(prev, sizeof(prev), "$p%" PRId64 ":" MXMB_SERVER, depth);
  }
  buf_printf(b, ",\"prev_events\":[");
  ref_json(b, rv, prev, (uint64_t)depth);
  buf_printf(b, "]");
  if(r->room_id[0])
    buf_printf(b, ",\"room_id\":\"%s\"", r->room_id);
  buf_printf(b, ",\"sender\":\"%s\",\"unsigned\":{\"age\":%" PRId64 "}", sender, depth % 1000);
}

static enum mxm_status put_text(struct mxmb_room *r, struct buf *b, struct mxm_error *err)
{
  struct mxm_event *ev = NULL;
  enum mxm_status s;
  if(b->failed)
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory building a fixture event");
  s = mxm_event_parse(b->p, b->len, r->rv, &ev, err);
  b->len = 0;
  if(s != MXM_OK)
    return s;
  return mxm_state_put(r->st, ev, err);
}

static void copy_id(const struct mxm_event *ev, char *out, size_t len)
{
  const char *id = mxm_event_id(ev);
  snprintf(out, len, "%s", id ? id : "");
}

static enum mxm_status put_member(struct mxmb_room *r, struct buf *b, const char *sender, const char *user,
                                  const char *membership, int64_t depth, struct mxm_error *err)
{
  const char *auth[1] = {r->create_id};
  pdu_head(b, r, sender, depth, auth, r->rv->create_in_auth_events ? 1 : 0);
  buf_printf(b, ",\"content\":{\"membership\":\"%s\"},\"state_key\":\"%s\",\"type\":\"m.room.member\"}", membership,
             user);
  return put_text(r, b, err);
}

enum mxm_status mxmb_room_fill(struct mxmb_room *r, size_t from, size_t count, struct mxm_error *err)
{
  struct buf b = {0};
  enum mxm_status s = MXM_OK;
  size_t i;
  for(i = from; i < from + count && s == MXM_OK; i++) {
    char name[40], id[48];
    mxmb_member_name(i, name, sizeof(name));
    id[0] = '$';
    fake_hash((uint64_t)i + 0x5EED, id + 1);
    if(r->rv->event_id_format == MXM_EVENT_ID_SERVER)
      snprintf(id, sizeof(id), "$f%zu:" MXMB_SERVER, i);
    buf_printf(&b,
               "{\"content\":{\"membership\":\"join\"},\"event_id\":\"%s\",\"room_id\":\"%s\",\"sender\":\"%s\","
               "\"state_key\":\"%s\",\"type\":\"m.room.member\"}",
               id, r->room_id, name, name);
    s = put_text(r, &b, err);
  }
  free(b.p);
  return s;
}

enum mxm_status mxmb_room_build(const struct mxm_room_version *rv, enum mxmb_room_kind rk, size_t fill,
                                struct mxm_state *into, struct mxmb_room *out, struct mxm_error *err)
{
  struct buf b = {0};
  enum mxm_status s;
  const struct mxm_event *ev;
  int64_t depth = 1;
  static const char *const rules[] = {"public", "knock", "restricted"};

  memset(out, 0, sizeof(*out));
  out->rv = rv;
  if(into) {
    out->st = into;
    out->borrowed = 1;
  }
  else if((s = mxm_state_new(rv, &out->st)) != MXM_OK)
    return mxm_error_set(err, s, "", "mxm_state_new failed");

  /* The create event. In v12 it has no room_id and the room ID is derived
   * from its ID; before, the room ID is chosen. */
  if(!rv->creators_v12)
    snprintf(out->room_id, sizeof(out->room_id), "!bench:" MXMB_SERVER);
  pdu_head(&b, out, MXMB_ADMIN, depth++, NULL, 0);
  if(rv->create_needs_creator)
    buf_printf(&b, ",\"content\":{\"creator\":\"" MXMB_ADMIN "\",\"room_version\":\"%s\"}", rv->id);
  else
    buf_printf(&b, ",\"content\":{\"room_version\":\"%s\"}", rv->id);
  buf_printf(&b, ",\"state_key\":\"\",\"type\":\"m.room.create\"}");
  if((s = put_text(out, &b, err)) != MXM_OK)
    goto done;
  ev = mxm_state_create(out->st);
  copy_id(ev, out->create_id, sizeof(out->create_id));
  if(rv->creators_v12)
    snprintf(out->room_id, sizeof(out->room_id), "!%s", out->create_id + 1);

  if((s = put_member(out, &b, MXMB_ADMIN, MXMB_ADMIN, "join", depth++, err)) != MXM_OK)
    goto done;

  /* Power levels; a v12 creator must not be listed in users. */
  {
    const char *auth[2] = {out->create_id, mxm_state_member_event_id(out->st, MXMB_ADMIN)};
    const char *const *a = rv->create_in_auth_events ? auth : auth + 1;
    pdu_head(&b, out, MXMB_ADMIN, depth++, a, rv->create_in_auth_events ? 2 : 1);
    buf_printf(&b, ",\"content\":{\"ban\":50,\"events\":{\"m.room.name\":50,\"m.room.power_levels\":100},"
                   "\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,\"state_default\":50,"
                   "\"users\":{%s\"" MXMB_MOD "\":50},\"users_default\":0}",
               rv->creators_v12 ? "" : "\"" MXMB_ADMIN "\":100,");
    buf_printf(&b, ",\"state_key\":\"\",\"type\":\"m.room.power_levels\"}");
    if((s = put_text(out, &b, err)) != MXM_OK)
      goto done;
    copy_id(mxm_state_power_levels(out->st), out->pl_id, sizeof(out->pl_id));
  }
  {
    const char *auth[3] = {out->create_id, out->pl_id, mxm_state_member_event_id(out->st, MXMB_ADMIN)};
    const char *const *a = rv->create_in_auth_events ? auth : auth + 1;
    pdu_head(&b, out, MXMB_ADMIN, depth++, a, rv->create_in_auth_events ? 3 : 2);
    if(rk == MXMB_ROOM_RESTRICTED)
      buf_printf(&b, ",\"content\":{\"allow\":[{\"room_id\":\"!other:" MXMB_SERVER "\",\"type\":\"m.room_membership\"}],"
                     "\"join_rule\":\"restricted\"}");
    else
      buf_printf(&b, ",\"content\":{\"join_rule\":\"%s\"}", rules[rk]);
    buf_printf(&b, ",\"state_key\":\"\",\"type\":\"m.room.join_rules\"}");
    if((s = put_text(out, &b, err)) != MXM_OK)
      goto done;
    copy_id(mxm_state_join_rules(out->st), out->jr_id, sizeof(out->jr_id));
  }
  if((s = put_member(out, &b, MXMB_MOD, MXMB_MOD, "join", depth++, err)) != MXM_OK)
    goto done;
  if((s = put_member(out, &b, MXMB_BANNED, MXMB_BANNED, "join", depth++, err)) != MXM_OK)
    goto done;
  if((s = put_member(out, &b, MXMB_ADMIN, MXMB_BANNED, "ban", depth++, err)) != MXM_OK)
    goto done;
  if((s = mxmb_room_fill(out, 0, fill, err)) != MXM_OK)
    goto done;
  /* The server key, for rule 4.2 and any signature check. */
  {
    char pub[64];
    const struct mxm_signing_key *key = mxmb_server_key();
    if(!key) {
      s = mxm_error_set(err, MXM_E_CRYPTO, "", "cannot derive the bench server key");
      goto done;
    }
    mxm_signing_key_public_b64(key, pub, sizeof(pub));
    s = mxm_state_add_server_key(out->st, MXMB_SERVER, key->key_id, pub, err);
  }
done:
  free(b.p);
  if(s != MXM_OK)
    mxmb_room_free(out);
  return s;
}

void mxmb_room_free(struct mxmb_room *room)
{
  if(room && !room->borrowed)
    mxm_state_free(&room->st);
  if(room)
    room->st = NULL;
}

enum mxm_status mxmb_member_pdu(const struct mxmb_room *r, const char *sender, const char *target,
                                const char *membership, const char *authoriser, int64_t depth, char **out,
                                size_t *out_len, struct mxm_error *err)
{
  struct buf b = {0};
  const char *auth[5];
  size_t n = 0;
  struct mxm_json *json = NULL;
  enum mxm_status s;
  const char *sender_event = NULL;

  *out = NULL;
  if(r->rv->create_in_auth_events)
    auth[n++] = r->create_id;
  auth[n++] = r->pl_id;
  if(strcmp(membership, "join") == 0 || strcmp(membership, "invite") == 0 || strcmp(membership, "knock") == 0)
    auth[n++] = r->jr_id;
  /* The sender's member event, for the fixed senders only: a replayed
   * stream changes the others' current event as it goes. */
  if(strcmp(sender, MXMB_ADMIN) == 0 || strcmp(sender, MXMB_MOD) == 0)
    sender_event = mxm_state_member_event_id(r->st, sender);
  if(sender_event)
    auth[n++] = sender_event;
  pdu_head(&b, r, sender, depth, auth, n);
  buf_printf(&b, ",\"content\":{");
  if(strcmp(membership, "join") == 0)
    buf_printf(&b, "\"avatar_url\":\"mxc://" MXMB_SERVER "/AvatarOf%.40s\",\"displayname\":\"Bench user %.40s\",",
               target + 1, target + 1);
  if(authoriser)
    buf_printf(&b, "\"join_authorised_via_users_server\":\"%s\",", authoriser);
  buf_printf(&b, "\"membership\":\"%s\"},\"state_key\":\"%s\",\"type\":\"m.room.member\"}", membership, target);
  if(b.failed) {
    free(b.p);
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory building an event");
  }
  s = mxm_json_parse(b.p, b.len, &json, err);
  free(b.p);
  if(s != MXM_OK)
    return s;
  s = mxm_sign_event(json, r->rv, MXMB_SERVER, mxmb_server_key(), err);
  if(s == MXM_OK) {
    *out = mxm_json_to_string(json, out_len);
    if(!*out)
      s = mxm_error_set(err, MXM_E_NOMEM, "", "out of memory serialising an event");
  }
  mxm_json_free(&json);
  return s;
}
