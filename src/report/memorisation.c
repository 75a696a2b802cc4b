/* memorisation.c — exact-copy detection of flows by hashing their (direction, length)
 * sequences; see memorisation.h.
 *
 * One pass over the time-sorted packets: each flow carries a running 64-bit hash
 * (multiply-xorshift over the symbols), its initiator side and its packet count; the
 * final hash folds in the count, so a prefix never equals the whole. */
#include "report/memorisation.h"

#include <math.h>
#include <stdlib.h>

typedef struct flow_hash {
    uint64_t h;
    uint8_t initiator_is_lo, seen;
} flow_hash;

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 31);
}

/* Hash every flow's sequence; signatures of the long-enough flows go to sig[] (in flow
 * order, sig[i] == 0 marks a short flow). */
static ng_status hash_flows(const ng_capture_summary *s, uint64_t **sig_out, ng_error *err)
{
    flow_hash *fh = calloc(s->n_flows ? s->n_flows : 1, sizeof *fh);
    uint64_t *sig = calloc(s->n_flows ? s->n_flows : 1, sizeof *sig);
    if (!fh || !sig) {
        free(fh), free(sig);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory hashing flows", s->label);
    }
    for (size_t i = 0; i < s->n_pkts; i++) {
        const ng_pkt_rec *p = &s->pkts[i];
        if (p->flow == NG_NO_FLOW)
            continue;
        flow_hash *f = &fh[p->flow];
        if (!f->seen) {
            f->seen = 1;
            f->initiator_is_lo = p->src_is_lo;
            f->h = 0x243f6a8885a308d3ULL;
        }
        uint64_t dir = p->src_is_lo != f->initiator_is_lo;
        f->h = mix(f->h, (dir << 32) | p->wirelen);
    }
    for (size_t f = 0; f < s->n_flows; f++) {
        uint64_t h = mix(fh[f].h, s->flows[f].packets);
        sig[f] = s->flows[f].packets >= NG_MEMO_MIN_PACKETS ? (h ? h : 1) : 0;
    }
    free(fh);
    *sig_out = sig;
    return NG_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

ng_status ng_memo_set_build(const ng_capture_summary *s, ng_memo_set *out, ng_error *err)
{
    out->sig = NULL;
    out->n = 0;
    uint64_t *sig;
    ng_status st = hash_flows(s, &sig, err);
    if (st != NG_OK)
        return st;
    size_t n = 0;
    for (size_t f = 0; f < s->n_flows; f++)
        if (sig[f])
            sig[n++] = sig[f];
    qsort(sig, n, sizeof *sig, cmp_u64);
    out->sig = sig;
    out->n = n;
    return NG_OK;
}

void ng_memo_set_free(ng_memo_set *set)
{
    free(set->sig);
    set->sig = NULL;
    set->n = 0;
}

ng_status ng_memo_score_of(const ng_capture_summary *s, const ng_memo_set *train,
                           ng_memo_score *out, ng_error *err)
{
    uint64_t *sig;
    ng_status st = hash_flows(s, &sig, err);
    if (st != NG_OK)
        return st;
    size_t flows = 0, hits = 0;
    for (size_t f = 0; f < s->n_flows; f++) {
        if (!sig[f])
            continue;
        flows++;
        if (train->n && bsearch(&sig[f], train->sig, train->n, sizeof *sig, cmp_u64))
            hits++;
    }
    free(sig);
    out->flows = (double)flows;
    out->memorised = (double)hits;
    out->share = flows ? (double)hits / (double)flows : NAN;
    return NG_OK;
}
