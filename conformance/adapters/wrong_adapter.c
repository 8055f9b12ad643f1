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
      else {
        fprintf(stderr, "wrong-adapter: unknown bug \"%s\" (self-ban, banned-join, pl-off-by-one)\n", b);
        return 2;
      }
    } else if(strcmp(argv[i], "--fault") == 0 && i + 1 < argc && p.n_faults < 16) {
      p.faults[p.n_faults++] = argv[++i];
    } else {
      fprintf(stderr, "usage: wrong-adapter [--bug self-ban|banned-join|pl-off-by-one]... "
                      "[--fault hang:TCID|die:TCID|garbage:TCID]...\n");
      return 2;
    }
  }
  mxm_json_deterministic();
  return mxmc_adapter_serve(stdin, stdout, "wrong-adapter (planted bugs; for tests only)", answer, &p);
}
