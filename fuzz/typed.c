/*
 * fuzz/typed.c: scenario -> typed events (see typed.h).
 */
#include "typed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

#define SAFE_INT 9007199254740991LL /* 2^53-1: m.room.power_levels.yaml */

/* ---- once per process ------------------------------------------------------ */

static const char *const servers[3] = {"a.test", "b.test", "c.test"};
static const char *const display_names[4] = {NULL, "Alpha", "Beta", "Gamma"};
static const char *const version_ids[13] = {"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};

static struct {
  int ready;
  struct mxm_signing_key server[3];
  char server_pub[3][48];
  struct mxm_json *allow; /* the join rules' allow list */
} g;

enum mxm_status mxmt_init(struct mxm_error *err)
{
  const char text[] = "[{\"type\":\"m.room_membership\",\"room_id\":\"!other:b.test\"}]";
  enum mxm_status st;
  if(g.ready)
    return MXM_OK;
  st = mxmf_keys_init(err);
  for(int i = 0; st == MXM_OK && i < 3; i++) {
    st = mxm_signing_key_for_name(servers[i], &g.server[i]);
    if(st != MXM_OK)
      return mxm_error_set(err, st, "", "cannot derive the key of %s", servers[i]);
    mxm_signing_key_public_b64(&g.server[i], g.server_pub[i], sizeof(g.server_pub[i]));
  }
  if(st == MXM_OK)
    st = mxm_json_parse(text, sizeof(text) - 1, &g.allow, err);
  if(st == MXM_OK)
    g.ready = 1;
  return st;
}

/* ---- one typed event --------------------------------------------------------- */

/* An event and the strings only it names (IDs), in one allocation: free()
 * of the event releases both, as mxm_event_free does. */
#define AE_SLOTS MXMF_AE_MAX
#define POOL_BYTES (MXM_EVENT_ID_MAX * (AE_SLOTS + 6))
struct tev {
  struct mxm_event ev;
  size_t used;
  char pool[POOL_BYTES];
};

static const char *pool_str(struct tev *t, const char *s)
{
  size_t n = strlen(s) + 1;
  char *p;
  if(t->used + n > sizeof(t->pool))
    return NULL;
  p = t->pool + t->used;
  memcpy(p, s, n);
  t->used += n;
  return p;
}

/* The stand-in ID of the event at depth d: v1/v2 carry "$d:a.test" (as
 * build.c writes event_id); v3+ a "$" + 43-character ID of the reference
 * hash's shape. */
static void stand_in_id(const struct mxm_room_version *rv, int64_t d, char *buf, size_t cap)
{
  if(rv->event_id_format == MXM_EVENT_ID_SERVER)
    snprintf(buf, cap, "$%lld:%s", (long long)d, servers[0]);
  else
    snprintf(buf, cap, "$fuzztyped%034lld", (long long)d);
}

/* A new event of kind k at depth rm->depth + 1 with prev_events = [prev]
 * (none when prev is NULL or empty), its room_id and its ID. */
static struct mxm_event *tev_new(const struct mxmt_room *rm, enum mxm_event_kind k, const char *type,
                                 const char *state_key, const char *sender, const char *prev)
{
  struct tev *t = calloc(1, sizeof(*t));
  struct mxm_event *ev;
  char id[MXM_EVENT_ID_MAX];
  if(!t)
    return NULL;
  ev = &t->ev;
  ev->kind = k;
  ev->type = type;
  ev->state_key = state_key;
  ev->sender = sender;
  ev->depth = rm->depth + 1;
  ev->size_max = 8192; /* by construction: a few short fields, at most 10 auth events */
  if(rm->room_id[0])
    ev->room_id = pool_str(t, rm->room_id);
  stand_in_id(rm->rv, ev->depth, id, sizeof(id));
  if(rm->rv->event_id_format == MXM_EVENT_ID_SERVER)
    ev->event_id = pool_str(t, id);
  else
    memcpy(ev->computed_id, id, strlen(id) + 1);
  if(prev && prev[0]) {
    ev->prev_events = malloc(sizeof(*ev->prev_events));
    if(!ev->prev_events) {
      mxm_event_free(&ev);
      return NULL;
    }
    ev->prev_events[0] = pool_str(t, prev);
    ev->n_prev_events = 1;
  }
  return ev;
}

static enum mxm_status nomem(struct mxm_error *err)
{
  return mxm_error_set(err, MXM_E_NOMEM, "", "fuzz typed builder: out of memory");
}

/* ---- levels ------------------------------------------------------------------ */

/* What build.c's spelling of l means in room version rv (the stringy and
 * floaty fragments): 1 and *out, 0 with *why when the form is not allowed,
 * -1 for a spelling this file has no typed meaning for. */
static int level_of(const struct mxm_room_version *rv, const struct mxmf_level *l, int64_t *out, int *is_float,
                    const char **why)
{
  *is_float = 0;
  switch(l->form) {
  case MXMF_PL_INT:
    break;
  case MXMF_PL_STRING: /* "%lld" or " +050 ": one sign, digits, surrounding spaces */
    if(!rv->string_pl) {
      *why = "power levels must be integers in this room version (strings only in v1-v9)";
      return 0;
    }
    break;
  case MXMF_PL_FLOAT: /* "49.75" or "495e-1": truncated toward zero, the value */
    if(!rv->float_pl) {
      *why = rv->string_pl ? "power levels must be integers or integer strings in this room version"
                           : "power levels must be integers in this room version";
      return 0;
    }
    *is_float = 1;
    break;
  default:
    return -1;
  }
  if(l->value > SAFE_INT || l->value < -SAFE_INT) {
    *why = "power level outside [-(2^53)+1, 2^53-1]";
    return 0;
  }
  *out = l->value;
  return 1;
}

/* 1 if every present level of p has a typed meaning. */
static int power_typed(const struct mxmf_power *p)
{
  const struct mxmf_level *top[4] = {&p->ban, &p->kick, &p->invite, &p->users_default};
  for(int i = 0; i < 4; i++)
    if(top[i]->present && top[i]->form != MXMF_PL_INT && top[i]->form != MXMF_PL_STRING && top[i]->form != MXMF_PL_FLOAT)
      return 0;
  for(int u = 0; u < MXMF_USERS; u++)
    if(p->users[u].present && p->users[u].form != MXMF_PL_INT && p->users[u].form != MXMF_PL_STRING &&
       p->users[u].form != MXMF_PL_FLOAT)
      return 0;
  return 1;
}

static void pl_mark(struct mxm_power_levels *pl, int ok, int is_float, const char *where, const char *why)
{
  if(!ok && pl->valid) {
    pl->valid = 0;
    pl->invalid_reason = why;
    snprintf(pl->invalid_where, sizeof(pl->invalid_where), "%s", where);
  }
  if(ok && is_float && !pl->has_float) {
    pl->has_float = 1;
    snprintf(pl->float_where, sizeof(pl->float_where), "%s", where);
  }
}

static enum mxm_status json_event(const struct mxmt_room *rm, struct mxm_json *json, struct mxm_event **out,
                                  struct mxm_error *err);
static void build_view(const struct mxmt_room *rm, struct mxmf_room_build *rb);

enum mxm_status mxmt_power_event(const struct mxmt_room *rm, const struct mxmf_power *p, int sender,
                                 struct mxm_event **out, struct mxm_error *err)
{
  static const char *const names[4] = {"/content/ban", "/content/kick", "/content/invite", "/content/users_default"};
  const struct mxmf_level *top[4] = {&p->ban, &p->kick, &p->invite, &p->users_default};
  struct mxm_event *ev;
  struct mxm_power_levels *pl;
  *out = NULL;
  if(!power_typed(p)) { /* a spelling only the parser can read: build.c writes it */
    struct mxmf_room_build rb;
    struct mxm_json *json = NULL;
    enum mxm_status st;
    build_view(rm, &rb);
    st = mxmf_build_power_event(rm->c, p, sender, &rb, &json, err);
    if(st != MXM_OK)
      return st;
    st = json_event(rm, json, out, err);
    mxm_json_free(&json);
    return st;
  }
  /* v6+: a number written with a fraction or an exponent does not parse
   * (mxm/event.h; content/rooms/v6.md, canonical JSON enforced). */
  if(rm->rv->strict_canonical) {
    for(int i = 0; i < 4; i++)
      if(top[i]->present && top[i]->form == MXMF_PL_FLOAT)
        return mxm_error_set(err, MXM_E_MALFORMED, names[i], "a float in a v6+ event is not canonical JSON");
    for(int u = 0; u < MXMF_USERS; u++)
      if(p->users[u].present && p->users[u].form == MXMF_PL_FLOAT)
        return mxm_error_set(err, MXM_E_MALFORMED, "/content/users", "a float in a v6+ event is not canonical JSON");
  }
  ev = tev_new(rm, MXM_EVENT_POWER_LEVELS, "m.room.power_levels", "", mxmf_user_ids[sender], rm->last_id);
  if(!ev)
    return nomem(err);
  pl = &ev->u.power_levels;
  pl->valid = 1;
  for(int i = 0; i < 4; i++) {
    int64_t v = 0;
    int fl = 0, ok;
    const char *why = NULL;
    if(!top[i]->present)
      continue;
    ok = level_of(rm->rv, top[i], &v, &fl, &why);
    pl_mark(pl, ok, fl, names[i], why);
    if(!ok)
      continue;
    switch(i) {
    case 0: pl->ban = v; pl->has_ban = 1; break;
    case 1: pl->kick = v; pl->has_kick = 1; break;
    case 2: pl->invite = v; pl->has_invite = 1; break;
    default: pl->users_default = v; pl->has_users_default = 1; break;
    }
  }
  pl->users = calloc(MXMF_USERS, sizeof(*pl->users));
  if(!pl->users) {
    mxm_event_free(&ev);
    return nomem(err);
  }
  /* mxmf_user_ids is sorted by strcmp, as the parser sorts users. */
  for(int u = 0; u < MXMF_USERS; u++) {
    int64_t v = 0;
    int fl = 0, ok;
    const char *why = NULL;
    char where[MXM_ERROR_WHERE_MAX];
    if(!p->users[u].present)
      continue;
    ok = level_of(rm->rv, &p->users[u], &v, &fl, &why);
    if(!ok || (fl && !pl->has_float)) {
      snprintf(where, sizeof(where), "/content/users/%s", mxmf_user_ids[u]);
      pl_mark(pl, ok, fl, where, why);
    }
    if(!ok)
      continue;
    pl->users[pl->n_users].key = mxmf_user_ids[u];
    pl->users[pl->n_users].level = v;
    pl->n_users++;
  }
  *out = ev;
  return MXM_OK;
}

/* ---- join rules, create, members, tokens -------------------------------------- */

enum mxm_status mxmt_join_rules_event(const struct mxmt_room *rm, enum mxmf_join_rule jr, int sender,
                                      struct mxm_event **out, struct mxm_error *err)
{
  static const char *const words[MXMF_JR_COUNT] = {NULL,      "public",  "invite", "knock", "restricted",
                                                   "knock_restricted", "private", "bogus", NULL, NULL};
  struct mxm_event *ev =
      tev_new(rm, MXM_EVENT_JOIN_RULES, "m.room.join_rules", "", mxmf_user_ids[sender], rm->last_id);
  *out = NULL;
  if(!ev)
    return nomem(err);
  ev->u.join_rules.join_rule = (unsigned)jr < MXMF_JR_COUNT ? words[jr] : NULL; /* 7 and a missing key: NULL */
  ev->u.join_rules.allow = rm->c->allow_list ? g.allow : NULL;
  *out = ev;
  return MXM_OK;
}

static enum mxm_status create_event(const struct mxmt_room *rm, struct mxm_event **out, struct mxm_error *err)
{
  const struct mxmf_case *c = rm->c;
  struct mxm_event *ev = tev_new(rm, MXM_EVENT_CREATE, "m.room.create", "", mxmf_user_ids[0], NULL);
  struct mxm_create_content *cc;
  *out = NULL;
  if(!ev)
    return nomem(err);
  cc = &ev->u.create;
  if(rm->rv->create_needs_creator) {
    cc->creator = mxmf_user_ids[0];
    cc->has_creator = 1;
  }
  cc->federate = !c->no_federate;
  cc->room_version = version_ids[c->room_version];
  cc->room_version_valid = 1;
  cc->additional_creators_valid = 1;
  if(rm->rv->creators_v12 && c->additional_creators) {
    cc->additional_creators = calloc(MXMF_USERS, sizeof(*cc->additional_creators));
    if(!cc->additional_creators) {
      mxm_event_free(&ev);
      return nomem(err);
    }
    for(int u = 1; u < MXMF_USERS; u++)
      if((c->additional_creators >> u) & 1u)
        cc->additional_creators[cc->n_additional_creators++] = mxmf_user_ids[u];
  }
  *out = ev;
  return MXM_OK;
}

static const char *membership_raw(enum mxmf_membership m)
{
  switch(m) {
  case MXMF_M_INVITE: return "invite";
  case MXMF_M_JOIN: return "join";
  case MXMF_M_LEAVE: return "leave";
  case MXMF_M_BAN: return "ban";
  case MXMF_M_KNOCK: return "knock";
  case MXMF_M_FOO: return "foo";
  case MXMF_M_NONE: case MXMF_M_NOTSTRING: case MXMF_M_ABSENT: break;
  }
  return NULL;
}

static void member_content(struct mxm_member_content *mc, enum mxmf_membership m, unsigned displayname)
{
  mc->has_membership = m != MXMF_M_ABSENT && m != MXMF_M_NONE;
  mc->membership_raw = membership_raw(m);
  mc->membership = mxmf_to_lib_membership(m);
  if(mc->membership == MXM_MEMBERSHIP_NONE)
    mc->membership = MXM_MEMBERSHIP_UNKNOWN; /* as the parser: only the five are memberships */
  mc->displayname = display_names[displayname & 3u];
}

static enum mxm_status state_member(const struct mxmt_room *rm, int u, struct mxm_event **out, struct mxm_error *err)
{
  enum mxmf_membership m = rm->c->member[u];
  /* conformance/FORMAT.md: the user sends join/knock/leave, the creator sends invite and ban. */
  int sender = (m == MXMF_M_INVITE || m == MXMF_M_BAN) ? 0 : u;
  struct mxm_event *ev = tev_new(rm, MXM_EVENT_MEMBER, "m.room.member", mxmf_user_ids[u], mxmf_user_ids[sender],
                                 rm->last_id);
  *out = NULL;
  if(!ev)
    return nomem(err);
  member_content(&ev->u.member, m, rm->c->displayname[u]);
  *out = ev;
  return MXM_OK;
}

/* Token events: build.c writes one per (token, sender, keys); the library
 * parses it once per process, and each use is a copy of that template with
 * this room's room_id, prev_events, depth and ID. The template's JSON is
 * shared (reference-counted), so the 3PID rule reads the keys it lists. */
#define TOKEN_TEMPLATES (MXMF_TOKENS * MXMF_USERS * 2 * 3 * 2)
static struct mxm_event *token_templates[13][TOKEN_TEMPLATES];

static enum mxm_status token_template(const struct mxmt_room *rm, int t, const struct mxm_event **out,
                                      struct mxm_error *err)
{
  const struct mxmf_token_event *tk = &rm->c->tokens[t];
  size_t k = ((((size_t)t * MXMF_USERS + (size_t)tk->sender) * 2 + (tk->public_key == MXMF_KEY_IS2)) * 3 +
              (size_t)tk->extra_key) * 2 + tk->urlsafe;
  struct mxm_event **slot = &token_templates[rm->c->room_version][k];
  if(!*slot) {
    struct mxmf_case c1;
    struct mxmf_room_build rb;
    enum mxm_status st;
    memset(&c1, 0, sizeof(c1));
    c1.room_version = rm->c->room_version;
    c1.spec = rm->c->spec;
    c1.bare = 0;
    c1.tokens[t] = *tk;
    c1.ev.authoriser = -1;
    st = mxmf_build_room(&c1, &rb, err); /* create, then the token event */
    if(st != MXM_OK)
      return st;
    st = rb.n_events == 2 ? mxm_event_from_json(rb.events[1], rb.rv, slot, err)
                          : mxm_error_set(err, MXM_E_USAGE, "", "fuzz typed builder: no token event built");
    mxmf_room_build_free(&rb);
    if(st != MXM_OK)
      return st;
  }
  *out = *slot;
  return MXM_OK;
}

static enum mxm_status token_event(const struct mxmt_room *rm, int t, struct mxm_event **out, struct mxm_error *err)
{
  const struct mxm_event *tpl = NULL;
  struct mxm_event *ev;
  struct mxm_third_party_invite_content *tc;
  enum mxm_status st = token_template(rm, t, &tpl, err);
  *out = NULL;
  if(st != MXM_OK)
    return st;
  ev = tev_new(rm, MXM_EVENT_THIRD_PARTY_INVITE, tpl->type, tpl->state_key, tpl->sender, rm->last_id);
  if(!ev)
    return nomem(err);
  tc = &ev->u.third_party_invite;
  *tc = tpl->u.third_party_invite;
  tc->public_keys = NULL;
  ev->json = mxm_json_ref(tpl->json); /* keeps every borrowed string alive */
  if(tpl->u.third_party_invite.n_public_keys) {
    tc->public_keys = malloc(tc->n_public_keys * sizeof(*tc->public_keys));
    if(!tc->public_keys) {
      tc->n_public_keys = 0;
      mxm_event_free(&ev);
      return nomem(err);
    }
    memcpy(tc->public_keys, tpl->u.third_party_invite.public_keys, tc->n_public_keys * sizeof(*tc->public_keys));
  }
  *out = ev;
  return MXM_OK;
}

/* ---- the room ------------------------------------------------------------------ */

static enum mxm_status fill(const struct mxmf_case *c, struct mxmt_room *rm, struct mxm_state *st,
                            struct mxm_error *err);

void mxmt_advance(struct mxmt_room *rm, const struct mxm_event *ev)
{
  const char *id = mxm_event_id(ev);
  rm->depth = ev->depth > rm->depth ? ev->depth : rm->depth + 1;
  if(id)
    snprintf(rm->last_id, sizeof(rm->last_id), "%s", id);
  else
    stand_in_id(rm->rv, rm->depth, rm->last_id, sizeof(rm->last_id));
}

enum mxm_status mxmt_give_id(const struct mxmt_room *rm, struct mxm_event *ev, struct mxm_error *err)
{
  char id[MXM_EVENT_ID_MAX];
  if(mxm_event_id(ev))
    return MXM_OK;
  stand_in_id(rm->rv, rm->depth + 1, id, sizeof(id));
  return mxm_event_set_id(ev, id, err);
}

/* Put ev (taken) into st and make it the newest event; its JSON goes to
 * rm->views when asked for. */
static enum mxm_status put(struct mxmt_room *rm, struct mxm_state *st, struct mxm_event *ev, int index,
                           struct mxm_error *err)
{
  enum mxm_status s;
  if(rm->views && rm->n_views < MXMF_MAX_STATE_EVENTS && (rm->views[rm->n_views] = mxmt_event_json(ev)) != NULL)
    rm->n_views++;
  if(rm->n < MXMF_MAX_STATE_EVENTS) {
    rm->kind[rm->n] = (uint8_t)ev->kind;
    rm->index[rm->n] = (uint8_t)index;
    snprintf(rm->ids[rm->n], sizeof(rm->ids[rm->n]), "%s", mxm_event_id(ev));
  }
  mxmt_advance(rm, ev);
  s = mxm_state_put(st, ev, err); /* takes ev; computes no ID: it has one */
  if(s == MXM_OK && rm->n < MXMF_MAX_STATE_EVENTS)
    rm->n++;
  return s;
}

enum mxm_status mxmt_fill_state(const struct mxmf_case *c, struct mxmt_room *rm, struct mxm_state *st,
                                struct mxm_json **views, size_t *n_views, struct mxm_error *err)
{
  enum mxm_status s;

  memset(rm, 0, sizeof(*rm));
  rm->views = views;
  if(n_views)
    *n_views = 0;
  s = fill(c, rm, st, err);
  if(n_views)
    *n_views = rm->n_views;
  rm->views = NULL;
  rm->n_views = 0;
  return s;
}

static enum mxm_status fill(const struct mxmf_case *c, struct mxmt_room *rm, struct mxm_state *st,
                            struct mxm_error *err)
{
  struct mxm_event *ev = NULL;
  enum mxm_status s;

  rm->c = c;
  rm->rv = mxm_state_room_version(st);
  if((s = mxmt_init(err)) != MXM_OK)
    return s;
  for(int i = 0; i < 3; i++)
    if((s = mxm_state_add_server_key(st, servers[i], g.server[i].key_id, g.server_pub[i], err)) != MXM_OK)
      return s;
  if(!rm->rv->creators_v12)
    snprintf(rm->room_id, sizeof(rm->room_id), "!room:%s", servers[0]);
  if((s = create_event(rm, &ev, err)) != MXM_OK || (s = put(rm, st, ev, 0, err)) != MXM_OK)
    return s;
  memcpy(rm->create_id, rm->last_id, sizeof(rm->create_id));
  if(rm->rv->creators_v12)
    snprintf(rm->room_id, sizeof(rm->room_id), "!%s", rm->create_id + 1);
  if(c->bare)
    return MXM_OK;
  /* build.c's order: creator's join, power levels, join rules, other members, tokens. */
  if(c->member[0] != MXMF_M_NONE && ((s = state_member(rm, 0, &ev, err)) != MXM_OK || (s = put(rm, st, ev, 0, err)) != MXM_OK))
    return s;
  if(c->power.present &&
     ((s = mxmt_power_event(rm, &c->power, 0, &ev, err)) != MXM_OK || (s = put(rm, st, ev, 0, err)) != MXM_OK))
    return s;
  if(c->join_rule != MXMF_JR_NO_EVENT &&
     ((s = mxmt_join_rules_event(rm, c->join_rule, 0, &ev, err)) != MXM_OK || (s = put(rm, st, ev, 0, err)) != MXM_OK))
    return s;
  for(int u = 1; u < MXMF_USERS; u++)
    if(c->member[u] != MXMF_M_NONE && ((s = state_member(rm, u, &ev, err)) != MXM_OK || (s = put(rm, st, ev, u, err)) != MXM_OK))
      return s;
  for(int t = 0; t < MXMF_TOKENS; t++)
    if(c->tokens[t].present && ((s = token_event(rm, t, &ev, err)) != MXM_OK || (s = put(rm, st, ev, t, err)) != MXM_OK))
      return s;
  return MXM_OK;
}

/* ---- the event under test --------------------------------------------------------- */

/* The room as fuzz/build.c sees it, for the events it writes here. */
static void build_view(const struct mxmt_room *rm, struct mxmf_room_build *rb)
{
  memset(rb, 0, sizeof(*rb));
  rb->rv = rm->rv;
  memcpy(rb->create_id, rm->create_id, sizeof(rb->create_id));
  memcpy(rb->last_id, rm->last_id, sizeof(rb->last_id));
  memcpy(rb->room_id, rm->room_id, sizeof(rb->room_id));
  rb->depth = rm->depth;
}

/* The library's parse of json, given its stand-in ID (v1/v2: the event_id
 * it carries). */
static enum mxm_status json_event(const struct mxmt_room *rm, struct mxm_json *json, struct mxm_event **out,
                                  struct mxm_error *err)
{
  enum mxm_status st = mxm_event_from_json(json, rm->rv, out, err);
  char id[MXM_EVENT_ID_MAX];
  if(st != MXM_OK)
    return st;
  if(rm->rv->event_id_format != MXM_EVENT_ID_SERVER) {
    stand_in_id(rm->rv, (*out)->depth, id, sizeof(id));
    st = mxm_event_set_id(*out, id, err);
    if(st != MXM_OK)
      mxm_event_free(out);
  }
  return st;
}

/* content.third_party_invite as build.c writes (and signs) it, once per
 * process per distinct value: a shared tree the typed event borrows. */
#define TPI_KEYS (2 * 2 * 2 * MXMF_USERS * (MXMF_TOKENS + 1) * 3 * 2 * MXMF_USERS)
static struct mxm_json *tpi_cache[TPI_KEYS];

static enum mxm_status tpi_tree(const struct mxmt_room *rm, const struct mxmf_event *e, const struct mxm_json **out,
                                struct mxm_error *err)
{
  const struct mxmf_tpi *t = &e->tpi;
  size_t k = ((((((size_t)t->omit_signed * 2 + t->omit_mxid) * 2 + t->omit_token) * MXMF_USERS + (size_t)t->mxid) *
                   (MXMF_TOKENS + 1) + (size_t)t->token) * 3 + (size_t)t->signer) * 2 + t->corrupt;
  struct mxm_json **slot;
  k = k * MXMF_USERS + (size_t)e->sender; /* signed.sender */
  slot = &tpi_cache[k];
  if(!*slot) {
    struct mxmf_event e1;
    struct mxmf_room_build rb;
    struct mxm_json *ev = NULL;
    enum mxm_status st;
    memset(&e1, 0, sizeof(e1));
    e1.sender = e->sender;
    e1.target = e->target;
    e1.membership = MXMF_M_INVITE;
    e1.authoriser = -1;
    e1.tpi = *t;
    build_view(rm, &rb);
    st = mxmf_build_event(rm->c, &e1, &rb, &ev, err);
    if(st != MXM_OK)
      return st;
    *slot = mxm_json_ref(mxm_json_get(mxm_json_get(ev, "content"), "third_party_invite"));
    mxm_json_free(&ev);
    if(!*slot)
      return mxm_error_set(err, MXM_E_USAGE, "", "fuzz typed builder: no third_party_invite built");
  }
  *out = *slot;
  return MXM_OK;
}

/* The ID of auth entry a: the room's event it names, with the ID it was
 * put with, or for a rejected event an ID of the version's shape the room
 * does not hold (the same as build.c's). MXM_E_USAGE for an entry naming
 * nothing the room holds (a decoder bug, as build.c says). */
static enum mxm_status auth_id(const struct mxmt_room *rm, const struct mxmf_ae_entry *a, char *id, size_t cap,
                               struct mxm_error *err)
{
  enum mxm_event_kind k;
  switch((enum mxmf_ae_what)a->what) {
  case MXMF_AE_REJECTED:
    if(rm->rv->event_id_format == MXM_EVENT_ID_SERVER)
      snprintf(id, cap, "$rejected%u:%s", (unsigned)a->index, servers[0]);
    else
      snprintf(id, cap, "$rejectedMemberEventOfUser%uAAAAAAAAAAAAAAAAA", (unsigned)a->index);
    return MXM_OK;
  case MXMF_AE_CREATE: k = MXM_EVENT_CREATE; break;
  case MXMF_AE_POWER: k = MXM_EVENT_POWER_LEVELS; break;
  case MXMF_AE_JOIN_RULES: k = MXM_EVENT_JOIN_RULES; break;
  case MXMF_AE_MEMBER: k = MXM_EVENT_MEMBER; break;
  case MXMF_AE_TOKEN: k = MXM_EVENT_THIRD_PARTY_INVITE; break;
  default: k = MXM_EVENT_OTHER; break;
  }
  for(size_t i = 0; i < rm->n; i++)
    if(rm->kind[i] == (uint8_t)k &&
       (k != MXM_EVENT_MEMBER && k != MXM_EVENT_THIRD_PARTY_INVITE ? 1 : rm->index[i] == a->index)) {
      snprintf(id, cap, "%s", rm->ids[i]);
      return MXM_OK;
    }
  return mxm_error_set(err, MXM_E_USAGE, "/auth_events", "fuzz typed builder: an auth entry names no event of the room");
}

static int signature_read(const struct mxmt_room *rm, const struct mxmf_event *e)
{
  /* Rule 4.2 (v8+: content/rooms/fragments/v8-auth-rules.md) verifies the
   * server signature of any member event naming an authoriser. */
  return rm->rv->restricted && e->authoriser >= 0 && e->auth_sig != MXMF_ASIG_NONE;
}

/* e written by build.c, signed by the authoriser's server (or another one)
 * after its prev_events are this room's, and parsed by the library. */
static enum mxm_status signed_event(const struct mxmt_room *rm, const struct mxmf_event *e, struct mxm_event **out,
                                    struct mxm_error *err)
{
  struct mxmf_event e1 = *e;
  struct mxmf_room_build rb;
  struct mxm_json *json = NULL;
  enum mxm_status st;
  int si;
  e1.auth_sig = MXMF_ASIG_NONE; /* signed below */
  e1.auth.n = 0;                /* written below, with this room's IDs */
  build_view(rm, &rb);
  st = mxmf_build_event(rm->c, &e1, &rb, &json, err);
  if(st != MXM_OK)
    return st;
  if(e->auth.n) {
    struct mxm_json *arr = mxm_json_new_array();
    st = arr ? MXM_OK : nomem(err);
    for(unsigned i = 0; st == MXM_OK && i < e->auth.n && i < MXMF_AE_MAX; i++) {
      char id[MXM_EVENT_ID_MAX];
      struct mxm_json *v;
      if((st = auth_id(rm, &e->auth.e[i], id, sizeof(id), err)) != MXM_OK)
        break;
      if(rm->rv->event_id_format == MXM_EVENT_ID_SERVER) { /* v1/v2: [id, {"sha256": ...}] */
        struct mxm_json *h = mxm_json_new_object();
        v = mxm_json_new_array();
        if(!h || !v ||
           mxm_json_object_set(h, "sha256", mxm_json_new_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) != MXM_OK ||
           mxm_json_array_add(v, mxm_json_new_string(id)) != MXM_OK) {
          mxm_json_free(&h);
          mxm_json_free(&v);
          st = nomem(err);
          break;
        }
        if(mxm_json_array_add(v, h) != MXM_OK) { /* takes h */
          mxm_json_free(&v);
          st = nomem(err);
          break;
        }
      } else {
        v = mxm_json_new_string(id);
      }
      if(mxm_json_array_add(arr, v) != MXM_OK)
        st = nomem(err);
    }
    if(st == MXM_OK)
      st = mxm_json_object_set(json, "auth_events", arr);
    else
      mxm_json_free(&arr);
    if(st != MXM_OK) {
      mxm_json_free(&json);
      return st;
    }
  }
  for(si = 0; si < 3 && strcmp(servers[si], mxmf_user_servers[e->authoriser]) != 0; si++)
    ;
  si %= 3;
  if(e->auth_sig == MXMF_ASIG_WRONG)
    si = (si + 1) % 3;
  st = mxm_sign_event(json, rm->rv, servers[si], &g.server[si], err);
  if(st == MXM_OK)
    st = json_event(rm, json, out, err);
  mxm_json_free(&json);
  return st;
}

enum mxm_status mxmt_member_event(const struct mxmt_room *rm, const struct mxmf_event *e, struct mxm_event **out,
                                  struct mxm_error *err)
{
  struct mxm_event *ev;
  struct mxm_member_content *mc;
  *out = NULL;
  if(signature_read(rm, e))
    return signed_event(rm, e, out, err);
  ev = tev_new(rm, MXM_EVENT_MEMBER, "m.room.member", e->omit_state_key ? NULL : mxmf_user_ids[e->target],
               mxmf_user_ids[e->sender], e->prev_create ? rm->create_id : rm->last_id);
  if(!ev)
    return nomem(err);
  if(e->auth.n) {
    struct tev *t = (struct tev *)ev;
    ev->auth_events = calloc(e->auth.n, sizeof(*ev->auth_events));
    if(!ev->auth_events) {
      mxm_event_free(&ev);
      return nomem(err);
    }
    for(unsigned i = 0; i < e->auth.n && i < MXMF_AE_MAX; i++) {
      char id[MXM_EVENT_ID_MAX];
      enum mxm_status st = auth_id(rm, &e->auth.e[i], id, sizeof(id), err);
      if(st != MXM_OK || !(ev->auth_events[i] = pool_str(t, id))) {
        mxm_event_free(&ev);
        return st != MXM_OK ? st : nomem(err);
      }
      ev->n_auth_events++;
    }
  }
  mc = &ev->u.member;
  member_content(mc, e->membership, e->displayname);
  if(e->authoriser >= 0) {
    mc->join_authorised_via_users_server = mxmf_user_ids[e->authoriser];
    mc->has_join_authorised = 1;
  }
  if(e->tpi.present) {
    const struct mxm_json *tpi = NULL;
    enum mxm_status st = tpi_tree(rm, e, &tpi, err);
    if(st != MXM_OK) {
      mxm_event_free(&ev);
      return st;
    }
    mc->has_third_party_invite = 1;
    mc->third_party_invite = tpi;
  }
  *out = ev;
  return MXM_OK;
}

/* ---- JSON of a typed event, for the client view ----------------------------------------- */

static int set_str(struct mxm_json *o, const char *k, const char *v)
{
  return !v || mxm_json_object_set(o, k, mxm_json_new_string(v)) == MXM_OK;
}

struct mxm_json *mxmt_event_json(const struct mxm_event *ev)
{
  struct mxm_json *o, *content;
  int ok;
  if(ev->json && ev->kind != MXM_EVENT_THIRD_PARTY_INVITE)
    return mxm_json_ref(ev->json); /* parsed from JSON */
  o = mxm_json_new_object();
  content = mxm_json_new_object();
  if(!o || !content) {
    mxm_json_free(&o);
    mxm_json_free(&content);
    return NULL;
  }
  ok = set_str(o, "type", ev->type) && set_str(o, "state_key", ev->state_key) && set_str(o, "sender", ev->sender) &&
       set_str(o, "event_id", mxm_event_id(ev)) && set_str(o, "room_id", ev->room_id) &&
       mxm_json_object_set(o, "origin_server_ts", mxm_json_new_int(1000 * ev->depth)) == MXM_OK;
  if(ok && ev->kind == MXM_EVENT_MEMBER) {
    ok = set_str(content, "membership", ev->u.member.membership_raw) &&
         set_str(content, "displayname", ev->u.member.displayname);
  } else if(ok && ev->kind == MXM_EVENT_JOIN_RULES) {
    ok = set_str(content, "join_rule", ev->u.join_rules.join_rule);
  }
  if(ok && mxm_json_object_set(o, "content", content) == MXM_OK)
    return o;
  mxm_json_free(&o);
  return NULL;
}

/* ---- a whole case ---------------------------------------------------------------------- */

void mxmt_run_case(const struct mxmf_case *c, struct mxmf_run *run, struct mxmt_room *rm)
{
  char vid[8];
  memset(run, 0, sizeof(*run));
  memset(rm, 0, sizeof(*rm));
  mxm_error_clear(&run->err);
  mxm_auth_options_init(&run->opt);
  run->opt.spec = (enum mxm_spec_release)c->spec;
  run->stage = MXMF_AT_BUILD;
  snprintf(vid, sizeof(vid), "%d", c->room_version);
  run->rb.rv = mxm_room_version_find(vid);
  if(!run->rb.rv) {
    run->status = mxm_error_set(&run->err, MXM_E_UNSUPPORTED, "", "room version %s unknown to the library", vid);
    return;
  }
  run->stage = MXMF_AT_STATE;
  run->status = mxm_state_new(run->rb.rv, &run->st);
  if(run->status != MXM_OK)
    return;
  run->status = mxmt_fill_state(c, rm, run->st, NULL, NULL, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_AT_EVENT;
  run->status = mxmt_member_event(rm, &c->ev, &run->ev, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_AT_AUTH;
  run->status = mxm_auth_check(run->st, run->ev, &run->opt, &run->res, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_DONE;
}
