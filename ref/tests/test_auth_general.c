/*
 * test_auth_general.c: the general rules around the member block: create
 * (rule 1), the v12 room-ID rule, auth events, m.federate, sender
 * membership, m.room.third_party_invite, required power levels, '@' state
 * keys, the power-levels rule, the unmodelled rules (UNSUPPORTED), and the
 * rule-info table against the row tables. Expectations come from the spec
 * text (content/rooms/fragments/v1-auth-rules.md, rooms/v10.md, v12.md,
 * server-server-api.md "Auth events selection"; conformance/NOTES.md#spec-release-edits).
 */
#include <stdio.h>
#include <string.h>

#include "auth_fixture.h"
#include "auth_int.h"
#include "tap.h"

#define PL_STD "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 50}}"
#define MEM_STD "alice=join mod=join mod2=join carol=join"

static const struct fx_state fx_std = {"alice", NULL, NULL, MEM_STD, "public", PL_STD, NULL};
static const struct fx_state fx_knock = {"alice", NULL, NULL, MEM_STD, "knock", PL_STD, NULL};
static const struct fx_state fx_no_pl = {"alice", NULL, NULL, MEM_STD, "public", NULL, NULL};
static const struct fx_state fx_none = {"alice", NULL, NULL, MEM_STD, "public", NULL, NULL};
static const struct fx_state fx_pl_rich = {
  "alice", NULL, NULL, MEM_STD, "public",
  "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 50, "
  "\"@carol:example.org\": 10}, \"events\": {\"m.room.topic\": 0, \"m.room.tombstone\": 100}, "
  "\"notifications\": {\"room\": 80}, \"invite\": 60}",
  NULL};
/* v12: creators must not be in users (rule 10.4), so the PL event leaves alice out. */
static const struct fx_state fx_v12 = {"alice", NULL, NULL, MEM_STD, "public",
                                       "{\"users\": {\"@mod:example.org\": 50, \"@mod2:example.org\": 50}}", NULL};
static const struct fx_state fx_v12_addl = {"alice", NULL, "\"additional_creators\": [\"@carol:example.org\"]",
                                            MEM_STD, "public", "{\"users\": {\"@mod:example.org\": 50}}", NULL};
#define PL12(extra) "{\"users\": {\"@mod:example.org\": 50, \"@mod2:example.org\": 50" extra "}"
static const struct fx_state fx_nofed = {"alice", NULL, "\"m.federate\": false", MEM_STD " eve:other.org=leave",
                                         "public", PL_STD, NULL};
/* carol's member event comes from another room (in the event index). */
static const struct fx_state fx_foreign = {
  "alice", NULL, NULL, MEM_STD, "public", PL_STD,
  "{\"type\": \"m.room.member\", \"sender\": \"@carol:example.org\", \"state_key\": \"@carol:example.org\", "
  "\"room_id\": \"!other:example.org\", \"content\": {\"membership\": \"join\"}, \"depth\": 70, "
  "\"origin_server_ts\": 1, \"prev_events\": [], \"auth_events\": [], \"event_id\": \"$foreign:example.org\"}"};

/* PL contents for the power-levels rows (sender mod = 50 unless noted). */
#define PLC(extra) "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 50" extra "}"

struct grow {
  const char *name;
  unsigned versions;
  const char *spec;
  const struct fx_state *fx;
  const char *type;
  const char *sender;
  const char *state_key; /* short name, "!" + literal, or NULL for none */
  const char *content;
  const char *auth; /* auth-event selectors, or NULL for none */
  int no_auth_check;
  enum mxm_verdict verdict; /* 0: expect status */
  const char *rule;
  enum mxm_status status;
};

#define ALL FX_ALL
#define VR FX_VR
#define V FX_V
#define A MXM_ALLOW
#define R MXM_REJECT
#define M(m) "{\"membership\": \"" m "\"}"

static const struct grow rows[] = {
  /* ordinary events */
  {"topic by carol (0 < state_default 50)", ALL, NULL, &fx_std, "m.room.topic", "carol", "!", "{\"topic\": \"x\"}",
   NULL, 0, R, "event.insufficient_power", 0},
  {"topic by mod (50)", ALL, NULL, &fx_std, "m.room.topic", "mod", "!", "{\"topic\": \"x\"}", NULL, 0, A, "event.allow",
   0},
  {"topic by carol, events[m.room.topic] = 0", ALL, NULL, &fx_pl_rich, "m.room.topic", "carol", "!",
   "{\"topic\": \"x\"}", NULL, 0, A, "event.allow", 0},
  {"tombstone by mod, events[m.room.tombstone] = 100", ALL, NULL, &fx_pl_rich, "m.room.tombstone", "mod", "!",
   "{\"body\": \"x\"}", NULL, 0, R, "event.insufficient_power", 0},
  {"message by carol (events_default 0)", ALL, NULL, &fx_std, "m.room.message", "carol", NULL, "{\"body\": \"hi\"}",
   NULL, 0, A, "event.allow", 0},
  {"message by a non-member", ALL, NULL, &fx_std, "m.room.message", "zed", NULL, "{\"body\": \"hi\"}", NULL, 0, R,
   "sender.not_joined", 0},
  {"no PL event, carol's topic: state_default 50 (spec v1.7+)", ALL, NULL, &fx_no_pl, "m.room.topic", "carol", "!",
   "{\"topic\": \"x\"}", NULL, 0, R, "event.insufficient_power", 0},
  {"no PL event, carol's topic: state_default 0 (spec v1.6)", ALL, "v1.6", &fx_no_pl, "m.room.topic", "carol", "!",
   "{\"topic\": \"x\"}", NULL, 0, A, "event.allow", 0},
  {"no PL event, the creator's topic", ALL, NULL, &fx_no_pl, "m.room.topic", "alice", "!", "{\"topic\": \"x\"}", NULL,
   0, A, "event.allow", 0},
  {"state_key of another user", ALL, NULL, &fx_std, "org.example.thing", "alice", "mod", "{}", NULL, 0, R,
   "event.state_key_user", 0},
  {"state_key of the sender", ALL, NULL, &fx_std, "org.example.thing", "mod", "mod", "{}", NULL, 0, A, "event.allow",
   0},

  /* m.room.third_party_invite: the invite level */
  {"3pid token event by carol, invite default 0", ALL, NULL, &fx_std, "m.room.third_party_invite", "carol", "!tok",
   "{\"display_name\": \"x\", \"key_validity_url\": \"https://is/v\", \"public_key\": \"AAAA\"}", NULL, 0, A,
   "third_party_invite.allow", 0},
  {"3pid token event by mod, invite 60", ALL, NULL, &fx_pl_rich, "m.room.third_party_invite", "mod", "!tok",
   "{\"display_name\": \"x\", \"key_validity_url\": \"https://is/v\", \"public_key\": \"AAAA\"}", NULL, 0, R,
   "third_party_invite.insufficient_power", 0},

  /* m.federate */
  {"non-federated room, remote user joins", ALL, NULL, &fx_nofed, "m.room.member", "eve:other.org", NULL, M("join"),
   NULL, 0, R, "federate", 0},
  {"non-federated room, local user joins", ALL, NULL, &fx_nofed, "m.room.member", "zed", NULL, M("join"), NULL, 0, A,
   "member.join.public", 0},
  {"non-federated room, remote join, spec v1.2 text (no rule yet)", VR(1, 9), "v1.2", &fx_nofed, "m.room.member",
   "eve:other.org", NULL, M("join"), NULL, 0, A, "member.join.public", 0},
  {"non-federated room, v6/v7 text of v1.13 (rule only from v1.14)", VR(6, 7), "v1.13", &fx_nofed, "m.room.member",
   "eve:other.org", NULL, M("join"), NULL, 0, A, "member.join.public", 0},
  {"non-federated room, v6/v7 text of v1.14", VR(6, 7), "v1.14", &fx_nofed, "m.room.member", "eve:other.org", NULL,
   M("join"), NULL, 0, R, "federate", 0},
  {"non-federated room, v1-v5 text of v1.3", VR(1, 5), "v1.3", &fx_nofed, "m.room.member", "eve:other.org", NULL,
   M("join"), NULL, 0, R, "federate", 0},

  /* auth events */
  {"auth events as selected", VR(1, 11), NULL, &fx_std, "m.room.member", "carol", NULL, M("join"), "create pl jr member:carol",
   0, A, "member.join.public", 0},
  {"auth events: duplicate", ALL, NULL, &fx_std, "m.room.member", "carol", NULL, M("join"), "pl pl member:carol", 0, R,
   "auth_events.duplicate", 0},
  {"auth events: unexpected member", ALL, NULL, &fx_std, "m.room.member", "carol", NULL, M("join"),
   "create pl member:mod", 0, R, "auth_events.unexpected", 0},
  {"auth events: join_rules on a leave is unexpected", VR(1, 11), NULL, &fx_std, "m.room.member", "carol", NULL,
   M("leave"), "create jr", 0, R, "auth_events.unexpected", 0},
  {"auth events: no create, v1-v11", VR(1, 11), NULL, &fx_std, "m.room.member", "carol", NULL, M("join"),
   "pl member:carol", 0, R, "auth_events.no_create", 0},
  {"auth events: no create, v12 (must not be selected)", V(12), NULL, &fx_std, "m.room.member", "carol", NULL,
   M("join"), "pl jr member:carol", 0, A, "member.join.public", 0},
  {"auth events: create in v12 is unexpected", V(12), NULL, &fx_std, "m.room.member", "carol", NULL, M("join"),
   "create pl", 0, R, "auth_events.unexpected", 0},
  {"auth events: unknown ID cannot be decided", ALL, NULL, &fx_std, "m.room.member", "carol", NULL, M("join"),
   "pl $nowhere", 0, 0, NULL, MXM_E_UNDECIDABLE},
  {"auth events: checks off", ALL, NULL, &fx_std, "m.room.member", "carol", NULL, M("join"), "pl pl", 1, A,
   "member.join.public", 0},
  {"auth events: another room's event (spec v1.16+)", VR(1, 11), NULL, &fx_foreign, "m.room.member", "carol", NULL,
   M("join"), "create pl member:carol", 0, R, "auth_events.room_mismatch", 0},
  {"auth events: another room's event, spec v1.15", VR(1, 11), "v1.15", &fx_foreign, "m.room.member", "carol", NULL,
   M("join"), "create pl member:carol", 0, A, "member.join.public", 0},
  {"auth events: join_rules for a knock (spec v1.14+)", VR(7, 11), NULL, &fx_knock, "m.room.member", "zoe", NULL,
   M("knock"), "create pl jr", 0, A, "member.knock.allow", 0},
  {"auth events: join_rules for a knock, spec v1.13", VR(7, 11), "v1.13", &fx_knock, "m.room.member", "zoe", NULL,
   M("knock"), "create pl jr", 0, R, "auth_events.unexpected", 0},
  {"auth events: more than 10 is malformed", ALL, NULL, &fx_std, "m.room.member", "carol", NULL, M("join"),
   "pl pl pl pl pl pl pl pl pl pl pl", 0, 0, NULL, MXM_E_MALFORMED},

  /* power levels */
  {"PL: mod lowers kick to 40 (new kick)", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!", PLC("}, \"kick\": 40"),
   NULL, 0, A, "power_levels.allow", 0},
  {"PL: mod sets ban 60", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!", PLC("}, \"ban\": 60"), NULL, 0, R,
   "power_levels.level_change", 0},
  {"PL: mod removes invite 60 (old above)", VR(1, 11), NULL, &fx_pl_rich, "m.room.power_levels", "mod", "!",
   PLC(", \"@carol:example.org\": 10}, \"events\": {\"m.room.topic\": 0, \"m.room.tombstone\": 100}, "
       "\"notifications\": {\"room\": 80}"),
   NULL, 0, R, "power_levels.level_change", 0},
  {"PL: mod adds events entry 70", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"events\": {\"m.room.name\": 70}"), NULL, 0, R, "power_levels.events_change", 0},
  {"PL: mod adds events entry 40", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"events\": {\"m.room.name\": 40}"), NULL, 0, A, "power_levels.allow", 0},
  {"PL: mod adds notifications 70, v6+", VR(6, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"notifications\": {\"room\": 70}"), NULL, 0, R, "power_levels.events_change", 0},
  {"PL: mod adds notifications 70, v1-v5 (not checked)", VR(1, 5), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"notifications\": {\"room\": 70}"), NULL, 0, A, "power_levels.allow", 0},
  {"PL: mod demotes mod2 (equal) to 0", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 0}}", NULL, 0, R,
   "power_levels.users_demote", 0},
  {"PL: mod demotes mod2 (equal), spec v1.4 (\"equal\" rule)", VR(1, 11), "v1.4", &fx_std, "m.room.power_levels", "mod", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50, \"@mod2:example.org\": 0}}", NULL, 0, R,
   "power_levels.users_demote", 0},
  {"PL: mod removes mod2 (equal), spec v1.5+", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50}}", NULL, 0, R, "power_levels.users_demote", 0},
  {"PL: mod removes mod2 (equal), spec v1.4: only changes were checked for equal", VR(1, 11), "v1.4", &fx_std,
   "m.room.power_levels", "mod", "!", "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 50}}", NULL, 0, A,
   "power_levels.allow", 0},
  {"PL: mod raises carol to 60", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC(", \"@carol:example.org\": 60}"), NULL, 0, R, "power_levels.users_raise", 0},
  {"PL: mod raises carol to 50 (= own level)", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC(", \"@carol:example.org\": 50}"), NULL, 0, A, "power_levels.allow", 0},
  {"PL: mod raises self to 60", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 60, \"@mod2:example.org\": 50}}", NULL, 0, R,
   "power_levels.users_raise", 0},
  {"PL: mod lowers self to 40", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 40, \"@mod2:example.org\": 50}}", NULL, 0, A,
   "power_levels.allow", 0},
  {"PL: alice demotes mod", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "alice", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"@mod:example.org\": 0}}", NULL, 0, A, "power_levels.allow", 0},
  {"v12 PL: mod sets ban 60", V(12), NULL, &fx_v12, "m.room.power_levels", "mod", "!", PL12("}, \"ban\": 60"), NULL,
   0, R, "power_levels.level_change", 0},
  {"v12 PL: mod adds notifications 70", V(12), NULL, &fx_v12, "m.room.power_levels", "mod", "!",
   PL12("}, \"notifications\": {\"room\": 70}"), NULL, 0, R, "power_levels.events_change", 0},
  {"v12 PL: mod removes mod2 (equal)", V(12), NULL, &fx_v12, "m.room.power_levels", "mod", "!",
   "{\"users\": {\"@mod:example.org\": 50}}", NULL, 0, R, "power_levels.users_demote", 0},
  {"v12 PL: mod raises carol to 60", V(12), NULL, &fx_v12, "m.room.power_levels", "mod", "!",
   PL12(", \"@carol:example.org\": 60}"), NULL, 0, R, "power_levels.users_raise", 0},
  {"v12 PL: mod raises carol to 50", V(12), NULL, &fx_v12, "m.room.power_levels", "mod", "!",
   PL12(", \"@carol:example.org\": 50}"), NULL, 0, A, "power_levels.allow", 0},
  {"v12 PL: additional creator in users", V(12), NULL, &fx_v12_addl, "m.room.power_levels", "mod", "!",
   PL12(", \"@carol:example.org\": 0}"), NULL, 0, R, "power_levels.creator_in_users", 0},
  {"v12 auth events as selected (no create)", V(12), NULL, &fx_v12, "m.room.member", "carol", NULL, M("join"),
   "pl jr member:carol", 0, A, "member.join.public", 0},
  {"PL: users key not a user ID", VR(1, 11), NULL, &fx_std, "m.room.power_levels", "alice", "!",
   "{\"users\": {\"@alice:example.org\": 100, \"mod\": 50}}", NULL, 0, R, "power_levels.types", 0},
  {"PL: string level, v10+", VR(10, 12), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"kick\": \"40\""), NULL, 0, R, "power_levels.types", 0},
  {"PL: string level, v1-v9 (integer string allowed)", VR(1, 9), NULL, &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"kick\": \" +040 \""), NULL, 0, A, "power_levels.allow", 0},
  {"PL: float kick 40.7 in v1-v5 (spec v1.18+: truncated)", VR(1, 5), NULL, &fx_std, "m.room.power_levels", "mod",
   "!", PLC("}, \"kick\": 40.7"), NULL, 0, A, "power_levels.allow", 0},
  {"PL: float ban 50.9 in v1-v5 truncates to 50 (<= mod's 50)", VR(1, 5), NULL, &fx_std, "m.room.power_levels", "mod",
   "!", PLC("}, \"ban\": 50.9"), NULL, 0, A, "power_levels.allow", 0},
  {"PL: float kick in v1-v5, spec v1.17: not defined", VR(1, 5), "v1.17", &fx_std, "m.room.power_levels", "mod", "!",
   PLC("}, \"kick\": 40.7"), NULL, 0, 0, NULL, MXM_E_UNDECIDABLE},
  {"PL: float users value in v1-v5, spec v1.17: 10.1 wants integers", VR(1, 5), "v1.17", &fx_std,
   "m.room.power_levels", "mod", "!", PLC(", \"@carol:example.org\": 10.5}"), NULL, 0, R, "power_levels.types", 0},
  {"PL: first power-levels event", VR(1, 11), NULL, &fx_none, "m.room.power_levels", "alice", "!",
   "{\"users\": {\"@alice:example.org\": 100}}", NULL, 0, A, "power_levels.initial", 0},
  {"PL: v12 users names the creator", V(12), NULL, &fx_std, "m.room.power_levels", "alice", "!",
   "{\"users\": {\"@alice:example.org\": 100}}", NULL, 0, R, "power_levels.creator_in_users", 0},
  {"PL: v12 creator (infinite) sets anything", V(12), NULL, &fx_std, "m.room.power_levels", "alice", "!",
   "{\"users\": {\"@mod:example.org\": 9000}, \"ban\": 9000}", NULL, 0, A, "power_levels.allow", 0},

  /* rules not modelled: no guessed verdict */
  {"m.room.aliases in v1-v5", VR(1, 5), NULL, &fx_std, "m.room.aliases", "mod", "!example.org",
   "{\"aliases\": []}", NULL, 0, 0, NULL, MXM_E_UNSUPPORTED},
  {"m.room.redaction in v1-v2", VR(1, 2), NULL, &fx_std, "m.room.redaction", "carol", NULL, "{}", NULL, 0, 0, NULL,
   MXM_E_UNSUPPORTED},
  {"m.room.redaction in v3+ is an ordinary event", VR(3, 12), NULL, &fx_std, "m.room.redaction", "carol", NULL, "{}",
   NULL, 0, A, "event.allow", 0},
};

/* Resolve auth-event selectors into ", \"auth_events\": [...]". */
static void auth_json(const struct mxm_state *st, const char *sel, char *buf, size_t cap)
{
  size_t n = (size_t)snprintf(buf, cap, ", \"auth_events\": [");
  const char *p = sel;
  int first = 1;
  while(*p && n < cap) {
    char word[64], user[300];
    const char *id = NULL;
    size_t l = strcspn(p, " ");
    snprintf(word, sizeof(word), "%.*s", (int)l, p);
    p += l;
    while(*p == ' ')
      p++;
    if(strcmp(word, "create") == 0)
      id = mxm_event_id(mxm_state_create(st));
    else if(strcmp(word, "pl") == 0)
      id = mxm_event_id(mxm_state_power_levels(st));
    else if(strcmp(word, "jr") == 0)
      id = mxm_event_id(mxm_state_join_rules(st));
    else if(strncmp(word, "member:", 7) == 0) {
      fx_user(user, sizeof(user), word + 7);
      id = mxm_state_member_event_id(st, user);
    } else
      id = word;
    n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\"", first ? "" : ", ", id ? id : "$missing");
    first = 0;
  }
  if(n < cap)
    snprintf(buf + n, cap - n, "]");
}

static void run_row(const struct grow *r, const char *vid)
{
  char name[256], auth[2048];
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
  if(r->auth)
    auth_json(st, r->auth, auth, sizeof(auth));
  ev = fx_parse_event(st, r->type, r->sender,
                      r->state_key ? r->state_key : (strcmp(r->type, "m.room.member") == 0 ? r->sender : NULL),
                      r->content, 0, r->auth ? auth : NULL);
  if(!tap_check(ev != NULL, name, "fixture event failed")) {
    mxm_state_free(&st);
    return;
  }
  memset(&facts, 0, sizeof(facts));
  mxm_auth_options_init(&opt);
  if(r->spec && mxm_spec_parse(r->spec, &opt.spec) != MXM_OK)
    tap_check(0, name, "bad spec release in the table");
  if(r->no_auth_check)
    opt.check_auth_events = 0;
  s = mxm_auth_decide(st, ev, &facts, &opt, &res, &err);
  if(r->verdict == 0) {
    tap_int_eq(name, r->status, s);
    tap_check(err.message[0] != '\0', name, "an error must say why");
  } else if(tap_check(s == MXM_OK, name, "status %s: %s (%s)", mxm_status_name(s), err.message, err.where)) {
    tap_str_eq(name, r->rule, res.rule_id);
    tap_str_eq(name, mxm_verdict_name(r->verdict), mxm_verdict_name(res.verdict));
  }
  mxm_event_free(&ev);
  mxm_state_free(&st);
}

/* Create events: checked against an empty state (rule 1 comes first). */
struct crow {
  const char *name;
  unsigned versions;
  const char *json;
  const char *rule;
};
#define CR(extra, content)                                                                                         \
  "{\"type\": \"m.room.create\", \"sender\": \"@a:example.org\", \"state_key\": \"\", \"event_id\": "              \
  "\"$c:example.org\", \"depth\": 1, \"origin_server_ts\": 1, \"auth_events\": [], \"content\": " content extra "}"
#define RID ", \"room_id\": \"!r:example.org\""
static const struct crow create_rows[] = {
  {"create v1-v10", VR(1, 10), CR(RID ", \"prev_events\": []", "{\"creator\": \"@a:example.org\"}"), "create.allow"},
  {"create v11", V(11), CR(RID ", \"prev_events\": []", "{}"), "create.allow"},
  {"create v12 (no room_id)", V(12), CR(", \"prev_events\": []", "{}"), "create.allow"},
  {"create with prev_events", ALL, CR(RID ", \"prev_events\": [\"$p:example.org\"]", "{\"creator\": \"@a:example.org\"}"),
   "create.prev_events"},
  {"create room_id on another server", VR(1, 11),
   CR(", \"room_id\": \"!r:other.org\", \"prev_events\": []", "{\"creator\": \"@a:example.org\"}"),
   "create.room_id_domain"},
  {"v12 create with a room_id", V(12), CR(RID ", \"prev_events\": []", "{}"), "create.has_room_id"},
  {"unknown room_version", VR(1, 11), CR(RID ", \"prev_events\": []", "{\"creator\": \"@a:example.org\", \"room_version\": \"99\"}"),
   "create.room_version"},
  {"room_version not a string", VR(1, 11), CR(RID ", \"prev_events\": []", "{\"creator\": \"@a:example.org\", \"room_version\": 9}"),
   "create.room_version"},
  {"no creator, v1-v10", VR(1, 10), CR(RID ", \"prev_events\": []", "{}"), "create.no_creator"},
  {"bad additional_creators, v12", V(12), CR(", \"prev_events\": []", "{\"additional_creators\": [\"nope\"]}"),
   "create.additional_creators"},
  {"bad additional_creators, v11 (no meaning there)", V(11),
   CR(RID ", \"prev_events\": []", "{\"additional_creators\": [\"nope\"]}"), "create.allow"},
};

static void run_create(const struct crow *r, const char *vid)
{
  char name[200];
  const struct mxm_room_version *rv = mxm_room_version_find(vid);
  struct mxm_state *st = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_result res;
  struct mxm_error err;
  enum mxm_status s;
  snprintf(name, sizeof(name), "v%s %s", vid, r->name);
  if(!tap_check(mxm_state_new(rv, &st) == MXM_OK, name, "state"))
    return;
  s = mxm_event_parse(r->json, strlen(r->json), rv, &ev, &err);
  if(tap_check(s == MXM_OK, name, "parse: %s at %s", err.message, err.where)) {
    s = mxm_auth_check(st, ev, NULL, &res, &err);
    if(tap_check(s == MXM_OK, name, "decide: %s", err.message))
      tap_str_eq(name, r->rule, res.rule_id);
  }
  mxm_event_free(&ev);
  mxm_state_free(&st);
}

/* Other whole-engine properties. */
static void misc(void)
{
  struct mxm_state *st = NULL, *empty = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_result res;
  struct mxm_error err;
  size_t n, i, k;
  int t;

  /* v12: room_id that is not the create event's ID. */
  {
    static const struct fx_state fx = {"alice", NULL, NULL, "alice=join", "public", NULL, NULL};
    static const char *json = "{\"type\": \"m.room.member\", \"sender\": \"@bob:example.org\", \"state_key\": "
                              "\"@bob:example.org\", \"room_id\": \"!wrong\", \"content\": {\"membership\": "
                              "\"join\"}, \"prev_events\": [], \"auth_events\": [], \"depth\": 3}";
    st = fx_build("12", &fx);
    if(tap_check(st && mxm_event_parse(json, strlen(json), mxm_room_version_find("12"), &ev, &err) == MXM_OK,
                 "v12 wrong room_id", "setup")) {
      if(tap_int_eq("v12 wrong room_id", MXM_OK, mxm_auth_check(st, ev, NULL, &res, &err)))
        tap_str_eq("v12 wrong room_id", "room.not_create_id", res.rule_id);
    }
    mxm_event_free(&ev);
    mxm_state_free(&st);
  }
  /* No create in the state: the room does not exist, cannot decide. */
  {
    static const char *json = "{\"type\": \"m.room.member\", \"sender\": \"@bob:example.org\", \"state_key\": "
                              "\"@bob:example.org\", \"room_id\": \"!r:example.org\", \"content\": {\"membership\": "
                              "\"join\"}, \"prev_events\": [], \"auth_events\": [], \"depth\": 3}";
    const struct mxm_room_version *rv = mxm_room_version_find("10");
    if(tap_check(mxm_state_new(rv, &empty) == MXM_OK && mxm_event_parse(json, strlen(json), rv, &ev, &err) == MXM_OK,
                 "no create", "setup")) {
      memset(&res, 0x5a, sizeof(res));
      tap_int_eq("no create: cannot decide", MXM_E_UNDECIDABLE, mxm_auth_check(empty, ev, NULL, &res, &err));
      tap_check(strstr(err.message, "m.room.create") != NULL, "no create: message names the create", "%s",
                err.message);
    }
    mxm_event_free(&ev);
    mxm_state_free(&empty);
  }
  /* NULL arguments. */
  tap_int_eq("decide NULL state", MXM_E_USAGE, mxm_auth_decide(NULL, NULL, NULL, NULL, &res, &err));

  /* The rule-info table and the row tables name the same ids, both ways,
   * and each row's verdict matches its info row (style.md 18). */
  {
    const struct mxm_rule_info *info = mxm_rules(&n);
    const struct mxmi_row *tables[4];
    size_t counts[4];
    tables[0] = mxmi_member_rows(&counts[0]);
    for(t = 0; t < 3; t++)
      tables[t + 1] = mxmi_general_table(t, &counts[t + 1]);
    tap_check(mxmi_general_table(3, &k) == NULL && k == 0, "general tables end at 3", "expected NULL");
    for(t = 0; t < 4; t++) {
      for(k = 0; k < counts[t]; k++) {
        const struct mxm_rule_info *ri = mxm_rule_find(tables[t][k].id);
        int f;
        if(tap_check(ri != NULL, "row id in rule info", "%s", tables[t][k].id))
          tap_int_eq(tables[t][k].id, ri->verdict, tables[t][k].verdict);
        for(f = 0; f < MXMI_N_FAMILIES; f++)
          tap_check(tables[t][k].cite[f] && tables[t][k].cite[f][0], "row has citations", "%s", tables[t][k].id);
        tap_check(tables[t][k].reason && tables[t][k].reason[0], "row has a reason", "%s", tables[t][k].id);
      }
    }
    for(i = 0; i < n; i++) {
      int found = 0;
      for(t = 0; t < 4 && !found; t++)
        for(k = 0; k < counts[t]; k++)
          if(strcmp(tables[t][k].id, info[i].id) == 0)
            found = 1;
      tap_check(found, "rule info id has a row", "%s", info[i].id);
      tap_check(info[i].summary && info[i].versions, "rule info complete", "%s", info[i].id);
      for(k = 0; k < i; k++)
        tap_check(strcmp(info[k].id, info[i].id) != 0, "rule ids unique", "%s", info[i].id);
    }
    tap_int_eq("RULES.md lists 65 ids", 65, (int64_t)n);
    tap_check(mxm_rule_find("no.such.rule") == NULL, "unknown id", "expected NULL");
  }
  tap_str_eq("verdict name allow", "allow", mxm_verdict_name(MXM_ALLOW));
  tap_str_eq("verdict name reject", "reject", mxm_verdict_name(MXM_REJECT));
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
  for(i = 0; i < sizeof(create_rows) / sizeof(create_rows[0]); i++) {
    for(v = 1; v <= 12; v++) {
      char vid[4];
      if(!(create_rows[i].versions & FX_V(v)))
        continue;
      snprintf(vid, sizeof(vid), "%u", v);
      run_create(&create_rows[i], vid);
    }
  }
  misc();
  return tap_done();
}
