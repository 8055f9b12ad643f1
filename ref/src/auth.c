/*
 * auth.c: the rule engine's entry points (mxm_auth_decide, mxm_auth_check),
 * the row runner shared by the rule tables, and the rule-info table
 * (mxm_rules) that lists every rule id the engine can return: exactly the
 * set of ref/RULES.md.
 *
 * Owns: dispatch order (general rules 1-3, then the member block for
 * m.room.member, else the general rules after it), the decision context,
 * option defaults. Does not own: the rules themselves (auth_member.c,
 * auth_general.c) or the signature facts (auth_sig.c).
 *
 * mxm_auth_decide allocates nothing and reads only const inputs; *out is
 * written only when a decision was reached.
 */
#include <string.h>

#include "auth_int.h"

const char *mxm_verdict_name(enum mxm_verdict v)
{
  switch(v) {
  case MXM_ALLOW:
    return "allow";
  case MXM_REJECT:
    return "reject";
  }
  return "unknown";
}

void mxm_auth_options_init(struct mxm_auth_options *opt)
{
  memset(opt, 0, sizeof(*opt));
  opt->spec = MXM_SPEC_CURRENT;
  opt->check_auth_events = 1;
  opt->lenient = MXM_LENIENT_NONE;
}

enum mxmi_family mxmi_family_of(const struct mxm_room_version *rv)
{
  if(rv->restricted)
    return rv->member_rule == 5 ? MXMI_F12 : MXMI_F8;
  if(rv->knock)
    return MXMI_F7;
  return rv->member_rule == 5 ? MXMI_F1 : MXMI_F6;
}

int mxmi_gate_open(enum mxmi_gate gate, const struct mxm_room_version *rv)
{
  switch(gate) {
  case MXMI_GATE_NONE:
    return 1;
  case MXMI_GATE_KNOCK:
    return rv->knock;
  case MXMI_GATE_RESTRICTED:
    return rv->restricted;
  case MXMI_GATE_V12:
    return rv->creators_v12;
  case MXMI_GATE_CREATE_DOMAIN:
    return rv->create_room_id_domain;
  case MXMI_GATE_CREATE_CREATOR:
    return rv->create_needs_creator;
  case MXMI_GATE_AUTH_CREATE:
    return rv->create_in_auth_events;
  }
  return 0;
}

int mxmi_edit(const struct mxmi_ctx *c, const char *edit_id)
{
  return mxm_spec_edit_active_rv(edit_id, c->opt->spec, c->rv);
}

enum mxm_status mxmi_run_rows(const struct mxmi_row *rows, size_t n, const struct mxmi_ctx *c, int member_block,
                              struct mxm_result *out, int *decided, struct mxm_error *err)
{
  size_t i;
  struct mxm_error local;

  *decided = 0;
  for(i = 0; i < n; i++) {
    const struct mxmi_row *row = &rows[i];
    struct mxmi_why why;
    int r;
    if(!mxmi_gate_open(row->gate, c->rv))
      continue;
    if(member_block && row->on != MXM_MEMBERSHIP_NONE && row->on != c->membership)
      continue;
    why.where[0] = '\0';
    mxm_error_clear(&local);
    why.err = &local;
    r = row->check(c, &why);
    if(r == MXMI_UNDECIDED) {
      if(local.status == MXM_OK)
        mxm_error_set(&local, MXM_E_UNDECIDABLE, "", "cannot decide rule %s", row->id);
      if(err)
        *err = local;
      return local.status;
    }
    if(r == MXMI_FIRES) {
      out->verdict = row->verdict;
      out->rule_id = row->id;
      out->reason = row->reason;
      out->spec = row->cite[c->family];
      memcpy(out->where, why.where[0] ? why.where : row->where,
             strlen(why.where[0] ? why.where : row->where) + 1);
      *decided = 1;
      return MXM_OK;
    }
  }
  return MXM_OK;
}

enum mxm_status mxm_auth_decide(const struct mxm_state *st, const struct mxm_event *ev,
                                const struct mxm_auth_facts *facts, const struct mxm_auth_options *opt,
                                struct mxm_result *out, struct mxm_error *err)
{
  static const struct mxm_auth_facts no_facts; /* all MXM_SIG_NOT_NEEDED */
  struct mxm_auth_options defaults;
  struct mxmi_ctx c;
  struct mxm_result res;
  enum mxm_status s;
  int decided = 0;

  if(!st || !ev || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "mxm_auth_decide: state, event and result are required");
  if(!opt) {
    mxm_auth_options_init(&defaults);
    opt = &defaults;
  }
  if(!ev->sender || !ev->type)
    return mxm_error_set(err, MXM_E_MALFORMED, ev->sender ? "/type" : "/sender",
                         "the event has no %s", ev->sender ? "type" : "sender");
  memset(&c, 0, sizeof(c));
  memset(&res, 0, sizeof(res));
  c.st = st;
  c.ev = ev;
  c.facts = facts ? facts : &no_facts;
  c.opt = opt;
  c.rv = mxm_state_room_version(st);
  if(!c.rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "the state has no room version");
  c.family = mxmi_family_of(c.rv);
  c.sender = ev->sender;
  c.create = mxm_state_create(st);
  c.cur_sender = mxm_state_membership(st, ev->sender);
  c.pl_sender = mxm_state_user_level(st, ev->sender);
  if(ev->kind == MXM_EVENT_MEMBER) {
    const struct mxm_event *jr = mxm_state_join_rules(st);
    c.target = ev->state_key;
    c.membership = ev->u.member.membership;
    if(c.membership == MXM_MEMBERSHIP_NONE) /* "none" is not a membership value */
      c.membership = MXM_MEMBERSHIP_UNKNOWN;
    c.cur_target = c.target ? mxm_state_membership(st, c.target) : MXM_MEMBERSHIP_NONE;
    c.pl_target = c.target ? mxm_state_user_level(st, c.target) : 0;
    c.join_rule = jr ? jr->u.join_rules.join_rule : NULL;
  }

  s = mxmi_auth_pre(&c, &res, &decided, err);
  if(s == MXM_OK && !decided)
    s = ev->kind == MXM_EVENT_MEMBER ? mxmi_auth_member(&c, &res, err) : mxmi_auth_post(&c, &res, err);
  if(s != MXM_OK)
    return s;
  *out = res;
  return MXM_OK;
}

enum mxm_status mxm_auth_check(const struct mxm_state *st, const struct mxm_event *ev,
                               const struct mxm_auth_options *opt, struct mxm_result *out, struct mxm_error *err)
{
  struct mxm_auth_facts facts;
  enum mxm_status s;
  if(!st || !ev || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "mxm_auth_check: state, event and result are required");
  /* An event invalid for the chosen spec release's text is not an event the
   * rules can decide: refuse it as too big, like parsing would. */
  s = mxm_event_check_release(ev, mxm_state_room_version(st), opt ? opt->spec : MXM_SPEC_CURRENT, err);
  if(s != MXM_OK)
    return s;
  s = mxm_auth_facts_compute(st, ev, &facts, err);
  if(s != MXM_OK)
    return s;
  return mxm_auth_decide(st, ev, &facts, opt, out, err);
}

/* ------------------------------------------------------------------------ */
/* Rule info: every id the engine can return (ref/RULES.md), in RULES.md
 * order. test_auth_general checks it against the row tables both ways.     */

#define A MXM_ALLOW
#define R MXM_REJECT
static const struct mxm_rule_info rule_info[] = {
  {"member.shape", R, "no state_key, or content.membership missing", "1-12"},
  {"member.authorised_via.signature", R, "join_authorised_via_users_server set, event not signed by that user's server", "8-12"},
  {"member.join.creator", A, "creator's first join: only previous event is the create", "1-12"},
  {"member.join.not_self", R, "join with sender != state_key", "1-12"},
  {"member.join.banned", R, "join by a banned user", "1-12"},
  {"member.join.invited", A, "join rule invite (v7+: or knock) and invited or joined", "1-12"},
  {"member.join.restricted.member", A, "restricted join rule and invited or joined", "8-12"},
  {"member.join.restricted.unauthorised", R, "restricted join: authoriser missing or below the invite level", "8-12"},
  {"member.join.restricted.authoriser_not_joined", R, "restricted join: authoriser not joined (spec v1.17+)", "8-12"},
  {"member.join.restricted.allow", A, "restricted join with a qualified authoriser", "8-12"},
  {"member.join.public", A, "join rule public", "1-12"},
  {"member.join.otherwise", R, "no join rule admits the join", "1-12"},
  {"member.invite.3pid.banned", R, "third-party invite of a banned user", "1-12"},
  {"member.invite.3pid.no_signed", R, "third_party_invite without signed", "1-12"},
  {"member.invite.3pid.signed_fields", R, "signed lacks mxid or token", "1-12"},
  {"member.invite.3pid.mxid_mismatch", R, "signed.mxid != state_key", "1-12"},
  {"member.invite.3pid.no_token_event", R, "no m.room.third_party_invite for the token", "1-12"},
  {"member.invite.3pid.sender_mismatch", R, "sender != the token event's sender", "1-12"},
  {"member.invite.3pid.allow", A, "a signature in signed verifies with a key of the token event", "1-12"},
  {"member.invite.3pid.bad_signature", R, "no signature in signed verifies", "1-12"},
  {"member.invite.sender_not_joined", R, "inviter not joined", "1-12"},
  {"member.invite.target_joined_or_banned", R, "invitee joined or banned", "1-12"},
  {"member.invite.allow", A, "inviter's level >= invite level", "1-12"},
  {"member.invite.insufficient_power", R, "inviter's level < invite level", "1-12"},
  {"member.leave.self.allow", A, "self-leave from invite or join (v7+: or knock)", "1-12"},
  {"member.leave.self.reject", R, "self-leave from any other membership", "1-12"},
  {"member.leave.sender_not_joined", R, "kick/unban by a sender who is not joined", "1-12"},
  {"member.leave.target_banned", R, "unban with sender's level < ban level", "1-12"},
  {"member.leave.kick.allow", A, "sender >= kick level and outranks the target", "1-12"},
  {"member.leave.kick.insufficient_power", R, "sender below kick level or not above the target", "1-12"},
  {"member.ban.sender_not_joined", R, "ban by a sender who is not joined", "1-12"},
  {"member.ban.allow", A, "sender >= ban level and outranks the target", "1-12"},
  {"member.ban.insufficient_power", R, "sender below ban level or not above the target", "1-12"},
  {"member.knock.join_rule", R, "knock where the join rule is not knock (v10+: or knock_restricted)", "7-12"},
  {"member.knock.not_self", R, "knock with sender != state_key", "7-12"},
  {"member.knock.allow", A, "knock by a user not banned, invited or joined", "7-12"},
  {"member.knock.current_membership", R, "knock from ban, join (or invite)", "7-12"},
  {"member.unknown_membership", R, "unknown membership (knock in v1-v6)", "1-12"},
  {"create.prev_events", R, "create with prev_events", "1-12"},
  {"create.room_id_domain", R, "create room_id domain != sender domain", "1-11"},
  {"create.has_room_id", R, "v12 create with a room_id", "12"},
  {"create.room_version", R, "create content.room_version not recognised", "1-12"},
  {"create.additional_creators", R, "additional_creators not an array of user IDs", "12"},
  {"create.no_creator", R, "create without content.creator", "1-10"},
  {"create.allow", A, "a well-formed create", "1-12"},
  {"room.not_create_id", R, "room_id is not the create event's ID", "12"},
  {"auth_events.duplicate", R, "duplicate (type, state_key) in auth_events", "1-12"},
  {"auth_events.unexpected", R, "auth event the selection would not pick", "1-12"},
  {"auth_events.no_create", R, "no create among the auth events", "1-11"},
  {"auth_events.room_mismatch", R, "auth event from another room (spec v1.16+)", "1-12"},
  {"federate", R, "m.federate false and sender from another server", "1-12"},
  {"sender.not_joined", R, "non-member event from a sender who is not joined", "1-12"},
  {"third_party_invite.allow", A, "m.room.third_party_invite with sender >= invite level", "1-12"},
  {"third_party_invite.insufficient_power", R, "m.room.third_party_invite below the invite level", "1-12"},
  {"event.insufficient_power", R, "required level for the event type above the sender's", "1-12"},
  {"event.state_key_user", R, "state_key starting with @ that is not the sender", "1-12"},
  {"power_levels.types", R, "power levels of the wrong type, or users key not a user ID", "1-12"},
  {"power_levels.creator_in_users", R, "users names a room creator", "12"},
  {"power_levels.initial", A, "the first power-levels event", "1-12"},
  {"power_levels.level_change", R, "a level changed with old or new value above the sender's", "1-12"},
  {"power_levels.events_change", R, "events/notifications entry changed above the sender's level", "1-12"},
  {"power_levels.users_demote", R, "another user's entry changed/removed with old value >= sender's", "1-12"},
  {"power_levels.users_raise", R, "users entry set above the sender's level", "1-12"},
  {"power_levels.allow", A, "a power-levels change within the sender's power", "1-12"},
  {"event.allow", A, "any other event that passed the general rules", "1-12"},
};

const struct mxm_rule_info *mxm_rules(size_t *count)
{
  if(count)
    *count = sizeof(rule_info) / sizeof(rule_info[0]);
  return rule_info;
}

const struct mxm_rule_info *mxm_rule_find(const char *id)
{
  size_t i;
  if(!id)
    return NULL;
  for(i = 0; i < sizeof(rule_info) / sizeof(rule_info[0]); i++)
    if(strcmp(rule_info[i].id, id) == 0)
      return &rule_info[i];
  return NULL;
}
