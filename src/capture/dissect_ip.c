/* dissect_ip.c — the network layer: IPv4 (options, fragments), IPv6 and its extension
 * headers, ARP.
 *
 * The IP length fields are the truth about the packet on the wire; they must fit in the
 * frame (a longer claim is MALFORMED) and leave room for the header. A length of 0 is
 * what TCP segmentation offload captures show, and means "the rest of the frame".
 * The IPv6 extension-header walk is bounded twice: by the payload length, and by
 * NG_IPV6_MAX_EXT headers (a longer chain is MALFORMED). */
#include <string.h>

#include "capture/dissect_internal.h"
#include "capture/dissect_link.h"

enum {
    IPV4_MIN_HDR = 20, IPV6_HDR = 40, ARP_FIXED = 8,
    IPV4_MF = 0x2000, IPV4_OFFSET_MASK = 0x1FFF,
    IP6_HOPOPTS = 0, IP6_ROUTING = 43, IP6_FRAGMENT = 44, IP6_AH = 51, IP6_NONE = 59,
    IP6_DSTOPTS = 60, IP6_MOBILITY = 135, IP6_HIP = 139, IP6_SHIM6 = 140,
    NG_IPV6_MAX_EXT = 8, IPV6_EXT_MIN = 8
};

static void set_addr(ng_addr *a, uint8_t family, const uint8_t *bytes)
{
    a->family = family;
    memcpy(a->bytes, bytes, family == 4 ? 4 : 16);
}

static void fill_ipv4_fields(ng_packet *pkt, const uint8_t *h)
{
    pkt->ip_version = 4;
    pkt->ip_tos = h[1];
    pkt->ip_id = ng_get16(h + 4);
    pkt->frag_offset = (uint16_t)((ng_get16(h + 6) & IPV4_OFFSET_MASK) * 8);
    pkt->ttl = h[8];
    pkt->ip_proto = h[9];
    set_addr(&pkt->src, 4, h + 12);
    set_addr(&pkt->dst, 4, h + 16);
}

void ng_dissect_ipv4(ng_dissection *d, uint32_t off)
{
    if (!ng_dissect_need(d, off, IPV4_MIN_HDR))
        return;
    ng_packet *pkt = d->pkt;
    const uint8_t *h = d->data + off;
    ng_push_layer(pkt, NG_LAYER_IPV4);
    fill_ipv4_fields(pkt, h);

    uint32_t ihl = (uint32_t)(h[0] & 0x0F) * 4;
    uint32_t wire_left = ng_wire_left(d, off);
    /* A header longer than the datagram counts only the bytes that are there. */
    uint32_t counted = ihl > wire_left ? wire_left : ihl;
    pkt->l3_len = (uint16_t)(counted < IPV4_MIN_HDR ? IPV4_MIN_HDR : counted);
    if ((h[0] >> 4) != 4 || ihl < IPV4_MIN_HDR || ihl > wire_left) {
        ng_dissect_malformed(d);
        return;
    }
    if (ihl > IPV4_MIN_HDR)
        pkt->anomalies |= NG_PKT_IP_OPTIONS;

    uint32_t total = ng_get16(h + 2);
    if (total == 0)
        total = wire_left;
    if (total < ihl || total > wire_left) {
        ng_dissect_malformed(d);
        pkt->payload_len = wire_left - ihl;
        return;
    }
    uint16_t frag = ng_get16(h + 6);
    if (frag & (IPV4_MF | IPV4_OFFSET_MASK))
        pkt->anomalies |= NG_PKT_FRAGMENT;
    if (frag & IPV4_OFFSET_MASK) {
        pkt->anomalies |= NG_PKT_LATER_FRAG;
        pkt->payload_len = total - ihl;
        return;
    }
    ng_dissect_transport(d, off + ihl, pkt->ip_proto, total - ihl);
}

static bool is_ipv6_extension(uint8_t nh)
{
    switch (nh) {
    case IP6_HOPOPTS: case IP6_ROUTING: case IP6_FRAGMENT: case IP6_AH:
    case IP6_DSTOPTS: case IP6_MOBILITY: case IP6_HIP: case IP6_SHIM6:
        return true;
    default:
        return false;
    }
}

static uint32_t ipv6_extension_len(uint8_t nh, const uint8_t *h)
{
    if (nh == IP6_FRAGMENT)
        return 8;
    if (nh == IP6_AH)
        return ((uint32_t)h[1] + 2) * 4;
    return ((uint32_t)h[1] + 1) * 8;
}

/* Position in an IPv6 header chain: next header, where it starts, bytes left of the
 * payload. */
typedef struct ipv6_chain {
    uint8_t nh;
    uint32_t pos;
    uint32_t left;
} ipv6_chain;

static void note_ipv6_fragment(ng_packet *pkt, const uint8_t *h)
{
    uint16_t field = ng_get16(h + 2);
    pkt->frag_offset = field & 0xFFF8;
    pkt->anomalies |= NG_PKT_FRAGMENT;
    if (pkt->frag_offset)
        pkt->anomalies |= NG_PKT_LATER_FRAG;
}

/* Walk extension headers; false when dissection must stop (malformed or not captured). */
static bool walk_ipv6_extensions(ng_dissection *d, ipv6_chain *c)
{
    ng_packet *pkt = d->pkt;
    for (int n = 0; is_ipv6_extension(c->nh); n++) {
        if (n == NG_IPV6_MAX_EXT || c->left < IPV6_EXT_MIN) {
            ng_dissect_malformed(d);
            return false;
        }
        if (!ng_dissect_need(d, c->pos, 4))
            return false;
        const uint8_t *h = d->data + c->pos;
        uint32_t len = ipv6_extension_len(c->nh, h);
        if (len > c->left) {
            ng_dissect_malformed(d);
            return false;
        }
        ng_push_layer(pkt, NG_LAYER_IPV6_EXT);
        if (c->nh == IP6_FRAGMENT)
            note_ipv6_fragment(pkt, h);
        c->nh = h[0];
        c->pos += len;
        c->left -= len;
        pkt->l3_len = (uint16_t)(pkt->l3_len + len);
        pkt->ip_proto = c->nh;
        if (pkt->anomalies & NG_PKT_LATER_FRAG)
            return false;
    }
    return true;
}

void ng_dissect_ipv6(ng_dissection *d, uint32_t off)
{
    if (!ng_dissect_need(d, off, IPV6_HDR))
        return;
    ng_packet *pkt = d->pkt;
    const uint8_t *h = d->data + off;
    ng_push_layer(pkt, NG_LAYER_IPV6);
    uint32_t first = ng_get32(h);
    pkt->ip_version = 6;
    pkt->ip_tos = (uint8_t)(first >> 20);
    pkt->flow_label = first & 0xFFFFF;
    pkt->ip_proto = h[6];
    pkt->ttl = h[7];
    set_addr(&pkt->src, 6, h + 8);
    set_addr(&pkt->dst, 6, h + 24);
    pkt->l3_len = IPV6_HDR;
    if ((h[0] >> 4) != 6) {
        ng_dissect_malformed(d);
        return;
    }

    uint32_t wire_left = ng_wire_left(d, off + IPV6_HDR);
    uint32_t plen = ng_get16(h + 4);
    if (plen == 0)
        plen = wire_left;
    if (plen > wire_left) {
        ng_dissect_malformed(d);
        pkt->payload_len = wire_left;
        return;
    }
    ipv6_chain c = { .nh = h[6], .pos = off + IPV6_HDR, .left = plen };
    bool go_on = walk_ipv6_extensions(d, &c);
    if (!go_on || c.nh == IP6_NONE) {
        pkt->payload_len = c.left; /* what follows the headers we understood */
        return;
    }
    ng_dissect_transport(d, c.pos, c.nh, c.left);
}

void ng_dissect_arp(ng_dissection *d, uint32_t off)
{
    if (!ng_dissect_need(d, off, ARP_FIXED))
        return;
    const uint8_t *h = d->data + off;
    ng_push_layer(d->pkt, NG_LAYER_ARP);
    uint32_t len = ARP_FIXED + 2u * h[4] + 2u * h[5];
    if (len > ng_wire_left(d, off)) {
        ng_dissect_malformed(d);
        len = ARP_FIXED;
    }
    d->pkt->l3_len = (uint16_t)len;
}

void ng_dissect_ip_any(ng_dissection *d, uint32_t off)
{
    if (!ng_dissect_need(d, off, 1))
        return;
    switch (d->data[off] >> 4) {
    case 4: ng_dissect_ipv4(d, off); break;
    case 6: ng_dissect_ipv6(d, off); break;
    default:
        ng_dissect_opaque_l3(d, off);
        ng_dissect_malformed(d);
        break;
    }
}
