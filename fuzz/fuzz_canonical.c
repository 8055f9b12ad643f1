/*
 * fuzz/fuzz_canonical.c: Canonical JSON properties on raw bytes. The first
 * byte's low bit picks strict (v6+) or lax (v1-v5) mode; the rest is any
 * JSON. For every value that parses and encodes: the encoding parses, and
 * encoding it again gives the same bytes (idempotent), in the same mode; a
 * strict encoding is also a lax one (strict only adds refusals). And the
 * known answer: wherever the independent encoder of fuzz/canon_ref.c (from
 * content/appendices.md "Canonical JSON" alone) has one, the library's
 * encoding in either mode is exactly those bytes, and the library does not
 * refuse to encode a value the appendix settles.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon_ref.h"
#include "check.h"

#define H "fuzz_canonical"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  mxmf_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mxm_json *j = NULL, *j2 = NULL;
  struct mxm_error err;
  char *c1 = NULL, *c2 = NULL, *c3 = NULL, *want = NULL;
  size_t l1 = 0, l2 = 0, l3 = 0, lw = 0;
  enum mxm_canon_mode mode;
  enum mxmc_ref_result known;

  mxmf_init();
  if(size < 1 || size > MXM_MAX_EVENT_BYTES + 1)
    return 0;
  mode = (data[0] & 1u) ? MXM_CANON_STRICT : MXM_CANON_LAX;
  if(mxm_json_parse((const char *)data + 1, size - 1, &j, &err) != MXM_OK)
    return 0;
  known = mxmc_ref_canonical((const char *)data + 1, size - 1, &want, &lw);
  if(known == MXMC_REF_OK)
    mxmf_stats.canon_known++;
  else
    mxmf_stats.canon_no_answer++;
  if(mxm_canonical_encode(j, mode, &c1, &l1, &err) != MXM_OK) {
    if(known == MXMC_REF_OK && err.status != MXM_E_NOMEM && err.status != MXM_E_TOO_BIG)
      mxmf_finding(H, NULL, "the library refuses (%s mode: %s at %s) a value whose canonical form the appendix settles:\n%s",
                   mode == MXM_CANON_STRICT ? "strict" : "lax", err.message, err.where, want);
    goto out;
  }
  if(known == MXMC_REF_OK && (l1 != lw || memcmp(c1, want, lw) != 0))
    mxmf_finding(H, NULL, "%s canonical encoding differs from the independent encoder (fuzz/canon_ref.c):\nlibrary: %s\nknown:   %s",
                 mode == MXM_CANON_STRICT ? "strict" : "lax", c1, want);
  if(mxm_json_parse(c1, l1, &j2, &err) != MXM_OK)
    mxmf_finding(H, NULL, "%s canonical output does not parse (%s at %s):\n%s", mode == MXM_CANON_STRICT ? "strict" : "lax",
                 err.message, err.where, c1);
  if(mxm_canonical_encode(j2, mode, &c2, &l2, &err) != MXM_OK || l1 != l2 || memcmp(c1, c2, l1) != 0)
    mxmf_finding(H, NULL, "canonical encoding is not idempotent (%s mode):\n1: %s\n2: %s",
                 mode == MXM_CANON_STRICT ? "strict" : "lax", c1, c2 ? c2 : "(failed)");
  if(mode == MXM_CANON_STRICT &&
     (mxm_canonical_encode(j, MXM_CANON_LAX, &c3, &l3, &err) != MXM_OK || l3 != l1 || memcmp(c1, c3, l1) != 0))
    mxmf_finding(H, NULL, "a value with a strict canonical form encodes differently in lax mode:\nstrict: %s\nlax:    %s",
                 c1, c3 ? c3 : "(failed)");
out:
  free(want);
  free(c1);
  free(c2);
  free(c3);
  mxm_json_free(&j2);
  mxm_json_free(&j);
  return 0;
}
