/* eth.h — Ethernet II and 802.3 headers, with an optional 802.1Q tag.
 *
 * Writers take a buffer with room for ng_eth_header_len(spec) bytes and return the
 * number of bytes written; they never allocate and never check capacity (the frame
 * builders do, once per frame). */
#ifndef NG_SYNTH_ETH_H
#define NG_SYNTH_ETH_H

#include <stddef.h>
#include <stdint.h>

#include "synth/frame_spec.h"

enum { NG_ETHERTYPE_IPV4 = 0x0800, NG_ETHERTYPE_ARP = 0x0806, NG_ETHERTYPE_VLAN = 0x8100,
       NG_ETHERTYPE_IPV6 = 0x86DD };

/* 14, or 18 with a VLAN tag. (The one-line queries are inline: every frame asks them.) */
static inline size_t ng_eth_header_len(const ng_frame_spec *spec)
{
    return NG_ETH_HEADER_LEN + (spec->vlan ? NG_VLAN_TAG_LEN : 0);
}
/* MACs, the tag if spec->vlan, then type_or_length (an ethertype, or for 802.3 the
 * length of what follows the header, LLC included, padding excluded). */
size_t ng_put_eth(uint8_t *p, const ng_frame_spec *spec, uint16_t type_or_length);
/* Frame length after Ethernet padding: max(len, 60), or max(len, spec->eth_min_frame)
 * when that is set (1..60), or len when spec->no_eth_pad. */
static inline size_t ng_eth_padded_len(const ng_frame_spec *spec, size_t len)
{
    size_t min = spec->eth_min_frame && spec->eth_min_frame < NG_ETH_MIN_FRAME
                     ? spec->eth_min_frame : NG_ETH_MIN_FRAME;
    if (spec->no_eth_pad || len >= min)
        return len;
    return min;
}

#endif
