/* lora_sample.c — generating uplinks from the LoRaWAN model (see lora_model.h): each
 * device's stream on its own seeded generator (stream = device slot), then one
 * timeline sorted by time. */
#include "model/lora_model.h"

#include <math.h>
#include <string.h>

#include "core/hashmap.h"
#include "core/rng.h"

double ng_lora_snap(const double *grid, size_t n, double v)
{
    if (!n)
        return v;
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first grid value >= v */
        size_t mid = lo + (hi - lo) / 2;
        if (grid[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n)
        return grid[n - 1];
    if (lo > 0 && v - grid[lo - 1] <= grid[lo] - v)
        return grid[lo - 1];
    return grid[lo];
}

static double sample_period(const ng_lora_device *d, ng_rng *rng)
{
    double pos = ng_rng_uniform(rng) * (NG_LORA_NQ - 1);
    size_t i = (size_t)pos;
    if (i >= NG_LORA_NQ - 1)
        i = NG_LORA_NQ - 2;
    double f = pos - (double)i;
    return exp(d->log_period_q[i] * (1 - f) + d->log_period_q[i + 1] * f);
}

static const ng_gmm *radio_for(const ng_lora_model *m, const ng_lora_device *d, uint8_t sf)
{
    if (sf <= 12 && d->radio[sf])
        return d->radio[sf];
    for (int k = 0; k <= 12; k++) { /* nearest SF with a mixture */
        if (sf + k <= 12 && m->sf_radio[sf + k])
            return m->sf_radio[sf + k];
        if (sf >= k && m->sf_radio[sf - k])
            return m->sf_radio[sf - k];
    }
    return NULL;
}

static void fill_record(const ng_lora_model *m, const ng_lora_device *d, ng_rng *rng,
                        ng_lora_record *r)
{
    const ng_lora_tuple *t = &d->tuples[ng_rng_categorical(rng, d->tuple_w, d->n_tuples)];
    r->mtype = t->mtype;
    r->major = t->major;
    r->fctrl = t->fctrl;
    r->fport = t->fport;
    r->phy_len = t->phy_len;
    r->sf = t->sf;
    r->bw_khz = t->bw_khz;
    r->cr = t->cr;
    r->crc = t->crc;
    r->chan = -1;
    r->freq_hz = m->freqs[ng_rng_categorical(rng, d->chan_w, m->n_freqs)];
    const ng_gmm *g = radio_for(m, d, t->sf);
    double x[2] = {0, 0};
    if (g)
        ng_gmm_sample(g, rng, 1, x, NULL);
    r->rssi = (float)ng_lora_snap(m->rssi_grid, m->n_rssi_grid, x[0]);
    r->snr = (float)ng_lora_snap(m->snr_grid, m->n_snr_grid, x[1]);
}

typedef struct stream_plan {
    uint32_t addr;
    double start_s, end_s; /* active window on the generated timeline */
    uint32_t fcnt0;
} stream_plan;

static ng_status device_stream(const ng_lora_model *m, const ng_lora_device *d,
                               const stream_plan *p, int64_t t0_ns, ng_rng *rng,
                               ng_lora_records *out, ng_error *err)
{
    double t = p->start_s;
    uint32_t fcnt = p->fcnt0;
    for (;;) {
        ng_lora_record r;
        memset(&r, 0, sizeof r);
        fill_record(m, d, rng, &r);
        r.time_ns = t0_ns + (int64_t)llround(t * 1e9);
        r.dev_addr = p->addr;
        r.fcnt = fcnt;
        ng_status s = ng_lora_records_push(out, &r, err);
        if (s != NG_OK || !d->has_period)
            return s;
        uint32_t inc = d->inc[ng_rng_categorical(rng, d->inc_w, d->n_inc)];
        t += inc * sample_period(d, rng);
        fcnt += inc;
        if (t > p->end_s)
            return NG_OK;
    }
}

static uint32_t fresh_addr(const ng_lora_device *d, ng_rng *rng, ng_hashmap *used)
{
    for (;;) {
        uint32_t a = (d->dev_addr & 0xfe000000u) | (uint32_t)ng_rng_below(rng, 1u << 25);
        bool ins;
        if (ng_hashmap_put(used, &a, &ins) == NULL || ins)
            return a;
    }
}

static void plan_stream(const ng_lora_model *m, size_t slot, const ng_lora_generate_options *o,
                        double dur, ng_rng *rng, ng_hashmap *used, const ng_lora_device **dev,
                        stream_plan *p)
{
    /* every learned device floor(n / N) times, the remainder drawn at random, so a
     * device that carries most of the traffic is not left out or doubled by chance */
    size_t whole = o->n_devices / m->n_devices * m->n_devices;
    size_t pick = !o->n_devices || slot < whole ? slot % m->n_devices
                                                : (size_t)ng_rng_below(rng, m->n_devices);
    const ng_lora_device *d = &m->devices[pick];
    double len = (d->last - d->first) * dur;
    if (o->n_devices) {
        p->addr = fresh_addr(d, rng, used);
        p->start_s = ng_rng_uniform(rng) * (dur - len);
        p->fcnt0 = (uint32_t)ng_rng_below(rng, 1000);
    } else {
        p->addr = d->dev_addr;
        p->start_s = d->first * dur;
        p->fcnt0 = d->fcnt0;
    }
    p->end_s = p->start_s + len;
    if (p->end_s > dur)
        p->end_s = dur;
    *dev = d;
}

ng_status ng_lora_generate(const ng_lora_model *m, const ng_lora_generate_options *opt,
                           ng_lora_records *out, ng_error *err)
{
    if (!m->n_devices)
        return ng_fail(err, NG_EINVAL, "the LoRa model has no devices");
    double dur = opt->duration_s > 0 ? opt->duration_s : m->span_s;
    int64_t t0 = opt->start_ns ? opt->start_ns : m->start_ns;
    size_t n = opt->n_devices ? opt->n_devices : m->n_devices;
    ng_hashmap used;
    ng_hashmap_init(&used, sizeof(uint32_t), 1);
    ng_rng plan_rng;
    ng_rng_stream(&plan_rng, opt->seed, 0);
    ng_status s = NG_OK;
    for (size_t i = 0; s == NG_OK && i < n; i++) {
        const ng_lora_device *d;
        stream_plan p;
        plan_stream(m, i, opt, dur, &plan_rng, &used, &d, &p);
        ng_rng rng;
        ng_rng_stream(&rng, opt->seed, i + 1);
        s = device_stream(m, d, &p, t0, &rng, out, err);
    }
    ng_hashmap_free(&used);
    if (s == NG_OK)
        ng_lora_records_sort_time(out);
    return s;
}
