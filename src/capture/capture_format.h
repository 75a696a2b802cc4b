/* capture_format.h — byte layouts of the pcap and pcapng structures the writer emits
 * (internal to the capture module). Each function encodes into out, little-endian, and
 * returns the number of bytes written; sizes are fixed and given by the constants. */
#ifndef NG_CAPTURE_CAPTURE_FORMAT_H
#define NG_CAPTURE_CAPTURE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    NG_PCAP_FILE_HDR_LEN = 24,
    NG_PCAP_RECORD_HDR_LEN = 16,
    NG_PCAPNG_SHB_LEN = 28,
    NG_PCAPNG_IDB_LEN = 32,          /* with if_tsresol and opt_endofopt */
    NG_PCAPNG_EPB_HDR_LEN = 28,      /* block type .. original length */
    NG_PCAPNG_EPB_TRAILER_LEN = 4    /* the repeated block total length */
};

size_t ng_pcap_file_header(uint8_t *out, bool nanoseconds, uint32_t linktype, uint32_t snaplen);
size_t ng_pcap_record_header(uint8_t *out, uint32_t sec, uint32_t frac, uint32_t caplen,
                             uint32_t wirelen);

size_t ng_pcapng_section_header(uint8_t *out);
size_t ng_pcapng_interface_description(uint8_t *out, uint32_t linktype, uint32_t snaplen);
/* Bytes of padding that bring n up to a multiple of 4. */
static inline uint32_t ng_pcapng_pad(uint32_t n) { return (4 - (n & 3)) & 3; }
/* Header of an Enhanced Packet Block for caplen bytes of data (padded by the caller). */
size_t ng_pcapng_packet_header(uint8_t *out, uint64_t ts_ns, uint32_t caplen, uint32_t wirelen);
size_t ng_pcapng_packet_trailer(uint8_t *out, uint32_t caplen);

#endif
