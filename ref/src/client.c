/*
 * client.c: the client view (mxm/client.h): /sync bodies in, per-room view
 * out.
 *
 * Owns: how a sync section updates a room (real state versus stripped
 * state), the user's own membership, the member list, the room name and the
 * outcome of each membership event. Does not own: the transition table
 * (transition.c) or any authorisation (the client trusts its homeserver's
 * real state and nothing in stripped state).
 *
 * A body is checked for its structure first and applied only when the check
 * passes, so a malformed body changes nothing. Inside a well-formed body an
 * event that is not an object, or lacks a string type, a string state_key (for
 * state) or an object content, is skipped: a degraded view, never an error
 * ("clients SHOULD behave properly (with possibly a degraded but not a broken
 * experience)", matrix-spec data/event-schemas/schema/m.room.member.yaml
 * unsigned.invite_room_state).
 *
 * Redaction (a timeline m.room.redaction whose content.redacts, or top-level
 * redacts, names a current state event) keeps only content.membership of a
 * member event; m.room.create, m.room.join_rules, m.room.power_levels and
 * m.room.history_visibility keep their content (the view reads none of it);
 * any other state event loses its whole content (matrix-spec
 * content/client-server-api/_index.md §Redactions; the view needs no more).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/client.h"
#include "mxm/transition.h"

#include "alloc_int.h"

struct entry {
  char *type, *state_key, *event_id; /* owned; event_id NULL for stripped events */
  struct mxm_json *content;          /* owned copy */
};

struct store {
  struct entry *v;
  size_t n, cap;
};

struct outcome {
  char *event_id;      /* owned */
  const char *outcome; /* static, from mxm_classify */
};

struct croom {
  char *id; /* owned */
  enum mxm_sync_section section;
  enum mxm_membership own;
  struct store real, stripped;
  struct outcome *out;
  size_t n_out, cap_out;
};

struct mxm_client {
  char *user; /* owned */
  enum mxm_spec_release spec;
  struct croom *rooms;
  size_t n_rooms, cap_rooms;
};

static const char *const section_names[] = {"none", "join", "invite", "knock", "leave"};

const char *mxm_section_name(enum mxm_sync_section s)
{
  return (unsigned)s < sizeof(section_names) / sizeof(section_names[0]) ? section_names[s] : "unknown";
}

static char *dup_str(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = mxmi_malloc(n);
  if(d)
    memcpy(d, s, n);
  return d;
}

/* Grow *v (elements of size sz) to hold one more; 0 or -1 on OOM. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
  size_t nc;
  void *p;
  if(n < *cap)
    return 0;
  nc = *cap ? *cap * 2 : 8;
  p = mxmi_realloc(*v, nc * sz);
  if(!p)
    return -1;
  *v = p;
  *cap = nc;
  return 0;
}

static void entry_clear(struct entry *e)
{
  free(e->type);
  free(e->state_key);
  free(e->event_id);
  mxm_json_free(&e->content);
}

static void store_clear(struct store *s)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    entry_clear(&s->v[i]);
  free(s->v);
  memset(s, 0, sizeof(*s));
}

static struct entry *store_find(const struct store *s, const char *type, const char *state_key)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    if(strcmp(s->v[i].type, type) == 0 && strcmp(s->v[i].state_key, state_key) == 0)
      return &s->v[i];
  return NULL;
}

/* Set (type, state_key) to ev's content (copied). MXM_OK or MXM_E_NOMEM. */
static enum mxm_status store_put(struct store *s, const char *type, const char *state_key,
                                 const char *event_id, const struct mxm_json *content)
{
  struct entry fresh, *e;
  memset(&fresh, 0, sizeof(fresh));
  fresh.type = dup_str(type);
  fresh.state_key = dup_str(state_key);
  fresh.event_id = event_id ? dup_str(event_id) : NULL;
  fresh.content = mxm_json_copy(content);
  if(!fresh.type || !fresh.state_key || (event_id && !fresh.event_id) || !fresh.content) {
    entry_clear(&fresh);
    return MXM_E_NOMEM;
  }
  e = store_find(s, type, state_key);
  if(e) {
    entry_clear(e);
    *e = fresh;
    return MXM_OK;
  }
  if(grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)) != 0) {
    entry_clear(&fresh);
    return MXM_E_NOMEM;
  }
  s->v[s->n++] = fresh;
  return MXM_OK;
}

static void room_clear(struct croom *r)
{
  size_t i;
  free(r->id);
  store_clear(&r->real);
  store_clear(&r->stripped);
  for(i = 0; i < r->n_out; i++)
    free(r->out[i].event_id);
  free(r->out);
  memset(r, 0, sizeof(*r));
}

static void room_reset_outcomes(struct croom *r)
{
  size_t i;
  for(i = 0; i < r->n_out; i++)
    free(r->out[i].event_id);
  r->n_out = 0;
}

enum mxm_status mxm_client_new(const char *user_id, enum mxm_spec_release spec, struct mxm_client **out)
{
  struct mxm_client *c;
  if(!out)
    return MXM_E_USAGE;
  *out = NULL;
  if(!user_id || (unsigned)spec > (unsigned)MXM_SPEC_CURRENT)
    return MXM_E_USAGE;
  c = mxmi_calloc(1, sizeof(*c));
  if(!c)
    return MXM_E_NOMEM;
  c->user = dup_str(user_id);
  if(!c->user) {
    free(c);
    return MXM_E_NOMEM;
  }
  c->spec = spec;
  *out = c;
  return MXM_OK;
}

void mxm_client_free(struct mxm_client **cp)
{
  struct mxm_client *c;
  size_t i;
  if(!cp || !*cp)
    return;
  c = *cp;
  for(i = 0; i < c->n_rooms; i++)
    room_clear(&c->rooms[i]);
  free(c->rooms);
  free(c->user);
  free(c);
  *cp = NULL;
}

static struct croom *find_room(const struct mxm_client *c, const char *id)
{
  size_t i;
  for(i = 0; id && i < c->n_rooms; i++)
    if(strcmp(c->rooms[i].id, id) == 0)
      return &c->rooms[i];
  return NULL;
}

static struct croom *get_room(struct mxm_client *c, const char *id)
{
  struct croom *r = find_room(c, id);
  if(r)
    return r;
  if(grow((void **)&c->rooms, &c->cap_rooms, c->n_rooms, sizeof(*c->rooms)) != 0)
    return NULL;
  r = &c->rooms[c->n_rooms];
  memset(r, 0, sizeof(*r));
  r->id = dup_str(id);
  if(!r->id)
    return NULL;
  c->n_rooms++;
  return r;
}

/* ---- the structure check ---- */

/* Append "/" and a JSON pointer token (escaping ~ and /) to buf (size n),
 * cutting what does not fit. */
static void ptr_add(char *buf, size_t n, const char *token)
{
  size_t len = strlen(buf);
  if(len + 1 >= n)
    return;
  buf[len++] = '/';
  for(; *token && len + 2 < n; token++) {
    if(*token == '~' || *token == '/') {
      buf[len++] = '~';
      buf[len++] = *token == '~' ? '0' : '1';
    } else {
      buf[len++] = *token;
    }
  }
  buf[len] = '\0';
}

struct check {
  const char *prefix;
  struct mxm_error *err;
  enum mxm_status st;
};

/* A structure error at <prefix>/rooms[/section[/room]][/k1[/k2]]. */
static enum mxm_status bad(struct check *k, const char *section, const char *room, const char *k1,
                           const char *k2, const char *what)
{
  char where[MXM_ERROR_WHERE_MAX];
  snprintf(where, sizeof(where), "%s", k->prefix ? k->prefix : "");
  ptr_add(where, sizeof(where), "rooms");
  if(section)
    ptr_add(where, sizeof(where), section);
  if(room)
    ptr_add(where, sizeof(where), room);
  if(k1)
    ptr_add(where, sizeof(where), k1);
  if(k2)
    ptr_add(where, sizeof(where), k2);
  k->st = mxm_error_set(k->err, MXM_E_MALFORMED, where, "%s", what);
  return k->st;
}

/* obj[key] must be absent or an object, whose "events" must be absent or an
 * array. */
static int check_batch(struct check *k, const char *section, const char *room, const struct mxm_json *r,
                       const char *key)
{
  const struct mxm_json *b = mxm_json_get(r, key), *ev;
  if(!b)
    return 0;
  if(mxm_json_type(b) != MXM_JSON_OBJECT)
    return bad(k, section, room, key, NULL, "not an object"), -1;
  ev = mxm_json_get(b, "events");
  if(ev && mxm_json_type(ev) != MXM_JSON_ARRAY)
    return bad(k, section, room, key, "events", "not an array"), -1;
  return 0;
}

struct section_check {
  struct check *k;
  const char *section;
};

static int check_room(const char *room, size_t room_len, const struct mxm_json *r, void *ctx)
{
  struct section_check *sc = ctx;
  const char *s = sc->section;
  (void)room_len;
  if(mxm_json_type(r) != MXM_JSON_OBJECT)
    return bad(sc->k, s, room, NULL, NULL, "not an object"), 1;
  if(strcmp(s, "join") == 0 || strcmp(s, "leave") == 0) {
    const struct mxm_json *tl = mxm_json_get(r, "timeline"), *lim;
    if(check_batch(sc->k, s, room, r, "state") || check_batch(sc->k, s, room, r, "timeline"))
      return 1;
    lim = mxm_json_get(tl, "limited");
    if(lim && mxm_json_type(lim) != MXM_JSON_BOOL)
      return bad(sc->k, s, room, "timeline", "limited", "not a boolean"), 1;
  } else if(check_batch(sc->k, s, room, r, strcmp(s, "invite") == 0 ? "invite_state" : "knock_state")) {
    return 1;
  }
  return 0;
}

static const char *const sections[] = {"join", "invite", "knock", "leave"};

static enum mxm_status check_body(const struct mxm_json *body, const char *prefix, struct mxm_error *err)
{
  struct check k = {prefix, err, MXM_OK};
  const struct mxm_json *rooms;
  size_t i;
  if(mxm_json_type(body) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, prefix ? prefix : "", "a /sync body is an object");
  rooms = mxm_json_get(body, "rooms");
  if(!rooms)
    return MXM_OK;
  if(mxm_json_type(rooms) != MXM_JSON_OBJECT)
    return bad(&k, NULL, NULL, NULL, NULL, "not an object");
  for(i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
    const struct mxm_json *sec = mxm_json_get(rooms, sections[i]);
    struct section_check sc = {&k, sections[i]};
    if(!sec)
      continue;
    if(mxm_json_type(sec) != MXM_JSON_OBJECT)
      return bad(&k, sections[i], NULL, NULL, NULL, "not an object");
    if(mxm_json_object_foreach(sec, check_room, &sc))
      return k.st;
  }
  return MXM_OK;
}

/* ---- applying ---- */

static const char *str_of(const struct mxm_json *j, const char *key)
{
  return mxm_json_string(mxm_json_get(j, key));
}

/* A profile field as a value to compare: the string, or NULL for none
 * (absent, null, or not a string). */
static const char *profile_field(const struct mxm_json *content, const char *key)
{
  return str_of(content, key);
}

static int same_field(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static enum mxm_status record_outcome(struct croom *r, enum mxm_spec_release spec, const struct mxm_json *ev,
                                      const char *state_key, const struct mxm_json *content)
{
  const char *event_id = str_of(ev, "event_id"), *sender = str_of(ev, "sender");
  const struct mxm_json *prev = mxm_json_get(mxm_json_get(ev, "unsigned"), "prev_content");
  enum mxm_membership from = MXM_MEMBERSHIP_NONE, to = mxm_membership_parse(str_of(content, "membership"));
  struct mxm_transition t;
  int changed;
  if(!event_id || to == MXM_MEMBERSHIP_UNKNOWN || to == MXM_MEMBERSHIP_NONE)
    return MXM_OK;
  /* Before v1.2 the spec put prev_content at the top level of the event
   * (client_event_without_room_id.yaml unsigned.prev_content, "Changed in
   * v1.2"). */
  if(!prev && spec < MXM_SPEC_V1_2)
    prev = mxm_json_get(ev, "prev_content");
  if(mxm_json_type(prev) == MXM_JSON_OBJECT) {
    from = mxm_membership_parse(str_of(prev, "membership"));
    if(from == MXM_MEMBERSHIP_UNKNOWN || from == MXM_MEMBERSHIP_NONE)
      return MXM_OK; /* a prev_content that names no membership: nothing to classify from */
  }
  changed = !same_field(profile_field(content, "displayname"), profile_field(prev, "displayname")) ||
            !same_field(profile_field(content, "avatar_url"), profile_field(prev, "avatar_url"));
  if(mxm_classify(mxm_era_of(spec), from, to, sender && strcmp(sender, state_key) == 0, changed, &t) != MXM_OK)
    return MXM_OK;
  if(grow((void **)&r->out, &r->cap_out, r->n_out, sizeof(*r->out)) != 0)
    return MXM_E_NOMEM;
  r->out[r->n_out].event_id = dup_str(event_id);
  if(!r->out[r->n_out].event_id)
    return MXM_E_NOMEM;
  r->out[r->n_out++].outcome = t.outcome;
  return MXM_OK;
}

/* Keep what the view needs of a redacted event's content. */
static enum mxm_status redact_entry(struct entry *e)
{
  struct mxm_json *c;
  const struct mxm_json *m;
  if(strcmp(e->type, "m.room.create") == 0 || strcmp(e->type, "m.room.join_rules") == 0 ||
     strcmp(e->type, "m.room.power_levels") == 0 || strcmp(e->type, "m.room.history_visibility") == 0)
    return MXM_OK;
  c = mxm_json_new_object();
  if(!c)
    return MXM_E_NOMEM;
  m = mxm_json_get(e->content, "membership");
  if(strcmp(e->type, "m.room.member") == 0 && m) {
    struct mxm_json *mc = mxm_json_copy(m);
    if(!mc || mxm_json_object_set(c, "membership", mc) != MXM_OK) {
      mxm_json_free(&c);
      return MXM_E_NOMEM;
    }
  }
  mxm_json_free(&e->content);
  e->content = c;
  return MXM_OK;
}

static enum mxm_status apply_redaction(struct croom *r, const struct mxm_json *ev)
{
  const char *target = str_of(mxm_json_get(ev, "content"), "redacts");
  size_t i;
  if(!target)
    target = str_of(ev, "redacts");
  for(i = 0; target && i < r->real.n; i++)
    if(r->real.v[i].event_id && strcmp(r->real.v[i].event_id, target) == 0)
      return redact_entry(&r->real.v[i]);
  return MXM_OK;
}

/* One event of a join or leave entry's state or timeline. */
static enum mxm_status apply_real_event(struct croom *r, enum mxm_spec_release spec, const struct mxm_json *ev)
{
  const char *type = str_of(ev, "type"), *state_key = str_of(ev, "state_key");
  const struct mxm_json *content = mxm_json_get(ev, "content");
  enum mxm_status st;
  if(!type || mxm_json_type(content) != MXM_JSON_OBJECT)
    return MXM_OK;
  if(strcmp(type, "m.room.redaction") == 0 && !state_key)
    return apply_redaction(r, ev);
  if(!state_key)
    return MXM_OK; /* a message: no state */
  if(strcmp(type, "m.room.member") == 0) {
    if(!str_of(content, "membership"))
      return MXM_OK; /* no membership: not a member event the view can hold */
    st = record_outcome(r, spec, ev, state_key, content);
    if(st != MXM_OK)
      return st;
  }
  return store_put(&r->real, type, state_key, str_of(ev, "event_id"), content);
}

static enum mxm_status apply_events(struct croom *r, enum mxm_spec_release spec, const struct mxm_json *batch,
                                    const struct mxm_json **last)
{
  const struct mxm_json *events = mxm_json_get(batch, "events");
  size_t i, n = mxm_json_array_len(events);
  for(i = 0; i < n; i++) {
    const struct mxm_json *ev = mxm_json_array_get(events, i);
    enum mxm_status st = apply_real_event(r, spec, ev);
    if(st != MXM_OK)
      return st;
    if(last)
      *last = ev;
  }
  return MXM_OK;
}

static enum mxm_status apply_joined_or_left(struct mxm_client *c, struct croom *r, const struct mxm_json *entry,
                                            enum mxm_sync_section section)
{
  const struct mxm_json *last = NULL;
  struct entry *mine;
  enum mxm_status st;
  /* Stripped state never outlives an invite or a knock: the real state
   * replaces it ("once the client has joined the room, it SHOULD fetch the
   * live state from the server and discard the invite_room_state"). */
  store_clear(&r->stripped);
  st = apply_events(r, c->spec, mxm_json_get(entry, "state"), NULL);
  if(st == MXM_OK)
    st = apply_events(r, c->spec, mxm_json_get(entry, "timeline"), &last);
  if(st != MXM_OK)
    return st;
  r->section = section;
  if(section == MXM_SECTION_JOIN) {
    r->own = MXM_MEMBERSHIP_JOIN;
    return MXM_OK;
  }
  /* rooms.leave: "the rooms that the user has left or been banned from". */
  r->own = MXM_MEMBERSHIP_LEAVE;
  mine = store_find(&r->real, "m.room.member", c->user);
  if(mine) {
    enum mxm_membership m = mxm_membership_parse(str_of(mine->content, "membership"));
    if(m == MXM_MEMBERSHIP_BAN || m == MXM_MEMBERSHIP_LEAVE) {
      r->own = m;
      return MXM_OK;
    }
  }
  /* unsigned.membership, added in v1.11 (matrix-org/matrix-spec-proposals#4115). */
  if(c->spec >= MXM_SPEC_V1_11 && last) {
    enum mxm_membership m = mxm_membership_parse(str_of(mxm_json_get(last, "unsigned"), "membership"));
    if(m == MXM_MEMBERSHIP_BAN || m == MXM_MEMBERSHIP_LEAVE)
      r->own = m;
  }
  return MXM_OK;
}

static enum mxm_status apply_stripped(struct mxm_client *c, struct croom *r, const struct mxm_json *entry,
                                      enum mxm_sync_section section)
{
  const struct mxm_json *events =
      mxm_json_get(mxm_json_get(entry, section == MXM_SECTION_INVITE ? "invite_state" : "knock_state"), "events");
  size_t i, n = mxm_json_array_len(events);
  (void)c;
  /* Each invite_state / knock_state is the stripped state at that time: it
   * replaces the one before, never the real (archived) state. */
  store_clear(&r->stripped);
  for(i = 0; i < n; i++) {
    const struct mxm_json *ev = mxm_json_array_get(events, i);
    const char *type = str_of(ev, "type"), *state_key = str_of(ev, "state_key");
    const struct mxm_json *content = mxm_json_get(ev, "content");
    enum mxm_status st;
    if(!type || !state_key || mxm_json_type(content) != MXM_JSON_OBJECT)
      continue;
    st = store_put(&r->stripped, type, state_key, NULL, content);
    if(st != MXM_OK)
      return st;
  }
  r->section = section;
  r->own = section == MXM_SECTION_INVITE ? MXM_MEMBERSHIP_INVITE : MXM_MEMBERSHIP_KNOCK;
  return MXM_OK;
}

struct apply_ctx {
  struct mxm_client *c;
  enum mxm_sync_section section;
  enum mxm_status st;
};

static int apply_room(const char *room, size_t room_len, const struct mxm_json *entry, void *ctx)
{
  struct apply_ctx *a = ctx;
  struct croom *r;
  (void)room_len;
  r = get_room(a->c, room);
  if(!r) {
    a->st = MXM_E_NOMEM;
    return 1;
  }
  if(a->section == MXM_SECTION_JOIN || a->section == MXM_SECTION_LEAVE)
    a->st = apply_joined_or_left(a->c, r, entry, a->section);
  else
    a->st = apply_stripped(a->c, r, entry, a->section);
  return a->st != MXM_OK;
}

enum mxm_status mxm_client_apply_sync(struct mxm_client *c, const struct mxm_json *body, const char *where_prefix,
                                      struct mxm_error *err)
{
  /* Leave before join: a body may name a room in both when the user left
   * and joined again within one sync; the join is the newer. Invites and
   * knocks last: they are the newest state of a room the user is not in. */
  static const enum mxm_sync_section order[] = {MXM_SECTION_LEAVE, MXM_SECTION_JOIN, MXM_SECTION_KNOCK,
                                                MXM_SECTION_INVITE};
  const struct mxm_json *rooms;
  enum mxm_status st;
  size_t i;
  if(!c)
    return mxm_error_set(err, MXM_E_USAGE, "", "no client");
  st = check_body(body, where_prefix, err);
  if(st != MXM_OK)
    return st;
  for(i = 0; i < c->n_rooms; i++)
    room_reset_outcomes(&c->rooms[i]);
  rooms = mxm_json_get(body, "rooms");
  for(i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    struct apply_ctx a = {c, order[i], MXM_OK};
    mxm_json_object_foreach(mxm_json_get(rooms, mxm_section_name(order[i])), apply_room, &a);
    if(a.st != MXM_OK)
      return mxm_error_set(err, a.st, where_prefix ? where_prefix : "", "out of memory applying the sync");
  }
  return MXM_OK;
}

/* ---- the view ---- */

static const struct store *shown(const struct croom *r)
{
  return r->section == MXM_SECTION_INVITE || r->section == MXM_SECTION_KNOCK ? &r->stripped : &r->real;
}

static struct mxm_json *string_or_null(const char *s)
{
  return s ? mxm_json_new_string(s) : mxm_json_new_null();
}

static int set(struct mxm_json *obj, const char *key, struct mxm_json *val)
{
  return val && mxm_json_object_set(obj, key, val) == MXM_OK ? 0 : -1;
}

static struct mxm_json *member_json(const char *membership, const struct mxm_json *content)
{
  struct mxm_json *m = mxm_json_new_object();
  if(!m)
    return NULL;
  if(set(m, "membership", mxm_json_new_string(membership)) ||
     set(m, "displayname", string_or_null(str_of(content, "displayname"))) ||
     set(m, "avatar_url", string_or_null(str_of(content, "avatar_url"))))
    mxm_json_free(&m);
  return m;
}

static struct mxm_json *members_json(const struct mxm_client *c, const struct croom *r)
{
  const struct store *s = shown(r);
  struct mxm_json *members = mxm_json_new_object();
  int stripped = s == &r->stripped, own_seen = 0;
  size_t i;
  for(i = 0; members && i < s->n; i++) {
    const struct entry *e = &s->v[i];
    const char *membership;
    if(strcmp(e->type, "m.room.member") != 0)
      continue;
    membership = str_of(e->content, "membership");
    if(stripped && strcmp(e->state_key, c->user) == 0) {
      /* Stripped state grants nothing: the user's own membership is the
       * section's, whatever a stripped event claims. */
      membership = mxm_membership_name(r->own);
      own_seen = 1;
    }
    if(!membership)
      continue;
    if(set(members, e->state_key, member_json(membership, e->content)))
      mxm_json_free(&members);
  }
  if(members && stripped && !own_seen &&
     set(members, c->user, member_json(mxm_membership_name(r->own), NULL)))
    mxm_json_free(&members);
  return members;
}

static struct mxm_json *room_json(const struct mxm_client *c, const struct croom *r)
{
  struct mxm_json *o = mxm_json_new_object(), *outcomes = NULL;
  const struct entry *name = store_find(shown(r), "m.room.name", "");
  size_t i;
  if(!o)
    return NULL;
  if(set(o, "section", mxm_json_new_string(mxm_section_name(r->section))) ||
     set(o, "membership", mxm_json_new_string(mxm_membership_name(r->own))) ||
     set(o, "name", string_or_null(name ? str_of(name->content, "name") : NULL)) ||
     set(o, "members", members_json(c, r)))
    goto fail;
  outcomes = mxm_json_new_object();
  for(i = 0; outcomes && i < r->n_out; i++)
    if(set(outcomes, r->out[i].event_id, mxm_json_new_string(r->out[i].outcome)))
      goto fail;
  if(set(o, "outcomes", outcomes))
    goto fail_o;
  return o;
fail:
  mxm_json_free(&outcomes);
fail_o:
  mxm_json_free(&o);
  return NULL;
}

enum mxm_status mxm_client_view_json(const struct mxm_client *c, struct mxm_json **out)
{
  struct mxm_json *view, *rooms;
  size_t i;
  if(!out)
    return MXM_E_USAGE;
  *out = NULL;
  if(!c)
    return MXM_E_USAGE;
  view = mxm_json_new_object();
  rooms = mxm_json_new_object();
  if(!view || !rooms) {
    mxm_json_free(&view);
    mxm_json_free(&rooms);
    return MXM_E_NOMEM;
  }
  for(i = 0; i < c->n_rooms; i++) {
    if(set(rooms, c->rooms[i].id, room_json(c, &c->rooms[i]))) {
      mxm_json_free(&rooms);
      mxm_json_free(&view);
      return MXM_E_NOMEM;
    }
  }
  if(set(view, "rooms", rooms)) {
    mxm_json_free(&view);
    return MXM_E_NOMEM;
  }
  *out = view;
  return MXM_OK;
}

enum mxm_status mxm_client_run(const char *user_id, enum mxm_spec_release spec, const struct mxm_json *syncs,
                               const char *prefix, struct mxm_json **views_out, struct mxm_error *err)
{
  struct mxm_client *c = NULL;
  struct mxm_json *views = NULL;
  enum mxm_status st;
  size_t i, n = mxm_json_array_len(syncs);
  if(!views_out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output");
  *views_out = NULL;
  if(mxm_json_type(syncs) != MXM_JSON_ARRAY)
    return mxm_error_set(err, MXM_E_MALFORMED, prefix ? prefix : "", "the syncs are not an array");
  st = mxm_client_new(user_id, spec, &c);
  if(st != MXM_OK)
    return mxm_error_set(err, st, "", "%s", st == MXM_E_NOMEM ? "out of memory" : "no user ID or bad release");
  views = mxm_json_new_array();
  if(!views)
    st = mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
  for(i = 0; st == MXM_OK && i < n; i++) {
    char where[MXM_ERROR_WHERE_MAX];
    struct mxm_json *view = NULL;
    snprintf(where, sizeof(where), "%s/%zu", prefix ? prefix : "", i);
    st = mxm_client_apply_sync(c, mxm_json_array_get(syncs, i), where, err);
    if(st == MXM_OK && (st = mxm_client_view_json(c, &view)) != MXM_OK)
      mxm_error_set(err, st, where, "out of memory");
    if(st == MXM_OK && mxm_json_array_add(views, view) != MXM_OK)
      st = mxm_error_set(err, MXM_E_NOMEM, where, "out of memory");
  }
  mxm_client_free(&c);
  if(st != MXM_OK) {
    mxm_json_free(&views);
    return st;
  }
  *views_out = views;
  return MXM_OK;
}

size_t mxm_client_room_count(const struct mxm_client *c)
{
  return c ? c->n_rooms : 0;
}

const char *mxm_client_room_id(const struct mxm_client *c, size_t i)
{
  return c && i < c->n_rooms ? c->rooms[i].id : NULL;
}

enum mxm_sync_section mxm_client_section(const struct mxm_client *c, const char *room_id)
{
  const struct croom *r = c ? find_room(c, room_id) : NULL;
  return r ? r->section : MXM_SECTION_NONE;
}

enum mxm_membership mxm_client_own_membership(const struct mxm_client *c, const char *room_id)
{
  const struct croom *r = c ? find_room(c, room_id) : NULL;
  return r ? r->own : MXM_MEMBERSHIP_NONE;
}

enum mxm_membership mxm_client_member(const struct mxm_client *c, const char *room_id, const char *user_id)
{
  const struct croom *r = c ? find_room(c, room_id) : NULL;
  const struct entry *e;
  if(!r || !user_id)
    return MXM_MEMBERSHIP_NONE;
  if(shown(r) == &r->stripped && strcmp(user_id, c->user) == 0)
    return r->own;
  e = store_find(shown(r), "m.room.member", user_id);
  if(!e)
    return MXM_MEMBERSHIP_NONE;
  return mxm_membership_parse(str_of(e->content, "membership"));
}
