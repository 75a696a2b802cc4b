/* extractor.h — packets in (any order), feature rows out: reorder -> flows -> rows.
 *
 * ng_extractor_push takes dissected packets as they come from the capture; they pass a
 * reorder buffer (flow/reorder.h), the flow table (flow/flow_table.h), and become
 * packet rows and, when flows end, flow rows, handed to the sink (rows.h). finish
 * drains everything. Counts for the summary accumulate in ng_extract_stats.
 * No allocation per packet. */
#ifndef NG_FEATURES_EXTRACTOR_H
#define NG_FEATURES_EXTRACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "features/rows.h"
#include "flow/app_class.h"
#include "flow/flow.h"

typedef struct ng_extract_options {
    int64_t timeout_ns;      /* flow idle timeout; 0 = 120 s */
    size_t reorder_window;   /* packets; 0 = NG_REORDER_DEFAULT_WINDOW */
    uint64_t max_packets;    /* ng_extract_files only: stop after this many; 0 = all */
    bool progress;           /* ng_extract_files only: progress bar on a tty */
} ng_extract_options;

#define NG_EXTRACT_MAX_PROTOS 32

typedef struct ng_proto_count {
    char name[16]; /* ng_flow_protocol_name; "other" collects overflow */
    uint64_t flows;
    uint64_t packets;
} ng_proto_count;

typedef struct ng_extract_stats {
    uint64_t files;
    uint64_t packets;
    uint64_t bytes;          /* wire bytes */
    uint64_t truncated;      /* packets with caplen < wire length */
    uint64_t malformed;      /* packets whose headers lied */
    uint64_t reordered;      /* out-of-order packets put back in place */
    uint64_t late;           /* out-of-order packets too late to fix (time clamped) */
    int64_t first_ns, last_ns;
    uint64_t flows;          /* flows ended so far (all of them after finish) */
    uint64_t noflow_streams; /* of which portless streams */
    uint64_t max_active_flows;
    uint64_t flows_by_class[NG_APP_COUNT];
    uint64_t packets_by_class[NG_APP_COUNT];
    uint64_t flows_by_start[NG_FLOW_START_COUNT];
    uint64_t flows_by_end[NG_FLOW_END_COUNT];
    ng_proto_count protos[NG_EXTRACT_MAX_PROTOS];
    size_t n_protos;
} ng_extract_stats;

typedef struct ng_extractor ng_extractor;

ng_status ng_extractor_new(ng_extractor **out, const ng_extract_options *opt,
                           const ng_feature_sink *sink, ng_error *err);
ng_status ng_extractor_push(ng_extractor *x, const ng_packet *pkt, ng_error *err);
/* Drain the reorder buffer and end every flow. Call once. */
ng_status ng_extractor_finish(ng_extractor *x, ng_error *err);
const ng_extract_stats *ng_extractor_stats(const ng_extractor *x);
void ng_extractor_free(ng_extractor *x);

#endif
