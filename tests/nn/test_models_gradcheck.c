/* test_models_gradcheck.c — whole-model gradients against finite differences:
 * a dense stack with an MSE loss, a 2-layer LSTM over 7 steps with masked
 * (variable-length) sequences and a softmax head, and the full VAE loss with MSE,
 * L1, Gaussian NLL, BCE and categorical cross-entropy terms plus the KL.
 * rel = |a-n| / max(|a|, |n|, 1e-2 max|a|) as in ng_gradcheck.
 *
 * Bounds. Smooth models (tanh hidden units): worst element below 2e-3 and whole-vector
 * error below 1e-4. The worst element sits at ~1e-3 because a float32 forward pass
 * rounds the loss at ~1e-7 of its size and this is what finite differences of that
 * loss can resolve; the vector error (~1e-5) shows the gradients themselves agree.
 * Leaky-ReLU models: a step of the difference may cross a kink of some unit for some
 * row, where no derivative exists; with a smaller largest step (1e-2) the vector
 * error is bounded (1e-3) and the worst element printed.
 * Small mode (ng_test_small, for valgrind) checks 60 evenly strided elements of each
 * array instead of 400. */
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
#include "nn/lstm_cell.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "nn/vae.h"

#define MAX_REL_ERR 2e-3
#define MAX_VECTOR_ERR 1e-4
#define MAX_VECTOR_ERR_KINKED 1e-3

static void fill_normal(float *x, size_t n, float scale, ng_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * (float)ng_rng_normal(rng);
}

static int kinked; /* the model under test has (leaky) ReLU units */

static void report_and_check(const char *what, float *x, const float *analytic, size_t n,
                             ng_loss_fn fn, void *ctx)
{
    ng_gradcheck_result res;
    ng_gradcheck_opts o;
    ng_gradcheck_defaults(&o);
    if (kinked)
        o.step = 1e-2; /* fewer rows cross a kink within the step */
    o.max_checks = ng_test_small() ? 60 : 400; /* evenly strided: keeps ASan (and, in
                                                 * small mode, valgrind) quick */
    ng_gradcheck(x, analytic, n, fn, ctx, &o, &res);
    printf("  %-24s max rel err %.2e  vector %.2e  over %zu (worst #%zu: %.6g vs %.6g)\n",
           what, res.max_rel_err, res.vector_rel_err, res.checked, res.worst_index,
           res.worst_analytic, res.worst_numeric);
    if (kinked) {
        assert_true(res.vector_rel_err < MAX_VECTOR_ERR_KINKED);
    } else {
        assert_true(res.max_rel_err < MAX_REL_ERR);
        assert_true(res.vector_rel_err < MAX_VECTOR_ERR);
    }
}

/* ---- dense stack ---- */

typedef struct mlp_case {
    ng_mlp mlp;
    ng_params params;
    float *x, *target;
    size_t B;
} mlp_case;

static double mlp_loss(void *ctx)
{
    mlp_case *m = ctx;
    const float *y = ng_mlp_forward(&m->mlp, m->x, m->B);
    size_t out = ng_mlp_out_size(&m->mlp);
    return ng_mse_loss(y, out, m->target, out, NULL, m->B, out, NULL, 1.0f / (float)m->B);
}

static void check_mlp(ng_activation hidden, const char *label)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 21);
    kinked = hidden == NG_ACT_LEAKY_RELU;
    mlp_case m = {.B = 6};
    ng_params_init(&m.params);
    ng_mlp_config cfg = {.n_layers = 3, .sizes = {5, 7, 4, 3}, .hidden_act = hidden,
                         .output_act = NG_ACT_SIGMOID, .slope = 0.1f, .max_batch = 8};
    assert_int_equal(ng_mlp_declare(&m.mlp, &cfg, &m.params, "mlp", &err), NG_OK);
    assert_int_equal(ng_params_alloc(&m.params, &err), NG_OK);
    ng_mlp_init_weights(&m.mlp, &rng);
    fill_normal(m.params.data, m.params.total, 0.3f, &rng); /* nonzero biases too */
    float x[6 * 5], target[6 * 3], dy[6 * 3], dx[6 * 5];
    fill_normal(x, 30, 1.0f, &rng);
    for (int i = 0; i < 18; i++)
        target[i] = (float)ng_rng_uniform(&rng);
    m.x = x, m.target = target;
    const float *y = ng_mlp_forward(&m.mlp, x, 6);
    ng_mse_loss(y, 3, target, 3, dy, 6, 3, NULL, 1.0f / 6);
    ng_params_zero_grad(&m.params);
    ng_mlp_backward(&m.mlp, dy, dx, 6);
    char name[64];
    snprintf(name, sizeof name, "mlp(%s) params", label);
    report_and_check(name, m.params.data, m.params.grad, m.params.total, mlp_loss, &m);
    snprintf(name, sizeof name, "mlp(%s) input", label);
    report_and_check(name, x, dx, 30, mlp_loss, &m);
    ng_mlp_free(&m.mlp);
    ng_params_free(&m.params);
}

static void test_mlp_tanh(void **state)
{
    check_mlp(NG_ACT_TANH, "tanh");
}

static void test_mlp_leaky_relu(void **state)
{
    check_mlp(NG_ACT_LEAKY_RELU, "leaky_relu");
}

/* ---- LSTM with masking and a softmax head ---- */

enum { T = 7, B = 4, IN = 3, H = 10, V = 4 }; /* H = 10: 8 vector lanes + a scalar tail */

typedef struct lstm_case {
    ng_lstm lstm;
    ng_params params;
    size_t head_w, head_b;
    float x[T * B * IN], logits[T * B * V], mask[T * B];
    int lengths[B], labels[T * B];
} lstm_case;

static double lstm_loss_and_grad(lstm_case *c, float *dx)
{
    const float *h = ng_lstm_forward(&c->lstm, c->x, c->lengths, T, B);
    float *W = ng_params_data(&c->params, c->head_w), *b = ng_params_data(&c->params, c->head_b);
    ng_dense_forward(c->logits, h, W, b, T * B, H, V);
    if (!dx)
        return ng_softmax_xent_loss(c->logits, V, c->labels, NULL, T * B, V, c->mask, 1.0f / B);
    float dlogits[T * B * V], dh[T * B * H];
    double loss =
        ng_softmax_xent_loss(c->logits, V, c->labels, dlogits, T * B, V, c->mask, 1.0f / B);
    ng_params_zero_grad(&c->params);
    ng_dense_backward(dh, ng_params_grad(&c->params, c->head_w),
                      ng_params_grad(&c->params, c->head_b), dlogits, h, W, T * B, H, V);
    ng_lstm_backward(&c->lstm, dh, dx);
    return loss;
}

static double lstm_loss(void *ctx)
{
    return lstm_loss_and_grad(ctx, NULL);
}

static void setup_lstm_case(lstm_case *c, size_t layers)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 33);
    ng_params_init(&c->params);
    ng_lstm_config cfg = {IN, H, layers, B, T};
    assert_int_equal(ng_lstm_declare(&c->lstm, &cfg, &c->params, "lstm", &err), NG_OK);
    size_t hw[2] = {V, H}, hb[1] = {V};
    assert_int_equal(ng_params_declare(&c->params, "head.weight", 2, hw, &c->head_w, &err), NG_OK);
    assert_int_equal(ng_params_declare(&c->params, "head.bias", 1, hb, &c->head_b, &err), NG_OK);
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
}

static void check_lstm(size_t layers)
{
    lstm_case *c = calloc(1, sizeof *c);
    kinked = 0;
    setup_lstm_case(c, layers);
    float dx[T * B * IN];
    lstm_loss_and_grad(c, dx);
    char name[64];
    snprintf(name, sizeof name, "lstm %zu-layer params", layers);
    report_and_check(name, c->params.data, c->params.grad, c->params.total, lstm_loss, c);
    snprintf(name, sizeof name, "lstm %zu-layer input", layers);
    report_and_check(name, c->x, dx, T * B * IN, lstm_loss, c);
    /* padded steps get no gradient and do not move the state */
    for (int t = 4; t < T; t++)
        for (int i = 0; i < IN; i++)
            assert_float_equal(dx[(t * B + 1) * IN + i], 0.0f, 0.0f);
    const float *h = ng_lstm_forward(&c->lstm, c->x, c->lengths, T, B);
    for (int j = 0; j < H; j++)
        assert_float_equal(h[((T - 1) * B + 2) * H + j], h[(0 * B + 2) * H + j], 0.0f);
    ng_lstm_free(&c->lstm);
    ng_params_free(&c->params);
    free(c);
}

static void test_lstm_one_layer(void **state)
{
    check_lstm(1);
}

static void test_lstm_portable_path(void **state)
{
    ng_lstm_cell_use_avx2(0); /* the 4-lane path every x86-64 (and other CPUs) has */
    check_lstm(2);
    ng_lstm_cell_use_avx2(1);
}

static void test_lstm_two_layers(void **state)
{
    check_lstm(2);
}

static void test_lstm_step_matches_sequence(void **state)
{
    printf("  AVX2 cell path in use: %d\n", ng_lstm_cell_use_avx2(1));
    lstm_case *c = calloc(1, sizeof *c);
    setup_lstm_case(c, 2);
    const float *h = ng_lstm_forward(&c->lstm, c->x, NULL, T, B);
    ng_lstm_state s;
    ng_error err;
    assert_int_equal(ng_lstm_state_init(&s, &c->lstm, &err), NG_OK);
    for (int b = 0; b < B; b++) {
        ng_lstm_state_reset(&s, &c->lstm);
        for (int t = 0; t < T; t++) {
            const float *hs = ng_lstm_step(&c->lstm, &s, c->x + (t * B + b) * IN);
            for (int j = 0; j < H; j++)
                assert_float_equal(hs[j], h[(t * B + b) * H + j], 1e-5);
        }
    }
    ng_lstm_state_free(&s);
    /* all sequences side by side, with one restarted half-way */
    ng_lstm_batch_state bs;
    assert_int_equal(ng_lstm_batch_state_init(&bs, &c->lstm, B, &err), NG_OK);
    for (int t = 0; t < T; t++) {
        if (t == 3)
            ng_lstm_batch_state_reset_row(&bs, &c->lstm, 1);
        const float *hb = ng_lstm_step_batch(&c->lstm, &bs, c->x + t * B * IN, B);
        for (int b = 0; b < B; b++)
            if (b != 1 || t < 3)
                for (int j = 0; j < H; j++)
                    assert_float_equal(hb[b * H + j], h[(t * B + b) * H + j], 1e-5);
    }
    assert_null(ng_lstm_step_batch(&c->lstm, &bs, c->x, B + 1));
    assert_null(ng_lstm_forward(&c->lstm, c->x, NULL, T + 1, B));
    ng_lstm_batch_state_free(&bs);
    ng_lstm_free(&c->lstm);
    ng_params_free(&c->params);
    free(c);
}

/* ---- VAE with every kind of reconstruction term ---- */

typedef struct vae_case {
    ng_vae vae;
    ng_params params;
    float *x;
    size_t rows;
} vae_case;

static double vae_loss(void *ctx)
{
    vae_case *v = ctx;
    return ng_vae_forward(&v->vae, v->x, v->rows);
}

static ng_vae_config mixed_config(ng_activation act)
{
    ng_vae_config cfg = {.n_fields = 6, .n_hidden = 2, .hidden = {7, 5}, .latent = 3,
                         .act = act, .slope = 0.1f, .beta = 0.7f, .max_batch = 8};
    cfg.fields[0] = (ng_vae_field){NG_VAE_CONTINUOUS, 2, NG_RECON_MSE, true, 1.0f};
    cfg.fields[1] = (ng_vae_field){NG_VAE_CATEGORICAL, 3, NG_RECON_MSE, false, 0.5f};
    cfg.fields[2] = (ng_vae_field){NG_VAE_CONTINUOUS, 1, NG_RECON_L1, false, 2.0f};
    cfg.fields[3] = (ng_vae_field){NG_VAE_CONTINUOUS, 2, NG_RECON_GAUSSIAN_NLL, false, 1.0f};
    cfg.fields[4] = (ng_vae_field){NG_VAE_CONTINUOUS, 1, NG_RECON_BCE, false, 1.0f};
    cfg.fields[5] = (ng_vae_field){NG_VAE_CATEGORICAL, 4, NG_RECON_MSE, false, 1.0f};
    return cfg;
}

static void fill_mixed_rows(const ng_vae *vae, float *x, size_t rows, ng_rng *rng)
{
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * vae->in_width;
        for (size_t i = 0; i < vae->cfg.n_fields; i++) {
            const ng_vae_field *f = &vae->cfg.fields[i];
            float *v = row + vae->in_offset[i];
            if (f->kind == NG_VAE_CATEGORICAL) {
                memset(v, 0, f->width * sizeof *v);
                v[ng_rng_below(rng, f->width)] = 1.0f;
            } else {
                for (size_t k = 0; k < f->width; k++)
                    v[k] = (float)ng_rng_uniform(rng);
            }
        }
    }
}

static void check_vae(ng_activation act, const char *label)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 44);
    kinked = act == NG_ACT_LEAKY_RELU;
    vae_case v = {.rows = 5};
    ng_params_init(&v.params);
    ng_vae_config cfg = mixed_config(act);
    assert_int_equal(ng_vae_declare(&v.vae, &cfg, &v.params, "vae", &err), NG_OK);
    assert_int_equal(v.vae.in_width, 13);
    assert_int_equal(v.vae.out_width, 15);
    assert_int_equal(ng_params_alloc(&v.params, &err), NG_OK);
    ng_vae_init_weights(&v.vae, &rng);
    float x[5 * 13];
    fill_mixed_rows(&v.vae, x, 5, &rng);
    v.x = x;
    ng_vae_sample_noise(&v.vae, 5, &rng); /* fixed noise: the loss is a function */
    ng_vae_forward(&v.vae, x, 5);
    ng_params_zero_grad(&v.params);
    ng_vae_backward(&v.vae, 5);
    char name[64];
    snprintf(name, sizeof name, "vae(%s) params", label);
    report_and_check(name, v.params.data, v.params.grad, v.params.total, vae_loss, &v);
    ng_vae_free(&v.vae);
    ng_params_free(&v.params);
}

static void test_vae_tanh(void **state)
{
    check_vae(NG_ACT_TANH, "tanh");
}

static void test_vae_leaky_relu(void **state)
{
    check_vae(NG_ACT_LEAKY_RELU, "leaky_relu");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mlp_tanh),
        cmocka_unit_test(test_mlp_leaky_relu),
        cmocka_unit_test(test_lstm_one_layer),
        cmocka_unit_test(test_lstm_two_layers),
        cmocka_unit_test(test_lstm_portable_path),
        cmocka_unit_test(test_lstm_step_matches_sequence),
        cmocka_unit_test(test_vae_tanh),
        cmocka_unit_test(test_vae_leaky_relu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
