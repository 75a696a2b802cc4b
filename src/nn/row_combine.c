/* row_combine.c — y += x A for small transposed tables, portable and AVX2 paths.
 *
 * One body, compiled twice: as AVX2 (8 lanes in one register) and portable (the
 * compiler splits each 8-lane operation into narrower ones). Vectors only move through
 * memcpy, never as function arguments or results, so no ABI differs between the two. */
#include "nn/row_combine.h"

#include <string.h>

typedef float v8f __attribute__((vector_size(32)));

#define ROW_COMBINE_BODY                                                                  \
    size_t m = 0;                                                                         \
    for (; m + 32 <= M; m += 32) {                                                        \
        v8f a0, a1, a2, a3, r0, r1, r2, r3;                                               \
        memcpy(&a0, y + m, 32), memcpy(&a1, y + m + 8, 32);                               \
        memcpy(&a2, y + m + 16, 32), memcpy(&a3, y + m + 24, 32);                         \
        for (size_t n = 0; n < N; n++) {                                                  \
            const float *r = A + n * ld + m;                                              \
            float xn = x[n];                                                              \
            memcpy(&r0, r, 32), memcpy(&r1, r + 8, 32);                                   \
            memcpy(&r2, r + 16, 32), memcpy(&r3, r + 24, 32);                             \
            a0 += xn * r0, a1 += xn * r1, a2 += xn * r2, a3 += xn * r3;                   \
        }                                                                                 \
        memcpy(y + m, &a0, 32), memcpy(y + m + 8, &a1, 32);                               \
        memcpy(y + m + 16, &a2, 32), memcpy(y + m + 24, &a3, 32);                         \
    }                                                                                     \
    for (; m < M; m += 8) {                                                               \
        v8f a0, r0;                                                                       \
        memcpy(&a0, y + m, 32);                                                           \
        for (size_t n = 0; n < N; n++) {                                                  \
            memcpy(&r0, A + n * ld + m, 32);                                              \
            a0 += x[n] * r0;                                                              \
        }                                                                                 \
        memcpy(y + m, &a0, 32);                                                           \
    }

__attribute__((target("avx2"))) static void combine_avx2(float *y, const float *x,
                                                         const float *A, size_t N, size_t M,
                                                         size_t ld)
{
    ROW_COMBINE_BODY
}

static void combine_portable(float *y, const float *x, const float *A, size_t N, size_t M,
                             size_t ld)
{
    ROW_COMBINE_BODY
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
