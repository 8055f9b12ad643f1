/*
 * run.c: runs the cases of one file against a backend (the reference in
 * process, or an adapter) and turns each answer into a result: PASS, FAIL,
 * ERROR, SKIP, XFAIL or XPASS. One result per case x room version (auth, api
 * and sequence groups) or per case x era (transition groups).
 *
 * Which spec release a case runs at: the newest release in the case's range
 * (specReleases of the test, else of the group; the lower end defaults to
 * the release that introduced the room version) that the backend follows;
 * with --spec R exactly R, and a case whose range excludes R is skipped.
 *
 * Comparison (FORMAT.md): allow/reject must match, and the rule id too when
 * the backend reports rule ids; "invalid" passes with invalid or reject;
 * "either" passes with allow or reject. An adapter error or a fault is an
 * ERROR, never a pass.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

struct run {
  const struct mxmc_file *f;
  const struct mxmc_options *opt;
  struct mxmc_report *rep;
  struct mxmc_caps ref_caps;
  const struct mxmc_caps *caps;
  const char *suite;
  const struct mxm_json *notes;
  size_t done;
  int stop; /* a signal came or the report's output was closed: run no more cases */
};

/* ---- backend ---- */

struct mxm_json *mxmc_backend_call(struct mxmc_adapter *adapter, const struct mxm_json *req,
                                   const struct mxmc_room *room, char **fault)
{
  struct mxmc_ids ids;
  struct mxm_json *resp;
  *fault = NULL;
  if(adapter)
    return mxmc_adapter_call(adapter, req, fault);
  mxmc_room_ids(room, &ids);
  resp = mxmc_ref_answer_ids(req, &ids);
  if(!resp)
    *fault = mxmc_strdup("out of memory in the reference backend");
  return resp;
}

static struct mxm_json *call_backend(struct run *r, const struct mxm_json *req, const struct mxmc_room *room,
                                     char **fault)
{
  if(r->opt->dump) {
    char *line = mxm_json_to_string(req, NULL);
    if(line) {
      fprintf(r->opt->dump, "%s\n", line);
      fflush(r->opt->dump);
      free(line);
    }
  }
  return mxmc_backend_call(r->opt->adapter, req, room, fault);
}

/* ---- filters ---- */

/* 1 if the file part of a pattern (text[0..n)) names this file: its base
 * name, its suite, or a path ending in its base name
 * (conformance/cases/x_test.json). */
static int names_file(const struct run *r, const char *text, size_t n)
{
  size_t bl = strlen(r->f->name);
  if((n == bl && strncmp(text, r->f->name, n) == 0) ||
     (r->suite && strlen(r->suite) == n && strncmp(text, r->suite, n) == 0))
    return 1;
  return n > bl && text[n - bl - 1] == '/' && strncmp(text + n - bl, r->f->name, bl) == 0;
}

/* --only: does a pattern select case tc of this file, run at v (a room
 * version, or an era for transition cases), whose expected rule is rule?
 * Patterns: FILE or SUITE or PATH; FILE:TCID; TCID; a request id as
 * --dump-requests shows it (FILE#TCID@vV, FILE#TCID@ERA); a rule-id prefix. */
static int only_matches(const struct run *r, int64_t tc, const char *rule, const char *v, int is_era)
{
  size_t i;
  if(!r->opt->n_only)
    return 1;
  for(i = 0; i < r->opt->n_only; i++) {
    const char *p = r->opt->only[i];
    const char *hash = strrchr(p, '#');
    const char *colon = strrchr(p, ':');
    char *end;
    long long bare;
    if(names_file(r, p, strlen(p)))
      return 1;
    bare = strtoll(p, &end, 10);
    if(*p && *end == '\0' && bare == tc)
      return 1; /* a bare tcId: that case in every file */
    if(hash && names_file(r, p, (size_t)(hash - p))) {
      long long id = strtoll(hash + 1, &end, 10);
      if(end != hash + 1 && id == tc &&
         (*end == '\0' || (*end == '@' && v && strcmp(end + 1 + (!is_era && end[1] == 'v'), v) == 0)))
        return 1;
    }
    if(colon && !hash) {
      long long id = strtoll(colon + 1, &end, 10);
      if(*end == '\0' && end != colon + 1 && id == tc && names_file(r, p, (size_t)(colon - p)))
        return 1;
    }
    if(rule && strncmp(rule, p, strlen(p)) == 0)
      return 1;
  }
  return 0;
}

/* ---- text pieces ---- */

/* The test's flags as [{"name", "bugType", "description", "effect", "links"}],
 * each filled from the file's notes (FORMAT.md); NULL only on OOM. */
static struct mxm_json *flags_json(const struct run *r, const struct mxm_json *test)
{
  static const char *const fields[] = {"bugType", "description", "effect", "links"};
  const struct mxm_json *flags = mxm_json_get(test, "flags");
  struct mxm_json *arr = mxm_json_new_array();
  size_t i, k;
  for(i = 0; arr && i < mxm_json_array_len(flags); i++) {
    const char *name = mxm_json_string(mxm_json_array_get(flags, i));
    const struct mxm_json *note = mxm_json_get(r->notes, name ? name : "");
    struct mxm_json *o;
    if(!name)
      continue;
    o = mxm_json_new_object();
    if(!o || mxm_json_object_set(o, "name", mxm_json_new_string(name)) != MXM_OK) {
      mxm_json_free(&o);
      mxm_json_free(&arr);
      break;
    }
    for(k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
      if(mxm_json_get(note, fields[k]) &&
         mxm_json_object_set(o, fields[k], mxm_json_copy(mxm_json_get(note, fields[k]))) != MXM_OK) {
        mxm_json_free(&o);
        break;
      }
    if(!o || mxm_json_array_add(arr, o) != MXM_OK)
      mxm_json_free(&arr);
  }
  return arr;
}

/* The expected rule of exp for room version v (rule, or rules[v]). */
static const char *expected_rule(const struct mxm_json *exp, const char *v)
{
  const char *rule = mxm_json_string(mxm_json_get(exp, "rule"));
  if(rule)
    return rule;
  return mxm_json_string(mxm_json_get(mxm_json_get(exp, "rules"), v));
}

/* exp as the report shows it for room version v: a copy with "rules"
 * resolved to the one "rule" of v (NULL only on OOM). */
static struct mxm_json *expected_object(const struct mxm_json *exp, const char *v)
{
  struct mxm_json *o = mxm_json_copy(exp);
  const char *rule = expected_rule(exp, v);
  if(!o)
    return NULL;
  if(mxm_json_type(o) != MXM_JSON_OBJECT)
    return o;
  if(mxm_json_get(o, "rules")) {
    mxm_json_object_del(o, "rules");
    if(rule && mxm_json_object_set(o, "rule", mxm_json_new_string(rule)) != MXM_OK)
      mxm_json_free(&o);
  }
  return o;
}

static char *expected_text(const struct mxm_json *exp, const char *v)
{
  const char *auth = mxm_json_string(mxm_json_get(exp, "auth"));
  const char *rule = expected_rule(exp, v);
  if(!auth)
    return mxmc_strdup("(no auth verdict)");
  if(strcmp(auth, "invalid") == 0)
    return mxmc_strdup("invalid  (refused before the auth rules; reject also passes)");
  if(strcmp(auth, "either") == 0)
    return mxmc_strdup("either   (allow or reject: the spec does not settle it)");
  return mxmc_printf("%-8s by %s", auth, rule ? rule : "?");
}

static char *actual_text(const struct mxm_json *resp)
{
  const char *verdict = mxm_json_string(mxm_json_get(resp, "verdict"));
  const char *rule = mxm_json_string(mxm_json_get(resp, "rule"));
  const char *reason = mxm_json_string(mxm_json_get(resp, "reason"));
  if(!verdict)
    return mxmc_strdup("(no verdict)");
  if(rule)
    return mxmc_printf("%-8s by %s", verdict, rule);
  if(reason)
    return mxmc_printf("%-8s (%s)", verdict, reason);
  return mxmc_strdup(verdict);
}

/*
 * Compare an auth verdict (conform.h).
 */
enum mxmc_outcome mxmc_compare_auth(const struct mxm_json *exp, const char *v, const struct mxm_json *resp,
                                    int reports_rules, char **why)
{
  const char *want = mxm_json_string(mxm_json_get(exp, "auth"));
  const char *got = mxm_json_string(mxm_json_get(resp, "verdict"));
  const char *want_rule = expected_rule(exp, v);
  const char *got_rule = mxm_json_string(mxm_json_get(resp, "rule"));
  const char *error = mxm_json_string(mxm_json_get(resp, "error"));
  const struct mxm_json *want_tr = mxm_json_get(exp, "transition");
  const struct mxm_json *got_tr = mxm_json_get(resp, "transition");
  *why = NULL;
  if(error) {
    *why = mxmc_printf("the implementation could not decide: %s", error);
    return MXMC_ERROR;
  }
  if(!got || (strcmp(got, "allow") != 0 && strcmp(got, "reject") != 0 && strcmp(got, "invalid") != 0)) {
    *why = mxmc_printf("the response has no valid verdict (got %s)", got ? got : "none");
    return MXMC_ERROR;
  }
  if(!want)
    return MXMC_PASS;
  if(strcmp(want, "invalid") == 0) {
    if(strcmp(got, "allow") == 0) {
      *why = mxmc_strdup("an invalid event was allowed");
      return MXMC_FAIL;
    }
    return MXMC_PASS;
  }
  if(strcmp(want, "either") == 0) {
    if(strcmp(got, "invalid") == 0) {
      *why = mxmc_strdup("a valid event was refused as invalid");
      return MXMC_FAIL;
    }
    return MXMC_PASS;
  }
  if(strcmp(want, got) != 0) {
    *why = mxmc_printf("verdict %s, expected %s", got, want);
    return MXMC_FAIL;
  }
  if(reports_rules && want_rule && (!got_rule || strcmp(want_rule, got_rule) != 0)) {
    *why = mxmc_printf("right verdict, wrong rule: %s, expected %s", got_rule ? got_rule : "(none)", want_rule);
    return MXMC_FAIL;
  }
  if(want_tr && mxm_json_type(got_tr) == MXM_JSON_OBJECT) {
    static const char *const eras[] = {"r0", "v1.1", "v1.3"};
    size_t i;
    for(i = 0; i < 3; i++) {
      const char *w = mxm_json_string(mxm_json_get(want_tr, eras[i]));
      const char *g = mxm_json_string(mxm_json_get(got_tr, eras[i]));
      if(w && (!g || strcmp(w, g) != 0)) {
        *why = mxmc_printf("transition (%s era): %s, expected %s", eras[i], g ? g : "(none)", w);
        return MXMC_FAIL;
      }
    }
  }
  return MXMC_PASS;
}

static enum mxmc_outcome compare_auth(const struct run *r, const struct mxm_json *exp, const char *v,
                                      const struct mxm_json *resp, char **why)
{
  return mxmc_compare_auth(exp, v, resp, r->caps->reports_rules, why);
}

/* ---- results ---- */

static void emit(struct run *r, struct mxmc_result *res)
{
  if(mxmc_stop_signal) {
    /* the case was cut short by the signal (its adapter was killed): it has
     * no result; the report is finished as interrupted */
    mxmc_result_clear(res);
    r->stop = 1;
    return;
  }
  if(res->outcome == MXMC_FAIL || res->outcome == MXMC_PASS) {
    struct mxmc_xfail_entry *e =
        r->opt->xfail ? mxmc_xfail_find(r->opt->xfail, res->file, res->tc_id, res->room_version) : NULL;
    if(e && res->outcome == MXMC_FAIL) {
      char *m = mxmc_printf("expected failure: %s%s%s", e->reason, res->message ? "; " : "",
                            res->message ? res->message : "");
      e->matched = 1;
      free(res->message);
      res->message = m;
      res->outcome = MXMC_XFAIL;
    } else if(e) {
      e->passed = 1;
      free(res->message);
      res->message = mxmc_printf("listed as an expected failure (%s) but passed: remove the entry", e->reason);
      res->outcome = MXMC_XPASS;
    }
  }
  r->done++;
  if(r->opt->progress) {
    fprintf(stderr, "\r\033[K[%zu] %s %s #%lld %s", r->done, mxmc_outcome_name(res->outcome), res->file,
            (long long)res->tc_id, res->room_version);
    fflush(stderr);
  }
  mxmc_report_add(r->rep, res);
  if(mxmc_report_output_closed(r->rep))
    r->stop = 1;
}

static void result_init(struct run *r, struct mxmc_result *res, const struct mxm_json *test, const char *kind,
                        const char *v, const char *spec, const char *ptr)
{
  int64_t tc = -1;
  memset(res, 0, sizeof(*res));
  (void)mxm_json_int(mxm_json_get(test, "tcId"), &tc);
  res->file = mxmc_strdup(r->f->name);
  res->tc_id = tc;
  res->kind = mxmc_strdup(kind);
  res->room_version = mxmc_strdup(v ? v : "");
  res->release = mxmc_strdup(spec ? spec : "");
  res->citation = mxmc_strdup(mxm_json_string(mxm_json_get(test, "spec")) ? mxm_json_string(mxm_json_get(test, "spec")) : "");
  res->comment = mxmc_strdup(mxm_json_string(mxm_json_get(test, "comment")));
  res->flags = flags_json(r, test);
  res->pointer = mxmc_strdup(ptr);
}

/* ---- spec release choice ---- */

/* 0 and *spec set, or -1 and *why (owned) for a skip. */
static int choose_spec(const struct run *r, const struct mxm_json *group, const struct mxm_json *test,
                       const char *v, enum mxm_spec_release *spec, char **why)
{
  const struct mxm_json *range = mxm_json_get(test, "specReleases");
  enum mxm_spec_release from = MXM_SPEC_R0, to = MXM_SPEC_CURRENT, first;
  const char *fs, *ts;
  if(!range)
    range = mxm_json_get(group, "specReleases");
  fs = mxm_json_string(mxm_json_get(range, "from"));
  ts = mxm_json_string(mxm_json_get(range, "to"));
  if(fs && mxm_spec_parse(fs, &from) != MXM_OK)
    from = MXM_SPEC_R0;
  if(ts && mxm_spec_parse(ts, &to) != MXM_OK)
    to = MXM_SPEC_CURRENT;
  if(v) {
    first = mxmc_version_first_release(v);
    if(first > from)
      from = first;
  }
  if(r->opt->spec_given) {
    if(r->opt->spec < from || r->opt->spec > to) {
      *why = mxmc_printf("spec release %s is outside the case's range %s..%s", mxm_spec_name(r->opt->spec),
                         from <= MXM_SPEC_CURRENT ? mxm_spec_name(from) : "?", mxm_spec_name(to));
      return -1;
    }
    if(r->opt->spec < r->caps->spec_from || r->opt->spec > r->caps->spec_to) {
      *why = mxmc_printf("the implementation does not follow spec release %s", mxm_spec_name(r->opt->spec));
      return -1;
    }
    *spec = r->opt->spec;
    return 0;
  }
  if(to > r->caps->spec_to)
    to = r->caps->spec_to;
  if(from < r->caps->spec_from)
    from = r->caps->spec_from;
  if(from > to) {
    *why = mxmc_strdup("no spec release in the case's range is followed by the implementation");
    return -1;
  }
  *spec = to;
  return 0;
}

/* ---- kinds ---- */

static struct mxm_json *base_request(const char *type, const char *id)
{
  struct mxm_json *req = mxm_json_new_object();
  if(!req || mxm_json_object_set(req, "id", mxm_json_new_string(id)) != MXM_OK ||
     mxm_json_object_set(req, "type", mxm_json_new_string(type)) != MXM_OK)
    mxm_json_free(&req);
  return req;
}

static int add_room(struct mxm_json *req, const char *v, enum mxm_spec_release spec, const struct mxmc_room *room)
{
  if(mxm_json_object_set(req, "room_version", mxm_json_new_string(v)) != MXM_OK ||
     mxm_json_object_set(req, "spec_release", mxm_json_new_string(mxm_spec_name(spec))) != MXM_OK ||
     mxm_json_object_set(req, "state", mxm_json_ref(mxmc_room_state(room))) != MXM_OK ||
     mxm_json_object_set(req, "server_keys", mxm_json_ref(mxmc_room_server_keys(room))) != MXM_OK)
    return -1;
  return 0;
}

struct mxm_json *mxmc_request_new(const char *type, const char *id, const char *v, enum mxm_spec_release spec,
                                  const struct mxmc_room *room)
{
  struct mxm_json *req = base_request(type, id);
  if(req && add_room(req, v, spec, room))
    mxm_json_free(&req);
  return req;
}

enum mxm_status mxmc_request_auth_event(struct mxm_json *req, const struct mxmc_room *room, struct mxm_json *ev,
                                        char *text, int explicit_auth)
{
  enum mxm_status st = mxm_json_object_set(req, "check_auth_events", mxm_json_new_bool(explicit_auth));
  if(st == MXM_OK && mxmc_room_other_events(room))
    st = mxm_json_object_set(req, "other_events", mxm_json_ref(mxmc_room_other_events(room)));
  if(st == MXM_OK && ev) {
    st = mxm_json_object_set(req, "event", ev);
    ev = NULL;
  }
  if(st == MXM_OK && text)
    st = mxm_json_object_set(req, "event_text", mxm_json_new_string(text));
  mxm_json_free(&ev);
  free(text);
  return st;
}

struct mxm_json *mxmc_request_auth(struct mxmc_room *room, const struct mxm_json *holder, const char *holder_ptr,
                                   const char *v, enum mxm_spec_release spec, const char *id, struct mxm_error *err)
{
  struct mxm_json *ev = NULL, *req;
  char *text = NULL;
  int explicit_auth = 0;
  if(mxmc_room_expand_event(room, holder, holder_ptr, &ev, &text, &explicit_auth, err) != MXM_OK)
    return NULL;
  req = mxmc_request_new("auth", id, v, spec, room);
  if(!req) {
    mxm_json_free(&ev);
    free(text);
    return NULL;
  }
  if(mxmc_request_auth_event(req, room, ev, text, explicit_auth) != MXM_OK)
    mxm_json_free(&req);
  return req;
}

struct mxm_json *mxmc_request_sequence(struct mxmc_room *room, const struct mxm_json *steps, const char *ptr,
                                       const char *v, enum mxm_spec_release spec, const char *id,
                                       mxmc_accept_fn accept, void *ctx, struct mxm_error *err)
{
  struct mxm_json *req = mxmc_request_new("sequence", id, v, spec, room);
  struct mxm_json *out_steps = mxm_json_new_array();
  size_t i;
  /* the state before the first step: a copy, since accepted steps are
   * appended to the room being built */
  if(!req || !out_steps || mxm_json_object_set(req, "state", mxm_json_copy(mxmc_room_state(room))) != MXM_OK)
    goto fail;
  for(i = 0; i < mxm_json_array_len(steps); i++) {
    const struct mxm_json *step = mxm_json_array_get(steps, i);
    char sptr[128];
    struct mxm_json *ev = NULL, *so = mxm_json_new_object();
    char *text = NULL;
    int explicit_auth = 0, take;
    snprintf(sptr, sizeof(sptr), "%s/steps/%zu", ptr, i);
    if(!so || mxmc_room_expand_event(room, step, sptr, &ev, &text, &explicit_auth, err) != MXM_OK) {
      mxm_json_free(&so);
      goto fail;
    }
    take = ev ? accept(ctx, i, step, room, ev, explicit_auth) : 0;
    if(take < 0 || (take && mxmc_room_accept(room, ev, err) != MXM_OK)) {
      mxm_json_free(&ev);
      mxm_json_free(&so);
      free(text);
      goto fail;
    }
    if((ev && mxm_json_object_set(so, "event", ev) != MXM_OK) ||
       (text && mxm_json_object_set(so, "event_text", mxm_json_new_string(text)) != MXM_OK) ||
       mxm_json_object_set(so, "check_auth_events", mxm_json_new_bool(explicit_auth)) != MXM_OK) {
      free(text);
      mxm_json_free(&so);
      goto fail;
    }
    free(text);
    if(mxm_json_array_add(out_steps, so) != MXM_OK)
      goto fail; /* the failed add freed so */
  }
  /* server_keys may have grown while the steps were built */
  if(mxm_json_object_set(req, "server_keys", mxm_json_ref(mxmc_room_server_keys(room))) != MXM_OK) {
    mxm_json_free(&out_steps);
    goto fail;
  }
  if(mxm_json_object_set(req, "steps", out_steps) != MXM_OK) {
    out_steps = NULL;
    goto fail;
  }
  return req;
fail:
  mxm_json_free(&out_steps);
  mxm_json_free(&req);
  return NULL;
}

static void error_result(struct run *r, struct mxmc_result *res, char *message)
{
  res->outcome = MXMC_ERROR;
  res->message = message ? message : mxmc_strdup("out of memory");
  if(!res->actual)
    res->actual = mxmc_strdup("");
  emit(r, res);
}

/* Send *reqp to the backend and free it. On an adapter fault (or running out
 * of memory) the case is recorded as an error naming the fault and NULL is
 * returned; the caller then just cleans up and moves on. */
static struct mxm_json *exchange(struct run *r, struct mxm_json **reqp, const struct mxmc_room *room,
                                 struct mxmc_result *res)
{
  char *fault = NULL;
  double t0 = mxmc_now();
  struct mxm_json *resp = call_backend(r, *reqp, room, &fault);
  res->seconds = mxmc_now() - t0;
  mxm_json_free(reqp);
  if(!resp)
    error_result(r, res, mxmc_printf("adapter fault: %s", fault ? fault : "unknown"));
  free(fault);
  return resp;
}

static char *expansion_error(const struct mxm_error *err, const char *ptr)
{
  return mxmc_printf("cannot expand the case: %s%s%s (at %s%s)", mxm_status_name(err->status),
                     err->message[0] ? ": " : "", err->message, err->where[0] == '/' ? "" : ptr, err->where);
}

/* The area of the conformance matrix for an expected auth verdict. */
static char *area_of(const struct mxm_json *exp, const char *v)
{
  const char *rule = expected_rule(exp, v);
  const char *auth = mxm_json_string(mxm_json_get(exp, "auth"));
  char b[128];
  if(rule) {
    mxmc_rule_branch(rule, b, sizeof(b));
    return mxmc_strdup(b);
  }
  if(auth && strcmp(auth, "invalid") == 0)
    return mxmc_strdup("invalid event");
  return mxmc_strdup("ambiguous");
}

static void run_auth(struct run *r, const struct mxm_json *group, const struct mxm_json *test, const char *v,
                     const char *ptr)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  const struct mxm_json *exp = mxm_json_get(test, "expected");
  const char *gptr_end = strstr(ptr, "/tests/");
  struct mxmc_result res;
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  char *why = NULL, id[512], state_ptr[96];
  struct mxmc_room *room;
  struct mxm_error err;
  struct mxm_json *req, *resp;

  snprintf(state_ptr, sizeof(state_ptr), "%.*s/state", gptr_end ? (int)(gptr_end - ptr) : 0, ptr);
  if(choose_spec(r, group, test, v, &spec, &why)) {
    result_init(r, &res, test, "auth", v, "", ptr);
    res.outcome = MXMC_SKIP;
    res.message = why;
    res.area = area_of(exp, v);
    emit(r, &res);
    return;
  }
  result_init(r, &res, test, "auth", v, mxm_spec_name(spec), ptr);
  res.area = area_of(exp, v);
  res.expected = expected_text(exp, v);
  res.expected_json = expected_object(exp, v);
  mxm_error_clear(&err);
  if(!rv) {
    error_result(r, &res, mxmc_printf("unknown room version \"%s\"", v));
    return;
  }
  room = mxmc_room_build(rv, spec, mxm_json_get(group, "state"), state_ptr, &err);
  if(!room) {
    error_result(r, &res, expansion_error(&err, state_ptr));
    return;
  }
  snprintf(id, sizeof(id), "%s#%lld@v%s", r->f->name, (long long)res.tc_id, v);
  req = mxmc_request_auth(room, test, ptr, v, spec, id, &err);
  if(!req) {
    mxmc_room_free(&room);
    error_result(r, &res, err.status != MXM_OK ? expansion_error(&err, ptr) : NULL);
    return;
  }
  resp = exchange(r, &req, room, &res);
  mxmc_room_free(&room);
  if(!resp)
    return;
  res.actual = actual_text(resp);
  res.outcome = compare_auth(r, exp, v, resp, &res.message);
  res.response = resp;
  emit(r, &res);
}

static void run_transition(struct run *r, const struct mxm_json *test, const char *ptr, int64_t tc)
{
  const struct mxm_json *tr = mxm_json_get(mxm_json_get(test, "expected"), "transition");
  static const char *const eras[] = {"r0", "v1.1", "v1.3"};
  const char *from = mxm_json_string(mxm_json_get(test, "from"));
  const char *to = mxm_json_string(mxm_json_get(test, "to"));
  size_t i;
  for(i = 0; i < 3; i++) {
    const struct mxm_json *cell = mxm_json_get(tr, eras[i]);
    const char *want = mxm_json_string(mxm_json_get(cell, "outcome"));
    const char *want_text = mxm_json_string(mxm_json_get(cell, "text"));
    struct mxmc_result res;
    struct mxm_json *req, *resp;
    char id[512];
    int self = 0, changed = 0;
    enum mxm_spec_release era_spec = i == 0 ? MXM_SPEC_R0 : i == 1 ? MXM_SPEC_V1_1 : MXM_SPEC_V1_3;
    if(!cell || r->stop)
      continue;
    if(!only_matches(r, tc, "transition", eras[i], 1))
      continue;
    if(r->opt->spec_given && mxm_era_of(r->opt->spec) != (enum mxm_era)i)
      continue; /* another era's table: not this run's spec */
    result_init(r, &res, test, "transition", "", eras[i], ptr);
    res.area = mxmc_strdup("transition");
    res.trans_from = from ? (int)mxm_membership_parse(from) : 0;
    res.trans_to = to ? (int)mxm_membership_parse(to) : 0;
    res.expected = mxmc_printf("%s  \"%s\"", want ? want : "?", want_text ? want_text : "");
    res.expected_json = mxm_json_new_object();
    if(res.expected_json && (mxm_json_object_set(res.expected_json, "era", mxm_json_new_string(eras[i])) != MXM_OK ||
                             mxm_json_object_set(res.expected_json, "transition", mxm_json_copy(cell)) != MXM_OK))
      mxm_json_free(&res.expected_json);
    if(!(r->caps->layers & MXMC_LAYER_TRANSITION) || era_spec < r->caps->spec_from || era_spec > r->caps->spec_to) {
      res.outcome = MXMC_SKIP;
      res.message = !(r->caps->layers & MXMC_LAYER_TRANSITION)
                        ? mxmc_strdup("the implementation does not answer the transition layer")
                        : mxmc_printf("the implementation does not follow the %s era", eras[i]);
      emit(r, &res);
      continue;
    }
    (void)mxm_json_bool(mxm_json_get(test, "self"), &self);
    (void)mxm_json_bool(mxm_json_get(test, "profileChanged"), &changed);
    snprintf(id, sizeof(id), "%s#%lld@%s", r->f->name, (long long)res.tc_id, eras[i]);
    req = base_request("transition", id);
    if(!req || mxm_json_object_set(req, "era", mxm_json_new_string(eras[i])) != MXM_OK ||
       mxm_json_object_set(req, "from", mxm_json_new_string(from ? from : "")) != MXM_OK ||
       mxm_json_object_set(req, "to", mxm_json_new_string(to ? to : "")) != MXM_OK ||
       mxm_json_object_set(req, "self", mxm_json_new_bool(self)) != MXM_OK ||
       mxm_json_object_set(req, "profile_changed", mxm_json_new_bool(changed)) != MXM_OK) {
      mxm_json_free(&req);
      error_result(r, &res, NULL);
      continue;
    }
    resp = exchange(r, &req, NULL, &res);
    if(!resp)
      continue;
    {
      const char *got = mxm_json_string(mxm_json_get(resp, "outcome"));
      const char *got_text = mxm_json_string(mxm_json_get(resp, "text"));
      const char *error = mxm_json_string(mxm_json_get(resp, "error"));
      res.actual = mxmc_printf("%s  \"%s\"", got ? got : "(none)", got_text ? got_text : "");
      if(error) {
        res.outcome = MXMC_ERROR;
        res.message = mxmc_printf("the implementation could not classify: %s", error);
      } else if(!got) {
        res.outcome = MXMC_ERROR;
        res.message = mxmc_strdup("the response has no outcome");
      } else if(!want || strcmp(got, want) != 0) {
        res.outcome = MXMC_FAIL;
        res.message = mxmc_printf("outcome %s, expected %s", got, want ? want : "?");
      } else if(got_text && want_text && strcmp(got_text, want_text) != 0) {
        res.outcome = MXMC_FAIL;
        res.message = mxmc_strdup("right outcome, wrong cell text");
      } else {
        res.outcome = MXMC_PASS;
      }
    }
    res.response = resp;
    emit(r, &res);
  }
}

static void run_api(struct run *r, const struct mxm_json *group, const struct mxm_json *test, const char *v,
                    const char *ptr)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  const struct mxm_json *exp = mxm_json_get(test, "expected");
  const struct mxm_json *exp_api = mxm_json_get(exp, "api");
  const struct mxm_json *call = mxm_json_get(test, "call");
  const char *endpoint = mxm_json_string(mxm_json_get(call, "endpoint"));
  const char *gptr_end = strstr(ptr, "/tests/");
  struct mxmc_result res;
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  char *why = NULL, id[512], state_ptr[96];
  struct mxmc_room *room;
  struct mxm_error err;
  struct mxm_json *req, *resp;
  const char *want = mxm_json_string(mxm_json_get(exp_api, "verdict"));
  int64_t want_status = 0;
  const char *want_err = mxm_json_string(mxm_json_get(exp_api, "errcode"));

  snprintf(state_ptr, sizeof(state_ptr), "%.*s/state", gptr_end ? (int)(gptr_end - ptr) : 0, ptr);
  (void)mxm_json_int(mxm_json_get(exp_api, "status"), &want_status);
  if(choose_spec(r, group, test, v, &spec, &why)) {
    result_init(r, &res, test, "api", v, "", ptr);
    res.outcome = MXMC_SKIP;
    res.message = why;
    res.area = mxmc_printf("api.%s", endpoint ? endpoint : "?");
    emit(r, &res);
    return;
  }
  result_init(r, &res, test, "api", v, mxm_spec_name(spec), ptr);
  res.area = mxmc_printf("api.%s", endpoint ? endpoint : "?");
  {
    char *auth_part = mxm_json_get(exp, "auth") ? expected_text(exp, v) : NULL;
    if(want && strcmp(want, "refused") == 0)
      res.expected = mxmc_printf("api refused %lld %s%s%s", (long long)want_status, want_err ? want_err : "",
                                 auth_part ? "; auth " : "", auth_part ? auth_part : "");
    else
      res.expected = mxmc_printf("api %s%s%s", want ? want : "?", auth_part ? "; auth " : "", auth_part ? auth_part : "");
    free(auth_part);
    res.expected_json = expected_object(exp, v);
  }
  mxm_error_clear(&err);
  if(!rv) {
    error_result(r, &res, mxmc_printf("unknown room version \"%s\"", v));
    return;
  }
  room = mxmc_room_build(rv, spec, mxm_json_get(group, "state"), state_ptr, &err);
  if(!room) {
    error_result(r, &res, expansion_error(&err, state_ptr));
    return;
  }
  snprintf(id, sizeof(id), "%s#%lld@v%s", r->f->name, (long long)res.tc_id, v);
  req = base_request("api", id);
  if(!req || add_room(req, v, spec, room) || mxm_json_object_set(req, "call", mxm_json_copy(call)) != MXM_OK) {
    mxm_json_free(&req);
    mxmc_room_free(&room);
    error_result(r, &res, NULL);
    return;
  }
  resp = exchange(r, &req, room, &res);
  mxmc_room_free(&room);
  if(!resp)
    return;
  {
    const struct mxm_json *api = mxm_json_get(resp, "api");
    const char *got = mxm_json_string(mxm_json_get(api, "verdict"));
    const char *got_err = mxm_json_string(mxm_json_get(api, "errcode"));
    const char *error = mxm_json_string(mxm_json_get(resp, "error"));
    int64_t got_status = 0;
    char *auth_actual = mxm_json_get(resp, "verdict") ? actual_text(resp) : NULL;
    (void)mxm_json_int(mxm_json_get(api, "status"), &got_status);
    if(got && strcmp(got, "refused") == 0)
      res.actual = mxmc_printf("api refused %lld %s%s%s", (long long)got_status, got_err ? got_err : "",
                               auth_actual ? "; auth " : "", auth_actual ? auth_actual : "");
    else
      res.actual = mxmc_printf("api %s%s%s", got ? got : "(none)", auth_actual ? "; auth " : "",
                               auth_actual ? auth_actual : "");
    free(auth_actual);
    if(error) {
      res.outcome = MXMC_ERROR;
      res.message = mxmc_printf("the implementation could not decide: %s", error);
    } else if(!got) {
      res.outcome = MXMC_ERROR;
      res.message = mxmc_strdup("the response has no api verdict");
    } else if(want && strcmp(want, "either") != 0 && strcmp(want, got) != 0) {
      res.outcome = MXMC_FAIL;
      res.message = mxmc_printf("api verdict %s, expected %s", got, want);
    } else if(want && strcmp(want, "refused") == 0 &&
              (got_status != want_status || !got_err || !want_err || strcmp(got_err, want_err) != 0)) {
      res.outcome = MXMC_FAIL;
      res.message = mxmc_strdup("refused, but with another status or errcode");
    } else if(mxm_json_get(exp, "auth") && !mxm_json_get(resp, "verdict")) {
      res.outcome = MXMC_FAIL;
      res.message = mxmc_strdup("the endpoint sent no event, but the case expects the auth verdict of the event it sends");
    } else if(!mxm_json_get(exp, "auth") && mxm_json_get(resp, "verdict") && want && strcmp(want, "refused") == 0) {
      res.outcome = MXMC_FAIL;
      res.message = mxmc_strdup("the endpoint refused but still sent an event");
    } else if(mxm_json_get(exp, "auth")) {
      res.outcome = compare_auth(r, exp, v, resp, &res.message);
    } else {
      res.outcome = MXMC_PASS;
    }
  }
  res.response = resp;
  emit(r, &res);
}

/* The runner's rule for sequences: a step expected to be allowed becomes
 * part of the state the next steps are built on (their prev_events and
 * auth_events). */
static int accept_expected_allow(void *ctx, size_t step_index, const struct mxm_json *step, struct mxmc_room *room,
                                 const struct mxm_json *ev, int explicit_auth)
{
  const char *want = mxm_json_string(mxm_json_get(mxm_json_get(step, "expected"), "auth"));
  (void)ctx;
  (void)step_index;
  (void)room;
  (void)ev;
  (void)explicit_auth;
  return want && strcmp(want, "allow") == 0;
}

static void run_sequence(struct run *r, const struct mxm_json *group, const struct mxm_json *test, const char *v,
                         const char *ptr)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  const struct mxm_json *steps = mxm_json_get(test, "steps");
  const char *gptr_end = strstr(ptr, "/tests/");
  struct mxmc_result res;
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  char *why = NULL, id[512], state_ptr[96];
  struct mxmc_room *room;
  struct mxm_error err;
  struct mxm_json *req, *resp;
  size_t i;

  snprintf(state_ptr, sizeof(state_ptr), "%.*s/state", gptr_end ? (int)(gptr_end - ptr) : 0, ptr);
  if(choose_spec(r, group, test, v, &spec, &why)) {
    result_init(r, &res, test, "sequence", v, "", ptr);
    res.outcome = MXMC_SKIP;
    res.message = why;
    res.area = mxmc_strdup("sequence");
    emit(r, &res);
    return;
  }
  result_init(r, &res, test, "sequence", v, mxm_spec_name(spec), ptr);
  res.area = mxmc_strdup("sequence");
  res.expected = mxmc_printf("%zu steps as listed", mxm_json_array_len(steps));
  res.expected_json = mxm_json_new_object();
  {
    struct mxm_json *arr = mxm_json_new_array();
    for(i = 0; arr && i < mxm_json_array_len(steps); i++)
      if(mxm_json_array_add(arr, expected_object(mxm_json_get(mxm_json_array_get(steps, i), "expected"), v)) != MXM_OK)
        mxm_json_free(&arr);
    if(res.expected_json && mxm_json_object_set(res.expected_json, "steps", arr) != MXM_OK)
      mxm_json_free(&res.expected_json);
  }
  mxm_error_clear(&err);
  if(!rv) {
    error_result(r, &res, mxmc_printf("unknown room version \"%s\"", v));
    return;
  }
  room = mxmc_room_build(rv, spec, mxm_json_get(group, "state"), state_ptr, &err);
  if(!room) {
    error_result(r, &res, expansion_error(&err, state_ptr));
    return;
  }
  snprintf(id, sizeof(id), "%s#%lld@v%s", r->f->name, (long long)res.tc_id, v);
  /* Every step is built up front; the expected verdicts come from the case,
   * so this never depends on the implementation's answers. */
  req = mxmc_request_sequence(room, steps, ptr, v, spec, id, accept_expected_allow, NULL, &err);
  if(!req) {
    mxmc_room_free(&room);
    error_result(r, &res, err.status != MXM_OK ? expansion_error(&err, ptr) : NULL);
    return;
  }
  resp = exchange(r, &req, room, &res);
  mxmc_room_free(&room);
  if(!resp)
    return;
  {
    const struct mxm_json *got_steps = mxm_json_get(resp, "steps");
    const char *error = mxm_json_string(mxm_json_get(resp, "error"));
    struct mxmc_buf actual = {0};
    res.outcome = MXMC_PASS;
    if(error) {
      res.outcome = MXMC_ERROR;
      res.message = mxmc_printf("the implementation could not run the sequence: %s", error);
    } else if(mxm_json_array_len(got_steps) != mxm_json_array_len(steps)) {
      res.outcome = MXMC_ERROR;
      res.message = mxmc_printf("the response has %zu step results for %zu steps", mxm_json_array_len(got_steps),
                                mxm_json_array_len(steps));
    }
    for(i = 0; res.outcome == MXMC_PASS && i < mxm_json_array_len(steps); i++) {
      const struct mxm_json *exp = mxm_json_get(mxm_json_array_get(steps, i), "expected");
      const struct mxm_json *got = mxm_json_array_get(got_steps, i);
      char *why_step = NULL, *a = actual_text(got), *e = expected_text(exp, v);
      enum mxmc_outcome o = compare_auth(r, exp, v, got, &why_step);
      mxmc_buf_printf(&actual, "%s%zu: %s", actual.len ? "; " : "", i + 1, a);
      if(o != MXMC_PASS) {
        res.outcome = o;
        res.message = mxmc_printf("step %zu: %s (expected %s)", i + 1, why_step ? why_step : "", e);
        free(res.expected);
        res.expected = mxmc_printf("step %zu: %s", i + 1, e);
        free(res.actual);
        res.actual = mxmc_printf("step %zu: %s", i + 1, a);
      }
      free(why_step);
      free(a);
      free(e);
    }
    if(!res.actual)
      res.actual = mxmc_buf_take(&actual);
    mxmc_buf_free(&actual);
  }
  res.response = resp;
  emit(r, &res);
}

/* A client case: its syncs expanded, one request, the views compared field
 * by field (client_case.c). Runs once, at the newest release of its range
 * the backend follows; client cases name no room version. */
static void run_client(struct run *r, const struct mxm_json *group, const struct mxm_json *test, const char *ptr,
                       int64_t tc)
{
  const struct mxm_json *exp = mxm_json_get(test, "expected");
  struct mxmc_result res;
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  struct mxm_json *req, *resp, *syncs;
  struct mxm_error err;
  const char *user = NULL, *room = NULL;
  size_t compared = 0, not_expressed = 0;
  char *why = NULL, id[512];
  int skip = choose_spec(r, group, test, NULL, &spec, &why);
  if(!only_matches(r, tc, "client", skip ? NULL : mxm_spec_name(spec), 1)) {
    free(why);
    return;
  }
  result_init(r, &res, test, "client", "", skip ? "" : mxm_spec_name(spec), ptr);
  res.area = mxmc_strdup("client");
  res.expected = mxmc_printf("the view after each of %zu syncs", mxm_json_array_len(exp));
  res.expected_json = mxm_json_new_object();
  if(res.expected_json && mxm_json_object_set(res.expected_json, "views", mxm_json_copy(exp)) != MXM_OK)
    mxm_json_free(&res.expected_json);
  if(!(r->caps->layers & MXMC_LAYER_CLIENT) || skip) {
    res.outcome = MXMC_SKIP;
    res.message = skip ? why : mxmc_strdup("the implementation does not answer the client layer");
    if(!skip)
      free(why);
    emit(r, &res);
    return;
  }
  memset(&err, 0, sizeof(err));
  syncs = mxmc_client_syncs(group, test, ptr, &user, &room, &err);
  if(!syncs) {
    error_result(r, &res, expansion_error(&err, ptr));
    return;
  }
  snprintf(id, sizeof(id), "%s#%lld@%s", r->f->name, (long long)res.tc_id, mxm_spec_name(spec));
  req = base_request("client", id);
  if(!req || mxm_json_object_set(req, "spec_release", mxm_json_new_string(mxm_spec_name(spec))) != MXM_OK ||
     mxm_json_object_set(req, "user_id", mxm_json_new_string(user)) != MXM_OK ||
     mxm_json_object_set(req, "syncs", syncs) != MXM_OK) {
    if(!req)
      mxm_json_free(&syncs);
    mxm_json_free(&req);
    error_result(r, &res, NULL);
    return;
  }
  resp = exchange(r, &req, NULL, &res);
  if(!resp)
    return;
  res.outcome = mxmc_client_compare(exp, resp, room, &res.message, &compared, &not_expressed);
  res.actual = mxmc_printf("%zu fields compared, %zu not expressed", compared, not_expressed);
  if(res.outcome == MXMC_PASS && not_expressed)
    res.message = mxmc_printf("%zu expected fields not expressed by the implementation", not_expressed);
  res.not_expressed = not_expressed;
  res.response = resp;
  emit(r, &res);
}

/* ---- file ---- */

static int version_wanted(const struct run *r, const char *v)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  if(!rv)
    return 1; /* reported as an error */
  if(r->opt->room_versions && !(r->opt->room_versions & ((uint32_t)1 << rv->number)))
    return 0;
  return 1;
}

void mxmc_run_file(const struct mxmc_file *f, const struct mxmc_options *opt, struct mxmc_report *rep)
{
  struct run r;
  const struct mxm_json *groups;
  size_t gi;
  memset(&r, 0, sizeof(r));
  r.f = f;
  r.opt = opt;
  r.rep = rep;
  if(opt->adapter) {
    r.caps = mxmc_adapter_caps(opt->adapter);
  } else {
    mxmc_ref_caps(&r.ref_caps);
    r.caps = &r.ref_caps;
  }
  r.suite = mxm_json_string(mxm_json_get(f->root, "suite"));
  r.notes = mxm_json_get(f->root, "notes");
  groups = mxm_json_get(f->root, "testGroups");
  for(gi = 0; gi < mxm_json_array_len(groups) && !r.stop && !mxmc_stop_signal; gi++) {
    const struct mxm_json *g = mxm_json_array_get(groups, gi);
    const char *kind = mxm_json_string(mxm_json_get(g, "kind"));
    const struct mxm_json *tests = mxm_json_get(g, "tests");
    int layer;
    size_t ti;
    if(!kind)
      kind = "auth";
    layer = mxmc_layer_parse(kind);
    if(opt->layers && !(opt->layers & (unsigned)layer))
      continue;
    for(ti = 0; ti < mxm_json_array_len(tests) && !r.stop && !mxmc_stop_signal; ti++) {
      const struct mxm_json *t = mxm_json_array_get(tests, ti);
      const struct mxm_json *versions = mxm_json_get(t, "roomVersions");
      char ptr[96];
      int64_t tc = -1;
      size_t vi;
      (void)mxm_json_int(mxm_json_get(t, "tcId"), &tc);
      snprintf(ptr, sizeof(ptr), "/testGroups/%zu/tests/%zu", gi, ti);
      if(!versions)
        versions = mxm_json_get(g, "roomVersions");
      if(strcmp(kind, "transition") == 0) {
        run_transition(&r, t, ptr, tc);
        continue;
      }
      if(strcmp(kind, "client") == 0) {
        run_client(&r, g, t, ptr, tc);
        continue;
      }
      for(vi = 0; vi < mxm_json_array_len(versions) && !r.stop && !mxmc_stop_signal; vi++) {
        const char *v = mxm_json_string(mxm_json_array_get(versions, vi));
        const struct mxm_json *exp = mxm_json_get(t, "expected");
        const struct mxm_room_version *rv;
        if(!v || !version_wanted(&r, v))
          continue;
        if(!only_matches(&r, tc, expected_rule(exp, v), v, 0))
          continue;
        rv = mxm_room_version_find(v);
        if(!(r.caps->layers & (unsigned)layer) ||
           (rv && !(r.caps->room_versions & ((uint32_t)1 << rv->number)))) {
          struct mxmc_result res;
          result_init(&r, &res, t, kind, v, "", ptr);
          res.outcome = MXMC_SKIP;
          res.area = strcmp(kind, "auth") == 0 ? area_of(exp, v) : mxmc_strdup(kind);
          res.message = mxmc_printf("the implementation does not support %s in room version %s",
                                    !(r.caps->layers & (unsigned)layer) ? kind : "this case", v);
          emit(&r, &res);
          continue;
        }
        if(strcmp(kind, "auth") == 0)
          run_auth(&r, g, t, v, ptr);
        else if(strcmp(kind, "api") == 0)
          run_api(&r, g, t, v, ptr);
        else if(strcmp(kind, "sequence") == 0)
          run_sequence(&r, g, t, v, ptr);
      }
    }
  }
  mxmc_caps_clear(&r.ref_caps);
  if(opt->progress)
    fprintf(stderr, "\r\033[K");
}
