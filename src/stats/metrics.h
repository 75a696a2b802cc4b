/* metrics.h — distances between two samples or two distributions.
 *
 * All functions are exact (no binning) unless they take probability vectors, and agree
 * with scipy to floating-point rounding (see tests/stats/test_metrics.c for fixtures):
 *
 *   ng_ks_statistic      scipy.stats.ks_2samp(a, b).statistic: sup_x |F_a(x) - F_b(x)|
 *                        over the empirical CDFs (ties handled: the CDFs are compared
 *                        only after every copy of a value has been counted).
 *   ng_wasserstein1      scipy.stats.wasserstein_distance(a, b) (unweighted): the area
 *                        between the two empirical CDFs, in the samples' units.
 *   ng_jsd               Jensen–Shannon divergence in bits (log base 2), in [0, 1], between
 *                        two non-negative vectors, each first normalised to sum 1:
 *                        JSD = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2.
 *   ng_jsd_netshare      the same divergence in nats (natural log), in [0, ln 2]. scipy's
 *                        scipy.spatial.distance.jensenshannon(p, q) returns the *distance*
 *                        sqrt(JSD_nats); NetShare reports that value squared, i.e. JSD_nats.
 *                        So ng_jsd_netshare = jensenshannon(p, q)**2 = ln(2) * ng_jsd.
 *
 * The *_sorted variants take ascending arrays and allocate nothing; the others copy and
 * sort. Empty samples (or all-zero vectors) have no defined distance: those calls
 * return NAN, and callers report "n/a" rather than a number. */
#ifndef NG_STATS_METRICS_H
#define NG_STATS_METRICS_H

#include <stddef.h>

#include "core/error.h"

double ng_ks_statistic_sorted(const double *a, size_t na, const double *b, size_t nb);
double ng_wasserstein1_sorted(const double *a, size_t na, const double *b, size_t nb);

/* Copy-and-sort wrappers; *out = NAN when a sample is empty. Fail only on memory. */
ng_status ng_ks_statistic(const double *a, size_t na, const double *b, size_t nb,
                          double *out, ng_error *err);
ng_status ng_wasserstein1(const double *a, size_t na, const double *b, size_t nb,
                          double *out, ng_error *err);

double ng_jsd(const double *p, const double *q, size_t n);
double ng_jsd_netshare(const double *p, const double *q, size_t n);

/* Sort ascending in place (NaN-free input). */
void ng_sort_doubles(double *x, size_t n);
/* Median of an ascending array (mean of the two middle values when n is even); NAN if n == 0. */
double ng_median_sorted(const double *x, size_t n);
/* Quantile q in [0, 1] of an ascending array with linear interpolation (numpy's default). */
double ng_quantile_sorted(const double *x, size_t n, double q);

#endif
