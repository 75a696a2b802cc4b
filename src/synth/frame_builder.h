/* frame_builder.h — whole Ethernet frames carrying IP: TCP, UDP, ICMP, ICMPv6.
 *
 * Contract for every builder: write the frame into buf (cap bytes), allocate nothing,
 * and return the frame length (Ethernet padding included, see frame_spec.h), or 0
 * when it does not fit in cap, the address families are wrong or mismatched, or the
 * IP length field cannot state the size. All lengths and checksums are correct:
 * IPv4 header checksum, TCP/UDP/ICMPv6 checksums with their pseudo-header, ICMP
 * checksum. The payload region holds spec->payload, or zeros when that is NULL.
 * NG_FRAME_MAX_HEADERS + payload_len bytes are always enough room (padding included). */
#ifndef NG_SYNTH_FRAME_BUILDER_H
#define NG_SYNTH_FRAME_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "synth/frame_spec.h"

/* Ethernet / IPv4|IPv6 / TCP (spec->tcp: seq, ack, flags, window, options). */
size_t ng_build_tcp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec);

/* Ethernet / IPv4|IPv6 / UDP. The checksum is always computed (mandatory over IPv6). */
size_t ng_build_udp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec);

/* Ethernet / IPv4 / ICMP or Ethernet / IPv6 / ICMPv6, type spec->icmp_type:
 *  - echo request / reply (8/0, or 128/129): identifier icmp_id, sequence icmp_seq,
 *    then payload_len bytes of data;
 *  - destination unreachable (3, or 1), code icmp_code: the payload is the quoted
 *    datagram. With spec->payload NULL the builder quotes a whole, valid UDP datagram
 *    of payload_len bytes that was sent by spec->dst to spec->src with ports
 *    sport -> dport (so payload_len must be >= 28 over IPv4, >= 48 over IPv6).
 *  Any other type gets a zero 4-byte rest-of-header and the payload as given. */
size_t ng_build_icmp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec);

#endif
