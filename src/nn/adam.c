/* adam.c — Adam with bias correction, gradient clipping, NaN/Inf checks. */
#include "nn/adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ng_status ng_adam_init(ng_adam *opt, size_t n, float lr, ng_error *err)
{
    memset(opt, 0, sizeof *opt);
    opt->lr = lr;
    opt->beta1 = 0.9f;
    opt->beta2 = 0.999f;
    opt->eps = 1e-8f;
    opt->n = n;
    opt->m = calloc(n ? n : 1, sizeof(float));
    opt->v = calloc(n ? n : 1, sizeof(float));
    if (!opt->m || !opt->v) {
        ng_adam_free(opt);
        return ng_fail(err, NG_ENOMEM, "no memory for Adam state of %zu parameters", n);
    }
    return NG_OK;
}

void ng_adam_free(ng_adam *opt)
{
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}

void ng_adam_reset(ng_adam *opt)
{
    opt->t = 0;
    memset(opt->m, 0, opt->n * sizeof(float));
    memset(opt->v, 0, opt->n * sizeof(float));
}

void ng_adam_step(ng_adam *opt, float *param, const float *grad)
{
    opt->t++;
    float b1 = opt->beta1, b2 = opt->beta2;
    float c1 = 1.0f / (float)(1.0 - pow(b1, (double)opt->t));
    float c2 = 1.0f / (float)(1.0 - pow(b2, (double)opt->t));
    float lr = opt->lr, eps = opt->eps, decay = opt->lr * opt->weight_decay;
    float *m = opt->m, *v = opt->v;
    for (size_t i = 0; i < opt->n; i++) {
        float g = grad[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        param[i] -= lr * (m[i] * c1) / (sqrtf(v[i] * c2) + eps) + decay * param[i];
    }
}

double ng_l2_norm(const float *x, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)x[i] * x[i];
    return sqrt(sum);
}

static void scale_array(float *x, size_t n, float k)
{
    for (size_t i = 0; i < n; i++)
        x[i] *= k;
}

double ng_clip_grad_norm(float *grad, size_t n, float max_norm)
{
    double norm = ng_l2_norm(grad, n);
    if (max_norm > 0.0f && norm > max_norm)
        scale_array(grad, n, (float)(max_norm / norm));
    return norm;
}

ng_status ng_check_finite(const float *x, size_t n, const char *what, ng_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return ng_fail(err, NG_ENUMERIC, "%s holds %s at index %zu", what,
                           isnan(x[i]) ? "NaN" : "Inf", i);
    return NG_OK;
}

ng_status ng_check_loss(double loss, const char *what, int epoch, ng_error *err)
{
    if (isfinite(loss))
        return NG_OK;
    return ng_fail(err, NG_ENUMERIC,
                   "training diverged: %s loss is %s at epoch %d (try a lower learning rate)",
                   what, isnan(loss) ? "NaN" : "Inf", epoch);
}

ng_status ng_adam_update(ng_adam *opt, float *param, float *grad, float max_norm,
                         ng_error *err)
{
    double norm = ng_clip_grad_norm(grad, opt->n, max_norm);
    opt->last_grad_norm = norm;
    if (!isfinite(norm))
        return ng_fail(err, NG_ENUMERIC,
                       "training diverged: gradient norm is %s at step %llu (try a lower "
                       "learning rate or gradient clipping)",
                       isnan(norm) ? "NaN" : "Inf", (unsigned long long)opt->t + 1);
    ng_adam_step(opt, param, grad);
    return NG_OK;
}
