/*
 * report.c: results into reports (text, tap, junit, json, markdown, html).
 *
 * tap and json stream each result as it arrives and flush, so nothing
 * already decided is lost; text, junit, markdown and html are written whole
 * at the end, summary first. conform_main.c writes every report file under
 * a temporary name and renames it into place, and an interrupted run still
 * finishes its report, marked "interrupted" (mxmc_report_interrupted).
 *
 * What a person reads: failures grouped by case (the room versions that
 * failed the same way listed together), ordered by rule area (the order of
 * the reference's rule table, so the basic member rules come first) with the
 * cases flagged DIVERGENCE last. Each shows the case's spec citation, each
 * flag's description, effect and links, the expected verdict and rule, and
 * what the implementation answered: the backend's whole response is kept
 * per result, and every field of it is shown (reason first), so a layer that
 * answers more fields needs no change here.
 *
 * Run metadata (implementation, spec, corpus, versions, ...) is one ordered
 * list of key/value strings, set with mxmc_report_meta; every format shows
 * all of it (text and markdown header, JSON "summary"."run", JUnit
 * properties, HTML header).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

#define MD_LIMIT 65536 /* characters a GitHub pull-request comment holds */

struct file_error {
  char *file;    /* owned */
  char *message; /* owned */
};

struct meta {
  char *key, *value; /* owned */
};

struct mxmc_report {
  enum mxmc_format fmt;
  FILE *out;
  int verbose;
  struct mxmc_result *results; /* owned */
  size_t n, cap;
  struct file_error *ferrs; /* owned */
  size_t n_ferrs;
  size_t counts[MXMC_N_OUTCOMES];
  size_t tap_n;
  struct meta *meta; /* owned */
  size_t n_meta;
  char *backend;     /* owned: headline; also in meta */
  char *spec_note;   /* owned: headline; also in meta */
  unsigned restarts;
  char *interrupted; /* owned: why the run stopped early, or NULL */
  int write_failed;
  int output_closed; /* a write failed with EPIPE */
};

const char *mxmc_outcome_name(enum mxmc_outcome o)
{
  switch(o) {
  case MXMC_PASS:
    return "PASS";
  case MXMC_FAIL:
    return "FAIL";
  case MXMC_ERROR:
    return "ERROR";
  case MXMC_SKIP:
    return "SKIP";
  case MXMC_XFAIL:
    return "XFAIL";
  case MXMC_XPASS:
    return "XPASS";
  }
  return "?";
}

int mxmc_format_parse(const char *s, enum mxmc_format *out)
{
  static const struct {
    const char *name;
    enum mxmc_format fmt;
  } table[] = {{"text", MXMC_FMT_TEXT}, {"tap", MXMC_FMT_TAP},           {"junit", MXMC_FMT_JUNIT},
               {"json", MXMC_FMT_JSON}, {"markdown", MXMC_FMT_MARKDOWN}, {"html", MXMC_FMT_HTML}};
  size_t i;
  for(i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    if(strcmp(s, table[i].name) == 0) {
      *out = table[i].fmt;
      return 0;
    }
  return -1;
}

struct mxmc_report *mxmc_report_new(enum mxmc_format fmt, FILE *out, int verbose)
{
  struct mxmc_report *rep = calloc(1, sizeof(*rep));
  if(!rep)
    return NULL;
  rep->fmt = fmt;
  rep->out = out;
  rep->verbose = verbose;
  if(fmt == MXMC_FMT_TAP)
    fprintf(out, "TAP version 13\n");
  return rep;
}

void mxmc_report_meta(struct mxmc_report *rep, const char *key, const char *value)
{
  size_t i;
  struct meta *n;
  char *v = mxmc_strdup(value ? value : "");
  if(!v) {
    rep->write_failed = 1;
    return;
  }
  for(i = 0; i < rep->n_meta; i++)
    if(strcmp(rep->meta[i].key, key) == 0) {
      free(rep->meta[i].value);
      rep->meta[i].value = v;
      return;
    }
  n = realloc(rep->meta, (rep->n_meta + 1) * sizeof(*n));
  if(!n || !(n[rep->n_meta].key = mxmc_strdup(key))) {
    if(n)
      rep->meta = n;
    free(v);
    rep->write_failed = 1;
    return;
  }
  rep->meta = n;
  n[rep->n_meta++].value = v;
}

void mxmc_report_set_info(struct mxmc_report *rep, const char *backend, const char *spec_note, unsigned restarts)
{
  char num[32];
  free(rep->backend);
  free(rep->spec_note);
  rep->backend = mxmc_strdup(backend);
  rep->spec_note = mxmc_strdup(spec_note);
  rep->restarts = restarts;
  mxmc_report_meta(rep, "implementation", backend);
  mxmc_report_meta(rep, "spec", spec_note);
  snprintf(num, sizeof(num), "%u", restarts);
  mxmc_report_meta(rep, "adapter restarts", num);
}

void mxmc_report_interrupted(struct mxmc_report *rep, const char *why)
{
  free(rep->interrupted);
  rep->interrupted = mxmc_strdup(why ? why : "interrupted");
}

void mxmc_result_clear(struct mxmc_result *r)
{
  free(r->file);
  free(r->kind);
  free(r->room_version);
  free(r->release);
  free(r->citation);
  free(r->comment);
  free(r->area);
  free(r->expected);
  mxm_json_free(&r->expected_json);
  free(r->actual);
  mxm_json_free(&r->response);
  mxm_json_free(&r->flags);
  free(r->message);
  free(r->pointer);
  memset(r, 0, sizeof(*r));
}

static const char *nz(const char *s)
{
  return s ? s : "";
}

/* ---- escaping, into a buffer ---- */

static void add_json_str(struct mxmc_buf *b, const char *s)
{
  mxmc_buf_json_string(b, s ? s : "");
}

static void add_json_val(struct mxmc_buf *b, const struct mxm_json *j)
{
  char *s = j ? mxm_json_to_string(j, NULL) : NULL;
  mxmc_buf_add(b, s ? s : "null");
  if(j && !s)
    b->failed = 1;
  free(s);
}

static void add_xml(struct mxmc_buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *)nz(s);
  for(; *p; p++) {
    switch(*p) {
    case '<':
      mxmc_buf_add(b, "&lt;");
      break;
    case '>':
      mxmc_buf_add(b, "&gt;");
      break;
    case '&':
      mxmc_buf_add(b, "&amp;");
      break;
    case '"':
      mxmc_buf_add(b, "&quot;");
      break;
    case '\'':
      mxmc_buf_add(b, "&#39;");
      break;
    default:
      if(*p < 0x20 && *p != '\n' && *p != '\t')
        mxmc_buf_add(b, "?"); /* not representable in XML 1.0 */
      else
        mxmc_buf_addn(b, (const char *)p, 1);
    }
  }
}

/* Markdown table cell or list text: one line, no table breaks, no HTML. */
static void add_md(struct mxmc_buf *b, const char *s)
{
  const char *p = nz(s);
  for(; *p; p++) {
    if(*p == '|')
      mxmc_buf_add(b, "\\|");
    else if(*p == '\n' || *p == '\r')
      mxmc_buf_add(b, " ");
    else if(*p == '<')
      mxmc_buf_add(b, "&lt;");
    else if(*p == '>')
      mxmc_buf_add(b, "&gt;");
    else if(*p == '`')
      mxmc_buf_add(b, "'");
    else
      mxmc_buf_addn(b, p, 1);
  }
}

/* "v1-v5, v7, v9-v12" for room-version bits. */
static void add_versions(struct mxmc_buf *b, uint32_t set)
{
  int v, first = 1;
  for(v = 1; v < 32; v++) {
    int end = v;
    if(!(set & ((uint32_t)1 << v)))
      continue;
    while(end + 1 < 32 && (set & ((uint32_t)1 << (end + 1))))
      end++;
    if(end == v)
      mxmc_buf_printf(b, "%sv%d", first ? "" : ", ", v);
    else
      mxmc_buf_printf(b, "%sv%d-v%d", first ? "" : ", ", v, end);
    first = 0;
    v = end;
  }
}

static void flush_buf(struct mxmc_report *rep, struct mxmc_buf *b)
{
  if(b->failed)
    rep->write_failed = 1;
  if(rep->output_closed) {
    mxmc_buf_free(b);
    return;
  }
  errno = 0;
  if((b->len && fwrite(b->data, 1, b->len, rep->out) != b->len) || fflush(rep->out) != 0) {
    rep->write_failed = 1;
    if(errno == EPIPE)
      rep->output_closed = 1;
  }
  mxmc_buf_free(b);
}

int mxmc_report_output_closed(const struct mxmc_report *rep)
{
  return rep->output_closed;
}

char *mxmc_report_skip_reasons(const struct mxmc_report *rep)
{
  const char *msg[3] = {NULL, NULL, NULL};
  size_t cnt[3] = {0, 0, 0}, i, k, other = 0;
  struct mxmc_buf b = {0};
  for(i = 0; i < rep->n; i++) {
    const char *m = nz(rep->results[i].message);
    if(rep->results[i].outcome != MXMC_SKIP)
      continue;
    for(k = 0; k < 3 && msg[k] && strcmp(msg[k], m) != 0; k++)
      ;
    if(k == 3) {
      other++;
      continue;
    }
    msg[k] = m;
    cnt[k]++;
  }
  for(k = 0; k < 3 && msg[k]; k++)
    mxmc_buf_printf(&b, "%s%zu x \"%s\"", k ? "; " : "", cnt[k], msg[k]);
  if(other)
    mxmc_buf_printf(&b, "; %zu for other reasons", other);
  return mxmc_buf_take(&b);
}

/* ---- pieces of one result ---- */

struct field_ctx {
  struct mxmc_buf *b;
  int n;
  int html;
};

static int other_field(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct field_ctx *c = vctx;
  char *s;
  size_t n;
  (void)key_len;
  if(strcmp(key, "id") == 0 || strcmp(key, "verdict") == 0 || strcmp(key, "rule") == 0 || strcmp(key, "reason") == 0)
    return 0;
  s = mxm_json_type(val) == MXM_JSON_STRING ? NULL : mxm_json_to_string(val, NULL);
  mxmc_buf_add(c->b, c->n++ ? "; " : "");
  mxmc_buf_printf(c->b, "%s=", key);
  {
    const char *text = s ? s : nz(mxm_json_string(val));
    struct mxmc_buf t = {0};
    n = strlen(text);
    mxmc_buf_addn(&t, text, n > 300 ? 300 : n);
    if(n > 300)
      mxmc_buf_printf(&t, "... (%zu bytes)", n);
    if(c->html)
      add_xml(c->b, mxmc_buf_str(&t));
    else
      mxmc_buf_add(c->b, mxmc_buf_str(&t));
    mxmc_buf_free(&t);
  }
  free(s);
  return 0;
}

/* The response's fields other than id, verdict, rule and reason (those are
 * in `actual` and the reason line), as "key=value; ..." (values cut at 300
 * bytes). Nothing when there are none. */
static void add_other_fields(struct mxmc_buf *b, const struct mxm_json *resp, int html)
{
  struct field_ctx c = {b, 0, html};
  (void)mxm_json_object_foreach(resp, other_field, &c);
}

static int has_other_fields(const struct mxm_json *resp)
{
  struct mxmc_buf b = {0};
  int any;
  add_other_fields(&b, resp, 0);
  any = b.len > 0;
  mxmc_buf_free(&b);
  return any;
}

static const char *resp_reason(const struct mxmc_result *r)
{
  return mxm_json_string(mxm_json_get(r->response, "reason"));
}

static int is_divergence(const struct mxmc_result *r)
{
  size_t i;
  for(i = 0; i < mxm_json_array_len(r->flags); i++) {
    const char *bt = mxm_json_string(mxm_json_get(mxm_json_array_get(r->flags, i), "bugType"));
    if(bt && strcmp(bt, "DIVERGENCE") == 0)
      return 1;
  }
  return 0;
}

/* "Name [TYPE], Name [TYPE]" */
static void add_flag_names(struct mxmc_buf *b, const struct mxm_json *flags)
{
  size_t i;
  for(i = 0; i < mxm_json_array_len(flags); i++) {
    const struct mxm_json *f = mxm_json_array_get(flags, i);
    const char *bt = mxm_json_string(mxm_json_get(f, "bugType"));
    mxmc_buf_printf(b, "%s%s [%s]", i ? ", " : "", nz(mxm_json_string(mxm_json_get(f, "name"))), bt ? bt : "?");
  }
}

typedef void (*escape_fn)(struct mxmc_buf *b, const char *s);

/* How one format marks up a flag: name [TYPE]: description, effect, links. */
struct flag_markup {
  escape_fn esc;
  const char *open, *after_name, *after_type, *effect_open, *effect_close, *links_open, *links_close, *close;
};

/* One flag of a result's "flags" (name, bugType, description, effect, links). */
static void add_flag(struct mxmc_buf *b, const struct mxm_json *f, const struct flag_markup *m)
{
  const char *bt = mxm_json_string(mxm_json_get(f, "bugType"));
  const char *effect = mxm_json_string(mxm_json_get(f, "effect"));
  const struct mxm_json *links = mxm_json_get(f, "links");
  size_t i;
  mxmc_buf_add(b, m->open);
  m->esc(b, nz(mxm_json_string(mxm_json_get(f, "name"))));
  mxmc_buf_add(b, m->after_name);
  m->esc(b, bt ? bt : "?");
  mxmc_buf_add(b, m->after_type);
  m->esc(b, nz(mxm_json_string(mxm_json_get(f, "description"))));
  if(effect) {
    mxmc_buf_add(b, m->effect_open);
    m->esc(b, effect);
    mxmc_buf_add(b, m->effect_close);
  }
  if(mxm_json_array_len(links)) {
    mxmc_buf_add(b, m->links_open);
    for(i = 0; i < mxm_json_array_len(links); i++) {
      mxmc_buf_add(b, i ? "; " : "");
      m->esc(b, nz(mxm_json_string(mxm_json_array_get(links, i))));
    }
    mxmc_buf_add(b, m->links_close);
  }
  mxmc_buf_add(b, m->close);
}

/* ---- streaming formats ---- */

/* The key of a detail field: ,"key": in a JSON line, a YAML line in TAP. */
static void add_key(struct mxmc_buf *b, int tap, const char *key)
{
  mxmc_buf_printf(b, tap ? "\n  %s: " : ",\"%s\":", key);
}

/* What json and tap show of a result beyond its name: release, citation,
 * expected, the answer, flags, why, where. Values are JSON (YAML reads them). */
static void add_details(struct mxmc_buf *b, const struct mxmc_result *r, int tap)
{
  add_key(b, tap, "specRelease");
  add_json_str(b, r->release);
  add_key(b, tap, "spec");
  add_json_str(b, r->citation);
  if(!tap) {
    add_key(b, tap, "area");
    add_json_str(b, r->area);
    add_key(b, tap, "expected");
    add_json_val(b, r->expected_json);
  }
  add_key(b, tap, tap ? "expected" : "expectedText");
  add_json_str(b, r->expected);
  add_key(b, tap, "actual");
  add_json_str(b, r->actual);
  add_key(b, tap, "response");
  add_json_val(b, r->response);
  add_key(b, tap, "flags");
  if(r->flags)
    add_json_val(b, r->flags);
  else
    mxmc_buf_add(b, "[]");
  add_key(b, tap, tap ? "why" : "message");
  add_json_str(b, r->message);
  add_key(b, tap, tap ? "case" : "pointer");
  add_json_str(b, r->pointer);
}

static void json_result(struct mxmc_report *rep, const struct mxmc_result *r)
{
  struct mxmc_buf b = {0};
  mxmc_buf_printf(&b, "{\"outcome\":\"%s\",\"file\":", mxmc_outcome_name(r->outcome));
  add_json_str(&b, r->file);
  mxmc_buf_printf(&b, ",\"tcId\":%lld,\"kind\":", (long long)r->tc_id);
  add_json_str(&b, r->kind);
  mxmc_buf_add(&b, ",\"roomVersion\":");
  add_json_str(&b, r->room_version);
  mxmc_buf_add(&b, ",\"comment\":");
  add_json_str(&b, r->comment);
  add_details(&b, r, 0);
  mxmc_buf_printf(&b, ",\"seconds\":%.6f}\n", r->seconds);
  flush_buf(rep, &b);
}

static void tap_result(struct mxmc_report *rep, const struct mxmc_result *r)
{
  struct mxmc_buf b = {0};
  int ok = r->outcome == MXMC_PASS || r->outcome == MXMC_SKIP || r->outcome == MXMC_XFAIL;
  rep->tap_n++;
  mxmc_buf_printf(&b, "%s %zu - %s tcId=%lld %s%s %s", ok ? "ok" : "not ok", rep->tap_n, r->file, (long long)r->tc_id,
                  r->room_version[0] ? "v" : "", r->room_version[0] ? r->room_version : r->release, nz(r->comment));
  if(r->outcome == MXMC_SKIP)
    mxmc_buf_printf(&b, " # SKIP %s", nz(r->message));
  else if(r->outcome == MXMC_XFAIL)
    mxmc_buf_printf(&b, " # TODO %s", nz(r->message));
  mxmc_buf_add(&b, "\n");
  if(!ok) {
    mxmc_buf_add(&b, "  ---\n  outcome: ");
    add_json_str(&b, mxmc_outcome_name(r->outcome));
    add_details(&b, r, 1);
    mxmc_buf_add(&b, "\n  ...\n");
  }
  flush_buf(rep, &b);
}

void mxmc_report_add(struct mxmc_report *rep, struct mxmc_result *r)
{
  struct mxmc_result *slot;
  if(!r->room_version)
    r->room_version = mxmc_strdup("");
  if(!r->release)
    r->release = mxmc_strdup("");
  if(!r->file)
    r->file = mxmc_strdup("?");
  if(!r->room_version || !r->release || !r->file) {
    mxmc_result_clear(r);
    rep->write_failed = 1;
    return;
  }
  rep->counts[r->outcome]++;
  if(rep->fmt == MXMC_FMT_TAP)
    tap_result(rep, r);
  else if(rep->fmt == MXMC_FMT_JSON)
    json_result(rep, r);
  if(rep->n == rep->cap) {
    size_t ncap = rep->cap ? rep->cap * 2 : 256;
    struct mxmc_result *n = realloc(rep->results, ncap * sizeof(*n));
    if(!n) {
      mxmc_result_clear(r);
      rep->write_failed = 1;
      return;
    }
    rep->results = n;
    rep->cap = ncap;
  }
  slot = &rep->results[rep->n++];
  *slot = *r;
  memset(r, 0, sizeof(*r));
}

void mxmc_report_file_error(struct mxmc_report *rep, const char *file, const char *message)
{
  struct file_error *n = realloc(rep->ferrs, (rep->n_ferrs + 1) * sizeof(*n));
  struct mxmc_buf b = {0};
  if(!n) {
    rep->write_failed = 1;
    return;
  }
  rep->ferrs = n;
  n[rep->n_ferrs].file = mxmc_strdup(file);
  n[rep->n_ferrs].message = mxmc_strdup(message);
  rep->n_ferrs++;
  /* named on stderr whatever the format, so a report written to a file
   * never hides which input was left out */
  fprintf(stderr, "mxm conform: INPUT ERROR %s: %s\n", file, message);
  if(rep->fmt == MXMC_FMT_TAP) {
    rep->tap_n++;
    mxmc_buf_printf(&b, "not ok %zu - %s could not be loaded\n  ---\n  why: ", rep->tap_n, file);
    add_json_str(&b, message);
    mxmc_buf_add(&b, "\n  ...\n");
  } else if(rep->fmt == MXMC_FMT_JSON) {
    mxmc_buf_add(&b, "{\"outcome\":\"INPUT_ERROR\",\"file\":");
    add_json_str(&b, file);
    mxmc_buf_add(&b, ",\"message\":");
    add_json_str(&b, message);
    mxmc_buf_add(&b, "}\n");
  }
  flush_buf(rep, &b);
}

size_t mxmc_report_count(const struct mxmc_report *rep, enum mxmc_outcome o)
{
  return rep->counts[o];
}

size_t mxmc_report_file_errors(const struct mxmc_report *rep)
{
  return rep->n_ferrs;
}

/* ---- rule areas: their order ---- */

/* Position of an area: the first rule of the reference's rule table (spec
 * order: the member rules first) whose branch it is; then the areas that
 * are not rule branches. */
static size_t area_rank(const char *area)
{
  static const char *const extra[] = {"invalid event", "ambiguous", "transition", "sequence", "client"};
  size_t n = 0, i;
  const struct mxm_rule_info *rules = mxm_rules(&n);
  char b[128];
  for(i = 0; i < n; i++) {
    mxmc_rule_branch(rules[i].id, b, sizeof(b));
    if(strcmp(b, area) == 0)
      return i;
  }
  for(i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
    if(strcmp(area, extra[i]) == 0)
      return n + i;
  if(strncmp(area, "api.", 4) == 0)
    return n + 10;
  return n + 20;
}

struct area {
  const char *name; /* borrowed */
  size_t rank;
  size_t counts[MXMC_N_OUTCOMES];
  size_t bad_cases, xfail_cases, cases; /* distinct cases (file, tcId) */
};

static int cmp_area(const void *a, const void *b)
{
  const struct area *x = a, *y = b;
  if(x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* ---- groups: one case, one way of failing, the versions it happened in ---- */

struct group {
  size_t *idx; /* owned: results */
  size_t n;
  uint32_t versions;
  int divergence;
  size_t rank;
  int order; /* outcome order: FAIL, XPASS, ERROR, XFAIL, SKIP, PASS */
};

static int outcome_order(enum mxmc_outcome o)
{
  switch(o) {
  case MXMC_FAIL:
    return 0;
  case MXMC_XPASS:
    return 1;
  case MXMC_ERROR:
    return 2;
  case MXMC_XFAIL:
    return 3;
  case MXMC_SKIP:
    return 4;
  case MXMC_PASS:
    return 5;
  }
  return 6;
}

static int is_bad(enum mxmc_outcome o)
{
  return o == MXMC_FAIL || o == MXMC_ERROR || o == MXMC_XPASS;
}

static int same_way(const struct mxmc_result *a, const struct mxmc_result *b)
{
  return a->tc_id == b->tc_id && a->outcome == b->outcome && strcmp(a->file, b->file) == 0 &&
         strcmp(nz(a->area), nz(b->area)) == 0 && strcmp(nz(a->expected), nz(b->expected)) == 0 &&
         strcmp(nz(a->actual), nz(b->actual)) == 0 && strcmp(nz(a->message), nz(b->message)) == 0 &&
         strcmp(nz(resp_reason(a)), nz(resp_reason(b))) == 0 &&
         (!a->room_version[0] || strcmp(a->release, b->release) == 0);
}

struct grouping {
  struct group *g; /* owned */
  size_t n;
  int failed;
};

static const struct mxmc_report *sort_rep; /* qsort has no context argument */

static int cmp_group(const void *a, const void *b)
{
  const struct group *x = a, *y = b;
  const struct mxmc_result *rx = &sort_rep->results[x->idx[0]], *ry = &sort_rep->results[y->idx[0]];
  int c;
  if(x->divergence != y->divergence)
    return x->divergence - y->divergence;
  if(x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  if((c = strcmp(nz(rx->area), nz(ry->area))) != 0)
    return c;
  if((c = strcmp(rx->file, ry->file)) != 0)
    return c;
  if(rx->tc_id != ry->tc_id)
    return rx->tc_id < ry->tc_id ? -1 : 1;
  if(x->order != y->order)
    return x->order - y->order;
  return x->idx[0] < y->idx[0] ? -1 : x->idx[0] > y->idx[0];
}

/* Group the results whose outcome passes want(). */
static void group_build(const struct mxmc_report *rep, int (*want)(enum mxmc_outcome), struct grouping *gr)
{
  size_t i;
  memset(gr, 0, sizeof(*gr));
  gr->g = calloc(rep->n + 1, sizeof(*gr->g));
  if(!gr->g) {
    gr->failed = 1;
    return;
  }
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    struct group *g = NULL;
    size_t k, *ni;
    if(!want(r->outcome))
      continue;
    /* results of one case are adjacent in run order: look back over the
     * groups of the same case only */
    for(k = gr->n; k-- > 0;) {
      const struct mxmc_result *f = &rep->results[gr->g[k].idx[0]];
      if(f->tc_id != r->tc_id || strcmp(f->file, r->file) != 0)
        break;
      if(same_way(f, r)) {
        g = &gr->g[k];
        break;
      }
    }
    if(!g) {
      g = &gr->g[gr->n++];
      g->divergence = is_divergence(r);
      g->rank = area_rank(nz(r->area));
      g->order = outcome_order(r->outcome);
    }
    ni = realloc(g->idx, (g->n + 1) * sizeof(*ni));
    if(!ni) {
      gr->failed = 1;
      if(!g->n)
        gr->n--;
      continue;
    }
    g->idx = ni;
    g->idx[g->n++] = i;
    if(r->room_version[0]) {
      const struct mxm_room_version *rv = mxm_room_version_find(r->room_version);
      if(rv && rv->number < 32)
        g->versions |= (uint32_t)1 << rv->number;
    }
  }
  sort_rep = rep;
  qsort(gr->g, gr->n, sizeof(*gr->g), cmp_group);
}

static void group_free(struct grouping *gr)
{
  size_t i;
  for(i = 0; i < gr->n; i++)
    free(gr->g[i].idx);
  free(gr->g);
  memset(gr, 0, sizeof(*gr));
}

static int want_bad_or_xfail(enum mxmc_outcome o)
{
  return is_bad(o) || o == MXMC_XFAIL;
}

static int want_other(enum mxmc_outcome o)
{
  return o == MXMC_PASS || o == MXMC_SKIP;
}

/* "room v1-v5, v7, spec v1.19" or "r0, v1.1 eras" */
static void add_where(struct mxmc_buf *b, const struct mxmc_report *rep, const struct group *g)
{
  const struct mxmc_result *r = &rep->results[g->idx[0]];
  size_t i;
  if(r->room_version[0]) {
    mxmc_buf_add(b, "room ");
    add_versions(b, g->versions);
    if(r->release[0])
      mxmc_buf_printf(b, ", spec %s", r->release);
    return;
  }
  if(r->kind && strcmp(r->kind, "client") == 0) {
    mxmc_buf_add(b, "client, spec");
    for(i = 0; i < g->n; i++)
      mxmc_buf_printf(b, "%s %s", i ? "," : "", rep->results[g->idx[i]].release);
    return;
  }
  for(i = 0; i < g->n; i++)
    mxmc_buf_printf(b, "%s%s", i ? ", " : "", rep->results[g->idx[i]].release);
  mxmc_buf_add(b, g->n > 1 ? " eras" : " era");
}

/* Areas with their counts, sorted. n_out gets the count; NULL on OOM. */
static struct area *areas_build(const struct mxmc_report *rep, size_t *n_out)
{
  struct area *a = calloc(rep->n + 1, sizeof(*a));
  size_t n = 0, i, k;
  *n_out = 0;
  if(!a)
    return NULL;
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    const char *name = r->area ? r->area : "?";
    int new_case = i == 0 || rep->results[i - 1].tc_id != r->tc_id || strcmp(rep->results[i - 1].file, r->file) != 0;
    for(k = 0; k < n && strcmp(a[k].name, name) != 0; k++)
      ;
    if(k == n) {
      a[n].name = name;
      a[n].rank = area_rank(name);
      n++;
    }
    a[k].counts[r->outcome]++;
    if(new_case)
      a[k].cases++;
  }
  /* distinct failing and xfail cases per area */
  {
    struct grouping gr;
    group_build(rep, want_bad_or_xfail, &gr);
    for(i = 0; i < gr.n; i++) {
      const struct mxmc_result *r = &rep->results[gr.g[i].idx[0]];
      int repeat = 0;
      if(i > 0) {
        const struct mxmc_result *p = &rep->results[gr.g[i - 1].idx[0]];
        repeat = p->tc_id == r->tc_id && strcmp(p->file, r->file) == 0 && strcmp(nz(p->area), nz(r->area)) == 0 &&
                 is_bad(p->outcome) == is_bad(r->outcome);
      }
      for(k = 0; k < n && strcmp(a[k].name, r->area ? r->area : "?") != 0; k++)
        ;
      if(k < n && !repeat) {
        if(is_bad(r->outcome))
          a[k].bad_cases++;
        else
          a[k].xfail_cases++;
      }
    }
    group_free(&gr);
  }
  qsort(a, n, sizeof(*a), cmp_area);
  *n_out = n;
  return a;
}

/* ---- the matrix and the transition tables ---- */

struct cell {
  size_t pass, xfail, total; /* total excludes skips */
};

struct matrix {
  const char **areas; /* borrowed from results; in area order */
  size_t n_areas;
  unsigned versions[32];
  size_t n_versions;
  struct cell *cells; /* owned: n_areas x n_versions, plus a total row and column */
};

static int cmp_unsigned(const void *a, const void *b)
{
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return x < y ? -1 : x > y;
}

static struct cell *mcell(const struct matrix *m, size_t a, size_t v)
{
  return &m->cells[a * (m->n_versions + 1) + v];
}

static void matrix_build(const struct mxmc_report *rep, struct matrix *m)
{
  size_t i, j, n_areas = 0;
  struct area *areas = areas_build(rep, &n_areas);
  memset(m, 0, sizeof(*m));
  m->areas = calloc(n_areas + 1, sizeof(*m->areas));
  if(!m->areas || !areas) {
    free(areas);
    return;
  }
  for(i = 0; i < n_areas; i++) {
    int in_matrix = 0;
    for(j = 0; j < rep->n && !in_matrix; j++)
      in_matrix = rep->results[j].room_version[0] && strcmp(nz(rep->results[j].area), areas[i].name) == 0;
    if(in_matrix)
      m->areas[m->n_areas++] = areas[i].name;
  }
  free(areas);
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    unsigned v = (unsigned)atoi(r->room_version);
    int seen = 0;
    if(!r->room_version[0])
      continue;
    for(j = 0; j < m->n_versions && !seen; j++)
      seen = m->versions[j] == v;
    if(!seen && m->n_versions < 32)
      m->versions[m->n_versions++] = v;
  }
  qsort(m->versions, m->n_versions, sizeof(m->versions[0]), cmp_unsigned);
  m->cells = calloc((m->n_areas + 1) * (m->n_versions + 1), sizeof(*m->cells));
  if(!m->cells)
    return;
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    unsigned v = (unsigned)atoi(r->room_version);
    size_t a = 0, vi = 0, k;
    if(!r->room_version[0] || r->outcome == MXMC_SKIP)
      continue;
    while(a < m->n_areas && strcmp(m->areas[a], nz(r->area)) != 0)
      a++;
    while(vi < m->n_versions && m->versions[vi] != v)
      vi++;
    if(a == m->n_areas || vi == m->n_versions)
      continue;
    {
      struct cell *cs[4] = {mcell(m, a, vi), mcell(m, a, m->n_versions), mcell(m, m->n_areas, vi),
                            mcell(m, m->n_areas, m->n_versions)};
      for(k = 0; k < 4; k++) {
        cs[k]->total++;
        cs[k]->pass += r->outcome == MXMC_PASS;
        cs[k]->xfail += r->outcome == MXMC_XFAIL;
      }
    }
  }
}

static void matrix_free(struct matrix *m)
{
  free(m->areas);
  free(m->cells);
  memset(m, 0, sizeof(*m));
}

/* ok: all passed; known: the rest are expected failures; bad: nothing
 * passed; part: some failed. */
static const char *cell_class(const struct cell *c)
{
  if(!c->total)
    return "none";
  if(c->pass == c->total)
    return "ok";
  if(c->pass + c->xfail == c->total)
    return "known";
  if(c->pass == 0)
    return "bad";
  return "part";
}

/* "12/12", "10/12 x2" (two expected failures), "9/12!" (failures) */
static void add_cell_text(struct mxmc_buf *b, const struct cell *c, int mark)
{
  if(!c->total) {
    mxmc_buf_add(b, "-");
    return;
  }
  mxmc_buf_printf(b, "%zu/%zu", c->pass, c->total);
  if(c->xfail)
    mxmc_buf_printf(b, " x%zu", c->xfail);
  if(mark && c->pass + c->xfail != c->total)
    mxmc_buf_add(b, "!");
}

/* Transition table: [era][from 1..5][to 1..5]; "none" is read as leave. */
struct ttable {
  struct cell c[3][6][6];
  int any[3];
};
static const char *const ERA_NAMES[3] = {"r0", "v1.1", "v1.3"};
static const char *const MEMB[6] = {"", "invite", "join", "leave", "ban", "knock"};

static void ttable_build(const struct mxmc_report *rep, struct ttable *t)
{
  size_t i;
  memset(t, 0, sizeof(*t));
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    int era, from = r->trans_from, to = r->trans_to;
    if(strcmp(nz(r->kind), "transition") != 0 || r->outcome == MXMC_SKIP)
      continue;
    for(era = 0; era < 3 && strcmp(r->release, ERA_NAMES[era]) != 0; era++)
      ;
    if(from == MXM_MEMBERSHIP_NONE)
      from = MXM_MEMBERSHIP_LEAVE;
    if(era == 3 || from < 1 || from > 5 || to < 1 || to > 5)
      continue;
    t->c[era][from][to].total++;
    t->c[era][from][to].pass += r->outcome == MXMC_PASS;
    t->c[era][from][to].xfail += r->outcome == MXMC_XFAIL;
    t->any[era] = 1;
  }
}

static size_t bad_count(const struct mxmc_report *rep)
{
  return rep->counts[MXMC_FAIL] + rep->counts[MXMC_ERROR] + rep->counts[MXMC_XPASS];
}

/* The one-line verdict of the run. */
static void add_verdict(struct mxmc_buf *b, const struct mxmc_report *rep, size_t bad_cases)
{
  size_t decided = rep->n - rep->counts[MXMC_SKIP];
  if(rep->interrupted)
    mxmc_buf_printf(b, "INTERRUPTED (%s): only the results decided before it are below; ", rep->interrupted);
  if(bad_count(rep))
    mxmc_buf_printf(b, "FAIL: %zu failed, %zu errors, %zu unexpected passes, in %zu case(s)", rep->counts[MXMC_FAIL],
                    rep->counts[MXMC_ERROR], rep->counts[MXMC_XPASS], bad_cases);
  else if(rep->n_ferrs)
    mxmc_buf_printf(b, "INPUT ERROR: %zu file(s) could not be loaded", rep->n_ferrs);
  else if(!decided)
    mxmc_buf_add(b, "NOTHING RAN: every selected case was skipped");
  else
    mxmc_buf_printf(b, "PASS: %zu of %zu results passed%s", rep->counts[MXMC_PASS], decided,
                    rep->counts[MXMC_XFAIL] ? ", the rest are expected failures" : "");
}

static size_t count_bad_cases(const struct mxmc_report *rep)
{
  size_t i, n = 0;
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    size_t k;
    int seen = 0;
    if(!is_bad(r->outcome))
      continue;
    /* earlier result of the same case that was bad (results of a case are adjacent) */
    for(k = i; k-- > 0;) {
      const struct mxmc_result *p = &rep->results[k];
      if(p->tc_id != r->tc_id || strcmp(p->file, r->file) != 0)
        break;
      if(is_bad(p->outcome)) {
        seen = 1;
        break;
      }
    }
    n += !seen;
  }
  return n;
}

/* Client cases: expected fields the implementation left out, and in how
 * many results (PROTOCOL.md 2.5: counted and reported, never failed). */
static size_t not_expressed(const struct mxmc_report *rep, size_t *results)
{
  size_t i, n = 0;
  *results = 0;
  for(i = 0; i < rep->n; i++) {
    n += rep->results[i].not_expressed;
    *results += rep->results[i].not_expressed > 0;
  }
  return n;
}

static void add_counts_line(struct mxmc_buf *b, const struct mxmc_report *rep)
{
  size_t ne_results, ne = not_expressed(rep, &ne_results);
  mxmc_buf_printf(b,
                  "%zu results: %zu passed, %zu failed, %zu errors, %zu skipped, %zu expected failures, %zu unexpected "
                  "passes; %zu file(s) could not be loaded",
                  rep->n, rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR],
                  rep->counts[MXMC_SKIP], rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs);
  if(rep->restarts)
    mxmc_buf_printf(b, "; adapter restarted %u time(s)", rep->restarts);
  if(ne)
    mxmc_buf_printf(b, "; %zu expected client field(s) not expressed, in %zu result(s)", ne, ne_results);
}

/* ---- text ---- */

static void text_group_head(struct mxmc_buf *b, const struct mxmc_report *rep, const struct group *g)
{
  const struct mxmc_result *r = &rep->results[g->idx[0]];
  mxmc_buf_printf(b, "%-5s %s tcId=%lld (", mxmc_outcome_name(r->outcome), r->file, (long long)r->tc_id);
  add_where(b, rep, g);
  mxmc_buf_printf(b, ") \"%s\"\n", nz(r->comment));
}

static void text_group(struct mxmc_buf *b, const struct mxmc_report *rep, const struct group *g, int full)
{
  const struct mxmc_result *r = &rep->results[g->idx[0]];
  size_t i;
  text_group_head(b, rep, g);
  if(!full) {
    /* one line: what was expected, what came, why */
    mxmc_buf_add(b, "  ");
    if(r->expected && r->expected[0])
      mxmc_buf_printf(b, "expected %s; ", r->expected);
    if(r->actual && r->actual[0])
      mxmc_buf_printf(b, "answered %s; ", r->actual);
    mxmc_buf_printf(b, "%s\n", nz(r->message));
    return;
  }
  if(r->citation && r->citation[0])
    mxmc_buf_printf(b, "  spec:     %s\n", r->citation);
  if(r->expected && r->expected[0])
    mxmc_buf_printf(b, "  expected: %s\n", r->expected);
  if(r->actual && r->actual[0])
    mxmc_buf_printf(b, "  answered: %s\n", r->actual);
  if(resp_reason(r))
    mxmc_buf_printf(b, "  reason:   %s\n", resp_reason(r));
  if(r->response && has_other_fields(r->response)) {
    mxmc_buf_add(b, "  fields:   ");
    add_other_fields(b, r->response, 0);
    mxmc_buf_add(b, "\n");
  }
  if(r->message && r->message[0])
    mxmc_buf_printf(b, "  why:      %s\n", r->message);
  for(i = 0; i < mxm_json_array_len(r->flags); i++) {
    static const struct flag_markup text = {mxmc_buf_add, "  flag:     ", " [", "]: ",
                                            "\n            effect: ", "", "\n            links:  ", "", "\n"};
    add_flag(b, mxm_json_array_get(r->flags, i), &text);
  }
  mxmc_buf_printf(b, "  case:     %s#%s\n", r->file, nz(r->pointer));
}

static void text_write(struct mxmc_report *rep, struct mxmc_buf *b)
{
  struct matrix m;
  struct ttable t;
  struct grouping gr;
  struct area *areas;
  size_t n_areas = 0, i, a, v;
  int era, from, to;

  mxmc_buf_add(b, "== mxm conformance report\n");
  for(i = 0; i < rep->n_meta; i++)
    mxmc_buf_printf(b, "%s: %s\n", rep->meta[i].key, rep->meta[i].value);
  mxmc_buf_add(b, "result: ");
  add_verdict(b, rep, count_bad_cases(rep));
  mxmc_buf_add(b, "\n");
  add_counts_line(b, rep);
  mxmc_buf_add(b, "\n");

  areas = areas_build(rep, &n_areas);
  if(areas && n_areas) {
    mxmc_buf_printf(b, "\n== rule areas (results per outcome; failing cases of the area's cases)\n%-30s %6s %6s %6s %6s %6s %6s  %s\n",
                    "area", "pass", "fail", "error", "xfail", "xpass", "skip", "failing cases");
    for(i = 0; i < n_areas; i++) {
      const struct area *ar = &areas[i];
      mxmc_buf_printf(b, "%-30s %6zu %6zu %6zu %6zu %6zu %6zu  %zu of %zu%s", ar->name, ar->counts[MXMC_PASS],
                      ar->counts[MXMC_FAIL], ar->counts[MXMC_ERROR], ar->counts[MXMC_XFAIL], ar->counts[MXMC_XPASS],
                      ar->counts[MXMC_SKIP], ar->bad_cases, ar->cases, ar->bad_cases ? "  <-" : "");
      if(ar->xfail_cases)
        mxmc_buf_printf(b, " (%zu expected to fail)", ar->xfail_cases);
      mxmc_buf_add(b, "\n");
    }
  }
  free(areas);

  matrix_build(rep, &m);
  if(m.n_areas && m.cells) {
    mxmc_buf_printf(b, "\n== conformance matrix (passed/total per rule area and room version; xN: N expected "
                       "failures; !: failures; skips not counted)\n%-30s",
                    "area");
    for(v = 0; v < m.n_versions; v++)
      mxmc_buf_printf(b, " %6s%-2u", "v", m.versions[v]);
    mxmc_buf_printf(b, " %9s\n", "all");
    for(a = 0; a <= m.n_areas; a++) {
      mxmc_buf_printf(b, "%-30s", a < m.n_areas ? m.areas[a] : "all");
      for(v = 0; v <= m.n_versions; v++) {
        struct mxmc_buf c = {0};
        add_cell_text(&c, mcell(&m, a, v), 1);
        mxmc_buf_printf(b, " %*s", v < m.n_versions ? 8 : 9, mxmc_buf_str(&c));
        mxmc_buf_free(&c);
      }
      mxmc_buf_add(b, "\n");
    }
  }
  matrix_free(&m);
  ttable_build(rep, &t);
  for(era = 0; era < 3; era++) {
    if(!t.any[era])
      continue;
    mxmc_buf_printf(b, "\n== transition table, %s era (passed/total per cell; row = from, column = to; none counts as "
                       "leave)\n%-8s",
                    ERA_NAMES[era], "");
    for(to = 1; to <= 5; to++)
      mxmc_buf_printf(b, " %8s", MEMB[to]);
    mxmc_buf_add(b, "\n");
    for(from = 1; from <= 5; from++) {
      mxmc_buf_printf(b, "%-8s", MEMB[from]);
      for(to = 1; to <= 5; to++) {
        struct mxmc_buf c = {0};
        add_cell_text(&c, &t.c[era][from][to], 1);
        mxmc_buf_printf(b, " %8s", mxmc_buf_str(&c));
        mxmc_buf_free(&c);
      }
      mxmc_buf_add(b, "\n");
    }
  }
  if(rep->n_ferrs) {
    mxmc_buf_add(b, "\n== files that could not be loaded\n");
    for(i = 0; i < rep->n_ferrs; i++)
      mxmc_buf_printf(b, "INPUT ERROR %s: %s\n", rep->ferrs[i].file, rep->ferrs[i].message);
  }
  group_build(rep, want_bad_or_xfail, &gr);
  if(gr.failed)
    rep->write_failed = 1;
  if(gr.n) {
    mxmc_buf_printf(b, "\n== failing and expected-to-fail cases, by rule area, divergences last%s\n",
                    rep->verbose ? "" : " (one line each; -v for the spec citation, flags and the whole answer)");
    for(i = 0; i < gr.n; i++) {
      if(rep->verbose && i)
        mxmc_buf_add(b, "\n");
      text_group(b, rep, &gr.g[i], rep->verbose);
    }
  }
  group_free(&gr);
  if(rep->verbose) {
    group_build(rep, want_other, &gr);
    if(gr.n)
      mxmc_buf_add(b, "\n== passed and skipped\n");
    for(i = 0; i < gr.n; i++) {
      const struct mxmc_result *r = &rep->results[gr.g[i].idx[0]];
      text_group_head(b, rep, &gr.g[i]);
      if(r->outcome == MXMC_SKIP && r->message)
        mxmc_buf_printf(b, "  why:      %s\n", r->message);
    }
    group_free(&gr);
  }
}

/* ---- junit ---- */

static void junit_write(struct mxmc_report *rep, struct mxmc_buf *b)
{
  size_t i, j;
  double total = 0;
  for(i = 0; i < rep->n; i++)
    total += rep->results[i].seconds;
  mxmc_buf_printf(b,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mxm conform\" tests=\"%zu\" "
                  "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
                  rep->n + rep->n_ferrs + (rep->interrupted ? 1 : 0), rep->counts[MXMC_FAIL] + rep->counts[MXMC_XPASS],
                  rep->counts[MXMC_ERROR] + rep->n_ferrs + (rep->interrupted ? 1 : 0),
                  rep->counts[MXMC_SKIP] + rep->counts[MXMC_XFAIL], total);
  /* the run itself: its metadata, and an error if it was interrupted */
  mxmc_buf_printf(b, "  <testsuite name=\"mxm conform run\" tests=\"%d\" failures=\"0\" errors=\"%d\" skipped=\"0\" time=\"0\">\n"
                     "    <properties>\n",
                  rep->interrupted ? 1 : 0, rep->interrupted ? 1 : 0);
  for(i = 0; i < rep->n_meta; i++) {
    mxmc_buf_add(b, "      <property name=\"");
    add_xml(b, rep->meta[i].key);
    mxmc_buf_add(b, "\" value=\"");
    add_xml(b, rep->meta[i].value);
    mxmc_buf_add(b, "\"/>\n");
  }
  mxmc_buf_add(b, "    </properties>\n");
  if(rep->interrupted) {
    mxmc_buf_add(b, "    <testcase classname=\"mxm conform\" name=\"run\" time=\"0\"><error message=\"the run was interrupted (");
    add_xml(b, rep->interrupted);
    mxmc_buf_add(b, "): the results are those decided before it\"/></testcase>\n");
  }
  mxmc_buf_add(b, "  </testsuite>\n");
  for(i = 0; i < rep->n_ferrs; i++) {
    mxmc_buf_add(b, "  <testsuite name=\"");
    add_xml(b, rep->ferrs[i].file);
    mxmc_buf_add(b, "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">\n    <testcase classname=\"");
    add_xml(b, rep->ferrs[i].file);
    mxmc_buf_add(b, "\" name=\"load\" time=\"0\"><error message=\"");
    add_xml(b, rep->ferrs[i].file);
    mxmc_buf_add(b, " could not be loaded: ");
    add_xml(b, rep->ferrs[i].message);
    mxmc_buf_add(b, "\"/></testcase>\n  </testsuite>\n");
  }
  for(i = 0; i < rep->n;) {
    const char *file = rep->results[i].file;
    size_t end = i, nf = 0, ne = 0, ns = 0;
    double t = 0;
    while(end < rep->n && strcmp(rep->results[end].file, file) == 0) {
      enum mxmc_outcome o = rep->results[end].outcome;
      nf += o == MXMC_FAIL || o == MXMC_XPASS;
      ne += o == MXMC_ERROR;
      ns += o == MXMC_SKIP || o == MXMC_XFAIL;
      t += rep->results[end].seconds;
      end++;
    }
    mxmc_buf_add(b, "  <testsuite name=\"");
    add_xml(b, file);
    mxmc_buf_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n", end - i, nf,
                    ne, ns, t);
    for(j = i; j < end; j++) {
      const struct mxmc_result *r = &rep->results[j];
      mxmc_buf_add(b, "    <testcase classname=\"");
      add_xml(b, r->file);
      mxmc_buf_printf(b, "\" name=\"tcId %lld %s%s ", (long long)r->tc_id, r->room_version[0] ? "v" : "",
                      r->room_version[0] ? r->room_version : r->release);
      add_xml(b, r->comment);
      mxmc_buf_printf(b, "\" time=\"%.3f\">", r->seconds);
      if(is_bad(r->outcome)) {
        struct mxmc_buf m = {0};
        /* the message alone says which case and what differed */
        mxmc_buf_printf(&m, "%s tcId %lld %s%s%s%s: expected %s; answered %s; %s", r->file, (long long)r->tc_id,
                        r->room_version[0] ? "room v" : "", r->room_version[0] ? r->room_version : r->release,
                        r->room_version[0] && r->release[0] ? ", spec " : "", r->room_version[0] ? r->release : " era",
                        r->expected && r->expected[0] ? r->expected : "-", r->actual && r->actual[0] ? r->actual : "nothing",
                        nz(r->message));
        mxmc_buf_add(b, r->outcome == MXMC_ERROR ? "<error message=\"" : "<failure message=\"");
        add_xml(b, mxmc_buf_str(&m));
        mxmc_buf_free(&m);
        mxmc_buf_add(b, "\">spec: ");
        add_xml(b, r->citation);
        mxmc_buf_add(b, "\nexpected: ");
        add_xml(b, r->expected);
        mxmc_buf_add(b, "\nanswered: ");
        add_xml(b, r->actual);
        if(r->response) {
          struct mxmc_buf rb = {0};
          add_json_val(&rb, r->response);
          mxmc_buf_add(b, "\nresponse: ");
          add_xml(b, mxmc_buf_str(&rb));
          mxmc_buf_free(&rb);
        }
        mxmc_buf_add(b, "\nflags: ");
        {
          struct mxmc_buf fb = {0};
          add_flag_names(&fb, r->flags);
          add_xml(b, mxmc_buf_str(&fb));
          mxmc_buf_free(&fb);
        }
        mxmc_buf_add(b, "\ncase: ");
        add_xml(b, r->file);
        mxmc_buf_add(b, "#");
        add_xml(b, r->pointer);
        mxmc_buf_add(b, r->outcome == MXMC_ERROR ? "</error>" : "</failure>");
      } else if(r->outcome == MXMC_SKIP || r->outcome == MXMC_XFAIL) {
        mxmc_buf_add(b, "<skipped message=\"");
        add_xml(b, r->message);
        mxmc_buf_add(b, "\"/>");
      }
      mxmc_buf_add(b, "</testcase>\n");
    }
    mxmc_buf_add(b, "  </testsuite>\n");
    i = end;
  }
  mxmc_buf_add(b, "</testsuites>\n");
}

/* ---- markdown ---- */

static void md_group(struct mxmc_buf *b, const struct mxmc_report *rep, const struct group *g)
{
  const struct mxmc_result *r = &rep->results[g->idx[0]];
  size_t i;
  mxmc_buf_printf(b, "- **%s** `%s` #%lld (", mxmc_outcome_name(r->outcome), r->file, (long long)r->tc_id);
  add_where(b, rep, g);
  mxmc_buf_add(b, ") ");
  add_md(b, r->comment);
  mxmc_buf_add(b, "\n  - expected ");
  add_md(b, r->expected && r->expected[0] ? r->expected : "-");
  mxmc_buf_add(b, "; answered ");
  add_md(b, r->actual && r->actual[0] ? r->actual : "nothing");
  if(resp_reason(r)) {
    mxmc_buf_add(b, " (reason: ");
    add_md(b, resp_reason(r));
    mxmc_buf_add(b, ")");
  }
  if(r->response && has_other_fields(r->response)) {
    struct mxmc_buf f = {0};
    add_other_fields(&f, r->response, 0);
    mxmc_buf_add(b, "; fields: ");
    add_md(b, mxmc_buf_str(&f));
    mxmc_buf_free(&f);
  }
  if(r->message && r->message[0]) {
    mxmc_buf_add(b, "\n  - why: ");
    add_md(b, r->message);
  }
  if(r->citation && r->citation[0]) {
    mxmc_buf_add(b, "\n  - spec: ");
    add_md(b, r->citation);
  }
  for(i = 0; i < mxm_json_array_len(r->flags); i++) {
    static const struct flag_markup md = {add_md, "\n  - flag **", "** [", "]: ", " Effect: ", "", " Links: ", "", ""};
    add_flag(b, mxm_json_array_get(r->flags, i), &md);
  }
  mxmc_buf_add(b, "\n");
}

static void md_cell(struct mxmc_buf *b, const struct cell *c)
{
  struct mxmc_buf t = {0};
  add_cell_text(&t, c, 0);
  if(c->total && c->pass + c->xfail != c->total)
    mxmc_buf_printf(b, " **%s** |", mxmc_buf_str(&t));
  else if(c->total && c->xfail)
    mxmc_buf_printf(b, " _%s_ |", mxmc_buf_str(&t));
  else
    mxmc_buf_printf(b, " %s |", c->total ? mxmc_buf_str(&t) : "–");
  mxmc_buf_free(&t);
}

static void md_write(struct mxmc_report *rep, struct mxmc_buf *b)
{
  struct matrix m;
  struct ttable t;
  struct grouping gr;
  struct area *areas;
  size_t n_areas = 0, i, a, v, shown = 0, left_cases = 0;
  int era, from, to, cut = 0;

  mxmc_buf_add(b, "# mxm conformance report\n\n");
  for(i = 0; i < rep->n_meta; i++) {
    mxmc_buf_add(b, "**");
    add_md(b, rep->meta[i].key);
    mxmc_buf_add(b, "**: ");
    add_md(b, rep->meta[i].value);
    mxmc_buf_add(b, "  \n");
  }
  mxmc_buf_add(b, "\n**Result: ");
  {
    struct mxmc_buf vb = {0};
    add_verdict(&vb, rep, count_bad_cases(rep));
    add_md(b, mxmc_buf_str(&vb));
    mxmc_buf_free(&vb);
  }
  mxmc_buf_printf(b, "**\n\n| passed | failed | errors | skipped | expected failures | unexpected passes | files not loaded |\n"
                     "|---|---|---|---|---|---|---|\n| %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n\n",
                  rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
                  rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs);
  areas = areas_build(rep, &n_areas);
  if(areas && n_areas) {
    mxmc_buf_add(b, "## Rule areas\n\n| area | pass | fail | error | xfail | xpass | skip | failing cases |\n"
                    "|---|---|---|---|---|---|---|---|\n");
    for(i = 0; i < n_areas; i++)
      mxmc_buf_printf(b, "| `%s` | %zu | %zu | %zu | %zu | %zu | %zu | %s%zu of %zu%s |\n", areas[i].name,
                      areas[i].counts[MXMC_PASS], areas[i].counts[MXMC_FAIL], areas[i].counts[MXMC_ERROR],
                      areas[i].counts[MXMC_XFAIL], areas[i].counts[MXMC_XPASS], areas[i].counts[MXMC_SKIP],
                      areas[i].bad_cases ? "**" : "", areas[i].bad_cases, areas[i].cases, areas[i].bad_cases ? "**" : "");
    mxmc_buf_add(b, "\n");
  }
  matrix_build(rep, &m);
  if(m.n_areas && m.cells) {
    mxmc_buf_add(b, "<details><summary>Conformance matrix (passed/total per rule area and room version; xN: N "
                    "expected failures, in italics when they are all that is missing; failures in bold)</summary>\n\n| area |");
    for(v = 0; v < m.n_versions; v++)
      mxmc_buf_printf(b, " v%u |", m.versions[v]);
    mxmc_buf_add(b, " all |\n|---|");
    for(v = 0; v <= m.n_versions; v++)
      mxmc_buf_add(b, "---|");
    mxmc_buf_add(b, "\n");
    for(a = 0; a <= m.n_areas; a++) {
      mxmc_buf_printf(b, "| %s |", a < m.n_areas ? m.areas[a] : "**all**");
      for(v = 0; v <= m.n_versions; v++)
        md_cell(b, mcell(&m, a, v));
      mxmc_buf_add(b, "\n");
    }
    mxmc_buf_add(b, "\n</details>\n\n");
  }
  matrix_free(&m);
  ttable_build(rep, &t);
  for(era = 0; era < 3; era++) {
    if(!t.any[era])
      continue;
    mxmc_buf_printf(b, "<details><summary>Transition table, %s era (passed/total; row = from, column = to)</summary>\n\n"
                       "| from \\ to |",
                    ERA_NAMES[era]);
    for(to = 1; to <= 5; to++)
      mxmc_buf_printf(b, " %s |", MEMB[to]);
    mxmc_buf_add(b, "\n|---|---|---|---|---|---|\n");
    for(from = 1; from <= 5; from++) {
      mxmc_buf_printf(b, "| **%s** |", MEMB[from]);
      for(to = 1; to <= 5; to++)
        md_cell(b, &t.c[era][from][to]);
      mxmc_buf_add(b, "\n");
    }
    mxmc_buf_add(b, "\n</details>\n\n");
  }
  if(rep->n_ferrs) {
    mxmc_buf_add(b, "## Files that could not be loaded\n\n");
    for(i = 0; i < rep->n_ferrs; i++) {
      mxmc_buf_add(b, "* `");
      add_md(b, rep->ferrs[i].file);
      mxmc_buf_add(b, "`: ");
      add_md(b, rep->ferrs[i].message);
      mxmc_buf_add(b, "\n");
    }
    mxmc_buf_add(b, "\n");
  }
  mxmc_buf_add(b, "## Failing and expected-to-fail cases\n\nBy rule area, basic rules first, divergences last.\n\n");
  group_build(rep, want_bad_or_xfail, &gr);
  if(gr.failed)
    rep->write_failed = 1;
  if(!gr.n)
    mxmc_buf_add(b, "None.\n");
  for(i = 0; i < gr.n;) {
    const struct mxmc_result *r = &rep->results[gr.g[i].idx[0]];
    size_t end = i, nb = 0, k;
    while(end < gr.n && gr.g[end].divergence == gr.g[i].divergence &&
          strcmp(nz(rep->results[gr.g[end].idx[0]].area), nz(r->area)) == 0) {
      nb += is_bad(rep->results[gr.g[end].idx[0]].outcome);
      end++;
    }
    if(cut) {
      left_cases += end - i;
      i = end;
      continue;
    }
    mxmc_buf_printf(b, "<details><summary><b>%s</b>%s: %zu failing, %zu expected to fail</summary>\n\n", nz(r->area),
                    gr.g[i].divergence ? " (divergences)" : "", nb, end - i - nb);
    for(k = i; k < end; k++) {
      struct mxmc_buf one = {0};
      md_group(&one, rep, &gr.g[k]);
      /* past three quarters of the limit, the rest goes in brief (below) */
      if(b->len + one.len > MD_LIMIT - MD_LIMIT / 4) {
        cut = 1;
        left_cases += end - k;
        mxmc_buf_free(&one);
        break;
      }
      mxmc_buf_add(b, mxmc_buf_str(&one));
      mxmc_buf_free(&one);
      shown++;
    }
    mxmc_buf_add(b, "\n</details>\n\n");
    i = end;
  }
  if(left_cases) {
    /* the rest in brief, one line each, as far as the limit allows */
    size_t first_left = gr.n - left_cases, k, brief = 0;
    mxmc_buf_printf(b, "<details><summary>%zu more entries in brief</summary>\n\n", left_cases);
    for(k = first_left; k < gr.n; k++) {
      const struct mxmc_result *r = &rep->results[gr.g[k].idx[0]];
      struct mxmc_buf one = {0};
      mxmc_buf_printf(&one, "- %s `%s` #%lld (", mxmc_outcome_name(r->outcome), r->file, (long long)r->tc_id);
      add_where(&one, rep, &gr.g[k]);
      mxmc_buf_printf(&one, ") `%s`\n", nz(r->area));
      if(b->len + one.len + 400 > MD_LIMIT) {
        mxmc_buf_free(&one);
        break;
      }
      mxmc_buf_add(b, mxmc_buf_str(&one));
      mxmc_buf_free(&one);
      brief++;
    }
    mxmc_buf_add(b, "\n</details>\n\n");
    mxmc_buf_printf(b, "**Left out to stay within a pull-request comment (65,536 characters):** the details of %zu "
                       "entries (%zu shown in full, %zu in brief, %zu not at all). `--format json` or `--format html` "
                       "lists every one.\n",
                    left_cases, shown, brief, left_cases - brief);
  }
  group_free(&gr);
  free(areas);
}

/* ---- html ---- */

static void html_cell(struct mxmc_buf *b, const struct cell *c, const char *area, const char *v)
{
  struct mxmc_buf t = {0};
  if(!c->total) {
    mxmc_buf_add(b, "<td class=\"none\">&ndash;</td>");
    return;
  }
  mxmc_buf_printf(&t, "%zu/%zu", c->pass, c->total);
  if(c->xfail)
    mxmc_buf_printf(&t, "<small>x%zu</small>", c->xfail);
  mxmc_buf_printf(b, "<td class=\"%s\" title=\"%zu passed, %zu expected failures, %zu failed or errors\">",
                  cell_class(c), c->pass, c->xfail, c->total - c->pass - c->xfail);
  if(c->pass != c->total) {
    mxmc_buf_add(b, "<a href=\"#results\" data-a=\"");
    add_xml(b, area);
    mxmc_buf_printf(b, "\" data-v=\"%s\">%s</a></td>", v, mxmc_buf_str(&t));
  } else {
    mxmc_buf_printf(b, "%s</td>", mxmc_buf_str(&t));
  }
  mxmc_buf_free(&t);
}

static const char HTML_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
    "content=\"width=device-width, initial-scale=1\">\n<title>mxm conformance report</title>\n<style>\n"
    "body{font:14px/1.45 system-ui,-apple-system,Segoe "
    "UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#fafbfc;max-width:1400px}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid "
    "#dde2ea;padding-bottom:4px}\n"
    ".meta{color:#5b6475;margin-bottom:14px}.meta b{color:#1d2330;font-weight:600}\n"
    ".verdict{font-weight:650;margin:10px 0}.verdict.FAIL{color:#a40e26}.verdict.PASS{color:#116329}\n"
    ".interrupted{background:#fff1c2;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;margin:10px "
    "0;font-weight:600}\n"
    ".cards{display:flex;gap:10px;flex-wrap:wrap}.card{background:#fff;border:1px solid "
    "#dde2ea;border-radius:8px;padding:8px 14px;min-width:96px}\n"
    ".card .n{font-size:24px;font-weight:650}.card "
    ".l{color:#5b6475;font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"
    ".card.pass .n{color:#1a7f37}.card.fail .n{color:#cf222e}.card.err .n{color:#bc4c00}.card.skip "
    ".n{color:#6e7781}.card.xfail .n{color:#6639ba}.card.xpass .n{color:#cf222e}\n"
    ".bar{height:10px;border-radius:5px;background:#eaeef2;overflow:hidden;display:flex;margin:12px 0 "
    "4px;max-width:720px}.bar span{display:block;height:100%}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde2ea;padding:3px "
    "6px;text-align:center;white-space:nowrap}\n"
    "table.mx td,table.mx th{padding:2px 3px;font-size:12px}table.mx td small{display:block;font-size:10px;"
    "opacity:.85}table.mx td.area{white-space:normal;max-width:130px}\n"
    "@media (max-width:1000px){body{margin:12px}table.mx td,table.mx th{font-size:11px;padding:2px}}\n"
    "th{background:#f3f5f8;font-weight:600}td.area,th.area{text-align:left;font-family:ui-monospace,Menlo,Consolas,"
    "monospace;font-size:12px}\n"
    "td.ok{background:#dafbe1;color:#116329}td.known{background:#ece2ff;color:#4c2889}td.part{background:#fff1c2;"
    "color:#7d4e00;font-weight:600}td.bad{background:#ffd7d5;color:#a40e26;font-weight:600}td.none{color:#b0b7c3}\n"
    "td a{color:inherit}\n"
    ".tt{display:flex;gap:22px;flex-wrap:wrap}.tt table td{min-width:50px}\n"
    "table.res{width:100%;table-layout:fixed}table.res td{text-align:left;vertical-align:top;white-space:normal;"
    "overflow-wrap:anywhere;font-size:13px}\n"
    "table.res th.c1{width:62px}table.res th.c2{width:28%}\n"
    ".mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}.dim{color:#5b6475}\n"
    ".kv{margin:1px 0}.kv b{display:inline-block;min-width:70px;color:#5b6475;font-weight:600}\n"
    ".flag{margin-top:4px;padding-left:8px;border-left:3px solid #d0d7de}\n"
    ".tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:650}"
    ".tag.FAIL,.tag.XPASS{background:#ffd7d5;color:#a40e26}.tag.ERROR{background:#ffe2c7;color:#953800}"
    ".tag.XFAIL{background:#ece2ff;color:#4c2889}\n"
    "tr.areahead td{background:#f3f5f8;font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}\n"
    ".filters{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin:8px 0}.filters "
    "select{font:inherit}\n"
    ".legend{color:#5b6475;font-size:12px;margin-top:6px}\n"
    "</style></head><body>\n<h1>mxm conformance report</h1>\n";

static const char HTML_SCRIPT[] =
    "<script>\n"
    "(function(){\n"
    "var fo=document.getElementById('fo'),fa=document.getElementById('fa'),fv=document.getElementById('fv'),"
    "cnt=document.getElementById('fcount');\n"
    "function apply(){var n=0;document.querySelectorAll('#results tr[data-o]').forEach(function(tr){\n"
    " var ok=(fo.value==''||fo.value==tr.dataset.o||(fo.value=='bad'&&tr.dataset.o!='XFAIL'))&&"
    "(fa.value==''||fa.value==tr.dataset.a)&&(fv.value==''||(' '+tr.dataset.v+' ').indexOf(' '+fv.value+' ')>=0);\n"
    " tr.style.display=ok?'':'none';if(ok)n++;});\n"
    " document.querySelectorAll('#results tr.areahead').forEach(function(h){var s=h.nextElementSibling,any=false;\n"
    "  while(s&&!s.classList.contains('areahead')){if(s.style.display!='none')any=true;s=s.nextElementSibling;}\n"
    "  h.style.display=any?'':'none';});\n"
    " cnt.textContent=n+' shown';}\n"
    "[fo,fa,fv].forEach(function(s){s.addEventListener('change',apply);});\n"
    "document.querySelectorAll('a[data-a]').forEach(function(a){a.addEventListener('click',function(){\n"
    " fa.value=a.dataset.a;fv.value=a.dataset.v;fo.value='';apply();});});\n"
    "apply();})();\n"
    "</script>\n";

static void html_group(struct mxmc_buf *b, const struct mxmc_report *rep, const struct group *g)
{
  const struct mxmc_result *r = &rep->results[g->idx[0]];
  size_t i;
  mxmc_buf_printf(b, "<tr data-o=\"%s\" data-a=\"", mxmc_outcome_name(r->outcome));
  add_xml(b, r->area);
  mxmc_buf_add(b, "\" data-v=\"");
  for(i = 0; i < g->n; i++) {
    const struct mxmc_result *x = &rep->results[g->idx[i]];
    mxmc_buf_add(b, i ? " " : "");
    add_xml(b, x->room_version[0] ? x->room_version : x->release);
  }
  mxmc_buf_printf(b, "\"><td><span class=\"tag %s\">%s</span></td><td><div class=\"mono\">", mxmc_outcome_name(r->outcome),
                  mxmc_outcome_name(r->outcome));
  add_xml(b, r->file);
  mxmc_buf_printf(b, " #%lld</div><div class=\"dim\">", (long long)r->tc_id);
  {
    struct mxmc_buf w = {0};
    add_where(&w, rep, g);
    add_xml(b, mxmc_buf_str(&w));
    mxmc_buf_free(&w);
  }
  mxmc_buf_add(b, "</div><div>");
  add_xml(b, r->comment);
  mxmc_buf_add(b, "</div></td><td><div class=\"kv\"><b>expected</b> <span class=\"mono\">");
  add_xml(b, r->expected && r->expected[0] ? r->expected : "-");
  mxmc_buf_add(b, "</span></div><div class=\"kv\"><b>answered</b> <span class=\"mono\">");
  add_xml(b, r->actual && r->actual[0] ? r->actual : "nothing");
  mxmc_buf_add(b, "</span></div>");
  if(resp_reason(r)) {
    mxmc_buf_add(b, "<div class=\"kv\"><b>reason</b> ");
    add_xml(b, resp_reason(r));
    mxmc_buf_add(b, "</div>");
  }
  if(r->response && has_other_fields(r->response)) {
    mxmc_buf_add(b, "<div class=\"kv\"><b>fields</b> <span class=\"mono\">");
    add_other_fields(b, r->response, 1);
    mxmc_buf_add(b, "</span></div>");
  }
  if(r->message && r->message[0]) {
    mxmc_buf_add(b, "<div class=\"kv\"><b>why</b> ");
    add_xml(b, r->message);
    mxmc_buf_add(b, "</div>");
  }
  mxmc_buf_add(b, "<div class=\"kv dim mono\">");
  add_xml(b, r->file);
  mxmc_buf_add(b, "#");
  add_xml(b, r->pointer);
  mxmc_buf_add(b, "</div></td><td>");
  if(r->citation && r->citation[0]) {
    mxmc_buf_add(b, "<div class=\"kv\"><b>spec</b> ");
    add_xml(b, r->citation);
    mxmc_buf_add(b, "</div>");
  }
  for(i = 0; i < mxm_json_array_len(r->flags); i++) {
    static const struct flag_markup html = {add_xml, "<div class=\"flag\"><b>", "</b> <span class=\"dim\">[",
                                            "]</span> ", "<div><b>effect</b> ", "</div>", "<div class=\"dim\">",
                                            "</div>", "</div>"};
    add_flag(b, mxm_json_array_get(r->flags, i), &html);
  }
  mxmc_buf_add(b, "</td></tr>\n");
}

static void html_write(struct mxmc_report *rep, struct mxmc_buf *b)
{
  struct matrix m;
  struct ttable t;
  struct grouping gr;
  struct area *areas;
  size_t n_areas = 0, i, a, v;
  int era, from, to;
  size_t decided = rep->n - rep->counts[MXMC_SKIP];

  mxmc_buf_add(b, HTML_HEAD);
  mxmc_buf_add(b, "<div class=\"meta\">");
  for(i = 0; i < rep->n_meta; i++) {
    mxmc_buf_add(b, i ? " &middot; <b>" : "<b>");
    add_xml(b, rep->meta[i].key);
    mxmc_buf_add(b, "</b> ");
    add_xml(b, rep->meta[i].value);
  }
  mxmc_buf_add(b, "</div>\n");
  if(rep->interrupted) {
    mxmc_buf_add(b, "<div class=\"interrupted\">Interrupted (");
    add_xml(b, rep->interrupted);
    mxmc_buf_add(b, "): this report has only the results decided before the run stopped.</div>\n");
  }
  mxmc_buf_printf(b, "<div class=\"verdict %s\">", bad_count(rep) ? "FAIL" : rep->n_ferrs || !decided ? "" : "PASS");
  {
    struct mxmc_buf vb = {0};
    add_verdict(&vb, rep, count_bad_cases(rep));
    add_xml(b, mxmc_buf_str(&vb));
    mxmc_buf_free(&vb);
  }
  mxmc_buf_add(b, "</div>\n<div class=\"cards\">");
  mxmc_buf_printf(b, "<div class=\"card pass\"><div class=\"n\">%zu</div><div class=\"l\">passed</div></div>", rep->counts[MXMC_PASS]);
  mxmc_buf_printf(b, "<div class=\"card fail\"><div class=\"n\">%zu</div><div class=\"l\">failed</div></div>", rep->counts[MXMC_FAIL]);
  mxmc_buf_printf(b, "<div class=\"card err\"><div class=\"n\">%zu</div><div class=\"l\">errors</div></div>", rep->counts[MXMC_ERROR]);
  mxmc_buf_printf(b, "<div class=\"card xpass\"><div class=\"n\">%zu</div><div class=\"l\">unexpected passes</div></div>",
                  rep->counts[MXMC_XPASS]);
  mxmc_buf_printf(b, "<div class=\"card xfail\"><div class=\"n\">%zu</div><div class=\"l\">expected failures</div></div>",
                  rep->counts[MXMC_XFAIL]);
  mxmc_buf_printf(b, "<div class=\"card skip\"><div class=\"n\">%zu</div><div class=\"l\">skipped</div></div>", rep->counts[MXMC_SKIP]);
  mxmc_buf_printf(b, "<div class=\"card err\"><div class=\"n\">%zu</div><div class=\"l\">files not loaded</div></div>", rep->n_ferrs);
  mxmc_buf_add(b, "</div>\n");
  if(decided) {
    double p = 100.0 * (double)rep->counts[MXMC_PASS] / (double)decided;
    double x = 100.0 * (double)rep->counts[MXMC_XFAIL] / (double)decided;
    double fl = 100.0 * (double)(rep->counts[MXMC_FAIL] + rep->counts[MXMC_XPASS]) / (double)decided;
    double e = 100.0 * (double)rep->counts[MXMC_ERROR] / (double)decided;
    mxmc_buf_printf(b, "<div class=\"bar\"><span style=\"width:%.2f%%;background:#2da44e\"></span><span style=\"width:%.2f%%;"
                       "background:#8250df\"></span><span style=\"width:%.2f%%;background:#cf222e\"></span><span "
                       "style=\"width:%.2f%%;background:#fb8f44\"></span></div>"
                       "<div class=\"legend\">%.1f%% of decided results pass; %.1f%% are expected failures</div>\n",
                    p, x, fl, e, p, x);
  }
  areas = areas_build(rep, &n_areas);
  if(areas && n_areas) {
    mxmc_buf_add(b, "<h2>Rule areas</h2>\n<div class=\"scroll\"><table><tr><th class=\"area\">rule area</th><th>pass</th>"
                    "<th>fail</th><th>error</th><th>xfail</th><th>xpass</th><th>skip</th><th>failing cases</th></tr>\n");
    for(i = 0; i < n_areas; i++) {
      const struct area *ar = &areas[i];
      const char *cls = ar->bad_cases ? "bad" : ar->xfail_cases ? "known" : ar->cases == ar->counts[MXMC_SKIP] ? "none" : "ok";
      mxmc_buf_add(b, "<tr><td class=\"area\">");
      add_xml(b, ar->name);
      mxmc_buf_printf(b, "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td class=\"%s\">",
                      ar->counts[MXMC_PASS], ar->counts[MXMC_FAIL], ar->counts[MXMC_ERROR], ar->counts[MXMC_XFAIL],
                      ar->counts[MXMC_XPASS], ar->counts[MXMC_SKIP], cls);
      if(ar->bad_cases || ar->xfail_cases) {
        mxmc_buf_add(b, "<a href=\"#results\" data-a=\"");
        add_xml(b, ar->name);
        mxmc_buf_printf(b, "\" data-v=\"\">%zu of %zu", ar->bad_cases, ar->cases);
        if(ar->xfail_cases)
          mxmc_buf_printf(b, " (+%zu expected)", ar->xfail_cases);
        mxmc_buf_add(b, "</a>");
      } else {
        mxmc_buf_printf(b, "0 of %zu", ar->cases);
      }
      mxmc_buf_add(b, "</td></tr>\n");
    }
    mxmc_buf_add(b, "</table></div>\n");
  }
  matrix_build(rep, &m);
  if(m.n_areas && m.cells) {
    mxmc_buf_add(b, "<h2>Conformance matrix</h2>\n<div class=\"scroll\"><table class=\"mx\"><tr><th class=\"area\">rule area</th>");
    for(v = 0; v < m.n_versions; v++)
      mxmc_buf_printf(b, "<th>v%u</th>", m.versions[v]);
    mxmc_buf_add(b, "<th>all</th></tr>\n");
    for(a = 0; a <= m.n_areas; a++) {
      mxmc_buf_add(b, "<tr><td class=\"area\">");
      {
        /* break a long area name after its dots, not inside a word */
        const char *p = a < m.n_areas ? m.areas[a] : "all";
        for(; *p; p++) {
          char ch[2] = {*p, 0};
          add_xml(b, ch);
          if(*p == '.')
            mxmc_buf_add(b, "<wbr>");
        }
      }
      mxmc_buf_add(b, "</td>");
      for(v = 0; v <= m.n_versions; v++) {
        char vs[16];
        snprintf(vs, sizeof(vs), "%u", v < m.n_versions ? m.versions[v] : 0);
        html_cell(b, mcell(&m, a, v), a < m.n_areas ? m.areas[a] : "", v < m.n_versions ? vs : "");
      }
      mxmc_buf_add(b, "</tr>\n");
    }
    mxmc_buf_add(b, "</table></div>\n<div class=\"legend\">passed/total per rule area (the branch of the expected rule "
                    "id) and room version; xN: N expected failures (purple when they are all that is missing); "
                    "skipped cases are not counted. A cell with failures links to them.</div>\n");
  }
  matrix_free(&m);
  ttable_build(rep, &t);
  if(t.any[0] || t.any[1] || t.any[2]) {
    mxmc_buf_add(b, "<h2>Transition tables</h2>\n<div class=\"tt\">");
    for(era = 0; era < 3; era++) {
      if(!t.any[era])
        continue;
      mxmc_buf_printf(b, "<div class=\"scroll\"><b>%s era</b><table><tr><th>from \\ to</th>", ERA_NAMES[era]);
      for(to = 1; to <= 5; to++)
        mxmc_buf_printf(b, "<th>%s</th>", MEMB[to]);
      mxmc_buf_add(b, "</tr>");
      for(from = 1; from <= 5; from++) {
        mxmc_buf_printf(b, "<tr><th>%s</th>", MEMB[from]);
        for(to = 1; to <= 5; to++)
          html_cell(b, &t.c[era][from][to], "transition", ERA_NAMES[era]);
        mxmc_buf_add(b, "</tr>");
      }
      mxmc_buf_add(b, "</table></div>");
    }
    mxmc_buf_add(b, "</div>\n<div class=\"legend\">passed/total per cell; a missing previous membership counts as leave.</div>\n");
  }
  if(rep->n_ferrs) {
    mxmc_buf_add(b, "<h2>Files that could not be loaded</h2>\n<ul>");
    for(i = 0; i < rep->n_ferrs; i++) {
      mxmc_buf_add(b, "<li><code>");
      add_xml(b, rep->ferrs[i].file);
      mxmc_buf_add(b, "</code>: ");
      add_xml(b, rep->ferrs[i].message);
      mxmc_buf_add(b, "</li>");
    }
    mxmc_buf_add(b, "</ul>\n");
  }
  mxmc_buf_add(b, "<div id=\"results\"><h2>Failing and expected-to-fail cases</h2>\n<div class=\"filters\"><label>result "
                  "<select id=\"fo\"><option value=\"\">all</option><option value=\"bad\">failures, errors, unexpected "
                  "passes</option><option>FAIL</option><option>ERROR</option><option>XPASS</option><option>XFAIL</option>"
                  "</select></label><label>rule area <select id=\"fa\"><option value=\"\">all</option>");
  for(i = 0; areas && i < n_areas; i++) {
    mxmc_buf_add(b, "<option>");
    add_xml(b, areas[i].name);
    mxmc_buf_add(b, "</option>");
  }
  mxmc_buf_add(b, "</select></label><label>room version / era <select id=\"fv\"><option value=\"\">all</option>");
  {
    uint32_t seen = 0;
    for(i = 0; i < rep->n; i++) {
      int n = atoi(rep->results[i].room_version);
      if(n > 0 && n < 32)
        seen |= (uint32_t)1 << n;
    }
    for(v = 1; v < 32; v++)
      if(seen & ((uint32_t)1 << v))
        mxmc_buf_printf(b, "<option>%zu</option>", v);
  }
  for(era = 0; era < 3; era++)
    mxmc_buf_printf(b, "<option>%s</option>", ERA_NAMES[era]);
  mxmc_buf_add(b, "</select></label><span id=\"fcount\" class=\"dim\"></span></div>\n");
  group_build(rep, want_bad_or_xfail, &gr);
  if(gr.failed)
    rep->write_failed = 1;
  if(!gr.n) {
    mxmc_buf_add(b, "<p>None.</p>\n");
  } else {
    const char *cur = NULL;
    int cur_div = -1;
    mxmc_buf_add(b, "<div class=\"scroll\"><table class=\"res\"><tr><th class=\"c1\">result</th><th class=\"c2\">case</th>"
                    "<th>expected and answered</th><th>spec and flags</th></tr>\n");
    for(i = 0; i < gr.n; i++) {
      const struct mxmc_result *r = &rep->results[gr.g[i].idx[0]];
      if(!cur || strcmp(cur, nz(r->area)) != 0 || cur_div != gr.g[i].divergence) {
        cur = nz(r->area);
        cur_div = gr.g[i].divergence;
        mxmc_buf_add(b, "<tr class=\"areahead\"><td colspan=\"4\">");
        add_xml(b, cur);
        mxmc_buf_add(b, cur_div ? " (divergences)</td></tr>\n" : "</td></tr>\n");
      }
      html_group(b, rep, &gr.g[i]);
    }
    mxmc_buf_add(b, "</table></div>\n");
  }
  mxmc_buf_add(b, "</div>\n");
  group_free(&gr);
  free(areas);
  mxmc_buf_add(b, HTML_SCRIPT);
  mxmc_buf_add(b, "</body></html>\n");
}

/* ---- json summary ---- */

static void json_summary(struct mxmc_report *rep, struct mxmc_buf *b)
{
  struct matrix m;
  struct ttable t;
  size_t a, v, i, ne_results, ne = not_expressed(rep, &ne_results);
  int era, from, to, first_era = 1;
  mxmc_buf_printf(b, "{\"summary\":{\"passed\":%zu,\"failed\":%zu,\"errors\":%zu,\"skipped\":%zu,\"expectedFailures\":%zu,"
                     "\"unexpectedPasses\":%zu,\"filesNotLoaded\":%zu,\"adapterRestarts\":%u,\"notExpressed\":%zu,"
                     "\"notExpressedResults\":%zu,\"interrupted\":",
                  rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
                  rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs, rep->restarts, ne, ne_results);
  if(rep->interrupted)
    add_json_str(b, rep->interrupted);
  else
    mxmc_buf_add(b, "false");
  mxmc_buf_add(b, ",\"implementation\":");
  add_json_str(b, rep->backend);
  mxmc_buf_add(b, ",\"run\":{");
  for(i = 0; i < rep->n_meta; i++) {
    mxmc_buf_add(b, i ? "," : "");
    add_json_str(b, rep->meta[i].key);
    mxmc_buf_add(b, ":");
    add_json_str(b, rep->meta[i].value);
  }
  mxmc_buf_add(b, "},\"filesNotLoadedList\":[");
  for(i = 0; i < rep->n_ferrs; i++) {
    mxmc_buf_add(b, i ? ",{\"file\":" : "{\"file\":");
    add_json_str(b, rep->ferrs[i].file);
    mxmc_buf_add(b, ",\"message\":");
    add_json_str(b, rep->ferrs[i].message);
    mxmc_buf_add(b, "}");
  }
  mxmc_buf_add(b, "],\"matrix\":{");
  matrix_build(rep, &m);
  for(a = 0; m.cells && a < m.n_areas; a++) {
    mxmc_buf_add(b, a ? "," : "");
    add_json_str(b, m.areas[a]);
    mxmc_buf_add(b, ":{");
    for(v = 0; v < m.n_versions; v++) {
      struct cell *c = mcell(&m, a, v);
      mxmc_buf_printf(b, "%s\"%u\":{\"pass\":%zu,\"xfail\":%zu,\"total\":%zu}", v ? "," : "", m.versions[v], c->pass,
                      c->xfail, c->total);
    }
    mxmc_buf_add(b, "}");
  }
  matrix_free(&m);
  mxmc_buf_add(b, "},\"transitions\":{");
  ttable_build(rep, &t);
  for(era = 0; era < 3; era++) {
    int first = 1;
    if(!t.any[era])
      continue;
    mxmc_buf_printf(b, "%s\"%s\":{", first_era ? "" : ",", ERA_NAMES[era]);
    first_era = 0;
    for(from = 1; from <= 5; from++)
      for(to = 1; to <= 5; to++) {
        struct cell *c = &t.c[era][from][to];
        if(!c->total)
          continue;
        mxmc_buf_printf(b, "%s\"%s>%s\":{\"pass\":%zu,\"xfail\":%zu,\"total\":%zu}", first ? "" : ",", MEMB[from],
                        MEMB[to], c->pass, c->xfail, c->total);
        first = 0;
      }
    mxmc_buf_add(b, "}");
  }
  mxmc_buf_add(b, "}}}\n");
}

int mxmc_report_finish(struct mxmc_report *rep)
{
  struct mxmc_buf b = {0};
  switch(rep->fmt) {
  case MXMC_FMT_TEXT:
    text_write(rep, &b);
    break;
  case MXMC_FMT_TAP:
    mxmc_buf_printf(&b, "1..%zu\n", rep->tap_n);
    mxmc_buf_printf(&b, "# %zu passed, %zu failed, %zu errors, %zu skipped, %zu expected failures, %zu unexpected passes, "
                        "%zu files not loaded\n",
                    rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
                    rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs);
    for(size_t i = 0; i < rep->n_meta; i++)
      mxmc_buf_printf(&b, "# %s: %s\n", rep->meta[i].key, rep->meta[i].value);
    if(rep->interrupted)
      mxmc_buf_printf(&b, "Bail out! interrupted (%s): the results above are those decided before it\n", rep->interrupted);
    break;
  case MXMC_FMT_JSON:
    json_summary(rep, &b);
    break;
  case MXMC_FMT_JUNIT:
    junit_write(rep, &b);
    break;
  case MXMC_FMT_MARKDOWN:
    md_write(rep, &b);
    break;
  case MXMC_FMT_HTML:
    html_write(rep, &b);
    break;
  }
  flush_buf(rep, &b);
  if(ferror(rep->out) || rep->write_failed)
    return -1;
  return 0;
}

void mxmc_report_free(struct mxmc_report **repp)
{
  struct mxmc_report *rep;
  size_t i;
  if(!repp || !*repp)
    return;
  rep = *repp;
  for(i = 0; i < rep->n; i++)
    mxmc_result_clear(&rep->results[i]);
  free(rep->results);
  for(i = 0; i < rep->n_ferrs; i++) {
    free(rep->ferrs[i].file);
    free(rep->ferrs[i].message);
  }
  free(rep->ferrs);
  for(i = 0; i < rep->n_meta; i++) {
    free(rep->meta[i].key);
    free(rep->meta[i].value);
  }
  free(rep->meta);
  free(rep->backend);
  free(rep->spec_note);
  free(rep->interrupted);
  free(rep);
  *repp = NULL;
}
