/*
 * canonical_int.h: measuring canonical JSON without writing it (internal;
 * mxmi_ prefix).
 */
#ifndef MXM_CANONICAL_INT_H
#define MXM_CANONICAL_INT_H

#include <stddef.h>

#include "mxm/canonical.h"

/*
 * The length mxm_canonical_encode would give j, computed by the same code
 * without writing anything: no output buffer, no sorting of keys (order does
 * not change the length), no JSON pointer. MXM_OK and *len, or the status
 * the encoder would return (with no error text: call mxm_canonical_encode
 * for that). About a third of an encode's work.
 */
enum mxm_status mxmi_canonical_length(const struct mxm_json *j, enum mxm_canon_mode mode, size_t *len);

#endif /* MXM_CANONICAL_INT_H */
