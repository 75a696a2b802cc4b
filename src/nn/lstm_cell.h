/* lstm_cell.h — the LSTM's element-wise cell math for one row of one time step.
 *
 * Forward: G [4H] holds the gate pre-activations (i, f, g, o); they are replaced by
 * sigmoid(i), sigmoid(f), tanh(g), sigmoid(o), and c = f c_prev + i g, th = tanh(c),
 * h = o th are written. th may alias G (the input-gate slot) and c may alias c_prev.
 * Backward: from dh (total gradient of h) and dc_next (gradient of c from the step
 * after, updated in place to the gradient of c_prev) it writes the gate gradients dG.
 * An AVX2 path (8 lanes) is picked at run time when the CPU has it; otherwise 4-lane
 * SSE-width vector code; a scalar loop finishes H not divisible by the lane count.
 * All paths use the nn/fastmath.h formulas. */
#ifndef NG_NN_LSTM_CELL_H
#define NG_NN_LSTM_CELL_H

#include <stddef.h>

void ng_lstm_cell_forward(float *G, float *c, float *h, float *th, const float *c_prev,
                          size_t H);
void ng_lstm_cell_backward(float *dG, float *dc_next, const float *G, const float *th,
                           const float *c_prev, const float *dh, size_t H);
/* Allow (1, the default) or forbid (0) the AVX2 path, so tests can check both paths
 * on one machine. Returns whether the AVX2 path is now in use. */
int ng_lstm_cell_use_avx2(int allow);

#endif
