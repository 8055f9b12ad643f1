/*
 * report.c: results into reports. text, tap and json stream each result as
 * it arrives and flush, so an interrupted run loses nothing already decided;
 * junit, markdown and html are written whole at the end. Every report has
 * the summary, the conformance matrix (room version x rule area, pass/total)
 * and the 5x5 transition table of each era with pass/total per cell.
 *
 * A failure always names the file, tcId, room version, spec release and
 * comment, and shows expected versus actual, the flags and why (style.md 22).
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

struct file_error {
  char *file;    /* owned */
  char *message; /* owned */
};

struct mxmc_report {
  enum mxmc_format fmt;
  FILE *out;
  int verbose_pass;
  struct mxmc_result *results; /* owned */
  size_t n, cap;
  struct file_error *ferrs;    /* owned */
  size_t n_ferrs;
  size_t counts[MXMC_N_OUTCOMES];
  size_t tap_n;
  char *backend;   /* owned */
  char *spec_note; /* owned */
  unsigned restarts;
  int write_failed;
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

struct mxmc_report *mxmc_report_new(enum mxmc_format fmt, FILE *out, int verbose_pass)
{
  struct mxmc_report *rep = calloc(1, sizeof(*rep));
  if(!rep)
    return NULL;
  rep->fmt = fmt;
  rep->out = out;
  rep->verbose_pass = verbose_pass;
  if(fmt == MXMC_FMT_TAP)
    fprintf(out, "TAP version 13\n");
  return rep;
}

void mxmc_report_set_info(struct mxmc_report *rep, const char *backend, const char *spec_note, unsigned restarts)
{
  free(rep->backend);
  free(rep->spec_note);
  rep->backend = mxmc_strdup(backend);
  rep->spec_note = mxmc_strdup(spec_note);
  rep->restarts = restarts;
}

void mxmc_result_clear(struct mxmc_result *r)
{
  free(r->file);
  free(r->kind);
  free(r->room_version);
  free(r->spec);
  free(r->comment);
  free(r->area);
  free(r->expected);
  free(r->actual);
  free(r->flags);
  free(r->message);
  free(r->pointer);
  memset(r, 0, sizeof(*r));
}

static const char *nz(const char *s)
{
  return s ? s : "";
}

/* ---- escaping ---- */

static void put_json_str(FILE *f, const char *s)
{
  struct mxmc_buf b = {0};
  mxmc_buf_json_string(&b, s ? s : "");
  fputs(mxmc_buf_str(&b), f);
  mxmc_buf_free(&b);
}

static void put_xml(FILE *f, const char *s)
{
  const unsigned char *p = (const unsigned char *)nz(s);
  for(; *p; p++) {
    switch(*p) {
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '&':
      fputs("&amp;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    case '\'':
      fputs("&#39;", f);
      break;
    default:
      if(*p < 0x20 && *p != '\n' && *p != '\t')
        fputc('?', f); /* not representable in XML 1.0 */
      else
        fputc(*p, f);
    }
  }
}

static void put_md(FILE *f, const char *s)
{
  const char *p = nz(s);
  for(; *p; p++) {
    if(*p == '|')
      fputs("\\|", f);
    else if(*p == '\n')
      fputc(' ', f);
    else
      fputc(*p, f);
  }
}

/* ---- streaming ---- */

static void text_result(struct mxmc_report *rep, const struct mxmc_result *r)
{
  FILE *f = rep->out;
  if(r->outcome == MXMC_PASS && !rep->verbose_pass)
    return;
  if(r->outcome == MXMC_SKIP && !rep->verbose_pass)
    return;
  if(r->room_version[0])
    fprintf(f, "%-5s %s tcId=%lld (room v%s, spec %s) \"%s\"\n", mxmc_outcome_name(r->outcome), r->file,
            (long long)r->tc_id, r->room_version, r->spec[0] ? r->spec : "-", nz(r->comment));
  else
    fprintf(f, "%-5s %s tcId=%lld (%s era) \"%s\"\n", mxmc_outcome_name(r->outcome), r->file, (long long)r->tc_id,
            r->spec, nz(r->comment));
  if(r->outcome == MXMC_PASS)
    return;
  if(r->expected && r->expected[0])
    fprintf(f, "  expected: %s\n", r->expected);
  if(r->actual && r->actual[0])
    fprintf(f, "  actual:   %s\n", r->actual);
  if(r->flags && r->flags[0])
    fprintf(f, "  flags:    %s\n", r->flags);
  if(r->message && r->message[0])
    fprintf(f, "  why:      %s\n", r->message);
  fprintf(f, "  case:     %s#%s\n", r->file, nz(r->pointer));
}

static void json_result(struct mxmc_report *rep, const struct mxmc_result *r)
{
  FILE *f = rep->out;
  fprintf(f, "{\"outcome\":\"%s\",\"file\":", mxmc_outcome_name(r->outcome));
  put_json_str(f, r->file);
  fprintf(f, ",\"tcId\":%lld,\"kind\":", (long long)r->tc_id);
  put_json_str(f, r->kind);
  fputs(",\"roomVersion\":", f);
  put_json_str(f, r->room_version);
  fputs(",\"spec\":", f);
  put_json_str(f, r->spec);
  fputs(",\"comment\":", f);
  put_json_str(f, r->comment);
  fputs(",\"area\":", f);
  put_json_str(f, r->area);
  fputs(",\"expected\":", f);
  put_json_str(f, r->expected);
  fputs(",\"actual\":", f);
  put_json_str(f, r->actual);
  fputs(",\"flags\":", f);
  put_json_str(f, r->flags);
  fputs(",\"message\":", f);
  put_json_str(f, r->message);
  fputs(",\"pointer\":", f);
  put_json_str(f, r->pointer);
  fputs("}\n", f);
}

static void tap_result(struct mxmc_report *rep, const struct mxmc_result *r)
{
  FILE *f = rep->out;
  int ok = r->outcome == MXMC_PASS || r->outcome == MXMC_SKIP;
  rep->tap_n++;
  fprintf(f, "%s %zu - %s tcId=%lld %s%s %s", ok ? "ok" : "not ok", rep->tap_n, r->file, (long long)r->tc_id,
          r->room_version[0] ? "v" : "", r->room_version[0] ? r->room_version : r->spec, nz(r->comment));
  if(r->outcome == MXMC_SKIP)
    fprintf(f, " # SKIP %s", nz(r->message));
  else if(r->outcome == MXMC_XFAIL)
    fprintf(f, " # TODO %s", nz(r->message));
  fputc('\n', f);
  if(!ok && r->outcome != MXMC_XFAIL) {
    fputs("  ---\n  outcome: ", f);
    put_json_str(f, mxmc_outcome_name(r->outcome));
    fputs("\n  spec: ", f);
    put_json_str(f, r->spec);
    fputs("\n  expected: ", f);
    put_json_str(f, r->expected);
    fputs("\n  actual: ", f);
    put_json_str(f, r->actual);
    fputs("\n  flags: ", f);
    put_json_str(f, r->flags);
    fputs("\n  why: ", f);
    put_json_str(f, r->message);
    fputs("\n  case: ", f);
    put_json_str(f, r->pointer);
    fputs("\n  ...\n", f);
  }
}

void mxmc_report_add(struct mxmc_report *rep, struct mxmc_result *r)
{
  struct mxmc_result *slot;
  if(!r->room_version)
    r->room_version = mxmc_strdup("");
  if(!r->spec)
    r->spec = mxmc_strdup("");
  if(!r->file)
    r->file = mxmc_strdup("?");
  if(!r->room_version || !r->spec || !r->file) {
    mxmc_result_clear(r);
    rep->write_failed = 1;
    return;
  }
  rep->counts[r->outcome]++;
  switch(rep->fmt) {
  case MXMC_FMT_TEXT:
    text_result(rep, r);
    break;
  case MXMC_FMT_TAP:
    tap_result(rep, r);
    break;
  case MXMC_FMT_JSON:
    json_result(rep, r);
    break;
  case MXMC_FMT_JUNIT:
  case MXMC_FMT_MARKDOWN:
  case MXMC_FMT_HTML:
    break;
  }
  if(fflush(rep->out) != 0)
    rep->write_failed = 1;
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
  if(!n) {
    rep->write_failed = 1;
    return;
  }
  rep->ferrs = n;
  n[rep->n_ferrs].file = mxmc_strdup(file);
  n[rep->n_ferrs].message = mxmc_strdup(message);
  rep->n_ferrs++;
  switch(rep->fmt) {
  case MXMC_FMT_TEXT:
    fprintf(rep->out, "INPUT ERROR %s: %s\n", file, message);
    break;
  case MXMC_FMT_TAP:
    rep->tap_n++;
    fprintf(rep->out, "not ok %zu - %s could not be loaded\n  ---\n  why: ", rep->tap_n, file);
    put_json_str(rep->out, message);
    fputs("\n  ...\n", rep->out);
    break;
  case MXMC_FMT_JSON:
    fputs("{\"outcome\":\"INPUT_ERROR\",\"file\":", rep->out);
    put_json_str(rep->out, file);
    fputs(",\"message\":", rep->out);
    put_json_str(rep->out, message);
    fputs("}\n", rep->out);
    break;
  default:
    break;
  }
  if(fflush(rep->out) != 0)
    rep->write_failed = 1;
}

size_t mxmc_report_count(const struct mxmc_report *rep, enum mxmc_outcome o)
{
  return rep->counts[o];
}

size_t mxmc_report_file_errors(const struct mxmc_report *rep)
{
  return rep->n_ferrs;
}

/* ---- aggregates ---- */

struct cell {
  size_t pass, total; /* total excludes skips */
};

/* Sorted distinct areas and room versions of the non-transition results. */
struct matrix {
  char **areas; /* borrowed from results */
  size_t n_areas;
  unsigned versions[32];
  size_t n_versions;
  struct cell *cells; /* owned: n_areas x n_versions, plus a total column */
};

static int cmp_strp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_unsigned(const void *a, const void *b)
{
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return x < y ? -1 : x > y;
}

static int is_pass(enum mxmc_outcome o)
{
  return o == MXMC_PASS || o == MXMC_XFAIL; /* an expected failure is a known, cited deviation */
}

static void matrix_build(const struct mxmc_report *rep, struct matrix *m)
{
  size_t i, j;
  memset(m, 0, sizeof(*m));
  m->areas = calloc(rep->n + 1, sizeof(*m->areas));
  if(!m->areas)
    return;
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    unsigned v = (unsigned)atoi(r->room_version);
    int seen = 0;
    if(!r->room_version[0] || !r->area)
      continue;
    for(j = 0; j < m->n_areas && !seen; j++)
      seen = strcmp(m->areas[j], r->area) == 0;
    if(!seen)
      m->areas[m->n_areas++] = r->area;
    seen = 0;
    for(j = 0; j < m->n_versions && !seen; j++)
      seen = m->versions[j] == v;
    if(!seen && m->n_versions < 32)
      m->versions[m->n_versions++] = v;
  }
  qsort(m->areas, m->n_areas, sizeof(*m->areas), cmp_strp);
  qsort(m->versions, m->n_versions, sizeof(m->versions[0]), cmp_unsigned);
  m->cells = calloc((m->n_areas + 1) * (m->n_versions + 1), sizeof(*m->cells));
  if(!m->cells)
    return;
  for(i = 0; i < rep->n; i++) {
    const struct mxmc_result *r = &rep->results[i];
    unsigned v = (unsigned)atoi(r->room_version);
    size_t a = 0, vi = 0;
    if(!r->room_version[0] || !r->area || r->outcome == MXMC_SKIP)
      continue;
    while(a < m->n_areas && strcmp(m->areas[a], r->area) != 0)
      a++;
    while(vi < m->n_versions && m->versions[vi] != v)
      vi++;
    if(a == m->n_areas || vi == m->n_versions)
      continue;
    /* cell, row total, column total, grand total */
    {
      struct cell *cs[4] = {&m->cells[a * (m->n_versions + 1) + vi], &m->cells[a * (m->n_versions + 1) + m->n_versions],
                            &m->cells[m->n_areas * (m->n_versions + 1) + vi],
                            &m->cells[m->n_areas * (m->n_versions + 1) + m->n_versions]};
      size_t k;
      for(k = 0; k < 4; k++) {
        cs[k]->total++;
        if(is_pass(r->outcome))
          cs[k]->pass++;
      }
    }
  }
}

static struct cell *mcell(const struct matrix *m, size_t a, size_t v)
{
  return &m->cells[a * (m->n_versions + 1) + v];
}

static void matrix_free(struct matrix *m)
{
  free(m->areas);
  free(m->cells);
  memset(m, 0, sizeof(*m));
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
    for(era = 0; era < 3 && strcmp(r->spec, ERA_NAMES[era]) != 0; era++)
      ;
    if(from == MXM_MEMBERSHIP_NONE)
      from = MXM_MEMBERSHIP_LEAVE;
    if(era == 3 || from < 1 || from > 5 || to < 1 || to > 5)
      continue;
    t->c[era][from][to].total++;
    if(is_pass(r->outcome))
      t->c[era][from][to].pass++;
    t->any[era] = 1;
  }
}

/* ---- summaries in text ---- */

static void text_summary(struct mxmc_report *rep, FILE *f)
{
  struct matrix m;
  struct ttable t;
  size_t a, v;
  int era, from, to;
  size_t total = rep->n;
  fprintf(f, "\n== summary%s%s\n", rep->backend ? ": " : "", nz(rep->backend));
  if(rep->spec_note)
    fprintf(f, "spec: %s\n", rep->spec_note);
  fprintf(f, "%zu results: %zu passed, %zu failed, %zu errors, %zu skipped, %zu expected failures, %zu unexpected passes",
          total, rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
          rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS]);
  fprintf(f, "; %zu file(s) could not be loaded", rep->n_ferrs);
  if(rep->restarts)
    fprintf(f, "; adapter restarted %u time(s)", rep->restarts);
  fputc('\n', f);
  matrix_build(rep, &m);
  if(m.n_areas && m.cells) {
    fprintf(f, "\n== conformance matrix (pass/total per rule area and room version; skips not counted)\n%-28s", "area");
    for(v = 0; v < m.n_versions; v++)
      fprintf(f, " %7s%-2u", "v", m.versions[v]);
    fprintf(f, " %9s\n", "all");
    for(a = 0; a <= m.n_areas; a++) {
      fprintf(f, "%-28s", a < m.n_areas ? m.areas[a] : "all");
      for(v = 0; v <= m.n_versions; v++) {
        struct cell *c = mcell(&m, a, v);
        char buf[32];
        if(c->total)
          snprintf(buf, sizeof(buf), "%zu/%zu%s", c->pass, c->total, c->pass == c->total ? "" : "!");
        else
          snprintf(buf, sizeof(buf), "-");
        fprintf(f, " %9s", buf);
      }
      fputc('\n', f);
    }
  }
  matrix_free(&m);
  ttable_build(rep, &t);
  for(era = 0; era < 3; era++) {
    if(!t.any[era])
      continue;
    fprintf(f, "\n== transition table, %s era (pass/total per cell; row = from, column = to; none counts as leave)\n%-8s",
            ERA_NAMES[era], "");
    for(to = 1; to <= 5; to++)
      fprintf(f, " %8s", MEMB[to]);
    fputc('\n', f);
    for(from = 1; from <= 5; from++) {
      fprintf(f, "%-8s", MEMB[from]);
      for(to = 1; to <= 5; to++) {
        struct cell *c = &t.c[era][from][to];
        char buf[32];
        if(c->total)
          snprintf(buf, sizeof(buf), "%zu/%zu%s", c->pass, c->total, c->pass == c->total ? "" : "!");
        else
          snprintf(buf, sizeof(buf), "-");
        fprintf(f, " %8s", buf);
      }
      fputc('\n', f);
    }
  }
}

/* ---- junit ---- */

static void junit_write(struct mxmc_report *rep, FILE *f)
{
  size_t i, j;
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mxm conform\" tests=\"%zu\" failures=\"%zu\" "
             "errors=\"%zu\" skipped=\"%zu\">\n",
          rep->n + rep->n_ferrs, rep->counts[MXMC_FAIL] + rep->counts[MXMC_XPASS],
          rep->counts[MXMC_ERROR] + rep->n_ferrs, rep->counts[MXMC_SKIP] + rep->counts[MXMC_XFAIL]);
  for(i = 0; i < rep->n_ferrs; i++) {
    fputs("  <testsuite name=\"", f);
    put_xml(f, rep->ferrs[i].file);
    fputs("\" tests=\"1\" errors=\"1\">\n    <testcase classname=\"", f);
    put_xml(f, rep->ferrs[i].file);
    fputs("\" name=\"load\"><error message=\"", f);
    put_xml(f, rep->ferrs[i].message);
    fputs("\"/></testcase>\n  </testsuite>\n", f);
  }
  for(i = 0; i < rep->n;) {
    const char *file = rep->results[i].file;
    size_t end = i, nf = 0, ne = 0, ns = 0;
    while(end < rep->n && strcmp(rep->results[end].file, file) == 0) {
      enum mxmc_outcome o = rep->results[end].outcome;
      nf += o == MXMC_FAIL || o == MXMC_XPASS;
      ne += o == MXMC_ERROR;
      ns += o == MXMC_SKIP || o == MXMC_XFAIL;
      end++;
    }
    fputs("  <testsuite name=\"", f);
    put_xml(f, file);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n", end - i, nf, ne, ns);
    for(j = i; j < end; j++) {
      const struct mxmc_result *r = &rep->results[j];
      fputs("    <testcase classname=\"", f);
      put_xml(f, r->file);
      fprintf(f, "\" name=\"tcId %lld %s%s ", (long long)r->tc_id, r->room_version[0] ? "v" : "",
              r->room_version[0] ? r->room_version : r->spec);
      put_xml(f, r->comment);
      fputs("\">", f);
      if(r->outcome == MXMC_FAIL || r->outcome == MXMC_XPASS || r->outcome == MXMC_ERROR) {
        fputs(r->outcome == MXMC_ERROR ? "<error message=\"" : "<failure message=\"", f);
        put_xml(f, r->message);
        fputs("\">", f);
        fputs("spec: ", f);
        put_xml(f, r->spec);
        fputs("\nexpected: ", f);
        put_xml(f, r->expected);
        fputs("\nactual: ", f);
        put_xml(f, r->actual);
        fputs("\nflags: ", f);
        put_xml(f, r->flags);
        fputs("\ncase: ", f);
        put_xml(f, r->pointer);
        fputs(r->outcome == MXMC_ERROR ? "</error>" : "</failure>", f);
      } else if(r->outcome == MXMC_SKIP || r->outcome == MXMC_XFAIL) {
        fputs("<skipped message=\"", f);
        put_xml(f, r->message);
        fputs("\"/>", f);
      }
      fputs("</testcase>\n", f);
    }
    fputs("  </testsuite>\n", f);
    i = end;
  }
  fputs("</testsuites>\n", f);
}

/* ---- markdown ---- */

static void md_write(struct mxmc_report *rep, FILE *f)
{
  struct matrix m;
  struct ttable t;
  size_t i, a, v;
  int era, from, to;
  fprintf(f, "# mxm conformance report\n\n");
  if(rep->backend)
    fprintf(f, "Implementation: **%s**  \n", rep->backend);
  if(rep->spec_note)
    fprintf(f, "Spec: %s\n\n", rep->spec_note);
  fprintf(f, "| passed | failed | errors | skipped | expected failures | unexpected passes | files not loaded |\n"
             "|---|---|---|---|---|---|---|\n| %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n\n",
          rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
          rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs);
  matrix_build(rep, &m);
  if(m.n_areas && m.cells) {
    fprintf(f, "## Conformance matrix (pass/total)\n\n| area |");
    for(v = 0; v < m.n_versions; v++)
      fprintf(f, " v%u |", m.versions[v]);
    fprintf(f, " all |\n|---|");
    for(v = 0; v <= m.n_versions; v++)
      fprintf(f, "---|");
    fputc('\n', f);
    for(a = 0; a <= m.n_areas; a++) {
      fprintf(f, "| %s |", a < m.n_areas ? m.areas[a] : "**all**");
      for(v = 0; v <= m.n_versions; v++) {
        struct cell *c = mcell(&m, a, v);
        if(c->total)
          fprintf(f, " %s%zu/%zu%s |", c->pass == c->total ? "" : "**", c->pass, c->total,
                  c->pass == c->total ? "" : "**");
        else
          fprintf(f, " – |");
      }
      fputc('\n', f);
    }
    fputc('\n', f);
  }
  matrix_free(&m);
  ttable_build(rep, &t);
  for(era = 0; era < 3; era++) {
    if(!t.any[era])
      continue;
    fprintf(f, "## Transition table, %s era (pass/total; row = from, column = to)\n\n| from \\ to |", ERA_NAMES[era]);
    for(to = 1; to <= 5; to++)
      fprintf(f, " %s |", MEMB[to]);
    fprintf(f, "\n|---|---|---|---|---|---|\n");
    for(from = 1; from <= 5; from++) {
      fprintf(f, "| **%s** |", MEMB[from]);
      for(to = 1; to <= 5; to++) {
        struct cell *c = &t.c[era][from][to];
        if(c->total)
          fprintf(f, " %s%zu/%zu%s |", c->pass == c->total ? "" : "**", c->pass, c->total,
                  c->pass == c->total ? "" : "**");
        else
          fprintf(f, " – |");
      }
      fputc('\n', f);
    }
    fputc('\n', f);
  }
  if(rep->n_ferrs) {
    fprintf(f, "## Files that could not be loaded\n\n");
    for(i = 0; i < rep->n_ferrs; i++) {
      fprintf(f, "* `%s`: ", rep->ferrs[i].file);
      put_md(f, rep->ferrs[i].message);
      fputc('\n', f);
    }
    fputc('\n', f);
  }
  fprintf(f, "## Failures and errors\n\n");
  {
    int any = 0;
    for(i = 0; i < rep->n; i++) {
      const struct mxmc_result *r = &rep->results[i];
      if(r->outcome != MXMC_FAIL && r->outcome != MXMC_ERROR && r->outcome != MXMC_XPASS)
        continue;
      if(!any)
        fprintf(f, "| result | case | room v | spec | comment | expected | actual | flags | why |\n"
                   "|---|---|---|---|---|---|---|---|---|\n");
      any = 1;
      fprintf(f, "| %s | `%s` #%lld | %s | %s | ", mxmc_outcome_name(r->outcome), r->file, (long long)r->tc_id,
              r->room_version, r->spec);
      put_md(f, r->comment);
      fputs(" | ", f);
      put_md(f, r->expected);
      fputs(" | ", f);
      put_md(f, r->actual);
      fputs(" | ", f);
      put_md(f, r->flags);
      fputs(" | ", f);
      put_md(f, r->message);
      fputs(" |\n", f);
    }
    if(!any)
      fprintf(f, "None.\n");
  }
}

/* ---- html ---- */

static const char *cell_class(const struct cell *c)
{
  if(!c->total)
    return "none";
  if(c->pass == c->total)
    return "ok";
  if(c->pass == 0)
    return "bad";
  return "part";
}

static void html_write(struct mxmc_report *rep, FILE *f)
{
  struct matrix m;
  struct ttable t;
  size_t i, a, v;
  int era, from, to;
  size_t decided = rep->counts[MXMC_PASS] + rep->counts[MXMC_FAIL] + rep->counts[MXMC_ERROR] +
                   rep->counts[MXMC_XFAIL] + rep->counts[MXMC_XPASS];
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>mxm conformance report</title>\n<style>\n"
        "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:28px 36px;color:#1d2330;background:#fafbfc}\n"
        "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:30px 0 10px;border-bottom:1px solid #dde2ea;padding-bottom:4px}\n"
        ".meta{color:#5b6475;margin-bottom:18px}\n"
        ".cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 16px;min-width:110px}\n"
        ".card .n{font-size:26px;font-weight:650}.card .l{color:#5b6475;font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"
        ".card.pass .n{color:#1a7f37}.card.fail .n{color:#cf222e}.card.err .n{color:#bc4c00}.card.skip .n{color:#6e7781}\n"
        ".bar{height:10px;border-radius:5px;background:#eaeef2;overflow:hidden;display:flex;margin:14px 0 4px;max-width:720px}\n"
        ".bar span{display:block;height:100%}\n"
        "table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde2ea;padding:4px 8px;text-align:center}\n"
        "th{background:#f3f5f8;font-weight:600}td.area,th.area{text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}\n"
        "td.ok{background:#dafbe1;color:#116329}td.part{background:#fff1c2;color:#7d4e00;font-weight:600}td.bad{background:#ffd7d5;color:#a40e26;font-weight:600}td.none{color:#b0b7c3}\n"
        ".tt{display:flex;gap:26px;flex-wrap:wrap}.tt table td{min-width:58px}\n"
        "table.fails td{text-align:left;vertical-align:top;font-size:13px}table.fails td.mono{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap}\n"
        ".tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:650}.tag.FAIL,.tag.XPASS{background:#ffd7d5;color:#a40e26}.tag.ERROR{background:#ffe2c7;color:#953800}\n"
        ".legend{color:#5b6475;font-size:12px;margin-top:6px}\n"
        "</style></head><body>\n<h1>mxm conformance report</h1>\n<div class=\"meta\">",
        f);
  put_xml(f, rep->backend ? rep->backend : "reference");
  if(rep->spec_note) {
    fputs(" &middot; spec ", f);
    put_xml(f, rep->spec_note);
  }
  if(rep->restarts)
    fprintf(f, " &middot; adapter restarted %u time(s)", rep->restarts);
  fputs("</div>\n<div class=\"cards\">", f);
  fprintf(f, "<div class=\"card pass\"><div class=\"n\">%zu</div><div class=\"l\">passed</div></div>", rep->counts[MXMC_PASS]);
  fprintf(f, "<div class=\"card fail\"><div class=\"n\">%zu</div><div class=\"l\">failed</div></div>",
          rep->counts[MXMC_FAIL] + rep->counts[MXMC_XPASS]);
  fprintf(f, "<div class=\"card err\"><div class=\"n\">%zu</div><div class=\"l\">errors</div></div>",
          rep->counts[MXMC_ERROR] + rep->n_ferrs);
  fprintf(f, "<div class=\"card skip\"><div class=\"n\">%zu</div><div class=\"l\">skipped</div></div>", rep->counts[MXMC_SKIP]);
  fprintf(f, "<div class=\"card\"><div class=\"n\">%zu</div><div class=\"l\">expected failures</div></div>",
          rep->counts[MXMC_XFAIL]);
  fputs("</div>\n", f);
  if(decided) {
    double p = 100.0 * (double)(rep->counts[MXMC_PASS] + rep->counts[MXMC_XFAIL]) / (double)decided;
    double fl = 100.0 * (double)(rep->counts[MXMC_FAIL] + rep->counts[MXMC_XPASS]) / (double)decided;
    double e = 100.0 * (double)rep->counts[MXMC_ERROR] / (double)decided;
    fprintf(f, "<div class=\"bar\"><span style=\"width:%.2f%%;background:#2da44e\"></span><span style=\"width:%.2f%%;"
               "background:#cf222e\"></span><span style=\"width:%.2f%%;background:#fb8f44\"></span></div>"
               "<div class=\"legend\">%.1f%% of decided cases pass</div>\n",
            p, fl, e, p);
  }
  matrix_build(rep, &m);
  if(m.n_areas && m.cells) {
    fputs("<h2>Conformance matrix</h2>\n<table><tr><th class=\"area\">rule area</th>", f);
    for(v = 0; v < m.n_versions; v++)
      fprintf(f, "<th>v%u</th>", m.versions[v]);
    fputs("<th>all</th></tr>\n", f);
    for(a = 0; a <= m.n_areas; a++) {
      fputs("<tr><td class=\"area\">", f);
      put_xml(f, a < m.n_areas ? m.areas[a] : "all");
      fputs("</td>", f);
      for(v = 0; v <= m.n_versions; v++) {
        struct cell *c = mcell(&m, a, v);
        if(c->total)
          fprintf(f, "<td class=\"%s\">%zu/%zu</td>", cell_class(c), c->pass, c->total);
        else
          fputs("<td class=\"none\">&ndash;</td>", f);
      }
      fputs("</tr>\n", f);
    }
    fputs("</table>\n<div class=\"legend\">pass/total per rule area (the branch of the expected rule id) and room "
          "version; skipped cases are not counted.</div>\n",
          f);
  }
  matrix_free(&m);
  ttable_build(rep, &t);
  if(t.any[0] || t.any[1] || t.any[2]) {
    fputs("<h2>Transition tables</h2>\n<div class=\"tt\">", f);
    for(era = 0; era < 3; era++) {
      if(!t.any[era])
        continue;
      fprintf(f, "<div><b>%s era</b><table><tr><th>from \\ to</th>", ERA_NAMES[era]);
      for(to = 1; to <= 5; to++)
        fprintf(f, "<th>%s</th>", MEMB[to]);
      fputs("</tr>", f);
      for(from = 1; from <= 5; from++) {
        fprintf(f, "<tr><th>%s</th>", MEMB[from]);
        for(to = 1; to <= 5; to++) {
          struct cell *c = &t.c[era][from][to];
          if(c->total)
            fprintf(f, "<td class=\"%s\">%zu/%zu</td>", cell_class(c), c->pass, c->total);
          else
            fputs("<td class=\"none\">&ndash;</td>", f);
        }
        fputs("</tr>", f);
      }
      fputs("</table></div>", f);
    }
    fputs("</div>\n<div class=\"legend\">pass/total per cell; a missing previous membership counts as leave.</div>\n", f);
  }
  if(rep->n_ferrs) {
    fputs("<h2>Files that could not be loaded</h2>\n<ul>", f);
    for(i = 0; i < rep->n_ferrs; i++) {
      fputs("<li><code>", f);
      put_xml(f, rep->ferrs[i].file);
      fputs("</code>: ", f);
      put_xml(f, rep->ferrs[i].message);
      fputs("</li>", f);
    }
    fputs("</ul>\n", f);
  }
  fputs("<h2>Failures and errors</h2>\n", f);
  {
    int any = 0;
    for(i = 0; i < rep->n; i++) {
      const struct mxmc_result *r = &rep->results[i];
      if(r->outcome != MXMC_FAIL && r->outcome != MXMC_ERROR && r->outcome != MXMC_XPASS)
        continue;
      if(!any)
        fputs("<table class=\"fails\"><tr><th>result</th><th>case</th><th>comment</th><th>expected</th><th>actual</th>"
              "<th>flags</th><th>why</th></tr>\n",
              f);
      any = 1;
      fprintf(f, "<tr><td><span class=\"tag %s\">%s</span></td><td class=\"mono\">", mxmc_outcome_name(r->outcome),
              mxmc_outcome_name(r->outcome));
      put_xml(f, r->file);
      fprintf(f, " #%lld\n%s%s &middot; %s</td><td>", (long long)r->tc_id, r->room_version[0] ? "room v" : "",
              r->room_version, r->spec);
      put_xml(f, r->comment);
      fputs("</td><td class=\"mono\">", f);
      put_xml(f, r->expected);
      fputs("</td><td class=\"mono\">", f);
      put_xml(f, r->actual);
      fputs("</td><td>", f);
      put_xml(f, r->flags);
      fputs("</td><td>", f);
      put_xml(f, r->message);
      fputs("</td></tr>\n", f);
    }
    fputs(any ? "</table>\n" : "<p>None.</p>\n", f);
  }
  fputs("</body></html>\n", f);
}

int mxmc_report_finish(struct mxmc_report *rep)
{
  FILE *f = rep->out;
  switch(rep->fmt) {
  case MXMC_FMT_TEXT:
    text_summary(rep, f);
    break;
  case MXMC_FMT_TAP:
    fprintf(f, "1..%zu\n", rep->tap_n);
    {
      /* the summary as TAP comments */
      struct mxmc_buf b = {0};
      FILE *mem = f;
      (void)b;
      fprintf(mem, "# %zu passed, %zu failed, %zu errors, %zu skipped, %zu expected failures, %zu unexpected passes, "
                   "%zu files not loaded\n",
              rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
              rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs);
    }
    break;
  case MXMC_FMT_JSON: {
    struct matrix m;
    struct ttable t;
    size_t a, v;
    int era, from, to;
    fprintf(f, "{\"summary\":{\"passed\":%zu,\"failed\":%zu,\"errors\":%zu,\"skipped\":%zu,\"expectedFailures\":%zu,"
               "\"unexpectedPasses\":%zu,\"filesNotLoaded\":%zu,\"adapterRestarts\":%u,\"implementation\":",
            rep->counts[MXMC_PASS], rep->counts[MXMC_FAIL], rep->counts[MXMC_ERROR], rep->counts[MXMC_SKIP],
            rep->counts[MXMC_XFAIL], rep->counts[MXMC_XPASS], rep->n_ferrs, rep->restarts);
    put_json_str(f, rep->backend);
    fputs(",\"matrix\":{", f);
    matrix_build(rep, &m);
    for(a = 0; m.cells && a < m.n_areas; a++) {
      fprintf(f, "%s", a ? "," : "");
      put_json_str(f, m.areas[a]);
      fputs(":{", f);
      for(v = 0; v < m.n_versions; v++) {
        struct cell *c = mcell(&m, a, v);
        fprintf(f, "%s\"%u\":{\"pass\":%zu,\"total\":%zu}", v ? "," : "", m.versions[v], c->pass, c->total);
      }
      fputs("}", f);
    }
    matrix_free(&m);
    fputs("},\"transitions\":{", f);
    ttable_build(rep, &t);
    {
      int first_era = 1;
      for(era = 0; era < 3; era++) {
        int first = 1;
        if(!t.any[era])
          continue;
        fprintf(f, "%s\"%s\":{", first_era ? "" : ",", ERA_NAMES[era]);
        first_era = 0;
        for(from = 1; from <= 5; from++)
          for(to = 1; to <= 5; to++) {
            struct cell *c = &t.c[era][from][to];
            if(!c->total)
              continue;
            fprintf(f, "%s\"%s>%s\":{\"pass\":%zu,\"total\":%zu}", first ? "" : ",", MEMB[from], MEMB[to], c->pass,
                    c->total);
            first = 0;
          }
        fputs("}", f);
      }
    }
    fputs("}}}\n", f);
    break;
  }
  case MXMC_FMT_JUNIT:
    junit_write(rep, f);
    break;
  case MXMC_FMT_MARKDOWN:
    md_write(rep, f);
    break;
  case MXMC_FMT_HTML:
    html_write(rep, f);
    break;
  }
  if(fflush(f) != 0 || ferror(f) || rep->write_failed)
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
  free(rep->backend);
  free(rep->spec_note);
  free(rep);
  *repp = NULL;
}
