/* bench_nn.c — seconds per training epoch of the two reference networks, one thread.
 *
 *   (a) the packet VAE: 16 -> 8 -> 6 -> 4 -> latent 2 encoder, mirrored decoder,
 *       LeakyReLU 0.1, sigmoid output with MSE, KL, Adam, batch 32, 100 000 rows;
 *   (b) an LSTM: 16 inputs, hidden 64, 32 steps, batch 64, a dense 64 -> 16 head with
 *       MSE, Adam, 10 000 sequences.
 * Data are synthetic (uniform rows, normal sequences) and fixed by the seed. Each
 * epoch is timed separately after one warm-up epoch; the medians are printed as
 *   "<name> <CPU seconds> s/epoch cpu <wall seconds> s/epoch wall (...)".
 * CPU time (CLOCK_PROCESS_CPUTIME_ID) is the figure to compare on a shared machine:
 * with one thread it equals wall time on an idle one and ignores time slices lost to
 * other processes.
 * bench/bench_nn_torch.py does the same in PyTorch; bench/bench_nn.sh runs both.
 * Usage: bench_nn [vae|lstm|all] [epochs] */
#include <cblas.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/progress.h"
#include "core/rng.h"
#include "nn/adam.h"
#include "nn/batcher.h"
#include "nn/dense.h"
#include "nn/losses.h"
#include "nn/lstm.h"
#include "nn/params.h"
#include "nn/vae.h"

enum { VAE_ROWS = 100000, VAE_WIDTH = 16, VAE_BATCH = 32 };
enum { SEQS = 10000, STEPS = 32, LSTM_IN = 16, HIDDEN = 64, LSTM_BATCH = 64 };

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct epoch_timer {
    double wall0, cpu0;
    double *wall, *cpu;
} epoch_timer;

static void timer_start(epoch_timer *t)
{
    t->wall0 = ng_now_seconds();
    t->cpu0 = cpu_seconds();
}

static void timer_stop(epoch_timer *t, int epoch)
{
    if (epoch < 0)
        return;
    t->wall[epoch] = ng_now_seconds() - t->wall0;
    t->cpu[epoch] = cpu_seconds() - t->cpu0;
}

static void print_result(const char *name, epoch_timer *t, int epochs, const char *detail)
{
    printf("%s %.4f s/epoch cpu %.4f s/epoch wall (%d epochs, %s)\n", name,
           median(t->cpu, epochs), median(t->wall, epochs), epochs, detail);
    free(t->wall);
    free(t->cpu);
}

static void timer_init(epoch_timer *t, int epochs)
{
    t->wall = calloc((size_t)epochs, sizeof(double));
    t->cpu = calloc((size_t)epochs, sizeof(double));
}

static int fail(const ng_error *err)
{
    fprintf(stderr, "bench_nn: %s\n", err->msg);
    return 1;
}

/* ---- (a) VAE ---- */

static int bench_vae(int epochs)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    float *data = malloc((size_t)VAE_ROWS * VAE_WIDTH * sizeof *data);
    for (size_t i = 0; i < (size_t)VAE_ROWS * VAE_WIDTH; i++)
        data[i] = (float)ng_rng_uniform(&rng);
    ng_vae_config cfg = {.n_fields = 1, .n_hidden = 3, .hidden = {8, 6, 4}, .latent = 2,
                         .act = NG_ACT_LEAKY_RELU, .slope = 0.1f, .beta = 1.0f,
                         .max_batch = VAE_BATCH};
    cfg.fields[0] = (ng_vae_field){NG_VAE_CONTINUOUS, VAE_WIDTH, NG_RECON_MSE, true, 1.0f};
    ng_params params;
    ng_params_init(&params);
    ng_vae vae;
    if (ng_vae_declare(&vae, &cfg, &params, "vae", &err) || ng_params_alloc(&params, &err))
        return fail(&err);
    ng_vae_init_weights(&vae, &rng);
    size_t *rows = malloc(VAE_ROWS * sizeof *rows);
    for (size_t i = 0; i < VAE_ROWS; i++)
        rows[i] = i;
    ng_batcher batcher;
    ng_adam opt;
    if (ng_batcher_init(&batcher, rows, VAE_ROWS, VAE_BATCH, 2, &err) ||
        ng_adam_init(&opt, params.total, 1e-3f, &err))
        return fail(&err);
    epoch_timer timer;
    timer_init(&timer, epochs);
    double loss = 0;
    for (int e = -1; e < epochs; e++) {
        timer_start(&timer);
        if (ng_vae_train_epoch(&vae, &params, &opt, data, &batcher, &rng, 0.0f, &loss, &err))
            return fail(&err);
        timer_stop(&timer, e);
    }
    char detail[128];
    snprintf(detail, sizeof detail, "%d samples, %zu parameters, last loss %.4f", VAE_ROWS,
             params.total, loss);
    print_result("vae", &timer, epochs, detail);
    ng_adam_free(&opt);
    ng_batcher_free(&batcher);
    free(rows);
    ng_vae_free(&vae);
    ng_params_free(&params);
    free(data);
    return 0;
}

/* ---- (b) LSTM ---- */

typedef struct lstm_bench {
    ng_params params;
    ng_lstm lstm;
    size_t head_w, head_b;
    float *x, *target, *pred, *dpred, *dh; /* one time-major batch */
} lstm_bench;

static ng_status lstm_bench_init(lstm_bench *b, ng_rng *rng, ng_error *err)
{
    ng_params_init(&b->params);
    ng_lstm_config cfg = {LSTM_IN, HIDDEN, 1, LSTM_BATCH, STEPS};
    size_t hw[2] = {LSTM_IN, HIDDEN}, hb[1] = {LSTM_IN};
    ng_status st = ng_lstm_declare(&b->lstm, &cfg, &b->params, "lstm", err);
    if (!st)
        st = ng_params_declare(&b->params, "head.weight", 2, hw, &b->head_w, err);
    if (!st)
        st = ng_params_declare(&b->params, "head.bias", 1, hb, &b->head_b, err);
    if (!st)
        st = ng_params_alloc(&b->params, err);
    if (st)
        return st;
    ng_lstm_init_weights(&b->lstm, rng);
    float bound = 1.0f / 8.0f;
    float *W = ng_params_data(&b->params, b->head_w);
    for (size_t i = 0; i < LSTM_IN * HIDDEN; i++)
        W[i] = bound * (float)(2 * ng_rng_uniform(rng) - 1);
    size_t n = (size_t)STEPS * LSTM_BATCH;
    b->x = malloc(n * LSTM_IN * sizeof(float));
    b->target = malloc(n * LSTM_IN * sizeof(float));
    b->pred = malloc(n * LSTM_IN * sizeof(float));
    b->dpred = malloc(n * LSTM_IN * sizeof(float));
    b->dh = malloc(n * HIDDEN * sizeof(float));
    return NG_OK;
}

/* Sequences are stored [SEQS, STEPS + 1, LSTM_IN]; the target is the next step. */
static void gather_sequences(lstm_bench *b, const float *data, const size_t *rows, size_t B)
{
    for (size_t s = 0; s < B; s++)
        for (size_t t = 0; t < STEPS; t++) {
            const float *src = data + (rows[s] * (STEPS + 1) + t) * LSTM_IN;
            memcpy(b->x + (t * B + s) * LSTM_IN, src, LSTM_IN * sizeof(float));
            memcpy(b->target + (t * B + s) * LSTM_IN, src + LSTM_IN, LSTM_IN * sizeof(float));
        }
}

static double lstm_train_step(lstm_bench *b, size_t B)
{
    size_t TB = STEPS * B;
    const float *h = ng_lstm_forward(&b->lstm, b->x, NULL, STEPS, B);
    float *W = ng_params_data(&b->params, b->head_w);
    ng_dense_forward(b->pred, h, W, ng_params_data(&b->params, b->head_b), TB, HIDDEN, LSTM_IN);
    double loss = ng_mse_loss(b->pred, LSTM_IN, b->target, LSTM_IN, b->dpred, TB, LSTM_IN, NULL,
                              1.0f / (float)(TB * LSTM_IN));
    ng_params_zero_grad(&b->params);
    ng_dense_backward(b->dh, ng_params_grad(&b->params, b->head_w),
                      ng_params_grad(&b->params, b->head_b), b->dpred, h, W, TB, HIDDEN, LSTM_IN);
    ng_lstm_backward(&b->lstm, b->dh, NULL);
    return loss;
}

static int bench_lstm(int epochs)
{
    ng_error err;
    ng_rng rng;
    ng_rng_seed(&rng, 3);
    size_t n = (size_t)SEQS * (STEPS + 1) * LSTM_IN;
    float *data = malloc(n * sizeof *data);
    for (size_t i = 0; i < n; i++)
        data[i] = (float)ng_rng_normal(&rng);
    lstm_bench b;
    if (lstm_bench_init(&b, &rng, &err))
        return fail(&err);
    size_t *rows = malloc(SEQS * sizeof *rows);
    for (size_t i = 0; i < SEQS; i++)
        rows[i] = i;
    ng_batcher batcher;
    ng_adam opt;
    if (ng_batcher_init(&batcher, rows, SEQS, LSTM_BATCH, 4, &err) ||
        ng_adam_init(&opt, b.params.total, 1e-3f, &err))
        return fail(&err);
    epoch_timer timer;
    timer_init(&timer, epochs);
    double loss = 0;
    for (int e = -1; e < epochs; e++) {
        timer_start(&timer);
        const size_t *batch_rows;
        size_t B;
        ng_batcher_epoch(&batcher);
        while ((B = ng_batcher_next(&batcher, &batch_rows)) > 0) {
            gather_sequences(&b, data, batch_rows, B);
            loss = lstm_train_step(&b, B);
            if (ng_check_loss(loss, "LSTM", e, &err) ||
                ng_adam_update(&opt, b.params.data, b.params.grad, 0.0f, &err))
                return fail(&err);
        }
        timer_stop(&timer, e);
    }
    char detail[128];
    snprintf(detail, sizeof detail, "%d sequences, %zu parameters, last loss %.4f", SEQS,
             b.params.total, loss);
    print_result("lstm", &timer, epochs, detail);
    free(rows);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    int epochs = argc > 2 ? atoi(argv[2]) : 5;
    if (epochs < 1)
        epochs = 1;
    openblas_set_num_threads(1);
    int status = 0;
    if (!strcmp(which, "vae") || !strcmp(which, "all"))
        status |= bench_vae(epochs);
    if (!strcmp(which, "lstm") || !strcmp(which, "all"))
        status |= bench_lstm(epochs);
    return status;
}
