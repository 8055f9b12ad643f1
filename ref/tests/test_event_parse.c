/*
 * test_event_parse.c: mxm_event_parse, table-driven.
 *
 *   - one row per parse error: the expected status AND JSON pointer;
 *   - accepted forms (client form, v1/v2 [id, {hashes}] references, v12
 *     create without room_id, historical user IDs);
 *   - power-level values per room version: strings v1-v9 with the grammar of
 *     v1-stringy-power-levels.md, floats v1-v5 per v1-floaty-power-levels.md
 *     (the spec's own examples 5.114698E4 and 50.57), integers only v10+,
 *     the +-(2^53-1) range, no booleans, users keys valid user IDs;
 *   - size limits: 255 vs 256 bytes, 65536 vs 65537 bytes of canonical JSON;
 *   - the user-ID and server-name grammars (appendices; historical user IDs
 *     as the text reads since v1.14: any code point but ':' and U+0000).
 *
 * Events are written with ' for " to keep the tables readable; q() turns
 * them into JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_int.h"
#include "mxm/event.h"
#include "tap.h"

/* ' -> " in a copy (static buffer rotation is not needed: callers use the
 * result before the next call). */
static char qbuf[1 << 18];
static const char *q(const char *s)
{
  size_t i;
  for(i = 0; s[i] && i + 1 < sizeof(qbuf); i++)
    qbuf[i] = s[i] == '\'' ? '"' : s[i];
  qbuf[i] = '\0';
  return qbuf;
}

static const struct mxm_room_version *rv_of(const char *id)
{
  const struct mxm_room_version *rv = mxm_room_version_find(id);
  if(!rv) {
    fprintf(stderr, "no room version %s\n", id);
    exit(1);
  }
  return rv;
}

static enum mxm_status parse(const char *rv, const char *json_q, struct mxm_event **ev, struct mxm_error *err)
{
  const char *json = q(json_q);
  return mxm_event_parse(json, strlen(json), rv_of(rv), ev, err);
}

/* ------------------------------------------------------------------ */

#define MEMBER_HEAD "'type':'m.room.member','sender':'@alice:example.org','state_key':'@alice:example.org'"
#define ROOM "'room_id':'!r:example.org'"
#define JOIN "'content':{'membership':'join'}"

struct err_row {
  const char *name;
  const char *rv;
  const char *json;
  enum mxm_status status;
  const char *where; /* NULL: not checked (JSON syntax errors point at bytes) */
};

static const struct err_row err_rows[] = {
  {"not an object", "10", "['x']", MXM_E_MALFORMED, ""},
  {"a string", "10", "'m.room.member'", MXM_E_MALFORMED, ""},
  {"JSON syntax", "10", "{'type':", MXM_E_MALFORMED, NULL},
  {"trailing comma", "10", "{'type':'x',}", MXM_E_MALFORMED, NULL},
  {"type missing", "10", "{'sender':'@a:x'," ROOM "," JOIN "}", MXM_E_MALFORMED, "/type"},
  {"type not a string", "10", "{'type':5,'sender':'@a:x'," ROOM "," JOIN "}", MXM_E_MALFORMED, "/type"},
  {"type null", "10", "{'type':null,'sender':'@a:x'," ROOM "," JOIN "}", MXM_E_MALFORMED, "/type"},
  {"type holds U+0000", "10", "{'type':'m.room.member\\u0000x','sender':'@a:x'," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/type"},
  {"sender missing", "10", "{'type':'m.room.member'," ROOM "," JOIN "}", MXM_E_MALFORMED, "/sender"},
  {"sender not a string", "10", "{'type':'x','sender':['@a:x']," ROOM "," JOIN "}", MXM_E_MALFORMED,
   "/sender"},
  {"sender no sigil", "10", "{'type':'x','sender':'alice:example.org'," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/sender"},
  {"sender room sigil", "10", "{'type':'x','sender':'!alice:example.org'," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/sender"},
  {"sender no domain", "10", "{'type':'x','sender':'@alice'," ROOM "," JOIN "}", MXM_E_MALFORMED,
   "/sender"},
  {"sender U+0000 in localpart", "10", "{'type':'x','sender':'@a\\u0000b:example.org'," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/sender"},
  {"sender bad server name", "10", "{'type':'x','sender':'@a:exa_mple.org'," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/sender"},
  {"sender 6-digit port", "10", "{'type':'x','sender':'@a:example.org:123456'," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/sender"},
  {"state_key not a string", "10", "{'type':'x','sender':'@a:x','state_key':1," ROOM "," JOIN "}",
   MXM_E_MALFORMED, "/state_key"},
  {"room_id missing (v10)", "10", "{" MEMBER_HEAD "," JOIN "}", MXM_E_MALFORMED, "/room_id"},
  {"room_id missing on a v11 create", "11",
   "{'type':'m.room.create','sender':'@a:x','state_key':'','content':{}}", MXM_E_MALFORMED, "/room_id"},
  {"room_id missing on a v12 member", "12", "{" MEMBER_HEAD "," JOIN "}", MXM_E_MALFORMED, "/room_id"},
  {"room_id without '!'", "10", "{" MEMBER_HEAD ",'room_id':'r:example.org'," JOIN "}", MXM_E_MALFORMED,
   "/room_id"},
  {"room_id a number", "10", "{" MEMBER_HEAD ",'room_id':7," JOIN "}", MXM_E_MALFORMED, "/room_id"},
  {"event_id missing in v1", "1", "{" MEMBER_HEAD "," ROOM "," JOIN "}", MXM_E_MALFORMED, "/event_id"},
  {"event_id missing in v2", "2", "{" MEMBER_HEAD "," ROOM "," JOIN "}", MXM_E_MALFORMED, "/event_id"},
  {"event_id without '$'", "3", "{" MEMBER_HEAD "," ROOM ",'event_id':'abc'," JOIN "}", MXM_E_MALFORMED,
   "/event_id"},
  {"prev_events not an array", "10", "{" MEMBER_HEAD "," ROOM ",'prev_events':'$a'," JOIN "}",
   MXM_E_MALFORMED, "/prev_events"},
  {"prev_events element a number", "10", "{" MEMBER_HEAD "," ROOM ",'prev_events':['$a',1]," JOIN "}",
   MXM_E_MALFORMED, "/prev_events/1"},
  {"auth_events element an object", "10", "{" MEMBER_HEAD "," ROOM ",'auth_events':[{}]," JOIN "}",
   MXM_E_MALFORMED, "/auth_events/0"},
  {"v3 rejects the v1 pair form", "3",
   "{" MEMBER_HEAD "," ROOM ",'prev_events':[['$a:x',{'sha256':'x'}]]," JOIN "}", MXM_E_MALFORMED,
   "/prev_events/0"},
  {"v1 pair of three", "1",
   "{" MEMBER_HEAD "," ROOM ",'event_id':'$e:x','prev_events':[['$a:x',{},1]]," JOIN "}", MXM_E_MALFORMED,
   "/prev_events/0"},
  {"v1 pair whose id is a number", "1",
   "{" MEMBER_HEAD "," ROOM ",'event_id':'$e:x','auth_events':[[5,{}]]," JOIN "}", MXM_E_MALFORMED,
   "/auth_events/0/0"},
  {"depth a string", "10", "{" MEMBER_HEAD "," ROOM ",'depth':'3'," JOIN "}", MXM_E_MALFORMED, "/depth"},
  {"depth negative", "10", "{" MEMBER_HEAD "," ROOM ",'depth':-1," JOIN "}", MXM_E_MALFORMED, "/depth"},
  {"depth 2^53 in v6", "6", "{" MEMBER_HEAD "," ROOM ",'depth':9007199254740992," JOIN "}",
   MXM_E_MALFORMED, "/depth"},
  {"depth a float in v5", "5", "{" MEMBER_HEAD "," ROOM ",'depth':1.5," JOIN "}", MXM_E_MALFORMED,
   "/depth"},
  {"depth beyond int64 in v5", "5", "{" MEMBER_HEAD "," ROOM ",'depth':9223372036854775808," JOIN "}",
   MXM_E_MALFORMED, "/depth"},
  {"content missing", "10", "{" MEMBER_HEAD "," ROOM "}", MXM_E_MALFORMED, "/content"},
  {"content an array", "10", "{" MEMBER_HEAD "," ROOM ",'content':[]}", MXM_E_MALFORMED, "/content"},
  {"content null", "10", "{" MEMBER_HEAD "," ROOM ",'content':null}", MXM_E_MALFORMED, "/content"},
  /* canonical-JSON value rules, v6+ (v6-canonical-json.md) */
  {"v6 float in content", "6", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':1.5}}",
   MXM_E_MALFORMED, "/content/x"},
  {"v6 exponent in content", "6", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':1e2}}",
   MXM_E_MALFORMED, "/content/x"},
  {"v12 1.0 in content", "12", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':1.0}}",
   MXM_E_MALFORMED, "/content/x"},
  {"v6 2^53 in content", "6",
   "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':9007199254740992}}", MXM_E_MALFORMED,
   "/content/x"},
  {"v6 -2^53 in content", "6",
   "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':-9007199254740992}}", MXM_E_MALFORMED,
   "/content/x"},
  {"v6 big integer in unsigned", "6",
   "{" MEMBER_HEAD "," ROOM "," JOIN ",'unsigned':{'age':99999999999999999999999}}", MXM_E_MALFORMED,
   "/unsigned/age"},
  {"v6 nested float", "6",
   "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':[{'a':[0,0.5]}]}}", MXM_E_MALFORMED,
   "/content/x/0/a/1"},
  {"v6 float under a key with / and ~", "6",
   "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','a/b~c':0.5}}", MXM_E_MALFORMED,
   "/content/a~1b~0c"},
  {"v10 float power level", "10",
   "{'type':'m.room.power_levels','sender':'@a:x','state_key':''," ROOM ",'content':{'ban':50.5}}",
   MXM_E_MALFORMED, "/content/ban"},
};

static void test_errors(void)
{
  size_t i;
  for(i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
    const struct err_row *r = &err_rows[i];
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    memset(&err, 0, sizeof(err));
    st = parse(r->rv, r->json, &ev, &err);
    tap_check(st == r->status, r->name, "expected %s, got %s (%s at \"%s\")", mxm_status_name(r->status),
              mxm_status_name(st), err.message, err.where);
    tap_check(ev == NULL, r->name, "an event came back on failure");
    if(r->where)
      tap_str_eq(r->name, r->where, err.where);
    tap_check(st == MXM_OK || err.message[0] != '\0', r->name, "no message");
    mxm_event_free(&ev);
  }
}

/* ------------------------------------------------------------------ */

struct ok_row {
  const char *name;
  const char *rv;
  const char *json;
};

static const struct ok_row ok_rows[] = {
  {"plain v10 join", "10", "{" MEMBER_HEAD "," ROOM "," JOIN ",'depth':3,'prev_events':['$p'],'auth_events':['$a']}"},
  {"client form with event_id and unsigned", "10",
   "{" MEMBER_HEAD "," ROOM ",'event_id':'$abc'," JOIN ",'unsigned':{'prev_content':{'membership':'invite'}}}"},
  {"v1 pair references", "1",
   "{" MEMBER_HEAD "," ROOM ",'event_id':'$e:x','prev_events':[['$a:x',{'sha256':'h'}]],'auth_events':['$b:x']," JOIN "}"},
  {"v12 create without room_id", "12", "{'type':'m.room.create','sender':'@a:x','state_key':'','content':{}}"},
  {"historical user ID (upper case, symbols)", "10",
   "{'type':'x','sender':'@Alice!#$%&*~:example.org'," ROOM ",'content':{}}"},
  {"sender with port", "10", "{'type':'x','sender':'@a:example.org:8448'," ROOM ",'content':{}}"},
  {"sender with IPv6 literal", "10", "{'type':'x','sender':'@a:[2001:db8::1]:8448'," ROOM ",'content':{}}"},
  {"sender with IPv4", "10", "{'type':'x','sender':'@a:192.168.0.1'," ROOM ",'content':{}}"},
  /* appendices "Historical User IDs" (v1.14+): any code point but ':' and U+0000, even none */
  {"sender with empty localpart", "10", "{'type':'x','sender':'@:example.org'," ROOM ",'content':{}}"},
  {"sender with a space", "10", "{'type':'x','sender':'@al ice:example.org'," ROOM ",'content':{}}"},
  {"sender with non-ASCII", "10", "{'type':'x','sender':'@\xc3\xa9\xe2\x82\xac:example.org'," ROOM ",'content':{}}"},
  {"sender with a control character", "10", "{'type':'x','sender':'@a\\u0001:example.org'," ROOM ",'content':{}}"},
  {"v5 float anywhere", "5", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':1.5}}"},
  {"v5 2^53 integer in content", "5", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':9007199254740992}}"},
  {"v6 2^53-1 in content", "6", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','x':9007199254740991}}"},
  {"v6 depth 2^53-1 (the limit)", "6", "{" MEMBER_HEAD "," ROOM ",'depth':9007199254740991," JOIN "}"},
  {"v5 depth 2^53", "5", "{" MEMBER_HEAD "," ROOM ",'depth':9007199254740992," JOIN "}"},
  {"member without state_key parses", "10", "{'type':'m.room.member','sender':'@a:x'," ROOM "," JOIN "}"},
  {"member without membership parses", "10", "{" MEMBER_HEAD "," ROOM ",'content':{}}"},
  {"empty type", "10", "{'type':'','sender':'@a:x'," ROOM ",'content':{}}"},
};

static void test_accepted(void)
{
  size_t i;
  for(i = 0; i < sizeof(ok_rows) / sizeof(ok_rows[0]); i++) {
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    memset(&err, 0, sizeof(err));
    st = parse(ok_rows[i].rv, ok_rows[i].json, &ev, &err);
    tap_check(st == MXM_OK && ev, ok_rows[i].name, "%s: %s at \"%s\"", mxm_status_name(st), err.message,
              err.where);
    mxm_event_free(&ev);
  }
}

/* Field values of accepted events. */
static void test_fields(void)
{
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  if(parse("1",
           "{" MEMBER_HEAD "," ROOM ",'event_id':'$e:x','prev_events':[['$a:x',{'sha256':'h'}],'$b:x'],"
           "'auth_events':[],'depth':7,'content':{'membership':'invite','displayname':null,'avatar_url':'mxc://x/y'},"
           "'unsigned':{'prev_content':{'membership':'leave'}}}",
           &ev, &err) != MXM_OK) {
    tap_check(0, "fields event parses", "%s at %s", err.message, err.where);
    return;
  }
  tap_int_eq("kind member", MXM_EVENT_MEMBER, ev->kind);
  tap_str_eq("type", "m.room.member", ev->type);
  tap_str_eq("sender", "@alice:example.org", ev->sender);
  tap_str_eq("state_key", "@alice:example.org", ev->state_key);
  tap_str_eq("room_id", "!r:example.org", ev->room_id);
  tap_str_eq("event_id", "$e:x", ev->event_id);
  tap_str_eq("mxm_event_id", "$e:x", mxm_event_id(ev));
  tap_int_eq("n_prev_events", 2, (int64_t)ev->n_prev_events);
  tap_str_eq("prev_events[0] from the pair", "$a:x", ev->n_prev_events > 0 ? ev->prev_events[0] : NULL);
  tap_str_eq("prev_events[1] plain", "$b:x", ev->n_prev_events > 1 ? ev->prev_events[1] : NULL);
  tap_int_eq("n_auth_events", 0, (int64_t)ev->n_auth_events);
  tap_int_eq("depth", 7, ev->depth);
  tap_int_eq("membership", MXM_MEMBERSHIP_INVITE, ev->u.member.membership);
  tap_str_eq("membership_raw", "invite", ev->u.member.membership_raw);
  tap_check(ev->u.member.displayname == NULL, "displayname null", "not NULL");
  tap_str_eq("avatar_url", "mxc://x/y", ev->u.member.avatar_url);
  tap_str_eq("prev_membership_raw", "leave", ev->prev_membership_raw);
  tap_check(ev->computed_id[0] == '\0', "no computed id at parse", "%s", ev->computed_id);
  tap_int_eq("ensure_id keeps a given id", MXM_OK, mxm_event_ensure_id(ev, rv_of("1"), &err));
  tap_str_eq("ensure_id given id", "$e:x", mxm_event_id(ev));
  mxm_event_free(&ev);
  tap_check(ev == NULL, "free clears the pointer", "not NULL");
  mxm_event_free(&ev); /* NULL-safe */
  mxm_event_free(NULL);
}

/* content.membership: the five values; anything else is UNKNOWN, and
 * "absent" is told apart by has_membership. */
static void test_memberships(void)
{
  static const struct {
    const char *content;
    int has;
    const char *raw;
    enum mxm_membership want;
  } rows[] = {
    {"{'membership':'join'}", 1, "join", MXM_MEMBERSHIP_JOIN},
    {"{'membership':'invite'}", 1, "invite", MXM_MEMBERSHIP_INVITE},
    {"{'membership':'leave'}", 1, "leave", MXM_MEMBERSHIP_LEAVE},
    {"{'membership':'ban'}", 1, "ban", MXM_MEMBERSHIP_BAN},
    {"{'membership':'knock'}", 1, "knock", MXM_MEMBERSHIP_KNOCK},
    {"{'membership':'none'}", 1, "none", MXM_MEMBERSHIP_UNKNOWN},
    {"{'membership':'Join'}", 1, "Join", MXM_MEMBERSHIP_UNKNOWN},
    {"{'membership':'join '}", 1, "join ", MXM_MEMBERSHIP_UNKNOWN},
    {"{'membership':'join\\u0000x'}", 1, NULL, MXM_MEMBERSHIP_UNKNOWN},
    {"{'membership':5}", 1, NULL, MXM_MEMBERSHIP_UNKNOWN},
    {"{'membership':null}", 1, NULL, MXM_MEMBERSHIP_UNKNOWN},
    {"{}", 0, NULL, MXM_MEMBERSHIP_UNKNOWN},
  };
  size_t i;
  char json[512];
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    snprintf(json, sizeof(json), "{" MEMBER_HEAD "," ROOM ",'content':%s}", rows[i].content);
    if(parse("10", json, &ev, &err) != MXM_OK) {
      tap_check(0, rows[i].content, "parse failed: %s", err.message);
      continue;
    }
    tap_int_eq(rows[i].content, rows[i].has, ev->u.member.has_membership);
    tap_str_eq(rows[i].content, rows[i].raw, ev->u.member.membership_raw);
    tap_int_eq(rows[i].content, rows[i].want, ev->u.member.membership);
    mxm_event_free(&ev);
  }
  tap_str_eq("name knock", "knock", mxm_membership_name(MXM_MEMBERSHIP_KNOCK));
  tap_str_eq("name none", "none", mxm_membership_name(MXM_MEMBERSHIP_NONE));
  tap_str_eq("name out of range", "unknown", mxm_membership_name((enum mxm_membership)42));
  tap_int_eq("parse none", MXM_MEMBERSHIP_NONE, mxm_membership_parse("none"));
  tap_int_eq("parse ban", MXM_MEMBERSHIP_BAN, mxm_membership_parse("ban"));
  tap_int_eq("parse bogus", MXM_MEMBERSHIP_UNKNOWN, mxm_membership_parse("banned"));
  tap_int_eq("parse NULL", MXM_MEMBERSHIP_UNKNOWN, mxm_membership_parse(NULL));
}

/* ------------------------------------------------------------------ */
/* Power levels                                                        */

struct pl_row {
  const char *rv;
  const char *value; /* JSON of content.ban */
  int valid;
  int64_t level;
};

static const struct pl_row pl_rows[] = {
  /* integers, every version */
  {"1", "50", 1, 50},
  {"10", "50", 1, 50},
  {"12", "-7", 1, -7},
  {"10", "9007199254740991", 1, 9007199254740991LL},
  {"10", "-9007199254740991", 1, -9007199254740991LL},
  {"5", "9007199254740992", 0, 0}, /* v5 does not enforce canonical JSON, the PL range still holds */
  {"5", "99999999999999999999", 0, 0},
  /* strings, v1-v9 (v1-stringy-power-levels.md) */
  {"1", "'50'", 1, 50},
  {"9", "'100'", 1, 100},
  {"1", "' +050 '", 1, 50},
  {"1", "'000100'", 1, 100},
  {"1", "'+100'", 1, 100},
  {"1", "'-100'", 1, -100},
  {"1", "' -100 '", 1, -100},
  {"1", "' 00100 '", 1, 100},
  {"1", "'\\t7\\n'", 1, 7},
  {"1", "'1.5'", 0, 0},
  {"1", "'1e2'", 0, 0},
  {"1", "'+-1'", 0, 0},
  {"1", "'--1'", 0, 0},
  {"1", "''", 0, 0},
  {"1", "'  '", 0, 0},
  {"1", "'+'", 0, 0},
  {"1", "'1 0'", 0, 0},
  {"1", "'0x10'", 0, 0},
  {"1", "'50a'", 0, 0},
  {"1", "'9007199254740992'", 0, 0},
  {"1", "'9007199254740991'", 1, 9007199254740991LL},
  {"10", "'50'", 0, 0},
  {"12", "'50'", 0, 0},
  /* floats, v1-v5 (v1-floaty-power-levels.md) */
  {"5", "5.114698E4", 1, 51146},
  {"1", "50.57", 1, 50},
  {"5", "60.5", 1, 60},
  {"5", "1e2", 1, 100},
  {"5", "-0.5", 1, 0},
  {"5", "-60.9", 1, -60},
  {"5", "0.0001e4", 1, 1},
  {"5", "1e-400", 1, 0},
  /* The level is the nearest double, truncated (event.c pl_from_double):
   * more digits than a double holds do not count. */
  {"5", "2.9999999999999999999", 1, 3},
  {"5", "4599627370495705.5", 1, 4599627370495706LL},
  {"5", "9007199254740990.5", 1, 9007199254740990LL},
  {"5", "9007199254740991.9", 0, 0}, /* the nearest double is 2^53 */
  {"5", "1e16", 0, 0},
  {"5", "1e400", 0, 0},
  {"5", "-1e400", 0, 0},
  /* floats in v6-v9 power levels are strings' territory only */
  {"9", "'60.5'", 0, 0},
  /* never a level */
  {"1", "true", 0, 0},
  {"1", "false", 0, 0},
  {"1", "null", 0, 0},
  {"1", "[50]", 0, 0},
  {"1", "{}", 0, 0},
  {"10", "true", 0, 0},
};

static const char *pl_event(const char *rv, const char *content)
{
  static char buf[1024];
  snprintf(buf, sizeof(buf),
           "{'type':'m.room.power_levels','sender':'@a:example.org','state_key':'',%s%s'content':%s}",
           strcmp(rv, "1") == 0 || strcmp(rv, "2") == 0 ? "'event_id':'$pl:x'," : "", ROOM ",", content);
  return buf;
}

static void test_pl_values(void)
{
  size_t i;
  char content[256], name[256];
  for(i = 0; i < sizeof(pl_rows) / sizeof(pl_rows[0]); i++) {
    const struct pl_row *r = &pl_rows[i];
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    snprintf(content, sizeof(content), "{'ban':%s}", r->value);
    snprintf(name, sizeof(name), "v%s ban %s", r->rv, r->value);
    st = parse(r->rv, pl_event(r->rv, content), &ev, &err);
    if(!tap_check(st == MXM_OK, name, "parse failed: %s at %s", err.message, err.where)) {
      mxm_event_free(&ev);
      continue;
    }
    tap_int_eq(name, MXM_EVENT_POWER_LEVELS, ev->kind);
    tap_int_eq(name, r->valid, ev->u.power_levels.valid);
    if(r->valid) {
      int is_float = strpbrk(r->value, ".eE") != NULL && r->value[0] != '\'';
      tap_int_eq(name, 1, ev->u.power_levels.has_ban);
      tap_int_eq(name, r->level, ev->u.power_levels.ban);
      tap_int_eq(name, is_float, ev->u.power_levels.has_float);
      tap_str_eq(name, is_float ? "/content/ban" : "", ev->u.power_levels.float_where);
    } else {
      tap_str_eq(name, "/content/ban", ev->u.power_levels.invalid_where);
      tap_check(ev->u.power_levels.invalid_reason && ev->u.power_levels.invalid_reason[0], name, "no reason");
    }
    mxm_event_free(&ev);
  }
}

/* Maps, keys and pointers. */
static void test_pl_maps(void)
{
  static const struct {
    const char *rv, *content;
    int valid;
    const char *where;
  } rows[] = {
    {"10", "{'users':{'bob':50}}", 0, "/content/users/bob"},
    {"10", "{'users':{'@bob:example.org':'50'}}", 0, "/content/users/@bob:example.org"},
    {"10", "{'users':{'@a/b~c:example.org':true}}", 0, "/content/users/@a~1b~0c:example.org"},
    {"1", "{'users':{'@bob:example.org':'50'}}", 1, ""},
    {"1", "{'users':{'@:example.org':50}}", 1, ""}, /* historical: empty localpart */
    {"1", "{'users':{'@a:exa mple.org':50}}", 0, "/content/users/@a:exa mple.org"},
    {"10", "{'users':[]}", 0, "/content/users"},
    {"10", "{'events':5}", 0, "/content/events"},
    {"10", "{'events':{'m.room.name':'50'}}", 0, "/content/events/m.room.name"},
    {"9", "{'events':{'m.room.name':'50'}}", 1, ""},
    {"10", "{'notifications':{'room':true}}", 0, "/content/notifications/room"},
    {"10", "{'notifications':{'room':50}}", 1, ""},
    /* v1-v5 rules never read notifications (v6.md adds them): not a reason to reject */
    {"5", "{'notifications':{'room':true}}", 1, ""},
    {"5", "{'notifications':'x'}", 1, ""},
    {"6", "{'notifications':{'room':true}}", 0, "/content/notifications/room"},
    {"6", "{'notifications':'x'}", 0, "/content/notifications"},
    {"10", "{'invite':0,'kick':'x'}", 0, "/content/kick"},
    {"10", "{'state_default':null}", 0, "/content/state_default"},
    {"10", "{'users_default':[]}", 0, "/content/users_default"},
    {"10", "{'events_default':{}}", 0, "/content/events_default"},
    {"10", "{'redact':1.5e0}", -1, "/content/redact"}, /* strict JSON: the whole event fails */
    {"10", "{'ban':'1','kick':'2'}", 0, "/content/ban"}, /* the first invalid value is reported */
    {"10", "{'unknown_key':'x','ban':1}", 1, ""},
  };
  size_t i;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st = parse(rows[i].rv, pl_event(rows[i].rv, rows[i].content), &ev, &err);
    if(rows[i].valid < 0) {
      tap_check(st == MXM_E_MALFORMED, rows[i].content, "expected MALFORMED, got %s", mxm_status_name(st));
      tap_str_eq(rows[i].content, rows[i].where, err.where);
      continue;
    }
    if(!tap_check(st == MXM_OK, rows[i].content, "parse failed: %s", err.message))
      continue;
    tap_int_eq(rows[i].content, rows[i].valid, ev->u.power_levels.valid);
    tap_str_eq(rows[i].content, rows[i].where, ev->u.power_levels.invalid_where);
    mxm_event_free(&ev);
  }
}

static void test_pl_full(void)
{
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  const struct mxm_power_levels *pl;
  if(parse("10",
           pl_event("10", "{'ban':50,'kick':40,'invite':30,'redact':20,'users_default':1,'events_default':2,"
                          "'state_default':3,'users':{'@zed:x':10,'@amy:x':100,'@bob:x':0},"
                          "'events':{'m.room.name':60},'notifications':{'room':70}}"),
           &ev, &err) != MXM_OK) {
    tap_check(0, "full PL parses", "%s", err.message);
    return;
  }
  pl = &ev->u.power_levels;
  tap_int_eq("valid", 1, pl->valid);
  tap_int_eq("ban", 50, pl->ban);
  tap_int_eq("kick", 40, pl->kick);
  tap_int_eq("invite", 30, pl->invite);
  tap_int_eq("redact", 20, pl->redact);
  tap_int_eq("users_default", 1, pl->users_default);
  tap_int_eq("events_default", 2, pl->events_default);
  tap_int_eq("state_default", 3, pl->state_default);
  tap_int_eq("has all", 7,
             pl->has_ban + pl->has_kick + pl->has_invite + pl->has_redact + pl->has_users_default +
                 pl->has_events_default + pl->has_state_default);
  tap_int_eq("n_users", 3, (int64_t)pl->n_users);
  if(pl->n_users == 3) {
    tap_str_eq("users sorted 0", "@amy:x", pl->users[0].key);
    tap_str_eq("users sorted 1", "@bob:x", pl->users[1].key);
    tap_str_eq("users sorted 2", "@zed:x", pl->users[2].key);
    tap_int_eq("amy level", 100, pl->users[0].level);
    tap_int_eq("zed level", 10, pl->users[2].level);
  }
  tap_int_eq("n_events", 1, (int64_t)pl->n_events);
  tap_int_eq("n_notifications", 1, (int64_t)pl->n_notifications);
  mxm_event_free(&ev);

  /* Absent keys: has_* are 0 (the defaults are the state's business). */
  if(parse("10", pl_event("10", "{}"), &ev, &err) == MXM_OK) {
    pl = &ev->u.power_levels;
    tap_int_eq("empty PL valid", 1, pl->valid);
    tap_int_eq("empty PL has none", 0,
               pl->has_ban + pl->has_kick + pl->has_invite + pl->has_redact + pl->has_users_default +
                   pl->has_events_default + pl->has_state_default);
    mxm_event_free(&ev);
  } else {
    tap_check(0, "empty PL parses", "%s", err.message);
  }
}

/* ------------------------------------------------------------------ */
/* Other typed content                                                 */

static void test_create(void)
{
  static const struct {
    const char *rv, *content;
    const char *creator;
    int has_creator, federate;
    const char *room_version;
    int room_version_valid, ac_valid;
    size_t n_ac;
  } rows[] = {
    {"10", "{'creator':'@a:x'}", "@a:x", 1, 1, NULL, 1, 1, 0},
    {"10", "{'creator':5}", NULL, 1, 1, NULL, 1, 1, 0},
    {"10", "{}", NULL, 0, 1, NULL, 1, 1, 0},
    {"10", "{'m.federate':false}", NULL, 0, 0, NULL, 1, 1, 0},
    {"10", "{'m.federate':true}", NULL, 0, 1, NULL, 1, 1, 0},
    {"10", "{'m.federate':'false'}", NULL, 0, 1, NULL, 1, 1, 0},
    {"10", "{'m.federate':0}", NULL, 0, 1, NULL, 1, 1, 0},
    {"10", "{'room_version':'10'}", NULL, 0, 1, "10", 1, 1, 0},
    {"10", "{'room_version':10}", NULL, 0, 1, NULL, 0, 1, 0},
    {"12", "{'additional_creators':['@b:x','@c:y']}", NULL, 0, 1, NULL, 1, 1, 2},
    {"12", "{'additional_creators':[]}", NULL, 0, 1, NULL, 1, 1, 0},
    {"12", "{'additional_creators':['@b:x','bob']}", NULL, 0, 1, NULL, 1, 0, 0},
    {"12", "{'additional_creators':['@b:x',5]}", NULL, 0, 1, NULL, 1, 0, 0},
    {"12", "{'additional_creators':'@b:x'}", NULL, 0, 1, NULL, 1, 0, 0},
  };
  size_t i;
  char json[512];
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    const char *name = rows[i].content;
    snprintf(json, sizeof(json), "{'type':'m.room.create','sender':'@a:x','state_key':'',%s'content':%s}",
             strcmp(rows[i].rv, "12") == 0 ? "" : "'room_id':'!r:x',", rows[i].content);
    if(parse(rows[i].rv, json, &ev, &err) != MXM_OK) {
      tap_check(0, name, "parse failed: %s at %s", err.message, err.where);
      continue;
    }
    tap_int_eq(name, MXM_EVENT_CREATE, ev->kind);
    tap_str_eq(name, rows[i].creator, ev->u.create.creator);
    tap_int_eq(name, rows[i].has_creator, ev->u.create.has_creator);
    tap_int_eq(name, rows[i].federate, ev->u.create.federate);
    tap_str_eq(name, rows[i].room_version, ev->u.create.room_version);
    tap_int_eq(name, rows[i].room_version_valid, ev->u.create.room_version_valid);
    tap_int_eq(name, rows[i].ac_valid, ev->u.create.additional_creators_valid);
    tap_int_eq(name, (int64_t)rows[i].n_ac, (int64_t)ev->u.create.n_additional_creators);
    tap_check(ev->room_id == NULL || strcmp(rows[i].rv, "12") != 0, name, "v12 create has room_id");
    mxm_event_free(&ev);
  }
}

static void test_join_rules_tpi_member(void)
{
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  if(parse("10", "{'type':'m.room.join_rules','sender':'@a:x','state_key':''," ROOM
                 ",'content':{'join_rule':'restricted','allow':[{'type':'m.room_membership','room_id':'!o:x'}]}}",
           &ev, &err) == MXM_OK) {
    tap_int_eq("join_rules kind", MXM_EVENT_JOIN_RULES, ev->kind);
    tap_str_eq("join_rule", "restricted", ev->u.join_rules.join_rule);
    tap_int_eq("allow is the array", 1, (int64_t)mxm_json_array_len(ev->u.join_rules.allow));
    mxm_event_free(&ev);
  } else {
    tap_check(0, "join_rules parses", "%s", err.message);
  }
  if(parse("10", "{'type':'m.room.join_rules','sender':'@a:x','state_key':''," ROOM ",'content':{'join_rule':7}}",
           &ev, &err) == MXM_OK) {
    tap_check(ev->u.join_rules.join_rule == NULL, "join_rule not a string", "not NULL");
    tap_check(ev->u.join_rules.allow == NULL, "allow absent", "not NULL");
    mxm_event_free(&ev);
  } else {
    tap_check(0, "join_rules 7 parses", "%s", err.message);
  }
  if(parse("10", "{'type':'m.room.third_party_invite','sender':'@a:x','state_key':'tok'," ROOM
                 ",'content':{'display_name':'d','key_validity_url':'u','public_key':'AAAA',"
                 "'public_keys':[{'public_key':'BBBB'},{'key_validity_url':'u'},5,{'public_key':'CCCC'}]}}",
           &ev, &err) == MXM_OK) {
    tap_int_eq("tpi kind", MXM_EVENT_THIRD_PARTY_INVITE, ev->kind);
    tap_str_eq("public_key", "AAAA", ev->u.third_party_invite.public_key);
    tap_int_eq("public_keys with a key", 2, (int64_t)ev->u.third_party_invite.n_public_keys);
    if(ev->u.third_party_invite.n_public_keys == 2) {
      tap_str_eq("public_keys[0]", "BBBB", ev->u.third_party_invite.public_keys[0]);
      tap_str_eq("public_keys[1]", "CCCC", ev->u.third_party_invite.public_keys[1]);
    }
    mxm_event_free(&ev);
  } else {
    tap_check(0, "tpi parses", "%s", err.message);
  }
  if(parse("10", "{" MEMBER_HEAD "," ROOM ",'content':{'membership':'join','join_authorised_via_users_server':5,"
                 "'third_party_invite':{'signed':{}}}}",
           &ev, &err) == MXM_OK) {
    tap_int_eq("has_join_authorised (wrong type)", 1, ev->u.member.has_join_authorised);
    tap_check(ev->u.member.join_authorised_via_users_server == NULL, "authorised not a string", "not NULL");
    tap_int_eq("has_third_party_invite", 1, ev->u.member.has_third_party_invite);
    tap_check(mxm_json_type(ev->u.member.third_party_invite) == MXM_JSON_OBJECT, "third_party_invite object",
              "wrong");
    mxm_event_free(&ev);
  } else {
    tap_check(0, "member with extras parses", "%s", err.message);
  }
  if(parse("10", "{'type':'m.room.topic','sender':'@a:x','state_key':''," ROOM ",'content':{'topic':'t'}}",
           &ev, &err) == MXM_OK) {
    tap_int_eq("other kind", MXM_EVENT_OTHER, ev->kind);
    mxm_event_free(&ev);
  } else {
    tap_check(0, "topic parses", "%s", err.message);
  }
}

/* ------------------------------------------------------------------ */
/* Size limits                                                         */

/* An event whose identifier field `key` is n bytes long. */
static void test_id_limits(void)
{
  static const char *const keys[] = {"type", "state_key", "room_id", "event_id", "sender"};
  size_t k;
  for(k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
    size_t n;
    for(n = 255; n <= 256; n++) {
      char val[300], json[1200], name[64];
      struct mxm_event *ev = NULL;
      struct mxm_error err;
      enum mxm_status st;
      char where[32];
      memset(val, 'a', n);
      val[n] = '\0';
      if(strcmp(keys[k], "room_id") == 0)
        val[0] = '!';
      if(strcmp(keys[k], "event_id") == 0)
        val[0] = '$';
      if(strcmp(keys[k], "sender") == 0)
        memcpy(val + n - 10, ":example.o", 10), val[0] = '@';
      snprintf(json, sizeof(json),
               "{'type':'%s','sender':'%s','state_key':'%s','room_id':'%s','event_id':'%s','content':{}}",
               strcmp(keys[k], "type") == 0 ? val : "t", strcmp(keys[k], "sender") == 0 ? val : "@a:x",
               strcmp(keys[k], "state_key") == 0 ? val : "", strcmp(keys[k], "room_id") == 0 ? val : "!r:x",
               strcmp(keys[k], "event_id") == 0 ? val : "$e");
      snprintf(name, sizeof(name), "%s of %zu bytes", keys[k], n);
      snprintf(where, sizeof(where), "/%s", keys[k]);
      st = parse("10", json, &ev, &err);
      if(n == 255) {
        tap_check(st == MXM_OK, name, "%s: %s at %s", mxm_status_name(st), err.message, err.where);
      } else {
        tap_check(st == MXM_E_TOO_BIG, name, "got %s", mxm_status_name(st));
        tap_str_eq(name, where, err.where);
      }
      mxm_event_free(&ev);
    }
  }
}

/* The whole event as canonical JSON: exactly 65536 bytes passes, 65537 is
 * TOO_BIG (C-S "Size limits", v1.1+). The event is built with a padding
 * string sized so that its canonical form has the wanted length; the
 * canonical form of this event is its compact form, written here by hand. */
static void test_event_size(void)
{
  static const char head[] = "{\"content\":{\"membership\":\"join\",\"pad\":\"";
  static const char tail[] = "\"},\"room_id\":\"!r:example.org\",\"sender\":\"@alice:example.org\","
                             "\"state_key\":\"@alice:example.org\",\"type\":\"m.room.member\"}";
  size_t sizes[] = {65536, 65537, 70000};
  size_t i;
  for(i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    size_t total = sizes[i], pad = total - (sizeof(head) - 1) - (sizeof(tail) - 1);
    char *buf = malloc(total + 1);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    char name[64];
    if(!buf)
      return;
    memcpy(buf, head, sizeof(head) - 1);
    memset(buf + sizeof(head) - 1, 'x', pad);
    memcpy(buf + sizeof(head) - 1 + pad, tail, sizeof(tail));
    snprintf(name, sizeof(name), "event of %zu canonical bytes", total);
    tap_int_eq(name, (int64_t)total, (int64_t)strlen(buf));
    st = mxm_event_parse(buf, total, rv_of("10"), &ev, &err);
    if(total <= 65536) {
      tap_check(st == MXM_OK, name, "%s: %s", mxm_status_name(st), err.message);
    } else {
      tap_check(st == MXM_E_TOO_BIG, name, "expected MXM_E_TOO_BIG, got %s", mxm_status_name(st));
      tap_str_eq(name, "", err.where);
    }
    mxm_event_free(&ev);
    free(buf);
  }
  /* Whitespace does not count: 65536 canonical bytes written with extra
   * spaces still pass. */
  {
    size_t total = 65536, pad = total - (sizeof(head) - 1) - (sizeof(tail) - 1);
    size_t spaced = total + 1000;
    char *buf = malloc(spaced + 1);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    if(!buf)
      return;
    memset(buf, ' ', 1000);
    memcpy(buf + 1000, head, sizeof(head) - 1);
    memset(buf + 1000 + sizeof(head) - 1, 'x', pad);
    memcpy(buf + 1000 + sizeof(head) - 1 + pad, tail, sizeof(tail));
    st = mxm_event_parse(buf, spaced, rv_of("10"), &ev, &err);
    tap_check(st == MXM_OK, "65536 canonical bytes with leading spaces", "%s: %s", mxm_status_name(st),
              err.message);
    mxm_event_free(&ev);
    free(buf);
  }
  /* The same boundary in a lax room (v5), where every event is encoded. */
  for(i = 0; i < 2; i++) {
    size_t total = 65536 + i, pad = total - (sizeof(head) - 1) - (sizeof(tail) - 1);
    char *buf = malloc(total + 1);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    if(!buf)
      return;
    memcpy(buf, head, sizeof(head) - 1);
    memset(buf + sizeof(head) - 1, 'x', pad);
    memcpy(buf + sizeof(head) - 1 + pad, tail, sizeof(tail));
    st = mxm_event_parse(buf, total, rv_of("5"), &ev, &err);
    tap_int_eq(i == 0 ? "v5 event of 65536 canonical bytes" : "v5 event of 65537 canonical bytes",
               i == 0 ? MXM_OK : MXM_E_TOO_BIG, st);
    mxm_event_free(&ev);
    free(buf);
  }
  /* It is the canonical form that counts: in v5, 1e10 is 4 bytes as written
   * and 11 ("10000000000") as canonical JSON, so 8000 of them (about 40 KB
   * written, 96 KB canonical) are too big. */
  {
    size_t n = 8000, k, used;
    char *buf = malloc(n * 5 + 512);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    enum mxm_status st;
    if(!buf)
      return;
    used = (size_t)snprintf(buf, 512, "{\"type\":\"x\",\"sender\":\"@a:x\",\"room_id\":\"!r:x\",\"content\":{\"n\":[");
    for(k = 0; k < n; k++) {
      memcpy(buf + used, k + 1 < n ? "1e10," : "1e10", k + 1 < n ? 5 : 4);
      used += k + 1 < n ? 5 : 4;
    }
    memcpy(buf + used, "]}}", 4);
    used += 3;
    tap_check(used < 65536, "exponent event is small as written", "%zu bytes", used);
    st = mxm_event_parse(buf, used, rv_of("5"), &ev, &err);
    tap_int_eq("v5 event small as written, too big as canonical JSON", MXM_E_TOO_BIG, st);
    mxm_event_free(&ev);
    free(buf);
  }
  /* Raw input beyond 16 x 65536 bytes is refused unparsed. */
  {
    size_t big = (size_t)16 * 65536 + 1;
    char *buf = malloc(big);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    if(!buf)
      return;
    memset(buf, ' ', big);
    buf[0] = '{';
    buf[big - 1] = '}';
    tap_check(mxm_event_parse(buf, big, rv_of("10"), &ev, &err) == MXM_E_TOO_BIG, "raw input cap", "accepted");
    free(buf);
  }
}

/* ------------------------------------------------------------------ */
/* Identifier grammars                                                 */

static void test_user_ids(void)
{
  static const struct {
    const char *id;
    int valid;
  } rows[] = {
    {"@alice:example.org", 1},
    {"@a:x", 1},
    {"@ALICE:example.org", 1},           /* historical: upper case */
    {"@!\"#$%&'()*+,-./:example.org", 1}, /* %x21-39 */
    {"@;<=>?@[\\]^_`{|}~:example.org", 1}, /* %x3B-7E */
    {"@a:example.org:8448", 1},
    {"@a:example.org:1", 1},
    {"@a:example.org:12345", 1},
    {"@a:1.2.3.4", 1},
    {"@a:[::1]", 1},
    {"@a:[::1]:8448", 1},
    {"@a:[2001:DB8::1]", 1},
    {"@a:xn--bcher-kva.example", 1},
    {"@:x", 1},                        /* empty localpart: historical, accepted */
    {"@a b:x", 1},                     /* space */
    {"@a\x7f:x", 1},                   /* DEL */
    {"@\x01:x", 1},                    /* a control character */
    {"@\xc3\xa9:x", 1},                 /* U+00E9 */
    {"@\xf0\x9f\x98\x80:x", 1},         /* U+1F600 */
    {"@\xc3:x", 0},                    /* truncated UTF-8 */
    {"@\xc0\xaf:x", 0},                 /* overlong */
    {"@\xed\xa0\x80:x", 0},             /* surrogate U+D800 */
    {"@\xf4\x90\x80\x80:x", 0},         /* above U+10FFFF */
    {"@\xff:x", 0},
    {"@a:example.org:123456", 0},
    {"@a:example.org:", 0},
    {"@a:example.org:80a", 0},
    {"@a:", 0},
    {"@a", 0},
    {"a:x", 0},
    {"", 0},
    {"@a:ex ample.org", 0},
    {"@a:exa_mple.org", 0},
    {"@a:[::1", 0},
    {"@a:[1]", 0},  /* IPv6address is 2*45 chars */
    {"@a:[::g]", 0},
    {"@a:[::1]x", 0},
    /* UTF-8 edges of the localpart (RFC 3629, as for every string): the
     * first and last sequence of each length, the surrogate range's ends,
     * and the overlong forms just below each length's first code point */
    {"@\xc2\x80:x", 1},                /* U+0080 */
    {"@\xdf\xbf:x", 1},                /* U+07FF */
    {"@\xe0\xa0\x80:x", 1},            /* U+0800 */
    {"@\xe0\x9f\xbf:x", 0},            /* overlong U+07FF */
    {"@\xed\x9f\xbf:x", 1},            /* U+D7FF */
    {"@\xed\xbf\xbf:x", 0},            /* surrogate U+DFFF */
    {"@\xee\x80\x80:x", 1},            /* U+E000 */
    {"@\xf0\x90\x80\x80:x", 1},        /* U+10000 */
    {"@\xf0\x8f\xbf\xbf:x", 0},        /* overlong U+FFFF */
    {"@\xf4\x8f\xbf\xbf:x", 1},        /* U+10FFFF */
    {"@\xe6\x97" "a:x", 0},               /* a lead byte, then ASCII */
    {"@\xe6\x97\xa5\xa5:x", 0},        /* a stray continuation byte */
    /* the server name may not be empty (appendices §Server Name) */
    {"@a::8448", 0},
  };
  size_t i;
  char long_id[300];
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    tap_check(mxm_user_id_valid(rows[i].id, strlen(rows[i].id)) == rows[i].valid, "user ID", "\"%s\": expected %d",
              rows[i].id, rows[i].valid);
  tap_check(!mxm_user_id_valid(NULL, 0), "NULL user ID", "valid");
  /* 255 bytes is the limit (appendices "User Identifiers") */
  memset(long_id, 'a', sizeof(long_id));
  long_id[0] = '@';
  memcpy(long_id + 255 - 4, ":x.y", 4);
  tap_check(mxm_user_id_valid(long_id, 255), "user ID of 255 bytes", "invalid");
  memcpy(long_id + 256 - 4, ":x.y", 4);
  tap_check(!mxm_user_id_valid(long_id, 256), "user ID of 256 bytes", "valid");
  /* U+0000 inside the given length is not a localpart character */
  tap_check(!mxm_user_id_valid("@a\0b:x", 6), "user ID with NUL", "valid");
  tap_str_eq("domain", "example.org:8448", mxm_id_domain("@a:example.org:8448"));
  tap_str_eq("domain of room", "x", mxm_id_domain("!r:x"));
  tap_check(mxm_id_domain("$opaque") == NULL, "no domain", "found one");
  tap_check(mxm_id_domain(NULL) == NULL, "NULL domain", "found one");
}

static void test_pointers(void)
{
  char buf[MXM_ERROR_WHERE_MAX] = "";
  char small[16] = "";
  mxmi_pointer_append(buf, sizeof(buf), "content", 7);
  mxmi_pointer_append(buf, sizeof(buf), "users", 5);
  mxmi_pointer_append(buf, sizeof(buf), "@a/b~c:x", 8);
  tap_str_eq("pointer escapes", "/content/users/@a~1b~0c:x", buf);
  mxmi_pointer_append_index(buf, sizeof(buf), 12);
  tap_str_eq("pointer index", "/content/users/@a~1b~0c:x/12", buf);
  buf[0] = '\0';
  mxmi_pointer_append(buf, sizeof(buf), "", 0);
  tap_str_eq("empty token", "/", buf);
  mxmi_pointer_append(small, sizeof(small), "abcdefghijklmnopqrstuvwxyz", 26);
  tap_int_eq("cut pointer fits", 15, (int64_t)strlen(small));
  tap_str_eq("cut pointer", "/abcdefghijk...", small);
  mxmi_pointer_append(small, sizeof(small), "more", 4);
  tap_str_eq("cut pointer stays", "/abcdefghijk...", small);
  /* a cut never splits a UTF-8 character */
  small[0] = '\0';
  mxmi_pointer_append(small, sizeof(small), "abcdefghij\xc3\xa9\xc3\xa9x", 15);
  tap_str_eq("cut at a character boundary", "/abcdefghij...", small);
}

/* mxm_event_from_json on trees built in code: no text to lean on. */
static void test_from_json(void)
{
  struct mxm_json *root = mxm_json_new_object(), *deep = NULL, *cur;
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  int i, ok = root != NULL;
  ok = ok && mxm_json_object_set(root, "type", mxm_json_new_string("m.room.topic")) == MXM_OK;
  ok = ok && mxm_json_object_set(root, "sender", mxm_json_new_string("@a:x")) == MXM_OK;
  ok = ok && mxm_json_object_set(root, "room_id", mxm_json_new_string("!r:x")) == MXM_OK;
  ok = ok && mxm_json_object_set(root, "state_key", mxm_json_new_string("")) == MXM_OK;
  ok = ok && mxm_json_object_set(root, "content", mxm_json_new_object()) == MXM_OK;
  if(!tap_check(ok, "build event", "out of memory")) {
    mxm_json_free(&root);
    return;
  }
  tap_int_eq("from_json built event", MXM_OK, mxm_event_from_json(root, rv_of("10"), &ev, &err));
  tap_str_eq("from_json keeps its own reference", "m.room.topic", ev ? ev->type : NULL);
  if(ev) {
    const char *id;
    tap_check(mxm_event_id(ev) == NULL, "v10 event without event_id has no ID yet", "%s", mxm_event_id(ev));
    tap_int_eq("ensure_id computes", MXM_OK, mxm_event_ensure_id(ev, rv_of("10"), &err));
    id = mxm_event_id(ev);
    /* v4+: "$" + 43 characters of unpadded URL-safe base64 of a SHA-256 */
    tap_check(id && id[0] == '$' && strlen(id) == 44 && strspn(id + 1,
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43,
              "computed ID form", "%s", id ? id : "(null)");
  }
  tap_int_eq("ensure_id NULL", MXM_E_USAGE, mxm_event_ensure_id(NULL, rv_of("10"), &err));
  mxm_event_free(&ev);
  tap_int_eq("from_json NULL room version", MXM_E_USAGE, mxm_event_from_json(root, NULL, &ev, &err));
  tap_int_eq("from_json NULL json", MXM_E_USAGE, mxm_event_from_json(NULL, rv_of("10"), &ev, &err));
  tap_int_eq("parse NULL out", MXM_E_USAGE, mxm_event_parse("{}", 2, rv_of("10"), NULL, &err));
  /* content nested 70 levels deep: beyond MXM_JSON_MAX_DEPTH (64) */
  deep = mxm_json_new_array();
  cur = deep;
  for(i = 0; i < 70 && cur; i++) {
    struct mxm_json *next = mxm_json_new_array();
    if(!next || mxm_json_array_add(cur, next) != MXM_OK) {
      cur = NULL;
      break;
    }
    cur = next;
  }
  if(!cur)
    mxm_json_free(&deep); /* not handed over below */
  if(tap_check(cur != NULL && mxm_json_object_set(mxm_json_get_mut(root, "content"), "x", deep) == MXM_OK,
               "build deep event", "out of memory")) {
    tap_int_eq("v10 deep built tree", MXM_E_TOO_BIG, mxm_event_from_json(root, rv_of("10"), &ev, &err));
    tap_int_eq("v1 deep built tree", MXM_E_TOO_BIG, mxm_event_from_json(root, rv_of("1"), &ev, &err));
    tap_check(ev == NULL, "no event on failure", "an event came back");
  }
  mxm_json_free(&root);
}

/* JSON pointers that do not fit (RFC 6901 tokens, "~" and "/" escaped): a
 * buffer too small for "..." is left empty; otherwise the pointer is cut
 * and ends in "..." within the buffer. */
static void test_pointer_append_small(void)
{
  static const struct {
    size_t cap;
    const char *token;
    const char *expect;
    const char *name;
  } cases[] = {
    {3, "abc", "", "pointer in 3 bytes: empty"},
    {4, "abcdef", "...", "pointer in 4 bytes: only the mark"},
    {8, "abcdefgh", "/abc...", "pointer in 8 bytes: cut"},
    {8, "a/b", "/a~1b", "pointer in 8 bytes: fits with its escape"},
  };
  size_t i;
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char buf[16];
    buf[0] = '\0';
    mxmi_pointer_append(buf, cases[i].cap, cases[i].token, strlen(cases[i].token));
    tap_str_eq(cases[i].name, cases[i].expect, buf);
  }
}

int main(void)
{
  test_pointer_append_small();
  test_errors();
  test_accepted();
  test_fields();
  test_memberships();
  test_pl_values();
  test_pl_maps();
  test_pl_full();
  test_create();
  test_join_rules_tpi_member();
  test_id_limits();
  test_event_size();
  test_user_ids();
  test_pointers();
  test_from_json();
  return tap_done();
}
