/* gradcheck.c — central-difference gradient checking. */
#include "nn/gradcheck.h"

#include <math.h>
#include <string.h>

void ng_gradcheck_defaults(ng_gradcheck_opts *opts)
{
    opts->step = 3e-2;
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

static double numeric_derivative(float *xi, const ng_gradcheck_opts *o, ng_loss_fn loss,
                                 void *ctx)
{
    double d_h = central_difference(xi, o->step, loss, ctx);
    if (!o->richardson)
        return d_h;
    double d_half = central_difference(xi, o->step / 2, loss, ctx);
    return (4.0 * d_half - d_h) / 3.0;
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
