/* eth.c — Ethernet II / 802.3 header writer; see eth.h. */
#include "synth/eth.h"

#include <string.h>

#include "synth/byteorder.h"

size_t ng_eth_header_len(const ng_frame_spec *spec)
{
    return NG_ETH_HEADER_LEN + (spec->vlan ? NG_VLAN_TAG_LEN : 0);
}

size_t ng_put_eth(uint8_t *p, const ng_frame_spec *spec, uint16_t type_or_length)
{
    memcpy(p, spec->dst_mac, 6);
    memcpy(p + 6, spec->src_mac, 6);
    size_t off = 12;
    if (spec->vlan) {
        ng_put_be16(p + off, NG_ETHERTYPE_VLAN);
        uint16_t tci = (uint16_t)(((spec->vlan_pcp & 7u) << 13) | (spec->vlan_id & 0x0FFFu));
        ng_put_be16(p + off + 2, tci);
        off += NG_VLAN_TAG_LEN;
    }
    ng_put_be16(p + off, type_or_length);
    return off + 2;
}

size_t ng_eth_padded_len(const ng_frame_spec *spec, size_t len)
{
    size_t min = spec->eth_min_frame && spec->eth_min_frame < NG_ETH_MIN_FRAME
                     ? spec->eth_min_frame : NG_ETH_MIN_FRAME;
    if (spec->no_eth_pad || len >= min)
        return len;
    return min;
}
