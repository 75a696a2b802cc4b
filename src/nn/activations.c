/* activations.c — (leaky) ReLU, tanh, sigmoid, softmax. */
#include "nn/activations.h"

#include <math.h>
#include <string.h>

#include "nn/fastmath.h"

#define BLOCK 4 /* lanes of ng_v4f */

static const char *const activation_names[] = {"none", "relu", "leaky_relu", "tanh",
                                               "sigmoid"};

const char *ng_activation_name(ng_activation act)
{
    if ((unsigned)act < sizeof activation_names / sizeof *activation_names)
        return activation_names[act];
    return "unknown";
}

int ng_activation_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof activation_names / sizeof *activation_names; i++)
        if (strcmp(name, activation_names[i]) == 0)
            return (int)i;
    return -1;
}

void ng_leaky_relu_forward(float *out, const float *inp, size_t n, float slope)
{
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        ng_v4f x = ng_v4f_load(inp + i);
        ng_v4f_store(out + i, ng_v4f_select(x > 0.0f, x, x * slope));
    }
    for (; i < n; i++)
        out[i] = inp[i] > 0.0f ? inp[i] : slope * inp[i];
}

void ng_leaky_relu_backward(float *dinp, const float *dout, const float *inp, size_t n,
                            float slope)
{
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        ng_v4f d = ng_v4f_load(dout + i);
        ng_v4f_store(dinp + i, ng_v4f_select(ng_v4f_load(inp + i) > 0.0f, d, d * slope));
    }
    for (; i < n; i++)
        dinp[i] = inp[i] > 0.0f ? dout[i] : slope * dout[i];
}

void ng_tanh_forward(float *out, const float *inp, size_t n)
{
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        ng_v4f_store(out + i, ng_fast_tanh4(ng_v4f_load(inp + i)));
    for (; i < n; i++)
        out[i] = ng_fast_tanhf(inp[i]);
}

void ng_tanh_backward(float *dinp, const float *dout, const float *out, size_t n)
{
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        ng_v4f y = ng_v4f_load(out + i);
        ng_v4f_store(dinp + i, ng_v4f_load(dout + i) * (1.0f - y * y));
    }
    for (; i < n; i++)
        dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}

void ng_sigmoid_forward(float *out, const float *inp, size_t n)
{
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK)
        ng_v4f_store(out + i, ng_fast_sigmoid4(ng_v4f_load(inp + i)));
    for (; i < n; i++)
        out[i] = ng_fast_sigmoidf(inp[i]);
}

void ng_sigmoid_backward(float *dinp, const float *dout, const float *out, size_t n)
{
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        ng_v4f y = ng_v4f_load(out + i);
        ng_v4f_store(dinp + i, ng_v4f_load(dout + i) * y * (1.0f - y));
    }
    for (; i < n; i++)
        dinp[i] = dout[i] * out[i] * (1.0f - out[i]);
}

void ng_softmax_forward(float *out, const float *inp, size_t rows, size_t cols)
{
    for (size_t r = 0; r < rows; r++) {
        const float *x = inp + r * cols;
        float *y = out + r * cols;
        float maxv = x[0];
        for (size_t c = 1; c < cols; c++)
            maxv = x[c] > maxv ? x[c] : maxv;
        float sum = 0.0f;
        for (size_t c = 0; c < cols; c++) {
            y[c] = expf(x[c] - maxv);
            sum += y[c];
        }
        float inv = 1.0f / sum;
        for (size_t c = 0; c < cols; c++)
            y[c] *= inv;
    }
}

void ng_softmax_backward(float *dinp, const float *dout, const float *out, size_t rows,
                         size_t cols)
{
    for (size_t r = 0; r < rows; r++) {
        const float *dy = dout + r * cols;
        const float *y = out + r * cols;
        float *dx = dinp + r * cols;
        float dot = 0.0f;
        for (size_t c = 0; c < cols; c++)
            dot += dy[c] * y[c];
        for (size_t c = 0; c < cols; c++)
            dx[c] = y[c] * (dy[c] - dot);
    }
}

void ng_activation_forward(ng_activation act, float slope, float *out, const float *inp,
                           size_t n)
{
    switch (act) {
    case NG_ACT_NONE:
        if (out != inp)
            memcpy(out, inp, n * sizeof *out);
        break;
    case NG_ACT_RELU: ng_leaky_relu_forward(out, inp, n, 0.0f); break;
    case NG_ACT_LEAKY_RELU: ng_leaky_relu_forward(out, inp, n, slope); break;
    case NG_ACT_TANH: ng_tanh_forward(out, inp, n); break;
    case NG_ACT_SIGMOID: ng_sigmoid_forward(out, inp, n); break;
    }
}

void ng_activation_backward(ng_activation act, float slope, float *dinp, const float *dout,
                            const float *inp, const float *out, size_t n)
{
    switch (act) {
    case NG_ACT_NONE:
        if (dinp != dout)
            memcpy(dinp, dout, n * sizeof *dinp);
        break;
    case NG_ACT_RELU: ng_leaky_relu_backward(dinp, dout, inp, n, 0.0f); break;
    case NG_ACT_LEAKY_RELU: ng_leaky_relu_backward(dinp, dout, inp, n, slope); break;
    case NG_ACT_TANH: ng_tanh_backward(dinp, dout, out, n); break;
    case NG_ACT_SIGMOID: ng_sigmoid_backward(dinp, dout, out, n); break;
    }
}
