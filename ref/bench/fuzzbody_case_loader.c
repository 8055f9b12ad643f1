/* fuzzbody_case_loader.c: the body of fuzz/fuzz_case_loader.c compiled into
 * mxm-bench (section "fuzz"), with its libFuzzer entry points renamed so
 * that every harness links into one program. Empty when fuzz/ has no such
 * harness or the runner library (conform.h) is not there. */
#if defined(__has_include)
#if __has_include("../../fuzz/fuzz_case_loader.c") && __has_include("conform.h")
#define LLVMFuzzerInitialize mxmb_fuzz_case_loader_init
#define LLVMFuzzerTestOneInput mxmb_fuzz_case_loader_one
#include "../../fuzz/fuzz_case_loader.c"
#endif
#endif
typedef int mxmb_fuzzbody_case_loader_not_empty; /* ISO C forbids an empty file */
