/* categorical.c — softmax weights (portable and AVX2 paths) and the inverse-CDF pick.
 *
 * The weights body is written once over 8-lane vectors and compiled twice, as in
 * row_combine.c: vectors move only through memcpy, so the two builds share no ABI and
 * compute the same lanes with the same operations. */
#include "nn/categorical.h"

#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nn/cpu_features.h"
#include "nn/fastmath.h"
#include "nn/vec8.h"

/* max of z[0..n), then z[i] = exp(z[i] - max) and their sum. Every entry, the tail
 * too, goes through the 8-lane exp (the tail in a local block padded with the maximum,
 * whose lanes are masked out of the sum); the lanes of the sum are added in a fixed order. */
#define WEIGHTS_BODY(FMA8)                                                                \
    size_t full = n / 8 * 8, tail = n - full;                                             \
    v8f vmax = V8(z[0]);                                                                  \
    for (size_t i = 0; i < full; i += 8) {                                                \
        v8f v;                                                                            \
        memcpy(&v, z + i, sizeof v);                                                      \
        vmax = (v8f)(((v8i)(v > vmax) & (v8i)v) | (~(v8i)(v > vmax) & (v8i)vmax));        \
    }                                                                                     \
    float m = vmax[0];                                                                    \
    for (int l = 1; l < 8; l++)                                                           \
        m = vmax[l] > m ? vmax[l] : m;                                                    \
    for (size_t i = full; i < n; i++)                                                     \
        m = z[i] > m ? z[i] : m;                                                          \
    v8f shift = V8(m), acc = V8(0.0f), e;                                                 \
    for (size_t i = 0; i < full; i += 8) {                                                \
        v8f v;                                                                            \
        memcpy(&v, z + i, sizeof v);                                                      \
        EXP8(v - shift, e, FMA8);                                                         \
        memcpy(z + i, &e, sizeof e);                                                      \
        acc += e;                                                                         \
    }                                                                                     \
    if (tail) {                                                                           \
        v8f v = shift;                                                                    \
        memcpy(&v, z + full, tail * sizeof(float));                                       \
        EXP8(v - shift, e, FMA8);                                                         \
        memcpy(z + full, &e, tail * sizeof(float));                                       \
        const v8i lane = {0, 1, 2, 3, 4, 5, 6, 7};                                        \
        v8i keep = lane < (v8i)V8((int32_t)tail);                                         \
        acc += (v8f)(keep & (v8i)e);                                                      \
    }                                                                                     \
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));

__attribute__((target("avx2,fma"))) static float weights_avx2(float *z, size_t n)
{
    WEIGHTS_BODY(fma8_avx2)
}

static float weights_portable(float *z, size_t n)
{
    WEIGHTS_BODY(fma8_portable)
}

static int avx2_allowed = 1;

static int cpu_has_avx2(void)
{
    return ng_cpu_has_avx2_fma() && avx2_allowed;
}

int ng_categorical_use_avx2(int allow)
{
    avx2_allowed = allow;
    return cpu_has_avx2();
}

float ng_categorical_weights(float *z, size_t n, size_t exclude)
{
    if (exclude < n)
        z[exclude] = -INFINITY;
    float sum = cpu_has_avx2() ? weights_avx2(z, n) : weights_portable(z, n);
    if (exclude < n)
        z[exclude] = 0.0f; /* exp clamps its input at -87: e^-87 went into the sum, harmlessly */
    return sum;
}

/* The last index of positive weight (the pick's fallback). */
static size_t last_positive(const float *w, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && !(w[i] > 0.0f))
        i--;
    return i;
}

size_t ng_categorical_pick(const float *w, size_t n, float sum, double u)
{
    float target = (float)u * sum, acc = 0.0f;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) { /* skip whole blocks: no chain of n dependent branches */
        float block = (w[i] + w[i + 1]) + (w[i + 2] + w[i + 3]);
        if (target < acc + block)
            break;
        acc += block;
    }
    for (; i < n; i++) {
        acc += w[i];
        if (target < acc && w[i] > 0.0f)
            return i;
    }
    return last_positive(w, n);
}
