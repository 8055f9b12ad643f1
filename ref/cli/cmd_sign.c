/*
 * cmd_sign.c: `mxm sign`, sign an event as a server does (mxm_sign_event:
 * content hash, then an Ed25519 signature over the redacted form), or a
 * plain JSON object such as a third-party-invite `signed` object
 * (mxm_sign_json), with a key from a base64 seed or a conformance key name.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm sign (--seed B64 | --key-name NAME) [--key-id ed25519:ID]\n"
             "                --server NAME [--room-version V] [FILE|-]\n"
             "       mxm sign (--seed B64 | --key-name NAME) --show-public-key\n\n"
             "Sign the JSON in FILE (default: standard input) and print it as canonical JSON\n"
             "plus a newline.\n\n"
             "  --seed B64         32-byte Ed25519 seed, unpadded base64 (standard or URL-safe)\n"
             "  --key-name NAME    the conformance corpus's derived key: seed = SHA-256 of\n"
             "                     \"mxm-conformance-key:NAME\" (conformance/FORMAT.md \"Keys\")\n"
             "  --key-id ID        signing key identifier (default ed25519:1)\n"
             "  --server NAME      the signing entity (server name, or identity server)\n"
             "  --room-version V   sign as an event of room version V: set hashes.sha256 to\n"
             "                     the content hash, then sign the redacted form and add the\n"
             "                     signature to the event. Without it the input is signed as a\n"
             "                     plain JSON object (appendices \"Signing JSON\"), e.g. a 3PID\n"
             "                     `signed` object {mxid, sender, token}.\n"
             "  --show-public-key  print the key's public key (unpadded standard base64) and exit\n\n"
             "Example (appendix test vector):\n"
             "  echo '{}' | mxm sign --seed YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1 --server domain\n\n"
             "exit: 0 written; 2 usage, bad seed, unreadable file, malformed JSON or not\n"
             "      encodable; 3 internal error\n");
}

int cmd_sign(int argc, char **argv)
{
  const struct mxm_room_version *rv = NULL;
  const char *file = "-", *seed = NULL, *key_name = NULL, *key_id = "ed25519:1", *server = NULL;
  const struct cli_opt opts[] = {{"--seed", &seed, NULL},
                                 {"--key-name", &key_name, NULL},
                                 {"--key-id", &key_id, NULL},
                                 {"--server", &server, NULL},
                                 {"--room-version", NULL, &rv},
                                 {NULL, NULL, NULL}};
  int show_pk = 0, rc;
  const struct cli_flag flags[] = {{"--show-public-key", &show_pk, 1}, {NULL, NULL, 0}};
  struct mxm_signing_key key;
  struct mxm_json *j = NULL;
  struct mxm_error err;
  char *out = NULL;
  enum mxm_status st;

  if((rc = cli_args_one_input("sign", argc, argv, opts, flags, help, &file)) != CLI_ARGS_GO_ON)
    return rc;
  if(!!seed == !!key_name)
    return cli_usage_error("sign: give exactly one of --seed and --key-name (see mxm sign --help)");
  if(seed) {
    if(mxm_signing_key_from_seed_b64(seed, key_id, &key, &err) != MXM_OK) {
      cli_report("--seed", &err);
      return MXM_EXIT_USAGE;
    }
  }
  else {
    unsigned char s[32];
    if(mxm_signing_key_for_name(key_name, &key) != MXM_OK)
      return cli_usage_error("sign: could not derive the key for \"%s\"", key_name);
    memcpy(s, key.seed, 32);
    if(mxm_signing_key_from_seed(s, key_id, &key) != MXM_OK)
      return cli_usage_error("sign: key ID \"%s\" must start with \"ed25519:\"", key_id);
  }
  if(show_pk) {
    char pk[64];
    mxm_signing_key_public_b64(&key, pk, sizeof(pk));
    printf("%s\n", pk);
    return MXM_EXIT_OK;
  }
  if(!server)
    return cli_usage_error("sign: --server is required (see mxm sign --help)");
  if((rc = cli_read_json(file, &j)) != 0)
    return rc;
  if(rv)
    st = mxm_sign_event(j, rv, server, &key, &err);
  else
    st = mxm_sign_json(j, server, &key, &err);
  if(st == MXM_OK)
    st = mxm_canonical_encode(j, rv ? mxm_canon_mode_for(rv) : MXM_CANON_STRICT, &out, NULL, &err);
  mxm_json_free(&j);
  if(st != MXM_OK)
    return cli_input_error(file, st, &err);
  printf("%s\n", out);
  free(out);
  return MXM_EXIT_OK;
}
