/* fuzzbody_common_typed.c: fuzz/typed.c compiled into mxm-bench (section "fuzz"),
 * one translation unit per fuzz source so their static names cannot clash.
 * Empty when the tree has no fuzz/ harnesses. */
#if defined(__has_include)
#if __has_include("../../fuzz/typed.c") && __has_include("../../fuzz/fuzz_auth.c")
#include "../../fuzz/typed.c"
#endif
#endif
typedef int mxmb_fuzzbody_common_typed_not_empty; /* ISO C forbids an empty file */
