/* l2_frames.c — ARP, LLC and ECTP loopback frame builders; see l2_frames.h. */
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

/* ECTP fields are little-endian (Ethernet V2.0 Configuration Testing Protocol). */
static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

size_t ng_build_loopback_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    size_t head = 4 + (spec->loop_function == NG_LOOP_REPLY     ? 2
                       : spec->loop_function == NG_LOOP_FORWARD ? 6
                                                                : 0);
    size_t body = spec->payload_len > head ? spec->payload_len : head;
    if (body > NG_ETH_MAX_BODY)
        return 0;
    size_t l2 = ng_eth_header_len(spec);
    size_t frame = l2 + body;
    size_t padded = ng_eth_padded_len(spec, frame);
    if (padded > cap)
        return 0;
    ng_put_eth(buf, spec, NG_ETHERTYPE_LOOPBACK);
    uint8_t *p = buf + l2;
    put_le16(p, spec->loop_skip);
    put_le16(p + 2, spec->loop_function);
    if (spec->loop_function == NG_LOOP_REPLY)
        put_le16(p + 4, spec->loop_receipt);
    else if (spec->loop_function == NG_LOOP_FORWARD)
        memcpy(p + 4, spec->loop_forward, 6);
    if (spec->payload)
        memcpy(p + head, spec->payload, body - head);
    else
        memset(p + head, 0, body - head);
    memset(buf + frame, 0, padded - frame);
    return padded;
}
