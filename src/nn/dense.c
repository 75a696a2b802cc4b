/* dense.c — fully connected layer over cblas. */
#include "nn/dense.h"

#include <cblas.h>
#include <string.h>

#include "nn/fastmath.h"

void ng_dense_forward(float *out, const float *inp, const float *W, const float *b,
                      size_t B, size_t C, size_t OC)
{
    float beta = 0.0f;
    if (b) {
        for (size_t r = 0; r < B; r++)
            memcpy(out + r * OC, b, OC * sizeof *out);
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)OC, (int)C, 1.0f, inp,
                (int)C, W, (int)C, beta, out, (int)OC);
}

static void weight_backward(float *dinp, float *dW, const float *dout, const float *inp,
                            const float *W, size_t B, size_t C, size_t OC)
{
    /* dW[OC, C] += dout^T [OC, B] x inp [B, C] */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)OC, (int)C, (int)B, 1.0f, dout,
                (int)OC, inp, (int)C, 1.0f, dW, (int)C);
    /* dinp[B, C] = dout [B, OC] x W [OC, C] */
    if (dinp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)C, (int)OC, 1.0f,
                    dout, (int)OC, W, (int)C, 0.0f, dinp, (int)C);
}

/* db += column sums of dout, row by row so dout streams through once and db stays in
 * L1; 4 columns per vector add. */
static void bias_backward(float *db, const float *dout, size_t B, size_t OC)
{
    for (size_t r = 0; r < B; r++) {
        const float *row = dout + r * OC;
        size_t o = 0;
        for (; o + 4 <= OC; o += 4)
            ng_v4f_store(db + o, ng_v4f_load(db + o) + ng_v4f_load(row + o));
        for (; o < OC; o++)
            db[o] += row[o];
    }
}

void ng_dense_backward(float *dinp, float *dW, float *db, const float *dout, const float *inp,
                       const float *W, size_t B, size_t C, size_t OC)
{
    weight_backward(dinp, dW, dout, inp, W, B, C, OC);
    if (db)
        bias_backward(db, dout, B, OC);
}

void ng_dense_forward_vec(float *out, const float *inp, const float *W, const float *b,
                          size_t C, size_t OC)
{
    float beta = 0.0f;
    if (b) {
        memcpy(out, b, OC * sizeof *out);
        beta = 1.0f;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)OC, (int)C, 1.0f, W, (int)C, inp, 1, beta, out,
                1);
}
