/* vae.h — variational autoencoder over mixed rows: continuous columns and categorical
 * groups, each with its own reconstruction term.
 *
 * Input row layout [in_width]: the fields in order; a continuous field is `width`
 * values, a categorical field is a one-hot group of `width` columns. The encoder MLP
 * maps a row to (mu, logvar) [2 * latent]; z = mu + exp(logvar / 2) * eps with eps
 * drawn by ng_vae_sample_noise (or zero: z = mu); the decoder MLP maps z to raw outputs
 * [out_width]: per field, `width` values (+ `width` log-variances for Gaussian NLL).
 * Output transforms: sigmoid for MSE/L1 fields with sigmoid_output, sigmoid for BCE,
 * softmax for categorical groups (fused into the cross-entropy during training).
 *
 *   loss = (1/B) sum_rows [ sum_fields weight_f * recon_f + beta * KL(q(z|x) || N(0, I)) ]
 *   KL   = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))
 *
 * Parameters: "<prefix>.encoder.<l>.{weight,bias}" and "<prefix>.decoder.<l>.*" in the
 * caller's ng_params. All buffers for max_batch rows are allocated at declare time. */
#ifndef NG_NN_VAE_H
#define NG_NN_VAE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/rng.h"
#include "nn/adam.h"
#include "nn/batcher.h"
#include "nn/mlp.h"
#include "nn/params.h"

#define NG_VAE_MAX_FIELDS 64

typedef enum ng_vae_field_kind { NG_VAE_CONTINUOUS = 0, NG_VAE_CATEGORICAL } ng_vae_field_kind;

typedef enum ng_recon_loss {
    NG_RECON_MSE = 0,
    NG_RECON_L1,
    NG_RECON_GAUSSIAN_NLL, /* decoder predicts a mean and a log-variance per column */
    NG_RECON_BCE           /* targets in [0, 1]; decoder output is a logit */
} ng_recon_loss;

typedef struct ng_vae_field {
    ng_vae_field_kind kind;
    size_t width;        /* continuous: columns; categorical: number of categories */
    ng_recon_loss loss;  /* continuous fields only */
    bool sigmoid_output; /* MSE/L1: decoded value = sigmoid(raw) */
    float weight;        /* weight of this field's term; 0 is taken as 1 */
} ng_vae_field;

typedef struct ng_vae_config {
    size_t n_fields;
    ng_vae_field fields[NG_VAE_MAX_FIELDS];
    size_t n_hidden;                       /* encoder hidden layers (decoder mirrors) */
    size_t hidden[NG_MLP_MAX_LAYERS - 1];  /* e.g. {8, 6, 4} */
    size_t latent;
    ng_activation act; /* hidden activation, e.g. NG_ACT_LEAKY_RELU */
    float slope;       /* leaky ReLU slope, e.g. 0.1 */
    float beta;        /* KL weight */
    size_t max_batch;
} ng_vae_config;

typedef struct ng_vae {
    ng_vae_config cfg;
    size_t in_width, out_width;
    size_t in_offset[NG_VAE_MAX_FIELDS], out_offset[NG_VAE_MAX_FIELDS];
    size_t n_categorical;
    ng_mlp encoder, decoder;
    float *eps;      /* [max_batch, latent] noise of the next forward */
    float *z, *dz;   /* [max_batch, latent] */
    float *denc;     /* [max_batch, 2 latent] gradient of the encoder output */
    float *dec_value; /* [max_batch, out_width] decoder output after its transform */
    float *ddec;     /* [max_batch, out_width] gradient of the raw decoder output */
    float *batch_x;  /* [max_batch, in_width] rows gathered by the training helpers */
    int *labels;     /* [max_batch * n_categorical] categorical targets */
    float *memory;
    double last_recon, last_kl; /* per-row means from the latest forward */
} ng_vae;

ng_status ng_vae_declare(ng_vae *vae, const ng_vae_config *cfg, ng_params *params,
                         const char *prefix, ng_error *err);
void ng_vae_free(ng_vae *vae);
void ng_vae_init_weights(ng_vae *vae, ng_rng *rng);

/* eps ~ N(0, I) for the next B rows, or zeros (z = mu, for evaluation). */
void ng_vae_sample_noise(ng_vae *vae, size_t B, ng_rng *rng);
void ng_vae_zero_noise(ng_vae *vae, size_t B);

/* Loss of B rows x [B, in_width] with the current noise; also prepares backward.
 * Categorical groups must be one-hot (the largest column is taken as the label).
 * NaN when B > max_batch. */
double ng_vae_forward(ng_vae *vae, const float *x, size_t B);
/* Accumulate d(loss)/d(params) of the latest forward into the params' grad buffer. */
void ng_vae_backward(ng_vae *vae, size_t B);

/* mu and logvar [B, latent] of x (either may be NULL); any B (blocks of max_batch). */
void ng_vae_encode(ng_vae *vae, const float *x, size_t B, float *mu, float *logvar);
/* Decode z [B, latent] into out [B, in_width] in the input layout: continuous values
 * (Gaussian NLL: the mean; BCE: the probability) and category probabilities; any B. */
void ng_vae_decode(ng_vae *vae, const float *z, size_t B, float *out);

/* One epoch over the rows chosen by the batcher (reshuffled here): noise, forward,
 * backward, ng_adam_update with clipping at max_norm. Stops with NG_ENUMERIC if a
 * loss or gradient is not finite. *mean_loss = row-weighted mean of batch losses. */
ng_status ng_vae_train_epoch(ng_vae *vae, ng_params *params, ng_adam *opt, const float *data,
                             ng_batcher *batcher, ng_rng *rng, float max_norm,
                             double *mean_loss, ng_error *err);
/* Mean loss over rows[0..n) with z = mu (deterministic), e.g. for early stopping. */
double ng_vae_evaluate(ng_vae *vae, const float *data, const size_t *rows, size_t n);

#endif
