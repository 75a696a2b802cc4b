/* checksum.h — the Internet checksum (RFC 1071) and its uses in IP, TCP, UDP, ICMP.
 *
 * How it works: bytes are summed as native-endian 32-bit words in 64-bit sums (no
 * carries to track) and folded to 16 bits at the end; by RFC 1071's byte-order independence
 * the folded native value, stored as it lies in memory, is the big-endian checksum.
 * A running sum (uint64_t) from ng_csum_partial can be continued over several buffers
 * as long as every buffer but the last has even length.
 *
 * Contract: every function returning uint16_t returns the checksum as a number in
 * network order (the value tshark prints, to be stored with a big-endian store).
 * Computed over a segment whose checksum field is zero, the result is the value to
 * write; computed over a segment whose field already holds a correct checksum, the
 * result is 0 — so the same call both fills and verifies. */
#ifndef NG_SYNTH_CHECKSUM_H
#define NG_SYNTH_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "synth/byteorder.h"

/* The sum and its folding are inline: every frame sums two short headers, and with a
 * constant length (the IPv4 header) the loop unrolls into five additions. */

static inline uint32_t ng_csum_load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Continue the running sum `sum` over len bytes of data.
 * Native 32-bit words are added into 64-bit sums, which cannot overflow before 2^32
 * words (16 GiB): no carries to track (2^32 is congruent to 1 modulo 2^16 - 1, so the
 * halves of the sum are added at the end). Two independent sums keep the adder busy.
 * The result is reduced below 2^33 so callers can keep adding. */
static inline uint64_t ng_csum_partial(const void *data, size_t len, uint64_t sum)
{
    const uint8_t *p = data;
    uint64_t a = 0, b = 0;
    while (len >= 8) {
        a += ng_csum_load32(p);
        b += ng_csum_load32(p + 4);
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        a += ng_csum_load32(p);
        p += 4;
        len -= 4;
    }
    if (len) {
        uint8_t tail[4] = {0, 0, 0, 0}; /* an odd byte is the high half of a 16-bit word */
        for (size_t i = 0; i < len; i++)
            tail[i] = p[i];
        b += ng_csum_load32(tail);
    }
    a += b;
    return sum + (a & 0xFFFFFFFFu) + (a >> 32);
}

/* Fold a running sum to 16 bits and complement it: the checksum. */
static inline uint16_t ng_csum_finish(uint64_t sum)
{
    sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    uint16_t native = (uint16_t)~sum;
    uint8_t bytes[2];
    memcpy(bytes, &native, 2);
    return ng_get_be16(bytes);
}

/* Checksum of one buffer: ng_csum_finish(ng_csum_partial(data, len, 0)). */
static inline uint16_t ng_csum(const void *data, size_t len)
{
    return ng_csum_finish(ng_csum_partial(data, len, 0));
}

/* Running sum of the TCP/UDP pseudo-header (RFC 793 / RFC 768 over IPv4,
 * RFC 8200 §8.1 over IPv6). l4_len is the transport header plus payload. */
uint64_t ng_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
                           uint16_t l4_len);
uint64_t ng_csum_pseudo_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                           uint32_t l4_len);

/* Checksum of a transport segment (header + payload) with its pseudo-header.
 * For UDP the caller maps a computed 0 to 0xFFFF (RFC 768); ng_udp_csum_value does. */
uint16_t ng_l4_csum_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
                       const void *segment, uint16_t len);
uint16_t ng_l4_csum_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                       const void *segment, uint32_t len);
/* UDP transmits a computed checksum of 0 as 0xFFFF (0 means "none" over IPv4). */
static inline uint16_t ng_udp_csum_value(uint16_t csum) { return csum ? csum : 0xFFFF; }

/* Compute the IPv4 header checksum (ihl_bytes long, field at offset 10) and store it. */
static inline void ng_ipv4_fill_checksum(uint8_t *ip_header, size_t ihl_bytes)
{
    ip_header[10] = ip_header[11] = 0;
    ng_put_be16(ip_header + 10, ng_csum(ip_header, ihl_bytes));
}

/* Incremental update (RFC 1624, eqn. 3): the checksum after one 16-bit (or 32-bit)
 * field of the covered data changes from old_value to new_value. All values are
 * numbers in network order (as read with a big-endian load). */
uint16_t ng_csum_update16(uint16_t csum, uint16_t old_value, uint16_t new_value);
uint16_t ng_csum_update32(uint16_t csum, uint32_t old_value, uint32_t new_value);

#endif
