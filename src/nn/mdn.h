/* mdn.h — a mixture-density head: a 1-D Gaussian mixture predicted per row, its
 * negative log-likelihood with gradient, and sampling from it.
 *
 * A row of `3m` values (read with stride ld_pred) is laid out
 *   [a_1..a_m | mu_1..mu_m | s_1..s_m]
 * with mixture weights pi = softmax(a), means mu, and log standard deviations s,
 * clamped to [NG_MDN_LOG_SIGMA_MIN, NG_MDN_LOG_SIGMA_MAX] (zero gradient outside).
 *   term(row) = -log sum_k pi_k N(t; mu_k, exp(s_k))
 * The value returned is  scale * sum_r w[r] * term(r)  (double accumulation), like the
 * losses of nn/losses.h; w (NULL = all 1) masks rows. With gamma = the posterior
 * responsibilities and u_k = (t - mu_k) / sigma_k:
 *   dL/da_k = pi_k - gamma_k,  dL/dmu_k = -gamma_k u_k / sigma_k,  dL/ds_k = gamma_k (1 - u_k^2)
 * (times scale * w[r]); the gradient OVERWRITES the row's 3m slots of dpred (NULL: value
 * only). Sampling picks a component by pi then draws mu + sigma * N(0, 1). */
#ifndef NG_NN_MDN_H
#define NG_NN_MDN_H

#include <stddef.h>

#include "core/rng.h"

/* The floor keeps atoms of the data (exact repeated values) from collapsing a component
 * into a spike whose NLL and gradients grow without bound and swamp other losses. */
#define NG_MDN_LOG_SIGMA_MIN (-4.0f)
#define NG_MDN_LOG_SIGMA_MAX (5.0f)
#define NG_MDN_MAX_COMPONENTS 64 /* 1 <= m <= this */

double ng_mdn_nll_loss(const float *pred, size_t ld_pred, const float *target,
                       size_t ld_target, float *dpred, size_t rows, size_t m, const float *w,
                       float scale);

/* One draw from the mixture of one row of 3m values. */
double ng_mdn_sample(const float *pred, size_t m, ng_rng *rng);
/* The same in two halves, for a caller with its own source of normals (a sampler that
 * keeps the polar method's second value): the component (one uniform from rng; none
 * when m is 1), then mu + sigma * normal for it. */
size_t ng_mdn_pick(const float *pred, size_t m, ng_rng *rng);
double ng_mdn_value(const float *pred, size_t m, size_t pick, double normal);

#endif
