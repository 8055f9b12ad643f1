/* cmd_replay.c: `mxm replay`: feed a JSON-lines stream of events through the
 * room state machine (mxm_room_apply), one result line per event, then a
 * summary line. Argument parsing and output only.
 *
 * It streams: input is read in chunks and each complete line is decided and
 * printed at once; the output is flushed whenever more input has to be
 * waited for, so a consumer sees each result while the producer is still
 * writing, and memory holds one line plus the room's state, never the whole
 * input. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_auth.h"

static void help(FILE *f)
{
  fputs("usage: mxm replay [--room-version V] [--spec RELEASE] [--state STATE.json] [--no-auth-events]\n"
        "                  EVENTS.jsonl\n"
        "\n"
        "Apply the events of EVENTS.jsonl (one JSON event per line; blank lines are\n"
        "skipped; \"-\" reads standard input) in order: each is authorised against the\n"
        "state left by the events before it, and only allowed events change the state.\n"
        "The input is streamed: each result is printed (and flushed before more input is\n"
        "awaited) as soon as its line is complete, and memory grows with the room's state,\n"
        "not with the input. A line longer than 16 MiB is an error line and is skipped.\n"
        "\n"
        "options:\n"
        "  --room-version V   1 .. 12; default: content.room_version of the first line if\n"
        "                     it is an m.room.create (\"1\" when absent), else required\n"
        "  --spec RELEASE     whose rule text to follow: r0, v1.1 .. v1.19, current (default)\n"
        "  --state FILE       initial state (same forms as mxm check --state); default empty\n"
        "  --no-auth-events   skip the auth_events rules\n"
        "\n"
        "output (stdout), one JSON object per line:\n"
        "  {\"line\": N, \"type\": T, \"sender\": S, \"state_key\": K|null, \"verdict\": \"allow\"|\"reject\",\n"
        "   \"rule\": RULE_ID, \"reason\": TEXT, \"where\": POINTER, \"accepted\": BOOL,\n"
        "   \"transition\": null | {... as mxm check ...}}\n"
        "  a line that cannot be decided (malformed JSON or event, missing key):\n"
        "  {\"line\": N, \"error\": STATUS, \"where\": POINTER, \"message\": TEXT}\n"
        "  and last: {\"summary\": {\"events\": N, \"allowed\": A, \"rejected\": R, \"errors\": E}}\n"
        "Progress goes to stderr when stderr is a terminal.\n"
        "\n"
        "exit codes:\n"
        "  0  every line was decided (allowed or rejected)\n"
        "  1  some lines could not be decided (each is reported and skipped)\n"
        "  2  usage error, unreadable file or initial state\n"
        "  3  internal error\n",
        f);
}

/* The room version named by a create event on line buf[0..len). */
static const char *guess_version(const char *buf, size_t len, char *out, size_t cap)
{
  struct mxm_json *j = NULL;
  const char *res = NULL;
  if(mxm_json_parse(buf, len, &j, NULL) != MXM_OK)
    return NULL;
  if(mxm_json_string(mxm_json_get(j, "type")) && strcmp(mxm_json_string(mxm_json_get(j, "type")), "m.room.create") == 0) {
    const char *v = mxm_json_string(mxm_json_get(mxm_json_get(j, "content"), "room_version"));
    snprintf(out, cap, "%s", v ? v : "1");
    res = out;
  }
  mxm_json_free(&j);
  return res;
}

static void print_error_line(size_t line, const struct mxm_error *err)
{
  printf("{\"line\": %zu, \"error\": ", line);
  cli_json_string(stdout, mxm_status_name(err->status));
  fputs(", \"where\": ", stdout);
  cli_json_string(stdout, err->where);
  fputs(", \"message\": ", stdout);
  cli_json_string(stdout, err->message);
  fputs("}\n", stdout);
}

#define REPLAY_MAX_LINE ((size_t)16 << 20) /* events are at most 64 KiB; this bounds a runaway line */
#define REPLAY_CHUNK ((size_t)1 << 16)

struct replay {
  const struct mxm_room_version *rv;
  struct mxm_room *room;
  enum mxm_era era;
  size_t line, n_events, n_allow, n_reject, n_err;
  int progress;
};

/* Decide one line (start[0..l)). 0, or MXM_EXIT_INTERNAL on out-of-memory. */
static int replay_line(struct replay *rp, const char *start, size_t l)
{
  struct mxm_json *j = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_apply_result ar;
  struct mxm_error err;
  enum mxm_status s;
  size_t k;
  for(k = 0; k < l && (start[k] == ' ' || start[k] == '\t' || start[k] == '\r'); k++)
    ;
  if(k == l)
    return 0;
  rp->n_events++;
  s = mxm_json_parse(start, l, &j, &err);
  if(s == MXM_OK)
    s = mxm_event_from_json(j, rp->rv, &ev, &err);
  if(s == MXM_OK) {
    printf("{\"line\": %zu, \"type\": ", rp->line);
    cli_json_string(stdout, ev->type);
    fputs(", \"sender\": ", stdout);
    cli_json_string(stdout, ev->sender);
    fputs(", \"state_key\": ", stdout);
    cli_json_string(stdout, ev->state_key);
    s = mxm_room_apply(rp->room, ev, &ar, &err); /* takes ev */
    if(s == MXM_OK) {
      fputs(", ", stdout);
      cli_print_verdict(stdout, &ar.auth, 0);
      printf(", \"accepted\": %s, \"transition\": ", ar.accepted ? "true" : "false");
      cli_print_apply_transition(stdout, &ar, rp->era);
      fputs("}\n", stdout);
      if(ar.auth.verdict == MXM_ALLOW)
        rp->n_allow++;
      else
        rp->n_reject++;
    } else {
      fputs(", \"error\": ", stdout);
      cli_json_string(stdout, mxm_status_name(err.status));
      fputs(", \"where\": ", stdout);
      cli_json_string(stdout, err.where);
      fputs(", \"message\": ", stdout);
      cli_json_string(stdout, err.message);
      fputs("}\n", stdout);
      rp->n_err++;
    }
  } else {
    print_error_line(rp->line, &err);
    rp->n_err++;
  }
  mxm_json_free(&j);
  if(s == MXM_E_NOMEM)
    return MXM_EXIT_INTERNAL;
  if(rp->progress && rp->n_events % 10000 == 0)
    fprintf(stderr, "\rmxm replay: %zu events", rp->n_events);
  return 0;
}

int cmd_replay(int argc, char **argv)
{
  struct cli_room_args ra = {NULL, NULL, NULL};
  const char *path = NULL;
  struct mxm_auth_options opt;
  struct replay rp;
  char *buf = NULL, guessed[64];
  size_t len = 0, cap = 0, scan = 0;
  int i, rc = MXM_EXIT_OK, no_auth_events = 0, fd = -1, eof = 0, skipping = 0;

  memset(&rp, 0, sizeof(rp));
  rp.progress = cli_stderr_is_tty();
  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(cli_is_help(a)) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    if(cli_room_arg(argc, argv, &i, &ra))
      continue;
    if(strcmp(a, "--no-auth-events") == 0)
      no_auth_events = 1;
    else if(a[0] == '-' && a[1] != '\0')
      return cli_usage_error("replay: unknown or incomplete option \"%s\" (see mxm replay --help)", a);
    else if(!path)
      path = a;
    else
      return cli_usage_error("replay: one events file only");
  }
  if(!path)
    return cli_usage_error("replay: an events file is required (see mxm replay --help)");
  if((rc = cli_auth_options(ra.spec_text, no_auth_events, &opt)) != 0)
    return rc;
  rp.era = mxm_era_of(opt.spec);
  fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
  if(fd < 0) {
    fprintf(stderr, "mxm: %s: cannot open: %s\n", path, strerror(errno));
    return MXM_EXIT_USAGE;
  }

  for(;;) {
    char *nl = NULL;
    size_t start = 0; /* first byte not yet consumed */
    /* every complete line in the buffer */
    while(len > scan && (nl = memchr(buf + scan, '\n', len - scan)) != NULL) {
      const char *line = buf + start;
      size_t l = (size_t)(nl - line);
      rp.line++;
      scan = start = (size_t)(nl - buf) + 1;
      if(skipping) {
        skipping = 0; /* the end of an over-long line */
        continue;
      }
      if(!rp.room) {
        size_t k;
        for(k = 0; k < l && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'); k++)
          ;
        if(k == l) /* blank lines before the first event */
          continue;
        if(!ra.rv_id && !(ra.rv_id = guess_version(line, l, guessed, sizeof(guessed)))) {
          rc = cli_usage_error("replay: %s: give --room-version (the first line is not an m.room.create)", path);
          goto done;
        }
        if((rc = cli_room_version(ra.rv_id, &rp.rv)) != 0 || (rc = cli_room_open(rp.rv, &opt, ra.state_path, &rp.room)) != 0)
          goto done;
      }
      if((rc = replay_line(&rp, line, l)) != 0)
        goto done;
    }
    /* keep the unfinished line, at the front */
    if(start) {
      memmove(buf, buf + start, len - start);
      len -= start;
    }
    scan = len;
    if(eof)
      break;
    if(len >= REPLAY_MAX_LINE || (skipping && len)) {
      /* an over-long line: report it once, keep nothing of it, skip to its end */
      if(!skipping) {
        struct mxm_error err;
        mxm_error_clear(&err);
        err.status = MXM_E_TOO_BIG;
        snprintf(err.message, sizeof(err.message), "line longer than %zu bytes", REPLAY_MAX_LINE);
        rp.n_events++;
        rp.n_err++;
        print_error_line(rp.line + 1, &err);
        skipping = 1;
      }
      len = scan = 0;
    }
    if(cap - len < REPLAY_CHUNK) {
      size_t ncap = cap ? cap * 2 : 4 * REPLAY_CHUNK;
      char *nb = realloc(buf, ncap);
      if(!nb) {
        fprintf(stderr, "mxm: replay: out of memory\n");
        rc = MXM_EXIT_INTERNAL;
        goto done;
      }
      buf = nb;
      cap = ncap;
    }
    /* about to wait for input: let the reader see every result so far */
    if(fflush(stdout) != 0)
      break; /* reported below */
    {
      ssize_t got = read(fd, buf + len, cap - len);
      if(got < 0 && errno == EINTR)
        continue;
      if(got < 0) {
        fprintf(stderr, "mxm: %s: read error: %s\n", path, strerror(errno));
        rc = MXM_EXIT_USAGE;
        goto done;
      }
      if(got == 0) {
        eof = 1;
        if(len && !skipping) {
          /* a last line without a newline */
          if(cap == len) {
            char *nb = realloc(buf, cap + 1);
            if(!nb) {
              rc = MXM_EXIT_INTERNAL;
              goto done;
            }
            buf = nb;
            cap++;
          }
          buf[len++] = '\n';
        }
        continue;
      }
      len += (size_t)got;
    }
  }
  if(!rp.room && !ra.rv_id) {
    rc = cli_usage_error("replay: %s: give --room-version (no event in the input)", path);
    goto done;
  }
  if(!rp.room && ((rc = cli_room_version(ra.rv_id, &rp.rv)) != 0 ||
                  (rc = cli_room_open(rp.rv, &opt, ra.state_path, &rp.room)) != 0))
    goto done;
  if(rp.progress)
    fprintf(stderr, "\rmxm replay: %zu events, done\n", rp.n_events);
  printf("{\"summary\": {\"events\": %zu, \"allowed\": %zu, \"rejected\": %zu, \"errors\": %zu}}\n", rp.n_events,
         rp.n_allow, rp.n_reject, rp.n_err);
  rc = rp.n_err ? MXM_EXIT_NO : MXM_EXIT_OK;
done:
  if(fd > STDIN_FILENO)
    close(fd);
  mxm_room_free(&rp.room);
  free(buf);
  return rc;
}
