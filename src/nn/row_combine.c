/* row_combine.c — y += x A for small transposed tables, portable and AVX2 paths.
 *
 * One body, compiled twice: as AVX2 (8 lanes in one register) and portable (the
 * compiler splits each 8-lane operation into narrower ones). Vectors only move through
 * memcpy, never as function arguments or results, so no ABI differs between the two.
 * The body walks y in blocks of 64 outputs held in 8 registers, where each output sees
 * y = fma(x[n], row n, y) for n = 0..N-1 in order; narrower blocks (32, 24, 16, 8 at the
 * end) run two chains per register, even and odd rows, added at the end, so the FMA
 * units are not left waiting on one chain's latency. The AVX2 path uses the FMA
 * instruction, the portable one fmaf, both rounding once per step in the same order:
 * bit for bit the same. ROW(n) says where row n starts: n * ld for the dense form,
 * rows[n] * ld for the sparse one. */
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

static const float zeros[32]; /* the b chains start from 0 */

/* K = 1..4 registers v0..v(K-1): declare, load from p, store to p, v += x * rows at p. */
#define VDECL1(v) v##0
#define VDECL2(v) VDECL1(v), v##1
#define VDECL3(v) VDECL2(v), v##2
#define VDECL4(v) VDECL3(v), v##3
#define VLOAD1(v, p) memcpy(&v##0, (p), 32)
#define VLOAD2(v, p) VLOAD1(v, p), memcpy(&v##1, (p) + 8, 32)
#define VLOAD3(v, p) VLOAD2(v, p), memcpy(&v##2, (p) + 16, 32)
#define VLOAD4(v, p) VLOAD3(v, p), memcpy(&v##3, (p) + 24, 32)
#define VSTORE1(p, v) memcpy((p), &v##0, 32)
#define VSTORE2(p, v) VSTORE1(p, v), memcpy((p) + 8, &v##1, 32)
#define VSTORE3(p, v) VSTORE2(p, v), memcpy((p) + 16, &v##2, 32)
#define VSTORE4(p, v) VSTORE3(p, v), memcpy((p) + 24, &v##3, 32)
#define VADD1(a, b) a##0 += b##0
#define VADD2(a, b) VADD1(a, b), a##1 += b##1
#define VADD3(a, b) VADD2(a, b), a##2 += b##2
#define VADD4(a, b) VADD3(a, b), a##3 += b##3
#define VMADD1(MADD, x, p, v) VLOAD1(r, p), MADD(x, &r0, &v##0)
#define VMADD2(MADD, x, p, v) VLOAD2(r, p), MADD(x, &r0, &v##0), MADD(x, &r1, &v##1)
#define VMADD3(MADD, x, p, v) VLOAD3(r, p), MADD(x, &r0, &v##0), MADD(x, &r1, &v##1),      \
                              MADD(x, &r2, &v##2)
#define VMADD4(MADD, x, p, v) VLOAD4(r, p), MADD(x, &r0, &v##0), MADD(x, &r1, &v##1),      \
                              MADD(x, &r2, &v##2), MADD(x, &r3, &v##3)

/* A block of 8K outputs (K <= 4) whose K chains alone could not keep the FMA units busy:
 * even rows go to chains a, odd rows to chains b, and y = a + b at the end, so 2K
 * independent chains run. */
#define NARROW_BLOCK(ROW, MADD, K)                                                        \
    for (; m + 8 * (K) <= M; m += 8 * (K)) {                                              \
        v8f VDECL##K(a), VDECL##K(b), VDECL##K(r);                                        \
        VLOAD##K(a, y + m);                                                               \
        VLOAD##K(b, zeros);                                                               \
        size_t n = 0;                                                                     \
        for (; n + 2 <= N; n += 2) {                                                      \
            VMADD##K(MADD, x[n], A + (ROW(n)) + m, a);                                    \
            VMADD##K(MADD, x[n + 1], A + (ROW(n + 1)) + m, b);                            \
        }                                                                                 \
        if (n < N)                                                                        \
            VMADD##K(MADD, x[n], A + (ROW(n)) + m, a);                                    \
        VADD##K(a, b);                                                                    \
        VSTORE##K(y + m, a);                                                              \
    }

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
    NARROW_BLOCK(ROW, MADD, 4)                                                            \
    NARROW_BLOCK(ROW, MADD, 3)                                                            \
    NARROW_BLOCK(ROW, MADD, 2)                                                            \
    NARROW_BLOCK(ROW, MADD, 1)

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
