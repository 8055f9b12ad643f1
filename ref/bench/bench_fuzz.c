/*
 * bench_fuzz.c: section "fuzz" of mxm-bench: executions per second of each
 * fuzz harness body on its seed corpus (corpus/<harness>/), without any
 * fuzzing engine, against a parse-only body on the same seeds.
 *
 * Method: the harness sources are compiled into this program
 * (fuzzbody_*.c include fuzz/fuzz_<h>.c with LLVMFuzzerTestOneInput renamed
 * mxmb_fuzz_<h>_one, and the shared fuzz/ sources once each), so a figure is
 * the body alone: no process start, no file reads (seeds are read into
 * memory first), no engine bookkeeping. One timed operation is one pass
 * over every seed (so a figure covers the whole corpus, not its first
 * files); figures are per input: pass time / number of seeds. At most three
 * timed passes per harness (a slow harness's pass takes seconds).
 *
 * Baselines ("parse-only body"), on the same seeds:
 *   - JSON harnesses (fuzz_event_parse, fuzz_canonical: byte 0 selects a
 *     mode, the rest is JSON; fuzz_case_loader: a whole case file):
 *     mxm_json_parse + free of the JSON bytes;
 *   - structure-aware harnesses (fuzz_auth, fuzz_differential, fuzz_room:
 *     the bytes are decoded into a typed case): the decoder alone
 *     (mxmf_reader_init + mxmf_decode_case), which is what "parsing the
 *     input" means for them. fuzz_room decodes a sequence of its own; its
 *     floor is the same case decoder over its bytes.
 * The structure-aware rows are reported against fuzz_event_parse of the
 * same run instead (their ratio: exec/s / fuzz_event_parse's exec/s, with
 * the floor in the note), which is how issue 11 states their targets:
 * fuzz_auth and fuzz_differential >= 10,000 exec/s, fuzz_room >= 3,000.
 */
#define _GNU_SOURCE /* opendir, readdir */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"

#if defined(__has_include)
#if __has_include("../../fuzz/fuzz_auth.c") && __has_include("../../fuzz/decode.h")
#define MXMB_HAVE_FUZZ 1
#endif
#endif

#ifdef MXMB_HAVE_FUZZ
#include "../../fuzz/decode.h"

int mxmb_fuzz_event_parse_one(const uint8_t *data, size_t size);
int mxmb_fuzz_canonical_one(const uint8_t *data, size_t size);
int mxmb_fuzz_auth_one(const uint8_t *data, size_t size);
int mxmb_fuzz_room_one(const uint8_t *data, size_t size);
int mxmb_fuzz_differential_one(const uint8_t *data, size_t size);
int mxmb_fuzz_event_parse_init(int *argc, char ***argv);
#if __has_include("../../fuzz/fuzz_case_loader.c") && __has_include("conform.h")
#define MXMB_HAVE_CASE_LOADER 1
int mxmb_fuzz_case_loader_one(const uint8_t *data, size_t size);
int mxmb_fuzz_case_loader_init(int *argc, char ***argv);
#endif

typedef int (*body_fn)(const uint8_t *data, size_t size);

struct harness {
  const char *name;
  body_fn body;
  int json;      /* 1: JSON from byte json_from on; 0: structure-aware */
  int json_from; /* 1: byte 0 selects a mode; 0: the whole input is JSON */
  double target; /* exec/s, 0 for none */
};

static const struct harness harnesses[] = {
  {"fuzz_event_parse", mxmb_fuzz_event_parse_one, 1, 1, 0},
  {"fuzz_canonical", mxmb_fuzz_canonical_one, 1, 1, 0},
  {"fuzz_auth", mxmb_fuzz_auth_one, 0, 0, 10000},
  {"fuzz_differential", mxmb_fuzz_differential_one, 0, 0, 10000},
  {"fuzz_room", mxmb_fuzz_room_one, 0, 0, 3000},
#ifdef MXMB_HAVE_CASE_LOADER
  {"fuzz_case_loader", mxmb_fuzz_case_loader_one, 1, 0, 0},
#endif
};

struct seeds {
  uint8_t **data;
  size_t *len;
  size_t n, bytes;
  body_fn body;
  size_t json_from;
};

static void seeds_free(struct seeds *s)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    free(s->data[i]);
  free(s->data);
  free(s->len);
  memset(s, 0, sizeof(*s));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Read every regular file of dir (sorted by name), at most `max` files
 * (0 = all). Returns 0, or -1 if the directory cannot be read. */
static int seeds_load(const char *dir, size_t max, struct seeds *s)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  memset(s, 0, sizeof(*s));
  if(!d)
    return -1;
  while((de = readdir(d)) != NULL) {
    if(de->d_name[0] == '.')
      continue;
    if(n == cap) {
      char **t = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
      if(!t)
        break;
      names = t;
    }
    names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
    if(!names[n])
      break;
    sprintf(names[n], "%s/%s", dir, de->d_name);
    n++;
  }
  closedir(d);
  if(n)
    qsort(names, n, sizeof(*names), cmp_str);
  s->data = calloc(n ? n : 1, sizeof(*s->data));
  s->len = calloc(n ? n : 1, sizeof(*s->len));
  for(i = 0; s->data && s->len && i < n && (!max || s->n < max); i++) {
    struct stat sb;
    FILE *f;
    uint8_t *buf;
    if(stat(names[i], &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > (1 << 20))
      continue;
    f = fopen(names[i], "rb");
    if(!f)
      continue;
    buf = malloc((size_t)sb.st_size ? (size_t)sb.st_size : 1);
    if(buf && fread(buf, 1, (size_t)sb.st_size, f) == (size_t)sb.st_size) {
      s->data[s->n] = buf;
      s->len[s->n] = (size_t)sb.st_size;
      s->bytes += (size_t)sb.st_size;
      s->n++;
    }
    else
      free(buf);
    fclose(f);
  }
  for(i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return 0;
}

static uint64_t run_body(void *ctx, size_t n)
{
  struct seeds *s = ctx;
  uint64_t acc = 0;
  size_t i, j;
  for(i = 0; i < n; i++)
    for(j = 0; j < s->n; j++)
      acc += (uint64_t)s->body(s->data[j], s->len[j]) + 1;
  return acc;
}

static uint64_t run_json_floor(void *ctx, size_t n)
{
  struct seeds *s = ctx;
  uint64_t acc = 0;
  size_t i, j;
  for(i = 0; i < n; i++) {
    for(j = 0; j < s->n; j++) {
      struct mxm_json *json = NULL;
      if(s->len[j] > s->json_from &&
         mxm_json_parse((const char *)s->data[j] + s->json_from, s->len[j] - s->json_from, &json, NULL) == MXM_OK)
        acc += (uint64_t)mxm_json_type(json);
      mxm_json_free(&json);
    }
  }
  return acc;
}

static uint64_t run_decode_floor(void *ctx, size_t n)
{
  struct seeds *s = ctx;
  uint64_t acc = 0;
  size_t i, j;
  for(i = 0; i < n; i++) {
    for(j = 0; j < s->n; j++) {
      struct mxmf_reader r;
      struct mxmf_case c;
      mxmf_reader_init(&r, s->data[j], s->len[j]);
      mxmf_decode_case(&r, &c);
      acc += (uint64_t)c.room_version;
    }
  }
  return acc;
}

static void per_input(struct mxmb_stats *st, size_t n)
{
  st->median /= (double)n;
  st->min /= (double)n;
  st->max /= (double)n;
}

int mxmb_section_fuzz(const struct mxmb_opts *opts)
{
  size_t h;
  int rc = 0;
  double event_parse_ns = 0; /* fuzz_event_parse's median ns/input, this run */
  mxmb_fuzz_event_parse_init(NULL, NULL); /* mxmf_init: deterministic hashing, keys */
#ifdef MXMB_HAVE_CASE_LOADER
  mxmb_fuzz_case_loader_init(NULL, NULL); /* its scratch case file */
#endif
  mxmb_note("fuzz: harness bodies linked in-process from fuzz/ (entry points renamed), seeds read into memory "
            "first; no fuzzing engine; compiled with this build's flags");
  for(h = 0; h < sizeof(harnesses) / sizeof(harnesses[0]); h++) {
    const struct harness *hn = &harnesses[h];
    struct seeds s;
    char dir[4096], name[48];
    struct mxmb_stats body, floor;
    struct mxmb_row *row;
    snprintf(dir, sizeof(dir), "%s/corpus/%s", opts->root, hn->name);
    if(seeds_load(dir, opts->quick ? 8 : 0, &s) != 0 || s.n == 0) {
      mxmb_warn("fuzz: no seeds in %s (use --root); %s left out", dir, hn->name);
      seeds_free(&s);
      rc = 1;
      continue;
    }
    s.body = hn->body;
    s.json_from = (size_t)hn->json_from;
    {
      /* One operation is a pass over every seed; a slow harness's pass
       * takes seconds, so at most three timed passes. */
      struct mxmb_opts o = *opts;
      if(o.repeat > 3)
        o.repeat = 3;
      mxmb_measure_pair(&o, run_body, &s, hn->json ? run_json_floor : run_decode_floor, &s, &body, &floor);
      per_input(&body, s.n);
      per_input(&floor, s.n);
    }
    snprintf(name, sizeof(name), "%s", hn->name);
    row = mxmb_row_timed("fuzz", name, &body);
    if(strcmp(hn->name, "fuzz_event_parse") == 0)
      event_parse_ns = body.median;
    if(!hn->json && event_parse_ns > 0) {
      snprintf(row->baseline, sizeof(row->baseline), "fuzz_event_parse (same run)");
      row->ratio = event_parse_ns / body.median;
      snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x fuzz_event_parse exec/s");
      snprintf(row->note, sizeof(row->note), "%zu seeds, mean %.0f B; %.3g x decoder-only time", s.n,
               (double)s.bytes / (double)s.n, body.median / floor.median);
    } else {
      snprintf(row->baseline, sizeof(row->baseline), "%s", hn->json ? "json_parse of the seed" : "decoder only");
      row->ratio = body.median / floor.median;
      snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x floor time");
      snprintf(row->note, sizeof(row->note), "%zu seeds, mean %.0f B; floor %.0f ns/input (%.0f inputs/s)", s.n,
               (double)s.bytes / (double)s.n, floor.median, 1e9 / floor.median);
    }
    if(hn->target > 0) {
      snprintf(row->target, sizeof(row->target), ">= %.0f exec/s", hn->target);
      row->target_met = 1e9 / body.median >= hn->target;
    }
    seeds_free(&s);
  }
  return rc;
}

#else

int mxmb_section_fuzz(const struct mxmb_opts *opts)
{
  (void)opts;
  mxmb_note("fuzz: left out: this tree has no fuzz/ harnesses to link");
  return 0;
}

#endif
