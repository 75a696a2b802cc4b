/* test_checksum.c — the RFC 1071 sum against published vectors, against a plain
 * 16-bit reference on random buffers of every length and alignment, and the RFC 1624
 * incremental updates against full recomputation. */
#include "test_util.h"

#include <string.h>

#include "core/rng.h"
#include "synth/byteorder.h"
#include "synth/checksum.h"

/* Textbook one's complement sum over big-endian 16-bit words. */
static uint16_t reference_csum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static void test_rfc1071_example(void **state)
{
    (void)state;
    /* RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement). */
    const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(ng_csum(data, sizeof data), (uint16_t)~0xddf2);
}

static void test_ipv4_header_vector(void **state)
{
    (void)state;
    /* A widely published header: 192.168.0.1 -> 192.168.0.199, UDP, checksum b861. */
    uint8_t ip[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                      0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(ng_csum(ip, 20), 0); /* a correct header sums to zero */
    ng_ipv4_fill_checksum(ip, 20);
    assert_int_equal(ng_get_be16(ip + 10), 0xb861);
}

static void test_matches_reference_every_length_and_offset(void **state)
{
    (void)state;
    uint8_t buf[600];
    ng_rng rng;
    ng_rng_seed(&rng, 1071);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)ng_rng_u64(&rng);
    memset(buf + 100, 0xFF, 200); /* long carries */
    for (size_t off = 0; off < 8; off++)
        for (size_t len = 0; len + off <= 520; len++)
            assert_int_equal(ng_csum(buf + off, len), reference_csum(buf + off, len, 0));
}

static void test_pseudo_header_v4_and_v6(void **state)
{
    (void)state;
    uint8_t seg[37];
    for (size_t i = 0; i < sizeof seg; i++)
        seg[i] = (uint8_t)(i * 37 + 11);
    const uint8_t s4[4] = {10, 0, 0, 1}, d4[4] = {172, 16, 254, 9};
    uint8_t pseudo4[12 + sizeof seg] = {10, 0, 0, 1, 172, 16, 254, 9, 0, 6, 0, sizeof seg};
    memcpy(pseudo4 + 12, seg, sizeof seg);
    assert_int_equal(ng_l4_csum_v4(s4, d4, 6, seg, sizeof seg),
                     reference_csum(pseudo4, sizeof pseudo4, 0));

    uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8}, d6[16] = {0xfe, 0x80};
    s6[15] = 1, d6[15] = 0x42;
    uint8_t pseudo6[40 + sizeof seg] = {0};
    memcpy(pseudo6, s6, 16);
    memcpy(pseudo6 + 16, d6, 16);
    pseudo6[35] = sizeof seg;
    pseudo6[39] = 17;
    memcpy(pseudo6 + 40, seg, sizeof seg);
    assert_int_equal(ng_l4_csum_v6(s6, d6, 17, seg, sizeof seg),
                     reference_csum(pseudo6, sizeof pseudo6, 0));
}

static void test_filled_checksum_verifies_to_zero(void **state)
{
    (void)state;
    uint8_t seg[64];
    for (size_t i = 0; i < sizeof seg; i++)
        seg[i] = (uint8_t)(i ^ 0x5A);
    const uint8_t s[4] = {1, 2, 3, 4}, d[4] = {5, 6, 7, 8};
    seg[16] = seg[17] = 0;
    ng_put_be16(seg + 16, ng_l4_csum_v4(s, d, 6, seg, sizeof seg));
    assert_int_equal(ng_l4_csum_v4(s, d, 6, seg, sizeof seg), 0);
    seg[40] ^= 1;
    assert_int_not_equal(ng_l4_csum_v4(s, d, 6, seg, sizeof seg), 0);
}

static void test_incremental_update_equals_recompute(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 1624);
    uint8_t buf[40];
    for (int trial = 0; trial < 20000; trial++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (uint8_t)ng_rng_u64(&rng);
        if (trial % 7 == 0)
            memset(buf, trial % 2 ? 0xFF : 0, sizeof buf); /* edge sums 0x0000/0xFFFF */
        uint16_t before = ng_csum(buf, sizeof buf);
        size_t at = 2 * ng_rng_below(&rng, 9); /* a 32-bit field at an even offset */
        uint32_t old32 = ng_get_be32(buf + at), new32 = (uint32_t)ng_rng_u64(&rng);
        ng_put_be32(buf + at, new32);
        uint16_t full = ng_csum(buf, sizeof buf);
        uint16_t incr = ng_csum_update32(before, old32, new32);
        /* RFC 1624: both are valid encodings; they may differ only as 0x0000 vs 0xFFFF. */
        if (incr != full)
            assert_true((incr == 0 && full == 0xFFFF) || (incr == 0xFFFF && full == 0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_ipv4_header_vector),
        cmocka_unit_test(test_matches_reference_every_length_and_offset),
        cmocka_unit_test(test_pseudo_header_v4_and_v6),
        cmocka_unit_test(test_filled_checksum_verifies_to_zero),
        cmocka_unit_test(test_incremental_update_equals_recompute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
