/*
 * cmd_hash.c: `mxm hash`, an event's content hash, reference hash and
 * event ID for a room version (mxm_content_hash, mxm_reference_hash,
 * mxm_compute_event_id), printed as one JSON object.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm hash --room-version V [FILE|-]\n\n"
             "Print, as one JSON object, for the event in FILE (default: standard input):\n"
             "  content_hash     unpadded base64 SHA-256 of the canonical event without\n"
             "                   unsigned, signatures and hashes (the value hashes.sha256\n"
             "                   should hold)\n"
             "  hashes_sha256    the event's own hashes.sha256, or null\n"
             "  content_hash_matches  true/false, or null when the event has none\n"
             "  reference_hash   unpadded base64 SHA-256 of the canonical redacted event\n"
             "                   without signatures and unsigned\n"
             "  event_id         v1/v2: the event's event_id (null if absent);\n"
             "                   v3: \"$\" + reference hash (standard base64);\n"
             "                   v4+: \"$\" + reference hash (URL-safe base64)\n"
             "  room_id          v12 m.room.create only: \"!\" + the event ID without \"$\"\n\n"
             "exit: 0 printed; 2 usage, unreadable file, malformed event or not encodable;\n"
             "      3 internal error\n");
}

int cmd_hash(int argc, char **argv)
{
  const struct mxm_room_version *rv = NULL;
  const struct cli_opt opts[] = {{"--room-version", NULL, &rv}, {NULL, NULL, NULL}};
  const char *file = "-";
  int rc;
  struct mxm_json *ev = NULL;
  struct mxm_error err;
  unsigned char ch[32], rh[32];
  char ch_b64[64], rh_b64[64], id[MXM_EVENT_ID_MAX], room[MXM_EVENT_ID_MAX];
  const char *own;
  int have_id = 1, have_room = 0;

  if((rc = cli_args_one_input("hash", argc, argv, opts, NULL, help, &file)) != CLI_ARGS_GO_ON)
    return rc;
  if(!rv)
    return cli_usage_error("hash: --room-version is required (see mxm hash --help)");
  if((rc = cli_read_json(file, &ev)) != 0)
    return rc;
  if(mxm_content_hash(ev, rv, ch, &err) != MXM_OK || mxm_reference_hash(ev, rv, rh, &err) != MXM_OK) {
    mxm_json_free(&ev);
    return cli_input_error(file, err.status, &err);
  }
  if(rv->event_id_format == MXM_EVENT_ID_SERVER && !mxm_json_get(ev, "event_id"))
    have_id = 0;
  else if(mxm_compute_event_id(ev, rv, id, &err) != MXM_OK) {
    mxm_json_free(&ev);
    return cli_input_error(file, err.status, &err);
  }
  if(rv->creators_v12 && mxm_json_string(mxm_json_get(ev, "type")) &&
     strcmp(mxm_json_string(mxm_json_get(ev, "type")), "m.room.create") == 0) {
    if(mxm_room_id_from_create(ev, rv, room, &err) != MXM_OK) {
      mxm_json_free(&ev);
      return cli_input_error(file, err.status, &err);
    }
    have_room = 1;
  }
  (void)mxm_base64_encode(ch, 32, ch_b64, sizeof(ch_b64));
  (void)mxm_base64_encode(rh, 32, rh_b64, sizeof(rh_b64));
  own = mxm_json_string(mxm_json_get(mxm_json_get(ev, "hashes"), "sha256"));
  printf("{\"room_version\":");
  cli_json_string(stdout, rv->id);
  printf(",\"content_hash\":\"%s\",\"hashes_sha256\":", ch_b64);
  cli_json_string(stdout, own);
  printf(",\"content_hash_matches\":%s", own ? (strcmp(own, ch_b64) == 0 ? "true" : "false") : "null");
  printf(",\"reference_hash\":\"%s\",\"event_id\":", rh_b64);
  cli_json_string(stdout, have_id ? id : NULL);
  if(have_room) {
    printf(",\"room_id\":");
    cli_json_string(stdout, room);
  }
  printf("}\n");
  mxm_json_free(&ev);
  return MXM_EXIT_OK;
}
