/*
 * test_expand.c: the expander builds what FORMAT.md says, in each room
 * version's format: v1/v2 event IDs and [id, hash] references, v3 standard
 * and v4+ URL-safe reference-hash IDs, the v12 room ID from the create event
 * and no create in v12 auth_events, the auth-events selection, signatures
 * that verify with the derived keys, third-party-invite signing and
 * corruption, omit/contentOmit, and byte-identical output on every run.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "tap.h"

static struct mxm_json *parse(const char *text)
{
  struct mxm_json *j = NULL;
  struct mxm_error err;
  if(mxm_json_parse(text, strlen(text), &j, &err) != MXM_OK) {
    fprintf(stderr, "bad test JSON: %s\n", err.message);
    exit(2);
  }
  return j;
}

static const char *STATE =
    "{\"creator\": \"@alice:example.org\","
    " \"members\": {\"@alice:example.org\": \"join\", \"@bob:other.org\": \"invite\"},"
    " \"powerLevels\": {\"users\": {\"@alice:example.org\": 100}},"
    " \"joinRule\": \"invite\","
    " \"thirdPartyInvites\": [{\"token\": \"tok1\", \"sender\": \"@alice:example.org\", \"keys\": [\"is1\"]}]}";

static const struct mxm_json *state_event(const struct mxmc_room *room, size_t i)
{
  return mxm_json_array_get(mxmc_room_state(room), i);
}

static const char *str(const struct mxm_json *j, const char *key)
{
  return mxm_json_string(mxm_json_get(j, key));
}

/* 1 if every state event is signed by its sender's server with the derived key. */
static int all_signed(const struct mxmc_room *room, const struct mxm_room_version *rv)
{
  size_t i;
  for(i = 0; i < mxm_json_array_len(mxmc_room_state(room)); i++) {
    const struct mxm_json *ev = state_event(room, i);
    const char *server = mxm_id_domain(str(ev, "sender"));
    struct mxm_signing_key key;
    if(mxm_signing_key_for_name(server, &key) != MXM_OK ||
       !mxm_verify_event_server(ev, rv, server, "ed25519:1", key.public_key))
      return 0;
  }
  return 1;
}

static int contains_id(const struct mxm_json *refs, const char *id)
{
  size_t i;
  for(i = 0; i < mxm_json_array_len(refs); i++) {
    const struct mxm_json *e = mxm_json_array_get(refs, i);
    const char *s = mxm_json_string(e) ? mxm_json_string(e) : mxm_json_string(mxm_json_array_get(e, 0));
    if(s && strcmp(s, id) == 0)
      return 1;
  }
  return 0;
}

static char *event_id(const struct mxm_json *ev, const struct mxm_room_version *rv)
{
  char id[MXM_EVENT_ID_MAX];
  struct mxm_error err;
  if(mxm_compute_event_id(ev, rv, id, &err) != MXM_OK)
    return mxmc_strdup("(none)");
  return mxmc_strdup(id);
}

static void test_version(const char *v)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  struct mxm_json *cs = parse(STATE);
  struct mxm_error err;
  struct mxmc_room *room = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "/testGroups/0/state", &err);
  char name[64];
  size_t n;
  const struct mxm_json *create, *second;
  char *create_id;
  snprintf(name, sizeof(name), "v%s build", v);
  if(!tap_check(room != NULL, name, "%s at %s", err.message, err.where)) {
    mxm_json_free(&cs);
    return;
  }
  n = mxm_json_array_len(mxmc_room_state(room));
  snprintf(name, sizeof(name), "v%s: create, alice, PL, JR, bob, 3PID", v);
  tap_int_eq(name, 6, (int64_t)n);
  create = state_event(room, 0);
  second = state_event(room, 1);
  create_id = event_id(create, rv);
  snprintf(name, sizeof(name), "v%s expansion order", v);
  tap_check(strcmp(str(create, "type"), "m.room.create") == 0 && strcmp(str(state_event(room, 2), "type"), "m.room.power_levels") == 0 &&
                strcmp(str(state_event(room, 3), "type"), "m.room.join_rules") == 0 &&
                strcmp(str(state_event(room, 5), "type"), "m.room.third_party_invite") == 0,
            name, "unexpected order");
  snprintf(name, sizeof(name), "v%s signatures verify", v);
  tap_check(all_signed(room, rv), name, "a state event is not signed by its sender's server");
  snprintf(name, sizeof(name), "v%s server keys of every server", v);
  tap_check(mxm_json_get(mxmc_room_server_keys(room), "example.org") && mxm_json_get(mxmc_room_server_keys(room), "other.org"),
            name, "missing a server");
  snprintf(name, sizeof(name), "v%s prev_events of the second event", v);
  tap_check(contains_id(mxm_json_get(second, "prev_events"), create_id), name, "does not point at the create");
  if(rv->event_id_format == MXM_EVENT_ID_SERVER) {
    snprintf(name, sizeof(name), "v%s event_id $1:domain", v);
    tap_str_eq(name, "$1:example.org", str(create, "event_id"));
    snprintf(name, sizeof(name), "v%s [id, {sha256}] references", v);
    tap_check(mxm_json_type(mxm_json_array_get(mxm_json_get(second, "prev_events"), 0)) == MXM_JSON_ARRAY &&
                  str(mxm_json_array_get(mxm_json_array_get(mxm_json_get(second, "prev_events"), 0), 1), "sha256"),
              name, "not a pair");
  } else {
    snprintf(name, sizeof(name), "v%s no event_id field", v);
    tap_check(!mxm_json_get(create, "event_id"), name, "event_id present");
    snprintf(name, sizeof(name), "v%s ID alphabet", v);
    tap_check(rv->event_id_format == MXM_EVENT_ID_HASH_URL ? strpbrk(create_id, "+/") == NULL : 1, name, "%s", create_id);
  }
  if(rv->creators_v12) {
    snprintf(name, sizeof(name), "v%s create has no room_id", v);
    tap_check(!mxm_json_get(create, "room_id"), name, "room_id present");
    snprintf(name, sizeof(name), "v%s room_id is the create ID with !", v);
    tap_check(str(second, "room_id") && strcmp(str(second, "room_id") + 1, create_id + 1) == 0 && str(second, "room_id")[0] == '!',
              name, "%s vs %s", str(second, "room_id"), create_id);
    snprintf(name, sizeof(name), "v%s no create in auth_events", v);
    tap_check(!contains_id(mxm_json_get(state_event(room, 2), "auth_events"), create_id), name, "create selected");
  } else {
    snprintf(name, sizeof(name), "v%s room_id", v);
    tap_str_eq(name, "!room:example.org", str(second, "room_id"));
    snprintf(name, sizeof(name), "v%s create in auth_events", v);
    tap_check(contains_id(mxm_json_get(state_event(room, 2), "auth_events"), create_id), name, "create not selected");
  }

  /* a join by bob: auth events = create (not v12), PL, bob's member, JR */
  {
    struct mxm_json *holder = parse("{\"event\": {\"sender\": \"@bob:other.org\", \"membership\": \"join\","
                                    " \"content\": {\"displayname\": \"Bob\", \"x\": 1}, \"contentOmit\": [\"x\"],"
                                    " \"signedBy\": [\"third.org\"], \"omit\": [\"origin_server_ts\"]}}");
    struct mxm_json *ev = NULL;
    char *text = NULL, *pl_id = event_id(state_event(room, 2), rv), *jr_id = event_id(state_event(room, 3), rv),
         *bob_id = event_id(state_event(room, 4), rv);
    int explicit_auth = 1;
    const struct mxm_json *auth;
    snprintf(name, sizeof(name), "v%s expand join", v);
    if(tap_check(mxmc_room_expand_event(room, holder, "/testGroups/0/tests/0", &ev, &text, &explicit_auth, &err) == MXM_OK,
                 name, "%s at %s", err.message, err.where)) {
      auth = mxm_json_get(ev, "auth_events");
      snprintf(name, sizeof(name), "v%s join auth events", v);
      tap_check(mxm_json_array_len(auth) == (rv->create_in_auth_events ? 4u : 3u) && contains_id(auth, pl_id) &&
                    contains_id(auth, jr_id) && contains_id(auth, bob_id) &&
                    contains_id(auth, create_id) == (int)rv->create_in_auth_events,
                name, "%zu auth events", mxm_json_array_len(auth));
      snprintf(name, sizeof(name), "v%s contentOmit, omit, defaults", v);
      tap_check(!mxm_json_get(mxm_json_get(ev, "content"), "x") && !mxm_json_get(ev, "origin_server_ts") &&
                    strcmp(str(ev, "state_key"), "@bob:other.org") == 0 && explicit_auth == 0 &&
                    strcmp(str(mxm_json_get(ev, "content"), "displayname"), "Bob") == 0,
                name, "content or omit wrong");
      snprintf(name, sizeof(name), "v%s signedBy", v);
      tap_check(mxm_json_get(mxm_json_get(ev, "signatures"), "third.org") &&
                    mxm_json_get(mxm_json_get(ev, "signatures"), "other.org") &&
                    mxm_json_get(mxmc_room_server_keys(room), "third.org"),
                name, "missing signature or key");
    }
    mxm_json_free(&ev);
    free(text);
    free(pl_id);
    free(jr_id);
    free(bob_id);
    mxm_json_free(&holder);
  }
  /* third-party invite: signed by is1, verifies; corrupt does not */
  {
    static const char *const forms[2] = {
        "{\"event\": {\"sender\": \"@alice:example.org\", \"stateKey\": \"@carol:example.org\", \"membership\": \"invite\","
        " \"thirdPartyInvite\": {\"token\": \"tok1\"}}}",
        "{\"event\": {\"sender\": \"@alice:example.org\", \"stateKey\": \"@carol:example.org\", \"membership\": \"invite\","
        " \"thirdPartyInvite\": {\"token\": \"tok1\", \"corrupt\": true}}}"};
    int k;
    struct mxm_signing_key is1;
    if(mxm_signing_key_for_name("is1", &is1) != MXM_OK)
      tap_check(0, "is1 key", "cannot derive");
    for(k = 0; k < 2; k++) {
      struct mxm_json *holder = parse(forms[k]), *ev = NULL;
      char *text = NULL;
      int explicit_auth = 0;
      const struct mxm_json *signed_obj;
      snprintf(name, sizeof(name), "v%s 3PID invite %s", v, k ? "corrupt" : "valid");
      if(mxmc_room_expand_event(room, holder, "", &ev, &text, &explicit_auth, &err) == MXM_OK) {
        signed_obj = mxm_json_get(mxm_json_get(mxm_json_get(ev, "content"), "third_party_invite"), "signed");
        tap_check(mxm_verify_json(signed_obj, "is1", "ed25519:1", is1.public_key) == !k &&
                      strcmp(str(signed_obj, "mxid"), "@carol:example.org") == 0 && strcmp(str(signed_obj, "token"), "tok1") == 0,
                  name, "signature check gave the wrong answer");
      } else {
        tap_check(0, name, "%s", err.message);
      }
      mxm_json_free(&ev);
      free(text);
      mxm_json_free(&holder);
    }
  }
  free(create_id);
  mxmc_room_free(&room);

  /* determinism: a second build is byte-identical */
  {
    struct mxmc_room *again = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "", &err);
    struct mxmc_room *first = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "", &err);
    char *a = again ? mxm_json_to_string(mxmc_room_state(again), NULL) : NULL;
    char *b = first ? mxm_json_to_string(mxmc_room_state(first), NULL) : NULL;
    snprintf(name, sizeof(name), "v%s deterministic", v);
    tap_check(a && b && strcmp(a, b) == 0, name, "two builds differ");
    free(a);
    free(b);
    mxmc_room_free(&again);
    mxmc_room_free(&first);
  }
  mxm_json_free(&cs);
}

static void test_errors(void)
{
  const struct mxm_room_version *rv = mxm_room_version_find("7");
  struct mxm_json *cs = parse("{\"creator\": \"no-server\"}");
  struct mxm_error err;
  struct mxmc_room *room;
  mxm_error_clear(&err);
  room = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "/testGroups/3/state", &err);
  tap_check(room == NULL, "bad creator refused", "built a room");
  tap_str_eq("bad creator pointer", "/testGroups/3/state/creator", err.where);
  mxm_json_free(&cs);
  cs = parse("{\"creator\": \"@a:x.org\"}");
  room = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "", &err);
  if(room) {
    struct mxm_json *holder = parse("{\"event\": {\"sender\": \"@a:x.org\", \"membership\": \"join\", \"authEvents\": [\"join_rules\"]}}");
    struct mxm_json *ev = NULL;
    char *text = NULL;
    int explicit_auth = 0;
    tap_check(mxmc_room_expand_event(room, holder, "/testGroups/0/tests/2", &ev, &text, &explicit_auth, &err) != MXM_OK,
              "selector of a missing event refused", "expanded");
    tap_str_eq("selector error pointer", "/testGroups/0/tests/2/event/authEvents/0", err.where);
    mxm_json_free(&ev);
    free(text);
    mxm_json_free(&holder);
  }
  mxmc_room_free(&room);
  mxm_json_free(&cs);
}

static void test_util(void)
{
  char b[64];
  static const char *const cases[][2] = {
      {"member.join.restricted.allow", "member.join"}, {"member.join.banned", "member.join"},
      {"member.shape", "member"}, {"member.leave.kick.allow", "member.leave"}, {"power_levels.allow", "power_levels"},
      {"federate", "federate"}, {"member.authorised_via.signature", "member.authorised_via"}};
  size_t i;
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    mxmc_rule_branch(cases[i][0], b, sizeof(b));
    tap_str_eq(cases[i][0], cases[i][1], b);
  }
  tap_int_eq("versions 1-12", 0x1ffe, mxmc_version_set("1-12"));
  tap_int_eq("versions 8-12", 0x1f00, mxmc_version_set("8-12"));
  tap_int_eq("versions 1-5,12", 0x103e, mxmc_version_set("1-5,12"));
  tap_int_eq("versions v7+", 0x1f80, mxmc_version_set("v7+"));
  tap_int_eq("versions garbage", 0, mxmc_version_set("seven"));
  tap_int_eq("versions 13", 0x2000, mxmc_version_set("13"));
  tap_int_eq("v12 first release", MXM_SPEC_V1_16, mxmc_version_first_release("12"));
}

int main(void)
{
  static const char *const versions[] = {"1", "2", "3", "4", "6", "8", "10", "11", "12"};
  size_t i;
  mxm_json_deterministic();
  for(i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
    test_version(versions[i]);
  test_errors();
  test_util();
  return tap_done();
}
