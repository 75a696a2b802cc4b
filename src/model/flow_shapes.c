/* flow_shapes.c — per-class flow-shape mixtures and start/end shares (flow_shapes.h). */
#include "model/flow_shapes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/aggregate_json.h"
#include "model/gmm_io.h"
#include "stats/gmm_select.h"

#define DURATION_FLOOR_S 1e-6

void ng_flow_shape_point(const ng_flow *f, double x[NG_SHAPE_DIMS])
{
    uint64_t packets = ng_flow_packets(f), bytes = ng_flow_bytes(f);
    double dur_s = (double)ng_ts_gap(f->last_ns, f->start_ns) * 1e-9;
    x[0] = log10((double)(packets ? packets : 1));
    x[1] = log10((double)(bytes ? bytes : 1));
    x[2] = log10((dur_s > 0 ? dur_s : 0.0) + DURATION_FLOOR_S);
}

static size_t packet_bucket(uint64_t packets)
{
    return packets <= 1 ? 0 : packets <= 3 ? 1 : 2;
}

static void count_flow(ng_class_shape *c, const ng_flow *f)
{
    uint64_t packets = ng_flow_packets(f), bytes = ng_flow_bytes(f);
    uint64_t lo = packets ? bytes / packets : 0, hi = packets ? (bytes + packets - 1) / packets : 0;
    if (c->flows == 0 || lo < c->min_frame)
        c->min_frame = (uint32_t)(lo < UINT32_MAX ? lo : UINT32_MAX);
    if (hi > c->max_frame)
        c->max_frame = (uint32_t)(hi < UINT32_MAX ? hi : UINT32_MAX);
    uint8_t s = f->start_reason < NG_FLOW_START_COUNT ? f->start_reason : NG_FLOW_START_NONE;
    uint8_t e = f->end_reason < NG_FLOW_END_COUNT ? f->end_reason : NG_FLOW_END_EOF;
    c->start_end[packet_bucket(packets)][s][e]++;
    c->flows++;
}

static ng_status fit_class(ng_class_shape *c, const double *x, size_t n, size_t k_max,
                           uint64_t seed, ng_error *err)
{
    ng_gmm_select_options opt = ng_gmm_select_default_options();
    opt.k_min = 1;
    opt.k_max = n < NG_SHAPE_SMALL_CLASS ? 1 : (k_max < n / 5 ? k_max : n / 5);
    if (opt.k_max < 1)
        opt.k_max = 1;
    opt.gmm.seed = seed;
    opt.gmm.reg_covar = 1e-4;
    opt.gmm.n_init = 2;
    return ng_gmm_select(x, n, NG_SHAPE_DIMS, &opt, &c->gmm, NULL, err);
}

static ng_status train_class(ng_flow_shapes *s, const ng_dataset *ds, uint8_t cls, double *x,
                             size_t k_max, uint64_t seed, ng_error *err)
{
    ng_class_shape *c = &s->cls[cls];
    size_t n = 0;
    for (size_t i = 0; i < ds->n_flows; i++) {
        if (ds->flows[i].app_class != cls)
            continue;
        count_flow(c, &ds->flows[i]);
        ng_flow_shape_point(&ds->flows[i], x + NG_SHAPE_DIMS * n++);
    }
    if (n == 0)
        return NG_OK;
    ng_error fit_err;
    ng_status st = fit_class(c, x, n, k_max, seed + cls, &fit_err);
    if (st)
        return ng_fail(err, st, "aggregate level: flow shapes of class %s: %s",
                       ng_app_class_name(cls), fit_err.msg);
    return NG_OK;
}

ng_status ng_flow_shapes_train(ng_flow_shapes *s, const ng_dataset *ds, size_t k_max,
                               uint64_t seed, ng_error *err)
{
    memset(s, 0, sizeof *s);
    double *x = malloc((ds->n_flows ? ds->n_flows : 1) * NG_SHAPE_DIMS * sizeof *x);
    if (!x)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for flow shapes");
    ng_status st = NG_OK;
    for (uint8_t cls = 0; st == NG_OK && cls < NG_APP_COUNT; cls++)
        st = train_class(s, ds, cls, x, k_max, seed, err);
    free(x);
    if (st)
        ng_flow_shapes_free(s);
    return st;
}

void ng_flow_shapes_free(ng_flow_shapes *s)
{
    for (size_t c = 0; c < NG_APP_COUNT; c++)
        ng_gmm_free(s->cls[c].gmm);
    memset(s, 0, sizeof *s);
}

/* ---- sampling ---- */

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void sample_start_end(const ng_class_shape *c, size_t bucket, ng_rng *rng,
                             ng_flow_plan *plan)
{
    enum { CELLS = NG_FLOW_START_COUNT * NG_FLOW_END_COUNT };
    double w[CELLS], total = 0;
    for (size_t pass = 0; pass < 2 && total == 0; pass++) {
        for (size_t i = 0; i < CELLS; i++) {
            size_t s = i / NG_FLOW_END_COUNT, e = i % NG_FLOW_END_COUNT;
            w[i] = 0;
            for (size_t b = 0; b < NG_SHAPE_BUCKETS; b++)
                if (pass == 1 || b == bucket)
                    w[i] += (double)c->start_end[b][s][e];
            total += w[i];
        }
    }
    size_t cell = total > 0 ? ng_rng_categorical(rng, w, CELLS)
                            : NG_FLOW_START_NONE * NG_FLOW_END_COUNT + NG_FLOW_END_IDLE;
    plan->start_reason = (uint8_t)(cell / NG_FLOW_END_COUNT);
    plan->end_reason = (uint8_t)(cell % NG_FLOW_END_COUNT);
}

void ng_flow_shapes_sample(const ng_flow_shapes *s, uint8_t cls, ng_rng *rng,
                           ng_flow_plan *plan)
{
    const ng_class_shape *c = &s->cls[cls];
    double x[NG_SHAPE_DIMS];
    ng_gmm_sample(c->gmm, rng, 1, x, NULL);
    double packets = floor(pow(10.0, clamp(x[0], 0.0, 9.0)) + 0.5);
    double lo = packets * c->min_frame, hi = packets * c->max_frame;
    double bytes = clamp(floor(pow(10.0, clamp(x[1], 0.0, 15.0)) + 0.5), lo, hi);
    double dur_s = pow(10.0, clamp(x[2], -6.0, 7.0)) - DURATION_FLOOR_S;
    plan->target_packets = (uint32_t)packets;
    plan->target_bytes = (uint64_t)bytes;
    plan->target_duration_ns = packets <= 1 || dur_s <= 0 ? 0 : (int64_t)(dur_s * 1e9);
    sample_start_end(c, packet_bucket(plan->target_packets), rng, plan);
}

/* ---- model file ---- */

static void tensor_prefix(char *buf, size_t size, uint8_t cls)
{
    snprintf(buf, size, "aggregate.shape.%s", ng_app_class_name(cls));
}

json_t *ng_flow_shapes_class_to_json(const ng_flow_shapes *s, uint8_t cls)
{
    const ng_class_shape *c = &s->cls[cls];
    json_t *buckets = json_array();
    for (size_t b = 0; b < NG_SHAPE_BUCKETS; b++) {
        json_t *cells = json_array();
        for (size_t st = 0; st < NG_FLOW_START_COUNT; st++)
            for (size_t e = 0; e < NG_FLOW_END_COUNT; e++)
                json_array_append_new(cells, json_integer((json_int_t)c->start_end[b][st][e]));
        json_array_append_new(buckets, cells);
    }
    return json_pack("{s:I, s:I, s:I, s:o}", "k", (json_int_t)c->gmm->k, "min_frame",
                     (json_int_t)c->min_frame, "max_frame", (json_int_t)c->max_frame,
                     "start_end", buckets);
}

ng_status ng_flow_shapes_add_tensors(const ng_flow_shapes *s, ng_model_writer *w, ng_error *err)
{
    char prefix[96];
    for (uint8_t cls = 0; cls < NG_APP_COUNT; cls++) {
        if (!s->cls[cls].flows)
            continue;
        tensor_prefix(prefix, sizeof prefix, cls);
        ng_status st = ng_gmm_io_add(w, prefix, s->cls[cls].gmm, err);
        if (st)
            return st;
    }
    return NG_OK;
}

static void read_start_end(ng_json_reader *r, const json_t *arr, ng_class_shape *c)
{
    enum { CELLS = NG_FLOW_START_COUNT * NG_FLOW_END_COUNT };
    uint64_t total = 0;
    if (r->st)
        return;
    if (json_array_size(arr) != NG_SHAPE_BUCKETS) {
        ng_json_reader_fail(r, "'start_end' must hold %d buckets", NG_SHAPE_BUCKETS);
        return;
    }
    for (size_t b = 0; b < NG_SHAPE_BUCKETS; b++) {
        const json_t *cells = json_array_get(arr, b);
        if (!json_is_array(cells) || json_array_size(cells) != CELLS) {
            ng_json_reader_fail(r, "'start_end[%zu]' must be an array of %d counts", b, CELLS);
            return;
        }
        for (size_t i = 0; i < CELLS; i++) {
            const json_t *v = json_array_get(cells, i);
            if (!json_is_integer(v) || json_integer_value(v) < 0) {
                ng_json_reader_fail(r, "'start_end[%zu][%zu]' is not a count >= 0", b, i);
                return;
            }
            c->start_end[b][i / NG_FLOW_END_COUNT][i % NG_FLOW_END_COUNT] =
                (uint64_t)json_integer_value(v);
            total += (uint64_t)json_integer_value(v);
        }
    }
    if (total != c->flows)
        ng_json_reader_fail(r, "'start_end' counts sum to %llu, not the class's %llu flows",
                            (unsigned long long)total, (unsigned long long)c->flows);
}

ng_status ng_flow_shapes_class_load(ng_flow_shapes *s, uint8_t cls, uint64_t flows,
                                    const json_t *json, const ng_model_file *m, ng_error *err)
{
    ng_class_shape *c = &s->cls[cls];
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s: header 'aggregate.classes[%s].shape'", m->path,
                        ng_app_class_name(cls));
    if (!json_is_object(json))
        ng_json_reader_fail(&r, "missing or not an object");
    c->flows = flows;
    int64_t k = ng_json_read_int(&r, json, "k", 1, 4096);
    c->min_frame = (uint32_t)ng_json_read_int(&r, json, "min_frame", 0, UINT32_MAX);
    c->max_frame = (uint32_t)ng_json_read_int(&r, json, "max_frame", c->min_frame, UINT32_MAX);
    read_start_end(&r, ng_json_read_array(&r, json, "start_end"), c);
    if (r.st)
        return r.st;
    char prefix[96];
    tensor_prefix(prefix, sizeof prefix, cls);
    ng_status st = ng_gmm_io_load(m, prefix, &c->gmm, err);
    if (st)
        return st;
    if (c->gmm->k != (size_t)k || c->gmm->d != NG_SHAPE_DIMS)
        return ng_fail(err, NG_EFORMAT,
                       "%s: tensors '%s.*' hold %zu components of %zu dims, header says k = %lld "
                       "of %d",
                       m->path, prefix, c->gmm->k, c->gmm->d, (long long)k, NG_SHAPE_DIMS);
    return NG_OK;
}
