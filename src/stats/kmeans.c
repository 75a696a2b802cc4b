/* kmeans.c — k-means++ seeding and Lloyd's algorithm (see kmeans.h). */
#include "stats/kmeans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ng_kmeans_options ng_kmeans_default_options(void)
{
    ng_kmeans_options o = {.max_iter = 100, .tol = 1e-8};
    return o;
}

static double squared_distance(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
        double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

size_t ng_kmeans_nearest(const double *p, const double *centers, size_t k, size_t d,
                         double *dist2)
{
    size_t best = 0;
    double best_d = INFINITY;
    for (size_t c = 0; c < k; c++) {
        double dd = squared_distance(p, centers + c * d, d);
        if (dd < best_d) {
            best_d = dd;
            best = c;
        }
    }
    if (dist2)
        *dist2 = best_d;
    return best;
}

static ng_status check_input(const double *x, size_t n, size_t d, size_t k, ng_error *err)
{
    if (n == 0 || d == 0 || k == 0)
        return ng_fail(err, NG_EINVAL, "kmeans: need n, d, k > 0 (got n=%zu d=%zu k=%zu)",
                       n, d, k);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i]))
            return ng_fail(err, NG_EINVAL, "kmeans: point %zu, dimension %zu is not finite",
                           i / d, i % d);
    return NG_OK;
}

/* Index drawn with probability dist2[i] / total (total > 0). */
static size_t draw_by_distance(const double *dist2, size_t n, double total, ng_rng *rng)
{
    double target = ng_rng_uniform(rng) * total;
    double acc = 0.0;
    size_t last_positive = 0;
    for (size_t i = 0; i < n; i++) {
        if (dist2[i] > 0.0) {
            acc += dist2[i];
            last_positive = i;
            if (acc > target)
                return i;
        }
    }
    return last_positive; /* rounding left the draw past the end */
}

ng_status ng_kmeans_pp_seed(const double *x, size_t n, size_t d, size_t k, ng_rng *rng,
                            double *centers, size_t *k_found, ng_error *err)
{
    ng_status st = check_input(x, n, d, k, err);
    if (st != NG_OK)
        return st;
    double *dist2 = malloc(n * sizeof *dist2);
    if (!dist2)
        return ng_fail(err, NG_ENOMEM, "kmeans: out of memory for %zu distances", n);
    size_t first = (size_t)ng_rng_below(rng, n);
    memcpy(centers, x + first * d, d * sizeof *centers);
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        dist2[i] = squared_distance(x + i * d, centers, d);
        total += dist2[i];
    }
    size_t found = 1;
    while (found < k && total > 0.0) {
        size_t pick = draw_by_distance(dist2, n, total, rng);
        double *c = centers + found * d;
        memcpy(c, x + pick * d, d * sizeof *c);
        found++;
        total = 0.0;
        for (size_t i = 0; i < n; i++) {
            double dd = squared_distance(x + i * d, c, d);
            if (dd < dist2[i])
                dist2[i] = dd;
            total += dist2[i];
        }
    }
    free(dist2);
    *k_found = found;
    return NG_OK;
}

/* Assign every point to its nearest centre; returns how many labels changed. */
static size_t assign_labels(const double *x, size_t n, size_t d, const double *centers,
                            size_t k, size_t *labels, double *dist2, double *inertia)
{
    size_t changed = 0;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t c = ng_kmeans_nearest(x + i * d, centers, k, d, &dist2[i]);
        if (c != labels[i]) {
            labels[i] = c;
            changed++;
        }
        total += dist2[i];
    }
    *inertia = total;
    return changed;
}

/* Move each centre to the mean of its points; an empty cluster takes the point
 * farthest from its own centre (whose distance is then zeroed so that two empty
 * clusters do not take the same point). Returns the largest centre move. */
static double update_centers(const double *x, size_t n, size_t d, size_t k,
                             const size_t *labels, double *dist2, double *centers,
                             double *sums, size_t *counts)
{
    memset(sums, 0, k * d * sizeof *sums);
    memset(counts, 0, k * sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        double *s = sums + labels[i] * d;
        const double *p = x + i * d;
        for (size_t j = 0; j < d; j++)
            s[j] += p[j];
        counts[labels[i]]++;
    }
    double max_move = 0.0;
    for (size_t c = 0; c < k; c++) {
        double *center = centers + c * d;
        double *target = sums + c * d;
        if (counts[c] == 0) {
            size_t far = 0;
            for (size_t i = 1; i < n; i++)
                if (dist2[i] > dist2[far])
                    far = i;
            dist2[far] = 0.0;
            memcpy(target, x + far * d, d * sizeof *target);
        } else {
            for (size_t j = 0; j < d; j++)
                target[j] /= (double)counts[c];
        }
        double m = sqrt(squared_distance(center, target, d));
        if (m > max_move)
            max_move = m;
        memcpy(center, target, d * sizeof *center);
    }
    return max_move;
}

void ng_kmeans_result_free(ng_kmeans_result *res)
{
    if (!res)
        return;
    free(res->centers);
    free(res->labels);
    memset(res, 0, sizeof *res);
}

static ng_status lloyd(const double *x, size_t n, size_t d, const ng_kmeans_options *opt,
                       ng_kmeans_result *res, ng_error *err)
{
    size_t k = res->k;
    double *dist2 = malloc(n * sizeof *dist2);
    double *sums = malloc(k * d * sizeof *sums);
    size_t *counts = malloc(k * sizeof *counts);
    if (!dist2 || !sums || !counts) {
        free(dist2);
        free(sums);
        free(counts);
        return ng_fail(err, NG_ENOMEM, "kmeans: out of memory for %zu points", n);
    }
    for (size_t i = 0; i < n; i++)
        res->labels[i] = k; /* no label yet: the first pass changes them all */
    assign_labels(x, n, d, res->centers, k, res->labels, dist2, &res->inertia);
    for (res->n_iter = 0; res->n_iter < opt->max_iter;) {
        double move = update_centers(x, n, d, k, res->labels, dist2, res->centers, sums,
                                     counts);
        res->n_iter++;
        size_t changed = assign_labels(x, n, d, res->centers, k, res->labels, dist2,
                                       &res->inertia);
        if (changed == 0 || move <= opt->tol)
            break;
    }
    free(dist2);
    free(sums);
    free(counts);
    return NG_OK;
}

ng_status ng_kmeans(const double *x, size_t n, size_t d, size_t k,
                    const ng_kmeans_options *opt, ng_rng *rng,
                    ng_kmeans_result *res, ng_error *err)
{
    memset(res, 0, sizeof *res);
    ng_kmeans_options defaults = ng_kmeans_default_options();
    if (!opt)
        opt = &defaults;
    ng_status st = check_input(x, n, d, k, err);
    if (st != NG_OK)
        return st;
    res->d = d;
    res->centers = malloc(k * d * sizeof *res->centers);
    res->labels = malloc(n * sizeof *res->labels);
    if (!res->centers || !res->labels) {
        ng_kmeans_result_free(res);
        return ng_fail(err, NG_ENOMEM, "kmeans: out of memory for %zu points", n);
    }
    st = ng_kmeans_pp_seed(x, n, d, k, rng, res->centers, &res->k, err);
    if (st == NG_OK)
        st = lloyd(x, n, d, opt, res, err);
    if (st != NG_OK)
        ng_kmeans_result_free(res);
    return st;
}
