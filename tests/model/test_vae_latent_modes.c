/* test_vae_latent_modes.c — the packet level's premise end to end: a VAE trained on a
 * synthetic mixture reconstructs it, and a Gaussian mixture over its latent means,
 * with K chosen by BIC, recovers the number of modes. (nn and stats meet in model/,
 * so the check lives here.) */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "nn/adam.h"
#include "nn/batcher.h"
#include "nn/vae.h"
#include "stats/gmm_select.h"

#define MODES 3
#define DIM 6
#define ROWS 3000
#define LATENT 2

static const float centres[MODES][DIM] = {
    {0.15f, 0.80f, 0.20f, 0.70f, 0.15f, 0.50f},
    {0.85f, 0.20f, 0.50f, 0.20f, 0.80f, 0.30f},
    {0.50f, 0.50f, 0.85f, 0.85f, 0.40f, 0.85f},
};

static float *make_mixture(ng_rng *rng)
{
    float *x = malloc(ROWS * DIM * sizeof *x);
    assert_non_null(x);
    for (size_t r = 0; r < ROWS; r++) {
        size_t mode = r % MODES;
        for (size_t c = 0; c < DIM; c++)
            x[r * DIM + c] = centres[mode][c] + 0.03f * (float)ng_rng_normal(rng);
    }
    return x;
}

static void train(ng_vae *vae, ng_params *params, const float *data, ng_rng *rng)
{
    ng_error err;
    ng_split split;
    assert_int_equal(ng_split_make(&split, ROWS, 0.1, rng, &err), NG_OK);
    ng_batcher batcher;
    assert_int_equal(ng_batcher_init(&batcher, split.train, split.n_train, 32, 11, &err), NG_OK);
    ng_adam opt;
    assert_int_equal(ng_adam_init(&opt, params->total, 3e-3f, &err), NG_OK);
    double initial = ng_vae_evaluate(vae, data, split.val, split.n_val), loss = 0, val = 0;
    for (int epoch = 0; epoch < 40; epoch++) {
        assert_int_equal(ng_vae_train_epoch(vae, params, &opt, data, &batcher, rng, 5.0f, &loss,
                                            &err), NG_OK);
        val = ng_vae_evaluate(vae, data, split.val, split.n_val);
    }
    printf("  VAE validation loss %.4f -> %.4f\n", initial, val);
    assert_true(val < 0.5 * initial);
    ng_adam_free(&opt);
    ng_batcher_free(&batcher);
    ng_split_free(&split);
}

static void test_latent_mixture_recovers_the_modes(void **state)
{
    (void)state;
    ng_rng rng;
    ng_rng_seed(&rng, 5);
    float *data = make_mixture(&rng);
    ng_vae_config cfg = {.n_fields = 1, .n_hidden = 2, .hidden = {16, 8}, .latent = LATENT,
                         .act = NG_ACT_LEAKY_RELU, .slope = 0.1f, .beta = 0.1f,
                         .max_batch = 64};
    cfg.fields[0] = (ng_vae_field){NG_VAE_CONTINUOUS, DIM, NG_RECON_MSE, true, 1.0f};
    ng_params params;
    ng_params_init(&params);
    ng_vae vae;
    ng_error err;
    assert_int_equal(ng_vae_declare(&vae, &cfg, &params, "vae", &err), NG_OK);
    assert_int_equal(ng_params_alloc(&params, &err), NG_OK);
    ng_vae_init_weights(&vae, &rng);
    train(&vae, &params, data, &rng);

    /* Latent means of every row, in blocks of max_batch. */
    double *mu = malloc(ROWS * LATENT * sizeof *mu);
    float block[64 * LATENT];
    for (size_t r = 0; r < ROWS; r += 64) {
        size_t n = ROWS - r < 64 ? ROWS - r : 64;
        ng_vae_encode(&vae, data + r * DIM, n, block, NULL);
        for (size_t i = 0; i < n * LATENT; i++)
            mu[r * LATENT + i] = block[i];
    }
    ng_gmm_select_options opt = ng_gmm_select_default_options();
    opt.k_min = 1;
    opt.k_max = 6;
    opt.patience = 0;
    opt.gmm.n_init = 2;
    opt.gmm.seed = 3;
    double scores[6];
    ng_gmm *best;
    assert_int_equal(ng_gmm_select(mu, ROWS, LATENT, &opt, &best, scores, &err), NG_OK);
    printf("  BIC for K=1..6: %.0f %.0f %.0f %.0f %.0f %.0f -> K=%zu\n", scores[0], scores[1],
           scores[2], scores[3], scores[4], scores[5], best->k);
    assert_int_equal(best->k, MODES);

    /* Each mode's rows fall in one latent component, a different one per mode. */
    size_t *labels = malloc(ROWS * sizeof *labels);
    assert_int_equal(ng_gmm_predict(best, mu, ROWS, labels, &err), NG_OK);
    for (size_t mode = 0; mode < MODES; mode++)
        for (size_t r = mode; r < ROWS; r += MODES)
            assert_int_equal(labels[r], labels[mode]);
    assert_int_not_equal(labels[0], labels[1]);
    assert_int_not_equal(labels[1], labels[2]);
    assert_int_not_equal(labels[0], labels[2]);
    free(labels);
    ng_gmm_free(best);
    free(mu);
    ng_vae_free(&vae);
    ng_params_free(&params);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latent_mixture_recovers_the_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
