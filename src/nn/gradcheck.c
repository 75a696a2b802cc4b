/* gradcheck.c — central-difference gradient checking. */
#include "nn/gradcheck.h"

#include <math.h>
#include <string.h>

void ng_gradcheck_defaults(ng_gradcheck_opts *opts)
{
    opts->step = 1e-1;
    opts->levels = 5;
    opts->floor_abs = 1e-6;
    opts->floor_rel = 1e-2;
    opts->richardson = true;
    opts->max_checks = 0;
}

static double central_difference(float *xi, double h, ng_loss_fn loss, void *ctx)
{
    float saved = *xi;
    /* The actual float steps, since saved +- h rounds. */
    float up = (float)(saved + h), down = (float)(saved - h);
    *xi = up;
    double l_up = loss(ctx);
    *xi = down;
    double l_down = loss(ctx);
    *xi = saved;
    return (l_up - l_down) / ((double)up - (double)down);
}

/* Richardson-refined estimates R_k from central differences at steps h / 2^k; the
 * answer is taken where two consecutive estimates agree best: large steps suffer
 * truncation (or cross a ReLU kink), small steps drown in float32 rounding, and the
 * most self-consistent pair sits between the two. */
static double numeric_derivative(float *xi, const ng_gradcheck_opts *o, ng_loss_fn loss,
                                 void *ctx)
{
    enum { MAX_LEVELS = 12 };
    int levels = o->levels < 2 ? 2 : (o->levels > MAX_LEVELS ? MAX_LEVELS : o->levels);
    double d[MAX_LEVELS], r[MAX_LEVELS];
    double h = o->step;
    for (int k = 0; k < levels; k++, h /= 2)
        d[k] = central_difference(xi, h, loss, ctx);
    if (!o->richardson)
        return d[0];
    for (int k = 0; k + 1 < levels; k++)
        r[k] = (4.0 * d[k + 1] - d[k]) / 3.0;
    if (levels == 2)
        return r[0];
    int best = 0;
    for (int k = 1; k + 2 < levels; k++)
        if (fabs(r[k] - r[k + 1]) < fabs(r[best] - r[best + 1]))
            best = k;
    return 0.5 * (r[best] + r[best + 1]);
}

static double relative_error(double a, double num, double floor)
{
    double denom = fmax(fmax(fabs(a), fabs(num)), floor);
    return fabs(a - num) / denom;
}

double ng_gradcheck(float *x, const float *analytic, size_t n, ng_loss_fn loss, void *ctx,
                    const ng_gradcheck_opts *opts, ng_gradcheck_result *result)
{
    ng_gradcheck_opts o;
    if (opts)
        o = *opts;
    else
        ng_gradcheck_defaults(&o);
    ng_gradcheck_result r;
    memset(&r, 0, sizeof r);
    size_t stride = (o.max_checks && n > o.max_checks) ? n / o.max_checks : 1;
    double amax = 0.0, diff2 = 0.0, a2 = 0.0, n2 = 0.0;
    for (size_t i = 0; i < n; i++)
        amax = fmax(amax, fabs(analytic[i]));
    double floor = fmax(o.floor_abs, o.floor_rel * amax);
    for (size_t i = 0; i < n; i += stride) {
        double num = numeric_derivative(&x[i], &o, loss, ctx);
        double e = relative_error(analytic[i], num, floor);
        diff2 += (analytic[i] - num) * (analytic[i] - num);
        a2 += (double)analytic[i] * analytic[i];
        n2 += num * num;
        if (e > r.max_rel_err || r.checked == 0) {
            r.max_rel_err = e;
            r.worst_index = i;
            r.worst_analytic = analytic[i];
            r.worst_numeric = num;
        }
        r.checked++;
    }
    double denom = sqrt(fmax(a2, n2));
    r.vector_rel_err = denom > 0.0 ? sqrt(diff2) / denom : 0.0;
    if (result)
        *result = r;
    return r.max_rel_err;
}
