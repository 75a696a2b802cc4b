/* compare.c — KS, W1 (plain and log10), binned JSD per quantity; categorical JSD. */
#include "report/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/histogram.h"
#include "stats/metrics.h"

static double *log10_copy(const double *x, size_t n)
{
    double *y = malloc((n ? n : 1) * sizeof *y);
    if (y)
        for (size_t i = 0; i < n; i++)
            y[i] = log10(x[i] > NG_HIST_LOG_FLOOR ? x[i] : NG_HIST_LOG_FLOOR);
    return y; /* log10 is monotone, so y stays sorted */
}

static ng_status binned_jsd(const double *a, size_t na, const double *b, size_t nb,
                            ng_bin_scale scale, ng_cont_score *sc, ng_error *err)
{
    ng_bins bins;
    ng_status st = ng_bins_union(&bins, scale, NG_COMPARE_BINS, a, na, b, nb, err);
    if (st != NG_OK)
        return st;
    double ha[NG_COMPARE_BINS], hb[NG_COMPARE_BINS];
    ng_histogram(&bins, a, na, ha);
    ng_histogram(&bins, b, nb, hb);
    ng_bins_free(&bins);
    sc->jsd = ng_jsd(ha, hb, NG_COMPARE_BINS);
    sc->jsd_nats = ng_jsd_netshare(ha, hb, NG_COMPARE_BINS);
    return NG_OK;
}

static ng_status compare_continuous(const ng_quantities *r, const ng_quantities *s,
                                    ng_cont_id id, ng_cont_score *sc, ng_error *err)
{
    const double *a = r->cont[id], *b = s->cont[id];
    size_t na = r->n_cont[id], nb = s->n_cont[id];
    bool log_scale = ng_cont_def(id)->log_scale;
    sc->n_real = (double)na;
    sc->n_synth = (double)nb;
    sc->median_real = ng_median_sorted(a, na);
    sc->median_synth = ng_median_sorted(b, nb);
    sc->ks = ng_ks_statistic_sorted(a, na, b, nb);
    sc->w1 = ng_wasserstein1_sorted(a, na, b, nb);
    sc->w1_log10 = sc->jsd = sc->jsd_nats = NAN;
    if (na == 0 || nb == 0)
        return NG_OK;
    if (log_scale) {
        double *la = log10_copy(a, na), *lb = log10_copy(b, nb);
        if (!la || !lb) {
            free(la), free(lb);
            return ng_fail(err, NG_ENOMEM, "compare: out of memory (%s)", ng_cont_def(id)->key);
        }
        sc->w1_log10 = ng_wasserstein1_sorted(la, na, lb, nb);
        free(la), free(lb);
    }
    return binned_jsd(a, na, b, nb, log_scale ? NG_BINS_LOG : NG_BINS_LINEAR, sc, err);
}

/* Align two sorted (key, count) lists over the union of keys. */
static ng_status compare_categorical(const ng_cat_dist *a, const ng_cat_dist *b,
                                     ng_cat_score *sc, ng_error *err)
{
    sc->n_real = a->total;
    sc->n_synth = b->total;
    sc->jsd = sc->jsd_nats = NAN;
    if (!(a->total > 0) || !(b->total > 0))
        return NG_OK;
    size_t cap = a->k + b->k;
    double *pa = calloc(cap, sizeof *pa), *pb = calloc(cap, sizeof *pb);
    if (!pa || !pb) {
        free(pa), free(pb);
        return ng_fail(err, NG_ENOMEM, "compare: out of memory (%zu categories)", cap);
    }
    size_t i = 0, j = 0, k = 0;
    while (i < a->k || j < b->k) {
        if (j == b->k || (i < a->k && a->keys[i] < b->keys[j]))
            pa[k++] = a->counts[i++];
        else if (i == a->k || b->keys[j] < a->keys[i])
            pb[k++] = b->counts[j++];
        else
            pa[k] = a->counts[i++], pb[k++] = b->counts[j++];
    }
    sc->jsd = ng_jsd(pa, pb, k);
    sc->jsd_nats = ng_jsd_netshare(pa, pb, k);
    free(pa), free(pb);
    return NG_OK;
}

ng_status ng_compare(const ng_quantities *real, const ng_quantities *synth, ng_comparison *out,
                     ng_error *err)
{
    memset(out, 0, sizeof *out);
    ng_status st;
    for (int i = 0; i < NG_Q_CONT_COUNT; i++)
        if ((st = compare_continuous(real, synth, (ng_cont_id)i, &out->cont[i], err)) != NG_OK)
            return st;
    for (int i = 0; i < NG_Q_CAT_COUNT; i++)
        if ((st = compare_categorical(&real->cat[i], &synth->cat[i], &out->cat[i], err)))
            return st;
    for (int i = 0; i < NG_S_COUNT; i++) {
        ng_struct_score *sc = &out->structure[i];
        sc->real = ng_share_value(real->structure[i]);
        sc->synth = ng_share_value(synth->structure[i]);
        sc->diff = fabs(sc->real - sc->synth);
    }
    return NG_OK;
}

/* The comparison is a flat struct of doubles, so the mean is taken field by field. */
_Static_assert(sizeof(ng_comparison) == (4 * NG_Q_CAT_COUNT + 9 * NG_Q_CONT_COUNT
                                         + 3 * NG_S_COUNT) * sizeof(double),
               "ng_comparison must hold only doubles");
void ng_comparison_mean(const ng_comparison *items, size_t n, ng_comparison *mean)
{
    enum { FIELDS = sizeof(ng_comparison) / sizeof(double) };
    double *m = (double *)mean;
    for (size_t f = 0; f < FIELDS; f++) {
        double sum = 0.0;
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            double v = ((const double *)&items[i])[f];
            if (!isnan(v))
                sum += v, used++;
        }
        m[f] = used ? sum / (double)used : NAN;
    }
}

double ng_comparison_max_ks(const ng_comparison *c)
{
    double worst = 0.0;
    for (int i = 0; i < NG_Q_CONT_COUNT; i++)
        if (c->cont[i].ks > worst)
            worst = c->cont[i].ks;
    return worst;
}
