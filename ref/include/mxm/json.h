/*
 * mxm/json.h: the JSON values every mxm module works with.
 *
 * This is the only door to json-c in the project: ref/src/json_in.c is the
 * only file that includes <json.h>. Everything else (event parsing, canonical
 * JSON, redaction, the conformance runner, the fuzzers) goes through these
 * functions, so the parser could be swapped without touching them.
 *
 * Parsing is strict: RFC 8259 syntax only (json-c strict mode), UTF-8 is
 * validated, nesting is capped at MXM_JSON_MAX_DEPTH, the whole input must be
 * one value with only whitespace after it, and NUL bytes outside strings are
 * errors. Strings may hold U+0000 (escaped in the input); use the *_len
 * accessors where that matters.
 *
 * Known limitation (json-c): an object with a duplicate key keeps only the
 * last value, so duplicates cannot be reported.
 *
 * Ownership: a value returned by mxm_json_parse or mxm_json_new_* is owned by
 * the caller; free it with mxm_json_free. Values reached through accessors
 * (mxm_json_get, mxm_json_array_get, iteration) are borrowed: valid as long
 * as their root is. Values are reference counted; mxm_json_ref adds an owner.
 */
#ifndef MXM_JSON_H
#define MXM_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "mxm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest nesting accepted by mxm_json_parse. Matrix events nest a few levels
 * (content.third_party_invite.signed.signatures.server.key is 6); 64 leaves room
 * for odd but legal state while bounding recursion in every walker. */
#define MXM_JSON_MAX_DEPTH 64

struct mxm_json; /* opaque */

enum mxm_json_type {
  MXM_JSON_NULL = 0,
  MXM_JSON_BOOL,
  MXM_JSON_INT,    /* an integer that fits int64_t */
  MXM_JSON_BIGINT, /* an integer written without fraction/exponent that is not
                      strictly inside (INT64_MIN, INT64_MAX); its value is not
                      available, only the fact (json-c saturates) */
  MXM_JSON_DOUBLE, /* a number with a fraction or an exponent */
  MXM_JSON_STRING,
  MXM_JSON_ARRAY,
  MXM_JSON_OBJECT
};

/* "null", "boolean", "integer", "big integer", "number", "string", "array",
 * "object". Static. */
const char *mxm_json_type_name(enum mxm_json_type type);

/*
 * Parse len bytes of buf (no NUL terminator needed) as one JSON value.
 * On success *out is the root (caller owns it; free with mxm_json_free) and
 * MXM_OK is returned. On failure *out is NULL, MXM_E_MALFORMED (syntax, bad
 * UTF-8, trailing data, NUL byte), MXM_E_TOO_BIG (deeper than
 * MXM_JSON_MAX_DEPTH) or MXM_E_NOMEM is returned, and err (may be NULL) says
 * what and at which byte offset.
 */
enum mxm_status mxm_json_parse(const char *buf, size_t len, struct mxm_json **out,
                               struct mxm_error *err) MXM_MUST_CHECK;

/*
 * mxm_json_parse, and *size_bound: an upper bound of the size as canonical
 * JSON (every room version's encoding, and the plain serialisation a v1-v5
 * event falls back to) of the value and of every value inside it, computed
 * from the text without encoding: its length, plus what its numbers can
 * grow by. mxm_state_load_json_bound takes it.
 */
enum mxm_status mxm_json_parse_bound(const char *buf, size_t len, struct mxm_json **out, size_t *size_bound,
                                     struct mxm_error *err) MXM_MUST_CHECK;

/* Drop the caller's reference to *jp and set *jp = NULL. NULL-safe. */
void mxm_json_free(struct mxm_json **jp);

/* Add an owner to j (which may be borrowed) and return it. NULL-safe. */
struct mxm_json *mxm_json_ref(const struct mxm_json *j);

/* MXM_JSON_NULL for a NULL pointer. */
enum mxm_json_type mxm_json_type(const struct mxm_json *j);

/* Object member by key: borrowed, or NULL when j is not an object or has no
 * such key. A present key whose value is JSON null gives a non-NULL value of
 * type MXM_JSON_NULL, so "missing" and "null" differ. */
const struct mxm_json *mxm_json_get(const struct mxm_json *j, const char *key);

/* String value (NUL-terminated, borrowed) or NULL if j is not a string.
 * mxm_json_string_len also gives the byte length, which is larger than
 * strlen() when the string holds U+0000. len may be NULL. */
const char *mxm_json_string(const struct mxm_json *j);
const char *mxm_json_string_len(const struct mxm_json *j, size_t *len);

/* 1 and *out set if j is MXM_JSON_INT; else 0 and *out untouched. */
int mxm_json_int(const struct mxm_json *j, int64_t *out);
/* 1 and *out set if j is MXM_JSON_DOUBLE or MXM_JSON_INT (converted); else 0. */
int mxm_json_number(const struct mxm_json *j, double *out);
/* 1 and *out set (0 or 1) if j is MXM_JSON_BOOL; else 0. */
int mxm_json_bool(const struct mxm_json *j, int *out);

/* Array length (0 if not an array) and element i (borrowed; NULL if out of
 * range or not an array). */
size_t mxm_json_array_len(const struct mxm_json *j);
const struct mxm_json *mxm_json_array_get(const struct mxm_json *j, size_t i);

/* Number of keys (0 if not an object). */
size_t mxm_json_object_len(const struct mxm_json *j);

/* Call fn for each member of object j in storage order (insertion order for
 * parsed input). key and val are borrowed. Iteration stops early, returning
 * fn's value, when fn returns non-zero; returns 0 after the last member, or
 * when j is not an object. fn MUST NOT modify j. */
typedef int (*mxm_json_member_fn)(const char *key, size_t key_len,
                                  const struct mxm_json *val, void *ctx);
int mxm_json_object_foreach(const struct mxm_json *j, mxm_json_member_fn fn, void *ctx);

/* --- building and editing (all return NULL on out-of-memory) --- */
struct mxm_json *mxm_json_new_object(void);
struct mxm_json *mxm_json_new_array(void);
struct mxm_json *mxm_json_new_string(const char *s);
struct mxm_json *mxm_json_new_string_len(const char *s, size_t len);
struct mxm_json *mxm_json_new_int(int64_t v);
struct mxm_json *mxm_json_new_double(double v);
struct mxm_json *mxm_json_new_bool(int v);
struct mxm_json *mxm_json_new_null(void);

/* Set obj[key] = val. Takes ownership of val (also on failure, when it is
 * freed). Replaces an existing member. Returns MXM_OK, MXM_E_USAGE if obj is
 * not an object, or MXM_E_NOMEM. */
enum mxm_status mxm_json_object_set(struct mxm_json *obj, const char *key,
                                    struct mxm_json *val) MXM_MUST_CHECK;
/* Remove obj[key] if present. */
void mxm_json_object_del(struct mxm_json *obj, const char *key);
/* Append val to arr; takes ownership of val as mxm_json_object_set does. */
enum mxm_status mxm_json_array_add(struct mxm_json *arr, struct mxm_json *val) MXM_MUST_CHECK;

/* Mutable access to a member or element, for editing a tree the caller owns.
 * Borrowed; NULL when absent. */
struct mxm_json *mxm_json_get_mut(struct mxm_json *j, const char *key);
struct mxm_json *mxm_json_array_get_mut(struct mxm_json *j, size_t i);

/* A deep copy (caller owns it), or NULL on out-of-memory. */
struct mxm_json *mxm_json_copy(const struct mxm_json *j);

/* Plain (not canonical) compact serialisation for printing. Caller owns the
 * returned NUL-terminated string; free with free(). *len_out (may be NULL)
 * gets its length. NULL on out-of-memory. For canonical JSON see
 * mxm/canonical.h. */
char *mxm_json_to_string(const struct mxm_json *j, size_t *len_out);

/* Make hashing deterministic across processes (json-c picks a random
 * string-hash seed otherwise). Call once, before any other mxm_json call,
 * in fuzzers and replay drivers. */
void mxm_json_deterministic(void);

#ifdef __cplusplus
}
#endif
#endif /* MXM_JSON_H */
