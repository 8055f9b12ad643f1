/*
 * bench_main.c: the mxm-bench program: options, the section list, pinning,
 * output. See bench.h for the method and PERFORMANCE.md for the figures.
 *
 *   mxm-bench [--quick] [--json] [--json-out FILE] [--only SECTION] [--repeat N] [--seconds S]
 *             [--root DIR] [--sizes LIST] [--verbose]
 *
 * Exit status: 0 when every section ran (timing is never asserted), 1 when
 * a section could not run (a fixture failed to build), 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct section {
  const char *name;
  int (*run)(const struct mxmb_opts *opts);
  const char *what;
};

static const struct section sections[] = {
  {"decide", mxmb_section_decide, "typed decisions: mxm_auth_decide / mxm_auth_check on a warm state"},
  {"verdict", mxmb_section_verdict, "JSON bytes -> verdict vs. strict JSON parse of the same bytes"},
  {"scale", mxmb_section_scale, "rooms of 1k/100k/1M members: replay events/s, bytes per member"},
  {"conform", mxmb_section_conform, "conformance corpus: cases/s in-process vs. through the adapter"},
  {"fuzz", mxmb_section_fuzz, "fuzz harness bodies on their seed corpora vs. a parse-only body"},
  {"fuzzadapter", mxmb_section_fuzzadapter, "mxm fuzz: generated cases/s through mxm-ref-adapter vs. in process"},
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static void usage(FILE *to)
{
  size_t i;
  fprintf(to,
          "usage: mxm-bench [--quick] [--json] [--json-out FILE] [--only SECTION] [--repeat N] [--seconds S] [--root DIR] [--sizes LIST] [--verbose]\n"
          "  --quick      tiny sizes, one repeat: checks that the benchmark runs (figures not meaningful)\n"
          "  --json       machine-readable results on stdout\n"
          "  --json-out F also write the machine-readable results to file F\n"
          "  --only NAME  run one section\n"
          "  --repeat N   timed runs per figure (default 7); the median and [min, max] are reported\n"
          "  --seconds S  length of one timed run (default 0.2)\n"
          "  --root DIR   repository root, for conformance/ and corpus/ (default .)\n"
          "  --sizes LIST scale: member counts, e.g. 1000,100000 (default 1000,100000,1000000; quick 100,1000)\n"
          "sections:\n");
  for(i = 0; i < N_SECTIONS; i++)
    fprintf(to, "  %-8s %s\n", sections[i].name, sections[i].what);
}

int main(int argc, char **argv)
{
  struct mxmb_opts opts;
  char pin[128], load[64];
  int i, rc = 0, repeat_set = 0;
  size_t k;

  memset(&opts, 0, sizeof(opts));
  opts.repeat = 7;
  opts.run_seconds = 0.2;
  opts.root = ".";
  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(strcmp(a, "--quick") == 0)
      opts.quick = 1;
    else if(strcmp(a, "--json") == 0)
      opts.json = 1;
    else if(strcmp(a, "--verbose") == 0)
      opts.verbose = 1;
    else if(strcmp(a, "--only") == 0 && i + 1 < argc)
      opts.only = argv[++i];
    else if(strcmp(a, "--json-out") == 0 && i + 1 < argc)
      opts.json_out = argv[++i];
    else if(strcmp(a, "--sizes") == 0 && i + 1 < argc)
      opts.sizes = argv[++i];
    else if(strcmp(a, "--root") == 0 && i + 1 < argc)
      opts.root = argv[++i];
    else if(strcmp(a, "--repeat") == 0 && i + 1 < argc) {
      char *end;
      long n = strtol(argv[++i], &end, 10);
      if(*end || n < 1 || n > 101) {
        fprintf(stderr, "mxm-bench: --repeat takes 1..101\n");
        return 2;
      }
      opts.repeat = (int)n;
      repeat_set = 1;
    }
    else if(strcmp(a, "--seconds") == 0 && i + 1 < argc) {
      char *end;
      double s = strtod(argv[++i], &end);
      if(*end || !(s > 0 && s <= 60)) {
        fprintf(stderr, "mxm-bench: --seconds takes a value in (0, 60]\n");
        return 2;
      }
      opts.run_seconds = s;
    }
    else if(strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    }
    else {
      fprintf(stderr, "mxm-bench: unknown or incomplete option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if(opts.quick && !repeat_set)
    opts.repeat = 1;
  if(opts.only) {
    for(k = 0; k < N_SECTIONS; k++)
      if(strcmp(opts.only, sections[k].name) == 0)
        break;
    if(k == N_SECTIONS) {
      fprintf(stderr, "mxm-bench: no section '%s'\n", opts.only);
      usage(stderr);
      return 2;
    }
  }

  /* Deterministic hashing inside json-c, so runs are comparable. */
  mxm_json_deterministic();
  mxmb_pin_one_cpu(pin, sizeof(pin));
  mxmb_loadavg(load, sizeof(load));
  mxmb_note("%s; load average at start: %s", pin, load);

  for(k = 0; k < N_SECTIONS; k++) {
    if(opts.only && strcmp(opts.only, sections[k].name) != 0)
      continue;
    if(opts.verbose || !opts.json)
      fprintf(stderr, "mxm-bench: %s ...\n", sections[k].name);
    if(sections[k].run(&opts) != 0) {
      fprintf(stderr, "mxm-bench: section %s could not run\n", sections[k].name);
      rc = 1;
    }
  }
  if(opts.json)
    mxmb_print_json(&opts, stdout);
  else
    mxmb_print_table(&opts);
  if(opts.json_out) {
    FILE *f = fopen(opts.json_out, "w");
    if(!f) {
      fprintf(stderr, "mxm-bench: cannot write %s\n", opts.json_out);
      return rc ? rc : 1;
    }
    mxmb_print_json(&opts, f);
    if(fclose(f) != 0)
      rc = rc ? rc : 1;
  }
  return rc;
}
