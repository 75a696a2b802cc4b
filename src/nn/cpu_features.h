/* cpu_features.h — which vector instructions this CPU has, asked once.
 *
 * The nn kernels with a hand-vectorised path (row_combine, categorical, lstm_cell) pick
 * it at run time with these; each keeps its own switch so tests can force the portable
 * path and compare. The checks are inline reads of one flag word (the generation loop
 * asks about a million times a second), filled by ng_cpu_detect on first use.
 * Thread-safe: every caller that detects stores the same value. */
#ifndef NG_NN_CPU_FEATURES_H
#define NG_NN_CPU_FEATURES_H

#include <stdbool.h>

enum { NG_CPU_AVX2 = 1, NG_CPU_FMA = 2, NG_CPU_DETECTED = 4 };

extern int ng_cpu_flags; /* NG_CPU_* bits; 0 until detected */

void ng_cpu_detect(void);

static inline int ng_cpu_features(void)
{
    if (!(ng_cpu_flags & NG_CPU_DETECTED))
        ng_cpu_detect();
    return ng_cpu_flags;
}

static inline bool ng_cpu_has_avx2(void)
{
    return (ng_cpu_features() & NG_CPU_AVX2) != 0;
}

/* AVX2 and FMA3 (fused multiply-add), as the FMA kernels need. */
static inline bool ng_cpu_has_avx2_fma(void)
{
    return (ng_cpu_features() & (NG_CPU_AVX2 | NG_CPU_FMA)) == (NG_CPU_AVX2 | NG_CPU_FMA);
}

#endif
