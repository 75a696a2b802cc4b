/* rng.h — the seeded random generator behind every random draw (xoshiro256**).
 *
 * Seeded through splitmix64, so any 64-bit seed gives a well-mixed state. Independent
 * streams (one per flow, per thread, per restart) come from ng_rng_stream(seed, id),
 * so results never depend on the order in which streams are consumed. */
#ifndef NG_CORE_RNG_H
#define NG_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct ng_rng {
    uint64_t s[4];
} ng_rng;

void ng_rng_seed(ng_rng *rng, uint64_t seed);
/* A generator for stream `id` of `seed`: statistically independent of other ids. */
void ng_rng_stream(ng_rng *rng, uint64_t seed, uint64_t id);

/* The next 64 random bits. Inline, as is ng_rng_uniform: generation draws several
 * numbers per packet, and a call also makes the caller save its live floating-point
 * registers around it. */
static inline uint64_t ng_rng_u64(ng_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double ng_rng_uniform(ng_rng *rng)
{
    return (double)(ng_rng_u64(rng) >> 11) * 0x1.0p-53;
}
/* Uniform integer in [0, n), unbiased (n > 0). */
uint64_t ng_rng_below(ng_rng *rng, uint64_t n);
/* Standard normal N(0, 1) (Marsaglia polar method; no cached spare, so draws are
 * a pure function of the state). */
double ng_rng_normal(ng_rng *rng);
/* Two independent standard normals from one round of the polar method (ng_rng_normal
 * keeps the first and discards the second). */
void ng_rng_normal_pair(ng_rng *rng, double out[2]);
/* Gamma(shape, 1) for shape > 0 (Marsaglia–Tsang). */
double ng_rng_gamma(ng_rng *rng, double shape);
/* Exponential with rate 1. */
double ng_rng_exponential(ng_rng *rng);
/* Index i with probability w[i] / sum(w); weights >= 0, not all zero.
 * Returns n-1 if rounding leaves the draw past the end. */
size_t ng_rng_categorical(ng_rng *rng, const double *w, size_t n);
/* Fisher–Yates shuffle of an index array. */
void ng_rng_shuffle(ng_rng *rng, size_t *idx, size_t n);

#endif
