/*
 * cmd_client.c: `mxm client`, the reference's client view (mxm/client.h):
 * /sync response bodies in, the view after each out.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm client [--user USER] [--spec R] [FILE|-]\n\n"
             "Apply /sync response bodies as a client of USER does and print what the client\n"
             "shows after each: per room its sync section, the user's own membership, the\n"
             "members (membership, displayname, avatar_url), the room name and the outcome of\n"
             "each membership event (conformance/PROTOCOL.md section 2.5 describes the view).\n\n"
             "FILE (default: standard input) holds either a JSON array of /sync bodies, or a\n"
             "`client` request of the adapter protocol ({\"user_id\", \"spec_release\", \"syncs\"},\n"
             "as `mxm conform --dump-requests` writes them); --user and --spec override its\n"
             "fields. --spec is the client-server API release (r0, v1.1 ... v1.19; default\n"
             "the newest): it picks the transition table's era and whether\n"
             "unsigned.membership is read (v1.11 on).\n\n"
             "Stripped state (invite_state, knock_state) names the room and its members while\n"
             "the room is an invite or a knock, never the user's own membership, and is\n"
             "dropped on join or leave. Malformed events are skipped (a degraded view).\n\n"
             "output: {\"views\": [{\"rooms\": {ROOM: {\"section\", \"membership\", \"name\",\n"
             "         \"members\", \"outcomes\"}}}, ...]}, one view per body\n\n"
             "exit: 0 printed; 2 usage, unreadable file, or a body that is not a /sync\n"
             "      response (the message names the JSON pointer); 3 internal error\n");
}

int cmd_client(int argc, char **argv)
{
  const char *user = NULL, *spec_text = NULL, *file = "-";
  const struct cli_opt opts[] = {{"--user", &user, NULL}, {"--spec", &spec_text, NULL}, {NULL, NULL, NULL}};
  enum mxm_spec_release spec = MXM_SPEC_CURRENT;
  struct mxm_json *in = NULL, *views = NULL;
  const struct mxm_json *syncs;
  struct mxm_error err;
  const char *prefix = "";
  int rc;
  enum mxm_status st;
  char *text;

  if((rc = cli_args_one_input("client", argc, argv, opts, NULL, help, &file)) != CLI_ARGS_GO_ON)
    return rc;
  if((rc = cli_read_json(file, &in)) != 0)
    return rc;
  syncs = in;
  if(mxm_json_type(in) == MXM_JSON_OBJECT) {
    syncs = mxm_json_get(in, "syncs");
    prefix = "/syncs";
    if(!user)
      user = mxm_json_string(mxm_json_get(in, "user_id"));
    if(!spec_text)
      spec_text = mxm_json_string(mxm_json_get(in, "spec_release"));
  }
  rc = MXM_EXIT_USAGE;
  if(!user)
    cli_usage_error("client: no user: give --user or a request with \"user_id\" (see mxm client --help)");
  else if(spec_text && cli_spec_release(spec_text, &spec) != 0)
    ;
  else if(mxm_json_type(syncs) != MXM_JSON_ARRAY)
    cli_usage_error("client: %s: %s: not an array of /sync bodies", cli_input_name(file), *prefix ? prefix : "(root)");
  else if((st = mxm_client_run(user, spec, syncs, prefix, &views, &err)) != MXM_OK)
    rc = cli_input_error(file, st, &err);
  else
    rc = MXM_EXIT_OK;
  mxm_json_free(&in);
  if(rc != MXM_EXIT_OK)
    return rc;
  text = mxm_json_to_string(views, NULL);
  mxm_json_free(&views);
  if(!text) {
    fprintf(stderr, "mxm: client: out of memory\n");
    return MXM_EXIT_INTERNAL;
  }
  printf("{\"views\":%s}\n", text);
  free(text);
  return MXM_EXIT_OK;
}
