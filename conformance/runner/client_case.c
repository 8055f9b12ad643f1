/*
 * client_case.c: client cases (FORMAT.md "Client cases"): the compact syncs
 * and `cell` shorthand expanded into /sync bodies, and an adapter's views
 * compared with the expected ones field by field.
 *
 * Expansion builds events only; the expected views come from the case file.
 * Comparison: a field the case expects and the adapter gives is compared; a
 * field the adapter leaves out is "not expressed" (counted, never failed);
 * an outcome expected as "either" passes with any answer. A room the case
 * expects but a given `rooms` lacks, or a member expected absent that a given
 * `members` holds, is a failure.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

#define DEFAULT_ROOM "!room:example.org"

/* The cast of `cell` tests. */
#define ALICE "@alice:example.org"
#define BOB "@bob:example.org"
#define CAROL "@carol:example.org"

static int set(struct mxm_json *o, const char *key, struct mxm_json *v)
{
  return v && mxm_json_object_set(o, key, v) == MXM_OK ? 0 : -1;
}

static int set_str(struct mxm_json *o, const char *key, const char *s)
{
  return set(o, key, mxm_json_new_string(s));
}

/* Merge the members of src (an object) into dst (copies). */
static int merge_cb(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  (void)key_len;
  return set(ctx, key, mxm_json_copy(val));
}

static int merge(struct mxm_json *dst, const struct mxm_json *src)
{
  return mxm_json_object_foreach(src, merge_cb, dst) ? -1 : 0;
}

struct expander {
  int64_t k; /* events expanded so far in this case */
  struct mxm_error *err;
};

static enum mxm_status fail(struct expander *x, const char *where, const char *what)
{
  return mxm_error_set(x->err, MXM_E_MALFORMED, where, "%s", what);
}

/* One compact client event (or raw value) as a /sync event; stripped keeps
 * only type, state_key, sender and content. NULL with x->err set. */
static struct mxm_json *expand_event(struct expander *x, const struct mxm_json *ce, const char *ptr, int stripped)
{
  const struct mxm_json *raw = mxm_json_get(ce, "raw"), *list;
  const char *type, *sender, *state_key, *id, *membership, *redacts;
  struct mxm_json *ev, *content = NULL, *uns = NULL;
  int64_t ts;
  size_t i;
  x->k++;
  if(raw)
    return mxm_json_copy(raw);
  if(mxm_json_type(ce) != MXM_JSON_OBJECT) {
    fail(x, ptr, "a compact client event is an object");
    return NULL;
  }
  type = mxm_json_string(mxm_json_get(ce, "type"));
  if(!type)
    type = "m.room.member";
  sender = mxm_json_string(mxm_json_get(ce, "sender"));
  if(!sender) {
    fail(x, ptr, "a compact client event needs a sender");
    return NULL;
  }
  state_key = mxm_json_string(mxm_json_get(ce, "stateKey"));
  if(!state_key && !mxm_json_get(ce, "stateKey")) {
    if(strcmp(type, "m.room.member") == 0)
      state_key = sender;
    else if(strcmp(type, "m.room.message") != 0 && strcmp(type, "m.room.redaction") != 0)
      state_key = "";
  }
  ev = mxm_json_new_object();
  content = mxm_json_new_object();
  if(!ev || !content)
    goto oom;
  membership = mxm_json_string(mxm_json_get(ce, "membership"));
  if((membership && set_str(content, "membership", membership)) || merge(content, mxm_json_get(ce, "content")))
    goto oom;
  list = mxm_json_get(ce, "contentOmit");
  for(i = 0; i < mxm_json_array_len(list); i++)
    if(mxm_json_string(mxm_json_array_get(list, i)))
      mxm_json_object_del(content, mxm_json_string(mxm_json_array_get(list, i)));
  if(set_str(ev, "type", type) || (state_key && set_str(ev, "state_key", state_key)) || set_str(ev, "sender", sender))
    goto oom;
  if(set(ev, "content", content)) {
    content = NULL;
    goto oom;
  }
  content = NULL;
  if(stripped)
    return ev;
  id = mxm_json_string(mxm_json_get(ce, "id"));
  if(!mxm_json_int(mxm_json_get(ce, "ts"), &ts))
    ts = 1000 * x->k;
  {
    char b[32];
    snprintf(b, sizeof(b), "$ev%lld", (long long)x->k);
    if(set_str(ev, "event_id", id ? id : b))
      goto oom;
  }
  if(set(ev, "origin_server_ts", mxm_json_new_int(ts)))
    goto oom;
  redacts = mxm_json_string(mxm_json_get(ce, "redacts"));
  if(redacts && set_str(ev, "redacts", redacts))
    goto oom;
  uns = mxm_json_new_object();
  if(!uns)
    goto oom;
  if((mxm_json_get(ce, "prevContent") && set(uns, "prev_content", mxm_json_copy(mxm_json_get(ce, "prevContent")))) ||
     (mxm_json_get(ce, "prevSender") && set(uns, "prev_sender", mxm_json_copy(mxm_json_get(ce, "prevSender")))) ||
     merge(uns, mxm_json_get(ce, "unsigned")))
    goto oom;
  if(mxm_json_object_len(uns)) {
    if(set(ev, "unsigned", uns)) {
      uns = NULL;
      goto oom;
    }
    uns = NULL;
  }
  mxm_json_free(&uns);
  list = mxm_json_get(ce, "omit");
  for(i = 0; i < mxm_json_array_len(list); i++)
    if(mxm_json_string(mxm_json_array_get(list, i)))
      mxm_json_object_del(ev, mxm_json_string(mxm_json_array_get(list, i)));
  return ev;
oom:
  mxm_json_free(&ev);
  mxm_json_free(&content);
  mxm_json_free(&uns);
  mxm_error_set(x->err, MXM_E_NOMEM, ptr, "out of memory");
  return NULL;
}

/* {"events": [...]} from a list of compact events (ptr: the list). */
static struct mxm_json *expand_batch(struct expander *x, const struct mxm_json *list, const char *ptr, int stripped)
{
  struct mxm_json *batch = mxm_json_new_object(), *events = mxm_json_new_array();
  size_t i;
  if(!batch || !events || set(batch, "events", events)) {
    mxm_json_free(&batch);
    mxm_error_set(x->err, MXM_E_NOMEM, ptr, "out of memory");
    return NULL;
  }
  if(list && mxm_json_type(list) != MXM_JSON_ARRAY) {
    fail(x, ptr, "a list of compact client events is an array");
    mxm_json_free(&batch);
    return NULL;
  }
  for(i = 0; i < mxm_json_array_len(list); i++) {
    char p[256];
    struct mxm_json *ev;
    snprintf(p, sizeof(p), "%s/%zu", ptr, i);
    ev = expand_event(x, mxm_json_array_get(list, i), p, stripped);
    if(!ev || mxm_json_array_add(events, ev) != MXM_OK) {
      if(ev)
        mxm_error_set(x->err, MXM_E_NOMEM, p, "out of memory");
      mxm_json_free(&batch);
      return NULL;
    }
  }
  return batch;
}

static const char *const SECTIONS[] = {"join", "leave", "invite", "knock"};

/* One compact sync (ptr: it) as a /sync body, the n-th of the case. */
static struct mxm_json *expand_sync(struct expander *x, const struct mxm_json *cs, const char *room, size_t n,
                                    const char *ptr)
{
  struct mxm_json *body, *rooms = NULL, *sec = NULL, *entry = NULL;
  const struct mxm_json *part = NULL;
  const char *section = NULL;
  char b[32], p[192];
  size_t i;
  if(mxm_json_type(cs) != MXM_JSON_OBJECT) {
    fail(x, ptr, "a sync is an object");
    return NULL;
  }
  if(mxm_json_get(cs, "raw"))
    return mxm_json_copy(mxm_json_get(cs, "raw"));
  for(i = 0; i < sizeof(SECTIONS) / sizeof(SECTIONS[0]); i++)
    if((part = mxm_json_get(cs, SECTIONS[i])) != NULL) {
      section = SECTIONS[i];
      break;
    }
  body = mxm_json_new_object();
  snprintf(b, sizeof(b), "s%zu", n + 1);
  if(!body || set_str(body, "next_batch", b))
    goto oom;
  if(!section)
    return body;
  snprintf(p, sizeof(p), "%s/%s", ptr, section);
  rooms = mxm_json_new_object();
  sec = mxm_json_new_object();
  entry = mxm_json_new_object();
  if(!rooms || !sec || !entry)
    goto oom;
  if(strcmp(section, "invite") == 0 || strcmp(section, "knock") == 0) {
    struct mxm_json *batch = expand_batch(x, part, p, 1);
    if(!batch || set(entry, strcmp(section, "invite") == 0 ? "invite_state" : "knock_state", batch))
      goto fail;
  } else {
    struct mxm_json *state, *timeline;
    int limited = 0;
    char ps[224], pt[224];
    if(mxm_json_type(part) != MXM_JSON_OBJECT) {
      fail(x, p, "a join or leave sync is an object {state, timeline, limited}");
      goto fail;
    }
    snprintf(ps, sizeof(ps), "%s/state", p);
    snprintf(pt, sizeof(pt), "%s/timeline", p);
    state = expand_batch(x, mxm_json_get(part, "state"), ps, 0);
    if(!state || set(entry, "state", state))
      goto fail;
    timeline = expand_batch(x, mxm_json_get(part, "timeline"), pt, 0);
    if(!timeline || set(entry, "timeline", timeline))
      goto fail;
    (void)mxm_json_bool(mxm_json_get(part, "limited"), &limited);
    snprintf(b, sizeof(b), "p%zu", n + 1);
    if(set(timeline, "limited", mxm_json_new_bool(limited)) || set_str(timeline, "prev_batch", b))
      goto oom;
  }
  if(set(sec, room, entry)) {
    entry = NULL;
    goto oom;
  }
  entry = NULL;
  if(set(rooms, section, sec)) {
    sec = NULL;
    goto oom;
  }
  sec = NULL;
  if(set(body, "rooms", rooms)) {
    rooms = NULL;
    goto oom;
  }
  return body;
oom:
  mxm_error_set(x->err, MXM_E_NOMEM, ptr, "out of memory");
fail:
  mxm_json_free(&body);
  mxm_json_free(&rooms);
  mxm_json_free(&sec);
  mxm_json_free(&entry);
  return NULL;
}

/* ---- the `cell` shorthand: compact syncs from a fixed cast ---- */

static struct mxm_json *parse_text(const char *text)
{
  struct mxm_json *j = NULL;
  if(mxm_json_parse(text, strlen(text), &j, NULL) != MXM_OK)
    return NULL;
  return j;
}

/* A compact member event of Bob's. */
static struct mxm_json *bob_event(const char *id, const char *sender, const char *membership, const char *name)
{
  char *text = mxmc_printf("{\"id\": \"%s\", \"sender\": \"%s\", \"stateKey\": \"" BOB "\", \"membership\": \"%s\""
                           "%s%s%s}",
                           id, sender, membership, name ? ", \"content\": {\"displayname\": \"" : "", name ? name : "",
                           name ? "\"}" : "");
  struct mxm_json *j = text ? parse_text(text) : NULL;
  free(text);
  return j;
}

/* An array of copies of the named elements of base (NULL-terminated). */
static struct mxm_json *pick(const struct mxm_json *const *events, size_t n)
{
  struct mxm_json *a = mxm_json_new_array();
  size_t i;
  for(i = 0; a && i < n; i++)
    if(events[i] && mxm_json_array_add(a, mxm_json_copy(events[i])) != MXM_OK)
      mxm_json_free(&a);
  return a;
}

/* {"<section>": [...]} or {"<section>": {"state": [...], "timeline": [...]}} */
static struct mxm_json *compact_sync(const char *section, struct mxm_json *state, struct mxm_json *timeline)
{
  struct mxm_json *s = mxm_json_new_object(), *part;
  if(!s)
    goto fail;
  if(!section) {
    mxm_json_free(&state);
    mxm_json_free(&timeline);
    return s;
  }
  if(strcmp(section, "invite") == 0 || strcmp(section, "knock") == 0) {
    mxm_json_free(&timeline);
    if(set(s, section, state))
      mxm_json_free(&s);
    return s;
  }
  part = mxm_json_new_object();
  if(!part) {
    mxm_json_free(&s);
    goto fail;
  }
  if(set(part, "state", state)) { /* state is freed */
    mxm_json_free(&timeline);
    mxm_json_free(&part);
    mxm_json_free(&s);
    return NULL;
  }
  if(set(part, "timeline", timeline)) {
    mxm_json_free(&part);
    mxm_json_free(&s);
    return NULL;
  }
  if(set(s, section, part))
    mxm_json_free(&s);
  return s;
fail:
  mxm_json_free(&state);
  mxm_json_free(&timeline);
  return NULL;
}

/* The two compact syncs of a cell, and its user. NULL with err set. */
static struct mxm_json *cell_syncs(const struct mxm_json *cell, const char *ptr, const char **user,
                                   struct mxm_error *err)
{
  const char *from = mxm_json_string(mxm_json_get(cell, "from"));
  const char *to = mxm_json_string(mxm_json_get(cell, "to"));
  const char *by = mxm_json_string(mxm_json_get(cell, "by"));
  const char *observer = mxm_json_string(mxm_json_get(cell, "observer"));
  int profile = 0, witness, full1;
  struct mxm_json *base[6] = {NULL}, *ev_from = NULL, *ev_cell = NULL, *syncs = NULL, *s1 = NULL, *s2 = NULL;
  const struct mxm_json *strip1[3], *strip2[3], *cellv[1];
  const char *from_sender, *sec2;
  size_t i;
  (void)mxm_json_bool(mxm_json_get(cell, "profile"), &profile);
  if(!from || !to || !by || !observer || (strcmp(by, "self") != 0 && strcmp(by, "other") != 0) ||
     (strcmp(observer, "witness") != 0 && strcmp(observer, "target") != 0) ||
     mxm_membership_parse(from) == MXM_MEMBERSHIP_UNKNOWN || mxm_membership_parse(to) == MXM_MEMBERSHIP_UNKNOWN ||
     mxm_membership_parse(to) == MXM_MEMBERSHIP_NONE) {
    mxm_error_set(err, MXM_E_MALFORMED, ptr, "a cell needs from, to, by (self/other) and observer (witness/target)");
    return NULL;
  }
  witness = strcmp(observer, "witness") == 0;
  *user = witness ? CAROL : BOB;
  base[0] = parse_text("{\"id\": \"$create\", \"type\": \"m.room.create\", \"sender\": \"" ALICE "\","
                       " \"content\": {\"room_version\": \"10\", \"creator\": \"" ALICE "\"}}");
  base[1] = parse_text("{\"id\": \"$alice\", \"sender\": \"" ALICE "\", \"membership\": \"join\"}");
  base[2] = parse_text("{\"id\": \"$pl\", \"type\": \"m.room.power_levels\", \"sender\": \"" ALICE "\","
                       " \"content\": {\"users\": {\"" ALICE "\": 100}}}");
  base[3] = parse_text("{\"id\": \"$jr\", \"type\": \"m.room.join_rules\", \"sender\": \"" ALICE "\","
                       " \"content\": {\"join_rule\": \"knock\"}}");
  base[4] = parse_text("{\"id\": \"$carol\", \"sender\": \"" CAROL "\", \"membership\": \"join\"}");
  from_sender = strcmp(from, "invite") == 0 || strcmp(from, "ban") == 0 ? ALICE : BOB;
  if(strcmp(from, "none") != 0) {
    ev_from = bob_event("$from", from_sender, from, strcmp(from, "join") == 0 ? "Bob" : NULL);
    base[5] = ev_from;
  }
  ev_cell = bob_event("$cell", strcmp(by, "self") == 0 ? BOB : ALICE, to,
                      strcmp(to, "join") == 0 ? (profile ? "Robert" : "Bob") : NULL);
  for(i = 0; i < 5; i++)
    if(!base[i])
      goto oom;
  if(!ev_cell || (strcmp(from, "none") != 0 && !ev_from))
    goto oom;
  if(ev_from) {
    /* $from's whole content: its membership and its content keys */
    struct mxm_json *prev = mxm_json_new_object();
    if(!prev || set_str(prev, "membership", from) || merge(prev, mxm_json_get(ev_from, "content"))) {
      mxm_json_free(&prev);
      goto oom;
    }
    if(set(ev_cell, "prevContent", prev) || set_str(ev_cell, "prevSender", from_sender))
      goto oom;
  }
  strip1[0] = strip2[0] = base[0];
  strip1[1] = strip2[1] = base[3];
  strip1[2] = ev_from;
  strip2[2] = ev_cell;
  cellv[0] = ev_cell;
  if(witness) {
    s1 = compact_sync("join", pick((const struct mxm_json *const *)base, 6), mxm_json_new_array());
    s2 = compact_sync("join", mxm_json_new_array(), pick(cellv, 1));
  } else {
    full1 = strcmp(from, "join") == 0 || strcmp(from, "leave") == 0 || strcmp(from, "ban") == 0;
    if(strcmp(from, "none") == 0)
      s1 = compact_sync(NULL, NULL, NULL);
    else if(strcmp(from, "join") == 0)
      s1 = compact_sync("join", pick((const struct mxm_json *const *)base, 6), mxm_json_new_array());
    else if(strcmp(from, "invite") == 0 || strcmp(from, "knock") == 0)
      s1 = compact_sync(from, pick(strip1, 3), NULL);
    else
      s1 = compact_sync("leave", pick((const struct mxm_json *const *)base, 5), pick(strip1 + 2, 1));
    if(strcmp(to, "invite") == 0 || strcmp(to, "knock") == 0) {
      s2 = compact_sync(to, pick(strip2, 3), NULL);
    } else {
      sec2 = strcmp(to, "join") == 0 ? "join" : "leave";
      s2 = compact_sync(sec2, full1 ? mxm_json_new_array() : pick((const struct mxm_json *const *)base, 6),
                        pick(cellv, 1));
    }
  }
  syncs = mxm_json_new_array();
  if(!s1 || !s2 || !syncs || mxm_json_array_add(syncs, s1) != MXM_OK) {
    s1 = NULL;
    goto oom;
  }
  s1 = NULL;
  if(mxm_json_array_add(syncs, s2) != MXM_OK) {
    s2 = NULL;
    goto oom;
  }
  for(i = 0; i < 6; i++)
    mxm_json_free(&base[i]);
  mxm_json_free(&ev_cell);
  return syncs;
oom:
  for(i = 0; i < 6; i++)
    mxm_json_free(&base[i]);
  mxm_json_free(&ev_cell);
  mxm_json_free(&s1);
  mxm_json_free(&s2);
  mxm_json_free(&syncs);
  mxm_error_set(err, MXM_E_NOMEM, ptr, "out of memory");
  return NULL;
}

struct mxm_json *mxmc_client_syncs(const struct mxm_json *group, const struct mxm_json *test, const char *ptr,
                                   const char **user, const char **room, struct mxm_error *err)
{
  struct expander x = {0, err};
  const struct mxm_json *compact = mxm_json_get(test, "syncs"), *cell = mxm_json_get(test, "cell");
  struct mxm_json *cell_compact = NULL, *out;
  char p[128];
  size_t i;
  *room = mxm_json_string(mxm_json_get(test, "room"));
  if(!*room)
    *room = mxm_json_string(mxm_json_get(group, "room"));
  if(!*room)
    *room = DEFAULT_ROOM;
  *user = mxm_json_string(mxm_json_get(test, "user"));
  if(!*user)
    *user = mxm_json_string(mxm_json_get(group, "user"));
  snprintf(p, sizeof(p), "%s/%s", ptr, cell ? "cell" : "syncs");
  if(cell) {
    cell_compact = cell_syncs(cell, p, user, err);
    if(!cell_compact)
      return NULL;
    compact = cell_compact;
  } else if(mxm_json_type(compact) != MXM_JSON_ARRAY) {
    mxm_error_set(err, MXM_E_MALFORMED, ptr, "a client test needs syncs (an array) or a cell");
    return NULL;
  }
  if(!*user) {
    mxm_error_set(err, MXM_E_MALFORMED, ptr, "a client test needs a user (in the test or its group)");
    mxm_json_free(&cell_compact);
    return NULL;
  }
  out = mxm_json_new_array();
  for(i = 0; out && i < mxm_json_array_len(compact); i++) {
    char ps[160];
    struct mxm_json *body;
    snprintf(ps, sizeof(ps), "%s/%zu", p, i);
    body = expand_sync(&x, mxm_json_array_get(compact, i), *room, i, ps);
    if(!body || mxm_json_array_add(out, body) != MXM_OK) {
      if(body)
        mxm_error_set(err, MXM_E_NOMEM, ps, "out of memory");
      mxm_json_free(&out);
    }
  }
  if(!out && err->status == MXM_OK)
    mxm_error_set(err, MXM_E_NOMEM, ptr, "out of memory");
  mxm_json_free(&cell_compact);
  return out;
}

/* ---- comparison ---- */

struct cmp {
  struct mxmc_buf why;
  size_t compared, not_expressed, wrong;
  size_t view;
};

/* "null" for JSON null, the string, or the value's type. */
static const char *show(const struct mxm_json *j)
{
  if(!j)
    return "(none)";
  if(mxm_json_type(j) == MXM_JSON_NULL)
    return "null";
  if(mxm_json_string(j))
    return mxm_json_string(j);
  return mxm_json_type_name(mxm_json_type(j));
}

static void wrong(struct cmp *c, const char *what, const struct mxm_json *got, const char *want)
{
  c->wrong++;
  mxmc_buf_printf(&c->why, "%ssync %zu: %s %s, expected %s", c->why.len ? "; " : "", c->view + 1, what, show(got),
                  want);
}

/* Compare a string-or-null field. */
static void field(struct cmp *c, const char *what, const struct mxm_json *want, const struct mxm_json *got_obj,
                  const char *key)
{
  const struct mxm_json *got = mxm_json_get(got_obj, key);
  if(!got) {
    c->not_expressed++;
    return;
  }
  c->compared++;
  if(mxm_json_type(want) == MXM_JSON_NULL ? mxm_json_type(got) != MXM_JSON_NULL
                                          : !mxm_json_string(got) || strcmp(mxm_json_string(got), show(want)) != 0)
    wrong(c, what, got, show(want));
}

struct member_ctx {
  struct cmp *c;
  const struct mxm_json *got; /* the response's members, or NULL */
};

static int member_cb(const char *user, size_t len, const struct mxm_json *want, void *ctx)
{
  struct member_ctx *m = ctx;
  static const char *const keys[] = {"membership", "displayname", "avatar_url"};
  const struct mxm_json *got;
  size_t i;
  char what[320];
  (void)len;
  if(!m->got) {
    m->c->not_expressed += mxm_json_type(want) == MXM_JSON_NULL ? 1 : mxm_json_object_len(want);
    return 0;
  }
  got = mxm_json_get(m->got, user);
  if(mxm_json_type(want) == MXM_JSON_NULL) {
    m->c->compared++;
    if(got && mxm_json_type(got) != MXM_JSON_NULL) {
      snprintf(what, sizeof(what), "member %s", user);
      wrong(m->c, what, mxm_json_get(got, "membership") ? mxm_json_get(got, "membership") : got,
            "absent (state that came only from the invite or knock)");
    }
    return 0;
  }
  if(!got || mxm_json_type(got) != MXM_JSON_OBJECT) {
    m->c->compared++;
    snprintf(what, sizeof(what), "member %s", user);
    wrong(m->c, what, NULL, "present");
    return 0;
  }
  for(i = 0; i < 3; i++) {
    const struct mxm_json *w = mxm_json_get(want, keys[i]);
    if(!w)
      continue;
    snprintf(what, sizeof(what), "%s of %s", keys[i], user);
    field(m->c, what, w, got, keys[i]);
  }
  return 0;
}

struct outcome_ctx {
  struct cmp *c;
  const struct mxm_json *got; /* the response's outcomes, or NULL */
};

static int outcome_cb(const char *event_id, size_t len, const struct mxm_json *want, void *ctx)
{
  struct outcome_ctx *o = ctx;
  const struct mxm_json *got = mxm_json_get(o->got, event_id);
  const char *g = mxm_json_string(got), *w = mxm_json_string(want);
  char what[320];
  int ok = 0;
  size_t i;
  (void)len;
  if(!g) {
    o->c->not_expressed++;
    return 0;
  }
  o->c->compared++;
  if(w)
    ok = strcmp(w, "either") == 0 || strcmp(w, g) == 0;
  for(i = 0; !w && i < mxm_json_array_len(want); i++) {
    const char *alt = mxm_json_string(mxm_json_array_get(want, i));
    ok |= alt && strcmp(alt, g) == 0;
  }
  if(!ok) {
    struct mxmc_buf alts = {0};
    for(i = 0; !w && i < mxm_json_array_len(want); i++)
      mxmc_buf_printf(&alts, "%s%s", i ? " or " : "", show(mxm_json_array_get(want, i)));
    snprintf(what, sizeof(what), "outcome of %s", event_id);
    wrong(o->c, what, got, w ? w : mxmc_buf_str(&alts));
    mxmc_buf_free(&alts);
  }
  return 0;
}

enum mxmc_outcome mxmc_client_compare(const struct mxm_json *expected, const struct mxm_json *resp,
                                      const char *room, char **why, size_t *compared, size_t *not_expressed)
{
  const struct mxm_json *views = mxm_json_get(resp, "views");
  const char *error = mxm_json_string(mxm_json_get(resp, "error"));
  struct cmp c;
  size_t i, n = mxm_json_array_len(expected);
  memset(&c, 0, sizeof(c));
  *why = NULL;
  *compared = *not_expressed = 0;
  if(error) {
    *why = mxmc_printf("the implementation could not apply the syncs: %s", error);
    return MXMC_ERROR;
  }
  if(mxm_json_type(views) != MXM_JSON_ARRAY || mxm_json_array_len(views) != n) {
    *why = mxmc_printf("the response has %zu views for %zu syncs", mxm_json_array_len(views), n);
    return MXMC_ERROR;
  }
  for(i = 0; i < n; i++) {
    const struct mxm_json *want = mxm_json_array_get(expected, i), *view = mxm_json_array_get(views, i);
    const struct mxm_json *rooms = mxm_json_get(view, "rooms"), *got;
    static const char *const keys[] = {"section", "membership", "name"};
    size_t k;
    c.view = i;
    if(mxm_json_string(mxm_json_get(view, "error"))) {
      *why = mxmc_printf("sync %zu: the implementation failed: %s", i + 1, mxm_json_string(mxm_json_get(view, "error")));
      mxmc_buf_free(&c.why);
      return MXMC_ERROR;
    }
    if(!rooms) {
      c.not_expressed += mxm_json_object_len(want);
      continue;
    }
    got = mxm_json_get(rooms, room);
    if(mxm_json_get(want, "room")) {
      c.compared++;
      if(got)
        wrong(&c, "room", mxm_json_get(got, "section"), "not shown");
      continue;
    }
    if(!got) {
      c.compared++;
      wrong(&c, "room", NULL, "shown");
      continue;
    }
    for(k = 0; k < 3; k++)
      if(mxm_json_get(want, keys[k]))
        field(&c, keys[k], mxm_json_get(want, keys[k]), got, keys[k]);
    if(mxm_json_get(want, "members")) {
      struct member_ctx m = {&c, mxm_json_get(got, "members")};
      (void)mxm_json_object_foreach(mxm_json_get(want, "members"), member_cb, &m);
    }
    if(mxm_json_get(want, "outcomes")) {
      struct outcome_ctx o = {&c, mxm_json_get(got, "outcomes")};
      (void)mxm_json_object_foreach(mxm_json_get(want, "outcomes"), outcome_cb, &o);
    }
  }
  *compared = c.compared;
  *not_expressed = c.not_expressed;
  if(c.why.failed) {
    mxmc_buf_free(&c.why);
    *why = mxmc_strdup("out of memory");
    return MXMC_ERROR;
  }
  if(c.wrong) {
    *why = mxmc_buf_take(&c.why);
    return MXMC_FAIL;
  }
  mxmc_buf_free(&c.why);
  return MXMC_PASS;
}
