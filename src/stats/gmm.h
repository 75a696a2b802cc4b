/* gmm.h — Gaussian mixture models in double precision: EM fit, density, sampling.
 *
 * A mixture of k Gaussians in d dimensions with full or diagonal covariances.
 * Fitting (ng_gmm_fit) follows scikit-learn's GaussianMixture semantics: k-means
 * initialisation (k-means++ seeding + Lloyd), EM until the mean per-point
 * log-likelihood changes by less than tol or max_iter is reached, reg_covar added
 * to every covariance diagonal, n_init restarts keeping the highest likelihood.
 * The E-step works on blocks of points: one BLAS dgemm projects a block onto all
 * k precision-Cholesky factors at once (full covariance), log-sum-exp turns the
 * log-densities into responsibilities.
 *
 * Degenerate data never yield NaN silently: fewer distinct points than k reduces
 * k (with a warning; g->k says what was fitted); a covariance that is not positive
 * definite after reg_covar is regularised further with a warning; non-finite input
 * is NG_EINVAL and a non-finite likelihood is NG_ENUMERIC.
 *
 * The struct holds the parameters (weights, means, covariances) that a model file
 * stores; chol, prec_chol and log_norm are derived from them by ng_gmm_prepare, so
 * parameters reloaded bit-exactly give bit-exactly the same model. Every random
 * draw comes from a seeded ng_rng. Single-threaded (set OpenBLAS to one thread). */
#ifndef NG_STATS_GMM_H
#define NG_STATS_GMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"

typedef enum ng_gmm_cov {
    NG_GMM_FULL = 0, /* covariances: k × d × d, symmetric positive definite */
    NG_GMM_DIAG = 1  /* covariances: k × d variances */
} ng_gmm_cov;

typedef struct ng_gmm {
    size_t k, d;
    ng_gmm_cov cov_type;
    double *weights;     /* k, positive, summing to 1 */
    double *means;       /* k × d */
    double *covariances; /* full: k × d × d; diag: k × d */

    /* Derived by ng_gmm_prepare (do not edit): */
    double *chol;      /* full: k × d × d lower L with Σ = L·Lᵀ; diag: k × d √var */
    double *prec_chol; /* full: k × d × d upper P = L⁻ᵀ;         diag: k × d 1/√var */
    double *log_norm;  /* k: log w_k − d/2·log 2π − ½·log det Σ_k */

    /* Set by fitting (0/false otherwise): */
    double log_likelihood; /* mean per-point log-likelihood on the training data */
    size_t n_train;        /* points it was fitted on */
    size_t n_iter;         /* EM iterations of the kept restart */
    bool converged;
} ng_gmm;

typedef struct ng_gmm_options {
    ng_gmm_cov cov_type; /* NG_GMM_FULL */
    double reg_covar;    /* 1e-6, added to each covariance diagonal */
    double tol;          /* 1e-3, on the change of the mean log-likelihood; 0: never */
    size_t max_iter;     /* 100 EM iterations */
    size_t n_init;       /* 1 restart; the best log-likelihood is kept */
    size_t kmeans_iter;  /* 100 Lloyd iterations for the initialisation */
    uint64_t seed;       /* restart r uses ng_rng_stream(seed, r) */
} ng_gmm_options;

ng_gmm_options ng_gmm_default_options(void);

/* An all-zero mixture with k components (fill the parameters, then prepare). */
ng_status ng_gmm_new(size_t k, size_t d, ng_gmm_cov cov_type, ng_gmm **out, ng_error *err);
void ng_gmm_free(ng_gmm *g);
/* A deep copy (parameters, derived caches and diagnostics). */
ng_status ng_gmm_clone(const ng_gmm *g, ng_gmm **out, ng_error *err);

/* Validate the parameters (finite, weights > 0 summing to 1 within 1e-6,
 * covariances symmetric positive definite) and compute the derived caches.
 * NG_EINVAL/NG_ENUMERIC with the offending component named; never regularises. */
ng_status ng_gmm_prepare(ng_gmm *g, ng_error *err);
/* Derive component c's caches (chol, prec_chol, log_norm) from its covariance and
 * weight, without the other checks; NG_ENUMERIC if it is not positive definite. */
ng_status ng_gmm_prepare_component(ng_gmm *g, size_t c, ng_error *err);

/* Fit k components to n points (row-major n × d). *out is a new mixture whose k may
 * be smaller than requested when the data hold fewer distinct points. */
ng_status ng_gmm_fit(const double *x, size_t n, size_t d, size_t k,
                     const ng_gmm_options *opt, ng_gmm **out, ng_error *err);

/* Run EM from g's current (prepared) parameters — a warm start. Uses opt's
 * reg_covar, tol and max_iter; ignores cov_type (g's is kept), n_init and seed.
 * On failure g may hold a partial update: free it or prepare new parameters. */
ng_status ng_gmm_refine(ng_gmm *g, const double *x, size_t n, const ng_gmm_options *opt,
                        ng_error *err);

/* log p(x_i) for each point into logdens (n). */
ng_status ng_gmm_score_samples(const ng_gmm *g, const double *x, size_t n, double *logdens,
                               ng_error *err);
/* Mean of log p(x_i). */
ng_status ng_gmm_score(const ng_gmm *g, const double *x, size_t n, double *mean_ll,
                       ng_error *err);
/* Most likely component of each point (labels: n). */
ng_status ng_gmm_predict(const ng_gmm *g, const double *x, size_t n, size_t *labels,
                         ng_error *err);
/* Posterior component probabilities (resp: n × k, rows sum to 1). */
ng_status ng_gmm_predict_proba(const ng_gmm *g, const double *x, size_t n, double *resp,
                               ng_error *err);

/* Draw n points into x (n × d): a component by weight, then μ + L·N(0, I).
 * labels (n) may be NULL. */
void ng_gmm_sample(const ng_gmm *g, ng_rng *rng, size_t n, double *x, size_t *labels);

/* Free parameters: (k−1) weights + k·d means + k·d(d+1)/2 (full) or k·d (diag). */
size_t ng_gmm_n_parameters(const ng_gmm *g);
/* BIC = −2·n·mean_ll + p·ln n and AIC = −2·n·mean_ll + 2p on data x. */
ng_status ng_gmm_bic(const ng_gmm *g, const double *x, size_t n, double *bic, ng_error *err);
ng_status ng_gmm_aic(const ng_gmm *g, const double *x, size_t n, double *aic, ng_error *err);
/* The same from a known mean log-likelihood over n points (no pass over data). */
double ng_gmm_bic_from_ll(const ng_gmm *g, double mean_ll, size_t n);
double ng_gmm_aic_from_ll(const ng_gmm *g, double mean_ll, size_t n);

#endif
