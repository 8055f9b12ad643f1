/*
 * fuzz/check.c: library runs, findings, invariants and statistics (see
 * check.h). The invariants are stated from the spec text, not from the
 * rule engine: each is a property any correct engine has, checked on the
 * abstract case plus the engine's verdict.
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mxmf_stats mxmf_stats;

void mxmf_stats_print(void)
{
  const struct mxmf_stats *s = &mxmf_stats;
  fprintf(stderr,
          "mxm-fuzz stats: cases=%llu decided=%llu either(skipped, ambiguous)=%llu state_invalid=%llu "
          "undecidable=%llu unsupported=%llu\n"
          "mxm-fuzz contradictions (allowed, counted): knock->join=%llu 3pid join->invite=%llu "
          "first-join-in-non-bare-room=%llu; room steps=%llu accepted=%llu\n"
          "mxm-fuzz auth events: rejected entry, library cannot decide=%llu; room steps checked by the oracle=%llu "
          "(either=%llu); canonical known answers=%llu (none=%llu)\n",
          (unsigned long long)s->cases, (unsigned long long)s->decided, (unsigned long long)s->either,
          (unsigned long long)s->state_invalid, (unsigned long long)s->undecidable,
          (unsigned long long)s->unsupported, (unsigned long long)s->contradiction_knock_join,
          (unsigned long long)s->contradiction_3pid_join_invite, (unsigned long long)s->ambiguous_first_join,
          (unsigned long long)s->room_steps, (unsigned long long)s->room_accepted, (unsigned long long)s->auth_unknown,
          (unsigned long long)s->room_oracle, (unsigned long long)s->room_oracle_either,
          (unsigned long long)s->canon_known, (unsigned long long)s->canon_no_answer);
}

static void print_stats_at_exit(void) { mxmf_stats_print(); }

void mxmf_init(void)
{
  static int done;
  struct mxm_error err;
  if(done)
    return;
  done = 1;
  mxm_json_deterministic();
  mxm_error_clear(&err);
  if(mxmf_keys_init(&err) != MXM_OK)
    fprintf(stderr, "mxm-fuzz: warning: cannot derive test keys: %s\n", err.message);
  if(getenv("MXMF_STATS"))
    atexit(print_stats_at_exit);
}

_Noreturn void mxmf_finding(const char *harness, const struct mxmf_case *c, const char *fmt, ...)
{
  static char buf[4096];
  va_list ap;
  fprintf(stderr, "\n==== MXM-FUZZ FINDING (%s) ====\n", harness);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  if(c)
    fprintf(stderr, "decoded case:\n%s", mxmf_case_describe(c, buf, sizeof(buf)));
  fprintf(stderr, "==== end of finding ====\n");
  fflush(stderr);
  abort();
}

const char *mxmf_stage_name(enum mxmf_stage s)
{
  switch(s) {
  case MXMF_AT_BUILD: return "building the events";
  case MXMF_AT_STATE: return "loading the state";
  case MXMF_AT_EVENT: return "parsing the event";
  case MXMF_AT_AUTH: return "authorising";
  case MXMF_DONE: return "done";
  }
  return "?";
}

const char *mxmf_result_text(const struct mxm_result *r, char *buf, size_t cap)
{
  snprintf(buf, cap, "%s by %s (%s)%s%s", r->verdict == MXM_ALLOW ? "allow" : r->verdict == MXM_REJECT ? "reject" : "?",
           r->rule_id ? r->rule_id : "(no rule id)", r->reason ? r->reason : "", r->where[0] ? " at " : "", r->where);
  return buf;
}

void mxmf_run_case(const struct mxmf_case *c, struct mxmf_run *run)
{
  memset(run, 0, sizeof(*run));
  mxm_error_clear(&run->err);
  mxm_auth_options_init(&run->opt);
  run->opt.spec = (enum mxm_spec_release)c->spec;
  run->stage = MXMF_AT_BUILD;
  run->status = mxmf_build_room(c, &run->rb, &run->err);
  if(run->status != MXM_OK)
    return;
  run->status = mxmf_build_event(c, &c->ev, &run->rb, &run->evjson, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_AT_STATE;
  run->status = mxm_state_new(run->rb.rv, &run->st);
  if(run->status != MXM_OK)
    return;
  run->status = mxmf_fill_state(&run->rb, run->st, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_AT_EVENT;
  run->status = mxm_event_from_json(run->evjson, run->rb.rv, &run->ev, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_AT_AUTH;
  run->status = mxm_auth_check(run->st, run->ev, &run->opt, &run->res, &run->err);
  if(run->status != MXM_OK)
    return;
  run->stage = MXMF_DONE;
}

void mxmf_run_free(struct mxmf_run *run)
{
  mxm_event_free(&run->ev);
  mxm_json_free(&run->evjson);
  mxm_state_free(&run->st);
  mxmf_room_build_free(&run->rb);
}

int mxmf_expect_decided(const char *harness, const struct mxmf_case *c, const struct mxmo_answer *oracle,
                        const struct mxmf_run *run)
{
  mxmf_stats.cases++;
  if(run->stage != MXMF_DONE) {
    switch(run->status) {
    case MXM_E_UNDECIDABLE:
      if(oracle->unknown_auth_event && run->stage == MXMF_AT_AUTH) {
        mxmf_stats.auth_unknown++; /* a rejected auth event: no state of accepted events holds it */
        return 0;
      }
      mxmf_stats.undecidable++;
      return 0;
    case MXM_E_UNSUPPORTED: mxmf_stats.unsupported++; return 0;
    case MXM_E_NOMEM: return 0;
    case MXM_E_MALFORMED: case MXM_E_TOO_BIG:
      if(oracle->verdict == MXMO_STATE_INVALID && run->stage <= MXMF_AT_STATE) {
        mxmf_stats.state_invalid++;
        return 0;
      }
      break;
    case MXM_OK: case MXM_E_IO: case MXM_E_USAGE: case MXM_E_CRYPTO: break;
    }
    mxmf_finding(harness, c, "the library could not decide a case the oracle calls %s: stopped while %s with %s at '%s': %s",
                 oracle->verdict == MXMO_STATE_INVALID ? "an invalid state" : "well-formed",
                 mxmf_stage_name(run->stage), mxm_status_name(run->status), run->err.where, run->err.message);
  }
  if(oracle->verdict == MXMO_STATE_INVALID)
    mxmf_finding(harness, c,
                 "the library loaded a state the room version forbids (%s) and decided the event instead of refusing it",
                 oracle->why);
  mxmf_stats.decided++;
  return 1;
}

/* ---- invariants -------------------------------------------------------- */

/* The three tables of data/event-schemas/schema/m.room.member.yaml, as
 * cell kinds: N "Must never happen.", I "Not implemented.", . anything
 * else. Rows from, columns to, both in the order invite, join, leave, ban,
 * knock. r0.5.0-r0.6.1 (matrix-org/matrix-doc @client_server/r0.6.1
 * event-schemas/schema/m.room.member); v1.1-v1.2 (knock cells filled in);
 * v1.3+ (invite -> knock "User is re-knocking.", matrix-doc #3730). */
static const char *const tables[3][5] = {
    /* r0 */ {"....I", "N...I", "....I", "NN..I", "IIIII"},
    /* v1.1 */ {"....N", "N...N", ".....", "NN..N", ".N..."},
    /* v1.3 */ {".....", "N...N", ".....", "NN..N", ".N..."},
};

static int table_index(enum mxmf_membership m)
{
  switch(m) {
  case MXMF_M_INVITE: return 0;
  case MXMF_M_JOIN: return 1;
  case MXMF_M_NONE: /* the table reads a missing prev_content as leave */
  case MXMF_M_LEAVE: return 2;
  case MXMF_M_BAN: return 3;
  case MXMF_M_KNOCK: return 4;
  case MXMF_M_FOO: case MXMF_M_NOTSTRING: case MXMF_M_ABSENT: break;
  }
  return -1;
}

char mxmf_table_kind(int era, enum mxmf_membership from, enum mxmf_membership to)
{
  int f = table_index(from), t = table_index(to);
  if(era < 0 || era > 2 || f < 0 || t < 0 || to == MXMF_M_NONE)
    return '?';
  return tables[era][f][t];
}

int mxmf_must_never_happen(enum mxmf_membership from, enum mxmf_membership to)
{
  return mxmf_table_kind(2, from, to) == 'N';
}

void mxmf_check_classification(const char *h, const struct mxmf_case *c, const char *what, enum mxmf_membership from,
                               enum mxmf_membership to, const struct mxm_transition tr[3])
{
  static const char *const eras[3] = {"r0.5.0-r0.6.1", "v1.1-v1.2", "v1.3+"};
  for(int era = 0; era < 3; era++) {
    char k = mxmf_table_kind(era, from, to);
    if(k == '?')
      continue;
    if((int)tr[era].must_never_happen != (k == 'N') || (int)tr[era].not_implemented != (k == 'I'))
      mxmf_finding(h, c, "%s: the library classifies %s -> %s in the %s table as '%s'%s%s, the table says %s", what,
                   mxmf_membership_word(from), mxmf_membership_word(to), eras[era],
                   tr[era].text ? tr[era].text : "(none)", tr[era].must_never_happen ? " (must never happen)" : "",
                   tr[era].not_implemented ? " (not implemented)" : "",
                   k == 'N' ? "Must never happen." : k == 'I' ? "Not implemented." : "another cell");
  }
}

/* Invariants of a rejection: events the rules must allow, each stated from
 * the allowing rule of the member block (v1-auth-rules.md 5.2-5.5; v7.md
 * 4.4; the same in every version's text), when no rule before the block
 * rejects (mxmo_general_reject: auth events, m.federate, member 1 and 4.2).
 * Each is a sufficient condition, so a correct engine never rejects it; a
 * rule that is too strict fails here. */
static void check_rejection(const char *h, const struct mxmf_case *c, const struct mxm_result *res)
{
  char rb[512];
  const struct mxmf_event *e = &c->ev;
  enum mxmf_membership m = e->membership, cur_s = c->member[e->sender], cur_t = c->member[e->target];
  int self = e->sender == e->target, tie;
  int64_t pl_s = mxmo_user_level(c, e->sender), pl_t = mxmo_user_level(c, e->target);
  const char *must = NULL;

  if(mxmo_general_reject(c) || mxmo_first_join_possible(c))
    return;
  tie = !self && mxmo_is_v12_creator(c, e->sender) && mxmo_is_v12_creator(c, e->target);
  switch(m) {
  case MXMF_M_LEAVE: /* leave 1: self, from invite or join; leave 4: a kick with the power */
    if(self && (cur_s == MXMF_M_INVITE || cur_s == MXMF_M_JOIN))
      must = "a self-leave from invite or join (leave 1)";
    else if(!self && !tie && cur_s == MXMF_M_JOIN && pl_s >= mxmo_level(c, "kick") && pl_t < pl_s &&
            (cur_t != MXMF_M_BAN || pl_s >= mxmo_level(c, "ban")))
      must = "a kick (or unban) by a joined sender with PL >= kick (and ban for a banned target) above the target's (leave 3-4)";
    break;
  case MXMF_M_BAN: /* ban 2 */
    if(!tie && cur_s == MXMF_M_JOIN && pl_s >= mxmo_level(c, "ban") && pl_t < pl_s)
      must = "a ban by a joined sender with PL >= ban above the target's (ban 2)";
    break;
  case MXMF_M_INVITE: /* invite 4, without a third-party invite */
    if(!e->tpi.present && cur_s == MXMF_M_JOIN && cur_t != MXMF_M_JOIN && cur_t != MXMF_M_BAN &&
       pl_s >= mxmo_level(c, "invite"))
      must = "an invite by a joined sender with PL >= invite of a target neither joined nor banned (invite 4)";
    break;
  case MXMF_M_JOIN: /* join 6: public */
    if(self && cur_s != MXMF_M_BAN && c->join_rule == MXMF_JR_PUBLIC)
      must = "a self-join of a user not banned to a public room (join 6)";
    break;
  case MXMF_M_NONE: case MXMF_M_KNOCK: case MXMF_M_FOO: case MXMF_M_NOTSTRING: case MXMF_M_ABSENT: break;
  }
  if(must)
    mxmf_finding(h, c, "%s was rejected: %s", must, mxmf_result_text(res, rb, sizeof(rb)));
}

void mxmf_check_invariants(const char *h, const struct mxmf_case *c, const struct mxm_result *res)
{
  char rb[512];
  const struct mxmf_event *e = &c->ev;
  enum mxmf_membership m = e->membership, cur_s, cur_t;
  int allowed = res->verdict == MXM_ALLOW, self, first_join, creators_tie;
  int64_t pl_s, pl_t, kick, ban;

  if(res->verdict != MXM_ALLOW && res->verdict != MXM_REJECT)
    mxmf_finding(h, c, "verdict is neither allow nor reject: %d", (int)res->verdict);
  if(!res->rule_id || !mxm_rule_find(res->rule_id))
    mxmf_finding(h, c, "verdict names no rule of the rule table: %s", mxmf_result_text(res, rb, sizeof(rb)));
  if(!allowed) {
    check_rejection(h, c, res);
    return;
  }
  if(e->omit_state_key || m == MXMF_M_ABSENT || m == MXMF_M_FOO || m == MXMF_M_NOTSTRING)
    mxmf_finding(h, c, "an event without state_key or with no valid membership was allowed: %s",
                 mxmf_result_text(res, rb, sizeof(rb)));

  self = e->sender == e->target;
  cur_s = c->member[e->sender];
  cur_t = c->member[e->target];
  pl_s = mxmo_user_level(c, e->sender);
  pl_t = mxmo_user_level(c, e->target);
  kick = mxmo_level(c, "kick");
  ban = mxmo_level(c, "ban");
  first_join = mxmo_first_join_possible(c);
  creators_tie = !self && mxmo_is_v12_creator(c, e->sender) && mxmo_is_v12_creator(c, e->target);

  /* A join with sender != state_key only as the creator's first join. */
  if(m == MXMF_M_JOIN && !self && !first_join)
    mxmf_finding(h, c, "a join with sender != state_key was allowed outside the creator's first join: %s",
                 mxmf_result_text(res, rb, sizeof(rb)));
  /* Knock never exists in v1-v6. */
  if(m == MXMF_M_KNOCK && !mxmo_has_knock(c->room_version))
    mxmf_finding(h, c, "knock allowed in room version %d: %s", c->room_version, mxmf_result_text(res, rb, sizeof(rb)));
  /* Nothing for a banned target but ban, and leave by someone with unban power. */
  if(cur_t == MXMF_M_BAN && !first_join) {
    int unban = m == MXMF_M_LEAVE && !self && cur_s == MXMF_M_JOIN && pl_s >= ban && pl_s >= kick &&
                (pl_t < pl_s || creators_tie);
    if(m != MXMF_M_BAN && !unban)
      mxmf_finding(h, c, "%s allowed for a banned target (only ban, or unban by PL >= ban and kick and > target): %s",
                   mxmf_membership_word(m), mxmf_result_text(res, rb, sizeof(rb)));
  }
  /* Kick, ban and unban of another user need PL(S) > PL(T) and the level. */
  if((m == MXMF_M_LEAVE || m == MXMF_M_BAN) && !self) {
    int64_t need = m == MXMF_M_BAN ? ban : kick;
    if(cur_s != MXMF_M_JOIN || pl_s < need || (!(pl_t < pl_s) && !creators_tie))
      mxmf_finding(h, c,
                   "%s of another user allowed without the power: sender %s PL %lld, target PL %lld, level %lld: %s",
                   m == MXMF_M_BAN ? "ban" : "kick/unban", mxmf_membership_word(cur_s), (long long)pl_s,
                   (long long)pl_t, (long long)need, mxmf_result_text(res, rb, sizeof(rb)));
  }
  /* Self-ban: PL(T) = PL(S), never strictly lower. */
  if(m == MXMF_M_BAN && self)
    mxmf_finding(h, c, "self-ban allowed: %s", mxmf_result_text(res, rb, sizeof(rb)));
  /* Accepted transitions are not "Must never happen." in the current table,
   * except the documented contradictions, which are counted. */
  if(mxmf_must_never_happen(cur_t, m)) {
    if(cur_t == MXMF_M_KNOCK && m == MXMF_M_JOIN)
      mxmf_stats.contradiction_knock_join++;
    else if(cur_t == MXMF_M_JOIN && m == MXMF_M_INVITE && e->tpi.present)
      mxmf_stats.contradiction_3pid_join_invite++;
    else if(first_join && (!mxmo_room_is_bare(c) || !mxmo_first_join(c)))
      mxmf_stats.ambiguous_first_join++; /* conformance/NOTES.md#creator-first-join readings */
    else
      mxmf_finding(h, c, "accepted transition %s -> %s is 'Must never happen.' in the current table: %s",
                   mxmf_membership_word(cur_t), mxmf_membership_word(m), mxmf_result_text(res, rb, sizeof(rb)));
  }
}
