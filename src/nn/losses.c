/* losses.c — MSE, L1, Gaussian NLL, softmax cross-entropy, binary cross-entropy. */
#include "nn/losses.h"

#include <math.h>

#include "nn/activations.h"

#define LOG_2PI 1.8378770664093453

static float row_weight(const float *w, size_t r)
{
    return w ? w[r] : 1.0f;
}

double ng_mse_loss(const float *pred, size_t ld_pred, const float *target, size_t ld_target,
                   float *dpred, size_t rows, size_t cols, const float *w, float scale)
{
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *p = pred + r * ld_pred, *t = target + r * ld_target;
        float k = scale * row_weight(w, r);
        double sum = 0.0;
        for (size_t c = 0; c < cols; c++) {
            float diff = p[c] - t[c];
            sum += (double)diff * diff;
            if (dpred)
                dpred[r * ld_pred + c] = 2.0f * k * diff;
        }
        total += k * sum;
    }
    return total;
}

double ng_l1_loss(const float *pred, size_t ld_pred, const float *target, size_t ld_target,
                  float *dpred, size_t rows, size_t cols, const float *w, float scale)
{
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *p = pred + r * ld_pred, *t = target + r * ld_target;
        float k = scale * row_weight(w, r);
        double sum = 0.0;
        for (size_t c = 0; c < cols; c++) {
            float diff = p[c] - t[c];
            sum += fabsf(diff);
            if (dpred)
                dpred[r * ld_pred + c] = diff > 0.0f ? k : (diff < 0.0f ? -k : 0.0f);
        }
        total += k * sum;
    }
    return total;
}

double ng_gaussian_nll_loss(const float *mean, const float *logvar, size_t ld_pred,
                            const float *target, size_t ld_target, float *dmean, float *dlogvar,
                            size_t rows, size_t cols, const float *w, float scale)
{
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        float k = scale * row_weight(w, r);
        double sum = 0.0;
        for (size_t c = 0; c < cols; c++) {
            size_t i = r * ld_pred + c;
            float diff = target[r * ld_target + c] - mean[i];
            float inv_var = expf(-logvar[i]);
            sum += 0.5 * (logvar[i] + (double)diff * diff * inv_var + LOG_2PI);
            if (dmean) {
                dmean[i] = -k * diff * inv_var;
                dlogvar[i] = 0.5f * k * (1.0f - diff * diff * inv_var);
            }
        }
        total += k * sum;
    }
    return total;
}

double ng_softmax_xent_loss(const float *logits, size_t ld_pred, const int *target,
                            float *dlogits, size_t rows, size_t cols, const float *w,
                            float scale)
{
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *z = logits + r * ld_pred;
        float k = scale * row_weight(w, r);
        float maxv = z[0];
        for (size_t c = 1; c < cols; c++)
            maxv = z[c] > maxv ? z[c] : maxv;
        double sum = 0.0;
        for (size_t c = 0; c < cols; c++)
            sum += exp((double)(z[c] - maxv));
        double log_norm = maxv + log(sum);
        total += k * (log_norm - z[target[r]]);
        if (dlogits) {
            float *dz = dlogits + r * ld_pred;
            for (size_t c = 0; c < cols; c++)
                dz[c] = k * (float)exp(z[c] - log_norm);
            dz[target[r]] -= k;
        }
    }
    return total;
}

double ng_bce_logits_loss(const float *logits, size_t ld_pred, const float *target,
                          size_t ld_target, float *dlogits, size_t rows, size_t cols,
                          const float *w, float scale)
{
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *z = logits + r * ld_pred, *t = target + r * ld_target;
        float k = scale * row_weight(w, r);
        double sum = 0.0;
        for (size_t c = 0; c < cols; c++) {
            float zc = z[c];
            sum += (zc > 0.0f ? zc : 0.0f) - zc * t[c] + log1pf(expf(-fabsf(zc)));
            if (dlogits)
                dlogits[r * ld_pred + c] = k * (ng_sigmoidf(zc) - t[c]);
        }
        total += k * sum;
    }
    return total;
}
