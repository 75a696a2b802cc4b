/* ip_header.h — IPv4 and IPv6 headers and their transport pseudo-header sums.
 *
 * spec->src.family (4 or 6; dst must match) picks the version. IPv4 headers have no
 * options (IHL 5), DF as spec->dont_fragment, fragment offset 0, and carry their
 * checksum; IPv6 headers have no extension headers. Writers do not check capacity. */
#ifndef NG_SYNTH_IP_HEADER_H
#define NG_SYNTH_IP_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synth/eth.h"
#include "synth/frame_spec.h"

enum { NG_IPPROTO_ICMP = 1, NG_IPPROTO_TCP = 6, NG_IPPROTO_UDP = 17, NG_IPPROTO_ICMPV6 = 58 };

/* The one-line queries are inline: every frame asks them. */

/* True when src and dst are both IPv4 or both IPv6. */
static inline bool ng_ip_families_ok(const ng_frame_spec *spec)
{
    return (spec->src.family == 4 || spec->src.family == 6) &&
           spec->dst.family == spec->src.family;
}

/* 20 or 40. */
static inline size_t ng_ip_header_len(const ng_frame_spec *spec)
{
    return spec->src.family == 6 ? NG_IPV6_HEADER_LEN : NG_IPV4_HEADER_LEN;
}

/* Largest transport length (header + payload) the IP length field can state. */
static inline size_t ng_ip_max_l4_len(const ng_frame_spec *spec)
{
    return spec->src.family == 6 ? 0xFFFF : 0xFFFF - NG_IPV4_HEADER_LEN;
}

/* The ethertype for the spec's IP version. */
static inline uint16_t ng_ip_ethertype(const ng_frame_spec *spec)
{
    return spec->src.family == 6 ? NG_ETHERTYPE_IPV6 : NG_ETHERTYPE_IPV4;
}
/* Write the header for l4_len bytes of transport data; returns the header length. */
size_t ng_put_ip_header(uint8_t *p, const ng_frame_spec *spec, uint8_t proto, size_t l4_len);
/* Pseudo-header running sum (checksum.h) for a transport segment of l4_len bytes. */
uint64_t ng_ip_pseudo_sum(const ng_frame_spec *spec, uint8_t proto, size_t l4_len);

#endif
