/* test_mdn.c — the mixture-density head: NLL against a direct evaluation, its gradient
 * against central finite differences (max rel err < 1e-3, float32), masking, and
 * sampling moments. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/mdn.h"

#define ROWS 6
#define M 4
#define LD (3 * M + 2) /* a wider row: the head is a slice of a larger output */

typedef struct mdn_case {
    float pred[ROWS * LD];
    float target[ROWS];
    float w[ROWS];
} mdn_case;

static double case_loss(void *ctx)
{
    mdn_case *c = ctx;
    return ng_mdn_nll_loss(c->pred, LD, c->target, 1, NULL, ROWS, M, c->w, 0.5f);
}

static void fill_case(mdn_case *c, uint64_t seed)
{
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    for (size_t i = 0; i < ROWS * LD; i++)
        c->pred[i] = (float)(0.8 * ng_rng_normal(&rng));
    for (size_t r = 0; r < ROWS; r++) {
        c->target[r] = (float)ng_rng_normal(&rng);
        c->w[r] = r == 2 ? 0.0f : 1.0f;
    }
}

static void test_gradient(void **state)
{
    (void)state;
    mdn_case c;
    fill_case(&c, 7);
    float grad[ROWS * LD];
    memset(grad, 0, sizeof grad);
    ng_mdn_nll_loss(c.pred, LD, c.target, 1, grad, ROWS, M, c.w, 0.5f);
    ng_gradcheck_opts o;
    ng_gradcheck_defaults(&o);
    o.step = 1e-2;
    ng_gradcheck_result res;
    ng_gradcheck(c.pred, grad, ROWS * LD, case_loss, &c, &o, &res);
    printf("  mdn gradient: max rel err %.2e vector %.2e over %zu\n", res.max_rel_err,
           res.vector_rel_err, res.checked);
    assert_true(res.max_rel_err < 1e-3);
    for (size_t j = 0; j < 3 * M; j++) /* masked row: no gradient */
        assert_true(grad[2 * LD + j] == 0.0f);
}

static void test_value_matches_direct_formula(void **state)
{
    (void)state;
    mdn_case c;
    fill_case(&c, 11);
    double expect = 0.0;
    for (size_t r = 0; r < ROWS; r++) {
        const float *p = c.pred + r * LD;
        double zsum = 0.0, dens = 0.0;
        for (size_t j = 0; j < M; j++)
            zsum += exp(p[j]);
        for (size_t j = 0; j < M; j++) {
            double sigma = exp(p[2 * M + j]), u = (c.target[r] - p[M + j]) / sigma;
            dens += exp(p[j]) / zsum * exp(-0.5 * u * u) / (sigma * sqrt(2 * M_PI));
        }
        expect += 0.5 * c.w[r] * -log(dens);
    }
    assert_true(fabs(case_loss(&c) - expect) < 1e-9 * fabs(expect) + 1e-12);
}

static void test_sampling_moments(void **state)
{
    (void)state;
    /* two components: weight 0.25 at -2 (sigma 0.5), 0.75 at 3 (sigma 1) */
    float p[6] = {logf(0.25f), logf(0.75f), -2.0f, 3.0f, logf(0.5f), 0.0f};
    ng_rng rng;
    ng_rng_seed(&rng, 3);
    double sum = 0.0, below0 = 0.0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double x = ng_mdn_sample(p, 2, &rng);
        sum += x;
        below0 += x < 0.0;
    }
    double mean = sum / n, expect_mean = 0.25 * -2 + 0.75 * 3;
    printf("  sample mean %.4f (expect %.4f), share < 0 %.4f\n", mean, expect_mean, below0 / n);
    assert_true(fabs(mean - expect_mean) < 0.02);
    assert_true(fabs(below0 / n - (0.25 + 0.75 * 0.00135)) < 0.005);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient),
        cmocka_unit_test(test_value_matches_direct_formula),
        cmocka_unit_test(test_sampling_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
