/* eth.c — Ethernet II / 802.3 header writer; see eth.h. */
#include "synth/eth.h"

#include <string.h>

#include "synth/byteorder.h"

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
