/* l2_frames.c — ARP and LLC frame builders; see l2_frames.h. */
#include "synth/l2_frames.h"

#include <string.h>

#include "synth/byteorder.h"
#include "synth/eth.h"

enum { ARP_HW_ETHERNET = 1, LLC_MAX_LENGTH = 0x05FF };

static void put_arp_body(uint8_t *p, const ng_frame_spec *spec)
{
    ng_put_be16(p, ARP_HW_ETHERNET);
    ng_put_be16(p + 2, NG_ETHERTYPE_IPV4);
    p[4] = 6;
    p[5] = 4;
    ng_put_be16(p + 6, spec->arp_op);
    memcpy(p + 8, spec->src_mac, 6);
    memcpy(p + 14, spec->src.bytes, 4);
    if (spec->arp_op == NG_ARP_REPLY)
        memcpy(p + 18, spec->dst_mac, 6);
    else
        memset(p + 18, 0, 6);
    memcpy(p + 24, spec->dst.bytes, 4);
}

size_t ng_build_arp_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    if (spec->src.family != 4 || spec->dst.family != 4)
        return 0;
    size_t l2 = ng_eth_header_len(spec);
    size_t frame = l2 + NG_ARP_FRAME_BODY_LEN;
    size_t padded = ng_eth_padded_len(spec, frame);
    if (padded > cap)
        return 0;
    ng_put_eth(buf, spec, NG_ETHERTYPE_ARP);
    put_arp_body(buf + l2, spec);
    memset(buf + frame, 0, padded - frame);
    return padded;
}

size_t ng_build_llc_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    size_t body = NG_LLC_HEADER_LEN + (size_t)spec->payload_len;
    if (body > LLC_MAX_LENGTH || (spec->llc_control & 3) != 3)
        return 0;
    size_t l2 = ng_eth_header_len(spec);
    size_t frame = l2 + body;
    size_t padded = ng_eth_padded_len(spec, frame);
    if (padded > cap)
        return 0;
    ng_put_eth(buf, spec, (uint16_t)body);
    uint8_t *llc = buf + l2;
    llc[0] = spec->llc_dsap;
    llc[1] = spec->llc_ssap;
    llc[2] = spec->llc_control;
    if (spec->payload)
        memcpy(llc + NG_LLC_HEADER_LEN, spec->payload, spec->payload_len);
    else
        memset(llc + NG_LLC_HEADER_LEN, 0, spec->payload_len);
    memset(buf + frame, 0, padded - frame);
    return padded;
}
