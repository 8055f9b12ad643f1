/*
 * test_transition.c: every cell of the three transition tables, self and
 * other, against the spec's own cell texts (typed out here from the sources
 * named in ref/src/transition.c, code markup removed) and the outcome names
 * of conformance/FORMAT.md.
 */
#include <stdio.h>
#include <string.h>

#include "mxm/transition.h"
#include "tap.h"

#define I MXM_MEMBERSHIP_INVITE
#define J MXM_MEMBERSHIP_JOIN
#define L MXM_MEMBERSHIP_LEAVE
#define B MXM_MEMBERSHIP_BAN
#define K MXM_MEMBERSHIP_KNOCK

struct row {
  enum mxm_era era;
  enum mxm_membership from, to;
  const char *text;
  const char *self_outcome;  /* sender == state_key */
  const char *other_outcome; /* sender != state_key */
};

#define NI "Not implemented."
#define NEVER "Must never happen."

static const struct row rows[] = {
  /* r0.5.0 - r0.6.1 (matrix-doc event-schemas/schema/m.room.member csv-table) */
  {MXM_ERA_R0, I, I, "No change.", "no_change", "no_change"},
  {MXM_ERA_R0, I, J, "User joined the room.", "joined_room", "joined_room"},
  {MXM_ERA_R0, I, L, "If the state_key is the same as the sender, the user rejected the invite. Otherwise, the state_key user had their invite revoked.", "invite_rejected", "invite_revoked"},
  {MXM_ERA_R0, I, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_R0, I, K, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, J, I, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_R0, J, J, "displayname or avatar_url changed.", "profile_changed", "profile_changed"},
  {MXM_ERA_R0, J, L, "If the state_key is the same as the sender, the user left. Otherwise, the state_key user was kicked.", "left", "kicked"},
  {MXM_ERA_R0, J, B, "User was kicked and banned.", "kicked_and_banned", "kicked_and_banned"},
  {MXM_ERA_R0, J, K, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, L, I, "New invitation sent.", "invited", "invited"},
  {MXM_ERA_R0, L, J, "User joined.", "joined", "joined"},
  {MXM_ERA_R0, L, L, "No change.", "no_change", "no_change"},
  {MXM_ERA_R0, L, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_R0, L, K, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, B, I, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_R0, B, J, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_R0, B, L, "User was unbanned.", "unbanned", "unbanned"},
  {MXM_ERA_R0, B, B, "No change.", "no_change", "no_change"},
  {MXM_ERA_R0, B, K, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, K, I, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, K, J, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, K, L, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, K, B, NI, "not_implemented", "not_implemented"},
  {MXM_ERA_R0, K, K, NI, "not_implemented", "not_implemented"},
  /* v1.1 - v1.2 (matrix-spec @v1.1 data/event-schemas/schema/m.room.member.yaml) */
  {MXM_ERA_V1_1, I, I, "No change.", "no_change", "no_change"},
  {MXM_ERA_V1_1, I, J, "User joined the room.", "joined_room", "joined_room"},
  {MXM_ERA_V1_1, I, L, "If the state_key is the same as the sender, the user rejected the invite. Otherwise, the state_key user had their invite revoked.", "invite_rejected", "invite_revoked"},
  {MXM_ERA_V1_1, I, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_V1_1, I, K, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, J, I, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, J, J, "displayname or avatar_url changed.", "profile_changed", "profile_changed"},
  {MXM_ERA_V1_1, J, L, "If the state_key is the same as the sender, the user left. Otherwise, the state_key user was kicked.", "left", "kicked"},
  {MXM_ERA_V1_1, J, B, "User was kicked and banned.", "kicked_and_banned", "kicked_and_banned"},
  {MXM_ERA_V1_1, J, K, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, L, I, "New invitation sent.", "invited", "invited"},
  {MXM_ERA_V1_1, L, J, "User joined.", "joined", "joined"},
  {MXM_ERA_V1_1, L, L, "No change.", "no_change", "no_change"},
  {MXM_ERA_V1_1, L, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_V1_1, L, K, "User is knocking.", "knocking", "knocking"},
  {MXM_ERA_V1_1, B, I, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, B, J, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, B, L, "User was unbanned.", "unbanned", "unbanned"},
  {MXM_ERA_V1_1, B, B, "No change.", "no_change", "no_change"},
  {MXM_ERA_V1_1, B, K, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, K, I, "Knock accepted.", "knock_accepted", "knock_accepted"},
  {MXM_ERA_V1_1, K, J, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_1, K, L, "If the state_key is the same as the sender, the user retracted the knock. Otherwise, the state_key user had their knock denied.", "knock_retracted", "knock_denied"},
  {MXM_ERA_V1_1, K, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_V1_1, K, K, "No change.", "no_change", "no_change"},
  /* v1.3 - main (matrix-spec data/event-schemas/schema/m.room.member.yaml) */
  {MXM_ERA_V1_3, I, I, "No change.", "no_change", "no_change"},
  {MXM_ERA_V1_3, I, J, "User joined the room.", "joined_room", "joined_room"},
  {MXM_ERA_V1_3, I, L, "If the state_key is the same as the sender, the user rejected the invite. Otherwise, the state_key user had their invite revoked.", "invite_rejected", "invite_revoked"},
  {MXM_ERA_V1_3, I, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_V1_3, I, K, "User is re-knocking.", "re_knocking", "re_knocking"},
  {MXM_ERA_V1_3, J, I, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_3, J, J, "displayname or avatar_url changed.", "profile_changed", "profile_changed"},
  {MXM_ERA_V1_3, J, L, "If the state_key is the same as the sender, the user left. Otherwise, the state_key user was kicked.", "left", "kicked"},
  {MXM_ERA_V1_3, J, B, "User was kicked and banned.", "kicked_and_banned", "kicked_and_banned"},
  {MXM_ERA_V1_3, J, K, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_3, L, I, "New invitation sent.", "invited", "invited"},
  {MXM_ERA_V1_3, L, J, "User joined.", "joined", "joined"},
  {MXM_ERA_V1_3, L, L, "No change.", "no_change", "no_change"},
  {MXM_ERA_V1_3, L, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_V1_3, L, K, "User is knocking.", "knocking", "knocking"},
  {MXM_ERA_V1_3, B, I, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_3, B, J, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_3, B, L, "User was unbanned.", "unbanned", "unbanned"},
  {MXM_ERA_V1_3, B, B, "No change.", "no_change", "no_change"},
  {MXM_ERA_V1_3, B, K, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_3, K, I, "Knock accepted.", "knock_accepted", "knock_accepted"},
  {MXM_ERA_V1_3, K, J, NEVER, "must_never_happen", "must_never_happen"},
  {MXM_ERA_V1_3, K, L, "If the state_key is the same as the sender, the user retracted the knock. Otherwise, the state_key user had their knock denied.", "knock_retracted", "knock_denied"},
  {MXM_ERA_V1_3, K, B, "User was banned.", "banned", "banned"},
  {MXM_ERA_V1_3, K, K, "No change.", "no_change", "no_change"},
};

static const char *era_label(enum mxm_era e)
{
  return e == MXM_ERA_R0 ? "r0" : e == MXM_ERA_V1_1 ? "v1.1" : "v1.3";
}

static void check_row(const struct row *r, int self)
{
  struct mxm_transition t;
  char name[96];
  const char *want = self ? r->self_outcome : r->other_outcome;
  enum mxm_status st;

  snprintf(name, sizeof(name), "%s %d->%d %s", era_label(r->era), (int)r->from, (int)r->to,
           self ? "self" : "other");
  /* join->join: the table's one cell reads as a profile change; profile_changed=1 here. */
  st = mxm_classify(r->era, r->from, r->to, self, 1, &t);
  if(!tap_int_eq(name, MXM_OK, st))
    return;
  tap_str_eq(name, want, t.outcome);
  tap_str_eq(name, r->text, t.text);
  tap_int_eq(name, strcmp(r->text, NEVER) == 0, t.must_never_happen);
  tap_int_eq(name, strcmp(r->text, NI) == 0, t.not_implemented);
  tap_str_eq(name, r->text, mxm_table_cell(r->era, r->from, r->to));
}

int main(void)
{
  size_t i;
  int era;
  struct mxm_transition t;

  tap_int_eq("row count: 25 cells x 3 eras", 75, (int64_t)(sizeof(rows) / sizeof(rows[0])));
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    check_row(&rows[i], 1);
    check_row(&rows[i], 0);
  }

  /* No previous member event reads as leave ("If not present, the user's
   * previous membership must be assumed as leave."). */
  for(era = MXM_ERA_R0; era <= MXM_ERA_V1_3; era++) {
    static const enum mxm_membership tos[] = {I, J, L, B, K};
    size_t k;
    for(k = 0; k < 5; k++) {
      struct mxm_transition a, b;
      char name[64];
      snprintf(name, sizeof(name), "%s none->%d reads as leave", era_label((enum mxm_era)era), (int)tos[k]);
      if(tap_int_eq(name, MXM_OK, mxm_classify((enum mxm_era)era, MXM_MEMBERSHIP_NONE, tos[k], 0, 0, &a)) &&
         tap_int_eq(name, MXM_OK, mxm_classify((enum mxm_era)era, L, tos[k], 0, 0, &b))) {
        tap_str_eq(name, b.outcome, a.outcome);
        tap_str_eq(name, b.text, a.text);
      }
    }
  }

  /* join->join without a profile change: same cell text, outcome profile_unchanged. */
  if(tap_int_eq("join->join unchanged", MXM_OK, mxm_classify(MXM_ERA_V1_3, J, J, 1, 0, &t))) {
    tap_str_eq("join->join unchanged outcome", "profile_unchanged", t.outcome);
    tap_str_eq("join->join unchanged text", "displayname or avatar_url changed.", t.text);
  }
  /* The profile flag matters only for join->join. */
  if(tap_int_eq("leave->join profile flag ignored", MXM_OK, mxm_classify(MXM_ERA_V1_3, L, J, 1, 0, &t)))
    tap_str_eq("leave->join profile flag ignored", "joined", t.outcome);

  /* Bad arguments. */
  tap_int_eq("unknown to", MXM_E_USAGE, mxm_classify(MXM_ERA_V1_3, J, MXM_MEMBERSHIP_UNKNOWN, 1, 0, &t));
  tap_int_eq("unknown from", MXM_E_USAGE, mxm_classify(MXM_ERA_V1_3, MXM_MEMBERSHIP_UNKNOWN, J, 1, 0, &t));
  tap_int_eq("none as to", MXM_E_USAGE, mxm_classify(MXM_ERA_V1_3, J, MXM_MEMBERSHIP_NONE, 1, 0, &t));
  tap_int_eq("bad era", MXM_E_USAGE, mxm_classify((enum mxm_era)7, J, J, 1, 0, &t));
  tap_check(mxm_table_cell((enum mxm_era)7, J, J) == NULL, "table_cell bad era", "expected NULL");
  tap_check(mxm_table_cell(MXM_ERA_R0, J, MXM_MEMBERSHIP_UNKNOWN) == NULL, "table_cell unknown", "expected NULL");
  return tap_done();
}
