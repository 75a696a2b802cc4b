/* fuzz_common.h — helpers shared by the libFuzzer harnesses: the input as a file the
 * library can open by path (a memfd, reused across runs, named /proc/self/fd/N), and
 * a silent logger so warnings about malformed packets do not flood the fuzzer's output. */
#ifndef NG_FUZZ_COMMON_H
#define NG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Replace the contents of the shared in-memory file with the input; returns its path. */
const char *ng_fuzz_as_file(const uint8_t *data, size_t size);
/* Is this error message unfit for a terminal line: empty, or holding a control byte
 * (newline, escape, ...)? The harnesses abort on it. */
int ng_fuzz_bad_message(const char *msg);
/* Route the library's log to nowhere (call once, from LLVMFuzzerInitialize). */
void ng_fuzz_quiet(void);

#endif
