/* init.h — weight initialisation from the seeded generator.
 *
 * Xavier/Glorot uniform keeps activation variance through tanh/sigmoid layers:
 * U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). He/Kaiming normal suits (leaky) ReLU:
 * N(0, 2 / ((1 + slope^2) fan_in)). Draws are a pure function of the generator state. */
#ifndef NG_NN_INIT_H
#define NG_NN_INIT_H

#include <stddef.h>

#include "core/rng.h"

void ng_init_uniform(float *w, size_t n, float bound, ng_rng *rng);
void ng_init_xavier_uniform(float *w, size_t fan_in, size_t fan_out, size_t n, ng_rng *rng);
/* slope: the negative slope of the following leaky ReLU (0 for ReLU). */
void ng_init_he_normal(float *w, size_t fan_in, float slope, size_t n, ng_rng *rng);
void ng_init_constant(float *w, size_t n, float value);

#endif
