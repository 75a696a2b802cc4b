/* frame_builder.c — IP frame assembly: Ethernet, IP, transport header, payload,
 * padding, then the transport checksum over the finished bytes. See frame_builder.h. */
#include "synth/frame_builder.h"

#include <stdbool.h>
#include <string.h>

#include "synth/byteorder.h"
#include "synth/checksum.h"
#include "synth/eth.h"
#include "synth/ip_header.h"
#include "synth/tcp_header.h"

/* Where the pieces of an IP frame go. */
typedef struct ip_layout {
    size_t l2, l3, l4_header, frame, padded;
} ip_layout;

static bool plan_ip_frame(ip_layout *lay, size_t cap, const ng_frame_spec *spec,
                          size_t l4_header)
{
    if (!ng_ip_families_ok(spec))
        return false;
    if (l4_header + (size_t)spec->payload_len > ng_ip_max_l4_len(spec))
        return false;
    lay->l2 = ng_eth_header_len(spec);
    lay->l3 = ng_ip_header_len(spec);
    lay->l4_header = l4_header;
    lay->frame = lay->l2 + lay->l3 + l4_header + spec->payload_len;
    lay->padded = ng_eth_padded_len(spec, lay->frame);
    return lay->padded <= cap;
}

static void put_payload_and_padding(uint8_t *buf, const ip_layout *lay,
                                    const ng_frame_spec *spec)
{
    uint8_t *payload = buf + lay->l2 + lay->l3 + lay->l4_header;
    if (spec->payload)
        memcpy(payload, spec->payload, spec->payload_len);
    else
        memset(payload, 0, spec->payload_len);
    memset(buf + lay->frame, 0, lay->padded - lay->frame);
}

/* Ethernet + IP header + payload + padding; returns the transport header's address. */
static uint8_t *put_ip_frame(uint8_t *buf, const ip_layout *lay, const ng_frame_spec *spec,
                             uint8_t proto)
{
    ng_put_eth(buf, spec, ng_ip_ethertype(spec));
    ng_put_ip_header(buf + lay->l2, spec, proto, lay->l4_header + spec->payload_len);
    put_payload_and_padding(buf, lay, spec);
    return buf + lay->l2 + lay->l3;
}

/* Checksum of header + payload with the pseudo-header; a zero payload adds nothing. */
static uint16_t transport_checksum(const uint8_t *l4, const ip_layout *lay,
                                   const ng_frame_spec *spec, uint8_t proto)
{
    size_t l4_len = lay->l4_header + spec->payload_len;
    uint64_t sum = ng_ip_pseudo_sum(spec, proto, l4_len);
    sum = ng_csum_partial(l4, lay->l4_header, sum);
    if (spec->payload)
        sum = ng_csum_partial(l4 + lay->l4_header, spec->payload_len, sum);
    return ng_csum_finish(sum);
}

size_t ng_build_tcp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    ip_layout lay;
    if (!plan_ip_frame(&lay, cap, spec, ng_tcp_header_len(&spec->tcp)))
        return 0;
    uint8_t *tcp = put_ip_frame(buf, &lay, spec, NG_IPPROTO_TCP);
    ng_put_tcp_header(tcp, spec->sport, spec->dport, &spec->tcp);
    ng_put_be16(tcp + 16, transport_checksum(tcp, &lay, spec, NG_IPPROTO_TCP));
    return lay.padded;
}

static void put_udp_header(uint8_t *udp, const ng_frame_spec *spec)
{
    ng_put_be16(udp, spec->sport);
    ng_put_be16(udp + 2, spec->dport);
    ng_put_be16(udp + 4, (uint16_t)(NG_UDP_HEADER_LEN + spec->payload_len));
    udp[6] = udp[7] = 0;
}

size_t ng_build_udp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    ip_layout lay;
    if (!plan_ip_frame(&lay, cap, spec, NG_UDP_HEADER_LEN))
        return 0;
    uint8_t *udp = put_ip_frame(buf, &lay, spec, NG_IPPROTO_UDP);
    put_udp_header(udp, spec);
    ng_put_be16(udp + 6, ng_udp_csum_value(transport_checksum(udp, &lay, spec, NG_IPPROTO_UDP)));
    return lay.padded;
}

static bool is_dest_unreach(const ng_frame_spec *spec)
{
    return spec->icmp_type == (spec->src.family == 6 ? NG_ICMPV6_DEST_UNREACH
                                                     : NG_ICMP_DEST_UNREACH);
}

static bool is_echo(const ng_frame_spec *spec)
{
    if (spec->src.family == 6)
        return spec->icmp_type == NG_ICMPV6_ECHO_REQUEST ||
               spec->icmp_type == NG_ICMPV6_ECHO_REPLY;
    return spec->icmp_type == NG_ICMP_ECHO_REQUEST || spec->icmp_type == NG_ICMP_ECHO_REPLY;
}

/* The offending datagram an ICMP error quotes: UDP from spec->dst to spec->src. */
static void put_quoted_udp(uint8_t *dst, const ng_frame_spec *spec)
{
    ng_frame_spec orig = {
        .src = spec->dst, .dst = spec->src, .ttl = 64, .flow_label = 0,
        .sport = spec->sport, .dport = spec->dport,
    };
    size_t l3 = ng_ip_header_len(&orig);
    orig.payload_len = (uint32_t)(spec->payload_len - l3 - NG_UDP_HEADER_LEN);
    memset(dst, 0, spec->payload_len);
    ng_put_ip_header(dst, &orig, NG_IPPROTO_UDP, NG_UDP_HEADER_LEN + orig.payload_len);
    uint8_t *udp = dst + l3;
    put_udp_header(udp, &orig);
    uint64_t sum = ng_ip_pseudo_sum(&orig, NG_IPPROTO_UDP, NG_UDP_HEADER_LEN + orig.payload_len);
    uint16_t csum = ng_csum_finish(ng_csum_partial(udp, NG_UDP_HEADER_LEN, sum));
    ng_put_be16(udp + 6, ng_udp_csum_value(csum));
}

size_t ng_build_icmp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    ip_layout lay;
    bool v6 = spec->src.family == 6;
    bool quote = is_dest_unreach(spec) && !spec->payload;
    size_t quote_min = (v6 ? NG_IPV6_HEADER_LEN : NG_IPV4_HEADER_LEN) + NG_UDP_HEADER_LEN;
    if (quote && spec->payload_len < quote_min)
        return 0;
    if (!plan_ip_frame(&lay, cap, spec, NG_ICMP_HEADER_LEN))
        return 0;
    uint8_t proto = v6 ? NG_IPPROTO_ICMPV6 : NG_IPPROTO_ICMP;
    uint8_t *icmp = put_ip_frame(buf, &lay, spec, proto);
    memset(icmp, 0, NG_ICMP_HEADER_LEN);
    icmp[0] = spec->icmp_type;
    icmp[1] = spec->icmp_code;
    if (is_echo(spec)) {
        ng_put_be16(icmp + 4, spec->icmp_id);
        ng_put_be16(icmp + 6, spec->icmp_seq);
    }
    if (quote)
        put_quoted_udp(icmp + NG_ICMP_HEADER_LEN, spec);
    size_t len = NG_ICMP_HEADER_LEN + spec->payload_len;
    uint64_t sum = v6 ? ng_ip_pseudo_sum(spec, proto, len) : 0;
    ng_put_be16(icmp + 2, ng_csum_finish(ng_csum_partial(icmp, len, sum)));
    return lay.padded;
}
