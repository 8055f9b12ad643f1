/*
 * auth_member.c: the m.room.member rule block (member rule 5 in v1-v5, 4 in
 * v6-v11, 5 in v12), as one static const table of rows in spec order. The
 * first row whose predicate fires decides; every branch ends in an
 * "otherwise" row, so the block always decides (or cannot decide, when a
 * signature fact is missing).
 *
 * Owns: the member rules and their rule ids (ref/RULES.md). Does not own:
 * the general rules around the block (auth_general.c), the signature facts
 * (auth_sig.c), power-level arithmetic (state.c).
 *
 * Room-version differences are row gates and predicates that read the
 * version columns (rv->knock, rv->restricted, rv->knock_restricted,
 * rv->creator_from); spec-release edits come from the edit table (version.c) via
 * mxmi_edit(). Sources: matrix-org/matrix-spec content/rooms/fragments/
 * v1-auth-rules.md, v3-auth-rules.md, v8-auth-rules.md, content/rooms/v6.md,
 * v7.md, v10.md, v11.md, v12.md.
 *
 * Decisions where the spec text is ambiguous (conformance/NOTES.md#ambiguities-and-contradictions):
 *  - 8.3 missing m.room.join_rules (or join_rule not a string): no join rule
 *    matches, so a join falls to "Otherwise, reject" (member.join.otherwise),
 *    as the text reads. matrix-spec#657 suggests treating it as invite; that
 *    is not spec text.
 *  - 8.12 v12 creators have MXM_PL_INFINITE: "PL(T) < PL(S)" is false for
 *    infinity against infinity, so one creator cannot kick or ban another,
 *    nor themselves. The spec does not define the comparison.
 *  - 8.15 "a user with sufficient permission to invite other users" is read
 *    as PL(authoriser) >= the invite level, the same test as invite rule 4.
 *    A missing or non-string join_authorised_via_users_server names no such
 *    user, so it fails this step.
 *  - 8.5 the creator's first join does not test sender == state_key (the
 *    text does not); "the only previous event" is read as prev_events
 *    holding exactly one ID, the create event's.
 *  - 8.6 "membership state" in the join steps is the sender's (= target's,
 *    since step 2 already required sender == state_key).
 *  - Knock rule before spec v1.2 had no "Otherwise, reject": falling out of
 *    the knock block is still a reject here (member.knock.current_membership)
 *    because the member rule is terminal in every release.
 */
#include <string.h>

#include "auth_int.h"

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

static int is_self(const struct mxmi_ctx *c)
{
  return c->target && strcmp(c->sender, c->target) == 0;
}

static int jr_is(const struct mxmi_ctx *c, const char *value)
{
  return c->join_rule && strcmp(c->join_rule, value) == 0;
}

/* restricted (v8+) or knock_restricted (v10+): the restricted join step. */
static int jr_restricted_like(const struct mxmi_ctx *c)
{
  return (c->rv->restricted && jr_is(c, "restricted")) || (c->rv->knock_restricted && jr_is(c, "knock_restricted"));
}

static int64_t level(const struct mxmi_ctx *c, const char *name)
{
  return mxm_state_level(c->st, name, c->opt->spec);
}

static int undecided(struct mxmi_why *why, const char *where, const char *detail, const char *fallback)
{
  mxm_error_set(why->err, MXM_E_UNDECIDABLE, where, "cannot decide: %s",
                detail && detail[0] ? detail : fallback);
  return MXMI_UNDECIDED;
}

/* signed object of content.third_party_invite, or NULL when it is missing or
 * not an object. */
static const struct mxm_json *tpi_signed(const struct mxmi_ctx *c)
{
  const struct mxm_json *s = mxm_json_get(c->ev->u.member.third_party_invite, "signed");
  return mxm_json_type(s) == MXM_JSON_OBJECT ? s : NULL;
}

/* signed.<key> as a C string without embedded NUL, or NULL. */
static const char *tpi_field(const struct mxmi_ctx *c, const char *key)
{
  size_t len;
  const char *s = mxm_json_string_len(mxm_json_get(tpi_signed(c), key), &len);
  return s && strlen(s) == len ? s : NULL;
}

static int has_tpi(const struct mxmi_ctx *c)
{
  return c->ev->u.member.has_third_party_invite;
}

/* ------------------------------------------------------------------------ */
/* Predicates. Each answers one spec sentence; MXMI_FIRES when it applies.   */

static int chk_always(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)c;
  (void)why;
  return MXMI_FIRES;
}

/* 1: no state_key, or no membership in content. */
static int chk_shape(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  if(!c->ev->state_key) {
    strcpy(why->where, "/state_key");
    return MXMI_FIRES;
  }
  if(!c->ev->u.member.has_membership) {
    strcpy(why->where, "/content/membership");
    return MXMI_FIRES;
  }
  return MXMI_NO;
}

/* 4.2 (v8+): join_authorised_via_users_server present, and the event is not
 * validly signed by that user's homeserver. */
static int chk_authoriser_signature(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const char *auth = c->ev->u.member.join_authorised_via_users_server;
  if(!c->ev->u.member.has_join_authorised)
    return MXMI_NO;
  /* A value that is not a user ID denotes no homeserver, so no signature can
   * be "by the homeserver of the user ID denoted by the key". */
  if(!auth || !mxm_user_id_valid(auth, strlen(auth)))
    return MXMI_FIRES;
  switch(c->facts->authoriser_signature) {
  case MXM_SIG_VALID:
    return MXMI_NO;
  case MXM_SIG_INVALID:
    return MXMI_FIRES;
  case MXM_SIG_UNKNOWN:
  case MXM_SIG_NOT_NEEDED:
    break;
  }
  return undecided(why, "/content/join_authorised_via_users_server", c->facts->authoriser_detail,
                   "rule 4.2 needs the signature of the authorising user's server, and no signature "
                   "fact was computed (server keys missing?)");
}

/* join 1: the only previous event is the create, and the state_key is the
 * creator (content.creator v1-v10, create sender v11+).
 * Spec v1.8-v1.12 wrote v11's step as "the state_key is the sender"; v1.13
 * (#2024) clarified it to "the sender of the m.room.create". The later text
 * is a clarification of what was meant (read literally, the older one lets
 * anyone's self-join with prev_events = [create] through), so the create
 * sender is used in every release; the edit table (version.c) lists the change as
 * "v11.first_join_create_sender" and this rule does not consult it. The
 * corpus (sequences_test.json "SecondFirstJoin") reads it the same way. */
static int chk_join_creator(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *create = c->create;
  const char *create_id, *prev, *type = NULL, *sk, *room;
  int prev_is_create;

  if(!create || c->ev->n_prev_events != 1 || !c->target)
    return MXMI_NO;
  prev = c->ev->prev_events[0];
  create_id = mxm_event_id(create);
  if(create_id)
    prev_is_create = strcmp(prev, create_id) == 0;
  else if(mxm_state_event_by_id(c->st, prev, &type, &sk, &room))
    prev_is_create = strcmp(type, "m.room.create") == 0;
  else
    return undecided(why, "/prev_events/0", NULL,
                     "the create event's ID is not known, so the creator's-first-join rule cannot "
                     "tell whether prev_events[0] is the create event");
  if(!prev_is_create)
    return MXMI_NO;
  {
    const char *creator = mxm_state_creator(c->st);
    return creator && strcmp(creator, c->target) == 0 ? MXMI_FIRES : MXMI_NO;
  }
}

static int chk_not_self(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_self(c) ? MXMI_NO : MXMI_FIRES;
}

static int chk_sender_banned(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return c->cur_sender == MXM_MEMBERSHIP_BAN ? MXMI_FIRES : MXMI_NO;
}

/* join 4: JR invite (v7+: or knock, from spec v1.3), and the membership
 * state is invite or join. */
static int chk_join_invited(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  int jr = jr_is(c, "invite") || (c->rv->knock && jr_is(c, "knock") && mxmi_edit(c, "join.knock_rule_invited"));
  (void)why;
  return jr && (c->cur_sender == MXM_MEMBERSHIP_INVITE || c->cur_sender == MXM_MEMBERSHIP_JOIN) ? MXMI_FIRES
                                                                                                 : MXMI_NO;
}

/* join 5.1: restricted-like JR and the membership state is join or invite. */
static int chk_restricted_member(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return jr_restricted_like(c) &&
                 (c->cur_sender == MXM_MEMBERSHIP_JOIN || c->cur_sender == MXM_MEMBERSHIP_INVITE)
             ? MXMI_FIRES
             : MXMI_NO;
}

/* join 5.2, first half: the authoriser is not a user with sufficient
 * permission to invite (conformance/NOTES.md#restricted-join-authoriser: PL >= invite level). */
static int chk_restricted_unauthorised(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const char *auth = c->ev->u.member.join_authorised_via_users_server;
  (void)why;
  if(!jr_restricted_like(c))
    return MXMI_NO;
  if(!auth)
    return MXMI_FIRES;
  return mxm_state_user_level(c->st, auth) < level(c, "invite") ? MXMI_FIRES : MXMI_NO;
}

/* join 5.2, second half (spec v1.17+): the authoriser is not joined. */
static int chk_restricted_authoriser_not_joined(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const char *auth = c->ev->u.member.join_authorised_via_users_server;
  (void)why;
  if(!jr_restricted_like(c) || !auth || !mxmi_edit(c, "restricted.authoriser_joined"))
    return MXMI_NO;
  return mxm_state_membership(c->st, auth) != MXM_MEMBERSHIP_JOIN ? MXMI_FIRES : MXMI_NO;
}

static int chk_restricted_allow(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return jr_restricted_like(c) ? MXMI_FIRES : MXMI_NO;
}

static int chk_public(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return jr_is(c, "public") ? MXMI_FIRES : MXMI_NO;
}

/* invite 1.1: third_party_invite and the target is banned. */
static int chk_tpi_banned(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return has_tpi(c) && c->cur_target == MXM_MEMBERSHIP_BAN ? MXMI_FIRES : MXMI_NO;
}

/*
 * The 3PID steps read the text literally, in order (ref/RULES.md "Malformed
 * third-party-invite content"): step 2 asks whether `signed` is present as a
 * property, step 3 whether `mxid` and `token` are present as properties (a
 * `signed` that is not an object has neither), step 4 whether mxid matches
 * the state_key (a non-string never does), step 5 whether a token event with
 * that state_key exists (a non-string token names none).
 */
static int chk_tpi_no_signed(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return has_tpi(c) && !mxm_json_get(c->ev->u.member.third_party_invite, "signed") ? MXMI_FIRES : MXMI_NO;
}

static int chk_tpi_signed_fields(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_json *signed_obj;
  if(!has_tpi(c))
    return MXMI_NO;
  signed_obj = mxm_json_get(c->ev->u.member.third_party_invite, "signed");
  if(!mxm_json_get(signed_obj, "mxid")) {
    strcpy(why->where, "/content/third_party_invite/signed/mxid");
    return MXMI_FIRES;
  }
  if(!mxm_json_get(signed_obj, "token")) {
    strcpy(why->where, "/content/third_party_invite/signed/token");
    return MXMI_FIRES;
  }
  return MXMI_NO;
}

static int chk_tpi_mxid(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const char *mxid;
  (void)why;
  if(!has_tpi(c))
    return MXMI_NO;
  mxid = tpi_field(c, "mxid");
  return !mxid || strcmp(mxid, c->target) != 0 ? MXMI_FIRES : MXMI_NO;
}

static int chk_tpi_no_token_event(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const char *token;
  (void)why;
  if(!has_tpi(c))
    return MXMI_NO;
  token = tpi_field(c, "token");
  return !token || !mxm_state_third_party_invite(c->st, token) ? MXMI_FIRES : MXMI_NO;
}

static int chk_tpi_sender(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  const struct mxm_event *tok;
  (void)why;
  if(!has_tpi(c))
    return MXMI_NO;
  tok = mxm_state_third_party_invite(c->st, tpi_field(c, "token"));
  return !tok->sender || strcmp(tok->sender, c->sender) != 0 ? MXMI_FIRES : MXMI_NO;
}

/* invite 1.7: any signature in signed verifies against any public key of
 * the token event. The verification itself is a fact (auth_sig.c). */
static int chk_tpi_signature_valid(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  if(!has_tpi(c))
    return MXMI_NO;
  switch(c->facts->tpi_signature) {
  case MXM_SIG_VALID:
    return MXMI_FIRES;
  case MXM_SIG_INVALID:
    return MXMI_NO;
  case MXM_SIG_UNKNOWN:
  case MXM_SIG_NOT_NEEDED:
    break;
  }
  return undecided(why, "/content/third_party_invite/signed/signatures", c->facts->tpi_detail,
                   "the third-party-invite rule needs the signature check of signed, and no "
                   "signature fact was computed");
}

static int chk_tpi_any(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return has_tpi(c) ? MXMI_FIRES : MXMI_NO;
}

static int chk_sender_not_joined(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return c->cur_sender != MXM_MEMBERSHIP_JOIN ? MXMI_FIRES : MXMI_NO;
}

static int chk_target_joined_or_banned(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return c->cur_target == MXM_MEMBERSHIP_JOIN || c->cur_target == MXM_MEMBERSHIP_BAN ? MXMI_FIRES : MXMI_NO;
}

static int chk_invite_power(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return c->pl_sender >= level(c, "invite") ? MXMI_FIRES : MXMI_NO;
}

/* leave 1, allow half: sender = state_key and cur in {invite, join} (v7+:
 * or knock, from spec v1.2). */
static int chk_self_leave_allowed(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  enum mxm_membership m = c->cur_sender;
  (void)why;
  if(!is_self(c))
    return MXMI_NO;
  if(m == MXM_MEMBERSHIP_INVITE || m == MXM_MEMBERSHIP_JOIN)
    return MXMI_FIRES;
  return m == MXM_MEMBERSHIP_KNOCK && c->rv->knock && mxmi_edit(c, "leave.self_from_knock") ? MXMI_FIRES : MXMI_NO;
}

static int chk_self(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return is_self(c) ? MXMI_FIRES : MXMI_NO;
}

static int chk_leave_target_banned(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return c->cur_target == MXM_MEMBERSHIP_BAN && c->pl_sender < level(c, "ban") ? MXMI_FIRES : MXMI_NO;
}

/* PL(S) >= level and PL(T) < PL(S). With v12 creators both sides may be
 * MXM_PL_INFINITE; infinity < infinity is false (conformance/NOTES.md#v12-creators). */
static int kick_ban_check(const struct mxmi_ctx *c, const char *name)
{
  return c->pl_sender >= level(c, name) && c->pl_target < c->pl_sender;
}

static int chk_kick_power(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return kick_ban_check(c, "kick") ? MXMI_FIRES : MXMI_NO;
}

static int chk_ban_power(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  return kick_ban_check(c, "ban") ? MXMI_FIRES : MXMI_NO;
}

/* knock 1: JR other than knock (v10+: and other than knock_restricted). */
static int chk_knock_join_rule(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  (void)why;
  if(jr_is(c, "knock"))
    return MXMI_NO;
  if(c->rv->knock_restricted && jr_is(c, "knock_restricted"))
    return MXMI_NO;
  return MXMI_FIRES;
}

/* knock 3: cur(S) not ban, invite or join (spec v1.4-v1.9: not ban or join). */
static int chk_knock_allowed(const struct mxmi_ctx *c, struct mxmi_why *why)
{
  enum mxm_membership m = c->cur_sender;
  (void)why;
  if(m == MXM_MEMBERSHIP_BAN || m == MXM_MEMBERSHIP_JOIN)
    return MXMI_NO;
  if(m == MXM_MEMBERSHIP_INVITE && !mxmi_edit(c, "knock.from_invite"))
    return MXMI_NO;
  return MXMI_FIRES;
}

/* ------------------------------------------------------------------------ */
/* The table                                                                 */

#define I MXM_MEMBERSHIP_INVITE
#define J MXM_MEMBERSHIP_JOIN
#define L MXM_MEMBERSHIP_LEAVE
#define B MXM_MEMBERSHIP_BAN
#define K MXM_MEMBERSHIP_KNOCK
#define ANY MXM_MEMBERSHIP_NONE
#define NO_GATE MXMI_GATE_NONE
#define R MXM_REJECT
#define A MXM_ALLOW

/* Citations per family (F1 v1-v5, F6, F7, F8 v8-v11, F12). */
#define C_JOIN(s) MXMI_CITE("5.2." s, "4.2." s, "4.2." s, "4.3." s, "5.3." s)
#define C_RJOIN(s) MXMI_CITE("-", "-", "-", "4.3.5." s, "5.3.5." s)
#define C_INV(s) MXMI_CITE("5.3." s, "4.3." s, "4.3." s, "4.4." s, "5.4." s)
#define C_LEAVE(s) MXMI_CITE("5.4." s, "4.4." s, "4.4." s, "4.5." s, "5.5." s)
#define C_BAN(s) MXMI_CITE("5.5." s, "4.5." s, "4.5." s, "4.6." s, "5.6." s)
#define C_KNOCK(s) MXMI_CITE("-", "-", "4.6." s, "4.7." s, "5.7." s)

static const struct mxmi_row member_rows[] = {
  /* id, on, gate, check, verdict, where, reason, citation */
  {"member.shape", ANY, NO_GATE, chk_shape, R, "",
   "a member event needs a state_key and content.membership", MXMI_CITE("5.1", "4.1", "4.1", "4.1", "5.1")},
  {"member.authorised_via.signature", ANY, MXMI_GATE_RESTRICTED, chk_authoriser_signature, R,
   "/content/join_authorised_via_users_server",
   "join_authorised_via_users_server is set but the event is not signed by that user's homeserver",
   MXMI_CITE("-", "-", "-", "4.2.1", "5.2.1")},

  /* membership join */
  {"member.join.creator", J, NO_GATE, chk_join_creator, A, "/prev_events",
   "the creator's first join: the only previous event is the create event", C_JOIN("1")},
  {"member.join.not_self", J, NO_GATE, chk_not_self, R, "/state_key",
   "a user cannot make another user join: sender differs from state_key", C_JOIN("2")},
  {"member.join.banned", J, NO_GATE, chk_sender_banned, R, "/sender", "the sender is banned", C_JOIN("3")},
  {"member.join.invited", J, NO_GATE, chk_join_invited, A, "/content/membership",
   "the join rule admits invited users and the sender is invited or joined", C_JOIN("4")},
  {"member.join.restricted.member", J, MXMI_GATE_RESTRICTED, chk_restricted_member, A, "/content/membership",
   "restricted join rule and the sender is already invited or joined", C_RJOIN("1")},
  {"member.join.restricted.unauthorised", J, MXMI_GATE_RESTRICTED, chk_restricted_unauthorised, R,
   "/content/join_authorised_via_users_server",
   "restricted join rule: join_authorised_via_users_server is missing or names a user below the invite level",
   C_RJOIN("2")},
  {"member.join.restricted.authoriser_not_joined", J, MXMI_GATE_RESTRICTED, chk_restricted_authoriser_not_joined,
   R, "/content/join_authorised_via_users_server",
   "restricted join rule: the authorising user is not a joined member of the room", C_RJOIN("2")},
  {"member.join.restricted.allow", J, MXMI_GATE_RESTRICTED, chk_restricted_allow, A,
   "/content/join_authorised_via_users_server", "restricted join rule and a qualified authorising user",
   C_RJOIN("3")},
  {"member.join.public", J, NO_GATE, chk_public, A, "", "the join rule is public",
   MXMI_CITE("5.2.5", "4.2.5", "4.2.5", "4.3.6", "5.3.6")},
  {"member.join.otherwise", J, NO_GATE, chk_always, R, "",
   "no join rule admits this join (not invited, private/unknown/missing join rule, or one the room version lacks)",
   MXMI_CITE("5.2.6", "4.2.6", "4.2.6", "4.3.7", "5.3.7")},

  /* membership invite */
  {"member.invite.3pid.banned", I, NO_GATE, chk_tpi_banned, R, "/state_key",
   "third-party invite of a banned user", C_INV("1.1")},
  {"member.invite.3pid.no_signed", I, NO_GATE, chk_tpi_no_signed, R, "/content/third_party_invite",
   "third_party_invite has no signed object", C_INV("1.2")},
  {"member.invite.3pid.signed_fields", I, NO_GATE, chk_tpi_signed_fields, R, "/content/third_party_invite/signed",
   "third_party_invite.signed lacks mxid or token", C_INV("1.3")},
  {"member.invite.3pid.mxid_mismatch", I, NO_GATE, chk_tpi_mxid, R, "/content/third_party_invite/signed/mxid",
   "third_party_invite.signed.mxid differs from state_key", C_INV("1.4")},
  {"member.invite.3pid.no_token_event", I, NO_GATE, chk_tpi_no_token_event, R,
   "/content/third_party_invite/signed/token",
   "no m.room.third_party_invite in the room state has the signed token as its state_key", C_INV("1.5")},
  {"member.invite.3pid.sender_mismatch", I, NO_GATE, chk_tpi_sender, R, "/sender",
   "the sender differs from the sender of the m.room.third_party_invite", C_INV("1.6")},
  {"member.invite.3pid.allow", I, NO_GATE, chk_tpi_signature_valid, A,
   "/content/third_party_invite/signed/signatures",
   "a signature in signed verifies with a public key of the m.room.third_party_invite", C_INV("1.7")},
  {"member.invite.3pid.bad_signature", I, NO_GATE, chk_tpi_any, R, "/content/third_party_invite/signed/signatures",
   "no signature in signed verifies with a public key of the m.room.third_party_invite", C_INV("1.8")},
  {"member.invite.sender_not_joined", I, NO_GATE, chk_sender_not_joined, R, "/sender",
   "the inviter is not joined to the room", C_INV("2")},
  {"member.invite.target_joined_or_banned", I, NO_GATE, chk_target_joined_or_banned, R, "/state_key",
   "the invitee is already joined or is banned", C_INV("3")},
  {"member.invite.allow", I, NO_GATE, chk_invite_power, A, "", "the inviter's power level reaches the invite level",
   C_INV("4")},
  {"member.invite.insufficient_power", I, NO_GATE, chk_always, R, "",
   "the inviter's power level is below the invite level", C_INV("5")},

  /* membership leave */
  {"member.leave.self.allow", L, NO_GATE, chk_self_leave_allowed, A, "",
   "a user leaves (or rejects an invite, or retracts a knock)", C_LEAVE("1")},
  {"member.leave.self.reject", L, NO_GATE, chk_self, R, "",
   "a user can only leave from invite or join (v7+: or knock): they are not in the room", C_LEAVE("1")},
  {"member.leave.sender_not_joined", L, NO_GATE, chk_sender_not_joined, R, "/sender",
   "the sender of a kick or unban is not joined to the room", C_LEAVE("2")},
  {"member.leave.target_banned", L, NO_GATE, chk_leave_target_banned, R, "/state_key",
   "unban: the target is banned and the sender's power level is below the ban level", C_LEAVE("3")},
  {"member.leave.kick.allow", L, NO_GATE, chk_kick_power, A, "",
   "the sender reaches the kick level and outranks the target", C_LEAVE("4")},
  {"member.leave.kick.insufficient_power", L, NO_GATE, chk_always, R, "",
   "the sender is below the kick level or does not outrank the target", C_LEAVE("5")},

  /* membership ban */
  {"member.ban.sender_not_joined", B, NO_GATE, chk_sender_not_joined, R, "/sender",
   "the sender of a ban is not joined to the room", C_BAN("1")},
  {"member.ban.allow", B, NO_GATE, chk_ban_power, A, "", "the sender reaches the ban level and outranks the target",
   C_BAN("2")},
  {"member.ban.insufficient_power", B, NO_GATE, chk_always, R, "",
   "the sender is below the ban level or does not outrank the target", C_BAN("3")},

  /* membership knock (v7+) */
  {"member.knock.join_rule", K, MXMI_GATE_KNOCK, chk_knock_join_rule, R, "",
   "the join rule does not allow knocking", C_KNOCK("1")},
  {"member.knock.not_self", K, MXMI_GATE_KNOCK, chk_not_self, R, "/state_key",
   "a user can only knock for themselves: sender differs from state_key", C_KNOCK("2")},
  {"member.knock.allow", K, MXMI_GATE_KNOCK, chk_knock_allowed, A, "",
   "the sender is not banned, invited or joined", C_KNOCK("3")},
  {"member.knock.current_membership", K, MXMI_GATE_KNOCK, chk_always, R, "/sender",
   "the sender's current membership does not allow knocking", C_KNOCK("4")},

  /* anything else, including knock where the room version has none */
  {"member.unknown_membership", ANY, NO_GATE, chk_always, R, "/content/membership",
   "the membership is unknown for this room version", MXMI_CITE("5.6", "4.6", "4.7", "4.8", "5.8")},
};

const struct mxmi_row *mxmi_member_rows(size_t *n)
{
  *n = sizeof(member_rows) / sizeof(member_rows[0]);
  return member_rows;
}

enum mxm_status mxmi_auth_member(const struct mxmi_ctx *c, struct mxm_result *out, struct mxm_error *err)
{
  int decided = 0;
  enum mxm_status s =
      mxmi_run_rows(member_rows, sizeof(member_rows) / sizeof(member_rows[0]), c, 1, out, &decided, err);
  if(s != MXM_OK)
    return s;
  /* The last row always fires; not deciding would be a table bug. */
  if(!decided)
    return mxm_error_set(err, MXM_E_UNDECIDABLE, "", "internal: the member rule table did not decide");
  return MXM_OK;
}
