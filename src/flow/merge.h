/* merge.h — several captures read as one stream, merged by timestamp.
 *
 * A k-way merge: each open reader holds its next packet, and a min-heap over the
 * readers (by that packet's timestamp, then by file order) yields the earliest.
 * Each file is read in its own order: disorder inside a file is left for the reorder
 * buffer behind the merge (reorder.h). Packet numbers stay per file; *file_index says
 * which input a packet came from, so errors can name it. */
#ifndef NG_FLOW_MERGE_H
#define NG_FLOW_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/reader.h"
#include "core/error.h"

typedef struct ng_merge ng_merge;

/* Open every path (all must open, else nothing stays open and err names the file). */
ng_status ng_merge_open(ng_merge **out, const char *const *paths, size_t n, ng_error *err);
/* Next packet in timestamp order; *got = false at the end of every input. */
ng_status ng_merge_next(ng_merge *m, ng_packet *pkt, size_t *file_index, bool *got,
                        ng_error *err);
size_t ng_merge_count(const ng_merge *m);
ng_reader *ng_merge_reader(const ng_merge *m, size_t i);
/* Sum of the inputs' sizes and of the bytes consumed so far (for progress). */
uint64_t ng_merge_total_bytes(const ng_merge *m);
uint64_t ng_merge_bytes_read(const ng_merge *m);
void ng_merge_close(ng_merge *m);

#endif
