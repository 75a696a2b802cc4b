/* dissect_link.c — link-layer headers: Ethernet II and 802.3/LLC, Linux cooked capture
 * v1 (16 bytes) and v2 (20 bytes), BSD loopback (4-byte address family).
 *
 * Ethernet's type/length field is an ethertype from 0x0600 up and an 802.3 length up
 * to 1500; in between it is neither and the rest is kept opaque. */
#include "capture/dissect_link.h"

#include <string.h>

enum {
    ETH_HDR = 14, SLL_HDR = 16, SLL2_HDR = 20, LOOP_HDR = 4,
    ETH_MAX_8023_LEN = 1500, ETHERTYPE_MIN = 0x0600,
    LLC_SNAP_SAP = 0xAA, SNAP_HDR = 5,
    SLL_PROTO_8023 = 0x0001, SLL_PROTO_8022 = 0x0004,
    ARPHRD_ETHER = 1
};

void ng_dissect_opaque_l3(ng_dissection *d, uint32_t off)
{
    ng_push_layer(d->pkt, NG_LAYER_OTHER_L3);
    d->pkt->l2_len = ng_clamp16(off);
    d->pkt->payload_len = ng_wire_left(d, off);
}

void ng_dissect_ethernet(ng_dissection *d, uint32_t off)
{
    if (!ng_dissect_need(d, off, ETH_HDR))
        return;
    ng_packet *pkt = d->pkt;
    const uint8_t *h = d->data + off;
    ng_push_layer(pkt, NG_LAYER_ETH);
    pkt->has_mac = true;
    memcpy(pkt->dst_mac, h, 6);
    memcpy(pkt->src_mac, h + 6, 6);
    pkt->l2_len = ng_clamp16(off + ETH_HDR);

    uint16_t type_or_len = ng_get16(h + 12);
    if (type_or_len >= ETHERTYPE_MIN) {
        ng_dissect_ethertype(d, off + ETH_HDR, type_or_len);
    } else if (type_or_len <= ETH_MAX_8023_LEN) {
        if (type_or_len > ng_wire_left(d, off + ETH_HDR)) {
            ng_dissect_malformed(d); /* 802.3 length longer than the frame */
            return;
        }
        ng_dissect_llc(d, off + ETH_HDR, type_or_len);
    } else {
        ng_dissect_opaque_l3(d, off + ETH_HDR);
    }
}

/* Novell "raw 802.3" frames carry IPX straight after the length: 0xFFFF checksum. */
static bool is_raw_8023_ipx(const uint8_t *h)
{
    return h[0] == 0xFF && h[1] == 0xFF;
}

void ng_dissect_llc(ng_dissection *d, uint32_t off, uint32_t llc_wire_len)
{
    ng_packet *pkt = d->pkt;
    if (llc_wire_len >= 3 && !ng_dissect_need(d, off, 3))
        return;
    if (llc_wire_len < 3 || is_raw_8023_ipx(d->data + off)) {
        ng_dissect_opaque_l3(d, off);
        pkt->payload_len = llc_wire_len;
        return;
    }
    const uint8_t *h = d->data + off;
    /* Unnumbered frames have a 1-byte control field, I/S frames a 2-byte one. */
    uint32_t hdr = (h[2] & 3) == 3 ? 3 : 4;
    bool snap = h[0] == LLC_SNAP_SAP && h[1] == LLC_SNAP_SAP;
    if (snap)
        hdr += SNAP_HDR;
    ng_push_layer(pkt, NG_LAYER_LLC);
    if (hdr > llc_wire_len) {
        ng_dissect_malformed(d);
        return;
    }
    pkt->l2_len = ng_clamp16(off + hdr);
    if (snap && ng_dissect_need(d, off, hdr)) {
        const uint8_t *s = h + hdr - SNAP_HDR;
        uint16_t type = ng_get16(s + 3);
        if (s[0] == 0 && s[1] == 0 && s[2] == 0 && type >= ETHERTYPE_MIN) {
            ng_dissect_ethertype(d, off + hdr, type);
            return;
        }
    }
    pkt->payload_len = llc_wire_len - hdr;
}

/* What follows a cooked header: an ethertype, or a Linux pseudo-protocol. */
static void dissect_cooked_protocol(ng_dissection *d, uint32_t off, uint16_t proto)
{
    if (proto >= ETHERTYPE_MIN)
        ng_dissect_ethertype(d, off, proto);
    else if (proto == SLL_PROTO_8022)
        ng_dissect_llc(d, off, ng_wire_left(d, off));
    else
        ng_dissect_opaque_l3(d, off);
}

static void copy_cooked_address(ng_packet *pkt, uint16_t arphrd, uint32_t addr_len,
                                const uint8_t *addr)
{
    /* Only the sender's address is in a cooked header: has_mac stays false. */
    if (arphrd == ARPHRD_ETHER && addr_len == 6)
        memcpy(pkt->src_mac, addr, 6);
}

void ng_dissect_sll(ng_dissection *d)
{
    if (!ng_dissect_need(d, 0, SLL_HDR))
        return;
    const uint8_t *h = d->data;
    ng_push_layer(d->pkt, NG_LAYER_SLL);
    d->pkt->l2_len = SLL_HDR;
    copy_cooked_address(d->pkt, ng_get16(h + 2), ng_get16(h + 4), h + 6);
    dissect_cooked_protocol(d, SLL_HDR, ng_get16(h + 14));
}

void ng_dissect_sll2(ng_dissection *d)
{
    if (!ng_dissect_need(d, 0, SLL2_HDR))
        return;
    const uint8_t *h = d->data;
    ng_push_layer(d->pkt, NG_LAYER_SLL2);
    d->pkt->l2_len = SLL2_HDR;
    copy_cooked_address(d->pkt, ng_get16(h + 8), h[11], h + 12);
    dissect_cooked_protocol(d, SLL2_HDR, ng_get16(h));
}

/* AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD)
 * or 30 (macOS), depending on the system that wrote the capture. */
void ng_dissect_loopback(ng_dissection *d)
{
    if (!ng_dissect_need(d, 0, LOOP_HDR))
        return;
    ng_push_layer(d->pkt, NG_LAYER_LOOP);
    d->pkt->l2_len = LOOP_HDR;
    uint32_t family = ng_get32(d->data);
    if (family > 0xFF)
        family = ng_get32_le(d->data);
    switch (family) {
    case 2: ng_dissect_ipv4(d, LOOP_HDR); break;
    case 10: case 24: case 28: case 30: ng_dissect_ipv6(d, LOOP_HDR); break;
    default: ng_dissect_opaque_l3(d, LOOP_HDR); break;
    }
}
