/* frame_spec.h — what the header builders need to know about one frame.
 *
 * A plain struct filled by the generator (addresses, ports, per-host IP ids) and by
 * the TCP state machine (seq, ack, flags, options; see tcp_state.h). Zero-initialise
 * it and set what matters: the zero value of every field is a sensible default
 * (no VLAN tag, Ethernet padding to 60 bytes on, payload all zero bytes).
 *
 * Frame-length choice: real Ethernet captures taken off the wire (e.g. DARPA 1999,
 * where all 6166 sub-60-byte frames of week1-monday-http are 60 bytes: 40- and
 * 44-byte IP packets followed by 6 or 2 zero bytes of padding) carry the 802.3
 * minimum of 64 bytes minus the 4-byte FCS. The builders therefore pad to 60 bytes
 * with zeros unless no_eth_pad is set (captures taken on the sending host have no
 * padding), and to eth_min_frame instead of 60 when that is set (1..59: the shortest
 * unpadded frame a capture had, e.g. DARPA's 54-byte LLC frames). Padding is never
 * counted as payload: IP length fields exclude it. */
#ifndef NG_SYNTH_FRAME_SPEC_H
#define NG_SYNTH_FRAME_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"

enum {
    NG_ETH_HEADER_LEN = 14,
    NG_VLAN_TAG_LEN = 4,
    NG_ETH_MIN_FRAME = 60,    /* without FCS, as captured */
    NG_IPV4_HEADER_LEN = 20,
    NG_IPV6_HEADER_LEN = 40,
    NG_TCP_HEADER_LEN = 20,
    NG_TCP_MAX_OPTIONS_LEN = 24, /* what ng_tcp_options_len can return */
    NG_UDP_HEADER_LEN = 8,
    NG_ICMP_HEADER_LEN = 8,
    NG_ARP_FRAME_BODY_LEN = 28,
    NG_LLC_HEADER_LEN = 3,
    NG_ETH_MAX_BODY = 1500,   /* what follows an Ethernet II header at most (MTU) */
    NG_FRAME_MAX_HEADERS = NG_ETH_HEADER_LEN + NG_VLAN_TAG_LEN + NG_IPV6_HEADER_LEN +
                           NG_TCP_HEADER_LEN + NG_TCP_MAX_OPTIONS_LEN
};

/* ICMP types the builder knows how to fill. */
enum {
    NG_ICMP_ECHO_REPLY = 0, NG_ICMP_DEST_UNREACH = 3, NG_ICMP_ECHO_REQUEST = 8,
    NG_ICMPV6_DEST_UNREACH = 1, NG_ICMPV6_ECHO_REQUEST = 128, NG_ICMPV6_ECHO_REPLY = 129
};

enum { NG_ARP_REQUEST = 1, NG_ARP_REPLY = 2 };

/* Configuration Testing Protocol (ECTP, "loopback", ethertype 0x9000) functions. */
enum { NG_ETHERTYPE_LOOPBACK = 0x9000, NG_LOOP_REPLY = 1, NG_LOOP_FORWARD = 2 };

/* The TCP header fields that change per segment (what tcp_state.c decides). */
typedef struct ng_tcp_fields {
    uint32_t seq, ack;
    uint16_t window;     /* the raw 16-bit field (already scaled down) */
    uint16_t urgent;
    uint8_t flags;       /* NG_TCP_* */
    uint8_t opts;        /* NG_TCPOPT_MSS | WSCALE | SACK_OK | TIMESTAMP; others ignored */
    uint8_t wscale;
    uint16_t mss;
    uint32_t tsval, tsecr;
} ng_tcp_fields;

typedef struct ng_frame_spec {
    /* Link layer. */
    uint8_t src_mac[6], dst_mac[6];
    bool vlan;           /* add one 802.1Q tag */
    uint16_t vlan_id;    /* 12 bits */
    uint8_t vlan_pcp;    /* 3 bits */
    bool no_eth_pad;     /* do not pad short frames to NG_ETH_MIN_FRAME */
    uint8_t eth_min_frame; /* pad short frames to this many bytes; 0: NG_ETH_MIN_FRAME */

    /* Network layer: src.family (4 or 6) selects IPv4 or IPv6. */
    ng_addr src, dst;
    uint8_t ttl;         /* TTL or hop limit */
    uint8_t tos;         /* DSCP/ECN or traffic class */
    uint16_t ip_id;      /* IPv4 only */
    bool dont_fragment;  /* IPv4 DF bit */
    uint32_t flow_label; /* IPv6 only, 20 bits */

    /* Transport layer. */
    uint16_t sport, dport;
    ng_tcp_fields tcp;
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id, icmp_seq; /* echo request/reply */

    /* ARP (ng_build_arp_frame): NG_ARP_REQUEST or NG_ARP_REPLY; src/dst must be IPv4. */
    uint16_t arp_op;
    /* 802.2 LLC (ng_build_llc_frame). */
    uint8_t llc_dsap, llc_ssap, llc_control;
    /* ECTP (ng_build_loopback_frame): skipCount, the function of the one message
     * (0 as Cisco keepalives have it, NG_LOOP_REPLY, NG_LOOP_FORWARD), its receipt number
     * (reply) or forward address (forward). */
    uint16_t loop_skip, loop_function, loop_receipt;
    uint8_t loop_forward[6];

    /* Application bytes after the last header; NULL means zeros. */
    uint32_t payload_len;
    const uint8_t *payload;
} ng_frame_spec;

/* Turn a spec around for the other direction: swap MACs, addresses and ports. */
void ng_frame_spec_reverse(ng_frame_spec *spec);

#endif
