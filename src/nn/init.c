/* init.c — Xavier and He initialisation. */
#include "nn/init.h"

#include <math.h>

void ng_init_uniform(float *w, size_t n, float bound, ng_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        w[i] = (float)((2.0 * ng_rng_uniform(rng) - 1.0) * bound);
}

void ng_init_xavier_uniform(float *w, size_t fan_in, size_t fan_out, size_t n, ng_rng *rng)
{
    ng_init_uniform(w, n, (float)sqrt(6.0 / (double)(fan_in + fan_out)), rng);
}

void ng_init_he_normal(float *w, size_t fan_in, float slope, size_t n, ng_rng *rng)
{
    double std = sqrt(2.0 / ((1.0 + (double)slope * slope) * (double)fan_in));
    for (size_t i = 0; i < n; i++)
        w[i] = (float)(std * ng_rng_normal(rng));
}

void ng_init_constant(float *w, size_t n, float value)
{
    for (size_t i = 0; i < n; i++)
        w[i] = value;
}
