/* compare.h — distances between a real and a synthetic capture's quantities.
 *
 * Continuous quantity: two-sample KS statistic; Wasserstein-1 in the quantity's units and,
 * for times and counts (log_scale), also on log10 of the values (floored at 1e-6); JSD in
 * bits on NG_COMPARE_BINS bins over the union range (log-spaced for log_scale quantities,
 * floor 1e-6) and the same divergence in nats (NetShare's convention).
 * Categorical quantity: JSD in bits and in nats over the union of values.
 * Structure: the share on each side; the score is |real - synthetic|.
 * Any number without data on one side (an empty sample) is NAN and printed as n/a. */
#ifndef NG_REPORT_COMPARE_H
#define NG_REPORT_COMPARE_H

#include <stddef.h>

#include "report/quantities.h"

#define NG_COMPARE_BINS 50

typedef struct ng_cont_score {
    double n_real, n_synth;
    double median_real, median_synth;
    double ks, w1, w1_log10, jsd, jsd_nats;
} ng_cont_score;

typedef struct ng_cat_score {
    double n_real, n_synth;
    double jsd, jsd_nats;
} ng_cat_score;

typedef struct ng_struct_score {
    double real, synth, diff;
} ng_struct_score;

typedef struct ng_comparison {
    ng_cont_score cont[NG_Q_CONT_COUNT];
    ng_cat_score cat[NG_Q_CAT_COUNT];
    ng_struct_score structure[NG_S_COUNT];
} ng_comparison;

ng_status ng_compare(const ng_quantities *real, const ng_quantities *synth, ng_comparison *out,
                     ng_error *err);
/* Field-by-field mean of n comparisons, ignoring NANs (NAN when all are). */
void ng_comparison_mean(const ng_comparison *items, size_t n, ng_comparison *mean);
/* Largest KS statistic over the continuous quantities (NANs ignored; 0 when none). */
double ng_comparison_max_ks(const ng_comparison *c);

#endif
