/* dissect_transport.c — the layer above IP: TCP (flags, sequence numbers, window and
 * options), UDP, ICMP and ICMPv6; other protocols are one opaque layer.
 *
 * l4_wire_len is what the IP header says this layer occupies. A header longer than that
 * (TCP data offset past it, UDP length past it, fewer bytes than the fixed header) is
 * MALFORMED; payload_len is l4_wire_len minus the header. TCP options are read only as
 * far as they are captured; a bad option length stops the option walk (MALFORMED). */
#include "capture/dissect_internal.h"

enum {
    PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58,
    TCP_MIN_HDR = 20, UDP_HDR = 8, ICMP_HDR = 8, ICMP_TYPE_CODE = 2,
    TCPOPT_EOL = 0, TCPOPT_NOP = 1, TCPOPT_MSS = 2, TCPOPT_WSCALE = 3,
    TCPOPT_SACK_OK = 4, TCPOPT_SACK = 5, TCPOPT_TIMESTAMP = 8
};

static void note_tcp_option(ng_packet *pkt, uint8_t kind, uint32_t len, const uint8_t *o)
{
    if (kind == TCPOPT_MSS && len == 4) {
        pkt->tcp_opts |= NG_TCPOPT_MSS;
        pkt->mss = ng_get16(o + 2);
    } else if (kind == TCPOPT_WSCALE && len == 3) {
        pkt->tcp_opts |= NG_TCPOPT_WSCALE;
        pkt->wscale = o[2];
    } else if (kind == TCPOPT_SACK_OK && len == 2) {
        pkt->tcp_opts |= NG_TCPOPT_SACK_OK;
    } else if (kind == TCPOPT_SACK && len >= 10 && (len - 2) % 8 == 0) {
        pkt->tcp_opts |= NG_TCPOPT_SACK;
    } else if (kind == TCPOPT_TIMESTAMP && len == 10) {
        pkt->tcp_opts |= NG_TCPOPT_TIMESTAMP;
        pkt->tsval = ng_get32(o + 2);
        pkt->tsecr = ng_get32(o + 6);
    } else {
        pkt->tcp_opts |= NG_TCPOPT_OTHER;
    }
}

/* Options occupy [off, end) on the wire; only the captured part is read. */
static void walk_tcp_options(ng_dissection *d, uint32_t off, uint32_t end)
{
    uint32_t captured_end = end < d->caplen ? end : d->caplen;
    uint32_t pos = off;
    while (pos < captured_end) {
        const uint8_t *o = d->data + pos;
        if (o[0] == TCPOPT_EOL)
            return;
        if (o[0] == TCPOPT_NOP) {
            pos++;
            continue;
        }
        if (pos + 1 >= captured_end)
            break;
        uint32_t len = o[1];
        if (len < 2 || len > end - pos) {
            ng_dissect_malformed(d);
            return;
        }
        if (len > captured_end - pos)
            return; /* cut by the snap length */
        note_tcp_option(d->pkt, o[0], len, o);
        pos += len;
    }
    if (pos < end && captured_end == end)
        ng_dissect_malformed(d); /* a kind byte without its length */
}

static void dissect_tcp(ng_dissection *d, uint32_t off, uint32_t l4_wire_len)
{
    if (!ng_dissect_need(d, off, TCP_MIN_HDR))
        return;
    ng_packet *pkt = d->pkt;
    const uint8_t *h = d->data + off;
    ng_push_layer(pkt, NG_LAYER_TCP);
    pkt->sport = ng_get16(h);
    pkt->dport = ng_get16(h + 2);
    pkt->seq = ng_get32(h + 4);
    pkt->ack = ng_get32(h + 8);
    pkt->tcp_flags = h[13];
    pkt->window = ng_get16(h + 14);

    uint32_t hdr = (uint32_t)(h[12] >> 4) * 4;
    if (l4_wire_len < TCP_MIN_HDR || hdr < TCP_MIN_HDR || hdr > l4_wire_len) {
        ng_dissect_malformed(d);
        pkt->l4_len = TCP_MIN_HDR;
        return;
    }
    pkt->l4_len = (uint16_t)hdr;
    pkt->payload_len = l4_wire_len - hdr;
    walk_tcp_options(d, off + TCP_MIN_HDR, off + hdr);
}

static void dissect_udp(ng_dissection *d, uint32_t off, uint32_t l4_wire_len)
{
    if (!ng_dissect_need(d, off, UDP_HDR))
        return;
    ng_packet *pkt = d->pkt;
    const uint8_t *h = d->data + off;
    ng_push_layer(pkt, NG_LAYER_UDP);
    pkt->sport = ng_get16(h);
    pkt->dport = ng_get16(h + 2);
    pkt->l4_len = UDP_HDR;
    uint32_t udp_len = ng_get16(h + 4);
    /* A first fragment's UDP length covers the whole datagram, beyond this packet. */
    bool whole = !(pkt->anomalies & NG_PKT_FRAGMENT);
    if (l4_wire_len < UDP_HDR || udp_len < UDP_HDR || (whole && udp_len > l4_wire_len)) {
        ng_dissect_malformed(d);
        return;
    }
    pkt->payload_len = l4_wire_len - UDP_HDR;
}

static void dissect_icmp(ng_dissection *d, uint32_t off, uint32_t l4_wire_len, ng_layer layer)
{
    if (!ng_dissect_need(d, off, ICMP_TYPE_CODE))
        return;
    ng_packet *pkt = d->pkt;
    ng_push_layer(pkt, layer);
    pkt->icmp_type = d->data[off];
    pkt->icmp_code = d->data[off + 1];
    if (l4_wire_len < ICMP_HDR) {
        ng_dissect_malformed(d);
        pkt->l4_len = (uint16_t)l4_wire_len;
        return;
    }
    pkt->l4_len = ICMP_HDR;
    pkt->payload_len = l4_wire_len - ICMP_HDR;
}

void ng_dissect_transport(ng_dissection *d, uint32_t off, uint8_t proto, uint32_t l4_wire_len)
{
    switch (proto) {
    case PROTO_TCP: dissect_tcp(d, off, l4_wire_len); break;
    case PROTO_UDP: dissect_udp(d, off, l4_wire_len); break;
    case PROTO_ICMP: dissect_icmp(d, off, l4_wire_len, NG_LAYER_ICMP); break;
    case PROTO_ICMPV6: dissect_icmp(d, off, l4_wire_len, NG_LAYER_ICMPV6); break;
    default:
        ng_push_layer(d->pkt, NG_LAYER_OTHER_L4);
        d->pkt->payload_len = l4_wire_len;
        break;
    }
}
