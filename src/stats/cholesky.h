/* cholesky.h — Cholesky factorisation of small symmetric positive-definite matrices.
 *
 * Double precision, row-major, dense d×d. ng_cholesky factors A = L·Lᵀ in place
 * (lower triangle holds L, upper triangle is zeroed) and fails with NG_ENUMERIC,
 * leaving A unspecified, when a pivot is not strictly positive and finite — i.e.
 * when A is not (numerically) positive definite. The log-determinant of A is
 * 2·Σ log L_jj. Helpers invert L and solve with it; all are deterministic loops
 * (no threads, no BLAS) since the matrices here are small (d ≲ 64). */
#ifndef NG_STATS_CHOLESKY_H
#define NG_STATS_CHOLESKY_H

#include <stddef.h>

#include "core/error.h"

/* Factor the d×d row-major matrix a in place: a ← L (lower), upper part zeroed.
 * On failure returns NG_ENUMERIC naming the failing pivot. */
ng_status ng_cholesky(double *a, size_t d, ng_error *err);

/* log det(L·Lᵀ) = 2 Σ log L_jj for a factor produced by ng_cholesky. */
double ng_cholesky_logdet(const double *l, size_t d);

/* Solve L·y = b (forward substitution) in place on b (length d). */
void ng_cholesky_solve_lower(const double *l, size_t d, double *b);

/* Write P = L⁻ᵀ (upper triangular, d×d row-major, lower part zeroed) so that
 * for a row vector v, ‖v·P‖² = vᵀ (L·Lᵀ)⁻¹ v. */
void ng_cholesky_precision_factor(const double *l, size_t d, double *p);

#endif
