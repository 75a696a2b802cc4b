/* test_metrics.c — KS, Wasserstein-1, JSD and histogram bins agree with scipy/numpy.
 *
 * Reference values were computed with Debian's python3-scipy 1.10.1 / numpy 1.24.2 by
 * this script (output below it); the fixtures here are the same numbers.
 *
 *   import numpy as np
 *   from scipy.stats import ks_2samp, wasserstein_distance
 *   from scipy.spatial.distance import jensenshannon
 *   a = [0.5, 1.0, 1.0, 2.0, 3.5, 3.5, 3.5, 7.25, 10.0, 0.0, 12.5, 1e-3]
 *   b = [1.0, 2.0, 2.0, 2.5, 4.0, 9.0, 15.0, 0.25]
 *   c = [float((i * 7919) % 1000) / 37.0 for i in range(200)]
 *   d = [float((i * 104729) % 997) / 41.0 + 0.5 for i in range(150)]
 *   for x, y in ((a, b), (c, d), (a, a)):
 *       print("%.17g %.17g" % (ks_2samp(x, y).statistic, wasserstein_distance(x, y)))
 *   p = [10, 0, 3, 7, 1]
 *   q = [2, 5, 3, 0, 9]
 *   print("%.17g %.17g" % (jensenshannon(p, q, base=2) ** 2, jensenshannon(p, q) ** 2))
 *   e = np.histogram(c + d, bins=50)[1]
 *   hc = np.histogram(c, bins=e)[0]; hd = np.histogram(d, bins=e)[0]
 *   print("%.17g" % (jensenshannon(hc, hd, base=2) ** 2))
 *   lo, hi = max(min(a + b), 1e-6), max(a + b)
 *   le = np.logspace(np.log10(lo), np.log10(hi), 51)
 *   ha = np.histogram(np.maximum(a, 1e-6), bins=le)[0]
 *   hb = np.histogram(np.maximum(b, 1e-6), bins=le)[0]
 *   print("%.17g" % (jensenshannon(ha, hb, base=2) ** 2))
 *
 * Output:
 *   0.16666666666666666 1.0728333333333333
 *   0.098333333333333328 1.425823994726434
 *   0 0
 *   0.53658869742445847 0.37193494274009686
 *   0.076955947310281853
 *   0.51882650224042703
 */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>

#include "stats/histogram.h"
#include "stats/metrics.h"

#define TOL 1e-12

/* cmocka 1.1 has no assert_double_equal: |got - want| <= tol, printing both on failure. */
#define assert_near(got, want, tol) \
    do { \
        double g_ = (got), w_ = (want); \
        if (!(fabs(g_ - w_) <= (tol))) \
            fail_msg("%s = %.17g, want %.17g (tol %g)", #got, g_, w_, (double)(tol)); \
    } while (0)

static const double A[] = {0.5, 1.0, 1.0, 2.0, 3.5, 3.5, 3.5, 7.25, 10.0, 0.0, 12.5, 1e-3};
static const double B[] = {1.0, 2.0, 2.0, 2.5, 4.0, 9.0, 15.0, 0.25};
#define NA (sizeof A / sizeof A[0])
#define NB (sizeof B / sizeof B[0])

static double C[200], D[150];

static void fill_cd(void)
{
    for (int i = 0; i < 200; i++)
        C[i] = (double)((i * 7919) % 1000) / 37.0;
    for (int i = 0; i < 150; i++)
        D[i] = (double)((i * 104729) % 997) / 41.0 + 0.5;
}

static void test_ks_matches_scipy(void **state)
{
    (void)state;
    double v;
    assert_int_equal(ng_ks_statistic(A, NA, B, NB, &v, NULL), NG_OK);
    assert_near(v, 0.16666666666666666, TOL);
    assert_int_equal(ng_ks_statistic(C, 200, D, 150, &v, NULL), NG_OK);
    assert_near(v, 0.098333333333333328, TOL);
    assert_int_equal(ng_ks_statistic(A, NA, A, NA, &v, NULL), NG_OK);
    assert_true(v == 0.0);
}

static void test_wasserstein_matches_scipy(void **state)
{
    (void)state;
    double v;
    assert_int_equal(ng_wasserstein1(A, NA, B, NB, &v, NULL), NG_OK);
    assert_near(v, 1.0728333333333333, 1e-12);
    assert_int_equal(ng_wasserstein1(C, 200, D, 150, &v, NULL), NG_OK);
    assert_near(v, 1.425823994726434, 1e-12);
    assert_int_equal(ng_wasserstein1(A, NA, A, NA, &v, NULL), NG_OK);
    assert_true(v == 0.0);
    /* Symmetric, and a shift by s moves W1 by exactly s. */
    double shifted[NA];
    for (size_t i = 0; i < NA; i++)
        shifted[i] = A[i] + 2.5;
    assert_int_equal(ng_wasserstein1(shifted, NA, A, NA, &v, NULL), NG_OK);
    assert_near(v, 2.5, 1e-12);
}

static void test_empty_sample_gives_nan(void **state)
{
    (void)state;
    double v;
    assert_int_equal(ng_ks_statistic(A, NA, B, 0, &v, NULL), NG_OK);
    assert_true(isnan(v));
    assert_int_equal(ng_wasserstein1(A, 0, B, NB, &v, NULL), NG_OK);
    assert_true(isnan(v));
    const double zero[3] = {0, 0, 0}, one[3] = {1, 0, 0};
    assert_true(isnan(ng_jsd(zero, one, 3)));
}

static void test_jsd_matches_scipy(void **state)
{
    (void)state;
    const double p[] = {10, 0, 3, 7, 1}, q[] = {2, 5, 3, 0, 9};
    assert_near(ng_jsd(p, q, 5), 0.53658869742445847, TOL);
    assert_near(ng_jsd_netshare(p, q, 5), 0.37193494274009686, TOL);
    assert_true(ng_jsd(p, p, 5) == 0.0);
    const double x[] = {1, 0}, y[] = {0, 1};
    assert_near(ng_jsd(x, y, 2), 1.0, TOL); /* disjoint supports: 1 bit */
}

static void test_linear_histogram_jsd_matches_numpy(void **state)
{
    (void)state;
    ng_bins bins;
    assert_int_equal(ng_bins_union(&bins, NG_BINS_LINEAR, 50, C, 200, D, 150, NULL), NG_OK);
    double hc[50], hd[50], total = 0;
    ng_histogram(&bins, C, 200, hc);
    ng_histogram(&bins, D, 150, hd);
    for (int i = 0; i < 50; i++)
        total += hc[i];
    assert_near(total, 200.0, 0.0);
    assert_near(ng_jsd(hc, hd, 50), 0.076955947310281853, 1e-12);
    ng_bins_free(&bins);
}

static void test_log_histogram_floors_zero(void **state)
{
    (void)state;
    ng_bins bins;
    assert_int_equal(ng_bins_union(&bins, NG_BINS_LOG, 50, A, NA, B, NB, NULL), NG_OK);
    assert_near(bins.edges[0], 1e-6, 0.0);
    assert_near(bins.edges[50], 15.0, 0.0);
    double ha[50], hb[50];
    ng_histogram(&bins, A, NA, ha);
    ng_histogram(&bins, B, NB, hb);
    assert_near(ha[0], 1.0, 0.0); /* the 0.0 value, floored to 1e-6 */
    assert_near(ng_jsd(ha, hb, 50), 0.51882650224042703, 1e-12);
    ng_bins_free(&bins);
}

static void test_degenerate_range_is_one_bin(void **state)
{
    (void)state;
    const double same[] = {4.0, 4.0, 4.0};
    ng_bins bins;
    assert_int_equal(ng_bins_union(&bins, NG_BINS_LINEAR, 10, same, 3, same, 2, NULL), NG_OK);
    double h[10];
    ng_histogram(&bins, same, 3, h);
    assert_near(h[0], 3.0, 0.0);
    ng_bins_free(&bins);
    ng_error err;
    assert_int_equal(ng_bins_union(&bins, NG_BINS_LINEAR, 10, same, 0, same, 0, &err),
                     NG_EINVAL);
}

static void test_categorical_counts_align(void **state)
{
    (void)state;
    const uint64_t a[] = {80, 443, 80, 53}, b[] = {443, 22, 22};
    uint64_t *keys;
    double *ca, *cb;
    size_t k;
    assert_int_equal(ng_categorical_counts(a, 4, b, 3, &keys, &ca, &cb, &k, NULL), NG_OK);
    assert_int_equal(k, 4);
    const uint64_t want_keys[] = {22, 53, 80, 443};
    const double want_a[] = {0, 1, 2, 1}, want_b[] = {2, 0, 0, 1};
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(keys[i], want_keys[i]);
        assert_near(ca[i], want_a[i], 0.0);
        assert_near(cb[i], want_b[i], 0.0);
    }
    free(keys), free(ca), free(cb);
}

static void test_median_and_quantile(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 10};
    assert_near(ng_median_sorted(x, 4), 2.5, 0.0);
    assert_near(ng_median_sorted(x, 3), 2.0, 0.0);
    assert_near(ng_quantile_sorted(x, 4, 0.9), 7.9, 1e-12); /* numpy.quantile */
    assert_true(isnan(ng_median_sorted(x, 0)));
}

/* The radix path (n >= 4096) sorts negatives, zeros, ties and extremes like qsort. */
static void test_sort_large_arrays(void **state)
{
    (void)state;
    size_t n = 20000;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 1e6;
        if (i % 7 == 0)
            x[i] = 0.0;
        if (i % 11 == 0)
            x[i] = -0.0;
        if (i % 13 == 0)
            x[i] = 42.0;
    }
    x[5] = -INFINITY, x[6] = INFINITY, x[8] = 1e-300, x[9] = -1e-300;
    ng_sort_doubles(x, n);
    for (size_t i = 1; i < n; i++)
        assert_true(x[i - 1] <= x[i]);
    assert_true(x[0] == -INFINITY && x[n - 1] == INFINITY);
    free(x);
}

int main(void)
{
    fill_cd();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ks_matches_scipy),
        cmocka_unit_test(test_wasserstein_matches_scipy),
        cmocka_unit_test(test_empty_sample_gives_nan),
        cmocka_unit_test(test_jsd_matches_scipy),
        cmocka_unit_test(test_linear_histogram_jsd_matches_numpy),
        cmocka_unit_test(test_log_histogram_floors_zero),
        cmocka_unit_test(test_degenerate_range_is_one_bin),
        cmocka_unit_test(test_categorical_counts_align),
        cmocka_unit_test(test_median_and_quantile),
        cmocka_unit_test(test_sort_large_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
