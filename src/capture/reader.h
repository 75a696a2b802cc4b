/* reader.h — reading pcap and pcapng files, one dissected packet at a time.
 *
 * Backed by libpcap with nanosecond timestamps. Every packet comes back dissected
 * (ng_packet, see dissect.h for what is filled and how lies are flagged) together with
 * its raw bytes. The format is told by the magic, not the file name.
 *
 * Errors are one line naming the file and, for records, the packet number and the
 * byte offset of its record header (pcap) or block (pcapng): missing or unreadable
 * file, directory (NG_EIO); empty file, bad magic (first bytes shown in hex), truncated
 * file header, truncated record, absurd caplen (NG_EFORMAT); link types the dissector
 * does not know (NG_EUNSUPPORTED, with the DLT number and libpcap's name for it).
 *
 * Quirks: a zero-length record is returned as a packet with caplen 0 and no layers.
 * libpcap clips a record longer than the file's snap length to that length (the wire
 * length is kept), so such a packet counts as truncated. A record whose caplen exceeds
 * its wire length gets wirelen = caplen and counts as malformed. Out-of-order
 * timestamps are returned as they are and counted; sorting is the flow layer's job. */
#ifndef NG_CAPTURE_READER_H
#define NG_CAPTURE_READER_H

#include <stdint.h>
#include <stdbool.h>

#include "capture/packet.h"
#include "core/error.h"

typedef struct ng_reader ng_reader;

typedef struct ng_reader_stats {
    uint64_t packets;        /* records returned */
    uint64_t truncated;      /* caplen < wire length */
    uint64_t malformed;      /* dissector found a lying header */
    uint64_t out_of_order;   /* timestamp earlier than the previous record's */
    uint64_t bytes_read;     /* file bytes consumed so far (for progress; refreshed every
                                4096 packets, equal to the file size at the end) */
} ng_reader_stats;

/* Open a capture. Refuses empty files, non-captures and unsupported link types
 * with a message naming the file. */
ng_status ng_reader_open(ng_reader **out, const char *path, ng_error *err);

/* Next packet: returns NG_OK with *got = true, NG_OK with *got = false at end of file,
 * or an error (e.g. a truncated record) naming file and packet number.
 * *data (may be NULL) points at pkt->caplen raw bytes, valid until the next call. */
ng_status ng_reader_next(ng_reader *r, ng_packet *pkt, const uint8_t **data, bool *got,
                         ng_error *err);

const char *ng_reader_path(const ng_reader *r);
uint32_t ng_reader_linktype(const ng_reader *r);
uint64_t ng_reader_file_size(const ng_reader *r);
const ng_reader_stats *ng_reader_get_stats(const ng_reader *r);
void ng_reader_close(ng_reader *r);

#endif
