/* cpu_features.h — which vector instructions this CPU has, asked once.
 *
 * The nn kernels with a hand-vectorised path (row_combine, categorical, lstm_cell) pick
 * it at run time with these; each keeps its own switch so tests can force the portable
 * path and compare. Thread-safe: every caller computes the same answer. */
#ifndef NG_NN_CPU_FEATURES_H
#define NG_NN_CPU_FEATURES_H

#include <stdbool.h>

bool ng_cpu_has_avx2(void);
/* AVX2 and FMA3 (fused multiply-add), as the FMA kernels need. */
bool ng_cpu_has_avx2_fma(void);

#endif
