/* dissect.c — the dissector's entry point: clear the record, pick the link layer.
 *
 * Per-layer work lives in dissect_link.c (link headers), dissect_ethertype.c (tags and
 * the ethertype switch), dissect_ip.c (IPv4, IPv6, ARP) and dissect_transport.c. */
#include "capture/dissect.h"

#include <stddef.h>
#include <string.h>

#include "capture/dissect_internal.h"
#include "capture/dissect_link.h"

bool ng_linktype_supported(uint32_t linktype)
{
    switch (linktype) {
    case NG_DLT_NULL: case NG_DLT_EN10MB: case NG_DLT_RAW_12: case NG_DLT_RAW_14:
    case NG_LINKTYPE_RAW: case NG_DLT_LOOP: case NG_DLT_LINUX_SLL:
    case NG_DLT_IPV4: case NG_DLT_IPV6: case NG_DLT_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}

static void clear_dissection(ng_packet *pkt)
{
    size_t start = offsetof(ng_packet, layers);
    memset((uint8_t *)pkt + start, 0, sizeof *pkt - start);
}

void ng_dissect(ng_packet *pkt, const uint8_t *data)
{
    clear_dissection(pkt);
    ng_dissection d = {
        .pkt = pkt,
        .data = data,
        .caplen = pkt->caplen,
        .wirelen = pkt->wirelen > pkt->caplen ? pkt->wirelen : pkt->caplen,
    };
    if (pkt->caplen < pkt->wirelen)
        pkt->anomalies |= NG_PKT_TRUNCATED;
    if (pkt->caplen == 0 || !data)
        return;

    switch (pkt->linktype) {
    case NG_DLT_EN10MB: ng_dissect_ethernet(&d, 0); break;
    case NG_DLT_LINUX_SLL: ng_dissect_sll(&d); break;
    case NG_DLT_LINUX_SLL2: ng_dissect_sll2(&d); break;
    case NG_DLT_NULL: case NG_DLT_LOOP: ng_dissect_loopback(&d); break;
    case NG_DLT_RAW_12: case NG_DLT_RAW_14: case NG_LINKTYPE_RAW: ng_dissect_ip_any(&d, 0); break;
    case NG_DLT_IPV4: ng_dissect_ipv4(&d, 0); break;
    case NG_DLT_IPV6: ng_dissect_ipv6(&d, 0); break;
    default: break;
    }
}
