/* lora_compare.c — distances between real and synthetic LoRaWAN uplinks
 * (see lora_compare.h). */
#include "report/lora_compare.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "stats/metrics.h"

typedef struct dev_time {
    uint32_t addr;
    int64_t t;
    uint32_t fcnt;
} dev_time;

static int cmp_dev_time(const void *a, const void *b)
{
    const dev_time *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->t < y->t ? -1 : x->t > y->t;
}

/* Per-device gaps (s) into gaps (n entries max); counts devices and FCnt violations. */
static ng_status device_gaps(const ng_lora_records *r, double *gaps, size_t *n_gaps,
                             size_t *devices, size_t *violations, ng_error *err)
{
    dev_time *v = malloc((r->n + 1) * sizeof *v);
    if (!v)
        return ng_fail(err, NG_ENOMEM, "out of memory for per-device gaps");
    for (size_t i = 0; i < r->n; i++)
        v[i] = (dev_time){r->v[i].dev_addr, r->v[i].time_ns, r->v[i].fcnt};
    qsort(v, r->n, sizeof *v, cmp_dev_time);
    *n_gaps = *devices = *violations = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (i == 0 || v[i].addr != v[i - 1].addr) {
            (*devices)++;
            continue;
        }
        gaps[(*n_gaps)++] = (double)(v[i].t - v[i - 1].t) * 1e-9;
        *violations += v[i].fcnt <= v[i - 1].fcnt;
    }
    free(v);
    return NG_OK;
}

typedef double (*field_fn)(const ng_lora_record *r);
static double f_len(const ng_lora_record *r) { return r->phy_len; }
static double f_rssi(const ng_lora_record *r) { return r->rssi; }
static double f_snr(const ng_lora_record *r) { return r->snr; }

static ng_status ks_field(const ng_lora_records *a, const ng_lora_records *b, field_fn f,
                          double *buf_a, double *buf_b, double *out, ng_error *err)
{
    for (size_t i = 0; i < a->n; i++)
        buf_a[i] = f(&a->v[i]);
    for (size_t i = 0; i < b->n; i++)
        buf_b[i] = f(&b->v[i]);
    return ng_ks_statistic(buf_a, a->n, buf_b, b->n, out, err);
}

static double jsd_sf_or_mtype(const ng_lora_records *a, const ng_lora_records *b, int sf)
{
    double p[16] = {0}, q[16] = {0};
    for (size_t i = 0; i < a->n; i++)
        p[(sf ? a->v[i].sf : a->v[i].mtype) & 15] += 1;
    for (size_t i = 0; i < b->n; i++)
        q[(sf ? b->v[i].sf : b->v[i].mtype) & 15] += 1;
    return ng_jsd(p, q, 16);
}

static size_t bin_of(uint32_t *keys, size_t *nk, uint32_t f)
{
    for (size_t i = 0; i < *nk; i++)
        if (keys[i] == f)
            return i;
    if (*nk == 256)
        return 255;
    keys[*nk] = f;
    return (*nk)++;
}

static double jsd_channel(const ng_lora_records *a, const ng_lora_records *b)
{
    uint32_t keys[256];
    size_t nk = 0;
    double p[256] = {0}, q[256] = {0};
    for (size_t i = 0; i < a->n; i++)
        p[bin_of(keys, &nk, a->v[i].freq_hz)] += 1;
    for (size_t i = 0; i < b->n; i++)
        q[bin_of(keys, &nk, b->v[i].freq_hz)] += 1;
    return ng_jsd(p, q, nk ? nk : 1);
}

ng_status ng_lora_compare(const ng_lora_records *real, const ng_lora_records *synth,
                          ng_lora_comparison *c, ng_error *err)
{
    memset(c, 0, sizeof *c);
    c->n_real = real->n;
    c->n_synth = synth->n;
    double *a = malloc((real->n + 1) * sizeof *a), *b = malloc((synth->n + 1) * sizeof *b);
    ng_status s = a && b ? NG_OK : ng_fail(err, NG_ENOMEM, "out of memory comparing uplinks");
    if (s == NG_OK)
        s = ks_field(real, synth, f_len, a, b, &c->ks_length, err);
    if (s == NG_OK)
        s = ks_field(real, synth, f_rssi, a, b, &c->ks_rssi, err);
    if (s == NG_OK)
        s = ks_field(real, synth, f_snr, a, b, &c->ks_snr, err);
    size_t na = 0, nb = 0;
    if (s == NG_OK)
        s = device_gaps(real, a, &na, &c->devices_real, &c->fcnt_violations_real, err);
    if (s == NG_OK)
        s = device_gaps(synth, b, &nb, &c->devices_synth, &c->fcnt_violations_synth, err);
    if (s == NG_OK)
        s = ng_ks_statistic(a, na, b, nb, &c->ks_iat, err);
    c->jsd_sf = jsd_sf_or_mtype(real, synth, 1);
    c->jsd_mtype = jsd_sf_or_mtype(real, synth, 0);
    c->jsd_channel = jsd_channel(real, synth);
    free(a);
    free(b);
    return s;
}

bool ng_lora_compare_passes(const ng_lora_comparison *c)
{
    double ks[] = {c->ks_length, c->ks_iat, c->ks_rssi, c->ks_snr};
    double jsd[] = {c->jsd_sf, c->jsd_channel, c->jsd_mtype};
    for (int i = 0; i < 4; i++)
        if (!(ks[i] <= NG_LORA_KS_TARGET))
            return false;
    for (int i = 0; i < 3; i++)
        if (!(jsd[i] <= NG_LORA_JSD_TARGET))
            return false;
    return c->fcnt_violations_synth == 0;
}

static void line(FILE *fp, const char *name, double v, double target)
{
    fprintf(fp, "  %-28s %8.4f   <= %.2f  %s\n", name, v, target, v <= target ? "ok" : "FAIL");
}

void ng_lora_compare_print(const ng_lora_comparison *c, FILE *fp)
{
    fprintf(fp, "uplinks: real %zu, synthetic %zu; devices: real %zu, synthetic %zu\n",
            c->n_real, c->n_synth, c->devices_real, c->devices_synth);
    line(fp, "KS payload length", c->ks_length, NG_LORA_KS_TARGET);
    line(fp, "KS per-device inter-arrival", c->ks_iat, NG_LORA_KS_TARGET);
    line(fp, "KS RSSI", c->ks_rssi, NG_LORA_KS_TARGET);
    line(fp, "KS SNR", c->ks_snr, NG_LORA_KS_TARGET);
    line(fp, "JSD SF mix", c->jsd_sf, NG_LORA_JSD_TARGET);
    line(fp, "JSD channel mix", c->jsd_channel, NG_LORA_JSD_TARGET);
    line(fp, "JSD MType mix", c->jsd_mtype, NG_LORA_JSD_TARGET);
    fprintf(fp, "  %-28s %8zu   == 0     %s (real: %zu)\n", "FCnt not increasing", c->fcnt_violations_synth,
            c->fcnt_violations_synth ? "FAIL" : "ok", c->fcnt_violations_real);
}

ng_status ng_lora_compare_write_json(const ng_lora_comparison *c, const char *path, ng_error *err)
{
    json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:I,s:I,s:b}",
                          "uplinks_real", (json_int_t)c->n_real, "uplinks_synth", (json_int_t)c->n_synth,
                          "devices_real", (json_int_t)c->devices_real, "devices_synth", (json_int_t)c->devices_synth,
                          "ks_payload_length", c->ks_length, "ks_device_iat", c->ks_iat,
                          "ks_rssi", c->ks_rssi, "ks_snr", c->ks_snr, "jsd_sf", c->jsd_sf,
                          "jsd_channel", c->jsd_channel, "jsd_mtype", c->jsd_mtype,
                          "fcnt_violations_real", (json_int_t)c->fcnt_violations_real,
                          "fcnt_violations_synth", (json_int_t)c->fcnt_violations_synth,
                          "passes", ng_lora_compare_passes(c));
    if (!o)
        return ng_fail(err, NG_EINVAL, "cannot build the comparison JSON (a value is not finite?)");
    ng_outfile out;
    ng_status s = ng_outfile_open(&out, path, err);
    if (s == NG_OK) {
        json_dumpf(o, out.fp, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', out.fp);
        s = ng_outfile_commit(&out, err);
        if (s != NG_OK)
            ng_outfile_abort(&out);
    }
    json_decref(o);
    return s;
}
