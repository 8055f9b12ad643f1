/*
 * bench_conform.c: section "conform" of mxm-bench: conformance cases per
 * second for the whole corpus (conformance/cases/), in process and through
 * the adapter protocol with mxm-ref-adapter.
 *
 * Method: the runner's library API (conformance/runner/conform.h, library
 * mxm_conform), not a subprocess: the case files are loaded once, then one
 * timed operation is one pass of mxmc_run_file over every file into a
 * report written to /dev/null. The in-process pass uses the reference
 * backend (mxmc_ref_answer); the adapter pass sends the same requests as
 * PROTOCOL.md lines to one mxm-ref-adapter child started before timing
 * (its start-up is reported in the note, not in the figure). A pass takes
 * seconds, so at most three timed passes are made per mode. The adapter
 * inherits the CPU pin: both processes share one core, so the ratio is
 * the protocol's CPU cost, not latency hidden on a second core. Case expansion (compact state
 * to signed events) is part of both passes, as it is in `mxm conform`.
 *
 * Without the runner library (a tree without conformance/runner), the
 * section says so and reports nothing.
 */
#define _GNU_SOURCE /* readlink */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#if defined(__has_include)
#if __has_include("conform.h")
#define MXMB_HAVE_CONFORM 1
#endif
#endif

#ifdef MXMB_HAVE_CONFORM
#include "conform.h"

struct corpus {
  struct mxmc_file **files;
  size_t n_files;
  struct mxmc_adapter *adapter; /* NULL: in process */
  FILE *devnull;
  size_t cases;     /* results of the last pass */
  size_t not_passed; /* FAIL + ERROR + XPASS of the last pass */
  double cpu[64];    /* in process: CPU seconds of each whole pass */
  size_t n_cpu;
};

/* CPU seconds (user + system) used by this process so far. */
static double process_cpu(void)
{
  struct timespec ts;
  if(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return -1;
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t run_pass(void *ctx, size_t n)
{
  struct corpus *c = ctx;
  uint64_t acc = 0;
  size_t i, k;
  for(i = 0; i < n; i++) {
    struct mxmc_options opt;
    struct mxmc_report *rep = mxmc_report_new(MXMC_FMT_TEXT, c->devnull, 0);
    double c0 = c->adapter ? -1 : process_cpu();
    int o;
    if(!rep)
      return acc;
    memset(&opt, 0, sizeof(opt));
    opt.adapter = c->adapter;
    /* Each pass is a run of its own: the expander's memory of derived keys,
     * hashes, signatures and rooms (signcache.c) starts empty, as it does in
     * a `mxm conform` process. */
    mxmc_expand_reset();
    for(k = 0; k < c->n_files; k++)
      mxmc_run_file(c->files[k], &opt, rep);
    c->cases = 0;
    for(o = 0; o < MXMC_N_OUTCOMES; o++)
      c->cases += mxmc_report_count(rep, (enum mxmc_outcome)o);
    c->not_passed = mxmc_report_count(rep, MXMC_FAIL) + mxmc_report_count(rep, MXMC_ERROR) +
                    mxmc_report_count(rep, MXMC_XPASS);
    acc += c->cases;
    mxmc_report_free(&rep);
    if(c0 >= 0 && c->n_cpu < sizeof(c->cpu) / sizeof(c->cpu[0]))
      c->cpu[c->n_cpu++] = process_cpu() - c0;
  }
  return acc;
}

/* Turn a row timed per pass into one per case run (n case runs a pass). */
static void per_case(struct mxmb_row *row, double n)
{
  row->st.median /= n;
  row->st.min /= n;
  row->st.max /= n;
  row->per_second = 1e9 / row->st.median;
}

/* ---- the Synapse row (owned by the Synapse adapter's maintainer) ----
 *
 * Method: one pass of the corpus through the Synapse adapter
 * (conformance/adapters/synapse/synapse_adapter.py, run with /usr/bin/python3,
 * Synapse from MXM_SYNAPSE_SRC or an installed Synapse) records every request
 * line it is sent (--dump-requests's mechanism): the cases Synapse's hello
 * admits, at the spec releases it follows. That list is the request stream.
 * One timed operation is the whole list sent, line by line, to one adapter and
 * every answer read: Synapse's adapter (subject) and mxm-ref-adapter (baseline)
 * get the same lines in the same order, in alternating runs. The figure is
 * per request (= per case run); the ratio is Synapse's time over
 * mxm-ref-adapter's. Verdicts are not compared here (test_synapse.sh does
 * that). Without Synapse (the adapter exits before its hello), the row is left
 * out with a note. */
struct replay {
  struct mxmc_adapter *adapter;
  struct mxm_json **reqs;
  size_t n;
  size_t faults;
  double cpu[64]; /* the adapter's CPU seconds per request, one per call of replay_pass */
  size_t n_cpu;
};

/* CPU seconds (user + system) used so far by the processes of group pgid:
 * /proc/<pid>/stat fields 14 and 15, in clock ticks (10 ms here), summed
 * over every process whose field 5 (process group) is pgid. -1 if none. */
static double group_cpu(long pgid)
{
  DIR *d = opendir("/proc");
  struct dirent *de;
  double ticks = 0, hz = (double)sysconf(_SC_CLK_TCK);
  int found = 0;
  if(!d || pgid <= 0 || hz <= 0) {
    if(d)
      closedir(d);
    return -1;
  }
  while((de = readdir(d)) != NULL) {
    char path[300], buf[1024], *p;
    FILE *f;
    size_t got;
    long pgrp = 0;
    unsigned long ut = 0, st = 0;
    if(de->d_name[0] < '0' || de->d_name[0] > '9')
      continue;
    snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
    if(!(f = fopen(path, "r")))
      continue;
    got = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[got] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if(!p || sscanf(p + 1, " %*c %*d %ld %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &pgrp, &ut, &st) != 3 ||
       pgrp != pgid)
      continue;
    ticks += (double)ut + (double)st;
    found = 1;
  }
  closedir(d);
  return found ? ticks / hz : -1;
}

static uint64_t replay_pass(void *ctx, size_t n)
{
  struct replay *r = ctx;
  uint64_t acc = 0;
  size_t i, k;
  double c0 = group_cpu(mxmc_adapter_pgid(r->adapter)), c1;
  for(i = 0; i < n; i++)
    for(k = 0; k < r->n; k++) {
      char *fault = NULL;
      struct mxm_json *resp = mxmc_adapter_call(r->adapter, r->reqs[k], &fault);
      if(!resp || fault)
        r->faults++;
      acc += resp != NULL;
      mxm_json_free(&resp);
      free(fault);
    }
  c1 = group_cpu(mxmc_adapter_pgid(r->adapter));
  if(c0 >= 0 && c1 >= 0 && n && r->n && r->n_cpu < sizeof(r->cpu) / sizeof(r->cpu[0]))
    r->cpu[r->n_cpu++] = (c1 - c0) / (double)(n * r->n);
  return acc;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median CPU per request of the replay's calls; *lo, *hi the spread. */
static double cpu_median(struct replay *r, double *lo, double *hi)
{
  if(!r->n_cpu)
    return 0;
  qsort(r->cpu, r->n_cpu, sizeof(r->cpu[0]), cmp_double);
  *lo = r->cpu[0];
  *hi = r->cpu[r->n_cpu - 1];
  return r->cpu[r->n_cpu / 2];
}

static void synapse_row(const struct mxmb_opts *opts, struct corpus *in, struct mxmc_adapter *ref)
{
  char script[4200], cmd[4400], *dump = NULL, *line, *save = NULL;
  size_t dump_len = 0, k, cap = 0;
  struct mxmc_buf err = {0};
  struct replay syn, base;
  struct mxmc_report *rep;
  struct mxmc_options opt;
  struct mxmb_stats s, b;
  struct mxmb_row *row;
  FILE *df;

  memset(&syn, 0, sizeof(syn));
  snprintf(script, sizeof(script), "%s/conformance/adapters/synapse/synapse_adapter.py", opts->root);
  if(access("/usr/bin/python3", X_OK) != 0 || access(script, R_OK) != 0) {
    mxmb_note("conform: Synapse row left out: needs /usr/bin/python3 and %s", script);
    return;
  }
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' 2>/dev/null", script);
  syn.adapter = mxmc_adapter_start(cmd, 60, &err);
  if(!syn.adapter) {
    mxmb_note("conform: Synapse row left out: the Synapse adapter did not start (Synapse not importable? set "
              "MXM_SYNAPSE_SRC): %s", mxmc_buf_str(&err));
    mxmc_buf_free(&err);
    return;
  }
  /* The request stream: one pass through Synapse, every request line kept. */
  df = open_memstream(&dump, &dump_len);
  rep = df ? mxmc_report_new(MXMC_FMT_TEXT, in->devnull, 0) : NULL;
  if(rep) {
    memset(&opt, 0, sizeof(opt));
    opt.adapter = syn.adapter;
    opt.dump = df;
    for(k = 0; k < in->n_files; k++)
      mxmc_run_file(in->files[k], &opt, rep);
    mxmc_report_free(&rep);
  }
  if(df)
    fclose(df);
  for(line = dump ? strtok_r(dump, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
    struct mxm_json *req = NULL;
    struct mxm_error e;
    mxm_error_clear(&e);
    if(mxm_json_parse(line, strlen(line), &req, &e) != MXM_OK)
      continue;
    if(syn.n == cap) {
      size_t nc = cap ? cap * 2 : 1024;
      struct mxm_json **nr = realloc(syn.reqs, nc * sizeof(*nr));
      if(!nr) {
        mxm_json_free(&req);
        break;
      }
      syn.reqs = nr;
      cap = nc;
    }
    syn.reqs[syn.n++] = req;
  }
  free(dump);
  if(syn.n == 0) {
    mxmb_warn("conform: Synapse row left out: no request was sent to the Synapse adapter");
    goto out;
  }
  base = syn;
  base.adapter = ref;
  {
    /* A Synapse pass over the whole corpus takes seconds: one pass per run,
     * three timed runs each. */
    struct mxmb_opts o = *opts;
    if(o.repeat > 3)
      o.repeat = 3;
    o.run_seconds = 0; /* calibration stops at one pass */
    mxmb_measure_pair(&o, replay_pass, &syn, replay_pass, &base, &s, &b);
  }
  row = mxmb_row_timed("conform", "case via Synapse adapter", &s);
  per_case(row, (double)syn.n);
  snprintf(row->baseline, sizeof(row->baseline), "same requests via mxm-ref-adapter");
  row->ratio = s.median / b.median;
  snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x mxm-ref-adapter time");
  snprintf(row->note, sizeof(row->note), "%zu requests (the cases Synapse's hello admits); mxm-ref-adapter on "
           "the same lines: %.0f cases/s; %zu faults", syn.n, 1e9 * (double)syn.n / b.median,
           syn.faults + base.faults);
  {
    /* The same runs by the adapters' own CPU time (their process groups'
     * utime + stime from /proc, 10 ms ticks; every timed run is at least
     * one whole pass, so a tick is at most a few percent). */
    double slo = 0, shi = 0, blo = 0, bhi = 0, sc = cpu_median(&syn, &slo, &shi), bc = cpu_median(&base, &blo, &bhi);
    if(sc > 0 && bc > 0) {
      struct mxmb_stats cs;
      memset(&cs, 0, sizeof(cs));
      cs.median = bc * 1e9;
      cs.min = blo * 1e9;
      cs.max = bhi * 1e9;
      cs.runs = (int)base.n_cpu;
      row = mxmb_row_timed("conform", "adapter CPU: mxm-ref-adapter", &cs);
      row->per_second = 1.0 / bc;
      snprintf(row->note, sizeof(row->note), "CPU of the adapter process per request, the %zu requests above "
               "(median of %zu runs); state cache: see PERFORMANCE.md", syn.n, base.n_cpu);
      cs.median = sc * 1e9;
      cs.min = slo * 1e9;
      cs.max = shi * 1e9;
      cs.runs = (int)syn.n_cpu;
      row = mxmb_row_timed("conform", "adapter CPU: Synapse adapter", &cs);
      row->per_second = 1.0 / sc;
      snprintf(row->baseline, sizeof(row->baseline), "adapter CPU: mxm-ref-adapter");
      row->ratio = sc / bc;
      snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x mxm-ref-adapter CPU");
      snprintf(row->target, sizeof(row->target), ">= 10");
      row->target_met = row->ratio >= 10;
      snprintf(row->note, sizeof(row->note), "CPU of the Synapse adapter's processes per request, same requests, "
               "same runs (median of %zu)", syn.n_cpu);
    } else {
      mxmb_note("conform: adapter CPU rows left out: cannot read the adapters' CPU time from /proc");
    }
  }
out:
  for(k = 0; k < syn.n; k++)
    mxm_json_free(&syn.reqs[k]);
  free(syn.reqs);
  mxmc_adapter_stop(&syn.adapter);
  mxmc_buf_free(&err);
}

/* The directory of this executable, where mxm-ref-adapter is built too. */
static int adapter_path(char *buf, size_t len)
{
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  char *slash;
  if(n <= 0)
    return 0;
  self[n] = '\0';
  slash = strrchr(self, '/');
  if(!slash)
    return 0;
  *slash = '\0';
  snprintf(buf, len, "%s/mxm-ref-adapter", self);
  return access(buf, X_OK) == 0;
}

int mxmb_section_conform(const struct mxmb_opts *opts)
{
  struct corpus in, ad;
  char dir[4096], adapter[4200];
  char **paths = NULL;
  size_t n_paths = 0, n_use, k;
  struct mxmc_buf err = {0};
  struct mxmb_stats s, b;
  struct mxmb_row *row;
  uint64_t t0;
  double start_ms;
  int rc = 0;

  memset(&in, 0, sizeof(in));
  snprintf(dir, sizeof(dir), "%s/conformance/cases", opts->root);
  if(mxmc_collect_paths(dir, &paths, &n_paths) != 0 || n_paths == 0) {
    mxmb_warn("conform: no case files under %s (use --root)", dir);
    return 1;
  }
  /* --quick: the smallest file only. */
  n_use = n_paths;
  if(opts->quick && n_paths > 1) {
    size_t best = 0, best_size = (size_t)-1;
    for(k = 0; k < n_paths; k++) {
      struct stat sb;
      if(stat(paths[k], &sb) == 0 && (size_t)sb.st_size < best_size) {
        best_size = (size_t)sb.st_size;
        best = k;
      }
    }
    if(best) {
      char *t = paths[0];
      paths[0] = paths[best];
      paths[best] = t;
    }
    n_use = 1;
  }
  in.files = calloc(n_use, sizeof(*in.files));
  in.devnull = fopen("/dev/null", "w");
  if(!in.files || !in.devnull) {
    rc = 1;
    goto done;
  }
  for(k = 0; k < n_use; k++) {
    struct mxmc_file *f = mxmc_file_load(paths[k]);
    if(!f || !f->root) {
      mxmb_warn("conform: cannot load %s: %s", paths[k], f && f->load_error ? f->load_error : "out of memory");
      mxmc_file_free(&f);
      continue;
    }
    in.files[in.n_files++] = f;
  }
  if(!adapter_path(adapter, sizeof(adapter))) {
    mxmb_warn("conform: mxm-ref-adapter not found next to mxm-bench; adapter figure left out");
    mxmb_measure_pair(opts, run_pass, &in, NULL, NULL, &s, NULL);
    row = mxmb_row_timed("conform", "in-process corpus pass", &s);
    goto done;
  }
  ad = in;
  t0 = mxmb_now_ns();
  ad.adapter = mxmc_adapter_start(adapter, 60, &err);
  start_ms = (double)(mxmb_now_ns() - t0) / 1e6;
  if(!ad.adapter) {
    mxmb_warn("conform: cannot start %s: %s", adapter, mxmc_buf_str(&err));
    rc = 1;
    goto done;
  }

  {
    /* One pass is thousands of case runs and takes seconds: three timed
     * passes each are enough, and keep the section to about a minute. */
    struct mxmb_opts o = *opts;
    if(o.repeat > 3)
      o.repeat = 3;
    mxmb_measure_pair(&o, run_pass, &ad, run_pass, &in, &s, &b);
  }
  if(in.cases == 0) {
    mxmb_warn("conform: the corpus produced no results");
    rc = 1;
    goto done;
  }
  row = mxmb_row_timed("conform", "case in-process", &b);
  per_case(row, (double)in.cases);
  snprintf(row->note, sizeof(row->note), "%zu files, %zu case runs per pass (case x room version), %zu not passed; "
           "mxmc_run_file, reference backend", in.n_files, in.cases, in.not_passed);
  {
    /* The in-process pass by CPU time: every whole pass made (calibration
     * passes too), the median and spread. */
    struct mxmb_stats cs;
    memset(&cs, 0, sizeof(cs));
    qsort(in.cpu, in.n_cpu, sizeof(in.cpu[0]), cmp_double);
    if(in.n_cpu) {
      cs.median = in.cpu[in.n_cpu / 2] * 1e9;
      cs.min = in.cpu[0] * 1e9;
      cs.max = in.cpu[in.n_cpu - 1] * 1e9;
      cs.runs = (int)in.n_cpu;
      row = mxmb_row_timed("conform", "in-process corpus pass CPU", &cs);
      row->per_second = 1e9 / cs.median;
      snprintf(row->target, sizeof(row->target), "<= 1.5 s");
      row->target_met = cs.median <= 1.5e9;
      snprintf(row->note, sizeof(row->note), "CPU time of one whole pass (%zu results), median of %zu passes; "
               "expansion (signing, hashing) included", in.cases, in.n_cpu);
    }
  }
  row = mxmb_row_timed("conform", "case via mxm-ref-adapter", &s);
  per_case(row, (double)ad.cases);
  snprintf(row->baseline, sizeof(row->baseline), "case in-process");
  row->ratio = (s.median / (double)ad.cases) / (b.median / (double)in.cases);
  snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x in-process time");
  snprintf(row->target, sizeof(row->target), "<= 2");
  row->target_met = row->ratio <= 2;
  snprintf(row->note, sizeof(row->note), "PROTOCOL.md over pipes: +%.0f us/case; one adapter process (start-up %.1f ms, "
           "not in the figure), %zu restarts, %zu not passed",
           (s.median / (double)ad.cases - b.median / (double)in.cases) / 1e3, start_ms,
           (size_t)mxmc_adapter_restarts(ad.adapter), ad.not_passed);
  if(ad.cases != in.cases)
    mxmb_warn("conform: %zu case runs through the adapter, %zu in process", ad.cases, in.cases);
  synapse_row(opts, &in, ad.adapter);
  mxmc_adapter_stop(&ad.adapter);
done:
  for(k = 0; k < in.n_files; k++)
    mxmc_file_free(&in.files[k]);
  free(in.files);
  if(in.devnull)
    fclose(in.devnull);
  for(k = 0; paths && k < n_paths; k++)
    free(paths[k]);
  free(paths);
  mxmc_buf_free(&err);
  return rc;
}

/* ---- section "fuzzadapter": `mxm fuzz --adapter` cases per second ----
 *
 * Method: the loop of `mxm fuzz` (mxmc_fuzz_step: generate a case with the
 * structure-aware decoder, expand it, ask the reference in process, send it
 * to the backend, compare), one operation per generated case. Subject: the
 * backend is mxm-ref-adapter, one process for the whole measurement, as in
 * `mxm fuzz --adapter mxm-ref-adapter`. Baseline: the same loop with the
 * reference in process as the backend (the same requests built, no process
 * boundary). The generator continues across runs, so every run sees new
 * cases; a disagreement (there should be none: the test checks it) would add
 * its minimisation to the subject. Target: >= 1,000 cases/s through the
 * adapter. */
static uint64_t fuzz_pass(void *ctx, size_t n)
{
  struct mxmc_fuzz *f = ctx;
  size_t i;
  for(i = 0; i < n; i++)
    if(mxmc_fuzz_step(f))
      break;
  return i;
}

int mxmb_section_fuzzadapter(const struct mxmb_opts *opts)
{
  char adapter[4200];
  struct mxmc_buf err = {0};
  struct mxmc_adapter *ad;
  struct mxmc_fuzz *via, *in;
  struct mxmc_fuzz_stats sv, si;
  struct mxmb_stats s, b;
  struct mxmb_row *row;
  if(!adapter_path(adapter, sizeof(adapter))) {
    mxmb_warn("fuzzadapter: mxm-ref-adapter not found next to mxm-bench; section left out");
    return 1;
  }
  ad = mxmc_adapter_start(adapter, 60, &err);
  if(!ad) {
    mxmb_warn("fuzzadapter: cannot start %s: %s", adapter, mxmc_buf_str(&err));
    mxmc_buf_free(&err);
    return 1;
  }
  mxmc_buf_free(&err);
  via = mxmc_fuzz_new(ad, 1, 0, NULL, adapter);
  in = mxmc_fuzz_new(NULL, 1, 0, NULL, NULL);
  if(!via || !in) {
    mxmc_fuzz_free(&via);
    mxmc_fuzz_free(&in);
    mxmc_adapter_stop(&ad);
    return 1;
  }
  mxmc_expand_reset();
  mxmb_measure_pair(opts, fuzz_pass, via, fuzz_pass, in, &s, &b);
  mxmc_fuzz_stats_get(via, &sv);
  mxmc_fuzz_stats_get(in, &si);
  row = mxmb_row_timed("fuzzadapter", "fuzz case in-process", &b);
  snprintf(row->note, sizeof(row->note), "mxmc_fuzz_step, the reference against itself: %llu cases (%llu sequence), "
           "%llu disagreements", (unsigned long long)si.cases, (unsigned long long)si.sequence,
           (unsigned long long)si.disagreements);
  row = mxmb_row_timed("fuzzadapter", "fuzz case via mxm-ref-adapter", &s);
  snprintf(row->baseline, sizeof(row->baseline), "fuzz case in-process");
  row->ratio = s.median / b.median;
  snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x in-process time");
  snprintf(row->target, sizeof(row->target), ">= 1000 cases/s");
  row->target_met = row->per_second >= 1000;
  snprintf(row->note, sizeof(row->note), "mxm fuzz --adapter mxm-ref-adapter: %llu cases (%llu sequence), "
           "%llu disagreements, %u restarts", (unsigned long long)sv.cases, (unsigned long long)sv.sequence,
           (unsigned long long)sv.disagreements, sv.restarts);
  if(sv.disagreements || si.disagreements)
    mxmb_warn("fuzzadapter: the reference disagreed with itself (%llu via the adapter, %llu in process)",
              (unsigned long long)sv.disagreements, (unsigned long long)si.disagreements);
  mxmc_fuzz_free(&via);
  mxmc_fuzz_free(&in);
  mxmc_adapter_stop(&ad);
  return 0;
}

#else /* no runner library */

int mxmb_section_conform(const struct mxmb_opts *opts)
{
  (void)opts;
  mxmb_note("conform: left out: this build has no conformance runner library (conformance/runner/conform.h)");
  return 0;
}

int mxmb_section_fuzzadapter(const struct mxmb_opts *opts)
{
  (void)opts;
  mxmb_note("fuzzadapter: left out: this build has no conformance runner library (conformance/runner/conform.h)");
  return 0;
}

#endif
