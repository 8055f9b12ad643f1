/* fuzzbody_room.c: the body of fuzz/fuzz_room.c compiled into mxm-bench
 * (section "fuzz"), with its libFuzzer entry points renamed so that every
 * harness links into one program. Empty when fuzz/ has no such harness. */
#if defined(__has_include)
#if __has_include("../../fuzz/fuzz_room.c")
#define LLVMFuzzerInitialize mxmb_fuzz_room_init
#define LLVMFuzzerTestOneInput mxmb_fuzz_room_one
#include "../../fuzz/fuzz_room.c"
#endif
#endif
typedef int mxmb_fuzzbody_room_not_empty; /* ISO C forbids an empty file */
