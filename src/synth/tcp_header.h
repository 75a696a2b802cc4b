/* tcp_header.h — the TCP header and its options.
 *
 * Options are written in the order Linux uses, each group padded with NOPs to a
 * 4-byte boundary: MSS (4), SACK-permitted + timestamps (12, or NOP NOP + either
 * alone), window scale (NOP + 3). So the options length is a multiple of 4 and at
 * most NG_TCP_MAX_OPTIONS_LEN (24), and the data offset is always exact. The checksum
 * field is left zero; the frame builder fills it once the payload is in place. */
#ifndef NG_SYNTH_TCP_HEADER_H
#define NG_SYNTH_TCP_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "synth/frame_spec.h"

/* Bytes of options for these NG_TCPOPT_* bits (0..24, a multiple of 4). Inline, as is
 * ng_tcp_header_len: every frame asks them. */
static inline size_t ng_tcp_options_len(uint8_t opts)
{
    size_t len = 0;
    if (opts & NG_TCPOPT_MSS)
        len += 4;
    if (opts & NG_TCPOPT_TIMESTAMP)
        len += 12;
    else if (opts & NG_TCPOPT_SACK_OK)
        len += 4;
    if (opts & NG_TCPOPT_WSCALE)
        len += 4;
    return len;
}

/* 20 + options. */
static inline size_t ng_tcp_header_len(const ng_tcp_fields *tcp)
{
    return NG_TCP_HEADER_LEN + ng_tcp_options_len(tcp->opts);
}
/* Write the header (checksum zero); returns its length. */
size_t ng_put_tcp_header(uint8_t *p, uint16_t sport, uint16_t dport, const ng_tcp_fields *tcp);

#endif
