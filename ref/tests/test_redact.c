/*
 * test_redact.c: mxm_redact, one table per redaction algorithm, expected
 * outputs written from the key lists of content/rooms/fragments/
 * v1-redactions.md, v6-redactions.md, v9-redactions.md, v11-redactions.md
 * and content/rooms/v8.md (join_rules `allow`).
 *
 * Each row: algorithm, event type, input content, expected redacted
 * content (canonical JSON). A separate table checks the top-level keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/canonical.h"
#include "mxm/redact.h"
#include "tap.h"

/* Every content key any algorithm keeps, plus one none keeps ("x"). */
#define MEMBER_IN                                                                                              \
  "{\"membership\":\"join\",\"displayname\":\"A\",\"avatar_url\":\"mxc://a/b\",\"is_direct\":true,"           \
  "\"reason\":\"r\",\"join_authorised_via_users_server\":\"@m:s\",\"third_party_invite\":{\"display_name\":"   \
  "\"d\",\"signed\":{\"mxid\":\"@a:d\",\"token\":\"t\",\"signatures\":{}}},\"x\":1}"
#define CREATE_IN "{\"creator\":\"@a:d\",\"room_version\":\"5\",\"m.federate\":false,\"predecessor\":{\"room_id\":\"!o:d\"}}"
#define JR_IN "{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!s:d\"}],\"x\":1}"
#define PL_IN                                                                                                  \
  "{\"ban\":50,\"events\":{\"m.room.name\":50},\"events_default\":0,\"invite\":0,\"kick\":50,"                 \
  "\"notifications\":{\"room\":50},\"redact\":50,\"state_default\":50,\"users\":{\"@a:d\":100},"              \
  "\"users_default\":0}"
#define PL_V1_OUT                                                                                              \
  "{\"ban\":50,\"events\":{\"m.room.name\":50},\"events_default\":0,\"kick\":50,\"redact\":50,"                \
  "\"state_default\":50,\"users\":{\"@a:d\":100},\"users_default\":0}"
#define PL_V11_OUT                                                                                             \
  "{\"ban\":50,\"events\":{\"m.room.name\":50},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,"   \
  "\"state_default\":50,\"users\":{\"@a:d\":100},\"users_default\":0}"

struct content_case {
  unsigned alg;
  const char *type;
  const char *content;
  const char *expect;
};

static const struct content_case content_cases[] = {
  /* algorithm 1 (v1-v5) */
  {1, "m.room.member", MEMBER_IN, "{\"membership\":\"join\"}"},
  {1, "m.room.create", CREATE_IN, "{\"creator\":\"@a:d\"}"},
  {1, "m.room.join_rules", JR_IN, "{\"join_rule\":\"restricted\"}"},
  {1, "m.room.power_levels", PL_IN, PL_V1_OUT},
  {1, "m.room.aliases", "{\"aliases\":[\"#a:d\"],\"x\":1}", "{\"aliases\":[\"#a:d\"]}"},
  {1, "m.room.history_visibility", "{\"history_visibility\":\"shared\",\"x\":1}", "{\"history_visibility\":\"shared\"}"},
  {1, "m.room.redaction", "{\"redacts\":\"$e\",\"reason\":\"r\"}", "{}"},
  {1, "m.room.message", "{\"body\":\"hi\",\"msgtype\":\"m.text\"}", "{}"},
  {1, "m.room.third_party_invite", "{\"public_key\":\"k\",\"display_name\":\"d\"}", "{}"},
  /* algorithm 6 (v6, v7): aliases loses its content */
  {6, "m.room.member", MEMBER_IN, "{\"membership\":\"join\"}"},
  {6, "m.room.aliases", "{\"aliases\":[\"#a:d\"],\"x\":1}", "{}"},
  {6, "m.room.join_rules", JR_IN, "{\"join_rule\":\"restricted\"}"},
  {6, "m.room.create", CREATE_IN, "{\"creator\":\"@a:d\"}"},
  {6, "m.room.power_levels", PL_IN, PL_V1_OUT},
  {6, "m.room.history_visibility", "{\"history_visibility\":\"shared\",\"x\":1}", "{\"history_visibility\":\"shared\"}"},
  /* algorithm 8 (v8): join_rules keeps allow; member does not yet keep
   * join_authorised_via_users_server */
  {8, "m.room.join_rules", JR_IN,
   "{\"allow\":[{\"room_id\":\"!s:d\",\"type\":\"m.room_membership\"}],\"join_rule\":\"restricted\"}"},
  {8, "m.room.member", MEMBER_IN, "{\"membership\":\"join\"}"},
  {8, "m.room.aliases", "{\"aliases\":[\"#a:d\"]}", "{}"},
  /* algorithm 9 (v9, v10) */
  {9, "m.room.member", MEMBER_IN, "{\"join_authorised_via_users_server\":\"@m:s\",\"membership\":\"join\"}"},
  {9, "m.room.join_rules", JR_IN,
   "{\"allow\":[{\"room_id\":\"!s:d\",\"type\":\"m.room_membership\"}],\"join_rule\":\"restricted\"}"},
  {9, "m.room.create", CREATE_IN, "{\"creator\":\"@a:d\"}"},
  {9, "m.room.power_levels", PL_IN, PL_V1_OUT},
  {9, "m.room.redaction", "{\"redacts\":\"$e\"}", "{}"},
  /* algorithm 11 (v11, v12) */
  {11, "m.room.member", MEMBER_IN,
   "{\"join_authorised_via_users_server\":\"@m:s\",\"membership\":\"join\",\"third_party_invite\":{\"signed\":"
   "{\"mxid\":\"@a:d\",\"signatures\":{},\"token\":\"t\"}}}"},
  {11, "m.room.member", "{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"d\"}}",
   "{\"membership\":\"invite\"}"},
  {11, "m.room.member", "{\"membership\":\"invite\",\"third_party_invite\":\"junk\"}", "{\"membership\":\"invite\"}"},
  {11, "m.room.member", "{\"membership\":\"invite\",\"third_party_invite\":{\"signed\":7}}",
   "{\"membership\":\"invite\",\"third_party_invite\":{\"signed\":7}}"},
  {11, "m.room.create", CREATE_IN,
   "{\"creator\":\"@a:d\",\"m.federate\":false,\"predecessor\":{\"room_id\":\"!o:d\"},\"room_version\":\"5\"}"},
  {11, "m.room.power_levels", PL_IN, PL_V11_OUT},
  {11, "m.room.redaction", "{\"redacts\":\"$e\",\"reason\":\"r\"}", "{\"redacts\":\"$e\"}"},
  {11, "m.room.join_rules", JR_IN,
   "{\"allow\":[{\"room_id\":\"!s:d\",\"type\":\"m.room_membership\"}],\"join_rule\":\"restricted\"}"},
  {11, "m.room.aliases", "{\"aliases\":[\"#a:d\"]}", "{}"},
  {11, "m.room.history_visibility", "{\"history_visibility\":\"shared\",\"x\":1}", "{\"history_visibility\":\"shared\"}"},
  /* every key of each v1 and v11 list, one at a time (v1-redactions.md,
   * v11-redactions.md): a key missing from a list is dropped */
  {1, "m.room.power_levels", "{\"users_default\":1}", "{\"users_default\":1}"},
  {1, "m.room.power_levels", "{\"events_default\":1}", "{\"events_default\":1}"},
  {1, "m.room.power_levels", "{\"state_default\":1}", "{\"state_default\":1}"},
  {1, "m.room.power_levels", "{\"invite\":1}", "{}"},
  {11, "m.room.power_levels", "{\"users_default\":1,\"redact\":2,\"kick\":3}", "{\"kick\":3,\"redact\":2,\"users_default\":1}"},
  /* kept keys keep any value type */
  {1, "m.room.member", "{\"membership\":{\"odd\":[1]}}", "{\"membership\":{\"odd\":[1]}}"},
  /* type matched exactly */
  {11, "M.ROOM.CREATE", CREATE_IN, "{}"},
};

/* third_party_invite.signed: v11 keeps it only on m.room.member
 * (v11-redactions.md lists it under m.room.member alone); on any other type
 * it is stripped like every other content key, and before v11 no algorithm
 * keeps it, not even on member events. Each row: the type, the content's
 * other members, the value of third_party_invite.signed, the expected
 * redacted content, and the algorithms it is checked under (0 ends). */
struct tpi_case {
  const char *type;
  const char *members;
  const char *signed_value;
  const char *expect;
  unsigned algs[5];
};

static const struct tpi_case tpi_cases[] = {
  {"m.room.join_rules", "\"join_rule\":\"public\"", "{\"mxid\":\"@a:d\"}", "{\"join_rule\":\"public\"}", {11}},
  {"m.room.power_levels", "\"ban\":50", "{\"token\":\"t\"}", "{\"ban\":50}", {11}},
  {"m.room.message", "\"body\":\"b\"", "{}", "{}", {11}},
  {"m.room.third_party_invite", "\"public_key\":\"k\"", "{}", "{}", {11}},
  {"m.room.join_rules", "\"join_rule\":\"public\"", "{}", "{\"join_rule\":\"public\"}", {8, 9}},
  {"m.room.power_levels", "\"ban\":1", "{}", "{\"ban\":1}", {9, 8}},
  {"m.room.create", "\"creator\":\"@a:d\"", "{}", "{\"creator\":\"@a:d\"}", {9, 8}},
  {"m.room.history_visibility", "\"history_visibility\":\"x\"", "{}", "{\"history_visibility\":\"x\"}", {8}},
  {"m.room.member", "\"membership\":\"invite\"", "{\"mxid\":\"@a:d\"}", "{\"membership\":\"invite\"}",
   {8, 6, 1, 9}},
};

/* Every top-level key either list names, plus unsigned, redacts, extra. */
#define TOP_IN                                                                                                 \
  "{\"event_id\":\"$e\",\"type\":\"m.room.message\",\"room_id\":\"!r:d\",\"sender\":\"@a:d\","               \
  "\"state_key\":\"\",\"content\":{\"body\":\"b\"},\"hashes\":{\"sha256\":\"h\"},\"signatures\":{\"d\":{}},"    \
  "\"depth\":1,\"prev_events\":[],\"prev_state\":[],\"auth_events\":[],\"origin\":\"d\","                      \
  "\"origin_server_ts\":5,\"membership\":\"join\",\"unsigned\":{\"age\":1},\"redacts\":\"$x\",\"extra\":1}"

struct top_case {
  unsigned alg;
  const char *expect;
};
#define TOP_V1_OUT                                                                                             \
  "{\"auth_events\":[],\"content\":{},\"depth\":1,\"event_id\":\"$e\",\"hashes\":{\"sha256\":\"h\"},"           \
  "\"membership\":\"join\",\"origin\":\"d\",\"origin_server_ts\":5,\"prev_events\":[],\"prev_state\":[],"      \
  "\"room_id\":\"!r:d\",\"sender\":\"@a:d\",\"signatures\":{\"d\":{}},\"state_key\":\"\",\"type\":"            \
  "\"m.room.message\"}"
static const struct top_case top_cases[] = {
  {1, TOP_V1_OUT},
  {6, TOP_V1_OUT},
  {8, TOP_V1_OUT},
  {9, TOP_V1_OUT},
  {11, "{\"auth_events\":[],\"content\":{},\"depth\":1,\"event_id\":\"$e\",\"hashes\":{\"sha256\":\"h\"},"
       "\"origin_server_ts\":5,\"prev_events\":[],\"room_id\":\"!r:d\",\"sender\":\"@a:d\",\"signatures\":"
       "{\"d\":{}},\"state_key\":\"\",\"type\":\"m.room.message\"}"},
};

static struct mxm_json *parse(const char *s)
{
  struct mxm_json *j = NULL;
  if(mxm_json_parse(s, strlen(s), &j, NULL) != MXM_OK)
    tap_check(0, "fixture parses", "%s", s);
  return j;
}

static struct mxm_room_version rv_with(unsigned alg)
{
  struct mxm_room_version rv;
  memset(&rv, 0, sizeof(rv));
  rv.id = "test";
  rv.redaction = alg;
  return rv;
}

static char *redact_to_text(const struct mxm_json *ev, unsigned alg, enum mxm_status *st)
{
  struct mxm_room_version rv = rv_with(alg);
  struct mxm_json *out = NULL;
  char *text = NULL;
  *st = mxm_redact(ev, &rv, &out, NULL);
  if(*st == MXM_OK && mxm_canonical_encode(out, MXM_CANON_LAX, &text, NULL, NULL) != MXM_OK)
    text = NULL;
  mxm_json_free(&out);
  return text;
}

/* Redact an event of c's type and content under c's algorithm; its
 * content must be c's expected one. */
static void check_content(const struct content_case *c, const char *name)
{
  struct mxm_json *ev = mxm_json_new_object(), *content = parse(c->content);
  struct mxm_json *red = NULL;
  struct mxm_room_version rv = rv_with(c->alg);
  char *text = NULL;
  if(!ev || !content || mxm_json_object_set(ev, "type", mxm_json_new_string(c->type)) != MXM_OK ||
     mxm_json_object_set(ev, "content", content) != MXM_OK) {
    tap_check(0, name, "fixture");
    mxm_json_free(&ev);
    return;
  }
  tap_int_eq(name, MXM_OK, mxm_redact(ev, &rv, &red, NULL));
  if(mxm_canonical_encode(mxm_json_get(red, "content"), MXM_CANON_LAX, &text, NULL, NULL) == MXM_OK)
    tap_str_eq(name, c->expect, text);
  else
    tap_check(0, name, "redacted content missing or not encodable");
  free(text);
  mxm_json_free(&red);
  mxm_json_free(&ev);
}

int main(void)
{
  size_t i;
  char name[128];
  enum mxm_status st;

  for(i = 0; i < sizeof(content_cases) / sizeof(content_cases[0]); i++) {
    snprintf(name, sizeof(name), "alg %u %s #%zu", content_cases[i].alg, content_cases[i].type, i);
    check_content(&content_cases[i], name);
  }
  for(i = 0; i < sizeof(tpi_cases) / sizeof(tpi_cases[0]); i++) {
    const struct tpi_case *t = &tpi_cases[i];
    char content[256];
    size_t k;
    snprintf(content, sizeof(content), "{%s,\"third_party_invite\":{\"signed\":%s}}", t->members, t->signed_value);
    for(k = 0; k < sizeof(t->algs) / sizeof(t->algs[0]) && t->algs[k]; k++) {
      const struct content_case c = {t->algs[k], t->type, content, t->expect};
      snprintf(name, sizeof(name), "alg %u %s: third_party_invite.signed #%zu", c.alg, c.type, i);
      check_content(&c, name);
    }
  }

  for(i = 0; i < sizeof(top_cases) / sizeof(top_cases[0]); i++) {
    struct mxm_json *ev = parse(TOP_IN);
    char *text = redact_to_text(ev, top_cases[i].alg, &st);
    snprintf(name, sizeof(name), "top-level keys, algorithm %u", top_cases[i].alg);
    tap_int_eq(name, MXM_OK, st);
    tap_str_eq(name, top_cases[i].expect, text);
    free(text);
    mxm_json_free(&ev);
  }

  /* The room-version table names the right algorithm for each version
   * (v1-v5 v1-redactions, v6-v7 v6-redactions, v8 rooms/v8.md, v9-v10
   * v9-redactions, v11-v12 v11-redactions). */
  {
    static const struct {
      const char *id;
      unsigned alg;
    } table[] = {{"1", 1}, {"2", 1}, {"3", 1}, {"4", 1}, {"5", 1}, {"6", 6},
                 {"7", 6}, {"8", 8}, {"9", 9}, {"10", 9}, {"11", 11}, {"12", 11}};
    for(i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
      const struct mxm_room_version *rv = mxm_room_version_find(table[i].id);
      snprintf(name, sizeof(name), "room version %s uses redaction algorithm %u", table[i].id, table[i].alg);
      tap_int_eq(name, table[i].alg, rv ? (int64_t)rv->redaction : -1);
    }
  }

  /* Errors and edge cases. */
  {
    struct mxm_json *ev = parse("[1]"), *out = NULL;
    struct mxm_room_version rv = rv_with(1), bad = rv_with(7);
    struct mxm_error err;
    char *text;
    tap_int_eq("array is not an event", MXM_E_MALFORMED, mxm_redact(ev, &rv, &out, &err));
    tap_check(out == NULL, "no output on error", "output set");
    mxm_json_free(&ev);
    ev = parse("{\"type\":\"m.room.member\",\"content\":\"junk\"}");
    tap_int_eq("content not an object", MXM_E_MALFORMED, mxm_redact(ev, &rv, &out, &err));
    tap_str_eq("content not an object: pointer", "/content", err.where);
    tap_int_eq("unknown algorithm", MXM_E_UNSUPPORTED, mxm_redact(ev, &bad, &out, &err));
    tap_str_eq("unknown algorithm: whole input", "", err.where);
    tap_int_eq("no room version", MXM_E_USAGE, mxm_redact(ev, NULL, &out, &err));
    tap_str_eq("no room version: whole input", "", err.where);
    tap_int_eq("no output pointer", MXM_E_USAGE, mxm_redact(ev, &rv, NULL, &err));
    mxm_json_free(&ev);
    ev = parse("{\"type\":\"m.room.member\",\"sender\":\"@a:d\"}");
    text = redact_to_text(ev, 11, &st);
    tap_str_eq("absent content stays absent", "{\"sender\":\"@a:d\",\"type\":\"m.room.member\"}", text);
    free(text);
    mxm_json_free(&ev);
    ev = parse("{\"type\":7,\"content\":{\"membership\":\"join\"}}");
    text = redact_to_text(ev, 1, &st);
    tap_str_eq("non-string type strips content", "{\"content\":{},\"type\":7}", text);
    free(text);
    mxm_json_free(&ev);

    /* The output is independent of the input. */
    ev = parse("{\"type\":\"m.room.power_levels\",\"content\":{\"users\":{\"@a:d\":100}}}");
    if(mxm_redact(ev, &rv, &out, &err) == MXM_OK) {
      struct mxm_json *users = mxm_json_get_mut(mxm_json_get_mut(out, "content"), "users");
      if(users && mxm_json_object_set(users, "@b:d", mxm_json_new_int(1)) == MXM_OK)
        tap_int_eq("redacted copy is deep", 1,
                   (int64_t)mxm_json_object_len(mxm_json_get(mxm_json_get(ev, "content"), "users")));
    }
    mxm_json_free(&out);
    mxm_json_free(&ev);
  }
  return tap_done();
}
