/* rhythm.c — the beat of a periodic stream (rhythm.h). */
#include "model/rhythm.h"

#include <math.h>
#include <string.h>

#include "stats/metrics.h"

/* ---- training ---- */

static void gaps_sorted(const int64_t *gaps_ns, size_t n, double *x)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (double)gaps_ns[i];
    ng_sort_doubles(x, n);
}

static double spread_of_sorted(double *x, size_t n)
{
    double median = ng_median_sorted(x, n);
    if (!(median > 0))
        return INFINITY;
    for (size_t i = 0; i < n; i++)
        x[i] = fabs(x[i] - median);
    ng_sort_doubles(x, n);
    return ng_median_sorted(x, n) / median;
}

double ng_rhythm_spread(const int64_t *gaps_ns, size_t n, double *scratch)
{
    if (n == 0)
        return INFINITY;
    gaps_sorted(gaps_ns, n, scratch);
    return spread_of_sorted(scratch, n);
}

bool ng_rhythm_detect(const int64_t *gaps_ns, size_t n, double *scratch, ng_rhythm *out)
{
    memset(out, 0, sizeof *out);
    if (n < NG_RHYTHM_MIN_GAPS || !(ng_rhythm_spread(gaps_ns, n, scratch) <= NG_RHYTHM_MAX_SPREAD))
        return false;
    gaps_sorted(gaps_ns, n, scratch);
    double period = ng_median_sorted(scratch, n), total = 0;
    for (size_t i = 0; i < n; i++)
        total += scratch[i];
    if (period < NG_RHYTHM_MIN_PERIOD_NS || period > NG_RHYTHM_MAX_PERIOD_NS ||
        total > NG_RHYTHM_MAX_MEAN_RATIO * period * (double)n ||
        ng_quantile_sorted(scratch, n, 0.1) < NG_RHYTHM_MIN_LOW_RATIO * period)
        return false;
    out->period_ns = period;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++) {
        double level = (double)q / (NG_RHYTHM_QUANTILES - 1);
        double r = ng_quantile_sorted(scratch, n, level) / period;
        out->ratio[q] = (float)(r > NG_RHYTHM_MAX_RATIO ? NG_RHYTHM_MAX_RATIO : r);
    }
    return true;
}

/* The gaps between the packets of direction `dir` (every packet for dir < 0). */
static size_t gaps_of(const int64_t *ts_ns, const uint8_t *direction, size_t n, int dir,
                      int64_t *gaps)
{
    size_t m = 0;
    int64_t last = 0;
    bool seen = false;
    for (size_t i = 0; i < n; i++) {
        if (dir >= 0 && direction[i] != dir)
            continue;
        if (seen)
            gaps[m++] = ts_ns[i] - last;
        last = ts_ns[i], seen = true;
    }
    return m;
}

bool ng_rhythm_detect_stream(const int64_t *ts_ns, const uint8_t *direction, size_t n,
                             int64_t *gaps, double *scratch, ng_rhythm *out)
{
    for (int dir = -1; dir <= 1; dir++) {
        size_t m = gaps_of(ts_ns, direction, n, dir, gaps);
        if (ng_rhythm_detect(gaps, m, scratch, out)) {
            out->lead = (uint8_t)(dir + 1);
            out->lead_share = (float)(m + 1) / (float)n;
            return true;
        }
    }
    return false;
}

uint64_t ng_rhythm_beat_gaps(const ng_rhythm *r, uint64_t packets)
{
    if (r->lead == NG_RHYTHM_EVERY)
        return packets ? packets - 1 : 0;
    double beats = floor((double)r->lead_share * (double)packets + 0.5);
    return beats >= 1.0 ? (uint64_t)beats - 1 : 0;
}

bool ng_rhythm_valid(const ng_rhythm *r)
{
    if (r->lead > NG_RHYTHM_LEAD_S2C ||
        (r->lead != NG_RHYTHM_EVERY && !(r->lead_share > 0.0f && r->lead_share <= 1.0f)))
        return false;
    if (!(r->period_ns >= NG_RHYTHM_MIN_PERIOD_NS && r->period_ns <= NG_RHYTHM_MAX_PERIOD_NS))
        return false;
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++)
        if (!(r->ratio[q] >= 0 && r->ratio[q] <= NG_RHYTHM_MAX_RATIO) ||
            (q && r->ratio[q] < r->ratio[q - 1]))
            return false;
    return true;
}

/* ---- generation ---- */

double ng_rhythm_draw_ratio(const ng_rhythm *r, ng_rng *rng)
{
    double u = ng_rng_uniform(rng) * (NG_RHYTHM_QUANTILES - 1);
    size_t i = (size_t)u;
    if (i >= NG_RHYTHM_QUANTILES - 1)
        return r->ratio[NG_RHYTHM_QUANTILES - 1];
    double f = u - (double)i;
    return (double)r->ratio[i] + f * ((double)r->ratio[i + 1] - (double)r->ratio[i]);
}

/* A ratio's beat (up to the median ratio) and what it holds beyond (a skipped beat). */
static double beat_of(const ng_rhythm *r, double ratio)
{
    double median = (double)r->ratio[(NG_RHYTHM_QUANTILES - 1) / 2];
    return ratio < median ? ratio : median;
}

void ng_rhythm_walk_begin(ng_rhythm_walk *w, const ng_rhythm *r, uint64_t gaps,
                          int64_t duration_ns, uint64_t seed, uint64_t id)
{
    memset(w, 0, sizeof *w);
    ng_rng_stream(&w->rng, seed, id);
    w->left = gaps;
    w->ns_per_ratio = r->period_ns;
    w->excess_weight = 1.0;
    if (duration_ns <= 0 || gaps == 0)
        return;
    ng_rng first_pass = w->rng; /* the same draws, added up */
    double beats = 0, excess = 0;
    for (uint64_t i = 0; i < gaps; i++) {
        double ratio = ng_rhythm_draw_ratio(r, &first_pass), beat = beat_of(r, ratio);
        beats += beat;
        excess += ratio - beat;
    }
    double want = (double)duration_ns / r->period_ns;
    if (excess > 0) {
        double weight = (want - beats) / excess;
        w->excess_weight = weight < 0 ? 0 : weight > NG_RHYTHM_MAX_EXCESS_WEIGHT
                                                ? NG_RHYTHM_MAX_EXCESS_WEIGHT : weight;
    }
    double sum = beats + w->excess_weight * excess;
    if (sum > 0)
        w->ns_per_ratio = (double)duration_ns / sum;
}

int64_t ng_rhythm_walk_next(ng_rhythm_walk *w, const ng_rhythm *r)
{
    w->left -= w->left > 0;
    double ratio = ng_rhythm_draw_ratio(r, &w->rng), beat = beat_of(r, ratio);
    w->at_ns += (beat + w->excess_weight * (ratio - beat)) * w->ns_per_ratio;
    double target = floor(w->at_ns + 0.5);
    if (!(target < 9e18))
        target = 9e18; /* past any capture: the clock stops here */
    int64_t gap = target > (double)w->out_ns ? (int64_t)target - w->out_ns : 0;
    w->out_ns += gap;
    return gap;
}
