/* merge.c — k-way timestamp merge of capture readers through a binary heap of inputs.
 *
 * With a single input the heap has one element and the merge costs one comparison. */
#include "flow/merge.h"

#include <stdlib.h>
#include <string.h>

typedef struct merge_input {
    ng_reader *reader;
    ng_packet head; /* next packet of this input, valid when in the heap */
} merge_input;

struct ng_merge {
    merge_input *inputs;
    size_t n;
    size_t *heap; /* input indices, earliest head first */
    size_t heap_len;
    bool primed;
};

size_t ng_merge_count(const ng_merge *m)
{
    return m->n;
}

ng_reader *ng_merge_reader(const ng_merge *m, size_t i)
{
    return i < m->n ? m->inputs[i].reader : NULL;
}

uint64_t ng_merge_total_bytes(const ng_merge *m)
{
    uint64_t total = 0;
    for (size_t i = 0; i < m->n; i++)
        total += ng_reader_file_size(m->inputs[i].reader);
    return total;
}

uint64_t ng_merge_bytes_read(const ng_merge *m)
{
    uint64_t done = 0;
    for (size_t i = 0; i < m->n; i++)
        done += ng_reader_get_stats(m->inputs[i].reader)->bytes_read;
    return done;
}

void ng_merge_close(ng_merge *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        ng_reader_close(m->inputs[i].reader);
    free(m->inputs);
    free(m->heap);
    free(m);
}

ng_status ng_merge_open(ng_merge **out, const char *const *paths, size_t n, ng_error *err)
{
    *out = NULL;
    if (n == 0)
        return ng_fail(err, NG_EINVAL, "no input captures given");
    ng_merge *m = calloc(1, sizeof *m);
    if (!m || !(m->inputs = calloc(n, sizeof *m->inputs)) ||
        !(m->heap = calloc(n, sizeof *m->heap))) {
        ng_merge_close(m);
        return ng_fail(err, NG_ENOMEM, "out of memory opening %zu captures", n);
    }
    for (size_t i = 0; i < n; i++) {
        ng_status st = ng_reader_open(&m->inputs[i].reader, paths[i], err);
        if (st != NG_OK) {
            ng_merge_close(m);
            return st;
        }
        m->n = i + 1;
    }
    *out = m;
    return NG_OK;
}

static bool input_less(const ng_merge *m, size_t a, size_t b)
{
    int64_t ta = m->inputs[a].head.ts_ns, tb = m->inputs[b].head.ts_ns;
    return ta < tb || (ta == tb && a < b);
}

static void sift_down(ng_merge *m, size_t i)
{
    for (;;) {
        size_t best = i, l = 2 * i + 1, r = l + 1;
        if (l < m->heap_len && input_less(m, m->heap[l], m->heap[best]))
            best = l;
        if (r < m->heap_len && input_less(m, m->heap[r], m->heap[best]))
            best = r;
        if (best == i)
            return;
        size_t tmp = m->heap[i];
        m->heap[i] = m->heap[best];
        m->heap[best] = tmp;
        i = best;
    }
}

/* Read input i's next packet into its head; *got false at its end. */
static ng_status advance(ng_merge *m, size_t i, bool *got, ng_error *err)
{
    return ng_reader_next(m->inputs[i].reader, &m->inputs[i].head, NULL, got, err);
}

static ng_status prime(ng_merge *m, ng_error *err)
{
    for (size_t i = 0; i < m->n; i++) {
        bool got;
        ng_status st = advance(m, i, &got, err);
        if (st != NG_OK)
            return st;
        if (got)
            m->heap[m->heap_len++] = i;
    }
    for (size_t i = m->heap_len; i-- > 0;)
        sift_down(m, i);
    m->primed = true;
    return NG_OK;
}

ng_status ng_merge_next(ng_merge *m, ng_packet *pkt, size_t *file_index, bool *got,
                        ng_error *err)
{
    *got = false;
    if (!m->primed) {
        ng_status st = prime(m, err);
        if (st != NG_OK)
            return st;
    }
    if (m->heap_len == 0)
        return NG_OK;
    size_t i = m->heap[0];
    *pkt = m->inputs[i].head;
    if (file_index)
        *file_index = i;
    *got = true;
    bool more;
    ng_status st = advance(m, i, &more, err);
    if (st != NG_OK)
        return st;
    if (!more)
        m->heap[0] = m->heap[--m->heap_len];
    if (m->heap_len)
        sift_down(m, 0);
    return NG_OK;
}
