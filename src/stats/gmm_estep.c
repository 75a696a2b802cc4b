/* gmm_estep.c — blocked log-density and responsibility computation (see gmm_estep.h). */
#include "stats/gmm_estep.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ng_gmm_estep_free(ng_gmm_estep *e)
{
    free(e->shift);
    free(e->shifted);
    free(e->proj);
    free(e->pall);
    free(e->centers);
    memset(e, 0, sizeof *e);
}

ng_status ng_gmm_estep_init(ng_gmm_estep *e, const ng_gmm *g, const double *shift,
                            ng_error *err)
{
    memset(e, 0, sizeof *e);
    size_t k = g->k, d = g->d;
    e->k = k;
    e->d = d;
    e->shift = calloc(d, sizeof *e->shift);
    e->shifted = malloc(NG_GMM_BLOCK * d * sizeof *e->shifted);
    e->centers = malloc(k * d * sizeof *e->centers);
    if (g->cov_type == NG_GMM_FULL) {
        e->proj = malloc(NG_GMM_BLOCK * k * d * sizeof *e->proj);
        e->pall = malloc(d * k * d * sizeof *e->pall);
    }
    if (!e->shift || !e->shifted || !e->centers ||
        (g->cov_type == NG_GMM_FULL && (!e->proj || !e->pall))) {
        ng_gmm_estep_free(e);
        return ng_fail(err, NG_ENOMEM, "gmm: out of memory for the E-step (k=%zu, d=%zu)", k, d);
    }
    if (shift) {
        memcpy(e->shift, shift, d * sizeof *shift);
    } else {
        for (size_t c = 0; c < k; c++)
            for (size_t j = 0; j < d; j++)
                e->shift[j] += g->weights[c] * g->means[c * d + j];
    }
    ng_gmm_estep_update(e, g);
    return NG_OK;
}

void ng_gmm_estep_update(ng_gmm_estep *e, const ng_gmm *g)
{
    size_t k = e->k, d = e->d, kd = k * d;
    for (size_t c = 0; c < k; c++) {
        const double *mu = g->means + c * d;
        double *center = e->centers + c * d;
        if (g->cov_type == NG_GMM_DIAG) {
            for (size_t j = 0; j < d; j++)
                center[j] = mu[j] - e->shift[j];
            continue;
        }
        const double *p = g->prec_chol + c * d * d;
        /* pall[a][c·d + b] = P_c[a][b]; center_b = Σ_a (μ_a − s_a)·P_c[a][b]. */
        for (size_t a = 0; a < d; a++)
            memcpy(e->pall + a * kd + c * d, p + a * d, d * sizeof *p);
        for (size_t b = 0; b < d; b++) {
            double s = 0.0;
            for (size_t a = 0; a <= b; a++)
                s += (mu[a] - e->shift[a]) * p[a * d + b];
            center[b] = s;
        }
    }
}

static void log_prob_full(ng_gmm_estep *e, const ng_gmm *g, size_t nb, double *logp)
{
    size_t k = e->k, d = e->d, kd = k * d;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nb, (int)kd, (int)d, 1.0,
                e->shifted, (int)d, e->pall, (int)kd, 0.0, e->proj, (int)kd);
    for (size_t i = 0; i < nb; i++) {
        const double *y = e->proj + i * kd;
        double *out = logp + i * k;
        for (size_t c = 0; c < k; c++) {
            const double *yc = y + c * d, *center = e->centers + c * d;
            double m = 0.0;
            for (size_t j = 0; j < d; j++) {
                double t = yc[j] - center[j];
                m += t * t;
            }
            out[c] = g->log_norm[c] - 0.5 * m;
        }
    }
}

static void log_prob_diag(ng_gmm_estep *e, const ng_gmm *g, size_t nb, double *logp)
{
    size_t k = e->k, d = e->d;
    for (size_t i = 0; i < nb; i++) {
        const double *xi = e->shifted + i * d;
        double *out = logp + i * k;
        for (size_t c = 0; c < k; c++) {
            const double *center = e->centers + c * d, *p = g->prec_chol + c * d;
            double m = 0.0;
            for (size_t j = 0; j < d; j++) {
                double t = (xi[j] - center[j]) * p[j];
                m += t * t;
            }
            out[c] = g->log_norm[c] - 0.5 * m;
        }
    }
}

void ng_gmm_estep_log_prob(ng_gmm_estep *e, const ng_gmm *g, const double *x, size_t nb,
                           double *logp)
{
    size_t d = e->d;
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < d; j++)
            e->shifted[i * d + j] = x[i * d + j] - e->shift[j];
    if (g->cov_type == NG_GMM_FULL)
        log_prob_full(e, g, nb, logp);
    else
        log_prob_diag(e, g, nb, logp);
}

double ng_gmm_estep_normalise(double *logp, size_t nb, size_t k, double *lse)
{
    double total = 0.0;
    for (size_t i = 0; i < nb; i++) {
        double *row = logp + i * k;
        double m = row[0];
        for (size_t c = 1; c < k; c++)
            if (row[c] > m)
                m = row[c];
        if (!(m > -INFINITY)) { /* every density underflowed (or NaN): log p = m */
            for (size_t c = 0; c < k; c++)
                row[c] = 1.0 / (double)k;
            if (lse)
                lse[i] = m;
            total += m;
            continue;
        }
        double s = 0.0;
        for (size_t c = 0; c < k; c++) {
            double t = row[c] - m;
            row[c] = t < -746.0 ? 0.0 : exp(t); /* exp would underflow to exactly 0 */
            s += row[c];
        }
        double inv = 1.0 / s;
        for (size_t c = 0; c < k; c++)
            row[c] *= inv;
        double l = m + log(s);
        if (lse)
            lse[i] = l;
        total += l;
    }
    return total;
}
