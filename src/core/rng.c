/* rng.c — xoshiro256** (Blackman & Vigna) with splitmix64 seeding, and the
 * distributions built on it. */
#include "core/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void ng_rng_seed(ng_rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

void ng_rng_stream(ng_rng *rng, uint64_t seed, uint64_t id)
{
    uint64_t x = seed;
    uint64_t mixed = splitmix64(&x) ^ (id * 0xD1B54A32D192ED03ULL);
    ng_rng_seed(rng, mixed);
    /* Decorrelate nearby ids further by burning one output per the mix. */
    (void)splitmix64(&mixed);
}

uint64_t ng_rng_below(ng_rng *rng, uint64_t n)
{
    /* Lemire's multiply-shift with rejection. */
    unsigned __int128 m = (unsigned __int128)ng_rng_u64(rng) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (unsigned __int128)ng_rng_u64(rng) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void ng_rng_normal_pair(ng_rng *rng, double out[2])
{
    double u, v, s;
    do {
        u = 2.0 * ng_rng_uniform(rng) - 1.0;
        v = 2.0 * ng_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    out[0] = u * f, out[1] = v * f;
}

double ng_rng_normal(ng_rng *rng)
{
    double pair[2];
    ng_rng_normal_pair(rng, pair);
    return pair[0];
}

double ng_rng_gamma(ng_rng *rng, double shape)
{
    if (shape < 1.0) {
        /* Boost: Gamma(a) = Gamma(a + 1) * U^(1/a). */
        double u = ng_rng_uniform(rng);
        return ng_rng_gamma(rng, shape + 1.0) * pow(u > 0 ? u : 0x1.0p-53, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = ng_rng_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = ng_rng_uniform(rng);
        if (u < 1.0 - 0.0331 * x * x * x * x)
            return d * v;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v;
    }
}

double ng_rng_exponential(ng_rng *rng)
{
    return -log1p(-ng_rng_uniform(rng));
}

size_t ng_rng_categorical(ng_rng *rng, const double *w, size_t n)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    double target = ng_rng_uniform(rng) * total, acc = 0.0;
    for (size_t i = 0; i < n; i++) {
        acc += w[i];
        if (target < acc)
            return i;
    }
    return n ? n - 1 : 0;
}

void ng_rng_shuffle(ng_rng *rng, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)ng_rng_below(rng, i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
