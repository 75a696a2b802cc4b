/* l2_frames.c — ARP, LLC and ECTP loopback frame builders; see l2_frames.h. */
#include "synth/l2_frames.h"

#include <string.h>

#include "synth/byteorder.h"
#include "synth/eth.h"

enum { ARP_HW_ETHERNET = 1, LLC_MAX_LENGTH = 0x05FF };

/* The frame of an L2 body: its Ethernet header length (*l2) and its length padded to
 * the spec's minimum frame, or 0 when that does not fit in cap. */
static size_t frame_room(const ng_frame_spec *spec, size_t body, size_t cap, size_t *l2)
{
    *l2 = ng_eth_header_len(spec);
    size_t padded = ng_eth_padded_len(spec, *l2 + body);
    return padded > cap ? 0 : padded;
}

/* n bytes of the spec's payload at p, zeros without one. */
static void put_payload(uint8_t *p, const ng_frame_spec *spec, size_t n)
{
    if (spec->payload)
        memcpy(p, spec->payload, n);
    else
        memset(p, 0, n);
}

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
    size_t l2, padded = frame_room(spec, NG_ARP_FRAME_BODY_LEN, cap, &l2);
    if (!padded)
        return 0;
    memset(buf, 0, padded);
    ng_put_eth(buf, spec, NG_ETHERTYPE_ARP);
    put_arp_body(buf + l2, spec);
    return padded;
}

size_t ng_build_llc_frame(uint8_t *buf, size_t cap, const ng_frame_spec *spec)
{
    size_t body = NG_LLC_HEADER_LEN + (size_t)spec->payload_len;
    if (body > LLC_MAX_LENGTH || (spec->llc_control & 3) != 3)
        return 0;
    size_t l2, padded = frame_room(spec, body, cap, &l2);
    if (!padded)
        return 0;
    memset(buf, 0, padded);
    ng_put_eth(buf, spec, (uint16_t)body);
    uint8_t *llc = buf + l2;
    llc[0] = spec->llc_dsap;
    llc[1] = spec->llc_ssap;
    llc[2] = spec->llc_control;
    put_payload(llc + NG_LLC_HEADER_LEN, spec, spec->payload_len);
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
    size_t l2, padded = frame_room(spec, body, cap, &l2);
    if (!padded)
        return 0;
    memset(buf, 0, padded);
    ng_put_eth(buf, spec, NG_ETHERTYPE_LOOPBACK);
    uint8_t *p = buf + l2;
    put_le16(p, spec->loop_skip);
    put_le16(p + 2, spec->loop_function);
    if (spec->loop_function == NG_LOOP_REPLY)
        put_le16(p + 4, spec->loop_receipt);
    else if (spec->loop_function == NG_LOOP_FORWARD)
        memcpy(p + 4, spec->loop_forward, 6);
    put_payload(p + head, spec, body - head);
    return padded;
}
