/*
 * conform_main.c: `mxm conform`, option parsing and the top-level loop:
 * collect the case files, then lint them (--lint) or run them against the
 * reference in process or an adapter (--adapter), and write the report.
 * ref/cli/cmd_conform.c and the mxm-conform helper program both call
 * mxmc_main, so the CLI stays a thin layer.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conform.h"

/* The corpus version of the cases at `path` (a case file or a directory of
 * them): the first line of VERSION beside them (conformance/cases/VERSION),
 * or NULL when there is none. Owned by the caller. */
static char *corpus_version_at(const char *path)
{
  struct stat st;
  char *file, *slash, line[64];
  FILE *in;
  size_t n;
  if(stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    file = mxmc_printf("%s/VERSION", path);
  } else {
    char *dir = mxmc_strdup(path);
    if(!dir)
      return NULL;
    slash = strrchr(dir, '/');
    if(slash)
      *slash = '\0';
    file = slash ? mxmc_printf("%s/VERSION", dir) : mxmc_strdup("VERSION");
    free(dir);
  }
  in = file ? fopen(file, "r") : NULL;
  free(file);
  if(!in)
    return NULL;
  if(!fgets(line, sizeof(line), in)) {
    fclose(in);
    return NULL;
  }
  fclose(in);
  n = strcspn(line, "\r\n");
  line[n] = '\0';
  return n ? mxmc_strdup(line) : NULL;
}

static void print_versions(FILE *f)
{
  fprintf(f, "mxm %s\nadapter protocol %s\nconformance corpus %s\n", mxm_version(), MXM_PROTOCOL_VERSION,
          MXM_CORPUS_VERSION);
}

static void usage(FILE *f, const char *corpus, const char *corpus_how)
{
  fputs(
      "usage: mxm conform [options] [FILE|DIR ...]\n"
      "       mxm conform --lint [--no-coverage] [FILE|DIR ...]\n"
      "\n"
      "Runs the conformance corpus (conformance/FORMAT.md) against the reference\n"
      "library in process, or against another implementation through an adapter\n"
      "(conformance/PROTOCOL.md). A DIR contributes its *_test.json files; the same\n"
      "file given twice runs once.\n"
      "\n"
      "With no FILE or DIR the corpus is found, in this order, next to the installed\n"
      "program (<prefix>/share/mxm/conformance/cases), in the source tree it was built\n"
      "from, or in ./conformance/cases. Here that is:\n  ",
      f);
  fprintf(f, "%s (%s)\n", corpus ? corpus : "(none found)", corpus_how ? corpus_how : "give FILE or DIR");
  fputs(
      "\n"
      "Selecting cases:\n"
      "  --room-version V     only room version V (repeatable, or a comma list: 1,7,12)\n"
      "  --only PATTERN       only cases that PATTERN names: a case file by name, suite\n"
      "                       or path (conformance/cases/member_join_test.json);\n"
      "                       FILE:TCID or SUITE:TCID; TCID (in every file); a request\n"
      "                       id as --dump-requests writes it (member_join_test.json#3@v7,\n"
      "                       transitions_test.json#2@v1.1); or an expected rule id\n"
      "                       prefix (member.join). Repeatable: a case runs if any matches\n"
      "  --layer L            auth, transition, api, sequence or client (repeatable, comma list)\n"
      "  --spec R             run at spec release R (r0, v1.1 ... v1.19, current); cases\n"
      "                       whose range excludes R are skipped. Default: each case at\n"
      "                       the newest release of its range the implementation follows\n"
      "\n"
      "Implementation:\n"
      "  --adapter 'CMD'      run CMD and talk PROTOCOL.md to it (default: the reference\n"
      "                       library, in process). A plain list of words (VAR=value words\n"
      "                       first, '...' and \"...\" quoting) is executed directly;\n"
      "                       anything with shell syntax runs under /bin/sh -c, and should\n"
      "                       start the adapter with exec. The adapter's whole process\n"
      "                       group is killed at the end of the run\n"
      "  --timeout SECONDS    per-case adapter timeout (default 10); a hung, crashed or\n"
      "                       garbled adapter is killed and restarted, the case is an error\n"
      "  --expected-failures FILE\n"
      "                       the implementation's known deviations (see\n"
      "                       conformance/expected-failures/README.md): listed failures\n"
      "                       are XFAIL; a listed case that passes is XPASS and fails the run\n"
      "\n"
      "Output:\n"
      "  --format F           text (default), tap, junit, json (one object per result,\n"
      "                       then a summary line), markdown (fits in one pull-request\n"
      "                       comment), html\n"
      "  --output FILE        write the report to FILE instead of standard output. It is\n"
      "                       written under a temporary name and renamed into place, so\n"
      "                       FILE is either the previous report or a complete new one\n"
      "  --version            print the versions of mxm, the adapter protocol and the corpus\n"
      "  -v, --verbose        text format: the full block of each failing case (the case's\n"
      "                       spec citation, its flags' description, effect and links, the\n"
      "                       whole answer), and the passing and skipped cases; without\n"
      "                       it, a summary per rule area and one line per failing case\n"
      "  --dump-requests FILE write every request sent to the implementation to FILE,\n"
      "                       one JSON line each (what an adapter would receive)\n"
      "  --progress / --no-progress\n"
      "                       progress line on stderr (default: when stderr is a terminal)\n"
      "\n"
      "Failures are grouped by case (the room versions that failed alike together) and\n"
      "ordered by rule area, the basic member rules first and DIVERGENCE cases last.\n"
      "Interrupted (SIGINT, SIGTERM, SIGHUP), the run stops after the case in\n"
      "progress and writes a complete report marked interrupted with the results so\n"
      "far; a second signal ends it at once, leaving the previous --output file.\n"
      "\n"
      "Lint:\n"
      "  --lint               check the files against FORMAT.md and the reference's rule\n"
      "                       table, and check that every rule x room version and every\n"
      "                       branch x room version (allow and reject) has a case, and\n"
      "                       that cases of the same situation (state, event, room\n"
      "                       version, overlapping spec releases) expect the same thing;\n"
      "                       findings print as file:tcId: message (at /json/pointer)\n"
      "  --no-coverage        lint without the corpus-wide coverage check\n"
      "\n"
      "Exit codes:\n"
      "  0    every case that ran passed (lint: no finding)\n"
      "  1    a failure, an error (the implementation could not decide, or the adapter\n"
      "       hung, crashed or printed garbage) or an unexpected pass (lint: findings)\n"
      "  2    usage or input error: bad option, missing path, a case file that cannot be\n"
      "       loaded or does not follow FORMAT.md (the other files still run; each is\n"
      "       named on stderr), an adapter that gives no valid hello, two case files with\n"
      "       the same name, or no case matched the filters\n"
      "  3    internal error (out of memory, cannot write the report)\n"
      "  4    no case ran: every selected case was skipped, because the implementation\n"
      "       declares no room version, layer or spec release in common with them\n"
      "  129, 130, 143\n"
      "       interrupted by SIGHUP, SIGINT (Ctrl-C) or SIGTERM: the report has the\n"
      "       results decided before it and says it was interrupted\n"
      "  141  standard output was closed before the report was written (a reader such as\n"
      "       head went away): the run stops quietly\n",
      f);
}

/* The corpus used when no FILE or DIR is given: next to the installed
 * program, in the source tree it was built from, or in the current
 * directory. 0 and out/how set, or -1. */
static int find_corpus(char *out, size_t outlen, const char **how)
{
  char exe[2048];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  struct stat sb;
  if(n > 0) {
    char *slash;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if(slash) {
      *slash = '\0'; /* <prefix>/bin */
      slash = strrchr(exe, '/');
      if(slash) {
        *slash = '\0';
        snprintf(out, outlen, "%s/share/mxm/conformance/cases", exe[0] ? exe : "");
        if(stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
          *how = "installed, next to this program";
          return 0;
        }
      }
    }
  }
#ifdef MXMC_SOURCE_DIR
  snprintf(out, outlen, "%s/conformance/cases", MXMC_SOURCE_DIR);
  if(stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    *how = "the source tree this program was built from";
    return 0;
  }
#endif
  snprintf(out, outlen, "conformance/cases");
  if(stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    *how = "the current directory";
    return 0;
  }
  return -1;
}

/* Drop a path that names a file already in the list (the same file given
 * twice, or through a directory and by name), with a note; refuse two
 * different files with the same base name, whose request ids and results
 * could not be told apart. 0, or -1 with a message. */
static int dedupe_paths(char **paths, size_t *n_paths)
{
  size_t i, j, k = 0;
  struct stat *st = calloc(*n_paths + 1, sizeof(*st));
  int rc = 0;
  if(!st)
    return -1;
  for(i = 0; i < *n_paths; i++) {
    int dup = 0;
    if(stat(paths[i], &st[k]) != 0)
      memset(&st[k], 0, sizeof(st[k]));
    for(j = 0; j < k && !dup; j++) {
      if(st[k].st_ino && st[j].st_ino == st[k].st_ino && st[j].st_dev == st[k].st_dev) {
        fprintf(stderr, "mxm conform: note: %s is the same file as %s: run once\n", paths[i], paths[j]);
        dup = 1;
      } else if(strcmp(mxmc_basename(paths[j]), mxmc_basename(paths[i])) == 0) {
        fprintf(stderr, "mxm conform: %s and %s have the same name: their request ids and results would collide\n",
                paths[j], paths[i]);
        rc = -1;
      }
    }
    if(dup) {
      free(paths[i]);
      continue;
    }
    paths[k++] = paths[i];
  }
  *n_paths = k;
  free(st);
  return rc;
}

static const char *layers_text(unsigned layers, char *buf, size_t len)
{
  size_t off = 0;
  unsigned l;
  buf[0] = '\0';
  for(l = 1; l <= MXMC_LAYER_CLIENT; l <<= 1)
    if(layers & l)
      off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "",
                              mxmc_layer_name((enum mxmc_layer)l));
  return off ? buf : "none";
}

static const char *versions_text(uint32_t set, char *buf, size_t len)
{
  size_t off = 0;
  unsigned v;
  buf[0] = '\0';
  for(v = 1; v < 32; v++)
    if(set & ((uint32_t)1 << v))
      off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%u", off ? ", " : "", v);
  return off ? buf : "none";
}

static int add_versions(const char *arg, uint32_t *set)
{
  char *copy = mxmc_strdup(arg), *p, *save = NULL;
  int rc = 0;
  if(!copy)
    return -1;
  for(p = copy; p; p = save) {
    const struct mxm_room_version *rv;
    save = strchr(p, ',');
    if(save)
      *save++ = '\0';
    if(!*p)
      continue;
    rv = mxm_room_version_find(p);
    if(!rv) {
      fprintf(stderr, "mxm conform: unknown room version \"%s\"\n", p);
      rc = -1;
      break;
    }
    *set |= (uint32_t)1 << rv->number;
  }
  free(copy);
  return rc;
}

static int add_layers(const char *arg, unsigned *set)
{
  char *copy = mxmc_strdup(arg), *p, *save = NULL;
  int rc = 0;
  if(!copy)
    return -1;
  for(p = copy; p; p = save) {
    int l;
    save = strchr(p, ',');
    if(save)
      *save++ = '\0';
    if(!*p)
      continue;
    l = mxmc_layer_parse(p);
    if(!l) {
      fprintf(stderr, "mxm conform: unknown layer \"%s\" (auth, transition, api, sequence, client)\n", p);
      rc = -1;
      break;
    }
    *set |= (unsigned)l;
  }
  free(copy);
  return rc;
}

static int run_lint(char **paths, size_t n_paths, int coverage)
{
  struct mxmc_lint l;
  struct mxmc_situations *sit = mxmc_situations_new();
  size_t i;
  memset(&l, 0, sizeof(l));
  l.out = stdout;
  l.coverage = coverage;
  if(!sit) {
    fprintf(stderr, "mxm conform: out of memory\n");
    return MXMC_EXIT_INTERNAL;
  }
  for(i = 0; i < n_paths; i++) {
    struct mxmc_file *f = mxmc_file_load(paths[i]);
    if(!f) {
      fprintf(stderr, "mxm conform: out of memory\n");
      mxmc_situations_free(&sit);
      mxmc_lint_free(&l);
      return MXMC_EXIT_INTERNAL;
    }
    (void)mxmc_lint_file(&l, f);
    mxmc_situations_add_file(sit, f);
    mxmc_file_free(&f);
  }
  if(coverage)
    (void)mxmc_lint_coverage(&l);
  (void)mxmc_situations_report(sit, &l);
  mxmc_situations_free(&sit);
  fprintf(stderr, "mxm conform --lint: %zu file(s), %zu finding(s)%s\n", n_paths, l.findings,
          coverage ? "" : " (coverage not checked)");
  mxmc_lint_free(&l);
  return l.findings ? MXMC_EXIT_FAIL : MXMC_EXIT_OK;
}

/* Close the report file and move it into place; on failure remove it. */
static int commit_output(FILE *out, const char *tmp, const char *final, int keep)
{
  int rc = 0;
  if(fclose(out) != 0)
    keep = 0, rc = -1;
  if(keep && rename(tmp, final) != 0) {
    fprintf(stderr, "mxm conform: cannot rename %s to %s: %s\n", tmp, final, strerror(errno));
    rc = -1;
    keep = 0;
  }
  if(!keep)
    unlink(tmp);
  mxmc_signals_tmp_file(NULL);
  return rc;
}

int mxmc_main(int argc, char **argv)
{
  struct mxmc_options opt;
  struct mxmc_xfail xf;
  int lint = 0, coverage = 1, verbose = 0, progress = -1, positional = 0, i, rc = MXMC_EXIT_OK;
  const char *adapter_cmd = NULL, *xfail_path = NULL, *output = NULL, *dump_path = NULL;
  double timeout = 10;
  enum mxmc_format fmt = MXMC_FMT_TEXT;
  char **paths = NULL, *tmp_output = NULL, *backend = NULL, *spec_note = NULL;
  size_t n_paths = 0, k;
  const char **only = NULL;
  size_t n_only = 0;
  FILE *out = stdout;
  struct mxmc_report *rep = NULL;
  struct mxmc_buf err = {0};
  char corpus[4200];
  const char *corpus_how = NULL;
  char *corpus_version = NULL;
  int have_corpus;

  memset(&opt, 0, sizeof(opt));
  memset(&xf, 0, sizeof(xf));
  only = calloc((size_t)argc + 1, sizeof(*only));
  if(!only)
    return MXMC_EXIT_INTERNAL;
  have_corpus = find_corpus(corpus, sizeof(corpus), &corpus_how) == 0;

#define NEED_ARG()                                                                 \
  do {                                                                             \
    if(i + 1 >= argc) {                                                            \
      fprintf(stderr, "mxm conform: %s needs an argument (see --help)\n", argv[i]); \
      rc = MXMC_EXIT_USAGE;                                                        \
      goto done;                                                                   \
    }                                                                              \
  } while(0)

  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout, have_corpus ? corpus : NULL, corpus_how);
      goto done;
    } else if(strcmp(a, "--version") == 0) {
      print_versions(stdout);
      goto done;
    } else if(strcmp(a, "--lint") == 0) {
      lint = 1;
    } else if(strcmp(a, "--no-coverage") == 0) {
      coverage = 0;
    } else if(strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      verbose = 1;
    } else if(strcmp(a, "--progress") == 0) {
      progress = 1;
    } else if(strcmp(a, "--no-progress") == 0) {
      progress = 0;
    } else if(strcmp(a, "--room-version") == 0) {
      NEED_ARG();
      if(add_versions(argv[++i], &opt.room_versions)) {
        rc = MXMC_EXIT_USAGE;
        goto done;
      }
    } else if(strcmp(a, "--layer") == 0) {
      NEED_ARG();
      if(add_layers(argv[++i], &opt.layers)) {
        rc = MXMC_EXIT_USAGE;
        goto done;
      }
    } else if(strcmp(a, "--only") == 0) {
      NEED_ARG();
      only[n_only++] = argv[++i];
    } else if(strcmp(a, "--spec") == 0) {
      NEED_ARG();
      if(mxm_spec_parse(argv[++i], &opt.spec) != MXM_OK) {
        fprintf(stderr, "mxm conform: unknown spec release \"%s\" (r0, v1.1 ... v1.19, current)\n", argv[i]);
        rc = MXMC_EXIT_USAGE;
        goto done;
      }
      opt.spec_given = 1;
    } else if(strcmp(a, "--adapter") == 0) {
      NEED_ARG();
      adapter_cmd = argv[++i];
    } else if(strcmp(a, "--timeout") == 0) {
      char *end;
      NEED_ARG();
      timeout = strtod(argv[++i], &end);
      if(*end || end == argv[i] || !(timeout > 0 && timeout <= 3600)) {
        fprintf(stderr, "mxm conform: --timeout takes seconds in (0, 3600], not \"%s\"\n", argv[i]);
        rc = MXMC_EXIT_USAGE;
        goto done;
      }
    } else if(strcmp(a, "--dump-requests") == 0) {
      NEED_ARG();
      dump_path = argv[++i];
    } else if(strcmp(a, "--expected-failures") == 0) {
      NEED_ARG();
      xfail_path = argv[++i];
    } else if(strcmp(a, "--format") == 0) {
      NEED_ARG();
      if(mxmc_format_parse(argv[++i], &fmt)) {
        fprintf(stderr, "mxm conform: unknown format \"%s\" (text, tap, junit, json, markdown, html)\n", argv[i]);
        rc = MXMC_EXIT_USAGE;
        goto done;
      }
    } else if(strcmp(a, "--output") == 0 || strcmp(a, "-o") == 0) {
      NEED_ARG();
      output = argv[++i];
    } else if(a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "mxm conform: unknown option \"%s\" (see --help)\n", a);
      rc = MXMC_EXIT_USAGE;
      goto done;
    } else {
      positional++;
      if(mxmc_collect_paths(a, &paths, &n_paths)) {
        rc = MXMC_EXIT_USAGE;
        goto done;
      }
    }
  }
  if(!positional) {
    if(!have_corpus) {
      fprintf(stderr, "mxm conform: no corpus found (not in <prefix>/share/mxm/conformance/cases next to this "
                      "program, nor in the source tree it was built from, nor in ./conformance/cases): give FILE or DIR\n");
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
    if(mxmc_collect_paths(corpus, &paths, &n_paths)) {
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
  }
  if(n_paths == 0) {
    fprintf(stderr, "mxm conform: no case files found\n");
    rc = MXMC_EXIT_USAGE;
    goto done;
  }
  if(dedupe_paths(paths, &n_paths)) {
    rc = MXMC_EXIT_USAGE;
    goto done;
  }
  if(lint) {
    rc = run_lint(paths, n_paths, coverage);
    goto done;
  }

  mxmc_signals_install();
  opt.only = only;
  opt.n_only = n_only;
  opt.progress = progress < 0 ? isatty(STDERR_FILENO) : progress;
  if(xfail_path) {
    if(mxmc_xfail_load(xfail_path, &xf)) {
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
    opt.xfail = &xf;
  }
  if(dump_path) {
    opt.dump = fopen(dump_path, "w");
    if(!opt.dump) {
      fprintf(stderr, "mxm conform: %s: cannot open for writing\n", dump_path);
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
  }
  corpus_version = corpus_version_at(positional ? paths[0] : corpus);
  if(adapter_cmd) {
    /* The runner's side of the hello (PROTOCOL.md section 1): the adapter
     * finds the versions in its environment before it writes its hello. */
    if(setenv("MXM_VERSION", mxm_version(), 1) || setenv("MXM_PROTOCOL_VERSION", MXM_PROTOCOL_VERSION, 1) ||
       setenv("MXM_CORPUS_VERSION", corpus_version ? corpus_version : "", 1)) {
      rc = MXMC_EXIT_INTERNAL;
      goto done;
    }
    opt.adapter = mxmc_adapter_start(adapter_cmd, timeout, &err);
    if(!opt.adapter) {
      fprintf(stderr, "mxm conform: cannot start the adapter '%s': %s\n", adapter_cmd,
              mxmc_stop_signal ? "interrupted" : mxmc_buf_str(&err));
      rc = mxmc_stop_signal ? 128 + mxmc_stop_signal : MXMC_EXIT_USAGE;
      goto done; /* no report is written: an existing --output file is left as it was */
    }
  }
  if(output) {
    /* in the same directory, so the rename is atomic */
    tmp_output = mxmc_printf("%s.tmp-%ld", output, (long)getpid());
    out = tmp_output ? fopen(tmp_output, "w") : NULL;
    if(!out) {
      fprintf(stderr, "mxm conform: %s: cannot open for writing: %s\n", tmp_output ? tmp_output : output,
              strerror(errno));
      out = stdout;
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
    mxmc_signals_tmp_file(tmp_output);
  }
  rep = mxmc_report_new(fmt, out, verbose);
  if(!rep) {
    rc = MXMC_EXIT_INTERNAL;
    goto done;
  }
  {
    const char *name = opt.adapter ? mxmc_adapter_caps(opt.adapter)->name : "mxm reference (in process)";
    char *corpus_note = positional ? NULL : mxmc_printf("%s (%s)", corpus, corpus_how);
    spec_note = opt.spec_given ? mxmc_printf("%s (--spec)", mxm_spec_name(opt.spec))
                               : mxmc_strdup("each case at the newest release of its range");
    backend = opt.adapter ? mxmc_printf("%s via '%s'", name, adapter_cmd) : mxmc_strdup(name);
    mxmc_report_set_info(rep, backend, spec_note, 0);
    if(corpus_note)
      mxmc_report_meta(rep, "corpus", corpus_note);
    free(corpus_note);
    /* the three versions (mxm/about.h): the corpus's is the one beside the cases run */
    {
      const char *cv = corpus_version;
      char *pv = opt.adapter ? mxmc_printf("%s (the adapter speaks %s)", MXM_PROTOCOL_VERSION,
                                           mxmc_adapter_caps(opt.adapter)->protocol)
                             : mxmc_strdup(MXM_PROTOCOL_VERSION);
      char *cvn = cv ? mxmc_strdup(cv) : mxmc_strdup("unversioned (no VERSION file beside the cases)");
      mxmc_report_meta(rep, "mxm version", mxm_version());
      mxmc_report_meta(rep, "protocol version", pv ? pv : MXM_PROTOCOL_VERSION);
      mxmc_report_meta(rep, "corpus version", cvn ? cvn : "?");
      free(pv);
      free(cvn);
    }
  }
  for(k = 0; k < n_paths && !mxmc_stop_signal && !mxmc_report_output_closed(rep); k++) {
    struct mxmc_file *f = mxmc_file_load(paths[k]);
    struct mxmc_lint l;
    if(!f) {
      rc = MXMC_EXIT_INTERNAL;
      goto done;
    }
    if(!f->root) {
      mxmc_report_file_error(rep, paths[k], f->load_error ? f->load_error : "cannot load");
      mxmc_file_free(&f);
      continue;
    }
    /* the runner relies on the file's shape: check it first (schema only;
     * the rule table is --lint's business) */
    memset(&l, 0, sizeof(l));
    l.skip_rules = 1;
    if(mxmc_lint_file(&l, f)) {
      char *m = mxmc_printf("does not follow FORMAT.md (%zu finding(s); run mxm conform --lint): first: %s",
                            l.findings, l.first ? l.first : "?");
      mxmc_report_file_error(rep, paths[k], m ? m : "does not follow FORMAT.md");
      free(m);
      mxmc_lint_free(&l);
      mxmc_file_free(&f);
      continue;
    }
    mxmc_lint_free(&l);
    mxmc_run_file(f, &opt, rep);
    mxmc_file_free(&f);
  }
  if(opt.adapter)
    mxmc_report_set_info(rep, backend, spec_note, mxmc_adapter_restarts(opt.adapter));
  if(mxmc_stop_signal) {
    const char *sn = mxmc_signal_name(mxmc_stop_signal);
    mxmc_report_interrupted(rep, sn ? sn : "a signal");
  }
  if(mxmc_report_finish(rep) && !mxmc_report_output_closed(rep)) {
    fprintf(stderr, "mxm conform: error writing the report%s%s\n", output ? " to " : "", output ? output : "");
    if(out != stdout)
      (void)commit_output(out, tmp_output, output, 0);
    out = stdout;
    rc = MXMC_EXIT_INTERNAL;
    goto done;
  }
  if(out != stdout) {
    FILE *o = out;
    out = stdout;
    if(commit_output(o, tmp_output, output, 1)) {
      rc = MXMC_EXIT_INTERNAL;
      goto done;
    }
  }
  if(mxmc_report_output_closed(rep)) {
    /* quietly: the reader went away. What stdio still holds for it would
     * fail again at exit; send it nowhere instead. */
    if(!freopen("/dev/null", "w", stdout))
      clearerr(stdout);
    rc = MXMC_EXIT_PIPE;
    goto done;
  }
  for(k = 0; k < xf.n && !mxmc_stop_signal; k++)
    if(!xf.entries[k].matched && !xf.entries[k].passed && !xf.entries[k].duplicate_of)
      fprintf(stderr, "mxm conform: note: expected failure %s:%lld was not run (filtered out or not in the corpus)\n",
              xf.entries[k].file, (long long)xf.entries[k].tc_id);
  if(output || fmt != MXMC_FMT_TEXT || mxmc_stop_signal)
    fprintf(stderr, "mxm conform: %zu passed, %zu failed, %zu errors, %zu skipped, %zu xfail, %zu xpass, %zu file(s) not loaded%s%s\n",
            mxmc_report_count(rep, MXMC_PASS), mxmc_report_count(rep, MXMC_FAIL), mxmc_report_count(rep, MXMC_ERROR),
            mxmc_report_count(rep, MXMC_SKIP), mxmc_report_count(rep, MXMC_XFAIL), mxmc_report_count(rep, MXMC_XPASS),
            mxmc_report_file_errors(rep), mxmc_stop_signal ? "; INTERRUPTED by " : "",
            mxmc_stop_signal ? (mxmc_signal_name(mxmc_stop_signal) ? mxmc_signal_name(mxmc_stop_signal) : "a signal") : "");
  if(mxmc_stop_signal)
    rc = 128 + mxmc_stop_signal;
  else if(mxmc_report_file_errors(rep))
    rc = MXMC_EXIT_USAGE;
  else if(mxmc_report_count(rep, MXMC_FAIL) || mxmc_report_count(rep, MXMC_ERROR) ||
          mxmc_report_count(rep, MXMC_XPASS))
    rc = MXMC_EXIT_FAIL;
  else if(mxmc_report_count(rep, MXMC_PASS) + mxmc_report_count(rep, MXMC_XFAIL) == 0 &&
          mxmc_report_count(rep, MXMC_SKIP) == 0) {
    fprintf(stderr, "mxm conform: no case matched the filters\n");
    rc = MXMC_EXIT_USAGE;
  } else if(mxmc_report_count(rep, MXMC_PASS) + mxmc_report_count(rep, MXMC_XFAIL) == 0) {
    struct mxmc_caps ref;
    const struct mxmc_caps *caps = opt.adapter ? mxmc_adapter_caps(opt.adapter) : NULL;
    char vb[128], lb[128], *why = mxmc_report_skip_reasons(rep);
    memset(&ref, 0, sizeof(ref));
    if(!caps) {
      mxmc_ref_caps(&ref);
      caps = &ref;
    }
    fprintf(stderr, "mxm conform: no case ran: all %zu selected results were skipped. The implementation declares "
                    "room versions %s, layers %s, spec releases %s..%s; the skips say: %s\n",
            mxmc_report_count(rep, MXMC_SKIP), versions_text(caps->room_versions, vb, sizeof(vb)),
            layers_text(caps->layers, lb, sizeof(lb)), mxm_spec_name(caps->spec_from), mxm_spec_name(caps->spec_to),
            why ? why : "?");
    free(why);
    mxmc_caps_clear(&ref);
    rc = MXMC_EXIT_NOTHING_RAN;
  }
done:
  if(opt.dump)
    fclose(opt.dump);
  if(out != stdout)
    (void)commit_output(out, tmp_output, output, 0);
  mxmc_report_free(&rep);
  mxmc_adapter_stop(&opt.adapter);
  mxmc_xfail_free(&xf);
  for(k = 0; k < n_paths; k++)
    free(paths[k]);
  free(paths);
  free(only);
  free(corpus_version);
  free(tmp_output);
  free(backend);
  free(spec_note);
  mxmc_buf_free(&err);
  return rc;
#undef NEED_ARG
}
