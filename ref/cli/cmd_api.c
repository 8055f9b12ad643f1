/* cmd_api.c: `mxm api`: run one client-server membership call against a
 * state (mxm_api_call) and print the API answer, the event the endpoint would
 * send and the auth verdict on it. Argument parsing and output only. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_auth.h"

static void help(FILE *f)
{
  fputs("usage: mxm api --room-version V [--spec RELEASE] --state STATE.json --endpoint E\n"
        "               --caller USER [--target USER] [--reason TEXT]\n"
        "\n"
        "Run a membership endpoint of the client-server API (/invite, /join, /leave,\n"
        "/kick, /ban, /unban, /knock) for CALLER against the room state, and print the\n"
        "API's own answer apart from the auth verdict on the event it would send: the\n"
        "API refuses some changes the auth rules allow (e.g. /kick of a user who is not\n"
        "in the room) and answers some without an event (/invite of an invited user).\n"
        "\n"
        "options:\n"
        "  --endpoint E    invite, join, leave, kick, ban, unban, knock\n"
        "  --caller USER   the user making the request (a full user ID)\n"
        "  --target USER   user_id of the body (invite, kick, ban, unban; required there)\n"
        "  --reason TEXT   the body's reason, copied into the event\n"
        "  --room-version, --spec, --state: as in mxm check\n"
        "\n"
        "output, one JSON object:\n"
        "  {\"api\": {\"verdict\": \"ok\"|\"refused\"|\"unspecified\", \"status\": HTTP|null,\n"
        "           \"errcode\": CODE|null, \"reason\": TEXT, \"spec\": CITATION},\n"
        "   \"event\": EVENT|null, \"auth\": null | {\"verdict\", \"rule\", \"reason\", \"spec\", \"where\"}}\n"
        "  \"unspecified\": the spec documents no answer for this case (e.g. /leave by a\n"
        "  user who was never in the room).\n"
        "\n"
        "exit codes:\n"
        "  0  the API answers ok\n"
        "  1  the API refuses, or its answer is unspecified\n"
        "  2  usage or input error (names the file and JSON pointer)\n"
        "  3  internal error\n",
        f);
}

static const char *api_verdict_name(enum mxm_api_verdict v)
{
  switch(v) {
  case MXM_API_OK:
    return "ok";
  case MXM_API_REFUSED:
    return "refused";
  case MXM_API_UNSPECIFIED:
    return "unspecified";
  }
  return "unknown";
}

int cmd_api(int argc, char **argv)
{
  struct cli_room_args ra = {NULL, NULL, NULL};
  const char *endpoint = NULL;
  const struct mxm_room_version *rv;
  struct mxm_auth_options opt;
  struct mxm_state *st = NULL;
  struct mxm_api_call call;
  struct mxm_api_result res;
  struct mxm_error err;
  enum mxm_status s;
  int i, rc;

  memset(&call, 0, sizeof(call));
  memset(&res, 0, sizeof(res));
  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(cli_is_help(a)) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    if(cli_room_arg(argc, argv, &i, &ra))
      continue;
    if(strcmp(a, "--endpoint") == 0 && i + 1 < argc)
      endpoint = argv[++i];
    else if(strcmp(a, "--caller") == 0 && i + 1 < argc)
      call.caller = argv[++i];
    else if(strcmp(a, "--target") == 0 && i + 1 < argc)
      call.target = argv[++i];
    else if(strcmp(a, "--reason") == 0 && i + 1 < argc)
      call.reason = argv[++i];
    else
      return cli_usage_error("api: unexpected argument \"%s\" (see mxm api --help)", a);
  }
  if(!ra.rv_id || !ra.state_path || !endpoint || !call.caller)
    return cli_usage_error("api: --room-version, --state, --endpoint and --caller are required");
  if(mxm_endpoint_parse(endpoint, &call.endpoint) != MXM_OK)
    return cli_usage_error("api: unknown endpoint \"%s\" (invite, join, leave, kick, ban, unban, knock)", endpoint);
  if((rc = cli_room_version(ra.rv_id, &rv)) != 0)
    return rc;
  if((rc = cli_auth_options(ra.spec_text, 0, &opt)) != 0)
    return rc;
  if(mxm_state_new(rv, &st) != MXM_OK) {
    fprintf(stderr, "mxm: out of memory\n");
    return MXM_EXIT_INTERNAL;
  }
  if((rc = cli_load_state(ra.state_path, st)) != 0)
    goto done;
  s = mxm_api_call(st, &call, &opt, &res, &err);
  if(s != MXM_OK) {
    cli_report(endpoint, &err);
    rc = s == MXM_E_NOMEM ? MXM_EXIT_INTERNAL : MXM_EXIT_USAGE;
    goto done;
  }
  fputs("{\"api\": {\"verdict\": ", stdout);
  cli_json_string(stdout, api_verdict_name(res.verdict));
  if(res.http_status)
    printf(", \"status\": %d", res.http_status);
  else
    fputs(", \"status\": null", stdout);
  fputs(", \"errcode\": ", stdout);
  cli_json_string(stdout, res.errcode);
  fputs(", \"reason\": ", stdout);
  cli_json_string(stdout, res.reason);
  fputs(", \"spec\": ", stdout);
  cli_json_string(stdout, res.spec);
  fputs("}, \"event\": ", stdout);
  if(res.event) {
    char *text = mxm_json_to_string(res.event, NULL);
    if(!text) {
      fprintf(stderr, "mxm: out of memory\n");
      rc = MXM_EXIT_INTERNAL;
      goto done;
    }
    fputs(text, stdout);
    free(text);
  } else {
    fputs("null", stdout);
  }
  fputs(", \"auth\": ", stdout);
  if(res.has_auth)
    cli_print_result(stdout, &res.auth);
  else
    fputs("null", stdout);
  fputs("}\n", stdout);
  rc = res.verdict == MXM_API_OK ? MXM_EXIT_OK : MXM_EXIT_NO;
done:
  mxm_api_result_clear(&res);
  mxm_state_free(&st);
  return rc;
}
