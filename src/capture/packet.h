/* packet.h — the packet record: everything necstgen reads from one captured frame.
 *
 * Filled by the dissector (dissect.h) from the raw bytes; consumed by the flow table,
 * the feature tables and compare. Lengths are wire truths where the headers state them
 * (IP total length), so a frame truncated by the snap length still reports its real
 * payload size; `truncated` says the bytes themselves are not all there. */
#ifndef NG_CAPTURE_PACKET_H
#define NG_CAPTURE_PACKET_H

#include <stdbool.h>
#include <stdint.h>

/* Protocol layers, outermost first, as they appear in ng_packet.layers. */
typedef enum ng_layer {
    NG_LAYER_NONE = 0,
    NG_LAYER_ETH,      /* Ethernet II or 802.3 */
    NG_LAYER_VLAN,     /* 802.1Q / 802.1ad tag (one per tag) */
    NG_LAYER_SGT,      /* Cisco MetaData / SGT, ethertype 0x8909 */
    NG_LAYER_SLL,      /* Linux cooked capture v1 */
    NG_LAYER_SLL2,     /* Linux cooked capture v2 */
    NG_LAYER_LOOP,     /* BSD loopback / null */
    NG_LAYER_LLC,      /* 802.2 LLC (incl. SNAP) */
    NG_LAYER_ARP,
    NG_LAYER_IPV4,
    NG_LAYER_IPV6,
    NG_LAYER_IPV6_EXT, /* one per IPv6 extension header */
    NG_LAYER_TCP,
    NG_LAYER_UDP,
    NG_LAYER_ICMP,
    NG_LAYER_ICMPV6,
    NG_LAYER_OTHER_L3, /* an ethertype we do not dissect (kept opaque) */
    NG_LAYER_OTHER_L4, /* an IP protocol we do not dissect (kept opaque) */
    NG_LAYER_MPLS,     /* one MPLS label stack entry (one per label); may carry IP or,
                          as a pseudowire, a whole inner Ethernet frame */
    NG_LAYER_COUNT
} ng_layer;

#define NG_MAX_LAYERS 12

/* TCP flag bits as on the wire (low byte of the flags field). */
enum {
    NG_TCP_FIN = 0x01, NG_TCP_SYN = 0x02, NG_TCP_RST = 0x04, NG_TCP_PSH = 0x08,
    NG_TCP_ACK = 0x10, NG_TCP_URG = 0x20, NG_TCP_ECE = 0x40, NG_TCP_CWR = 0x80
};

/* Which TCP options were present. */
enum {
    NG_TCPOPT_MSS = 1u << 0, NG_TCPOPT_WSCALE = 1u << 1, NG_TCPOPT_SACK_OK = 1u << 2,
    NG_TCPOPT_SACK = 1u << 3, NG_TCPOPT_TIMESTAMP = 1u << 4, NG_TCPOPT_OTHER = 1u << 5
};

/* Anomalies the dissector met; the packet is still usable up to the anomaly. */
enum {
    NG_PKT_TRUNCATED   = 1u << 0, /* caplen < wire length */
    NG_PKT_MALFORMED   = 1u << 1, /* a header lies (length fields, data offset...) */
    NG_PKT_FRAGMENT    = 1u << 2, /* IP fragment (MF set or offset != 0) */
    NG_PKT_LATER_FRAG  = 1u << 3, /* non-first fragment: no L4 header here */
    NG_PKT_IP_OPTIONS  = 1u << 4  /* IPv4 options present */
};

/* An IPv4 or IPv6 address; family 0 when the packet has no IP layer. IPv4 uses bytes[0..3]. */
typedef struct ng_addr {
    uint8_t family; /* 0, 4 or 6 */
    uint8_t bytes[16];
} ng_addr;

typedef struct ng_packet {
    int64_t ts_ns;       /* capture timestamp, ns since the Unix epoch */
    uint64_t number;     /* 1-based frame number within its file */
    uint32_t caplen;     /* bytes captured */
    uint32_t wirelen;    /* bytes on the wire (frame length) */
    uint32_t linktype;   /* DLT of the file */

    uint8_t layers[NG_MAX_LAYERS]; /* ng_layer values, outermost first */
    uint8_t n_layers;

    /* Link layer. */
    bool has_mac;        /* both MACs known (Ethernet); a cooked (SLL) header only gives
                            src_mac, and has_mac stays false */
    uint8_t src_mac[6], dst_mac[6];
    uint16_t ethertype;  /* innermost ethertype (after VLAN/SGT), 0 if none (e.g. LLC) */
    uint16_t vlan_id;    /* outermost VLAN id, 0 if untagged */
    uint8_t vlan_depth;

    /* Network layer. */
    ng_addr src, dst;
    uint8_t ip_version;  /* 0, 4 or 6 */
    uint8_t ip_proto;    /* IPv4 protocol / IPv6 final next header; 0 when not IP */
    uint8_t ttl;         /* TTL or hop limit */
    uint8_t ip_tos;      /* DSCP/ECN byte or traffic class */
    uint16_t ip_id;      /* IPv4 identification (0 for IPv6) */
    uint16_t frag_offset;/* in bytes */
    uint32_t flow_label; /* IPv6 */

    /* Transport layer. */
    uint16_t sport, dport;  /* 0 when not TCP/UDP */
    uint8_t tcp_flags;
    uint32_t seq, ack;
    uint16_t window;
    uint16_t mss;           /* valid when tcp_opts & NG_TCPOPT_MSS */
    uint8_t wscale;         /* valid when tcp_opts & NG_TCPOPT_WSCALE */
    uint8_t tcp_opts;       /* NG_TCPOPT_* */
    uint32_t tsval, tsecr;  /* valid when tcp_opts & NG_TCPOPT_TIMESTAMP */
    uint8_t icmp_type, icmp_code;

    /* Lengths, in bytes. header lengths are summed per level. */
    uint16_t l2_len;        /* link-layer headers (Ethernet + tags, SLL, ...) */
    uint16_t l3_len;        /* IP header incl. options / extension headers */
    uint16_t l4_len;        /* TCP/UDP/ICMP header incl. options */
    uint32_t payload_len;   /* application bytes, from the IP length fields when present */

    uint8_t anomalies;      /* NG_PKT_* */
} ng_packet;

/* "tcp", "udp", "icmp", "icmpv6", "arp", ... or a number; never NULL. */
const char *ng_ip_proto_name(uint8_t proto);
/* Short layer name ("eth", "vlan", "ipv4", ...). */
const char *ng_layer_name(ng_layer layer);
/* Write the address as text (dotted quad or RFC 5952 IPv6); "" when family is 0. */
void ng_addr_format(const ng_addr *addr, char *buf, unsigned len);
/* Write the layer stack as "eth:ipv4:tcp". */
void ng_layers_format(const ng_packet *pkt, char *buf, unsigned len);

#endif
