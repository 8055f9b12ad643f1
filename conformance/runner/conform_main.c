/*
 * conform_main.c: `mxm conform`, option parsing and the top-level loop:
 * collect the case files, then lint them (--lint) or run them against the
 * reference in process or an adapter (--adapter), and write the report.
 * ref/cli/cmd_conform.c and the mxm-conform helper program both call
 * mxmc_main, so the CLI stays a thin layer.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform.h"

static void usage(FILE *f)
{
  fputs(
      "usage: mxm conform [options] [FILE|DIR ...]\n"
      "       mxm conform --lint [--no-coverage] [FILE|DIR ...]\n"
      "\n"
      "Runs the conformance corpus (conformance/FORMAT.md) against the reference\n"
      "library in process, or against another implementation through an adapter\n"
      "(conformance/PROTOCOL.md). A DIR contributes its *_test.json files; with no\n"
      "FILE or DIR, conformance/cases is used.\n"
      "\n"
      "Selecting cases:\n"
      "  --room-version V     only room version V (repeatable, or a comma list: 1,7,12)\n"
      "  --only PATTERN       only cases whose file name or suite is PATTERN, or\n"
      "                       FILE:TCID / SUITE:TCID, or TCID (in every file), or whose\n"
      "                       expected rule id starts with PATTERN (member.join);\n"
      "                       repeatable: a case runs if any pattern matches\n"
      "  --layer L            auth, transition, api or sequence (repeatable, comma list)\n"
      "  --spec R             run at spec release R (r0, v1.1 ... v1.19, current); cases\n"
      "                       whose range excludes R are skipped. Default: each case at\n"
      "                       the newest release of its range the implementation follows\n"
      "\n"
      "Implementation:\n"
      "  --adapter 'CMD'      run CMD with /bin/sh -c and talk PROTOCOL.md to it\n"
      "                       (default: the reference library, in process)\n"
      "  --timeout SECONDS    per-case adapter timeout (default 10); a hung, crashed or\n"
      "                       garbled adapter is killed and restarted, the case is an error\n"
      "  --expected-failures FILE\n"
      "                       the implementation's known deviations (see\n"
      "                       conformance/expected-failures/README.md): listed failures\n"
      "                       are XFAIL; a listed case that passes is XPASS and fails the run\n"
      "\n"
      "Output:\n"
      "  --format F           text (default), tap, junit, json (one object per line, then\n"
      "                       a summary line), markdown, html\n"
      "  --output FILE        write the report to FILE instead of standard output\n"
      "  -v, --verbose        text format: also list passing and skipped cases\n"
      "  --dump-requests FILE write every request sent to the implementation to FILE,\n"
      "                       one JSON line each (what an adapter would receive)\n"
      "  --progress / --no-progress\n"
      "                       progress line on stderr (default: when stderr is a terminal)\n"
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
      "  0  every case passed (lint: no finding)\n"
      "  1  a failure, an error (the implementation could not decide, or the adapter\n"
      "     hung, crashed or printed garbage) or an unexpected pass (lint: findings)\n"
      "  2  usage or input error: bad option, missing path, a case file that cannot be\n"
      "     loaded or does not follow FORMAT.md (the other files still run), or no case\n"
      "     matched the filters\n"
      "  3  internal error (out of memory, cannot write the report)\n",
      f);
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
      fprintf(stderr, "mxm conform: unknown layer \"%s\" (auth, transition, api, sequence)\n", p);
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

int mxmc_main(int argc, char **argv)
{
  struct mxmc_options opt;
  struct mxmc_xfail xf;
  int lint = 0, coverage = 1, verbose = 0, progress = -1, positional = 0, i, rc = MXMC_EXIT_OK;
  const char *adapter_cmd = NULL, *xfail_path = NULL, *output = NULL, *dump_path = NULL;
  double timeout = 10;
  enum mxmc_format fmt = MXMC_FMT_TEXT;
  char **paths = NULL;
  size_t n_paths = 0, k;
  const char **only = NULL;
  size_t n_only = 0;
  FILE *out = stdout;
  struct mxmc_report *rep = NULL;
  struct mxmc_buf err = {0};

  memset(&opt, 0, sizeof(opt));
  memset(&xf, 0, sizeof(xf));
  only = calloc((size_t)argc + 1, sizeof(*only));
  if(!only)
    return MXMC_EXIT_INTERNAL;

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
      usage(stdout);
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
    if(mxmc_collect_paths("conformance/cases", &paths, &n_paths)) {
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
  }
  if(n_paths == 0) {
    fprintf(stderr, "mxm conform: no case files found\n");
    rc = MXMC_EXIT_USAGE;
    goto done;
  }
  if(lint) {
    rc = run_lint(paths, n_paths, coverage);
    goto done;
  }

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
  if(output) {
    out = fopen(output, "w");
    if(!out) {
      fprintf(stderr, "mxm conform: %s: cannot open for writing\n", output);
      out = stdout;
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
  }
  if(dump_path) {
    opt.dump = fopen(dump_path, "w");
    if(!opt.dump) {
      fprintf(stderr, "mxm conform: %s: cannot open for writing\n", dump_path);
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
  }
  if(adapter_cmd) {
    opt.adapter = mxmc_adapter_start(adapter_cmd, timeout, &err);
    if(!opt.adapter) {
      fprintf(stderr, "mxm conform: cannot start the adapter '%s': %s\n", adapter_cmd, mxmc_buf_str(&err));
      rc = MXMC_EXIT_USAGE;
      goto done;
    }
  }
  rep = mxmc_report_new(fmt, out, verbose);
  if(!rep) {
    rc = MXMC_EXIT_INTERNAL;
    goto done;
  }
  for(k = 0; k < n_paths; k++) {
    struct mxmc_file *f = mxmc_file_load(paths[k]);
    struct mxmc_lint l;
    if(!f) {
      rc = MXMC_EXIT_INTERNAL;
      goto done;
    }
    if(!f->root) {
      mxmc_report_file_error(rep, f->name, f->load_error ? f->load_error : "cannot load");
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
      mxmc_report_file_error(rep, f->name, m ? m : "does not follow FORMAT.md");
      free(m);
      mxmc_lint_free(&l);
      mxmc_file_free(&f);
      continue;
    }
    mxmc_lint_free(&l);
    mxmc_run_file(f, &opt, rep);
    mxmc_file_free(&f);
  }
  {
    char *spec_note = opt.spec_given ? mxmc_printf("%s (--spec)", mxm_spec_name(opt.spec))
                                     : mxmc_strdup("each case at the newest release of its range");
    const char *name = opt.adapter ? mxmc_adapter_caps(opt.adapter)->name : "mxm reference (in process)";
    char *backend = opt.adapter ? mxmc_printf("%s via '%s'", name, adapter_cmd) : mxmc_strdup(name);
    mxmc_report_set_info(rep, backend, spec_note, opt.adapter ? mxmc_adapter_restarts(opt.adapter) : 0);
    free(backend);
    free(spec_note);
  }
  if(mxmc_report_finish(rep)) {
    fprintf(stderr, "mxm conform: error writing the report\n");
    rc = MXMC_EXIT_INTERNAL;
    goto done;
  }
  for(k = 0; k < xf.n; k++)
    if(!xf.entries[k].matched && !xf.entries[k].passed)
      fprintf(stderr, "mxm conform: note: expected failure %s:%lld was not run (filtered out or not in the corpus)\n",
              xf.entries[k].file, (long long)xf.entries[k].tc_id);
  if(mxmc_report_file_errors(rep))
    rc = MXMC_EXIT_USAGE;
  else if(mxmc_report_count(rep, MXMC_FAIL) || mxmc_report_count(rep, MXMC_ERROR) ||
          mxmc_report_count(rep, MXMC_XPASS))
    rc = MXMC_EXIT_FAIL;
  else if(mxmc_report_count(rep, MXMC_PASS) + mxmc_report_count(rep, MXMC_XFAIL) + mxmc_report_count(rep, MXMC_SKIP) == 0) {
    fprintf(stderr, "mxm conform: no case matched the filters\n");
    rc = MXMC_EXIT_USAGE;
  }
  if(out != stdout || fmt != MXMC_FMT_TEXT)
    fprintf(stderr, "mxm conform: %zu passed, %zu failed, %zu errors, %zu skipped, %zu xfail, %zu xpass, %zu file(s) not loaded\n",
            mxmc_report_count(rep, MXMC_PASS), mxmc_report_count(rep, MXMC_FAIL), mxmc_report_count(rep, MXMC_ERROR),
            mxmc_report_count(rep, MXMC_SKIP), mxmc_report_count(rep, MXMC_XFAIL), mxmc_report_count(rep, MXMC_XPASS),
            mxmc_report_file_errors(rep));
done:
  if(opt.dump)
    fclose(opt.dump);
  mxmc_report_free(&rep);
  mxmc_adapter_stop(&opt.adapter);
  mxmc_xfail_free(&xf);
  if(out != stdout && fclose(out) != 0 && rc == MXMC_EXIT_OK)
    rc = MXMC_EXIT_INTERNAL;
  for(k = 0; k < n_paths; k++)
    free(paths[k]);
  free(paths);
  free(only);
  mxmc_buf_free(&err);
  return rc;
#undef NEED_ARG
}
