/* lstm.c — stacked LSTM: batched masked forward, BPTT, single and batched step inference. */
#include "nn/lstm.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/activations.h"
#include "nn/dense.h"
#include "nn/init.h"
#include "nn/lstm_cell.h"

static size_t layer_input_size(const ng_lstm *lstm, size_t l)
{
    return l ? lstm->cfg.hidden_size : lstm->cfg.input_size;
}

static ng_status check_config(const ng_lstm_config *cfg, ng_error *err)
{
    if (cfg->n_layers < 1 || cfg->n_layers > NG_LSTM_MAX_LAYERS)
        return ng_fail(err, NG_EINVAL, "an LSTM needs 1 to %d layers, not %zu",
                       NG_LSTM_MAX_LAYERS, cfg->n_layers);
    if (!cfg->input_size || !cfg->hidden_size || !cfg->max_batch || !cfg->max_steps)
        return ng_fail(err, NG_EINVAL, "LSTM sizes must be positive (input %zu, hidden %zu, "
                       "batch %zu, steps %zu)", cfg->input_size, cfg->hidden_size,
                       cfg->max_batch, cfg->max_steps);
    return NG_OK;
}

static ng_status declare_layer(ng_lstm *lstm, size_t l, ng_params *params, const char *prefix,
                               ng_error *err)
{
    size_t H = lstm->cfg.hidden_size;
    size_t ih[2] = {4 * H, layer_input_size(lstm, l)}, hh[2] = {4 * H, H}, b[1] = {4 * H};
    char name[NG_TENSOR_NAME_MAX + 32];
    snprintf(name, sizeof name, "%s.%zu.w_ih", prefix, l);
    ng_status st = ng_params_declare(params, name, 2, ih, &lstm->w_ih[l], err);
    snprintf(name, sizeof name, "%s.%zu.w_hh", prefix, l);
    if (!st)
        st = ng_params_declare(params, name, 2, hh, &lstm->w_hh[l], err);
    snprintf(name, sizeof name, "%s.%zu.bias", prefix, l);
    if (!st)
        st = ng_params_declare(params, name, 1, b, &lstm->bias[l], err);
    return st;
}

static ng_status alloc_buffers(ng_lstm *lstm, ng_error *err)
{
    size_t T = lstm->cfg.max_steps, B = lstm->cfg.max_batch, H = lstm->cfg.hidden_size;
    size_t L = lstm->cfg.n_layers;
    size_t per_layer = T * B * 4 * H + 2 * (T + 1) * B * H + T * B * H;
    size_t total = L * per_layer + T * B * 4 * H + T * B * H + 3 * B * H;
    lstm->memory = calloc(total, sizeof(float));
    if (!lstm->memory)
        return ng_fail(err, NG_ENOMEM, "no memory for LSTM activations (%zu floats)", total);
    float *p = lstm->memory;
    for (size_t l = 0; l < L; l++) {
        lstm->gates[l] = p, p += T * B * 4 * H;
        lstm->h[l] = p, p += (T + 1) * B * H;
        lstm->c[l] = p, p += (T + 1) * B * H;
        lstm->tanh_c[l] = p, p += T * B * H;
    }
    lstm->dgates = p, p += T * B * 4 * H;
    lstm->dseq = p, p += T * B * H;
    lstm->dh_next = p, p += B * H;
    lstm->dc_next = p, p += B * H;
    lstm->dh_carry = p;
    return NG_OK;
}

ng_status ng_lstm_declare(ng_lstm *lstm, const ng_lstm_config *cfg, ng_params *params,
                          const char *prefix, ng_error *err)
{
    memset(lstm, 0, sizeof *lstm);
    ng_status st = check_config(cfg, err);
    if (st)
        return st;
    lstm->cfg = *cfg;
    lstm->params = params;
    for (size_t l = 0; l < cfg->n_layers && !st; l++)
        st = declare_layer(lstm, l, params, prefix, err);
    return st ? st : alloc_buffers(lstm, err);
}

void ng_lstm_free(ng_lstm *lstm)
{
    free(lstm->memory);
    memset(lstm, 0, sizeof *lstm);
}

void ng_lstm_init_weights(ng_lstm *lstm, ng_rng *rng)
{
    size_t H = lstm->cfg.hidden_size;
    float bound = 1.0f / sqrtf((float)H);
    for (size_t l = 0; l < lstm->cfg.n_layers; l++) {
        ng_init_uniform(ng_params_data(lstm->params, lstm->w_ih[l]),
                        4 * H * layer_input_size(lstm, l), bound, rng);
        ng_init_uniform(ng_params_data(lstm->params, lstm->w_hh[l]), 4 * H * H, bound, rng);
        float *b = ng_params_data(lstm->params, lstm->bias[l]);
        ng_init_constant(b, 4 * H, 0.0f);
        ng_init_constant(b + H, H, 1.0f); /* remember by default */
    }
}

static int step_is_padding(const ng_lstm *lstm, size_t t, size_t b)
{
    return lstm->lengths && (size_t)lstm->lengths[b] <= t;
}

static void layer_forward(ng_lstm *lstm, size_t l, const float *in)
{
    size_t T = lstm->T, B = lstm->B, H = lstm->cfg.hidden_size, BH = B * H;
    const float *W_hh = ng_params_data(lstm->params, lstm->w_hh[l]);
    /* input projection of every step at once: gates[T*B, 4H] = in W_ih^T + b */
    ng_dense_forward(lstm->gates[l], in, ng_params_data(lstm->params, lstm->w_ih[l]),
                     ng_params_data(lstm->params, lstm->bias[l]), T * B,
                     layer_input_size(lstm, l), 4 * H);
    memset(lstm->h[l], 0, BH * sizeof(float));
    memset(lstm->c[l], 0, BH * sizeof(float));
    for (size_t t = 0; t < T; t++) {
        float *G = lstm->gates[l] + t * B * 4 * H;
        const float *h_prev = lstm->h[l] + t * BH, *c_prev = lstm->c[l] + t * BH;
        float *h = lstm->h[l] + (t + 1) * BH, *c = lstm->c[l] + (t + 1) * BH;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)(4 * H), (int)H,
                    1.0f, h_prev, (int)H, W_hh, (int)H, 1.0f, G, (int)(4 * H));
        for (size_t b = 0; b < B; b++) {
            if (step_is_padding(lstm, t, b)) {
                memcpy(h + b * H, h_prev + b * H, H * sizeof(float));
                memcpy(c + b * H, c_prev + b * H, H * sizeof(float));
                continue;
            }
            ng_lstm_cell_forward(G + b * 4 * H, c + b * H, h + b * H,
                                 lstm->tanh_c[l] + t * BH + b * H, c_prev + b * H, H);
        }
    }
}

const float *ng_lstm_forward(ng_lstm *lstm, const float *x, const int *lengths, size_t T,
                             size_t B)
{
    if (T > lstm->cfg.max_steps || B > lstm->cfg.max_batch)
        return NULL;
    lstm->input = x;
    lstm->lengths = lengths;
    lstm->T = T;
    lstm->B = B;
    for (size_t l = 0; l < lstm->cfg.n_layers; l++)
        layer_forward(lstm, l, l ? lstm->h[l - 1] + B * lstm->cfg.hidden_size : x);
    return lstm->h[lstm->cfg.n_layers - 1] + B * lstm->cfg.hidden_size;
}

static void step_backward(ng_lstm *lstm, size_t l, size_t t, const float *dout)
{
    size_t B = lstm->B, H = lstm->cfg.hidden_size, BH = B * H;
    const float *G = lstm->gates[l] + t * B * 4 * H;
    float *dG = lstm->dgates + t * B * 4 * H;
    float *dh = lstm->dh_carry; /* total dL/dh_t, row by row */
    for (size_t b = 0; b < B; b++) {
        for (size_t j = 0; j < H; j++)
            dh[b * H + j] = dout[t * BH + b * H + j] + lstm->dh_next[b * H + j];
        if (step_is_padding(lstm, t, b)) {
            memset(dG + b * 4 * H, 0, 4 * H * sizeof(float));
            continue;
        }
        ng_lstm_cell_backward(dG + b * 4 * H, lstm->dc_next + b * H, G + b * 4 * H,
                              lstm->tanh_c[l] + t * BH + b * H, lstm->c[l] + t * BH + b * H,
                              dh + b * H, H);
    }
    /* dh_{t-1} = dG W_hh, except padding rows, whose state was copied through */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)H, (int)(4 * H), 1.0f,
                dG, (int)(4 * H), ng_params_data(lstm->params, lstm->w_hh[l]), (int)H, 0.0f,
                lstm->dh_next, (int)H);
    for (size_t b = 0; b < B; b++)
        if (step_is_padding(lstm, t, b))
            memcpy(lstm->dh_next + b * H, dh + b * H, H * sizeof(float));
}

static void layer_weight_gradients(ng_lstm *lstm, size_t l, const float *in, float *din)
{
    size_t TB = lstm->T * lstm->B, H = lstm->cfg.hidden_size, C = layer_input_size(lstm, l);
    const ng_params *p = lstm->params;
    /* dW_hh += dG^T h_{t-1}: the h buffer without its last step is h_{t-1} for all t */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)(4 * H), (int)H, (int)TB, 1.0f,
                lstm->dgates, (int)(4 * H), lstm->h[l], (int)H, 1.0f,
                ng_params_grad(p, lstm->w_hh[l]), (int)H);
    /* dW_ih, db and the input gradient: a dense layer over all T*B rows */
    ng_dense_backward(din, ng_params_grad(p, lstm->w_ih[l]), ng_params_grad(p, lstm->bias[l]),
                      lstm->dgates, in, ng_params_data(p, lstm->w_ih[l]), TB, C, 4 * H);
}

void ng_lstm_backward(ng_lstm *lstm, const float *dh_top, float *dx)
{
    size_t B = lstm->B, H = lstm->cfg.hidden_size;
    const float *dout = dh_top;
    for (size_t l = lstm->cfg.n_layers; l-- > 0;) {
        memset(lstm->dh_next, 0, B * H * sizeof(float));
        memset(lstm->dc_next, 0, B * H * sizeof(float));
        for (size_t t = lstm->T; t-- > 0;)
            step_backward(lstm, l, t, dout);
        const float *in = l ? lstm->h[l - 1] + B * H : lstm->input;
        layer_weight_gradients(lstm, l, in, l ? lstm->dseq : dx);
        dout = lstm->dseq;
    }
}

ng_status ng_lstm_state_init(ng_lstm_state *s, const ng_lstm *lstm, ng_error *err)
{
    size_t H = lstm->cfg.hidden_size, L = lstm->cfg.n_layers;
    s->h = calloc(L * H, sizeof(float));
    s->c = calloc(L * H, sizeof(float));
    s->gates = calloc(4 * H, sizeof(float));
    if (!s->h || !s->c || !s->gates) {
        ng_lstm_state_free(s);
        return ng_fail(err, NG_ENOMEM, "no memory for an LSTM state");
    }
    return NG_OK;
}

void ng_lstm_state_reset(ng_lstm_state *s, const ng_lstm *lstm)
{
    size_t n = lstm->cfg.n_layers * lstm->cfg.hidden_size;
    memset(s->h, 0, n * sizeof(float));
    memset(s->c, 0, n * sizeof(float));
}

void ng_lstm_state_free(ng_lstm_state *s)
{
    free(s->h);
    free(s->c);
    free(s->gates);
    s->h = s->c = s->gates = NULL;
}

const float *ng_lstm_step(const ng_lstm *lstm, ng_lstm_state *s, const float *x)
{
    size_t H = lstm->cfg.hidden_size;
    const float *in = x;
    for (size_t l = 0; l < lstm->cfg.n_layers; l++) {
        float *h = s->h + l * H, *c = s->c + l * H;
        ng_dense_forward_vec(s->gates, in, ng_params_data(lstm->params, lstm->w_ih[l]),
                             ng_params_data(lstm->params, lstm->bias[l]),
                             layer_input_size(lstm, l), 4 * H);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)(4 * H), (int)H, 1.0f,
                    ng_params_data(lstm->params, lstm->w_hh[l]), (int)H, h, 1, 1.0f, s->gates,
                    1);
        /* c_prev is read before c is written element by element, so in place is safe;
         * tanh(c) goes to the gate scratch's spent input-gate slot. */
        ng_lstm_cell_forward(s->gates, c, h, s->gates, c, H);
        in = h;
    }
    return s->h + (lstm->cfg.n_layers - 1) * H;
}

ng_status ng_lstm_batch_state_init(ng_lstm_batch_state *s, const ng_lstm *lstm,
                                   size_t max_batch, ng_error *err)
{
    size_t H = lstm->cfg.hidden_size, n = lstm->cfg.n_layers * max_batch * H;
    memset(s, 0, sizeof *s);
    s->max_batch = max_batch;
    s->h = calloc(n ? n : 1, sizeof(float));
    s->c = calloc(n ? n : 1, sizeof(float));
    s->gates = calloc(max_batch * 4 * H + 1, sizeof(float));
    if (!s->h || !s->c || !s->gates) {
        ng_lstm_batch_state_free(s);
        return ng_fail(err, NG_ENOMEM, "no memory for %zu LSTM states", max_batch);
    }
    return NG_OK;
}

void ng_lstm_batch_state_reset_row(ng_lstm_batch_state *s, const ng_lstm *lstm, size_t b)
{
    size_t H = lstm->cfg.hidden_size;
    for (size_t l = 0; l < lstm->cfg.n_layers; l++) {
        memset(s->h + (l * s->max_batch + b) * H, 0, H * sizeof(float));
        memset(s->c + (l * s->max_batch + b) * H, 0, H * sizeof(float));
    }
}

void ng_lstm_batch_state_free(ng_lstm_batch_state *s)
{
    free(s->h);
    free(s->c);
    free(s->gates);
    memset(s, 0, sizeof *s);
}

const float *ng_lstm_step_batch(const ng_lstm *lstm, ng_lstm_batch_state *s, const float *x,
                                size_t B)
{
    if (B > s->max_batch)
        return NULL;
    size_t H = lstm->cfg.hidden_size;
    const float *in = x;
    for (size_t l = 0; l < lstm->cfg.n_layers; l++) {
        float *h = s->h + l * s->max_batch * H, *c = s->c + l * s->max_batch * H;
        ng_dense_forward(s->gates, in, ng_params_data(lstm->params, lstm->w_ih[l]),
                         ng_params_data(lstm->params, lstm->bias[l]), B,
                         layer_input_size(lstm, l), 4 * H);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)(4 * H), (int)H, 1.0f,
                    h, (int)H, ng_params_data(lstm->params, lstm->w_hh[l]), (int)H, 1.0f,
                    s->gates, (int)(4 * H));
        for (size_t b = 0; b < B; b++) {
            float *G = s->gates + b * 4 * H;
            ng_lstm_cell_forward(G, c + b * H, h + b * H, G, c + b * H, H);
        }
        in = h;
    }
    return s->h + (lstm->cfg.n_layers - 1) * s->max_batch * H;
}
