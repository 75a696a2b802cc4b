/* categorical.h — drawing an index from softmax(logits), fast, for step-by-step sampling.
 *
 * Two halves, so a caller can draw several times from one distribution (redraws) and pay
 * for the exponentials once:
 *
 *   float sum = ng_categorical_weights(z, n, exclude);   // z[i] <- exp(z[i] - max z)
 *   size_t i = ng_categorical_pick(z, n, sum, u);        // inverse CDF at u * sum
 *
 * `exclude` (an index, or NG_CATEGORICAL_NONE) gets weight 0 and is never picked. n must
 * be at least 1 and, with an exclusion, at least 2. Weights use the scheme of
 * nn/fastmath.h's exp in fused multiply-adds (relative error < 2e-7) and are summed 8
 * lanes at a time; an AVX2 + FMA path is picked at run time and performs the same
 * operations in the same order as the portable path (fmaf), so a seed draws the same
 * indices on every x86-64 machine. pick never returns an entry of
 * weight 0 (it falls back to the last entry of positive weight when rounding leaves u*sum
 * past the end). */
#ifndef NG_NN_CATEGORICAL_H
#define NG_NN_CATEGORICAL_H

#include <stddef.h>

#include "core/rng.h"

#define NG_CATEGORICAL_NONE ((size_t)-1)

float ng_categorical_weights(float *z, size_t n, size_t exclude);
size_t ng_categorical_pick(const float *w, size_t n, float sum, double u);

/* weights + pick with one uniform from rng. */
static inline size_t ng_categorical_sample(float *z, size_t n, size_t exclude, ng_rng *rng)
{
    float sum = ng_categorical_weights(z, n, exclude);
    return ng_categorical_pick(z, n, sum, ng_rng_uniform(rng));
}

/* Allow (1, the default) or forbid (0) the AVX2 path, so tests can compare both paths on
 * one machine. Returns whether the AVX2 path is now in use. */
int ng_categorical_use_avx2(int allow);

#endif
