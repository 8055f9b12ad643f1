/*
 * fuzz/seedgen.c: writes the seed corpora of the structure-aware harnesses.
 *
 *   seedgen auth DIR    one input per (deciding rule, room version, text
 *                       current or older), chosen from deterministic
 *                       pseudo-random inputs by what the oracle says
 *   seedgen room DIR    the same cases, each followed by a few steps
 *
 * Selection is by the oracle's answer only (no library), so the seeds cover
 * every rule of every version before the library exists. Inputs are cut to
 * the bytes the decoder reads. Output is deterministic: re-running gives the
 * same files, so the committed seeds can be regenerated and diffed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "oracle.h"

static uint64_t rng = 0x6d786d2d66757a7aULL; /* "mxm-fuzz" */
static uint8_t next_byte(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint8_t)(rng >> 24);
}

#define MAX_KEYS 1024
static char seen[MAX_KEYS][96];
static int n_seen;

static int mark(const char *key)
{
  for(int i = 0; i < n_seen; i++)
    if(strcmp(seen[i], key) == 0)
      return 0;
  if(n_seen < MAX_KEYS)
    snprintf(seen[n_seen++], sizeof(seen[0]), "%s", key);
  return 1;
}

int main(int argc, char **argv)
{
  int room;
  long written = 0;
  if(argc != 3 || (strcmp(argv[1], "auth") != 0 && strcmp(argv[1], "room") != 0)) {
    fprintf(stderr, "usage: seedgen auth|room DIR\n");
    return 2;
  }
  room = strcmp(argv[1], "room") == 0;
  for(long iter = 0; iter < 3000000; iter++) {
    uint8_t buf[96];
    struct mxmf_reader r;
    struct mxmf_case c;
    struct mxmo_answer a;
    char key[96], path[512];
    size_t len;
    FILE *f;
    const char *tag;

    for(size_t i = 0; i < sizeof(buf); i++)
      buf[i] = next_byte();
    mxmf_reader_init(&r, buf, sizeof(buf));
    mxmf_decode_case(&r, &c);
    mxmo_decide(&c, &a);
    tag = a.verdict == MXMO_EITHER ? "either" : a.verdict == MXMO_STATE_INVALID ? "state_invalid" :
          a.rule ? a.rule : (a.verdict == MXMO_ALLOW ? "allow_any" : "reject_any");
    snprintf(key, sizeof(key), "%s-v%d-%s", tag, c.room_version, c.spec == MXMF_SPEC_CURRENT ? "current" : "older");
    if(!mark(key))
      continue;
    len = r.pos;
    if(room)
      len += 24; /* a few steps after the case */
    snprintf(path, sizeof(path), "%s/%s", argv[2], key);
    f = fopen(path, "wb");
    if(!f || fwrite(buf, 1, len, f) != len) {
      fprintf(stderr, "seedgen: cannot write %s\n", path);
      if(f)
        fclose(f);
      return 1;
    }
    fclose(f);
    written++;
  }
  fprintf(stderr, "seedgen: %ld seeds in %s\n", written, argv[2]);
  return 0;
}
