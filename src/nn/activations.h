/* activations.h — elementwise activations and the row-wise softmax, forward and backward.
 *
 * Each op is a pair over flat float arrays of n elements. Backward functions OVERWRITE
 * dinp with dout * f'(.), and allow dinp == dout (in place). tanh and sigmoid
 * differentiate through their saved output; (leaky) ReLU through its saved input.
 * Softmax works on `rows` rows of `cols` contiguous values. tanh and sigmoid use the
 * vectorisable approximations of nn/fastmath.h (error ~1e-7). */
#ifndef NG_NN_ACTIVATIONS_H
#define NG_NN_ACTIVATIONS_H

#include <math.h>
#include <stddef.h>

typedef enum ng_activation {
    NG_ACT_NONE = 0, /* identity */
    NG_ACT_RELU,
    NG_ACT_LEAKY_RELU, /* slope given separately, e.g. 0.1 */
    NG_ACT_TANH,
    NG_ACT_SIGMOID
} ng_activation;

/* "relu", "leaky_relu", ... (for model files and messages). */
const char *ng_activation_name(ng_activation act);
/* Parse a name produced by ng_activation_name; returns -1 if unknown. */
int ng_activation_from_name(const char *name);

void ng_leaky_relu_forward(float *out, const float *inp, size_t n, float slope);
void ng_leaky_relu_backward(float *dinp, const float *dout, const float *inp, size_t n,
                            float slope);
void ng_tanh_forward(float *out, const float *inp, size_t n);
void ng_tanh_backward(float *dinp, const float *dout, const float *out, size_t n);
void ng_sigmoid_forward(float *out, const float *inp, size_t n);
void ng_sigmoid_backward(float *dinp, const float *dout, const float *out, size_t n);
void ng_softmax_forward(float *out, const float *inp, size_t rows, size_t cols);
void ng_softmax_backward(float *dinp, const float *dout, const float *out, size_t rows,
                         size_t cols);

/* Dispatch on `act` (slope used by NG_ACT_LEAKY_RELU; RELU is slope 0).
 * Backward needs the forward's input and output; out may equal inp for NONE. */
void ng_activation_forward(ng_activation act, float slope, float *out, const float *inp,
                           size_t n);
void ng_activation_backward(ng_activation act, float slope, float *dinp, const float *dout,
                            const float *inp, const float *out, size_t n);

/* Numerically safe scalar sigmoid, shared with the LSTM and the losses. */
static inline float ng_sigmoidf(float x)
{
    if (x >= 0.0f)
        return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

#endif
