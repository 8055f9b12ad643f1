/*
 * fuzz/test_oracle.c: the independent decision procedure checked against
 * the behaviours a conformance suite should cover, each from the spec rule it names, so
 * that a differential finding points at the reference, not at the oracle.
 * Expectations come from the spec's auth-rule texts, never from running ref/.
 */
#include <stdio.h>
#include <string.h>

#include "oracle.h"

static int failures, checks;

/* A plain room: version v, current text, alice (creator) and bob joined,
 * carol/dave/erin absent, no power-levels event, join rule jr. */
static struct mxmf_case room(int v, enum mxmf_join_rule jr)
{
  struct mxmf_case c;
  memset(&c, 0, sizeof(c));
  c.room_version = v;
  c.spec = MXMF_SPEC_CURRENT;
  c.member[0] = MXMF_M_JOIN;
  c.member[1] = MXMF_M_JOIN;
  c.join_rule = jr;
  c.ev.authoriser = -1;
  return c;
}

static void ev(struct mxmf_case *c, int s, int t, enum mxmf_membership m)
{
  c->ev.sender = s;
  c->ev.target = t;
  c->ev.membership = m;
}

static void level(struct mxmf_level *l, int64_t v)
{
  l->present = 1;
  l->value = v;
  l->form = MXMF_PL_INT;
}

static void expect(int line, const struct mxmf_case *c, enum mxmo_verdict v, const char *rule)
{
  struct mxmo_answer a;
  char buf[2048];
  checks++;
  mxmo_decide(c, &a);
  if(a.verdict != v || (rule && (!a.rule || strcmp(a.rule, rule) != 0))) {
    failures++;
    printf("not ok %d - test_oracle.c:%d expected %d %s, got %d %s (%s)\n%s", checks, line, (int)v,
           rule ? rule : "(any)", (int)a.verdict, a.rule ? a.rule : "(any)", a.why, mxmf_case_describe(c, buf, sizeof(buf)));
  } else {
    printf("ok %d - test_oracle.c:%d %s\n", checks, line, rule ? rule : "(verdict only)");
  }
}
#define EXPECT(c, v, r) expect(__LINE__, &(c), (v), (r))

int main(void)
{
  struct mxmf_case c;

  /* 1. creator's first join in a bare room; S != T allowed too (8.5) */
  c = room(10, MXMF_JR_NO_EVENT);
  memset(c.member, 0, sizeof(c.member));
  c.bare = 1;
  ev(&c, 0, 0, MXMF_M_JOIN);
  EXPECT(c, MXMO_ALLOW, "member.join.creator");
  ev(&c, 1, 0, MXMF_M_JOIN);
  EXPECT(c, MXMO_ALLOW, "member.join.creator");
  /* 2. a non-creator as first member */
  ev(&c, 1, 1, MXMF_M_JOIN);
  EXPECT(c, MXMO_REJECT, "member.join.otherwise");
  /* a room with no event but the create is bare without the flag (found
   * by fuzz_differential: corpus/regressions/fuzz_differential/oracle-bare-room-first-join) */
  c = room(9, MXMF_JR_NO_EVENT);
  memset(c.member, 0, sizeof(c.member));
  ev(&c, 0, 0, MXMF_M_JOIN);
  EXPECT(c, MXMO_ALLOW, "member.join.creator");
  /* first join with prev=create in a non-bare room: ambiguous (8.5) */
  c = room(10, MXMF_JR_INVITE);
  ev(&c, 0, 0, MXMF_M_JOIN);
  c.ev.prev_create = 1;
  EXPECT(c, MXMO_EITHER, NULL);
  /* 3/4. shape and unknown membership; knock in v6 */
  c = room(6, MXMF_JR_PUBLIC);
  ev(&c, 2, 2, MXMF_M_ABSENT);
  EXPECT(c, MXMO_REJECT, "member.shape");
  ev(&c, 2, 2, MXMF_M_FOO);
  EXPECT(c, MXMO_REJECT, "member.unknown_membership");
  ev(&c, 2, 2, MXMF_M_KNOCK);
  EXPECT(c, MXMO_REJECT, "member.unknown_membership");
  /* 5. m.federate false, remote sender (rule in the v6 text from v1.14) */
  c = room(6, MXMF_JR_PUBLIC);
  c.no_federate = 1;
  ev(&c, 2, 2, MXMF_M_JOIN);
  EXPECT(c, MXMO_REJECT, "federate");
  c.spec = 13;
  EXPECT(c, MXMO_ALLOW, "member.join.public");
  /* 6-8. joins */
  c = room(9, MXMF_JR_PUBLIC);
  ev(&c, 1, 2, MXMF_M_JOIN);
  EXPECT(c, MXMO_REJECT, "member.join.not_self");
  c.member[2] = MXMF_M_BAN;
  ev(&c, 2, 2, MXMF_M_JOIN);
  EXPECT(c, MXMO_REJECT, "member.join.banned");
  c.member[2] = MXMF_M_KNOCK;
  EXPECT(c, MXMO_ALLOW, "member.join.public"); /* knock -> join (8.1) */
  /* 9. JR invite / knock */
  c = room(7, MXMF_JR_KNOCK);
  c.member[2] = MXMF_M_INVITE;
  ev(&c, 2, 2, MXMF_M_JOIN);
  EXPECT(c, MXMO_ALLOW, "member.join.invited");
  c.spec = 2; /* before v1.3 JR knock did not let invited users join */
  EXPECT(c, MXMO_REJECT, "member.join.otherwise");
  /* 10. a JR the version lacks */
  c = room(7, MXMF_JR_RESTRICTED);
  c.member[2] = MXMF_M_INVITE;
  ev(&c, 2, 2, MXMF_M_JOIN);
  EXPECT(c, MXMO_REJECT, "member.join.otherwise");
  /* 11. restricted */
  c = room(10, MXMF_JR_KNOCK_RESTRICTED);
  ev(&c, 2, 2, MXMF_M_JOIN);
  EXPECT(c, MXMO_REJECT, "member.join.restricted.unauthorised");
  c.ev.authoriser = 0;
  c.ev.auth_sig = MXMF_ASIG_RIGHT;
  EXPECT(c, MXMO_ALLOW, "member.join.restricted.allow");
  c.ev.auth_sig = MXMF_ASIG_WRONG;
  EXPECT(c, MXMO_REJECT, "member.authorised_via.signature");
  c.ev.auth_sig = MXMF_ASIG_RIGHT;
  c.ev.authoriser = 3; /* dave: not joined, PL 0 >= invite 0 */
  EXPECT(c, MXMO_REJECT, "member.join.restricted.authoriser_not_joined");
  c.spec = 16;
  EXPECT(c, MXMO_ALLOW, "member.join.restricted.allow");
  c.spec = 5; /* invite default 50 before v1.6: dave lacks power */
  EXPECT(c, MXMO_REJECT, "member.join.restricted.unauthorised");
  /* 12. authoriser key on a leave, wrong signature */
  c = room(8, MXMF_JR_INVITE);
  ev(&c, 1, 1, MXMF_M_LEAVE);
  c.ev.authoriser = 0;
  c.ev.auth_sig = MXMF_ASIG_NONE;
  EXPECT(c, MXMO_REJECT, "member.authorised_via.signature");
  c.room_version = 7; /* no rule 4.2 */
  EXPECT(c, MXMO_ALLOW, "member.leave.self.allow");
  /* 13-19. invites */
  c = room(10, MXMF_JR_INVITE);
  ev(&c, 2, 3, MXMF_M_INVITE);
  EXPECT(c, MXMO_REJECT, "member.invite.sender_not_joined");
  ev(&c, 1, 0, MXMF_M_INVITE);
  EXPECT(c, MXMO_REJECT, "member.invite.target_joined_or_banned");
  c.member[3] = MXMF_M_INVITE;
  ev(&c, 1, 3, MXMF_M_INVITE);
  EXPECT(c, MXMO_ALLOW, "member.invite.allow");
  c.power.present = 1;
  level(&c.power.invite, 10);
  level(&c.power.users[1], 10);
  EXPECT(c, MXMO_ALLOW, "member.invite.allow");
  c.power.users[1].value = 9;
  EXPECT(c, MXMO_REJECT, "member.invite.insufficient_power");
  /* 20. self-leave */
  c = room(7, MXMF_JR_KNOCK);
  c.member[2] = MXMF_M_KNOCK;
  ev(&c, 2, 2, MXMF_M_LEAVE);
  EXPECT(c, MXMO_ALLOW, "member.leave.self.allow");
  c.spec = 1;
  EXPECT(c, MXMO_REJECT, "member.leave.self.reject");
  c = room(7, MXMF_JR_KNOCK);
  c.member[2] = MXMF_M_BAN;
  ev(&c, 2, 2, MXMF_M_LEAVE);
  EXPECT(c, MXMO_REJECT, "member.leave.self.reject");
  ev(&c, 3, 3, MXMF_M_LEAVE);
  EXPECT(c, MXMO_REJECT, "member.leave.self.reject");
  /* 21. kick: equal power cannot; outsider kick allowed */
  c = room(10, MXMF_JR_INVITE);
  c.power.present = 1;
  level(&c.power.users[0], 100);
  level(&c.power.users[1], 100);
  ev(&c, 0, 1, MXMF_M_LEAVE);
  EXPECT(c, MXMO_REJECT, "member.leave.kick.insufficient_power");
  ev(&c, 0, 4, MXMF_M_LEAVE);
  EXPECT(c, MXMO_ALLOW, "member.leave.kick.allow");
  /* 22. unban needs ban and kick */
  c.member[4] = MXMF_M_BAN;
  level(&c.power.ban, 101);
  EXPECT(c, MXMO_REJECT, "member.leave.target_banned");
  level(&c.power.ban, 50);
  level(&c.power.kick, 101);
  EXPECT(c, MXMO_REJECT, "member.leave.kick.insufficient_power");
  c.power.kick.present = 0;
  EXPECT(c, MXMO_ALLOW, "member.leave.kick.allow");
  /* 23. ban: self-ban rejected, re-ban allowed, outsider allowed */
  ev(&c, 0, 0, MXMF_M_BAN);
  EXPECT(c, MXMO_REJECT, "member.ban.insufficient_power");
  ev(&c, 0, 4, MXMF_M_BAN);
  EXPECT(c, MXMO_ALLOW, "member.ban.allow");
  ev(&c, 2, 4, MXMF_M_BAN);
  EXPECT(c, MXMO_REJECT, "member.ban.sender_not_joined");
  /* 24. knock */
  c = room(10, MXMF_JR_KNOCK_RESTRICTED);
  ev(&c, 2, 2, MXMF_M_KNOCK);
  EXPECT(c, MXMO_ALLOW, "member.knock.allow");
  c.member[2] = MXMF_M_INVITE;
  EXPECT(c, MXMO_REJECT, "member.knock.current_membership");
  c.spec = 5;
  EXPECT(c, MXMO_ALLOW, "member.knock.allow");
  c.join_rule = MXMF_JR_PUBLIC;
  EXPECT(c, MXMO_REJECT, "member.knock.join_rule");
  c.join_rule = MXMF_JR_KNOCK;
  ev(&c, 1, 2, MXMF_M_KNOCK);
  EXPECT(c, MXMO_REJECT, "member.knock.not_self");
  /* 26. no PL event: creator 100, only the creator kicks */
  c = room(5, MXMF_JR_PUBLIC);
  ev(&c, 1, 0, MXMF_M_LEAVE);
  EXPECT(c, MXMO_REJECT, "member.leave.kick.insufficient_power");
  ev(&c, 0, 1, MXMF_M_LEAVE);
  EXPECT(c, MXMO_ALLOW, "member.leave.kick.allow");
  /* 27. string and float forms */
  c.power.present = 1;
  level(&c.power.users[0], 51);
  c.power.users[0].form = MXMF_PL_STRING;
  level(&c.power.users[1], 50);
  c.power.users[1].form = MXMF_PL_FLOAT;
  EXPECT(c, MXMO_ALLOW, "member.leave.kick.allow");
  c.room_version = 6;
  EXPECT(c, MXMO_STATE_INVALID, NULL);
  c.power.users[1].form = MXMF_PL_STRING;
  EXPECT(c, MXMO_ALLOW, "member.leave.kick.allow");
  c.room_version = 10;
  EXPECT(c, MXMO_STATE_INVALID, NULL);
  /* 28. v12 creators */
  c = room(12, MXMF_JR_PUBLIC);
  c.member[2] = MXMF_M_JOIN;
  c.additional_creators = 1u << 2;
  c.power.present = 1;
  level(&c.power.users[1], 100);
  ev(&c, 1, 2, MXMF_M_BAN);
  EXPECT(c, MXMO_REJECT, "member.ban.insufficient_power");
  ev(&c, 2, 1, MXMF_M_BAN);
  EXPECT(c, MXMO_ALLOW, "member.ban.allow");
  ev(&c, 0, 2, MXMF_M_BAN);
  EXPECT(c, MXMO_EITHER, NULL);
  ev(&c, 0, 0, MXMF_M_BAN);
  EXPECT(c, MXMO_REJECT, "member.ban.insufficient_power");
  /* 29. 3PID chain */
  c = room(10, MXMF_JR_INVITE);
  c.tokens[0].present = 1;
  c.tokens[0].sender = 1;
  c.tokens[0].public_key = MXMF_KEY_IS1;
  ev(&c, 1, 3, MXMF_M_INVITE);
  c.ev.tpi.present = 1;
  c.ev.tpi.mxid = 3;
  c.ev.tpi.token = 0;
  c.ev.tpi.signer = MXMF_KEY_IS1;
  EXPECT(c, MXMO_ALLOW, "member.invite.3pid.allow");
  c.ev.tpi.corrupt = 1;
  EXPECT(c, MXMO_REJECT, "member.invite.3pid.bad_signature");
  c.ev.tpi.corrupt = 0;
  c.ev.tpi.signer = MXMF_KEY_IS2;
  EXPECT(c, MXMO_REJECT, "member.invite.3pid.bad_signature");
  c.tokens[0].extra_key = MXMF_KEY_IS2;
  EXPECT(c, MXMO_ALLOW, "member.invite.3pid.allow");
  ev(&c, 0, 3, MXMF_M_INVITE);
  EXPECT(c, MXMO_REJECT, "member.invite.3pid.sender_mismatch");
  ev(&c, 1, 3, MXMF_M_INVITE);
  c.ev.tpi.token = MXMF_TOKENS;
  EXPECT(c, MXMO_REJECT, "member.invite.3pid.no_token_event");
  c.ev.tpi.token = 0;
  c.ev.tpi.mxid = 2;
  EXPECT(c, MXMO_REJECT, "member.invite.3pid.mxid_mismatch");
  c.ev.tpi.mxid = 1; /* 3PID join -> invite passes (8.4) */
  ev(&c, 1, 1, MXMF_M_INVITE);
  EXPECT(c, MXMO_ALLOW, "member.invite.3pid.allow");
  c.member[1] = MXMF_M_BAN;
  EXPECT(c, MXMO_REJECT, "member.invite.3pid.banned");

  printf("1..%d\n", checks);
  if(failures)
    printf("# %d of %d oracle checks failed\n", failures, checks);
  return failures ? 1 : 0;
}
