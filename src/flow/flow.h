/* flow.h — the flow record: one bidirectional conversation (or one no-flow stream).
 *
 * A flow is what the flow table (flow_table.h) builds from packets: TCP/UDP packets
 * keyed by their address/port pair, and "no-flow" streams of portless packets (ARP,
 * LLC, ICMP, other ethertypes) keyed by their MAC pair and protocol. docs/FLOWS.md has
 * the exact definition. Direction 0 is client->server, 1 is server->client. The same
 * struct is the per-flow feature row (features/rows.h) streamed to CSV and training. */
#ifndef NG_FLOW_FLOW_H
#define NG_FLOW_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"

/* How a flow began. */
typedef enum ng_flow_start {
    NG_FLOW_START_SYN = 0,   /* TCP: first packet was a SYN without ACK */
    NG_FLOW_START_SYNACK,    /* TCP: first packet was a SYN+ACK (handshake half seen) */
    NG_FLOW_START_MIDSTREAM, /* TCP: no SYN at all (capture began mid-connection) */
    NG_FLOW_START_NONE,      /* UDP and no-flow streams: nothing to see */
    NG_FLOW_START_COUNT
} ng_flow_start;

/* How a flow ended. FIN/RST say what the flow saw, whatever closed the table entry. */
typedef enum ng_flow_end {
    NG_FLOW_END_FIN = 0, /* TCP: a FIN was seen (and no RST) */
    NG_FLOW_END_RST,     /* TCP: an RST was seen */
    NG_FLOW_END_IDLE,    /* idle longer than the timeout */
    NG_FLOW_END_EOF,     /* still open when the input ended */
    NG_FLOW_END_COUNT
} ng_flow_end;

enum { NG_DIR_C2S = 0, NG_DIR_S2C = 1 };

typedef struct ng_flow {
    uint64_t id;          /* 0, 1, 2... in order of each flow's first packet */
    int64_t start_ns;     /* timestamp of the first packet */
    int64_t last_ns;      /* timestamp of the last packet (duration = last - start) */
    uint64_t packets[2];  /* per direction (NG_DIR_C2S, NG_DIR_S2C) */
    uint64_t bytes[2];    /* frame (wire) bytes per direction */
    uint64_t payload_bytes[2]; /* application bytes per direction */
    ng_addr client, server;    /* family 0 for non-IP no-flow streams */
    uint16_t client_port, server_port; /* 0 for no-flow streams */
    uint16_t ethertype;   /* innermost ethertype of the first packet (0 for LLC) */
    uint8_t client_mac[6], server_mac[6]; /* valid when has_mac */
    uint8_t ip_proto;     /* 6 TCP, 17 UDP, 1 ICMP...; 0 when not IP */
    uint8_t ip_version;   /* 0, 4 or 6 */
    uint8_t app_class;    /* ng_app_class */
    uint8_t start_reason; /* ng_flow_start */
    uint8_t end_reason;   /* ng_flow_end */
    uint8_t tcp_flags_seen[2]; /* OR of TCP flags per direction */
    bool is_noflow;       /* a portless stream, not a TCP/UDP conversation */
    bool has_mac;
} ng_flow;

/* Protocol label of a flow: "tcp", "udp", "icmp", "arp", "llc", "0x9000", ...
 * Writes into buf (at least 16 bytes) and returns buf. */
const char *ng_flow_protocol_name(const ng_flow *flow, char *buf, unsigned len);
const char *ng_flow_start_name(ng_flow_start start); /* "syn", "syn-ack", "midstream", "none" */
const char *ng_flow_end_name(ng_flow_end end);       /* "fin", "rst", "idle", "eof" */
/* later - earlier in ns, saturated to the int64 range (timestamps come from files and
 * may be anything; a plain subtraction could overflow). */
static inline int64_t ng_ts_gap(int64_t later, int64_t earlier)
{
    if (earlier < 0 && later > INT64_MAX + earlier)
        return INT64_MAX;
    if (earlier > 0 && later < INT64_MIN + earlier)
        return INT64_MIN;
    return later - earlier;
}

/* Total packets / bytes over both directions. */
uint64_t ng_flow_packets(const ng_flow *flow);
uint64_t ng_flow_bytes(const ng_flow *flow);

#endif
