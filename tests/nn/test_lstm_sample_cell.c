/* test_lstm_sample_cell.c — the two-division sampling cell against the training cell
 * (nn/lstm_cell.h): over 4000 random units with pre-activations in [-12, 12] and in
 * [-200, 200], c and h agree to 1e-6 (c relative to max(1, |c|)); the AVX2 and portable
 * paths give the same bits; H not a multiple of 8 (the tail) too. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "nn/lstm_cell.h"
#include "nn/lstm_sample_cell.h"

#define HMAX 64

/* Max error of the sampling cell against the training cell over `rounds` random steps. */
static double compare(size_t H, double spread, int rounds, uint64_t seed)
{
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    double worst = 0.0;
    for (int r = 0; r < rounds; r++) {
        float G[4 * HMAX], G_train[4 * HMAX], c[HMAX], c_train[HMAX], h[HMAX], h_train[HMAX];
        float th[HMAX];
        for (size_t i = 0; i < 4 * H; i++)
            G[i] = G_train[i] = (float)(spread * (2.0 * ng_rng_uniform(&rng) - 1.0));
        for (size_t j = 0; j < H; j++)
            c[j] = c_train[j] = (float)(3.0 * (2.0 * ng_rng_uniform(&rng) - 1.0));
        ng_lstm_sample_cell(G, c, h, H);
        ng_lstm_cell_forward(G_train, c_train, h_train, th, c_train, H);
        for (size_t j = 0; j < H; j++) {
            worst = fmax(worst, fabs(c[j] - c_train[j]) / fmax(1.0, fabs(c_train[j])));
            worst = fmax(worst, fabs(h[j] - h_train[j]));
        }
    }
    return worst;
}

static void test_agrees_with_training_cell(void **state)
{
    (void)state;
    size_t shapes[] = {32, 13, 5};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        double near = compare(shapes[s], 12.0, 125, 1 + s), far = compare(shapes[s], 200.0, 125, 9 + s);
        printf("  H %zu: max error %.2e (|x| <= 12), %.2e (|x| <= 200)\n", shapes[s], near, far);
        assert_true(near < 1e-6 && far < 1e-6);
    }
}

static void test_paths_give_the_same_bits(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 77);
    size_t H = 29;
    float G[4 * HMAX], c[2][HMAX], h[2][HMAX];
    for (size_t i = 0; i < 4 * H; i++)
        G[i] = (float)(30.0 * (2.0 * ng_rng_uniform(&rng) - 1.0));
    for (size_t j = 0; j < H; j++)
        c[0][j] = c[1][j] = (float)(4.0 * (2.0 * ng_rng_uniform(&rng) - 1.0));
    int avx2 = ng_lstm_sample_cell_use_avx2(1);
    ng_lstm_sample_cell(G, c[0], h[0], H);
    ng_lstm_sample_cell_use_avx2(0);
    ng_lstm_sample_cell(G, c[1], h[1], H);
    ng_lstm_sample_cell_use_avx2(1);
    printf("  avx2 path %s\n", avx2 ? "on" : "not available");
    assert_memory_equal(c[0], c[1], H * sizeof(float));
    assert_memory_equal(h[0], h[1], H * sizeof(float));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agrees_with_training_cell),
        cmocka_unit_test(test_paths_give_the_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
