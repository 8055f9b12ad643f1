/*
 * test_state.c: the room state (mxm/state.h), table-driven where it can be.
 *
 *   - put / replace / lookups (membership, profile hash, member event ID,
 *     other state by (type, state_key), third-party invites by token, the
 *     event-ID index, server keys);
 *   - power levels and their defaults per spec release
 *     (m.room.power_levels.yaml; s2s "Definitions"; C-S "Permissions"):
 *     invite 50 before v1.6 and 0 from it, state_default without a PL event
 *     0 before v1.7 and 50 from it, creators 100 without PL in v1-v11,
 *     v12 creators infinite;
 *   - the creator per room version (content.creator v1-v10, sender v11+);
 *   - loading state JSON in both forms, with JSON-pointer errors;
 *   - copies are independent;
 *   - 100,000 members: every one found, memory per member bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/state.h"
#include "state_int.h"
#include "tap.h"

static char qbuf[1 << 16];
static const char *q(const char *s)
{
  size_t i;
  for(i = 0; s[i] && i + 1 < sizeof(qbuf); i++)
    qbuf[i] = s[i] == '\'' ? '"' : s[i];
  qbuf[i] = '\0';
  return qbuf;
}

static const struct mxm_room_version *rv_of(const char *id) { return mxm_room_version_find(id); }

/* Parse (' for ") and put; returns the put status. */
static enum mxm_status put(struct mxm_state *st, const char *json_q, struct mxm_error *err)
{
  const char *json = q(json_q);
  struct mxm_event *ev = NULL;
  enum mxm_status s = mxm_event_parse(json, strlen(json), mxm_state_room_version(st), &ev, err);
  if(s != MXM_OK)
    return s;
  return mxm_state_put(st, ev, err);
}

static void must_put(struct mxm_state *st, const char *json_q)
{
  struct mxm_error err;
  enum mxm_status s;
  memset(&err, 0, sizeof(err));
  s = put(st, json_q, &err);
  tap_check(s == MXM_OK, "put", "%s: %s at \"%s\" for %s", mxm_status_name(s), err.message, err.where, json_q);
}

static struct mxm_state *new_state(const char *rv)
{
  struct mxm_state *st = NULL;
  if(mxm_state_new(rv_of(rv), &st) != MXM_OK) {
    fprintf(stderr, "mxm_state_new failed\n");
    exit(1);
  }
  return st;
}

/* A member event of user with membership m and ID id. */
static const char *member(const char *user, const char *m, const char *id, const char *extra)
{
  static char buf[1024];
  snprintf(buf, sizeof(buf),
           "{'type':'m.room.member','sender':'%s','state_key':'%s','room_id':'!r:x','event_id':'%s',"
           "'content':{'membership':'%s'%s}}",
           user, user, id, m, extra ? extra : "");
  return buf;
}

/* ------------------------------------------------------------------ */

static void test_members(void)
{
  struct mxm_state *st = new_state("10");
  struct mxm_error err;
  uint64_t h1, h2;

  tap_int_eq("empty state: no members", 0, (int64_t)mxm_state_member_count(st));
  tap_int_eq("unknown user is none", MXM_MEMBERSHIP_NONE, mxm_state_membership(st, "@nobody:x"));
  tap_check(mxm_state_member_event_id(st, "@nobody:x") == NULL, "no event id for unknown", "found");
  tap_int_eq("profile hash of unknown", 0, (int64_t)mxm_state_profile_hash(st, "@nobody:x"));

  must_put(st, member("@alice:x", "join", "$a1", ",'displayname':'Alice'"));
  must_put(st, member("@bob:x", "invite", "$b1", NULL));
  must_put(st, member("@carol:x", "ban", "$c1", NULL));
  must_put(st, member("@dave:x", "knock", "$d1", NULL));
  must_put(st, member("@erin:x", "leave", "$e1", NULL));
  tap_int_eq("five members", 5, (int64_t)mxm_state_member_count(st));
  tap_int_eq("alice join", MXM_MEMBERSHIP_JOIN, mxm_state_membership(st, "@alice:x"));
  tap_int_eq("bob invite", MXM_MEMBERSHIP_INVITE, mxm_state_membership(st, "@bob:x"));
  tap_int_eq("carol ban", MXM_MEMBERSHIP_BAN, mxm_state_membership(st, "@carol:x"));
  tap_int_eq("dave knock", MXM_MEMBERSHIP_KNOCK, mxm_state_membership(st, "@dave:x"));
  tap_int_eq("erin leave", MXM_MEMBERSHIP_LEAVE, mxm_state_membership(st, "@erin:x"));
  tap_str_eq("alice event id", "$a1", mxm_state_member_event_id(st, "@alice:x"));
  tap_int_eq("case matters", MXM_MEMBERSHIP_NONE, mxm_state_membership(st, "@Alice:x"));
  tap_check(mxm_state_get(st, "m.room.member", "@alice:x") == NULL, "members are not in mxm_state_get",
            "found one");

  /* Replace: same user, new event. */
  h1 = mxm_state_profile_hash(st, "@alice:x");
  must_put(st, member("@alice:x", "leave", "$a2", ",'displayname':'Alice'"));
  tap_int_eq("replace keeps the count", 5, (int64_t)mxm_state_member_count(st));
  tap_int_eq("alice now leave", MXM_MEMBERSHIP_LEAVE, mxm_state_membership(st, "@alice:x"));
  tap_str_eq("alice new event id", "$a2", mxm_state_member_event_id(st, "@alice:x"));
  h2 = mxm_state_profile_hash(st, "@alice:x");
  tap_check(h1 == h2 && h1 != 0, "same profile, same hash", "%llx vs %llx", (unsigned long long)h1,
            (unsigned long long)h2);
  must_put(st, member("@alice:x", "join", "$a3", ",'displayname':'Alicia'"));
  tap_check(mxm_state_profile_hash(st, "@alice:x") != h1, "new displayname, new hash", "same");
  must_put(st, member("@alice:x", "join", "$a4", ",'displayname':''"));
  h1 = mxm_state_profile_hash(st, "@alice:x");
  must_put(st, member("@alice:x", "join", "$a5", ",'displayname':null"));
  tap_check(mxm_state_profile_hash(st, "@alice:x") != h1, "null and empty displayname differ", "same");
  must_put(st, member("@alice:x", "join", "$a6", ",'avatar_url':''"));
  tap_check(mxm_state_profile_hash(st, "@alice:x") != h1, "empty displayname and empty avatar differ", "same");

  /* Errors: not a state event; a member with no usable membership. */
  tap_int_eq("no state_key", MXM_E_MALFORMED,
             put(st, "{'type':'m.room.member','sender':'@a:x','room_id':'!r:x','event_id':'$z','content':{'membership':'join'}}",
                 &err));
  tap_str_eq("no state_key pointer", "/state_key", err.where);
  tap_int_eq("membership missing", MXM_E_MALFORMED, put(st, member("@zed:x", "jion", "$z1", NULL), &err));
  tap_str_eq("membership pointer", "/content/membership", err.where);
  tap_int_eq("failed puts change nothing", 5, (int64_t)mxm_state_member_count(st));
  tap_int_eq("put NULL event", MXM_E_USAGE, mxm_state_put(st, NULL, &err));
  mxm_state_free(&st);
  tap_check(st == NULL, "free clears the pointer", "not NULL");
  mxm_state_free(&st);
}

static void test_other_state(void)
{
  struct mxm_state *st = new_state("10");
  const struct mxm_event *ev;
  const char *type = NULL, *sk = NULL, *room = NULL;

  tap_check(mxm_state_create(st) == NULL, "no create", "found");
  tap_check(mxm_state_power_levels(st) == NULL, "no PL", "found");
  tap_check(mxm_state_join_rules(st) == NULL, "no JR", "found");
  must_put(st, "{'type':'m.room.create','sender':'@alice:x','state_key':'','room_id':'!r:x','event_id':'$cr','content':{'creator':'@alice:x'}}");
  must_put(st, "{'type':'m.room.join_rules','sender':'@alice:x','state_key':'','room_id':'!r:x','event_id':'$jr1','content':{'join_rule':'invite'}}");
  must_put(st, "{'type':'m.room.join_rules','sender':'@alice:x','state_key':'','room_id':'!r:x','event_id':'$jr2','content':{'join_rule':'public'}}");
  must_put(st, "{'type':'m.room.third_party_invite','sender':'@alice:x','state_key':'tok1','room_id':'!r:x','event_id':'$t1','content':{'public_key':'AAAA'}}");
  must_put(st, "{'type':'m.room.third_party_invite','sender':'@alice:x','state_key':'tok2','room_id':'!r:x','event_id':'$t2','content':{'public_key':'BBBB'}}");
  must_put(st, "{'type':'m.room.topic','sender':'@alice:x','state_key':'','room_id':'!r:x','event_id':'$top','content':{'topic':'t'}}");
  must_put(st, "{'type':'m.room.join_rules','sender':'@alice:x','state_key':'other','room_id':'!r:x','event_id':'$jr3','content':{'join_rule':'knock'}}");

  ev = mxm_state_create(st);
  tap_str_eq("create found", "$cr", ev ? mxm_event_id(ev) : NULL);
  ev = mxm_state_join_rules(st);
  tap_str_eq("latest join rules replaces", "public", ev ? ev->u.join_rules.join_rule : NULL);
  ev = mxm_state_get(st, "m.room.join_rules", "other");
  tap_str_eq("join rules under another state_key are separate", "knock", ev ? ev->u.join_rules.join_rule : NULL);
  ev = mxm_state_third_party_invite(st, "tok2");
  tap_str_eq("tpi by token", "BBBB", ev ? ev->u.third_party_invite.public_key : NULL);
  tap_check(mxm_state_third_party_invite(st, "tok3") == NULL, "unknown token", "found");
  ev = mxm_state_get(st, "m.room.topic", "");
  tap_str_eq("topic by (type, state_key)", "$top", ev ? mxm_event_id(ev) : NULL);
  tap_check(mxm_state_get(st, "m.room.topic", "x") == NULL, "other state_key", "found");

  /* Event-ID index: replaced events stay findable (auth events may name them). */
  tap_int_eq("index finds $jr1", 1, mxm_state_event_by_id(st, "$jr1", &type, &sk, &room));
  tap_str_eq("index type", "m.room.join_rules", type);
  tap_str_eq("index state_key", "", sk);
  tap_str_eq("index room", "!r:x", room);
  tap_int_eq("index finds $t2", 1, mxm_state_event_by_id(st, "$t2", &type, &sk, NULL));
  tap_str_eq("index tpi state_key", "tok2", sk);
  tap_int_eq("index misses $nope", 0, mxm_state_event_by_id(st, "$nope", &type, &sk, &room));
  tap_int_eq("index misses a non-ID string that is interned", 0, mxm_state_event_by_id(st, "m.room.topic", NULL, NULL, NULL));
  mxm_state_free(&st);
}

/* v3+ events without event_id get their reference-hash ID. */
static void test_computed_ids(void)
{
  struct mxm_state *st = new_state("10");
  const char *id, *type = NULL;
  must_put(st, "{'type':'m.room.member','sender':'@a:x','state_key':'@a:x','room_id':'!r:x','content':{'membership':'join'},"
               "'prev_events':[],'auth_events':[],'depth':1,'origin_server_ts':0,'hashes':{'sha256':'x'}}");
  id = mxm_state_member_event_id(st, "@a:x");
  tap_check(id && id[0] == '$' && strlen(id) == 44, "computed v4+ event id", "%s", id ? id : "(null)");
  tap_check(id && !strchr(id, '+') && !strchr(id, '/'), "URL-safe alphabet", "%s", id ? id : "(null)");
  tap_int_eq("computed id indexed", 1, id ? mxm_state_event_by_id(st, id, &type, NULL, NULL) : 0);
  tap_str_eq("computed id type", "m.room.member", type);
  mxm_state_free(&st);
}

/* ------------------------------------------------------------------ */
/* Creators and levels                                                  */

static void test_creators(void)
{
  static const char *const versions[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};
  size_t i;
  char json[512];
  for(i = 0; i < 12; i++) {
    struct mxm_state *st = new_state(versions[i]);
    const char *want = i < 10 ? "@c:x" : "@s:x"; /* v1-v10 content.creator; v11+ sender */
    char name[64];
    int v12 = i == 11;
    tap_check(mxm_state_creator(st) == NULL, "no create, no creator", "v%s", versions[i]);
    snprintf(json, sizeof(json),
             "{'type':'m.room.create','sender':'@s:x','state_key':'',%s'event_id':'$c:x',"
             "'content':{'creator':'@c:x'%s}}",
             v12 ? "" : "'room_id':'!r:x',", v12 ? ",'additional_creators':['@ac:y']" : "");
    must_put(st, json);
    snprintf(name, sizeof(name), "v%s creator", versions[i]);
    tap_str_eq(name, want, mxm_state_creator(st));
    /* No PL event: creator 100, others 0 (v1-v11); v12 creators infinite. */
    snprintf(name, sizeof(name), "v%s no-PL level of the creator", versions[i]);
    tap_int_eq(name, v12 ? MXM_PL_INFINITE : 100, mxm_state_user_level(st, want));
    snprintf(name, sizeof(name), "v%s no-PL level of the other one", versions[i]);
    tap_int_eq(name, 0, mxm_state_user_level(st, i < 10 ? "@s:x" : "@c:x"));
    snprintf(name, sizeof(name), "v%s no-PL level of a stranger", versions[i]);
    tap_int_eq(name, 0, mxm_state_user_level(st, "@z:x"));
    snprintf(name, sizeof(name), "v%s additional creator", versions[i]);
    tap_int_eq(name, v12 ? MXM_PL_INFINITE : 0, mxm_state_user_level(st, "@ac:y"));
    tap_int_eq("is_v12_creator sender", v12, mxm_state_is_v12_creator(st, "@s:x"));
    tap_int_eq("is_v12_creator additional", v12, mxm_state_is_v12_creator(st, "@ac:y"));
    tap_int_eq("is_v12_creator content.creator", 0, mxm_state_is_v12_creator(st, "@c:x"));
    mxm_state_free(&st);
  }
}

static void test_levels_with_pl(void)
{
  struct mxm_state *st = new_state("12");
  const char *type = NULL, *sk = NULL, *room = "unset";
  must_put(st, "{'type':'m.room.create','sender':'@s:x','state_key':'','content':{'additional_creators':['@ac:x']}}");
  /* the v12 create has no room_id: the index says so */
  {
    const struct mxm_event *cr = mxm_state_create(st);
    const char *id = cr ? mxm_event_id(cr) : NULL;
    tap_int_eq("v12 create indexed", 1, id ? mxm_state_event_by_id(st, id, &type, &sk, &room) : 0);
    tap_check(room == NULL, "v12 create has no room_id", "%s", room ? room : "");
  }
  must_put(st, "{'type':'m.room.power_levels','sender':'@s:x','state_key':'','room_id':'!r','content':"
               "{'users':{'@mod:x':50,'@s:x':1},'users_default':5,'events':{'m.room.name':70}}}");
  tap_int_eq("users entry", 50, mxm_state_user_level(st, "@mod:x"));
  tap_int_eq("users_default", 5, mxm_state_user_level(st, "@someone:x"));
  tap_int_eq("v12 creator beats a users entry", MXM_PL_INFINITE, mxm_state_user_level(st, "@s:x"));
  tap_int_eq("v12 additional creator", MXM_PL_INFINITE, mxm_state_user_level(st, "@ac:x"));
  tap_int_eq("required level events map", 70, mxm_state_required_level(st, "m.room.name", 1, MXM_SPEC_CURRENT));
  tap_int_eq("required level state_default (PL without it)", 50,
             mxm_state_required_level(st, "m.room.topic", 1, MXM_SPEC_CURRENT));
  tap_int_eq("required level events_default", 0,
             mxm_state_required_level(st, "m.room.message", 0, MXM_SPEC_CURRENT));
  tap_int_eq("required level NULL type", MXM_PL_INFINITE, mxm_state_required_level(st, NULL, 0, MXM_SPEC_CURRENT));
  mxm_state_free(&st);

  /* v10 with a PL event: the creator has no special level. */
  st = new_state("10");
  must_put(st, "{'type':'m.room.create','sender':'@c:x','state_key':'','room_id':'!r:x','content':{'creator':'@c:x'}}");
  must_put(st, "{'type':'m.room.power_levels','sender':'@c:x','state_key':'','room_id':'!r:x','content':{'users':{'@mod:x':50}}}");
  tap_int_eq("v10 creator not in users, no users_default", 0, mxm_state_user_level(st, "@c:x"));
  mxm_state_free(&st);

  /* v1 stringy PL values are levels too. */
  st = new_state("1");
  must_put(st, "{'type':'m.room.power_levels','sender':'@c:x','state_key':'','room_id':'!r:x','event_id':'$p:x',"
               "'content':{'users':{'@mod:x':' +050 '},'users_default':'7','kick':'60'}}");
  tap_int_eq("v1 string users entry", 50, mxm_state_user_level(st, "@mod:x"));
  tap_int_eq("v1 string users_default", 7, mxm_state_user_level(st, "@x:x"));
  tap_int_eq("v1 string kick", 60, mxm_state_level(st, "kick", MXM_SPEC_CURRENT));
  mxm_state_free(&st);
}

/* Named levels and their defaults per spec release. */
static void test_level_defaults(void)
{
  static const struct {
    int with_pl; /* 0 no PL event; 1 a PL event with none of the keys; 2 with all keys */
    const char *name;
    enum mxm_spec_release release;
    int64_t want;
  } rows[] = {
    /* invite: 50 in r0 and v1.1-v1.5; 0 from v1.6 (#1371) */
    {0, "invite", MXM_SPEC_R0, 50},      {0, "invite", MXM_SPEC_V1_5, 50},
    {0, "invite", MXM_SPEC_V1_6, 0},     {0, "invite", MXM_SPEC_CURRENT, 0},
    {1, "invite", MXM_SPEC_V1_1, 50},    {1, "invite", MXM_SPEC_V1_6, 0},
    {2, "invite", MXM_SPEC_V1_1, 11},    {2, "invite", MXM_SPEC_CURRENT, 11},
    /* kick, ban, redact: 50 always */
    {0, "kick", MXM_SPEC_R0, 50},        {1, "kick", MXM_SPEC_CURRENT, 50},   {2, "kick", MXM_SPEC_CURRENT, 12},
    {0, "ban", MXM_SPEC_CURRENT, 50},    {1, "ban", MXM_SPEC_R0, 50},         {2, "ban", MXM_SPEC_CURRENT, 13},
    {0, "redact", MXM_SPEC_CURRENT, 50}, {2, "redact", MXM_SPEC_CURRENT, 14},
    /* state_default: 50 with a PL event; without one 0 before v1.7, 50 from */
    {0, "state_default", MXM_SPEC_R0, 0},   {0, "state_default", MXM_SPEC_V1_6, 0},
    {0, "state_default", MXM_SPEC_V1_7, 50}, {0, "state_default", MXM_SPEC_CURRENT, 50},
    {1, "state_default", MXM_SPEC_R0, 50},  {1, "state_default", MXM_SPEC_V1_6, 50},
    {2, "state_default", MXM_SPEC_R0, 15},
    /* events_default, users_default: 0 */
    {0, "events_default", MXM_SPEC_CURRENT, 0}, {1, "events_default", MXM_SPEC_CURRENT, 0},
    {2, "events_default", MXM_SPEC_CURRENT, 16},
    {0, "users_default", MXM_SPEC_CURRENT, 0},  {2, "users_default", MXM_SPEC_CURRENT, 17},
    /* an unknown name is unreachable */
    {0, "kick_default", MXM_SPEC_CURRENT, MXM_PL_INFINITE},
  };
  size_t i;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct mxm_state *st = new_state("10");
    char name[96];
    if(rows[i].with_pl == 1)
      must_put(st, "{'type':'m.room.power_levels','sender':'@c:x','state_key':'','room_id':'!r:x','content':{}}");
    if(rows[i].with_pl == 2)
      must_put(st, "{'type':'m.room.power_levels','sender':'@c:x','state_key':'','room_id':'!r:x','content':"
                   "{'invite':11,'kick':12,'ban':13,'redact':14,'state_default':15,'events_default':16,"
                   "'users_default':17}}");
    snprintf(name, sizeof(name), "%s, %s, %s", rows[i].name,
             rows[i].with_pl == 0 ? "no PL" : rows[i].with_pl == 1 ? "empty PL" : "full PL",
             mxm_spec_name(rows[i].release));
    tap_int_eq(name, rows[i].want, mxm_state_level(st, rows[i].name, rows[i].release));
    mxm_state_free(&st);
  }
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */

#define KEY0 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" /* 32 zero bytes, unpadded base64 */

struct load_row {
  const char *name, *rv, *doc;
  enum mxm_status status;
  const char *where;
};

static const struct load_row load_rows[] = {
  {"a number", "10", "5", MXM_E_MALFORMED, ""},
  {"an object without events", "10", "{}", MXM_E_MALFORMED, "/events"},
  {"events not an array", "10", "{'events':{}}", MXM_E_MALFORMED, "/events"},
  {"bad sender in the array form", "10",
   "[{'type':'m.room.topic','sender':'bob','state_key':'','room_id':'!r:x','content':{}}]", MXM_E_MALFORMED,
   "/0/sender"},
  {"second event not a state event", "10",
   "{'events':[{'type':'m.room.topic','sender':'@b:x','state_key':'','room_id':'!r:x','content':{}},"
   "{'type':'m.room.message','sender':'@b:x','room_id':'!r:x','event_id':'$m','content':{}}]}",
   MXM_E_MALFORMED, "/events/1/state_key"},
  {"invalid power level in the state", "10",
   "{'events':[{'type':'m.room.power_levels','sender':'@b:x','state_key':'','room_id':'!r:x','content':{'users':{'bob':5}}}]}",
   MXM_E_MALFORMED, "/events/0/content/users/bob"},
  {"v6 float deep in an event", "6",
   "[{'type':'m.room.topic','sender':'@b:x','state_key':'','room_id':'!r:x','content':{'a':[1,2.5]}}]",
   MXM_E_MALFORMED, "/0/content/a/1"},
  {"event not an object", "10", "{'events':[5]}", MXM_E_MALFORMED, "/events/0"},
  {"server_keys not an object", "10", "{'events':[],'server_keys':[]}", MXM_E_MALFORMED, "/server_keys"},
  {"server keys of a server not an object", "10", "{'events':[],'server_keys':{'example.org':'k'}}",
   MXM_E_MALFORMED, "/server_keys/example.org"},
  {"public key not a string", "10", "{'events':[],'server_keys':{'example.org':{'ed25519:1':5}}}",
   MXM_E_MALFORMED, "/server_keys/example.org/ed25519:1"},
  {"public key not base64", "10", "{'events':[],'server_keys':{'example.org':{'ed25519:1':'!!'}}}",
   MXM_E_MALFORMED, "/server_keys/example.org/ed25519:1"},
  {"ed25519 key of 31 bytes", "10",
   "{'events':[],'server_keys':{'example.org':{'ed25519:1':'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'}}}",
   MXM_E_MALFORMED, "/server_keys/example.org/ed25519:1"},
  {"bad server name", "10", "{'events':[],'server_keys':{'exa mple.org':{'ed25519:1':'" KEY0 "'}}}",
   MXM_E_MALFORMED, "/server_keys/exa mple.org/ed25519:1"},
  {"key id with / is escaped", "10", "{'events':[],'server_keys':{'example.org':{'ed25519:a/b':5}}}",
   MXM_E_MALFORMED, "/server_keys/example.org/ed25519:a~1b"},
  {"array form ok", "10",
   "[{'type':'m.room.create','sender':'@b:x','state_key':'','room_id':'!r:x','event_id':'$c','content':{'creator':'@b:x'}},"
   "{'type':'m.room.member','sender':'@b:x','state_key':'@b:x','room_id':'!r:x','event_id':'$m','content':{'membership':'join'}}]",
   MXM_OK, NULL},
  {"object form ok", "10",
   "{'events':[{'type':'m.room.member','sender':'@b:x','state_key':'@b:x','room_id':'!r:x','event_id':'$m','content':{'membership':'join'}}],"
   "'server_keys':{'example.org':{'ed25519:1':'" KEY0 "','ed25519:2':'" KEY0 "'},'other.org':{'ed25519:x':'" KEY0 "'}}}",
   MXM_OK, NULL},
};

static int count_keys(const char *key_id, const char *public_key_b64, void *ctx)
{
  (void)key_id;
  (void)public_key_b64;
  (*(int *)ctx)++;
  return 0;
}

static int stop_at_first(const char *key_id, const char *public_key_b64, void *ctx)
{
  (void)public_key_b64;
  *(const char **)ctx = key_id;
  return 1;
}

static void test_load(void)
{
  size_t i;
  for(i = 0; i < sizeof(load_rows) / sizeof(load_rows[0]); i++) {
    const struct load_row *r = &load_rows[i];
    struct mxm_state *st = new_state(r->rv);
    struct mxm_json *doc = NULL;
    struct mxm_error err;
    const char *json = q(r->doc);
    enum mxm_status s;
    memset(&err, 0, sizeof(err));
    if(mxm_json_parse(json, strlen(json), &doc, &err) != MXM_OK) {
      tap_check(0, r->name, "test JSON does not parse: %s", err.message);
      mxm_state_free(&st);
      continue;
    }
    s = mxm_state_load_json(st, doc, &err);
    tap_check(s == r->status, r->name, "expected %s, got %s (%s at \"%s\")", mxm_status_name(r->status),
              mxm_status_name(s), err.message, err.where);
    if(r->where)
      tap_str_eq(r->name, r->where, err.where);
    if(s == MXM_OK && strcmp(r->name, "object form ok") == 0) {
      int n = 0;
      const char *first = NULL;
      tap_int_eq("loaded member", MXM_MEMBERSHIP_JOIN, mxm_state_membership(st, "@b:x"));
      tap_int_eq("keys of example.org", 2, (int64_t)mxm_state_server_keys(st, "example.org", count_keys, &n));
      tap_int_eq("callback calls", 2, n);
      tap_int_eq("keys of other.org", 1, (int64_t)mxm_state_server_keys(st, "other.org", count_keys, &n));
      tap_int_eq("keys of nobody", 0, (int64_t)mxm_state_server_keys(st, "nobody.org", count_keys, &n));
      tap_int_eq("stop early", 1, (int64_t)mxm_state_server_keys(st, "example.org", stop_at_first, &first));
      tap_str_eq("first key", "ed25519:1", first);
    }
    mxm_json_free(&doc);
    mxm_state_free(&st);
  }
}

static void test_server_keys(void)
{
  struct mxm_state *st = new_state("10");
  struct mxm_error err;
  int n = 0;
  tap_int_eq("add key", MXM_OK, mxm_state_add_server_key(st, "example.org", "ed25519:1", KEY0, &err));
  tap_int_eq("replace key", MXM_OK,
             mxm_state_add_server_key(st, "example.org", "ed25519:1", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &err));
  tap_int_eq("one key after replace", 1, (int64_t)mxm_state_server_keys(st, "example.org", count_keys, &n));
  tap_int_eq("URL-safe key", MXM_OK,
             mxm_state_add_server_key(st, "example.org", "ed25519:2", "-_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &err));
  tap_int_eq("key id without algorithm", MXM_E_MALFORMED, mxm_state_add_server_key(st, "example.org", "1", KEY0, &err));
  tap_int_eq("NULL key", MXM_E_USAGE, mxm_state_add_server_key(st, "example.org", "ed25519:1", NULL, &err));
  mxm_state_free(&st);
}

/* ------------------------------------------------------------------ */

/* 100,000 members: all found with the right membership; the member map and
 * intern set stay under 128 bytes per member (state.h promise), the whole
 * structure (with the event-ID index) is reported. */
static void test_many_members(void)
{
  enum { N = 100000 };
  struct mxm_state *st = new_state("10");
  static const char *const ms[] = {"join", "invite", "leave", "ban", "knock"};
  size_t i, wrong = 0, bad_id = 0;
  char json[512], user[64], id[64];
  double per_member, per_member_all;
  for(i = 0; i < N; i++) {
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    int n = snprintf(json, sizeof(json),
                     "{\"type\":\"m.room.member\",\"sender\":\"@u%zu:example.org\",\"state_key\":\"@u%zu:example.org\","
                     "\"room_id\":\"!r:example.org\",\"event_id\":\"$e%zu\",\"content\":{\"membership\":\"%s\"}}",
                     i, i, i, ms[i % 5]);
    if(mxm_event_parse(json, (size_t)n, rv_of("10"), &ev, &err) != MXM_OK ||
       mxm_state_put(st, ev, &err) != MXM_OK) {
      tap_check(0, "bulk put", "member %zu: %s", i, err.message);
      break;
    }
  }
  tap_int_eq("100k members", N, (int64_t)mxm_state_member_count(st));
  for(i = 0; i < N; i++) {
    const char *got;
    snprintf(user, sizeof(user), "@u%zu:example.org", i);
    snprintf(id, sizeof(id), "$e%zu", i);
    if(mxm_state_membership(st, user) != mxm_membership_parse(ms[i % 5]))
      wrong++;
    got = mxm_state_member_event_id(st, user);
    if(!got || strcmp(got, id) != 0)
      bad_id++;
  }
  tap_int_eq("every membership right", 0, (int64_t)wrong);
  tap_int_eq("every event ID right", 0, (int64_t)bad_id);
  tap_int_eq("absent user", MXM_MEMBERSHIP_NONE, mxm_state_membership(st, "@u100000:example.org"));
  per_member = (double)(st->members_cap * sizeof(*st->members) + st->intern_cap * sizeof(*st->intern)) / N;
  per_member_all = per_member + (double)(st->refs_cap * sizeof(*st->refs)) / N;
  tap_check(per_member < 128.0, "member map + intern set < 128 bytes per member", "%.1f", per_member);
  printf("# memory per member beyond strings: %.1f bytes (map + intern), %.1f with the event-ID index\n",
         per_member, per_member_all);
  mxm_state_free(&st);
}

/* A room with a realistic amount of state: 50 non-member state events of 10
 * types (5 state keys each), 1,000 members, and their event IDs. Every table
 * of the state (event table, member map, event-ID index, intern set) grows
 * several times on the way; afterwards every entry must still be found, a
 * replaced entry must read as the new event, and a copy must hold the same.
 * Pins down that growing a table keeps its entries (m.room.member and the
 * other state events are the "current state" the auth rules read:
 * matrix-spec content/server-server-api.md §Authorization rules). */
static void check_big_state(const struct mxm_state *st, const char *what)
{
  char type[32], key[32], user[64], id[64];
  size_t t, k, i, lost = 0, wrong = 0, bad_ids = 0;
  for(t = 0; t < 10; t++)
    for(k = 0; k < 5; k++) {
      const struct mxm_event *ev;
      const char *got;
      snprintf(type, sizeof(type), "org.example.t%zu", t);
      snprintf(key, sizeof(key), "k%zu", k);
      ev = mxm_state_get(st, type, key);
      if(!ev)
        lost++;
      else if(!(got = mxm_event_id(ev)) || (snprintf(id, sizeof(id), t == 3 && k == 2 ? "$s3.2b" : "$s%zu.%zu", t, k),
                                            strcmp(got, id) != 0))
        wrong++;
    }
  for(i = 0; i < 1000; i++) {
    snprintf(user, sizeof(user), "@m%zu:example.org", i);
    snprintf(id, sizeof(id), "$m%zu", i);
    if(mxm_state_membership(st, user) != (i % 7 == 0 ? MXM_MEMBERSHIP_BAN : MXM_MEMBERSHIP_JOIN))
      wrong++;
    if(!mxm_state_event_by_id(st, id, NULL, NULL, NULL))
      bad_ids++;
  }
  tap_int_eq(what, 0, (int64_t)lost);
  tap_int_eq(what, 0, (int64_t)wrong);
  tap_int_eq(what, 0, (int64_t)bad_ids);
  tap_int_eq(what, 1001, (int64_t)mxm_state_member_count(st));
  tap_check(mxm_state_get(st, "org.example.t10", "k0") == NULL, what, "a type never put is found");
  tap_check(mxm_state_get(st, "org.example.t0", "k5") == NULL, what, "a state key never put is found");
  tap_check(mxm_state_get(st, "org.example.t3", "k2") && mxm_state_event_by_id(st, "$s3.2", NULL, NULL, NULL),
            what, "the replaced event left the ID index");
}

/* An error deep in a long key: the state loader prefixes "/events/0" to the
 * event's own pointer, and a pointer that does not fit the 128-byte buffer
 * (MXM_ERROR_WHERE_MAX) keeps its first 124 bytes and ends in "...": 127
 * bytes and the NUL. A pointer that fits exactly is kept whole. */
static void test_long_pointer(void)
{
  static const size_t lens[] = {80, 102, 103, 150};
  size_t i;
  for(i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
    struct mxm_state *st = new_state("10");
    struct mxm_json *doc = NULL;
    struct mxm_error err;
    char key[200], json[600], want[300], name[64];
    size_t n = lens[i];
    memset(key, 'k', n);
    key[n] = '\0';
    snprintf(json, sizeof(json),
             "{\"events\":[{\"type\":\"m.room.power_levels\",\"sender\":\"@c:x\",\"state_key\":\"\","
             "\"room_id\":\"!r:x\",\"event_id\":\"$p\",\"content\":{\"users\":{\"%s\":1}}}]}",
             key);
    snprintf(want, sizeof(want), "/events/0/content/users/%s", key); /* 24 + n bytes */
    if(strlen(want) > MXM_ERROR_WHERE_MAX - 1)
      memcpy(want + MXM_ERROR_WHERE_MAX - 4, "...", 4);
    snprintf(name, sizeof(name), "pointer of %zu bytes", strlen("/events/0/content/users/") + n);
    mxm_error_clear(&err);
    if(tap_check(mxm_json_parse(json, strlen(json), &doc, &err) == MXM_OK, name, "JSON")) {
      tap_int_eq(name, MXM_E_MALFORMED, mxm_state_load_json(st, doc, &err));
      tap_str_eq(name, want, err.where);
    }
    mxm_json_free(&doc);
    mxm_state_free(&st);
  }
}

/* Lookups in a state that holds nothing yet, and with NULL names: nothing
 * is found, nothing crashes. */
static void test_empty_lookups(void)
{
  struct mxm_state *st = new_state("10");
  struct mxm_error err;
  tap_int_eq("empty state: membership", MXM_MEMBERSHIP_NONE, mxm_state_membership(st, "@a:x"));
  tap_check(mxm_state_get(st, "m.room.topic", "") == NULL, "empty state: get", "found");
  tap_check(mxm_state_member_event_id(st, "@a:x") == NULL, "empty state: member event ID", "found");
  tap_check(!mxm_state_event_by_id(st, "$nope", NULL, NULL, NULL), "empty state: event ID", "found");
  tap_check(mxm_state_creator(st) == NULL, "empty state: creator", "found");
  must_put(st, member("@a:x", "join", "$a", NULL));
  tap_int_eq("NULL user", MXM_MEMBERSHIP_NONE, mxm_state_membership(st, NULL));
  tap_check(mxm_state_get(st, NULL, "") == NULL, "NULL type", "found");
  tap_check(mxm_state_member_event_id(st, NULL) == NULL, "NULL user: event ID", "found");
  tap_int_eq("NULL server", MXM_E_USAGE, mxm_state_add_server_key(st, NULL, "ed25519:1", KEY0, &err));
  tap_int_eq("NULL key ID", MXM_E_USAGE, mxm_state_add_server_key(st, "x", NULL, KEY0, &err));
  tap_int_eq("NULL state", MXM_E_USAGE, mxm_state_add_server_key(NULL, "x", "ed25519:1", KEY0, &err));
  mxm_state_free(&st);
  /* Exactly 64 and 128 events (the event-ID index's first sizes): an ID
   * that is not there is still not found, however full the index is. */
  {
    size_t n;
    st = new_state("10");
    for(n = 0; n < 128; n++) {
      char user[32], id[32];
      snprintf(user, sizeof(user), "@f%zu:x", n);
      snprintf(id, sizeof(id), "$f%zu", n);
      must_put(st, member(user, "join", id, NULL));
      if(n == 63 || n == 127) {
        tap_check(!mxm_state_event_by_id(st, "$absent", NULL, NULL, NULL), "absent ID in a full index", "found");
        tap_check(mxm_state_event_by_id(st, id, NULL, NULL, NULL), "last ID in a full index", "not found");
      }
    }
    mxm_state_free(&st);
  }
  /* v12 creators are the create event's sender and additional_creators
   * (content/rooms/v12.md); a state without a create has none. */
  st = new_state("12");
  tap_int_eq("v12 without a create: no creator", 0, mxm_state_is_v12_creator(st, "@a:x"));
  mxm_state_free(&st);
}

static void test_big_state(void)
{
  struct mxm_state *st = new_state("10");
  char json[512];
  size_t t, k, i;
  must_put(st, "{'type':'m.room.create','sender':'@c:example.org','state_key':'','room_id':'!r:example.org',"
               "'event_id':'$create','content':{'creator':'@c:example.org'}}");
  must_put(st, member("@c:example.org", "join", "$cj", NULL));
  /* interleave the two kinds so both tables grow while the other is busy */
  for(i = 0; i < 1000; i++) {
    char user[64], id[64];
    snprintf(user, sizeof(user), "@m%zu:example.org", i);
    snprintf(id, sizeof(id), "$m%zu", i);
    must_put(st, member(user, i % 7 == 0 ? "ban" : "join", id, NULL));
    if(i % 20 == 0) {
      t = (i / 20) % 10;
      k = (i / 20) / 10;
      snprintf(json, sizeof(json),
               "{'type':'org.example.t%zu','sender':'@c:example.org','state_key':'k%zu','room_id':'!r:example.org',"
               "'event_id':'$s%zu.%zu','content':{'n':%zu}}",
               t, k, t, k, i);
      must_put(st, json);
    }
  }
  /* replace one: the new event is current, the old one stays in the index */
  must_put(st, "{'type':'org.example.t3','sender':'@c:example.org','state_key':'k2','room_id':'!r:example.org',"
               "'event_id':'$s3.2b','content':{'n':-1}}");
  check_big_state(st, "big state: 50 state events of 10 types, 1,000 members");
  mxm_state_free(&st);
}

int main(void)
{
  test_members();
  test_big_state();
  test_long_pointer();
  test_empty_lookups();
  test_other_state();
  test_computed_ids();
  test_creators();
  test_levels_with_pl();
  test_level_defaults();
  test_load();
  test_server_keys();
  test_many_members();
  return tap_done();
}
