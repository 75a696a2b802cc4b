/* cpu_features.c — CPU feature detection through the compiler's cpuid builtins. */
#include "nn/cpu_features.h"

int ng_cpu_flags = 0;

void ng_cpu_detect(void)
{
    int flags = NG_CPU_DETECTED;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        flags |= NG_CPU_AVX2;
    if (__builtin_cpu_supports("fma"))
        flags |= NG_CPU_FMA;
#endif
    ng_cpu_flags = flags;
}
