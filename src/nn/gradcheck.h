/* gradcheck.h — compare an analytic gradient with central finite differences.
 *
 * The caller gives the array being differentiated (parameters or inputs), the analytic
 * gradient of the loss with respect to it, and a callback that recomputes the loss from
 * the current contents of that array (forward pass only; it must not draw fresh random
 * numbers). Each checked element x_i is moved by +-h, restored exactly afterwards, and
 *   D(h) = (L(x_i + h) - L(x_i - h)) / 2h   at h = step, step/2, ... (`levels` steps),
 *   R_k  = (4 D(h_k / 2) - D(h_k)) / 3       (Richardson: cancels the h^2 error term),
 *   numeric_i = mean of the two consecutive R_k that agree best.
 * Large steps carry truncation error or cross a ReLU kink; small ones drown in float32
 * rounding; the most self-consistent pair lies between, found per element.
 *   rel_err_i = |a_i - n_i| / max(|a_i|, |n_i|, floor),
 *   floor = max(floor_abs, floor_rel * max_j |a_j|).
 * A float32 forward pass rounds each loss evaluation at ~1e-7 of its size, so a finite
 * difference cannot resolve a derivative far below the gradient's own scale; the floor
 * measures such elements (dead units, saturated gates, unused weights) against 1% of
 * the largest gradient instead of dividing rounding noise by ~0. The result also gives
 * the whole-vector error ||a - n|| / max(||a||, ||n||) and the worst element. */
#ifndef NG_NN_GRADCHECK_H
#define NG_NN_GRADCHECK_H

#include <stdbool.h>
#include <stddef.h>

typedef double (*ng_loss_fn)(void *ctx);

typedef struct ng_gradcheck_opts {
    double step;       /* largest h; default 1e-1 */
    int levels;        /* steps tried (halving), 2..12; default 5 */
    double floor_abs;  /* default 1e-6 */
    double floor_rel;  /* default 1e-2 */
    bool richardson;   /* default true; false: plain D(step) */
    size_t max_checks; /* check at most this many elements, evenly strided (0 = all) */
} ng_gradcheck_opts;

typedef struct ng_gradcheck_result {
    double max_rel_err;
    double vector_rel_err; /* ||a - n||_2 / max(||a||_2, ||n||_2) over checked elements */
    size_t worst_index;
    double worst_analytic, worst_numeric;
    size_t checked;
} ng_gradcheck_result;

/* Fill opts with the defaults above. */
void ng_gradcheck_defaults(ng_gradcheck_opts *opts);
/* Check analytic[i] against the numeric derivative for x[i]; returns the worst error. */
double ng_gradcheck(float *x, const float *analytic, size_t n, ng_loss_fn loss, void *ctx,
                    const ng_gradcheck_opts *opts, ng_gradcheck_result *result);

#endif
