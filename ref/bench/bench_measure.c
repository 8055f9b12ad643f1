/*
 * bench_measure.c: timing, statistics, CPU pinning, memory readings and the
 * result table of mxm-bench. It knows nothing about Matrix.
 *
 * Method. Each figure is the median of opts->repeat timed runs (min and max
 * shown as the spread), each run long enough (opts->run_seconds) that clock
 * resolution and loop overhead do not matter; the calibration runs that
 * choose the iteration count come first and serve as the warm-up. Subject and baseline alternate
 * run by run in ABBA order, so a change in machine load during the
 * measurement hits both; ratios are taken between medians.
 */
#define _GNU_SOURCE /* sched_setaffinity, sched_getcpu, CPU_* macros */

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

volatile uint64_t mxmb_sink;

uint64_t mxmb_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double time_run(mxmb_run_fn fn, void *ctx, size_t n)
{
  uint64_t t0 = mxmb_now_ns();
  mxmb_sink += fn(ctx, n);
  return (double)(mxmb_now_ns() - t0);
}

/* Iterations for one run of about `seconds`: grow n until a run takes at
 * least a quarter of the target, then scale. At least 1. */
static size_t calibrate(mxmb_run_fn fn, void *ctx, double seconds)
{
  double target = seconds * 1e9, t;
  size_t n = 1;
  for(;;) {
    t = time_run(fn, ctx, n);
    if(t >= target / 4 || n >= ((size_t)1 << 40))
      break;
    if(t < 1000)
      n *= 16;
    else {
      double grow = target / 4 / t * 1.5;
      n = (size_t)((double)n * (grow < 2 ? 2 : grow > 100 ? 100 : grow)) + 1;
    }
  }
  if(t <= 0)
    return n;
  n = (size_t)((double)n * target / t);
  return n ? n : 1;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

void mxmb_stats_of(double *values, int runs, struct mxmb_stats *out)
{
  memset(out, 0, sizeof(*out));
  if(runs <= 0)
    return;
  qsort(values, (size_t)runs, sizeof(values[0]), cmp_double);
  out->runs = runs;
  out->min = values[0];
  out->max = values[runs - 1];
  out->median = runs % 2 ? values[runs / 2] : (values[runs / 2 - 1] + values[runs / 2]) / 2;
}

#define MAX_REPEAT 101

void mxmb_measure_pair(const struct mxmb_opts *opts, mxmb_run_fn subject, void *sctx, mxmb_run_fn baseline,
                       void *bctx, struct mxmb_stats *s_out, struct mxmb_stats *b_out)
{
  double sv[MAX_REPEAT], bv[MAX_REPEAT];
  int repeat = opts->repeat < 1 ? 1 : opts->repeat > MAX_REPEAT ? MAX_REPEAT : opts->repeat, r;
  size_t sn, bn = 0;

  /* Calibration is the warm-up: its last run is at least a quarter of a
   * timed run (caches, branch predictors, page faults). --quick only checks
   * that the code runs: one operation per run, no calibration. */
  sn = opts->quick ? 1 : calibrate(subject, sctx, opts->run_seconds);
  if(baseline)
    bn = opts->quick ? 1 : calibrate(baseline, bctx, opts->run_seconds);
  for(r = 0; r < repeat; r++) {
    int subject_first = (r % 4 == 0 || r % 4 == 3); /* ABBA */
    if(subject_first)
      sv[r] = time_run(subject, sctx, sn) / (double)sn;
    if(baseline)
      bv[r] = time_run(baseline, bctx, bn) / (double)bn;
    if(!subject_first)
      sv[r] = time_run(subject, sctx, sn) / (double)sn;
  }
  mxmb_stats_of(sv, repeat, s_out);
  s_out->ops_per_run = sn;
  if(baseline && b_out) {
    mxmb_stats_of(bv, repeat, b_out);
    b_out->ops_per_run = bn;
  }
}

/* ------------------------------------------------------------------ */
/* Results                                                             */

static struct mxmb_row rows[MXMB_MAX_ROWS];
static size_t n_rows;
static char notes[4096];
static char warnings[4096];
static int n_warnings;

struct mxmb_row *mxmb_row_add(const char *section, const char *name, const char *unit)
{
  static struct mxmb_row overflow;
  struct mxmb_row *row = n_rows < MXMB_MAX_ROWS ? &rows[n_rows++] : &overflow;
  memset(row, 0, sizeof(*row));
  snprintf(row->section, sizeof(row->section), "%s", section);
  snprintf(row->name, sizeof(row->name), "%s", name);
  snprintf(row->unit, sizeof(row->unit), "%s", unit);
  row->target_met = -1;
  return row;
}

struct mxmb_row *mxmb_row_timed(const char *section, const char *name, const struct mxmb_stats *st)
{
  struct mxmb_row *row = mxmb_row_add(section, name, "ns/op");
  row->st = *st;
  row->per_second = st->median > 0 ? 1e9 / st->median : 0;
  return row;
}

static void append(char *buf, size_t cap, const char *fmt, va_list ap)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;
static void append(char *buf, size_t cap, const char *fmt, va_list ap)
{
  size_t used = strlen(buf);
  if(used + 2 >= cap)
    return;
  vsnprintf(buf + used, cap - used - 1, fmt, ap);
  used = strlen(buf);
  buf[used] = '\n';
  buf[used + 1] = '\0';
}

void mxmb_note(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  append(notes, sizeof(notes), fmt, ap);
  va_end(ap);
}

void mxmb_warn(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("mxm-bench: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  va_start(ap, fmt);
  append(warnings, sizeof(warnings), fmt, ap);
  va_end(ap);
  n_warnings++;
}

int mxmb_warning_count(void) { return n_warnings; }

static void fmt_value(char *buf, size_t len, double v)
{
  if(v == 0)
    snprintf(buf, len, "-");
  else if(v >= 1e6)
    snprintf(buf, len, "%.3gM", v / 1e6);
  else if(v >= 1e4)
    snprintf(buf, len, "%.3gk", v / 1e3);
  else if(v >= 100)
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

void mxmb_print_table(const struct mxmb_opts *opts)
{
  size_t i;
  char load[64];
  const char *last = "";
  mxmb_loadavg(load, sizeof(load));
  printf("mxm-bench%s: median of %d run(s), spread = [min, max]; load average at end: %s\n",
         opts->quick ? " --quick (tiny sizes; figures not meaningful)" : "", opts->repeat, load);
  printf("%-8s %-30s %10s %-8s %21s %9s  %-22s %s\n", "section", "name", "median", "unit", "[min, max]", "per s",
         "ratio", "target");
  for(i = 0; i < n_rows; i++) {
    const struct mxmb_row *r = &rows[i];
    char med[16], lo[16], hi[16], ps[16], spread[40], ratio[64], target[48];
    if(strcmp(last, r->section) != 0 && i)
      putchar('\n');
    last = r->section;
    fmt_value(med, sizeof(med), r->st.median);
    fmt_value(ps, sizeof(ps), r->per_second);
    if(r->st.runs > 1) {
      fmt_value(lo, sizeof(lo), r->st.min);
      fmt_value(hi, sizeof(hi), r->st.max);
      snprintf(spread, sizeof(spread), "[%s, %s]", lo, hi);
    }
    else
      snprintf(spread, sizeof(spread), "%s", "");
    if(r->ratio > 0)
      snprintf(ratio, sizeof(ratio), "%.3g %s", r->ratio, r->ratio_sense);
    else
      snprintf(ratio, sizeof(ratio), "%s", "");
    if(r->target[0])
      snprintf(target, sizeof(target), "%s %s", r->target,
               r->target_met == 1 ? "met" : r->target_met == 0 ? "MISSED" : "");
    else
      target[0] = '\0';
    printf("%-8s %-30s %10s %-8s %21s %9s  %-22s %s\n", r->section, r->name, med, r->unit, spread, ps, ratio,
           target);
    if(r->baseline[0] || r->note[0])
      printf("%-8s   %s%s%s%s\n", "", r->baseline[0] ? "baseline: " : "", r->baseline,
             r->baseline[0] && r->note[0] ? "; " : "", r->note);
  }
  if(notes[0])
    printf("\nNotes:\n%s", notes);
  if(warnings[0])
    printf("\nWarnings (figures above may not measure what they say):\n%s", warnings);
}

static FILE *jout; /* where mxmb_print_json writes */
static void fputc_j(int c) { fputc(c, jout); }

static void json_str(const char *s)
{
  fputc_j('"');
  for(; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if(c == '"' || c == '\\')
      fprintf(jout, "\\%c", c);
    else if(c < 0x20)
      fprintf(jout, "\\u%04x", c);
    else
      fputc_j(c);
  }
  fputc_j('"');
}

/* A number, or null when it is not finite (JSON has no inf or NaN). */
static void json_num(const char *key, double v)
{
  if(v == v && v - v == 0)
    fprintf(jout, ",\"%s\":%.6g", key, v);
  else
    fprintf(jout, ",\"%s\":null", key);
}

static void json_lines(const char *text)
{
  const char *p = text;
  int first = 1;
  fputc_j('[');
  while(*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char line[1024];
    snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), p);
    fprintf(jout, "%s", first ? "" : ",");
    json_str(line);
    first = 0;
    p += n + (nl ? 1 : 0);
  }
  fputc_j(']');
}

void mxmb_print_json(const struct mxmb_opts *opts, FILE *out)
{
  size_t i;
  char load[64];
  jout = out;
  mxmb_loadavg(load, sizeof(load));
  fprintf(jout, "{\"tool\":\"mxm-bench\",\"quick\":%s,\"repeat\":%d,\"run_seconds\":%g,\"loadavg_end\":", opts->quick ? "true" : "false",
         opts->repeat, opts->run_seconds);
  json_str(load);
  fprintf(jout, ",\"rows\":[");
  for(i = 0; i < n_rows; i++) {
    const struct mxmb_row *r = &rows[i];
    fprintf(jout, "%s\n{\"section\":", i ? "," : "");
    json_str(r->section);
    fprintf(jout, ",\"name\":");
    json_str(r->name);
    fprintf(jout, ",\"unit\":");
    json_str(r->unit);
    json_num("median", r->st.median);
    json_num("min", r->st.min);
    json_num("max", r->st.max);
    fprintf(jout, ",\"runs\":%d,\"ops_per_run\":%zu", r->st.runs, r->st.ops_per_run);
    json_num("per_second", r->per_second);
    fprintf(jout, ",\"baseline\":");
    json_str(r->baseline);
    json_num("ratio", r->ratio);
    fprintf(jout, ",\"ratio_sense\":");
    json_str(r->ratio_sense);
    fprintf(jout, ",\"target\":");
    json_str(r->target);
    fprintf(jout, ",\"target_met\":%s,\"note\":", r->target_met < 0 ? "null" : r->target_met ? "true" : "false");
    json_str(r->note);
    fputc_j('}');
  }
  fprintf(jout, "\n],\"notes\":");
  json_lines(notes);
  fprintf(jout, ",\"warnings\":");
  json_lines(warnings);
  fprintf(jout, "}\n");
}

/* ------------------------------------------------------------------ */
/* Machine                                                             */

int mxmb_pin_one_cpu(char *buf, size_t len)
{
#if defined(__linux__) && defined(CPU_SET)
  cpu_set_t allowed, one;
  int cpu, chosen = -1;
  if(sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
    snprintf(buf, len, "not pinned: sched_getaffinity failed");
    return 0;
  }
  /* The CPU we run on now, if allowed; else the first allowed one. */
  cpu = sched_getcpu();
  if(cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &allowed))
    chosen = cpu;
  for(cpu = 0; chosen < 0 && cpu < CPU_SETSIZE; cpu++)
    if(CPU_ISSET(cpu, &allowed))
      chosen = cpu;
  if(chosen < 0) {
    snprintf(buf, len, "not pinned: no allowed CPU");
    return 0;
  }
  CPU_ZERO(&one);
  CPU_SET(chosen, &one);
  if(sched_setaffinity(0, sizeof(one), &one) != 0) {
    snprintf(buf, len, "not pinned: sched_setaffinity failed");
    return 0;
  }
  snprintf(buf, len, "pinned to CPU %d of %d allowed (sched_setaffinity)", chosen, CPU_COUNT(&allowed));
  return 1;
#else
  snprintf(buf, len, "not pinned: sched_setaffinity is not available on this platform");
  return 0;
#endif
}

void mxmb_loadavg(char *buf, size_t len)
{
  FILE *f = fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  if(f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
    snprintf(buf, len, "%.2f %.2f %.2f", a, b, c);
  else
    snprintf(buf, len, "unknown");
  if(f)
    fclose(f);
}

static size_t status_kb(const char *key)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  size_t klen = strlen(key), kb = 0;
  if(!f)
    return 0;
  while(fgets(line, sizeof(line), f)) {
    if(strncmp(line, key, klen) == 0 && line[klen] == ':') {
      kb = (size_t)strtoull(line + klen + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kb * 1024;
}

size_t mxmb_rss_bytes(void) { return status_kb("VmRSS"); }
size_t mxmb_hwm_bytes(void) { return status_kb("VmHWM"); }

int mxmb_hwm_reset(void)
{
  FILE *f = fopen("/proc/self/clear_refs", "w");
  int ok;
  if(!f)
    return 0;
  ok = fputs("5", f) >= 0;
  ok = (fclose(f) == 0) && ok;
  return ok;
}
