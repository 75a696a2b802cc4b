/* batcher.c — splits, shuffled mini-batches, early stopping. */
#include "nn/batcher.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t validation_count(size_t n, double val_fraction)
{
    if (val_fraction <= 0.0 || n < 2)
        return 0;
    size_t k = (size_t)llround((double)n * val_fraction);
    if (k < 1)
        k = 1;
    if (k > n - 1)
        k = n - 1;
    return k;
}

ng_status ng_split_make(ng_split *split, size_t n, double val_fraction, ng_rng *rng,
                        ng_error *err)
{
    memset(split, 0, sizeof *split);
    if (val_fraction < 0.0 || val_fraction >= 1.0)
        return ng_fail(err, NG_EINVAL, "validation fraction %g is outside [0, 1)", val_fraction);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return ng_fail(err, NG_ENOMEM, "no memory to split %zu rows", n);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    ng_rng_shuffle(rng, idx, n);
    split->n_val = validation_count(n, val_fraction);
    split->n_train = n - split->n_val;
    split->train = idx;
    split->val = idx + split->n_train;
    return NG_OK;
}

void ng_split_free(ng_split *split)
{
    free(split->train);
    memset(split, 0, sizeof *split);
}

ng_status ng_batcher_init(ng_batcher *b, const size_t *rows, size_t n, size_t batch,
                          uint64_t seed, ng_error *err)
{
    memset(b, 0, sizeof *b);
    if (batch == 0)
        return ng_fail(err, NG_EINVAL, "batch size must be at least 1");
    b->order = malloc((n ? n : 1) * sizeof *b->order);
    if (!b->order)
        return ng_fail(err, NG_ENOMEM, "no memory for a batcher over %zu rows", n);
    memcpy(b->order, rows, n * sizeof *b->order);
    b->n = n;
    b->batch = batch;
    ng_rng_seed(&b->rng, seed);
    return NG_OK;
}

void ng_batcher_free(ng_batcher *b)
{
    free(b->order);
    memset(b, 0, sizeof *b);
}

void ng_batcher_epoch(ng_batcher *b)
{
    ng_rng_shuffle(&b->rng, b->order, b->n);
    b->pos = 0;
}

size_t ng_batcher_next(ng_batcher *b, const size_t **rows)
{
    size_t left = b->n - b->pos;
    size_t count = left < b->batch ? left : b->batch;
    *rows = b->order + b->pos;
    b->pos += count;
    return count;
}

void ng_gather_rows(float *dst, const float *src, size_t cols, const size_t *rows,
                    size_t count)
{
    for (size_t i = 0; i < count; i++)
        memcpy(dst + i * cols, src + rows[i] * cols, cols * sizeof *dst);
}

ng_status ng_early_stop_init(ng_early_stop *es, int patience, double min_delta,
                             size_t n_params, ng_error *err)
{
    memset(es, 0, sizeof *es);
    es->patience = patience;
    es->min_delta = min_delta;
    es->best_loss = INFINITY;
    es->best_epoch = -1;
    es->n_params = n_params;
    if (n_params) {
        es->best_params = malloc(n_params * sizeof(float));
        if (!es->best_params)
            return ng_fail(err, NG_ENOMEM, "no memory for an early-stopping snapshot");
    }
    return NG_OK;
}

void ng_early_stop_free(ng_early_stop *es)
{
    free(es->best_params);
    es->best_params = NULL;
}

bool ng_early_stop_update(ng_early_stop *es, int epoch, double val_loss, const float *params)
{
    if (val_loss < es->best_loss - es->min_delta) {
        es->best_loss = val_loss;
        es->best_epoch = epoch;
        es->bad_epochs = 0;
        if (es->best_params && params)
            memcpy(es->best_params, params, es->n_params * sizeof(float));
        return false;
    }
    es->bad_epochs++;
    return es->bad_epochs >= es->patience;
}

void ng_early_stop_restore(const ng_early_stop *es, float *params)
{
    if (es->best_params && es->best_epoch >= 0)
        memcpy(params, es->best_params, es->n_params * sizeof(float));
}
