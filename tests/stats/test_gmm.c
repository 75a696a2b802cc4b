/* test_gmm.c — Gaussian mixture EM: parameter recovery, BIC choice of k, degenerate
 * data, sampling moments, density values, determinism. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/rng.h"
#include "stats/cholesky.h"
#include "stats/gmm.h"
#include "stats/gmm_select.h"

#define N_POINTS 6000

/* A well-separated 3-component mixture in 2-D; correlated covariances unless diag. */
static ng_gmm *true_mixture(ng_gmm_cov cov)
{
    ng_gmm *g;
    assert_int_equal(ng_gmm_new(3, 2, cov, &g, NULL), NG_OK);
    const double w[3] = {0.5, 0.3, 0.2};
    const double mu[3][2] = {{0, 0}, {6, 1}, {-2, 7}};
    const double full[3][4] = {{0.5, 0.2, 0.2, 0.4}, {0.3, -0.1, -0.1, 0.6}, {0.4, 0, 0, 0.2}};
    const double diag[3][2] = {{0.5, 0.3}, {0.2, 0.6}, {0.4, 0.25}};
    for (int c = 0; c < 3; c++) {
        g->weights[c] = w[c];
        memcpy(g->means + 2 * c, mu[c], sizeof mu[c]);
        if (cov == NG_GMM_FULL)
            memcpy(g->covariances + 4 * c, full[c], sizeof full[c]);
        else
            memcpy(g->covariances + 2 * c, diag[c], sizeof diag[c]);
    }
    assert_int_equal(ng_gmm_prepare(g, NULL), NG_OK);
    return g;
}

static double *sample_points(const ng_gmm *g, size_t n, uint64_t seed)
{
    double *x = malloc(n * g->d * sizeof *x);
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    ng_gmm_sample(g, &rng, n, x, NULL);
    return x;
}

static size_t nearest_mean(const ng_gmm *g, const double *p)
{
    size_t best = 0;
    double best_d = INFINITY;
    for (size_t c = 0; c < g->k; c++) {
        double s = 0.0;
        for (size_t j = 0; j < g->d; j++)
            s += pow(g->means[c * g->d + j] - p[j], 2);
        if (s < best_d) {
            best_d = s;
            best = c;
        }
    }
    return best;
}

static void assert_recovers(const ng_gmm *truth, const ng_gmm *fit)
{
    assert_int_equal(fit->k, truth->k);
    for (size_t c = 0; c < truth->k; c++) {
        size_t f = nearest_mean(fit, truth->means + c * truth->d);
        for (size_t j = 0; j < truth->d; j++)
            assert_true(fabs(fit->means[f * fit->d + j] - truth->means[c * truth->d + j]) < 0.05);
        assert_true(fabs(fit->weights[f] - truth->weights[c]) < 0.02);
    }
}

static void check_recovery_and_bic(ng_gmm_cov cov)
{
    ng_gmm *truth = true_mixture(cov);
    double *x = sample_points(truth, N_POINTS, 1234);
    ng_gmm_options opt = ng_gmm_default_options();
    opt.cov_type = cov;
    opt.seed = 5;
    ng_gmm *fit;
    assert_int_equal(ng_gmm_fit(x, N_POINTS, 2, 3, &opt, &fit, NULL), NG_OK);
    assert_recovers(truth, fit);
    assert_true(fit->converged);

    ng_gmm_select_options sel = ng_gmm_select_default_options();
    sel.k_min = 1;
    sel.k_max = 6;
    sel.patience = 0; /* score every k */
    sel.gmm = opt;
    double scores[6];
    ng_gmm *best;
    assert_int_equal(ng_gmm_select(x, N_POINTS, 2, &sel, &best, scores, NULL), NG_OK);
    assert_int_equal(best->k, 3);
    for (int k = 1; k <= 6; k++) {
        assert_true(isfinite(scores[k - 1]));
        if (k != 3)
            assert_true(scores[k - 1] > scores[2]);
    }
    assert_recovers(truth, best);
    /* The stored log-likelihood is that of the returned parameters. */
    double bic;
    assert_int_equal(ng_gmm_bic(best, x, N_POINTS, &bic, NULL), NG_OK);
    assert_true(fabs(bic - scores[2]) < 1e-6 * fabs(bic));
    ng_gmm_free(best);
    ng_gmm_free(fit);
    ng_gmm_free(truth);
    free(x);
}

static void test_full_recovers_means_and_bic_picks_3(void **state)
{
    (void)state;
    check_recovery_and_bic(NG_GMM_FULL);
}

static void test_diag_recovers_means_and_bic_picks_3(void **state)
{
    (void)state;
    check_recovery_and_bic(NG_GMM_DIAG);
}

static void test_select_stops_early(void **state)
{
    (void)state;
    ng_gmm *truth = true_mixture(NG_GMM_FULL);
    double *x = sample_points(truth, 3000, 99);
    ng_gmm_select_options sel = ng_gmm_select_default_options();
    sel.k_min = 1;
    sel.k_max = 12;
    sel.patience = 2;
    double scores[12];
    ng_gmm *best;
    assert_int_equal(ng_gmm_select(x, 3000, 2, &sel, &best, scores, NULL), NG_OK);
    assert_int_equal(best->k, 3);
    assert_true(isnan(scores[11])); /* never reached */
    ng_gmm_free(best);
    ng_gmm_free(truth);
    free(x);
}

static void assert_all_finite(const ng_gmm *g)
{
    size_t cs = g->cov_type == NG_GMM_FULL ? g->k * g->d * g->d : g->k * g->d;
    assert_true(isfinite(g->log_likelihood));
    for (size_t c = 0; c < g->k; c++) {
        assert_true(isfinite(g->weights[c]) && isfinite(g->log_norm[c]));
        for (size_t j = 0; j < g->d; j++)
            assert_true(isfinite(g->means[c * g->d + j]));
    }
    for (size_t i = 0; i < cs; i++)
        assert_true(isfinite(g->covariances[i]) && isfinite(g->prec_chol[i]));
}

static void quiet(ng_log_level level, const char *line, void *user)
{
    (void)level;
    (void)line;
    ++*(int *)user;
}

static void test_degenerate_data_never_nan(void **state)
{
    (void)state;
    int warnings = 0;
    ng_log_set_sink(quiet, &warnings);
    for (int cov = 0; cov < 2; cov++) {
        ng_gmm_options opt = ng_gmm_default_options();
        opt.cov_type = (ng_gmm_cov)cov;
        ng_gmm *g;
        /* All duplicates: one distinct point, k reduced to 1 with a warning. */
        double dup[300];
        for (int i = 0; i < 100; i++) {
            dup[3 * i] = 1.5;
            dup[3 * i + 1] = -2.0;
            dup[3 * i + 2] = 1e3;
        }
        warnings = 0;
        assert_int_equal(ng_gmm_fit(dup, 100, 3, 4, &opt, &g, NULL), NG_OK);
        assert_int_equal(g->k, 1);
        assert_true(warnings > 0);
        assert_all_finite(g);
        assert_true(fabs(g->means[2] - 1e3) < 1e-9);
        ng_gmm_free(g);

        /* One constant dimension. */
        double flat[400];
        ng_rng rng;
        ng_rng_seed(&rng, 8);
        for (int i = 0; i < 200; i++) {
            flat[2 * i] = (i % 2 ? 5.0 : 0.0) + ng_rng_normal(&rng);
            flat[2 * i + 1] = 3.0;
        }
        assert_int_equal(ng_gmm_fit(flat, 200, 2, 2, &opt, &g, NULL), NG_OK);
        assert_int_equal(g->k, 2);
        assert_all_finite(g);
        double ll;
        assert_int_equal(ng_gmm_score(g, flat, 200, &ll, NULL), NG_OK);
        assert_true(isfinite(ll));
        ng_gmm_free(g);

        /* Fewer points than components. */
        double few[4] = {0.0, 1.0, 2.0, 3.0};
        assert_int_equal(ng_gmm_fit(few, 2, 2, 5, &opt, &g, NULL), NG_OK);
        assert_int_equal(g->k, 2);
        assert_all_finite(g);
        ng_gmm_free(g);

        /* Selection over a range on duplicates stops at the distinct count. */
        ng_gmm_select_options sel = ng_gmm_select_default_options();
        sel.gmm = opt;
        assert_int_equal(ng_gmm_select(dup, 100, 3, &sel, &g, NULL, NULL), NG_OK);
        assert_int_equal(g->k, 1);
        assert_all_finite(g);
        ng_gmm_free(g);
    }
    ng_log_set_sink(NULL, NULL);
}

static void test_extreme_values_fail_cleanly(void **state)
{
    (void)state;
    int warnings = 0;
    ng_log_set_sink(quiet, &warnings);
    /* Squared distances overflow double: either a clean NG_ENUMERIC or finite output. */
    double x[40];
    for (int i = 0; i < 40; i++)
        x[i] = (i % 3 ? 1e200 : -1e200) * (1.0 + 0.01 * i);
    for (int cov = 0; cov < 2; cov++) {
        ng_gmm_options opt = ng_gmm_default_options();
        opt.cov_type = (ng_gmm_cov)cov;
        ng_gmm *g = NULL;
        ng_error err = {0};
        ng_status st = ng_gmm_fit(x, 20, 2, 2, &opt, &g, &err);
        if (st == NG_OK)
            assert_all_finite(g);
        else {
            assert_int_equal(st, NG_ENUMERIC);
            assert_non_null(strstr(err.msg, "gmm: "));
            assert_null(g);
        }
        ng_gmm_free(g);
    }
    ng_log_set_sink(NULL, NULL);
}

static void test_rejects_bad_input(void **state)
{
    (void)state;
    double x[6] = {0, 1, 2, NAN, 4, 5};
    ng_gmm *g;
    ng_error err;
    assert_int_equal(ng_gmm_fit(x, 3, 2, 1, NULL, &g, &err), NG_EINVAL);
    assert_non_null(strstr(err.msg, "point 1"));
    assert_null(g);
    assert_int_equal(ng_gmm_fit(x, 0, 2, 1, NULL, &g, &err), NG_EINVAL);
    ng_gmm_options opt = ng_gmm_default_options();
    opt.reg_covar = -1.0;
    x[3] = 0.0;
    assert_int_equal(ng_gmm_fit(x, 3, 2, 1, &opt, &g, &err), NG_EINVAL);
    /* prepare refuses a non-positive-definite covariance and bad weights. */
    assert_int_equal(ng_gmm_new(1, 2, NG_GMM_FULL, &g, NULL), NG_OK);
    g->weights[0] = 1.0;
    g->covariances[0] = 1.0;
    g->covariances[1] = g->covariances[2] = 2.0;
    g->covariances[3] = 1.0;
    assert_int_equal(ng_gmm_prepare(g, &err), NG_ENUMERIC);
    assert_non_null(strstr(err.msg, "component 0"));
    g->weights[0] = 0.5;
    assert_int_equal(ng_gmm_prepare(g, &err), NG_EINVAL);
    ng_gmm_free(g);
}

static void test_sampling_reproduces_moments(void **state)
{
    (void)state;
    ng_gmm *g = true_mixture(NG_GMM_FULL);
    size_t n = 200000;
    size_t *labels = malloc(n * sizeof *labels);
    double *x = malloc(n * 2 * sizeof *x);
    ng_rng rng;
    ng_rng_seed(&rng, 77);
    ng_gmm_sample(g, &rng, n, x, labels);
    double m[2] = {0}, c[4] = {0}, tm[2] = {0}, tc[4] = {0}, counts[3] = {0};
    for (size_t i = 0; i < n; i++) {
        counts[labels[i]] += 1.0 / (double)n;
        for (int a = 0; a < 2; a++)
            m[a] += x[2 * i + a] / (double)n;
    }
    for (size_t i = 0; i < n; i++)
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                c[2 * a + b] += (x[2 * i + a] - m[a]) * (x[2 * i + b] - m[b]) / (double)n;
    for (int k = 0; k < 3; k++) {
        assert_true(fabs(counts[k] - g->weights[k]) < 0.005);
        for (int a = 0; a < 2; a++)
            tm[a] += g->weights[k] * g->means[2 * k + a];
    }
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                tc[2 * a + b] += g->weights[k] * (g->covariances[4 * k + 2 * a + b] +
                    (g->means[2 * k + a] - tm[a]) * (g->means[2 * k + b] - tm[b]));
    for (int a = 0; a < 2; a++)
        assert_true(fabs(m[a] - tm[a]) < 0.02);
    for (int i = 0; i < 4; i++)
        assert_true(fabs(c[i] - tc[i]) < 0.02 * fabs(tc[0] + tc[3]));
    free(x);
    free(labels);
    ng_gmm_free(g);
}

static void test_density_and_predict(void **state)
{
    (void)state;
    /* One component: log N(x | μ, Σ) in closed form. */
    ng_gmm *g;
    assert_int_equal(ng_gmm_new(1, 2, NG_GMM_FULL, &g, NULL), NG_OK);
    g->weights[0] = 1.0;
    g->means[0] = 1.0;
    g->means[1] = -1.0;
    const double cov[4] = {2.0, 0.5, 0.5, 1.0};
    memcpy(g->covariances, cov, sizeof cov);
    assert_int_equal(ng_gmm_prepare(g, NULL), NG_OK);
    double p[2] = {2.0, 0.5}, ld;
    assert_int_equal(ng_gmm_score_samples(g, p, 1, &ld, NULL), NG_OK);
    double det = 2.0 * 1.0 - 0.25, dx = 1.0, dy = 1.5;
    double maha = (1.0 * dx * dx - 2 * 0.5 * dx * dy + 2.0 * dy * dy) / det;
    double expect = -log(2 * M_PI) - 0.5 * log(det) - 0.5 * maha;
    assert_true(fabs(ld - expect) < 1e-12);
    /* A point so far away that its density underflows: −inf, not NaN. */
    double far[2] = {1e200, -1e200};
    size_t far_label;
    assert_int_equal(ng_gmm_score_samples(g, far, 1, &ld, NULL), NG_OK);
    assert_true(isinf(ld) && ld < 0);
    assert_int_equal(ng_gmm_predict(g, far, 1, &far_label, NULL), NG_OK);
    assert_int_equal(far_label, 0);
    ng_error err;
    assert_int_equal(ng_gmm_score(g, far, 1, &ld, &err), NG_ENUMERIC);
    ng_gmm_free(g);

    g = true_mixture(NG_GMM_FULL);
    size_t labels[3];
    double resp[9];
    assert_int_equal(ng_gmm_predict(g, g->means, 3, labels, NULL), NG_OK);
    assert_int_equal(ng_gmm_predict_proba(g, g->means, 3, resp, NULL), NG_OK);
    for (size_t c = 0; c < 3; c++) {
        assert_int_equal(labels[c], c);
        assert_true(resp[c * 3 + c] > 0.999);
        assert_true(fabs(resp[c * 3] + resp[c * 3 + 1] + resp[c * 3 + 2] - 1.0) < 1e-12);
    }
    ng_gmm_free(g);
}

/* Blocked dgemm E-step against a point-by-point Cholesky solve, in 7-D with 3
 * correlated components and more points than one block. */
static void test_density_matches_naive_in_7d(void **state)
{
    (void)state;
    enum { K = 3, D = 7, N = 700 };
    for (int cov = 0; cov < 2; cov++) {
        ng_gmm *g;
        assert_int_equal(ng_gmm_new(K, D, (ng_gmm_cov)cov, &g, NULL), NG_OK);
        ng_rng rng;
        ng_rng_seed(&rng, 123);
        for (int c = 0; c < K; c++) {
            g->weights[c] = (c + 1.0) / 6.0;
            for (int j = 0; j < D; j++)
                g->means[c * D + j] = 100.0 + 3.0 * ng_rng_normal(&rng);
            if (cov == NG_GMM_DIAG) {
                for (int j = 0; j < D; j++)
                    g->covariances[c * D + j] = 0.5 + ng_rng_uniform(&rng);
                continue;
            }
            double b[D * D];
            for (int i = 0; i < D * D; i++)
                b[i] = ng_rng_normal(&rng);
            for (int i = 0; i < D; i++)
                for (int j = 0; j < D; j++) {
                    double acc = i == j ? 0.5 : 0.0;
                    for (int m = 0; m < D; m++)
                        acc += b[i * D + m] * b[j * D + m];
                    g->covariances[c * D * D + i * D + j] = acc;
                }
        }
        assert_int_equal(ng_gmm_prepare(g, NULL), NG_OK);
        double *x = malloc(N * D * sizeof *x), *ld = malloc(N * sizeof *ld);
        ng_gmm_sample(g, &rng, N, x, NULL);
        assert_int_equal(ng_gmm_score_samples(g, x, N, ld, NULL), NG_OK);
        for (int i = 0; i < N; i++) {
            double lp[K], m = -INFINITY;
            for (int c = 0; c < K; c++) {
                double diff[D], full[D * D], logdet = 0.0, maha = 0.0;
                for (int j = 0; j < D; j++)
                    diff[j] = x[i * D + j] - g->means[c * D + j];
                if (cov == NG_GMM_FULL) {
                    memcpy(full, g->covariances + c * D * D, sizeof full);
                    assert_int_equal(ng_cholesky(full, D, NULL), NG_OK);
                    ng_cholesky_solve_lower(full, D, diff);
                    logdet = ng_cholesky_logdet(full, D);
                    for (int j = 0; j < D; j++)
                        maha += diff[j] * diff[j];
                } else {
                    for (int j = 0; j < D; j++) {
                        double v = g->covariances[c * D + j];
                        maha += diff[j] * diff[j] / v;
                        logdet += log(v);
                    }
                }
                lp[c] = log(g->weights[c]) - 0.5 * (D * log(2 * M_PI) + logdet + maha);
                m = fmax(m, lp[c]);
            }
            double sum = 0.0;
            for (int c = 0; c < K; c++)
                sum += exp(lp[c] - m);
            assert_true(fabs(ld[i] - (m + log(sum))) < 1e-9 * fmax(1.0, fabs(ld[i])));
        }
        free(x);
        free(ld);
        ng_gmm_free(g);
    }
}

static void test_restarts_and_aic(void **state)
{
    (void)state;
    ng_gmm *truth = true_mixture(NG_GMM_FULL);
    double *x = sample_points(truth, 3000, 8);
    ng_gmm_options opt = ng_gmm_default_options();
    opt.seed = 2;
    ng_gmm *one, *five;
    assert_int_equal(ng_gmm_fit(x, 3000, 2, 5, &opt, &one, NULL), NG_OK);
    opt.n_init = 5;
    assert_int_equal(ng_gmm_fit(x, 3000, 2, 5, &opt, &five, NULL), NG_OK);
    /* Restart 0 is the single fit; the best of five is at least as likely. */
    assert_true(five->log_likelihood >= one->log_likelihood);
    ng_gmm_select_options sel = ng_gmm_select_default_options();
    sel.k_max = 6;
    sel.criterion = NG_GMM_AIC;
    ng_gmm *best;
    assert_int_equal(ng_gmm_select(x, 3000, 2, &sel, &best, NULL, NULL), NG_OK);
    assert_true(best->k >= 3); /* AIC penalises less than BIC: never fewer than the truth */
    assert_true(fabs(ng_gmm_aic_from_ll(best, best->log_likelihood, 3000) -
                     (-2.0 * 3000 * best->log_likelihood + 2.0 * ng_gmm_n_parameters(best))) < 1e-6);
    assert_int_equal(ng_gmm_n_parameters(truth), 2 + 6 + 9);
    ng_gmm_free(best);
    ng_gmm_free(one);
    ng_gmm_free(five);
    ng_gmm_free(truth);
    free(x);
}

static void test_deterministic_restarts(void **state)
{
    (void)state;
    ng_gmm *truth = true_mixture(NG_GMM_FULL);
    double *x = sample_points(truth, 3000, 4);
    ng_gmm_options opt = ng_gmm_default_options();
    opt.n_init = 3;
    opt.seed = 21;
    ng_gmm *a, *b;
    assert_int_equal(ng_gmm_fit(x, 3000, 2, 4, &opt, &a, NULL), NG_OK);
    assert_int_equal(ng_gmm_fit(x, 3000, 2, 4, &opt, &b, NULL), NG_OK);
    assert_int_equal(a->k, b->k);
    assert_memory_equal(a->weights, b->weights, a->k * sizeof(double));
    assert_memory_equal(a->means, b->means, a->k * 2 * sizeof(double));
    assert_memory_equal(a->covariances, b->covariances, a->k * 4 * sizeof(double));
    assert_true(a->log_likelihood == b->log_likelihood);
    /* Warm-start refinement does not lower the likelihood. */
    double before = a->log_likelihood;
    assert_int_equal(ng_gmm_refine(a, x, 3000, &opt, NULL), NG_OK);
    assert_true(a->log_likelihood >= before - 1e-9);
    ng_gmm_free(a);
    ng_gmm_free(b);
    ng_gmm_free(truth);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_recovers_means_and_bic_picks_3),
        cmocka_unit_test(test_diag_recovers_means_and_bic_picks_3),
        cmocka_unit_test(test_select_stops_early),
        cmocka_unit_test(test_degenerate_data_never_nan),
        cmocka_unit_test(test_extreme_values_fail_cleanly),
        cmocka_unit_test(test_rejects_bad_input),
        cmocka_unit_test(test_sampling_reproduces_moments),
        cmocka_unit_test(test_density_and_predict),
        cmocka_unit_test(test_density_matches_naive_in_7d),
        cmocka_unit_test(test_restarts_and_aic),
        cmocka_unit_test(test_deterministic_restarts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
