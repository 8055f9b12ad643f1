/*
 * fuzz/build.c: scenario -> JSON events (see build.h).
 *
 * Events are written as JSON text and parsed with mxm_json_parse, so the
 * builder exercises the same path as any input; signing then edits the
 * parsed tree. Every event is a full PDU of its room version: v1/v2 carry
 * event_id and (ID, hashes) pairs in prev_events; v3+ carry IDs that are
 * reference hashes; v12 has a create without room_id and room_id = "!" +
 * the create's ID. Room events carry "auth_events": [] (the rules on auth
 * events are not in play for them: the options turn them on only when an
 * event lists any); the event under test carries the list its scenario
 * names (mxmf_event.auth), as real event IDs.
 */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys ------------------------------------------------------------------ */

static const char *const servers[3] = {"a.test", "b.test", "c.test"};

static struct {
  int ready;
  struct mxm_signing_key server[3];
  struct mxm_signing_key is[3]; /* index by enum mxmf_is_key; [0] unused */
  char server_pub[3][48];
  char is_pub[3][48];
} keys;

enum mxm_status mxmf_keys_init(struct mxm_error *err)
{
  enum mxm_status st;
  if(keys.ready)
    return MXM_OK;
  for(int i = 0; i < 3; i++) {
    st = mxm_signing_key_for_name(servers[i], &keys.server[i]);
    if(st != MXM_OK)
      return mxm_error_set(err, st, "", "cannot derive the key of %s", servers[i]);
    mxm_signing_key_public_b64(&keys.server[i], keys.server_pub[i], sizeof(keys.server_pub[i]));
  }
  for(int i = 1; i < 3; i++) {
    st = mxm_signing_key_for_name(i == 1 ? "is1" : "is2", &keys.is[i]);
    if(st != MXM_OK)
      return mxm_error_set(err, st, "", "cannot derive identity-server key %d", i);
    mxm_signing_key_public_b64(&keys.is[i], keys.is_pub[i], sizeof(keys.is_pub[i]));
  }
  keys.ready = 1;
  return MXM_OK;
}

static int server_index(const char *server)
{
  for(int i = 0; i < 3; i++)
    if(strcmp(servers[i], server) == 0)
      return i;
  return 0;
}

/* ---- a small bounded text builder ---------------------------------------- */

#define SB_CAP 8192 /* every event here is well under 2 KiB */
struct sb {
  char buf[SB_CAP];
  size_t len;
  int overflow;
};

/* Not zero-filled on purpose: clearing 8 KiB per event was measurable. */
static void sb_init(struct sb *s)
{
  s->len = 0;
  s->overflow = 0;
  s->buf[0] = '\0';
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void sbf(struct sb *s, const char *fmt, ...)
{
  va_list ap;
  int n;
  if(s->overflow)
    return;
  va_start(ap, fmt);
  n = vsnprintf(s->buf + s->len, SB_CAP - s->len, fmt, ap);
  va_end(ap);
  if(n < 0 || (size_t)n >= SB_CAP - s->len)
    s->overflow = 1;
  else
    s->len += (size_t)n;
}

/* The spelling of a power level in the form the scenario asks for
 * (mxmf_level_json, shared with the oracle's view of the case). */
static void put_level(struct sb *s, const struct mxmf_level *l)
{
  char text[64];
  sbf(s, "%s", mxmf_level_json(l, text, sizeof(text)));
}

static const char *membership_text(enum mxmf_membership m)
{
  switch(m) {
  case MXMF_M_INVITE: return "\"invite\"";
  case MXMF_M_JOIN: return "\"join\"";
  case MXMF_M_LEAVE: return "\"leave\"";
  case MXMF_M_BAN: return "\"ban\"";
  case MXMF_M_KNOCK: return "\"knock\"";
  case MXMF_M_FOO: return "\"foo\"";
  case MXMF_M_NOTSTRING: return "42";
  case MXMF_M_NONE: case MXMF_M_ABSENT: break;
  }
  return NULL;
}

enum mxm_membership mxmf_to_lib_membership(enum mxmf_membership m)
{
  switch(m) {
  case MXMF_M_NONE: return MXM_MEMBERSHIP_NONE;
  case MXMF_M_INVITE: return MXM_MEMBERSHIP_INVITE;
  case MXMF_M_JOIN: return MXM_MEMBERSHIP_JOIN;
  case MXMF_M_LEAVE: return MXM_MEMBERSHIP_LEAVE;
  case MXMF_M_BAN: return MXM_MEMBERSHIP_BAN;
  case MXMF_M_KNOCK: return MXM_MEMBERSHIP_KNOCK;
  case MXMF_M_FOO: case MXMF_M_NOTSTRING: case MXMF_M_ABSENT: break;
  }
  return MXM_MEMBERSHIP_UNKNOWN;
}

static const char *const display_names[4] = {NULL, "Alpha", "Beta", "Gamma"};

/* Common PDU fields; content is written by the caller between head and tail. */
static void head(struct sb *s, const struct mxmf_room_build *rb, const char *type, const char *state_key,
                 const char *sender)
{
  sbf(s, "{\"type\":\"%s\",\"state_key\":\"%s\",\"sender\":\"%s\"", type, state_key, sender);
  if(rb->room_id[0])
    sbf(s, ",\"room_id\":\"%s\"", rb->room_id);
}

static void tail_auth(struct sb *s, const struct mxmf_room_build *rb, const char *prev_id, const char *auth)
{
  int64_t depth = rb->depth + 1;
  int server_ids = rb->rv->event_id_format == MXM_EVENT_ID_SERVER; /* v1, v2 */
  sbf(s, ",\"depth\":%lld,\"origin_server_ts\":%lld,\"auth_events\":[%s]", (long long)depth,
      (long long)(1000 * depth), auth ? auth : "");
  if(!prev_id || !prev_id[0])
    sbf(s, ",\"prev_events\":[]");
  else if(server_ids)
    sbf(s, ",\"prev_events\":[[\"%s\",{\"sha256\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]]", prev_id);
  else
    sbf(s, ",\"prev_events\":[\"%s\"]", prev_id);
  if(server_ids) /* v1/v2: the event ID is carried in the event */
    sbf(s, ",\"event_id\":\"$%lld:%s\"", (long long)depth, servers[0]);
  sbf(s, "}");
}

static void tail(struct sb *s, const struct mxmf_room_build *rb, const char *prev_id) { tail_auth(s, rb, prev_id, NULL); }

static enum mxm_status parse_sb(const struct sb *s, struct mxm_json **out, struct mxm_error *err)
{
  if(s->overflow)
    return mxm_error_set(err, MXM_E_TOO_BIG, "", "fuzz builder: event text too long");
  return mxm_json_parse(s->buf, s->len, out, err);
}

/* ---- room ---------------------------------------------------------------- */

static enum mxm_status push(struct mxmf_room_build *rb, struct mxm_json *ev, enum mxmf_ae_what what, int index,
                            struct mxm_error *err)
{
  enum mxm_status st;
  if(rb->n_events >= MXMF_MAX_STATE_EVENTS) {
    mxm_json_free(&ev);
    return mxm_error_set(err, MXM_E_TOO_BIG, "", "fuzz builder: too many state events");
  }
  st = mxmf_build_advance(rb, ev, err);
  if(st != MXM_OK) {
    mxm_json_free(&ev);
    return st;
  }
  rb->what[rb->n_events] = (uint8_t)what;
  rb->index[rb->n_events] = (uint8_t)index;
  rb->events[rb->n_events++] = ev;
  return MXM_OK;
}

/* Only the create event's ID is computed (the first-join rule and the v12
 * room ID need it). Later events get a stand-in ID of the right shape: the
 * rules never look prev_events up except to compare with the create's ID,
 * and hashing every event twice (here and in mxm_state_put) halved the
 * harnesses' speed. v1/v2 IDs are the event_id the event carries. */
enum mxm_status mxmf_build_advance(struct mxmf_room_build *rb, const struct mxm_json *ev, struct mxm_error *err)
{
  if(rb->depth == 0 || rb->rv->event_id_format == MXM_EVENT_ID_SERVER) {
    enum mxm_status st = mxm_compute_event_id(ev, rb->rv, rb->last_id, err);
    if(st != MXM_OK)
      return st;
  } else {
    snprintf(rb->last_id, sizeof(rb->last_id), "$fuzzprevious%031lld", (long long)(rb->depth + 1));
  }
  rb->depth++;
  return MXM_OK;
}

static void member_content(struct sb *s, enum mxmf_membership m, unsigned displayname)
{
  const char *mt = membership_text(m);
  int first = 1;
  sbf(s, ",\"content\":{");
  if(mt) {
    sbf(s, "\"membership\":%s", mt);
    first = 0;
  }
  if(displayname && display_names[displayname & 3u]) {
    sbf(s, "%s\"displayname\":\"%s\"", first ? "" : ",", display_names[displayname & 3u]);
    first = 0;
  }
  sbf(s, "}");
}

static enum mxm_status add_member(const struct mxmf_case *c, struct mxmf_room_build *rb, int u,
                                  struct mxm_error *err)
{
  struct sb s;
  struct mxm_json *ev = NULL;
  enum mxm_status st;
  enum mxmf_membership m = c->member[u];
  /* conformance/FORMAT.md: the user sends join/knock/leave, the creator
   * sends invite and ban. */
  int sender = (m == MXMF_M_INVITE || m == MXMF_M_BAN) ? 0 : u;
  sb_init(&s);
  head(&s, rb, "m.room.member", mxmf_user_ids[u], mxmf_user_ids[sender]);
  member_content(&s, m, c->displayname[u]);
  tail(&s, rb, rb->last_id);
  st = parse_sb(&s, &ev, err);
  return st == MXM_OK ? push(rb, ev, MXMF_AE_MEMBER, u, err) : st;
}

static void power_content(struct sb *s, const struct mxmf_power *p)
{
  static const char *const names[4] = {"ban", "kick", "invite", "users_default"};
  const struct mxmf_level *top[4] = {&p->ban, &p->kick, &p->invite, &p->users_default};
  int first = 1;
  sbf(s, ",\"content\":{");
  for(int i = 0; i < 4; i++) {
    if(!top[i]->present)
      continue;
    sbf(s, "%s\"%s\":", first ? "" : ",", names[i]);
    put_level(s, top[i]);
    first = 0;
  }
  sbf(s, "%s\"users\":{", first ? "" : ",");
  first = 1;
  for(int u = 0; u < MXMF_USERS; u++) {
    if(!p->users[u].present)
      continue;
    sbf(s, "%s\"%s\":", first ? "" : ",", mxmf_user_ids[u]);
    put_level(s, &p->users[u]);
    first = 0;
  }
  sbf(s, "}}");
}

enum mxm_status mxmf_build_power_event(const struct mxmf_case *c, const struct mxmf_power *p, int sender,
                                       const struct mxmf_room_build *rb, struct mxm_json **out,
                                       struct mxm_error *err)
{
  struct sb s;
  (void)c;
  sb_init(&s);
  head(&s, rb, "m.room.power_levels", "", mxmf_user_ids[sender]);
  power_content(&s, p);
  tail(&s, rb, rb->last_id);
  return parse_sb(&s, out, err);
}

enum mxm_status mxmf_build_join_rules_event(const struct mxmf_case *c, enum mxmf_join_rule jr, int sender,
                                            const struct mxmf_room_build *rb, struct mxm_json **out,
                                            struct mxm_error *err)
{
  struct sb s;
  sb_init(&s);
  head(&s, rb, "m.room.join_rules", "", mxmf_user_ids[sender]);
  sbf(&s, ",\"content\":{");
  switch(jr) {
  case MXMF_JR_PUBLIC: sbf(&s, "\"join_rule\":\"public\""); break;
  case MXMF_JR_INVITE: sbf(&s, "\"join_rule\":\"invite\""); break;
  case MXMF_JR_KNOCK: sbf(&s, "\"join_rule\":\"knock\""); break;
  case MXMF_JR_RESTRICTED: sbf(&s, "\"join_rule\":\"restricted\""); break;
  case MXMF_JR_KNOCK_RESTRICTED: sbf(&s, "\"join_rule\":\"knock_restricted\""); break;
  case MXMF_JR_PRIVATE: sbf(&s, "\"join_rule\":\"private\""); break;
  case MXMF_JR_BOGUS: sbf(&s, "\"join_rule\":\"bogus\""); break;
  case MXMF_JR_NOT_STRING: sbf(&s, "\"join_rule\":7"); break;
  case MXMF_JR_MISSING: case MXMF_JR_NO_EVENT: break;
  }
  if(c->allow_list)
    sbf(&s, "%s\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!other:b.test\"}]",
        jr == MXMF_JR_MISSING || jr == MXMF_JR_NO_EVENT ? "" : ",");
  sbf(&s, "}");
  tail(&s, rb, rb->last_id);
  return parse_sb(&s, out, err);
}

static void key_text(struct sb *s, enum mxmf_is_key k, int urlsafe)
{
  const char *pub = keys.is_pub[k == MXMF_KEY_IS2 ? 2 : 1];
  sbf(s, "\"");
  for(const char *p = pub; *p; p++)
    sbf(s, "%c", !urlsafe ? *p : *p == '+' ? '-' : *p == '/' ? '_' : *p);
  sbf(s, "\"");
}

static enum mxm_status add_token(const struct mxmf_case *c, struct mxmf_room_build *rb, int t, struct mxm_error *err)
{
  const struct mxmf_token_event *tk = &c->tokens[t];
  struct sb s;
  struct mxm_json *ev = NULL;
  enum mxm_status st;
  char token[8];
  snprintf(token, sizeof(token), "tok%d", t);
  sb_init(&s);
  head(&s, rb, "m.room.third_party_invite", token, mxmf_user_ids[tk->sender]);
  sbf(&s, ",\"content\":{\"display_name\":\"invitee\",\"key_validity_url\":\"https://is.test/isvalid\","
          "\"public_key\":");
  key_text(&s, tk->public_key, tk->urlsafe);
  sbf(&s, ",\"public_keys\":[{\"public_key\":");
  key_text(&s, tk->public_key, tk->urlsafe);
  sbf(&s, "}");
  if(tk->extra_key != MXMF_KEY_NONE) {
    sbf(&s, ",{\"public_key\":");
    key_text(&s, tk->extra_key, tk->urlsafe);
    sbf(&s, "}");
  }
  sbf(&s, "]}");
  tail(&s, rb, rb->last_id);
  st = parse_sb(&s, &ev, err);
  return st == MXM_OK ? push(rb, ev, MXMF_AE_TOKEN, t, err) : st;
}

enum mxm_status mxmf_build_room(const struct mxmf_case *c, struct mxmf_room_build *rb, struct mxm_error *err)
{
  char vid[8];
  struct sb s;
  struct mxm_json *ev = NULL;
  enum mxm_status st;

  memset(rb, 0, sizeof(*rb));
  st = mxmf_keys_init(err);
  if(st != MXM_OK)
    return st;
  snprintf(vid, sizeof(vid), "%d", c->room_version);
  rb->rv = mxm_room_version_find(vid);
  if(!rb->rv)
    return mxm_error_set(err, MXM_E_UNSUPPORTED, "", "room version %s unknown to the library", vid);

  /* The create event. v12: no room_id; its ID names the room. */
  if(!rb->rv->creators_v12)
    snprintf(rb->room_id, sizeof(rb->room_id), "!room:%s", servers[0]);
  sb_init(&s);
  head(&s, rb, "m.room.create", "", mxmf_user_ids[0]);
  sbf(&s, ",\"content\":{\"room_version\":\"%s\"", vid);
  if(rb->rv->create_needs_creator)
    sbf(&s, ",\"creator\":\"%s\"", mxmf_user_ids[0]);
  if(c->no_federate)
    sbf(&s, ",\"m.federate\":false");
  if(rb->rv->creators_v12 && c->additional_creators) {
    int first = 1;
    sbf(&s, ",\"additional_creators\":[");
    for(int u = 1; u < MXMF_USERS; u++)
      if((c->additional_creators >> u) & 1u) {
        sbf(&s, "%s\"%s\"", first ? "" : ",", mxmf_user_ids[u]);
        first = 0;
      }
    sbf(&s, "]");
  }
  sbf(&s, "}");
  tail(&s, rb, NULL);
  st = parse_sb(&s, &ev, err);
  if(st == MXM_OK)
    st = push(rb, ev, MXMF_AE_CREATE, 0, err);
  if(st != MXM_OK)
    goto fail;
  memcpy(rb->create_id, rb->last_id, sizeof(rb->create_id));
  if(rb->rv->creators_v12)
    snprintf(rb->room_id, sizeof(rb->room_id), "!%s", rb->create_id + 1);
  if(c->bare)
    return MXM_OK;

  /* Expansion order as conformance/FORMAT.md: creator's join, power levels,
   * join rules, other members, token events. */
  if(c->member[0] != MXMF_M_NONE && (st = add_member(c, rb, 0, err)) != MXM_OK)
    goto fail;
  if(c->power.present) {
    st = mxmf_build_power_event(c, &c->power, 0, rb, &ev, err);
    if(st == MXM_OK)
      st = push(rb, ev, MXMF_AE_POWER, 0, err);
    if(st != MXM_OK)
      goto fail;
  }
  if(c->join_rule != MXMF_JR_NO_EVENT) {
    st = mxmf_build_join_rules_event(c, c->join_rule, 0, rb, &ev, err);
    if(st == MXM_OK)
      st = push(rb, ev, MXMF_AE_JOIN_RULES, 0, err);
    if(st != MXM_OK)
      goto fail;
  }
  for(int u = 1; u < MXMF_USERS; u++)
    if(c->member[u] != MXMF_M_NONE && (st = add_member(c, rb, u, err)) != MXM_OK)
      goto fail;
  for(int t = 0; t < MXMF_TOKENS; t++)
    if(c->tokens[t].present && (st = add_token(c, rb, t, err)) != MXM_OK)
      goto fail;
  return MXM_OK;
fail:
  mxmf_room_build_free(rb);
  return st;
}

void mxmf_room_build_free(struct mxmf_room_build *rb)
{
  for(size_t i = 0; i < rb->n_events; i++)
    mxm_json_free(&rb->events[i]);
  rb->n_events = 0;
}

/* ---- the event under test -------------------------------------------------- */

static enum mxm_status add_tpi(const struct mxmf_event *e, struct mxm_json *ev, struct mxm_error *err)
{
  struct sb s;
  struct mxm_json *tpi = NULL, *content = mxm_json_get_mut(ev, "content");
  enum mxm_status st;

  if(!content)
    return mxm_error_set(err, MXM_E_USAGE, "/content", "fuzz builder: no content");
  sb_init(&s);
  sbf(&s, "{\"display_name\":\"invitee\"");
  if(!e->tpi.omit_signed) {
    int first = 1;
    sbf(&s, ",\"signed\":{");
    if(!e->tpi.omit_mxid) {
      sbf(&s, "\"mxid\":\"%s\"", mxmf_user_ids[e->tpi.mxid]);
      first = 0;
    }
    if(!e->tpi.omit_token) {
      sbf(&s, "%s\"token\":\"tok%c\"", first ? "" : ",", e->tpi.token < MXMF_TOKENS ? (char)('0' + e->tpi.token) : 'X');
      first = 0;
    }
    sbf(&s, "%s\"sender\":\"%s\"}", first ? "" : ",", mxmf_user_ids[e->sender]);
  }
  sbf(&s, "}");
  st = parse_sb(&s, &tpi, err);
  if(st != MXM_OK)
    return st;
  if(!e->tpi.omit_signed && e->tpi.signer != MXMF_KEY_NONE) {
    struct mxm_json *signed_obj = mxm_json_get_mut(tpi, "signed");
    const char *entity = e->tpi.signer == MXMF_KEY_IS1 ? "is1.test" : "is2.test";
    st = mxm_sign_json(signed_obj, entity, &keys.is[e->tpi.signer], err);
    if(st == MXM_OK && e->tpi.corrupt) {
      /* Flip one character of the signature, keeping it valid base64. */
      struct mxm_json *sigs = mxm_json_get_mut(mxm_json_get_mut(signed_obj, "signatures"), entity);
      const char *sig = mxm_json_string(mxm_json_get(sigs, keys.is[e->tpi.signer].key_id));
      if(sig && sig[0]) {
        char copy[128];
        snprintf(copy, sizeof(copy), "%s", sig);
        copy[0] = copy[0] == 'A' ? 'B' : 'A';
        st = mxm_json_object_set(sigs, keys.is[e->tpi.signer].key_id, mxm_json_new_string(copy));
      }
    }
    if(st != MXM_OK) {
      mxm_json_free(&tpi);
      return st;
    }
  }
  return mxm_json_object_set(content, "third_party_invite", tpi);
}

/* The auth_events list of e as JSON array members: each entry is the ID of
 * the room event it names (computed here: the builder's prev_events IDs are
 * stand-ins, see mxmf_build_advance), v1/v2 as (ID, hashes) pairs. A
 * rejected event gets an ID of the version's shape that the room does not
 * hold. An entry naming an event the room lacks is a decoder bug. */
static enum mxm_status auth_text(const struct mxmf_event *e, const struct mxmf_room_build *rb, struct sb *out,
                                 struct mxm_error *err)
{
  int server_ids = rb->rv->event_id_format == MXM_EVENT_ID_SERVER;
  sb_init(out);
  for(unsigned i = 0; i < e->auth.n && i < MXMF_AE_MAX; i++) {
    const struct mxmf_ae_entry *a = &e->auth.e[i];
    char id[MXM_EVENT_ID_MAX];
    size_t k;
    if(a->what == MXMF_AE_REJECTED) {
      if(server_ids)
        snprintf(id, sizeof(id), "$rejected%u:%s", (unsigned)a->index, servers[0]);
      else /* '$' + 43 characters of both base64 alphabets */
        snprintf(id, sizeof(id), "$rejectedMemberEventOfUser%uAAAAAAAAAAAAAAAAA", (unsigned)a->index);
    } else {
      for(k = 0; k < rb->n_events; k++)
        if(rb->what[k] == a->what && (a->what == MXMF_AE_CREATE || a->what == MXMF_AE_POWER ||
                                      a->what == MXMF_AE_JOIN_RULES || rb->index[k] == a->index))
          break;
      if(k == rb->n_events)
        return mxm_error_set(err, MXM_E_USAGE, "/auth_events", "fuzz builder: auth entry %u names no event of the room", i);
      if(k == 0) {
        snprintf(id, sizeof(id), "%s", rb->create_id);
      } else {
        enum mxm_status st = mxm_compute_event_id(rb->events[k], rb->rv, id, err);
        if(st != MXM_OK)
          return st;
      }
    }
    if(server_ids)
      sbf(out, "%s[\"%s\",{\"sha256\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]", i ? "," : "", id);
    else
      sbf(out, "%s\"%s\"", i ? "," : "", id);
  }
  return MXM_OK;
}

enum mxm_status mxmf_build_event(const struct mxmf_case *c, const struct mxmf_event *e,
                                 const struct mxmf_room_build *rb, struct mxm_json **out, struct mxm_error *err)
{
  struct sb s, auth;
  struct mxm_json *ev = NULL;
  enum mxm_status st;
  (void)c;

  *out = NULL;
  if(e->auth.n && (st = auth_text(e, rb, &auth, err)) != MXM_OK)
    return st;
  sb_init(&s);
  sbf(&s, "{\"type\":\"m.room.member\"");
  if(!e->omit_state_key)
    sbf(&s, ",\"state_key\":\"%s\"", mxmf_user_ids[e->target]);
  sbf(&s, ",\"sender\":\"%s\"", mxmf_user_ids[e->sender]);
  if(rb->room_id[0])
    sbf(&s, ",\"room_id\":\"%s\"", rb->room_id);
  member_content(&s, e->membership, e->displayname);
  tail_auth(&s, rb, e->prev_create ? rb->create_id : rb->last_id, e->auth.n ? auth.buf : NULL);
  st = parse_sb(&s, &ev, err);
  if(st != MXM_OK)
    return st;
  if(e->authoriser >= 0) {
    st = mxm_json_object_set(mxm_json_get_mut(ev, "content"), "join_authorised_via_users_server",
                             mxm_json_new_string(mxmf_user_ids[e->authoriser]));
    if(st != MXM_OK)
      goto fail;
  }
  if(e->tpi.present && (st = add_tpi(e, ev, err)) != MXM_OK)
    goto fail;
  if(e->authoriser >= 0 && e->auth_sig != MXMF_ASIG_NONE) {
    int si = server_index(mxmf_user_servers[e->authoriser]);
    if(e->auth_sig == MXMF_ASIG_WRONG)
      si = (si + 1) % 3;
    st = mxm_sign_event(ev, rb->rv, servers[si], &keys.server[si], err);
    if(st != MXM_OK)
      goto fail;
  }
  *out = ev;
  return MXM_OK;
fail:
  mxm_json_free(&ev);
  return st;
}

enum mxm_status mxmf_fill_state(const struct mxmf_room_build *rb, struct mxm_state *st, struct mxm_error *err)
{
  enum mxm_status s;
  for(int i = 0; i < 3; i++) {
    s = mxm_state_add_server_key(st, servers[i], keys.server[i].key_id, keys.server_pub[i], err);
    if(s != MXM_OK)
      return s;
  }
  for(size_t i = 0; i < rb->n_events; i++) {
    struct mxm_event *ev = NULL;
    s = mxm_event_from_json(rb->events[i], rb->rv, &ev, err);
    if(s != MXM_OK)
      return s;
    s = mxm_state_put(st, ev, err); /* takes ev */
    if(s != MXM_OK)
      return s;
  }
  return MXM_OK;
}
