/* rows.h — the feature rows: one per packet, one per flow, streamed through a sink.
 *
 * These are the in-memory form of packets.csv and flows.csv (docs/FLOWS.md lists the
 * columns and units). Times stay integer nanoseconds here; writers and trainers convert.
 * Packet rows arrive in timestamp order; a flow row arrives when its flow ends (idle
 * timeout, replacement by a new SYN, or end of input), so flow rows come in order of
 * ending, after all of that flow's packet rows. Training collects the same rows into
 * arrays by supplying its own sink. */
#ifndef NG_FEATURES_ROWS_H
#define NG_FEATURES_ROWS_H

#include <stdint.h>

#include "core/error.h"
#include "flow/flow.h"

typedef struct ng_packet_row {
    int64_t ts_ns;          /* capture timestamp, ns since the epoch (after reordering) */
    uint64_t flow_id;       /* ng_flow.id */
    uint64_t index;         /* 0-based position within the flow */
    int64_t flow_iat_ns;    /* gap since the previous packet of the same flow (0 first) */
    int64_t global_iat_ns;  /* gap since the previous packet of the input (0 first) */
    uint32_t frame_len;     /* bytes on the wire */
    uint32_t header_len;    /* l2 + l3 + l4 header bytes */
    uint32_t payload_len;   /* application bytes */
    uint16_t sport, dport;  /* this packet's own ports; 0 when portless */
    uint16_t ethertype;     /* innermost ethertype (0 for LLC) */
    uint8_t direction;      /* NG_DIR_C2S (0) or NG_DIR_S2C (1) */
    uint8_t ip_proto;       /* 0 when not IP */
    uint8_t tcp_flags;      /* 0 when not TCP */
    uint8_t app_class;      /* ng_app_class of the flow */
    /* Header habits, learned so generated headers look like the real ones
     * (not written to packets.csv). */
    uint8_t ttl;            /* TTL or hop limit; 0 when not IP */
    uint8_t tcp_opts;       /* NG_TCPOPT_* present */
    uint8_t tcp_wscale;     /* valid when tcp_opts & NG_TCPOPT_WSCALE */
    uint16_t tcp_window;    /* raw window field */
    uint16_t tcp_mss;       /* valid when tcp_opts & NG_TCPOPT_MSS */
    uint16_t vlan_id;       /* outermost VLAN id, 0 when untagged */
    uint8_t ip_version;     /* 0, 4 or 6 */
} ng_packet_row;

/* The per-flow row is the flow record itself. */
typedef ng_flow ng_flow_row;

/* Where rows go. Either callback may be NULL. A non-OK return stops the extraction
 * and is passed up with err as filled. */
typedef struct ng_feature_sink {
    ng_status (*on_packet)(void *user, const ng_packet_row *row, ng_error *err);
    ng_status (*on_flow)(void *user, const ng_flow_row *flow, ng_error *err);
    void *user;
} ng_feature_sink;

#endif
