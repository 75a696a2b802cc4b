/* losses.h — reconstruction and classification losses with their gradients.
 *
 * Every loss works on `rows` rows of `cols` values read with a row stride (ld_*), so a
 * loss can cover a column slice of a wider matrix (one field of the VAE's output).
 * The value returned is  scale * sum_r w[r] * sum_c term(r, c)  accumulated in double;
 * w (rows weights, NULL = all 1) masks padded time steps, and scale is typically 1/B.
 * The gradient is the derivative of exactly that value and OVERWRITES the slice of
 * dpred (same stride as pred); pass dpred = NULL for the value alone.
 *
 *   MSE           term = (p - t)^2
 *   L1            term = |p - t|            (gradient sign(p - t), 0 at p == t)
 *   Gaussian NLL  term = 0.5 (logvar + (t - mean)^2 exp(-logvar) + log 2 pi)
 *   softmax CE    term = -log softmax(z)[target]   (one term per row; target in [0, cols))
 *   BCE (logits)  term = max(z, 0) - z t + log(1 + exp(-|z|))  = BCE(sigmoid(z), t) */
#ifndef NG_NN_LOSSES_H
#define NG_NN_LOSSES_H

#include <stddef.h>

double ng_mse_loss(const float *pred, size_t ld_pred, const float *target, size_t ld_target,
                   float *dpred, size_t rows, size_t cols, const float *w, float scale);
double ng_l1_loss(const float *pred, size_t ld_pred, const float *target, size_t ld_target,
                  float *dpred, size_t rows, size_t cols, const float *w, float scale);
/* mean and logvar share the stride ld_pred (as do dmean and dlogvar). */
double ng_gaussian_nll_loss(const float *mean, const float *logvar, size_t ld_pred,
                            const float *target, size_t ld_target, float *dmean, float *dlogvar,
                            size_t rows, size_t cols, const float *w, float scale);
double ng_softmax_xent_loss(const float *logits, size_t ld_pred, const int *target,
                            float *dlogits, size_t rows, size_t cols, const float *w,
                            float scale);
double ng_bce_logits_loss(const float *logits, size_t ld_pred, const float *target,
                          size_t ld_target, float *dlogits, size_t rows, size_t cols,
                          const float *w, float scale);

#endif
