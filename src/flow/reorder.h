/* reorder.h — a bounded buffer that puts packets back in timestamp order.
 *
 * Inter-arrival times need sorted timestamps; captures are not always sorted. Packets
 * are held in a window of at most `window` packets and released smallest timestamp
 * first (ties: arrival order, so the result is a stable sort whenever the disorder fits
 * the window). In-order packets go to a FIFO (O(1)); only out-of-order ones pay for a
 * min-heap. A packet older than one already released is "late": it cannot be put in
 * place, so its timestamp is raised to the last released one (time never goes back
 * downstream) and it is counted. No allocation after ng_reorder_init.
 *
 * Use: while (ng_reorder_full(r)) { ng_reorder_pop(r, &p); use(p); } ng_reorder_push(r, pkt);
 *      ... at the end: while (ng_reorder_pop(r, &p)) use(p); */
#ifndef NG_FLOW_REORDER_H
#define NG_FLOW_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"

#define NG_REORDER_DEFAULT_WINDOW 65536

typedef struct ng_reorder_heap_entry {
    int64_t ts_ns;
    uint64_t seq;
    uint32_t slot;
} ng_reorder_heap_entry;

typedef struct ng_reorder {
    size_t window;
    ng_packet *pool;      /* window packets */
    uint32_t *free_slots; /* stack of free pool slots */
    size_t n_free;
    uint32_t *fifo;       /* ring of pool slots holding in-order packets */
    uint64_t *fifo_seq;
    size_t fifo_head, fifo_len;
    ng_reorder_heap_entry *heap;
    size_t heap_len;
    uint64_t next_seq;
    int64_t max_in_ns;    /* latest timestamp pushed */
    int64_t last_out_ns;  /* timestamp of the last released packet */
    bool any_in, any_out;
    uint64_t reordered;   /* out-of-order packets put back in place */
    uint64_t late;        /* out-of-order packets too late to fix */
} ng_reorder;

/* window 0 means NG_REORDER_DEFAULT_WINDOW. */
ng_status ng_reorder_init(ng_reorder *r, size_t window, ng_error *err);
void ng_reorder_free(ng_reorder *r);
bool ng_reorder_full(const ng_reorder *r);
size_t ng_reorder_count(const ng_reorder *r);
/* Add a packet; the buffer must not be full. */
void ng_reorder_push(ng_reorder *r, const ng_packet *pkt);
/* Release the earliest packet into *out; false when empty. */
bool ng_reorder_pop(ng_reorder *r, ng_packet *out);

#endif
