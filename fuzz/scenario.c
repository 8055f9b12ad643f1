/*
 * fuzz/scenario.c: names and printing for the abstract scenario
 * (fuzz/scenario.h). No mxm dependency, so the oracle can link it alone.
 */
#include "scenario.h"

#include <stdarg.h>
#include <stdio.h>

const char *const mxmf_user_ids[MXMF_USERS] = {"@alice:a.test", "@bob:a.test", "@carol:b.test",
                                               "@dave:b.test", "@erin:c.test"};
const char *const mxmf_user_servers[MXMF_USERS] = {"a.test", "a.test", "b.test", "b.test", "c.test"};

int mxmf_version_intro(int room_version)
{
  /* content/changelog/v1.*.md: v7 with knocking in v1.1, v8/v9 v1.2, v10 v1.3,
   * v11 v1.8, v12 v1.16; v1-v6 are older than the v1.x releases. */
  static const int intro[13] = {0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 8, 16};
  return (room_version >= 1 && room_version <= 12) ? intro[room_version] : MXMF_SPEC_CURRENT + 1;
}

/* Spellings of MXMF_PL_SPELLED (JSON text), chosen where the room versions
 * part ways: v1-v9 accept integer strings ("base 10, leading zeros, one
 * sign, surrounding whitespace": content/rooms/fragments/v1-stringy-power-levels.md),
 * v1-v5 floats (v1-floaty-power-levels.md), v10+ integers only
 * (content/rooms/v10.md rule 9.1); every version bounds levels to
 * [-(2^53)+1, 2^53-1] (m.room.power_levels.yaml). Which spelling is valid
 * where is decided by the oracle, not written here. */
const char *const mxmf_level_spellings[] = {
    "\"50\"",  "\" 50\"",   "\"+50\"",  "\"-50\"",   "\"0050\"",  "\"\\t50\\n\"", "\" -7 \"",
    "\"1e2\"", "\"50.5\"",  "\"5 0\"",  "\"+-50\"",  "\"\"",      "\" \"",       "\"0x32\"",
    "\"50a\"", "\"9007199254740991\"",  "\"9007199254740992\"",   "\"-9007199254740992\"",
    "1e2",     "5E1",       "50.0",     "50.5",      "-0.5",      "99.999",      "0.5e2",
    "1e400",   "-1e400",    "1e16",
    "true",    "false",     "null",     "[50]",      "{}",
    "9007199254740991",     "-9007199254740991",     "9007199254740992",      "-9007199254740992",
    "9223372036854775807",  "9223372036854775808",   "-9223372036854775809",  "-50", "-1"};
const unsigned mxmf_n_level_spellings = sizeof(mxmf_level_spellings) / sizeof(mxmf_level_spellings[0]);

char *mxmf_level_json(const struct mxmf_level *l, char *buf, size_t cap)
{
  long long v = (long long)l->value;
  long long mag = v < 0 ? -v : v;
  if(cap == 0)
    return buf;
  switch(l->form) {
  case MXMF_PL_INT:
    snprintf(buf, cap, "%lld", v);
    break;
  case MXMF_PL_STRING: /* base 10, leading zeros, one sign, surrounding whitespace */
    if(l->variant)
      snprintf(buf, cap, "\" %c%03lld \"", v < 0 ? '-' : '+', mag);
    else
      snprintf(buf, cap, "\"%lld\"", v);
    break;
  case MXMF_PL_FLOAT: /* exponents expanded, then truncated toward zero */
    if(l->variant)
      snprintf(buf, cap, "%s%llde-1", v < 0 ? "-" : "", mag * 10 + 5); /* 49 -> 495e-1 = 49.5 */
    else
      snprintf(buf, cap, "%s%lld.75", v < 0 ? "-" : "", mag);
    break;
  case MXMF_PL_SPELLED:
    snprintf(buf, cap, "%s", mxmf_level_spellings[l->variant % mxmf_n_level_spellings]);
    break;
  }
  return buf;
}

const char *mxmf_membership_word(enum mxmf_membership m)
{
  switch(m) {
  case MXMF_M_NONE: return "none";
  case MXMF_M_INVITE: return "invite";
  case MXMF_M_JOIN: return "join";
  case MXMF_M_LEAVE: return "leave";
  case MXMF_M_BAN: return "ban";
  case MXMF_M_KNOCK: return "knock";
  case MXMF_M_FOO: return "foo";
  case MXMF_M_NOTSTRING: return "42 (not a string)";
  case MXMF_M_ABSENT: return "(absent)";
  }
  return "?";
}

const char *mxmf_join_rule_word(enum mxmf_join_rule jr)
{
  switch(jr) {
  case MXMF_JR_NO_EVENT: return "(no join_rules event)";
  case MXMF_JR_PUBLIC: return "public";
  case MXMF_JR_INVITE: return "invite";
  case MXMF_JR_KNOCK: return "knock";
  case MXMF_JR_RESTRICTED: return "restricted";
  case MXMF_JR_KNOCK_RESTRICTED: return "knock_restricted";
  case MXMF_JR_PRIVATE: return "private";
  case MXMF_JR_BOGUS: return "bogus";
  case MXMF_JR_MISSING: return "(join_rule key missing)";
  case MXMF_JR_NOT_STRING: return "7 (not a string)";
  }
  return "?";
}

const char *mxmf_spec_word(int spec)
{
  static const char *const names[] = {"r0",   "v1.1",  "v1.2",  "v1.3",  "v1.4",  "v1.5",  "v1.6",
                                      "v1.7", "v1.8",  "v1.9",  "v1.10", "v1.11", "v1.12", "v1.13",
                                      "v1.14", "v1.15", "v1.16", "v1.17", "v1.18", "v1.19"};
  return (spec >= 0 && spec <= MXMF_SPEC_CURRENT) ? names[spec] : "?";
}

struct out {
  char *buf;
  size_t cap, len;
};

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(struct out *o, const char *fmt, ...)
{
  va_list ap;
  int n;
  if(o->len + 1 >= o->cap)
    return;
  va_start(ap, fmt);
  n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if(n > 0)
    o->len = (o->len + (size_t)n < o->cap) ? o->len + (size_t)n : o->cap - 1;
}

static void put_level(struct out *o, const char *name, const struct mxmf_level *l)
{
  char text[64];
  if(l->present)
    put(o, " %s=%s", name, mxmf_level_json(l, text, sizeof(text)));
}

static void put_auth(struct out *o, const struct mxmf_auth_events *a)
{
  static const char *const what[] = {"create", "power_levels", "join_rules", "member", "tpi", "rejected member"};
  if(a->n == 0) {
    put(o, "\n  auth_events: [] (not supplied)");
    return;
  }
  put(o, "\n  auth_events:");
  for(unsigned i = 0; i < a->n && i < MXMF_AE_MAX; i++) {
    unsigned w = a->e[i].what < 6 ? a->e[i].what : 0;
    if(w == MXMF_AE_MEMBER || w == MXMF_AE_REJECTED)
      put(o, " %s(%s)", what[w], mxmf_user_ids[a->e[i].index % MXMF_USERS]);
    else if(w == MXMF_AE_TOKEN)
      put(o, " %s(tok%u)", what[w], (unsigned)a->e[i].index);
    else
      put(o, " %s", what[w]);
  }
}

static const char *key_word(enum mxmf_is_key k)
{
  return k == MXMF_KEY_IS1 ? "is1" : k == MXMF_KEY_IS2 ? "is2" : "none";
}

char *mxmf_case_describe(const struct mxmf_case *c, char *buf, size_t cap)
{
  struct out o = {buf, cap, 0};
  const struct mxmf_event *e = &c->ev;
  if(cap == 0)
    return buf;
  buf[0] = '\0';
  put(&o, "room version %d, spec %s%s%s\n", c->room_version, mxmf_spec_word(c->spec),
      c->bare ? ", bare room (create only)" : "", c->no_federate ? ", m.federate false" : "");
  if(c->room_version == 12 && c->additional_creators) {
    put(&o, "  additional_creators:");
    for(int u = 1; u < MXMF_USERS; u++)
      if((c->additional_creators >> u) & 1u)
        put(&o, " %s", mxmf_user_ids[u]);
    put(&o, "\n");
  }
  put(&o, "  members:");
  for(int u = 0; u < MXMF_USERS; u++)
    put(&o, " %s=%s", mxmf_user_ids[u], mxmf_membership_word(c->member[u]));
  put(&o, "\n  join rule: %s%s\n", mxmf_join_rule_word(c->join_rule), c->allow_list ? " (with allow list)" : "");
  if(c->power.present) {
    put(&o, "  power levels:");
    put_level(&o, "ban", &c->power.ban);
    put_level(&o, "kick", &c->power.kick);
    put_level(&o, "invite", &c->power.invite);
    put_level(&o, "users_default", &c->power.users_default);
    for(int u = 0; u < MXMF_USERS; u++)
      put_level(&o, mxmf_user_ids[u], &c->power.users[u]);
    put(&o, "\n");
  } else {
    put(&o, "  power levels: (no event)\n");
  }
  for(int t = 0; t < MXMF_TOKENS; t++)
    if(c->tokens[t].present)
      put(&o, "  3pid token tok%d: sender %s, public_key %s, extra %s%s\n", t, mxmf_user_ids[c->tokens[t].sender],
          key_word(c->tokens[t].public_key), key_word(c->tokens[t].extra_key), c->tokens[t].urlsafe ? ", url-safe" : "");
  put(&o, "  event: sender %s state_key %s membership %s%s%s", mxmf_user_ids[e->sender],
      e->omit_state_key ? "(absent)" : mxmf_user_ids[e->target], mxmf_membership_word(e->membership),
      e->prev_create ? ", prev_events=[create]" : "", e->displayname ? ", displayname set" : "");
  if(e->authoriser >= 0)
    put(&o, ", join_authorised_via_users_server %s (%s)", mxmf_user_ids[e->authoriser],
        e->auth_sig == MXMF_ASIG_RIGHT ? "signed by its server" :
        e->auth_sig == MXMF_ASIG_WRONG ? "signed by another server" : "unsigned");
  if(e->tpi.present) {
    put(&o, "\n  third_party_invite:");
    if(e->tpi.omit_signed)
      put(&o, " (no signed)");
    else
      put(&o, " mxid %s token %s signer %s%s", e->tpi.omit_mxid ? "(absent)" : mxmf_user_ids[e->tpi.mxid],
          e->tpi.omit_token ? "(absent)" : e->tpi.token < MXMF_TOKENS ? (e->tpi.token ? "tok1" : "tok0") : "tokX",
          key_word(e->tpi.signer), e->tpi.corrupt ? " (corrupted)" : "");
  }
  put_auth(&o, &e->auth);
  put(&o, "\n");
  return buf;
}
