/* bench_gmm.c — time of 100 EM iterations of a full-covariance Gaussian mixture.
 *
 * 100 000 points in 4-D drawn from a seeded random 16-component mixture; a k = 16
 * full-covariance mixture is initialised by k-means (k-means++ seeding + Lloyd, not
 * timed), then ng_gmm_refine runs exactly 100 EM iterations (tol = 0) plus the final
 * E-step, on one thread. This is what bench_gmm_sklearn.py times for scikit-learn.
 *   bench_gmm [--dump data.f64]   (--dump writes the points as raw float64 so the
 *                                  Python side fits the very same data) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "stats/gmm.h"

#define N 100000
#define D 4
#define K 16
#define ITERS 100
#define REPEATS 3

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }
/* CPU time of this process: steadier than wall time on a shared machine. */
static double cpu_now(void) { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }

/* A random mixture: means spread over [-10, 10]^D, covariances A·Aᵀ + 0.1·I. */
static ng_gmm *random_mixture(ng_rng *rng)
{
    ng_gmm *g;
    if (ng_gmm_new(K, D, NG_GMM_FULL, &g, NULL) != NG_OK)
        return NULL;
    for (size_t c = 0; c < K; c++) {
        g->weights[c] = 1.0 / K;
        for (size_t j = 0; j < D; j++)
            g->means[c * D + j] = 20.0 * ng_rng_uniform(rng) - 10.0;
        double a[D * D];
        for (size_t i = 0; i < D * D; i++)
            a[i] = 0.7 * ng_rng_normal(rng);
        for (size_t i = 0; i < D; i++)
            for (size_t j = 0; j < D; j++) {
                double s = i == j ? 0.1 : 0.0;
                for (size_t m = 0; m < D; m++)
                    s += a[i * D + m] * a[j * D + m];
                g->covariances[c * D * D + i * D + j] = s;
            }
    }
    ng_error err;
    if (ng_gmm_prepare(g, &err) != NG_OK) {
        fprintf(stderr, "bench_gmm: %s\n", err.msg);
        ng_gmm_free(g);
        return NULL;
    }
    return g;
}

static int dump(const char *path, const double *x)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(x, sizeof *x, (size_t)N * D, f) != (size_t)N * D || fclose(f) != 0) {
        fprintf(stderr, "bench_gmm: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    ng_rng rng;
    ng_rng_seed(&rng, 2022);
    ng_gmm *truth = random_mixture(&rng);
    double *x = malloc((size_t)N * D * sizeof *x);
    if (!truth || !x)
        return 1;
    ng_gmm_sample(truth, &rng, N, x, NULL);
    if (argc == 3 && strcmp(argv[1], "--dump") == 0 && dump(argv[2], x) != 0)
        return 1;

    ng_error err;
    ng_gmm_options opt = ng_gmm_default_options();
    opt.max_iter = 0; /* initialisation only */
    opt.kmeans_iter = 10;
    opt.seed = 1;
    ng_gmm *init;
    double t0 = now();
    if (ng_gmm_fit(x, N, D, K, &opt, &init, &err) != NG_OK) {
        fprintf(stderr, "bench_gmm: %s\n", err.msg);
        return 1;
    }
    double t_init = now() - t0;

    opt.max_iter = ITERS;
    opt.tol = 0.0;
    double best = 1e300, best_cpu = 1e300, ll = 0.0;
    for (int r = 0; r < REPEATS; r++) {
        ng_gmm *g;
        if (ng_gmm_clone(init, &g, &err) != NG_OK)
            return 1;
        t0 = now();
        double c0 = cpu_now();
        if (ng_gmm_refine(g, x, N, &opt, &err) != NG_OK) {
            fprintf(stderr, "bench_gmm: %s\n", err.msg);
            return 1;
        }
        double t = now() - t0, cpu = cpu_now() - c0;
        if (t < best)
            best = t;
        if (cpu < best_cpu)
            best_cpu = cpu;
        ll = g->log_likelihood;
        ng_gmm_free(g);
    }
    printf("necstgen gmm: n=%d d=%d k=%d full, %d EM iterations: %.3f s wall, %.3f s CPU "
           "(best of %d; %.2f ms/iter CPU; init %.3f s not timed; mean log-lik %.4f)\n",
           N, D, K, ITERS, best, best_cpu, REPEATS, 1e3 * best_cpu / ITERS, t_init, ll);
    printf("seconds %.6f %.6f\n", best, best_cpu);
    ng_gmm_free(init);
    ng_gmm_free(truth);
    free(x);
    return 0;
}
