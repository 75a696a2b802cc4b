/* capture_format.c — encoding pcap file/record headers and pcapng SHB, IDB and EPB
 * blocks, little-endian (readers detect the byte order from the magic / BOM). */
#include "capture/capture_format.h"

#include <string.h>

enum {
    PCAP_MAGIC_US = 0xA1B2C3D4u, PCAP_MAGIC_NS = 0xA1B23C4Du,
    PCAPNG_SHB_TYPE = 0x0A0D0D0Au, PCAPNG_BOM = 0x1A2B3C4Du,
    PCAPNG_IDB_TYPE = 1, PCAPNG_EPB_TYPE = 6,
    OPT_ENDOFOPT = 0, OPT_IF_TSRESOL = 9, TSRESOL_NANOSECONDS = 9
};

/* The bytes are put together first and stored with one memcpy: compilers turn that into
 * a single store on a little-endian host (stored one by one, GCC 12 assembled the four
 * fields of a record header in vector registers: 90 instructions instead of 9). */
static uint8_t *put16(uint8_t *p, uint16_t v)
{
    uint8_t le[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    memcpy(p, le, 2);
    return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    memcpy(p, le, 4);
    return p + 4;
}

size_t ng_pcap_file_header(uint8_t *out, bool nanoseconds, uint32_t linktype, uint32_t snaplen)
{
    uint8_t *p = put32(out, nanoseconds ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
    p = put16(p, 2);  /* version 2.4 */
    p = put16(p, 4);
    p = put32(p, 0);  /* thiszone */
    p = put32(p, 0);  /* sigfigs */
    p = put32(p, snaplen);
    p = put32(p, linktype);
    return (size_t)(p - out);
}

size_t ng_pcap_record_header(uint8_t *out, uint32_t sec, uint32_t frac, uint32_t caplen,
                             uint32_t wirelen)
{
    uint8_t *p = put32(out, sec);
    p = put32(p, frac);
    p = put32(p, caplen);
    p = put32(p, wirelen);
    return (size_t)(p - out);
}

size_t ng_pcapng_section_header(uint8_t *out)
{
    uint8_t *p = put32(out, PCAPNG_SHB_TYPE);
    p = put32(p, NG_PCAPNG_SHB_LEN);
    p = put32(p, PCAPNG_BOM);
    p = put16(p, 1);            /* version 1.0 */
    p = put16(p, 0);
    p = put32(p, 0xFFFFFFFFu);  /* section length: unknown (-1) */
    p = put32(p, 0xFFFFFFFFu);
    p = put32(p, NG_PCAPNG_SHB_LEN);
    return (size_t)(p - out);
}

size_t ng_pcapng_interface_description(uint8_t *out, uint32_t linktype, uint32_t snaplen)
{
    uint8_t *p = put32(out, PCAPNG_IDB_TYPE);
    p = put32(p, NG_PCAPNG_IDB_LEN);
    p = put16(p, (uint16_t)linktype);
    p = put16(p, 0);            /* reserved */
    p = put32(p, snaplen);
    p = put16(p, OPT_IF_TSRESOL);
    p = put16(p, 1);
    *p++ = TSRESOL_NANOSECONDS;
    *p++ = 0;                   /* option padding to 4 bytes */
    *p++ = 0;
    *p++ = 0;
    p = put16(p, OPT_ENDOFOPT);
    p = put16(p, 0);
    p = put32(p, NG_PCAPNG_IDB_LEN);
    return (size_t)(p - out);
}

static uint32_t epb_total_len(uint32_t caplen)
{
    return NG_PCAPNG_EPB_HDR_LEN + caplen + ng_pcapng_pad(caplen) + NG_PCAPNG_EPB_TRAILER_LEN;
}

size_t ng_pcapng_packet_header(uint8_t *out, uint64_t ts_ns, uint32_t caplen, uint32_t wirelen)
{
    uint8_t *p = put32(out, PCAPNG_EPB_TYPE);
    p = put32(p, epb_total_len(caplen));
    p = put32(p, 0);            /* interface 0 */
    p = put32(p, (uint32_t)(ts_ns >> 32));
    p = put32(p, (uint32_t)ts_ns);
    p = put32(p, caplen);
    p = put32(p, wirelen);
    return (size_t)(p - out);
}

size_t ng_pcapng_packet_trailer(uint8_t *out, uint32_t caplen)
{
    return (size_t)(put32(out, epb_total_len(caplen)) - out);
}
