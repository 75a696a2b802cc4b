/* csv_format.h — fast hand-written number formatting for CSV rows.
 *
 * Each function writes at dst (no terminating NUL) and returns the bytes written.
 * Integers in decimal; times as seconds with exactly 9 decimals (exact for integer
 * nanoseconds, sign first when negative); MACs as aa:bb:cc:dd:ee:ff. No locale, no
 * printf: the packet CSV writer calls these ~15 times per row. */
#ifndef NG_FEATURES_CSV_FORMAT_H
#define NG_FEATURES_CSV_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define NG_FMT_U64_MAX 20
#define NG_FMT_SECONDS_MAX 32

size_t ng_fmt_u64(char *dst, uint64_t v);
size_t ng_fmt_seconds_ns(char *dst, int64_t ns);
size_t ng_fmt_mac(char *dst, const uint8_t mac[6]);
size_t ng_fmt_str(char *dst, const char *s);

#endif
