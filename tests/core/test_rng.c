/* test_rng.c — the seeded generator: determinism, independence of streams, and the
 * moments of every distribution it offers. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"

#define N 200000

static void test_same_seed_same_sequence(void **state)
{
    (void)state;
    ng_rng a, b;
    ng_rng_seed(&a, 42);
    ng_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++)
        assert_true(ng_rng_u64(&a) == ng_rng_u64(&b));
    ng_rng_seed(&b, 43);
    int equal = 0;
    for (int i = 0; i < 1000; i++)
        equal += ng_rng_u64(&a) == ng_rng_u64(&b);
    assert_int_equal(equal, 0);
}

static void test_streams_differ(void **state)
{
    (void)state;
    ng_rng a, b;
    ng_rng_stream(&a, 7, 0);
    ng_rng_stream(&b, 7, 1);
    int equal = 0;
    for (int i = 0; i < 1000; i++)
        equal += ng_rng_u64(&a) == ng_rng_u64(&b);
    assert_int_equal(equal, 0);
}

static void moments(double *x, int n, double *mean, double *var)
{
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    *mean = s / n;
    for (int i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *var = ss / (n - 1);
}

static void test_uniform_and_normal_moments(void **state)
{
    (void)state;
    static double x[N];
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    double mean, var;
    for (int i = 0; i < N; i++) {
        x[i] = ng_rng_uniform(&rng);
        assert_true(x[i] >= 0.0 && x[i] < 1.0);
    }
    moments(x, N, &mean, &var);
    assert_true(fabs(mean - 0.5) < 0.005);
    assert_true(fabs(var - 1.0 / 12) < 0.002);
    for (int i = 0; i < N; i++)
        x[i] = ng_rng_normal(&rng);
    moments(x, N, &mean, &var);
    assert_true(fabs(mean) < 0.01);
    assert_true(fabs(var - 1.0) < 0.01);
}

/* Both values of a polar pair are standard normal, and uncorrelated. */
static void test_normal_pair(void **state)
{
    (void)state;
    static double a[N], b[N];
    ng_rng rng;
    ng_rng_seed(&rng, 2);
    for (int i = 0; i < N; i++) {
        double pair[2];
        ng_rng_normal_pair(&rng, pair);
        a[i] = pair[0], b[i] = pair[1];
    }
    double mean_a, var_a, mean_b, var_b, cov = 0.0;
    moments(a, N, &mean_a, &var_a);
    moments(b, N, &mean_b, &var_b);
    for (int i = 0; i < N; i++)
        cov += (a[i] - mean_a) * (b[i] - mean_b);
    cov /= N;
    printf("  pair: means %.4f %.4f, variances %.4f %.4f, covariance %.4f\n", mean_a, mean_b,
           var_a, var_b, cov);
    assert_true(fabs(mean_a) < 0.01 && fabs(mean_b) < 0.01);
    assert_true(fabs(var_a - 1.0) < 0.01 && fabs(var_b - 1.0) < 0.01);
    assert_true(fabs(cov) < 0.01);
    /* the first value is ng_rng_normal's */
    ng_rng r1, r2;
    ng_rng_seed(&r1, 3), ng_rng_seed(&r2, 3);
    double pair[2];
    ng_rng_normal_pair(&r1, pair);
    assert_true(pair[0] == ng_rng_normal(&r2));
}

static void test_gamma_and_exponential_moments(void **state)
{
    (void)state;
    static double x[N];
    ng_rng rng;
    ng_rng_seed(&rng, 2);
    const double shapes[] = {0.3, 1.0, 2.5, 9.0};
    for (unsigned s = 0; s < 4; s++) {
        double mean, var;
        for (int i = 0; i < N; i++) {
            x[i] = ng_rng_gamma(&rng, shapes[s]);
            assert_true(x[i] >= 0.0);
        }
        moments(x, N, &mean, &var);
        /* Gamma(k, 1): mean k, variance k. */
        assert_true(fabs(mean - shapes[s]) < 0.02 * shapes[s] + 0.01);
        assert_true(fabs(var - shapes[s]) < 0.05 * shapes[s] + 0.01);
    }
    double mean, var;
    for (int i = 0; i < N; i++)
        x[i] = ng_rng_exponential(&rng);
    moments(x, N, &mean, &var);
    assert_true(fabs(mean - 1.0) < 0.01);
    assert_true(fabs(var - 1.0) < 0.03);
}

static void test_categorical_and_below(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 3);
    const double w[4] = {1, 0, 3, 6};
    int counts[4] = {0};
    for (int i = 0; i < N; i++)
        counts[ng_rng_categorical(&rng, w, 4)]++;
    assert_int_equal(counts[1], 0);
    assert_true(fabs(counts[0] / (double)N - 0.1) < 0.005);
    assert_true(fabs(counts[2] / (double)N - 0.3) < 0.005);
    assert_true(fabs(counts[3] / (double)N - 0.6) < 0.005);
    int hist[7] = {0};
    for (int i = 0; i < 70000; i++)
        hist[ng_rng_below(&rng, 7)]++;
    for (int i = 0; i < 7; i++)
        assert_true(abs(hist[i] - 10000) < 400);
}

static void test_shuffle_is_permutation(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 4);
    size_t idx[100];
    for (size_t i = 0; i < 100; i++)
        idx[i] = i;
    ng_rng_shuffle(&rng, idx, 100);
    int seen[100] = {0}, moved = 0;
    for (size_t i = 0; i < 100; i++) {
        seen[idx[i]]++;
        moved += idx[i] != i;
    }
    for (int i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
    assert_true(moved > 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_sequence),
        cmocka_unit_test(test_streams_differ),
        cmocka_unit_test(test_uniform_and_normal_moments),
        cmocka_unit_test(test_normal_pair),
        cmocka_unit_test(test_gamma_and_exponential_moments),
        cmocka_unit_test(test_categorical_and_below),
        cmocka_unit_test(test_shuffle_is_permutation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
