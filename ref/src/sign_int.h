/*
 * sign_int.h: a test hook on every hash and signature operation of the
 * library (internal; mxmi_ prefix).
 *
 * The hook exists so that a test can prove a property the library promises:
 * within one decision no signature is verified twice, and no hash is
 * computed twice, for the same bytes (ref/tests/test_once.c). Every
 * SHA-256 of canonical event bytes (content and reference hashes, event
 * IDs), every Ed25519 verification and every Ed25519 signature made in
 * sign.c reports the bytes it covers. Off (NULL) by default, where it costs
 * one load and a branch per operation. Not thread-safe; tests only.
 */
#ifndef MXM_SIGN_INT_H
#define MXM_SIGN_INT_H

#include <stddef.h>

enum mxmi_crypto_op {
  MXMI_OP_SHA256 = 1, /* data = the hashed bytes; extra empty */
  MXMI_OP_VERIFY,     /* data = the signed bytes; extra = signature (64) + public key (32) */
  MXMI_OP_SIGN        /* data = the signed bytes; extra = public key (32) */
};

typedef void (*mxmi_crypto_trace_fn)(enum mxmi_crypto_op op, const unsigned char *data, size_t len,
                                     const unsigned char *extra, size_t extra_len, void *ctx);
/* Install fn (NULL: off). */
void mxmi_crypto_trace_set(mxmi_crypto_trace_fn fn, void *ctx);

#endif /* MXM_SIGN_INT_H */
