/* metrics.c — exact two-sample KS and Wasserstein-1 by merging sorted samples; JSD. */
#include "stats/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

double ng_ks_statistic_sorted(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return NAN;
    size_t i = 0, j = 0;
    double d = 0.0;
    while (i < na && j < nb) {
        double x = a[i] < b[j] ? a[i] : b[j];
        while (i < na && a[i] <= x)
            i++;
        while (j < nb && b[j] <= x)
            j++;
        double diff = fabs((double)i / (double)na - (double)j / (double)nb);
        if (diff > d)
            d = diff;
    }
    return d;
}

double ng_wasserstein1_sorted(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return NAN;
    /* Walk the merged values x_0 <= x_1 <= ...; between x_k and x_{k+1} both CDFs are
     * constant, so the area is |F_a - F_b| * (x_{k+1} - x_k). */
    size_t i = 0, j = 0;
    double area = 0.0;
    double x = a[0] < b[0] ? a[0] : b[0];
    while (i < na || j < nb) {
        while (i < na && a[i] <= x)
            i++;
        while (j < nb && b[j] <= x)
            j++;
        if (i == na && j == nb)
            break;
        double next;
        if (i < na && j < nb)
            next = a[i] < b[j] ? a[i] : b[j];
        else
            next = i < na ? a[i] : b[j];
        area += fabs((double)i / (double)na - (double)j / (double)nb) * (next - x);
        x = next;
    }
    return area;
}

static int cmp_u64_keys(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Order-preserving map of a double's bits to an unsigned key (negatives flipped). */
static uint64_t double_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : u | 0x8000000000000000ull;
}

static double key_double(uint64_t u)
{
    u = (u >> 63) ? u & 0x7fffffffffffffffull : ~u;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES 6 /* 6 * 11 >= 64 */

/* LSD radix sort of the keys (tmp has n slots); the result ends in keys. */
static void radix_sort_u64(uint64_t *keys, uint64_t *tmp, size_t n)
{
    size_t *count = calloc(RADIX_SIZE, sizeof *count);
    if (!count) {
        qsort(keys, n, sizeof *keys, cmp_u64_keys);
        return;
    }
    uint64_t *src = keys, *dst = tmp;
    for (int pass = 0; pass < RADIX_PASSES; pass++) {
        int shift = pass * RADIX_BITS;
        memset(count, 0, RADIX_SIZE * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & (RADIX_SIZE - 1)]++;
        if (count[(src[0] >> shift) & (RADIX_SIZE - 1)] == n)
            continue; /* every key has this digit: nothing moves */
        size_t pos = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t c = count[d];
            count[d] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & (RADIX_SIZE - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst, dst = t;
    }
    if (src != keys)
        memcpy(keys, src, n * sizeof *keys);
    free(count);
}

/* Small arrays: qsort; large ones: radix sort on the bit patterns (NaN-free input). */
void ng_sort_doubles(double *x, size_t n)
{
    uint64_t *keys = n >= 4096 ? malloc(2 * n * sizeof *keys) : NULL;
    if (!keys) {
        qsort(x, n, sizeof *x, cmp_double);
        return;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = double_key(x[i]);
    radix_sort_u64(keys, keys + n, n);
    for (size_t i = 0; i < n; i++)
        x[i] = key_double(keys[i]);
    free(keys);
}

static double *sorted_copy(const double *x, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (c && n) {
        memcpy(c, x, n * sizeof *x);
        ng_sort_doubles(c, n);
    }
    return c;
}

typedef double (*sorted_distance_fn)(const double *, size_t, const double *, size_t);

static ng_status distance_on_copies(sorted_distance_fn fn, const char *what, const double *a,
                                    size_t na, const double *b, size_t nb, double *out,
                                    ng_error *err)
{
    double *sa = sorted_copy(a, na), *sb = sorted_copy(b, nb);
    if (!sa || !sb) {
        free(sa), free(sb);
        *out = NAN;
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for %zu + %zu values", what, na, nb);
    }
    *out = fn(sa, na, sb, nb);
    free(sa), free(sb);
    return NG_OK;
}

ng_status ng_ks_statistic(const double *a, size_t na, const double *b, size_t nb,
                          double *out, ng_error *err)
{
    return distance_on_copies(ng_ks_statistic_sorted, "KS statistic", a, na, b, nb, out, err);
}

ng_status ng_wasserstein1(const double *a, size_t na, const double *b, size_t nb,
                          double *out, ng_error *err)
{
    return distance_on_copies(ng_wasserstein1_sorted, "Wasserstein distance", a, na, b, nb,
                              out, err);
}

static double vector_sum(const double *p, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s;
}

/* Sum of x log(x / m) in nats, with 0 log 0 = 0 (scipy.special.rel_entr). */
static double half_kl(double x, double m)
{
    return x > 0.0 ? x * log(x / m) : 0.0;
}

double ng_jsd_netshare(const double *p, const double *q, size_t n)
{
    double sp = vector_sum(p, n), sq = vector_sum(q, n);
    if (!(sp > 0.0) || !(sq > 0.0))
        return NAN;
    double left = 0.0, right = 0.0;
    for (size_t i = 0; i < n; i++) {
        double pi = p[i] / sp, qi = q[i] / sq, m = 0.5 * (pi + qi);
        left += half_kl(pi, m);
        right += half_kl(qi, m);
    }
    double js = 0.5 * (left + right);
    return js > 0.0 ? js : 0.0;
}

double ng_jsd(const double *p, const double *q, size_t n)
{
    return ng_jsd_netshare(p, q, n) / log(2.0);
}

double ng_quantile_sorted(const double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo >= n - 1)
        return x[n - 1];
    double frac = pos - (double)lo;
    return x[lo] + (x[lo + 1] - x[lo]) * frac;
}

double ng_median_sorted(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}
