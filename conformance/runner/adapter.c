/*
 * adapter.c: an implementation under test as a child process speaking
 * conformance/PROTOCOL.md (JSON lines on its stdin and stdout).
 *
 * Faults are contained here: every read and write has a deadline (the
 * per-case timeout); an adapter that hangs, exits, closes its stdout, prints
 * something that is not one JSON object, or answers with the wrong id is
 * killed (its whole process group) and started again, and the case gets an
 * ERROR result that says what happened. The runner never blocks forever and
 * never dies of SIGPIPE.
 *
 * A command that is a plain list of words (optionally VAR=value words first,
 * and '...' or "..." quoting without expansions) is executed directly, with
 * no shell in between, so nothing but the adapter holds its pipes: a closed
 * stdout is seen at once, and a crash shows as the signal that caused it.
 * Anything else (;, |, $, redirections, ...) runs under /bin/sh -c; such a
 * command should start its adapter with `exec` for the same reasons.
 *
 * The adapter gets a process group of its own; the whole group is killed at
 * the end of every run, after a fault, and when the runner is interrupted
 * (SIGINT, SIGTERM, SIGHUP: mxmc_signals_install).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

struct mxmc_adapter {
  char *command; /* owned */
  double timeout_s;
  pid_t pid;     /* 0 when not running (or already reaped) */
  pid_t pgid;    /* its process group, killed at the end even when pid is gone; 0 if none */
  int to_child;  /* write end of its stdin, or -1 */
  int from_child; /* read end of its stdout, or -1 */
  char *rbuf;    /* owned: bytes read but not yet consumed */
  size_t rlen, rcap;
  struct mxmc_caps caps;
  unsigned restarts;
  char *dead;    /* owned: why it cannot be restarted, or NULL */
};

/* The running adapter's process group, for the signal handler below: when
 * the runner is interrupted (SIGINT, SIGTERM, SIGHUP) the adapter group is
 * killed at once (it has its own group, so a terminal's Ctrl-C does not
 * reach it), and the run stops after the case in progress, so the report can
 * be finished as interrupted. A second signal ends the runner at once,
 * removing the unfinished report file. One adapter runs at a time. */
static volatile sig_atomic_t adapter_pgid = 0;
volatile sig_atomic_t mxmc_stop_signal = 0;
static char tmp_report[4096]; /* unfinished report file, removed on a second signal */

static void on_stop_signal(int sig)
{
  if(adapter_pgid > 0)
    kill(-(pid_t)adapter_pgid, SIGKILL);
  if(mxmc_stop_signal) {
    if(tmp_report[0])
      unlink(tmp_report);
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  mxmc_stop_signal = sig;
}

void mxmc_signals_install(void)
{
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  size_t i;
  signal(SIGPIPE, SIG_IGN); /* a dead adapter or a closed stdout is an error to handle, not death */
  for(i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

void mxmc_signals_tmp_file(const char *path)
{
  snprintf(tmp_report, sizeof(tmp_report), "%s", path && strlen(path) < sizeof(tmp_report) ? path : "");
}

const char *mxmc_signal_name(int sig)
{
  static const struct {
    int sig;
    const char *name;
  } names[] = {{SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
               {SIGILL, "SIGILL"},   {SIGKILL, "SIGKILL"}, {SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"},
               {SIGHUP, "SIGHUP"},   {SIGPIPE, "SIGPIPE"}, {SIGQUIT, "SIGQUIT"}, {SIGTRAP, "SIGTRAP"},
               {SIGSYS, "SIGSYS"},   {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGALRM, "SIGALRM"},
               {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"}};
  size_t i;
  for(i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if(names[i].sig == sig)
      return names[i].name;
  return NULL;
}

static int remaining_ms(double deadline)
{
  double left = deadline - mxmc_now();
  if(left <= 0)
    return 0;
  if(left > 86400)
    left = 86400;
  return (int)(left * 1000) + 1;
}

/* Kill the child's process group (also when the child itself has already
 * been reaped: what it started may still run) and reap the child. */
static void kill_child(struct mxmc_adapter *a)
{
  if(a->to_child >= 0)
    close(a->to_child);
  if(a->from_child >= 0)
    close(a->from_child);
  a->to_child = a->from_child = -1;
  if(a->pgid > 0)
    kill(-a->pgid, SIGKILL);
  if(a->pid > 0) {
    int status;
    kill(a->pid, SIGKILL);
    while(waitpid(a->pid, &status, 0) < 0 && errno == EINTR)
      ;
  }
  a->pid = 0;
  a->pgid = 0;
  a->rlen = 0;
  adapter_pgid = 0;
}

static void describe_status(struct mxmc_buf *b, int status)
{
  if(WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    mxmc_buf_printf(b, " (it exited with status %d", code);
    if(code > 128 && mxmc_signal_name(code - 128))
      mxmc_buf_printf(b, ", which a shell uses for a child killed by %s", mxmc_signal_name(code - 128));
    mxmc_buf_add(b, ")");
  } else if(WIFSIGNALED(status)) {
    const char *name = mxmc_signal_name(WTERMSIG(status));
    if(name)
      mxmc_buf_printf(b, " (it was killed by %s)", name);
    else
      mxmc_buf_printf(b, " (it was killed by signal %d)", WTERMSIG(status));
  }
}

/* How the child ended, if it did (non-blocking); into b. */
static void describe_exit(struct mxmc_adapter *a, struct mxmc_buf *b)
{
  int status;
  pid_t r;
  int i;
  if(a->pid <= 0)
    return;
  /* give it a moment to finish exiting after closing stdout */
  for(i = 0; i < 20; i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    r = waitpid(a->pid, &status, WNOHANG);
    if(r == a->pid) {
      describe_status(b, status);
      a->pid = 0;
      return;
    }
    if(r < 0)
      return;
    nanosleep(&ts, NULL);
  }
  mxmc_buf_add(b, " (it was still running)");
}

/* The words of a command that needs no shell, NULL-terminated (owned, one
 * allocation), or NULL when it uses shell syntax (or on OOM). Words are
 * separated by blanks; '...' and "..." quote (no expansion inside, so no
 * $, ` or backslash in double quotes). Leading NAME=value words are
 * environment assignments: *n_env of them. */
static char **split_command(const char *cmd, size_t *n_env)
{
  size_t len = strlen(cmd), n = 0, i;
  char **argv = malloc((len / 2 + 2) * sizeof(*argv) + len + 1);
  char *out, *w;
  const char *p = cmd;
  int env_phase = 1;
  if(!argv)
    return NULL;
  out = (char *)(argv + len / 2 + 2);
  *n_env = 0;
  while(*p) {
    while(*p == ' ' || *p == '\t')
      p++;
    if(!*p)
      break;
    w = out;
    while(*p && *p != ' ' && *p != '\t') {
      if(*p == '\'' || *p == '"') {
        char q = *p++;
        while(*p && *p != q) {
          if(q == '"' && (*p == '$' || *p == '`' || *p == '\\'))
            goto shell;
          *out++ = *p++;
        }
        if(!*p)
          goto shell;
        p++;
        continue;
      }
      if(strchr(";&|<>()$`\\*?[]{}~#!\n\r", *p))
        goto shell;
      *out++ = *p++;
    }
    *out++ = '\0';
    argv[n++] = w;
    if(env_phase) {
      const char *eq = strchr(w, '=');
      int is_env = eq && eq != w;
      for(i = 0; is_env && w + i < eq; i++)
        is_env = w[i] == '_' || (w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= 'a' && w[i] <= 'z') ||
                 (i > 0 && w[i] >= '0' && w[i] <= '9');
      if(is_env)
        (*n_env)++;
      else
        env_phase = 0;
    }
  }
  argv[n] = NULL;
  if(n == *n_env)
    goto shell; /* only assignments: let the shell say what that means */
  return argv;
shell:
  free(argv);
  return NULL;
}

static int spawn(struct mxmc_adapter *a, struct mxmc_buf *err)
{
  int in[2], out[2];
  pid_t pid;
  size_t n_env = 0;
  char **words = split_command(a->command, &n_env);
  if(pipe(in) != 0) {
    free(words);
    mxmc_buf_printf(err, "pipe: %s", strerror(errno));
    return -1;
  }
  if(pipe(out) != 0) {
    close(in[0]);
    close(in[1]);
    free(words);
    mxmc_buf_printf(err, "pipe: %s", strerror(errno));
    return -1;
  }
  fflush(NULL);
  pid = fork();
  if(pid < 0) {
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    free(words);
    mxmc_buf_printf(err, "fork: %s", strerror(errno));
    return -1;
  }
  if(pid == 0) {
    /* child: own process group, so a kill reaches everything it starts */
    setpgid(0, 0);
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if(words) {
      size_t k;
      for(k = 0; k < n_env; k++) {
        char *eq = strchr(words[k], '=');
        *eq = '\0';
        setenv(words[k], eq + 1, 1);
      }
      execvp(words[n_env], words + n_env);
      fprintf(stderr, "mxm conform: cannot run %s: %s\n", words[n_env], strerror(errno));
    } else {
      execl("/bin/sh", "sh", "-c", a->command, (char *)NULL);
    }
    _exit(127);
  }
  free(words);
  setpgid(pid, pid); /* also from the parent, to avoid a race */
  adapter_pgid = (sig_atomic_t)pid;
  a->pgid = pid;
  close(in[0]);
  close(out[1]);
  a->pid = pid;
  a->to_child = in[1];
  a->from_child = out[0];
  a->rlen = 0;
  (void)fcntl(a->to_child, F_SETFL, fcntl(a->to_child, F_GETFL) | O_NONBLOCK);
  (void)fcntl(a->from_child, F_SETFL, fcntl(a->from_child, F_GETFL) | O_NONBLOCK);
  return 0;
}

/* Write all of buf before the deadline. 0, or -1 with a reason in err. */
static int write_all(struct mxmc_adapter *a, const char *buf, size_t len, double deadline, struct mxmc_buf *err)
{
  size_t off = 0;
  while(off < len) {
    struct pollfd p = {a->to_child, POLLOUT, 0};
    int ms = remaining_ms(deadline), r;
    ssize_t w;
    if(ms == 0) {
      mxmc_buf_printf(err, "timed out after %.1f s writing the request (the adapter does not read its input)",
                      a->timeout_s);
      return -1;
    }
    r = poll(&p, 1, ms);
    if(mxmc_stop_signal) {
      mxmc_buf_add(err, "interrupted");
      return -1;
    }
    if(r < 0 && errno == EINTR)
      continue;
    if(r < 0) {
      mxmc_buf_printf(err, "poll: %s", strerror(errno));
      return -1;
    }
    if(r == 0)
      continue;
    w = write(a->to_child, buf + off, len - off);
    if(w < 0) {
      if(errno == EAGAIN || errno == EINTR)
        continue;
      mxmc_buf_printf(err, "cannot write the request: %s", errno == EPIPE ? "the adapter closed its input" : strerror(errno));
      describe_exit(a, err);
      return -1;
    }
    off += (size_t)w;
  }
  return 0;
}

/* Read one non-empty line before the deadline into *line (owned). */
static int read_line(struct mxmc_adapter *a, double deadline, char **line, struct mxmc_buf *err)
{
  for(;;) {
    char *nl = a->rlen ? memchr(a->rbuf, '\n', a->rlen) : NULL;
    struct pollfd p;
    int ms, r;
    ssize_t got;
    if(nl) {
      size_t n = (size_t)(nl - a->rbuf);
      char *s = malloc(n + 1);
      if(!s) {
        mxmc_buf_add(err, "out of memory");
        return -1;
      }
      memcpy(s, a->rbuf, n);
      s[n] = '\0';
      memmove(a->rbuf, nl + 1, a->rlen - n - 1);
      a->rlen -= n + 1;
      if(n && s[n - 1] == '\r')
        s[n - 1] = '\0';
      if(s[0] == '\0') {
        free(s);
        continue; /* blank lines are ignored */
      }
      *line = s;
      return 0;
    }
    if(a->rlen >= MXMC_MAX_LINE_BYTES) {
      mxmc_buf_printf(err, "the response line is longer than %zu bytes", MXMC_MAX_LINE_BYTES);
      return -1;
    }
    ms = remaining_ms(deadline);
    if(ms == 0) {
      mxmc_buf_printf(err, "no response within %.1f s (hung?)", a->timeout_s);
      if(a->rlen)
        mxmc_buf_printf(err, "; it had printed %zu bytes without a newline", a->rlen);
      return -1;
    }
    p.fd = a->from_child;
    p.events = POLLIN;
    p.revents = 0;
    r = poll(&p, 1, ms);
    if(mxmc_stop_signal) {
      mxmc_buf_add(err, "interrupted");
      return -1;
    }
    if(r < 0 && errno == EINTR)
      continue;
    if(r < 0) {
      mxmc_buf_printf(err, "poll: %s", strerror(errno));
      return -1;
    }
    if(r == 0)
      continue;
    if(a->rcap - a->rlen < 65536) {
      size_t ncap = a->rcap ? a->rcap * 2 : 131072;
      char *nb = realloc(a->rbuf, ncap);
      if(!nb) {
        mxmc_buf_add(err, "out of memory");
        return -1;
      }
      a->rbuf = nb;
      a->rcap = ncap;
    }
    got = read(a->from_child, a->rbuf + a->rlen, a->rcap - a->rlen);
    if(got < 0) {
      if(errno == EAGAIN || errno == EINTR)
        continue;
      mxmc_buf_printf(err, "read: %s", strerror(errno));
      return -1;
    }
    if(got == 0) {
      mxmc_buf_add(err, "the adapter closed its output");
      if(a->rlen)
        mxmc_buf_printf(err, " after %zu bytes of an unfinished line", a->rlen);
      describe_exit(a, err);
      return -1;
    }
    a->rlen += (size_t)got;
  }
}

/* A short, printable excerpt of a garbage line. */
static void excerpt(struct mxmc_buf *b, const char *s)
{
  size_t i;
  mxmc_buf_add(b, "\"");
  for(i = 0; s[i] && i < 60; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
      mxmc_buf_printf(b, "\\x%02x", c);
    else
      mxmc_buf_addn(b, s + i, 1);
  }
  mxmc_buf_add(b, s[i] ? "\"..." : "\"");
}

/* Read and parse one JSON object line. */
static struct mxm_json *read_object(struct mxmc_adapter *a, double deadline, struct mxmc_buf *err)
{
  char *line = NULL;
  struct mxm_json *j = NULL;
  struct mxm_error e;
  if(read_line(a, deadline, &line, err))
    return NULL;
  if(mxm_json_parse(line, strlen(line), &j, &e) != MXM_OK || mxm_json_type(j) != MXM_JSON_OBJECT) {
    mxmc_buf_add(err, "the adapter printed something that is not a JSON object: ");
    excerpt(err, line);
    if(!j)
      mxmc_buf_printf(err, " (%s)", e.message);
    mxm_json_free(&j);
    free(line);
    return NULL;
  }
  free(line);
  return j;
}

void mxmc_caps_clear(struct mxmc_caps *caps)
{
  free(caps->name);
  memset(caps, 0, sizeof(*caps));
}

int mxmc_caps_from_hello(const struct mxm_json *hello, struct mxmc_caps *caps, struct mxmc_buf *err)
{
  int64_t proto = 0;
  const struct mxm_json *v;
  size_t i;
  int b = 0;
  mxmc_caps_clear(caps);
  if(!mxm_json_int(mxm_json_get(hello, "mxm_adapter"), &proto) || proto != 1) {
    mxmc_buf_add(err, "the hello must have \"mxm_adapter\": 1 (PROTOCOL.md)");
    return -1;
  }
  caps->name = mxmc_strdup(mxm_json_string(mxm_json_get(hello, "name")) ? mxm_json_string(mxm_json_get(hello, "name"))
                                                                         : "(unnamed adapter)");
  /* "protocol": "1.N", the minor version it speaks (protocol 1.1); absent: 1.0 */
  v = mxm_json_get(hello, "protocol");
  if(v) {
    const char *p = mxm_json_string(v);
    size_t k = 2;
    if(p && p[0] == '1' && p[1] == '.' && p[2])
      while(p[k] >= '0' && p[k] <= '9')
        k++;
    if(!p || p[0] != '1' || p[1] != '.' || k == 2 || p[k] || k >= sizeof(caps->protocol)) {
      mxmc_buf_add(err, "\"protocol\" must be a string \"1.N\" (PROTOCOL.md section 1)");
      return -1;
    }
    memcpy(caps->protocol, p, k + 1);
  } else {
    memcpy(caps->protocol, "1.0", 4);
  }
  v = mxm_json_get(hello, "room_versions");
  if(mxm_json_type(v) != MXM_JSON_ARRAY) {
    mxmc_buf_add(err, "the hello must list \"room_versions\"");
    return -1;
  }
  for(i = 0; i < mxm_json_array_len(v); i++) {
    const char *id = mxm_json_string(mxm_json_array_get(v, i));
    const struct mxm_room_version *rv = id ? mxm_room_version_find(id) : NULL;
    if(rv)
      caps->room_versions |= (uint32_t)1 << rv->number;
  }
  v = mxm_json_get(hello, "layers");
  if(!v) {
    caps->layers = MXMC_LAYER_AUTH;
  }
  for(i = 0; i < mxm_json_array_len(v); i++) {
    const char *l = mxm_json_string(mxm_json_array_get(v, i));
    caps->layers |= l ? (unsigned)mxmc_layer_parse(l) : 0u;
  }
  caps->spec_from = MXM_SPEC_R0;
  caps->spec_to = MXM_SPEC_CURRENT;
  v = mxm_json_get(hello, "spec_releases");
  if(v) {
    const char *from = mxm_json_string(mxm_json_get(v, "from"));
    const char *to = mxm_json_string(mxm_json_get(v, "to"));
    if((from && mxm_spec_parse(from, &caps->spec_from) != MXM_OK) ||
       (to && mxm_spec_parse(to, &caps->spec_to) != MXM_OK) || caps->spec_from > caps->spec_to) {
      mxmc_buf_add(err, "\"spec_releases\" must be {\"from\": R, \"to\": R} with known releases, from <= to");
      return -1;
    }
  }
  if(mxm_json_bool(mxm_json_get(hello, "reports_rules"), &b))
    caps->reports_rules = b;
  return 0;
}

/* Start (or restart) the child and read its hello. */
static int start(struct mxmc_adapter *a, struct mxmc_buf *err)
{
  struct mxm_json *hello;
  struct mxmc_buf why = {0};
  if(spawn(a, err))
    return -1;
  hello = read_object(a, mxmc_now() + a->timeout_s, &why);
  if(!hello) {
    mxmc_buf_printf(err, "no valid hello line: %s", mxmc_buf_str(&why));
    mxmc_buf_free(&why);
    kill_child(a);
    return -1;
  }
  mxmc_buf_free(&why);
  if(mxmc_caps_from_hello(hello, &a->caps, err)) {
    mxm_json_free(&hello);
    kill_child(a);
    return -1;
  }
  mxm_json_free(&hello);
  return 0;
}

struct mxmc_adapter *mxmc_adapter_start(const char *command, double timeout_s, struct mxmc_buf *err)
{
  struct mxmc_adapter *a = calloc(1, sizeof(*a));
  if(!a) {
    mxmc_buf_add(err, "out of memory");
    return NULL;
  }
  signal(SIGPIPE, SIG_IGN); /* a dead adapter must not kill the runner */
  a->command = mxmc_strdup(command);
  a->timeout_s = timeout_s;
  a->to_child = a->from_child = -1;
  if(!a->command || start(a, err)) {
    mxmc_adapter_stop(&a);
    return NULL;
  }
  return a;
}

const struct mxmc_caps *mxmc_adapter_caps(const struct mxmc_adapter *a)
{
  return &a->caps;
}

unsigned mxmc_adapter_restarts(const struct mxmc_adapter *a)
{
  return a->restarts;
}

long mxmc_adapter_pgid(const struct mxmc_adapter *a)
{
  return a && a->pid > 0 ? (long)a->pgid : 0;
}

/* Kill and restart after a fault; the fault text gets what happened. An
 * interrupted runner does not restart it. */
static void restart(struct mxmc_adapter *a, struct mxmc_buf *fault)
{
  struct mxmc_buf err = {0};
  kill_child(a);
  if(mxmc_stop_signal) {
    a->dead = mxmc_strdup("the runner was interrupted");
    return;
  }
  a->restarts++;
  if(start(a, &err)) {
    a->dead = mxmc_printf("it could not be restarted: %s", mxmc_buf_str(&err));
    mxmc_buf_printf(fault, "; %s", a->dead);
  } else {
    mxmc_buf_add(fault, "; the adapter was killed and restarted");
  }
  mxmc_buf_free(&err);
}

struct mxm_json *mxmc_adapter_call(struct mxmc_adapter *a, const struct mxm_json *request, char **fault)
{
  struct mxmc_buf err = {0};
  char *text;
  size_t len = 0;
  double deadline = mxmc_now() + a->timeout_s;
  struct mxm_json *resp;
  const char *want_id = mxm_json_string(mxm_json_get(request, "id"));
  const char *got_id;
  *fault = NULL;
  if(a->dead) {
    *fault = mxmc_strdup(a->dead);
    return NULL;
  }
  text = mxm_json_to_string(request, &len);
  if(text) {
    /* the line and its newline in one write: the adapter wakes once */
    char *nt = realloc(text, len + 2);
    if(!nt)
      free(text);
    text = nt;
  }
  if(!text) {
    *fault = mxmc_strdup("out of memory");
    return NULL;
  }
  text[len++] = '\n';
  text[len] = '\0';
  if(write_all(a, text, len, deadline, &err)) {
    free(text);
    restart(a, &err);
    *fault = mxmc_buf_take(&err);
    return NULL;
  }
  free(text);
  resp = read_object(a, deadline, &err);
  if(!resp) {
    restart(a, &err);
    *fault = mxmc_buf_take(&err);
    return NULL;
  }
  got_id = mxm_json_string(mxm_json_get(resp, "id"));
  if(!got_id || !want_id || strcmp(got_id, want_id) != 0) {
    mxmc_buf_printf(&err, "the response has id %s%s%s, expected \"%s\"", got_id ? "\"" : "", got_id ? got_id : "none",
                    got_id ? "\"" : "", want_id ? want_id : "?");
    mxm_json_free(&resp);
    restart(a, &err);
    *fault = mxmc_buf_take(&err);
    return NULL;
  }
  mxmc_buf_free(&err);
  return resp;
}

void mxmc_adapter_stop(struct mxmc_adapter **ap)
{
  struct mxmc_adapter *a;
  if(!ap || !*ap)
    return;
  a = *ap;
  /* polite end: close its input, give it a moment, then kill */
  if(a->to_child >= 0) {
    close(a->to_child);
    a->to_child = -1;
  }
  if(a->pid > 0) {
    int i, status;
    for(i = 0; i < 20; i++) {
      struct timespec ts = {0, 10 * 1000 * 1000};
      if(waitpid(a->pid, &status, WNOHANG) == a->pid) {
        a->pid = 0;
        break;
      }
      nanosleep(&ts, NULL);
    }
  }
  kill_child(a);
  mxmc_caps_clear(&a->caps);
  free(a->command);
  free(a->rbuf);
  free(a->dead);
  free(a);
  *ap = NULL;
}
