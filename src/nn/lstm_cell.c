/* lstm_cell.c — LSTM gate math, portable 4-lane vectors with an AVX2 fast path. */
#include "nn/lstm_cell.h"

#include <stdint.h>
#include <string.h>

#include "nn/cpu_features.h"
#include "nn/fastmath.h"

static inline void forward_one(float *G, float *c, float *h, float *th, const float *c_prev,
                               size_t H, size_t j)
{
    float i = ng_fast_sigmoidf(G[j]), f = ng_fast_sigmoidf(G[H + j]);
    float g = ng_fast_tanhf(G[2 * H + j]), o = ng_fast_sigmoidf(G[3 * H + j]);
    G[j] = i, G[H + j] = f, G[2 * H + j] = g, G[3 * H + j] = o;
    c[j] = f * c_prev[j] + i * g;
    th[j] = ng_fast_tanhf(c[j]);
    h[j] = o * th[j];
}

static inline void backward_one(float *dG, float *dc_next, const float *G, const float *th,
                                const float *c_prev, const float *dh, size_t H, size_t j)
{
    float i = G[j], f = G[H + j], g = G[2 * H + j], o = G[3 * H + j];
    float dc = dc_next[j] + dh[j] * o * (1.0f - th[j] * th[j]);
    dG[j] = dc * g * i * (1.0f - i);
    dG[H + j] = dc * c_prev[j] * f * (1.0f - f);
    dG[2 * H + j] = dc * i * (1.0f - g * g);
    dG[3 * H + j] = dh[j] * th[j] * o * (1.0f - o);
    dc_next[j] = dc * f;
}

/* The vector bodies, written once for any lane type V with its load/store/math. */
#define CELL_FORWARD_BODY(V, LOAD, STORE, SIGMOID, TANH, LANES)                          \
    for (; j + (LANES) <= H; j += (LANES)) {                                             \
        V i = SIGMOID(LOAD(G + j)), f = SIGMOID(LOAD(G + H + j));                        \
        V g = TANH(LOAD(G + 2 * H + j)), o = SIGMOID(LOAD(G + 3 * H + j));               \
        V cj = f * LOAD(c_prev + j) + i * g;                                             \
        V t = TANH(cj);                                                                  \
        STORE(G + j, i), STORE(G + H + j, f), STORE(G + 2 * H + j, g);                   \
        STORE(G + 3 * H + j, o), STORE(c + j, cj), STORE(th + j, t), STORE(h + j, o * t); \
    }

#define CELL_BACKWARD_BODY(V, LOAD, STORE, LANES)                                        \
    for (; j + (LANES) <= H; j += (LANES)) {                                             \
        V i = LOAD(G + j), f = LOAD(G + H + j), g = LOAD(G + 2 * H + j);                 \
        V o = LOAD(G + 3 * H + j), t = LOAD(th + j), d = LOAD(dh + j);                   \
        V dc = LOAD(dc_next + j) + d * o * (1.0f - t * t);                               \
        STORE(dG + j, dc * g * i * (1.0f - i));                                          \
        STORE(dG + H + j, dc * LOAD(c_prev + j) * f * (1.0f - f));                       \
        STORE(dG + 2 * H + j, dc * i * (1.0f - g * g));                                  \
        STORE(dG + 3 * H + j, d * t * o * (1.0f - o));                                   \
        STORE(dc_next + j, dc * f);                                                      \
    }

static void forward_portable(float *G, float *c, float *h, float *th, const float *c_prev,
                             size_t H)
{
    size_t j = 0;
    CELL_FORWARD_BODY(ng_v4f, ng_v4f_load, ng_v4f_store, ng_fast_sigmoid4, ng_fast_tanh4, 4)
    for (; j < H; j++)
        forward_one(G, c, h, th, c_prev, H, j);
}

static void backward_portable(float *dG, float *dc_next, const float *G, const float *th,
                              const float *c_prev, const float *dh, size_t H)
{
    size_t j = 0;
    CELL_BACKWARD_BODY(ng_v4f, ng_v4f_load, ng_v4f_store, 4)
    for (; j < H; j++)
        backward_one(dG, dc_next, G, th, c_prev, dh, H, j);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_PATH 1
#define AVX2 __attribute__((target("avx2")))

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

AVX2 static inline v8f load8(const float *p)
{
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

AVX2 static inline void store8(float *p, v8f v)
{
    memcpy(p, &v, sizeof v);
}

AVX2 static inline v8f select8(v8i mask, v8f a, v8f b)
{
    return (v8f)((mask & (v8i)a) | (~mask & (v8i)b));
}

AVX2 static inline v8f exp8(v8f x)
{
    const float round_magic = 12582912.0f;
    const v8f lo = {-87.0f, -87.0f, -87.0f, -87.0f, -87.0f, -87.0f, -87.0f, -87.0f};
    const v8f hi = {88.0f, 88.0f, 88.0f, 88.0f, 88.0f, 88.0f, 88.0f, 88.0f};
    x = select8(x < lo, lo, x);
    x = select8(x > hi, hi, x);
    v8f n = (x * 1.44269504088896341f + round_magic) - round_magic;
    v8f r = x - n * 0.693359375f - n * -2.12194440e-4f;
    v8f p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    v8i bits = (__builtin_convertvector(n, v8i) + 127) << 23;
    return p * (v8f)bits;
}

AVX2 static inline v8f sigmoid8(v8f x)
{
    return 1.0f / (1.0f + exp8(-x));
}

AVX2 static inline v8f tanh8(v8f x)
{
    return 1.0f - 2.0f / (1.0f + exp8(2.0f * x));
}

AVX2 static void forward_avx2(float *G, float *c, float *h, float *th, const float *c_prev,
                              size_t H)
{
    size_t j = 0;
    CELL_FORWARD_BODY(v8f, load8, store8, sigmoid8, tanh8, 8)
    for (; j < H; j++)
        forward_one(G, c, h, th, c_prev, H, j);
}

AVX2 static void backward_avx2(float *dG, float *dc_next, const float *G, const float *th,
                               const float *c_prev, const float *dh, size_t H)
{
    size_t j = 0;
    CELL_BACKWARD_BODY(v8f, load8, store8, 8)
    for (; j < H; j++)
        backward_one(dG, dc_next, G, th, c_prev, dh, H, j);
}

static int avx2_allowed = 1;

static int cpu_has_avx2(void)
{
    return ng_cpu_has_avx2() && avx2_allowed;
}
#endif

int ng_lstm_cell_use_avx2(int allow)
{
#ifdef HAVE_AVX2_PATH
    avx2_allowed = allow;
    return cpu_has_avx2();
#else
    (void)allow;
    return 0;
#endif
}

void ng_lstm_cell_forward(float *G, float *c, float *h, float *th, const float *c_prev,
                          size_t H)
{
#ifdef HAVE_AVX2_PATH
    if (cpu_has_avx2()) {
        forward_avx2(G, c, h, th, c_prev, H);
        return;
    }
#endif
    forward_portable(G, c, h, th, c_prev, H);
}

void ng_lstm_cell_backward(float *dG, float *dc_next, const float *G, const float *th,
                           const float *c_prev, const float *dh, size_t H)
{
#ifdef HAVE_AVX2_PATH
    if (cpu_has_avx2()) {
        backward_avx2(dG, dc_next, G, th, c_prev, dh, H);
        return;
    }
#endif
    backward_portable(dG, dc_next, G, th, c_prev, dh, H);
}
