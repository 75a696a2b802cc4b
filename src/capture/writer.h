/* writer.h — writing captures: classic pcap (micro- or nanosecond timestamps) and
 * pcapng (one section, one interface, nanosecond timestamps, Enhanced Packet Blocks).
 *
 * Output goes through core/outfile.h: the file appears whole at ng_writer_close or not
 * at all (ng_writer_abort, or a failed close); "-" writes to standard output. Files are
 * little-endian whatever the host, so the same packets give the same bytes everywhere.
 * Records longer than the snap length are cut to it (the wire length is kept). pcap
 * stores seconds in 32 bits: timestamps before 1970 or after 2106 are refused. DLT_RAW
 * (12 or 14) is written as LINKTYPE_RAW (101), as libpcap does.
 *
 * A packet can also be built in place, in the writer's own buffer, which saves copying
 * it: ng_writer_reserve gives room for its bytes, ng_writer_commit appends the record
 * around them. Nothing is written before the commit, so a reservation that is not
 * committed (the packet could not be built) leaves no trace. */
#ifndef NG_CAPTURE_WRITER_H
#define NG_CAPTURE_WRITER_H

#include <stdint.h>

#include "core/error.h"

typedef enum ng_capture_format {
    NG_CAPTURE_PCAP_US = 0, /* classic pcap, microsecond timestamps (magic a1b2c3d4) */
    NG_CAPTURE_PCAP_NS,     /* classic pcap, nanosecond timestamps (magic a1b23c4d) */
    NG_CAPTURE_PCAPNG       /* pcapng, if_tsresol = 9 (nanoseconds) */
} ng_capture_format;

#define NG_WRITER_DEFAULT_SNAPLEN 262144u

typedef struct ng_writer ng_writer;

/* snaplen 0 means NG_WRITER_DEFAULT_SNAPLEN. */
ng_status ng_writer_open(ng_writer **out, const char *path, ng_capture_format format,
                         uint32_t linktype, uint32_t snaplen, ng_error *err);
/* Append one packet: caplen bytes of data, wirelen >= caplen bytes on the wire. */
ng_status ng_writer_write(ng_writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                          uint32_t wirelen, ng_error *err);
/* Room for up to max_caplen (<= NG_WRITER_MAX_RESERVE) bytes of one packet, valid
 * until the next call on the writer: build the packet at *room, then commit it. */
#define NG_WRITER_MAX_RESERVE (128u * 1024u)
ng_status ng_writer_reserve(ng_writer *w, uint32_t max_caplen, uint8_t **room, ng_error *err);
/* Append the reserved packet as ng_writer_write would: its first caplen bytes
 * (caplen <= the max_caplen reserved) are at the room, wirelen >= caplen on the wire. */
ng_status ng_writer_commit(ng_writer *w, int64_t ts_ns, uint32_t caplen, uint32_t wirelen,
                           ng_error *err);
/* Flush and commit the file, then free the writer (also on failure). */
ng_status ng_writer_close(ng_writer *w, ng_error *err);
/* Discard the output and free the writer. NULL is fine. */
void ng_writer_abort(ng_writer *w);

uint64_t ng_writer_packets(const ng_writer *w);

/* "pcap" (= "pcap-us"), "pcap-ns", "pcapng" -> format; NG_EINVAL names the choices. */
ng_status ng_capture_format_parse(const char *name, ng_capture_format *format, ng_error *err);
const char *ng_capture_format_name(ng_capture_format format);

#endif
