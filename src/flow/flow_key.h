/* flow_key.h — the hash key that makes both directions of a conversation meet.
 *
 * A TCP/UDP packet (with its L4 header present) is keyed by (IP protocol, the two
 * (address, port) endpoints in a fixed order). Every other packet is a "no-flow"
 * packet keyed by (ethertype, IP protocol, the two MAC addresses in a fixed order);
 * without a MAC (raw IP, loopback links) the IP addresses stand in. VLAN tags are not
 * part of the key. Endpoints are ordered so that the byte-wise smaller one is "a":
 * a packet and its reply give the same key, and *src_is_a tells which side sent it.
 * The struct has no padding holes: keys compare with memcmp (core/hashmap.h). */
#ifndef NG_FLOW_FLOW_KEY_H
#define NG_FLOW_FLOW_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"

enum { NG_KEY_PORTS = 1, NG_KEY_NOFLOW = 2 };

typedef struct ng_flow_key {
    uint8_t kind;       /* NG_KEY_PORTS or NG_KEY_NOFLOW */
    uint8_t ip_proto;   /* 0 when not IP */
    uint16_t ethertype; /* no-flow keys only; 0 for port keys */
    uint16_t port_a, port_b;
    uint8_t addr_len;   /* bytes of addr_a/addr_b used: 4, 16 (IP) or 6 (MAC); 0 none */
    uint8_t reserved[3];
    uint8_t addr_a[16], addr_b[16];
} ng_flow_key;

/* True when the packet belongs to a TCP/UDP conversation (has ports). */
bool ng_packet_has_ports(const ng_packet *pkt);

/* Fill key (fully, padding included) from pkt; *src_is_a says whether pkt's sender is
 * endpoint a. */
void ng_flow_key_from_packet(const ng_packet *pkt, ng_flow_key *key, bool *src_is_a);

#endif
