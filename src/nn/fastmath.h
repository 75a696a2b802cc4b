/* fastmath.h — exp, sigmoid and tanh for float arrays, written so compilers vectorise them.
 *
 * libm's expf/tanhf are exact to the last bit but scalar and slow (tanhf goes through
 * expm1f); the LSTM's gates spend most of a training step there. ng_fast_expf is
 * Cephes' expf scheme — x = n ln2 + r, |r| <= ln2/2, a degree-7 polynomial for e^r,
 * 2^n put into the exponent bits — branch-free, with relative error below 1e-7 on
 * [-87, 88] (inputs are clamped there, so +-Inf give the limits and only NaN gives NaN).
 * sigmoid = 1 / (1 + e^-x); tanh = 1 - 2 / (1 + e^2x), absolute errors below 1e-7 and
 * 2e-7 (tests/nn/test_ops_gradcheck.c measures all three against libm).
 * The *4 forms do 4 lanes at once with GCC/Clang vector extensions (plain SSE2 on the
 * baseline x86-64 target, wider where the compiler may use it); the scalar forms
 * compute the same formula for loop tails. */
#ifndef NG_NN_FASTMATH_H
#define NG_NN_FASTMATH_H

#include <stdint.h>
#include <string.h>

static inline float ng_fast_expf(float x)
{
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    const float round_magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    float n = (x * log2e + round_magic) - round_magic;
    float r = x - n * ln2_hi - n * ln2_lo;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

typedef float ng_v4f __attribute__((vector_size(16)));
typedef int32_t ng_v4i __attribute__((vector_size(16)));

static inline ng_v4f ng_v4f_load(const float *p)
{
    ng_v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void ng_v4f_store(float *p, ng_v4f v)
{
    memcpy(p, &v, sizeof v);
}

static inline ng_v4f ng_v4f_select(ng_v4i mask, ng_v4f a, ng_v4f b)
{
    return (ng_v4f)((mask & (ng_v4i)a) | (~mask & (ng_v4i)b));
}

static inline ng_v4f ng_fast_exp4(ng_v4f x)
{
    const float round_magic = 12582912.0f;
    const ng_v4f lo = {-87.0f, -87.0f, -87.0f, -87.0f}, hi = {88.0f, 88.0f, 88.0f, 88.0f};
    x = ng_v4f_select(x < lo, lo, x);
    x = ng_v4f_select(x > hi, hi, x);
    ng_v4f n = (x * 1.44269504088896341f + round_magic) - round_magic;
    ng_v4f r = x - n * 0.693359375f - n * -2.12194440e-4f;
    ng_v4f p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    ng_v4i bits = (__builtin_convertvector(n, ng_v4i) + 127) << 23;
    return p * (ng_v4f)bits;
}

static inline ng_v4f ng_fast_sigmoid4(ng_v4f x)
{
    return 1.0f / (1.0f + ng_fast_exp4(-x));
}

static inline ng_v4f ng_fast_tanh4(ng_v4f x)
{
    return 1.0f - 2.0f / (1.0f + ng_fast_exp4(2.0f * x));
}

static inline float ng_fast_sigmoidf(float x)
{
    return 1.0f / (1.0f + ng_fast_expf(-x));
}

static inline float ng_fast_tanhf(float x)
{
    return 1.0f - 2.0f / (1.0f + ng_fast_expf(2.0f * x));
}

#endif
