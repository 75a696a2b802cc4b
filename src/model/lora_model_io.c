/* lora_model_io.c — the LoRaWAN model in a model file (model/model_file.h).
 *
 * JSON header {"kind": "lora", "lora_version": 1, start_ns, span_s, n_train, freqs,
 * rssi_grid, snr_grid, devices: [{addr, n, first, last, fcnt0, tuples: [[mtype, major,
 * fctrl, sf, cr, crc, fport, phy_len, bw_khz, weight], ...], chan_w, inc: [[step,
 * weight], ...], log_period_q (33 values, or absent), radio_sfs: [sf, ...]}]}; the
 * mixtures are tensors through model/gmm_io.h under "lora.sf<S>" and
 * "lora.dev<I>.sf<S>". Loading checks every value's type and range before use, so a
 * damaged file is refused with the device and field named. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gmm_io.h"
#include "model/lora_model.h"
#include "model/model_file.h"

#define LORA_VERSION 1

static json_t *doubles(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_real(v[i]));
    return a;
}

static json_t *tuple_json(const ng_lora_tuple *t, double w)
{
    return json_pack("[i,i,i,i,i,i,i,i,i,f]", t->mtype, t->major, t->fctrl, t->sf, t->cr,
                     t->crc, t->fport, t->phy_len, t->bw_khz, w);
}

static json_t *device_json(const ng_lora_model *m, const ng_lora_device *d)
{
    json_t *o = json_pack("{s:I,s:I,s:f,s:f,s:I}", "addr", (json_int_t)d->dev_addr, "n",
                          (json_int_t)d->n, "first", d->first, "last", d->last, "fcnt0",
                          (json_int_t)d->fcnt0);
    json_t *tuples = json_array(), *inc = json_array(), *sfs = json_array();
    for (size_t i = 0; i < d->n_tuples; i++)
        json_array_append_new(tuples, tuple_json(&d->tuples[i], d->tuple_w[i]));
    for (size_t i = 0; i < d->n_inc; i++)
        json_array_append_new(inc, json_pack("[I,f]", (json_int_t)d->inc[i], d->inc_w[i]));
    for (int sf = 0; sf <= 12; sf++)
        if (d->radio[sf])
            json_array_append_new(sfs, json_integer(sf));
    json_object_set_new(o, "tuples", tuples);
    json_object_set_new(o, "inc", inc);
    json_object_set_new(o, "radio_sfs", sfs);
    json_object_set_new(o, "chan_w", doubles(d->chan_w, m->n_freqs));
    if (d->has_period)
        json_object_set_new(o, "log_period_q", doubles(d->log_period_q, NG_LORA_NQ));
    return o;
}

static json_t *model_json(const ng_lora_model *m)
{
    json_t *h = json_pack("{s:s,s:i,s:I,s:f,s:I}", "kind", "lora", "lora_version", LORA_VERSION,
                          "start_ns", (json_int_t)m->start_ns, "span_s", m->span_s, "n_train",
                          (json_int_t)m->n_train);
    json_t *freqs = json_array(), *devs = json_array();
    for (size_t i = 0; i < m->n_freqs; i++)
        json_array_append_new(freqs, json_integer(m->freqs[i]));
    for (size_t d = 0; d < m->n_devices; d++)
        json_array_append_new(devs, device_json(m, &m->devices[d]));
    json_object_set_new(h, "freqs", freqs);
    json_object_set_new(h, "devices", devs);
    json_object_set_new(h, "rssi_grid", doubles(m->rssi_grid, m->n_rssi_grid));
    json_object_set_new(h, "snr_grid", doubles(m->snr_grid, m->n_snr_grid));
    return h;
}

static ng_status add_mixtures(ng_model_writer *w, const ng_lora_model *m, ng_error *err)
{
    char name[64];
    ng_status s = NG_OK;
    for (int sf = 0; s == NG_OK && sf <= 12; sf++)
        if (m->sf_radio[sf]) {
            snprintf(name, sizeof name, "lora.sf%d", sf);
            s = ng_gmm_io_add(w, name, m->sf_radio[sf], err);
        }
    for (size_t d = 0; s == NG_OK && d < m->n_devices; d++)
        for (int sf = 0; s == NG_OK && sf <= 12; sf++)
            if (m->devices[d].radio[sf]) {
                snprintf(name, sizeof name, "lora.dev%zu.sf%d", d, sf);
                s = ng_gmm_io_add(w, name, m->devices[d].radio[sf], err);
            }
    return s;
}

ng_status ng_lora_model_save(const ng_lora_model *m, const char *path, ng_error *err)
{
    ng_model_writer *w;
    ng_status s = ng_model_writer_new(&w, err);
    if (s != NG_OK)
        return s;
    json_t *h = model_json(m);
    s = h ? ng_model_writer_set_header(w, h, err)
          : ng_fail(err, NG_ENOMEM, "cannot build the LoRa model header");
    json_decref(h);
    if (s == NG_OK)
        s = add_mixtures(w, m, err);
    if (s == NG_OK)
        s = ng_model_writer_save(w, path, err);
    ng_model_writer_free(w);
    return s;
}

/* ---- loading ---- */

typedef struct ctx {
    const char *path;
    ng_error *err;
} ctx;

static ng_status bad(const ctx *c, const char *what, long dev)
{
    if (dev >= 0)
        return ng_fail(c->err, NG_EFORMAT, "%s: LoRa model device %ld: bad or missing %s", c->path, dev, what);
    return ng_fail(c->err, NG_EFORMAT, "%s: LoRa model: bad or missing %s", c->path, what);
}

/* A JSON array of n finite numbers (n == 0: any length up to max, *got set). */
static int read_doubles(const json_t *a, double **out, size_t n, size_t max, size_t *got)
{
    if (!json_is_array(a) || (n && json_array_size(a) != n) || json_array_size(a) > max)
        return -1;
    size_t k = json_array_size(a);
    double *v = malloc((k + 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < k; i++) {
        json_t *x = json_array_get(a, i);
        v[i] = json_number_value(x);
        if (!json_is_number(x) || !isfinite(v[i])) {
            free(v);
            return -1;
        }
    }
    *out = v;
    if (got)
        *got = k;
    return 0;
}

static int weights_ok(const double *w, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] >= 0))
            return 0;
        s += w[i];
    }
    return n > 0 && s > 0 && isfinite(s);
}

static int ascending(const double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!(v[i] >= v[i - 1]))
            return 0;
    return 1;
}

static int int_in(const json_t *a, size_t i, long lo, long hi, long *out)
{
    json_t *x = json_array_get(a, i);
    if (!json_is_integer(x) || json_integer_value(x) < lo || json_integer_value(x) > hi)
        return -1;
    *out = (long)json_integer_value(x);
    return 0;
}

static int read_tuple(const json_t *t, ng_lora_tuple *out, double *w)
{
    static const long lo[9] = {0, 0, 0, 0, 0, -1, -1, 1, 0};
    static const long hi[9] = {7, 3, 255, 12, 8, 1, 255, 255, 1000};
    long v[9];
    if (!json_is_array(t) || json_array_size(t) != 10)
        return -1;
    for (size_t i = 0; i < 9; i++)
        if (int_in(t, i, lo[i], hi[i], &v[i]))
            return -1;
    *w = json_number_value(json_array_get(t, 9));
    *out = (ng_lora_tuple){.mtype = (uint8_t)v[0], .major = (uint8_t)v[1], .fctrl = (uint8_t)v[2],
                           .sf = (uint8_t)v[3], .cr = (uint8_t)v[4], .crc = (int8_t)v[5],
                           .fport = (int16_t)v[6], .phy_len = (uint16_t)v[7], .bw_khz = (uint16_t)v[8]};
    return json_is_number(json_array_get(t, 9)) ? 0 : -1;
}

static ng_status load_tuples(const ctx *c, const json_t *a, ng_lora_device *d, long dev)
{
    size_t n = json_array_size(a);
    if (!json_is_array(a) || n == 0 || n > 1000000)
        return bad(c, "tuples", dev);
    d->tuples = calloc(n, sizeof *d->tuples);
    d->tuple_w = calloc(n, sizeof *d->tuple_w);
    if (!d->tuples || !d->tuple_w)
        return ng_fail(c->err, NG_ENOMEM, "out of memory loading %s", c->path);
    d->n_tuples = n;
    for (size_t i = 0; i < n; i++)
        if (read_tuple(json_array_get(a, i), &d->tuples[i], &d->tuple_w[i]))
            return bad(c, "tuple", dev);
    return weights_ok(d->tuple_w, n) ? NG_OK : bad(c, "tuple weights", dev);
}

static ng_status load_inc(const ctx *c, const json_t *a, ng_lora_device *d, long dev)
{
    size_t n = json_array_size(a);
    if (!json_is_array(a) || n == 0 || n > NG_LORA_MAX_INC)
        return bad(c, "inc", dev);
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(a, i);
        long v;
        if (!json_is_array(p) || json_array_size(p) != 2 || int_in(p, 0, 1, 64, &v) ||
            !json_is_number(json_array_get(p, 1)))
            return bad(c, "inc", dev);
        d->inc[i] = (uint32_t)v;
        d->inc_w[i] = json_number_value(json_array_get(p, 1));
    }
    d->n_inc = n;
    return weights_ok(d->inc_w, n) ? NG_OK : bad(c, "inc weights", dev);
}

static ng_status load_period(const ctx *c, const json_t *q, ng_lora_device *d, long dev)
{
    if (!q)
        return d->n < 2 ? NG_OK : bad(c, "log_period_q", dev);
    double *v;
    if (read_doubles(q, &v, NG_LORA_NQ, NG_LORA_NQ, NULL))
        return bad(c, "log_period_q", dev);
    memcpy(d->log_period_q, v, sizeof d->log_period_q);
    free(v);
    if (!ascending(d->log_period_q, NG_LORA_NQ) || d->log_period_q[0] < -20 ||
        d->log_period_q[NG_LORA_NQ - 1] > 25)
        return bad(c, "log_period_q (not ascending or out of range)", dev);
    d->has_period = 1;
    return NG_OK;
}

static ng_status load_radio(const ctx *c, const ng_model_file *f, const json_t *a,
                            ng_lora_device *d, long dev)
{
    if (!json_is_array(a) || json_array_size(a) > 13)
        return bad(c, "radio_sfs", dev);
    ng_status s = NG_OK;
    for (size_t i = 0; s == NG_OK && i < json_array_size(a); i++) {
        long sf;
        char name[64];
        if (int_in(a, i, 0, 12, &sf) || d->radio[sf])
            return bad(c, "radio_sfs", dev);
        snprintf(name, sizeof name, "lora.dev%ld.sf%ld", dev, sf);
        s = ng_gmm_io_load(f, name, &d->radio[sf], c->err);
        if (s == NG_OK && d->radio[sf]->d != 2)
            s = bad(c, "radio mixture dimension", dev);
    }
    return s;
}

static ng_status load_device(const ctx *c, const ng_model_file *f, const ng_lora_model *m,
                             const json_t *o, ng_lora_device *d, long dev)
{
    json_t *addr = json_object_get(o, "addr"), *n = json_object_get(o, "n");
    json_t *fc = json_object_get(o, "fcnt0");
    d->first = json_number_value(json_object_get(o, "first"));
    d->last = json_number_value(json_object_get(o, "last"));
    if (!json_is_integer(addr) || json_integer_value(addr) < 0 || json_integer_value(addr) > 0xffffffffLL ||
        !json_is_integer(n) || json_integer_value(n) < 1 || !json_is_integer(fc) ||
        json_integer_value(fc) < 0 || json_integer_value(fc) > 0xffffffffLL ||
        !(d->first >= 0 && d->first <= d->last && d->last <= 1.0))
        return bad(c, "addr/n/first/last/fcnt0", dev);
    d->dev_addr = (uint32_t)json_integer_value(addr);
    d->n = (size_t)json_integer_value(n);
    d->fcnt0 = (uint32_t)json_integer_value(fc);
    if (read_doubles(json_object_get(o, "chan_w"), &d->chan_w, m->n_freqs, m->n_freqs, NULL) ||
        !weights_ok(d->chan_w, m->n_freqs))
        return bad(c, "chan_w", dev);
    ng_status s = load_tuples(c, json_object_get(o, "tuples"), d, dev);
    if (s == NG_OK)
        s = load_inc(c, json_object_get(o, "inc"), d, dev);
    if (s == NG_OK)
        s = load_period(c, json_object_get(o, "log_period_q"), d, dev);
    if (s == NG_OK)
        s = load_radio(c, f, json_object_get(o, "radio_sfs"), d, dev);
    return s;
}

static ng_status load_globals(const ctx *c, const json_t *h, ng_lora_model *m)
{
    json_t *kind = json_object_get(h, "kind"), *ver = json_object_get(h, "lora_version");
    if (!json_is_string(kind) || strcmp(json_string_value(kind), "lora"))
        return ng_fail(c->err, NG_EFORMAT, "%s: not a LoRa model (header kind is not \"lora\")", c->path);
    if (!json_is_integer(ver) || json_integer_value(ver) != LORA_VERSION)
        return ng_fail(c->err, NG_EUNSUPPORTED, "%s: LoRa model version not %d", c->path, LORA_VERSION);
    json_t *st = json_object_get(h, "start_ns"), *nt = json_object_get(h, "n_train");
    m->span_s = json_number_value(json_object_get(h, "span_s"));
    if (!json_is_integer(st) || !json_is_integer(nt) || json_integer_value(nt) < 0 ||
        !(m->span_s >= 1.0 && m->span_s < 1e10))
        return bad(c, "start_ns/span_s/n_train", -1);
    m->start_ns = (int64_t)json_integer_value(st);
    m->n_train = (size_t)json_integer_value(nt);
    json_t *fr = json_object_get(h, "freqs");
    if (!json_is_array(fr) || json_array_size(fr) < 1 || json_array_size(fr) > NG_LORA_MAX_FREQS)
        return bad(c, "freqs", -1);
    for (size_t i = 0; i < json_array_size(fr); i++) {
        long v;
        if (int_in(fr, i, 0, 4000000000L, &v))
            return bad(c, "freqs", -1);
        m->freqs[i] = (uint32_t)v;
    }
    m->n_freqs = json_array_size(fr);
    if (read_doubles(json_object_get(h, "rssi_grid"), &m->rssi_grid, 0, 100000, &m->n_rssi_grid) ||
        !ascending(m->rssi_grid, m->n_rssi_grid) ||
        read_doubles(json_object_get(h, "snr_grid"), &m->snr_grid, 0, 100000, &m->n_snr_grid) ||
        !ascending(m->snr_grid, m->n_snr_grid))
        return bad(c, "rssi_grid/snr_grid", -1);
    return NG_OK;
}

static ng_status load_sf_mixtures(const ctx *c, const ng_model_file *f, ng_lora_model *m)
{
    char name[64];
    ng_status s = NG_OK;
    for (int sf = 0; s == NG_OK && sf <= 12; sf++) {
        snprintf(name, sizeof name, "lora.sf%d.weights", sf);
        if (!ng_model_file_find(f, name))
            continue;
        snprintf(name, sizeof name, "lora.sf%d", sf);
        s = ng_gmm_io_load(f, name, &m->sf_radio[sf], c->err);
        if (s == NG_OK && m->sf_radio[sf]->d != 2)
            s = bad(c, "SF mixture dimension", -1);
    }
    return s;
}

static ng_status load_model(const ctx *c, const ng_model_file *f, ng_lora_model *m)
{
    ng_status s = load_globals(c, f->header, m);
    json_t *devs = json_object_get(f->header, "devices");
    if (s == NG_OK && (!json_is_array(devs) || json_array_size(devs) == 0))
        s = bad(c, "devices", -1);
    if (s == NG_OK) {
        m->devices = calloc(json_array_size(devs), sizeof *m->devices);
        if (!m->devices)
            return ng_fail(c->err, NG_ENOMEM, "out of memory loading %s", c->path);
        m->n_devices = json_array_size(devs);
    }
    for (size_t d = 0; s == NG_OK && d < m->n_devices; d++)
        s = load_device(c, f, m, json_array_get(devs, d), &m->devices[d], (long)d);
    if (s == NG_OK)
        s = load_sf_mixtures(c, f, m);
    return s;
}

ng_status ng_lora_model_load(const char *path, ng_lora_model **out, ng_error *err)
{
    ng_model_file *f;
    ng_status s = ng_model_file_load(path, &f, err);
    if (s != NG_OK)
        return s;
    ng_lora_model *m = calloc(1, sizeof *m);
    ctx c = {path, err};
    s = m ? load_model(&c, f, m) : ng_fail(err, NG_ENOMEM, "out of memory loading %s", path);
    ng_model_file_free(f);
    if (s != NG_OK) {
        ng_lora_model_free(m);
        return s;
    }
    *out = m;
    return NG_OK;
}
