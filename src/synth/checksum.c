/* checksum.c — RFC 1071 sums with 64-bit accumulation; see checksum.h. */
#include "synth/checksum.h"

#include <string.h>

#include "synth/byteorder.h"

static inline uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Native 32-bit words are added into 64-bit sums, which cannot overflow before 2^32
 * words (16 GiB): no carries to track, and a 20-byte header costs five additions (2^32
 * is congruent to 1 modulo 2^16 - 1, so the halves of the sum are added at the end).
 * Two independent sums keep the adder busy. The result is reduced below 2^33 so
 * callers can keep adding. */
uint64_t ng_csum_partial(const void *data, size_t len, uint64_t sum)
{
    const uint8_t *p = data;
    uint64_t a = 0, b = 0;
    while (len >= 8) {
        a += load32(p);
        b += load32(p + 4);
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        a += load32(p);
        p += 4;
        len -= 4;
    }
    if (len) {
        uint8_t tail[4] = {0, 0, 0, 0}; /* an odd byte is the high half of a 16-bit word */
        for (size_t i = 0; i < len; i++)
            tail[i] = p[i];
        b += load32(tail);
    }
    a += b;
    return sum + (a & 0xFFFFFFFFu) + (a >> 32);
}

static uint16_t fold_native(uint64_t sum)
{
    sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)sum;
}

uint16_t ng_csum_finish(uint64_t sum)
{
    uint16_t native = (uint16_t)~fold_native(sum);
    uint8_t bytes[2];
    memcpy(bytes, &native, 2);
    return ng_get_be16(bytes);
}

uint16_t ng_csum(const void *data, size_t len)
{
    return ng_csum_finish(ng_csum_partial(data, len, 0));
}

uint64_t ng_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
                           uint16_t l4_len)
{
    uint8_t tail[4] = {0, proto, 0, 0};
    ng_put_be16(tail + 2, l4_len);
    return (uint64_t)load32(src) + load32(dst) + load32(tail);
}

uint64_t ng_csum_pseudo_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                           uint32_t l4_len)
{
    uint8_t tail[8] = {0, 0, 0, 0, 0, 0, 0, proto};
    ng_put_be32(tail, l4_len);
    uint64_t sum = ng_csum_partial(src, 16, 0);
    sum = ng_csum_partial(dst, 16, sum);
    return ng_csum_partial(tail, 8, sum);
}

uint16_t ng_l4_csum_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
                       const void *segment, uint16_t len)
{
    return ng_csum_finish(ng_csum_partial(segment, len, ng_csum_pseudo_v4(src, dst, proto, len)));
}

uint16_t ng_l4_csum_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                       const void *segment, uint32_t len)
{
    return ng_csum_finish(ng_csum_partial(segment, len, ng_csum_pseudo_v6(src, dst, proto, len)));
}

void ng_ipv4_fill_checksum(uint8_t *ip_header, size_t ihl_bytes)
{
    ip_header[10] = ip_header[11] = 0;
    ng_put_be16(ip_header + 10, ng_csum(ip_header, ihl_bytes));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in ones' complement arithmetic. */
uint16_t ng_csum_update16(uint16_t csum, uint16_t old_value, uint16_t new_value)
{
    uint32_t sum = (uint16_t)~csum + (uint32_t)(uint16_t)~old_value + new_value;
    sum = (sum & 0xFFFFu) + (sum >> 16);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t ng_csum_update32(uint16_t csum, uint32_t old_value, uint32_t new_value)
{
    csum = ng_csum_update16(csum, (uint16_t)(old_value >> 16), (uint16_t)(new_value >> 16));
    return ng_csum_update16(csum, (uint16_t)old_value, (uint16_t)new_value);
}
