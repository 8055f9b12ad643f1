/*
 * test_state_cache.c: the in-process reference backend's state cache
 * (conformance/runner/refimpl.c, "the state cache") answers as if it had
 * loaded the request's state anew, even when the room the state came from
 * has grown since.
 *
 * The runner's rooms share their event objects (mxmc_room_build hands out
 * copies of a kept room), and a request's "state" is the room's own array,
 * which grows when a sequence step is accepted (mxmc_room_accept). A cache
 * entry that kept that array, instead of the events it held when the entry
 * was made, answered a later request with the same events from the grown
 * array: the join -> join profile test then compared the new event with
 * the accepted step instead of the member event in the request's state.
 * (Found by `mxm fuzz --seed 7`: the transition's profile flag differed
 * between the reference in process and mxm-ref-adapter.)
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "tap.h"

static struct mxm_json *parse(const char *text)
{
  struct mxm_json *j = NULL;
  if(mxm_json_parse(text, strlen(text), &j, NULL) != MXM_OK) {
    fprintf(stderr, "bad test JSON: %s\n", text);
    exit(2);
  }
  return j;
}

/* Carol is joined without a display name. */
static const char *STATE = "{\"creator\": \"@alice:example.org\","
                           " \"members\": {\"@alice:example.org\": \"join\", \"@carol:example.org\": \"join\"},"
                           " \"powerLevels\": {\"users\": {\"@alice:example.org\": 100}},"
                           " \"joinRule\": \"invite\"}";

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

static void test_version(const char *v)
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
  static const char *const versions[] = {"1", "6", "10", "12"};
  size_t i;
  mxm_json_deterministic();
  for(i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
    test_version(versions[i]);
  return tap_done();
}
