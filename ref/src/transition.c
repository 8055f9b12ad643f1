/*
 * transition.c: the membership transition tables of the m.room.member schema
 * (what a change from one membership to another *means*), one table per spec
 * era, and mxm_classify / mxm_table_cell over them.
 *
 * Owns: the cell texts and outcome names. Does not own: whether a change is
 * allowed (auth_member.c); the tables and the auth rules disagree in places
 * (conformance/NOTES.md#knock-to-join, #invite-to-knock, #third-party-invite-skips-invite-checks) and classification never consults the rules.
 *
 * Sources (cell texts copied with the code markup removed):
 *   r0   matrix-org/matrix-doc @client_server/r0.5.0 .. r0.6.1,
 *        event-schemas/schema/m.room.member (RST csv-table, added f3c0c523,
 *        leave->leave fixed 41e07ff7 before r0.5.0)
 *   v1.1 matrix-org/matrix-spec @v1.1, @v1.2,
 *        data/event-schemas/schema/m.room.member.yaml (knock column and row,
 *        fa6cc8a1 "Add knocking to the spec")
 *   v1.3 matrix-org/matrix-spec @v1.3 .. main, same file (invite->knock is
 *        "User is re-knocking.", fd2340a4, matrix-doc PR #3730)
 * Outcome names: conformance/FORMAT.md "Outcome names".
 */
#include <stddef.h>

#include "mxm/transition.h"

/* One cell. Sender-dependent cells (invite->leave, join->leave, knock->leave)
 * name a second outcome for "Otherwise" (state_key != sender). join->join
 * names a second outcome for an unchanged profile: same cell text. */
struct cell {
  const char *text;
  const char *outcome;       /* self, or the only outcome */
  const char *outcome_other; /* sender != state_key; NULL = same as outcome */
  const char *outcome_same_profile; /* join->join without a profile change; NULL = n/a */
  unsigned must_never_happen : 1;
  unsigned not_implemented : 1;
};

/* Shared cell texts (the 4x4 invite/join/leave/ban block is the same in every era). */
#define T_NO_CHANGE "No change."
#define T_NEVER "Must never happen."
#define T_NOT_IMPL "Not implemented."
#define T_BANNED "User was banned."
#define T_INV_LEAVE                                                                                 \
  "If the state_key is the same as the sender, the user rejected the invite. Otherwise, the "     \
  "state_key user had their invite revoked."
#define T_JOIN_LEAVE                                                                                \
  "If the state_key is the same as the sender, the user left. Otherwise, the state_key user was " \
  "kicked."
#define T_KNOCK_LEAVE                                                                               \
  "If the state_key is the same as the sender, the user retracted the knock. Otherwise, the "     \
  "state_key user had their knock denied."

#define C_NO_CHANGE {T_NO_CHANGE, "no_change", NULL, NULL, 0, 0}
#define C_NEVER {T_NEVER, "must_never_happen", NULL, NULL, 1, 0}
#define C_NOT_IMPL {T_NOT_IMPL, "not_implemented", NULL, NULL, 0, 1}
#define C_BANNED {T_BANNED, "banned", NULL, NULL, 0, 0}

/* Row/column order: invite, join, leave, ban, knock (enum mxm_membership 1..5). */
#define C_ROW_INVITE_4 /* from invite, to invite/join/leave/ban */                        \
  C_NO_CHANGE, {"User joined the room.", "joined_room", NULL, NULL, 0, 0},                 \
      {T_INV_LEAVE, "invite_rejected", "invite_revoked", NULL, 0, 0}, C_BANNED
#define C_ROW_JOIN_4                                                                       \
  C_NEVER, {"displayname or avatar_url changed.", "profile_changed", NULL, "profile_unchanged", 0, 0}, \
      {T_JOIN_LEAVE, "left", "kicked", NULL, 0, 0},                                        \
      {"User was kicked and banned.", "kicked_and_banned", NULL, NULL, 0, 0}
#define C_ROW_LEAVE_4                                                                      \
  {"New invitation sent.", "invited", NULL, NULL, 0, 0}, {"User joined.", "joined", NULL, NULL, 0, 0}, \
      C_NO_CHANGE, C_BANNED
#define C_ROW_BAN_4 C_NEVER, C_NEVER, {"User was unbanned.", "unbanned", NULL, NULL, 0, 0}, C_NO_CHANGE

/* r0.5.0-r0.6.1: knock is a reserved word; every knock cell "Not implemented." */
static const struct cell table_r0[5][5] = {
  {C_ROW_INVITE_4, C_NOT_IMPL},
  {C_ROW_JOIN_4, C_NOT_IMPL},
  {C_ROW_LEAVE_4, C_NOT_IMPL},
  {C_ROW_BAN_4, C_NOT_IMPL},
  {C_NOT_IMPL, C_NOT_IMPL, C_NOT_IMPL, C_NOT_IMPL, C_NOT_IMPL},
};

#define C_ROW_KNOCK                                                                        \
  {"Knock accepted.", "knock_accepted", NULL, NULL, 0, 0}, C_NEVER,                        \
      {T_KNOCK_LEAVE, "knock_retracted", "knock_denied", NULL, 0, 0}, C_BANNED, C_NO_CHANGE
#define C_KNOCKING {"User is knocking.", "knocking", NULL, NULL, 0, 0}

/* v1.1-v1.2: knocking added; invite->knock "Must never happen." */
static const struct cell table_v1_1[5][5] = {
  {C_ROW_INVITE_4, C_NEVER},
  {C_ROW_JOIN_4, C_NEVER},
  {C_ROW_LEAVE_4, C_KNOCKING},
  {C_ROW_BAN_4, C_NEVER},
  {C_ROW_KNOCK},
};

/* v1.3-current: the one change is invite->knock "User is re-knocking." */
static const struct cell table_v1_3[5][5] = {
  {C_ROW_INVITE_4, {"User is re-knocking.", "re_knocking", NULL, NULL, 0, 0}},
  {C_ROW_JOIN_4, C_NEVER},
  {C_ROW_LEAVE_4, C_KNOCKING},
  {C_ROW_BAN_4, C_NEVER},
  {C_ROW_KNOCK},
};

/* The cell, or NULL for an argument outside the tables. NONE reads as leave:
 * "If not present, the user's previous membership must be assumed as leave." */
static const struct cell *find_cell(enum mxm_era era, enum mxm_membership from, enum mxm_membership to)
{
  const struct cell(*table)[5];
  switch(era) {
  case MXM_ERA_R0:
    table = table_r0;
    break;
  case MXM_ERA_V1_1:
    table = table_v1_1;
    break;
  case MXM_ERA_V1_3:
    table = table_v1_3;
    break;
  default:
    return NULL;
  }
  if(from == MXM_MEMBERSHIP_NONE)
    from = MXM_MEMBERSHIP_LEAVE;
  if(from < MXM_MEMBERSHIP_INVITE || from > MXM_MEMBERSHIP_KNOCK || to < MXM_MEMBERSHIP_INVITE ||
     to > MXM_MEMBERSHIP_KNOCK)
    return NULL;
  return &table[from - MXM_MEMBERSHIP_INVITE][to - MXM_MEMBERSHIP_INVITE];
}

enum mxm_status mxm_classify(enum mxm_era era, enum mxm_membership from, enum mxm_membership to, int self,
                             int profile_changed, struct mxm_transition *out)
{
  const struct cell *c = find_cell(era, from, to);
  if(!c || !out)
    return MXM_E_USAGE;
  out->text = c->text;
  out->outcome = c->outcome;
  if(!self && c->outcome_other)
    out->outcome = c->outcome_other;
  if(!profile_changed && c->outcome_same_profile)
    out->outcome = c->outcome_same_profile;
  out->must_never_happen = c->must_never_happen;
  out->not_implemented = c->not_implemented;
  return MXM_OK;
}

const char *mxm_table_cell(enum mxm_era era, enum mxm_membership from, enum mxm_membership to)
{
  const struct cell *c = find_cell(era, from, to);
  return c ? c->text : NULL;
}
