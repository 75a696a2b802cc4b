/* dissect_ethertype.c — the ethertype switch: VLAN tags (802.1Q 0x8100, 802.1ad 0x88A8,
 * pre-standard QinQ 0x9100/0x9200), Cisco MetaData/SGT (0x8909), MPLS (0x8847/0x8848),
 * then IPv4, IPv6, ARP or an opaque layer.
 *
 * Tags are peeled in a loop; each consumes bytes, so the loop ends with the frame. The
 * Cisco MetaData header is 8 bytes: version, length, option type/length, the SGT, and
 * the ethertype of what it carries. MPLS does not say what it carries; after the bottom
 * label we guess as Wireshark does: first nibble 4 is IPv4, 6 is IPv6, 0 is a pseudowire
 * control word followed by an Ethernet frame (nested at most NG_MAX_INNER_FRAMES deep,
 * so a crafted frame cannot recurse without end); anything else stays opaque. */
#include "capture/dissect_internal.h"
#include "capture/dissect_link.h"

enum {
    ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806, ETHERTYPE_IPV6 = 0x86DD,
    ETHERTYPE_8021Q = 0x8100, ETHERTYPE_8021AD = 0x88A8,
    ETHERTYPE_QINQ_9100 = 0x9100, ETHERTYPE_QINQ_9200 = 0x9200,
    ETHERTYPE_CISCO_MD = 0x8909, ETHERTYPE_MPLS = 0x8847, ETHERTYPE_MPLS_MC = 0x8848,
    VLAN_TAG = 4, CISCO_MD_HDR = 8, VLAN_ID_MASK = 0x0FFF,
    MPLS_ENTRY = 4, MPLS_BOTTOM = 0x01, PW_CONTROL_WORD = 4, NG_MAX_INNER_FRAMES = 2
};

/* What the bottom of an MPLS stack carries, from its first nibble. */
static void dissect_mpls_payload(ng_dissection *d, uint32_t off)
{
    if (!ng_dissect_need(d, off, 1))
        return;
    switch (d->data[off] >> 4) {
    case 4:
        d->pkt->ethertype = ETHERTYPE_IPV4;
        d->pkt->l2_len = ng_clamp16(off);
        ng_dissect_ipv4(d, off);
        break;
    case 6:
        d->pkt->ethertype = ETHERTYPE_IPV6;
        d->pkt->l2_len = ng_clamp16(off);
        ng_dissect_ipv6(d, off);
        break;
    case 0:
        if (d->inner_frames < NG_MAX_INNER_FRAMES) {
            d->inner_frames++;
            ng_dissect_ethernet(d, off + PW_CONTROL_WORD);
            break;
        }
        /* fall through */
    default:
        ng_dissect_opaque_l3(d, off);
        break;
    }
}

static void dissect_mpls(ng_dissection *d, uint32_t off)
{
    for (;;) {
        if (!ng_dissect_need(d, off, MPLS_ENTRY))
            return;
        ng_push_layer(d->pkt, NG_LAYER_MPLS);
        bool bottom = d->data[off + 2] & MPLS_BOTTOM;
        off += MPLS_ENTRY;
        d->pkt->l2_len = ng_clamp16(off);
        if (bottom)
            break;
    }
    dissect_mpls_payload(d, off);
}

static bool is_vlan_tag(uint16_t type)
{
    return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
           type == ETHERTYPE_QINQ_9100 || type == ETHERTYPE_QINQ_9200;
}

void ng_dissect_ethertype(ng_dissection *d, uint32_t off, uint16_t ethertype)
{
    ng_packet *pkt = d->pkt;
    for (;;) {
        if (is_vlan_tag(ethertype)) {
            if (!ng_dissect_need(d, off, VLAN_TAG))
                return;
            ng_push_layer(pkt, NG_LAYER_VLAN);
            if (pkt->vlan_depth == 0)
                pkt->vlan_id = ng_get16(d->data + off) & VLAN_ID_MASK;
            if (pkt->vlan_depth < UINT8_MAX)
                pkt->vlan_depth++;
            ethertype = ng_get16(d->data + off + 2);
            off += VLAN_TAG;
        } else if (ethertype == ETHERTYPE_CISCO_MD) {
            if (!ng_dissect_need(d, off, CISCO_MD_HDR))
                return;
            ng_push_layer(pkt, NG_LAYER_SGT);
            ethertype = ng_get16(d->data + off + CISCO_MD_HDR - 2);
            off += CISCO_MD_HDR;
        } else {
            break;
        }
        pkt->l2_len = ng_clamp16(off);
    }

    pkt->ethertype = ethertype;
    pkt->l2_len = ng_clamp16(off);
    switch (ethertype) {
    case ETHERTYPE_MPLS: case ETHERTYPE_MPLS_MC: dissect_mpls(d, off); break;
    case ETHERTYPE_IPV4: ng_dissect_ipv4(d, off); break;
    case ETHERTYPE_IPV6: ng_dissect_ipv6(d, off); break;
    case ETHERTYPE_ARP: ng_dissect_arp(d, off); break;
    default: ng_dissect_opaque_l3(d, off); break;
    }
}
