/*
 * test_room.c: the room state machine. Stories replayed step by step through
 * mxm_room_apply: each step's expected verdict, rule, whether the state
 * changed, the target's membership afterwards and the transition outcome
 * (v1.3 table, and r0 where it differs). A rejected or undecidable event
 * must change nothing: the test compares the target's membership, member
 * event ID and the member count before and after.
 */
#include <stdio.h>
#include <string.h>

#include "auth_fixture.h"
#include "tap.h"

struct step {
  const char *type;      /* NULL: m.room.member */
  const char *sender;
  const char *state_key; /* NULL: sender (member events); "!" + literal for others */
  const char *content;
  int prev_create;
  enum mxm_status status; /* expected status; verdict fields apply when MXM_OK */
  enum mxm_verdict verdict;
  const char *rule;
  const char *outcome_v13; /* NULL: not a member event / not classified */
  const char *outcome_r0;  /* NULL: same as v1.3 */
  const char *content_v12; /* content in v12 rooms, where creators must not be in users; NULL: same */
  const char *extra_top;   /* extra top-level members (", \"signatures\": ..."), or NULL */
};

#define M(m) "{\"membership\": \"" m "\"}"
#define A MXM_ALLOW
#define R MXM_REJECT
#define OK MXM_OK

/* A room built from nothing, room version 10. */
static const struct step story_basic[] = {
  {NULL, "alice", NULL, M("join"), 1, OK, A, "member.join.creator", "joined", NULL, NULL, NULL},
  {"m.room.power_levels", "alice", "!", "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50}}", 0, OK,
   A, "power_levels.initial", NULL, NULL, "{\"users\": {\"@mod:example.org\": 50}}", NULL},
  {"m.room.join_rules", "alice", "!", "{\"join_rule\": \"invite\"}", 0, OK, A, "event.allow", NULL, NULL, NULL, NULL},
  {NULL, "bob", NULL, M("join"), 0, OK, R, "member.join.otherwise", "joined", NULL, NULL, NULL},
  {NULL, "alice", "bob", M("invite"), 0, OK, A, "member.invite.allow", "invited", NULL, NULL, NULL},
  {NULL, "alice", "bob", M("invite"), 0, OK, A, "member.invite.allow", "no_change", NULL, NULL, NULL},
  {NULL, "bob", NULL, M("join"), 0, OK, A, "member.join.invited", "joined_room", NULL, NULL, NULL},
  {NULL, "bob", NULL, "{\"membership\": \"join\", \"displayname\": \"Bob\"}", 0, OK, A, "member.join.invited",
   "profile_changed", NULL, NULL, NULL},
  {NULL, "bob", NULL, "{\"membership\": \"join\", \"displayname\": \"Bob\"}", 0, OK, A, "member.join.invited",
   "profile_unchanged", NULL, NULL, NULL},
  {NULL, "bob", NULL, M("leave"), 0, OK, A, "member.leave.self.allow", "left", NULL, NULL, NULL},
  {NULL, "bob", NULL, M("join"), 0, OK, R, "member.join.otherwise", "joined", NULL, NULL, NULL},
  {NULL, "alice", "bob", M("ban"), 0, OK, A, "member.ban.allow", "banned", NULL, NULL, NULL},
  {NULL, "alice", "bob", M("invite"), 0, OK, R, "member.invite.target_joined_or_banned", "must_never_happen", NULL, NULL, NULL},
  {NULL, "bob", NULL, M("leave"), 0, OK, R, "member.leave.self.reject", "unbanned", NULL, NULL, NULL},
  {"m.room.message", "bob", NULL, "{\"body\": \"let me in\"}", 0, OK, R, "sender.not_joined", NULL, NULL, NULL, NULL},
  {NULL, "alice", "bob", M("leave"), 0, OK, A, "member.leave.kick.allow", "unbanned", NULL, NULL, NULL},
  {NULL, "alice", "bob", M("invite"), 0, OK, A, "member.invite.allow", "invited", NULL, NULL, NULL},
  {NULL, "alice", "bob", M("leave"), 0, OK, A, "member.leave.kick.allow", "invite_revoked", NULL, NULL, NULL},
  {NULL, "alice", "carol", M("invite"), 0, OK, A, "member.invite.allow", "invited", NULL, NULL, NULL},
  {NULL, "carol", NULL, M("leave"), 0, OK, A, "member.leave.self.allow", "invite_rejected", NULL, NULL, NULL},
  {NULL, "alice", "carol", M("invite"), 0, OK, A, "member.invite.allow", "invited", NULL, NULL, NULL},
  {NULL, "carol", NULL, M("join"), 0, OK, A, "member.join.invited", "joined_room", NULL, NULL, NULL},
  {NULL, "mod", "carol", M("leave"), 0, OK, R, "member.leave.sender_not_joined", "kicked", NULL, NULL, NULL},
  {NULL, "alice", "carol", M("ban"), 0, OK, A, "member.ban.allow", "kicked_and_banned", NULL, NULL, NULL},
  {"m.room.message", "alice", NULL, "{\"body\": \"done\"}", 0, OK, A, "event.allow", NULL, NULL, NULL, NULL},
};

/* Rule 4.2 (v8+): an unsigned event naming an authoriser is rejected; one
 * signed under a key the state does not have cannot be decided, and nothing
 * changes; then the same join without the key is decided. */
static const struct step story_undecidable[] = {
  {NULL, "alice", NULL, M("join"), 1, OK, A, "member.join.creator", "joined", NULL, NULL, NULL},
  {"m.room.join_rules", "alice", "!", "{\"join_rule\": \"restricted\"}", 0, OK, A, "event.allow", NULL, NULL, NULL, NULL},
  {NULL, "dan", NULL, "{\"membership\": \"join\", \"join_authorised_via_users_server\": \"@alice:example.org\"}", 0,
   OK, R, "member.authorised_via.signature", "joined", NULL, NULL, NULL},
  {NULL, "dan", NULL, "{\"membership\": \"join\", \"join_authorised_via_users_server\": \"@alice:example.org\"}", 0,
   MXM_E_UNDECIDABLE, 0, NULL, NULL, NULL, NULL, ", \"signatures\": {\"example.org\": {\"ed25519:1\": \"AAAA\"}}"},
  {NULL, "dan", NULL, M("join"), 0, OK, R, "member.join.restricted.unauthorised", "joined", NULL, NULL, NULL},
};

/* Knocking, room version 7: the knock column and row, and r0's "Not implemented." */
static const struct step story_knock[] = {
  {NULL, "alice", NULL, M("join"), 1, OK, A, "member.join.creator", "joined", NULL, NULL, NULL},
  {"m.room.join_rules", "alice", "!", "{\"join_rule\": \"knock\"}", 0, OK, A, "event.allow", NULL, NULL, NULL, NULL},
  {NULL, "kim", NULL, M("knock"), 0, OK, A, "member.knock.allow", "knocking", "not_implemented", NULL, NULL},
  {NULL, "kim", NULL, M("knock"), 0, OK, A, "member.knock.allow", "no_change", "not_implemented", NULL, NULL},
  {NULL, "kim", NULL, M("leave"), 0, OK, A, "member.leave.self.allow", "knock_retracted", "not_implemented", NULL, NULL},
  {NULL, "kim", NULL, M("knock"), 0, OK, A, "member.knock.allow", "knocking", "not_implemented", NULL, NULL},
  {NULL, "alice", "kim", M("leave"), 0, OK, A, "member.leave.kick.allow", "knock_denied", "not_implemented", NULL, NULL},
  {NULL, "kim", NULL, M("knock"), 0, OK, A, "member.knock.allow", "knocking", "not_implemented", NULL, NULL},
  {NULL, "alice", "kim", M("invite"), 0, OK, A, "member.invite.allow", "knock_accepted", "not_implemented", NULL, NULL},
  {NULL, "kim", NULL, M("knock"), 0, OK, R, "member.knock.current_membership", "re_knocking", "not_implemented", NULL, NULL},
  {NULL, "kim", NULL, M("join"), 0, OK, A, "member.join.invited", "joined_room", NULL, NULL, NULL},
  {NULL, "kim", NULL, M("knock"), 0, OK, R, "member.knock.current_membership", "must_never_happen",
   "not_implemented", NULL, NULL},
};

static void run_story(const char *label, const char *vid, const struct step *steps, size_t n)
{
  const struct mxm_room_version *rv = mxm_room_version_find(vid);
  struct mxm_room *room = NULL;
  struct mxm_error err;
  char create[512];
  struct mxm_event *ev = NULL;
  struct mxm_apply_result ar;
  size_t i;

  if(!tap_int_eq(label, MXM_OK, mxm_room_new(rv, NULL, &room)))
    return;
  /* v12: no room_id (the room ID is the create event's hash), no creator. */
  snprintf(create, sizeof(create),
           "{\"type\": \"m.room.create\", \"sender\": \"@alice:example.org\", \"state_key\": \"\", %s"
           "\"content\": {%s\"room_version\": \"%s\"}, \"prev_events\": [], \"auth_events\": [], \"depth\": 1}",
           rv->creators_v12 ? "" : "\"room_id\": \"!r:example.org\", \"event_id\": \"$create:example.org\", ",
           rv->creators_v12 ? "" : "\"creator\": \"@alice:example.org\", ", vid);
  if(tap_int_eq(label, MXM_OK, mxm_event_parse(create, strlen(create), rv, &ev, &err)) &&
     tap_int_eq(label, MXM_OK, mxm_room_apply(room, ev, &ar, &err))) {
    tap_str_eq(label, "create.allow", ar.auth.rule_id);
    tap_int_eq(label, 1, ar.accepted);
  }
  for(i = 0; i < n; i++) {
    const struct step *s = &steps[i];
    const struct mxm_state *st = mxm_room_state(room);
    char name[160], target[300];
    const char *type = s->type ? s->type : "m.room.member";
    const char *sk = s->state_key ? s->state_key : (s->type ? NULL : s->sender);
    enum mxm_membership before = MXM_MEMBERSHIP_NONE, after;
    const char *id_before = NULL;
    char id_copy[128] = "";
    size_t count_before = mxm_state_member_count(st);
    enum mxm_status status;

    snprintf(name, sizeof(name), "%s v%s step %zu (%s %s)", label, vid, i + 1, s->sender, type);
    ev = fx_parse_event(st, type, s->sender, sk, rv->creators_v12 && s->content_v12 ? s->content_v12 : s->content,
                        s->prev_create, s->extra_top);
    if(!tap_check(ev != NULL, name, "event did not parse"))
      continue;
    target[0] = '\0';
    if(!s->type) {
      fx_user(target, sizeof(target), sk);
      before = mxm_state_membership(st, target);
      id_before = mxm_state_member_event_id(st, target);
      snprintf(id_copy, sizeof(id_copy), "%s", id_before ? id_before : "");
    }
    memset(&ar, 0, sizeof(ar));
    status = mxm_room_apply(room, ev, &ar, &err); /* takes ev */
    st = mxm_room_state(room);
    if(!tap_int_eq(name, s->status, status))
      continue;
    if(status != MXM_OK || ar.auth.verdict != MXM_ALLOW) {
      /* nothing changed */
      tap_int_eq(name, (int64_t)count_before, (int64_t)mxm_state_member_count(st));
      if(target[0]) {
        const char *id_after = mxm_state_member_event_id(st, target);
        tap_int_eq(name, before, mxm_state_membership(st, target));
        tap_str_eq(name, id_copy[0] ? id_copy : NULL, id_after);
      }
      if(status == MXM_OK)
        tap_int_eq(name, 0, ar.accepted);
      else
        tap_check(strstr(err.message, "cannot decide") != NULL, name, "message: %s", err.message);
      if(status != MXM_OK)
        continue;
    } else {
      tap_int_eq(name, 1, ar.accepted);
    }
    tap_str_eq(name, s->rule, ar.auth.rule_id);
    tap_str_eq(name, mxm_verdict_name(s->verdict), mxm_verdict_name(ar.auth.verdict));
    if(s->outcome_v13) {
      tap_int_eq(name, 1, ar.is_member);
      tap_str_eq(name, s->outcome_v13, ar.transition[MXM_ERA_V1_3].outcome);
      tap_str_eq(name, s->outcome_r0 ? s->outcome_r0 : s->outcome_v13, ar.transition[MXM_ERA_R0].outcome);
      tap_int_eq(name, before, ar.from);
    }
    if(target[0] && ar.accepted) {
      after = mxm_state_membership(st, target);
      tap_str_eq(name, mxm_membership_name(ar.to), mxm_membership_name(after));
    }
  }
  mxm_room_free(&room);
  mxm_room_free(&room); /* NULL-safe, idempotent */
}

int main(void)
{
  static const char *versions[] = {"1", "6", "10", "12"};
  size_t i;
  struct mxm_apply_result ar;
  struct mxm_error err;
  for(i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
    run_story("basic", versions[i], story_basic, sizeof(story_basic) / sizeof(story_basic[0]));
  run_story("undecidable", "9", story_undecidable, sizeof(story_undecidable) / sizeof(story_undecidable[0]));
  run_story("undecidable", "12", story_undecidable, sizeof(story_undecidable) / sizeof(story_undecidable[0]));
  run_story("knock", "7", story_knock, sizeof(story_knock) / sizeof(story_knock[0]));
  run_story("knock", "11", story_knock, sizeof(story_knock) / sizeof(story_knock[0]));
  tap_int_eq("apply NULL room", MXM_E_USAGE, mxm_room_apply(NULL, NULL, &ar, &err));
  tap_check(mxm_room_state(NULL) == NULL, "state of NULL room", "expected NULL");
  return tap_done();
}
