/*
 * test_known_ids.c: the in-process reference backend takes the event IDs
 * the expander computed (mxmc_room_ids, mxmc_ref_answer_ids) instead of
 * hashing every state event again, and answers exactly as without them;
 * one decision never hashes the same bytes twice (a sequence used to load
 * its state twice).
 *
 * The hash count comes from the library's trace hook (ref/src/sign_int.h).
 *
 * With known IDs the backend keeps the states it loaded (refimpl.c, "the
 * state cache"), and must answer as if it had loaded the request's state
 * anew even when the room the state came from has grown since. The
 * runner's rooms share their event objects (mxmc_room_build hands out
 * copies of a kept room), and a request's "state" is the room's own array,
 * which grows when a sequence step is accepted (mxmc_room_accept). An entry
 * that kept that array, instead of the events it held when the entry was
 * made, answered a later request with the same events from the grown
 * array: the join -> join profile test then compared the new event with the
 * accepted step instead of the member event in the request's state. (Seen
 * with `mxm fuzz --seed 7`: the transition's profile flag differed between
 * the reference in process and mxm-ref-adapter.)
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "sign_int.h"
#include "tap.h"

struct counts {
  size_t sha, verify, sign;
  unsigned char *seen[512];
  size_t seen_len[512];
  size_t n_seen, repeats;
};

static void count(enum mxmi_crypto_op op, const unsigned char *data, size_t len, const unsigned char *extra,
                  size_t extra_len, void *ctx)
{
  struct counts *c = ctx;
  size_t i;
  (void)extra;
  (void)extra_len;
  if(op == MXMI_OP_SHA256)
    c->sha++;
  else if(op == MXMI_OP_VERIFY)
    c->verify++;
  else
    c->sign++;
  if(op != MXMI_OP_SHA256)
    return;
  for(i = 0; i < c->n_seen; i++)
    if(c->seen_len[i] == len && memcmp(c->seen[i], data, len) == 0) {
      c->repeats++;
      return;
    }
  if(c->n_seen < sizeof(c->seen) / sizeof(c->seen[0]) && (c->seen[c->n_seen] = malloc(len ? len : 1))) {
    memcpy(c->seen[c->n_seen], data, len);
    c->seen_len[c->n_seen++] = len;
  }
}

static void counts_start(struct counts *c)
{
  memset(c, 0, sizeof(*c));
  mxmi_crypto_trace_set(count, c);
}

static void counts_stop(struct counts *c)
{
  size_t i;
  mxmi_crypto_trace_set(NULL, NULL);
  for(i = 0; i < c->n_seen; i++)
    free(c->seen[i]);
}

static struct mxm_json *parse(const char *text)
{
  struct mxm_json *j = NULL;
  if(mxm_json_parse(text, strlen(text), &j, NULL) != MXM_OK) {
    fprintf(stderr, "bad test JSON: %s\n", text);
    exit(2);
  }
  return j;
}

static const char *STATE = "{\"creator\": \"@alice:example.org\","
                           " \"members\": {\"@alice:example.org\": \"join\", \"@bob:other.org\": \"invite\","
                           " \"@carol:example.org\": \"join\"},"
                           " \"powerLevels\": {\"users\": {\"@alice:example.org\": 100}},"
                           " \"joinRule\": \"invite\"}";

/* A request as run.c builds it: room version, spec, state, keys, event. */
static struct mxm_json *request(const char *type, const char *v, struct mxmc_room *room, const struct mxm_json *holder)
{
  struct mxm_json *req = mxm_json_new_object(), *ev = NULL;
  char *text = NULL;
  int explicit_auth = 0;
  struct mxm_error err;
  if(mxm_json_object_set(req, "id", mxm_json_new_string("t")) != MXM_OK ||
     mxm_json_object_set(req, "type", mxm_json_new_string(type)) != MXM_OK ||
     mxm_json_object_set(req, "room_version", mxm_json_new_string(v)) != MXM_OK ||
     mxm_json_object_set(req, "state", mxm_json_copy(mxmc_room_state(room))) != MXM_OK)
    exit(3);
  if(strcmp(type, "auth") == 0) {
    if(mxmc_room_expand_event(room, holder, "", &ev, &text, &explicit_auth, &err) != MXM_OK || !ev ||
       mxm_json_object_set(req, "event", ev) != MXM_OK)
      exit(3);
  } else {
    struct mxm_json *steps = mxm_json_new_array(), *step = mxm_json_new_object();
    if(mxmc_room_expand_event(room, holder, "", &ev, &text, &explicit_auth, &err) != MXM_OK || !ev ||
       mxm_json_object_set(step, "event", ev) != MXM_OK || mxm_json_array_add(steps, step) != MXM_OK ||
       mxm_json_object_set(req, "steps", steps) != MXM_OK)
      exit(3);
  }
  if(mxm_json_object_set(req, "server_keys", mxm_json_ref(mxmc_room_server_keys(room))) != MXM_OK)
    exit(3);
  free(text);
  return req;
}

static void test_version(const char *v, const char *type)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  struct mxm_json *cs = parse(STATE);
  struct mxm_json *holder = parse("{\"event\": {\"sender\": \"@bob:other.org\", \"membership\": \"join\"}}");
  struct mxm_error err;
  struct mxmc_room *room = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "/state", &err);
  struct mxm_json *req, *plain, *known;
  struct mxmc_ids ids;
  struct counts c;
  char *a, *b, name[128];
  size_t n_state;
  if(!tap_check(room != NULL, "room builds", "v%s: %s", v, err.message)) {
    mxm_json_free(&cs);
    mxm_json_free(&holder);
    return;
  }
  req = request(type, v, room, holder);
  n_state = mxm_json_array_len(mxm_json_get(req, "state"));

  counts_start(&c);
  plain = mxmc_ref_answer(req);
  counts_stop(&c);
  snprintf(name, sizeof(name), "v%s %s without IDs: each state event hashed once", v, type);
  /* v1/v2 events carry their ID: nothing to hash; an accepted sequence
   * step is hashed once more, when the state takes it */
  tap_int_eq(name,
             rv->event_id_format == MXM_EVENT_ID_SERVER ? 0 : (int64_t)n_state + (strcmp(type, "sequence") == 0),
             (int64_t)c.sha);
  snprintf(name, sizeof(name), "v%s %s without IDs: no bytes hashed twice", v, type);
  tap_int_eq(name, 0, (int64_t)c.repeats);

  mxmc_room_ids(room, &ids);
  snprintf(name, sizeof(name), "v%s: one ID per state event", v);
  tap_check(ids.n_state >= n_state, name, "%zu IDs for %zu events", ids.n_state, n_state);
  counts_start(&c);
  known = mxmc_ref_answer_ids(req, &ids);
  counts_stop(&c);
  snprintf(name, sizeof(name), "v%s %s with the expander's IDs: no state event hashed", v, type);
  /* a sequence step that is accepted gets its ID computed when the state
   * takes it: that one hash is the decision's own */
  tap_int_eq(name, strcmp(type, "sequence") == 0 && rv->event_id_format != MXM_EVENT_ID_SERVER ? 1 : 0,
             (int64_t)c.sha);
  a = mxm_json_to_string(plain, NULL);
  b = mxm_json_to_string(known, NULL);
  snprintf(name, sizeof(name), "v%s %s: the same answer with and without IDs", v, type);
  tap_str_eq(name, a, b);
  snprintf(name, sizeof(name), "v%s %s: a verdict", v, type);
  tap_check(a && strstr(a, "\"verdict\":\"allow\"") != NULL, name, "%s", a ? a : "(none)");
  free(a);
  free(b);
  mxm_json_free(&plain);
  mxm_json_free(&known);
  mxm_json_free(&req);
  mxmc_room_free(&room);
  mxm_json_free(&cs);
  mxm_json_free(&holder);
}

/* Carol sets her display name: join -> join, profile changed. */
static const char *RENAME = "{\"event\": {\"sender\": \"@carol:example.org\", \"membership\": \"join\","
                            " \"content\": {\"displayname\": \"Carol\"}}}";

static const char *or_none(const char *s)
{
  return s ? s : "(none)";
}

/* The v1.3 transition outcome of an answer, or "(none)". */
static const char *outcome(const struct mxm_json *resp)
{
  return or_none(mxm_json_string(mxm_json_get(mxm_json_get(resp, "transition"), "v1.3")));
}

static struct mxm_json *answer(struct mxmc_room *room, const struct mxm_json *req)
{
  struct mxmc_ids ids;
  mxmc_room_ids(room, &ids);
  return mxmc_ref_answer_ids(req, &ids);
}

static void test_grown_room(const char *v)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  struct mxm_json *cs = parse(STATE), *holder = parse(RENAME);
  struct mxm_json *req1 = NULL, *req2 = NULL, *ev = NULL, *a1 = NULL, *a2 = NULL, *fresh = NULL;
  struct mxmc_room *room1 = NULL, *room2 = NULL;
  struct mxm_error err;
  char *text = NULL, name[160];
  int explicit_auth = 0;

  mxmc_ref_cache_reset();
  mxm_error_clear(&err);
  room1 = mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "/state", &err);
  room2 = room1 ? mxmc_room_build(rv, MXM_SPEC_CURRENT, cs, "/state", &err) : NULL;
  if(!tap_check(room1 && room2, "rooms build", "v%s: %s", v, err.message))
    goto out;

  /* 1. Carol renames herself in room 1; the cache keeps room 1's state. */
  req1 = mxmc_request_auth(room1, holder, "", v, MXM_SPEC_CURRENT, "t1", &err);
  a1 = req1 ? answer(room1, req1) : NULL;
  snprintf(name, sizeof(name), "v%s: first rename is allowed and changes the profile", v);
  tap_check(a1 && strcmp(or_none(mxm_json_string(mxm_json_get(a1, "verdict"))), "allow") == 0 &&
                strcmp(outcome(a1), "profile_changed") == 0,
            name, "verdict %s, transition %s", or_none(mxm_json_string(mxm_json_get(a1, "verdict"))), outcome(a1));

  /* 2. Room 1 accepts the rename, as a sequence step does: its state array
   * grows by the renamed member event. */
  if(!tap_check(mxmc_room_expand_event(room1, holder, "", &ev, &text, &explicit_auth, &err) == MXM_OK && ev &&
                    mxmc_room_accept(room1, ev, &err) == MXM_OK,
                "room 1 accepts the rename", "v%s: %s", v, err.message))
    goto out;

  /* 3. The same rename in room 2, whose state holds the same event objects
   * as room 1 had before: Carol still has no display name there. */
  req2 = mxmc_request_auth(room2, holder, "", v, MXM_SPEC_CURRENT, "t2", &err);
  if(!tap_check(req2 != NULL, "request in room 2", "v%s: %s", v, err.message))
    goto out;
  a2 = answer(room2, req2);
  mxmc_ref_cache_reset();
  fresh = mxmc_ref_answer(req2); /* no cache, no known IDs: the state loaded from the request */
  snprintf(name, sizeof(name), "v%s: room 2's rename still changes the profile (cached state)", v);
  tap_str_eq(name, "profile_changed", outcome(a2));
  snprintf(name, sizeof(name), "v%s: the cached answer is the fresh answer", v);
  {
    char *x = mxm_json_to_string(a2, NULL), *y = mxm_json_to_string(fresh, NULL);
    tap_str_eq(name, y ? y : "(none)", x ? x : "(none)");
    free(x);
    free(y);
  }
out:
  free(text);
  mxm_json_free(&ev);
  mxm_json_free(&a1);
  mxm_json_free(&a2);
  mxm_json_free(&fresh);
  mxm_json_free(&req1);
  mxm_json_free(&req2);
  mxmc_room_free(&room1);
  mxmc_room_free(&room2);
  mxm_json_free(&cs);
  mxm_json_free(&holder);
  mxmc_ref_cache_reset();
}

int main(void)
{
  static const char *const versions[] = {"1", "3", "4", "10", "12"};
  size_t i;
  mxm_json_deterministic();
  for(i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
    test_version(versions[i], "auth");
    test_version(versions[i], "sequence");
    test_grown_room(versions[i]);
  }
  return tap_done();
}
