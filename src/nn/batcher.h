/* batcher.h — train/validation split, shuffled mini-batches, and early stopping.
 *
 * ng_split_make shuffles row indices 0..n-1 with the seeded generator and sets aside
 * round(n * val_fraction) of them for validation (at least 1 when 0 < fraction and
 * n >= 2). ng_batcher walks a row-index list in mini-batches, reshuffling at every
 * ng_batcher_epoch; ng_gather_rows copies the chosen rows into a contiguous batch.
 * ng_early_stop keeps the best validation loss and a copy of the parameters at that
 * point; training stops after `patience` epochs without an improvement of min_delta. */
#ifndef NG_NN_BATCHER_H
#define NG_NN_BATCHER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/rng.h"

typedef struct ng_split {
    size_t *train, *val; /* row indices (one allocation, val follows train) */
    size_t n_train, n_val;
} ng_split;

ng_status ng_split_make(ng_split *split, size_t n, double val_fraction, ng_rng *rng,
                        ng_error *err);
void ng_split_free(ng_split *split);

typedef struct ng_batcher {
    size_t *order; /* own copy of the row indices, shuffled each epoch */
    size_t n, batch, pos;
    ng_rng rng;
} ng_batcher;

ng_status ng_batcher_init(ng_batcher *b, const size_t *rows, size_t n, size_t batch,
                          uint64_t seed, ng_error *err);
void ng_batcher_free(ng_batcher *b);
/* Shuffle and rewind. */
void ng_batcher_epoch(ng_batcher *b);
/* Next batch: points *rows at up to `batch` indices, returns how many (0 at the end). */
size_t ng_batcher_next(ng_batcher *b, const size_t **rows);
/* dst[i, :] = src[rows[i], :] for i < count, rows of `cols` floats. */
void ng_gather_rows(float *dst, const float *src, size_t cols, const size_t *rows,
                    size_t count);

typedef struct ng_early_stop {
    int patience;      /* epochs without improvement before stopping */
    double min_delta;  /* improvement smaller than this does not count */
    double best_loss;
    int best_epoch, bad_epochs;
    float *best_params; /* snapshot at best_epoch (NULL when n_params == 0) */
    size_t n_params;
} ng_early_stop;

ng_status ng_early_stop_init(ng_early_stop *es, int patience, double min_delta,
                             size_t n_params, ng_error *err);
void ng_early_stop_free(ng_early_stop *es);
/* Record an epoch's validation loss; snapshots params when it improves. Returns true
 * when training should stop. */
bool ng_early_stop_update(ng_early_stop *es, int epoch, double val_loss, const float *params);
/* Copy the best snapshot back into params (no-op before any improvement). */
void ng_early_stop_restore(const ng_early_stop *es, float *params);

#endif
