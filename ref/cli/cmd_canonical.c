/*
 * cmd_canonical.c: `mxm canonical`, Matrix canonical JSON of a file or of
 * standard input (mxm_canonical_encode). Output is exactly the canonical
 * bytes, so it can be piped into a hash; --newline appends "\n".
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm canonical [--strict | --lax | --room-version V] [--newline] [FILE|-]\n\n"
             "Encode the JSON in FILE (default: standard input) as Matrix canonical JSON\n"
             "(content/appendices.md): keys sorted by code point, no whitespace, raw UTF-8,\n"
             "minimal escapes, integers only. The output is exactly the canonical bytes,\n"
             "without a trailing newline unless --newline is given.\n\n"
             "  --strict           (default) the appendix's definition, which room versions 6+\n"
             "                     enforce: a non-integer number or an integer outside\n"
             "                     [-(2^53)+1, 2^53-1] is an error (exit 2, with its JSON pointer)\n"
             "  --lax              the room versions 1-5 behaviour, which must not enforce it:\n"
             "                     such numbers are written as documented in ref/src/canonical.c\n"
             "                     (exact integers, or the shortest round-trip form of a float)\n"
             "  --room-version V   the mode of room version V (lax for 1-5, strict for 6+)\n"
             "  --newline          append a newline\n\n"
             "A number whose exact value is an integer in range (1e10, 1.0, -0) is written as\n"
             "that integer in both modes, as the appendix example {\"a\":-0,\"b\":1e10} shows.\n\n"
             "exit: 0 written; 2 usage, unreadable file, malformed JSON or not encodable;\n"
             "      3 internal error\n");
}

int cmd_canonical(int argc, char **argv)
{
  enum mxm_canon_mode mode = MXM_CANON_STRICT;
  const struct mxm_room_version *rv = NULL;
  const struct cli_opt opts[] = {{"--room-version", NULL, &rv}, {NULL, NULL, NULL}};
  enum { MODE_STRICT, MODE_LAX, MODE_VERSION };
  int mode_from = MODE_STRICT, newline = 0, rc;
  const struct cli_flag flags[] = {{"--strict", &mode_from, MODE_STRICT},
                                   {"--lax", &mode_from, MODE_LAX},
                                   {"--room-version", &mode_from, MODE_VERSION},
                                   {"--newline", &newline, 1},
                                   {NULL, NULL, 0}};
  const char *file = "-";
  struct mxm_json *j = NULL;
  struct mxm_error err;
  char *out = NULL;
  size_t len = 0;
  enum mxm_status st;

  if((rc = cli_args_one_input("canonical", argc, argv, opts, flags, help, &file)) != CLI_ARGS_GO_ON)
    return rc;
  /* the last of --strict, --lax and --room-version wins */
  if(mode_from == MODE_LAX)
    mode = MXM_CANON_LAX;
  else if(mode_from == MODE_VERSION)
    mode = mxm_canon_mode_for(rv);
  if((rc = cli_read_json(file, &j)) != 0)
    return rc;
  st = mxm_canonical_encode(j, mode, &out, &len, &err);
  mxm_json_free(&j);
  if(st != MXM_OK)
    return cli_input_error(file, st, &err);
  if(fwrite(out, 1, len, stdout) != len || (newline && fputc('\n', stdout) == EOF)) {
    free(out);
    fprintf(stderr, "mxm: error writing output\n");
    return MXM_EXIT_INTERNAL;
  }
  free(out);
  return MXM_EXIT_OK;
}
