/* close_tail.c — packets after the first FIN in training; see close_tail.h. */
#include "model/close_tail.h"

#include <stdlib.h>

#include "capture/packet.h"

static bool has_fin(const ng_flow_codec *codec, const ng_flow_token *t)
{
    return t->flag_idx < codec->flags.n && (codec->flags.values[t->flag_idx] & NG_TCP_FIN);
}

/* Packets after the flow's first FIN, or -1 without one. */
static long after_first_fin(const ng_flow_codec *codec, const ng_flow_token *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_fin(codec, &t[i]))
            return (long)(n - 1 - i);
    return -1;
}

static ng_status reserve(ng_close_tail_counts *c, size_t more, ng_error *err)
{
    if (c->n_flows + more <= c->capacity)
        return NG_OK;
    size_t cap = c->n_flows + more;
    size_t *a = realloc(c->after, cap * sizeof *a);
    if (!a)
        return ng_fail(err, NG_ENOMEM, "no memory for %zu close counts", cap);
    c->after = a, c->capacity = cap;
    return NG_OK;
}

ng_status ng_close_tail_add(ng_close_tail_counts *c, const ng_flow_codec *codec,
                            const ng_flow_token *tokens, const size_t *first, size_t n_flows,
                            ng_error *err)
{
    ng_status st = reserve(c, n_flows, err);
    if (st)
        return st;
    for (size_t f = 0; f < n_flows; f++) {
        long after = after_first_fin(codec, tokens + first[f], first[f + 1] - first[f]);
        if (after >= 0)
            c->after[c->n_flows++] = (size_t)after;
    }
    return NG_OK;
}

static int by_value(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

uint32_t ng_close_tail_of(ng_close_tail_counts *c)
{
    if (c->n_flows < NG_CLOSE_TAIL_MIN_FLOWS)
        return NG_CLOSE_TAIL_NONE;
    qsort(c->after, c->n_flows, sizeof *c->after, by_value);
    size_t p90 = c->after[(c->n_flows * 9 + 9) / 10 - 1]; /* the ceil(0.9 n)-th smallest */
    return p90 < NG_CLOSE_TAIL_MAX ? (uint32_t)p90 : NG_CLOSE_TAIL_MAX;
}

void ng_close_tail_counts_free(ng_close_tail_counts *c)
{
    free(c->after);
    *c = (ng_close_tail_counts){0};
}
