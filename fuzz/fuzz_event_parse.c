/*
 * fuzz/fuzz_event_parse.c: raw bytes -> mxm_event_parse, for parser
 * robustness (judged by coverage; semantic bugs are the structure-aware
 * harnesses' job). The first byte picks the room version, the rest is the
 * event. For every event that parses: canonical encoding succeeds in strict
 * mode (v6+ parsing already enforces canonical values), the encoding parses
 * again to the same typed event, and encoding that gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define H "fuzz_event_parse"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  mxmf_init();
  return 0;
}

static int str_eq(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static void compare(const struct mxm_event *a, const struct mxm_event *b, const char *canon)
{
  const char *what = NULL;
  if(a->kind != b->kind) what = "kind";
  else if(!str_eq(a->type, b->type)) what = "type";
  else if(!str_eq(a->sender, b->sender)) what = "sender";
  else if(!str_eq(a->state_key, b->state_key)) what = "state_key";
  else if(!str_eq(a->room_id, b->room_id)) what = "room_id";
  else if(!str_eq(a->event_id, b->event_id)) what = "event_id";
  else if(a->depth != b->depth) what = "depth";
  else if(a->n_prev_events != b->n_prev_events) what = "prev_events";
  else if(a->n_auth_events != b->n_auth_events) what = "auth_events";
  else if(!str_eq(a->prev_membership_raw, b->prev_membership_raw)) what = "prev_content membership";
  else if(a->kind == MXM_EVENT_MEMBER) {
    const struct mxm_member_content *x = &a->u.member, *y = &b->u.member;
    if(x->membership != y->membership || !str_eq(x->membership_raw, y->membership_raw) ||
       x->has_membership != y->has_membership || !str_eq(x->displayname, y->displayname) ||
       !str_eq(x->join_authorised_via_users_server, y->join_authorised_via_users_server) ||
       x->has_third_party_invite != y->has_third_party_invite)
      what = "member content";
  } else if(a->kind == MXM_EVENT_POWER_LEVELS) {
    const struct mxm_power_levels *x = &a->u.power_levels, *y = &b->u.power_levels;
    if(x->valid != y->valid || x->ban != y->ban || x->kick != y->kick || x->invite != y->invite ||
       x->users_default != y->users_default || x->n_users != y->n_users || x->n_events != y->n_events)
      what = "power levels";
    for(size_t i = 0; !what && i < x->n_users; i++)
      if(strcmp(x->users[i].key, y->users[i].key) != 0 || x->users[i].level != y->users[i].level)
        what = "power levels users";
  } else if(a->kind == MXM_EVENT_JOIN_RULES) {
    if(!str_eq(a->u.join_rules.join_rule, b->u.join_rules.join_rule))
      what = "join_rule";
  } else if(a->kind == MXM_EVENT_CREATE) {
    if(!str_eq(a->u.create.creator, b->u.create.creator) || a->u.create.federate != b->u.create.federate ||
       a->u.create.n_additional_creators != b->u.create.n_additional_creators)
      what = "create content";
  }
  if(what)
    mxmf_finding(H, NULL, "parse -> canonical -> parse changed the typed event's %s; canonical form:\n%s", what, canon);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const struct mxm_room_version *rv;
  struct mxm_event *ev = NULL, *ev2 = NULL;
  struct mxm_error err;
  char *c1 = NULL, *c2 = NULL;
  size_t l1 = 0, l2 = 0;
  char vid[4];
  enum mxm_canon_mode mode;

  mxmf_init();
  if(size < 1 || size > MXM_MAX_EVENT_BYTES + 1)
    return 0;
  snprintf(vid, sizeof(vid), "%d", 1 + data[0] % 12);
  rv = mxm_room_version_find(vid);
  if(!rv)
    return 0;
  if(mxm_event_parse((const char *)data + 1, size - 1, rv, &ev, &err) != MXM_OK)
    return 0;
  mode = mxm_canon_mode_for(rv);
  if(mxm_canonical_encode(ev->json, mode, &c1, &l1, &err) != MXM_OK) {
    if(mode == MXM_CANON_STRICT && err.status != MXM_E_NOMEM)
      mxmf_finding(H, NULL, "room version %s: an event that parsed has no strict canonical form: %s at %s", vid,
                   err.message, err.where);
    goto out;
  }
  if(mxm_event_parse(c1, l1, rv, &ev2, &err) != MXM_OK)
    mxmf_finding(H, NULL, "room version %s: the canonical form of a parsed event does not parse: %s at %s\n%s", vid,
                 err.message, err.where, c1);
  compare(ev, ev2, c1);
  if(mxm_canonical_encode(ev2->json, mode, &c2, &l2, &err) != MXM_OK || l1 != l2 || memcmp(c1, c2, l1) != 0)
    mxmf_finding(H, NULL, "room version %s: canonical encoding is not stable across a parse:\n%s\n%s", vid, c1,
                 c2 ? c2 : "(failed)");
out:
  free(c1);
  free(c2);
  mxm_event_free(&ev2);
  mxm_event_free(&ev);
  return 0;
}
