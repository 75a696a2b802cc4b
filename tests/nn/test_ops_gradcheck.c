/* test_ops_gradcheck.c — every nn op's backward against central finite differences.
 *
 * Each op's output is reduced to a scalar by a fixed random projection
 * L = sum_i r_i out_i, so dL/dout = r is fed to backward and every input and parameter
 * gradient is compared with ng_gradcheck (float32 forward, Richardson-refined central
 * differences, rel = |a-n| / max(|a|, |n|, 1e-2 max|a|)). Bound: 1e-3. Small mode
 * (ng_test_small, for valgrind) checks at most 64 evenly strided elements per array
 * and the fast math functions on every 8th block of the grid. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/activations.h"
#include "nn/dense.h"
#include "nn/embedding.h"
#include "nn/fastmath.h"
#include "nn/gradcheck.h"
#include "nn/losses.h"

#define MAX_REL_ERR 1e-3

static void fill_normal(float *x, size_t n, float scale, ng_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * (float)ng_rng_normal(rng);
}

static double project(const float *out, const float *r, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)out[i] * r[i];
    return sum;
}

static void expect_close_opts(const char *what, float *x, const float *analytic, size_t n,
                              ng_loss_fn fn, void *ctx, const ng_gradcheck_opts *opts)
{
    ng_gradcheck_opts o;
    if (opts)
        o = *opts;
    else
        ng_gradcheck_defaults(&o);
    if (ng_test_small())
        o.max_checks = 64;
    ng_gradcheck_result res;
    ng_gradcheck(x, analytic, n, fn, ctx, &o, &res);
    printf("  %-28s max rel err %.2e  vector %.2e  over %zu (worst #%zu: %.6g vs %.6g)\n",
           what, res.max_rel_err, res.vector_rel_err, res.checked, res.worst_index,
           res.worst_analytic, res.worst_numeric);
    assert_true(res.max_rel_err < MAX_REL_ERR);
}

static void expect_close(const char *what, float *x, const float *analytic, size_t n,
                         ng_loss_fn fn, void *ctx)
{
    expect_close_opts(what, x, analytic, n, fn, ctx, NULL);
}

/* The dense layer is linear in each of its arguments, so a large step carries no
 * truncation error and lifts the difference far above float32 rounding. */
static void expect_close_linear(const char *what, float *x, const float *analytic, size_t n,
                                ng_loss_fn fn, void *ctx)
{
    ng_gradcheck_opts o;
    ng_gradcheck_defaults(&o);
    o.step = 0.5;
    o.richardson = false;
    expect_close_opts(what, x, analytic, n, fn, ctx, &o);
}

/* ---- dense ---- */

typedef struct dense_case {
    size_t B, C, OC;
    float *inp, *W, *b, *out, *r;
} dense_case;

static double dense_loss(void *ctx)
{
    dense_case *d = ctx;
    ng_dense_forward(d->out, d->inp, d->W, d->b, d->B, d->C, d->OC);
    return project(d->out, d->r, d->B * d->OC);
}

static void check_dense(size_t B, size_t C, size_t OC)
{
    ng_rng rng;
    ng_rng_seed(&rng, 1000 + B + C + OC);
    dense_case d = {B, C, OC, malloc(B * C * 4), malloc(OC * C * 4), malloc(OC * 4),
                    malloc(B * OC * 4), malloc(B * OC * 4)};
    float *dinp = malloc(B * C * 4), *dW = calloc(OC * C, 4), *db = calloc(OC, 4);
    fill_normal(d.inp, B * C, 1.0f, &rng);
    fill_normal(d.W, OC * C, 0.5f, &rng);
    fill_normal(d.b, OC, 0.5f, &rng);
    fill_normal(d.r, B * OC, 1.0f, &rng);
    dense_loss(&d);
    ng_dense_backward(dinp, dW, db, d.r, d.inp, d.W, B, C, OC);
    char name[64];
    snprintf(name, sizeof name, "dense %zux%zu->%zu inp", B, C, OC);
    expect_close_linear(name, d.inp, dinp, B * C, dense_loss, &d);
    snprintf(name, sizeof name, "dense %zux%zu->%zu W", B, C, OC);
    expect_close_linear(name, d.W, dW, OC * C, dense_loss, &d);
    snprintf(name, sizeof name, "dense %zux%zu->%zu b", B, C, OC);
    expect_close_linear(name, d.b, db, OC, dense_loss, &d);
    free(d.inp), free(d.W), free(d.b), free(d.out), free(d.r);
    free(dinp), free(dW), free(db);
}

static void test_dense_small(void **state)
{
    check_dense(5, 7, 3);
}

static void test_dense_large(void **state)
{
    check_dense(40, 36, 33);
}

static void test_dense_backward_accumulates(void **state)
{
    float inp[2] = {1, 2}, W[2] = {3, 4}, b[1] = {0}, dout[1] = {1};
    float dW[2] = {10, 10}, db[1] = {5}, dinp[2] = {99, 99};
    ng_dense_backward(dinp, dW, db, dout, inp, W, 1, 2, 1);
    assert_float_equal(dW[0], 11.0f, 1e-6);
    assert_float_equal(dW[1], 12.0f, 1e-6);
    assert_float_equal(db[0], 6.0f, 1e-6);
    assert_float_equal(dinp[0], 3.0f, 1e-6); /* overwritten, not accumulated */
    assert_float_equal(dinp[1], 4.0f, 1e-6);
    float out[1];
    ng_dense_forward_vec(out, inp, W, b, 2, 1);
    assert_float_equal(out[0], 11.0f, 1e-6);
}

/* ---- activations ---- */

typedef struct act_case {
    ng_activation act;
    float slope;
    size_t rows, cols;
    int softmax;
    float *inp, *out, *r;
} act_case;

static double act_loss(void *ctx)
{
    act_case *a = ctx;
    size_t n = a->rows * a->cols;
    if (a->softmax)
        ng_softmax_forward(a->out, a->inp, a->rows, a->cols);
    else
        ng_activation_forward(a->act, a->slope, a->out, a->inp, n);
    return project(a->out, a->r, n);
}

static void check_activation(const char *name, ng_activation act, int softmax)
{
    ng_rng rng;
    ng_rng_seed(&rng, 7 + (uint64_t)act + 100 * (uint64_t)softmax);
    act_case a = {act, 0.1f, 6, 5, softmax, malloc(30 * 4), malloc(30 * 4), malloc(30 * 4)};
    float dinp[30];
    fill_normal(a.inp, 30, 1.5f, &rng);
    fill_normal(a.r, 30, 1.0f, &rng);
    /* keep (leaky) ReLU inputs away from the kink, where no derivative exists */
    for (int i = 0; i < 30; i++)
        if (fabsf(a.inp[i]) < 0.1f)
            a.inp[i] = a.inp[i] < 0 ? -0.1f + a.inp[i] : 0.1f + a.inp[i];
    act_loss(&a);
    if (softmax)
        ng_softmax_backward(dinp, a.r, a.out, a.rows, a.cols);
    else
        ng_activation_backward(act, a.slope, dinp, a.r, a.inp, a.out, 30);
    expect_close(name, a.inp, dinp, 30, act_loss, &a);
    free(a.inp), free(a.out), free(a.r);
}

static void test_activations(void **state)
{
    check_activation("relu", NG_ACT_RELU, 0);
    check_activation("leaky_relu 0.1", NG_ACT_LEAKY_RELU, 0);
    check_activation("tanh", NG_ACT_TANH, 0);
    check_activation("sigmoid", NG_ACT_SIGMOID, 0);
    check_activation("identity", NG_ACT_NONE, 0);
    check_activation("softmax", NG_ACT_NONE, 1);
}

static void test_activation_names(void **state)
{
    for (int a = NG_ACT_NONE; a <= NG_ACT_SIGMOID; a++)
        assert_int_equal(ng_activation_from_name(ng_activation_name((ng_activation)a)), a);
    assert_int_equal(ng_activation_from_name("swish"), -1);
}

static void test_activation_extremes_are_finite(void **state)
{
    float x[8] = {-INFINITY, -1000.0f, -80.0f, 80.0f, 1000.0f, INFINITY, -1e30f, 1e30f};
    float y[8], t[8], s[4];
    ng_sigmoid_forward(y, x, 8);
    ng_tanh_forward(t, x, 8);
    ng_softmax_forward(s, x + 1, 1, 4);
    for (int i = 0; i < 8; i++) {
        assert_true(isfinite(y[i]) && y[i] >= 0.0f && y[i] <= 1.0f);
        assert_float_equal(t[i], x[i] > 0 ? 1.0f : -1.0f, 1e-6);
    }
    for (int i = 0; i < 4; i++)
        assert_true(isfinite(s[i]));
    assert_float_equal(s[3], 1.0f, 1e-6);
}

/* The fast exp/sigmoid/tanh against libm in double, on a fine grid. */
static void test_fast_math_accuracy(void **state)
{
    enum { N = 4096 };
    static float x[N], y[N];
    double exp_err = 0, sig_err = 0, tanh_err = 0;
    double stride = (ng_test_small() ? 8 : 1) * N * 1e-3;
    for (double lo = -87.0; lo < 88.0; lo += stride) {
        for (int i = 0; i < N; i++)
            x[i] = (float)(lo + i * 1e-3);
        for (int i = 0; i < N && x[i] <= 88.0f; i++) /* beyond, the input is clamped */
            exp_err = fmax(exp_err, fabs(ng_fast_expf(x[i]) / exp((double)x[i]) - 1.0));
        ng_sigmoid_forward(y, x, N); /* the vector path */
        for (int i = 0; i < N; i++)
            sig_err = fmax(sig_err, fabs(y[i] - 1.0 / (1.0 + exp(-(double)x[i]))));
        ng_tanh_forward(y, x, N);
        for (int i = 0; i < N; i++)
            tanh_err = fmax(tanh_err, fabs(y[i] - tanh((double)x[i])));
    }
    printf("  fast exp max rel err %.2e, sigmoid max abs err %.2e, tanh max abs err %.2e\n",
           exp_err, sig_err, tanh_err);
    assert_true(exp_err < 1e-7);
    assert_true(sig_err < 1e-7);
    assert_true(tanh_err < 2e-7);
}

/* ---- embedding ---- */

typedef struct emb_case {
    size_t N, V, D;
    int *idx;
    float *table, *out, *r;
} emb_case;

static double emb_loss(void *ctx)
{
    emb_case *e = ctx;
    ng_embedding_forward(e->out, e->idx, e->table, e->N, e->V, e->D);
    return project(e->out, e->r, e->N * e->D);
}

static void test_embedding(void **state)
{
    ng_rng rng;
    ng_rng_seed(&rng, 3);
    int idx[7] = {0, 3, 3, 1, -1, 4, 3}; /* repeats accumulate; -1 is "unknown" */
    emb_case e = {7, 5, 4, idx, malloc(20 * 4), malloc(28 * 4), malloc(28 * 4)};
    float dtable[20] = {0};
    fill_normal(e.table, 20, 1.0f, &rng);
    fill_normal(e.r, 28, 1.0f, &rng);
    emb_loss(&e);
    for (int d = 0; d < 4; d++)
        assert_float_equal(e.out[4 * 4 + d], 0.0f, 0.0f);
    ng_embedding_backward(dtable, e.r, idx, 7, 5, 4);
    expect_close("embedding table", e.table, dtable, 20, emb_loss, &e);
    for (int d = 0; d < 4; d++) /* category 2 never used: zero gradient */
        assert_float_equal(dtable[2 * 4 + d], 0.0f, 0.0f);
    free(e.table), free(e.out), free(e.r);
}

/* ---- losses ---- */

enum { LOSS_MSE, LOSS_L1, LOSS_GNLL, LOSS_XENT, LOSS_BCE };

typedef struct loss_case {
    int kind;
    size_t rows, cols, ld; /* predictions are a column slice of a wider matrix */
    float *pred, *logvar, *target, *w;
    int *labels;
} loss_case;

static double eval_loss(loss_case *c, float *dpred, float *dlogvar)
{
    float scale = 1.0f / (float)c->rows;
    switch (c->kind) {
    case LOSS_MSE:
        return ng_mse_loss(c->pred, c->ld, c->target, c->cols, dpred, c->rows, c->cols, c->w,
                           scale);
    case LOSS_L1:
        return ng_l1_loss(c->pred, c->ld, c->target, c->cols, dpred, c->rows, c->cols, c->w,
                          scale);
    case LOSS_GNLL:
        return ng_gaussian_nll_loss(c->pred, c->logvar, c->ld, c->target, c->cols, dpred,
                                    dlogvar, c->rows, c->cols, c->w, scale);
    case LOSS_XENT:
        return ng_softmax_xent_loss(c->pred, c->ld, c->labels, dpred, c->rows, c->cols, c->w,
                                    scale);
    default:
        return ng_bce_logits_loss(c->pred, c->ld, c->target, c->cols, dpred, c->rows, c->cols,
                                  c->w, scale);
    }
}

static double loss_value(void *ctx)
{
    return eval_loss(ctx, NULL, NULL);
}

static void check_loss(const char *name, int kind)
{
    ng_rng rng;
    ng_rng_seed(&rng, 11 + (uint64_t)kind);
    enum { R = 6, C = 4, LD = 9 };
    float pred[R * LD], logvar[R * LD], target[R * C], w[R], dpred[R * LD], dlogvar[R * LD];
    int labels[R];
    fill_normal(pred, R * LD, 1.0f, &rng);
    fill_normal(logvar, R * LD, 0.5f, &rng);
    for (int i = 0; i < R * C; i++)
        target[i] = kind == LOSS_BCE ? (float)ng_rng_uniform(&rng) : (float)ng_rng_normal(&rng);
    for (int r = 0; r < R; r++) {
        w[r] = r == 2 ? 0.0f : 0.5f + (float)ng_rng_uniform(&rng); /* row 2 masked */
        labels[r] = (int)ng_rng_below(&rng, C);
    }
    if (kind == LOSS_L1) /* keep |p - t| away from the kink */
        for (int r = 0; r < R; r++)
            for (int c = 0; c < C; c++)
                if (fabsf(pred[r * LD + c] - target[r * C + c]) < 0.1f)
                    pred[r * LD + c] += 0.2f;
    loss_case lc = {kind, R, C, LD, pred, logvar, target, w, labels};
    memset(dpred, 0, sizeof dpred);
    memset(dlogvar, 0, sizeof dlogvar);
    double value = eval_loss(&lc, dpred, dlogvar);
    assert_true(isfinite(value));
    expect_close(name, pred, dpred, R * LD, loss_value, &lc);
    if (kind == LOSS_GNLL)
        expect_close("gaussian nll (logvar)", logvar, dlogvar, R * LD, loss_value, &lc);
    for (int c = 0; c < C; c++) /* the masked row contributes nothing */
        assert_float_equal(dpred[2 * LD + c], 0.0f, 0.0f);
}

static void test_losses(void **state)
{
    check_loss("mse", LOSS_MSE);
    check_loss("l1", LOSS_L1);
    check_loss("gaussian nll (mean)", LOSS_GNLL);
    check_loss("softmax cross-entropy", LOSS_XENT);
    check_loss("bce with logits", LOSS_BCE);
}

static void test_loss_values(void **state)
{
    float p[2] = {1.0f, 3.0f}, t[2] = {0.0f, 1.0f};
    assert_float_equal(ng_mse_loss(p, 2, t, 2, NULL, 1, 2, NULL, 0.5f), 2.5, 1e-6);
    assert_float_equal(ng_l1_loss(p, 2, t, 2, NULL, 1, 2, NULL, 1.0f), 3.0, 1e-6);
    float z[2] = {0.0f, 0.0f};
    int label = 1;
    assert_float_equal(ng_softmax_xent_loss(z, 2, &label, NULL, 1, 2, NULL, 1.0f), log(2.0),
                       1e-6);
    float big[1] = {200.0f}, one[1] = {0.0f};
    double bce = ng_bce_logits_loss(big, 1, one, 1, NULL, 1, 1, NULL, 1.0f);
    assert_float_equal(bce, 200.0, 1e-3); /* no overflow for large logits */
    float m[1] = {0.0f}, lv[1] = {0.0f}, x[1] = {0.0f};
    assert_float_equal(ng_gaussian_nll_loss(m, lv, 1, x, 1, NULL, NULL, 1, 1, NULL, 1.0f),
                       0.5 * log(2 * M_PI), 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_small),
        cmocka_unit_test(test_dense_large),
        cmocka_unit_test(test_dense_backward_accumulates),
        cmocka_unit_test(test_activations),
        cmocka_unit_test(test_activation_names),
        cmocka_unit_test(test_activation_extremes_are_finite),
        cmocka_unit_test(test_fast_math_accuracy),
        cmocka_unit_test(test_embedding),
        cmocka_unit_test(test_losses),
        cmocka_unit_test(test_loss_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
