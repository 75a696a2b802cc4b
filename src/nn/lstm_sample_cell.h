/* lstm_sample_cell.h — the LSTM cell for generation: one step forward, nothing kept for
 * a backward pass.
 *
 * From the gate pre-activations G [4H] (i, f, g, o blocks) it updates c and h in place:
 *   c = sigmoid(f) c + sigmoid(i) tanh(g),   h = sigmoid(o) tanh(c)
 * in the form that needs two divisions per unit instead of five (the divisions, not the
 * exponentials, set the pace of nn/lstm_cell.c's forward on a sampling step):
 *   with A = 1 + e^-i, F = 1 + e^-f, B = 1 + e^2g, C = 1 + e^2c, O = 1 + e^-o,
 *   c = (c A B + (e^2g - 1) F) / (F A B),   h = (e^2c - 1) / (O C).
 * Pre-activations are clamped where the result no longer moves in float (|i|, |f|, |o|
 * at 20: sigmoid(20) rounds to 1; |g| and |c| at 10: tanh(10) rounds to 1), which also
 * keeps F A B below 1.2e26. Results agree with ng_lstm_cell_forward to about 1e-7
 * (tests/nn/test_lstm_sample_cell.c). An AVX2 + FMA path is picked at run time; the
 * portable path performs the same operations (fmaf) in the same order, so both give the
 * same bits and a seed generates the same packets on every x86-64 machine. */
#ifndef NG_NN_LSTM_SAMPLE_CELL_H
#define NG_NN_LSTM_SAMPLE_CELL_H

#include <stddef.h>

void ng_lstm_sample_cell(const float *G, float *c, float *h, size_t H);
/* Allow (1, the default) or forbid (0) the AVX2 path, so tests can compare both paths.
 * Returns whether the AVX2 path is now in use. */
int ng_lstm_sample_cell_use_avx2(int allow);

#endif
