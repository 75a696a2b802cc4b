/* reorder.c — FIFO for in-order packets, min-heap for the rest, one shared slot pool.
 *
 * The FIFO only receives packets whose timestamp is >= the FIFO's newest, so it is
 * sorted; the heap holds every packet that arrived behind that. pop takes the smaller
 * (ts, seq) of the FIFO head and the heap top. */
#include "flow/reorder.h"

#include <stdlib.h>
#include <string.h>

ng_status ng_reorder_init(ng_reorder *r, size_t window, ng_error *err)
{
    memset(r, 0, sizeof *r);
    r->window = window ? window : NG_REORDER_DEFAULT_WINDOW;
    if (r->window > UINT32_MAX)
        return ng_fail(err, NG_EINVAL, "reorder window of %zu packets is too large", window);
    r->pool = malloc(r->window * sizeof *r->pool);
    r->free_slots = malloc(r->window * sizeof *r->free_slots);
    r->fifo = malloc(r->window * sizeof *r->fifo);
    r->fifo_seq = malloc(r->window * sizeof *r->fifo_seq);
    r->heap = malloc(r->window * sizeof *r->heap);
    if (!r->pool || !r->free_slots || !r->fifo || !r->fifo_seq || !r->heap) {
        ng_reorder_free(r);
        return ng_fail(err, NG_ENOMEM, "out of memory for a reorder window of %zu packets",
                       r->window);
    }
    for (size_t i = 0; i < r->window; i++)
        r->free_slots[i] = (uint32_t)(r->window - 1 - i);
    r->n_free = r->window;
    return NG_OK;
}

void ng_reorder_free(ng_reorder *r)
{
    free(r->pool);
    free(r->free_slots);
    free(r->fifo);
    free(r->fifo_seq);
    free(r->heap);
    memset(r, 0, sizeof *r);
}

size_t ng_reorder_count(const ng_reorder *r)
{
    return r->window - r->n_free;
}

bool ng_reorder_full(const ng_reorder *r)
{
    return r->n_free == 0;
}

static bool entry_less(const ng_reorder_heap_entry *a, const ng_reorder_heap_entry *b)
{
    return a->ts_ns < b->ts_ns || (a->ts_ns == b->ts_ns && a->seq < b->seq);
}

static void heap_push(ng_reorder *r, ng_reorder_heap_entry e)
{
    size_t i = r->heap_len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!entry_less(&e, &r->heap[parent]))
            break;
        r->heap[i] = r->heap[parent];
        i = parent;
    }
    r->heap[i] = e;
}

static ng_reorder_heap_entry heap_pop(ng_reorder *r)
{
    ng_reorder_heap_entry top = r->heap[0];
    ng_reorder_heap_entry last = r->heap[--r->heap_len];
    size_t i = 0, n = r->heap_len;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && entry_less(&r->heap[child + 1], &r->heap[child]))
            child++;
        if (!entry_less(&r->heap[child], &last))
            break;
        r->heap[i] = r->heap[child];
        i = child;
    }
    if (n)
        r->heap[i] = last;
    return top;
}

static int64_t fifo_tail_ts(const ng_reorder *r)
{
    size_t tail = (r->fifo_head + r->fifo_len - 1) % r->window;
    return r->pool[r->fifo[tail]].ts_ns;
}

void ng_reorder_push(ng_reorder *r, const ng_packet *pkt)
{
    uint32_t slot = r->free_slots[--r->n_free];
    ng_packet *p = &r->pool[slot];
    *p = *pkt;
    if (r->any_in && p->ts_ns < r->max_in_ns) {
        if (r->any_out && p->ts_ns < r->last_out_ns) {
            r->late++;
            p->ts_ns = r->last_out_ns;
        } else {
            r->reordered++;
        }
    }
    if (!r->any_in || p->ts_ns > r->max_in_ns)
        r->max_in_ns = p->ts_ns;
    r->any_in = true;
    uint64_t seq = r->next_seq++;
    if (r->fifo_len == 0 || p->ts_ns >= fifo_tail_ts(r)) {
        size_t tail = (r->fifo_head + r->fifo_len++) % r->window;
        r->fifo[tail] = slot;
        r->fifo_seq[tail] = seq;
    } else {
        heap_push(r, (ng_reorder_heap_entry){p->ts_ns, seq, slot});
    }
}

/* True when the FIFO head comes before the heap top. */
static bool fifo_first(const ng_reorder *r)
{
    if (r->fifo_len == 0)
        return false;
    if (r->heap_len == 0)
        return true;
    ng_reorder_heap_entry head = {r->pool[r->fifo[r->fifo_head]].ts_ns,
                                  r->fifo_seq[r->fifo_head], 0};
    return entry_less(&head, &r->heap[0]);
}

bool ng_reorder_pop(ng_reorder *r, ng_packet *out)
{
    uint32_t slot;
    if (fifo_first(r)) {
        slot = r->fifo[r->fifo_head];
        r->fifo_head = (r->fifo_head + 1) % r->window;
        r->fifo_len--;
    } else if (r->heap_len) {
        slot = heap_pop(r).slot;
    } else {
        return false;
    }
    *out = r->pool[slot];
    r->free_slots[r->n_free++] = slot;
    r->last_out_ns = out->ts_ns;
    r->any_out = true;
    return true;
}
