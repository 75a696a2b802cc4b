/* dense.h — the fully connected layer: out = inp W^T + b.
 *
 * Shapes (row-major): inp [B, C], W [OC, C] (one row per output), b [OC], out [B, OC].
 * Backward ACCUMULATES into dW and db (+=, so gradients of shared weights add up) and
 * OVERWRITES dinp [B, C] (pass NULL when the input needs no gradient). b / db may be
 * NULL for a layer without bias. Every product goes through cblas_sgemm: measured
 * against plain loops, sgemm wins even at the packet VAE's 32x4x4 (0.14 vs 0.19 us) and
 * by 4x at 32x16x8 (see docs/NN.md), so there is no small-matrix path. */
#ifndef NG_NN_DENSE_H
#define NG_NN_DENSE_H

#include <stddef.h>

void ng_dense_forward(float *out, const float *inp, const float *W, const float *b, size_t B,
                      size_t C, size_t OC);
void ng_dense_backward(float *dinp, float *dW, float *db, const float *dout, const float *inp,
                       const float *W, size_t B, size_t C, size_t OC);

/* One input vector (B = 1) through cblas_sgemv, for step-by-step generation. */
void ng_dense_forward_vec(float *out, const float *inp, const float *W, const float *b,
                          size_t C, size_t OC);

#endif
