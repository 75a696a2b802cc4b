/* mdn.c — Gaussian-mixture negative log-likelihood, its gradient, and sampling. */
#include "nn/mdn.h"

#include <math.h>

#include "nn/fastmath.h"

#define HALF_LOG_2PI 0.91893853320467274178

static float clamp_log_sigma(float s)
{
    return s < NG_MDN_LOG_SIGMA_MIN ? NG_MDN_LOG_SIGMA_MIN
                                    : (s > NG_MDN_LOG_SIGMA_MAX ? NG_MDN_LOG_SIGMA_MAX : s);
}

static double log_sum_exp(double *v, size_t n) /* not const: see gcc -Wmaybe-uninitialized */
{
    double maxv = v[0];
    for (size_t i = 1; i < n; i++)
        maxv = v[i] > maxv ? v[i] : maxv;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += exp(v[i] - maxv);
    return maxv + log(sum);
}

/* NLL of one row; fills the gradient (times k) when d is not NULL. */
static double row_nll(const float *p, double t, float *d, size_t m, float k)
{
    double la[NG_MDN_MAX_COMPONENTS], lj[NG_MDN_MAX_COMPONENTS];
    for (size_t j = 0; j < m; j++)
        la[j] = p[j];
    double lse_a = log_sum_exp(la, m);
    for (size_t j = 0; j < m; j++) {
        double s = clamp_log_sigma(p[2 * m + j]);
        double u = (t - p[m + j]) * exp(-s);
        lj[j] = la[j] - lse_a - 0.5 * u * u - s - HALF_LOG_2PI;
    }
    double lse_l = log_sum_exp(lj, m);
    if (d) {
        for (size_t j = 0; j < m; j++) {
            double s = clamp_log_sigma(p[2 * m + j]);
            double inv_sigma = exp(-s), u = (t - p[m + j]) * inv_sigma;
            double gamma = exp(lj[j] - lse_l), pi = exp(la[j] - lse_a);
            int clamped = p[2 * m + j] < NG_MDN_LOG_SIGMA_MIN || p[2 * m + j] > NG_MDN_LOG_SIGMA_MAX;
            d[j] = k * (float)(pi - gamma);
            d[m + j] = k * (float)(-gamma * u * inv_sigma);
            d[2 * m + j] = clamped ? 0.0f : k * (float)(gamma * (1.0 - u * u));
        }
    }
    return -lse_l;
}

double ng_mdn_nll_loss(const float *pred, size_t ld_pred, const float *target,
                       size_t ld_target, float *dpred, size_t rows, size_t m, const float *w,
                       float scale)
{
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        float k = scale * (w ? w[r] : 1.0f);
        float *d = dpred ? dpred + r * ld_pred : NULL;
        double nll = row_nll(pred + r * ld_pred, target[r * ld_target], d, m, k);
        total += (double)k * nll;
    }
    return total;
}

/* The component: weights exp(a_j - max a) with the fast exp (a draw needs no more);
 * a single component needs no draw at all. */
size_t ng_mdn_pick(const float *pred, size_t m, ng_rng *rng)
{
    if (m == 1)
        return 0;
    float maxv = pred[0];
    for (size_t j = 1; j < m; j++)
        maxv = pred[j] > maxv ? pred[j] : maxv;
    float w[NG_MDN_MAX_COMPONENTS];
    size_t n = m < NG_MDN_MAX_COMPONENTS ? m : NG_MDN_MAX_COMPONENTS, j = 0;
    for (; j + 4 <= n; j += 4) /* 4 lanes at once, each lane as ng_fast_expf computes it */
        ng_v4f_store(w + j, ng_fast_exp4(ng_v4f_load(pred + j) - maxv));
    for (; j < n; j++)
        w[j] = ng_fast_expf(pred[j] - maxv);
    double sum = 0.0;
    for (j = 0; j < n; j++)
        sum += w[j];
    double u = ng_rng_uniform(rng) * sum, acc = 0.0;
    for (j = 0; j < n; j++) {
        acc += w[j];
        if (u < acc)
            return j;
    }
    return m - 1;
}

double ng_mdn_value(const float *pred, size_t m, size_t pick, double normal)
{
    double sigma = ng_fast_expf(clamp_log_sigma(pred[2 * m + pick]));
    return pred[m + pick] + sigma * normal;
}

double ng_mdn_sample(const float *pred, size_t m, ng_rng *rng)
{
    size_t pick = ng_mdn_pick(pred, m, rng);
    return ng_mdn_value(pred, m, pick, ng_rng_normal(rng));
}
