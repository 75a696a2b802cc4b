/* adam.h — the Adam optimiser with bias correction, global-norm gradient clipping, and
 * the finiteness checks that stop a diverging run.
 *
 * Works on the flat parameter/gradient buffers of an ng_params (or any float arrays).
 * ng_adam_update is the one call a training loop needs per step: it measures the
 * gradient's global L2 norm, fails with NG_ENUMERIC if it is NaN/Inf (nothing is
 * changed then), clips it to max_norm (<= 0: no clipping), and takes one Adam step:
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *   p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)  [+ lr * wd * p, decoupled]. */
#ifndef NG_NN_ADAM_H
#define NG_NN_ADAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct ng_adam {
    float lr, beta1, beta2, eps;
    float weight_decay; /* decoupled (AdamW); 0 = plain Adam */
    uint64_t t;         /* steps taken */
    size_t n;
    float *m, *v;
    double last_grad_norm; /* before clipping, from the latest update */
} ng_adam;

/* Defaults: beta1 0.9, beta2 0.999, eps 1e-8, no weight decay. */
ng_status ng_adam_init(ng_adam *opt, size_t n, float lr, ng_error *err);
void ng_adam_free(ng_adam *opt);
/* Forget the moments and the step count (same hyper-parameters). */
void ng_adam_reset(ng_adam *opt);

/* One plain Adam step (no checks). */
void ng_adam_step(ng_adam *opt, float *param, const float *grad);
/* Check, clip, step — see the top of this file. */
ng_status ng_adam_update(ng_adam *opt, float *param, float *grad, float max_norm,
                         ng_error *err);

/* Global L2 norm of x (accumulated in double). */
double ng_l2_norm(const float *x, size_t n);
/* Scale grad so its global norm is at most max_norm; returns the norm before. */
double ng_clip_grad_norm(float *grad, size_t n, float max_norm);
/* NG_ENUMERIC naming `what` and the first bad index if x holds NaN or Inf. */
ng_status ng_check_finite(const float *x, size_t n, const char *what, ng_error *err);
/* NG_ENUMERIC if a loss is NaN/Inf: "training diverged: <what> loss is nan at epoch E". */
ng_status ng_check_loss(double loss, const char *what, int epoch, ng_error *err);

#endif
