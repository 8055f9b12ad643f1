/*
 * mxm/canonical.h: Canonical JSON (content/appendices.md "Canonical JSON").
 *
 * Keys sorted by Unicode code point (byte order of UTF-8), no insignificant
 * whitespace, raw UTF-8 for non-ASCII, the escapes \" \\ \b \f \n \r \t and
 * lowercase \u00XX for the other control characters, integers only.
 */
#ifndef MXM_CANONICAL_H
#define MXM_CANONICAL_H

#include <stddef.h>

#include "mxm/json.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mxm_canon_mode {
  MXM_CANON_STRICT, /* room versions 6+: a non-integer number or an integer
                       outside [-(2^53)+1, 2^53-1] is an error */
  MXM_CANON_LAX     /* room versions 1-5: see canonical.c for what happens to
                       such values (documented there and in README) */
};
/* The mode a room version uses. */
enum mxm_canon_mode mxm_canon_mode_for(const struct mxm_room_version *rv);

/* Encode j. *out is malloc'd, NUL-terminated (caller frees with free()),
 * *out_len its length (may be NULL). MXM_OK, MXM_E_MALFORMED (with
 * err->where the JSON pointer of the offending value), MXM_E_NOMEM. */
enum mxm_status mxm_canonical_encode(const struct mxm_json *j, enum mxm_canon_mode mode, char **out,
                                     size_t *out_len, struct mxm_error *err) MXM_MUST_CHECK;

/* The same as if the top-level keys omit[0..n_omit) of the object j were
 * absent (keys nested deeper are kept), without copying j: the bytes a
 * signature or a hash covers ("Signing Details": the object without
 * `signatures` and `unsigned`; the content hash also without `hashes`).
 * An omitted key that j does not have changes nothing. */
enum mxm_status mxm_canonical_encode_without(const struct mxm_json *j, enum mxm_canon_mode mode,
                                             const char *const *omit, size_t n_omit, char **out,
                                             size_t *out_len, struct mxm_error *err) MXM_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif /* MXM_CANONICAL_H */
