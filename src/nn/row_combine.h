/* row_combine.h — y += sum_n x[n] * A[n, :], for the small matrix-vector products of
 * step-by-step generation.
 *
 * A is stored transposed-for-the-purpose: N rows of M floats with row stride ld, so the
 * product is N scaled row additions over contiguous memory, kept in registers up to 64
 * outputs at a time. M and ld must be multiples of 8 (pad the table with zero columns).
 * For the tiny shapes of a sampler (H = 32, M <= a few hundred) this beats a BLAS call,
 * whose fixed overhead dominates there. An AVX2 + FMA path is picked at run time;
 * it performs exactly the same fused multiply-adds in the same order as the portable path
 * (fmaf, one rounding each), so both give bit-identical results. */
#ifndef NG_NN_ROW_COMBINE_H
#define NG_NN_ROW_COMBINE_H

#include <stddef.h>
#include <stdint.h>

#define NG_ROW_COMBINE_ALIGN 8

static inline size_t ng_row_combine_pad(size_t m)
{
    return (m + NG_ROW_COMBINE_ALIGN - 1) / NG_ROW_COMBINE_ALIGN * NG_ROW_COMBINE_ALIGN;
}

void ng_row_combine(float *y, const float *x, const float *A, size_t N, size_t M, size_t ld);
/* y += sum_n x[n] * A[rows[n], :] for n < N: the rows of a few inputs that are not zero
 * (one-hot codes, a handful of scalars), same arithmetic order as the dense form. */
void ng_row_combine_sparse(float *y, const float *x, const uint32_t *rows, size_t N,
                           const float *A, size_t M, size_t ld);
/* Allow (1, the default) or forbid (0) the AVX2 path, so tests can compare both paths
 * on one machine. Returns whether the AVX2 path is now in use. */
int ng_row_combine_use_avx2(int allow);

#endif
