/* histogram.h — binning two samples on a shared grid, and aligning categorical counts.
 *
 * Distances between distributions (metrics.h) compare probability vectors; this file
 * turns raw samples into such vectors the same way for the real and the synthetic side.
 *
 * Continuous samples: n bins spanning the union range [min, max] of both samples,
 * linear (equal width) or log-spaced (equal width in log10). Bin i holds
 * edges[i] <= x < edges[i+1]; the last bin also holds x == edges[n] (numpy.histogram's
 * convention). Log-spaced bins need positive values, so both ends of the range and every
 * value are floored at NG_HIST_LOG_FLOOR (1e-6): a zero inter-arrival time lands in the
 * first bin. A degenerate range (all values equal) is widened to one unit (linear) or one
 * decade (log) so the grid stays valid; both samples then fall in the same bin.
 *
 * Categorical samples: the union of the distinct values of both samples, sorted
 * ascending, and the count of each value on each side (aligned vectors). */
#ifndef NG_STATS_HISTOGRAM_H
#define NG_STATS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define NG_HIST_LOG_FLOOR 1e-6

typedef enum ng_bin_scale { NG_BINS_LINEAR = 0, NG_BINS_LOG = 1 } ng_bin_scale;

typedef struct ng_bins {
    ng_bin_scale scale;
    size_t n;       /* number of bins (>= 1) */
    double *edges;  /* n + 1 ascending edges (owned) */
} ng_bins;

/* Bins over the union range of a[0..na) and b[0..nb) (either may be empty, not both;
 * NaN values are ignored). */
ng_status ng_bins_union(ng_bins *bins, ng_bin_scale scale, size_t n, const double *a,
                        size_t na, const double *b, size_t nb, ng_error *err);
/* Bins over an explicit range [lo, hi] (lo <= hi; for log scale floored at 1e-6). */
ng_status ng_bins_range(ng_bins *bins, ng_bin_scale scale, size_t n, double lo, double hi,
                        ng_error *err);
void ng_bins_free(ng_bins *bins);

/* Index of the bin holding x (values outside the range go to the nearest end bin). */
size_t ng_bins_index(const ng_bins *bins, double x);
/* counts[0..bins->n) = number of x values per bin (counts are overwritten). */
void ng_histogram(const ng_bins *bins, const double *x, size_t n, double *counts);

/* Categorical counts aligned over the union of values. On success *keys (sorted distinct
 * values), *count_a and *count_b are malloc'd arrays of *k entries (caller frees). */
ng_status ng_categorical_counts(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                                uint64_t **keys, double **count_a, double **count_b,
                                size_t *k, ng_error *err);

#endif
