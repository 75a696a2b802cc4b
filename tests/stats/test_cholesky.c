/* test_cholesky.c — factorisation, log-determinant, solves and the precision factor. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "stats/cholesky.h"

#define D 6

/* A = B·Bᵀ + D·I from a random B: symmetric positive definite. */
static void random_spd(double *a, ng_rng *rng)
{
    double b[D * D];
    for (int i = 0; i < D * D; i++)
        b[i] = ng_rng_normal(rng);
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) {
            double s = (i == j) ? D : 0.0;
            for (int k = 0; k < D; k++)
                s += b[i * D + k] * b[j * D + k];
            a[i * D + j] = s;
        }
}

static void test_factor_reconstructs(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 7);
    double a[D * D], l[D * D];
    random_spd(a, &rng);
    memcpy(l, a, sizeof a);
    assert_int_equal(ng_cholesky(l, D, NULL), NG_OK);
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) {
            if (j > i)
                assert_true(l[i * D + j] == 0.0);
            double s = 0.0;
            for (int k = 0; k < D; k++)
                s += l[i * D + k] * l[j * D + k];
            assert_true(fabs(s - a[i * D + j]) < 1e-10 * fabs(a[i * D + i]));
        }
}

static void test_logdet_of_diagonal(void **state)
{
    (void)state;
    double a[9] = {2, 0, 0, 0, 3, 0, 0, 0, 5};
    assert_int_equal(ng_cholesky(a, 3, NULL), NG_OK);
    assert_true(fabs(ng_cholesky_logdet(a, 3) - log(30.0)) < 1e-14);
}

static void test_precision_factor_inverts(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 11);
    double a[D * D], l[D * D], p[D * D];
    random_spd(a, &rng);
    memcpy(l, a, sizeof a);
    assert_int_equal(ng_cholesky(l, D, NULL), NG_OK);
    ng_cholesky_precision_factor(l, D, p);
    /* A · P · Pᵀ = I. */
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) {
            double s = 0.0;
            for (int m = 0; m < D; m++) {
                double ppt = 0.0;
                for (int k = 0; k < D; k++)
                    ppt += p[m * D + k] * p[j * D + k];
                s += a[i * D + m] * ppt;
            }
            assert_true(fabs(s - (i == j ? 1.0 : 0.0)) < 1e-10);
        }
    /* Forward solve: L·y = b. */
    double b[D], y[D];
    for (int i = 0; i < D; i++)
        b[i] = y[i] = (double)i - 2.5;
    ng_cholesky_solve_lower(l, D, y);
    for (int i = 0; i < D; i++) {
        double s = 0.0;
        for (int k = 0; k <= i; k++)
            s += l[i * D + k] * y[k];
        assert_true(fabs(s - b[i]) < 1e-12);
    }
}

static void test_refuses_indefinite_and_nan(void **state)
{
    (void)state;
    ng_error err;
    double a[4] = {1, 2, 2, 1}; /* eigenvalues 3 and −1 */
    assert_int_equal(ng_cholesky(a, 2, &err), NG_ENUMERIC);
    assert_non_null(strstr(err.msg, "not positive definite"));
    double z[4] = {0, 0, 0, 0};
    assert_int_equal(ng_cholesky(z, 2, &err), NG_ENUMERIC);
    double n[4] = {NAN, 0, 0, 1};
    assert_int_equal(ng_cholesky(n, 2, &err), NG_ENUMERIC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_factor_reconstructs),
        cmocka_unit_test(test_logdet_of_diagonal),
        cmocka_unit_test(test_precision_factor_inverts),
        cmocka_unit_test(test_refuses_indefinite_and_nan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
