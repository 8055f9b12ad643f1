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

/* Bounds of the events' sizes as canonical JSON, known from their text (the
 * adapter's fast path): state[i] of the i-th state event, other[i] of the
 * i-th other event, each of n_state / n_other. */
struct size_bounds {
  const size_t *state, *other;
  size_t n_state, n_other;
};

/* Load the request's state (other_events, state, server_keys) into st, an
 * empty state. Known IDs (ids, may be NULL) are passed along, so those
 * events are not hashed, and so are known size bounds (sb, may be NULL), so
 * those events are not measured. 0, or -1 with an error response in *resp. */
static int load_state(const struct mxm_json *req, struct mxm_json **resp, struct mxm_state *st,
                      const struct mxmc_ids *ids, const struct size_bounds *sb)
{
  struct mxm_json *doc = state_doc(req);
  struct mxm_error err;
  const char **all = NULL;
  size_t *bounds = NULL;
  size_t n_other = mxm_json_array_len(mxm_json_get(req, "other_events"));
  size_t n_state = mxm_json_array_len(mxm_json_get(req, "state"));
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
  if(sb) {
    size_t n_b = n_other + n_state;
    bounds = calloc(n_b ? n_b : 1, sizeof(*bounds)); /* 0: unknown */
    if(!bounds) {
      free(all);
      mxm_json_free(&doc);
      *resp = error_response(*resp, "out of memory");
      return -1;
    }
    for(i = 0; i < n_other && i < sb->n_other; i++)
      bounds[i] = sb->other[i];
    for(i = 0; i < n_state && i < sb->n_state; i++)
      bounds[n_other + i] = sb->state[i];
    if(n_b > n_all) {
      /* ids and bounds are read with one length */
      const char **wide = calloc(n_b, sizeof(*wide));
      if(!wide) {
        free(all);
        free(bounds);
        mxm_json_free(&doc);
        *resp = error_response(*resp, "out of memory");
        return -1;
      }
      for(i = 0; all && i < n_all; i++)
        wide[i] = all[i];
      free(all);
      all = wide;
      n_all = n_b;
    }
  }
  s = mxm_state_load_json_bounds(st, doc, all, bounds, n_all, &err);
  free(all);
  free(bounds);
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
  if(load_state(req, resp, *st, ids, NULL)) {
    mxm_state_free(st);
    return -1;
  }
  return 0;
}

/* ---- the state cache ----
 *
 * Consecutive requests often carry the same state: the runner sends each
 * case of a group in every room version, so the same (state, room version)
 * comes back every dozen requests or so. Loading a state (parsing its
 * events, hashing their IDs) is most of an answer's cost, so the reference
 * keeps the STATE_CACHE most recently used states, keyed by what they were
 * loaded from, compared in full:
 *   - through the adapter protocol (mxmc_ref_serve): the room version and
 *     the bytes of the request line's "state", "other_events" and
 *     "server_keys" values; a request whose bytes match is answered against
 *     the kept state without parsing those values at all;
 *   - in process, when the runner says its events never change
 *     (mxmc_ids.events_fixed): the room version, the addresses of the event
 *     objects (the entry holds a reference to each, so no other object can
 *     take an address while it is kept) and the serialised server_keys. The
 *     entry keeps its own list of the state's events, not the request's
 *     array: a room's array grows as a sequence accepts steps.
 * Only auth and api requests use it (their decisions only read the state);
 * a sequence loads its own. A state that fails to load is never kept.
 */
#define STATE_CACHE 16
#define STATE_CACHE_BYTES ((size_t)64 << 20)

struct cached_state {
  char *key; /* owned; NULL = free entry */
  size_t key_len;
  struct mxm_state *st;  /* owned */
  struct mxm_json *state; /* owned reference: the "state" array loaded */
  struct mxm_json *hold;  /* owned: what else the entry keeps alive */
  unsigned long used;     /* LRU clock */
  size_t state_off, state_len, state_depth; /* adapter entries: where the
                                               "state" value's bytes are in key */
};
static struct cached_state cache[STATE_CACHE];
static unsigned long cache_clock;
static size_t cache_bytes;
static struct mxmc_state_cache_stats cache_stats;

/* The entry prepared for the request line being answered (mxmc_ref_serve). */
static struct cached_state *line_entry;

static void entry_clear(struct cached_state *e)
{
  cache_bytes -= e->key ? e->key_len : 0;
  free(e->key);
  mxm_state_free(&e->st);
  mxm_json_free(&e->state);
  mxm_json_free(&e->hold);
  memset(e, 0, sizeof(*e));
}

void mxmc_ref_cache_reset(void)
{
  size_t i;
  for(i = 0; i < STATE_CACHE; i++)
    entry_clear(&cache[i]);
  cache_clock = 0;
  memset(&cache_stats, 0, sizeof(cache_stats));
}

void mxmc_ref_cache_stats(struct mxmc_state_cache_stats *out)
{
  *out = cache_stats;
}

static struct cached_state *cache_find(const char *key, size_t key_len)
{
  size_t i;
  for(i = 0; i < STATE_CACHE; i++)
    if(cache[i].key && cache[i].key_len == key_len && memcmp(cache[i].key, key, key_len) == 0) {
      cache[i].used = ++cache_clock;
      cache_stats.hits++;
      return &cache[i];
    }
  cache_stats.misses++;
  return NULL;
}

/* Keep (key, st, state, hold), taking all four; the least recently used
 * entries make room. key_len <= STATE_CACHE_BYTES / 2. */
static struct cached_state *cache_put(char *key, size_t key_len, struct mxm_state *st, struct mxm_json *state,
                                      struct mxm_json *hold)
{
  struct cached_state *e = NULL;
  size_t i;
  for(;;) {
    struct cached_state *lru = NULL;
    for(i = 0; i < STATE_CACHE; i++) {
      if(!cache[i].key) {
        if(!e)
          e = &cache[i];
      } else if(!lru || cache[i].used < lru->used) {
        lru = &cache[i];
      }
    }
    if(e && cache_bytes + key_len <= STATE_CACHE_BYTES)
      break;
    entry_clear(lru ? lru : e); /* a full cache, or too many bytes */
    e = NULL;
  }
  e->key = key;
  e->key_len = key_len;
  e->st = st;
  e->state = state;
  e->hold = hold;
  e->used = ++cache_clock;
  cache_bytes += key_len;
  return e;
}

/* The state an auth or api request is decided against. */
struct prepared {
  struct mxm_state *st;
  const struct mxm_json *state; /* the request's "state" array */
  int owned;                    /* st is freed by prepared_done (not kept) */
};

static void prepared_done(struct prepared *pr)
{
  if(pr->owned)
    mxm_state_free(&pr->st);
  memset(pr, 0, sizeof(*pr));
}

/* The in-process key: room version, the event objects' addresses, the
 * serialised server keys. NULL on out-of-memory. */
static char *object_key(const struct mxm_json *req, const struct mxm_room_version *rv, size_t *len)
{
  const struct mxm_json *lists[2];
  struct mxmc_buf b = {0};
  char *keys = mxm_json_to_string(mxm_json_get(req, "server_keys"), NULL);
  size_t l, i;
  lists[0] = mxm_json_get(req, "other_events");
  lists[1] = mxm_json_get(req, "state");
  mxmc_buf_printf(&b, "P%s|%zu|%zu|", rv->id, mxm_json_array_len(lists[0]), mxm_json_array_len(lists[1]));
  for(l = 0; l < 2; l++)
    for(i = 0; i < mxm_json_array_len(lists[l]); i++) {
      const void *p = mxm_json_array_get(lists[l], i);
      mxmc_buf_addn(&b, (const char *)&p, sizeof(p));
    }
  mxmc_buf_add(&b, keys ? keys : "?");
  free(keys);
  if(b.failed) {
    mxmc_buf_free(&b);
    return NULL;
  }
  *len = b.len;
  return mxmc_buf_take(&b);
}

/* An array holding a reference to every event of the request (they keep
 * the in-process key's addresses taken). */
static struct mxm_json *hold_events(const struct mxm_json *req)
{
  static const char *const names[] = {"other_events", "state"};
  struct mxm_json *h = mxm_json_new_array();
  size_t l, i;
  for(l = 0; h && l < 2; l++)
    for(i = 0; i < mxm_json_array_len(mxm_json_get(req, names[l])); i++)
      if(mxm_json_array_add(h, mxm_json_ref(mxm_json_array_get(mxm_json_get(req, names[l]), i))) != MXM_OK) {
        mxm_json_free(&h);
        break;
      }
  return h;
}

/* A new array holding a reference to each element of a: what the request's
 * "state" held when the entry was made. The runner's rooms hand out their
 * own state array, which grows when a sequence step is accepted, so the
 * entry must not keep the array itself (test_known_ids.c). */
static struct mxm_json *array_snapshot(const struct mxm_json *a)
{
  struct mxm_json *s = mxm_json_new_array();
  size_t i;
  for(i = 0; s && i < mxm_json_array_len(a); i++)
    if(mxm_json_array_add(s, mxm_json_ref(mxm_json_array_get(a, i))) != MXM_OK)
      mxm_json_free(&s);
  return s;
}

/* Room version, spec release and state of an auth or api request: from the
 * line's cache entry, the in-process cache, or loaded now. 0, or -1 with
 * an error response in *resp. */
static int prepare(const struct mxm_json *req, struct mxm_json **resp, const struct mxm_room_version **rv,
                   enum mxm_spec_release *spec, struct prepared *pr, const struct mxmc_ids *ids)
{
  char *key = NULL;
  size_t key_len = 0;
  struct cached_state *e;
  memset(pr, 0, sizeof(*pr));
  if(line_entry) {
    if(request_version(req, resp, rv, spec))
      return -1;
    pr->st = line_entry->st;
    pr->state = line_entry->state;
    return 0;
  }
  if(ids && ids->events_fixed) {
    if(request_version(req, resp, rv, spec))
      return -1;
    key = object_key(req, *rv, &key_len);
    if(key && (e = cache_find(key, key_len)) != NULL) {
      free(key);
      pr->st = e->st;
      pr->state = e->state;
      return 0;
    }
  }
  if(load_common(req, resp, rv, spec, &pr->st, ids)) {
    free(key);
    return -1;
  }
  pr->state = mxm_json_get(req, "state");
  pr->owned = 1;
  if(key) {
    struct mxm_json *hold = key_len <= STATE_CACHE_BYTES / 2 ? hold_events(req) : NULL;
    struct mxm_json *snap = hold ? array_snapshot(mxm_json_get(req, "state")) : NULL;
    if(snap) {
      e = cache_put(key, key_len, pr->st, snap, hold);
      pr->owned = 0; /* the cache has it now */
      pr->st = e->st;
      pr->state = e->state;
    } else {
      mxm_json_free(&hold);
      free(key);
    }
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
  struct prepared pr;
  int check = 0;
  if(prepare(req, &r, &rv, &spec, &pr, ids))
    return r;
  st = pr.st;
  mxm_error_clear(&err);
  ev = parse_event(req, rv, &err);
  if(!ev) {
    if(err.status == MXM_E_NOMEM || set_invalid(r, &err))
      mxm_json_free(&r);
    prepared_done(&pr);
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
  } else if(set_verdict(r, &res) || add_transitions(r, st, pr.state, ev)) {
    mxm_json_free(&r);
  }
  mxm_event_free(&ev);
  prepared_done(&pr);
  return r;
}

/* A client request (PROTOCOL.md 2.5): the reference's client view after
 * each sync. */
static struct mxm_json *answer_client(const struct mxm_json *req, struct mxm_json *r)
{
  const char *user = mxm_json_string(mxm_json_get(req, "user_id"));
  const char *specs = mxm_json_string(mxm_json_get(req, "spec_release"));
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  struct mxm_json *views = NULL;
  struct mxm_error err;
  enum mxm_status st;
  if(!user)
    return error_response(r, "no user_id");
  if(specs && mxm_spec_parse(specs, &spec) != MXM_OK)
    return error_response(r, "unsupported spec release \"%s\"", specs);
  st = mxm_client_run(user, spec, mxm_json_get(req, "syncs"), "/syncs", &views, &err);
  if(st != MXM_OK)
    return error_response(r, "%s: %s", err.where[0] ? err.where : "/syncs", err.message);
  if(mxm_json_object_set(r, "views", views) != MXM_OK)
    mxm_json_free(&r);
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
  struct prepared pr;
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
  if(prepare(req, &r, &rv, &spec, &pr, ids))
    return r;
  st = pr.st;
  mxm_auth_options_init(&opt);
  opt.spec = spec;
  mxm_error_clear(&err);
  if(mxm_api_call(st, &c, &opt, &res, &err) != MXM_OK) {
    prepared_done(&pr);
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
  prepared_done(&pr);
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
  if(load_state(req, &r, mxm_room_state_mut(room), ids, NULL)) {
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
  if(strcmp(type, "client") == 0)
    return answer_client(req, r);
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
  caps->layers = MXMC_LAYER_AUTH | MXMC_LAYER_TRANSITION | MXMC_LAYER_API | MXMC_LAYER_SEQUENCE | MXMC_LAYER_CLIENT;
  caps->spec_from = MXM_SPEC_R0;
  caps->spec_to = MXM_SPEC_CURRENT;
  caps->reports_rules = 1;
  memcpy(caps->protocol, MXM_PROTOCOL_VERSION, sizeof(MXM_PROTOCOL_VERSION));
}

struct mxm_json *mxmc_ref_hello(const char *name)
{
  struct mxm_json *h = mxm_json_new_object(), *rvs = mxm_json_new_array(), *layers = mxm_json_new_array(),
                  *specs = mxm_json_new_object();
  size_t n, i;
  const struct mxm_room_version *all = mxm_room_versions(&n);
  static const char *const layer_names[] = {"auth", "transition", "api", "sequence", "client"};
  if(!h || !rvs || !layers || !specs)
    goto fail;
  for(i = 0; i < n; i++)
    if(mxm_json_array_add(rvs, mxm_json_new_string(all[i].id)) != MXM_OK)
      goto fail;
  for(i = 0; i < sizeof(layer_names) / sizeof(layer_names[0]); i++)
    if(mxm_json_array_add(layers, mxm_json_new_string(layer_names[i])) != MXM_OK)
      goto fail;
  if(set_str(specs, "from", "r0") || set_str(specs, "to", mxm_spec_name(MXM_SPEC_CURRENT)))
    goto fail;
  if(mxm_json_object_set(h, "mxm_adapter", mxm_json_new_int(1)) != MXM_OK ||
     set_str(h, "protocol", MXM_PROTOCOL_VERSION) || set_str(h, "name", name))
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


/* ---- the adapter's fast path ----
 *
 * A request line is one JSON object. split_line finds, without parsing, the
 * byte ranges of its top-level "state", "other_events" and "server_keys"
 * values. When those bytes (and the room version) match a kept state, only
 * the rest of the line is parsed: the line with each range replaced by 0.
 * That is safe because JSON's grammar lets any value stand in for another:
 * the line is valid exactly when that rest is valid and each range is a
 * valid value (checked when the entry was made, or now on a miss), and the
 * nesting of a range is bounded below the parser's limit. Whenever anything
 * is unusual (a key with an escape, a key given twice, a range that does
 * not parse, a sequence request, a state that does not load) the line is
 * parsed whole, as before, so every error is exactly the slow path's.
 */
struct span {
  size_t off, len; /* len 0 = absent */
  size_t depth;    /* deepest nesting of objects and arrays in it */
};
enum { SPAN_STATE, SPAN_OTHER, SPAN_KEYS, N_SPANS };

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The bytes that end a run inside a string ('"', '\\') and outside one
 * (a string, a bracket, a delimiter, whitespace). */
static unsigned char str_stop[256], val_stop[256];

static void stop_tables(void)
{
  static const char outside[] = "\"{}[],: \t\n\r";
  size_t k;
  if(str_stop['"'])
    return;
  str_stop['"'] = str_stop['\\'] = 1;
  for(k = 0; k < sizeof(outside) - 1; k++)
    val_stop[(unsigned char)outside[k]] = 1;
}

/* The end of the JSON value starting at p[i] (not checked: the parse
 * checks), or 0 if it is not the start of one or runs off the end; *max
 * gets its deepest nesting. */
static size_t skip_value(const char *text, size_t n, size_t i, size_t *max)
{
  const unsigned char *p = (const unsigned char *)text;
  size_t depth = 0;
  *max = 0;
  if(i >= n)
    return 0;
  if(p[i] != '{' && p[i] != '[' && p[i] != '"') {
    while(i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && !is_ws((char)p[i]))
      i++;
    return i;
  }
  while(i < n) {
    unsigned char c = p[i];
    if(c == '"') {
      /* a string: runs of plain bytes, then an escape or the end */
      for(i++;;) {
        while(i < n && !str_stop[p[i]])
          i++;
        if(i >= n)
          return 0;
        if(p[i] == '"')
          break;
        i += 2; /* a backslash and the byte it escapes */
      }
      i++;
      if(depth == 0)
        return i; /* a top-level string ended */
      continue;
    }
    if(c == '{' || c == '[') {
      if(++depth > *max)
        *max = depth;
    } else if(c == '}' || c == ']') {
      if(depth == 0)
        return 0;
      if(--depth == 0)
        return i + 1;
    }
    i++;
    while(i < n && !val_stop[p[i]])
      i++; /* numbers, literals */
  }
  return 0;
}

/* The end of the value at p[i] when its bytes begin with a kept state's
 * "state" value, else 0. A value that begins with the bytes of a whole
 * value skip_value measured is that value (skip_value reads no further
 * than its end), so this is skip_value's answer without the scan; a
 * request usually carries a state the cache has. */
static size_t known_state(const char *p, size_t n, size_t i, size_t *depth)
{
  size_t k;
  for(k = 0; k < STATE_CACHE; k++) {
    const struct cached_state *e = &cache[k];
    if(e->key && e->state_len && e->state_len <= n - i &&
       memcmp(p + i, e->key + e->state_off, e->state_len) == 0) {
      *depth = e->state_depth;
      return i + e->state_len;
    }
  }
  return 0;
}

/* 1 and the spans if the line is an object whose top-level keys are plain
 * (no escape) and name each of the three at most once; 0 otherwise. */
static int split_line(const char *p, size_t n, struct span spans[N_SPANS])
{
  static const char *const names[N_SPANS] = {"state", "other_events", "server_keys"};
  size_t i = 0, k;
  memset(spans, 0, N_SPANS * sizeof(*spans));
  while(i < n && is_ws(p[i]))
    i++;
  if(i >= n || p[i++] != '{')
    return 0;
  for(;;) {
    size_t key, key_len, end, depth;
    while(i < n && is_ws(p[i]))
      i++;
    if(i < n && p[i] == '}')
      break;
    if(i >= n || p[i] != '"')
      return 0;
    key = ++i;
    while(i < n && p[i] != '"' && p[i] != '\\')
      i++;
    if(i >= n || p[i] != '"')
      return 0; /* an escape in a key: it might spell one of the three */
    key_len = i - key;
    i++;
    while(i < n && is_ws(p[i]))
      i++;
    if(i >= n || p[i++] != ':')
      return 0;
    while(i < n && is_ws(p[i]))
      i++;
    end = key_len == 5 && memcmp(p + key, "state", 5) == 0 ? known_state(p, n, i, &depth) : 0;
    if(end == 0)
      end = skip_value(p, n, i, &depth);
    if(end == 0)
      return 0;
    for(k = 0; k < N_SPANS; k++)
      if(strlen(names[k]) == key_len && memcmp(p + key, names[k], key_len) == 0) {
        if(spans[k].len)
          return 0; /* given twice: the parser keeps the last, leave it to it */
        spans[k].off = i;
        spans[k].len = end - i;
        spans[k].depth = depth;
      }
    i = end;
    while(i < n && is_ws(p[i]))
      i++;
    if(i < n && p[i] == ',') {
      i++;
      continue;
    }
    if(i < n && p[i] == '}')
      break;
    return 0;
  }
  return spans[SPAN_STATE].len > 0;
}

/* Parse one range as a value nested well inside the parser's depth limit;
 * *grow (may be NULL) gets what its numbers may grow by as canonical JSON
 * (its mxm_json_parse_bound less its length). */
static struct mxm_json *parse_span(const char *line, const struct span *sp, size_t *grow)
{
  struct mxm_json *j = NULL;
  size_t b = 0;
  /* inside the request object the range is one level deeper: keep well
   * clear of the limit, where the whole line would fail to parse */
  if(!sp->len || sp->depth + 2 >= MXM_JSON_MAX_DEPTH)
    return NULL;
  if(mxm_json_parse_bound(line + sp->off, sp->len, &j, &b, NULL) != MXM_OK)
    return NULL;
  if(grow)
    *grow = b - sp->len;
  return j;
}

/* ---- the event-ID memo ----
 *
 * States that differ (another case of the same group, another room
 * version) mostly share their events, and a v3+ event's ID is its reference
 * hash: a pure function of the event and the room version. On a cache miss
 * the fast path looks each state event's bytes up here (with the room
 * version, compared in full) and computes only the IDs it has not seen; the
 * state loader is then given them (mxm_state_load_json_ids) and hashes
 * nothing. At most ID_MEMO entries; when it is full it is emptied. */
#define ID_MEMO 4096
struct id_entry {
  char *key; /* owned: room version id, '|', the event's bytes */
  size_t key_len;
  uint64_t hash;
  char id[MXM_EVENT_ID_MAX];
};
static struct id_entry id_memo[2 * ID_MEMO];
static size_t id_memo_n;

static uint64_t fnv1a(const char *p, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  size_t i;
  for(i = 0; i < n; i++)
    h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
  return h;
}

static void id_memo_reset(void)
{
  size_t i;
  for(i = 0; i < 2 * ID_MEMO; i++)
    free(id_memo[i].key);
  memset(id_memo, 0, sizeof(id_memo));
  id_memo_n = 0;
}

/* The slot of key (its entry, or the free slot where it goes). */
static struct id_entry *id_slot(const char *key, size_t len, uint64_t h)
{
  size_t i = (size_t)h & (2 * ID_MEMO - 1);
  for(;; i = (i + 1) & (2 * ID_MEMO - 1)) {
    struct id_entry *e = &id_memo[i];
    if(!e->key || (e->hash == h && e->key_len == len && memcmp(e->key, key, len) == 0))
      return e;
  }
}

/* The ID of event ev (parsed from its bytes p[0..n)) in room version rv:
 * remembered, or computed now and remembered. NULL if it cannot be computed
 * (the state loader then reports what is wrong) or rv carries IDs in its
 * events. */
static const char *memo_event_id(const struct mxm_room_version *rv, const char *p, size_t n,
                                 const struct mxm_json *ev, struct mxmc_buf *kb)
{
  struct id_entry *e;
  struct mxm_error err;
  char id[MXM_EVENT_ID_MAX];
  uint64_t h;
  if(rv->event_id_format == MXM_EVENT_ID_SERVER)
    return NULL;
  kb->len = 0;
  mxmc_buf_printf(kb, "%s|", rv->id);
  mxmc_buf_addn(kb, p, n);
  if(kb->failed)
    return NULL;
  h = fnv1a(kb->data, kb->len);
  e = id_slot(kb->data, kb->len, h);
  if(e->key)
    return e->id;
  mxm_error_clear(&err);
  if(mxm_compute_event_id(ev, rv, id, &err) != MXM_OK)
    return NULL;
  if(id_memo_n >= ID_MEMO) {
    id_memo_reset();
    e = id_slot(kb->data, kb->len, h);
  }
  e->key = malloc(kb->len);
  if(!e->key)
    return NULL;
  memcpy(e->key, kb->data, kb->len);
  e->key_len = kb->len;
  e->hash = h;
  memcpy(e->id, id, sizeof(id));
  id_memo_n++;
  return e->id;
}

/* The IDs of the events of the array value at line[sp] (parsed as arr):
 * ids[i] for its i-th element, NULL where unknown, and bounds[i] of its
 * size as canonical JSON: its text's length plus grow, what the whole
 * value's numbers may grow by (parse_span), which bounds its own numbers'.
 * 0 when the array's elements cannot be told apart without parsing (ids
 * and bounds then unused). */
static int span_ids(const char *line, const struct span *sp, const struct mxm_json *arr,
                    const struct mxm_room_version *rv, const char **ids, size_t *bounds, size_t n_ids, size_t grow,
                    struct mxmc_buf *kb)
{
  size_t i = sp->off, end = sp->off + sp->len, k = 0, depth;
  if(!sp->len || line[i] != '[')
    return 0;
  for(i++;;) {
    size_t e;
    while(i < end && is_ws(line[i]))
      i++;
    if(i < end && line[i] == ']' && k == 0)
      return n_ids == 0;
    e = skip_value(line, end, i, &depth);
    if(!e || k >= n_ids)
      return 0;
    ids[k] = memo_event_id(rv, line + i, e - i, mxm_json_array_get(arr, k), kb);
    bounds[k] = e - i + grow;
    k++;
    i = e;
    while(i < end && is_ws(line[i]))
      i++;
    if(i < end && line[i] == ',') {
      i++;
      continue;
    }
    return i < end && line[i] == ']' && k == n_ids;
  }
}

/* The fast path: 1 with *req (the line without its state values) and
 * line_entry set, or 0 for the slow path. */
static int fast_request(const char *line, size_t n, struct mxm_json **req)
{
  struct span spans[N_SPANS];
  struct mxmc_buf rest = {0}, key = {0};
  struct mxm_json *r = NULL;
  const char *type, *rvs;
  const struct mxm_room_version *rv;
  struct cached_state *e;
  size_t i, at = 0, state_off = 0;
  *req = NULL;
  stop_tables();
  if(!split_line(line, n, spans))
    return 0;
  /* the rest of the line, in order, each range replaced by 0 */
  for(;;) {
    const struct span *next = NULL;
    for(i = 0; i < N_SPANS; i++)
      if(spans[i].len && spans[i].off >= at && (!next || spans[i].off < next->off))
        next = &spans[i];
    if(!next)
      break;
    mxmc_buf_addn(&rest, line + at, next->off - at);
    mxmc_buf_add(&rest, "0");
    at = next->off + next->len;
  }
  mxmc_buf_addn(&rest, line + at, n - at);
  if(rest.failed || mxm_json_parse(mxmc_buf_str(&rest), rest.len, &r, NULL) != MXM_OK)
    goto slow;
  type = mxm_json_string(mxm_json_get(r, "type"));
  rvs = mxm_json_string(mxm_json_get(r, "room_version"));
  rv = rvs ? mxm_room_version_find(rvs) : NULL;
  if(!type || (strcmp(type, "auth") != 0 && strcmp(type, "api") != 0) || !rv)
    goto slow;
  mxmc_buf_printf(&key, "B%s|", rv->id);
  for(i = 0; i < N_SPANS; i++) {
    mxmc_buf_printf(&key, "%zu|", spans[i].len);
    if(i == SPAN_STATE)
      state_off = key.len;
    mxmc_buf_addn(&key, line + spans[i].off, spans[i].len);
  }
  if(key.failed)
    goto slow;
  e = cache_find(mxmc_buf_str(&key), key.len);
  if(!e) {
    struct mxm_json *tmp = mxm_json_new_object(), *resp = mxm_json_new_object();
    size_t grow_state = 0, grow_other = 0;
    struct mxm_json *state = parse_span(line, &spans[SPAN_STATE], &grow_state);
    struct mxm_state *st = NULL;
    struct mxmc_ids ids;
    struct size_bounds sb;
    size_t *bnd = NULL;
    int have_ids = 0;
    int ok = tmp && resp && state && key.len <= STATE_CACHE_BYTES / 2 &&
             mxm_json_object_set(tmp, "state", mxm_json_ref(state)) == MXM_OK;
    for(i = SPAN_OTHER; ok && i < N_SPANS; i++) {
      struct mxm_json *v;
      if(!spans[i].len)
        continue;
      v = parse_span(line, &spans[i], i == SPAN_OTHER ? &grow_other : NULL);
      ok = v && mxm_json_object_set(tmp, i == SPAN_OTHER ? "other_events" : "server_keys", v) == MXM_OK;
    }
    memset(&ids, 0, sizeof(ids));
    memset(&sb, 0, sizeof(sb));
    if(ok) {
      /* the IDs the memo knows or computes now, so the loader hashes none */
      const struct mxm_json *other = mxm_json_get(tmp, "other_events");
      struct mxmc_buf kb = {0};
      size_t n_state = mxm_json_array_len(state), n_other = mxm_json_array_len(other);
      const char **all = calloc(n_state + n_other + 1, sizeof(*all));
      bnd = calloc(n_state + n_other + 1, sizeof(*bnd));
      if(all && bnd && span_ids(line, &spans[SPAN_STATE], state, rv, all, bnd, n_state, grow_state, &kb) &&
         (!spans[SPAN_OTHER].len ||
          span_ids(line, &spans[SPAN_OTHER], other, rv, all + n_state, bnd + n_state, n_other, grow_other, &kb))) {
        ids.state = all;
        ids.n_state = n_state;
        ids.other = all + n_state;
        ids.n_other = spans[SPAN_OTHER].len ? n_other : 0;
        sb.state = bnd;
        sb.n_state = n_state;
        sb.other = bnd + n_state;
        sb.n_other = ids.n_other;
        have_ids = 1;
      } else {
        free(all);
        all = NULL;
      }
      mxmc_buf_free(&kb);
    }
    /* loaded exactly as the slow path would; one that fails is left to it */
    ok = ok && mxm_state_new(rv, &st) == MXM_OK && load_state(tmp, &resp, st, have_ids ? &ids : NULL, have_ids ? &sb : NULL) == 0;
    if(have_ids)
      free((void *)(uintptr_t)ids.state);
    free(bnd);
    mxm_json_free(&resp);
    if(!ok) {
      mxm_state_free(&st);
      mxm_json_free(&tmp);
      mxm_json_free(&state);
      goto slow;
    }
    {
      size_t key_len = key.len; /* before mxmc_buf_take resets it */
      e = cache_put(mxmc_buf_take(&key), key_len, st, state, tmp);
      e->state_off = state_off;
      e->state_len = spans[SPAN_STATE].len;
      e->state_depth = spans[SPAN_STATE].depth;
    }
  }
  mxmc_buf_free(&key);
  mxmc_buf_free(&rest);
  line_entry = e;
  *req = r;
  return 1;
slow:
  mxmc_buf_free(&key);
  mxmc_buf_free(&rest);
  mxm_json_free(&r);
  return 0;
}

/* The loop of both serve functions; fast: try fast_request first. */
static int serve(FILE *in, FILE *out, const char *name, mxmc_answer_fn answer, void *ctx, int fast)
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
    if(fast && fast_request(line, (size_t)n, &req)) {
      resp = answer(req, ctx);
      line_entry = NULL;
    } else if(mxm_json_parse(line, (size_t)n, &req, &err) != MXM_OK) {
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

int mxmc_adapter_serve(FILE *in, FILE *out, const char *name, mxmc_answer_fn answer, void *ctx)
{
  return serve(in, out, name, answer, ctx, 0);
}

static struct mxm_json *ref_answer(const struct mxm_json *req, void *ctx)
{
  (void)ctx;
  return mxmc_ref_answer(req);
}

int mxmc_ref_serve(FILE *in, FILE *out, const char *name)
{
  const char *off = getenv("MXM_REF_ADAPTER_NO_CACHE");
  static char inbuf[64 << 10];
  int rc;
  /* A pipe holds 64 kB: read what the runner wrote in one call, not 4 kB
   * at a time (request lines average about 9 kB). Before any read; glibc
   * ignores the size unless it is given the buffer. */
  (void)setvbuf(in, inbuf, _IOFBF, sizeof(inbuf));
  rc = serve(in, out, name, ref_answer, NULL, !(off && *off));
  const char *stats = getenv("MXM_REF_ADAPTER_STATS");
  if(stats && *stats)
    fprintf(stderr, "mxm-ref-adapter: state cache: %zu hits, %zu misses\n", cache_stats.hits, cache_stats.misses);
  mxmc_ref_cache_reset();
  id_memo_reset();
  return rc;
}
