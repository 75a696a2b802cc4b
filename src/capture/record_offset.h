/* record_offset.h — where packet N starts in a pcap or pcapng file (internal).
 *
 * The reader does not track byte offsets while reading (asking the stream for its
 * position costs a system call per packet); when a record fails, it asks this module,
 * which walks the file's record headers (pcap) or blocks (pcapng) from the start with
 * its own stream. Only used on the error path. */
#ifndef NG_CAPTURE_RECORD_OFFSET_H
#define NG_CAPTURE_RECORD_OFFSET_H

#include <stdbool.h>
#include <stdint.h>

/* Offset of the record header (pcap) or block (pcapng) of 1-based packet `number`;
 * false when the file cannot be walked that far (e.g. unreadable). */
bool ng_record_offset(const char *path, uint64_t number, int64_t *offset);

#endif
