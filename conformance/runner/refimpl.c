/*
 * refimpl.c: the reference library as a backend. It answers exactly the
 * request objects of conformance/PROTOCOL.md with the response objects an
 * adapter would send, so the in-process run and mxm-ref-adapter exercise the
 * same code, and an adapter author can diff their answers against
 * `mxm-ref-adapter` line by line.
 *
 * It decides nothing itself: every verdict comes from mxm_auth_check,
 * mxm_classify, mxm_api_call or mxm_room_apply. "Cannot decide" from the
 * library becomes {"error": ...}, never a verdict.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "conform.h"

static struct mxm_json *new_response(const struct mxm_json *req)
{
  struct mxm_json *r = mxm_json_new_object();
  const struct mxm_json *id = mxm_json_get(req, "id");
  if(r && id && mxm_json_object_set(r, "id", mxm_json_copy(id)) != MXM_OK)
    mxm_json_free(&r);
  return r;
}

static int set_str(struct mxm_json *o, const char *key, const char *val)
{
  if(!val)
    return 0;
  return mxm_json_object_set(o, key, mxm_json_new_string(val)) == MXM_OK ? 0 : -1;
}

/* Turn r into an error response (or NULL on OOM). */
static struct mxm_json *error_response(struct mxm_json *r, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static struct mxm_json *error_response(struct mxm_json *r, const char *fmt, ...)
{
  char msg[600];
  va_list ap;
  if(!r)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  mxm_json_object_del(r, "verdict");
  if(set_str(r, "error", msg))
    mxm_json_free(&r);
  return r;
}

static const char *where_of(const struct mxm_error *err)
{
  return err->where[0] ? err->where : "/";
}

/* {"events": other_events + state} for mxm_state_load_json. Events of other
 * rooms (other_events) go first: the reference indexes every event it is
 * given by ID (for the auth-events rules), and the room's own events, put
 * after them, replace them as current state. NULL on OOM. */
static struct mxm_json *state_doc(const struct mxm_json *req)
{
  struct mxm_json *doc = mxm_json_new_object(), *events = mxm_json_new_array();
  const struct mxm_json *other = mxm_json_get(req, "other_events"), *state = mxm_json_get(req, "state");
  size_t i;
  if(!doc || !events)
    goto fail;
  for(i = 0; i < mxm_json_array_len(other); i++)
    if(mxm_json_array_add(events, mxm_json_ref(mxm_json_array_get(other, i))) != MXM_OK)
      goto fail;
  for(i = 0; i < mxm_json_array_len(state); i++)
    if(mxm_json_array_add(events, mxm_json_ref(mxm_json_array_get(state, i))) != MXM_OK)
      goto fail;
  if(mxm_json_object_set(doc, "events", events) != MXM_OK) {
    events = NULL;
    goto fail;
  }
  return doc;
fail:
  mxm_json_free(&doc);
  mxm_json_free(&events);
  return NULL;
}

/* Room version and spec release of a request. 0 on success; on failure an
 * error response replaces *resp and -1 is returned. */
static int request_version(const struct mxm_json *req, struct mxm_json **resp, const struct mxm_room_version **rv,
                           enum mxm_spec_release *spec)
{
  const char *rvs = mxm_json_string(mxm_json_get(req, "room_version"));
  const char *specs = mxm_json_string(mxm_json_get(req, "spec_release"));
  *rv = rvs ? mxm_room_version_find(rvs) : NULL;
  if(!*rv) {
    *resp = error_response(*resp, "unsupported room version \"%s\"", rvs ? rvs : "(missing)");
    return -1;
  }
  *spec = MXM_SPEC_CURRENT;
  if(specs && mxm_spec_parse(specs, spec) != MXM_OK) {
    *resp = error_response(*resp, "unsupported spec release \"%s\"", specs);
    return -1;
  }
  return 0;
}

/* Load the request's state (other_events, state, server_keys) into st, an
 * empty state. Known IDs (ids, may be NULL) are passed along, so those
 * events are not hashed. 0, or -1 with an error response in *resp. */
static int load_state(const struct mxm_json *req, struct mxm_json **resp, struct mxm_state *st,
                      const struct mxmc_ids *ids)
{
  struct mxm_json *doc = state_doc(req);
  struct mxm_error err;
  const char **all = NULL;
  size_t n_other = mxm_json_array_len(mxm_json_get(req, "other_events"));
  size_t n_all = 0, i;
  enum mxm_status s;
  mxm_error_clear(&err);
  if(!doc ||
     (mxm_json_get(req, "server_keys") &&
      mxm_json_object_set(doc, "server_keys", mxm_json_ref(mxm_json_get(req, "server_keys"))) != MXM_OK)) {
    mxm_json_free(&doc);
    *resp = error_response(*resp, "out of memory");
    return -1;
  }
  if(ids && (ids->n_state || ids->n_other)) {
    /* state_doc's order: other_events first, then state */
    n_all = n_other + ids->n_state;
    all = calloc(n_all ? n_all : 1, sizeof(*all));
    if(!all) {
      mxm_json_free(&doc);
      *resp = error_response(*resp, "out of memory");
      return -1;
    }
    for(i = 0; i < n_other && i < ids->n_other; i++)
      all[i] = ids->other[i];
    for(i = 0; i < ids->n_state; i++)
      all[n_other + i] = ids->state[i];
  }
  s = mxm_state_load_json_ids(st, doc, all, n_all, &err);
  free(all);
  mxm_json_free(&doc);
  if(s != MXM_OK) {
    *resp = error_response(*resp, "cannot load the state: %s: %s at %s", mxm_status_name(err.status), err.message,
                           where_of(&err));
    return -1;
  }
  return 0;
}

/* Room version, spec release and state of a request. 0 on success; on
 * failure an error response replaces *resp and -1 is returned. */
static int load_common(const struct mxm_json *req, struct mxm_json **resp, const struct mxm_room_version **rv,
                       enum mxm_spec_release *spec, struct mxm_state **st, const struct mxmc_ids *ids)
{
  *st = NULL;
  if(request_version(req, resp, rv, spec))
    return -1;
  if(mxm_state_new(*rv, st) != MXM_OK) {
    *resp = error_response(*resp, "out of memory");
    return -1;
  }
  if(load_state(req, resp, *st, ids)) {
    mxm_state_free(st);
    return -1;
  }
  return 0;
}

/* Parse the event of a request (or of a sequence step). On a parse failure
 * returns NULL and fills err (the verdict is then "invalid"). */
static struct mxm_event *parse_event(const struct mxm_json *holder, const struct mxm_room_version *rv,
                                     struct mxm_error *err)
{
  struct mxm_event *ev = NULL;
  const struct mxm_json *text = mxm_json_get(holder, "event_text");
  if(text) {
    size_t len = 0;
    const char *s = mxm_json_string_len(text, &len);
    if(!s) {
      mxm_error_set(err, MXM_E_MALFORMED, "", "event_text is not a string");
      return NULL;
    }
    if(mxm_event_parse(s, len, rv, &ev, err) != MXM_OK)
      return NULL;
    return ev;
  }
  if(!mxm_json_get(holder, "event")) {
    mxm_error_set(err, MXM_E_MALFORMED, "", "the request has neither event nor event_text");
    return NULL;
  }
  if(mxm_event_from_json(mxm_json_get(holder, "event"), rv, &ev, err) != MXM_OK)
    return NULL;
  return ev;
}

/* The target's latest member event in the request state, for the
 * profile-changed test of join -> join. */
static const struct mxm_json *state_member(const struct mxm_json *state, const char *user)
{
  size_t i = mxm_json_array_len(state);
  while(i-- > 0) {
    const struct mxm_json *e = mxm_json_array_get(state, i);
    const char *t = mxm_json_string(mxm_json_get(e, "type"));
    const char *sk = mxm_json_string(mxm_json_get(e, "state_key"));
    if(t && sk && strcmp(t, "m.room.member") == 0 && strcmp(sk, user) == 0)
      return e;
  }
  return NULL;
}

static int same_opt_string(const struct mxm_json *a, const struct mxm_json *b)
{
  const char *x = mxm_json_string(a), *y = mxm_json_string(b);
  if(!x || !y)
    return !x && !y;
  return strcmp(x, y) == 0;
}

static int profile_changed(const struct mxm_json *state, const struct mxm_event *ev)
{
  const struct mxm_json *old = state_member(state, ev->state_key);
  const struct mxm_json *oc = mxm_json_get(old, "content"), *nc = mxm_json_get(ev->json, "content");
  return !same_opt_string(mxm_json_get(oc, "displayname"), mxm_json_get(nc, "displayname")) ||
         !same_opt_string(mxm_json_get(oc, "avatar_url"), mxm_json_get(nc, "avatar_url"));
}

/* "transition": {era: outcome} for a member event with a known membership. */
static int add_transitions(struct mxm_json *resp, const struct mxm_state *st, const struct mxm_json *state,
                           const struct mxm_event *ev)
{
  struct mxm_json *tr;
  enum mxm_membership from, to;
  int self, changed;
  unsigned era;
  if(ev->kind != MXM_EVENT_MEMBER || !ev->state_key || !ev->sender)
    return 0;
  to = ev->u.member.membership;
  if(to == MXM_MEMBERSHIP_UNKNOWN || to == MXM_MEMBERSHIP_NONE)
    return 0;
  from = mxm_state_membership(st, ev->state_key);
  self = strcmp(ev->sender, ev->state_key) == 0;
  changed = profile_changed(state, ev);
  tr = mxm_json_new_object();
  if(!tr)
    return -1;
  for(era = MXM_ERA_R0; era <= MXM_ERA_V1_3; era++) {
    struct mxm_transition t;
    if(mxm_classify((enum mxm_era)era, from, to, self, changed, &t) == MXM_OK && t.outcome &&
       set_str(tr, mxm_era_name((enum mxm_era)era), t.outcome)) {
      mxm_json_free(&tr);
      return -1;
    }
  }
  return mxm_json_object_set(resp, "transition", tr) == MXM_OK ? 0 : -1;
}

static int set_verdict(struct mxm_json *r, const struct mxm_result *res)
{
  if(set_str(r, "verdict", mxm_verdict_name(res->verdict)) || set_str(r, "rule", res->rule_id) ||
     set_str(r, "reason", res->reason) || (res->where[0] && set_str(r, "where", res->where)))
    return -1;
  return 0;
}

static int set_invalid(struct mxm_json *r, const struct mxm_error *err)
{
  char reason[600];
  snprintf(reason, sizeof(reason), "%s: %s at %s", mxm_status_name(err->status), err->message, where_of(err));
  return set_str(r, "verdict", "invalid") || set_str(r, "reason", reason);
}

static struct mxm_json *answer_auth(const struct mxm_json *req, struct mxm_json *r, const struct mxmc_ids *ids)
{
  const struct mxm_room_version *rv;
  enum mxm_spec_release spec;
  struct mxm_state *st = NULL;
  struct mxm_event *ev;
  struct mxm_error err;
  struct mxm_auth_options opt;
  struct mxm_result res;
  int check = 0;
  if(load_common(req, &r, &rv, &spec, &st, ids))
    return r;
  mxm_error_clear(&err);
  ev = parse_event(req, rv, &err);
  if(!ev) {
    if(err.status == MXM_E_NOMEM || set_invalid(r, &err))
      mxm_json_free(&r);
    mxm_state_free(&st);
    return r;
  }
  mxm_auth_options_init(&opt);
  opt.spec = spec;
  (void)mxm_json_bool(mxm_json_get(req, "check_auth_events"), &check);
  opt.check_auth_events = check ? 1 : 0;
  memset(&res, 0, sizeof(res));
  if(mxm_auth_check(st, ev, &opt, &res, &err) != MXM_OK) {
    /* Malformed or too big (e.g. more than 10 auth events, or over the size
     * limit of the chosen spec release) means the event is invalid; anything
     * else means the reference cannot decide, which is an error. */
    if(err.status == MXM_E_MALFORMED || err.status == MXM_E_TOO_BIG) {
      if(set_invalid(r, &err))
        mxm_json_free(&r);
    } else
      r = error_response(r, "cannot decide: %s: %s at %s", mxm_status_name(err.status), err.message, where_of(&err));
  } else if(set_verdict(r, &res) || add_transitions(r, st, mxm_json_get(req, "state"), ev)) {
    mxm_json_free(&r);
  }
  mxm_event_free(&ev);
  mxm_state_free(&st);
  return r;
}

static struct mxm_json *answer_transition(const struct mxm_json *req, struct mxm_json *r)
{
  const char *era_s = mxm_json_string(mxm_json_get(req, "era"));
  const char *from_s = mxm_json_string(mxm_json_get(req, "from"));
  const char *to_s = mxm_json_string(mxm_json_get(req, "to"));
  int self = 0, changed = 0;
  enum mxm_era era;
  enum mxm_membership from, to;
  struct mxm_transition t;
  if(!era_s || mxm_era_parse(era_s, &era) != MXM_OK)
    return error_response(r, "unknown era \"%s\"", era_s ? era_s : "(missing)");
  from = from_s ? mxm_membership_parse(from_s) : MXM_MEMBERSHIP_UNKNOWN;
  to = to_s ? mxm_membership_parse(to_s) : MXM_MEMBERSHIP_UNKNOWN;
  (void)mxm_json_bool(mxm_json_get(req, "self"), &self);
  (void)mxm_json_bool(mxm_json_get(req, "profile_changed"), &changed);
  if(mxm_classify(era, from, to, self, changed, &t) != MXM_OK)
    return error_response(r, "cannot classify %s -> %s", from_s ? from_s : "?", to_s ? to_s : "?");
  if(set_str(r, "outcome", t.outcome) || set_str(r, "text", t.text))
    mxm_json_free(&r);
  return r;
}

static struct mxm_json *answer_api(const struct mxm_json *req, struct mxm_json *r, const struct mxmc_ids *ids)
{
  const struct mxm_room_version *rv;
  enum mxm_spec_release spec;
  struct mxm_state *st = NULL;
  const struct mxm_json *call = mxm_json_get(req, "call");
  const char *endpoint = mxm_json_string(mxm_json_get(call, "endpoint"));
  struct mxm_api_call c;
  struct mxm_api_result res;
  struct mxm_auth_options opt;
  struct mxm_error err;
  struct mxm_json *api;
  static const char *const names[] = {"?", "ok", "refused", "unspecified"};
  memset(&c, 0, sizeof(c));
  memset(&res, 0, sizeof(res));
  if(!endpoint || mxm_endpoint_parse(endpoint, &c.endpoint) != MXM_OK)
    return error_response(r, "unknown endpoint \"%s\"", endpoint ? endpoint : "(missing)");
  c.caller = mxm_json_string(mxm_json_get(call, "caller"));
  c.target = mxm_json_string(mxm_json_get(call, "target"));
  c.reason = mxm_json_string(mxm_json_get(mxm_json_get(call, "body"), "reason"));
  if(!c.caller)
    return error_response(r, "the call has no caller");
  if(load_common(req, &r, &rv, &spec, &st, ids))
    return r;
  mxm_auth_options_init(&opt);
  opt.spec = spec;
  mxm_error_clear(&err);
  if(mxm_api_call(st, &c, &opt, &res, &err) != MXM_OK) {
    mxm_state_free(&st);
    return error_response(r, "cannot decide: %s: %s at %s", mxm_status_name(err.status), err.message,
                          where_of(&err));
  }
  api = mxm_json_new_object();
  if(!api || set_str(api, "verdict", names[res.verdict <= 3 ? res.verdict : 0]) ||
     (res.verdict == MXM_API_REFUSED &&
      (mxm_json_object_set(api, "status", mxm_json_new_int(res.http_status)) != MXM_OK ||
       set_str(api, "errcode", res.errcode))) ||
     set_str(api, "reason", res.reason) || mxm_json_object_set(r, "api", api) != MXM_OK ||
     (res.has_auth && set_verdict(r, &res.auth))) {
    if(!mxm_json_get(r, "api"))
      mxm_json_free(&api);
    mxm_json_free(&r);
  }
  mxm_api_result_clear(&res);
  mxm_state_free(&st);
  return r;
}

static struct mxm_json *answer_sequence(const struct mxm_json *req, struct mxm_json *r, const struct mxmc_ids *ids)
{
  const struct mxm_room_version *rv;
  enum mxm_spec_release spec;
  struct mxm_room *room = NULL;
  struct mxm_auth_options opt;
  struct mxm_error err;
  struct mxm_json *out;
  const struct mxm_json *steps = mxm_json_get(req, "steps");
  size_t i;
  if(request_version(req, &r, &rv, &spec))
    return r;
  mxm_auth_options_init(&opt);
  opt.spec = spec;
  opt.check_auth_events = 0;
  mxm_error_clear(&err);
  if(mxm_room_new(rv, &opt, &room) != MXM_OK)
    return error_response(r, "out of memory");
  /* The state is loaded once, straight into the room the steps apply to. */
  if(load_state(req, &r, mxm_room_state_mut(room), ids)) {
    mxm_room_free(&room);
    return r;
  }
  out = mxm_json_new_array();
  if(!out || mxm_json_object_set(r, "steps", out) != MXM_OK) {
    mxm_room_free(&room);
    mxm_json_free(&r);
    return NULL;
  }
  for(i = 0; i < mxm_json_array_len(steps); i++) {
    const struct mxm_json *step = mxm_json_array_get(steps, i);
    struct mxm_json *sr = mxm_json_new_object();
    struct mxm_event *ev;
    struct mxm_apply_result ar;
    if(!sr || mxm_json_array_add(out, sr) != MXM_OK) {
      mxm_room_free(&room);
      mxm_json_free(&r);
      return NULL;
    }
    mxm_error_clear(&err);
    ev = parse_event(step, rv, &err);
    if(!ev) {
      if(set_invalid(sr, &err)) {
        mxm_room_free(&room);
        mxm_json_free(&r);
        return NULL;
      }
      continue;
    }
    memset(&ar, 0, sizeof(ar));
    if(mxm_room_apply(room, ev, &ar, &err) != MXM_OK) {
      char msg[600];
      snprintf(msg, sizeof(msg), "cannot decide: %s: %s at %s", mxm_status_name(err.status), err.message,
               where_of(&err));
      if(set_str(sr, "error", msg)) {
        mxm_room_free(&room);
        mxm_json_free(&r);
        return NULL;
      }
      continue;
    }
    if(set_verdict(sr, &ar.auth)) {
      mxm_room_free(&room);
      mxm_json_free(&r);
      return NULL;
    }
  }
  mxm_room_free(&room);
  return r;
}

struct mxm_json *mxmc_ref_answer(const struct mxm_json *req)
{
  return mxmc_ref_answer_ids(req, NULL);
}

struct mxm_json *mxmc_ref_answer_ids(const struct mxm_json *req, const struct mxmc_ids *ids)
{
  struct mxm_json *r = new_response(req);
  const char *type = mxm_json_string(mxm_json_get(req, "type"));
  if(!r)
    return NULL;
  if(mxm_json_type(req) != MXM_JSON_OBJECT)
    return error_response(r, "the request is not a JSON object");
  if(!type)
    return error_response(r, "the request has no \"type\"");
  if(strcmp(type, "auth") == 0)
    return answer_auth(req, r, ids);
  if(strcmp(type, "transition") == 0)
    return answer_transition(req, r);
  if(strcmp(type, "api") == 0)
    return answer_api(req, r, ids);
  if(strcmp(type, "sequence") == 0)
    return answer_sequence(req, r, ids);
  return error_response(r, "unknown request type \"%s\"", type);
}

void mxmc_ref_caps(struct mxmc_caps *caps)
{
  size_t n, i;
  const struct mxm_room_version *rvs = mxm_room_versions(&n);
  memset(caps, 0, sizeof(*caps));
  caps->name = mxmc_strdup("mxm reference (in process)");
  for(i = 0; i < n; i++)
    caps->room_versions |= (uint32_t)1 << rvs[i].number;
  caps->layers = MXMC_LAYER_AUTH | MXMC_LAYER_TRANSITION | MXMC_LAYER_API | MXMC_LAYER_SEQUENCE;
  caps->spec_from = MXM_SPEC_R0;
  caps->spec_to = MXM_SPEC_CURRENT;
  caps->reports_rules = 1;
}

struct mxm_json *mxmc_ref_hello(const char *name)
{
  struct mxm_json *h = mxm_json_new_object(), *rvs = mxm_json_new_array(), *layers = mxm_json_new_array(),
                  *specs = mxm_json_new_object();
  size_t n, i;
  const struct mxm_room_version *all = mxm_room_versions(&n);
  static const char *const layer_names[] = {"auth", "transition", "api", "sequence"};
  if(!h || !rvs || !layers || !specs)
    goto fail;
  for(i = 0; i < n; i++)
    if(mxm_json_array_add(rvs, mxm_json_new_string(all[i].id)) != MXM_OK)
      goto fail;
  for(i = 0; i < 4; i++)
    if(mxm_json_array_add(layers, mxm_json_new_string(layer_names[i])) != MXM_OK)
      goto fail;
  if(set_str(specs, "from", "r0") || set_str(specs, "to", mxm_spec_name(MXM_SPEC_CURRENT)))
    goto fail;
  if(mxm_json_object_set(h, "mxm_adapter", mxm_json_new_int(1)) != MXM_OK || set_str(h, "name", name))
    goto fail;
  if(mxm_json_object_set(h, "room_versions", rvs) != MXM_OK) {
    rvs = NULL;
    goto fail;
  }
  rvs = NULL;
  if(mxm_json_object_set(h, "layers", layers) != MXM_OK) {
    layers = NULL;
    goto fail;
  }
  layers = NULL;
  if(mxm_json_object_set(h, "spec_releases", specs) != MXM_OK) {
    specs = NULL;
    goto fail;
  }
  specs = NULL;
  if(mxm_json_object_set(h, "reports_rules", mxm_json_new_bool(1)) != MXM_OK)
    goto fail;
  return h;
fail:
  mxm_json_free(&h);
  mxm_json_free(&rvs);
  mxm_json_free(&layers);
  mxm_json_free(&specs);
  return NULL;
}

/* Print one JSON object as one line and flush. */
static int put_line(FILE *out, const struct mxm_json *j)
{
  size_t len = 0;
  char *s = mxm_json_to_string(j, &len);
  int rc = 0;
  if(!s)
    return -1;
  if(fwrite(s, 1, len, out) != len || fputc('\n', out) == EOF || fflush(out) != 0)
    rc = -1;
  free(s);
  return rc;
}

int mxmc_adapter_serve(FILE *in, FILE *out, const char *name, mxmc_answer_fn answer, void *ctx)
{
  struct mxm_json *hello = mxmc_ref_hello(name);
  char *line = NULL;
  size_t cap = 0;
  if(!hello || put_line(out, hello)) {
    mxm_json_free(&hello);
    return 3;
  }
  mxm_json_free(&hello);
  for(;;) {
    ssize_t n = getline(&line, &cap, in);
    struct mxm_json *req = NULL, *resp;
    struct mxm_error err;
    if(n < 0)
      break;
    while(n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if(n == 0)
      continue;
    if(mxm_json_parse(line, (size_t)n, &req, &err) != MXM_OK) {
      /* answer with an error the runner can show; it has no id to match */
      resp = mxm_json_new_object();
      if(!resp || mxm_json_object_set(resp, "id", mxm_json_new_null()) != MXM_OK ||
         mxm_json_object_set(resp, "error", mxm_json_new_string(err.message)) != MXM_OK) {
        mxm_json_free(&resp);
        free(line);
        return 3;
      }
    } else {
      resp = answer(req, ctx);
    }
    mxm_json_free(&req);
    if(!resp || put_line(out, resp)) {
      mxm_json_free(&resp);
      free(line);
      return 3;
    }
    mxm_json_free(&resp);
  }
  free(line);
  return 0;
}
