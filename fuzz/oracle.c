/*
 * fuzz/oracle.c: the independent decision procedure (see oracle.h).
 *
 * Form: three small data tables (room-version features, spec-release edits,
 * the member rule block as a per-membership list of guarded outcomes) and
 * one evaluator. Every row names the spec rule it comes from. Nothing here is shared with ref/src: a
 * bug would have to be written twice, independently, to go unnoticed.
 */
#include "oracle.h"

#include <stddef.h>
#include <string.h>

/* ---- room-version features (content/rooms/v1.md .. v12.md) --------------- */

struct version_row {
  unsigned knock : 1;            /* knock membership and JR knock: v7+ */
  unsigned restricted : 1;       /* JR restricted, rule 4.2: v8+ */
  unsigned knock_restricted : 1; /* JR knock_restricted: v10+ */
  unsigned string_pl : 1;        /* integer strings as power levels: v1-v9 */
  unsigned float_pl : 1;         /* floats as power levels (truncated): v1-v5 */
  unsigned v12_creators : 1;     /* creators have infinite power: v12 */
  int intro;                     /* first spec release with the version (changelog) */
};

/* Index = room version. Intro: v1-v6 are r0-era; v7 arrives with knocking in
 * v1.1; v8/v9 v1.2; v10 v1.3; v11 v1.8; v12 v1.16 (content/changelog/v1.*.md). */
static const struct version_row versions[13] = {
  /*        kn rs kr st fl 12 intro */
  [1] = {0, 0, 0, 1, 1, 0, 0},   [2] = {0, 0, 0, 1, 1, 0, 0},  [3] = {0, 0, 0, 1, 1, 0, 0},
  [4] = {0, 0, 0, 1, 1, 0, 0},   [5] = {0, 0, 0, 1, 1, 0, 0},  [6] = {0, 0, 0, 1, 0, 0, 0},
  [7] = {1, 0, 0, 1, 0, 0, 1},   [8] = {1, 1, 0, 1, 0, 0, 2},  [9] = {1, 1, 0, 1, 0, 0, 2},
  [10] = {1, 1, 1, 0, 0, 0, 3},  [11] = {1, 1, 1, 0, 0, 0, 8}, [12] = {1, 1, 1, 0, 0, 1, 16},
};

static const struct version_row *vrow(int v)
{
  static const struct version_row none = {0, 0, 0, 0, 0, 0, 0};
  return (v >= 1 && v <= 12) ? &versions[v] : &none;
}

int mxmo_has_knock(int room_version) { return vrow(room_version)->knock; }

/* ---- spec-release edits (conformance/NOTES.md#spec-release-edits) -------- */

enum edit {
  ED_JOIN_VIA_KNOCK_JR,  /* JR knock lets invited/joined users join: v1.3+, v7+ */
  ED_LEAVE_FROM_KNOCK,   /* self-leave allowed from knock: v1.2+, v7+ */
  ED_KNOCK_OTHERWISE,    /* knock rule ends in "Otherwise, reject": v1.2+ */
  ED_KNOCK_FROM_INVITE,  /* knock allowed from invite: v1.4-v1.9 only */
  ED_AUTHORISER_JOINED,  /* restricted authoriser must be joined: v1.17+ */
  ED_INVITE_DEFAULT_0,   /* invite level defaults to 0 (50 before): v1.6+ */
  ED_FEDERATE,           /* m.federate rule in the text (v1-v5, v8-v12) */
  ED_FEDERATE_V6V7,      /* m.federate rule in the v6/v7 texts: v1.14+ */
  ED_AE_REJECTED,        /* auth rule 2.3, a rejected auth event rejects: v1.4+ (#1137) */
  ED_AE_REJECTED_V6V7,   /* the same in the v6/v7 texts: v1.14+ (#2065) */
  ED_AE_KNOCK_JR,        /* selection: join rules also for knock: v1.14+ (#2063) */
  ED_AE_AUTHORISER_JOIN, /* selection: the authoriser's member only for join: v1.15+ (#2100) */
  ED_COUNT
};

struct edit_row {
  int first, last;       /* spec releases, inclusive */
  int vmin, vmax;        /* room versions it concerns */
};

static const struct edit_row edits[ED_COUNT] = {
  [ED_JOIN_VIA_KNOCK_JR] = {3, MXMF_SPEC_CURRENT, 7, 12},
  [ED_LEAVE_FROM_KNOCK] = {2, MXMF_SPEC_CURRENT, 7, 12},
  [ED_KNOCK_OTHERWISE] = {2, MXMF_SPEC_CURRENT, 7, 12},
  [ED_KNOCK_FROM_INVITE] = {4, 9, 7, 12},
  [ED_AUTHORISER_JOINED] = {17, MXMF_SPEC_CURRENT, 8, 12},
  [ED_INVITE_DEFAULT_0] = {6, MXMF_SPEC_CURRENT, 1, 12},
  [ED_FEDERATE] = {3, MXMF_SPEC_CURRENT, 1, 12},
  [ED_FEDERATE_V6V7] = {14, MXMF_SPEC_CURRENT, 6, 7},
  [ED_AE_REJECTED] = {4, MXMF_SPEC_CURRENT, 1, 12},
  [ED_AE_REJECTED_V6V7] = {14, MXMF_SPEC_CURRENT, 6, 7},
  [ED_AE_KNOCK_JR] = {14, MXMF_SPEC_CURRENT, 1, 12},
  [ED_AE_AUTHORISER_JOIN] = {15, MXMF_SPEC_CURRENT, 8, 12},
};

static int edit_on(const struct mxmf_case *c, enum edit e)
{
  const struct edit_row *r = &edits[e];
  return c->spec >= r->first && c->spec <= r->last && c->room_version >= r->vmin &&
         c->room_version <= r->vmax;
}

static int federate_rule_on(const struct mxmf_case *c)
{
  if(c->room_version == 6 || c->room_version == 7)
    return edit_on(c, ED_FEDERATE_V6V7);
  return edit_on(c, ED_FEDERATE);
}

/* ---- power (m.room.power_levels.yaml, power-level fragments, v12.md) ----- */

/* A level's JSON text, read as the room version reads it. Written as a
 * scan over the characters, with no number library: integers within
 * +-(2^53-1) everywhere (m.room.power_levels.yaml); v1-v9 also a JSON
 * string of optional whitespace, at most one sign, base-10 digits and
 * optional whitespace (v1-stringy-power-levels.md: the whitespace is not
 * named; the vocabulary uses only ASCII space, tab and newline); v1-v5
 * also a number with a fraction or exponent, exponent applied, then
 * truncated at the decimal point (v1-floaty-power-levels.md), exactly in
 * decimal (the vocabulary has no literal a double cannot hold). */
#define MAX_SAFE 9007199254740991LL

static int digits_value(const char *d, size_t n, int neg, int64_t *out)
{
  int64_t v = 0;
  while(n > 0 && *d == '0') {
    d++;
    n--;
  }
  if(n > 16)
    return 0;
  for(size_t i = 0; i < n; i++)
    v = v * 10 + (d[i] - '0');
  if(v > MAX_SAFE)
    return 0;
  *out = neg ? -v : v;
  return 1;
}

static int is_digit_c(char ch) { return ch >= '0' && ch <= '9'; }

static int level_of_number(const char *t, const struct version_row *v, int64_t *out)
{
  char mant[64];
  size_t nm = 0, i = 0;
  int neg = 0, frac = 0, has_frac = 0, has_exp = 0, eneg = 0;
  long e = 0;
  if(t[i] == '-') {
    neg = 1;
    i++;
  }
  if(!is_digit_c(t[i]))
    return 0;
  for(; is_digit_c(t[i]); i++)
    if(nm < sizeof(mant))
      mant[nm++] = t[i];
    else
      return 0;
  if(t[i] == '.') {
    has_frac = 1;
    for(i++; is_digit_c(t[i]); i++, frac++)
      if(nm < sizeof(mant))
        mant[nm++] = t[i];
      else
        return 0;
  }
  if(t[i] == 'e' || t[i] == 'E') {
    has_exp = 1;
    i++;
    if(t[i] == '+' || t[i] == '-')
      eneg = t[i++] == '-';
    for(; is_digit_c(t[i]); i++)
      if(e < 100000)
        e = e * 10 + (t[i] - '0');
  }
  if(t[i] != '\0')
    return 0;
  if(!has_frac && !has_exp)
    return digits_value(mant, nm, neg, out);
  if(!v->float_pl)
    return 0;
  e = (eneg ? -e : e) - frac; /* value = mant * 10^e */
  if(e >= 0) {
    if(e > 20) { /* 10^21 and beyond: out of range unless the mantissa is 0 */
      for(size_t k = 0; k < nm; k++)
        if(mant[k] != '0')
          return 0;
      *out = 0;
      return 1;
    }
    for(long k = 0; k < e; k++)
      if(nm < sizeof(mant))
        mant[nm++] = '0';
      else
        return 0;
    return digits_value(mant, nm, neg, out);
  }
  if((size_t)-e >= nm) { /* |value| < 1: truncates to 0 */
    *out = 0;
    return 1;
  }
  return digits_value(mant, nm - (size_t)-e, neg, out); /* drops the fraction: truncation */
}

static int level_of_string(const char *t, const struct version_row *v, int64_t *out)
{
  char s[64];
  size_t n = 0, i = 1, a, b;
  int neg = 0;
  if(!v->string_pl)
    return 0;
  for(; t[i] && t[i] != '"'; i++) { /* the JSON escapes the vocabulary uses */
    char ch = t[i];
    if(ch == '\\') {
      i++;
      ch = t[i] == 't' ? '\t' : t[i] == 'n' ? '\n' : t[i] == 'r' ? '\r' : t[i] == '"' ? '"' : t[i] == '\\' ? '\\' : 0;
      if(!ch)
        return 0; /* \u and others: not a digit nor named whitespace */
    }
    if(n + 1 >= sizeof(s))
      return 0;
    s[n++] = ch;
  }
  if(t[i] != '"' || t[i + 1] != '\0')
    return 0;
  s[n] = '\0';
  a = strspn(s, " \t\n\r");
  b = n;
  while(b > a && strchr(" \t\n\r", s[b - 1]))
    b--;
  if(a < b && (s[a] == '+' || s[a] == '-'))
    neg = s[a++] == '-';
  if(a == b)
    return 0;
  for(size_t k = a; k < b; k++)
    if(!is_digit_c(s[k]))
      return 0;
  return digits_value(s + a, b - a, neg, out);
}

int mxmo_level_of_text(const char *text, int room_version, int64_t *out)
{
  const struct version_row *v = vrow(room_version);
  if(text[0] == '"')
    return level_of_string(text, v, out);
  if(text[0] == '-' || is_digit_c(text[0]))
    return level_of_number(text, v, out);
  return 0; /* true, false, null, arrays, objects: never a level */
}

static int level_value(const struct mxmf_case *c, const struct mxmf_level *l, int64_t *out)
{
  char text[64];
  return mxmo_level_of_text(mxmf_level_json(l, text, sizeof(text)), c->room_version, out);
}

int mxmo_is_v12_creator(const struct mxmf_case *c, int user)
{
  if(!vrow(c->room_version)->v12_creators || user < 0 || user >= MXMF_USERS)
    return 0;
  return user == 0 || ((c->additional_creators >> user) & 1u);
}

int64_t mxmo_user_level(const struct mxmf_case *c, int user)
{
  if(mxmo_is_v12_creator(c, user))
    return MXMO_PL_INFINITE;
  if(c->power.present) {
    int64_t v = 0;
    if(c->power.users[user].present)
      return level_value(c, &c->power.users[user], &v) ? v : 0;
    if(c->power.users_default.present)
      return level_value(c, &c->power.users_default, &v) ? v : 0;
    return 0;
  }
  /* No PL event: the creator has 100 in v1-v11 (in v12 the creators are
   * infinite, handled above), everyone else 0. */
  return (user == 0 && !vrow(c->room_version)->v12_creators) ? 100 : 0;
}

int64_t mxmo_level(const struct mxmf_case *c, const char *name)
{
  const struct mxmf_level *l = NULL;
  int64_t dflt = 50;
  if(strcmp(name, "invite") == 0) {
    l = &c->power.invite;
    dflt = edit_on(c, ED_INVITE_DEFAULT_0) ? 0 : 50;
  } else if(strcmp(name, "kick") == 0) {
    l = &c->power.kick;
  } else if(strcmp(name, "ban") == 0) {
    l = &c->power.ban;
  }
  if(c->power.present && l && l->present) {
    int64_t v = 0;
    return level_value(c, l, &v) ? v : dflt;
  }
  return dflt;
}

static int level_form_ok(const struct mxmf_case *c, const struct mxmf_level *l)
{
  int64_t v;
  return !l->present || level_value(c, l, &v);
}

static int power_valid(const struct mxmf_case *c)
{
  const struct mxmf_power *p = &c->power;
  if(!p->present)
    return 1;
  if(!level_form_ok(c, &p->ban) || !level_form_ok(c, &p->kick) || !level_form_ok(c, &p->invite) ||
     !level_form_ok(c, &p->users_default))
    return 0;
  for(int u = 0; u < MXMF_USERS; u++)
    if(!level_form_ok(c, &p->users[u]))
      return 0;
  return 1;
}

/* ---- join rule classes ---------------------------------------------------- */

/* What the member rules see of the join rule, per room version: a JR the
 * version lacks is just an unknown string (v1-auth-rules.md 5.2.6). */
enum jr_class { JRC_OTHER = 0, JRC_PUBLIC, JRC_INVITE, JRC_KNOCK, JRC_RESTRICTED, JRC_KNOCK_RESTRICTED };

static enum jr_class jr_of(const struct mxmf_case *c)
{
  const struct version_row *v = vrow(c->room_version);
  switch(c->join_rule) {
  case MXMF_JR_PUBLIC: return JRC_PUBLIC;
  case MXMF_JR_INVITE: return JRC_INVITE;
  case MXMF_JR_KNOCK: return v->knock ? JRC_KNOCK : JRC_OTHER;
  case MXMF_JR_RESTRICTED: return v->restricted ? JRC_RESTRICTED : JRC_OTHER;
  case MXMF_JR_KNOCK_RESTRICTED: return v->knock_restricted ? JRC_KNOCK_RESTRICTED : JRC_OTHER;
  case MXMF_JR_NO_EVENT: case MXMF_JR_PRIVATE: case MXMF_JR_BOGUS: case MXMF_JR_MISSING:
  case MXMF_JR_NOT_STRING: return JRC_OTHER;
  }
  return JRC_OTHER;
}

/* ---- the member rule block as data --------------------------------------- */

/* Facts of one case, computed once; the rule rows are predicates over these. */
struct facts {
  const struct mxmf_case *c;
  int self;                     /* S == T */
  enum mxmf_membership cur_s, cur_t;
  int64_t pl_s, pl_t, invite, kick, ban;
  int both_creators;            /* v12: S and T both creators: infinity vs infinity */
  enum jr_class jr;
};

static int is_in(enum mxmf_membership m, unsigned mask) { return (mask >> m) & 1u; }
#define BIT(m) (1u << (m))

/* An outcome row: when `when` holds, the verdict is `verdict` by `rule`.
 * Rows are in spec order; the first that holds decides. `ambiguous` marks a
 * row whose firing makes the verdict MXMO_EITHER (conformance/NOTES.md). */
struct row {
  int (*when)(const struct facts *f);
  enum mxmo_verdict verdict;
  const char *rule;
  const char *why;
};

/* join (v1-auth-rules.md 5.2; v7.md 4.2; v8-auth-rules.md 4.3; v10.md, v11.md 4.3) */
static int j_creator(const struct facts *f) { return mxmo_first_join(f->c); }
static int j_not_self(const struct facts *f) { return !f->self; }
static int j_banned(const struct facts *f) { return f->cur_s == MXMF_M_BAN; }
static int j_invited(const struct facts *f)
{
  int jr_ok = f->jr == JRC_INVITE || (f->jr == JRC_KNOCK && edit_on(f->c, ED_JOIN_VIA_KNOCK_JR));
  return jr_ok && is_in(f->cur_s, BIT(MXMF_M_INVITE) | BIT(MXMF_M_JOIN));
}
static int restricted_like(const struct facts *f) { return f->jr == JRC_RESTRICTED || f->jr == JRC_KNOCK_RESTRICTED; }
static int j_restr_member(const struct facts *f)
{
  return restricted_like(f) && is_in(f->cur_s, BIT(MXMF_M_INVITE) | BIT(MXMF_M_JOIN));
}
static int authoriser_powerless(const struct facts *f)
{
  int a = f->c->ev.authoriser;
  return a < 0 || mxmo_user_level(f->c, a) < f->invite;
}
static int authoriser_absent(const struct facts *f)
{
  int a = f->c->ev.authoriser;
  return edit_on(f->c, ED_AUTHORISER_JOINED) && a >= 0 && f->c->member[a] != MXMF_M_JOIN;
}
static int j_restr_unauth(const struct facts *f)
{
  return restricted_like(f) && authoriser_powerless(f) && !authoriser_absent(f);
}
static int j_restr_not_joined(const struct facts *f)
{
  return restricted_like(f) && authoriser_absent(f) && !authoriser_powerless(f);
}
static int j_restr_both(const struct facts *f)
{
  /* One sentence names both conditions; either rule id fits. */
  return restricted_like(f) && authoriser_absent(f) && authoriser_powerless(f);
}
static int j_restr_allow(const struct facts *f) { return restricted_like(f); }
static int j_public(const struct facts *f) { return f->jr == JRC_PUBLIC; }
static int always(const struct facts *f) { (void)f; return 1; }

static const struct row join_rows[] = {
  {j_creator, MXMO_ALLOW, "member.join.creator", "join 1: only prev event is the create, target is the creator"},
  {j_not_self, MXMO_REJECT, "member.join.not_self", "join 2: sender != state_key"},
  {j_banned, MXMO_REJECT, "member.join.banned", "join 3: sender banned"},
  {j_invited, MXMO_ALLOW, "member.join.invited", "join 4: JR invite (v7+ knock from v1.3), cur in {invite, join}"},
  {j_restr_member, MXMO_ALLOW, "member.join.restricted.member", "join 5.1: restricted-like JR, cur in {invite, join}"},
  {j_restr_both, MXMO_REJECT, NULL, "join 5.2: authoriser lacks invite power and is not joined"},
  {j_restr_unauth, MXMO_REJECT, "member.join.restricted.unauthorised", "join 5.2: no authoriser or PL < invite"},
  {j_restr_not_joined, MXMO_REJECT, "member.join.restricted.authoriser_not_joined", "join 5.2 (v1.17+): authoriser not joined"},
  {j_restr_allow, MXMO_ALLOW, "member.join.restricted.allow", "join 5.3: the authoriser qualifies"},
  {j_public, MXMO_ALLOW, "member.join.public", "join 6: JR public"},
  {always, MXMO_REJECT, "member.join.otherwise", "join 7: otherwise reject"},
  {NULL, 0, NULL, NULL}};

/* invite (v1-auth-rules.md 5.3, 5.3.1) */
static const struct mxmf_token_event *token_of(const struct mxmf_case *c)
{
  int t = c->ev.tpi.token;
  if(t < 0 || t >= MXMF_TOKENS || !c->tokens[t].present)
    return NULL;
  return &c->tokens[t];
}
static int tpi(const struct facts *f) { return f->c->ev.tpi.present; }
static int t_banned(const struct facts *f) { return tpi(f) && f->cur_t == MXMF_M_BAN; }
static int t_no_signed(const struct facts *f) { return tpi(f) && f->c->ev.tpi.omit_signed; }
static int t_fields(const struct facts *f) { return tpi(f) && (f->c->ev.tpi.omit_mxid || f->c->ev.tpi.omit_token); }
static int t_mxid(const struct facts *f) { return tpi(f) && f->c->ev.tpi.mxid != f->c->ev.target; }
static int t_no_token(const struct facts *f) { return tpi(f) && token_of(f->c) == NULL; }
static int t_sender(const struct facts *f) { return tpi(f) && token_of(f->c)->sender != f->c->ev.sender; }
static int t_sig_ok(const struct facts *f)
{
  const struct mxmf_tpi *t = &f->c->ev.tpi;
  const struct mxmf_token_event *tok = token_of(f->c);
  if(!tpi(f) || t->signer == MXMF_KEY_NONE || t->corrupt)
    return 0;
  /* Any signature, any key of the token event (v1-auth-rules.md 5.3.1.7; NOTES.md#third-party-signed-object). */
  return t->signer == tok->public_key || t->signer == tok->extra_key;
}
static int i_not_joined(const struct facts *f) { return f->cur_s != MXMF_M_JOIN; }
static int i_target(const struct facts *f) { return is_in(f->cur_t, BIT(MXMF_M_JOIN) | BIT(MXMF_M_BAN)); }
static int i_power(const struct facts *f) { return f->pl_s >= f->invite; }

static const struct row invite_rows[] = {
  {t_banned, MXMO_REJECT, "member.invite.3pid.banned", "3pid 1: target banned"},
  {t_no_signed, MXMO_REJECT, "member.invite.3pid.no_signed", "3pid 2: no signed"},
  {t_fields, MXMO_REJECT, "member.invite.3pid.signed_fields", "3pid 3: signed lacks mxid or token"},
  {t_mxid, MXMO_REJECT, "member.invite.3pid.mxid_mismatch", "3pid 4: mxid != state_key"},
  {t_no_token, MXMO_REJECT, "member.invite.3pid.no_token_event", "3pid 5: no token event"},
  {t_sender, MXMO_REJECT, "member.invite.3pid.sender_mismatch", "3pid 6: sender != token event sender"},
  {t_sig_ok, MXMO_ALLOW, "member.invite.3pid.allow", "3pid 7: a signature verifies"},
  {tpi, MXMO_REJECT, "member.invite.3pid.bad_signature", "3pid 8: no signature verifies"},
  {i_not_joined, MXMO_REJECT, "member.invite.sender_not_joined", "invite 2: sender not joined"},
  {i_target, MXMO_REJECT, "member.invite.target_joined_or_banned", "invite 3: target joined or banned"},
  {i_power, MXMO_ALLOW, "member.invite.allow", "invite 4: PL(S) >= invite"},
  {always, MXMO_REJECT, "member.invite.insufficient_power", "invite 5: otherwise"},
  {NULL, 0, NULL, NULL}};

/* leave (v1-auth-rules.md 5.4; v7.md 4.4) */
static int l_self_ok(const struct facts *f)
{
  unsigned ok = BIT(MXMF_M_INVITE) | BIT(MXMF_M_JOIN);
  if(edit_on(f->c, ED_LEAVE_FROM_KNOCK))
    ok |= BIT(MXMF_M_KNOCK);
  return f->self && is_in(f->cur_s, ok);
}
static int self(const struct facts *f) { return f->self; }
static int s_not_joined(const struct facts *f) { return f->cur_s != MXMF_M_JOIN; }
static int l_banned_weak(const struct facts *f) { return f->cur_t == MXMF_M_BAN && f->pl_s < f->ban; }
static int creators_tie(const struct facts *f) { return f->both_creators; }
static int l_kick(const struct facts *f) { return f->pl_s >= f->kick && f->pl_t < f->pl_s; }

static const struct row leave_rows[] = {
  {l_self_ok, MXMO_ALLOW, "member.leave.self.allow", "leave 1: self, cur in {invite, join} (+knock v1.2+)"},
  {self, MXMO_REJECT, "member.leave.self.reject", "leave 1: self otherwise"},
  {s_not_joined, MXMO_REJECT, "member.leave.sender_not_joined", "leave 2: sender not joined"},
  {l_banned_weak, MXMO_REJECT, "member.leave.target_banned", "leave 3: target banned, PL(S) < ban"},
  {creators_tie, MXMO_EITHER, NULL, "leave 4: creator vs creator, infinity vs infinity (NOTES.md#v12-creators)"},
  {l_kick, MXMO_ALLOW, "member.leave.kick.allow", "leave 4: PL(S) >= kick and PL(T) < PL(S)"},
  {always, MXMO_REJECT, "member.leave.kick.insufficient_power", "leave 5: otherwise"},
  {NULL, 0, NULL, NULL}};

/* ban (v1-auth-rules.md 5.5) */
static int b_power(const struct facts *f) { return f->pl_s >= f->ban && f->pl_t < f->pl_s; }
static int b_tie(const struct facts *f) { return f->both_creators && f->pl_s >= f->ban; }

static const struct row ban_rows[] = {
  {s_not_joined, MXMO_REJECT, "member.ban.sender_not_joined", "ban 1: sender not joined"},
  {b_tie, MXMO_EITHER, NULL, "ban 2: creator vs creator, infinity vs infinity (NOTES.md#v12-creators)"},
  {b_power, MXMO_ALLOW, "member.ban.allow", "ban 2: PL(S) >= ban and PL(T) < PL(S)"},
  {always, MXMO_REJECT, "member.ban.insufficient_power", "ban 3: otherwise"},
  {NULL, 0, NULL, NULL}};

/* knock (v7.md 4.6; v10.md 4.7; NOTES.md#spec-release-edits) */
static int k_jr(const struct facts *f) { return f->jr != JRC_KNOCK && f->jr != JRC_KNOCK_RESTRICTED; }
static int k_ok(const struct facts *f)
{
  unsigned blocked = BIT(MXMF_M_BAN) | BIT(MXMF_M_JOIN);
  if(!edit_on(f->c, ED_KNOCK_FROM_INVITE))
    blocked |= BIT(MXMF_M_INVITE);
  return !is_in(f->cur_s, blocked);
}
static int k_no_otherwise(const struct facts *f) { return !edit_on(f->c, ED_KNOCK_OTHERWISE); }

static const struct row knock_rows[] = {
  {k_jr, MXMO_REJECT, "member.knock.join_rule", "knock 1: JR not knock (v10+: knock_restricted)"},
  {j_not_self, MXMO_REJECT, "member.knock.not_self", "knock 2: sender != state_key"},
  {k_ok, MXMO_ALLOW, "member.knock.allow", "knock 3: cur(S) not ban/invite/join (v1.4-v1.9: not ban/join)"},
  /* v1.1 text had no final "Otherwise, reject": the event falls through to
   * the unknown-membership reject. Same verdict, different id. */
  {k_no_otherwise, MXMO_REJECT, NULL, "knock 3 (v1.1): falls through to unknown membership"},
  {always, MXMO_REJECT, "member.knock.current_membership", "knock 4: otherwise"},
  {NULL, 0, NULL, NULL}};

static void run_rows(const struct row *rows, const struct facts *f, struct mxmo_answer *out)
{
  for(const struct row *r = rows; r->when; r++) {
    if(r->when(f)) {
      out->verdict = r->verdict;
      out->rule = r->rule;
      out->why = r->why;
      return;
    }
  }
  out->verdict = MXMO_EITHER; /* unreachable: every list ends in `always` */
  out->rule = NULL;
  out->why = "no row fired";
}

static void answer(struct mxmo_answer *out, enum mxmo_verdict v, const char *rule, const char *why)
{
  out->verdict = v;
  out->rule = rule;
  out->why = why;
}

/* ---- auth events (v1-auth-rules.md rule 2, v3-auth-rules.md, v12.md rule 3;
 * content/server-server-api.md "Auth events selection") ------------------- */

/* The (type, state_key) an entry names, as one number: type * 16 + key. */
enum { P_CREATE = 0, P_POWER, P_JR, P_MEMBER, P_TPI };
static int pair_of(const struct mxmf_ae_entry *a)
{
  switch(a->what) {
  case MXMF_AE_CREATE: return P_CREATE * 16;
  case MXMF_AE_POWER: return P_POWER * 16;
  case MXMF_AE_JOIN_RULES: return P_JR * 16;
  case MXMF_AE_TOKEN: return P_TPI * 16 + (a->index & 15);
  default: return P_MEMBER * 16 + (a->index & 15); /* MEMBER, REJECTED */
  }
}

/* Is the pair one the selection picks for the event? A pair is picked
 * whether or not the room has such an event ("if any"). */
static int selection_picks(const struct mxmf_case *c, int pair)
{
  const struct mxmf_event *e = &c->ev;
  int key = pair % 16;
  enum mxmf_membership m = e->membership;
  switch(pair / 16) {
  case P_CREATE: return !vrow(c->room_version)->v12_creators; /* v12: the create is not selected */
  case P_POWER: return 1;
  case P_MEMBER:
    if(key == e->sender || (!e->omit_state_key && key == e->target))
      return 1;
    /* "If membership is join and the room version supports restricted
     * rooms": the authoriser's member; before v1.15 whatever the membership. */
    return vrow(c->room_version)->restricted && e->authoriser == key &&
           (m == MXMF_M_JOIN || !edit_on(c, ED_AE_AUTHORISER_JOIN));
  case P_JR:
    return m == MXMF_M_JOIN || m == MXMF_M_INVITE || (m == MXMF_M_KNOCK && edit_on(c, ED_AE_KNOCK_JR));
  case P_TPI:
    return m == MXMF_M_INVITE && e->tpi.present && !e->tpi.omit_signed && !e->tpi.omit_token &&
           e->tpi.token == key;
  }
  return 0;
}

/* Rule 2 (v12: 3) on a non-empty list; 1 when it decides. */
static int auth_events_decide(const struct mxmf_case *c, struct mxmo_answer *out)
{
  const struct mxmf_auth_events *a = &c->ev.auth;
  int has_create = 0, has_rejected = 0;
  for(unsigned i = 0; i < a->n; i++) {
    has_create |= a->e[i].what == MXMF_AE_CREATE;
    has_rejected |= a->e[i].what == MXMF_AE_REJECTED;
  }
  out->unknown_auth_event = has_rejected ? 1 : 0;
  for(unsigned i = 0; i < a->n; i++)
    for(unsigned j = 0; j < i; j++)
      if(pair_of(&a->e[i]) == pair_of(&a->e[j])) {
        out->verdict = MXMO_REJECT;
        out->rule = "auth_events.duplicate";
        out->why = "auth events 2.1: duplicate entries for a (type, state_key) pair";
        return 1;
      }
  /* v1-v6 "knock" is no membership, yet the selection text (one text for
   * all room versions, v1.14+) names knock; a reader that gates it by room
   * version rejects a listed join rules here (auth_events.unexpected), one
   * that does not rejects at the member block (unknown membership). Same
   * verdict either way (conformance/NOTES.md#knock-join-rules-auth-event). */
  if(c->ev.membership == MXMF_M_KNOCK && !vrow(c->room_version)->knock && edit_on(c, ED_AE_KNOCK_JR))
    for(unsigned i = 0; i < a->n; i++)
      if(a->e[i].what == MXMF_AE_JOIN_RULES) {
        out->verdict = MXMO_REJECT;
        out->rule = NULL;
        out->why = "v1-v6 knock with the join rules listed: rejected at rule 2.2 or at the member block";
        return 1;
      }
  for(unsigned i = 0; i < a->n; i++)
    if(!selection_picks(c, pair_of(&a->e[i]))) {
      out->verdict = MXMO_REJECT;
      out->rule = "auth_events.unexpected";
      out->why = "auth events 2.2: an entry the auth events selection does not pick";
      return 1;
    }
  if(has_rejected && (c->room_version == 6 || c->room_version == 7 ? edit_on(c, ED_AE_REJECTED_V6V7)
                                                                     : edit_on(c, ED_AE_REJECTED))) {
    out->verdict = MXMO_REJECT;
    out->rule = NULL; /* no state of accepted events names it */
    out->why = "auth events 2.3 (v1.4+; v6/v7 texts v1.14+): an entry was itself rejected";
    return 1;
  }
  if(!has_create && !vrow(c->room_version)->v12_creators) {
    out->verdict = MXMO_REJECT;
    out->rule = "auth_events.no_create";
    out->why = "auth events 2.4 (v1-v11): no m.room.create among the entries";
    return 1;
  }
  return 0;
}

int mxmo_room_is_bare(const struct mxmf_case *c)
{
  /* Only the create event is in the room: by the flag, or because the
   * decoder gave the room no other event. */
  if(c->bare)
    return 1;
  if(c->power.present || c->join_rule != MXMF_JR_NO_EVENT)
    return 0;
  for(int u = 0; u < MXMF_USERS; u++)
    if(c->member[u] != MXMF_M_NONE)
      return 0;
  for(int t = 0; t < MXMF_TOKENS; t++)
    if(c->tokens[t].present)
      return 0;
  return 1;
}

int mxmo_first_join(const struct mxmf_case *c)
{
  /* "The only previous event is the m.room.create": the event's prev_events
   * is exactly the create. In a bare room the last event is the create, so
   * the builder's default prev_events is the create too. */
  return c->ev.membership == MXMF_M_JOIN && !c->ev.omit_state_key && (c->ev.prev_create || mxmo_room_is_bare(c)) &&
         c->ev.target == 0;
}

int mxmo_first_join_possible(const struct mxmf_case *c)
{
  const struct mxmf_event *e = &c->ev;
  if(mxmo_first_join(c))
    return 1;
  /* v11, spec v1.8-v1.12 text: "the state_key is the sender" read as the
   * join's own sender (v11.md rule 4.3.1). */
  return c->room_version == 11 && c->spec >= 8 && c->spec <= 12 && e->membership == MXMF_M_JOIN &&
         !e->omit_state_key && (e->prev_create || mxmo_room_is_bare(c)) && e->sender == e->target;
}

void mxmo_decide(const struct mxmf_case *c, struct mxmo_answer *out)
{
  const struct version_row *v = vrow(c->room_version);
  const struct mxmf_event *ev = &c->ev;
  struct facts f;

  out->unknown_auth_event = 0;
  if(c->room_version < 1 || c->room_version > 12 || c->spec < v->intro || c->spec > MXMF_SPEC_CURRENT) {
    answer(out, MXMO_STATE_INVALID, NULL, "room version not in this spec release");
    return;
  }
  if(!power_valid(c)) {
    answer(out, MXMO_STATE_INVALID, NULL, "power level form not allowed in this room version (v1-stringy/v1-floaty-power-levels.md, v10.md 9.1)");
    return;
  }
  /* Rule 2 (v12: 3): the event's auth_events, when it lists any. */
  if(ev->auth.n > 0 && auth_events_decide(c, out))
    return;
  /* Rule 3 (v12: 4): m.federate false and the sender is on another server. */
  if(c->no_federate && federate_rule_on(c) &&
     strcmp(mxmf_user_servers[ev->sender], mxmf_user_servers[0]) != 0) {
    answer(out, MXMO_REJECT, "federate", "rule 3: m.federate false, sender on another server");
    return;
  }
  /* Member rule 1: no state_key or no membership. */
  if(ev->omit_state_key || ev->membership == MXMF_M_ABSENT) {
    answer(out, MXMO_REJECT, "member.shape", "member 1: no state_key or no membership");
    return;
  }
  /* Rule 4.2 (v8+): join_authorised_via_users_server needs that user's
   * server's signature, for every membership value. */
  if(v->restricted && ev->authoriser >= 0 && ev->auth_sig != MXMF_ASIG_RIGHT) {
    answer(out, MXMO_REJECT, "member.authorised_via.signature", "member 4.2: not signed by the authoriser's server");
    return;
  }

  memset(&f, 0, sizeof(f));
  f.c = c;
  f.self = ev->sender == ev->target;
  f.cur_s = c->member[ev->sender];
  f.cur_t = c->member[ev->target];
  f.pl_s = mxmo_user_level(c, ev->sender);
  f.pl_t = mxmo_user_level(c, ev->target);
  f.invite = mxmo_level(c, "invite");
  f.kick = mxmo_level(c, "kick");
  f.ban = mxmo_level(c, "ban");
  /* A creator acting on itself compares one value with itself (x < x is
   * false for any x), so only two distinct creators are the open case. */
  f.both_creators = !f.self && mxmo_is_v12_creator(c, ev->sender) && mxmo_is_v12_creator(c, ev->target);
  f.jr = jr_of(c);

  switch(ev->membership) {
  case MXMF_M_JOIN:
    /* v11 in the v1.8-v1.12 texts: the first-join rule read "state_key is
     * the sender" without saying of which event; v1.13 named the create's
     * sender (v11.md rule 4.3.1). Where the two readings differ, either answer
     * follows a text. */
    if(c->room_version == 11 && c->spec >= 8 && c->spec <= 12 && (ev->prev_create || mxmo_room_is_bare(c)) &&
       (ev->target == 0) != f.self) {
      answer(out, MXMO_EITHER, NULL, "v11 first join, v1.8-v1.12 text: 'state_key is the sender' of which event (v11.md rule 4.3.1)");
      return;
    }
    run_rows(join_rows, &f, out);
    /* "Only previous event" is undefined when the room has more than the
     * create (NOTES.md#creator-first-join): prev_events-only readers allow, room-state
     * readers do not. */
    if(out->rule && strcmp(out->rule, "member.join.creator") == 0 && !mxmo_room_is_bare(c))
      answer(out, MXMO_EITHER, NULL, "join 1 with a non-bare room: 'only previous event' is undefined (NOTES.md#creator-first-join)");
    return;
  case MXMF_M_INVITE: run_rows(invite_rows, &f, out); return;
  case MXMF_M_LEAVE: run_rows(leave_rows, &f, out); return;
  case MXMF_M_BAN: run_rows(ban_rows, &f, out); return;
  case MXMF_M_KNOCK:
    if(v->knock) {
      run_rows(knock_rows, &f, out);
      return;
    }
    answer(out, MXMO_REJECT, "member.unknown_membership", "v1-v6: knock is an unknown membership");
    return;
  case MXMF_M_FOO:
    answer(out, MXMO_REJECT, "member.unknown_membership", "member: unknown membership value");
    return;
  case MXMF_M_NOTSTRING:
    /* Present but not a string: "no membership" (shape) or "unknown
     * membership" are both readings; the verdict is reject either way. */
    answer(out, MXMO_REJECT, NULL, "member: membership is not a string");
    return;
  case MXMF_M_NONE: case MXMF_M_ABSENT: break;
  }
  answer(out, MXMO_REJECT, "member.shape", "member 1: no membership");
}

const char *mxmo_general_reject(const struct mxmf_case *c)
{
  struct mxmo_answer a;
  const struct mxmf_event *ev = &c->ev;
  memset(&a, 0, sizeof(a));
  if(ev->auth.n > 0 && auth_events_decide(c, &a))
    return a.rule ? a.rule : "auth_events";
  if(c->no_federate && federate_rule_on(c) && strcmp(mxmf_user_servers[ev->sender], mxmf_user_servers[0]) != 0)
    return "federate";
  if(ev->omit_state_key || ev->membership == MXMF_M_ABSENT || ev->membership == MXMF_M_NOTSTRING ||
     ev->membership == MXMF_M_FOO)
    return "member.shape";
  if(vrow(c->room_version)->restricted && ev->authoriser >= 0 && ev->auth_sig != MXMF_ASIG_RIGHT)
    return "member.authorised_via.signature";
  return NULL;
}

/* ---- state events of fuzz_room ------------------------------------------ */

/* Rules 3 (m.federate) and 6 (sender joined): 1 when one rejects. */
static int state_event_gate(const struct mxmf_case *c, int sender, struct mxmo_answer *out)
{
  out->unknown_auth_event = 0;
  if(c->no_federate && federate_rule_on(c) && strcmp(mxmf_user_servers[sender], mxmf_user_servers[0]) != 0) {
    answer(out, MXMO_REJECT, "federate", "rule 3: m.federate false, sender on another server");
    return 1;
  }
  if(c->member[sender] != MXMF_M_JOIN) {
    answer(out, MXMO_REJECT, "sender.not_joined", "rule 6 (v6-v11: 5): the sender is not joined");
    return 1;
  }
  return 0;
}

/* Rule 8 (v6-v11: 7): a state event without an events entry needs
 * state_default: absent from the room's power levels here, so 50; with no
 * power-levels event 0 up to v1.6 and 50 from v1.7 (m.room.power_levels.yaml,
 * conformance/NOTES.md#historical-defaults). */
static int64_t state_level(const struct mxmf_case *c)
{
  if(c->power.present)
    return 50;
  return c->spec >= 7 ? 50 : 0;
}

static int is_float_text(const char *t) { return t[0] != '"' && strpbrk(t, ".eE") != NULL; }

void mxmo_decide_join_rules(const struct mxmf_case *c, int sender, struct mxmo_answer *out)
{
  if(state_event_gate(c, sender, out))
    return;
  if(mxmo_user_level(c, sender) < state_level(c)) {
    answer(out, MXMO_REJECT, "event.insufficient_power", "rule 8: PL(S) below the state level");
    return;
  }
  answer(out, MXMO_ALLOW, "event.allow", "rule 10 (v12: 11): otherwise allow");
}

void mxmo_decide_power(const struct mxmf_case *c, int sender, const struct mxmf_power *p, struct mxmo_answer *out)
{
  struct mxmf_case next = *c; /* the room with the new levels, to read them */
  const struct mxmf_level *old_top[4] = {&c->power.ban, &c->power.kick, &c->power.invite, &c->power.users_default};
  const struct mxmf_level *new_top[4] = {&p->ban, &p->kick, &p->invite, &p->users_default};
  int64_t pl_s, ov, nv;
  int has_float = 0, users_changed = 0;
  char text[64];

  if(state_event_gate(c, sender, out))
    return;
  pl_s = mxmo_user_level(c, sender);
  if(pl_s < state_level(c)) {
    answer(out, MXMO_REJECT, "event.insufficient_power", "rule 8: PL(S) below the state level");
    return;
  }
  next.power = *p;
  next.power.present = 1;
  /* 10.1 (v10, v11: 9.1-9.3; v12: 10.1-10.3): every value of the version's types. */
  if(!power_valid(&next)) {
    answer(out, MXMO_REJECT, "power_levels.types", "10.1: a level the room version does not accept");
    return;
  }
  for(int i = 0; i < 4 + MXMF_USERS; i++) {
    const struct mxmf_level *l = i < 4 ? new_top[i] : &p->users[i - 4];
    if(l->present && is_float_text(mxmf_level_json(l, text, sizeof(text))))
      has_float = 1;
  }
  /* v1-v5 floats: defined only from v1.18 (#2297); before, the text says
   * nothing of them outside users (conformance/NOTES.md#float-power-levels). */
  if(has_float && c->spec < 18) {
    answer(out, MXMO_EITHER, NULL, "v1-v5 float level before v1.18: not defined by that text");
    return;
  }
  /* v12 10.4: users names a creator. */
  for(int u = 0; u < MXMF_USERS; u++)
    if(p->users[u].present && mxmo_is_v12_creator(c, u)) {
      answer(out, MXMO_REJECT, "power_levels.creator_in_users", "v12 10.4: users names a room creator");
      return;
    }
  /* 10.2: no power-levels event in the room yet. */
  if(!c->power.present) {
    answer(out, MXMO_ALLOW, "power_levels.initial", "10.2: the room's first power-levels event");
    return;
  }
  /* 10.3: a top-level level added, changed or removed: the current and
   * the new value (where there is one) must not exceed PL(S). */
  for(int i = 0; i < 4; i++) {
    int op = old_top[i]->present && level_value(c, old_top[i], &ov), np = new_top[i]->present && level_value(&next, new_top[i], &nv);
    if(op == np && (!op || ov == nv))
      continue;
    if((op && ov > pl_s) || (np && nv > pl_s)) {
      answer(out, MXMO_REJECT, "power_levels.level_change", "10.3: a changed level above PL(S)");
      return;
    }
  }
  /* 10.5 and 10.6 (current text, v1.5+): users entries. */
  for(int u = 0; u < MXMF_USERS; u++) {
    int op = c->power.users[u].present && level_value(c, &c->power.users[u], &ov);
    int np = p->users[u].present && level_value(&next, &p->users[u], &nv);
    if(op == np && (!op || ov == nv))
      continue;
    users_changed = 1;
    if(c->spec < 5)
      continue;
    if(op && u != sender && ov >= pl_s) {
      answer(out, MXMO_REJECT, "power_levels.users_demote", "10.5: another user's entry changed or removed, current >= PL(S)");
      return;
    }
    if(np && nv > pl_s) {
      answer(out, MXMO_REJECT, "power_levels.users_raise", "10.6: an entry set above PL(S)");
      return;
    }
  }
  if(users_changed && c->spec < 5) {
    /* Before v1.5 (#1269) the users rules had another shape; not modelled. */
    answer(out, MXMO_EITHER, NULL, "users change under a text before v1.5: not modelled");
    return;
  }
  answer(out, MXMO_ALLOW, "power_levels.allow", "10.7: within the sender's power");
}
