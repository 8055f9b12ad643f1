/*
 * tap.h: a tiny test helper for the table-driven unit tests in ref/tests.
 *
 * Each check prints one line; failures print the case, what was expected and
 * what came out. tap_done() prints the plain closing line
 * "N passed, N failed" and returns the exit code (0 only if nothing failed
 * and at least one check ran, so a test that checks nothing fails).
 */
#ifndef MXM_TAP_H
#define MXM_TAP_H

#include <stddef.h>
#include <stdint.h>

/* Record one check. cond true = pass. name and the printf-style detail say
 * which case; detail is printed on failure only. Returns cond. */
int tap_check(int cond, const char *name, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Check two strings are equal (NULL-safe); prints both on failure. */
int tap_str_eq(const char *name, const char *expected, const char *actual);

/* Check two integers are equal; prints both on failure. */
int tap_int_eq(const char *name, int64_t expected, int64_t actual);

/* Print the summary and return the process exit code. */
int tap_done(void);

/* Read a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
char *tap_read_file(const char *path, size_t *len);

#endif
