/* checksum.c — pseudo-header sums, transport checksums and RFC 1624 updates; the sum
 * itself and its folding are inline in checksum.h. */
#include "synth/checksum.h"

#include <string.h>

#include "synth/byteorder.h"

uint64_t ng_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
                           uint16_t l4_len)
{
    uint8_t tail[4] = {0, proto, 0, 0};
    ng_put_be16(tail + 2, l4_len);
    return (uint64_t)ng_csum_load32(src) + ng_csum_load32(dst) + ng_csum_load32(tail);
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
