/* test_kmeans.c — k-means++ seeding and Lloyd iterations on separated blobs. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "stats/kmeans.h"

static const double blob_centers[4][2] = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};

static double *make_blobs(size_t per_blob, uint64_t seed)
{
    double *x = malloc(4 * per_blob * 2 * sizeof *x);
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    for (size_t b = 0; b < 4; b++)
        for (size_t i = 0; i < per_blob; i++) {
            double *p = x + (b * per_blob + i) * 2;
            p[0] = blob_centers[b][0] + 0.5 * ng_rng_normal(&rng);
            p[1] = blob_centers[b][1] + 0.5 * ng_rng_normal(&rng);
        }
    return x;
}

static void test_recovers_blobs(void **state)
{
    (void)state;
    size_t per = 500, n = 4 * per;
    double *x = make_blobs(per, 1);
    ng_rng rng;
    ng_rng_seed(&rng, 42);
    ng_kmeans_result res;
    assert_int_equal(ng_kmeans(x, n, 2, 4, NULL, &rng, &res, NULL), NG_OK);
    assert_int_equal(res.k, 4);
    for (size_t b = 0; b < 4; b++) {
        double dist2;
        size_t c = ng_kmeans_nearest(blob_centers[b], res.centers, 4, 2, &dist2);
        assert_true(sqrt(dist2) < 0.1);
        /* Every point of blob b carries label c: the clustering is pure. */
        for (size_t i = 0; i < per; i++)
            assert_int_equal(res.labels[b * per + i], c);
    }
    /* Inertia ≈ n · 2 · 0.25 for σ = 0.5 in 2-D. */
    assert_true(fabs(res.inertia / (double)n - 0.5) < 0.05);
    ng_kmeans_result_free(&res);
    free(x);
}

static void test_seeding_spreads_over_blobs(void **state)
{
    (void)state;
    size_t per = 300;
    double *x = make_blobs(per, 2);
    int hits = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        ng_rng rng;
        ng_rng_seed(&rng, seed);
        double centers[8];
        size_t found;
        assert_int_equal(ng_kmeans_pp_seed(x, 4 * per, 2, 4, &rng, centers, &found, NULL), NG_OK);
        assert_int_equal(found, 4);
        int seen[4] = {0};
        for (size_t c = 0; c < 4; c++)
            seen[ng_kmeans_nearest(centers + 2 * c, &blob_centers[0][0], 4, 2, NULL)] = 1;
        hits += seen[0] + seen[1] + seen[2] + seen[3] == 4;
    }
    /* D² sampling almost always puts one seed in each far-apart blob. */
    assert_true(hits >= 18);
    free(x);
}

static void test_duplicates_reduce_k(void **state)
{
    (void)state;
    double x[20];
    for (int i = 0; i < 10; i++) {
        x[2 * i] = (i % 2) ? 3.0 : -1.0;
        x[2 * i + 1] = 7.0;
    }
    ng_rng rng;
    ng_rng_seed(&rng, 3);
    ng_kmeans_result res;
    assert_int_equal(ng_kmeans(x, 10, 2, 5, NULL, &rng, &res, NULL), NG_OK);
    assert_int_equal(res.k, 2);
    assert_true(res.inertia == 0.0);
    ng_kmeans_result_free(&res);
}

static void test_deterministic_and_validates(void **state)
{
    (void)state;
    size_t per = 200;
    double *x = make_blobs(per, 5);
    ng_kmeans_result a, b;
    ng_rng r1, r2;
    ng_rng_seed(&r1, 9);
    ng_rng_seed(&r2, 9);
    assert_int_equal(ng_kmeans(x, 4 * per, 2, 3, NULL, &r1, &a, NULL), NG_OK);
    assert_int_equal(ng_kmeans(x, 4 * per, 2, 3, NULL, &r2, &b, NULL), NG_OK);
    assert_memory_equal(a.centers, b.centers, 3 * 2 * sizeof(double));
    ng_kmeans_result_free(&a);
    ng_kmeans_result_free(&b);
    ng_error err;
    x[7] = NAN;
    assert_int_equal(ng_kmeans(x, 4 * per, 2, 3, NULL, &r1, &a, &err), NG_EINVAL);
    assert_non_null(strstr(err.msg, "point 3"));
    assert_int_equal(ng_kmeans(x, 0, 2, 3, NULL, &r1, &a, &err), NG_EINVAL);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_blobs),
        cmocka_unit_test(test_seeding_spreads_over_blobs),
        cmocka_unit_test(test_duplicates_reduce_k),
        cmocka_unit_test(test_deterministic_and_validates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
