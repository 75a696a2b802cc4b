/* gmm_estep.h — the blocked E-step kernel shared by fitting and scoring.
 *
 * For a block of points it computes log w_k + log N(x_i | μ_k, Σ_k) for every
 * component, then (optionally) turns a row of those into responsibilities by
 * log-sum-exp. Points are first shifted by a fixed vector (the data mean when
 * fitting, the mixture mean when scoring) so projections of far-off data keep
 * their precision. Full covariance: one dgemm per block, Y = (X − s)·[P_1 … P_k],
 * then ‖Y_k − (μ_k − s)·P_k‖² is the Mahalanobis distance (P_k = L_k⁻ᵀ). Diagonal
 * covariance: a direct loop. Internal to stats/; the mixture must be prepared and
 * ng_gmm_estep_update called after every parameter change. */
#ifndef NG_STATS_GMM_ESTEP_H
#define NG_STATS_GMM_ESTEP_H

#include <stddef.h>

#include "core/error.h"
#include "stats/gmm.h"

#define NG_GMM_BLOCK 256

typedef struct ng_gmm_estep {
    size_t k, d;
    double *shift;   /* d */
    double *shifted; /* NG_GMM_BLOCK × d: the current block minus shift */
    double *proj;    /* NG_GMM_BLOCK × k·d (full only) */
    double *pall;    /* d × k·d: the precision factors side by side (full only) */
    double *centers; /* k × d: (μ_k − shift)·P_k (full) or μ_k − shift (diag) */
} ng_gmm_estep;

/* Allocate for g's shape with the given shift (d values; NULL: the mixture mean). */
ng_status ng_gmm_estep_init(ng_gmm_estep *e, const ng_gmm *g, const double *shift,
                            ng_error *err);
/* Refresh pall/centers from g's current derived caches. */
void ng_gmm_estep_update(ng_gmm_estep *e, const ng_gmm *g);
void ng_gmm_estep_free(ng_gmm_estep *e);

/* logp (nb × k) for nb ≤ NG_GMM_BLOCK points x (nb × d). */
void ng_gmm_estep_log_prob(ng_gmm_estep *e, const ng_gmm *g, const double *x, size_t nb,
                           double *logp);

/* In place: each row of logp (nb × k) becomes responsibilities; returns Σ over rows
 * of log Σ_k exp(logp_ik). lse (nb) receives the per-row values if non-NULL. A row
 * whose entries are all −inf (a point so far away its density underflows) gets −inf
 * and uniform responsibilities; callers that need finite totals check the sum. */
double ng_gmm_estep_normalise(double *logp, size_t nb, size_t k, double *lse);

#endif
