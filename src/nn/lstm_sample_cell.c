/* lstm_sample_cell.c — the two-division LSTM step of lstm_sample_cell.h, 8 lanes, in an
 * AVX2 + FMA build and a portable build of one body. */
#include "nn/lstm_sample_cell.h"

#include <string.h>

#include "nn/cpu_features.h"
#include "nn/vec8.h"

/* x clamped to [-limit, limit], in place (a macro: no vector crosses a call). */
#define CLAMP8(x, limit)                                                                  \
    do {                                                                                  \
        const v8f hi_ = V8(limit), lo_ = V8(-(limit));                                    \
        x = (v8f)(((v8i)(x > hi_) & (v8i)hi_) | (~(v8i)(x > hi_) & (v8i)x));              \
        x = (v8f)(((v8i)(x < lo_) & (v8i)lo_) | (~(v8i)(x < lo_) & (v8i)x));              \
    } while (0)

/* Units j .. j + 7: gates at G + j + {0, H, 2H, 3H}. */
#define CELL8_BODY(FMA8)                                                                  \
    v8f gi, gf, gg, go, cj, ei, ef, e2g, eo, e2c;                                         \
    memcpy(&gi, G + j, 32), memcpy(&gf, G + H + j, 32);                                   \
    memcpy(&gg, G + 2 * H + j, 32), memcpy(&go, G + 3 * H + j, 32);                       \
    memcpy(&cj, c + j, 32);                                                               \
    CLAMP8(gi, 20.0f);                                                                    \
    CLAMP8(gf, 20.0f);                                                                    \
    CLAMP8(gg, 10.0f);                                                                    \
    CLAMP8(go, 20.0f);                                                                    \
    EXP8(-gi, ei, FMA8);                                                                  \
    EXP8(-gf, ef, FMA8);                                                                  \
    EXP8(2.0f * gg, e2g, FMA8);                                                           \
    EXP8(-go, eo, FMA8);                                                                  \
    v8f A = 1.0f + ei, F = 1.0f + ef, B = 1.0f + e2g, AB = A * B;                         \
    cj = (cj * AB + (e2g - 1.0f) * F) / (F * AB);                                         \
    v8f cl = cj;                                                                          \
    CLAMP8(cl, 10.0f);                                                                    \
    EXP8(2.0f * cl, e2c, FMA8);                                                           \
    v8f hj = (e2c - 1.0f) / ((1.0f + eo) * (1.0f + e2c));                                 \
    memcpy(c + j, &cj, 32), memcpy(h + j, &hj, 32);

/* Every unit through the 8-lane body; a last partial block runs on padded copies. */
#define CELL_BODY(FMA8)                                                                   \
    size_t j = 0;                                                                         \
    for (; j + 8 <= H; j += 8) {                                                          \
        CELL8_BODY(FMA8)                                                                  \
    }                                                                                     \
    if (j < H)                                                                            \
        tail(G, c, h, H, j, FMA8##_cell);

typedef void (*cell8_fn)(const float *G, float *c, float *h, size_t H, size_t j);

/* Units from j to H (fewer than 8), through an 8-lane call on zero-padded copies. */
static void tail(const float *G, float *c, float *h, size_t H, size_t j, cell8_fn cell8)
{
    size_t n = H - j;
    float g[32] = {0}, cc[8] = {0}, hh[8];
    for (size_t q = 0; q < 4; q++)
        memcpy(g + 8 * q, G + q * H + j, n * sizeof(float));
    memcpy(cc, c + j, n * sizeof(float));
    cell8(g, cc, hh, 8, 0);
    memcpy(c + j, cc, n * sizeof(float));
    memcpy(h + j, hh, n * sizeof(float));
}

__attribute__((target("avx2,fma"))) static void fma8_avx2_cell(const float *G, float *c,
                                                               float *h, size_t H, size_t j)
{
    CELL8_BODY(fma8_avx2)
}

static void fma8_portable_cell(const float *G, float *c, float *h, size_t H, size_t j)
{
    CELL8_BODY(fma8_portable)
}

__attribute__((target("avx2,fma"))) static void cell_avx2(const float *G, float *c, float *h,
                                                          size_t H)
{
    CELL_BODY(fma8_avx2)
}

static void cell_portable(const float *G, float *c, float *h, size_t H)
{
    CELL_BODY(fma8_portable)
}

static int avx2_allowed = 1;

int ng_lstm_sample_cell_use_avx2(int allow)
{
    avx2_allowed = allow;
    return ng_cpu_has_avx2_fma() && avx2_allowed;
}

void ng_lstm_sample_cell(const float *G, float *c, float *h, size_t H)
{
    if (ng_cpu_has_avx2_fma() && avx2_allowed)
        cell_avx2(G, c, h, H);
    else
        cell_portable(G, c, h, H);
}
