/*
 * mxm/status.h: the one status enum of the mxm library, and error details.
 *
 * A status says whether the library could do what was asked. It is never an
 * authorisation verdict: "reject" is a decision (see mxm/auth.h), while a
 * status other than MXM_OK means "could not decide" and says why.
 *
 * Numbers are stable: append new codes last, never renumber, never reuse.
 */
#ifndef MXM_STATUS_H
#define MXM_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MXM_MUST_CHECK __attribute__((warn_unused_result))
#else
#define MXM_MUST_CHECK
#endif

/* X(name, number, text) */
#define MXM_STATUS_LIST(X)                                                        \
  X(OK, 0, "success")                                                             \
  X(E_MALFORMED, 1, "input is not well-formed")                                   \
  X(E_TOO_BIG, 2, "input exceeds a hard limit")                                   \
  X(E_NOMEM, 3, "out of memory")                                                  \
  X(E_UNSUPPORTED, 4, "unknown or unsupported room version or spec release")      \
  X(E_UNDECIDABLE, 5, "cannot decide: the inputs lack something the rule needs") \
  X(E_IO, 6, "input/output error")                                                \
  X(E_USAGE, 7, "invalid argument")                                               \
  X(E_CRYPTO, 8, "cryptographic operation failed")

enum mxm_status {
#define MXM_X_(name, num, text) MXM_##name = num,
  MXM_STATUS_LIST(MXM_X_)
#undef MXM_X_
};

/* "MXM_E_MALFORMED" for MXM_E_MALFORMED; "MXM_UNKNOWN_STATUS" for a value
 * outside the enum. The string is static. */
const char *mxm_status_name(enum mxm_status status);

/* The short human text of a status ("input is not well-formed"). Static. */
const char *mxm_status_str(enum mxm_status status);

/*
 * Details of a failure: which status, where (a JSON pointer such as
 * "/content/membership", or "" for the whole input), and a human message.
 * Functions that take a `struct mxm_error *err` fill it on failure only; err
 * may be NULL when the caller does not want details.
 */
#define MXM_ERROR_WHERE_MAX 128
#define MXM_ERROR_MESSAGE_MAX 256
struct mxm_error {
  enum mxm_status status;
  char where[MXM_ERROR_WHERE_MAX];     /* JSON pointer, "" = whole input */
  char message[MXM_ERROR_MESSAGE_MAX]; /* human text, no trailing newline */
};

/* Fill err (if non-NULL) and return status. printf-style message. */
enum mxm_status mxm_error_set(struct mxm_error *err, enum mxm_status status,
                              const char *where, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Reset err to MXM_OK with empty where and message. err may be NULL. */
void mxm_error_clear(struct mxm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* MXM_STATUS_H */
