/* fuzz_extract.c — libFuzzer harness: a whole pcap/pcapng file through the reader, the
 * dissectors, the reorder buffer, the flow table and feature extraction
 * (ng_extract_files with a sink that checks every row: header + payload never exceed
 * the frame length, direction is 0/1, gaps are not negative). Any outcome but a crash,
 * a sanitizer report, a hang or a leak is fine: errors must come back as a status and
 * a one-line message naming the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "features/extract.h"
#include "fuzz_common.h"

static uint64_t checksum;

static ng_status on_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    (void)user;
    (void)err;
    checksum += (uint64_t)row->ts_ns + row->frame_len + row->payload_len + row->flow_id;
    if ((uint64_t)row->header_len + row->payload_len > row->frame_len || row->direction > 1 ||
        row->flow_iat_ns < 0)
        abort(); /* rows stay consistent whatever the capture claims */
    return NG_OK;
}

static ng_status on_flow(void *user, const ng_flow_row *flow, ng_error *err)
{
    (void)user;
    (void)err;
    checksum += flow->id;
    return NG_OK;
}

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
    ng_extract_options opt;
    memset(&opt, 0, sizeof opt);
    opt.reorder_window = 16; /* small, so reordering and late packets are exercised */
    ng_feature_sink sink = { on_packet, on_flow, NULL };
    ng_extract_stats stats;
    ng_error err;
    err.msg[0] = '\0';
    ng_status st = ng_extract_files(&path, 1, &opt, &sink, &stats, &err);
    if (st != NG_OK && ng_fuzz_bad_message(err.msg))
        abort(); /* an error must come with one line of explanation */
    return 0;
}
