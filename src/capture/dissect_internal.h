/* dissect_internal.h — what the per-layer dissector files share (not a public API).
 *
 * A ng_dissection is the frame being dissected: the packet record being filled, the
 * captured bytes and the two lengths. Every reader of a header first calls
 * ng_dissect_need(), which alone decides whether bytes exist and why they do not. */
#ifndef NG_CAPTURE_DISSECT_INTERNAL_H
#define NG_CAPTURE_DISSECT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"

typedef struct ng_dissection {
    ng_packet *pkt;
    const uint8_t *data;
    uint32_t caplen;
    uint32_t wirelen; /* never less than caplen */
    uint8_t inner_frames; /* Ethernet frames nested in MPLS pseudowires so far */
} ng_dissection;

static inline uint16_t ng_get16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t ng_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t ng_get32_le(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Header lengths are 16-bit fields of ng_packet; a frame stacking tags past 64 KiB
 * reports 65535 rather than a wrapped value. */
static inline uint16_t ng_clamp16(uint32_t v)
{
    return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* Bytes of the frame on the wire from off to its end (0 past the end). */
static inline uint32_t ng_wire_left(const ng_dissection *d, uint32_t off)
{
    return off < d->wirelen ? d->wirelen - off : 0;
}

/* True when n bytes at off are captured. Otherwise marks the packet: MALFORMED when the
 * frame on the wire is too short for them, nothing new when the snap length cut them. */
static inline bool ng_dissect_need(ng_dissection *d, uint32_t off, uint32_t n)
{
    if (off <= d->caplen && n <= d->caplen - off)
        return true;
    if (off > d->wirelen || n > d->wirelen - off)
        d->pkt->anomalies |= NG_PKT_MALFORMED;
    return false;
}

static inline void ng_dissect_malformed(ng_dissection *d)
{
    d->pkt->anomalies |= NG_PKT_MALFORMED;
}

static inline void ng_push_layer(ng_packet *pkt, ng_layer layer)
{
    if (pkt->n_layers < NG_MAX_LAYERS)
        pkt->layers[pkt->n_layers++] = (uint8_t)layer;
}

/* dissect_link.c: everything that starts after a link header, keyed by ethertype
 * (VLAN tags, Cisco SGT, IPv4, IPv6, ARP, others kept opaque). */
void ng_dissect_ethertype(ng_dissection *d, uint32_t off, uint16_t ethertype);

/* dissect_ip.c */
void ng_dissect_ipv4(ng_dissection *d, uint32_t off);
void ng_dissect_ipv6(ng_dissection *d, uint32_t off);
void ng_dissect_arp(ng_dissection *d, uint32_t off);
/* An IP packet whose first byte says its version (raw IP link types). */
void ng_dissect_ip_any(ng_dissection *d, uint32_t off);

/* dissect_transport.c: the layer above IP, whose length on the wire (from the IP
 * header) is l4_wire_len bytes starting at off. */
void ng_dissect_transport(ng_dissection *d, uint32_t off, uint8_t proto, uint32_t l4_wire_len);

#endif
