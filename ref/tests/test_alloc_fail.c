/*
 * test_alloc_fail.c: the allocation-failure loop, as SQLite's fault
 * injector runs it. For each operation of the library (parse, event
 * parsing, state building and copying, auth with signature checks, applying
 * to a room, canonical encoding, redaction, signing, the API layer) and for
 * N = 1, 2, ... until the operation passes fewer than N allocation points,
 * the N-th allocation point fails (ref/src/alloc_int.h), once ("transient")
 * and then from N on ("persistent"). Each run must either
 *   - fail cleanly: MXM_E_NOMEM, no crash, no leak (LeakSanitizer in the asan
 *     preset checks that at exit), and for operations that change a state,
 *     the state unchanged (mxm/room.h: "another status means ... nothing
 *     changed"); or
 *   - succeed with exactly the result of the run without failures (an
 *     allocation whose failure is absorbed must not change the answer).
 * The count of failure points per operation is printed (the notes quote it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "auth_fixture.h"
#include "mxm/mxm.h"
#include "tap.h"

#define OUT_MAX 8192

struct ctx;
struct op {
  const char *name;
  void (*prepare)(struct ctx *c);                /* unhooked: fresh inputs */
  enum mxm_status (*run)(struct ctx *c, char *out); /* hooked; out = the answer */
  void (*fingerprint)(struct ctx *c, char *out);  /* state the op may change; NULL = none */
  void (*cleanup)(struct ctx *c);                /* unhooked */
};

struct ctx {
  const struct mxm_room_version *rv;
  const char *text;        /* JSON input */
  struct mxm_json *json;   /* parsed input (owned) */
  struct mxm_json *work;   /* a copy the op may change (owned) */
  struct mxm_state *st;    /* a state the op reads or changes (owned) */
  struct mxm_room *room;   /* a room the op changes (owned) */
  struct mxm_event *ev;    /* an event the op takes (owned until taken) */
  const char *ev_text;     /* event JSON for prepare */
  struct mxm_api_call call;
};

static void out_cat(char *out, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void out_cat(char *out, const char *fmt, ...)
{
  size_t n = strlen(out);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out + n, OUT_MAX - n, fmt, ap);
  va_end(ap);
}

/* The answer is printed with the hook paused: only the operation itself
 * meets failures. */
static void canon_cat(char *out, const struct mxm_json *j)
{
  char *s = NULL;
  size_t n = 0;
  mxmi_alloc_pause(1);
  if(mxm_canonical_encode(j, MXM_CANON_STRICT, &s, &n, NULL) == MXM_OK)
    out_cat(out, "%.*s", (int)n, s);
  else
    out_cat(out, "<not canonical>");
  mxmi_alloc_pause(0);
  free(s);
}

/* What a state answers for the users and types these tests use. */
static const char *const fp_users[] = {"@alice:example.org", "@bob:example.org",  "@carol:example.org",
                                       "@dave:example.org",  "@eve:example.org",  "@u7:example.org",
                                       "@u30:example.org",   "@zed:example.org", NULL};
static void state_fp(const struct mxm_state *st, char *out)
{
  size_t i;
  const struct mxm_event *e;
  out_cat(out, "members=%zu", mxm_state_member_count(st));
  for(i = 0; fp_users[i]; i++) {
    const char *id = mxm_state_member_event_id(st, fp_users[i]);
    out_cat(out, " %s=%s/%s/%llx/%lld", fp_users[i], mxm_membership_name(mxm_state_membership(st, fp_users[i])),
            id ? id : "-", (unsigned long long)mxm_state_profile_hash(st, fp_users[i]),
            (long long)mxm_state_user_level(st, fp_users[i]));
  }
  e = mxm_state_power_levels(st);
  out_cat(out, " pl=%s", e ? mxm_event_id(e) : "-");
  e = mxm_state_join_rules(st);
  out_cat(out, " jr=%s", e ? mxm_event_id(e) : "-");
  for(i = 0; i < 12; i++) {
    char key[16];
    snprintf(key, sizeof(key), "k%zu", i);
    e = mxm_state_get(st, "m.room.name", key);
    out_cat(out, " %s=%s", key, e ? mxm_event_id(e) : "-");
  }
}

/* ---- operations ---- */

static enum mxm_status run_json_parse(struct ctx *c, char *out)
{
  struct mxm_json *j = NULL;
  enum mxm_status s = mxm_json_parse(c->text, strlen(c->text), &j, NULL);
  if(s == MXM_OK) {
    char *t = mxm_json_to_string(j, NULL);
    if(!t)
      s = MXM_E_NOMEM;
    else
      out_cat(out, "%s", t);
    free(t);
  }
  mxm_json_free(&j);
  return s;
}

static enum mxm_status run_json_copy(struct ctx *c, char *out)
{
  struct mxm_json *j = mxm_json_copy(c->json);
  if(!j)
    return MXM_E_NOMEM;
  canon_cat(out, j);
  mxm_json_free(&j);
  return MXM_OK;
}

static enum mxm_status run_event_parse(struct ctx *c, char *out)
{
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  enum mxm_status s = mxm_event_parse(c->text, strlen(c->text), c->rv, &ev, &err);
  if(s == MXM_OK) {
    s = mxm_event_ensure_id(ev, c->rv, &err);
    if(s == MXM_OK)
      out_cat(out, "%s %s %zu %zu", mxm_event_id(ev), ev->type, ev->n_prev_events, ev->n_auth_events);
  }
  else if(s != MXM_E_NOMEM)
    fprintf(stderr, "%s at %s\n", err.message, err.where);
  mxm_event_free(&ev);
  return s;
}

static enum mxm_status run_canonical(struct ctx *c, char *out, enum mxm_canon_mode mode)
{
  char *s = NULL;
  size_t n = 0;
  enum mxm_status st = mxm_canonical_encode(c->json, mode, &s, &n, NULL);
  if(st == MXM_OK)
    out_cat(out, "%.*s", (int)n, s);
  free(s);
  return st;
}
static enum mxm_status run_canonical_strict(struct ctx *c, char *out) { return run_canonical(c, out, MXM_CANON_STRICT); }
static enum mxm_status run_canonical_lax(struct ctx *c, char *out) { return run_canonical(c, out, MXM_CANON_LAX); }

static enum mxm_status run_redact(struct ctx *c, char *out)
{
  struct mxm_json *r = NULL;
  enum mxm_status s = mxm_redact(c->json, c->rv, &r, NULL);
  if(s == MXM_OK)
    canon_cat(out, r);
  mxm_json_free(&r);
  return s;
}

static void prep_work_copy(struct ctx *c)
{
  mxm_json_free(&c->work);
  c->work = mxm_json_copy(c->json);
}

static enum mxm_status run_sign_event(struct ctx *c, char *out)
{
  struct mxm_signing_key k;
  char id[MXM_EVENT_ID_MAX];
  enum mxm_status s;
  int valid = 0;
  if(mxm_signing_key_for_name("example.org", &k) != MXM_OK)
    return MXM_E_USAGE;
  s = mxm_sign_event(c->work, c->rv, "example.org", &k, NULL);
  if(s != MXM_OK)
    return s;
  s = mxm_compute_event_id(c->work, c->rv, id, NULL);
  if(s != MXM_OK)
    return s;
  s = mxm_verify_event_server_status(c->work, c->rv, "example.org", k.key_id, k.public_key, &valid);
  if(s != MXM_OK)
    return s;
  out_cat(out, "%s verified=%d ", id, valid);
  canon_cat(out, c->work);
  return MXM_OK;
}

static enum mxm_status run_state_load(struct ctx *c, char *out)
{
  struct mxm_state *st = NULL;
  struct mxm_error err;
  enum mxm_status s = mxm_state_new(c->rv, &st);
  if(s == MXM_OK)
    s = mxm_state_load_json(st, c->json, &err);
  if(s == MXM_OK)
    state_fp(st, out);
  mxm_state_free(&st);
  return s;
}

static void prep_event(struct ctx *c)
{
  struct mxm_error err;
  mxm_event_free(&c->ev);
  if(mxm_event_parse(c->ev_text, strlen(c->ev_text), c->rv, &c->ev, &err) != MXM_OK)
    fprintf(stderr, "prepare: %s at %s\n", err.message, err.where);
}

static enum mxm_status run_state_put(struct ctx *c, char *out)
{
  struct mxm_event *ev = c->ev;
  enum mxm_status s;
  c->ev = NULL; /* taken in every case */
  s = mxm_state_put(c->st, ev, NULL);
  if(s == MXM_OK)
    state_fp(c->st, out);
  return s;
}

static void fp_state(struct ctx *c, char *out) { state_fp(c->st, out); }
static void fp_room(struct ctx *c, char *out) { state_fp(mxm_room_state(c->room), out); }

static enum mxm_status run_auth(struct ctx *c, char *out)
{
  struct mxm_result r;
  struct mxm_error err;
  enum mxm_status s = mxm_auth_check(c->st, c->ev, NULL, &r, &err);
  if(s == MXM_OK)
    out_cat(out, "%s %s %s %s", mxm_verdict_name(r.verdict), r.rule_id, r.spec, r.where);
  return s;
}

static enum mxm_status run_room_apply(struct ctx *c, char *out)
{
  struct mxm_apply_result r;
  struct mxm_event *ev = c->ev;
  enum mxm_status s;
  c->ev = NULL;
  s = mxm_room_apply(c->room, ev, &r, NULL);
  if(s == MXM_OK) {
    out_cat(out, "%s %s accepted=%d ", mxm_verdict_name(r.auth.verdict), r.auth.rule_id, r.accepted);
    state_fp(mxm_room_state(c->room), out);
  }
  return s;
}

static enum mxm_status run_api(struct ctx *c, char *out)
{
  struct mxm_api_result r;
  struct mxm_error err;
  enum mxm_status s = mxm_api_call(c->st, &c->call, NULL, &r, &err);
  if(s == MXM_OK) {
    out_cat(out, "%d %d %s ", r.verdict, r.http_status, r.errcode ? r.errcode : "-");
    if(r.event)
      canon_cat(out, r.event);
    if(r.has_auth)
      out_cat(out, " %s %s", mxm_verdict_name(r.auth.verdict), r.auth.rule_id);
  }
  mxm_api_result_clear(&r);
  return s;
}

static enum mxm_status run_client(struct ctx *c, char *out)
{
  struct mxm_json *views = NULL;
  enum mxm_status s = mxm_client_run("@bob:example.org", MXM_SPEC_CURRENT, c->json, "/syncs", &views, NULL);
  if(s == MXM_OK)
    canon_cat(out, views);
  mxm_json_free(&views);
  return s;
}

/* ---- the loop ---- */

static unsigned long total_points;

/* One mode (persistent 0/1) of the loop over op; returns the number of
 * allocation points of the successful run. */
static unsigned long loop(const struct op *op, struct ctx *c, const char *ref_out, int persistent)
{
  static char out[OUT_MAX], before[OUT_MAX], after[OUT_MAX];
  unsigned long n;
  for(n = 1; n < 200000; n++) {
    enum mxm_status s;
    unsigned long failures, points;
    if(op->prepare)
      op->prepare(c);
    before[0] = after[0] = out[0] = '\0';
    if(op->fingerprint)
      op->fingerprint(c, before);
    mxmi_alloc_fail_at(n, persistent);
    s = op->run(c, out);
    failures = mxmi_alloc_failures();
    points = mxmi_alloc_count();
    mxmi_alloc_fail_at(0, 0);
    if(failures == 0) {
      tap_check(s == MXM_OK && strcmp(out, ref_out) == 0, op->name, "%s: no failure injected, status %s, answer %s",
                persistent ? "persistent" : "transient", mxm_status_name(s), out);
      return points;
    }
    if(s == MXM_OK) {
      if(!tap_check(strcmp(out, ref_out) == 0, op->name,
                    "%s N=%lu: succeeded despite a failed allocation, with another answer:\n  %s\nnot\n  %s",
                    persistent ? "persistent" : "transient", n, out, ref_out))
        return 0;
    }
    else {
      if(!tap_check(s == MXM_E_NOMEM, op->name, "%s N=%lu: status %s, not MXM_E_NOMEM",
                    persistent ? "persistent" : "transient", n, mxm_status_name(s)))
        return 0;
      if(op->fingerprint) {
        op->fingerprint(c, after);
        if(!tap_check(strcmp(before, after) == 0, op->name, "%s N=%lu: state changed by a failed call:\n  %s\nnot\n  %s",
                      persistent ? "persistent" : "transient", n, after, before))
          return 0;
      }
    }
    if(op->cleanup)
      op->cleanup(c);
  }
  tap_check(0, op->name, "more than %lu allocation points", n);
  return 0;
}

static void run_op(const struct op *op, struct ctx *c)
{
  static char ref_out[OUT_MAX];
  unsigned long points;
  enum mxm_status s;
  /* The reference answer, without failures (on a fresh input). */
  if(op->prepare)
    op->prepare(c);
  ref_out[0] = '\0';
  s = op->run(c, ref_out);
  if(op->cleanup)
    op->cleanup(c);
  if(!tap_check(s == MXM_OK, op->name, "fails without injected failures: %s", mxm_status_name(s)))
    return;
  points = loop(op, c, ref_out, 0);
  (void)loop(op, c, ref_out, 1);
  total_points += points;
  printf("# %-34s %4lu allocation points: %.70s\n", op->name, points, ref_out);
}

static void ctx_clear(struct ctx *c)
{
  mxm_json_free(&c->json);
  mxm_json_free(&c->work);
  mxm_state_free(&c->st);
  mxm_room_free(&c->room);
  mxm_event_free(&c->ev);
  memset(c, 0, sizeof(*c));
}

static int ctx_json(struct ctx *c, const char *rv, const char *text)
{
  memset(c, 0, sizeof(*c));
  c->rv = mxm_room_version_find(rv);
  c->text = text;
  return tap_check(c->rv && mxm_json_parse(text, strlen(text), &c->json, NULL) == MXM_OK, "fixture parses", "%s",
                   text);
}

/* ---- inputs ---- */

/* A member event with everything the walkers meet: unicode (U+10FFFF as a
 * surrogate pair), nested arrays and objects, unsigned, signatures and
 * hashes. MEMBER_LAX adds floats (accepted in v1-v5) and v1's event_id. */
#define MEMBER_HEAD                                                                                              \
  "{\"type\":\"m.room.member\",\"sender\":\"@bob:example.org\",\"state_key\":\"@bob:example.org\","              \
  "\"room_id\":\"!r:example.org\",\"origin_server_ts\":1,\"depth\":3,"                                              \
  "\"prev_events\":[\"$a\",\"$b\"],\"auth_events\":[\"$c\",\"$d\",\"$e\"],"                                           \
  "\"unsigned\":{\"age\":5},\"signatures\":{\"example.org\":{\"ed25519:1\":\"sig\"}},\"hashes\":{\"sha256\":\"h\"},"  \
  "\"content\":{\"membership\":\"join\",\"displayname\":\"B\\u00f6b \\ud83d\\ude00 \\udbff\\udfff\","               \
  "\"avatar_url\":\"mxc://x/y\",\"n\":[1,-2,null,true,false,{\"z\":{},\"a\":[]}"
static const char member_strict[] = MEMBER_HEAD "]}}";
static const char member_lax[] = MEMBER_HEAD ",3.5,-2.5e1,-1.0]},\"event_id\":\"$ev:example.org\"}";

static const char pl_v11[] =
    "{\"type\":\"m.room.power_levels\",\"sender\":\"@alice:example.org\",\"state_key\":\"\","
    "\"room_id\":\"!r:example.org\",\"origin_server_ts\":1,\"depth\":3,\"prev_events\":[],\"auth_events\":[],"
    "\"content\":{\"users\":{\"@alice:example.org\":100,\"@bob:example.org\":50},\"events\":{\"m.room.name\":60},"
    "\"notifications\":{\"room\":20},\"ban\":50,\"invite\":0,\"other\":1}}";

static const char tpi_member_v11[] =
    "{\"type\":\"m.room.member\",\"sender\":\"@alice:example.org\",\"state_key\":\"@bob:example.org\","
    "\"room_id\":\"!r:example.org\",\"origin_server_ts\":1,\"depth\":3,\"prev_events\":[],\"auth_events\":[],"
    "\"content\":{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"b\",\"signed\":"
    "{\"mxid\":\"@bob:example.org\",\"token\":\"t\",\"signatures\":{\"is\":{\"ed25519:0\":\"x\"}}}}},"
    "\"unsigned\":{\"a\":1}}";

/* A state document of n extra members and k m.room.name events (keys
 * k0..), with server keys, for room version 10. */
static char *state_doc(int members, int names)
{
  char *buf = malloc(1 << 20);
  size_t len = 0;
  int i, n = 1;
  struct mxm_signing_key k;
  char pk[64];
  if(!buf || mxm_signing_key_for_name("example.org", &k) != MXM_OK)
    return NULL;
  mxm_signing_key_public_b64(&k, pk, sizeof(pk));
#define EV(type, sender, key, content)                                                                            \
  len += (size_t)snprintf(buf + len, (1 << 20) - len,                                                             \
                          "%s{\"type\":\"%s\",\"sender\":\"%s\",\"state_key\":\"%s\",\"room_id\":\"!r:example.org\"," \
                          "\"origin_server_ts\":%d,\"depth\":%d,\"prev_events\":[],\"auth_events\":[],"          \
                          "\"content\":%s}",                                                                      \
                          n > 1 ? "," : "", type, sender, key, n, n, content);                                    \
  n++
  len += (size_t)snprintf(buf + len, (1 << 20) - len, "{\"events\":[");
  EV("m.room.create", "@alice:example.org", "", "{\"creator\":\"@alice:example.org\",\"room_version\":\"10\"}");
  EV("m.room.member", "@alice:example.org", "@alice:example.org", "{\"membership\":\"join\"}");
  EV("m.room.power_levels", "@alice:example.org", "",
     "{\"users\":{\"@alice:example.org\":100,\"@carol:example.org\":50},\"kick\":50,\"ban\":50}");
  EV("m.room.join_rules", "@alice:example.org", "", "{\"join_rule\":\"invite\"}");
  EV("m.room.member", "@carol:example.org", "@carol:example.org", "{\"membership\":\"join\",\"displayname\":\"C\"}");
  EV("m.room.member", "@alice:example.org", "@dave:example.org", "{\"membership\":\"invite\"}");
  EV("m.room.member", "@alice:example.org", "@eve:example.org", "{\"membership\":\"ban\"}");
  for(i = 0; i < members; i++) {
    char user[64];
    snprintf(user, sizeof(user), "@u%d:example.org", i);
    EV("m.room.member", user, user, "{\"membership\":\"join\"}");
  }
  for(i = 0; i < names; i++) {
    char key[16];
    snprintf(key, sizeof(key), "k%d", i);
    EV("m.room.name", "@alice:example.org", key, "{\"name\":\"n\"}");
  }
#undef EV
  snprintf(buf + len, (1 << 20) - len, "],\"server_keys\":{\"example.org\":{\"ed25519:1\":\"%s\"}}}", pk);
  return buf;
}

static int ctx_state(struct ctx *c, int members, int names)
{
  char *doc = state_doc(members, names);
  struct mxm_json *j = NULL;
  int ok;
  memset(c, 0, sizeof(*c));
  c->rv = mxm_room_version_find("10");
  ok = doc && mxm_json_parse(doc, strlen(doc), &j, NULL) == MXM_OK && mxm_state_new(c->rv, &c->st) == MXM_OK &&
       mxm_state_load_json(c->st, j, NULL) == MXM_OK;
  c->json = j;
  free(doc);
  return tap_check(ok, "state fixture", "%d members, %d names", members, names);
}

/* /sync bodies: a joined room that grows, a redaction, an invite and the join
 * that discards its stripped state. */
#define CS_MEMBER(id, user, m) \
  "{\"type\":\"m.room.member\",\"event_id\":\"" id "\",\"sender\":\"" user "\",\"state_key\":\"" user \
  "\",\"content\":{\"membership\":\"" m "\",\"displayname\":\"" user "\"},\"unsigned\":{\"prev_content\":{\"membership\":\"leave\"}}}"
static const char client_syncs[] =
    "[{\"rooms\":{\"join\":{\"!r:example.org\":{\"state\":{\"events\":["
    CS_MEMBER("$1", "@a:x", "join") "," CS_MEMBER("$2", "@b:x", "join") "," CS_MEMBER("$3", "@c:x", "join") ","
    CS_MEMBER("$4", "@d:x", "join") "," CS_MEMBER("$5", "@e:x", "join") "," CS_MEMBER("$6", "@f:x", "join") ","
    CS_MEMBER("$7", "@g:x", "join") "," CS_MEMBER("$8", "@h:x", "join") "," CS_MEMBER("$9", "@i:x", "join") "]},"
    "\"timeline\":{\"events\":[{\"type\":\"m.room.redaction\",\"event_id\":\"$r\",\"sender\":\"@a:x\",\"redacts\":\"$2\",\"content\":{}},"
    "{\"type\":\"m.room.name\",\"event_id\":\"$n\",\"sender\":\"@a:x\",\"state_key\":\"\",\"content\":{\"name\":\"N\"}}]}}}}},"
    "{\"rooms\":{\"invite\":{\"!i:example.org\":{\"invite_state\":{\"events\":[{\"type\":\"m.room.name\",\"state_key\":\"\","
    "\"sender\":\"@a:x\",\"content\":{\"name\":\"I\"}},{\"type\":\"m.room.member\",\"state_key\":\"@a:x\",\"sender\":\"@a:x\","
    "\"content\":{\"membership\":\"join\"}}]}}}}},"
    "{\"rooms\":{\"join\":{\"!i:example.org\":{\"timeline\":{\"events\":[" CS_MEMBER("$j", "@bob:example.org", "join") "]}}}}}]";

static const char join_bob[] =
    "{\"type\":\"m.room.member\",\"sender\":\"@bob:example.org\",\"state_key\":\"@bob:example.org\","
    "\"room_id\":\"!r:example.org\",\"origin_server_ts\":99,\"depth\":99,\"prev_events\":[\"$p\"],"
    "\"auth_events\":[],\"content\":{\"membership\":\"join\"}}";
static const char invite_zed[] =
    "{\"type\":\"m.room.member\",\"sender\":\"@alice:example.org\",\"state_key\":\"@zed:example.org\","
    "\"room_id\":\"!r:example.org\",\"origin_server_ts\":99,\"depth\":99,\"prev_events\":[\"$p\"],"
    "\"auth_events\":[],\"content\":{\"membership\":\"invite\"}}";
static const char name_k11[] =
    "{\"type\":\"m.room.name\",\"sender\":\"@alice:example.org\",\"state_key\":\"k11\","
    "\"room_id\":\"!r:example.org\",\"origin_server_ts\":99,\"depth\":99,\"prev_events\":[\"$p\"],"
    "\"auth_events\":[],\"content\":{\"name\":\"x\"}}";

/* A restricted join (v10) authorised by carol, signed by example.org: auth
 * must redact, encode and verify. */
static char *restricted_join(void)
{
  static const char text[] =
      "{\"type\":\"m.room.member\",\"sender\":\"@bob:other.org\",\"state_key\":\"@bob:other.org\","
      "\"room_id\":\"!r:example.org\",\"origin_server_ts\":99,\"depth\":99,\"prev_events\":[\"$p\"],"
      "\"auth_events\":[],\"content\":{\"membership\":\"join\","
      "\"join_authorised_via_users_server\":\"@carol:example.org\"}}";
  struct mxm_json *j = NULL;
  struct mxm_signing_key k;
  char *out = NULL;
  if(mxm_json_parse(text, strlen(text), &j, NULL) == MXM_OK && mxm_signing_key_for_name("example.org", &k) == MXM_OK &&
     mxm_sign_event(j, mxm_room_version_find("10"), "example.org", &k, NULL) == MXM_OK)
    out = mxm_json_to_string(j, NULL);
  mxm_json_free(&j);
  return out;
}

/* A third-party invite (v10) whose signed object is signed by the identity
 * server key is1, and the m.room.third_party_invite with that key. */
static char *tpi_invite(void)
{
  static const char head[] =
      "{\"type\":\"m.room.member\",\"sender\":\"@alice:example.org\",\"state_key\":\"@bob:example.org\","
      "\"room_id\":\"!r:example.org\",\"origin_server_ts\":99,\"depth\":99,\"prev_events\":[\"$p\"],"
      "\"auth_events\":[],\"content\":{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"b\","
      "\"signed\":";
  static const char sgn[] = "{\"mxid\":\"@bob:example.org\",\"sender\":\"@alice:example.org\",\"token\":\"tok1\"}";
  struct mxm_json *j = NULL;
  struct mxm_signing_key k;
  char *signed_text = NULL, *out = NULL;
  if(mxm_json_parse(sgn, strlen(sgn), &j, NULL) == MXM_OK && mxm_signing_key_for_name("is1", &k) == MXM_OK &&
     mxm_sign_json(j, "is.example.org", &k, NULL) == MXM_OK)
    signed_text = mxm_json_to_string(j, NULL);
  mxm_json_free(&j);
  if(signed_text && (out = malloc(strlen(head) + strlen(signed_text) + 8)) != NULL)
    sprintf(out, "%s%s}}}", head, signed_text);
  free(signed_text);
  return out;
}

static int put_tpi_event(struct mxm_state *st)
{
  char text[1024], pk[64];
  struct mxm_signing_key k;
  struct mxm_event *ev = NULL;
  if(mxm_signing_key_for_name("is1", &k) != MXM_OK)
    return 0;
  mxm_signing_key_public_b64(&k, pk, sizeof(pk));
  snprintf(text, sizeof(text),
           "{\"type\":\"m.room.third_party_invite\",\"sender\":\"@alice:example.org\",\"state_key\":\"tok1\","
           "\"room_id\":\"!r:example.org\",\"origin_server_ts\":9,\"depth\":9,\"prev_events\":[],\"auth_events\":[],"
           "\"content\":{\"display_name\":\"b\",\"key_validity_url\":\"https://is/v\",\"public_key\":\"%s\","
           "\"public_keys\":[{\"public_key\":\"%s\"}]}}",
           pk, pk);
  return mxm_event_parse(text, strlen(text), mxm_room_version_find("10"), &ev, NULL) == MXM_OK &&
         mxm_state_put(st, ev, NULL) == MXM_OK;
}

int main(void)
{
  struct ctx c;
  static const struct op op_parse = {"json parse + print", NULL, run_json_parse, NULL, NULL};
  static const struct op op_copy = {"json deep copy", NULL, run_json_copy, NULL, NULL};
  static const struct op op_event = {"event parse + ID", NULL, run_event_parse, NULL, NULL};
  static const struct op op_strict = {"canonical JSON (strict)", NULL, run_canonical_strict, NULL, NULL};
  static const struct op op_lax = {"canonical JSON (lax)", NULL, run_canonical_lax, NULL, NULL};
  static const struct op op_redact = {"redaction", NULL, run_redact, NULL, NULL};
  static const struct op op_sign = {"sign event + event ID + verify", prep_work_copy, run_sign_event, NULL, NULL};
  static const struct op op_load = {"state load (events + server keys)", NULL, run_state_load, NULL, NULL};
  static const struct op op_put = {"state put", prep_event, run_state_put, fp_state, NULL};
  static const struct op op_auth = {"auth check", prep_event, run_auth, NULL, NULL};
  static const struct op op_apply = {"room apply", prep_event, run_room_apply, fp_room, NULL};
  static const struct op op_api = {"API call (built event + auth)", NULL, run_api, NULL, NULL};
  static const struct op op_client = {"client view (syncs, redaction, stripped state)", NULL, run_client, NULL, NULL};
  const char *versions[] = {"1", "3", "10", "11", "12"};
  const char *texts[] = {member_lax, member_lax, member_strict, member_strict, member_strict};
  size_t i;
  char *rj;
  int members;

  mxm_json_deterministic();

  /* Parsing, copying, event parsing (v12: the ID is the reference hash). */
  for(i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
    if(ctx_json(&c, versions[i], texts[i])) {
      run_op(&op_event, &c);
      run_op(&op_redact, &c);
      run_op(&op_sign, &c);
    }
    ctx_clear(&c);
  }
  if(ctx_json(&c, "11", pl_v11)) {
    run_op(&op_parse, &c);
    run_op(&op_event, &c);
    run_op(&op_redact, &c);
  }
  ctx_clear(&c);
  if(ctx_json(&c, "11", tpi_member_v11)) {
    run_op(&op_redact, &c);
    run_op(&op_event, &c);
  }
  ctx_clear(&c);
  if(ctx_json(&c, "10", member_strict)) {
    run_op(&op_parse, &c);
    run_op(&op_copy, &c);
    run_op(&op_strict, &c);
  }
  ctx_clear(&c);
  if(ctx_json(&c, "3", member_lax)) {
    run_op(&op_parse, &c);
    run_op(&op_lax, &c);
  }
  ctx_clear(&c);

  if(ctx_json(&c, "10", client_syncs))
    run_op(&op_client, &c);
  ctx_clear(&c);

  /* State building, with tables that grow. */
  if(ctx_state(&c, 20, 12)) {
    run_op(&op_load, &c);
  }
  ctx_clear(&c);

  /* Put and apply at every size from 0 to 40 extra members, so each put
   * meets a table at its growth threshold at some size. */
  for(members = 0; members <= 40; members++) {
    if(!ctx_state(&c, members, members % 13)) {
      ctx_clear(&c);
      break;
    }
    c.ev_text = members % 2 ? join_bob : name_k11;
    run_op(&op_put, &c);
    mxm_state_free(&c.st);
    ctx_clear(&c);
    if(!ctx_state(&c, members, 0))
      break;
    if(mxm_room_new(c.rv, NULL, &c.room) != MXM_OK || mxm_state_load_json(mxm_room_state_mut(c.room), c.json, NULL))
      tap_check(0, "room fixture", "%d members", members);
    else {
      c.ev_text = invite_zed;
      run_op(&op_apply, &c);
    }
    ctx_clear(&c);
  }

  /* Auth: an ordinary join, and a restricted join whose authoriser
   * signature must be checked (redaction, canonical JSON, verification). */
  rj = restricted_join();
  if(ctx_state(&c, 3, 0)) {
    c.ev_text = join_bob;
    run_op(&op_auth, &c);
    if(tap_check(rj != NULL, "restricted join fixture", "signing failed")) {
      c.ev_text = rj;
      run_op(&op_auth, &c);
    }
    c.call.endpoint = MXM_API_INVITE;
    c.call.caller = "@alice:example.org";
    c.call.target = "@zed:example.org";
    c.call.reason = "welcome";
    run_op(&op_api, &c);
    c.call.endpoint = MXM_API_KICK;
    c.call.target = "@carol:example.org";
    run_op(&op_api, &c);
  }
  ctx_clear(&c);
  free(rj);
  /* A third-party invite: the signed object's canonical form and the
   * token event's keys. */
  rj = tpi_invite();
  if(ctx_state(&c, 3, 0) && tap_check(rj && put_tpi_event(c.st), "third-party invite fixture", "build failed")) {
    c.ev_text = rj;
    run_op(&op_auth, &c);
  }
  ctx_clear(&c);
  free(rj);

  printf("# %lu allocation points in all (transient mode)\n", total_points);
  return tap_done();
}
