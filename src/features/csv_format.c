/* csv_format.c — decimal digits two at a time from a 200-byte table. */
#include "features/csv_format.h"

#include <string.h>

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t ng_fmt_u64(char *dst, uint64_t v)
{
    char tmp[NG_FMT_U64_MAX];
    char *p = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned pair = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = digit_pairs[pair + 1];
        *--p = digit_pairs[pair];
    }
    if (v >= 10) {
        *--p = digit_pairs[v * 2 + 1];
        *--p = digit_pairs[v * 2];
    } else {
        *--p = (char)('0' + v);
    }
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(dst, p, n);
    return n;
}

/* Exactly 9 digits, zero padded. */
static void fmt_nanos9(char *dst, uint32_t v)
{
    for (int i = 8; i > 0; i -= 2) {
        unsigned pair = (v % 100) * 2;
        v /= 100;
        dst[i] = digit_pairs[pair + 1];
        dst[i - 1] = digit_pairs[pair];
    }
    dst[0] = (char)('0' + v);
}

size_t ng_fmt_seconds_ns(char *dst, int64_t ns)
{
    size_t n = 0;
    uint64_t mag = (uint64_t)ns;
    if (ns < 0) {
        dst[n++] = '-';
        mag = (uint64_t)0 - mag;
    }
    n += ng_fmt_u64(dst + n, mag / 1000000000u);
    dst[n++] = '.';
    fmt_nanos9(dst + n, (uint32_t)(mag % 1000000000u));
    return n + 9;
}

size_t ng_fmt_mac(char *dst, const uint8_t mac[6])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        dst[3 * i] = hex[mac[i] >> 4];
        dst[3 * i + 1] = hex[mac[i] & 15];
        if (i < 5)
            dst[3 * i + 2] = ':';
    }
    return 17;
}

size_t ng_fmt_str(char *dst, const char *s)
{
    size_t n = strlen(s);
    memcpy(dst, s, n);
    return n;
}
