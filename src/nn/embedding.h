/* embedding.h — lookup tables for categorical inputs.
 *
 * table [V, D]: row v is the vector of category v. forward copies table[idx[i]] into
 * out[i, :] for i < N; an index outside [0, V) yields a zero row (treat it as "unknown"),
 * never a read out of bounds. backward ACCUMULATES dout[i, :] into dtable[idx[i]]. */
#ifndef NG_NN_EMBEDDING_H
#define NG_NN_EMBEDDING_H

#include <stddef.h>

void ng_embedding_forward(float *out, const int *idx, const float *table, size_t N, size_t V,
                          size_t D);
void ng_embedding_backward(float *dtable, const float *dout, const int *idx, size_t N,
                           size_t V, size_t D);

#endif
