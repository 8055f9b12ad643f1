/*
 * json_int.h: what the strict parser learns about the text on its way
 * (internal; mxmi_ prefix). event.c uses it to bound an event's size as
 * canonical JSON from its raw text, without encoding it (see check_size
 * there for the proof).
 */
#ifndef MXM_JSON_INT_H
#define MXM_JSON_INT_H

#include <stddef.h>

#include "mxm/json.h"

/* The longest form canonical JSON gives a number written with a fraction or
 * an exponent, in any mode: Python repr of a double is at most 24 bytes
 * ("-1.2345678901234567e-308": sign, 17 significant digits, point, "e",
 * sign, 3 exponent digits); an integer from such a literal at most 17
 * ("-9007199254740991"). One byte of margin, should a C library print 18
 * significant digits where 17 round-trip. */
#define MXMI_JSON_NUMBER_MAX 25

struct mxmi_json_stats {
  size_t ws;         /* whitespace bytes outside strings (canonical JSON has none) */
  size_t esc_shrink; /* the most canonical JSON can shorten the escapes: 5 per \uXXXX
                        (6 bytes, at least 1 once decoded), 1 per \/ ; the other
                        escapes (\" \\ \b \f \n \r \t) are written as they are */
  size_t num_shrink; /* the most canonical JSON (or, v1-v5, the plain serialisation)
                        can shorten the numbers: n - 1 for a literal of n bytes with a
                        fraction or exponent, 1 for "-0", n - 20 for an integer
                        literal longer than 20 bytes (saturated outside 64 bits) */
  size_t num_grow;   /* the most it can lengthen them: MXMI_JSON_NUMBER_MAX - n for
                        a fraction/exponent literal of n bytes; integers never grow */
  size_t n_keys;     /* object keys in the text (duplicates included) */
  size_t n_frac;     /* numbers written with a fraction or exponent */
  size_t n_long_int; /* integer literals of 16 digits or more (|v| may be >= 2^53) */
  size_t max_depth;  /* deepest nesting of objects and arrays */
};

/* mxm_json_parse that also fills *stats (may be NULL) on success. */
enum mxm_status mxmi_json_parse_stats(const char *buf, size_t len, struct mxm_json **out,
                                      struct mxmi_json_stats *stats, struct mxm_error *err);

/* The pre-scan and json-c only, never the single-pass parser: what
 * mxm_json_parse did before it, kept so that a test can hold the two to the
 * same answer on every input (ref/tests/test_json_fast.c). */
enum mxm_status mxmi_json_parse_slow(const char *buf, size_t len, struct mxm_json **out,
                                     struct mxmi_json_stats *stats, struct mxm_error *err);

/* json-c's strict tokenizer alone: no NUL check, no pre-scan, no error
 * text. The baseline of mxm-bench's verdict section ("json-c parse-only"):
 * the bench may not include json-c itself. */
enum mxm_status mxmi_json_parse_jsonc(const char *buf, size_t len, struct mxm_json **out);

#endif /* MXM_JSON_INT_H */
