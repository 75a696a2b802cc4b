/* flow_sequences.h — the flow level's training material: flows encoded as tokens,
 * cut into teacher-forced windows, and packed into time-major mini-batches.
 *
 * A flow of n packets is n + 1 steps (flow_codec.h); it is cut into windows of at most
 * max_steps steps [start, start + len). Windows never cross flows; a window that does
 * not start at step 0 reads the real previous packet as its first input (and starts
 * from a zero LSTM state, which the sampler reproduces by resetting its state every
 * max_steps packets). A batch holds, per step (index t * B + b): the input vector, the
 * next-cluster target (k = end of flow), the per-packet targets and the loss masks. */
#ifndef NG_MODEL_FLOW_SEQUENCES_H
#define NG_MODEL_FLOW_SEQUENCES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/dataset.h"
#include "model/flow_codec.h"

typedef struct ng_flow_window {
    uint32_t flow;   /* index into the corpus */
    uint32_t start;  /* first step */
    uint32_t len;    /* steps */
} ng_flow_window;

typedef struct ng_flow_corpus {
    size_t n_flows;
    ng_flow_condition *cond; /* per flow */
    size_t *first;           /* CSR into tokens, n_flows + 1 */
    ng_flow_token *tokens;
    ng_flow_window *windows;
    size_t n_windows;
    size_t n_steps;          /* total steps over all windows */
} ng_flow_corpus;

ng_status ng_flow_corpus_build(ng_flow_corpus *corpus, const ng_flow_codec *codec,
                               const ng_dataset *ds, const uint16_t *cluster_of_packet,
                               const size_t *flows, size_t n_flows, size_t max_steps,
                               ng_error *err);
void ng_flow_corpus_free(ng_flow_corpus *corpus);

typedef struct ng_flow_batch {
    size_t T, B, max_batch, max_steps;
    float *x;              /* [T, B, input_size] */
    int *lengths;          /* [B] */
    int *next;             /* [T*B] next cluster or k (end); 0 on padding */
    int *cluster;          /* [T*B] true cluster of the packet (0 when none) */
    int *dir, *flags, *size;
    float *payload_z, *iat_z;
    float *w_next, *w_packet, *w_iat, *w_other; /* masks */
    size_t steps;          /* unmasked steps (sum of lengths) */
    double norm;           /* the loss is divided by this: steps after fill; training sets
                            * the epoch's mean steps per batch so every step weighs the same
                            * whatever the batch's length */
    float *memory;
    int *imemory;
} ng_flow_batch;

ng_status ng_flow_batch_alloc(ng_flow_batch *batch, const ng_flow_codec *codec, size_t max_batch,
                              size_t max_steps, ng_error *err);
void ng_flow_batch_free(ng_flow_batch *batch);
/* Fill the batch with windows[idx[0..count)] of the corpus (count <= max_batch). */
void ng_flow_batch_fill(ng_flow_batch *batch, const ng_flow_codec *codec,
                        const ng_flow_corpus *corpus, const size_t *idx, size_t count);

/* The training windows in mini-batches of similar length, so little of a batch is
 * padding: each epoch the windows are shuffled, sorted by length within groups of
 * NG_FLOW_BUCKET_BATCHES batches, cut into batches, and the batch order shuffled.
 * Everything is drawn from the plan's own seeded generator. */
#define NG_FLOW_BUCKET_BATCHES 16

typedef struct ng_flow_epoch {
    size_t *order;    /* window indices in batch order */
    size_t *scratch;  /* sort keys */
    size_t *batches;  /* batch numbers, shuffled */
    size_t n, batch, n_batches, pos;
    ng_rng rng;
} ng_flow_epoch;

ng_status ng_flow_epoch_init(ng_flow_epoch *e, size_t n_windows, size_t batch, uint64_t seed,
                             ng_error *err);
void ng_flow_epoch_free(ng_flow_epoch *e);
/* Reshuffle and rewind. */
void ng_flow_epoch_start(ng_flow_epoch *e, const ng_flow_corpus *corpus);
/* Next batch: *idx points at up to `batch` window indices; returns the count (0: done). */
size_t ng_flow_epoch_next(ng_flow_epoch *e, const size_t **idx);

#endif
