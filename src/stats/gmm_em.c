/* gmm_em.c — fitting a Gaussian mixture by expectation–maximisation (see gmm.h).
 *
 * One EM iteration makes two passes over the data in blocks of NG_GMM_BLOCK points:
 * the E-step (log-densities via gmm_estep, responsibilities by log-sum-exp, stored
 * n × k) with the mean accumulation of the M-step fused in through one dgemm per
 * block, then a pass that accumulates covariances about the new means (the stable
 * two-pass form, Σ r·(x−μ)(x−μ)ᵀ, rather than E[xxᵀ] − μμᵀ). As in scikit-learn,
 * 10·DBL_EPSILON is added to each component's responsibility mass so an empty
 * component keeps finite parameters, and reg_covar is added to each diagonal. */
#include "stats/gmm.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "stats/gmm_estep.h"
#include "stats/kmeans.h"

typedef struct em_state {
    const double *x;
    size_t n;
    ng_gmm *g;
    ng_gmm_estep e;
    double reg_covar;
    size_t iteration;
    double *resp;  /* n × k */
    double *nk;    /* k: responsibility mass */
    double *sum1;  /* k × d: Σ r·(x − shift) */
    double *diff;  /* NG_GMM_BLOCK × d */
    double *rdiff; /* NG_GMM_BLOCK × d */
} em_state;

static void em_free(em_state *s)
{
    ng_gmm_estep_free(&s->e);
    free(s->resp);
    free(s->nk);
    free(s->sum1);
    free(s->diff);
    free(s->rdiff);
    memset(s, 0, sizeof *s);
}

static ng_status em_init(em_state *s, ng_gmm *g, const double *x, size_t n,
                         const double *shift, double reg_covar, ng_error *err)
{
    memset(s, 0, sizeof *s);
    s->x = x;
    s->n = n;
    s->g = g;
    s->reg_covar = reg_covar;
    ng_status st = ng_gmm_estep_init(&s->e, g, shift, err);
    if (st != NG_OK)
        return st;
    size_t k = g->k, d = g->d;
    s->resp = malloc(n * k * sizeof *s->resp);
    s->nk = malloc(k * sizeof *s->nk);
    s->sum1 = malloc(k * d * sizeof *s->sum1);
    s->diff = malloc(NG_GMM_BLOCK * d * sizeof *s->diff);
    s->rdiff = malloc(NG_GMM_BLOCK * d * sizeof *s->rdiff);
    if (!s->resp || !s->nk || !s->sum1 || !s->diff || !s->rdiff) {
        em_free(s);
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory for %zu × %zu responsibilities",
                       n, k);
    }
    return NG_OK;
}

static size_t block_len(size_t n, size_t first)
{
    return n - first < NG_GMM_BLOCK ? n - first : NG_GMM_BLOCK;
}

/* Responsibilities for every point; returns the mean log-likelihood. Also
 * accumulates nk and sum1 for the following M-step. */
static ng_status e_step(em_state *s, double *mean_ll, ng_error *err)
{
    ng_gmm *g = s->g;
    size_t k = g->k, d = g->d;
    double total = 0.0;
    memset(s->nk, 0, k * sizeof *s->nk);
    memset(s->sum1, 0, k * d * sizeof *s->sum1);
    for (size_t first = 0; first < s->n; first += NG_GMM_BLOCK) {
        size_t nb = block_len(s->n, first);
        double *r = s->resp + first * k;
        ng_gmm_estep_log_prob(&s->e, g, s->x + first * d, nb, r);
        total += ng_gmm_estep_normalise(r, nb, k, NULL);
        for (size_t i = 0; i < nb; i++)
            for (size_t c = 0; c < k; c++)
                s->nk[c] += r[i * k + c];
        /* e.shifted still holds this block minus the shift. */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)d, (int)nb, 1.0,
                    r, (int)k, s->e.shifted, (int)d, 1.0, s->sum1, (int)d);
    }
    *mean_ll = total / (double)s->n;
    if (!isfinite(*mean_ll))
        return ng_fail(err, NG_ENUMERIC, "gmm: log-likelihood became %g at EM iteration %zu "
                       "(k=%zu, d=%zu); the data may be too extreme for double precision",
                       *mean_ll, s->iteration, k, d);
    return NG_OK;
}

/* One-hot responsibilities from labels, with nk and sum1 to match. */
static void hard_assign(em_state *s, const size_t *labels)
{
    size_t k = s->g->k, d = s->g->d;
    memset(s->resp, 0, s->n * k * sizeof *s->resp);
    memset(s->nk, 0, k * sizeof *s->nk);
    memset(s->sum1, 0, k * d * sizeof *s->sum1);
    for (size_t i = 0; i < s->n; i++) {
        size_t c = labels[i];
        s->resp[i * k + c] = 1.0;
        s->nk[c] += 1.0;
        for (size_t j = 0; j < d; j++)
            s->sum1[c * d + j] += s->x[i * d + j] - s->e.shift[j];
    }
}

static void update_weights_means(em_state *s)
{
    ng_gmm *g = s->g;
    size_t k = g->k, d = g->d;
    double wsum = 0.0;
    for (size_t c = 0; c < k; c++) {
        s->nk[c] += 10.0 * DBL_EPSILON;
        g->weights[c] = s->nk[c] / (double)s->n;
        wsum += g->weights[c];
        for (size_t j = 0; j < d; j++)
            g->means[c * d + j] = s->sum1[c * d + j] / s->nk[c] + s->e.shift[j];
    }
    for (size_t c = 0; c < k; c++)
        g->weights[c] /= wsum;
}

static void accumulate_full(em_state *s, size_t first, size_t nb)
{
    ng_gmm *g = s->g;
    size_t k = g->k, d = g->d;
    const double *x = s->x + first * d, *r = s->resp + first * k;
    for (size_t c = 0; c < k; c++) {
        const double *mu = g->means + c * d;
        for (size_t i = 0; i < nb; i++)
            for (size_t j = 0; j < d; j++) {
                double t = x[i * d + j] - mu[j];
                s->diff[i * d + j] = t;
                s->rdiff[i * d + j] = r[i * k + c] * t;
            }
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)d, (int)nb, 1.0,
                    s->rdiff, (int)d, s->diff, (int)d, 1.0, g->covariances + c * d * d,
                    (int)d);
    }
}

static void accumulate_diag(em_state *s, size_t first, size_t nb)
{
    ng_gmm *g = s->g;
    size_t k = g->k, d = g->d;
    const double *x = s->x + first * d, *r = s->resp + first * k;
    for (size_t i = 0; i < nb; i++)
        for (size_t c = 0; c < k; c++) {
            const double *mu = g->means + c * d;
            double *v = g->covariances + c * d, ric = r[i * k + c];
            for (size_t j = 0; j < d; j++) {
                double t = x[i * d + j] - mu[j];
                v[j] += ric * t * t;
            }
        }
}

/* Normalise the accumulated scatter, add reg_covar, symmetrise (full). */
static void finish_covariances(em_state *s)
{
    ng_gmm *g = s->g;
    size_t k = g->k, d = g->d;
    for (size_t c = 0; c < k; c++) {
        double inv = 1.0 / s->nk[c];
        if (g->cov_type == NG_GMM_DIAG) {
            for (size_t j = 0; j < d; j++)
                g->covariances[c * d + j] = g->covariances[c * d + j] * inv + s->reg_covar;
            continue;
        }
        double *a = g->covariances + c * d * d;
        for (size_t i = 0; i < d; i++) {
            for (size_t j = 0; j < i; j++) {
                a[i * d + j] *= inv;
                a[j * d + i] = a[i * d + j];
            }
            a[i * d + i] = a[i * d + i] * inv + s->reg_covar;
        }
    }
}

/* Factor component c; if it is not positive definite, add growing multiples of a
 * scale-aware ridge to its diagonal (with a warning) before giving up. */
static ng_status factor_component(em_state *s, size_t c, ng_error *err)
{
    ng_gmm *g = s->g;
    size_t d = g->d;
    ng_status st = ng_gmm_prepare_component(g, c, err);
    if (st == NG_OK)
        return st;
    double mean_diag = 0.0;
    for (size_t j = 0; j < d; j++)
        mean_diag += fabs(g->cov_type == NG_GMM_FULL ? g->covariances[c * d * d + j * d + j]
                                                     : g->covariances[c * d + j]);
    mean_diag /= (double)d;
    double ridge = fmax(s->reg_covar, 1e-12 * mean_diag);
    if (!(ridge > 0.0) || !isfinite(ridge))
        ridge = 1e-12;
    for (int attempt = 0; attempt < 12 && st != NG_OK; attempt++, ridge *= 10.0) {
        for (size_t j = 0; j < d; j++) {
            if (g->cov_type == NG_GMM_FULL)
                g->covariances[c * d * d + j * d + j] += ridge;
            else
                g->covariances[c * d + j] += ridge;
        }
        st = ng_gmm_prepare_component(g, c, err);
        if (st == NG_OK)
            ng_warn("gmm: covariance of component %zu was not positive definite at EM "
                    "iteration %zu; added %g to its diagonal", c, s->iteration, ridge);
    }
    if (st != NG_OK)
        return ng_fail(err, NG_ENUMERIC, "gmm: covariance of component %zu stays singular "
                       "at EM iteration %zu even with a ridge of %g (k=%zu, d=%zu)",
                       c, s->iteration, ridge, g->k, d);
    return NG_OK;
}

/* M-step from resp/nk/sum1: weights, means, covariances, then the caches. */
static ng_status m_step(em_state *s, ng_error *err)
{
    ng_gmm *g = s->g;
    size_t d = g->d;
    update_weights_means(s);
    size_t cs = g->cov_type == NG_GMM_FULL ? g->k * d * d : g->k * d;
    memset(g->covariances, 0, cs * sizeof *g->covariances);
    for (size_t first = 0; first < s->n; first += NG_GMM_BLOCK) {
        size_t nb = block_len(s->n, first);
        if (g->cov_type == NG_GMM_FULL)
            accumulate_full(s, first, nb);
        else
            accumulate_diag(s, first, nb);
    }
    finish_covariances(s);
    for (size_t c = 0; c < g->k; c++) {
        ng_status st = factor_component(s, c, err);
        if (st != NG_OK)
            return st;
    }
    ng_gmm_estep_update(&s->e, g);
    return NG_OK;
}

/* EM iterations from the current parameters, then a last E-step so that
 * g->log_likelihood belongs to the parameters returned. */
static ng_status run_em(em_state *s, size_t max_iter, double tol, ng_error *err)
{
    ng_gmm *g = s->g;
    double prev = -INFINITY, ll = 0.0;
    g->converged = false;
    g->n_iter = 0;
    for (size_t it = 1; it <= max_iter; it++) {
        s->iteration = it;
        ng_status st = e_step(s, &ll, err);
        if (st == NG_OK)
            st = m_step(s, err);
        if (st != NG_OK)
            return st;
        g->n_iter = it;
        if (fabs(ll - prev) < tol) {
            g->converged = true;
            break;
        }
        prev = ll;
    }
    s->iteration = g->n_iter + 1;
    ng_status st = e_step(s, &ll, err);
    g->log_likelihood = ll;
    g->n_train = s->n;
    return st;
}

static ng_status check_options(const ng_gmm_options *o, ng_error *err)
{
    if (!(o->reg_covar >= 0.0) || !isfinite(o->reg_covar))
        return ng_fail(err, NG_EINVAL, "gmm: reg_covar must be >= 0 (got %g)", o->reg_covar);
    if (!(o->tol >= 0.0))
        return ng_fail(err, NG_EINVAL, "gmm: tol must be >= 0 (got %g)", o->tol);
    if (o->cov_type != NG_GMM_FULL && o->cov_type != NG_GMM_DIAG)
        return ng_fail(err, NG_EINVAL, "gmm: unknown covariance type %d", (int)o->cov_type);
    return NG_OK;
}

static ng_status check_data(const double *x, size_t n, size_t d, ng_error *err)
{
    if (n == 0 || d == 0)
        return ng_fail(err, NG_EINVAL, "gmm: need at least one point of dimension >= 1 "
                       "(got n=%zu, d=%zu)", n, d);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i]))
            return ng_fail(err, NG_EINVAL, "gmm: point %zu, dimension %zu is not finite (%g)",
                           i / d, i % d, x[i]);
    return NG_OK;
}

ng_status ng_gmm_refine(ng_gmm *g, const double *x, size_t n, const ng_gmm_options *opt,
                        ng_error *err)
{
    ng_gmm_options defaults = ng_gmm_default_options();
    if (!opt)
        opt = &defaults;
    ng_status st = check_options(opt, err);
    if (st == NG_OK)
        st = check_data(x, n, g->d, err);
    if (st != NG_OK)
        return st;
    double *shift = calloc(g->d, sizeof *shift);
    if (!shift)
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < g->d; j++)
            shift[j] += x[i * g->d + j] / (double)n;
    em_state s;
    st = em_init(&s, g, x, n, shift, opt->reg_covar, err);
    free(shift);
    if (st != NG_OK)
        return st;
    st = run_em(&s, opt->max_iter, opt->tol, err);
    em_free(&s);
    return st;
}

/* One restart: k-means, hard responsibilities, M-step, EM. */
static ng_status fit_once(const double *x, size_t n, size_t d, size_t k,
                          const ng_gmm_options *opt, const double *shift, size_t restart,
                          ng_gmm **out, ng_error *err)
{
    ng_rng rng;
    ng_rng_stream(&rng, opt->seed, restart);
    ng_kmeans_options ko = ng_kmeans_default_options();
    ko.max_iter = opt->kmeans_iter;
    ng_kmeans_result km;
    ng_status st = ng_kmeans(x, n, d, k, &ko, &rng, &km, err);
    if (st != NG_OK)
        return st;
    if (km.k < k)
        ng_warn("gmm: the data hold only %zu distinct points; fitting %zu components "
                "instead of %zu", km.k, km.k, k);
    st = ng_gmm_new(km.k, d, opt->cov_type, out, err);
    em_state s;
    if (st == NG_OK)
        st = em_init(&s, *out, x, n, shift, opt->reg_covar, err);
    if (st == NG_OK) {
        hard_assign(&s, km.labels);
        st = m_step(&s, err);
        if (st == NG_OK)
            st = run_em(&s, opt->max_iter, opt->tol, err);
        em_free(&s);
    }
    ng_kmeans_result_free(&km);
    if (st != NG_OK) {
        ng_gmm_free(*out);
        *out = NULL;
    }
    return st;
}

ng_status ng_gmm_fit(const double *x, size_t n, size_t d, size_t k,
                     const ng_gmm_options *opt, ng_gmm **out, ng_error *err)
{
    *out = NULL;
    ng_gmm_options defaults = ng_gmm_default_options();
    if (!opt)
        opt = &defaults;
    ng_status st = check_options(opt, err);
    if (st == NG_OK)
        st = check_data(x, n, d, err);
    if (st == NG_OK && k == 0)
        st = ng_fail(err, NG_EINVAL, "gmm: need at least one component");
    if (st != NG_OK)
        return st;
    double *shift = calloc(d, sizeof *shift);
    if (!shift)
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            shift[j] += x[i * d + j] / (double)n;
    size_t n_init = opt->n_init ? opt->n_init : 1;
    ng_gmm *best = NULL;
    ng_error last = {0};
    for (size_t r = 0; r < n_init; r++) {
        ng_gmm *g = NULL;
        st = fit_once(x, n, d, k, opt, shift, r, &g, &last);
        if (st != NG_OK) {
            if (n_init > 1)
                ng_warn("gmm: restart %zu of %zu failed: %s", r + 1, n_init, last.msg);
            continue;
        }
        if (!best || g->log_likelihood > best->log_likelihood) {
            ng_gmm_free(best);
            best = g;
        } else {
            ng_gmm_free(g);
        }
    }
    free(shift);
    if (!best)
        return ng_fail(err, last.code, "%s", last.msg);
    *out = best;
    return NG_OK;
}
