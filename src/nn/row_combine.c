/* row_combine.c — y += x A for small transposed tables, portable and AVX2 paths.
 *
 * One body, compiled twice: as AVX2 (8 lanes in one register) and portable (the
 * compiler splits each 8-lane operation into narrower ones). Vectors only move through
 * memcpy, never as function arguments or results, so no ABI differs between the two.
 * The body walks y in blocks of 64, 32 and 8 outputs held in registers; for each block it
 * adds x[n] * row n for n = 0..N-1 in order, so every output sees the same sequence of
 * float operations whatever the block size. ROW(n) says where row n starts: n * ld for
 * the dense form, rows[n] * ld for the sparse one. */
#include "nn/row_combine.h"

#include <string.h>

typedef float v8f __attribute__((vector_size(32)));

#define LOAD4(a, b, c, d, p)                                                              \
    memcpy(&a, (p), 32), memcpy(&b, (p) + 8, 32), memcpy(&c, (p) + 16, 32),               \
        memcpy(&d, (p) + 24, 32)
#define STORE4(p, a, b, c, d)                                                             \
    memcpy((p), &a, 32), memcpy((p) + 8, &b, 32), memcpy((p) + 16, &c, 32),               \
        memcpy((p) + 24, &d, 32)

#define ROW_COMBINE_BODY(ROW)                                                             \
    size_t m = 0;                                                                         \
    for (; m + 64 <= M; m += 64) {                                                        \
        v8f a0, a1, a2, a3, a4, a5, a6, a7, r0, r1, r2, r3;                               \
        LOAD4(a0, a1, a2, a3, y + m);                                                     \
        LOAD4(a4, a5, a6, a7, y + m + 32);                                                \
        for (size_t n = 0; n < N; n++) {                                                  \
            const float *r = A + (ROW(n)) + m;                                            \
            float xn = x[n];                                                              \
            LOAD4(r0, r1, r2, r3, r);                                                     \
            a0 += xn * r0, a1 += xn * r1, a2 += xn * r2, a3 += xn * r3;                   \
            LOAD4(r0, r1, r2, r3, r + 32);                                                \
            a4 += xn * r0, a5 += xn * r1, a6 += xn * r2, a7 += xn * r3;                   \
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
            a0 += xn * r0, a1 += xn * r1, a2 += xn * r2, a3 += xn * r3;                   \
        }                                                                                 \
        STORE4(y + m, a0, a1, a2, a3);                                                    \
    }                                                                                     \
    for (; m < M; m += 8) {                                                               \
        v8f a0, r0;                                                                       \
        memcpy(&a0, y + m, 32);                                                           \
        for (size_t n = 0; n < N; n++) {                                                  \
            memcpy(&r0, A + (ROW(n)) + m, 32);                                            \
            a0 += x[n] * r0;                                                              \
        }                                                                                 \
        memcpy(y + m, &a0, 32);                                                           \
    }

#define DENSE_ROW(n) (n) * ld
#define SPARSE_ROW(n) (size_t)rows[n] * ld

__attribute__((target("avx2"))) static void combine_avx2(float *y, const float *x,
                                                         const float *A, size_t N, size_t M,
                                                         size_t ld)
{
    ROW_COMBINE_BODY(DENSE_ROW)
}

static void combine_portable(float *y, const float *x, const float *A, size_t N, size_t M,
                             size_t ld)
{
    ROW_COMBINE_BODY(DENSE_ROW)
}

__attribute__((target("avx2"))) static void sparse_avx2(float *y, const float *x,
                                                        const uint32_t *rows, size_t N,
                                                        const float *A, size_t M, size_t ld)
{
    ROW_COMBINE_BODY(SPARSE_ROW)
}

static void sparse_portable(float *y, const float *x, const uint32_t *rows, size_t N,
                            const float *A, size_t M, size_t ld)
{
    ROW_COMBINE_BODY(SPARSE_ROW)
}

static int avx2_allowed = 1;

static int cpu_has_avx2(void)
{
    static int cached = -1; /* a benign race: every thread computes the same answer */
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return cached && avx2_allowed;
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
