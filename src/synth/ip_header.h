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

#include "synth/frame_spec.h"

enum { NG_IPPROTO_ICMP = 1, NG_IPPROTO_TCP = 6, NG_IPPROTO_UDP = 17, NG_IPPROTO_ICMPV6 = 58 };

/* True when src and dst are both IPv4 or both IPv6. */
bool ng_ip_families_ok(const ng_frame_spec *spec);
/* 20 or 40. */
size_t ng_ip_header_len(const ng_frame_spec *spec);
/* Largest transport length (header + payload) the IP length field can state. */
size_t ng_ip_max_l4_len(const ng_frame_spec *spec);
/* The ethertype for the spec's IP version. */
uint16_t ng_ip_ethertype(const ng_frame_spec *spec);
/* Write the header for l4_len bytes of transport data; returns the header length. */
size_t ng_put_ip_header(uint8_t *p, const ng_frame_spec *spec, uint8_t proto, size_t l4_len);
/* Pseudo-header running sum (checksum.h) for a transport segment of l4_len bytes. */
uint64_t ng_ip_pseudo_sum(const ng_frame_spec *spec, uint8_t proto, size_t l4_len);

#endif
