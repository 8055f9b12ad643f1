/*
 * wrong_adapter.c: wrong-adapter, a deliberately wrong implementation for the
 * runner's own tests: the reference with planted bugs, and adapter faults on
 * chosen cases. It proves that the runner catches and reports failures and
 * survives adapters that hang, die or print garbage.
 *
 *   wrong-adapter [--bug NAME]... [--fault KIND:TCID]...
 *
 * Bugs (auth requests only; each models a mistake real servers have made):
 *   self-ban       a member event with membership ban and sender == state_key
 *                  is allowed (rule member.ban.allow), whatever the state
 *   banned-join    bans are ignored on join: the sender's ban in the state is
 *                  read as leave before deciding
 *   pl-off-by-one  "PL(S) > level" instead of ">=": an invite, kick or ban the
 *                  reference allows with PL(S) exactly at the required level
 *                  is rejected (rule *.insufficient_power)
 * Client bugs (client requests; each a mistake real client libraries made):
 *   trust-stripped     a stripped m.room.member event about the user in
 *                      invite_state / knock_state is believed: the user's own
 *                      membership (and member entry) is its content.membership
 *   keep-invite-state  invite state is merged into the joined room and never
 *                      discarded: after the join, a room without m.room.name
 *                      keeps the invite's name, and stripped members stay
 *   hide-empty-invite  an invite whose invite_state has no events is not shown
 * Faults (on every request whose id names tcId TCID, "...#TCID@..."):
 *   hang:TCID      never answer (sleeps until killed)
 *   die:TCID       exit with status 3 without answering
 *   garbage:TCID   print a line that is not JSON
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

struct plan {
  int self_ban, banned_join, pl_off_by_one;
  int trust_stripped, keep_invite_state, hide_empty_invite;
  const char *faults[16]; /* "kind:tcid" */
  size_t n_faults;
};

/* 1 if the request id names tcId tc ("file#TC@v7"). */
static int id_has_tc(const struct mxm_json *req, const char *tc)
{
  const char *id = mxm_json_string(mxm_json_get(req, "id"));
  const char *hash = id ? strrchr(id, '#') : NULL;
  size_t n = strlen(tc);
  return hash && strncmp(hash + 1, tc, n) == 0 && hash[1 + n] == '@';
}

static void fault(const struct plan *p, const struct mxm_json *req)
{
  size_t i;
  for(i = 0; i < p->n_faults; i++) {
    const char *colon = strchr(p->faults[i], ':');
    if(!colon || !id_has_tc(req, colon + 1))
      continue;
    if(strncmp(p->faults[i], "hang:", 5) == 0) {
      for(;;)
        sleep(60);
    }
    if(strncmp(p->faults[i], "die:", 4) == 0)
      exit(3);
    if(strncmp(p->faults[i], "garbage:", 8) == 0) {
      fputs("<html>this is not a JSON line\n", stdout);
      fflush(stdout);
    }
  }
}

static const char *member_field(const struct mxm_json *ev, const char *key)
{
  return mxm_json_string(mxm_json_get(ev, key));
}

static struct mxm_json *verdict(const struct mxm_json *req, const char *v, const char *rule, const char *reason)
{
  struct mxm_json *r = mxm_json_new_object();
  if(!r || mxm_json_object_set(r, "id", mxm_json_copy(mxm_json_get(req, "id"))) != MXM_OK ||
     mxm_json_object_set(r, "verdict", mxm_json_new_string(v)) != MXM_OK ||
     mxm_json_object_set(r, "rule", mxm_json_new_string(rule)) != MXM_OK ||
     mxm_json_object_set(r, "reason", mxm_json_new_string(reason)) != MXM_OK)
    mxm_json_free(&r);
  return r;
}

/* The required level and the sender's level for the reference's allow rule,
 * from the request's state. 0 on success. */
static int levels(const struct mxm_json *req, const char *rule, int64_t *sender_pl, int64_t *required)
{
  const struct mxm_room_version *rv = mxm_room_version_find(member_field(req, "room_version"));
  const char *name = strcmp(rule, "member.invite.allow") == 0      ? "invite"
                     : strcmp(rule, "member.leave.kick.allow") == 0 ? "kick"
                     : strcmp(rule, "member.ban.allow") == 0        ? "ban"
                                                                    : NULL;
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  struct mxm_state *st = NULL;
  struct mxm_json *doc;
  struct mxm_error err;
  const char *sender = member_field(mxm_json_get(req, "event"), "sender");
  if(!rv || !name || !sender || mxm_state_new(rv, &st) != MXM_OK)
    return -1;
  if(member_field(req, "spec_release") && mxm_spec_parse(member_field(req, "spec_release"), &spec) != MXM_OK)
    spec = MXM_SPEC_CURRENT;
  doc = mxm_json_new_object();
  if(!doc || mxm_json_object_set(doc, "events", mxm_json_ref(mxm_json_get(req, "state"))) != MXM_OK ||
     mxm_state_load_json(st, doc, &err) != MXM_OK) {
    mxm_json_free(&doc);
    mxm_state_free(&st);
    return -1;
  }
  mxm_json_free(&doc);
  *sender_pl = mxm_state_user_level(st, sender);
  *required = mxm_state_level(st, name, spec);
  mxm_state_free(&st);
  return 0;
}

/* banned-join: the request with the sender's ban read as leave. */
static struct mxm_json *unban_sender(const struct mxm_json *req, const char *sender)
{
  struct mxm_json *copy = mxm_json_copy(req);
  struct mxm_json *state = copy ? mxm_json_get_mut(copy, "state") : NULL;
  size_t i;
  for(i = 0; state && i < mxm_json_array_len(state); i++) {
    struct mxm_json *ev = mxm_json_array_get_mut(state, i);
    struct mxm_json *content = mxm_json_get_mut(ev, "content");
    const char *type = member_field(ev, "type"), *sk = member_field(ev, "state_key");
    const char *m = member_field(content, "membership");
    if(type && sk && m && strcmp(type, "m.room.member") == 0 && strcmp(sk, sender) == 0 && strcmp(m, "ban") == 0 &&
       mxm_json_object_set(content, "membership", mxm_json_new_string("leave")) != MXM_OK) {
      mxm_json_free(&copy);
      return NULL;
    }
  }
  return copy;
}

/* ---- planted client bugs: the reference's views, edited ---- */

/* The stripped events of the user's room entry in a sync's invite or knock
 * section, or NULL. */
static const struct mxm_json *stripped_events(const struct mxm_json *entry, const char *section)
{
  return mxm_json_get(mxm_json_get(entry, strcmp(section, "invite") == 0 ? "invite_state" : "knock_state"), "events");
}

static int set_membership(struct mxm_json *obj, const char *m)
{
  return obj && mxm_json_object_set(obj, "membership", mxm_json_new_string(m)) == MXM_OK ? 0 : -1;
}

struct edit {
  const struct plan *p;
  const char *user, *section;
  struct mxm_json *rooms;      /* the view's rooms (mutable) */
  struct mxm_json *remembered; /* room -> {"name", "members"} from stripped state (keep-invite-state) */
};

static int edit_room(const char *room, size_t len, const struct mxm_json *entry, void *ctx)
{
  struct edit *e = ctx;
  const struct mxm_json *events = stripped_events(entry, e->section);
  struct mxm_json *view = mxm_json_get_mut(e->rooms, room);
  size_t i;
  (void)len;
  if(!view)
    return 0;
  if(e->p->hide_empty_invite && strcmp(e->section, "invite") == 0 && mxm_json_array_len(events) == 0) {
    mxm_json_object_del(e->rooms, room);
    return 0;
  }
  for(i = 0; i < mxm_json_array_len(events); i++) {
    const struct mxm_json *ev = mxm_json_array_get(events, i);
    const char *type = member_field(ev, "type"), *sk = member_field(ev, "state_key");
    const char *m = member_field(mxm_json_get(ev, "content"), "membership");
    if(e->p->trust_stripped && type && sk && m && strcmp(type, "m.room.member") == 0 && strcmp(sk, e->user) == 0 &&
       (set_membership(view, m) || set_membership(mxm_json_get_mut(mxm_json_get_mut(view, "members"), e->user), m)))
      return 1;
  }
  if(e->p->keep_invite_state) {
    struct mxm_json *keep = mxm_json_new_object();
    if(!keep || mxm_json_object_set(keep, "name", mxm_json_copy(mxm_json_get(view, "name"))) != MXM_OK ||
       mxm_json_object_set(keep, "members", mxm_json_copy(mxm_json_get(view, "members"))) != MXM_OK ||
       mxm_json_object_set(e->remembered, room, keep) != MXM_OK)
      return 1;
  }
  return 0;
}

/* keep-invite-state: stripped members the joined room lacks are kept. */
static int add_missing(const char *user, size_t len, const struct mxm_json *m, void *ctx)
{
  struct mxm_json *members = ctx;
  (void)len;
  if(mxm_json_get(members, user))
    return 0;
  return mxm_json_object_set(members, user, mxm_json_copy(m)) != MXM_OK;
}

/* keep-invite-state: a joined room shows what its invite state said. */
static int keep_cb(const char *room, size_t len, const struct mxm_json *kept, void *ctx)
{
  struct edit *e = ctx;
  struct mxm_json *view = mxm_json_get_mut(e->rooms, room);
  (void)len;
  if(!view || strcmp(member_field(view, "section") ? member_field(view, "section") : "", "join") != 0)
    return 0;
  if(mxm_json_type(mxm_json_get(view, "name")) == MXM_JSON_NULL && mxm_json_string(mxm_json_get(kept, "name")) &&
     mxm_json_object_set(view, "name", mxm_json_copy(mxm_json_get(kept, "name"))) != MXM_OK)
    return 1;
  return mxm_json_object_foreach(mxm_json_get(kept, "members"), add_missing, mxm_json_get_mut(view, "members"));
}

static struct mxm_json *client_bugs(const struct plan *p, const struct mxm_json *req, struct mxm_json *resp)
{
  static const char *const sections[] = {"invite", "knock"};
  const struct mxm_json *syncs = mxm_json_get(req, "syncs");
  struct mxm_json *views = mxm_json_get_mut(resp, "views");
  struct edit e = {p, member_field(req, "user_id"), NULL, NULL, mxm_json_new_object()};
  size_t i, k;
  for(i = 0; e.user && e.remembered && i < mxm_json_array_len(views); i++) {
    const struct mxm_json *rooms = mxm_json_get(mxm_json_array_get(syncs, i), "rooms");
    e.rooms = mxm_json_get_mut(mxm_json_array_get_mut(views, i), "rooms");
    for(k = 0; k < 2; k++) {
      e.section = sections[k];
      if(mxm_json_object_foreach(mxm_json_get(rooms, sections[k]), edit_room, &e))
        mxm_json_free(&resp);
    }
    if(resp && p->keep_invite_state && mxm_json_object_foreach(e.remembered, keep_cb, &e))
      mxm_json_free(&resp);
    if(!resp)
      break;
  }
  mxm_json_free(&e.remembered);
  return resp;
}

static struct mxm_json *answer(const struct mxm_json *req, void *ctx)
{
  const struct plan *p = ctx;
  const char *type = member_field(req, "type");
  const struct mxm_json *ev = mxm_json_get(req, "event");
  const char *sender = member_field(ev, "sender"), *sk = member_field(ev, "state_key");
  const char *membership = member_field(mxm_json_get(ev, "content"), "membership");
  int is_member = ev && member_field(ev, "type") && strcmp(member_field(ev, "type"), "m.room.member") == 0;
  struct mxm_json *resp;

  fault(p, req);
  if(type && strcmp(type, "client") == 0) {
    resp = mxmc_ref_answer(req);
    return resp && mxm_json_get(resp, "views") ? client_bugs(p, req, resp) : resp;
  }
  if(!type || strcmp(type, "auth") != 0 || !is_member || !sender || !sk || !membership)
    return mxmc_ref_answer(req);
  if(p->self_ban && strcmp(membership, "ban") == 0 && strcmp(sender, sk) == 0)
    return verdict(req, "allow", "member.ban.allow", "planted bug self-ban: users may ban themselves");
  if(p->banned_join && strcmp(membership, "join") == 0) {
    struct mxm_json *altered = unban_sender(req, sender);
    if(!altered)
      return NULL;
    resp = mxmc_ref_answer(altered);
    mxm_json_free(&altered);
    return resp;
  }
  resp = mxmc_ref_answer(req);
  if(p->pl_off_by_one && resp && member_field(resp, "rule")) {
    const char *rule = member_field(resp, "rule");
    int64_t spl = 0, need = 0;
    if(strcmp(member_field(resp, "verdict") ? member_field(resp, "verdict") : "", "allow") == 0 &&
       levels(req, rule, &spl, &need) == 0 && spl == need) {
      const char *bad = strcmp(rule, "member.invite.allow") == 0      ? "member.invite.insufficient_power"
                        : strcmp(rule, "member.leave.kick.allow") == 0 ? "member.leave.kick.insufficient_power"
                                                                       : "member.ban.insufficient_power";
      mxm_json_free(&resp);
      return verdict(req, "reject", bad, "planted bug pl-off-by-one: PL(S) > level instead of >=");
    }
  }
  return resp;
}

int main(int argc, char **argv)
{
  struct plan p;
  int i;
  memset(&p, 0, sizeof(p));
  for(i = 1; i < argc; i++) {
    if(strcmp(argv[i], "--bug") == 0 && i + 1 < argc) {
      const char *b = argv[++i];
      if(strcmp(b, "self-ban") == 0)
        p.self_ban = 1;
      else if(strcmp(b, "banned-join") == 0)
        p.banned_join = 1;
      else if(strcmp(b, "pl-off-by-one") == 0)
        p.pl_off_by_one = 1;
      else if(strcmp(b, "trust-stripped") == 0)
        p.trust_stripped = 1;
      else if(strcmp(b, "keep-invite-state") == 0)
        p.keep_invite_state = 1;
      else if(strcmp(b, "hide-empty-invite") == 0)
        p.hide_empty_invite = 1;
      else {
        fprintf(stderr, "wrong-adapter: unknown bug \"%s\" (self-ban, banned-join, pl-off-by-one, trust-stripped, "
                        "keep-invite-state, hide-empty-invite)\n", b);
        return 2;
      }
    } else if(strcmp(argv[i], "--fault") == 0 && i + 1 < argc && p.n_faults < 16) {
      p.faults[p.n_faults++] = argv[++i];
    } else {
      fprintf(stderr, "usage: wrong-adapter [--bug self-ban|banned-join|pl-off-by-one|trust-stripped|"
                      "keep-invite-state|hide-empty-invite]... "
                      "[--fault hang:TCID|die:TCID|garbage:TCID]...\n");
      return 2;
    }
  }
  mxm_json_deterministic();
  return mxmc_adapter_serve(stdin, stdout, "wrong-adapter (planted bugs; for tests only)", answer, &p);
}
