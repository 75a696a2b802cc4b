/* test_categorical.c — softmax weights and the inverse-CDF pick: the AVX2 and portable
 * paths give bit-identical weights, draws follow softmax(z) (frequencies within 4.5
 * standard errors over 200,000 draws), an excluded or zero-weight entry is never picked,
 * and u at the ends of [0, 1) stays in range. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "nn/categorical.h"

#define MAX_N 80

static void random_logits(float *z, size_t n, uint64_t seed, double spread)
{
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        z[i] = (float)(spread * ng_rng_normal(&rng));
}

static void test_paths_identical(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 25, 49, 64, 79};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        float a[MAX_N], b[MAX_N];
        random_logits(a, n, 100 + n, 4.0);
        memcpy(b, a, sizeof a);
        int had_avx2 = ng_categorical_use_avx2(1);
        float sa = ng_categorical_weights(a, n, n > 1 ? n / 2 : NG_CATEGORICAL_NONE);
        ng_categorical_use_avx2(0);
        float sb = ng_categorical_weights(b, n, n > 1 ? n / 2 : NG_CATEGORICAL_NONE);
        ng_categorical_use_avx2(1);
        assert_memory_equal(a, b, n * sizeof *a);
        assert_memory_equal(&sa, &sb, sizeof sa);
        if (k == 0)
            printf("  avx2 path %s\n", had_avx2 ? "compared with the portable one" : "absent");
    }
}

static void test_weights_are_softmax(void **state)
{
    (void)state;
    float z[MAX_N];
    random_logits(z, 49, 7, 3.0);
    double ref[MAX_N], max = -INFINITY, total = 0.0;
    for (size_t i = 0; i < 49; i++)
        max = fmax(max, z[i]);
    for (size_t i = 0; i < 49; i++)
        total += ref[i] = exp((double)z[i] - max);
    float sum = ng_categorical_weights(z, 49, NG_CATEGORICAL_NONE);
    assert_true(fabs(sum - total) < 1e-5 * total);
    for (size_t i = 0; i < 49; i++)
        assert_true(fabs(z[i] - ref[i]) <= 1e-6 * ref[i] + 1e-30);
}

static void test_draw_frequencies(void **state)
{
    (void)state;
    enum { N = 25, DRAWS = 200000 };
    float z[N], w[N];
    random_logits(z, N, 11, 1.5);
    memcpy(w, z, sizeof z);
    size_t excluded = 3;
    float sum = ng_categorical_weights(w, N, excluded);
    double p[N], norm = 0.0;
    for (size_t i = 0; i < N; i++)
        norm += p[i] = i == excluded ? 0.0 : exp((double)z[i]);
    size_t count[N] = {0};
    ng_rng rng;
    ng_rng_seed(&rng, 5);
    for (int d = 0; d < DRAWS; d++)
        count[ng_categorical_pick(w, N, sum, ng_rng_uniform(&rng))]++;
    assert_int_equal(count[excluded], 0);
    double worst = 0.0;
    for (size_t i = 0; i < N; i++) {
        double q = p[i] / norm, se = sqrt(q * (1.0 - q) / DRAWS) + 1e-12;
        worst = fmax(worst, fabs((double)count[i] / DRAWS - q) / se);
    }
    printf("  worst frequency deviation: %.2f standard errors\n", worst);
    assert_true(worst < 4.5);
}

static void test_edges(void **state)
{
    (void)state;
    float w[5] = {0.0f, 2.0f, 0.0f, 1.0f, 0.0f};
    float sum = 3.0f;
    assert_int_equal(ng_categorical_pick(w, 5, sum, 0.0), 1);
    assert_int_equal(ng_categorical_pick(w, 5, sum, 0.9999999999), 3);
    assert_int_equal(ng_categorical_pick(w, 5, sum * 1.01f, 0.9999999999), 3); /* past end */
    float one[1] = {-5.0f};
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    assert_int_equal(ng_categorical_sample(one, 1, NG_CATEGORICAL_NONE, &rng), 0);
    float big[3] = {1e30f, -1e30f, 0.0f}; /* extreme logits stay finite */
    assert_int_equal(ng_categorical_sample(big, 3, NG_CATEGORICAL_NONE, &rng), 0);
    float ex[2] = {100.0f, 0.0f}; /* the excluded entry held the maximum */
    assert_int_equal(ng_categorical_sample(ex, 2, 0, &rng), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_identical),
        cmocka_unit_test(test_weights_are_softmax),
        cmocka_unit_test(test_draw_frequencies),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
