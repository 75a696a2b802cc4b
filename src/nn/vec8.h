/* vec8.h — 8-lane float vectors for the kernels that must give the same bits with and
 * without AVX2 (categorical, lstm_sample_cell): a fused multiply-add that is the FMA
 * instruction or fmaf lane by lane, and an exp built from it.
 *
 * Vectors move through pointers and memcpy only, so a portable build and an AVX2 build
 * of one body share no vector ABI. The project compiles with -std=c11, which keeps the
 * compiler from contracting a * b + c on its own: every rounding is the code's. */
#ifndef NG_NN_VEC8_H
#define NG_NN_VEC8_H

#include <immintrin.h>
#include <math.h>
#include <stdint.h>

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

#define V8(c) {(c), (c), (c), (c), (c), (c), (c), (c)}

/* a * b + c rounded once, 8 lanes: the FMA instruction, or fmaf lane by lane (vectors by
 * pointer, so the portable build passes no vector in registers). */
__attribute__((target("avx2,fma"))) static inline void fma8_avx2(const v8f *a, const v8f *b,
                                                                const v8f *c, v8f *out)
{
    *out = (v8f)_mm256_fmadd_ps((__m256)*a, (__m256)*b, (__m256)*c);
}

static inline void fma8_portable(const v8f *a, const v8f *b, const v8f *c, v8f *out)
{
    for (int i = 0; i < 8; i++)
        (*out)[i] = fmaf((*a)[i], (*b)[i], (*c)[i]);
}

/* e^x for x <= 88, 8 lanes: x clamped at -87 below (e^-87 ~ 1.6e-38), x = k ln2 + r
 * with k rounded to an integer, Cephes' degree-7 polynomial for e^r in fused
 * multiply-adds, 2^k put into the exponent bits. Relative error below 2e-7. */
#define EXP8(x, out, FMA8)                                                                \
    do {                                                                                  \
        const v8f lo = V8(-87.0f), magic = V8(12582912.0f), log2e = V8(1.44269504088896341f); \
        const v8f minus_ln2_hi = V8(-0.693359375f), minus_ln2_lo = V8(2.12194440e-4f);    \
        static const float exp8_c[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,  \
                                   4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f}; \
        v8f xc = x, kf, r, p, ck;                                                         \
        xc = (v8f)(((v8i)(xc >= lo) & (v8i)xc) | (~(v8i)(xc >= lo) & (v8i)lo));           \
        FMA8(&xc, &log2e, &magic, &kf);                                                   \
        kf -= magic;                                                                      \
        FMA8(&kf, &minus_ln2_hi, &xc, &r);                                                \
        FMA8(&kf, &minus_ln2_lo, &r, &r);                                                 \
        p = (v8f)V8(exp8_c[0]);                                                              \
        for (int exp8_j = 1; exp8_j < 6; exp8_j++) {                                      \
            ck = (v8f)V8(exp8_c[exp8_j]);                                                 \
            FMA8(&p, &r, &ck, &p);                                                        \
        }                                                                                 \
        v8f r2 = r * r, r1 = r + 1.0f;                                                    \
        FMA8(&p, &r2, &r1, &p);                                                           \
        v8i bits = (__builtin_convertvector(kf, v8i) + 127) << 23;                        \
        out = p * (v8f)bits;                                                              \
    } while (0)

#endif
