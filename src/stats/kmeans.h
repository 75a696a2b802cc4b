/* kmeans.h — k-means clustering: k-means++ seeding and Lloyd iterations.
 *
 * Data are n points of dimension d, row-major doubles. Seeding (Arthur &
 * Vassilvitskii 2007) picks the first centre uniformly and each next one with
 * probability proportional to the squared distance to the nearest chosen centre.
 * If every remaining point coincides with a chosen centre, there are fewer than k
 * distinct points: seeding stops there and reports how many centres it found, so
 * callers can reduce k instead of producing duplicate (empty) clusters.
 * Lloyd iterations then alternate nearest-centre assignment and centroid update
 * until no label changes, the largest centre move is ≤ tol, or max_iter is reached.
 * An emptied cluster is moved to the point farthest from its centre. Every random
 * draw comes from the caller's generator, so results are reproducible. */
#ifndef NG_STATS_KMEANS_H
#define NG_STATS_KMEANS_H

#include <stddef.h>

#include "core/error.h"
#include "core/rng.h"

typedef struct ng_kmeans_options {
    size_t max_iter; /* Lloyd iterations at most (0: seeding only) */
    double tol;      /* stop when no centre moves farther than this (Euclidean) */
} ng_kmeans_options;

/* max_iter 100, tol 1e-8. */
ng_kmeans_options ng_kmeans_default_options(void);

typedef struct ng_kmeans_result {
    size_t k;        /* centres actually found (≤ requested k) */
    size_t d;
    double *centers; /* k × d */
    size_t *labels;  /* n: index of the nearest centre */
    double inertia;  /* Σ squared distance to the assigned centre */
    size_t n_iter;   /* Lloyd iterations run */
} ng_kmeans_result;

/* k-means++ seeding: writes up to k centres (k × d, caller-allocated) and the
 * number found (< k only when there are fewer than k distinct points). */
ng_status ng_kmeans_pp_seed(const double *x, size_t n, size_t d, size_t k, ng_rng *rng,
                            double *centers, size_t *k_found, ng_error *err);

/* Seed with k-means++ and run Lloyd iterations. res is filled (free with
 * ng_kmeans_result_free); res->k < k when the data have fewer distinct points.
 * Fails with NG_EINVAL on n == 0, d == 0, k == 0, or non-finite input. */
ng_status ng_kmeans(const double *x, size_t n, size_t d, size_t k,
                    const ng_kmeans_options *opt, ng_rng *rng,
                    ng_kmeans_result *res, ng_error *err);

void ng_kmeans_result_free(ng_kmeans_result *res);

/* Index of the centre nearest to point p (squared Euclidean), and that distance. */
size_t ng_kmeans_nearest(const double *p, const double *centers, size_t k, size_t d,
                         double *dist2);

#endif
