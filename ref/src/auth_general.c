/*
 * auth_general.c: the general authorisation rules around the member block,
 * as static const row tables in spec order: m.room.create (rule 1), the v12
 * room-ID rule (2), the auth_events rules (2, v12: 3), m.federate (3, v12:
 * 4), and, for events other than m.room.member, sender membership,
 * m.room.third_party_invite, the required power level, '@' state keys and
 * the m.room.power_levels rule in full, then "Otherwise, allow".
 *
 * Owns: those rules and their ids (ref/RULES.md). Does not own: the member
 * block (auth_member.c), power-level parsing per room version (event.c sets
 * pl.valid), default levels per spec release (state.c mxm_state_level).
 *
 * Sources: matrix-org/matrix-spec content/rooms/fragments/v1-auth-rules.md,
 * v3-auth-rules.md, v8-auth-rules.md, content/rooms/v6.md, v10.md, v11.md,
 * v12.md; content/server-server-api.md "Auth events selection";
 * conformance/NOTES.md#spec-release-edits.
 *
 * Not modelled (MXM_E_UNSUPPORTED, never a guessed verdict): the
 * m.room.aliases rule (v1-v5) and the m.room.redaction rule (v1, v2); they
 * have no rule ids in ref/RULES.md and do not touch membership.
 *
 * Reading choices:
 *  - Rule 1.4 (v1-v10) "content has no creator": presence of the property,
 *    as written; a creator that is not a string passes 1.4 (and then names
 *    no user for the creator's first join).
 *  - Power-levels level changes: a key "added, changed or removed" compares
 *    the values that are present: an absent old (or new) value is not
 *    compared, as the text speaks of "the current value" / "the new value".
 *  - Before spec v1.5 the users rules read: entries changed under users,
 *    other than the sender's own, reject if the old value equals the
 *    sender's level (10.5), and the combined rule 10.4 rejected any added,
 *    changed or removed entry whose old or new value is above it. So a
 *    changed entry was rejected at old >= PL, a removed one only at old > PL.
 *    From v1.5 (#1269) both changed and removed entries reject at >=.
 *  - Auth events: more than 10 entries is a malformed PDU (pdu_v1.yaml caps
 *    auth_events at 10); an ID the state index does not know is "cannot
 *    decide". Rule 2.3 (an auth event that was itself rejected) needs no
 *    row: the state holds only accepted events, so every auth event the
 *    index knows was accepted. The selection is compared by (type,
 *    state_key) pairs, whether or not the state currently has that event.
 *  - v12 rule 2: "an accepted m.room.create" is the state's create event
 *    (the state holds accepted events only).
 */
#include <stdio.h>
#include <string.h>

#include "auth_int.h"

const char *mxmi_domain(const char *id)
{
  const char *d = id ? strchr(id, ':') : NULL;
  return d ? d + 1 : "";
}

/* JSON pointer "/content/<obj>/<key>" with the key escaped (~ -> ~0, / -> ~1),
 * truncated to the buffer. */
static void pointer_key(char *buf, size_t cap, const char *obj, const char *key)
{
  size_t n = (size_t)snprintf(buf, cap, "/content/%s/", obj);
  for(; *key && n + 3 < cap; key++) {
    if(*key == '~') {
      buf[n++] = '~';
      buf[n++] = '0';
    } else if(*key == '/') {
      buf[n++] = '~';
      buf[n++] = '1';
    } else {
      buf[n++] = *key;
    }
  }
  buf[n < cap ? n : cap - 1] = '\0';
}

/* A column of the room-version table that mxm/version.h does not
 * have yet: whether the power-levels rule covers notifications (added in
 * room version 6, content/rooms/v6.md "Authorization rules"). Kept here, as
 * data, until it moves into the version table. */
static const char *const notifications_rule_versions[] = {"6", "7", "8", "9", "10", "11", "12"};

static int rv_pl_notifications(const struct mxm_room_version *rv)
{
  size_t i;
  for(i = 0; i < sizeof(notifications_rule_versions) / sizeof(notifications_rule_versions[0]); i++)
    if(strcmp(rv->id, notifications_rule_versions[i]) == 0)
      return 1;
  return 0;
}

static int is_kind(const struct mxmi_ctx *c, enum mxm_event_kind k)
{
  return c->ev->kind == k;
}

static int is_create(const struct mxmi_ctx *c)
{
  return is_kind(c, MXM_EVENT_CREATE);
}

/* ------------------------------------------------------------------------ */
/* Rule 1: m.room.create                                                     */

static int chk_create_prev_events(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_create(c) && c->ev->n_prev_events > 0 ? MXMI_FIRES : MXMI_NO;
}

static int chk_create_room_id_domain(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  if(!is_create(c))
    return MXMI_NO;
  if(!c->ev->room_id)
    return MXMI_FIRES;
  return strcmp(mxmi_domain(c->ev->room_id), mxmi_domain(c->sender)) != 0 ? MXMI_FIRES : MXMI_NO;
}

static int chk_create_has_room_id(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_create(c) && c->ev->room_id ? MXMI_FIRES : MXMI_NO;
}

static int chk_create_room_version(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_create_content *cc = &c->ev->u.create;
  (void)why;
  if(!is_create(c))
    return MXMI_NO;
  if(!cc->room_version_valid)
    return MXMI_FIRES;
  return cc->room_version && !mxm_room_version_find(cc->room_version) ? MXMI_FIRES : MXMI_NO;
}

static int chk_create_additional_creators(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_create(c) && !c->ev->u.create.additional_creators_valid ? MXMI_FIRES : MXMI_NO;
}

static int chk_create_no_creator(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_create(c) && !c->ev->u.create.has_creator ? MXMI_FIRES : MXMI_NO;
}

static int chk_create_any(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_create(c) ? MXMI_FIRES : MXMI_NO;
}

/* ------------------------------------------------------------------------ */
/* v12 rule 2: room_id is "!" + the accepted create event's ID without "$".  */

static int chk_room_not_create_id(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *create = c->create;
  const char *id;
  if(is_create(c))
    return MXMI_NO;
  if(!create || !c->ev->room_id || c->ev->room_id[0] != '!')
    return MXMI_FIRES;
  id = mxm_event_id(create);
  if(!id || id[0] != '$') {
    mxm_error_set(why->err, MXM_E_UNDECIDABLE, "/room_id",
                  "cannot decide: the create event's ID is not known (v12 rule 2 compares room_id with it)");
    return MXMI_UNDECIDED;
  }
  return strcmp(c->ev->room_id + 1, id + 1) != 0 ? MXMI_FIRES : MXMI_NO;
}

/* ------------------------------------------------------------------------ */
/* Auth events (rule 2, v12: 3). Only when asked for and the event lists any. */

static int auth_events_on(const struct mxmi_ctx *c)
{
  return c->opt->check_auth_events && c->ev->n_auth_events > 0;
}

/* Resolve every auth event once through the state's event index into
 * c->auth, before the rows that read them; an ID the index does not know is
 * kept as such, so each row still reports it exactly where it meets it. */
static void resolve_auth_events(struct mxmi_ctx *c)
{
  size_t i;
  c->n_auth = 0;
  if(!auth_events_on(c) || c->ev->n_auth_events > MXM_SPEC_MAX_AUTH_EVENTS)
    return;
  for(i = 0; i < c->ev->n_auth_events; i++) {
    struct mxmi_auth_ref *a = &c->auth[i];
    a->known = mxm_state_event_by_id(c->st, c->ev->auth_events[i], &a->type, &a->state_key, &a->room_id);
  }
  c->n_auth = c->ev->n_auth_events;
}

/* Auth event i as resolved by resolve_auth_events; MXMI_UNDECIDED when the
 * index does not know it. */
static int auth_event(const struct mxmi_ctx *c, size_t i, const char **type, const char **sk, const char **room,
                      struct mxmi_why *why)
{
  char where[48];
  if(i < c->n_auth && c->auth[i].known) {
    *type = c->auth[i].type;
    *sk = c->auth[i].state_key;
    *room = c->auth[i].room_id;
    return MXMI_NO;
  }
  snprintf(where, sizeof(where), "/auth_events/%zu", i);
  mxm_error_set(why->err, MXM_E_UNDECIDABLE, where,
                "cannot decide: auth event %.80s is not in the state's event index", c->ev->auth_events[i]);
  return MXMI_UNDECIDED;
}

static int chk_auth_duplicate(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  size_t i, j;
  if(!auth_events_on(c))
    return MXMI_NO;
  for(i = 0; i < c->ev->n_auth_events; i++) {
    const char *ti, *si, *ri;
    if(auth_event(c, i, &ti, &si, &ri, why) < 0)
      return MXMI_UNDECIDED;
    for(j = 0; j < i; j++) {
      const char *tj, *sj, *rj;
      if(auth_event(c, j, &tj, &sj, &rj, why) < 0)
        return MXMI_UNDECIDED;
      if(strcmp(ti, tj) == 0 && strcmp(si ? si : "", sj ? sj : "") == 0) {
        snprintf(why->where, sizeof(why->where), "/auth_events/%zu", i);
        return MXMI_FIRES;
      }
    }
  }
  return MXMI_NO;
}

/* The auth-events selection (server-server-api.md "Auth events selection"): is (type, state_key) one the algorithm picks for ev? */
static int selected(const struct mxmi_ctx *c, const char *type, const char *sk)
{
  const struct mxm_event *ev = c->ev;
  if(!sk)
    sk = "";
  if(strcmp(type, "m.room.create") == 0)
    return c->rv->create_in_auth_events && sk[0] == '\0';
  if(strcmp(type, "m.room.power_levels") == 0)
    return sk[0] == '\0';
  if(strcmp(type, "m.room.member") == 0) {
    if(strcmp(sk, c->sender) == 0)
      return 1;
    if(ev->kind != MXM_EVENT_MEMBER)
      return 0;
    if(ev->state_key && strcmp(sk, ev->state_key) == 0)
      return 1;
    /* The authorising user's member event: restricted versions; from spec
     * v1.15 only for joins. */
    if(c->rv->restricted && ev->u.member.join_authorised_via_users_server &&
       strcmp(sk, ev->u.member.join_authorised_via_users_server) == 0 &&
       (ev->u.member.membership == MXM_MEMBERSHIP_JOIN || !mxmi_edit(c, "auth_events.authoriser_join_only")))
      return 1;
    return 0;
  }
  if(ev->kind != MXM_EVENT_MEMBER)
    return 0;
  if(strcmp(type, "m.room.join_rules") == 0) {
    enum mxm_membership m = ev->u.member.membership;
    return sk[0] == '\0' && (m == MXM_MEMBERSHIP_JOIN || m == MXM_MEMBERSHIP_INVITE ||
                             (m == MXM_MEMBERSHIP_KNOCK && mxmi_edit(c, "auth_events.knock_join_rules")));
  }
  if(strcmp(type, "m.room.third_party_invite") == 0) {
    const struct mxm_json *signed_obj = mxm_json_get(ev->u.member.third_party_invite, "signed");
    const char *token = mxm_json_string(mxm_json_get(signed_obj, "token"));
    return ev->u.member.membership == MXM_MEMBERSHIP_INVITE && token && strcmp(token, sk) == 0;
  }
  return 0;
}

static int chk_auth_unexpected(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  size_t i;
  if(!auth_events_on(c))
    return MXMI_NO;
  for(i = 0; i < c->ev->n_auth_events; i++) {
    const char *t, *s, *r;
    if(auth_event(c, i, &t, &s, &r, why) < 0)
      return MXMI_UNDECIDED;
    if(!selected(c, t, s)) {
      snprintf(why->where, sizeof(why->where), "/auth_events/%zu", i);
      return MXMI_FIRES;
    }
  }
  return MXMI_NO;
}

static int chk_auth_no_create(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  size_t i;
  if(!auth_events_on(c))
    return MXMI_NO;
  for(i = 0; i < c->ev->n_auth_events; i++) {
    const char *t, *s, *r;
    if(auth_event(c, i, &t, &s, &r, why) < 0)
      return MXMI_UNDECIDED;
    if(strcmp(t, "m.room.create") == 0)
      return MXMI_NO;
  }
  return MXMI_FIRES;
}

static int chk_auth_room_mismatch(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  size_t i;
  if(!auth_events_on(c) || !mxmi_edit(c, "auth_events.room_id"))
    return MXMI_NO;
  for(i = 0; i < c->ev->n_auth_events; i++) {
    const char *t, *s, *r;
    if(auth_event(c, i, &t, &s, &r, why) < 0)
      return MXMI_UNDECIDED;
    if(!r || !c->ev->room_id || strcmp(r, c->ev->room_id) != 0) {
      snprintf(why->where, sizeof(why->where), "/auth_events/%zu", i);
      return MXMI_FIRES;
    }
  }
  return MXMI_NO;
}

/* ------------------------------------------------------------------------ */
/* m.federate (rule 3, v12: 4)                                               */

static int chk_federate(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *create = c->create;
  (void)why;
  if(!create || create->u.create.federate || !mxmi_edit(c, "federate.rule"))
    return MXMI_NO;
  return strcmp(mxmi_domain(c->sender), mxmi_domain(create->sender)) != 0 ? MXMI_FIRES : MXMI_NO;
}

/* ------------------------------------------------------------------------ */
/* After the member block: every other event type                           */

static int chk_sender_not_joined(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return c->cur_sender != MXM_MEMBERSHIP_JOIN ? MXMI_FIRES : MXMI_NO;
}

static int chk_tpi_event_power(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_kind(c, MXM_EVENT_THIRD_PARTY_INVITE) &&
                 c->pl_sender >= mxm_state_level(c->st, "invite", c->opt->spec)
             ? MXMI_FIRES
             : MXMI_NO;
}

static int chk_tpi_event_any(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_kind(c, MXM_EVENT_THIRD_PARTY_INVITE) ? MXMI_FIRES : MXMI_NO;
}

/* 1 and *level set if key is in the sorted entries. */
static int pl_find(const struct mxm_pl_entry *e, size_t n, const char *key, int64_t *level)
{
  size_t lo = 0, hi = n;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = strcmp(e[mid].key, key);
    if(cmp == 0) {
      *level = e[mid].level;
      return 1;
    }
    if(cmp < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

/* The required power level of the event's type: events[type], else
 * state_default for state events, events_default otherwise. */
static int chk_event_power(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *pl = mxm_state_power_levels(c->st);
  int64_t required;
  if(!(pl && c->ev->type &&
       pl_find(pl->u.power_levels.events, pl->u.power_levels.n_events, c->ev->type, &required)))
    required = mxm_state_level(c->st, c->ev->state_key ? "state_default" : "events_default", c->opt->spec);
  strcpy(why->where, "/type");
  return required > c->pl_sender ? MXMI_FIRES : MXMI_NO;
}

static int chk_state_key_user(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const char *sk = c->ev->state_key;
  (void)why;
  return sk && sk[0] == '@' && strcmp(sk, c->sender) != 0 ? MXMI_FIRES : MXMI_NO;
}

static int is_pl(const struct mxmi_ctx *c)
{
  return is_kind(c, MXM_EVENT_POWER_LEVELS);
}

/* 10.1 (v10+: 9.1-9.3; v12: 10.1-10.3): value types for the room version
 * (event.c decides them into pl.valid) and users keys that are user IDs. */
static int chk_pl_types(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_power_levels *p = &c->ev->u.power_levels;
  size_t i;
  if(!is_pl(c))
    return MXMI_NO;
  if(!p->valid) {
    snprintf(why->where, sizeof(why->where), "%s", p->invalid_where);
    return MXMI_FIRES;
  }
  /* v1-v5 floats are defined only from spec v1.18 (edit pl.float_values).
   * Before it, rule 10.1 already required users values to be integers (or
   * integer strings), so a float there is rejected; a float anywhere else is
   * not covered by that release's text: cannot decide. */
  if(p->has_float && c->rv->float_pl && !mxmi_edit(c, "pl.float_values")) {
    snprintf(why->where, sizeof(why->where), "%s", p->float_where);
    if(strncmp(p->float_where, "/content/users/", 15) == 0)
      return MXMI_FIRES;
    mxm_error_set(why->err, MXM_E_UNDECIDABLE, p->float_where,
                  "cannot decide: spec %s does not define float power levels (the text exists from v1.18)",
                  mxm_spec_name(c->opt->spec));
    return MXMI_UNDECIDED;
  }
  for(i = 0; i < p->n_users; i++) {
    if(!mxm_user_id_valid(p->users[i].key, strlen(p->users[i].key))) {
      pointer_key(why->where, sizeof(why->where), "users", p->users[i].key);
      return MXMI_FIRES;
    }
  }
  return MXMI_NO;
}

/* v12 10.4: users names a room creator. */
static int chk_pl_creator_in_users(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_power_levels *p = &c->ev->u.power_levels;
  size_t i;
  if(!is_pl(c))
    return MXMI_NO;
  for(i = 0; i < p->n_users; i++) {
    if(mxm_state_is_v12_creator(c->st, p->users[i].key)) {
      pointer_key(why->where, sizeof(why->where), "users", p->users[i].key);
      return MXMI_FIRES;
    }
  }
  return MXMI_NO;
}

static int chk_pl_initial(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_pl(c) && !mxm_state_power_levels(c->st) ? MXMI_FIRES : MXMI_NO;
}

/* Level changes: users_default, events_default, state_default, ban, redact,
 * kick, invite added, changed or removed, with the old or new value above
 * the sender's level. */
static int chk_pl_level_change(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_power_levels *n, *o;
  const struct mxm_event *old_ev;
  size_t i;
  if(!is_pl(c) || !(old_ev = mxm_state_power_levels(c->st)))
    return MXMI_NO;
  n = &c->ev->u.power_levels;
  o = &old_ev->u.power_levels;
  {
    const struct {
      const char *name;
      int old_has, new_has;
      int64_t old_v, new_v;
    } lv[] = {
      {"users_default", o->has_users_default, n->has_users_default, o->users_default, n->users_default},
      {"events_default", o->has_events_default, n->has_events_default, o->events_default, n->events_default},
      {"state_default", o->has_state_default, n->has_state_default, o->state_default, n->state_default},
      {"ban", o->has_ban, n->has_ban, o->ban, n->ban},
      {"redact", o->has_redact, n->has_redact, o->redact, n->redact},
      {"kick", o->has_kick, n->has_kick, o->kick, n->kick},
      {"invite", o->has_invite, n->has_invite, o->invite, n->invite},
    };
    for(i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
      int changed = lv[i].old_has != lv[i].new_has || (lv[i].old_has && lv[i].old_v != lv[i].new_v);
      if(!changed)
        continue;
      if((lv[i].old_has && lv[i].old_v > c->pl_sender) || (lv[i].new_has && lv[i].new_v > c->pl_sender)) {
        snprintf(why->where, sizeof(why->where), "/content/%s", lv[i].name);
        return MXMI_FIRES;
      }
    }
  }
  return MXMI_NO;
}

/* One map (events or notifications): an entry changed or removed with old
 * value > PL(S), or added or changed with new value > PL(S). */
static int map_change(const struct mxmi_ctx *c, const char *name, const struct mxm_pl_entry *o, size_t no,
                      const struct mxm_pl_entry *n, size_t nn, struct mxmi_why *why)
{
  size_t i;
  int64_t v;
  for(i = 0; i < no; i++) {
    int kept = pl_find(n, nn, o[i].key, &v);
    if(kept && v == o[i].level)
      continue;
    if(o[i].level > c->pl_sender) {
      pointer_key(why->where, sizeof(why->where), name, o[i].key);
      return 1;
    }
  }
  for(i = 0; i < nn; i++) {
    int had = pl_find(o, no, n[i].key, &v);
    if(had && v == n[i].level)
      continue;
    if(n[i].level > c->pl_sender) {
      pointer_key(why->where, sizeof(why->where), name, n[i].key);
      return 1;
    }
  }
  return 0;
}

static int chk_pl_events_change(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *old_ev;
  const struct mxm_power_levels *n, *o;
  if(!is_pl(c) || !(old_ev = mxm_state_power_levels(c->st)))
    return MXMI_NO;
  n = &c->ev->u.power_levels;
  o = &old_ev->u.power_levels;
  if(map_change(c, "events", o->events, o->n_events, n->events, n->n_events, why))
    return MXMI_FIRES;
  if(rv_pl_notifications(c->rv) &&
     map_change(c, "notifications", o->notifications, o->n_notifications, n->notifications, n->n_notifications, why))
    return MXMI_FIRES;
  return MXMI_NO;
}

/* users entries other than the sender's own, changed or removed, with old
 * value >= PL(S) (v1.5+); before v1.5, changed at >=, removed at >. */
static int chk_pl_users_demote(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *old_ev;
  const struct mxm_power_levels *n, *o;
  int ge_for_removed;
  size_t i;
  if(!is_pl(c) || !(old_ev = mxm_state_power_levels(c->st)))
    return MXMI_NO;
  n = &c->ev->u.power_levels;
  o = &old_ev->u.power_levels;
  ge_for_removed = mxmi_edit(c, "pl.users_demote_equal");
  for(i = 0; i < o->n_users; i++) {
    int64_t v;
    int kept = pl_find(n->users, n->n_users, o->users[i].key, &v);
    int fires;
    if(strcmp(o->users[i].key, c->sender) == 0 || (kept && v == o->users[i].level))
      continue;
    if(kept || ge_for_removed)
      fires = o->users[i].level >= c->pl_sender;
    else
      fires = o->users[i].level > c->pl_sender;
    if(fires) {
      pointer_key(why->where, sizeof(why->where), "users", o->users[i].key);
      return MXMI_FIRES;
    }
  }
  return MXMI_NO;
}

/* users entries added or changed with new value > PL(S) (the sender's own too). */
static int chk_pl_users_raise(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *old_ev;
  const struct mxm_power_levels *n, *o;
  size_t i;
  if(!is_pl(c) || !(old_ev = mxm_state_power_levels(c->st)))
    return MXMI_NO;
  n = &c->ev->u.power_levels;
  o = &old_ev->u.power_levels;
  for(i = 0; i < n->n_users; i++) {
    int64_t v;
    if(pl_find(o->users, o->n_users, n->users[i].key, &v) && v == n->users[i].level)
      continue;
    if(n->users[i].level > c->pl_sender) {
      pointer_key(why->where, sizeof(why->where), "users", n->users[i].key);
      return MXMI_FIRES;
    }
  }
  return MXMI_NO;
}

static int chk_pl_any(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_pl(c) ? MXMI_FIRES : MXMI_NO;
}

static int chk_always(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)c;
  (void)why;
  return MXMI_FIRES;
}

/* ------------------------------------------------------------------------ */
/* The tables                                                                */

#define R MXM_REJECT
#define A MXM_ALLOW
#define ANY MXM_MEMBERSHIP_NONE
#define C_ALL(s) MXMI_CITE(s, s, s, s, s)
#define C_AE(s) MXMI_CITE("2." s, "2." s, "2." s, "2." s, "3." s)
/* Power-levels sub-rules: v1-v9 (rule 10 / 9) and v10-v11 (rule 9) and v12
 * (rule 10) number them differently; F8 spans v8-v11. */
#define C_PL(f1, f6, f8, f12) MXMI_CITE(f1, f6, f6, f8, f12)

/* Rule 1 (create) and v12 rule 2 (room ID): run for every event first. */
static const struct mxmi_row create_rows[] = {
  {"create.prev_events", ANY, MXMI_GATE_NONE, chk_create_prev_events, R, "/prev_events",
   "an m.room.create event must have no prev_events", C_ALL("1.1")},
  {"create.room_id_domain", ANY, MXMI_GATE_CREATE_DOMAIN, chk_create_room_id_domain, R, "/room_id",
   "the create event's room_id domain differs from its sender's domain", C_ALL("1.2")},
  {"create.has_room_id", ANY, MXMI_GATE_V12, chk_create_has_room_id, R, "/room_id",
   "a v12 create event must not have a room_id", C_ALL("1.2")},
  {"create.room_version", ANY, MXMI_GATE_NONE, chk_create_room_version, R, "/content/room_version",
   "content.room_version is not a recognised room version", C_ALL("1.3")},
  {"create.additional_creators", ANY, MXMI_GATE_V12, chk_create_additional_creators, R,
   "/content/additional_creators", "additional_creators is not an array of valid user IDs", C_ALL("1.4")},
  {"create.no_creator", ANY, MXMI_GATE_CREATE_CREATOR, chk_create_no_creator, R, "/content/creator",
   "the create event has no content.creator", C_ALL("1.4")},
  {"create.allow", ANY, MXMI_GATE_NONE, chk_create_any, A, "", "a well-formed create event", C_ALL("1.5")},
  {"room.not_create_id", ANY, MXMI_GATE_V12, chk_room_not_create_id, R, "/room_id",
   "room_id is not the ID of the room's accepted create event", C_ALL("2")},
};

/* Auth events (2, v12: 3) and m.federate (3, v12: 4): before the member block. */
static const struct mxmi_row ae_rows[] = {
  {"auth_events.duplicate", ANY, MXMI_GATE_NONE, chk_auth_duplicate, R, "/auth_events",
   "auth_events has two entries with the same type and state_key", C_AE("1")},
  {"auth_events.unexpected", ANY, MXMI_GATE_NONE, chk_auth_unexpected, R, "/auth_events",
   "auth_events has an entry the auth-events selection would not pick", C_AE("2")},
  {"auth_events.no_create", ANY, MXMI_GATE_AUTH_CREATE, chk_auth_no_create, R, "/auth_events",
   "auth_events has no m.room.create", C_AE("4")},
  {"auth_events.room_mismatch", ANY, MXMI_GATE_NONE, chk_auth_room_mismatch, R, "/auth_events",
   "an auth event belongs to another room", C_AE("5")},
  {"federate", ANY, MXMI_GATE_NONE, chk_federate, R, "/sender",
   "the room is not federated (m.federate false) and the sender's server is not the creator's",
   MXMI_CITE("3", "3", "3", "3", "4")},
};

/* After the member block (v1-v5: 6..12, v6-v11: 5..11, v12: 6..11). */
static const struct mxmi_row post_rows[] = {
  {"sender.not_joined", ANY, MXMI_GATE_NONE, chk_sender_not_joined, R, "/sender",
   "the sender is not joined to the room", MXMI_CITE("6", "5", "5", "5", "6")},
  {"third_party_invite.allow", ANY, MXMI_GATE_NONE, chk_tpi_event_power, A, "",
   "m.room.third_party_invite and the sender reaches the invite level", MXMI_CITE("7.1", "6.1", "6.1", "6.1", "7.1")},
  {"third_party_invite.insufficient_power", ANY, MXMI_GATE_NONE, chk_tpi_event_any, R, "",
   "m.room.third_party_invite needs the invite level", MXMI_CITE("7.1", "6.1", "6.1", "6.1", "7.1")},
  {"event.insufficient_power", ANY, MXMI_GATE_NONE, chk_event_power, R, "/type",
   "the event type's required power level is above the sender's", MXMI_CITE("8", "7", "7", "7", "8")},
  {"event.state_key_user", ANY, MXMI_GATE_NONE, chk_state_key_user, R, "/state_key",
   "a state_key starting with @ must be the sender", MXMI_CITE("9", "8", "8", "8", "9")},
  {"power_levels.types", ANY, MXMI_GATE_NONE, chk_pl_types, R, "/content",
   "a power level has the wrong type for the room version, or a users key is not a user ID",
   C_PL("10.1", "9.1", "9.1 (v10-v11: 9.1-9.3)", "10.1-10.3")},
  {"power_levels.creator_in_users", ANY, MXMI_GATE_V12, chk_pl_creator_in_users, R, "/content/users",
   "users names a room creator", C_PL("-", "-", "-", "10.4")},
  {"power_levels.initial", ANY, MXMI_GATE_NONE, chk_pl_initial, A, "", "the room's first power-levels event",
   C_PL("10.2", "9.2", "9.2 (v10-v11: 9.4)", "10.5")},
  {"power_levels.level_change", ANY, MXMI_GATE_NONE, chk_pl_level_change, R, "/content",
   "a level changed whose old or new value is above the sender's", C_PL("10.3", "9.3", "9.3 (v10-v11: 9.5)", "10.6")},
  {"power_levels.events_change", ANY, MXMI_GATE_NONE, chk_pl_events_change, R, "/content/events",
   "an events or notifications entry changed whose old or new value is above the sender's",
   C_PL("10.4", "9.4", "9.4 (v10-v11: 9.6-9.7)", "10.7-10.8")},
  {"power_levels.users_demote", ANY, MXMI_GATE_NONE, chk_pl_users_demote, R, "/content/users",
   "another user's entry changed or removed whose old value is not below the sender's",
   C_PL("10.5", "9.5", "9.5 (v10-v11: 9.8)", "10.9")},
  {"power_levels.users_raise", ANY, MXMI_GATE_NONE, chk_pl_users_raise, R, "/content/users",
   "a users entry set above the sender's level", C_PL("10.6", "9.6", "9.6 (v10-v11: 9.9)", "10.10")},
  {"power_levels.allow", ANY, MXMI_GATE_NONE, chk_pl_any, A, "", "the power-levels change is within the sender's power",
   C_PL("10.7", "9.7", "9.7 (v10-v11: 9.10)", "10.11 (printed as a second \"10.\")")},
  {"event.allow", ANY, MXMI_GATE_NONE, chk_always, A, "", "no rule rejects the event",
   MXMI_CITE("12 (v3-v5: 11)", "10", "10", "10", "11")},
};

#define N_ROWS(t) (sizeof(t) / sizeof((t)[0]))

const struct mxmi_row *mxmi_general_table(int which, size_t *n)
{
  switch(which) {
  case 0:
    *n = N_ROWS(create_rows);
    return create_rows;
  case 1:
    *n = N_ROWS(ae_rows);
    return ae_rows;
  case 2:
    *n = N_ROWS(post_rows);
    return post_rows;
  default:
    *n = 0;
    return NULL;
  }
}

enum mxm_status mxmi_auth_pre(struct mxmi_ctx *c, struct mxm_result *out, int *decided, struct mxm_error *err)
{
  enum mxm_status s;

  if(c->ev->n_auth_events > MXM_SPEC_MAX_AUTH_EVENTS && c->opt->check_auth_events)
    return mxm_error_set(err, MXM_E_MALFORMED, "/auth_events",
                         "auth_events has %zu entries; a PDU may list at most %d", c->ev->n_auth_events,
                         MXM_SPEC_MAX_AUTH_EVENTS);
  /* Rules 1 (create) and, v12, 2 (room ID). */
  s = mxmi_run_rows(create_rows, N_ROWS(create_rows), c, 0, out, decided, err);
  if(s != MXM_OK || *decided)
    return s;
  if(!c->create)
    return mxm_error_set(err, MXM_E_UNDECIDABLE, "",
                         "cannot decide: the state has no m.room.create event (the room does not exist)");
  /* Not modelled: see the file comment. */
  if(c->rv->aliases_rule && c->ev->type && strcmp(c->ev->type, "m.room.aliases") == 0)
    return mxm_error_set(err, MXM_E_UNSUPPORTED, "/type",
                         "the m.room.aliases rule of room versions 1-5 is not modelled by the reference");
  /* The redaction rule existed while event IDs carried the sending server's
   * domain (v1, v2), which the rule compares; it left with that format. */
  if(c->rv->event_id_format == MXM_EVENT_ID_SERVER && c->ev->type && strcmp(c->ev->type, "m.room.redaction") == 0)
    return mxm_error_set(err, MXM_E_UNSUPPORTED, "/type",
                         "the m.room.redaction rule of room versions 1-2 is not modelled by the reference");
  resolve_auth_events(c);
  return mxmi_run_rows(ae_rows, N_ROWS(ae_rows), c, 0, out, decided, err);
}

enum mxm_status mxmi_auth_post(const struct mxmi_ctx *c, struct mxm_result *out, struct mxm_error *err)
{
  int decided = 0;
  enum mxm_status s = mxmi_run_rows(post_rows, N_ROWS(post_rows), c, 0, out, &decided, err);
  if(s != MXM_OK)
    return s;
  if(!decided)
    return mxm_error_set(err, MXM_E_UNDECIDABLE, "", "internal: the general rule table did not decide");
  return MXM_OK;
}
