/*
 * fuzz/fuzz_auth.c: structure-aware invariant fuzzer of the member rules.
 *
 * Input bytes decode (fuzz/decode.c) into a room version, a spec release, a
 * room state and one m.room.member event; the case is written as JSON
 * events (fuzz/build.c) and fed to the library. Checked, for every input:
 *   - the invariants of fuzz/check.c (written from the spec text, not from the
 *     rule engine);
 *   - determinism: the same state twice, and a second state built afresh
 *     from the same events (the room below), give the same verdict and rule;
 *     the check leaves the state as it was;
 *   - the state machine agrees: mxm_room_apply gives the same verdict,
 *     changes the state exactly when it allows, and a rejected event changes
 *     nothing.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "decode.h"
#include "typed.h"

#define H "fuzz_auth"

struct snapshot {
  enum mxm_membership m[MXMF_USERS];
  int64_t pl[MXMF_USERS];
  size_t members;
};

static void snap(const struct mxm_state *st, struct snapshot *s)
{
  memset(s, 0, sizeof(*s));
  for(int u = 0; u < MXMF_USERS; u++) {
    s->m[u] = mxm_state_membership(st, mxmf_user_ids[u]);
    s->pl[u] = mxm_state_user_level(st, mxmf_user_ids[u]);
  }
  s->members = mxm_state_member_count(st);
}

static int same_result(const struct mxm_result *a, const struct mxm_result *b)
{
  return a->verdict == b->verdict && a->rule_id && b->rule_id && strcmp(a->rule_id, b->rule_id) == 0;
}

static void check_room_apply(const struct mxmf_case *c, const struct mxmf_run *run)
{
  struct mxmt_room rm;
  struct mxm_room *room = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_apply_result ar;
  struct mxm_error err;
  struct snapshot before, after;
  char b1[512], b2[512];

  memset(&ar, 0, sizeof(ar));
  if(mxm_room_new(run->rb.rv, &run->opt, &room) != MXM_OK)
    return;
  if(mxmt_fill_state(c, &rm, mxm_room_state_mut(room), NULL, NULL, &err) != MXM_OK ||
     mxmt_member_event(&rm, &c->ev, &ev, &err) != MXM_OK) {
    mxm_room_free(&room);
    return;
  }
  snap(mxm_room_state(room), &before);
  if(mxm_room_apply(room, ev, &ar, &err) != MXM_OK) /* takes ev */
    mxmf_finding(H, c, "mxm_room_apply could not decide what mxm_auth_check decided (%s): %s %s",
                 mxmf_result_text(&run->res, b1, sizeof(b1)), mxm_status_name(err.status), err.message);
  snap(mxm_room_state(room), &after);
  if(!same_result(&ar.auth, &run->res))
    mxmf_finding(H, c, "mxm_room_apply and mxm_auth_check disagree: %s vs %s", mxmf_result_text(&ar.auth, b1, sizeof(b1)),
                 mxmf_result_text(&run->res, b2, sizeof(b2)));
  if(ar.accepted != (ar.auth.verdict == MXM_ALLOW))
    mxmf_finding(H, c, "accepted=%d but the verdict is %s", ar.accepted, mxmf_result_text(&ar.auth, b1, sizeof(b1)));
  if(!ar.accepted && memcmp(&before, &after, sizeof(before)) != 0)
    mxmf_finding(H, c, "a rejected event changed the state (%s)", mxmf_result_text(&ar.auth, b1, sizeof(b1)));
  if(ar.accepted && ar.is_member && !c->ev.omit_state_key &&
     after.m[c->ev.target] != mxmf_to_lib_membership(c->ev.membership))
    mxmf_finding(H, c, "an accepted %s left the target's membership at %s", mxmf_membership_word(c->ev.membership),
                 mxm_membership_name(after.m[c->ev.target]));
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
  struct mxmf_reader r;
  struct mxmf_case c;
  struct mxmo_answer oracle;
  struct mxmf_run run;
  struct mxmt_room rm;
  struct mxm_result again;
  struct mxm_error err;
  struct snapshot s1, s2;
  char b1[512], b2[512];

  mxmf_init();
  mxmf_reader_init(&r, data, size);
  mxmf_decode_case(&r, &c);
  mxmo_decide(&c, &oracle); /* only for the validity of the state here */
  mxmt_run_case(&c, &run, &rm);
  if(!mxmf_expect_decided(H, &c, &oracle, &run)) {
    mxmf_run_free(&run);
    return 0;
  }
  mxmf_check_invariants(H, &c, &run.res);

  /* Determinism: the same state again ... */
  snap(run.st, &s1);
  if(mxm_auth_check(run.st, run.ev, &run.opt, &again, &err) != MXM_OK || !same_result(&again, &run.res))
    mxmf_finding(H, &c, "the same check twice gave different answers: %s then %s",
                 mxmf_result_text(&run.res, b1, sizeof(b1)), mxmf_result_text(&again, b2, sizeof(b2)));
  snap(run.st, &s2);
  if(memcmp(&s1, &s2, sizeof(s1)) != 0)
    mxmf_finding(H, &c, "mxm_auth_check changed the state it was given");
  /* ... and a state built afresh from the same events (check_room_apply). */
  check_room_apply(&c, &run);
  mxmf_run_free(&run);
  return 0;
}
