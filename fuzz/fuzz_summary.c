/* fuzz_summary.c — libFuzzer harness: the `compare` path's own pass over a capture
 * (report/capture_summary.h: ng_summary_read — reader, flow keys without timeouts,
 * checksum and seq/ack validity, n-grams, per-host counts). Refusals must come with a
 * one-line message; nothing may crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "report/capture_summary.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ng_fuzz_quiet();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = ng_fuzz_as_file(data, size);
    ng_capture_summary s;
    memset(&s, 0, sizeof s);
    ng_error err;
    err.msg[0] = '\0';
    ng_status st = ng_summary_read(&s, path, false, &err);
    if (st != NG_OK && ng_fuzz_bad_message(err.msg))
        abort();
    if (st == NG_OK) {
        volatile size_t tcp = ng_summary_tcp_flows(&s);
        (void)tcp;
    }
    ng_summary_free(&s);
    return 0;
}
