/*
 * cmd_redact.c: `mxm redact`, the redacted form of an event under a room
 * version's redaction algorithm (mxm_redact), printed as canonical JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm redact --room-version V [FILE|-]\n\n"
             "Print the redacted form of the event in FILE (default: standard input) as\n"
             "canonical JSON plus a newline, using the redaction algorithm of room version V\n"
             "(content/rooms/fragments/v1-, v6-, v9-, v11-redactions.md and rooms/v8.md):\n"
             "only the protocol keys survive at the top level and, for m.room.member,\n"
             "create, join_rules, power_levels, history_visibility, aliases (v1-v5) and\n"
             "redaction (v11+), the content keys the algorithm names.\n\n"
             "exit: 0 written; 2 usage, unreadable file, malformed event or not encodable\n"
             "      (e.g. a float in a room version 6+ event); 3 internal error\n");
}

int cmd_redact(int argc, char **argv)
{
  const struct mxm_room_version *rv = NULL;
  const struct cli_opt opts[] = {{"--room-version", NULL, &rv}, {NULL, NULL, NULL}};
  const char *file = "-";
  int rc;
  struct mxm_json *ev = NULL, *red = NULL;
  struct mxm_error err;
  char *out = NULL;
  enum mxm_status st;

  if((rc = cli_args_one_input("redact", argc, argv, opts, NULL, help, &file)) != CLI_ARGS_GO_ON)
    return rc;
  if(!rv)
    return cli_usage_error("redact: --room-version is required (see mxm redact --help)");
  if((rc = cli_read_json(file, &ev)) != 0)
    return rc;
  st = mxm_redact(ev, rv, &red, &err);
  mxm_json_free(&ev);
  if(st == MXM_OK) {
    st = mxm_canonical_encode(red, mxm_canon_mode_for(rv), &out, NULL, &err);
    mxm_json_free(&red);
  }
  if(st != MXM_OK)
    return cli_input_error(file, st, &err);
  printf("%s\n", out);
  free(out);
  return MXM_EXIT_OK;
}
