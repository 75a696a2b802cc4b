/* ip_header.c — IPv4/IPv6 header writers; see ip_header.h. */
#include "synth/ip_header.h"

#include <string.h>

#include "synth/byteorder.h"
#include "synth/checksum.h"

static size_t put_ipv4(uint8_t *p, const ng_frame_spec *spec, uint8_t proto, size_t l4_len)
{
    p[0] = 0x45;
    p[1] = spec->tos;
    ng_put_be16(p + 2, (uint16_t)(NG_IPV4_HEADER_LEN + l4_len));
    ng_put_be16(p + 4, spec->ip_id);
    ng_put_be16(p + 6, spec->dont_fragment ? 0x4000 : 0);
    p[8] = spec->ttl;
    p[9] = proto;
    memcpy(p + 12, spec->src.bytes, 4);
    memcpy(p + 16, spec->dst.bytes, 4);
    ng_ipv4_fill_checksum(p, NG_IPV4_HEADER_LEN);
    return NG_IPV4_HEADER_LEN;
}

static size_t put_ipv6(uint8_t *p, const ng_frame_spec *spec, uint8_t proto, size_t l4_len)
{
    uint32_t first = (6u << 28) | ((uint32_t)spec->tos << 20) | (spec->flow_label & 0xFFFFFu);
    ng_put_be32(p, first);
    ng_put_be16(p + 4, (uint16_t)l4_len);
    p[6] = proto;
    p[7] = spec->ttl;
    memcpy(p + 8, spec->src.bytes, 16);
    memcpy(p + 24, spec->dst.bytes, 16);
    return NG_IPV6_HEADER_LEN;
}

size_t ng_put_ip_header(uint8_t *p, const ng_frame_spec *spec, uint8_t proto, size_t l4_len)
{
    if (spec->src.family == 6)
        return put_ipv6(p, spec, proto, l4_len);
    return put_ipv4(p, spec, proto, l4_len);
}

uint64_t ng_ip_pseudo_sum(const ng_frame_spec *spec, uint8_t proto, size_t l4_len)
{
    if (spec->src.family == 6)
        return ng_csum_pseudo_v6(spec->src.bytes, spec->dst.bytes, proto, (uint32_t)l4_len);
    return ng_csum_pseudo_v4(spec->src.bytes, spec->dst.bytes, proto, (uint16_t)l4_len);
}
