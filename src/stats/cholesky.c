/* cholesky.c — in-place Cholesky–Banachiewicz factorisation and triangular helpers.
 *
 * Row-oriented so the inner loops run over contiguous memory. A pivot that is not
 * strictly positive (or is NaN/Inf) means the matrix is not positive definite in
 * floating point; the caller decides whether to regularise and retry. */
#include "stats/cholesky.h"

#include <math.h>

ng_status ng_cholesky(double *a, size_t d, ng_error *err)
{
    for (size_t i = 0; i < d; i++) {
        double *row_i = a + i * d;
        for (size_t j = 0; j <= i; j++) {
            const double *row_j = a + j * d;
            double s = row_i[j];
            for (size_t k = 0; k < j; k++)
                s -= row_i[k] * row_j[k];
            if (i == j) {
                if (!(s > 0.0) || !isfinite(s))
                    return ng_fail(err, NG_ENUMERIC,
                                   "cholesky: matrix is not positive definite "
                                   "(pivot %zu of %zu is %g)", i, d, s);
                row_i[i] = sqrt(s);
            } else {
                row_i[j] = s / row_j[j];
            }
        }
        for (size_t j = i + 1; j < d; j++)
            row_i[j] = 0.0;
    }
    return NG_OK;
}

double ng_cholesky_logdet(const double *l, size_t d)
{
    double s = 0.0;
    for (size_t i = 0; i < d; i++)
        s += log(l[i * d + i]);
    return 2.0 * s;
}

void ng_cholesky_solve_lower(const double *l, size_t d, double *b)
{
    for (size_t i = 0; i < d; i++) {
        const double *row = l + i * d;
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= row[k] * b[k];
        b[i] = s / row[i];
    }
}

/* Column j of L⁻¹ is the solution of L·z = e_j; P = (L⁻¹)ᵀ, so that column
 * becomes row j of P (entries j..d-1, since L⁻¹ is lower triangular). */
void ng_cholesky_precision_factor(const double *l, size_t d, double *p)
{
    for (size_t j = 0; j < d; j++) {
        double *row_p = p + j * d;
        for (size_t i = 0; i < j; i++)
            row_p[i] = 0.0;
        for (size_t i = j; i < d; i++) {
            const double *row_l = l + i * d;
            double s = (i == j) ? 1.0 : 0.0;
            for (size_t k = j; k < i; k++)
                s -= row_l[k] * row_p[k];
            row_p[i] = s / row_l[i];
        }
    }
}
