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

/* The sparse form over picked rows equals the dense form over a table of those rows,
 * bit for bit, on both paths. */
static void check_sparse(size_t rows_in_table, size_t M)
{
    ng_rng rng;
    ng_rng_seed(&rng, rows_in_table + M);
    const uint32_t pick[] = {5, 0, 9, 2, 2, 7};
    size_t N = sizeof pick / sizeof pick[0];
    float *A = malloc(rows_in_table * M * sizeof *A), *G = malloc(N * M * sizeof *G);
    float x[6], y_sparse[2][256], y_dense[256];
    assert_true(A && G && M <= 256);
    for (size_t i = 0; i < rows_in_table * M; i++)
        A[i] = (float)ng_rng_normal(&rng);
    for (size_t n = 0; n < N; n++) {
        x[n] = (float)ng_rng_normal(&rng);
        memcpy(G + n * M, A + pick[n] * M, M * sizeof *G);
    }
    for (size_t j = 0; j < M; j++)
        y_dense[j] = y_sparse[0][j] = y_sparse[1][j] = (float)j * 0.25f;
    ng_row_combine(y_dense, x, G, N, M, M);
    for (int path = 0; path < 2; path++) {
        ng_row_combine_use_avx2(path);
        ng_row_combine_sparse(y_sparse[path], x, pick, N, A, M, M);
    }
    ng_row_combine_use_avx2(1);
    assert_memory_equal(y_sparse[0], y_dense, M * sizeof(float));
    assert_memory_equal(y_sparse[1], y_dense, M * sizeof(float));
    free(A), free(G);
}

static void test_sparse(void **state)
{
    (void)state;
    check_sparse(10, 192);
    check_sparse(12, 72);
    check_sparse(10, 8);
    check_sparse(10, 24);
    check_sparse(10, 48);
}

static void test_shapes(void **state)
{
    (void)state;
    check_shape(48, 192, 192); /* the sampler's W_hh */
    check_shape(32, 128, 128);
    check_shape(48, 104, 112); /* 64 + 32 + 8 blocks */
    check_shape(48, 24, 24); /* a cluster head: one 24 block */
    check_shape(32, 88, 88);  /* 64 + 24 */
    check_shape(32, 56, 56);  /* 32 + 24 */
    check_shape(5, 48, 48);   /* 32 + 16 */
    check_shape(7, 16, 24);   /* 16 */
    check_shape(3, 8, 16);
    check_shape(1, 40, 40);
    check_shape(17, 72, 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_shapes),
                                       cmocka_unit_test(test_sparse)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
