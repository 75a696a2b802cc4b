/* histogram.c — shared bin grids (linear / log10) and aligned categorical counts. */
#include "stats/histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double floor_for_scale(ng_bin_scale scale, double x)
{
    return (scale == NG_BINS_LOG && !(x >= NG_HIST_LOG_FLOOR)) ? NG_HIST_LOG_FLOOR : x;
}

ng_status ng_bins_range(ng_bins *bins, ng_bin_scale scale, size_t n, double lo, double hi,
                        ng_error *err)
{
    memset(bins, 0, sizeof *bins);
    if (n == 0 || !isfinite(lo) || !isfinite(hi) || lo > hi)
        return ng_fail(err, NG_EINVAL, "histogram: bad bin range [%g, %g] with %zu bins",
                       lo, hi, n);
    lo = floor_for_scale(scale, lo);
    hi = floor_for_scale(scale, hi);
    if (hi <= lo)
        hi = scale == NG_BINS_LOG ? lo * 10.0 : lo + 1.0;
    bins->edges = malloc((n + 1) * sizeof *bins->edges);
    if (!bins->edges)
        return ng_fail(err, NG_ENOMEM, "histogram: out of memory for %zu bins", n);
    bins->scale = scale;
    bins->n = n;
    if (scale == NG_BINS_LOG) {
        double llo = log10(lo), lhi = log10(hi), step = (lhi - llo) / (double)n;
        for (size_t i = 0; i < n; i++)
            bins->edges[i] = pow(10.0, llo + (double)i * step);
        bins->edges[0] = lo;
    } else {
        double step = (hi - lo) / (double)n;
        for (size_t i = 0; i < n; i++)
            bins->edges[i] = lo + (double)i * step;
    }
    bins->edges[n] = hi;
    return NG_OK;
}

static void extend_range(const double *x, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (x[i] < *lo)
            *lo = x[i];
        if (x[i] > *hi)
            *hi = x[i];
    }
}

ng_status ng_bins_union(ng_bins *bins, ng_bin_scale scale, size_t n, const double *a,
                        size_t na, const double *b, size_t nb, ng_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    extend_range(a, na, &lo, &hi);
    extend_range(b, nb, &lo, &hi);
    if (lo > hi) {
        memset(bins, 0, sizeof *bins);
        return ng_fail(err, NG_EINVAL, "histogram: both samples are empty");
    }
    return ng_bins_range(bins, scale, n, lo, hi, err);
}

void ng_bins_free(ng_bins *bins)
{
    free(bins->edges);
    memset(bins, 0, sizeof *bins);
}

size_t ng_bins_index(const ng_bins *bins, double x)
{
    x = floor_for_scale(bins->scale, x);
    if (!(x >= bins->edges[1]))
        return 0;
    if (x >= bins->edges[bins->n - 1])
        return bins->n - 1;
    /* Largest i with edges[i] <= x, searching edges[1..n-1]. */
    size_t lo = 1, hi = bins->n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (bins->edges[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void ng_histogram(const ng_bins *bins, const double *x, size_t n, double *counts)
{
    memset(counts, 0, bins->n * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            counts[ng_bins_index(bins, x[i])] += 1.0;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static size_t find_key(const uint64_t *keys, size_t k, uint64_t v)
{
    size_t lo = 0, hi = k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

ng_status ng_categorical_counts(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                                uint64_t **keys, double **count_a, double **count_b,
                                size_t *k, ng_error *err)
{
    *keys = NULL, *count_a = NULL, *count_b = NULL, *k = 0;
    uint64_t *all = malloc((na + nb + 1) * sizeof *all);
    if (!all)
        return ng_fail(err, NG_ENOMEM, "categorical counts: out of memory (%zu values)",
                       na + nb);
    if (na)
        memcpy(all, a, na * sizeof *a);
    if (nb)
        memcpy(all + na, b, nb * sizeof *b);
    qsort(all, na + nb, sizeof *all, cmp_u64);
    size_t distinct = 0;
    for (size_t i = 0; i < na + nb; i++)
        if (distinct == 0 || all[distinct - 1] != all[i])
            all[distinct++] = all[i];
    double *ca = calloc(distinct + 1, sizeof *ca), *cb = calloc(distinct + 1, sizeof *cb);
    if (!ca || !cb) {
        free(all), free(ca), free(cb);
        return ng_fail(err, NG_ENOMEM, "categorical counts: out of memory");
    }
    for (size_t i = 0; i < na; i++)
        ca[find_key(all, distinct, a[i])] += 1.0;
    for (size_t i = 0; i < nb; i++)
        cb[find_key(all, distinct, b[i])] += 1.0;
    *keys = all, *count_a = ca, *count_b = cb, *k = distinct;
    return NG_OK;
}
