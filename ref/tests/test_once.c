/*
 * test_once.c: within one decision the library hashes and verifies each
 * thing once. Verifying a signature, or computing a hash, twice over the
 * same bytes in one decision is a bug (it is only waste, but waste that
 * hid for a long time: mxm_room_apply hashed a join -> join event twice).
 *
 * Method: sign_int.h's trace hook reports every SHA-256 over event bytes,
 * every Ed25519 verification and every signature the library makes, with
 * the bytes. Each check runs one operation with the hook on and asserts
 * that no (operation, bytes, key/signature) repeats, and how many of each
 * there are, so that a decision that does the work twice, or skips it,
 * fails.
 *
 * Also: mxm_event_set_id and mxm_state_load_json_ids, which let a caller
 * that already computed an event's ID pass it along (nothing is hashed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/mxm.h"
#include "sign_int.h"
#include "tap.h"

#define ROOM "!r:example.org"

/* ---- the recorder ---- */

struct op {
  enum mxmi_crypto_op op;
  unsigned char *data; /* data + extra, owned */
  size_t len;
};

struct recorder {
  struct op ops[256];
  size_t n;
  size_t dropped;
};

static void record(enum mxmi_crypto_op op, const unsigned char *data, size_t len, const unsigned char *extra,
                   size_t extra_len, void *ctx)
{
  struct recorder *r = ctx;
  struct op *o;
  if(r->n == sizeof(r->ops) / sizeof(r->ops[0])) {
    r->dropped++;
    return;
  }
  o = &r->ops[r->n];
  o->data = malloc(len + extra_len + 1);
  if(!o->data) {
    r->dropped++;
    return;
  }
  if(len)
    memcpy(o->data, data, len);
  if(extra_len)
    memcpy(o->data + len, extra, extra_len);
  o->len = len + extra_len;
  o->op = op;
  r->n++;
}

static void rec_start(struct recorder *r)
{
  memset(r, 0, sizeof(*r));
  mxmi_crypto_trace_set(record, r);
}

static void rec_stop(struct recorder *r)
{
  size_t i;
  mxmi_crypto_trace_set(NULL, NULL);
  for(i = 0; i < r->n; i++)
    free(r->ops[i].data);
}

static size_t rec_count(const struct recorder *r, enum mxmi_crypto_op op)
{
  size_t i, n = 0;
  for(i = 0; i < r->n; i++)
    n += r->ops[i].op == op;
  return n;
}

/* Number of operations that repeat an earlier one (same op, same bytes). */
static size_t rec_repeats(const struct recorder *r)
{
  size_t i, j, n = 0;
  for(i = 0; i < r->n; i++)
    for(j = 0; j < i; j++)
      if(r->ops[i].op == r->ops[j].op && r->ops[i].len == r->ops[j].len &&
         memcmp(r->ops[i].data, r->ops[j].data, r->ops[i].len) == 0) {
        n++;
        break;
      }
  return n + r->dropped;
}

/* ---- fixtures ---- */

static const char *pk_b64(const char *name)
{
  static char buf[64];
  struct mxm_signing_key k;
  if(mxm_signing_key_for_name(name, &k) != MXM_OK)
    return "";
  mxm_signing_key_public_b64(&k, buf, sizeof(buf));
  return buf;
}

/* A v10 room state of federation-form events (no event_id: every ID is a
 * reference hash): alice created it and is joined with PL 100, carol is
 * joined, join rule restricted; example.org's key; a third-party invite
 * with token tok1 whose keys are is1 and is2. */
static char *state_text(void)
{
  static char buf[8192];
  char is1[64], is2[64];
  snprintf(is1, sizeof(is1), "%s", pk_b64("is1"));
  snprintf(is2, sizeof(is2), "%s", pk_b64("is2"));
  snprintf(buf, sizeof(buf),
           "{\"events\":["
           "{\"type\":\"m.room.create\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM
           "\",\"depth\":1,\"content\":{\"creator\":\"@alice:example.org\",\"room_version\":\"10\"}},"
           "{\"type\":\"m.room.member\",\"state_key\":\"@alice:example.org\",\"sender\":\"@alice:example.org\","
           "\"room_id\":\"" ROOM "\",\"depth\":2,\"content\":{\"membership\":\"join\"}},"
           "{\"type\":\"m.room.power_levels\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM
           "\",\"depth\":3,\"content\":{\"users\":{\"@alice:example.org\":100}}},"
           "{\"type\":\"m.room.join_rules\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM
           "\",\"depth\":4,\"content\":{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\","
           "\"room_id\":\"!o:example.org\"}]}},"
           "{\"type\":\"m.room.member\",\"state_key\":\"@carol:example.org\",\"sender\":\"@carol:example.org\","
           "\"room_id\":\"" ROOM "\",\"depth\":5,\"content\":{\"membership\":\"join\",\"displayname\":\"C\"}},"
           "{\"type\":\"m.room.third_party_invite\",\"state_key\":\"tok1\",\"sender\":\"@alice:example.org\","
           "\"room_id\":\"" ROOM "\",\"depth\":6,\"content\":{\"display_name\":\"b\",\"public_key\":\"%s\","
           "\"public_keys\":[{\"public_key\":\"%s\"}]}}"
           "],\"server_keys\":{\"example.org\":{\"ed25519:1\":\"%s\"}}}",
           is1, is2, pk_b64("example.org"));
  return buf;
}
#define N_STATE 6

static struct mxm_state *load(const char *const *ids, size_t n_ids, struct recorder *rec)
{
  const char *text = state_text();
  struct mxm_json *doc = NULL;
  struct mxm_state *st = NULL;
  struct mxm_error err;
  mxm_error_clear(&err);
  if(mxm_json_parse(text, strlen(text), &doc, &err) != MXM_OK ||
     mxm_state_new(mxm_room_version_find("10"), &st) != MXM_OK) {
    tap_check(0, "state fixture parses", "%s", err.message);
    mxm_json_free(&doc);
    return NULL;
  }
  if(rec)
    rec_start(rec);
  if(mxm_state_load_json_ids(st, doc, ids, n_ids, &err) != MXM_OK) {
    tap_check(0, "state fixture loads", "%s at %s", err.message, err.where);
    mxm_state_free(&st);
  }
  mxm_json_free(&doc);
  return st;
}

/* The event in text for v10, signed by example.org when sign is set. */
static struct mxm_event *event(const char *text, int sign)
{
  const struct mxm_room_version *rv = mxm_room_version_find("10");
  struct mxm_json *j = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_signing_key k;
  struct mxm_error err;
  mxm_error_clear(&err);
  if(mxm_json_parse(text, strlen(text), &j, &err) != MXM_OK ||
     (sign && (mxm_signing_key_for_name("example.org", &k) != MXM_OK ||
               mxm_sign_event(j, rv, "example.org", &k, &err) != MXM_OK)) ||
     mxm_event_from_json(j, rv, &ev, &err) != MXM_OK)
    tap_check(0, "event fixture", "%s at %s: %s", err.message, err.where, text);
  mxm_json_free(&j);
  return ev;
}

#define RESTRICTED_JOIN                                                                                     \
  "{\"type\":\"m.room.member\",\"state_key\":\"@dave:example.org\",\"sender\":\"@dave:example.org\","        \
  "\"room_id\":\"" ROOM "\",\"depth\":7,\"auth_events\":[],\"prev_events\":[],\"content\":{\"membership\":" \
  "\"join\",\"join_authorised_via_users_server\":\"@alice:example.org\"}}"

/* ---- checks ---- */

/* Loading: each state event's ID is hashed once, and with known IDs not
 * at all (and the index still finds them). */
static void test_load(void)
{
  struct recorder rec;
  struct mxm_state *st = load(NULL, 0, &rec);
  char ids[N_STATE][MXM_EVENT_ID_MAX];
  const char *idv[N_STATE];
  const char *type = NULL;
  size_t i;
  tap_int_eq("load: one reference hash per event", N_STATE, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
  tap_int_eq("load: no hash twice", 0, (int64_t)rec_repeats(&rec));
  tap_int_eq("load: nothing verified", 0, (int64_t)rec_count(&rec, MXMI_OP_VERIFY));
  rec_stop(&rec);
  mxm_state_free(&st);

  /* the IDs, as a caller that built the events would know them */
  {
    const char *text = state_text();
    struct mxm_json *doc = NULL;
    if(mxm_json_parse(text, strlen(text), &doc, NULL) != MXM_OK)
      return;
    for(i = 0; i < N_STATE; i++) {
      if(mxm_compute_event_id(mxm_json_array_get(mxm_json_get(doc, "events"), i), mxm_room_version_find("10"), ids[i],
                              NULL) != MXM_OK)
        ids[i][0] = '\0';
      idv[i] = ids[i];
    }
    mxm_json_free(&doc);
  }
  st = load(idv, N_STATE, &rec);
  tap_int_eq("load with known IDs: nothing hashed", 0, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
  rec_stop(&rec);
  for(i = 0; st && i < N_STATE; i++)
    tap_check(mxm_state_event_by_id(st, ids[i], &type, NULL, NULL), "load with known IDs: indexed", "%s", ids[i]);
  tap_str_eq("load with known IDs: the member event's ID", ids[1],
             st ? mxm_state_member_event_id(st, "@alice:example.org") : NULL);
  mxm_state_free(&st);

  /* part of the IDs known: the others are computed, and the same */
  idv[2] = NULL;
  st = load(idv, 3, &rec);
  tap_int_eq("load with 2 of 6 IDs known: 4 hashed", N_STATE - 2, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
  rec_stop(&rec);
  tap_check(st && mxm_state_event_by_id(st, ids[2], &type, NULL, NULL) && strcmp(type, "m.room.power_levels") == 0,
            "load with some IDs: the computed one is indexed", "%s", ids[2]);
  mxm_state_free(&st);
}

/* mxm_auth_check of a restricted join: rule 4.2 verifies the authoriser's
 * server signature once; nothing is hashed (a decision needs no ID). */
static void test_auth_check(void)
{
  struct mxm_state *st = load(NULL, 0, NULL);
  struct mxm_event *ev = event(RESTRICTED_JOIN, 1);
  struct recorder rec;
  struct mxm_result res;
  struct mxm_error err;
  if(!st || !ev)
    goto done;
  rec_start(&rec);
  tap_int_eq("restricted join decides", MXM_OK, mxm_auth_check(st, ev, NULL, &res, &err));
  tap_str_eq("restricted join is allowed", "member.join.restricted.allow", res.rule_id);
  tap_int_eq("restricted join: one verification", 1, (int64_t)rec_count(&rec, MXMI_OP_VERIFY));
  tap_int_eq("restricted join: nothing hashed", 0, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
  tap_int_eq("restricted join: nothing repeated", 0, (int64_t)rec_repeats(&rec));
  rec_stop(&rec);
done:
  mxm_event_free(&ev);
  mxm_state_free(&st);
}

/* mxm_room_apply: the accepted event's ID is hashed once. Join -> join
 * with a new displayname used to hash it twice (once to compare profiles,
 * through a scratch state, once when the state took it). */
static void test_room_apply(void)
{
  static const struct {
    const char *name, *text;
    int sign;
    size_t verify, sha;
  } cases[] = {
    {"join -> join, new displayname",
     "{\"type\":\"m.room.member\",\"state_key\":\"@carol:example.org\",\"sender\":\"@carol:example.org\","
     "\"room_id\":\"" ROOM "\",\"depth\":7,\"content\":{\"membership\":\"join\",\"displayname\":\"Carol\"}}",
     0, 0, 1},
    {"restricted join", RESTRICTED_JOIN, 1, 1, 1},
    {"rejected kick (no hash needed)",
     "{\"type\":\"m.room.member\",\"state_key\":\"@alice:example.org\",\"sender\":\"@carol:example.org\","
     "\"room_id\":\"" ROOM "\",\"depth\":7,\"content\":{\"membership\":\"leave\"}}",
     0, 0, 0},
  };
  size_t i;
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mxm_room *room = NULL;
    struct mxm_apply_result ar;
    struct mxm_error err;
    struct mxm_json *doc = NULL;
    struct mxm_event *ev = event(cases[i].text, cases[i].sign);
    struct recorder rec;
    char name[160];
    const char *text = state_text();
    if(!ev || mxm_room_new(mxm_room_version_find("10"), NULL, &room) != MXM_OK ||
       mxm_json_parse(text, strlen(text), &doc, &err) != MXM_OK ||
       mxm_state_load_json(mxm_room_state_mut(room), doc, &err) != MXM_OK) {
      tap_check(0, cases[i].name, "fixture");
      mxm_event_free(&ev);
      mxm_json_free(&doc);
      mxm_room_free(&room);
      continue;
    }
    mxm_json_free(&doc);
    rec_start(&rec);
    snprintf(name, sizeof(name), "apply %s", cases[i].name);
    tap_int_eq(name, MXM_OK, mxm_room_apply(room, ev, &ar, &err));
    snprintf(name, sizeof(name), "apply %s: verifications", cases[i].name);
    tap_int_eq(name, (int64_t)cases[i].verify, (int64_t)rec_count(&rec, MXMI_OP_VERIFY));
    snprintf(name, sizeof(name), "apply %s: hashes", cases[i].name);
    tap_int_eq(name, (int64_t)cases[i].sha, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
    snprintf(name, sizeof(name), "apply %s: nothing repeated", cases[i].name);
    tap_int_eq(name, 0, (int64_t)rec_repeats(&rec));
    rec_stop(&rec);
    snprintf(name, sizeof(name), "apply %s: accepted as expected", cases[i].name);
    tap_int_eq(name, cases[i].sha ? 1 : 0, ar.accepted);
    if(i == 0)
      tap_str_eq("join -> join with a new displayname is a profile change", "profile_changed",
                 ar.transition[MXM_ERA_V1_3].outcome);
    mxm_room_free(&room);
  }
}

/* A third-party invite whose signed has two signatures (is1 and is2) and
 * whose token event has two keys: every (signature, key) pair is tried at
 * most once, and the search stops at the first that verifies. */
static void test_tpi(void)
{
  struct mxm_state *st = load(NULL, 0, NULL);
  struct mxm_json *sgn = NULL, *ev_json = NULL, *content, *tpi;
  struct mxm_event *ev = NULL;
  struct mxm_signing_key k1, k2;
  struct recorder rec;
  struct mxm_result res;
  struct mxm_error err;
  const char *s = "{\"mxid\":\"@bob:example.org\",\"sender\":\"@alice:example.org\",\"token\":\"tok1\"}";
  const char *e = "{\"type\":\"m.room.member\",\"state_key\":\"@bob:example.org\",\"sender\":\"@alice:example.org\","
                  "\"room_id\":\"" ROOM "\",\"depth\":7,\"content\":{\"membership\":\"invite\"}}";
  if(!st || mxm_signing_key_for_name("is1", &k1) != MXM_OK || mxm_signing_key_for_name("is2", &k2) != MXM_OK ||
     mxm_json_parse(s, strlen(s), &sgn, NULL) != MXM_OK || mxm_json_parse(e, strlen(e), &ev_json, NULL) != MXM_OK ||
     mxm_sign_json(sgn, "is2.example", &k2, NULL) != MXM_OK || mxm_sign_json(sgn, "is1.example", &k1, NULL) != MXM_OK) {
    tap_check(0, "3pid fixture", "builds");
    goto done;
  }
  content = mxm_json_get_mut(ev_json, "content");
  tpi = mxm_json_new_object();
  if(mxm_json_object_set(tpi, "signed", sgn) != MXM_OK || mxm_json_object_set(content, "third_party_invite", tpi) != MXM_OK) {
    sgn = NULL;
    tap_check(0, "3pid fixture", "assembles");
    goto done;
  }
  sgn = NULL;
  if(mxm_event_from_json(ev_json, mxm_room_version_find("10"), &ev, &err) != MXM_OK)
    goto done;
  rec_start(&rec);
  tap_int_eq("3pid invite decides", MXM_OK, mxm_auth_check(st, ev, NULL, &res, &err));
  tap_str_eq("3pid invite is allowed", "member.invite.3pid.allow", res.rule_id);
  tap_check(rec_count(&rec, MXMI_OP_VERIFY) >= 1 && rec_count(&rec, MXMI_OP_VERIFY) <= 4,
            "3pid invite: between 1 and 4 (signature, key) pairs tried", "%zu", rec_count(&rec, MXMI_OP_VERIFY));
  tap_int_eq("3pid invite: no pair tried twice", 0, (int64_t)rec_repeats(&rec));
  tap_int_eq("3pid invite: nothing hashed", 0, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
  rec_stop(&rec);
done:
  mxm_json_free(&sgn);
  mxm_json_free(&ev_json);
  mxm_event_free(&ev);
  mxm_state_free(&st);
}

/* mxm_event_set_id: a known ID is used as is; bad forms are refused; an
 * event that carries event_id keeps it. */
static void test_set_id(void)
{
  struct mxm_state *st = load(NULL, 0, NULL);
  struct mxm_event *ev = event("{\"type\":\"m.room.member\",\"state_key\":\"@erin:example.org\","
                               "\"sender\":\"@erin:example.org\",\"room_id\":\"" ROOM "\",\"content\":"
                               "{\"membership\":\"join\"}}",
                               0);
  struct mxm_event *given = event("{\"type\":\"m.room.topic\",\"state_key\":\"\",\"event_id\":\"$given\","
                                  "\"sender\":\"@erin:example.org\",\"room_id\":\"" ROOM "\",\"content\":{}}",
                                  0);
  struct recorder rec;
  struct mxm_error err;
  char long_id[MXM_EVENT_ID_MAX + 1];
  const char *type = NULL;
  memset(long_id, 'a', sizeof(long_id));
  long_id[0] = '$';
  long_id[MXM_EVENT_ID_MAX] = '\0';
  if(!st || !ev || !given)
    goto done;
  tap_int_eq("set_id: no $", MXM_E_MALFORMED, mxm_event_set_id(ev, "abc", &err));
  tap_int_eq("set_id: only $", MXM_E_MALFORMED, mxm_event_set_id(ev, "$", &err));
  tap_int_eq("set_id: 64 bytes", MXM_E_MALFORMED, mxm_event_set_id(ev, long_id, &err));
  long_id[MXM_EVENT_ID_MAX - 1] = '\0';
  tap_int_eq("set_id: 63 bytes", MXM_OK, mxm_event_set_id(ev, long_id, &err));
  tap_int_eq("set_id: NULL id", MXM_E_USAGE, mxm_event_set_id(ev, NULL, &err));
  tap_int_eq("set_id: NULL event", MXM_E_USAGE, mxm_event_set_id(NULL, "$x", &err));
  tap_int_eq("set_id: again", MXM_OK, mxm_event_set_id(ev, "$known", &err));
  tap_str_eq("set_id: mxm_event_id gives it", "$known", mxm_event_id(ev));
  tap_int_eq("set_id: the carried event_id again", MXM_OK, mxm_event_set_id(given, "$given", &err));
  tap_int_eq("set_id: another ID than the carried event_id", MXM_E_USAGE, mxm_event_set_id(given, "$other", &err));
  tap_str_eq("set_id: the carried event_id stays", "$given", mxm_event_id(given));
  rec_start(&rec);
  tap_int_eq("put with a known ID", MXM_OK, mxm_state_put(st, ev, &err));
  ev = NULL;
  tap_int_eq("put with a known ID: nothing hashed", 0, (int64_t)rec_count(&rec, MXMI_OP_SHA256));
  rec_stop(&rec);
  tap_check(mxm_state_event_by_id(st, "$known", &type, NULL, NULL) && strcmp(type, "m.room.member") == 0,
            "put with a known ID: indexed under it", "%s", type ? type : "(none)");
  tap_str_eq("put with a known ID: the member's event", "$known", mxm_state_member_event_id(st, "@erin:example.org"));
done:
  mxm_event_free(&ev);
  mxm_event_free(&given);
  mxm_state_free(&st);
}

int main(void)
{
  test_load();
  test_auth_check();
  test_room_apply();
  test_tpi();
  test_set_id();
  return tap_done();
}
