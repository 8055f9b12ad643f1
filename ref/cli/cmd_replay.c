/* cmd_replay.c: `mxm replay`: feed a JSON-lines stream of events through the
 * room state machine (mxm_room_apply), one result line per event, then a
 * summary line. Argument parsing and output only. */
#include <stdlib.h>
#include <string.h>

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

/* The room version named by a create event on the first non-blank line. */
static const char *guess_version(const char *buf, size_t len, char *out, size_t cap)
{
  const char *end;
  struct mxm_json *j = NULL;
  const char *res = NULL;
  while(len && (*buf == '\n' || *buf == '\r' || *buf == ' ' || *buf == '\t')) {
    buf++;
    len--;
  }
  end = memchr(buf, '\n', len);
  if(mxm_json_parse(buf, end ? (size_t)(end - buf) : len, &j, NULL) != MXM_OK)
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

int cmd_replay(int argc, char **argv)
{
  struct cli_room_args ra = {NULL, NULL, NULL};
  const char *path = NULL;
  const struct mxm_room_version *rv;
  struct mxm_auth_options opt;
  struct mxm_room *room = NULL;
  char *buf = NULL, guessed[64];
  size_t len, pos, line = 0, n_events = 0, n_allow = 0, n_reject = 0, n_err = 0;
  int i, rc, no_auth_events = 0, progress = cli_stderr_is_tty();
  enum mxm_era era;

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
  era = mxm_era_of(opt.spec);
  if((rc = cli_read_file(path, &buf, &len)) != 0)
    return rc;
  if(!ra.rv_id && !(ra.rv_id = guess_version(buf, len, guessed, sizeof(guessed)))) {
    free(buf);
    return cli_usage_error("replay: %s: give --room-version (the first line is not an m.room.create)", path);
  }
  if((rc = cli_room_version(ra.rv_id, &rv)) != 0)
    goto done;
  if((rc = cli_room_open(rv, &opt, ra.state_path, &room)) != 0)
    goto done;

  for(pos = 0; pos < len;) {
    const char *start = buf + pos, *nl = memchr(start, '\n', len - pos);
    size_t l = nl ? (size_t)(nl - start) : len - pos;
    struct mxm_json *j = NULL;
    struct mxm_event *ev = NULL;
    struct mxm_apply_result ar;
    struct mxm_error err;
    enum mxm_status s;
    size_t k;

    pos += l + (nl ? 1 : 0);
    line++;
    for(k = 0; k < l && (start[k] == ' ' || start[k] == '\t' || start[k] == '\r'); k++)
      ;
    if(k == l)
      continue;
    n_events++;
    s = mxm_json_parse(start, l, &j, &err);
    if(s == MXM_OK)
      s = mxm_event_from_json(j, rv, &ev, &err);
    if(s == MXM_OK) {
      printf("{\"line\": %zu, \"type\": ", line);
      cli_json_string(stdout, ev->type);
      fputs(", \"sender\": ", stdout);
      cli_json_string(stdout, ev->sender);
      fputs(", \"state_key\": ", stdout);
      cli_json_string(stdout, ev->state_key);
      s = mxm_room_apply(room, ev, &ar, &err); /* takes ev */
      if(s == MXM_OK) {
        fputs(", \"verdict\": ", stdout);
        cli_json_string(stdout, mxm_verdict_name(ar.auth.verdict));
        fputs(", \"rule\": ", stdout);
        cli_json_string(stdout, ar.auth.rule_id);
        fputs(", \"reason\": ", stdout);
        cli_json_string(stdout, ar.auth.reason);
        fputs(", \"where\": ", stdout);
        cli_json_string(stdout, ar.auth.where);
        printf(", \"accepted\": %s, \"transition\": ", ar.accepted ? "true" : "false");
        cli_print_apply_transition(stdout, &ar, era);
        fputs("}\n", stdout);
        if(ar.auth.verdict == MXM_ALLOW)
          n_allow++;
        else
          n_reject++;
      } else {
        fputs(", \"error\": ", stdout);
        cli_json_string(stdout, mxm_status_name(err.status));
        fputs(", \"where\": ", stdout);
        cli_json_string(stdout, err.where);
        fputs(", \"message\": ", stdout);
        cli_json_string(stdout, err.message);
        fputs("}\n", stdout);
        n_err++;
      }
    } else {
      print_error_line(line, &err);
      n_err++;
    }
    mxm_json_free(&j);
    if(s == MXM_E_NOMEM) {
      rc = MXM_EXIT_INTERNAL;
      goto done;
    }
    if(progress && n_events % 10000 == 0)
      fprintf(stderr, "\rmxm replay: %zu events", n_events);
  }
  if(progress)
    fprintf(stderr, "\rmxm replay: %zu events, done\n", n_events);
  printf("{\"summary\": {\"events\": %zu, \"allowed\": %zu, \"rejected\": %zu, \"errors\": %zu}}\n", n_events, n_allow,
         n_reject, n_err);
  rc = n_err ? MXM_EXIT_NO : MXM_EXIT_OK;
done:
  mxm_room_free(&room);
  free(buf);
  return rc;
}
