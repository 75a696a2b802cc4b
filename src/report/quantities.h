/* quantities.h — the quantities `compare` measures on one capture (docs/METRICS.md).
 *
 * Continuous (each a sample, sorted ascending):
 *   frame_len       frame length of every packet (bytes)
 *   iat             global inter-arrival time: differences of the sorted timestamps (s)
 *   flow_iat        inter-arrival within a flow, the first packet of each flow excluded (s)
 *   flow_packets, flow_bytes, flow_duration   per flow (duration = last - first, s)
 *   tput_bytes, tput_packets   bytes and packets in each 1 s bin from the first packet
 *                   to the last (empty seconds count as 0)
 * Categorical (counts per value, values ascending):
 *   ip_proto        per IP packet;  server_port  per TCP/UDP flow (the lower port);
 *   tcp_flags       per TCP packet (the flag byte);  src_port, dst_port  per TCP/UDP packet;
 *   host_rank       rank-frequency: value r = the r-th most frequent address (1-based),
 *                   count = packets with that address as source or destination;
 *   ngram           direction-and-size 3-grams within flows (capture_summary.h).
 * Structure (shares, NAN when the denominator is 0):
 *   syn_start, handshake, fin_rst_end   over TCP flows;
 *   seqack_ok       consistent / checked TCP packets (validity.h);
 *   checksum_ok     valid / verified checksums of all kinds. */
#ifndef NG_REPORT_QUANTITIES_H
#define NG_REPORT_QUANTITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/capture_summary.h"

typedef enum ng_cont_id {
    NG_Q_FRAME_LEN = 0, NG_Q_IAT, NG_Q_FLOW_IAT, NG_Q_FLOW_PACKETS, NG_Q_FLOW_BYTES,
    NG_Q_FLOW_DURATION, NG_Q_TPUT_BYTES, NG_Q_TPUT_PACKETS, NG_Q_CONT_COUNT
} ng_cont_id;

typedef enum ng_cat_id {
    NG_Q_IP_PROTO = 0, NG_Q_SERVER_PORT, NG_Q_TCP_FLAGS, NG_Q_SRC_PORT, NG_Q_DST_PORT,
    NG_Q_HOST_RANK, NG_Q_NGRAM, NG_Q_CAT_COUNT
} ng_cat_id;

typedef enum ng_struct_id {
    NG_S_SYN_START = 0, NG_S_HANDSHAKE, NG_S_FIN_RST_END, NG_S_SEQACK_OK, NG_S_CHECKSUM_OK,
    NG_S_COUNT
} ng_struct_id;

typedef struct ng_quantity_def {
    const char *key;    /* JSON name */
    const char *title;  /* human name */
    const char *unit;   /* "B", "s", "pkt", ... or "" */
    bool log_scale;     /* times and counts: log-spaced bins, log10 W1, log x-axis */
} ng_quantity_def;

const ng_quantity_def *ng_cont_def(ng_cont_id id);
const ng_quantity_def *ng_cat_def(ng_cat_id id);
const ng_quantity_def *ng_struct_def(ng_struct_id id);

typedef struct ng_cat_dist {
    uint64_t *keys;  /* ascending distinct values */
    double *counts;
    size_t k;
    double total;
} ng_cat_dist;

typedef struct ng_share {
    double num, den;
} ng_share;

typedef struct ng_quantities {
    double *cont[NG_Q_CONT_COUNT];
    size_t n_cont[NG_Q_CONT_COUNT];
    ng_cat_dist cat[NG_Q_CAT_COUNT];
    ng_share structure[NG_S_COUNT];
    double *tput_bytes, *tput_packets; /* the per-bin series in time order */
    size_t n_bins;
    double bin_s;                      /* 1 s unless the capture spans > 10^6 s */
} ng_quantities;

ng_status ng_quantities_build(const ng_capture_summary *s, ng_quantities *q, ng_error *err);
void ng_quantities_free(ng_quantities *q);

/* num / den, or NAN when den == 0. */
double ng_share_value(ng_share share);
/* Median of a continuous quantity, NAN when empty. */
double ng_quantities_median(const ng_quantities *q, ng_cont_id id);

#endif
