/*
 * fuzz/canon_ref.h: an independent Canonical JSON encoder, the known answer
 * of fuzz_canonical.
 *
 * Written from content/appendices.md "Canonical JSON" alone (its grammar and
 * examples), in a different form from ref/src/canonical.c: it reads the JSON
 * text itself (RFC 8259) into a flat token array, with no tree, no json
 * library and no mxm header, and writes the canonical form straight from
 * the tokens, sorting object members by the code points of their decoded
 * keys.
 *
 * It answers only where the appendix settles the output: integers in
 * [-(2^53)+1, 2^53-1] (written plainly, or with an exponent and no
 * fraction, as the appendix's example 1e10), strings of valid Unicode,
 * true, false, null, arrays and objects without a repeated key. Anything
 * else (a fraction, an integer out of range, a repeated key, a lone
 * surrogate, nesting deeper than MXMC_REF_MAX_DEPTH, text that is not JSON)
 * is "no known answer" and is not compared.
 */
#ifndef MXMF_CANON_REF_H
#define MXMF_CANON_REF_H

#include <stddef.h>

#define MXMC_REF_MAX_DEPTH 60 /* below the library's MXM_JSON_MAX_DEPTH (64), so both can answer */

enum mxmc_ref_result {
  MXMC_REF_OK = 0,     /* *out holds the canonical form (malloc'd, NUL-terminated) */
  MXMC_REF_NOT_JSON,   /* the text is not one JSON value */
  MXMC_REF_NO_ANSWER,  /* JSON, but outside what the appendix settles (see above) */
  MXMC_REF_NOMEM
};

enum mxmc_ref_result mxmc_ref_canonical(const char *text, size_t len, char **out, size_t *out_len);

#endif /* MXMF_CANON_REF_H */
