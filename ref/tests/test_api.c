/*
 * test_api.c: the client-server membership API layer. Each row runs one
 * endpoint call and checks the API answer (verdict, HTTP status, errcode),
 * the event it would send (membership, sender, state_key, reason) and the
 * auth verdict on that event, kept apart. Expectations: the endpoint
 * definitions (data/api/client-server/inviting.yaml, joining.yaml,
 * leaving.yaml, kicking.yaml, banning.yaml, knocking.yaml; conformance/NOTES.md#kick-of-an-outsider,
 * #leave-when-never-joined) and the auth rules.
 */
#include <stdio.h>
#include <string.h>

#include "auth_fixture.h"
#include "tap.h"

static const struct fx_state fx_room = {
  "alice", NULL, NULL, "alice=join mod=join carol=join bob=ban ivy=invite lea=leave", "public",
  "{\"ban\": 60, \"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50}}", NULL};
static const struct fx_state fx_knock = {"alice", NULL, NULL, "alice=join kim=knock", "knock", NULL, NULL};

struct arow {
  const char *name;
  unsigned versions;
  const struct fx_state *fx;
  enum mxm_endpoint endpoint;
  const char *caller, *target, *reason;
  enum mxm_api_verdict verdict;
  int http;
  const char *errcode;
  const char *membership; /* of the event; NULL = no event */
  enum mxm_verdict auth;  /* 0 = no auth verdict */
  const char *rule;
};

#define ALL FX_ALL
#define OK_ MXM_API_OK
#define REF MXM_API_REFUSED
#define UNS MXM_API_UNSPECIFIED
#define A MXM_ALLOW
#define R MXM_REJECT
#define FB "M_FORBIDDEN"

static const struct arow rows[] = {
  /* /invite */
  {"invite an outsider", ALL, &fx_room, MXM_API_INVITE, "alice", "zed", "welcome", OK_, 200, NULL, "invite", A,
   "member.invite.allow"},
  {"invite an invited user: 200, no new event (v1.4)", ALL, &fx_room, MXM_API_INVITE, "alice", "ivy", NULL, OK_, 200,
   NULL, NULL, 0, NULL},
  {"re-invite by a non-member: the ordinary 403", ALL, &fx_room, MXM_API_INVITE, "zed", "ivy", NULL, REF, 403, FB,
   "invite", R, "member.invite.sender_not_joined"},
  {"invite a joined user", ALL, &fx_room, MXM_API_INVITE, "alice", "carol", NULL, REF, 403, FB, "invite", R,
   "member.invite.target_joined_or_banned"},
  {"invite a banned user", ALL, &fx_room, MXM_API_INVITE, "alice", "bob", NULL, REF, 403, FB, "invite", R,
   "member.invite.target_joined_or_banned"},
  {"invite by a non-member", ALL, &fx_room, MXM_API_INVITE, "zed", "yan", NULL, REF, 403, FB, "invite", R,
   "member.invite.sender_not_joined"},
  /* /join */
  {"join a public room", ALL, &fx_room, MXM_API_JOIN, "zed", NULL, NULL, OK_, 200, NULL, "join", A,
   "member.join.public"},
  {"join while banned", ALL, &fx_room, MXM_API_JOIN, "bob", NULL, NULL, REF, 403, FB, "join", R, "member.join.banned"},
  /* /leave */
  {"leave when joined", ALL, &fx_room, MXM_API_LEAVE, "carol", NULL, "bye", OK_, 200, NULL, "leave", A,
   "member.leave.self.allow"},
  {"leave = reject an invite", ALL, &fx_room, MXM_API_LEAVE, "ivy", NULL, NULL, OK_, 200, NULL, "leave", A,
   "member.leave.self.allow"},
  {"leave when never in the room: unspecified (8.10)", ALL, &fx_room, MXM_API_LEAVE, "zed", NULL, NULL, UNS, 0, NULL,
   "leave", R, "member.leave.self.reject"},
  {"leave when already left: unspecified", ALL, &fx_room, MXM_API_LEAVE, "lea", NULL, NULL, UNS, 0, NULL, "leave", R,
   "member.leave.self.reject"},
  {"leave while banned: unspecified", ALL, &fx_room, MXM_API_LEAVE, "bob", NULL, NULL, UNS, 0, NULL, "leave", R,
   "member.leave.self.reject"},
  /* /kick */
  {"kick a member", ALL, &fx_room, MXM_API_KICK, "alice", "carol", "spam", OK_, 200, NULL, "leave", A,
   "member.leave.kick.allow"},
  {"kick an invited user (revoke)", ALL, &fx_room, MXM_API_KICK, "alice", "ivy", NULL, OK_, 200, NULL, "leave", A,
   "member.leave.kick.allow"},
  {"kick an outsider: API 403, auth allows", ALL, &fx_room, MXM_API_KICK, "alice", "zed", NULL, REF, 403, FB, "leave", A,
   "member.leave.kick.allow"},
  {"kick a user who left: API 403, auth allows", ALL, &fx_room, MXM_API_KICK, "alice", "lea", NULL, REF, 403, FB,
   "leave", A, "member.leave.kick.allow"},
  {"kick a banned user must not unban: API 403", ALL, &fx_room, MXM_API_KICK, "alice", "bob", NULL, REF, 403, FB,
   "leave", A, "member.leave.kick.allow"},
  {"kick without power", ALL, &fx_room, MXM_API_KICK, "carol", "mod", NULL, REF, 403, FB, "leave", R,
   "member.leave.kick.insufficient_power"},
  /* /ban, /unban */
  {"ban a member", ALL, &fx_room, MXM_API_BAN, "alice", "carol", "spam", OK_, 200, NULL, "ban", A, "member.ban.allow"},
  {"ban an outsider", ALL, &fx_room, MXM_API_BAN, "alice", "zed", NULL, OK_, 200, NULL, "ban", A, "member.ban.allow"},
  {"ban without power (mod 50 < ban 60)", ALL, &fx_room, MXM_API_BAN, "mod", "carol", NULL, REF, 403, FB, "ban", R,
   "member.ban.insufficient_power"},
  {"unban a banned user", ALL, &fx_room, MXM_API_UNBAN, "alice", "bob", NULL, OK_, 200, NULL, "leave", A,
   "member.leave.kick.allow"},
  {"unban a user who is not banned: API 403 (it would be a kick)", ALL, &fx_room, MXM_API_UNBAN, "alice", "carol", NULL,
   REF, 403, FB, "leave", A, "member.leave.kick.allow"},
  {"unban below the ban level", ALL, &fx_room, MXM_API_UNBAN, "mod", "bob", NULL, REF, 403, FB, "leave", R,
   "member.leave.target_banned"},
  /* /knock */
  {"knock where knocking is allowed", FX_VR(7, 12), &fx_knock, MXM_API_KNOCK, "zoe", NULL, NULL, OK_, 200, NULL,
   "knock", A, "member.knock.allow"},
  {"knock on a public room", FX_VR(7, 12), &fx_room, MXM_API_KNOCK, "zoe", NULL, NULL, REF, 403, FB, "knock", R,
   "member.knock.join_rule"},
  {"knock in a room version without knocking", FX_VR(1, 6), &fx_knock, MXM_API_KNOCK, "zoe", NULL, NULL, REF, 403, FB,
   "knock", R, "member.unknown_membership"},
  {"accept a knock with /invite", FX_VR(7, 12), &fx_knock, MXM_API_INVITE, "alice", "kim", NULL, OK_, 200, NULL,
   "invite", A, "member.invite.allow"},
};

static void run_row(const struct arow *r, const char *vid)
{
  char name[200], caller[300], target[300], want_target[300];
  struct mxm_state *st = fx_build(vid, r->fx);
  struct mxm_api_call call;
  struct mxm_api_result res;
  struct mxm_error err;
  enum mxm_status s;

  snprintf(name, sizeof(name), "v%s %s", vid, r->name);
  if(!tap_check(st != NULL, name, "fixture"))
    return;
  fx_user(caller, sizeof(caller), r->caller);
  memset(&call, 0, sizeof(call));
  call.endpoint = r->endpoint;
  call.caller = caller;
  if(r->target) {
    fx_user(target, sizeof(target), r->target);
    call.target = target;
  }
  call.reason = r->reason;
  snprintf(want_target, sizeof(want_target), "%s", r->target ? target : caller);
  s = mxm_api_call(st, &call, NULL, &res, &err);
  if(tap_check(s == MXM_OK, name, "status %s: %s", mxm_status_name(s), err.message)) {
    tap_int_eq(name, r->verdict, res.verdict);
    tap_int_eq(name, r->http, res.http_status);
    tap_str_eq(name, r->errcode, res.errcode);
    tap_check(res.spec && res.spec[0] && res.reason && res.reason[0], name, "a verdict cites its spec statement");
    if(r->membership) {
      const struct mxm_json *content = mxm_json_get(res.event, "content");
      tap_check(res.event != NULL, name, "expected an event");
      tap_str_eq(name, r->membership, mxm_json_string(mxm_json_get(content, "membership")));
      tap_str_eq(name, caller, mxm_json_string(mxm_json_get(res.event, "sender")));
      tap_str_eq(name, want_target, mxm_json_string(mxm_json_get(res.event, "state_key")));
      tap_str_eq(name, r->reason, mxm_json_string(mxm_json_get(content, "reason")));
    } else {
      tap_check(res.event == NULL, name, "expected no event");
    }
    tap_int_eq(name, r->auth != 0, res.has_auth);
    if(r->auth && res.has_auth) {
      tap_str_eq(name, mxm_verdict_name(r->auth), mxm_verdict_name(res.auth.verdict));
      tap_str_eq(name, r->rule, res.auth.rule_id);
    }
  }
  mxm_api_result_clear(&res);
  mxm_api_result_clear(&res); /* idempotent */
  mxm_state_free(&st);
}

int main(void)
{
  size_t i;
  unsigned v;
  enum mxm_endpoint e;
  struct mxm_state *st;
  struct mxm_api_call call;
  struct mxm_api_result res;
  struct mxm_error err;

  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    for(v = 1; v <= 12; v++) {
      char vid[4];
      if(!(rows[i].versions & FX_V(v)))
        continue;
      snprintf(vid, sizeof(vid), "%u", v);
      run_row(&rows[i], vid);
    }
  }
  /* Names round-trip; bad arguments are usage errors, not verdicts. */
  for(e = MXM_API_INVITE; e <= MXM_API_KNOCK; e++) {
    enum mxm_endpoint back;
    tap_check(mxm_endpoint_parse(mxm_endpoint_name(e), &back) == MXM_OK && back == e, "endpoint name round-trip",
              "%s", mxm_endpoint_name(e));
  }
  tap_int_eq("unknown endpoint name", MXM_E_USAGE, mxm_endpoint_parse("redact", &e));
  st = fx_build("10", &fx_room);
  if(tap_check(st != NULL, "usage fixture", "state")) {
    memset(&call, 0, sizeof(call));
    call.endpoint = MXM_API_KICK;
    call.caller = "@alice:example.org";
    tap_int_eq("kick without a target", MXM_E_USAGE, mxm_api_call(st, &call, NULL, &res, &err));
    tap_check(res.event == NULL, "no event after a usage error", "event left behind");
    call.target = "not-a-user";
    tap_int_eq("kick of an invalid user ID", MXM_E_USAGE, mxm_api_call(st, &call, NULL, &res, &err));
    call.caller = "alice";
    call.target = "@carol:example.org";
    tap_int_eq("invalid caller", MXM_E_USAGE, mxm_api_call(st, &call, NULL, &res, &err));
    call.caller = "@alice:example.org";
    call.endpoint = (enum mxm_endpoint)42;
    tap_int_eq("endpoint out of range", MXM_E_USAGE, mxm_api_call(st, &call, NULL, &res, &err));
    mxm_state_free(&st);
  }
  return tap_done();
}
