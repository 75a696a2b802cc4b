/* gmm_agree.c — writes what gmm_agree.py needs to check that necstgen's EM matches
 * scikit-learn's iteration for iteration.
 *
 * 5 000 points in 3-D from a seeded 5-component mixture, a k = 5 mixture initialised
 * by k-means (full or diag covariance), then 20 EM iterations with tol = 0.
 *   gmm_agree <dir> full|diag
 * writes <dir>/x.f64 (n × d), init.{weights,means,cov}.f64 and final.{…}.f64 plus
 * final.ll.f64 (the mean log-likelihood of the final parameters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "stats/gmm.h"

#define N 5000
#define D 3
#define K 5
#define ITERS 20

static int save(const char *dir, const char *name, const double *v, size_t count)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.f64", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, sizeof *v, count, f) != count || fclose(f) != 0) {
        fprintf(stderr, "gmm_agree: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

static int save_gmm(const char *dir, const char *stage, const ng_gmm *g)
{
    char name[64];
    size_t cs = g->cov_type == NG_GMM_FULL ? g->k * g->d * g->d : g->k * g->d;
    snprintf(name, sizeof name, "%s.weights", stage);
    int bad = save(dir, name, g->weights, g->k);
    snprintf(name, sizeof name, "%s.means", stage);
    bad |= save(dir, name, g->means, g->k * g->d);
    snprintf(name, sizeof name, "%s.cov", stage);
    bad |= save(dir, name, g->covariances, cs);
    snprintf(name, sizeof name, "%s.ll", stage);
    bad |= save(dir, name, &g->log_likelihood, 1);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "full") && strcmp(argv[2], "diag"))) {
        fprintf(stderr, "usage: gmm_agree <dir> full|diag\n");
        return 2;
    }
    ng_gmm_cov cov = strcmp(argv[2], "full") == 0 ? NG_GMM_FULL : NG_GMM_DIAG;
    ng_rng rng;
    ng_rng_seed(&rng, 31);
    ng_gmm *truth;
    ng_error err;
    if (ng_gmm_new(K, D, NG_GMM_FULL, &truth, &err) != NG_OK)
        return 1;
    for (size_t c = 0; c < K; c++) {
        truth->weights[c] = 1.0 / K;
        for (size_t j = 0; j < D; j++) {
            truth->means[c * D + j] = 6.0 * ng_rng_uniform(&rng);
            truth->covariances[c * D * D + j * D + j] = 0.3 + ng_rng_uniform(&rng);
        }
        truth->covariances[c * D * D + 1] = truth->covariances[c * D * D + 3] = 0.2;
    }
    double *x = malloc((size_t)N * D * sizeof *x);
    if (!x || ng_gmm_prepare(truth, &err) != NG_OK)
        return 1;
    ng_gmm_sample(truth, &rng, N, x, NULL);

    ng_gmm_options opt = ng_gmm_default_options();
    opt.cov_type = cov;
    opt.max_iter = 0;
    opt.seed = 3;
    ng_gmm *g;
    if (ng_gmm_fit(x, N, D, K, &opt, &g, &err) != NG_OK) {
        fprintf(stderr, "gmm_agree: %s\n", err.msg);
        return 1;
    }
    int bad = save(argv[1], "x", x, (size_t)N * D) | save_gmm(argv[1], "init", g);
    opt.max_iter = ITERS;
    opt.tol = 0.0;
    if (ng_gmm_refine(g, x, N, &opt, &err) != NG_OK) {
        fprintf(stderr, "gmm_agree: %s\n", err.msg);
        return 1;
    }
    bad |= save_gmm(argv[1], "final", g);
    ng_gmm_free(g);
    ng_gmm_free(truth);
    free(x);
    return bad;
}
