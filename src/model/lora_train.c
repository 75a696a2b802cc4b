/* lora_train.c — learning the LoRaWAN model from uplink records (see lora_model.h):
 * group by device, then per device its tuple and channel mixes, FCnt increments and
 * period quantiles, and the radio mixtures per (device, SF) and per SF. */
#include "model/lora_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "core/rng.h"
#include "stats/gmm_select.h"
#include "stats/metrics.h"

ng_lora_train_options ng_lora_train_default_options(void)
{
    ng_lora_train_options o = {.seed = 1, .k_max = 8};
    return o;
}

typedef struct groups {
    size_t n_dev;
    size_t *start;  /* n_dev + 1 offsets into idx */
    size_t *idx;    /* record indices, time order within a device */
} groups;

static ng_status group_devices(const ng_lora_records *r, groups *g, ng_error *err)
{
    ng_hashmap map;
    ng_hashmap_init(&map, sizeof(uint32_t), sizeof(size_t));
    size_t *dev_of = malloc((r->n + 1) * sizeof *dev_of);
    g->start = calloc(r->n + 2, sizeof *g->start);
    g->idx = malloc((r->n + 1) * sizeof *g->idx);
    g->n_dev = 0;
    ng_status s = dev_of && g->start && g->idx ? NG_OK : ng_fail(err, NG_ENOMEM, "out of memory grouping devices");
    for (size_t i = 0; s == NG_OK && i < r->n; i++) {
        bool ins;
        size_t *d = ng_hashmap_put(&map, &r->v[i].dev_addr, &ins);
        if (!d) {
            s = ng_fail(err, NG_ENOMEM, "out of memory grouping devices");
            break;
        }
        if (ins)
            *d = g->n_dev++;
        dev_of[i] = *d;
        g->start[*d + 1]++;
    }
    for (size_t d = 0; s == NG_OK && d < g->n_dev; d++)
        g->start[d + 1] += g->start[d];
    size_t *fill = s == NG_OK ? calloc(g->n_dev + 1, sizeof *fill) : NULL;
    if (s == NG_OK && !fill)
        s = ng_fail(err, NG_ENOMEM, "out of memory grouping devices");
    for (size_t i = 0; s == NG_OK && i < r->n; i++)
        g->idx[g->start[dev_of[i]] + fill[dev_of[i]]++] = i;
    free(fill);
    free(dev_of);
    ng_hashmap_free(&map);
    return s;
}

static size_t freq_index(const ng_lora_model *m, uint32_t f)
{
    size_t best = 0;
    for (size_t i = 1; i < m->n_freqs; i++)
        if (llabs((long long)m->freqs[i] - f) < llabs((long long)m->freqs[best] - f))
            best = i;
    return best;
}

static void collect_freqs(ng_lora_model *m, const ng_lora_records *r)
{
    for (size_t i = 0; i < r->n; i++) {
        uint32_t f = r->v[i].freq_hz;
        size_t j = 0;
        while (j < m->n_freqs && m->freqs[j] < f)
            j++;
        if ((j < m->n_freqs && m->freqs[j] == f) || m->n_freqs == NG_LORA_MAX_FREQS)
            continue;
        memmove(m->freqs + j + 1, m->freqs + j, (m->n_freqs - j) * sizeof *m->freqs);
        m->freqs[j] = f;
        m->n_freqs++;
    }
}

static ng_status make_grid(const ng_lora_records *r, int snr, double **grid, size_t *n,
                           ng_error *err)
{
    double *v = malloc((r->n + 1) * sizeof *v);
    if (!v)
        return ng_fail(err, NG_ENOMEM, "out of memory for the radio grid");
    for (size_t i = 0; i < r->n; i++)
        v[i] = snr ? r->v[i].snr : r->v[i].rssi;
    ng_sort_doubles(v, r->n);
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    *grid = v;
    *n = k;
    return NG_OK;
}

static ng_lora_tuple tuple_of(const ng_lora_record *x)
{
    ng_lora_tuple t;
    memset(&t, 0, sizeof t);
    t.mtype = x->mtype;
    t.major = x->major;
    t.fctrl = x->fctrl & 0xf0;
    t.sf = x->sf <= 12 ? x->sf : 12;
    t.cr = x->cr;
    t.crc = x->crc;
    t.fport = x->fport;
    t.phy_len = x->phy_len;
    t.bw_khz = x->bw_khz;
    return t;
}

static ng_status device_tuples(ng_lora_device *d, const ng_lora_records *r, const size_t *idx,
                               ng_error *err)
{
    d->tuples = calloc(d->n, sizeof *d->tuples);
    d->tuple_w = calloc(d->n, sizeof *d->tuple_w);
    if (!d->tuples || !d->tuple_w)
        return ng_fail(err, NG_ENOMEM, "out of memory for device tuples");
    for (size_t i = 0; i < d->n; i++) {
        ng_lora_tuple t = tuple_of(&r->v[idx[i]]);
        size_t j = 0;
        while (j < d->n_tuples && memcmp(&d->tuples[j], &t, sizeof t))
            j++;
        if (j == d->n_tuples)
            d->tuples[d->n_tuples++] = t;
        d->tuple_w[j] += 1.0;
    }
    return NG_OK;
}

static void add_inc(ng_lora_device *d, uint32_t inc)
{
    for (size_t i = 0; i < d->n_inc; i++)
        if (d->inc[i] == inc) {
            d->inc_w[i] += 1.0;
            return;
        }
    if (d->n_inc < NG_LORA_MAX_INC) {
        d->inc[d->n_inc] = inc;
        d->inc_w[d->n_inc++] = 1.0;
    }
}

/* FCnt step between two uplinks, or 0 when the counter was reset or jumped. */
static uint32_t fcnt_step(uint32_t a, uint32_t b)
{
    int64_t diff = (int64_t)b - (int64_t)a;
    if (diff <= 0 && a < 65536 && b < 65536)
        diff += 65536;
    return diff >= 1 && diff <= 64 ? (uint32_t)diff : 0;
}

static ng_status device_arrivals(ng_lora_device *d, const ng_lora_records *r, const size_t *idx,
                                 ng_error *err)
{
    if (d->n < 2) {
        d->inc[0] = 1;
        d->inc_w[0] = 1.0;
        d->n_inc = 1;
        return NG_OK;
    }
    double *lp = malloc(d->n * sizeof *lp);
    if (!lp)
        return ng_fail(err, NG_ENOMEM, "out of memory for device periods");
    for (size_t i = 1; i < d->n; i++) {
        const ng_lora_record *a = &r->v[idx[i - 1]], *b = &r->v[idx[i]];
        double gap = (double)(b->time_ns - a->time_ns) * 1e-9;
        uint32_t inc = fcnt_step(a->fcnt, b->fcnt);
        if (inc)
            add_inc(d, inc);
        double period = inc ? gap / inc : gap;
        lp[i - 1] = log(period > 1e-3 ? period : 1e-3);
    }
    if (!d->n_inc)
        add_inc(d, 1);
    ng_sort_doubles(lp, d->n - 1);
    for (int q = 0; q < NG_LORA_NQ; q++)
        d->log_period_q[q] = ng_quantile_sorted(lp, d->n - 1, (double)q / (NG_LORA_NQ - 1));
    d->has_period = 1;
    free(lp);
    return NG_OK;
}

static ng_status fit_radio(const double *x, size_t n, const ng_lora_train_options *opt,
                           uint64_t salt, ng_gmm **out, ng_error *err)
{
    ng_gmm_select_options so = ng_gmm_select_default_options();
    so.k_min = 1;
    so.k_max = opt->k_max ? opt->k_max : 4;
    so.patience = 2;
    so.gmm.reg_covar = 1e-3;
    so.gmm.seed = opt->seed ^ (salt * 0x9E3779B97F4A7C15ull);
    so.gmm.n_init = 2;
    if (so.k_max > n)
        so.k_max = n;
    return ng_gmm_select(x, n, 2, &so, out, NULL, err);
}

/* v spread uniformly over the cell of the grid it was snapped to (between the midpoints
 * to its neighbours): the inverse of ng_lora_snap, so a mixture fitted to dequantised
 * values and snapped back gives the reported values their own frequencies. */
static double dequantise(const double *grid, size_t n, double v, ng_rng *rng)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (grid[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= n || grid[lo] != v || n < 2)
        return v;
    double left = lo > 0 ? (grid[lo] - grid[lo - 1]) / 2 : (grid[1] - grid[0]) / 2;
    double right = lo + 1 < n ? (grid[lo + 1] - grid[lo]) / 2 : left;
    return v - left + ng_rng_uniform(rng) * (left + right);
}

/* The dequantised (RSSI, SNR) points of the records idx[0..n) with this SF into x;
 * returns the count. */
static size_t radio_points(const ng_lora_model *m, const ng_lora_records *r, const size_t *idx,
                           size_t n, uint8_t sf, ng_rng *rng, double *x)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const ng_lora_record *y = &r->v[idx ? idx[i] : i];
        if ((y->sf <= 12 ? y->sf : 12) != sf)
            continue;
        x[2 * k] = dequantise(m->rssi_grid, m->n_rssi_grid, y->rssi, rng);
        x[2 * k + 1] = dequantise(m->snr_grid, m->n_snr_grid, y->snr, rng);
        k++;
    }
    return k;
}

static ng_status device_radio(const ng_lora_model *m, ng_lora_device *d,
                              const ng_lora_records *r, const size_t *idx, size_t dev_no,
                              const ng_lora_train_options *opt, double *x, ng_error *err)
{
    ng_status s = NG_OK;
    ng_rng rng;
    ng_rng_stream(&rng, opt->seed, 0x4a00000 + dev_no);
    for (uint8_t sf = 0; s == NG_OK && sf <= 12; sf++) {
        size_t k = radio_points(m, r, idx, d->n, sf, &rng, x);
        if (k >= NG_LORA_MIN_DEVICE_RADIO)
            s = fit_radio(x, k, opt, 1000 + dev_no * 16 + sf, &d->radio[sf], err);
    }
    return s;
}

static ng_status train_device(ng_lora_model *m, size_t dev_no, const ng_lora_records *r,
                              const size_t *idx, size_t n, const ng_lora_train_options *opt,
                              double *x, ng_error *err)
{
    ng_lora_device *d = &m->devices[dev_no];
    d->dev_addr = r->v[idx[0]].dev_addr;
    d->n = n;
    d->first = (double)(r->v[idx[0]].time_ns - m->start_ns) * 1e-9 / m->span_s;
    d->last = (double)(r->v[idx[n - 1]].time_ns - m->start_ns) * 1e-9 / m->span_s;
    d->fcnt0 = r->v[idx[0]].fcnt;
    d->chan_w = calloc(m->n_freqs, sizeof *d->chan_w);
    if (!d->chan_w)
        return ng_fail(err, NG_ENOMEM, "out of memory for device channels");
    for (size_t i = 0; i < n; i++)
        d->chan_w[freq_index(m, r->v[idx[i]].freq_hz)] += 1.0;
    ng_status s = device_tuples(d, r, idx, err);
    if (s == NG_OK)
        s = device_arrivals(d, r, idx, err);
    if (s == NG_OK)
        s = device_radio(m, d, r, idx, dev_no, opt, x, err);
    return s;
}

/* The SF mixtures serve the (device, SF) pairs too small for their own, so they are
 * fitted on those pairs' uplinks (all of the SF's if every pair has its own). */
static ng_status pooled_radio(ng_lora_model *m, const ng_lora_records *r, const groups *g,
                              const ng_lora_train_options *opt, double *x, ng_error *err)
{
    size_t *small = malloc((r->n + 1) * sizeof *small), n_small = 0;
    if (!small)
        return ng_fail(err, NG_ENOMEM, "out of memory for the pooled radio mixtures");
    for (size_t d = 0; d < g->n_dev; d++)
        for (size_t j = g->start[d]; j < g->start[d + 1]; j++) {
            uint8_t sf = r->v[g->idx[j]].sf <= 12 ? r->v[g->idx[j]].sf : 12;
            if (!m->devices[d].radio[sf])
                small[n_small++] = g->idx[j];
        }
    ng_status s = NG_OK;
    ng_rng rng;
    ng_rng_stream(&rng, opt->seed, 0x4b00000);
    for (uint8_t sf = 0; s == NG_OK && sf <= 12; sf++) {
        size_t k = radio_points(m, r, small, n_small, sf, &rng, x);
        if (!k)
            k = radio_points(m, r, NULL, r->n, sf, &rng, x);
        if (k)
            s = fit_radio(x, k, opt, sf, &m->sf_radio[sf], err);
    }
    free(small);
    return s;
}

static ng_status train_all(ng_lora_model *m, const ng_lora_records *r,
                           const ng_lora_train_options *opt, ng_error *err)
{
    groups g = {0};
    double *x = malloc(2 * r->n * sizeof *x);
    ng_status s = x ? group_devices(r, &g, err) : ng_fail(err, NG_ENOMEM, "out of memory");
    if (s == NG_OK) {
        m->devices = calloc(g.n_dev, sizeof *m->devices);
        if (!m->devices)
            s = ng_fail(err, NG_ENOMEM, "out of memory for %zu devices", g.n_dev);
        else
            m->n_devices = g.n_dev;
    }
    if (s == NG_OK)
        s = make_grid(r, 0, &m->rssi_grid, &m->n_rssi_grid, err);
    if (s == NG_OK)
        s = make_grid(r, 1, &m->snr_grid, &m->n_snr_grid, err);
    for (size_t d = 0; s == NG_OK && d < g.n_dev; d++)
        s = train_device(m, d, r, g.idx + g.start[d], g.start[d + 1] - g.start[d], opt, x, err);
    if (s == NG_OK)
        s = pooled_radio(m, r, &g, opt, x, err);
    free(g.start);
    free(g.idx);
    free(x);
    return s;
}

ng_status ng_lora_train(const ng_lora_records *recs, const ng_lora_train_options *opt,
                        ng_lora_model **out, ng_error *err)
{
    ng_lora_train_options dflt = ng_lora_train_default_options();
    if (!opt)
        opt = &dflt;
    if (recs->n == 0)
        return ng_fail(err, NG_EINVAL, "no LoRa uplinks to learn from");
    ng_lora_records r;
    ng_lora_records_init(&r);
    ng_status s = NG_OK;
    for (size_t i = 0; s == NG_OK && i < recs->n; i++)
        s = ng_lora_records_push(&r, &recs->v[i], err);
    ng_lora_records_sort_time(&r);
    ng_lora_model *m = calloc(1, sizeof *m);
    if (s == NG_OK && !m)
        s = ng_fail(err, NG_ENOMEM, "out of memory for the LoRa model");
    if (s == NG_OK) {
        m->start_ns = r.v[0].time_ns;
        m->span_s = (double)(r.v[r.n - 1].time_ns - r.v[0].time_ns) * 1e-9;
        if (m->span_s < 1.0)
            m->span_s = 1.0;
        m->n_train = r.n;
        collect_freqs(m, &r);
        s = train_all(m, &r, opt, err);
    }
    ng_lora_records_free(&r);
    if (s != NG_OK) {
        ng_lora_model_free(m);
        return s;
    }
    *out = m;
    return NG_OK;
}

void ng_lora_model_free(ng_lora_model *m)
{
    if (!m)
        return;
    for (size_t d = 0; d < m->n_devices; d++) {
        ng_lora_device *dv = &m->devices[d];
        free(dv->tuples);
        free(dv->tuple_w);
        free(dv->chan_w);
        for (int sf = 0; sf <= 12; sf++)
            ng_gmm_free(dv->radio[sf]);
    }
    for (int sf = 0; sf <= 12; sf++)
        ng_gmm_free(m->sf_radio[sf]);
    free(m->devices);
    free(m->rssi_grid);
    free(m->snr_grid);
    free(m);
}
