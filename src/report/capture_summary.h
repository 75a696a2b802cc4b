/* capture_summary.h — one pass over a capture into the compact arrays `compare` needs.
 *
 * This is the evaluation's own view of a capture, independent of the flow module's
 * timeouts: a flow is the bidirectional 5-tuple (IP protocol, the unordered pair of
 * endpoints address:port; ports are 0 for IP protocols other than TCP/UDP), with no
 * timeout, so every packet with the same tuple belongs to one flow. Non-IP frames count
 * for frame length, global inter-arrival and throughput but belong to no flow.
 *
 * Packets are put in timestamp order (stable, so ties keep file order) before anything
 * order-dependent is computed; the "first" packet of a flow is its earliest, and its
 * source is the flow's initiator (direction 0).
 *
 * Use: ng_summary_init, ng_summary_add per packet (raw bytes optional: without them no
 * checksum is verified), ng_summary_finish; or ng_summary_read for a whole file. */
#ifndef NG_REPORT_CAPTURE_SUMMARY_H
#define NG_REPORT_CAPTURE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "core/hashmap.h"
#include "report/validity.h"

#define NG_NO_FLOW UINT32_MAX

/* Direction-and-size 3-grams: symbol = direction * 4 + size bucket (frame length
 * <= 100, <= 500, <= 1000, > 1000 bytes); gram = s0 * 64 + s1 * 8 + s2. */
#define NG_NGRAM_SYMBOLS 8
#define NG_NGRAM_COUNT 512

typedef struct ng_pkt_rec {
    int64_t ts_ns;
    uint32_t wirelen, payload_len;
    uint32_t seq, ack;
    uint32_t flow;        /* index into flows, NG_NO_FLOW for non-IP frames */
    uint16_t sport, dport;
    uint8_t ip_version, ip_proto, tcp_flags;
    uint8_t src_is_lo;    /* the source is the flow key's lower endpoint */
} ng_pkt_rec;

typedef struct ng_flow_rec {
    uint8_t proto;
    uint16_t server_port; /* lower of the two ports (0 for non-TCP/UDP) */
    uint64_t packets, bytes;
    int64_t first_ns, last_ns;
    bool syn_start;       /* TCP: first packet SYN without ACK */
    bool handshake;       /* TCP: SYN, SYN+ACK (reverse), ACK — the first three packets */
    bool fin_rst_end;     /* TCP: FIN or RST in one of the last three packets */
} ng_flow_rec;

typedef struct ng_capture_summary {
    char *label;                  /* the file name, for messages and reports */
    ng_pkt_rec *pkts;             /* time-sorted after finish */
    size_t n_pkts, cap_pkts;
    ng_flow_rec *flows;
    size_t n_flows;
    uint64_t non_ip_packets, total_bytes, truncated, out_of_order;
    int64_t first_ns, last_ns;

    ng_hashmap flow_index;        /* flow key -> uint32 index (during adds) */
    ng_hashmap host_count;        /* address -> uint64 packets seen as src or dst */

    /* Filled by finish. */
    double *flow_iat;             /* seconds between consecutive packets of a flow */
    size_t n_flow_iat;
    double *host_freq;            /* per-host packet counts, descending (rank-frequency) */
    size_t n_hosts;
    double ngrams[NG_NGRAM_COUNT];
    ng_checksum_counts csum;
    ng_seqack_counts seqack;
    bool finished;
} ng_capture_summary;

ng_status ng_summary_init(ng_capture_summary *s, const char *label, ng_error *err);
/* Add one packet (data may be NULL). Fails only when memory runs out. */
ng_status ng_summary_add(ng_capture_summary *s, const ng_packet *pkt, const uint8_t *data,
                         ng_error *err);
/* Sort by time and compute the per-flow and order-dependent quantities. */
ng_status ng_summary_finish(ng_capture_summary *s, ng_error *err);
/* Read a whole capture (init + add + finish); `progress` shows a bar on a terminal
 * (give it to one reader at a time). Safe to call from several threads at once. */
ng_status ng_summary_read(ng_capture_summary *s, const char *path, bool progress,
                          ng_error *err);
void ng_summary_free(ng_capture_summary *s);

/* Number of TCP flows (the denominator of the structure shares). */
size_t ng_summary_tcp_flows(const ng_capture_summary *s);
/* Human label of a 3-gram, e.g. "0S 1M 0L" (direction digit, size letter S/M/L/X). */
void ng_ngram_label(unsigned gram, char *buf, size_t len);

#endif
