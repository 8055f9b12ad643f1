/*
 * fuzz/fuzz_room.c: structure-aware sequences through the room state
 * machine. The bytes decode into a starting room (as fuzz_auth) and then up
 * to MAX_STEPS steps by a handful of users: client-server API calls
 * (mxm_api_call, whose event is then applied), raw member events,
 * power-level changes and join-rule changes, all applied with
 * mxm_room_apply. The harness keeps its own model of the room (the
 * abstract case of fuzz/scenario.h, updated by each accepted step), and
 * the checks read levels and memberships from it, never from the library.
 * After every step:
 *   - the verdict and rule equal the independent oracle's (fuzz/oracle.c)
 *     on the model, for member events (raw and API-made), power-level and
 *     join-rule changes, allowed or rejected; cases the oracle leaves open
 *     are counted;
 *   - before it, the library's memberships, user levels and invite, kick
 *     and ban levels equal the model's (the oracle's power computation);
 *   - a rejected event changed nothing (memberships, levels, join rule);
 *   - an accepted member event set the target's membership, and its
 *     reported "from" is the membership before;
 *   - the library's classification agrees with the three eras' tables
 *     (r0.5-r0.6.1, v1.1-v1.2, v1.3+; fuzz/check.c's own copy), and a
 *     current "Must never happen." transition is accepted only for the
 *     documented contradictions;
 *   - a join for someone else is accepted only as the creator's first join,
 *     and kicks/bans/unbans only with the power the rules demand;
 *   - the API's own auth verdict on its event equals the room's;
 *   - the client view (mxm/client.h) of a witness fed the initial state and
 *     then each accepted event, in a /sync timeline as a server sends it,
 *     shows every user with the membership the room state holds.
 * The whole sequence is run twice on fresh rooms and must give the same
 * verdict, rule and acceptance at every step (the client view is kept in
 * the first run only: the second is there for determinism).
 *
 * Events are typed (fuzz/typed.c: no JSON text, no hashing), except the
 * API's own events, which the library writes as JSON and parses; the client
 * view is fed JSON trees of the typed events (mxmt_event_json: the fields a
 * /sync client reads; it is compared on memberships only).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "decode.h"
#include "typed.h"

#define H "fuzz_room"
#define MAX_STEPS 12

struct fingerprint {
  enum mxm_membership m[MXMF_USERS];
  int64_t pl[MXMF_USERS];
  int64_t invite, kick, ban;
  char join_rule[32];
  size_t members;
};

struct step_log {
  int n;
  enum mxm_verdict verdict[MAX_STEPS];
  const char *rule[MAX_STEPS];
  int accepted[MAX_STEPS];
};

static void fingerprint(const struct mxm_state *st, enum mxm_spec_release spec, struct fingerprint *f)
{
  const struct mxm_event *jr = mxm_state_join_rules(st);
  memset(f, 0, sizeof(*f));
  for(int u = 0; u < MXMF_USERS; u++) {
    f->m[u] = mxm_state_membership(st, mxmf_user_ids[u]);
    f->pl[u] = mxm_state_user_level(st, mxmf_user_ids[u]);
  }
  f->invite = mxm_state_level(st, "invite", spec);
  f->kick = mxm_state_level(st, "kick", spec);
  f->ban = mxm_state_level(st, "ban", spec);
  if(jr && jr->u.join_rules.join_rule)
    strncpy(f->join_rule, jr->u.join_rules.join_rule, sizeof(f->join_rule) - 1);
  f->members = mxm_state_member_count(st);
}

static int user_index(const char *id)
{
  for(int u = 0; id && u < MXMF_USERS; u++)
    if(strcmp(id, mxmf_user_ids[u]) == 0)
      return u;
  return -1;
}

static enum mxmf_membership from_lib(enum mxm_membership m)
{
  switch(m) {
  case MXM_MEMBERSHIP_NONE: return MXMF_M_NONE;
  case MXM_MEMBERSHIP_INVITE: return MXMF_M_INVITE;
  case MXM_MEMBERSHIP_JOIN: return MXMF_M_JOIN;
  case MXM_MEMBERSHIP_LEAVE: return MXMF_M_LEAVE;
  case MXM_MEMBERSHIP_BAN: return MXMF_M_BAN;
  case MXM_MEMBERSHIP_KNOCK: return MXMF_M_KNOCK;
  case MXM_MEMBERSHIP_UNKNOWN: break;
  }
  return MXMF_M_FOO;
}

/* What the checks need of a member event, kept before apply takes it. */
struct member_facts {
  int s, t;              /* user indices, -1 for another user (or no state_key) */
  enum mxm_membership membership;
  int tpi;               /* content.third_party_invite present */
  int prev_is_create;    /* prev_events = [the create] */
};

static void member_facts(const struct mxm_event *ev, const struct mxmt_room *rm, struct member_facts *f)
{
  f->s = user_index(ev->sender);
  f->t = ev->state_key ? user_index(ev->state_key) : -1;
  f->membership = ev->u.member.membership;
  f->tpi = ev->u.member.has_third_party_invite;
  f->prev_is_create =
      ev->n_prev_events == 1 && ev->prev_events[0] && strcmp(ev->prev_events[0], rm->create_id) == 0;
}

/* Invariants of one accepted member event, from the state before it. */
static void check_member_step(const struct mxmf_case *c, const struct mxmf_case *model, const char *what,
                              const struct member_facts *ev, const struct fingerprint *before,
                              const struct fingerprint *after, const struct mxm_apply_result *ar)
{
  char rtext[512];
  int s = ev->s, t = ev->t;
  enum mxmf_membership from, to;
  int self, tpi, prev_is_create;
  if(s < 0 || t < 0)
    return; /* only our five users are tracked */
  from = model->member[t];
  to = from_lib(ev->membership);
  self = s == t;
  tpi = ev->tpi;
  /* prev_events = [create]: some reading makes a join the creator's first
   * join (conformance/NOTES.md#creator-first-join; v11 v1.8-v1.12 text). */
  prev_is_create = ev->prev_is_create;
  if(to == MXMF_M_FOO)
    mxmf_finding(H, c, "%s: a member event with an unknown membership was accepted: %s", what,
                 mxmf_result_text(&ar->auth, rtext, sizeof(rtext)));
  if(after->m[t] != ev->membership)
    mxmf_finding(H, c, "%s: accepted %s but the target's membership is now %s", what,
                 mxm_membership_name(ev->membership), mxm_membership_name(after->m[t]));
  if(ar->from != before->m[t] || ar->to != ev->membership)
    mxmf_finding(H, c, "%s: apply reported %s -> %s, the state says %s -> %s", what, mxm_membership_name(ar->from),
                 mxm_membership_name(ar->to), mxm_membership_name(before->m[t]),
                 mxm_membership_name(ev->membership));
  mxmf_check_classification(H, c, what, from, to, ar->transition);
  if(mxmf_must_never_happen(from, to)) {
    if(from == MXMF_M_KNOCK && to == MXMF_M_JOIN)
      mxmf_stats.contradiction_knock_join++;
    else if(from == MXMF_M_JOIN && to == MXMF_M_INVITE && tpi)
      mxmf_stats.contradiction_3pid_join_invite++;
    else if(to == MXMF_M_JOIN && prev_is_create)
      mxmf_stats.ambiguous_first_join++; /* a first-join reading, conformance/NOTES.md#creator-first-join */
    else
      mxmf_finding(H, c, "%s: accepted %s -> %s, 'Must never happen.' in the current table: %s", what,
                   mxmf_membership_word(from), mxmf_membership_word(to), mxmf_result_text(&ar->auth, rtext, sizeof(rtext)));
  }
  if(to == MXMF_M_JOIN && !self && !(t == 0 && prev_is_create))
    mxmf_finding(H, c, "%s: a join for someone else (not the creator's first join) was accepted: %s", what,
                 mxmf_result_text(&ar->auth, rtext, sizeof(rtext)));
  if((to == MXMF_M_LEAVE || to == MXMF_M_BAN) && !self) { /* levels from the model (fuzz/oracle.c) */
    int64_t pl_s = mxmo_user_level(model, s), pl_t = mxmo_user_level(model, t);
    int64_t kick = mxmo_level(model, "kick"), ban = mxmo_level(model, "ban");
    int64_t need = to == MXMF_M_BAN ? ban : kick;
    int tie = mxmo_is_v12_creator(model, s) && mxmo_is_v12_creator(model, t); /* conformance/NOTES.md#v12-creators */
    if(model->member[s] != MXMF_M_JOIN || pl_s < need || (!(pl_t < pl_s) && !tie) ||
       (from == MXMF_M_BAN && to == MXMF_M_LEAVE && pl_s < ban))
      mxmf_finding(H, c, "%s: %s -> %s of another user accepted without the power (PL(S) %lld, PL(T) %lld, "
                   "kick %lld, ban %lld): %s", what, mxmf_membership_word(from), mxmf_membership_word(to),
                   (long long)pl_s, (long long)pl_t, (long long)kick, (long long)ban,
                   mxmf_result_text(&ar->auth, rtext, sizeof(rtext)));
  }
  if(to == MXMF_M_BAN && self)
    mxmf_finding(H, c, "%s: self-ban accepted: %s", what, mxmf_result_text(&ar->auth, rtext, sizeof(rtext)));
  if(to == MXMF_M_KNOCK && !mxmo_has_knock(c->room_version))
    mxmf_finding(H, c, "%s: knock accepted in room version %d", what, c->room_version);
}

/* The library's view before a step against the model's. */
static void check_model(const struct mxmf_case *c, const struct mxmf_case *model, const char *what,
                        const struct fingerprint *f)
{
  static const char *const names[3] = {"invite", "kick", "ban"};
  const int64_t lib[3] = {f->invite, f->kick, f->ban};
  for(int u = 0; u < MXMF_USERS; u++) {
    if(from_lib(f->m[u]) != model->member[u])
      mxmf_finding(H, c, "%s: before it, the room holds %s as %s, the model as %s", what, mxmf_user_ids[u],
                   mxm_membership_name(f->m[u]), mxmf_membership_word(model->member[u]));
    if(f->pl[u] != mxmo_user_level(model, u))
      mxmf_finding(H, c, "%s: before it, the library gives %s power level %lld, the oracle %lld", what,
                   mxmf_user_ids[u], (long long)f->pl[u], (long long)mxmo_user_level(model, u));
  }
  for(int i = 0; i < 3; i++)
    if(lib[i] != mxmo_level(model, names[i]))
      mxmf_finding(H, c, "%s: before it, the library's %s level is %lld, the oracle's %lld", what, names[i],
                   (long long)lib[i], (long long)mxmo_level(model, names[i]));
}

/* The step's verdict against the oracle's on the model (want NULL: not modelled). */
static void compare_oracle(const struct mxmf_case *c, const char *what, const struct mxmo_answer *want,
                           const struct mxm_result *got)
{
  char b1[512];
  if(!want)
    return;
  if(want->verdict == MXMO_EITHER || want->verdict == MXMO_STATE_INVALID) {
    mxmf_stats.room_oracle_either++;
    return;
  }
  mxmf_stats.room_oracle++;
  if(got->verdict != (want->verdict == MXMO_ALLOW ? MXM_ALLOW : MXM_REJECT) ||
     (want->rule && (!got->rule_id || strcmp(want->rule, got->rule_id) != 0)))
    mxmf_finding(H, c, "%s: the room and the oracle's model disagree\n  library: %s\n  oracle:  %s by %s (%s)", what,
                 mxmf_result_text(got, b1, sizeof(b1)), want->verdict == MXMO_ALLOW ? "allow" : "reject",
                 want->rule ? want->rule : "(any rule)", want->why);
}

/* Apply ev (taken) to the room and check the step; when accepted, rm
 * advances to it. Returns 1 if the event was accepted. */
static int apply_step(const struct mxmf_case *c, const struct mxmf_case *model, const struct mxmo_answer *want,
                      struct mxm_room *room, struct mxmt_room *rm, const struct mxm_auth_options *opt,
                      struct mxm_event *ev, const char *what, const struct mxm_api_result *api, struct step_log *log)
{
  struct fingerprint before, after;
  struct mxm_apply_result ar;
  struct mxm_error err;
  struct member_facts facts = {-1, -1, MXM_MEMBERSHIP_NONE, 0, 0};
  int is_member = ev->kind == MXM_EVENT_MEMBER && ev->state_key != NULL;
  int64_t depth = ev->depth;
  char id[MXM_EVENT_ID_MAX], b1[512], b2[512];

  /* Keep what the checks read of the event: apply takes it. */
  if(is_member)
    member_facts(ev, rm, &facts);
  mxm_error_clear(&err);
  if(mxmt_give_id(rm, ev, &err) != MXM_OK) { /* no hashing when the state keeps it */
    mxm_event_free(&ev);
    return 0;
  }
  snprintf(id, sizeof(id), "%s", mxm_event_id(ev));
  fingerprint(mxm_room_state(room), opt->spec, &before);
  check_model(c, model, what, &before);
  memset(&ar, 0, sizeof(ar));
  if(mxm_room_apply(room, ev, &ar, &err) != MXM_OK) {
    if(err.status != MXM_E_UNDECIDABLE && err.status != MXM_E_UNSUPPORTED && err.status != MXM_E_NOMEM)
      mxmf_finding(H, c, "%s: mxm_room_apply could not decide a well-formed event: %s at '%s': %s", what,
                   mxm_status_name(err.status), err.where, err.message);
    return 0;
  }
  mxmf_stats.room_steps++;
  fingerprint(mxm_room_state(room), opt->spec, &after);
  if(log->n < MAX_STEPS) {
    log->verdict[log->n] = ar.auth.verdict;
    log->rule[log->n] = ar.auth.rule_id;
    log->accepted[log->n] = ar.accepted;
    log->n++;
  }
  if(ar.accepted != (ar.auth.verdict == MXM_ALLOW))
    mxmf_finding(H, c, "%s: accepted=%d with verdict %s", what, ar.accepted, mxmf_result_text(&ar.auth, b1, sizeof(b1)));
  compare_oracle(c, what, want, &ar.auth);
  if(api && api->has_auth && (api->auth.verdict != ar.auth.verdict || !api->auth.rule_id || !ar.auth.rule_id ||
                              strcmp(api->auth.rule_id, ar.auth.rule_id) != 0))
    mxmf_finding(H, c, "%s: the API's auth verdict on its own event differs from the room's: %s vs %s", what,
                 mxmf_result_text(&api->auth, b1, sizeof(b1)), mxmf_result_text(&ar.auth, b2, sizeof(b2)));
  if(!ar.accepted) {
    if(memcmp(&before, &after, sizeof(before)) != 0)
      mxmf_finding(H, c, "%s: a rejected event changed the state: %s", what, mxmf_result_text(&ar.auth, b1, sizeof(b1)));
  } else {
    mxmf_stats.room_accepted++;
    if(is_member)
      check_member_step(c, model, what, &facts, &before, &after, &ar);
    rm->depth = depth > rm->depth ? depth : rm->depth + 1; /* the next event's prev_events */
    snprintf(rm->last_id, sizeof(rm->last_id), "%s", id);
  }
  return ar.accepted;
}

/* The client view of a witness: the room as a /sync response sends it
 * (mxm/client.h), fed the initial state and then each accepted event. */
#define CLIENT_ROOM "!fuzz:example.org"

static struct mxm_client *client_start(struct mxm_json *const *views, size_t n_views, enum mxm_spec_release spec)
{
  struct mxm_client *cv = NULL;
  struct mxm_json *body = NULL, *events;
  char text[] = "{\"rooms\":{\"join\":{\"" CLIENT_ROOM "\":{\"state\":{\"events\":[]}}}}}";
  size_t i;
  if(mxm_client_new("@witness:example.org", spec, &cv) != MXM_OK ||
     mxm_json_parse(text, strlen(text), &body, NULL) != MXM_OK)
    goto fail;
  events = mxm_json_get_mut(mxm_json_get_mut(mxm_json_get_mut(mxm_json_get_mut(mxm_json_get_mut(body, "rooms"), "join"),
                                                                CLIENT_ROOM), "state"), "events");
  for(i = 0; i < n_views; i++)
    if(mxm_json_array_add(events, mxm_json_ref(views[i])) != MXM_OK)
      goto fail;
  if(mxm_client_apply_sync(cv, body, NULL, NULL) != MXM_OK)
    goto fail;
  mxm_json_free(&body);
  return cv;
fail:
  mxm_json_free(&body);
  mxm_client_free(&cv);
  return NULL;
}

/* Send ev (NULL: nothing was accepted) to the view, then compare it with st. */
static void client_step(const struct mxmf_case *c, struct mxm_client *cv, const char *what, const struct mxm_json *ev,
                        const struct mxm_state *st)
{
  char text[] = "{\"rooms\":{\"join\":{\"" CLIENT_ROOM "\":{\"timeline\":{\"events\":[]}}}}}";
  struct mxm_json *body = NULL;
  struct mxm_error err;
  if(!cv)
    return;
  if(ev) {
    if(mxm_json_parse(text, strlen(text), &body, NULL) != MXM_OK ||
       mxm_json_array_add(mxm_json_get_mut(mxm_json_get_mut(mxm_json_get_mut(mxm_json_get_mut(mxm_json_get_mut(
                              body, "rooms"), "join"), CLIENT_ROOM), "timeline"), "events"),
                          mxm_json_ref(ev)) != MXM_OK) {
      mxm_json_free(&body);
      return;
    }
    if(mxm_client_apply_sync(cv, body, NULL, &err) != MXM_OK && err.status != MXM_E_NOMEM)
      mxmf_finding(H, c, "%s: the client view refused a sync body: %s at '%s'", what, err.message, err.where);
    mxm_json_free(&body);
  }
  for(int u = 0; u < MXMF_USERS; u++) {
    enum mxm_membership seen = mxm_client_member(cv, CLIENT_ROOM, mxmf_user_ids[u]);
    enum mxm_membership held = mxm_state_membership(st, mxmf_user_ids[u]);
    if(seen != held)
      mxmf_finding(H, c, "%s: the client view shows %s as %s, the room state holds %s", what, mxmf_user_ids[u],
                   mxm_membership_name(seen), mxm_membership_name(held));
  }
}

/* Run the whole input once on a fresh room; log each step's outcome. With
 * with_client, a client view follows the room and is compared after every
 * step. */
static void run_sequence(const uint8_t *data, size_t size, int with_client, struct step_log *log)
{
  static const enum mxm_endpoint endpoints[7] = {MXM_API_INVITE, MXM_API_JOIN, MXM_API_LEAVE, MXM_API_KICK,
                                                 MXM_API_BAN,    MXM_API_UNBAN, MXM_API_KNOCK};
  struct mxmf_reader r;
  struct mxmf_case c;
  struct mxmo_answer oracle;
  struct mxmt_room rm;
  struct mxm_auth_options opt;
  struct mxm_room *room = NULL;
  struct mxm_error err;
  struct mxmf_case model; /* the room as the accepted steps left it, for the oracle */
  struct mxm_client *cv = NULL;
  struct mxm_json *views[MXMF_MAX_STATE_EVENTS];
  size_t n_views = 0;
  char vid[8];
  const struct mxm_room_version *rv;

  memset(log, 0, sizeof(*log));
  mxmf_reader_init(&r, data, size);
  mxmf_decode_case(&r, &c);
  mxmo_decide(&c, &oracle);
  if(oracle.verdict == MXMO_STATE_INVALID)
    return; /* fuzz_auth checks that such states are refused */
  mxm_auth_options_init(&opt);
  opt.spec = (enum mxm_spec_release)c.spec;
  snprintf(vid, sizeof(vid), "%d", c.room_version);
  if(!(rv = mxm_room_version_find(vid)) || mxm_room_new(rv, &opt, &room) != MXM_OK)
    return;
  if(mxmt_fill_state(&c, &rm, mxm_room_state_mut(room), with_client ? views : NULL, &n_views, &err) != MXM_OK)
    goto out;
  model = c;
  if(with_client)
    cv = client_start(views, n_views, opt.spec);

  /* The decoded case's own event is the first step. */
  for(int step = 0; step < MAX_STEPS; step++) {
    struct mxm_event *ev = NULL;
    struct mxm_api_result api;
    int have_api = 0, is_power = 0, jr_step = 0, member_step = 0;
    struct mxmf_power pending;
    enum mxmf_join_rule pending_jr = MXMF_JR_NO_EVENT;
    struct mxmo_answer want;
    int have_want = 0;
    char what[96];
    uint8_t b = step == 0 ? 1 : mxmf_byte(&r);
    if(step > 0 && mxmf_reader_done(&r))
      break;
    memset(&api, 0, sizeof(api));
    switch(b & 3u) {
    case 0: { /* an API call */
      struct mxm_api_call call;
      call.endpoint = endpoints[(b >> 2) % 7];
      call.caller = mxmf_user_ids[mxmf_byte(&r) % MXMF_USERS];
      call.target = mxmf_user_ids[mxmf_byte(&r) % MXMF_USERS];
      call.reason = NULL;
      snprintf(what, sizeof(what), "step %d (/%s by %s for %s)", step, mxm_endpoint_name(call.endpoint), call.caller,
               call.target);
      if(mxm_api_call(mxm_room_state(room), &call, &opt, &api, &err) != MXM_OK)
        break;
      have_api = 1; /* its event is the library's JSON, parsed */
      if(api.event && mxm_event_from_json(api.event, rv, &ev, &err) != MXM_OK && err.status == MXM_E_MALFORMED)
        mxmf_finding(H, &c, "%s: the API produced an event that does not parse: %s at '%s'", what, err.message,
                     err.where);
      break;
    }
    case 1: { /* a raw member event */
      struct mxmf_event e;
      if(step == 0)
        e = c.ev;
      else
        mxmf_decode_event(&r, &c, &e);
      snprintf(what, sizeof(what), "step %d (raw %s by %s for %s)", step, mxmf_membership_word(e.membership),
               mxmf_user_ids[e.sender], mxmf_user_ids[e.target]);
      if(mxmt_member_event(&rm, &e, &ev, &err) == MXM_OK) {
        struct mxmf_case mc = model;
        mc.ev = e;
        mxmo_decide(&mc, &want);
        have_want = 1;
      }
      break;
    }
    case 2: { /* change one user's power level */
      struct mxmf_power p = model.power;
      int sender = mxmf_byte(&r) % MXMF_USERS, u = mxmf_byte(&r) % MXMF_USERS;
      p.present = 1;
      mxmf_decode_level(&r, c.room_version, &p.users[u]);
      snprintf(what, sizeof(what), "step %d (power levels by %s, %s)", step, mxmf_user_ids[sender], mxmf_user_ids[u]);
      if(mxmt_power_event(&rm, &p, sender, &ev, &err) == MXM_OK) {
        pending = p; /* becomes the model's power only if accepted */
        is_power = 1;
        mxmo_decide_power(&model, sender, &p, &want);
        have_want = 1;
      }
      break;
    }
    default: { /* change the join rule */
      int sender = mxmf_byte(&r) % MXMF_USERS;
      enum mxmf_join_rule jr = (enum mxmf_join_rule)(1 + mxmf_byte(&r) % (MXMF_JR_COUNT - 1));
      snprintf(what, sizeof(what), "step %d (join rule %s by %s)", step, mxmf_join_rule_word(jr), mxmf_user_ids[sender]);
      if(mxmt_join_rules_event(&rm, jr, sender, &ev, &err) == MXM_OK) {
        pending_jr = jr;
        jr_step = 1;
        mxmo_decide_join_rules(&model, sender, &want);
        have_want = 1;
      }
      break;
    }
    }
    if(ev) {
      struct mxmf_event e;
      int accepted, s = -1, t = -1;
      /* The client view's copy, before apply takes the event. */
      struct mxm_json *view = cv ? (have_api ? mxm_json_ref(api.event) : mxmt_event_json(ev)) : NULL;
      enum mxm_membership to_lib = MXM_MEMBERSHIP_UNKNOWN;
      if(ev->kind == MXM_EVENT_MEMBER && ev->state_key) {
        s = user_index(ev->sender);
        t = user_index(ev->state_key);
        to_lib = ev->u.member.membership;
        member_step = s >= 0 && t >= 0 && to_lib != MXM_MEMBERSHIP_UNKNOWN;
      }
      /* An API event: the oracle decides it on the model as the abstract
       * event it is (no authoriser or third-party invite, prev_events and
       * auth_events empty); in a room with only the create, an empty
       * prev_events is no first join, which the abstract case cannot say. */
      if(have_api && member_step && !ev->u.member.join_authorised_via_users_server &&
         !ev->u.member.has_third_party_invite && !mxmo_room_is_bare(&model)) {
        struct mxmf_case mc = model;
        memset(&e, 0, sizeof(e));
        e.sender = s;
        e.target = t;
        e.membership = from_lib(ev->u.member.membership);
        e.authoriser = -1;
        mc.ev = e;
        mxmo_decide(&mc, &want);
        have_want = 1;
      }
      accepted = apply_step(&c, &model, have_want ? &want : NULL, room, &rm, &opt, ev, what, have_api ? &api : NULL,
                            log);
      /* The model follows the room's acceptance: where the oracle decided,
       * a disagreement has already stopped the run; where it left the step
       * open (counted), the room's answer is the only one there is. */
      if(accepted) {
        model.bare = 0;
        if(is_power) {
          model.power = pending;
          model.power.present = 1;
        } else if(jr_step) {
          model.join_rule = pending_jr;
        } else if(member_step) {
          model.member[t] = from_lib(to_lib);
        }
      }
      client_step(&c, cv, what, accepted ? view : NULL, mxm_room_state(room));
      mxm_json_free(&view);
    }
    if(have_api)
      mxm_api_result_clear(&api);
  }
out:
  for(size_t i = 0; i < n_views; i++)
    mxm_json_free(&views[i]);
  mxm_client_free(&cv);
  mxm_room_free(&room);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  mxmf_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct step_log a, b;
  mxmf_init();
  run_sequence(data, size, 1, &a);
  run_sequence(data, size, 0, &b);
  if(a.n != b.n)
    mxmf_finding(H, NULL, "the same sequence run twice took %d then %d steps", a.n, b.n);
  for(int i = 0; i < a.n; i++)
    if(a.verdict[i] != b.verdict[i] || a.accepted[i] != b.accepted[i] || !a.rule[i] || !b.rule[i] ||
       strcmp(a.rule[i], b.rule[i]) != 0)
      mxmf_finding(H, NULL, "the same sequence run twice differs at step %d: %s/%d then %s/%d", i,
                   a.rule[i] ? a.rule[i] : "?", a.accepted[i], b.rule[i] ? b.rule[i] : "?", b.accepted[i]);
  return 0;
}
