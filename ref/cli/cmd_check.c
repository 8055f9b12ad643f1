/* cmd_check.c: `mxm check`: decide one event against a room state and print
 * the verdict, the deciding rule and the membership transition as one JSON
 * object. Argument parsing and output only; the decision is mxm_room_apply. */
#include <string.h>

#include "cli.h"
#include "cli_auth.h"

static void help(FILE *f)
{
  fputs("usage: mxm check --room-version V [--spec RELEASE] --state STATE.json [--no-auth-events] EVENT.json\n"
        "\n"
        "Decide whether EVENT (one event, PDU or client form; \"-\" reads standard input)\n"
        "is allowed by the authorisation rules of room version V against the room state\n"
        "in STATE.json (an array of state events, or {\"events\": [...], \"server_keys\":\n"
        "{\"server\": {\"ed25519:1\": \"<unpadded base64 public key>\"}}}).\n"
        "\n"
        "options:\n"
        "  --room-version V   1 .. 12 (required)\n"
        "  --spec RELEASE     whose rule text to follow: r0, v1.1 .. v1.19, current (default)\n"
        "  --state FILE       the room state before the event (required)\n"
        "  --no-auth-events   skip the auth_events rules even when the event lists auth events\n"
        "\n"
        "output (stdout), exactly one JSON object:\n"
        "  {\"verdict\": \"allow\"|\"reject\", \"rule\": RULE_ID, \"reason\": TEXT, \"spec\": CITATION,\n"
        "   \"where\": JSON_POINTER, \"transition\": null | {\"from\", \"to\", \"self\", \"era\", \"outcome\",\n"
        "   \"text\", \"eras\": {\"r0\": {...}, \"v1.1\": {...}, \"v1.3\": {...}}}}\n"
        "  RULE_ID is one of `mxm rules`. transition classifies member events by the\n"
        "  m.room.member table of the era of RELEASE (and of every era in \"eras\"); it\n"
        "  says what the change means, whatever the verdict.\n"
        "\n"
        "exit codes:\n"
        "  0  allowed\n"
        "  1  rejected\n"
        "  2  usage or input error, or the event cannot be decided (malformed input, a\n"
        "     signature that needs a server key not given); the message names the file\n"
        "     and the JSON pointer\n"
        "  3  internal error (out of memory, write failure)\n",
        f);
}

int cmd_check(int argc, char **argv)
{
  struct cli_room_args ra = {NULL, NULL, NULL};
  const char *event_path = NULL;
  const struct mxm_room_version *rv;
  struct mxm_auth_options opt;
  struct mxm_room *room = NULL;
  struct mxm_json *ej = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_apply_result ar;
  struct mxm_error err;
  enum mxm_status s;
  int i, rc, no_auth_events = 0;

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
      return cli_usage_error("check: unknown or incomplete option \"%s\" (see mxm check --help)", a);
    else if(!event_path)
      event_path = a;
    else
      return cli_usage_error("check: one event file only (got \"%s\" and \"%s\")", event_path, a);
  }
  if(!ra.rv_id || !ra.state_path || !event_path)
    return cli_usage_error("check: --room-version, --state and an event file are required (see mxm check --help)");
  if((rc = cli_room_version(ra.rv_id, &rv)) != 0)
    return rc;
  if((rc = cli_auth_options(ra.spec_text, no_auth_events, &opt)) != 0)
    return rc;
  if((rc = cli_room_open(rv, &opt, ra.state_path, &room)) != 0)
    return rc;
  if((rc = cli_read_json(event_path, &ej)) != 0)
    goto done;
  s = mxm_event_from_json(ej, rv, &ev, &err);
  if(s != MXM_OK) {
    cli_report(event_path, &err);
    rc = s == MXM_E_NOMEM ? MXM_EXIT_INTERNAL : MXM_EXIT_USAGE;
    goto done;
  }
  s = mxm_room_apply(room, ev, &ar, &err); /* takes ev */
  if(s != MXM_OK) {
    cli_report(event_path, &err);
    rc = s == MXM_E_NOMEM ? MXM_EXIT_INTERNAL : MXM_EXIT_USAGE;
    goto done;
  }
  fputs("{", stdout);
  cli_print_verdict(stdout, &ar.auth, 1);
  fputs(", \"transition\": ", stdout);
  cli_print_apply_transition(stdout, &ar, mxm_era_of(opt.spec));
  fputs("}\n", stdout);
  rc = ar.auth.verdict == MXM_ALLOW ? MXM_EXIT_OK : MXM_EXIT_NO;
done:
  mxm_json_free(&ej);
  mxm_room_free(&room);
  return rc;
}
