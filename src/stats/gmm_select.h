/* gmm_select.h — choosing the number of mixture components by BIC (or AIC).
 *
 * Fits k = k_min, k_min+1, …, k_max components with the same options and keeps the
 * mixture with the lowest criterion (ties: the smaller k). The criterion is that of
 * the fitted parameters on the training data (BIC = −2·log L + p·ln n).
 * Early stop: after `patience` consecutive k whose criterion is above the best so
 * far, larger k are not tried (0: try them all). The scan also stops when a fit
 * comes back with fewer components than asked (the data hold fewer distinct
 * points), since larger k cannot add any. */
#ifndef NG_STATS_GMM_SELECT_H
#define NG_STATS_GMM_SELECT_H

#include <stddef.h>

#include "core/error.h"
#include "stats/gmm.h"

typedef enum ng_gmm_criterion { NG_GMM_BIC = 0, NG_GMM_AIC = 1 } ng_gmm_criterion;

typedef struct ng_gmm_select_options {
    size_t k_min, k_max;         /* 1 .. 10 */
    size_t patience;             /* 3 */
    ng_gmm_criterion criterion;  /* NG_GMM_BIC */
    ng_gmm_options gmm;          /* ng_gmm_default_options() */
} ng_gmm_select_options;

ng_gmm_select_options ng_gmm_select_default_options(void);

/* *best receives the chosen mixture. scores (k_max − k_min + 1 entries, may be
 * NULL) receives each k's criterion, NAN for k not tried. */
ng_status ng_gmm_select(const double *x, size_t n, size_t d, const ng_gmm_select_options *opt,
                        ng_gmm **best, double *scores, ng_error *err);

#endif
