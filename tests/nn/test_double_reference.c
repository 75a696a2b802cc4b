/* test_double_reference.c — whole models against naive double-precision re-implementations.
 *
 * The float32 gradient checks (test_models_gradcheck.c) are limited by float32 rounding
 * of the loss itself. Here the same models' losses are recomputed by plain double loops
 * written from the textbook formulas (libm exp/tanh, no BLAS, no fast exp), reading the
 * same float parameters. That checks two things:
 *   1. forward: the float32 loss equals the double loss to a relative 1e-5;
 *   2. backward: the float32 analytic gradient equals central differences of the double
 *      loss, per element, rel = |a-n| / max(|a|, |n|, 1e-6), below 1e-3 (steps 1e-3
 *      down to 2.5e-4 with Richardson). No relative floor is needed: a double loss
 *      resolves derivatives far below float32's rounding of the loss.
 * Models: an MLP (tanh), a 2-layer LSTM over 7 steps with masked sequences and a
 * softmax head, and the VAE with MSE/L1/Gaussian-NLL/BCE/categorical terms and KL,
 * with tanh and with leaky-ReLU hidden units. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/dense.h"
#include "nn/gradcheck.h"
#include "nn/losses.h"
#include "nn/lstm.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "nn/vae.h"

#define MAX_REL_ERR 1e-3
#define MAX_FORWARD_ERR 1e-5
#define MAXW 64 /* widest layer in these tests */

static void fill_normal(float *x, size_t n, float scale, ng_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * (float)ng_rng_normal(rng);
}

static void check_against_double(const char *what, float *x, const float *analytic, size_t n,
                                 ng_loss_fn ref_loss, void *ctx)
{
    ng_gradcheck_opts o;
    ng_gradcheck_defaults(&o);
    o.step = 1e-3;
    o.levels = 3;
    o.floor_rel = 0.0; /* only the absolute floor of 1e-6 */
    ng_gradcheck_result res;
    ng_gradcheck(x, analytic, n, ref_loss, ctx, &o, &res);
    printf("  %-26s max rel err %.2e  vector %.2e  over %zu (worst #%zu: %.6g vs %.6g)\n",
           what, res.max_rel_err, res.vector_rel_err, res.checked, res.worst_index,
           res.worst_analytic, res.worst_numeric);
    assert_true(res.max_rel_err < MAX_REL_ERR);
}

static void check_forward(const char *what, double single, double reference)
{
    double rel = fabs(single - reference) / fmax(fabs(reference), 1e-12);
    printf("  %-26s float32 loss %.9g, double %.9g, rel diff %.1e\n", what, single, reference,
           rel);
    assert_true(rel < MAX_FORWARD_ERR);
}

/* ---- double building blocks ---- */

static double act(ng_activation a, float slope, double x)
{
    switch (a) {
    case NG_ACT_RELU: return x > 0 ? x : 0;
    case NG_ACT_LEAKY_RELU: return x > 0 ? x : slope * x;
    case NG_ACT_TANH: return tanh(x);
    case NG_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
    default: return x;
    }
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* out[o] = b[o] + sum_c W[o, c] in[c] for one row */
static void dense_row(double *out, const double *in, const float *W, const float *b, size_t C,
                      size_t OC)
{
    for (size_t o = 0; o < OC; o++) {
        double s = b ? b[o] : 0.0;
        for (size_t c = 0; c < C; c++)
            s += (double)W[o * C + c] * in[c];
        out[o] = s;
    }
}

/* One row through an MLP's layers, in double, with its own parameters. */
static void mlp_row(const ng_mlp *m, const double *x, double *out)
{
    double a[MAXW], b[MAXW];
    memcpy(a, x, m->cfg.sizes[0] * sizeof *a);
    for (size_t l = 0; l < m->cfg.n_layers; l++) {
        size_t C = m->cfg.sizes[l], OC = m->cfg.sizes[l + 1];
        dense_row(b, a, ng_params_data(m->params, m->weight[l]),
                  ng_params_data(m->params, m->bias[l]), C, OC);
        ng_activation f = l + 1 == m->cfg.n_layers ? m->cfg.output_act : m->cfg.hidden_act;
        for (size_t o = 0; o < OC; o++)
            a[o] = act(f, m->cfg.slope, b[o]);
    }
    memcpy(out, a, m->cfg.sizes[m->cfg.n_layers] * sizeof *out);
}

/* ---- MLP with an MSE loss ---- */

typedef struct mlp_case {
    ng_mlp mlp;
    ng_params params;
    float x[6 * 5], target[6 * 3];
} mlp_case;

static double mlp_ref_loss(void *ctx)
{
    mlp_case *m = ctx;
    double total = 0;
    for (int r = 0; r < 6; r++) {
        double in[5], out[3];
        for (int c = 0; c < 5; c++)
            in[c] = m->x[r * 5 + c];
        mlp_row(&m->mlp, in, out);
        for (int c = 0; c < 3; c++)
            total += (out[c] - m->target[r * 3 + c]) * (out[c] - m->target[r * 3 + c]);
    }
    return total / 6;
}

static void test_mlp_double(void **state)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 21);
    mlp_case *m = calloc(1, sizeof *m);
    ng_params_init(&m->params);
    ng_mlp_config cfg = {.n_layers = 3, .sizes = {5, 7, 4, 3}, .hidden_act = NG_ACT_TANH,
                         .output_act = NG_ACT_SIGMOID, .max_batch = 8};
    assert_int_equal(ng_mlp_declare(&m->mlp, &cfg, &m->params, "mlp", &err), NG_OK);
    assert_int_equal(ng_params_alloc(&m->params, &err), NG_OK);
    fill_normal(m->params.data, m->params.total, 0.5f, &rng);
    fill_normal(m->x, 30, 1.0f, &rng);
    for (int i = 0; i < 18; i++)
        m->target[i] = (float)ng_rng_uniform(&rng);
    float dy[18], dx[30];
    const float *y = ng_mlp_forward(&m->mlp, m->x, 6);
    double loss = ng_mse_loss(y, 3, m->target, 3, dy, 6, 3, NULL, 1.0f / 6);
    check_forward("mlp(tanh)", loss, mlp_ref_loss(m));
    ng_params_zero_grad(&m->params);
    ng_mlp_backward(&m->mlp, dy, dx, 6);
    check_against_double("mlp(tanh) params", m->params.data, m->params.grad, m->params.total,
                         mlp_ref_loss, m);
    check_against_double("mlp(tanh) input", m->x, dx, 30, mlp_ref_loss, m);
    ng_mlp_free(&m->mlp);
    ng_params_free(&m->params);
    free(m);
}

/* ---- LSTM, masked, with a softmax head ---- */

enum { T = 7, B = 4, IN = 3, H = 10, V = 4, LAYERS = 2 };

typedef struct lstm_case {
    ng_lstm lstm;
    ng_params params;
    size_t head_w, head_b;
    float x[T * B * IN], mask[T * B];
    int lengths[B], labels[T * B];
} lstm_case;

/* One layer's step for one sequence: gates, then c and h, in double. */
static void lstm_ref_step(const lstm_case *c, size_t l, const double *in, size_t in_size,
                          double *h, double *cell)
{
    const float *Wih = ng_params_data(&c->params, c->lstm.w_ih[l]);
    const float *Whh = ng_params_data(&c->params, c->lstm.w_hh[l]);
    const float *bias = ng_params_data(&c->params, c->lstm.bias[l]);
    double a[4 * H];
    for (int k = 0; k < 4 * H; k++) {
        double s = bias[k];
        for (size_t i = 0; i < in_size; i++)
            s += (double)Wih[k * in_size + i] * in[i];
        for (int j = 0; j < H; j++)
            s += (double)Whh[k * H + j] * h[j];
        a[k] = s;
    }
    for (int j = 0; j < H; j++) {
        double i = sigmoid(a[j]), f = sigmoid(a[H + j]), g = tanh(a[2 * H + j]);
        double o = sigmoid(a[3 * H + j]);
        cell[j] = f * cell[j] + i * g;
        h[j] = o * tanh(cell[j]);
    }
}

static double lstm_ref_loss(void *ctx)
{
    const lstm_case *c = ctx;
    const float *W = ng_params_data(&c->params, c->head_w);
    const float *b = ng_params_data(&c->params, c->head_b);
    double total = 0;
    for (int s = 0; s < B; s++) {
        double h[LAYERS][H] = {{0}}, cell[LAYERS][H] = {{0}};
        for (int t = 0; t < c->lengths[s]; t++) { /* padding steps change nothing */
            double in[IN];
            for (int i = 0; i < IN; i++)
                in[i] = c->x[(t * B + s) * IN + i];
            lstm_ref_step(c, 0, in, IN, h[0], cell[0]);
            for (int l = 1; l < LAYERS; l++)
                lstm_ref_step(c, (size_t)l, h[l - 1], H, h[l], cell[l]);
            double z[V], maxz = -INFINITY, sum = 0;
            dense_row(z, h[LAYERS - 1], W, b, H, V);
            for (int v = 0; v < V; v++)
                maxz = fmax(maxz, z[v]);
            for (int v = 0; v < V; v++)
                sum += exp(z[v] - maxz);
            total += maxz + log(sum) - z[c->labels[t * B + s]];
        }
    }
    return total / B;
}

static double lstm_float_loss_and_grad(lstm_case *c, float *dx)
{
    float logits[T * B * V], dlogits[T * B * V], dh[T * B * H];
    const float *h = ng_lstm_forward(&c->lstm, c->x, c->lengths, T, B);
    float *W = ng_params_data(&c->params, c->head_w);
    ng_dense_forward(logits, h, W, ng_params_data(&c->params, c->head_b), T * B, H, V);
    double loss =
        ng_softmax_xent_loss(logits, V, c->labels, dlogits, T * B, V, c->mask, 1.0f / B);
    ng_params_zero_grad(&c->params);
    ng_dense_backward(dh, ng_params_grad(&c->params, c->head_w),
                      ng_params_grad(&c->params, c->head_b), dlogits, h, W, T * B, H, V);
    ng_lstm_backward(&c->lstm, dh, dx);
    return loss;
}

static void test_lstm_double(void **state)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 33);
    lstm_case *c = calloc(1, sizeof *c);
    ng_params_init(&c->params);
    ng_lstm_config cfg = {IN, H, LAYERS, B, T};
    assert_int_equal(ng_lstm_declare(&c->lstm, &cfg, &c->params, "lstm", &err), NG_OK);
    size_t hw[2] = {V, H}, hb[1] = {V};
    assert_int_equal(ng_params_declare(&c->params, "head.weight", 2, hw, &c->head_w, &err), 0);
    assert_int_equal(ng_params_declare(&c->params, "head.bias", 1, hb, &c->head_b, &err), 0);
    assert_int_equal(ng_params_alloc(&c->params, &err), NG_OK);
    fill_normal(c->params.data, c->params.total, 0.5f, &rng);
    fill_normal(c->x, T * B * IN, 1.0f, &rng);
    int lengths[B] = {7, 4, 1, 6};
    memcpy(c->lengths, lengths, sizeof lengths);
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            c->mask[t * B + b] = t < lengths[b] ? 1.0f : 0.0f;
            c->labels[t * B + b] = (int)ng_rng_below(&rng, V);
        }
    float dx[T * B * IN];
    double loss = lstm_float_loss_and_grad(c, dx);
    check_forward("lstm 2-layer masked", loss, lstm_ref_loss(c));
    check_against_double("lstm 2-layer params", c->params.data, c->params.grad,
                         c->params.total, lstm_ref_loss, c);
    check_against_double("lstm 2-layer input", c->x, dx, T * B * IN, lstm_ref_loss, c);
    ng_lstm_free(&c->lstm);
    ng_params_free(&c->params);
    free(c);
}

/* ---- VAE with every reconstruction term ---- */

typedef struct vae_case {
    ng_vae vae;
    ng_params params;
    float x[5 * 13];
} vae_case;

static double field_ref_loss(const ng_vae_field *f, const double *raw, const float *t)
{
    double sum = 0;
    if (f->kind == NG_VAE_CATEGORICAL) {
        int label = 0;
        double maxz = -INFINITY, norm = 0;
        for (size_t k = 0; k < f->width; k++) {
            label = t[k] > t[label] ? (int)k : label;
            maxz = fmax(maxz, raw[k]);
        }
        for (size_t k = 0; k < f->width; k++)
            norm += exp(raw[k] - maxz);
        return maxz + log(norm) - raw[label];
    }
    for (size_t k = 0; k < f->width; k++) {
        double v = raw[k], d;
        switch (f->loss) {
        case NG_RECON_MSE:
        case NG_RECON_L1:
            v = f->sigmoid_output ? sigmoid(v) : v;
            d = v - t[k];
            sum += f->loss == NG_RECON_MSE ? d * d : fabs(d);
            break;
        case NG_RECON_GAUSSIAN_NLL:
            d = t[k] - v;
            sum += 0.5 * (raw[f->width + k] + d * d * exp(-raw[f->width + k]) + log(2 * M_PI));
            break;
        case NG_RECON_BCE:
            sum += -(t[k] * log(sigmoid(v)) + (1 - t[k]) * log(1 - sigmoid(v)));
            break;
        }
    }
    return sum;
}

static double vae_ref_loss(void *ctx)
{
    const vae_case *c = ctx;
    const ng_vae *v = &c->vae;
    size_t L = v->cfg.latent;
    double total = 0;
    for (int r = 0; r < 5; r++) {
        double in[MAXW], enc[MAXW], z[MAXW], raw[MAXW], kl = 0;
        for (size_t i = 0; i < v->in_width; i++)
            in[i] = c->x[r * v->in_width + i];
        mlp_row(&v->encoder, in, enc);
        for (size_t j = 0; j < L; j++) {
            double mu = enc[j], lv = enc[L + j];
            z[j] = mu + exp(0.5 * lv) * v->eps[r * L + j];
            kl += -0.5 * (1 + lv - mu * mu - exp(lv));
        }
        mlp_row(&v->decoder, z, raw);
        double recon = 0;
        for (size_t i = 0; i < v->cfg.n_fields; i++) {
            const ng_vae_field *f = &v->cfg.fields[i];
            double w = f->weight > 0 ? f->weight : 1.0;
            recon += w * field_ref_loss(f, raw + v->out_offset[i],
                                        c->x + r * v->in_width + v->in_offset[i]);
        }
        total += recon + v->cfg.beta * kl;
    }
    return total / 5;
}

static void check_vae_double(ng_activation hidden, const char *label)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 44);
    vae_case *c = calloc(1, sizeof *c);
    ng_params_init(&c->params);
    ng_vae_config cfg = {.n_fields = 6, .n_hidden = 2, .hidden = {7, 5}, .latent = 3,
                         .act = hidden, .slope = 0.1f, .beta = 0.7f, .max_batch = 8};
    cfg.fields[0] = (ng_vae_field){NG_VAE_CONTINUOUS, 2, NG_RECON_MSE, true, 1.0f};
    cfg.fields[1] = (ng_vae_field){NG_VAE_CATEGORICAL, 3, NG_RECON_MSE, false, 0.5f};
    cfg.fields[2] = (ng_vae_field){NG_VAE_CONTINUOUS, 1, NG_RECON_L1, false, 2.0f};
    cfg.fields[3] = (ng_vae_field){NG_VAE_CONTINUOUS, 2, NG_RECON_GAUSSIAN_NLL, false, 1.0f};
    cfg.fields[4] = (ng_vae_field){NG_VAE_CONTINUOUS, 1, NG_RECON_BCE, false, 1.0f};
    cfg.fields[5] = (ng_vae_field){NG_VAE_CATEGORICAL, 4, NG_RECON_MSE, false, 1.0f};
    assert_int_equal(ng_vae_declare(&c->vae, &cfg, &c->params, "vae", &err), NG_OK);
    assert_int_equal(ng_params_alloc(&c->params, &err), NG_OK);
    ng_vae_init_weights(&c->vae, &rng);
    fill_normal(c->params.data, c->params.total, 0.4f, &rng);
    for (int r = 0; r < 5; r++) { /* continuous in [0, 1], one-hot groups */
        float *row = c->x + r * 13;
        for (int i = 0; i < 13; i++)
            row[i] = (float)ng_rng_uniform(&rng);
        memset(row + 2, 0, 3 * sizeof *row);
        row[2 + ng_rng_below(&rng, 3)] = 1.0f;
        memset(row + 9, 0, 4 * sizeof *row);
        row[9 + ng_rng_below(&rng, 4)] = 1.0f;
    }
    ng_vae_sample_noise(&c->vae, 5, &rng);
    double loss = ng_vae_forward(&c->vae, c->x, 5);
    char name[64];
    snprintf(name, sizeof name, "vae(%s) mixed", label);
    check_forward(name, loss, vae_ref_loss(c));
    ng_params_zero_grad(&c->params);
    ng_vae_backward(&c->vae, 5);
    snprintf(name, sizeof name, "vae(%s) params", label);
    check_against_double(name, c->params.data, c->params.grad, c->params.total, vae_ref_loss,
                         c);
    ng_vae_free(&c->vae);
    ng_params_free(&c->params);
    free(c);
}

static void test_vae_tanh_double(void **state)
{
    check_vae_double(NG_ACT_TANH, "tanh");
}

static void test_vae_leaky_relu_double(void **state)
{
    check_vae_double(NG_ACT_LEAKY_RELU, "leaky_relu");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mlp_double),
        cmocka_unit_test(test_lstm_double),
        cmocka_unit_test(test_vae_tanh_double),
        cmocka_unit_test(test_vae_leaky_relu_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
