/*
 * cmd_verify.c: `mxm verify`, check one signature on an event (over its
 * redacted form, mxm_verify_event_server) or on a plain JSON object
 * (mxm_verify_json_mode).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm verify --server NAME --key-id ID --public-key B64 [--room-version V]\n"
             "                  [FILE|-]\n\n"
             "Check that the JSON in FILE (default: standard input) carries a valid Ed25519\n"
             "signature by NAME under key ID (signatures[NAME][ID]) for the public key B64\n"
             "(unpadded base64, standard or URL-safe). With --room-version V the input is an\n"
             "event and the signature is checked over its redacted form (server-server API\n"
             "\"Signing Events\"); without it, over the object minus signatures and unsigned\n"
             "(appendices \"Checking for a Signature\", strict canonical JSON).\n\n"
             "Prints \"valid\" or \"invalid\".\n"
             "exit: 0 valid; 1 invalid (missing, malformed or wrong signature);\n"
             "      2 usage, bad public key, unreadable file or malformed JSON\n");
}

int cmd_verify(int argc, char **argv)
{
  const struct mxm_room_version *rv = NULL;
  const char *file = "-", *server = NULL, *key_id = NULL, *pk_b64 = NULL;
  const struct cli_opt opts[] = {{"--server", &server, NULL},
                                 {"--key-id", &key_id, NULL},
                                 {"--public-key", &pk_b64, NULL},
                                 {"--room-version", NULL, &rv},
                                 {NULL, NULL, NULL}};
  int rc, ok;
  unsigned char pk[64];
  struct mxm_json *j = NULL;

  if((rc = cli_args_one_input("verify", argc, argv, opts, NULL, help, &file)) != CLI_ARGS_GO_ON)
    return rc;
  if(!server || !key_id || !pk_b64)
    return cli_usage_error("verify: --server, --key-id and --public-key are required (see mxm verify --help)");
  if(mxm_base64_decode_any(pk_b64, pk, sizeof(pk)) != 32)
    return cli_usage_error("verify: --public-key is not unpadded base64 of 32 bytes");
  if((rc = cli_read_json(file, &j)) != 0)
    return rc;
  if(rv)
    ok = mxm_verify_event_server(j, rv, server, key_id, pk);
  else
    ok = mxm_verify_json_mode(j, server, key_id, pk, MXM_CANON_STRICT);
  mxm_json_free(&j);
  printf("%s\n", ok ? "valid" : "invalid");
  return ok ? MXM_EXIT_OK : MXM_EXIT_NO;
}
