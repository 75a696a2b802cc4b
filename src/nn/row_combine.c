/* row_combine.c — y += x A for small transposed tables, portable and AVX2 paths.
 *
 * One body, compiled twice: as AVX2 (8 lanes in one register) and portable (the
 * compiler splits each 8-lane operation into narrower ones). Vectors only move through
 * memcpy, never as function arguments or results, so no ABI differs between the two.
 * The body walks y in blocks of 64, 32, 24 (a last one), 16 and 8 outputs held in
 * registers; for each block it
 * does y = fma(x[n], row n, y) for n = 0..N-1 in order, so every output sees the same
 * sequence of fused multiply-adds whatever the block size: the AVX2 path with the FMA
 * instruction, the portable one with fmaf, both rounding once per step, bit for bit the
 * same. ROW(n) says where row n starts: n * ld for the dense form, rows[n] * ld for the
 * sparse one. */
#include "nn/row_combine.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "nn/cpu_features.h"

typedef float v8f __attribute__((vector_size(32)));

/* *a = x * *r + *a, rounded once per lane (vectors by pointer: no vector ABI). */
__attribute__((target("avx2,fma"))) static inline void madd_fma(float x, const v8f *r, v8f *a)
{
    *a = (v8f)_mm256_fmadd_ps(_mm256_set1_ps(x), (__m256)*r, (__m256)*a);
}

static inline void madd_portable(float x, const v8f *r, v8f *a)
{
    for (int i = 0; i < 8; i++)
        (*a)[i] = fmaf(x, (*r)[i], (*a)[i]);
}

#define LOAD4(a, b, c, d, p)                                                              \
    memcpy(&a, (p), 32), memcpy(&b, (p) + 8, 32), memcpy(&c, (p) + 16, 32),               \
        memcpy(&d, (p) + 24, 32)
#define STORE4(p, a, b, c, d)                                                             \
    memcpy((p), &a, 32), memcpy((p) + 8, &b, 32), memcpy((p) + 16, &c, 32),               \
        memcpy((p) + 24, &d, 32)

#define ROW_COMBINE_BODY(ROW, MADD)                                                       \
    size_t m = 0;                                                                         \
    for (; m + 64 <= M; m += 64) {                                                        \
        v8f a0, a1, a2, a3, a4, a5, a6, a7, r0, r1, r2, r3;                               \
        LOAD4(a0, a1, a2, a3, y + m);                                                     \
        LOAD4(a4, a5, a6, a7, y + m + 32);                                                \
        for (size_t n = 0; n < N; n++) {                                                  \
            const float *r = A + (ROW(n)) + m;                                            \
            float xn = x[n];                                                              \
            LOAD4(r0, r1, r2, r3, r);                                                     \
            MADD(xn, &r0, &a0), MADD(xn, &r1, &a1);                                       \
            MADD(xn, &r2, &a2), MADD(xn, &r3, &a3);                                       \
            LOAD4(r0, r1, r2, r3, r + 32);                                                \
            MADD(xn, &r0, &a4), MADD(xn, &r1, &a5);                                       \
            MADD(xn, &r2, &a6), MADD(xn, &r3, &a7);                                       \
        }                                                                                 \
        STORE4(y + m, a0, a1, a2, a3);                                                    \
        STORE4(y + m + 32, a4, a5, a6, a7);                                               \
    }                                                                                     \
    for (; m + 32 <= M; m += 32) {                                                        \
        v8f a0, a1, a2, a3, r0, r1, r2, r3;                                               \
        LOAD4(a0, a1, a2, a3, y + m);                                                     \
        for (size_t n = 0; n < N; n++) {                                                  \
            float xn = x[n];                                                              \
            LOAD4(r0, r1, r2, r3, A + (ROW(n)) + m);                                      \
            MADD(xn, &r0, &a0), MADD(xn, &r1, &a1);                                       \
            MADD(xn, &r2, &a2), MADD(xn, &r3, &a3);                                       \
        }                                                                                 \
        STORE4(y + m, a0, a1, a2, a3);                                                    \
    }                                                                                     \
    if (M - m == 24) { /* a typical cluster head (model/cluster_heads.h) */              \
        v8f a0, a1, a2, r0, r1, r2;                                                       \
        memcpy(&a0, y + m, 32), memcpy(&a1, y + m + 8, 32), memcpy(&a2, y + m + 16, 32);  \
        for (size_t n = 0; n < N; n++) {                                                  \
            const float *r = A + (ROW(n)) + m;                                            \
            float xn = x[n];                                                              \
            memcpy(&r0, r, 32), memcpy(&r1, r + 8, 32), memcpy(&r2, r + 16, 32);          \
            MADD(xn, &r0, &a0), MADD(xn, &r1, &a1), MADD(xn, &r2, &a2);                   \
        }                                                                                 \
        memcpy(y + m, &a0, 32), memcpy(y + m + 8, &a1, 32), memcpy(y + m + 16, &a2, 32);  \
        m = M;                                                                            \
    }                                                                                     \
    for (; m + 16 <= M; m += 16) {                                                        \
        v8f a0, a1, r0, r1;                                                               \
        memcpy(&a0, y + m, 32), memcpy(&a1, y + m + 8, 32);                               \
        for (size_t n = 0; n < N; n++) {                                                  \
            const float *r = A + (ROW(n)) + m;                                            \
            float xn = x[n];                                                              \
            memcpy(&r0, r, 32), memcpy(&r1, r + 8, 32);                                   \
            MADD(xn, &r0, &a0), MADD(xn, &r1, &a1);                                       \
        }                                                                                 \
        memcpy(y + m, &a0, 32), memcpy(y + m + 8, &a1, 32);                               \
    }                                                                                     \
    for (; m < M; m += 8) {                                                               \
        v8f a0, r0;                                                                       \
        memcpy(&a0, y + m, 32);                                                           \
        for (size_t n = 0; n < N; n++) {                                                  \
            memcpy(&r0, A + (ROW(n)) + m, 32);                                            \
            MADD(x[n], &r0, &a0);                                                         \
        }                                                                                 \
        memcpy(y + m, &a0, 32);                                                           \
    }

#define DENSE_ROW(n) (n) * ld
#define SPARSE_ROW(n) (size_t)rows[n] * ld

__attribute__((target("avx2,fma"))) static void combine_avx2(float *y, const float *x,
                                                             const float *A, size_t N,
                                                             size_t M, size_t ld)
{
    ROW_COMBINE_BODY(DENSE_ROW, madd_fma)
}

static void combine_portable(float *y, const float *x, const float *A, size_t N, size_t M,
                             size_t ld)
{
    ROW_COMBINE_BODY(DENSE_ROW, madd_portable)
}

__attribute__((target("avx2,fma"))) static void sparse_avx2(float *y, const float *x,
                                                            const uint32_t *rows, size_t N,
                                                            const float *A, size_t M,
                                                            size_t ld)
{
    ROW_COMBINE_BODY(SPARSE_ROW, madd_fma)
}

static void sparse_portable(float *y, const float *x, const uint32_t *rows, size_t N,
                            const float *A, size_t M, size_t ld)
{
    ROW_COMBINE_BODY(SPARSE_ROW, madd_portable)
}

static int avx2_allowed = 1;

static int cpu_has_avx2(void)
{
    return ng_cpu_has_avx2_fma() && avx2_allowed;
}

int ng_row_combine_use_avx2(int allow)
{
    avx2_allowed = allow;
    return cpu_has_avx2();
}

void ng_row_combine(float *y, const float *x, const float *A, size_t N, size_t M, size_t ld)
{
    if (cpu_has_avx2())
        combine_avx2(y, x, A, N, M, ld);
    else
        combine_portable(y, x, A, N, M, ld);
}

void ng_row_combine_sparse(float *y, const float *x, const uint32_t *rows, size_t N,
                           const float *A, size_t M, size_t ld)
{
    if (cpu_has_avx2())
        sparse_avx2(y, x, rows, N, A, M, ld);
    else
        sparse_portable(y, x, rows, N, A, M, ld);
}
