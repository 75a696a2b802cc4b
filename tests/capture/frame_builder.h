/* frame_builder.h — building test frames byte by byte (header-only, for the capture
 * tests): Ethernet, IPv4/IPv6, TCP/UDP headers with fixed test addresses, length
 * fields patched once the payload is in, and dissection from an exact-size heap copy
 * so that AddressSanitizer catches any read past caplen. */
#ifndef NG_TEST_FRAME_BUILDER_H
#define NG_TEST_FRAME_BUILDER_H

#include <stdlib.h>
#include <string.h>

#include "capture/dissect.h"
#include "capture/packet.h"

typedef struct tframe {
    uint8_t b[4096];
    uint32_t n;
} tframe;

static inline uint32_t tf_put(tframe *f, const void *p, uint32_t n)
{
    uint32_t at = f->n;
    memcpy(f->b + f->n, p, n);
    f->n += n;
    return at;
}

static inline void tf_u8(tframe *f, uint8_t v) { f->b[f->n++] = v; }

static inline void tf_u16(tframe *f, uint16_t v)
{
    tf_u8(f, (uint8_t)(v >> 8));
    tf_u8(f, (uint8_t)v);
}

static inline void tf_u32(tframe *f, uint32_t v)
{
    tf_u16(f, (uint16_t)(v >> 16));
    tf_u16(f, (uint16_t)v);
}

static inline void tf_set16(tframe *f, uint32_t at, uint16_t v)
{
    f->b[at] = (uint8_t)(v >> 8);
    f->b[at + 1] = (uint8_t)v;
}

static inline void tf_zeros(tframe *f, uint32_t n)
{
    memset(f->b + f->n, 0, n);
    f->n += n;
}

static const uint8_t TF_DST_MAC[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t TF_SRC_MAC[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

static inline void tf_eth(tframe *f, uint16_t type)
{
    tf_put(f, TF_DST_MAC, 6);
    tf_put(f, TF_SRC_MAC, 6);
    tf_u16(f, type);
}

/* IPv4 10.0.0.1 -> 192.168.1.2, ttl 64, id 0x1234; opt_words extra 4-byte option words
 * (router alert then NOPs). Patch the total length with tf_ipv4_done. */
static inline uint32_t tf_ipv4(tframe *f, uint8_t proto, uint8_t opt_words, uint16_t frag)
{
    uint32_t at = f->n;
    tf_u8(f, (uint8_t)(0x40 | (5 + opt_words)));
    tf_u8(f, 0x10);
    tf_u16(f, 0);
    tf_u16(f, 0x1234);
    tf_u16(f, frag);
    tf_u8(f, 64);
    tf_u8(f, proto);
    tf_u16(f, 0);
    tf_u32(f, 0x0A000001);
    tf_u32(f, 0xC0A80102);
    for (uint8_t i = 0; i < opt_words; i++)
        tf_u32(f, i == 0 ? 0x94040000u : 0x01010101u);
    return at;
}

static inline void tf_ipv4_done(tframe *f, uint32_t at) { tf_set16(f, at + 2, (uint16_t)(f->n - at)); }

/* IPv6 2001:db8::1 -> fe80::2, hop limit 255, traffic class 0xb8, flow label 0x12345. */
static inline uint32_t tf_ipv6(tframe *f, uint8_t next)
{
    static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
    static const uint8_t dst[16] = { 0xfe, 0x80, [15] = 2 };
    uint32_t at = f->n;
    tf_u32(f, 0x6B812345u);
    tf_u16(f, 0);
    tf_u8(f, next);
    tf_u8(f, 255);
    tf_put(f, src, 16);
    tf_put(f, dst, 16);
    return at;
}

static inline void tf_ipv6_done(tframe *f, uint32_t at) { tf_set16(f, at + 4, (uint16_t)(f->n - at - 40)); }

/* An IPv6 extension header of 8 * (len8 + 1) bytes (not for AH or fragment). */
static inline void tf_ipv6_ext(tframe *f, uint8_t next, uint8_t len8)
{
    tf_u8(f, next);
    tf_u8(f, len8);
    tf_zeros(f, 6u + 8u * len8);
}

/* TCP 40000 -> 80, seq 1000, ack 2000, window 512; options padded by the caller to 4. */
static inline uint32_t tf_tcp(tframe *f, uint8_t flags, const uint8_t *opts, uint32_t optlen)
{
    uint32_t at = f->n;
    tf_u16(f, 40000);
    tf_u16(f, 80);
    tf_u32(f, 1000);
    tf_u32(f, 2000);
    tf_u8(f, (uint8_t)(((20 + optlen) / 4) << 4));
    tf_u8(f, flags);
    tf_u16(f, 512);
    tf_u16(f, 0);
    tf_u16(f, 0);
    if (optlen)
        tf_put(f, opts, optlen);
    return at;
}

/* UDP 5353 -> 53; patch the length with tf_udp_done. */
static inline uint32_t tf_udp(tframe *f)
{
    uint32_t at = f->n;
    tf_u16(f, 5353);
    tf_u16(f, 53);
    tf_u16(f, 0);
    tf_u16(f, 0);
    return at;
}

static inline void tf_udp_done(tframe *f, uint32_t at) { tf_set16(f, at + 4, (uint16_t)(f->n - at)); }

/* Dissect the first caplen bytes of a frame that was wirelen bytes on the wire. */
static inline ng_packet tf_dissect_cut(const tframe *f, uint32_t linktype, uint32_t caplen,
                                       uint32_t wirelen)
{
    ng_packet pkt;
    memset(&pkt, 0xA5, sizeof pkt); /* stale garbage must be cleared by the dissector */
    pkt.linktype = linktype;
    pkt.caplen = caplen;
    pkt.wirelen = wirelen;
    uint8_t *copy = calloc(1, caplen ? caplen : 1);
    memcpy(copy, f->b, caplen);
    ng_dissect(&pkt, copy);
    free(copy);
    return pkt;
}

static inline ng_packet tf_dissect(const tframe *f, uint32_t linktype)
{
    return tf_dissect_cut(f, linktype, f->n, f->n);
}

static inline const char *tf_layers(const ng_packet *pkt)
{
    static char buf[256];
    ng_layers_format(pkt, buf, sizeof buf);
    return buf;
}

static inline const char *tf_addr(const ng_addr *a)
{
    static char buf[2][64];
    static int slot;
    slot ^= 1;
    ng_addr_format(a, buf[slot], sizeof buf[slot]);
    return buf[slot];
}

#endif
