/*
 * alloc_int.h: the one place where the library allocates (internal).
 *
 * Rule: all allocation in ref/src goes through mxmi_malloc, mxmi_calloc and
 * mxmi_realloc, and every call into json-c that may allocate is preceded by
 * mxmi_alloc_fails() (ref/src/json_in.c). Memory is plain malloc memory:
 * free it with free(), and callers of the public API keep freeing returned
 * buffers with free() as the headers say. ref/tests/lint_alloc.sh (a ctest)
 * refuses a bare malloc/calloc/realloc/strdup in ref/src outside alloc.c.
 *
 * The test hook, as SQLite's fault injector does: mxmi_alloc_fail_at(n, 0)
 * makes the n-th allocation point from now fail once (n = 1 is the next
 * one); with persistent = 1 every point from the n-th on fails. n = 0
 * disarms it. While armed, mxmi_alloc_count() says how many points were
 * passed, which is how a test loops N = 1, 2, ... until an operation
 * succeeds. Disarmed (the default), the hook costs one load and a branch.
 *
 * json-c's own allocations cannot be hooked (json-c 0.16 has no allocator
 * interface, and replacing malloc process-wide would fight ASan), so each
 * json-c call that may allocate counts as one allocation point: when the
 * hook fires, json_in.c fails that call as json-c would on out-of-memory
 * (NULL or -1) without calling it. Not thread-safe while armed; tests only.
 */
#ifndef MXM_ALLOC_INT_H
#define MXM_ALLOC_INT_H

#include <stddef.h>

void *mxmi_malloc(size_t n);
void *mxmi_calloc(size_t count, size_t size);
void *mxmi_realloc(void *p, size_t n);

/* 1 when the hook makes the current allocation point fail (counts it). */
int mxmi_alloc_fails(void);

/* Test hook (see above). */
void mxmi_alloc_fail_at(unsigned long n, int persistent);
unsigned long mxmi_alloc_count(void);
/* How many allocation points the armed hook has made fail. */
unsigned long mxmi_alloc_failures(void);
/* While on, allocation points neither count nor fail (a test formatting
 * its answer between hooked calls). mxmi_alloc_fail_at turns it off. */
void mxmi_alloc_pause(int on);

#endif /* MXM_ALLOC_INT_H */
