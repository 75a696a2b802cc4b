/* flow_sequences.c — tokens, windows and batches for training the flow level. */
#include "model/flow_sequences.h"

#include <stdlib.h>
#include <string.h>

static size_t count_windows(const ng_dataset *ds, const size_t *flows, size_t n_flows,
                            size_t max_steps, size_t *n_packets)
{
    size_t windows = 0;
    *n_packets = 0;
    for (size_t i = 0; i < n_flows; i++) {
        size_t n = ds->first[flows[i] + 1] - ds->first[flows[i]];
        *n_packets += n;
        windows += (n + 1 + max_steps - 1) / max_steps;
    }
    return windows;
}

static void encode_flow(ng_flow_corpus *c, size_t i, const ng_flow_codec *codec,
                        const ng_dataset *ds, const uint16_t *cluster_of_packet, size_t flow,
                        size_t max_steps)
{
    ng_flow_condition_of_flow(&ds->flows[flow], &c->cond[i]);
    size_t n;
    const ng_packet_row *rows = ng_dataset_flow_packets(ds, flow, &n);
    const uint16_t *clusters = cluster_of_packet + ds->first[flow];
    c->first[i + 1] = c->first[i] + n;
    for (size_t j = 0; j < n; j++)
        c->tokens[c->first[i] + j] = ng_flow_codec_token(codec, &rows[j], clusters[j]);
    for (size_t s = 0; s < n + 1; s += max_steps) {
        size_t len = n + 1 - s < max_steps ? n + 1 - s : max_steps;
        c->windows[c->n_windows++] = (ng_flow_window){(uint32_t)i, (uint32_t)s, (uint32_t)len};
        c->n_steps += len;
    }
}

ng_status ng_flow_corpus_build(ng_flow_corpus *c, const ng_flow_codec *codec,
                               const ng_dataset *ds, const uint16_t *cluster_of_packet,
                               const size_t *flows, size_t n_flows, size_t max_steps,
                               ng_error *err)
{
    memset(c, 0, sizeof *c);
    size_t n_packets;
    size_t n_windows = count_windows(ds, flows, n_flows, max_steps, &n_packets);
    c->cond = malloc((n_flows + 1) * sizeof *c->cond);
    c->first = calloc(n_flows + 1, sizeof *c->first);
    c->tokens = malloc((n_packets + 1) * sizeof *c->tokens);
    c->windows = malloc((n_windows + 1) * sizeof *c->windows);
    if (!c->cond || !c->first || !c->tokens || !c->windows) {
        ng_flow_corpus_free(c);
        return ng_fail(err, NG_ENOMEM, "no memory for %zu flow-level windows", n_windows);
    }
    c->n_flows = n_flows;
    for (size_t i = 0; i < n_flows; i++)
        encode_flow(c, i, codec, ds, cluster_of_packet, flows[i], max_steps);
    return NG_OK;
}

void ng_flow_corpus_free(ng_flow_corpus *c)
{
    free(c->cond);
    free(c->first);
    free(c->tokens);
    free(c->windows);
    memset(c, 0, sizeof *c);
}

ng_status ng_flow_batch_alloc(ng_flow_batch *b, const ng_flow_codec *codec, size_t max_batch,
                              size_t max_steps, ng_error *err)
{
    memset(b, 0, sizeof *b);
    size_t n = max_batch * max_steps;
    b->memory = calloc(n * (codec->input_size + 6), sizeof(float));
    b->imemory = calloc(n * 5 + max_batch, sizeof(int));
    if (!b->memory || !b->imemory) {
        ng_flow_batch_free(b);
        return ng_fail(err, NG_ENOMEM, "no memory for a flow-level batch (%zu steps)", n);
    }
    b->max_batch = max_batch, b->max_steps = max_steps;
    float *f = b->memory;
    b->x = f, f += n * codec->input_size;
    b->payload_z = f, f += n;
    b->iat_z = f, f += n;
    b->w_next = f, f += n;
    b->w_packet = f, f += n;
    b->w_iat = f, f += n;
    b->w_other = f;
    int *i = b->imemory;
    b->next = i, i += n;
    b->cluster = i, i += n;
    b->dir = i, i += n;
    b->flags = i, i += n;
    b->size = i, i += n;
    b->lengths = i;
    return NG_OK;
}

void ng_flow_batch_free(ng_flow_batch *b)
{
    free(b->memory);
    free(b->imemory);
    memset(b, 0, sizeof *b);
}

static void fill_step(ng_flow_batch *b, size_t r, const ng_flow_codec *codec,
                      const ng_flow_corpus *c, const ng_flow_window *w, size_t s)
{
    const ng_flow_token *tok = c->tokens + c->first[w->flow];
    size_t n = c->first[w->flow + 1] - c->first[w->flow];
    const ng_flow_condition *cond = &c->cond[w->flow];
    float *x = b->x + r * codec->input_size;
    ng_flow_codec_encode_prev(codec, s ? &tok[s - 1] : NULL, x);
    ng_flow_codec_encode_condition(codec, cond, x);
    ng_flow_codec_encode_progress((double)s, cond->packets, x + codec->in_progress);
    b->w_next[r] = 1.0f;
    if (s == n) {
        b->next[r] = (int)codec->k;
        return;
    }
    const ng_flow_token *t = &tok[s];
    b->next[r] = b->cluster[r] = t->cluster;
    b->dir[r] = t->dir, b->flags[r] = t->flag_idx, b->size[r] = t->size_idx;
    b->payload_z[r] = t->payload_z;
    b->iat_z[r] = t->iat_z;
    b->w_packet[r] = 1.0f;
    b->w_iat[r] = t->has_iat ? 1.0f : 0.0f;
    b->w_other[r] = t->size_idx == codec->sizes.n ? 1.0f : 0.0f;
}

void ng_flow_batch_fill(ng_flow_batch *b, const ng_flow_codec *codec,
                        const ng_flow_corpus *c, const size_t *idx, size_t count)
{
    size_t T = 0;
    for (size_t i = 0; i < count; i++)
        T = c->windows[idx[i]].len > T ? c->windows[idx[i]].len : T;
    size_t n = T * count;
    b->T = T, b->B = count, b->steps = 0;
    memset(b->x, 0, n * codec->input_size * sizeof(float));
    float *per_step[] = {b->payload_z, b->iat_z, b->w_next, b->w_packet, b->w_iat, b->w_other};
    for (size_t a = 0; a < sizeof per_step / sizeof per_step[0]; a++)
        memset(per_step[a], 0, n * sizeof(float));
    memset(b->imemory, 0, (b->max_batch * b->max_steps * 5 + b->max_batch) * sizeof(int));
    for (size_t i = 0; i < count; i++) {
        const ng_flow_window *w = &c->windows[idx[i]];
        b->lengths[i] = (int)w->len;
        b->steps += w->len;
        for (size_t t = 0; t < w->len; t++)
            fill_step(b, t * count + i, codec, c, w, w->start + t);
    }
    b->norm = b->steps ? (double)b->steps : 1.0;
}

/* ---- length-bucketed epochs ---- */

ng_status ng_flow_epoch_init(ng_flow_epoch *e, size_t n_windows, size_t batch, uint64_t seed,
                             ng_error *err)
{
    memset(e, 0, sizeof *e);
    e->n = n_windows, e->batch = batch ? batch : 1;
    e->n_batches = (n_windows + e->batch - 1) / e->batch;
    e->order = malloc((n_windows + 1) * sizeof *e->order);
    e->scratch = malloc((n_windows + 1) * sizeof *e->scratch);
    e->batches = malloc((e->n_batches + 1) * sizeof *e->batches);
    if (!e->order || !e->scratch || !e->batches) {
        ng_flow_epoch_free(e);
        return ng_fail(err, NG_ENOMEM, "no memory to batch %zu windows", n_windows);
    }
    for (size_t i = 0; i < n_windows; i++)
        e->order[i] = i;
    ng_rng_seed(&e->rng, seed);
    e->pos = e->n_batches;
    return NG_OK;
}

void ng_flow_epoch_free(ng_flow_epoch *e)
{
    free(e->order);
    free(e->scratch);
    free(e->batches);
    memset(e, 0, sizeof *e);
}

static int by_key(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort order[from, to) by window length, ties by position (keys are unique). */
static void sort_by_length(ng_flow_epoch *e, const ng_flow_corpus *c, size_t from, size_t to)
{
    size_t span = to - from;
    for (size_t i = 0; i < span; i++) /* key = length * span + position */
        e->scratch[i] = (size_t)c->windows[e->order[from + i]].len * span + i;
    qsort(e->scratch, span, sizeof *e->scratch, by_key);
    for (size_t i = 0; i < span; i++) /* key -> the window it stands for */
        e->scratch[i] = e->order[from + e->scratch[i] % span];
    memcpy(e->order + from, e->scratch, span * sizeof *e->order);
}

void ng_flow_epoch_start(ng_flow_epoch *e, const ng_flow_corpus *corpus)
{
    ng_rng_shuffle(&e->rng, e->order, e->n);
    size_t group = e->batch * NG_FLOW_BUCKET_BATCHES;
    for (size_t from = 0; from < e->n; from += group)
        sort_by_length(e, corpus, from, from + group < e->n ? from + group : e->n);
    for (size_t b = 0; b < e->n_batches; b++)
        e->batches[b] = b;
    ng_rng_shuffle(&e->rng, e->batches, e->n_batches);
    e->pos = 0;
}

size_t ng_flow_epoch_next(ng_flow_epoch *e, const size_t **idx)
{
    if (e->pos >= e->n_batches)
        return 0;
    size_t first = e->batches[e->pos++] * e->batch;
    *idx = e->order + first;
    return e->n - first < e->batch ? e->n - first : e->batch;
}
