/* test_row_combine.c — y += x A over padded transposed tables: equal to a plain double
 * loop within float rounding, and the AVX2 and portable paths bit-identical. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "nn/row_combine.h"

static void check_shape(size_t N, size_t M, size_t ld)
{
    ng_rng rng;
    ng_rng_seed(&rng, N * 1000 + M);
    float *A = malloc(N * ld * sizeof *A), *x = malloc(N * sizeof *x);
    float *y1 = malloc(ld * sizeof *y1), *y2 = malloc(ld * sizeof *y2);
    assert_true(A && x && y1 && y2);
    for (size_t i = 0; i < N * ld; i++)
        A[i] = (float)ng_rng_normal(&rng);
    for (size_t i = 0; i < N; i++)
        x[i] = (float)ng_rng_normal(&rng);
    for (size_t j = 0; j < ld; j++)
        y1[j] = y2[j] = (float)ng_rng_normal(&rng);
    double max_err = 0.0;
    int had_avx2 = ng_row_combine_use_avx2(1);
    ng_row_combine(y1, x, A, N, M, ld);
    ng_row_combine_use_avx2(0);
    ng_row_combine(y2, x, A, N, M, ld);
    ng_row_combine_use_avx2(1);
    assert_memory_equal(y1, y2, M * sizeof *y1);
    ng_rng_seed(&rng, N * 1000 + M); /* replay the draws for the reference */
    for (size_t i = 0; i < N * ld + N; i++)
        ng_rng_normal(&rng);
    for (size_t j = 0; j < M; j++) {
        double ref = ng_rng_normal(&rng);
        for (size_t n = 0; n < N; n++)
            ref += (double)x[n] * A[n * ld + j];
        max_err = fmax(max_err, fabs(ref - y1[j]));
    }
    printf("  N %zu M %zu ld %zu: max abs err %.2e (avx2 %s)\n", N, M, ld, max_err,
           had_avx2 ? "on" : "absent");
    assert_true(max_err < 1e-4);
    free(A), free(x), free(y1), free(y2);
}

static void test_shapes(void **state)
{
    (void)state;
    check_shape(48, 192, 192); /* the sampler's W_hh */
    check_shape(48, 24, 24);
    check_shape(3, 8, 16);
    check_shape(1, 40, 40);
    check_shape(17, 72, 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_shapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
