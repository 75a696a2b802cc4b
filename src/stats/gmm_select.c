/* gmm_select.c — scan k over a range and keep the mixture with the lowest BIC/AIC. */
#include "stats/gmm_select.h"

#include <math.h>

#include "core/log.h"

ng_gmm_select_options ng_gmm_select_default_options(void)
{
    ng_gmm_select_options o = {
        .k_min = 1,
        .k_max = 10,
        .patience = 3,
        .criterion = NG_GMM_BIC,
        .gmm = ng_gmm_default_options(),
    };
    return o;
}

static double criterion(const ng_gmm *g, ng_gmm_criterion c, size_t n)
{
    return c == NG_GMM_AIC ? ng_gmm_aic_from_ll(g, g->log_likelihood, n)
                           : ng_gmm_bic_from_ll(g, g->log_likelihood, n);
}

ng_status ng_gmm_select(const double *x, size_t n, size_t d, const ng_gmm_select_options *opt,
                        ng_gmm **best, double *scores, ng_error *err)
{
    *best = NULL;
    ng_gmm_select_options defaults = ng_gmm_select_default_options();
    if (!opt)
        opt = &defaults;
    if (opt->k_min == 0 || opt->k_max < opt->k_min)
        return ng_fail(err, NG_EINVAL, "gmm select: need 1 <= k_min <= k_max (got %zu..%zu)",
                       opt->k_min, opt->k_max);
    if (scores)
        for (size_t k = opt->k_min; k <= opt->k_max; k++)
            scores[k - opt->k_min] = NAN;
    double best_score = INFINITY;
    size_t worse_in_a_row = 0;
    for (size_t k = opt->k_min; k <= opt->k_max; k++) {
        ng_gmm *g = NULL;
        ng_status st = ng_gmm_fit(x, n, d, k, &opt->gmm, &g, err);
        if (st != NG_OK) {
            ng_gmm_free(*best);
            *best = NULL;
            return st;
        }
        double score = criterion(g, opt->criterion, n);
        if (scores)
            scores[k - opt->k_min] = score;
        ng_debug("gmm select: k=%zu %s=%.6g", k, opt->criterion == NG_GMM_AIC ? "AIC" : "BIC",
                 score);
        bool reduced = g->k < k;
        if (score < best_score) {
            best_score = score;
            ng_gmm_free(*best);
            *best = g;
            worse_in_a_row = 0;
        } else {
            ng_gmm_free(g);
            worse_in_a_row++;
        }
        if (reduced || (opt->patience && worse_in_a_row >= opt->patience))
            break;
    }
    return NG_OK;
}
