/*
 * fuzz/replay_main.c: the plain replay driver. Linked with one harness
 * (which defines LLVMFuzzerInitialize and LLVMFuzzerTestOneInput), it runs
 * every file named on the command line, and every regular file directly
 * inside every directory named, in sorted order, through the harness once.
 * No fuzzing engine is needed: ctest uses it to replay corpus/<harness>/
 * and corpus/regressions/<harness>/ under the default and asan presets.
 *
 * The inputs run in a child process; a finding kills it (the harness
 * reports it first, or a sanitizer does), and a new child goes on with the
 * next input, so one bad input never hides another. At the end it lists
 * every finding (input and how the child died) and exits 1; with no finding
 * it prints how many inputs ran and exits 0. Exit 2: a path cannot be read.
 * Only findings and the summary are printed (-v or MXMF_VERBOSE=1: every
 * input's name too), so a finding is not buried in a ctest log.
 * MXMF_STATS is set so the harness prints its counters at exit.
 *
 * --expect-finding: the inputs are reproducers of findings whose fix is
 * still pending (corpus/regressions/<harness>/open/). Each runs in a child
 * process and must still produce its finding (the child dies by a signal);
 * an input that now passes means the bug was fixed: exit 1, saying to move
 * the file up into corpus/regressions/<harness>/, where it then guards
 * against the bug coming back. This keeps open findings visible without
 * failing every build until they are fixed (curl's DISABLED, Wycheproof's
 * known-failure list).
 */
/* setenv, opendir, stat: POSIX, not in strict C11. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (1u << 20) /* corpus files are small; cap what we read */

static int expect_finding;
static int unexpected_passes;
static int verbose;

static int run_file_direct(const char *path);

/* In --expect-finding mode: run the input in a child; it must die. */
static int run_file(const char *path)
{
  pid_t pid;
  int status = 0;
  if(!expect_finding)
    return run_file_direct(path);
  fflush(stderr);
  pid = fork();
  if(pid < 0)
    return -1;
  if(pid == 0)
    _exit(run_file_direct(path) == 0 ? 0 : 2);
  if(waitpid(pid, &status, 0) < 0)
    return -1;
  if(WIFSIGNALED(status)) {
    fprintf(stderr, "replay: %s still reproduces its finding (open)\n", path);
    return 0;
  }
  if(WIFEXITED(status) && WEXITSTATUS(status) == 2)
    return -1;
  fprintf(stderr, "replay: %s NO LONGER reproduces its finding: the bug looks fixed; "
                  "move the file from open/ up into its regressions directory\n", path);
  unexpected_passes++;
  return 0;
}

static int run_file_direct(const char *path)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf;
  size_t n;
  if(!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  buf = malloc(MAX_INPUT);
  if(!buf) {
    fclose(f);
    return -1;
  }
  n = fread(buf, 1, MAX_INPUT, f);
  fclose(f);
  /* Give the harness an exactly sized copy so ASan sees overreads. */
  {
    uint8_t *exact = malloc(n ? n : 1);
    if(!exact) {
      free(buf);
      return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    if(verbose)
      fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
  }
  return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every input, in order, for the supervised run (owned strings). */
static char **inputs;
static size_t n_inputs, cap_inputs;

static int add_input(const char *path)
{
  char *p;
  if(n_inputs == cap_inputs) {
    size_t ncap = cap_inputs ? cap_inputs * 2 : 256;
    char **grown = realloc(inputs, ncap * sizeof(*inputs));
    if(!grown)
      return -1;
    inputs = grown;
    cap_inputs = ncap;
  }
  p = malloc(strlen(path) + 1);
  if(!p)
    return -1;
  strcpy(p, path);
  inputs[n_inputs++] = p;
  return 0;
}

/* Run inputs[from..] in a child that reports, through a pipe, the index of
 * each input before running it. Returns the index of the input the child
 * died on (a finding; *status tells how), or n_inputs when it ran them all. */
static size_t run_supervised(size_t from, int *status)
{
  int fds[2];
  pid_t pid;
  size_t cur = from, idx;
  *status = 0;
  if(pipe(fds) != 0)
    return n_inputs;
  fflush(NULL);
  pid = fork();
  if(pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return n_inputs;
  }
  if(pid == 0) {
    size_t i;
    close(fds[0]);
    for(i = from; i < n_inputs; i++) {
      if(write(fds[1], &i, sizeof(i)) != (ssize_t)sizeof(i))
        _exit(3);
      if(run_file_direct(inputs[i]) != 0)
        _exit(2);
    }
    i = n_inputs; /* done */
    if(write(fds[1], &i, sizeof(i)) != (ssize_t)sizeof(i))
      _exit(3);
    exit(0); /* not _exit: the harness prints its counters at exit */
  }
  close(fds[1]);
  while(read(fds[0], &idx, sizeof(idx)) == (ssize_t)sizeof(idx))
    cur = idx;
  close(fds[0]);
  while(waitpid(pid, status, 0) < 0)
    ;
  if(cur == n_inputs && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
    return n_inputs;
  return cur;
}

static const char *how_it_died(int status, char *buf, size_t len)
{
  if(WIFSIGNALED(status))
    snprintf(buf, len, "killed by signal %d%s", WTERMSIG(status),
             WTERMSIG(status) == SIGABRT ? " (SIGABRT: a harness check or a sanitizer)" :
             WTERMSIG(status) == SIGSEGV ? " (SIGSEGV)" : "");
  else if(WIFEXITED(status) && WEXITSTATUS(status) == 2)
    snprintf(buf, len, "could not be read");
  else
    snprintf(buf, len, "exited with status %d (a sanitizer report?)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return buf;
}

static int run_dir(const char *dir, size_t *count)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  if(!d) {
    fprintf(stderr, "replay: cannot open directory %s\n", dir);
    return -1;
  }
  while((de = readdir(d)) != NULL) {
    size_t len = strlen(dir) + strlen(de->d_name) + 2;
    char *p;
    struct stat sb;
    if(de->d_name[0] == '.')
      continue;
    p = malloc(len);
    if(!p)
      break;
    snprintf(p, len, "%s/%s", dir, de->d_name);
    if(stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
      free(p);
      continue;
    }
    if(n == cap) {
      char **grown = realloc(names, (cap ? cap * 2 : 64) * sizeof(*names));
      if(!grown) {
        free(p);
        break;
      }
      names = grown;
      cap = cap ? cap * 2 : 64;
    }
    names[n++] = p;
  }
  closedir(d);
  if(n)
    qsort(names, n, sizeof(*names), cmp_str);
  for(size_t i = 0; i < n; i++) {
    if(expect_finding) {
      if(run_file(names[i]) != 0)
        rc = -1;
      else
        (*count)++;
    } else if(add_input(names[i]) != 0) {
      rc = -1;
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv)
{
  size_t count = 0;
  int rc = 0;
  int first = 1;
  verbose = getenv("MXMF_VERBOSE") && strcmp(getenv("MXMF_VERBOSE"), "0") != 0;
  if(argc > first && strcmp(argv[first], "-v") == 0) {
    verbose = 1;
    first++;
  }
  if(argc > first && strcmp(argv[first], "--expect-finding") == 0) {
    expect_finding = 1;
    first++;
  }
  if(argc <= first) {
    fprintf(stderr, "usage: %s [-v] [--expect-finding] FILE_OR_DIR...\n  replays each input through the harness once\n",
            argv[0]);
    return 2;
  }
  if(!expect_finding)
    setenv("MXMF_STATS", "1", 0);
  LLVMFuzzerInitialize(&argc, &argv);
  for(int i = first; i < argc; i++) {
    struct stat sb;
    if(stat(argv[i], &sb) != 0) {
      fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
      rc = 2;
    } else if(S_ISDIR(sb.st_mode)) {
      if(run_dir(argv[i], &count) != 0)
        rc = 2;
    } else if(expect_finding) {
      if(run_file(argv[i]) != 0)
        rc = 2;
      else
        count++;
    } else if(add_input(argv[i]) != 0) {
      rc = 2;
    }
  }
  if(expect_finding) {
    fprintf(stderr, "replay: %zu open findings, %d no longer reproduce\n", count, unexpected_passes);
    return rc ? rc : (unexpected_passes ? 1 : 0);
  }
  {
    size_t next = 0, n_findings = 0, k;
    size_t *found = calloc(n_inputs + 1, sizeof(*found));
    int *how = calloc(n_inputs + 1, sizeof(*how));
    if(!found || !how) {
      fprintf(stderr, "replay: out of memory\n");
      return 2;
    }
    while(next < n_inputs) {
      int status;
      size_t at = run_supervised(next, &status);
      if(at >= n_inputs)
        break;
      fprintf(stderr, "replay: FINDING: %s\n", inputs[at]);
      found[n_findings] = at;
      how[n_findings++] = status;
      next = at + 1;
    }
    count = n_inputs;
    if(n_findings) {
      char buf[128];
      fprintf(stderr, "replay: %zu inputs, %zu finding(s):\n", count, n_findings);
      for(k = 0; k < n_findings; k++)
        fprintf(stderr, "replay:   %s: %s\n", inputs[found[k]], how_it_died(how[k], buf, sizeof(buf)));
      rc = rc ? rc : 1;
    } else {
      fprintf(stderr, "replay: %zu inputs, no finding\n", count);
    }
    for(k = 0; k < n_inputs; k++)
      free(inputs[k]);
    free(inputs);
    free(found);
    free(how);
  }
  return rc;
}
