/* cpu_features.c — CPU feature checks through the compiler's cpuid builtins. */
#include "nn/cpu_features.h"

enum { UNKNOWN = -1 };

/* Benign races: every thread that detects stores the same values. */
static int has_avx2 = UNKNOWN, has_fma = UNKNOWN;

static void detect(void)
{
    if (has_avx2 != UNKNOWN)
        return;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    has_fma = __builtin_cpu_supports("fma") ? 1 : 0;
    has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    has_fma = 0;
    has_avx2 = 0;
#endif
}

bool ng_cpu_has_avx2(void)
{
    detect();
    return has_avx2 == 1;
}

bool ng_cpu_has_avx2_fma(void)
{
    detect();
    return has_avx2 == 1 && has_fma == 1;
}
