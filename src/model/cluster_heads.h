/* cluster_heads.h — the flow level's second head cut down to each cluster's support, for
 * sampling.
 *
 * Once a step's cluster is drawn, head 2 gives the logits of direction, TCP flags, size
 * (exact or "other") and the two mixtures (other payload, IAT). A cluster is only ever
 * drawn with the outputs of its support (model/cluster_support.h): DARPA-style models
 * keep 5 of the 57 categorical outputs per cluster on average. A cluster head holds the
 * columns that cluster can use, in a compact block:
 *
 *   [directions | flags | sizes | other payload (3) | IAT mixture (3 m)]  padded to 8
 *
 * so the product with h, the softmax weights and the picks cost what the cluster needs,
 * not the whole vocabulary. Every table is head 2's own weights, gathered: the logits of
 * a compact column equal the full head's logit of the output it stands for.
 *
 *   bias    [pad]              head 2's bias + the one-hot cluster column
 *   h_t     [H, pad]           the h columns, transposed
 *   dir_t   [2, pad]           the direction input columns (rows by direction)
 *   flags_t [flags + 1, pad]   the flags input columns (rows by flags index)
 *
 * A flags group that holds only "other" (never drawn for TCP) is widened to the whole
 * flags vocabulary, so a TCP draw always has a value to pick. */
#ifndef NG_MODEL_CLUSTER_HEADS_H
#define NG_MODEL_CLUSTER_HEADS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/cluster_support.h"
#include "model/flow_net.h"

typedef struct ng_cluster_head {
    size_t pad;                        /* compact columns, a multiple of 8 */
    size_t n_dir, n_flags, n_sizes;    /* categorical columns of each group */
    size_t flags_at, sizes_at, other_at, iat_at; /* first compact column of each group */
    size_t flags_other_col;            /* compact column of flags "other", or SIZE_MAX */
    const uint16_t *index;             /* [n_dir + n_flags + n_sizes]: the direction, flags
                                          index or size index each column stands for */
    const float *bias, *h_t, *dir_t, *flags_t;
} ng_cluster_head;

typedef struct ng_cluster_heads {
    size_t k, hidden;
    ng_cluster_head *head; /* [k] */
    float *tables;         /* one block for every head's tables */
    uint16_t *indices;     /* one block for every head's index */
} ng_cluster_heads;

/* Gather the heads from the network's head 2 and the support (NULL seen: all outputs). */
ng_status ng_cluster_heads_build(ng_cluster_heads *heads, const ng_flow_net *net,
                                 const ng_cluster_support *support, ng_error *err);
void ng_cluster_heads_free(ng_cluster_heads *heads);

/* z[0..pad) = bias + h W_h^T in the compact columns. */
void ng_cluster_head_logits(const ng_cluster_head *head, const float *h, size_t hidden,
                            float *z);

#endif
