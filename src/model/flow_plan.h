/* flow_plan.h — one flow as the aggregate level decides it, before its packets exist.
 *
 * The aggregate level (aggregate_level.h) emits plans in start-time order; the flow level
 * (flow_level.h) turns each into packet proposals; synth/ turns those into bytes. */
#ifndef NG_MODEL_FLOW_PLAN_H
#define NG_MODEL_FLOW_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"
#include "model/rhythm.h"

typedef struct ng_flow_plan {
    uint64_t id;              /* 0, 1, 2... in start order */
    int64_t start_ns;
    uint8_t app_class;        /* ng_app_class */
    uint8_t ip_proto;         /* 6, 17, 1...; 0 for non-IP no-flow streams */
    uint8_t ip_version;       /* 4 or 6; 0 for non-IP */
    uint16_t ethertype;       /* for no-flow streams: 0x0806 ARP, 0 LLC, ... */
    bool is_noflow;
    uint8_t start_reason;     /* ng_flow_start: SYN handshake, mid-stream, none */
    uint8_t end_reason;       /* ng_flow_end: FIN, RST, idle/eof (no teardown) */
    /* Targets the flow level is conditioned on. */
    uint32_t target_packets;
    uint64_t target_bytes;
    int64_t target_duration_ns;
    /* Endpoints. */
    ng_addr client, server;
    uint16_t client_port, server_port;
    uint8_t client_mac[6], server_mac[6];
    uint8_t client_ttl, server_ttl;
    /* Ethernet padding per direction ([NG_DIR_C2S], [NG_DIR_S2C]): short frames are
     * padded to this length, 1..60 — the training frames of the plan's (class, kind) and
     * direction came shorter than 60 bytes (captured on the sending host before its NIC
     * padded them: DARPA's 54-byte LLC frames), and this is the shortest of them. 0 (the
     * zero value) pads to 60. */
    uint8_t eth_min_frame[2];
    /* A periodic stream's beat (rhythm.h): when rhythm.period_ns > 0, synth replaces the
     * flow level's gaps by gaps drawn from it, scaled to target_duration_ns (the carried
     * streams of carried.h that kept time in training). 0: the flow level's gaps. */
    ng_rhythm rhythm;
    /* A client's retry of the refused attempt before it (retries.h): the same tuple,
     * which synth keeps instead of giving the flow a port of its own (tuple_set.h). */
    bool retry;
} ng_flow_plan;

/* What the flow level proposes for one packet of a flow (synth keeps TCP valid). */
typedef struct ng_packet_proposal {
    int64_t iat_ns;           /* gap since the flow's previous packet (0 for the first) */
    uint32_t payload_len;     /* application bytes */
    uint16_t cluster;         /* packet-level cluster it was drawn from */
    uint8_t direction;        /* NG_DIR_C2S or NG_DIR_S2C */
    uint8_t tcp_flags;        /* as proposed; 0 for non-TCP */
} ng_packet_proposal;

#endif
