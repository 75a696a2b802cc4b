/* test_training.c — the networks learn: an LSTM solves a task that needs memory, a VAE
 * reconstructs a synthetic mixture; and the training machinery (Adam, clipping,
 * batcher, split, early stopping, divergence checks) does what its header says.
 * In small mode (ng_test_small, for valgrind) the LSTM and the VAE train for a quarter
 * of the steps: the VAE must still reconstruct as well, the LSTM only beat chance. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/adam.h"
#include "nn/batcher.h"
#include "nn/dense.h"
#include "nn/losses.h"
#include "nn/lstm.h"
#include "nn/params.h"
#include "nn/vae.h"

/* ---- LSTM: output the token seen DELAY steps earlier ---- */

enum { T = 12, B = 32, V = 4, H = 24, DELAY = 3 };

typedef struct delay_task {
    float x[T * B * V], mask[T * B];
    int tokens[T * B], labels[T * B], lengths[B];
} delay_task;

static void make_delay_batch(delay_task *d, ng_rng *rng)
{
    memset(d->x, 0, sizeof d->x);
    for (int b = 0; b < B; b++)
        d->lengths[b] = DELAY + 2 + (int)ng_rng_below(rng, T - DELAY - 1); /* 5..12 */
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            int i = t * B + b, tok = (int)ng_rng_below(rng, V);
            d->tokens[i] = tok;
            d->x[i * V + tok] = 1.0f;
            d->labels[i] = t >= DELAY ? d->tokens[(t - DELAY) * B + b] : 0;
            d->mask[i] = (t >= DELAY && t < d->lengths[b]) ? 1.0f : 0.0f;
        }
}

typedef struct seq_model {
    ng_params params;
    ng_lstm lstm;
    size_t head_w, head_b;
    float logits[T * B * V], dlogits[T * B * V], dh[T * B * H];
} seq_model;

static double delay_step(seq_model *m, const delay_task *d, int train, double *accuracy)
{
    const float *h = ng_lstm_forward(&m->lstm, d->x, d->lengths, T, B);
    float *W = ng_params_data(&m->params, m->head_w);
    ng_dense_forward(m->logits, h, W, ng_params_data(&m->params, m->head_b), T * B, H, V);
    float n = 0;
    for (int i = 0; i < T * B; i++)
        n += d->mask[i];
    double loss = ng_softmax_xent_loss(m->logits, V, d->labels, m->dlogits, T * B, V, d->mask,
                                       1.0f / n);
    if (accuracy) {
        int right = 0;
        for (int i = 0; i < T * B; i++) {
            int best = 0;
            for (int v = 1; v < V; v++)
                best = m->logits[i * V + v] > m->logits[i * V + best] ? v : best;
            right += d->mask[i] > 0 && best == d->labels[i];
        }
        *accuracy = right / (double)n;
    }
    if (train) {
        ng_params_zero_grad(&m->params);
        ng_dense_backward(m->dh, ng_params_grad(&m->params, m->head_w),
                          ng_params_grad(&m->params, m->head_b), m->dlogits, h, W, T * B, H, V);
        ng_lstm_backward(&m->lstm, m->dh, NULL);
    }
    return loss;
}

static void test_lstm_learns_delayed_copy(void **state)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 5);
    seq_model *m = calloc(1, sizeof *m);
    delay_task *d = calloc(1, sizeof *d);
    ng_params_init(&m->params);
    ng_lstm_config cfg = {V, H, 1, B, T};
    assert_int_equal(ng_lstm_declare(&m->lstm, &cfg, &m->params, "lstm", &err), NG_OK);
    size_t hw[2] = {V, H}, hb[1] = {V};
    assert_int_equal(ng_params_declare(&m->params, "head.weight", 2, hw, &m->head_w, &err), 0);
    assert_int_equal(ng_params_declare(&m->params, "head.bias", 1, hb, &m->head_b, &err), 0);
    assert_int_equal(ng_params_alloc(&m->params, &err), NG_OK);
    ng_lstm_init_weights(&m->lstm, &rng);
    for (size_t i = 0; i < V * H; i++)
        ng_params_data(&m->params, m->head_w)[i] = 0.3f * (float)ng_rng_normal(&rng);
    ng_adam opt;
    assert_int_equal(ng_adam_init(&opt, m->params.total, 1e-2f, &err), NG_OK);
    double first = 0, loss = 0;
    bool small = ng_test_small();
    for (int step = 0, steps = small ? 150 : 600; step < steps; step++) {
        make_delay_batch(d, &rng);
        loss = delay_step(m, d, 1, NULL);
        if (step == 0)
            first = loss;
        assert_int_equal(ng_adam_update(&opt, m->params.data, m->params.grad, 5.0f, &err), NG_OK);
    }
    make_delay_batch(d, &rng); /* fresh data */
    double acc;
    double test_loss = delay_step(m, d, 0, &acc);
    printf("  delayed copy (delay %d): loss %.3f -> %.4f (train), %.4f held out, accuracy %.3f\n",
           DELAY, first, loss, test_loss, acc);
    assert_true(first > 1.2);                   /* chance: log 4 = 1.386 */
    assert_true(test_loss < (small ? 0.6 : 0.05)); /* near zero: it remembers */
    assert_true(acc > (small ? 0.7 : 0.99));    /* chance: 0.25 */
    ng_adam_free(&opt);
    ng_lstm_free(&m->lstm);
    ng_params_free(&m->params);
    free(m);
    free(d);
}

/* ---- VAE: reconstruct a 3-cluster mixture of continuous and categorical fields ---- */

enum { ROWS = 3000, CONT = 4, CATS = 3, WIDTH = CONT + CATS };

static void make_mixture(float *data, ng_rng *rng)
{
    static const float centers[CATS][CONT] = {
        {0.2f, 0.8f, 0.3f, 0.5f}, {0.8f, 0.2f, 0.6f, 0.1f}, {0.5f, 0.5f, 0.9f, 0.8f}};
    for (int r = 0; r < ROWS; r++) {
        int k = (int)ng_rng_below(rng, CATS);
        float *row = data + r * WIDTH;
        for (int c = 0; c < CONT; c++)
            row[c] = centers[k][c] + 0.03f * (float)ng_rng_normal(rng);
        memset(row + CONT, 0, CATS * sizeof *row);
        row[CONT + k] = 1.0f;
    }
}

/* The clusters stay apart in the latent space (what the packet level's GMM relies on):
 * the smallest distance between two clusters' mean codes over the largest RMS spread
 * of a cluster's codes around its mean. */
static double latent_separation(ng_vae *vae, const float *data, const size_t *rows, size_t n)
{
    double sum[CATS][2] = {{0}}, sq[CATS] = {0};
    size_t count[CATS] = {0};
    float mu[2];
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            const float *row = data + rows[i] * WIDTH;
            int k = row[CONT] > 0.5f ? 0 : (row[CONT + 1] > 0.5f ? 1 : 2);
            ng_vae_encode(vae, row, 1, mu, NULL);
            if (pass == 0) {
                sum[k][0] += mu[0], sum[k][1] += mu[1], count[k]++;
                continue;
            }
            double dx = mu[0] - sum[k][0] / count[k], dy = mu[1] - sum[k][1] / count[k];
            sq[k] += dx * dx + dy * dy;
        }
    double min_gap = INFINITY, max_spread = 0;
    for (int a = 0; a < CATS; a++) {
        max_spread = fmax(max_spread, sqrt(sq[a] / count[a]));
        for (int b = a + 1; b < CATS; b++) {
            double dx = sum[a][0] / count[a] - sum[b][0] / count[b];
            double dy = sum[a][1] / count[a] - sum[b][1] / count[b];
            min_gap = fmin(min_gap, sqrt(dx * dx + dy * dy));
        }
    }
    return min_gap / max_spread;
}

static void test_vae_reconstructs_mixture(void **state)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 9);
    float *data = malloc(ROWS * WIDTH * sizeof *data);
    make_mixture(data, &rng);
    ng_vae_config cfg = {.n_fields = 2, .n_hidden = 2, .hidden = {16, 8}, .latent = 2,
                         .act = NG_ACT_LEAKY_RELU, .slope = 0.1f, .beta = 0.01f,
                         .max_batch = 32};
    cfg.fields[0] = (ng_vae_field){NG_VAE_CONTINUOUS, CONT, NG_RECON_MSE, true, 1.0f};
    cfg.fields[1] = (ng_vae_field){NG_VAE_CATEGORICAL, CATS, NG_RECON_MSE, false, 1.0f};
    ng_params params;
    ng_params_init(&params);
    ng_vae vae;
    assert_int_equal(ng_vae_declare(&vae, &cfg, &params, "vae", &err), NG_OK);
    assert_int_equal(ng_params_alloc(&params, &err), NG_OK);
    ng_vae_init_weights(&vae, &rng);
    ng_split split;
    assert_int_equal(ng_split_make(&split, ROWS, 0.1, &rng, &err), NG_OK);
    ng_batcher batcher;
    assert_int_equal(ng_batcher_init(&batcher, split.train, split.n_train, 32, 77, &err), 0);
    ng_adam opt;
    assert_int_equal(ng_adam_init(&opt, params.total, 3e-3f, &err), NG_OK);
    ng_early_stop es;
    assert_int_equal(ng_early_stop_init(&es, 5, 1e-4, params.total, &err), NG_OK);
    double train_loss = 0, val_loss = 0;
    int epoch;
    for (epoch = 0; epoch < (ng_test_small() ? 10 : 40); epoch++) {
        assert_int_equal(ng_vae_train_epoch(&vae, &params, &opt, data, &batcher, &rng, 5.0f,
                                            &train_loss, &err), NG_OK);
        val_loss = ng_vae_evaluate(&vae, data, split.val, split.n_val);
        if (ng_early_stop_update(&es, epoch, val_loss, params.data))
            break;
    }
    ng_early_stop_restore(&es, params.data);
    /* reconstruct the validation rows through z = mu */
    double sq = 0, var = 0;
    int right = 0;
    float mu[32 * 2], out[32 * WIDTH];
    for (size_t i = 0; i < split.n_val; i += 32) {
        size_t n = split.n_val - i < 32 ? split.n_val - i : 32;
        ng_gather_rows(vae.batch_x, data, WIDTH, split.val + i, n);
        float rows[32 * WIDTH];
        memcpy(rows, vae.batch_x, n * WIDTH * sizeof(float));
        ng_vae_encode(&vae, rows, n, mu, NULL);
        ng_vae_decode(&vae, mu, n, out);
        for (size_t r = 0; r < n; r++) {
            for (int c = 0; c < CONT; c++) {
                double e = out[r * WIDTH + c] - rows[r * WIDTH + c];
                sq += e * e;
                double dev = rows[r * WIDTH + c] - 0.5;
                var += dev * dev;
            }
            int best = 0, truth = 0;
            for (int k = 0; k < CATS; k++) {
                best = out[r * WIDTH + CONT + k] > out[r * WIDTH + CONT + best] ? k : best;
                truth = rows[r * WIDTH + CONT + k] > 0.5f ? k : truth;
            }
            right += best == truth;
        }
    }
    /* encode/decode take any number of rows, in blocks of max_batch */
    float *all_mu = malloc(split.n_val * 2 * sizeof(float));
    float *all_x = malloc(split.n_val * WIDTH * sizeof(float));
    float *all_out = malloc(split.n_val * WIDTH * sizeof(float));
    ng_gather_rows(all_x, data, WIDTH, split.val, split.n_val);
    ng_vae_encode(&vae, all_x, split.n_val, all_mu, NULL);
    ng_vae_decode(&vae, all_mu, split.n_val, all_out);
    for (size_t i = 0; i < split.n_val; i += 37) {
        ng_vae_encode(&vae, all_x + i * WIDTH, 1, mu, NULL);
        ng_vae_decode(&vae, mu, 1, out);
        /* equal up to rounding: sgemm may sum in another order for another row count */
        for (int j = 0; j < 2; j++)
            assert_float_equal(mu[j], all_mu[i * 2 + j], 1e-5);
        for (int j = 0; j < WIDTH; j++)
            assert_float_equal(out[j], all_out[i * WIDTH + j], 1e-5);
    }
    free(all_mu), free(all_x), free(all_out);
    double mse = sq / (split.n_val * CONT), acc = right / (double)split.n_val;
    double separation = latent_separation(&vae, data, split.val, split.n_val);
    printf("  VAE on a 3-cluster mixture: %d epochs, train %.4f, val %.4f (best epoch %d), "
           "recon MSE %.5f (data spread %.4f), category accuracy %.3f, latent separation %.1f\n",
           epoch, train_loss, val_loss, es.best_epoch, mse, var / (split.n_val * CONT), acc,
           separation);
    assert_true(mse < 0.005); /* noise variance is 0.0009; cluster spread ~0.06 */
    assert_true(acc > 0.99);
    assert_true(separation > 3.0);
    ng_early_stop_free(&es);
    ng_adam_free(&opt);
    ng_batcher_free(&batcher);
    ng_split_free(&split);
    ng_vae_free(&vae);
    ng_params_free(&params);
    free(data);
}

static void test_divergence_is_reported(void **state)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    ng_vae_config cfg = {.n_fields = 1, .n_hidden = 1, .hidden = {4}, .latent = 2,
                         .act = NG_ACT_TANH, .beta = 1.0f, .max_batch = 4};
    cfg.fields[0] = (ng_vae_field){NG_VAE_CONTINUOUS, 3, NG_RECON_MSE, false, 1.0f};
    ng_params params;
    ng_params_init(&params);
    ng_vae vae;
    assert_int_equal(ng_vae_declare(&vae, &cfg, &params, "vae", &err), NG_OK);
    assert_int_equal(ng_params_alloc(&params, &err), NG_OK);
    ng_vae_init_weights(&vae, &rng);
    float data[8 * 3];
    for (int i = 0; i < 24; i++)
        data[i] = (float)i / 24;
    data[13] = NAN;
    size_t rows[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    ng_batcher batcher;
    assert_int_equal(ng_batcher_init(&batcher, rows, 8, 4, 3, &err), NG_OK);
    ng_adam opt;
    assert_int_equal(ng_adam_init(&opt, params.total, 1e-3f, &err), NG_OK);
    double loss;
    ng_batcher too_big;
    assert_int_equal(ng_batcher_init(&too_big, rows, 8, 5, 3, &err), NG_OK);
    assert_int_equal(ng_vae_train_epoch(&vae, &params, &opt, data, &too_big, &rng, 0, &loss,
                                        &err), NG_EINVAL);
    ng_batcher_free(&too_big);
    ng_status st = ng_vae_train_epoch(&vae, &params, &opt, data, &batcher, &rng, 0, &loss, &err);
    assert_int_equal(st, NG_ENUMERIC);
    printf("  message: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "diverged"));
    /* a NaN gradient is refused before it reaches the parameters */
    float p[2] = {1, 2}, g[2] = {NAN, 0};
    ng_adam small;
    assert_int_equal(ng_adam_init(&small, 2, 0.1f, &err), NG_OK);
    assert_int_equal(ng_adam_update(&small, p, g, 1.0f, &err), NG_ENUMERIC);
    assert_float_equal(p[0], 1.0f, 0.0f);
    assert_int_equal(ng_check_loss(INFINITY, "flow", 3, &err), NG_ENUMERIC);
    assert_non_null(strstr(err.msg, "epoch 3"));
    assert_int_equal(ng_check_finite(g, 2, "gradient", &err), NG_ENUMERIC);
    ng_adam_free(&small);
    ng_adam_free(&opt);
    ng_batcher_free(&batcher);
    ng_vae_free(&vae);
    ng_params_free(&params);
}

static void test_adam_bias_correction_and_clipping(void **state)
{
    ng_error err;
    ng_adam opt;
    float p[3] = {0, 0, 0}, g[3] = {3, -4, 0};
    assert_int_equal(ng_adam_init(&opt, 3, 0.01f, &err), NG_OK);
    /* bias-corrected first step moves each weight by lr * sign(g) */
    ng_adam_step(&opt, p, g);
    assert_float_equal(p[0], -0.01f, 1e-6);
    assert_float_equal(p[1], 0.01f, 1e-6);
    assert_float_equal(p[2], 0.0f, 0.0f);
    double norm = ng_clip_grad_norm(g, 3, 1.0f);
    assert_float_equal(norm, 5.0, 1e-9);
    assert_float_equal(ng_l2_norm(g, 3), 1.0, 1e-6);
    assert_float_equal(g[0], 0.6f, 1e-6);
    /* Adam minimises a quadratic */
    float x[2] = {3, -2}, dx[2];
    ng_adam q;
    assert_int_equal(ng_adam_init(&q, 2, 0.05f, &err), NG_OK);
    for (int i = 0; i < 2000; i++) {
        dx[0] = 2 * (x[0] - 1), dx[1] = 20 * (x[1] + 0.5f);
        assert_int_equal(ng_adam_update(&q, x, dx, 0, &err), NG_OK);
    }
    assert_float_equal(x[0], 1.0f, 1e-3);
    assert_float_equal(x[1], -0.5f, 1e-3);
    ng_adam_free(&q);
    ng_adam_free(&opt);
}

static void test_batcher_and_split(void **state)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 2);
    ng_split split;
    assert_int_equal(ng_split_make(&split, 103, 0.2, &rng, &err), NG_OK);
    assert_int_equal(split.n_val, 21);
    assert_int_equal(split.n_train, 82);
    int seen[103] = {0};
    for (size_t i = 0; i < 103; i++)
        seen[split.train[i]]++; /* train and val together are a permutation */
    for (int i = 0; i < 103; i++)
        assert_int_equal(seen[i], 1);
    ng_batcher a, b;
    assert_int_equal(ng_batcher_init(&a, split.train, split.n_train, 16, 42, &err), NG_OK);
    assert_int_equal(ng_batcher_init(&b, split.train, split.n_train, 16, 42, &err), NG_OK);
    for (int epoch = 0; epoch < 3; epoch++) {
        ng_batcher_epoch(&a);
        ng_batcher_epoch(&b);
        int count[103] = {0}, batches = 0;
        const size_t *ra, *rb;
        size_t n;
        while ((n = ng_batcher_next(&a, &ra)) > 0) {
            assert_int_equal(ng_batcher_next(&b, &rb), n);
            assert_memory_equal(ra, rb, n * sizeof *ra); /* same seed, same batches */
            for (size_t i = 0; i < n; i++)
                count[ra[i]]++;
            batches++;
        }
        assert_int_equal(batches, 6); /* 82 rows in 16s: 5 full + 2 */
        for (size_t i = 0; i < split.n_train; i++)
            assert_int_equal(count[split.train[i]], 1);
    }
    ng_batcher_free(&a);
    ng_batcher_free(&b);
    ng_split_free(&split);
    assert_int_equal(ng_split_make(&split, 10, 1.0, &rng, &err), NG_EINVAL);
}

static void test_early_stopping(void **state)
{
    ng_error err;
    ng_early_stop es;
    float params[1];
    assert_int_equal(ng_early_stop_init(&es, 2, 0.0, 1, &err), NG_OK);
    double losses[] = {5, 4, 3, 3.5, 3.2, 1};
    int stopped_at = -1;
    for (int e = 0; e < 6; e++) {
        params[0] = (float)e;
        if (ng_early_stop_update(&es, e, losses[e], params)) {
            stopped_at = e;
            break;
        }
    }
    assert_int_equal(stopped_at, 4);
    assert_int_equal(es.best_epoch, 2);
    ng_early_stop_restore(&es, params);
    assert_float_equal(params[0], 2.0f, 0.0f);
    ng_early_stop_free(&es);
}

static void test_params_declare_and_find(void **state)
{
    ng_error err;
    ng_params p;
    ng_params_init(&p);
    size_t a, b, shape_a[2] = {3, 4}, shape_b[1] = {5}, zero[1] = {0};
    assert_int_equal(ng_params_declare(&p, "a", 2, shape_a, &a, &err), NG_OK);
    assert_int_equal(ng_params_declare(&p, "b", 1, shape_b, &b, &err), NG_OK);
    assert_int_equal(ng_params_declare(&p, "a", 1, shape_b, NULL, &err), NG_EINVAL);
    assert_int_equal(ng_params_declare(&p, "z", 1, zero, NULL, &err), NG_EINVAL);
    assert_int_equal(ng_params_alloc(&p, &err), NG_OK);
    assert_int_equal(p.total, 17);
    assert_ptr_equal(ng_params_data(&p, b), p.data + 12);
    assert_ptr_equal(ng_params_find(&p, "b")->grad, p.grad + 12);
    assert_null(ng_params_find(&p, "c"));
    assert_int_equal(ng_params_declare(&p, "late", 1, shape_b, NULL, &err), NG_EINVAL);
    ng_params_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_declare_and_find),
        cmocka_unit_test(test_adam_bias_correction_and_clipping),
        cmocka_unit_test(test_batcher_and_split),
        cmocka_unit_test(test_early_stopping),
        cmocka_unit_test(test_divergence_is_reported),
        cmocka_unit_test(test_lstm_learns_delayed_copy),
        cmocka_unit_test(test_vae_reconstructs_mixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
