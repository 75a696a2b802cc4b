/* mlp.h — a stack of dense layers with one activation between them and one at the end.
 *
 * Layer l maps sizes[l] -> sizes[l+1]; every layer but the last is followed by
 * hidden_act, the last by output_act. Weights are the tensors "<prefix>.<l>.weight"
 * [sizes[l+1], sizes[l]] and "<prefix>.<l>.bias" declared into a shared ng_params;
 * activations for up to max_batch rows are allocated once by ng_mlp_declare, so
 * forward/backward never allocate. Usage: declare (maybe several modules into one
 * ng_params) -> ng_params_alloc -> ng_mlp_init_weights -> forward/backward.
 * forward keeps a pointer to x for backward (x must stay unchanged until then);
 * backward takes dL/d(output) and accumulates parameter gradients; dx may be NULL. */
#ifndef NG_NN_MLP_H
#define NG_NN_MLP_H

#include <stddef.h>

#include "core/error.h"
#include "core/rng.h"
#include "nn/activations.h"
#include "nn/params.h"

#define NG_MLP_MAX_LAYERS 16

typedef struct ng_mlp_config {
    size_t n_layers; /* dense layers, 1..NG_MLP_MAX_LAYERS */
    size_t sizes[NG_MLP_MAX_LAYERS + 1];
    ng_activation hidden_act, output_act;
    float slope; /* for leaky ReLU */
    size_t max_batch;
} ng_mlp_config;

typedef struct ng_mlp {
    ng_mlp_config cfg;
    const ng_params *params;
    size_t weight[NG_MLP_MAX_LAYERS], bias[NG_MLP_MAX_LAYERS]; /* tensor indices */
    float *pre[NG_MLP_MAX_LAYERS];  /* [max_batch, sizes[l+1]] before the activation */
    float *post[NG_MLP_MAX_LAYERS]; /* after it */
    float *grad_a, *grad_b;         /* ping-pong gradient rows [max_batch, widest] */
    const float *input;
    float *memory;
} ng_mlp;

ng_status ng_mlp_declare(ng_mlp *m, const ng_mlp_config *cfg, ng_params *params,
                         const char *prefix, ng_error *err);
void ng_mlp_free(ng_mlp *m);
/* He normal before (leaky) ReLU, Xavier uniform otherwise; biases zero. */
void ng_mlp_init_weights(ng_mlp *m, ng_rng *rng);

/* Output [B, sizes[n_layers]] (points into the MLP's own buffer); NULL when
 * B > max_batch. */
const float *ng_mlp_forward(ng_mlp *m, const float *x, size_t B);
void ng_mlp_backward(ng_mlp *m, const float *dout, float *dx, size_t B);

static inline size_t ng_mlp_out_size(const ng_mlp *m)
{
    return m->cfg.sizes[m->cfg.n_layers];
}

#endif
