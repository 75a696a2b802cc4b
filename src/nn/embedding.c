/* embedding.c — categorical lookup tables. */
#include "nn/embedding.h"

#include <string.h>

static int in_range(int v, size_t V)
{
    return v >= 0 && (size_t)v < V;
}

void ng_embedding_forward(float *out, const int *idx, const float *table, size_t N, size_t V,
                          size_t D)
{
    for (size_t i = 0; i < N; i++) {
        if (in_range(idx[i], V))
            memcpy(out + i * D, table + (size_t)idx[i] * D, D * sizeof *out);
        else
            memset(out + i * D, 0, D * sizeof *out);
    }
}

void ng_embedding_backward(float *dtable, const float *dout, const int *idx, size_t N,
                           size_t V, size_t D)
{
    for (size_t i = 0; i < N; i++) {
        if (!in_range(idx[i], V))
            continue;
        float *row = dtable + (size_t)idx[i] * D;
        const float *g = dout + i * D;
        for (size_t d = 0; d < D; d++)
            row[d] += g[d];
    }
}
