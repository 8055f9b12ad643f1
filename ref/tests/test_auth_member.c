/*
 * test_auth_member.c: the m.room.member rule block, one table row per rule
 * branch, with an allow and a reject case where the branch has both, in
 * every room-version family where the text differs. Each row runs for
 * every room version in its mask. Expected verdicts and rule ids come from
 * the spec text (content/rooms/fragments/v1-auth-rules.md, v3-, v8-auth-
 * rules.md, rooms/v6.md .. v12.md; conformance/NOTES.md#spec-release-edits) and ref/RULES.md, never
 * from running the code.
 *
 * The signature facts are given per row (mxm_auth_decide), so the member
 * logic is tested apart from the cryptography.
 */
#include <stdio.h>
#include <string.h>

#include "auth_fixture.h"
#include "tap.h"

#define PL_STD "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 50}}"
#define MEM_STD "alice=join mod=join mod2=join carol=join"

/* Fixtures: a room with alice (creator, 100), mod and mod2 (50), carol (0). */
static const struct fx_state fx_public = {"alice", NULL, NULL, MEM_STD " bob=ban", "public", PL_STD, NULL};
static const struct fx_state fx_invite = {"alice", NULL, NULL, MEM_STD " bob=invite", "invite", PL_STD, NULL};
static const struct fx_state fx_invite_none = {"alice", NULL, NULL, MEM_STD, "invite", PL_STD, NULL};
static const struct fx_state fx_knock_jr = {"alice", NULL, NULL, MEM_STD " bob=invite", "knock", PL_STD, NULL};
static const struct fx_state fx_private = {"alice", NULL, NULL, MEM_STD " bob=invite", "private", PL_STD, NULL};
static const struct fx_state fx_no_jr = {"alice", NULL, NULL, MEM_STD " bob=invite", NULL, PL_STD, NULL};
static const struct fx_state fx_jr_missing_key = {"alice", NULL, NULL, MEM_STD " bob=invite", "-", PL_STD, NULL};
static const struct fx_state fx_restricted_inv = {"alice", NULL, NULL, MEM_STD " bob=invite", "restricted", PL_STD, NULL};
static const struct fx_state fx_restricted = {
  "alice", NULL, NULL, MEM_STD " dave=leave", "restricted",
  "{\"invite\": 10, \"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@dave:example.org\": 50}}",
  NULL};
static const struct fx_state fx_kr_inv = {"alice", NULL, NULL, MEM_STD " bob=invite", "knock_restricted", PL_STD, NULL};
static const struct fx_state fx_kr = {"alice", NULL, NULL, MEM_STD, "knock_restricted", PL_STD, NULL};
static const struct fx_state fx_knock_room = {
  "alice", NULL, NULL, MEM_STD " bob=knock zed=ban ivy=invite lea=leave", "knock", PL_STD, NULL};
static const struct fx_state fx_empty = {"alice", NULL, NULL, NULL, NULL, NULL, NULL};
static const struct fx_state fx_carol_creator = {"alice", "carol", NULL, NULL, NULL, NULL, NULL};
/* Power levels: invite 60 (mod below it); another with no invite key. */
static const struct fx_state fx_inv60 = {
  "alice", NULL, NULL, MEM_STD " bob=ban kim=knock", "invite",
  "{\"invite\": 60, \"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50}}", NULL};
static const struct fx_state fx_no_invite_key = {"alice", NULL, NULL, MEM_STD, "invite", PL_STD, NULL};
/* Leave / kick / unban: ban 60 so mod (50, kick 50) cannot unban. */
static const struct fx_state fx_kick = {
  "alice", NULL, NULL, MEM_STD " bob=ban ivy=invite lea=leave kim=knock", "invite",
  "{\"ban\": 60, \"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 50}}",
  NULL};
/* users_default 50, kick 50: equal default users cannot kick each other. */
static const struct fx_state fx_default50 = {"alice", NULL, NULL, "alice=join u1=join u2=join", "public",
                                             "{\"users_default\": 50, \"kick\": 50}", NULL};
/* No power-levels event: the creator has 100 (v1-v11), others 0. */
static const struct fx_state fx_no_pl = {"alice", NULL, NULL, "alice=join carol=join", "public", NULL, NULL};
/* v12: carol is an additional creator. */
static const struct fx_state fx_v12 = {"alice", NULL, "\"additional_creators\": [\"@carol:example.org\"]",
                                       "alice=join carol=join mod=join", "public",
                                       "{\"users\": {\"@mod:example.org\": 50}}", NULL};
/* Third-party invites: token tok sent by alice; token tik sent by lea, who has left. */
#define TPI_EVENT(tok, who, n)                                                                                  \
  "{\"type\": \"m.room.third_party_invite\", \"sender\": \"@" who ":example.org\", \"state_key\": \"" tok       \
  "\", \"room_id\": \"$ROOM\", \"depth\": " n ", \"origin_server_ts\": 1, \"prev_events\": [], \"auth_events\": " \
  "[], \"event_id\": \"$tpi" n ":example.org\", \"content\": {\"display_name\": \"b...\", \"key_validity_url\": " \
  "\"https://is.example.org/v\", \"public_key\": \"AAAA\"}}"
static const struct fx_state fx_tpi = {"alice", NULL, NULL, MEM_STD " zed=ban joe=join lea=leave", "invite", PL_STD,
                                       TPI_EVENT("tok", "alice", "90") "," TPI_EVENT("tik", "lea", "91")};

#define TPI(mxid, token) \
  "{\"membership\": \"invite\", \"third_party_invite\": {\"display_name\": \"b...\", \"signed\": {\"mxid\": \"" mxid \
  "\", \"token\": \"" token "\", \"signatures\": {\"is.example.org\": {\"ed25519:0\": \"sig\"}}}}}"

#define M(m) "{\"membership\": \"" m "\"}"
#define AUTHD(m, who) "{\"membership\": \"" m "\", \"join_authorised_via_users_server\": \"@" who ":example.org\"}"

struct mrow {
  const char *name;
  unsigned versions;
  const char *spec; /* NULL = current */
  const struct fx_state *fx;
  const char *sender;
  const char *state_key; /* NULL = same as sender; "-" = omit */
  const char *content;
  int prev_create;
  enum mxm_sig_fact auth_sig, tpi_sig;
  enum mxm_verdict verdict; /* 0: expect status */
  const char *rule;
  enum mxm_status status;
};

#define ALL FX_ALL
#define VR FX_VR
#define V FX_V
#define OK_ MXM_SIG_NOT_NEEDED
#define A MXM_ALLOW
#define R MXM_REJECT

static const struct mrow rows[] = {
  /* 1: shape */
  {"no state_key", ALL, NULL, &fx_public, "bob", "-", M("join"), 0, OK_, OK_, R, "member.shape", 0},
  {"no membership", ALL, NULL, &fx_public, "carol", NULL, "{\"displayname\": \"C\"}", 0, OK_, OK_, R, "member.shape", 0},

  /* join 1: creator's first join */
  {"creator first join", ALL, NULL, &fx_empty, "alice", NULL, M("join"), 1, OK_, OK_, A, "member.join.creator", 0},
  {"non-creator first join after create", ALL, NULL, &fx_empty, "bob", NULL, M("join"), 1, OK_, OK_, R,
   "member.join.otherwise", 0},
  {"creator join, prev not the create", ALL, NULL, &fx_empty, "alice", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.otherwise", 0},
  {"creator's first join sent by someone else (rule does not test sender)", ALL, NULL, &fx_empty, "bob", "alice",
   M("join"), 1, OK_, OK_, A, "member.join.creator", 0},
  {"v1-v10: content.creator carol (sender alice) joins first", VR(1, 10), NULL, &fx_carol_creator, "carol", NULL,
   M("join"), 1, OK_, OK_, A, "member.join.creator", 0},
  {"v11+: content.creator ignored, carol is not the creator", VR(11, 12), NULL, &fx_carol_creator, "carol", NULL,
   M("join"), 1, OK_, OK_, R, "member.join.otherwise", 0},
  {"v1-v10: create sender alice is not content.creator carol", VR(1, 10), NULL, &fx_carol_creator, "alice", NULL,
   M("join"), 1, OK_, OK_, R, "member.join.otherwise", 0},
  {"v11 spec v1.12 text (\"the sender\", clarified in v1.13): still only the create sender", V(11), "v1.12",
   &fx_empty, "bob", NULL, M("join"), 1, OK_, OK_, R, "member.join.otherwise", 0},
  {"v11 spec v1.12 text: the create sender's first join", V(11), "v1.12", &fx_empty, "alice", NULL, M("join"), 1, OK_,
   OK_, A, "member.join.creator", 0},
  {"v11 spec v1.13 text: state_key is the create sender", V(11), "v1.13", &fx_empty, "bob", NULL, M("join"), 1, OK_,
   OK_, R, "member.join.otherwise", 0},

  /* join 2, 3 */
  {"join for someone else", ALL, NULL, &fx_public, "alice", "zed", M("join"), 0, OK_, OK_, R, "member.join.not_self", 0},
  {"banned user joins a public room", ALL, NULL, &fx_public, "bob", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.banned", 0},

  /* join 4: invite (v7+: knock) */
  {"invited user joins, JR invite", ALL, NULL, &fx_invite, "bob", NULL, M("join"), 0, OK_, OK_, A,
   "member.join.invited", 0},
  {"joined user re-joins (profile), JR invite", ALL, NULL, &fx_invite, "carol", NULL, M("join"), 0, OK_, OK_, A,
   "member.join.invited", 0},
  {"uninvited user, JR invite", ALL, NULL, &fx_invite_none, "bob", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.otherwise", 0},
  {"invited user, JR knock, v7+", VR(7, 12), NULL, &fx_knock_jr, "bob", NULL, M("join"), 0, OK_, OK_, A,
   "member.join.invited", 0},
  {"invited user, JR knock, v1-v6 (no knock rule)", VR(1, 6), NULL, &fx_knock_jr, "bob", NULL, M("join"), 0, OK_, OK_,
   R, "member.join.otherwise", 0},
  {"invited user, JR knock, v7 spec v1.2 text (before #3737)", VR(7, 9), "v1.2", &fx_knock_jr, "bob", NULL, M("join"),
   0, OK_, OK_, R, "member.join.otherwise", 0},

  /* join 6, 7 */
  {"public room, outsider joins", ALL, NULL, &fx_public, "zed", NULL, M("join"), 0, OK_, OK_, A, "member.join.public",
   0},
  {"public room, knocking user joins (table: must never happen)", VR(7, 12), NULL, &fx_knock_room, "bob", NULL,
   M("join"), 0, OK_, OK_, R, "member.join.otherwise", 0},
  {"JR private, invited user", ALL, NULL, &fx_private, "bob", NULL, M("join"), 0, OK_, OK_, R, "member.join.otherwise",
   0},
  {"no join_rules event, invited user (NOTES.md#missing-join-rules)", ALL, NULL, &fx_no_jr, "bob", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.otherwise", 0},
  {"join_rules without join_rule, invited user", ALL, NULL, &fx_jr_missing_key, "bob", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.otherwise", 0},

  /* join 5: restricted (v8+), knock_restricted (v10+) */
  {"restricted, invited user, v8+", VR(8, 12), NULL, &fx_restricted_inv, "bob", NULL, M("join"), 0, OK_, OK_, A,
   "member.join.restricted.member", 0},
  {"restricted, invited user, v1-v7 (unknown JR)", VR(1, 7), NULL, &fx_restricted_inv, "bob", NULL, M("join"), 0, OK_,
   OK_, R, "member.join.otherwise", 0},
  {"restricted, no authoriser", VR(8, 12), NULL, &fx_restricted, "zed", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.restricted.unauthorised", 0},
  {"restricted, authoriser mod (50 >= invite 10), signed", VR(8, 12), NULL, &fx_restricted, "zed", NULL,
   AUTHD("join", "mod"), 0, MXM_SIG_VALID, OK_, A, "member.join.restricted.allow", 0},
  {"restricted, authoriser carol (0 < invite 10)", VR(8, 12), NULL, &fx_restricted, "zed", NULL, AUTHD("join", "carol"),
   0, MXM_SIG_VALID, OK_, R, "member.join.restricted.unauthorised", 0},
  {"restricted, authoriser dave (50) has left, v1.17+", VR(8, 12), NULL, &fx_restricted, "zed", NULL,
   AUTHD("join", "dave"), 0, MXM_SIG_VALID, OK_, R, "member.join.restricted.authoriser_not_joined", 0},
  {"restricted, authoriser dave (50) has left, spec v1.16", VR(8, 12), "v1.16", &fx_restricted, "zed", NULL,
   AUTHD("join", "dave"), 0, MXM_SIG_VALID, OK_, A, "member.join.restricted.allow", 0},
  {"restricted, authoriser signature invalid", VR(8, 12), NULL, &fx_restricted, "zed", NULL, AUTHD("join", "mod"), 0,
   MXM_SIG_INVALID, OK_, R, "member.authorised_via.signature", 0},
  {"restricted, authoriser signature unknown: cannot decide", VR(8, 12), NULL, &fx_restricted, "zed", NULL,
   AUTHD("join", "mod"), 0, MXM_SIG_UNKNOWN, OK_, 0, NULL, MXM_E_UNDECIDABLE},
  {"authoriser key on a leave, bad signature (rule 4.2 is for any membership)", VR(8, 12), NULL, &fx_public, "carol",
   NULL, AUTHD("leave", "mod"), 0, MXM_SIG_INVALID, OK_, R, "member.authorised_via.signature", 0},
  {"authoriser key on a leave, v1-v7: no such rule", VR(1, 7), NULL, &fx_public, "carol", NULL, AUTHD("leave", "mod"),
   0, MXM_SIG_INVALID, OK_, A, "member.leave.self.allow", 0},
  {"authoriser key is not a string: no homeserver can have signed", VR(8, 12), NULL, &fx_restricted, "zed", NULL,
   "{\"membership\": \"join\", \"join_authorised_via_users_server\": 5}", 0, MXM_SIG_UNKNOWN, OK_, R,
   "member.authorised_via.signature", 0},
  {"authoriser key is not a user ID", VR(8, 12), NULL, &fx_restricted, "zed", NULL,
   "{\"membership\": \"join\", \"join_authorised_via_users_server\": \"mod\"}", 0, MXM_SIG_UNKNOWN, OK_, R,
   "member.authorised_via.signature", 0},
  {"authoriser key not a string, v1-v7: ignored", VR(1, 7), NULL, &fx_public, "zed", NULL,
   "{\"membership\": \"join\", \"join_authorised_via_users_server\": 5}", 0, MXM_SIG_UNKNOWN, OK_, A,
   "member.join.public", 0},
  {"knock_restricted, invited, v10+", VR(10, 12), NULL, &fx_kr_inv, "bob", NULL, M("join"), 0, OK_, OK_, A,
   "member.join.restricted.member", 0},
  {"knock_restricted, invited, v8-v9 (JR unknown there)", VR(8, 9), NULL, &fx_kr_inv, "bob", NULL, M("join"), 0, OK_,
   OK_, R, "member.join.otherwise", 0},
  {"knock_restricted, no authoriser, v10+", VR(10, 12), NULL, &fx_kr, "zed", NULL, M("join"), 0, OK_, OK_, R,
   "member.join.restricted.unauthorised", 0},

  /* invite */
  {"alice invites zed", ALL, NULL, &fx_inv60, "alice", "zed", M("invite"), 0, OK_, OK_, A, "member.invite.allow", 0},
  {"mod (50) below invite level 60", ALL, NULL, &fx_inv60, "mod", "zed", M("invite"), 0, OK_, OK_, R,
   "member.invite.insufficient_power", 0},
  {"carol (0), no invite key: default 0 (spec v1.6+)", ALL, NULL, &fx_no_invite_key, "carol", "zed", M("invite"), 0,
   OK_, OK_, A, "member.invite.allow", 0},
  {"carol (0), no invite key: default 50 (spec v1.5)", ALL, "v1.5", &fx_no_invite_key, "carol", "zed", M("invite"), 0,
   OK_, OK_, R, "member.invite.insufficient_power", 0},
  {"inviter not joined", ALL, NULL, &fx_inv60, "zed", "yan", M("invite"), 0, OK_, OK_, R,
   "member.invite.sender_not_joined", 0},
  {"invite a joined user", ALL, NULL, &fx_inv60, "alice", "carol", M("invite"), 0, OK_, OK_, R,
   "member.invite.target_joined_or_banned", 0},
  {"invite a banned user", ALL, NULL, &fx_inv60, "alice", "bob", M("invite"), 0, OK_, OK_, R,
   "member.invite.target_joined_or_banned", 0},
  {"invite an invited user (no change)", ALL, NULL, &fx_invite, "alice", "bob", M("invite"), 0, OK_, OK_, A,
   "member.invite.allow", 0},
  {"invite a knocking user (knock accepted)", VR(7, 12), NULL, &fx_inv60, "alice", "kim", M("invite"), 0, OK_, OK_, A,
   "member.invite.allow", 0},
  {"invite of a higher-PL target is fine (no target comparison)", ALL, NULL, &fx_kick, "mod", "zed", M("invite"), 0,
   OK_, OK_, A, "member.invite.allow", 0},

  /* third-party invites */
  {"3pid: valid signature", ALL, NULL, &fx_tpi, "alice", "yan", TPI("@yan:example.org", "tok"), 0, OK_, MXM_SIG_VALID,
   A, "member.invite.3pid.allow", 0},
  {"3pid: no valid signature", ALL, NULL, &fx_tpi, "alice", "yan", TPI("@yan:example.org", "tok"), 0, OK_,
   MXM_SIG_INVALID, R, "member.invite.3pid.bad_signature", 0},
  {"3pid: signature unknown: cannot decide", ALL, NULL, &fx_tpi, "alice", "yan", TPI("@yan:example.org", "tok"), 0, OK_,
   MXM_SIG_UNKNOWN, 0, NULL, MXM_E_UNDECIDABLE},
  {"3pid: banned target", ALL, NULL, &fx_tpi, "alice", "zed", TPI("@zed:example.org", "tok"), 0, OK_, MXM_SIG_VALID, R,
   "member.invite.3pid.banned", 0},
  {"3pid: no signed", ALL, NULL, &fx_tpi, "alice", "yan",
   "{\"membership\": \"invite\", \"third_party_invite\": {\"display_name\": \"x\"}}", 0, OK_, MXM_SIG_VALID, R,
   "member.invite.3pid.no_signed", 0},
  {"3pid: third_party_invite not an object", ALL, NULL, &fx_tpi, "alice", "yan",
   "{\"membership\": \"invite\", \"third_party_invite\": 7}", 0, OK_, MXM_SIG_VALID, R, "member.invite.3pid.no_signed",
   0},
  {"3pid: signed without token", ALL, NULL, &fx_tpi, "alice", "yan",
   "{\"membership\": \"invite\", \"third_party_invite\": {\"display_name\": \"x\", \"signed\": {\"mxid\": "
   "\"@yan:example.org\", \"signatures\": {}}}}",
   0, OK_, MXM_SIG_VALID, R, "member.invite.3pid.signed_fields", 0},
  {"3pid: mxid differs from state_key", ALL, NULL, &fx_tpi, "alice", "yan", TPI("@other:example.org", "tok"), 0, OK_,
   MXM_SIG_VALID, R, "member.invite.3pid.mxid_mismatch", 0},
  {"3pid: no token event", ALL, NULL, &fx_tpi, "alice", "yan", TPI("@yan:example.org", "nope"), 0, OK_, MXM_SIG_VALID,
   R, "member.invite.3pid.no_token_event", 0},
  {"3pid: sender is not the token event's sender", ALL, NULL, &fx_tpi, "mod", "yan", TPI("@yan:example.org", "tok"), 0,
   OK_, MXM_SIG_VALID, R, "member.invite.3pid.sender_mismatch", 0},
  {"3pid: original inviter has left, signature valid (no sender checks)", ALL, NULL, &fx_tpi, "lea", "yan",
   TPI("@yan:example.org", "tik"), 0, OK_, MXM_SIG_VALID, A, "member.invite.3pid.allow", 0},
  {"3pid: joined target passes (NOTES.md#third-party-invite-skips-invite-checks)", ALL, NULL, &fx_tpi, "alice", "joe", TPI("@joe:example.org", "tok"), 0,
   OK_, MXM_SIG_VALID, A, "member.invite.3pid.allow", 0},

  /* leave: self */
  {"joined user leaves", ALL, NULL, &fx_kick, "carol", NULL, M("leave"), 0, OK_, OK_, A, "member.leave.self.allow", 0},
  {"invited user rejects", ALL, NULL, &fx_kick, "ivy", NULL, M("leave"), 0, OK_, OK_, A, "member.leave.self.allow", 0},
  {"knocking user retracts, v7+", VR(7, 12), NULL, &fx_kick, "kim", NULL, M("leave"), 0, OK_, OK_, A,
   "member.leave.self.allow", 0},
  {"knocking user retracts, spec v1.1 text", V(7), "v1.1", &fx_kick, "kim", NULL, M("leave"), 0, OK_, OK_, R,
   "member.leave.self.reject", 0},
  {"never-member leaves", ALL, NULL, &fx_kick, "zed", NULL, M("leave"), 0, OK_, OK_, R, "member.leave.self.reject", 0},
  {"left user leaves again", ALL, NULL, &fx_kick, "lea", NULL, M("leave"), 0, OK_, OK_, R, "member.leave.self.reject",
   0},
  {"banned user unbans self", ALL, NULL, &fx_kick, "bob", NULL, M("leave"), 0, OK_, OK_, R, "member.leave.self.reject",
   0},
  /* leave: kick / unban */
  {"alice (100) kicks mod (50)", ALL, NULL, &fx_kick, "alice", "mod", M("leave"), 0, OK_, OK_, A,
   "member.leave.kick.allow", 0},
  {"mod kicks alice (higher)", ALL, NULL, &fx_kick, "mod", "alice", M("leave"), 0, OK_, OK_, R,
   "member.leave.kick.insufficient_power", 0},
  {"mod kicks mod2 (equal: strict comparison)", ALL, NULL, &fx_kick, "mod", "mod2", M("leave"), 0, OK_, OK_, R,
   "member.leave.kick.insufficient_power", 0},
  {"mod (50 = kick 50) kicks carol (0)", ALL, NULL, &fx_kick, "mod", "carol", M("leave"), 0, OK_, OK_, A,
   "member.leave.kick.allow", 0},
  {"carol (0) kicks a left user: still needs kick power", ALL, NULL, &fx_kick, "carol", "lea", M("leave"), 0, OK_, OK_,
   R, "member.leave.kick.insufficient_power", 0},
  {"kick by a non-member", ALL, NULL, &fx_kick, "zed", "carol", M("leave"), 0, OK_, OK_, R,
   "member.leave.sender_not_joined", 0},
  {"kick an outsider (auth allows; API refuses)", ALL, NULL, &fx_kick, "alice", "zed", M("leave"), 0, OK_, OK_, A,
   "member.leave.kick.allow", 0},
  {"revoke an invite", ALL, NULL, &fx_kick, "alice", "ivy", M("leave"), 0, OK_, OK_, A, "member.leave.kick.allow", 0},
  {"deny a knock", VR(7, 12), NULL, &fx_kick, "mod", "kim", M("leave"), 0, OK_, OK_, A, "member.leave.kick.allow", 0},
  {"unban by mod (kick 50 <= 50 < ban 60)", ALL, NULL, &fx_kick, "mod", "bob", M("leave"), 0, OK_, OK_, R,
   "member.leave.target_banned", 0},
  {"unban by alice", ALL, NULL, &fx_kick, "alice", "bob", M("leave"), 0, OK_, OK_, A, "member.leave.kick.allow", 0},
  {"default users (50) with kick 50 cannot kick each other", ALL, NULL, &fx_default50, "u1", "u2", M("leave"), 0, OK_,
   OK_, R, "member.leave.kick.insufficient_power", 0},

  /* ban */
  {"alice bans carol", ALL, NULL, &fx_kick, "alice", "carol", M("ban"), 0, OK_, OK_, A, "member.ban.allow", 0},
  {"alice bans an outsider", ALL, NULL, &fx_kick, "alice", "zed", M("ban"), 0, OK_, OK_, A, "member.ban.allow", 0},
  {"alice re-bans bob", ALL, NULL, &fx_kick, "alice", "bob", M("ban"), 0, OK_, OK_, A, "member.ban.allow", 0},
  {"mod (50 < ban 60) bans carol", ALL, NULL, &fx_kick, "mod", "carol", M("ban"), 0, OK_, OK_, R,
   "member.ban.insufficient_power", 0},
  {"alice bans herself", ALL, NULL, &fx_kick, "alice", NULL, M("ban"), 0, OK_, OK_, R, "member.ban.insufficient_power",
   0},
  {"ban by a non-member", ALL, NULL, &fx_kick, "zed", "carol", M("ban"), 0, OK_, OK_, R, "member.ban.sender_not_joined",
   0},
  {"no PL event: creator (100) bans carol (0)", VR(1, 11), NULL, &fx_no_pl, "alice", "carol", M("ban"), 0, OK_, OK_, A,
   "member.ban.allow", 0},
  {"no PL event: carol (0) bans alice", ALL, NULL, &fx_no_pl, "carol", "alice", M("ban"), 0, OK_, OK_, R,
   "member.ban.insufficient_power", 0},

  /* knock */
  {"knock, JR knock, v7+", VR(7, 12), NULL, &fx_knock_room, "zoe", NULL, M("knock"), 0, OK_, OK_, A,
   "member.knock.allow", 0},
  {"knock in v1-v6: unknown membership", VR(1, 6), NULL, &fx_knock_room, "zoe", NULL, M("knock"), 0, OK_, OK_, R,
   "member.unknown_membership", 0},
  {"knock on a public room", VR(7, 12), NULL, &fx_public, "zoe", NULL, M("knock"), 0, OK_, OK_, R,
   "member.knock.join_rule", 0},
  {"knock on an invite-only room", VR(7, 12), NULL, &fx_invite, "zoe", NULL, M("knock"), 0, OK_, OK_, R,
   "member.knock.join_rule", 0},
  {"knock, JR knock_restricted, v10+", VR(10, 12), NULL, &fx_kr, "zoe", NULL, M("knock"), 0, OK_, OK_, A,
   "member.knock.allow", 0},
  {"knock, JR knock_restricted, v7-v9", VR(7, 9), NULL, &fx_kr, "zoe", NULL, M("knock"), 0, OK_, OK_, R,
   "member.knock.join_rule", 0},
  {"knock for someone else", VR(7, 12), NULL, &fx_knock_room, "alice", "zoe", M("knock"), 0, OK_, OK_, R,
   "member.knock.not_self", 0},
  {"knock again (knock -> knock)", VR(7, 12), NULL, &fx_knock_room, "bob", NULL, M("knock"), 0, OK_, OK_, A,
   "member.knock.allow", 0},
  {"knock after leaving", VR(7, 12), NULL, &fx_knock_room, "lea", NULL, M("knock"), 0, OK_, OK_, A,
   "member.knock.allow", 0},
  {"banned user knocks", VR(7, 12), NULL, &fx_knock_room, "zed", NULL, M("knock"), 0, OK_, OK_, R,
   "member.knock.current_membership", 0},
  {"joined user knocks", VR(7, 12), NULL, &fx_knock_room, "carol", NULL, M("knock"), 0, OK_, OK_, R,
   "member.knock.current_membership", 0},
  {"invited user knocks, current text (v1.10+)", VR(7, 12), NULL, &fx_knock_room, "ivy", NULL, M("knock"), 0, OK_, OK_,
   R, "member.knock.current_membership", 0},
  {"invited user knocks, spec v1.4-v1.9 text", VR(7, 10), "v1.9", &fx_knock_room, "ivy", NULL, M("knock"), 0, OK_, OK_,
   A, "member.knock.allow", 0},
  {"invited user knocks, spec v1.3 text", VR(7, 10), "v1.3", &fx_knock_room, "ivy", NULL, M("knock"), 0, OK_, OK_, R,
   "member.knock.current_membership", 0},

  /* unknown */
  {"membership foo", ALL, NULL, &fx_public, "carol", NULL, M("foo"), 0, OK_, OK_, R, "member.unknown_membership", 0},
  {"membership not a string", ALL, NULL, &fx_public, "carol", NULL, "{\"membership\": 5}", 0, OK_, OK_, R,
   "member.unknown_membership", 0},

  /* v12 creators: infinite power (v12.md; conformance/NOTES.md#v12-creators) */
  {"v12: creator bans mod", V(12), NULL, &fx_v12, "alice", "mod", M("ban"), 0, OK_, OK_, A, "member.ban.allow", 0},
  {"v12: mod cannot ban a creator", V(12), NULL, &fx_v12, "mod", "alice", M("ban"), 0, OK_, OK_, R,
   "member.ban.insufficient_power", 0},
  {"v12: creator cannot ban another creator (inf < inf is false)", V(12), NULL, &fx_v12, "alice", "carol", M("ban"), 0,
   OK_, OK_, R, "member.ban.insufficient_power", 0},
  {"v12: additional creator cannot kick the create sender", V(12), NULL, &fx_v12, "carol", "alice", M("leave"), 0, OK_,
   OK_, R, "member.leave.kick.insufficient_power", 0},
  {"v12: no PL event, creator still bans carol", V(12), NULL, &fx_no_pl, "alice", "carol", M("ban"), 0, OK_, OK_, A,
   "member.ban.allow", 0},
};

static void run_row(const struct mrow *r, const char *vid)
{
  char name[256];
  struct mxm_state *st;
  struct mxm_event *ev;
  struct mxm_auth_facts facts;
  struct mxm_auth_options opt;
  struct mxm_result res;
  struct mxm_error err;
  enum mxm_status s;

  snprintf(name, sizeof(name), "v%s %s%s%s", vid, r->name, r->spec ? " @" : "", r->spec ? r->spec : "");
  st = fx_build(vid, r->fx);
  if(!tap_check(st != NULL, name, "fixture state failed"))
    return;
  ev = fx_parse_event(st, "m.room.member", r->sender,
                      r->state_key == NULL ? r->sender : (strcmp(r->state_key, "-") == 0 ? NULL : r->state_key),
                      r->content, r->prev_create, NULL);
  if(!tap_check(ev != NULL, name, "fixture event failed")) {
    mxm_state_free(&st);
    return;
  }
  memset(&facts, 0, sizeof(facts));
  facts.authoriser_signature = r->auth_sig;
  facts.tpi_signature = r->tpi_sig;
  mxm_auth_options_init(&opt);
  if(r->spec && mxm_spec_parse(r->spec, &opt.spec) != MXM_OK)
    tap_check(0, name, "bad spec release %s in the table", r->spec);
  memset(&res, 0, sizeof(res));
  s = mxm_auth_decide(st, ev, &facts, &opt, &res, &err);
  if(r->verdict == 0) {
    tap_int_eq(name, r->status, s);
  } else if(tap_check(s == MXM_OK, name, "status %s: %s (%s)", mxm_status_name(s), err.message, err.where)) {
    tap_str_eq(name, r->rule, res.rule_id);
    tap_str_eq(name, mxm_verdict_name(r->verdict), mxm_verdict_name(res.verdict));
    tap_check(res.spec && res.spec[0] && !strstr(res.spec, "rule -"), name, "citation \"%s\"",
              res.spec ? res.spec : "(null)");
  }
  mxm_event_free(&ev);
  mxm_state_free(&st);
}

int main(void)
{
  size_t i;
  unsigned v;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    for(v = 1; v <= 12; v++) {
      char vid[4];
      if(!(rows[i].versions & FX_V(v)))
        continue;
      snprintf(vid, sizeof(vid), "%u", v);
      run_row(&rows[i], vid);
    }
  }
  return tap_done();
}
