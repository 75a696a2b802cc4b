/* lstm.h — a stacked LSTM over batches of variable-length sequences, trained by
 * backpropagation through time, with single-step inference for generation.
 *
 * Layout is time-major: x [T, B, input_size], outputs [T, B, H], so each time step is a
 * contiguous [B, *] block for sgemm. Gates are ordered i, f, g, o (as in PyTorch):
 *   a = x W_ih^T + h_{t-1} W_hh^T + b          a, b: [4H]; W_ih [4H, in]; W_hh [4H, H]
 *   i = sig(a_i)  f = sig(a_f)  g = tanh(a_g)  o = sig(a_o)
 *   c_t = f c_{t-1} + i g,   h_t = o tanh(c_t)
 * Layer l > 0 reads the h sequence of layer l-1. Sequence b is lengths[b] steps long
 * (NULL: all T); past its end its state is carried unchanged, so h at step T-1 is the
 * final state, and outputs there should get zero loss weight (the mask). The initial
 * state is zero. The input projection x W_ih^T of all steps is one sgemm, as are the
 * weight gradients after the backward sweep; only h W_hh^T runs step by step.
 *
 * Parameters "<prefix>.<l>.w_ih", ".w_hh", ".bias" go into the caller's ng_params.
 * Buffers for max_batch x max_steps are allocated at declare time. backward takes
 * dL/dh of the top layer [T, B, H], accumulates parameter gradients and writes
 * dL/dx [T, B, input_size] when dx is not NULL. */
#ifndef NG_NN_LSTM_H
#define NG_NN_LSTM_H

#include <stddef.h>

#include "core/error.h"
#include "core/rng.h"
#include "nn/params.h"

#define NG_LSTM_MAX_LAYERS 8

typedef struct ng_lstm_config {
    size_t input_size, hidden_size, n_layers;
    size_t max_batch, max_steps;
} ng_lstm_config;

typedef struct ng_lstm {
    ng_lstm_config cfg;
    const ng_params *params;
    size_t w_ih[NG_LSTM_MAX_LAYERS], w_hh[NG_LSTM_MAX_LAYERS], bias[NG_LSTM_MAX_LAYERS];
    float *gates[NG_LSTM_MAX_LAYERS];  /* [T, B, 4H] i, f, g, o after their activations */
    float *h[NG_LSTM_MAX_LAYERS];      /* [T + 1, B, H]; slot 0 is the initial state */
    float *c[NG_LSTM_MAX_LAYERS];      /* [T + 1, B, H] */
    float *tanh_c[NG_LSTM_MAX_LAYERS]; /* [T, B, H] */
    float *dgates;                     /* [T, B, 4H] */
    float *dseq;                       /* [T, B, H] gradient passed down between layers */
    float *dh_next, *dc_next, *dh_carry; /* [B, H] */
    const float *input;
    const int *lengths;
    size_t T, B;
    float *memory;
} ng_lstm;

ng_status ng_lstm_declare(ng_lstm *lstm, const ng_lstm_config *cfg, ng_params *params,
                          const char *prefix, ng_error *err);
void ng_lstm_free(ng_lstm *lstm);
/* U(-1/sqrt(H), 1/sqrt(H)) weights, zero biases except the forget gate's (1). */
void ng_lstm_init_weights(ng_lstm *lstm, ng_rng *rng);

/* Returns the top layer's h sequence [T, B, H] (inside the LSTM's buffers), or NULL
 * when T > max_steps or B > max_batch. x and lengths must stay unchanged until
 * backward. */
const float *ng_lstm_forward(ng_lstm *lstm, const float *x, const int *lengths, size_t T,
                             size_t B);
void ng_lstm_backward(ng_lstm *lstm, const float *dh_top, float *dx);

/* Carried state of one sequence for step-by-step generation. */
typedef struct ng_lstm_state {
    float *h, *c;  /* [n_layers, H] */
    float *gates;  /* [4H] scratch */
} ng_lstm_state;

ng_status ng_lstm_state_init(ng_lstm_state *s, const ng_lstm *lstm, ng_error *err);
void ng_lstm_state_reset(ng_lstm_state *s, const ng_lstm *lstm);
void ng_lstm_state_free(ng_lstm_state *s);
/* Advance one step with input x [input_size] (cblas_sgemv); returns the top h [H]. */
const float *ng_lstm_step(const ng_lstm *lstm, ng_lstm_state *s, const float *x);

/* Carried states of up to max_batch sequences generated side by side (one sgemm per
 * layer and step instead of B sgemv calls). Row b of every buffer is sequence b. */
typedef struct ng_lstm_batch_state {
    size_t max_batch;
    float *h, *c;  /* [n_layers, max_batch, H] */
    float *gates;  /* [max_batch, 4H] scratch */
} ng_lstm_batch_state;

ng_status ng_lstm_batch_state_init(ng_lstm_batch_state *s, const ng_lstm *lstm,
                                   size_t max_batch, ng_error *err);
/* Zero the state of sequence b (e.g. when a new flow takes over that row). */
void ng_lstm_batch_state_reset_row(ng_lstm_batch_state *s, const ng_lstm *lstm, size_t b);
void ng_lstm_batch_state_free(ng_lstm_batch_state *s);
/* Advance rows 0..B-1 one step with inputs x [B, input_size]; returns the top h [B, H]
 * (NULL when B > max_batch). */
const float *ng_lstm_step_batch(const ng_lstm *lstm, ng_lstm_batch_state *s, const float *x,
                                size_t B);

#endif
