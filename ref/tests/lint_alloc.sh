#!/usr/bin/env bash
# lint_alloc.sh: all allocation in ref/src goes through alloc_int.h
# (mxmi_malloc, mxmi_calloc, mxmi_realloc), so the allocation-failure test
# (test_alloc_fail.c) reaches every allocation. Fails, listing file:line, on
# a call of a libc allocator anywhere in ref/src but alloc.c. Comment lines
# are skipped. Usage: lint_alloc.sh [SRC_DIR] (default: ../src from here).
set -euo pipefail
src=${1:-$(dirname "$0")/../src}
bad=$(grep -nE '(^|[^_[:alnum:]])(malloc|calloc|realloc|reallocarray|strdup|strndup|aligned_alloc|posix_memalign|asprintf|vasprintf|open_memstream)[[:space:]]*\(' \
        "$src"/*.c "$src"/*.h | grep -v '^[^:]*/alloc\.c:' | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)' || true)
if [ -n "$bad" ]; then
  echo "lint_alloc: allocate through mxmi_malloc/mxmi_calloc/mxmi_realloc (ref/src/alloc_int.h):" >&2
  echo "$bad" >&2
  exit 1
fi
n=$(ls "$src"/*.c | wc -l)
echo "lint_alloc: ok ($n files of $src allocate only through alloc_int.h)"
