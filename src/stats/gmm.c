/* gmm.c — the Gaussian mixture object: allocation, validation and derived caches,
 * density, prediction, sampling and information criteria. Fitting is in gmm_em.c. */
#include "stats/gmm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/cholesky.h"
#include "stats/gmm_estep.h"

#define LOG_2PI 1.8378770664093454836

ng_gmm_options ng_gmm_default_options(void)
{
    ng_gmm_options o = {
        .cov_type = NG_GMM_FULL,
        .reg_covar = 1e-6,
        .tol = 1e-3,
        .max_iter = 100,
        .n_init = 1,
        .kmeans_iter = 100,
        .seed = 0,
    };
    return o;
}

static size_t cov_size(size_t k, size_t d, ng_gmm_cov cov_type)
{
    return cov_type == NG_GMM_FULL ? k * d * d : k * d;
}

void ng_gmm_free(ng_gmm *g)
{
    if (!g)
        return;
    free(g->weights);
    free(g->means);
    free(g->covariances);
    free(g->chol);
    free(g->prec_chol);
    free(g->log_norm);
    free(g);
}

ng_status ng_gmm_new(size_t k, size_t d, ng_gmm_cov cov_type, ng_gmm **out, ng_error *err)
{
    *out = NULL;
    if (k == 0 || d == 0 || (cov_type != NG_GMM_FULL && cov_type != NG_GMM_DIAG))
        return ng_fail(err, NG_EINVAL, "gmm: need k, d > 0 and a known covariance type "
                       "(got k=%zu d=%zu type=%d)", k, d, (int)cov_type);
    if (d > 4096 || k > ((size_t)1 << 20) / d)
        return ng_fail(err, NG_EINVAL, "gmm: k=%zu × d=%zu is too large", k, d);
    ng_gmm *g = calloc(1, sizeof *g);
    if (!g)
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory");
    size_t cs = cov_size(k, d, cov_type);
    g->k = k;
    g->d = d;
    g->cov_type = cov_type;
    g->weights = calloc(k, sizeof(double));
    g->means = calloc(k * d, sizeof(double));
    g->covariances = calloc(cs, sizeof(double));
    g->chol = calloc(cs, sizeof(double));
    g->prec_chol = calloc(cs, sizeof(double));
    g->log_norm = calloc(k, sizeof(double));
    if (!g->weights || !g->means || !g->covariances || !g->chol || !g->prec_chol ||
        !g->log_norm) {
        ng_gmm_free(g);
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory for k=%zu d=%zu", k, d);
    }
    *out = g;
    return NG_OK;
}

ng_status ng_gmm_clone(const ng_gmm *g, ng_gmm **out, ng_error *err)
{
    ng_status st = ng_gmm_new(g->k, g->d, g->cov_type, out, err);
    if (st != NG_OK)
        return st;
    ng_gmm *c = *out;
    size_t cs = cov_size(g->k, g->d, g->cov_type);
    memcpy(c->weights, g->weights, g->k * sizeof(double));
    memcpy(c->means, g->means, g->k * g->d * sizeof(double));
    memcpy(c->covariances, g->covariances, cs * sizeof(double));
    memcpy(c->chol, g->chol, cs * sizeof(double));
    memcpy(c->prec_chol, g->prec_chol, cs * sizeof(double));
    memcpy(c->log_norm, g->log_norm, g->k * sizeof(double));
    c->log_likelihood = g->log_likelihood;
    c->n_train = g->n_train;
    c->n_iter = g->n_iter;
    c->converged = g->converged;
    return NG_OK;
}

ng_status ng_gmm_prepare_component(ng_gmm *g, size_t c, ng_error *err)
{
    size_t d = g->d;
    double logdet = 0.0;
    if (g->cov_type == NG_GMM_FULL) {
        double *l = g->chol + c * d * d;
        memcpy(l, g->covariances + c * d * d, d * d * sizeof *l);
        ng_status st = ng_cholesky(l, d, err);
        if (st != NG_OK)
            return ng_fail(err, NG_ENUMERIC, "gmm: covariance of component %zu is not "
                           "positive definite (try a larger reg_covar)", c);
        ng_cholesky_precision_factor(l, d, g->prec_chol + c * d * d);
        logdet = ng_cholesky_logdet(l, d);
    } else {
        for (size_t j = 0; j < d; j++) {
            double v = g->covariances[c * d + j];
            if (!(v > 0.0) || !isfinite(v))
                return ng_fail(err, NG_ENUMERIC, "gmm: variance %zu of component %zu is %g, "
                               "not positive (try a larger reg_covar)", j, c, v);
            g->chol[c * d + j] = sqrt(v);
            g->prec_chol[c * d + j] = 1.0 / g->chol[c * d + j];
            logdet += log(v);
        }
    }
    g->log_norm[c] = log(g->weights[c]) - 0.5 * ((double)d * LOG_2PI + logdet);
    if (!isfinite(g->log_norm[c]))
        return ng_fail(err, NG_ENUMERIC, "gmm: component %zu has a non-finite normaliser "
                       "(weight %g, log det %g)", c, g->weights[c], logdet);
    return NG_OK;
}

static ng_status check_symmetric(const ng_gmm *g, size_t c, ng_error *err)
{
    size_t d = g->d;
    const double *a = g->covariances + c * d * d;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < i; j++) {
            double x = a[i * d + j], y = a[j * d + i];
            double scale = sqrt(fabs(a[i * d + i] * a[j * d + j]));
            if (!(fabs(x - y) <= 1e-9 * scale))
                return ng_fail(err, NG_EINVAL, "gmm: covariance of component %zu is not "
                               "symmetric at (%zu, %zu): %g vs %g", c, i, j, x, y);
        }
    return NG_OK;
}

static ng_status check_parameters(const ng_gmm *g, ng_error *err)
{
    double sum = 0.0;
    for (size_t c = 0; c < g->k; c++) {
        double w = g->weights[c];
        if (!(w > 0.0) || !isfinite(w))
            return ng_fail(err, NG_EINVAL, "gmm: weight of component %zu is %g, not positive",
                           c, w);
        sum += w;
        for (size_t j = 0; j < g->d; j++)
            if (!isfinite(g->means[c * g->d + j]))
                return ng_fail(err, NG_EINVAL, "gmm: mean %zu of component %zu is not finite",
                               j, c);
    }
    if (!(fabs(sum - 1.0) <= 1e-6))
        return ng_fail(err, NG_EINVAL, "gmm: weights sum to %.9g, not 1", sum);
    size_t cs = cov_size(g->k, g->d, g->cov_type);
    for (size_t i = 0; i < cs; i++)
        if (!isfinite(g->covariances[i]))
            return ng_fail(err, NG_EINVAL, "gmm: covariance entry %zu is not finite", i);
    return NG_OK;
}

ng_status ng_gmm_prepare(ng_gmm *g, ng_error *err)
{
    ng_status st = check_parameters(g, err);
    for (size_t c = 0; st == NG_OK && c < g->k; c++) {
        if (g->cov_type == NG_GMM_FULL)
            st = check_symmetric(g, c, err);
        if (st == NG_OK)
            st = ng_gmm_prepare_component(g, c, err);
    }
    return st;
}

/* Run the E-step kernel over all points; per block, `visit` consumes the logp rows. */
typedef void (*block_visitor)(double *logp, size_t first, size_t nb, size_t k, void *user);

static ng_status for_each_block(const ng_gmm *g, const double *x, size_t n,
                                block_visitor visit, void *user, ng_error *err)
{
    ng_gmm_estep e;
    ng_status st = ng_gmm_estep_init(&e, g, NULL, err);
    if (st != NG_OK)
        return st;
    double *logp = malloc(NG_GMM_BLOCK * g->k * sizeof *logp);
    if (!logp) {
        ng_gmm_estep_free(&e);
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory");
    }
    for (size_t first = 0; first < n; first += NG_GMM_BLOCK) {
        size_t nb = n - first < NG_GMM_BLOCK ? n - first : NG_GMM_BLOCK;
        ng_gmm_estep_log_prob(&e, g, x + first * g->d, nb, logp);
        visit(logp, first, nb, g->k, user);
    }
    free(logp);
    ng_gmm_estep_free(&e);
    return NG_OK;
}

static void visit_logdens(double *logp, size_t first, size_t nb, size_t k, void *user)
{
    ng_gmm_estep_normalise(logp, nb, k, (double *)user + first);
}

ng_status ng_gmm_score_samples(const ng_gmm *g, const double *x, size_t n, double *logdens,
                               ng_error *err)
{
    return for_each_block(g, x, n, visit_logdens, logdens, err);
}

ng_status ng_gmm_score(const ng_gmm *g, const double *x, size_t n, double *mean_ll,
                       ng_error *err)
{
    if (n == 0)
        return ng_fail(err, NG_EINVAL, "gmm: cannot score zero points");
    double *ld = malloc(n * sizeof *ld);
    if (!ld)
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory for %zu points", n);
    ng_status st = ng_gmm_score_samples(g, x, n, ld, err);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += ld[i];
    free(ld);
    if (st == NG_OK && !isfinite(s))
        st = ng_fail(err, NG_ENUMERIC, "gmm: log-likelihood is not finite (%g)", s);
    *mean_ll = s / (double)n;
    return st;
}

static void visit_labels(double *logp, size_t first, size_t nb, size_t k, void *user)
{
    size_t *labels = (size_t *)user + first;
    for (size_t i = 0; i < nb; i++) {
        const double *row = logp + i * k;
        size_t best = 0;
        for (size_t c = 1; c < k; c++)
            if (row[c] > row[best])
                best = c;
        labels[i] = best;
    }
}

ng_status ng_gmm_predict(const ng_gmm *g, const double *x, size_t n, size_t *labels,
                         ng_error *err)
{
    return for_each_block(g, x, n, visit_labels, labels, err);
}

static void visit_proba(double *logp, size_t first, size_t nb, size_t k, void *user)
{
    ng_gmm_estep_normalise(logp, nb, k, NULL);
    memcpy((double *)user + first * k, logp, nb * k * sizeof *logp);
}

ng_status ng_gmm_predict_proba(const ng_gmm *g, const double *x, size_t n, double *resp,
                               ng_error *err)
{
    return for_each_block(g, x, n, visit_proba, resp, err);
}

void ng_gmm_sample(const ng_gmm *g, ng_rng *rng, size_t n, double *x, size_t *labels)
{
    size_t d = g->d;
    for (size_t i = 0; i < n; i++) {
        size_t c = ng_rng_categorical(rng, g->weights, g->k);
        double *out = x + i * d;
        const double *mu = g->means + c * d;
        if (labels)
            labels[i] = c;
        if (g->cov_type == NG_GMM_DIAG) {
            for (size_t j = 0; j < d; j++)
                out[j] = mu[j] + g->chol[c * d + j] * ng_rng_normal(rng);
            continue;
        }
        /* Draw z first, then out = μ + L·z row by row (L lower triangular). */
        for (size_t j = 0; j < d; j++)
            out[j] = ng_rng_normal(rng);
        const double *l = g->chol + c * d * d;
        for (size_t r = d; r-- > 0;) {
            double s = 0.0;
            for (size_t j = 0; j <= r; j++)
                s += l[r * d + j] * out[j];
            out[r] = mu[r] + s;
        }
    }
}

size_t ng_gmm_n_parameters(const ng_gmm *g)
{
    size_t k = g->k, d = g->d;
    size_t cov = g->cov_type == NG_GMM_FULL ? k * d * (d + 1) / 2 : k * d;
    return (k - 1) + k * d + cov;
}

double ng_gmm_bic_from_ll(const ng_gmm *g, double mean_ll, size_t n)
{
    return -2.0 * mean_ll * (double)n + (double)ng_gmm_n_parameters(g) * log((double)n);
}

double ng_gmm_aic_from_ll(const ng_gmm *g, double mean_ll, size_t n)
{
    return -2.0 * mean_ll * (double)n + 2.0 * (double)ng_gmm_n_parameters(g);
}

ng_status ng_gmm_bic(const ng_gmm *g, const double *x, size_t n, double *bic, ng_error *err)
{
    double ll;
    ng_status st = ng_gmm_score(g, x, n, &ll, err);
    if (st == NG_OK)
        *bic = ng_gmm_bic_from_ll(g, ll, n);
    return st;
}

ng_status ng_gmm_aic(const ng_gmm *g, const double *x, size_t n, double *aic, ng_error *err)
{
    double ll;
    ng_status st = ng_gmm_score(g, x, n, &ll, err);
    if (st == NG_OK)
        *aic = ng_gmm_aic_from_ll(g, ll, n);
    return st;
}
