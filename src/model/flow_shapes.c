/* flow_shapes.c — flow-shape mixtures and start/end shares per (class, kind)
 * (flow_shapes.h). */
#include "model/flow_shapes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/aggregate_json.h"
#include "model/gmm_io.h"
#include "stats/gmm_select.h"

#define DURATION_FLOOR_S 1e-6
#define NG_SHAPE_FIT_POINTS 5000

uint32_t ng_flow_kind(bool is_noflow, uint16_t ethertype, uint8_t ip_proto)
{
    return is_noflow ? 1u << 24 | (uint32_t)ethertype << 8 | ip_proto : ip_proto;
}

static uint32_t kind_of_flow(const ng_flow *f)
{
    return ng_flow_kind(f->is_noflow, f->ethertype, f->ip_proto);
}

static uint8_t class_of_flow(const ng_flow *f)
{
    return f->app_class < NG_APP_COUNT ? f->app_class : NG_APP_NOFLOW;
}

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

const ng_shape_group *ng_flow_shapes_find(const ng_flow_shapes *s, uint8_t cls, uint32_t kind)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->groups[i].app_class == cls && s->groups[i].kind == kind)
            return &s->groups[i];
    return NULL;
}

const ng_shape_group *ng_flow_shapes_largest(const ng_flow_shapes *s, uint8_t cls)
{
    const ng_shape_group *best = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->groups[i].app_class == cls && (!best || s->groups[i].flows > best->flows))
            best = &s->groups[i];
    return best;
}

/* ---- training ---- */

static void count_flow(ng_shape_group *g, const ng_flow *f)
{
    uint64_t packets = ng_flow_packets(f), bytes = ng_flow_bytes(f);
    uint64_t lo = packets ? bytes / packets : 0, hi = packets ? (bytes + packets - 1) / packets : 0;
    if (g->flows == 0 || lo < g->min_frame)
        g->min_frame = (uint32_t)(lo < UINT32_MAX ? lo : UINT32_MAX);
    if (hi > g->max_frame)
        g->max_frame = (uint32_t)(hi < UINT32_MAX ? hi : UINT32_MAX);
    uint8_t st = f->start_reason < NG_FLOW_START_COUNT ? f->start_reason : NG_FLOW_START_NONE;
    uint8_t e = f->end_reason < NG_FLOW_END_COUNT ? f->end_reason : NG_FLOW_END_EOF;
    g->start_end[packet_bucket(packets)][st][e]++;
    g->flows++;
}

static int by_class_then_kind(const void *a, const void *b)
{
    const ng_shape_group *x = a, *y = b;
    if (x->app_class != y->app_class)
        return x->app_class < y->app_class ? -1 : 1;
    return x->kind < y->kind ? -1 : x->kind > y->kind;
}

/* The distinct (class, kind) pairs of the dataset, sorted. */
static ng_status make_groups(ng_flow_shapes *s, const ng_dataset *ds, ng_error *err)
{
    s->groups = calloc(NG_SHAPE_MAX_GROUPS, sizeof *s->groups);
    if (!s->groups)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for flow shapes");
    for (size_t i = 0; i < ds->n_flows; i++) {
        uint8_t cls = class_of_flow(&ds->flows[i]);
        uint32_t kind = kind_of_flow(&ds->flows[i]);
        if (ng_flow_shapes_find(s, cls, kind))
            continue;
        if (s->n == NG_SHAPE_MAX_GROUPS)
            return ng_fail(err, NG_EUNSUPPORTED,
                           "aggregate level: more than %d (class, protocol) groups",
                           NG_SHAPE_MAX_GROUPS);
        s->groups[s->n].app_class = cls;
        s->groups[s->n++].kind = kind;
    }
    qsort(s->groups, s->n, sizeof *s->groups, by_class_then_kind);
    return NG_OK;
}

/* Few flows: one narrow component per flow (empirical resampling with jitter: a
 * kernel of a quarter of each dimension's spread, at least 0.01 on the log10 scale,
 * ±2%) — a Gaussian or two through a dozen points would invent sizes between and
 * beyond them (finger, 19 flows: bytes KS 0.27 with BIC's K = 1). Still a mixture, so
 * it saves and loads as one. */
static ng_status empirical_mixture(ng_shape_group *g, const double *x, size_t n, ng_error *err)
{
    ng_status st = ng_gmm_new(n, NG_SHAPE_DIMS, NG_GMM_FULL, &g->gmm, err);
    if (st)
        return st;
    double var[NG_SHAPE_DIMS];
    for (size_t d = 0; d < NG_SHAPE_DIMS; d++) {
        double mean = 0, sq = 0;
        for (size_t i = 0; i < n; i++)
            mean += x[i * NG_SHAPE_DIMS + d] / (double)n;
        for (size_t i = 0; i < n; i++)
            sq += (x[i * NG_SHAPE_DIMS + d] - mean) * (x[i * NG_SHAPE_DIMS + d] - mean) / (double)n;
        var[d] = sq / 16 > 1e-4 ? sq / 16 : 1e-4;
    }
    for (size_t c = 0; c < n; c++) {
        g->gmm->weights[c] = 1.0 / (double)n;
        memcpy(g->gmm->means + c * NG_SHAPE_DIMS, x + c * NG_SHAPE_DIMS,
               NG_SHAPE_DIMS * sizeof *x);
        double *cov = g->gmm->covariances + c * NG_SHAPE_DIMS * NG_SHAPE_DIMS;
        for (size_t d = 0; d < NG_SHAPE_DIMS; d++)
            cov[d * NG_SHAPE_DIMS + d] = var[d];
    }
    return ng_gmm_prepare(g->gmm, err);
}

static ng_status fit_group(ng_shape_group *g, const double *x, size_t n, size_t k_max,
                           uint64_t seed, ng_error *err)
{
    if (n < NG_SHAPE_SMALL_GROUP)
        return empirical_mixture(g, x, n, err);
    ng_gmm_select_options opt = ng_gmm_select_default_options();
    opt.k_min = 1;
    opt.k_max = k_max < n / 5 ? k_max : n / 5;
    if (opt.k_max < 1)
        opt.k_max = 1;
    opt.gmm.seed = seed;
    opt.patience = 0;
    opt.gmm.reg_covar = 1e-4;
    opt.gmm.n_init = 8;
    return ng_gmm_select(x, n, NG_SHAPE_DIMS, &opt, &g->gmm, NULL, err);
}

/* Keep at most NG_SHAPE_FIT_POINTS of n points (a seeded partial shuffle), so the
 * mixture search stays fast on large captures. */
static size_t subsample(double *x, size_t n, uint64_t seed)
{
    if (n <= NG_SHAPE_FIT_POINTS)
        return n;
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    for (size_t i = 0; i < NG_SHAPE_FIT_POINTS; i++) {
        size_t j = i + (size_t)ng_rng_below(&rng, n - i);
        for (size_t d = 0; d < NG_SHAPE_DIMS; d++) {
            double t = x[i * NG_SHAPE_DIMS + d];
            x[i * NG_SHAPE_DIMS + d] = x[j * NG_SHAPE_DIMS + d];
            x[j * NG_SHAPE_DIMS + d] = t;
        }
    }
    return NG_SHAPE_FIT_POINTS;
}

static ng_status train_group(ng_shape_group *g, const ng_dataset *ds, double *x, size_t k_max,
                             uint64_t seed, ng_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->n_flows; i++) {
        const ng_flow *f = &ds->flows[i];
        if (class_of_flow(f) != g->app_class || kind_of_flow(f) != g->kind)
            continue;
        count_flow(g, f);
        ng_flow_shape_point(f, x + NG_SHAPE_DIMS * n++);
    }
    n = subsample(x, n, seed ^ g->kind);
    ng_error fit_err;
    ng_status st = fit_group(g, x, n, k_max, seed + g->app_class * 7919u + g->kind, &fit_err);
    if (st)
        return ng_fail(err, st, "aggregate level: flow shapes of class %s, kind %u: %s",
                       ng_app_class_name(g->app_class), g->kind, fit_err.msg);
    return NG_OK;
}

ng_status ng_flow_shapes_train(ng_flow_shapes *s, const ng_dataset *ds, size_t k_max,
                               uint64_t seed, ng_error *err)
{
    memset(s, 0, sizeof *s);
    double *x = malloc((ds->n_flows ? ds->n_flows : 1) * NG_SHAPE_DIMS * sizeof *x);
    ng_status st = x ? make_groups(s, ds, err)
                     : ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for flow shapes");
    for (size_t i = 0; st == NG_OK && i < s->n; i++)
        st = train_group(&s->groups[i], ds, x, k_max, seed, err);
    free(x);
    if (st)
        ng_flow_shapes_free(s);
    return st;
}

void ng_flow_shapes_free(ng_flow_shapes *s)
{
    for (size_t i = 0; s->groups && i < s->n; i++)
        ng_gmm_free(s->groups[i].gmm);
    free(s->groups);
    memset(s, 0, sizeof *s);
}

/* ---- sampling ---- */

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void sample_start_end(const ng_shape_group *g, size_t bucket, ng_rng *rng,
                             ng_flow_plan *plan)
{
    enum { CELLS = NG_FLOW_START_COUNT * NG_FLOW_END_COUNT };
    double w[CELLS], total = 0;
    for (size_t pass = 0; pass < 2 && total == 0; pass++) {
        for (size_t i = 0; i < CELLS; i++) {
            size_t st = i / NG_FLOW_END_COUNT, e = i % NG_FLOW_END_COUNT;
            w[i] = 0;
            for (size_t b = 0; b < NG_SHAPE_BUCKETS; b++)
                if (pass == 1 || b == bucket)
                    w[i] += (double)g->start_end[b][st][e];
            total += w[i];
        }
    }
    size_t cell = total > 0 ? ng_rng_categorical(rng, w, CELLS)
                            : NG_FLOW_START_NONE * NG_FLOW_END_COUNT + NG_FLOW_END_IDLE;
    plan->start_reason = (uint8_t)(cell / NG_FLOW_END_COUNT);
    plan->end_reason = (uint8_t)(cell % NG_FLOW_END_COUNT);
}

void ng_flow_shapes_sample(const ng_flow_shapes *s, ng_rng *rng, ng_flow_plan *plan)
{
    uint32_t kind = ng_flow_kind(plan->is_noflow, plan->ethertype, plan->ip_proto);
    const ng_shape_group *g = ng_flow_shapes_find(s, plan->app_class, kind);
    if (!g)
        g = ng_flow_shapes_largest(s, plan->app_class);
    double x[NG_SHAPE_DIMS];
    ng_gmm_sample(g->gmm, rng, 1, x, NULL);
    double packets = floor(pow(10.0, clamp(x[0], 0.0, 9.0)) + 0.5);
    double lo = packets * g->min_frame, hi = packets * g->max_frame;
    double bytes = clamp(floor(pow(10.0, clamp(x[1], 0.0, 15.0)) + 0.5), lo, hi);
    double dur_s = pow(10.0, clamp(x[2], -6.0, 7.0)) - DURATION_FLOOR_S;
    plan->target_packets = (uint32_t)packets;
    plan->target_bytes = (uint64_t)bytes;
    plan->target_duration_ns = packets <= 1 || dur_s <= 0 ? 0 : (int64_t)(dur_s * 1e9);
    sample_start_end(g, packet_bucket(plan->target_packets), rng, plan);
}

/* ---- model file ---- */

static void tensor_prefix(char *buf, size_t size, uint8_t cls, uint32_t kind)
{
    snprintf(buf, size, "aggregate.shape.%s.%u", ng_app_class_name(cls), kind);
}

static json_t *group_json(const ng_shape_group *g)
{
    json_t *buckets = json_array();
    for (size_t b = 0; b < NG_SHAPE_BUCKETS; b++) {
        json_t *cells = json_array();
        for (size_t st = 0; st < NG_FLOW_START_COUNT; st++)
            for (size_t e = 0; e < NG_FLOW_END_COUNT; e++)
                json_array_append_new(cells, json_integer((json_int_t)g->start_end[b][st][e]));
        json_array_append_new(buckets, cells);
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "kind", (json_int_t)g->kind, "flows",
                     (json_int_t)g->flows, "k", (json_int_t)g->gmm->k, "min_frame",
                     (json_int_t)g->min_frame, "max_frame", (json_int_t)g->max_frame,
                     "start_end", buckets);
}

json_t *ng_flow_shapes_class_to_json(const ng_flow_shapes *s, uint8_t cls)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s->n; i++)
        if (s->groups[i].app_class == cls)
            json_array_append_new(arr, group_json(&s->groups[i]));
    return arr;
}

ng_status ng_flow_shapes_add_tensors(const ng_flow_shapes *s, ng_model_writer *w, ng_error *err)
{
    char prefix[96];
    for (size_t i = 0; i < s->n; i++) {
        tensor_prefix(prefix, sizeof prefix, s->groups[i].app_class, s->groups[i].kind);
        ng_status st = ng_gmm_io_add(w, prefix, s->groups[i].gmm, err);
        if (st)
            return st;
    }
    return NG_OK;
}

static void read_start_end(ng_json_reader *r, const json_t *arr, ng_shape_group *g)
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
            g->start_end[b][i / NG_FLOW_END_COUNT][i % NG_FLOW_END_COUNT] =
                (uint64_t)json_integer_value(v);
            total += (uint64_t)json_integer_value(v);
        }
    }
    if (total != g->flows)
        ng_json_reader_fail(r, "'start_end' counts sum to %llu, not the group's %llu flows",
                            (unsigned long long)total, (unsigned long long)g->flows);
}

static ng_status load_group(ng_shape_group *g, uint8_t cls, const json_t *json, size_t i,
                            const ng_model_file *m, ng_error *err)
{
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s: header 'aggregate.classes[%s].shapes[%zu]'", m->path,
                        ng_app_class_name(cls), i);
    if (!json_is_object(json))
        ng_json_reader_fail(&r, "missing or not an object");
    g->app_class = cls;
    g->kind = (uint32_t)ng_json_read_int(&r, json, "kind", 0, (1 << 25) - 1);
    g->flows = (uint64_t)ng_json_read_int(&r, json, "flows", 1, INT64_MAX);
    int64_t k = ng_json_read_int(&r, json, "k", 1, 4096);
    g->min_frame = (uint32_t)ng_json_read_int(&r, json, "min_frame", 0, UINT32_MAX);
    g->max_frame = (uint32_t)ng_json_read_int(&r, json, "max_frame", g->min_frame, UINT32_MAX);
    read_start_end(&r, ng_json_read_array(&r, json, "start_end"), g);
    if (r.st)
        return r.st;
    char prefix[96];
    tensor_prefix(prefix, sizeof prefix, cls, g->kind);
    ng_status st = ng_gmm_io_load(m, prefix, &g->gmm, err);
    if (st)
        return st;
    if (g->gmm->k != (size_t)k || g->gmm->d != NG_SHAPE_DIMS)
        return ng_fail(err, NG_EFORMAT,
                       "%s: tensors '%s.*' hold %zu components of %zu dims, header says k = %lld "
                       "of %d",
                       m->path, prefix, g->gmm->k, g->gmm->d, (long long)k, NG_SHAPE_DIMS);
    return NG_OK;
}

ng_status ng_flow_shapes_class_load(ng_flow_shapes *s, uint8_t cls, uint64_t flows,
                                    const json_t *json, const ng_model_file *m, ng_error *err)
{
    size_t n = json_array_size(json);
    if (!json_is_array(json) || n == 0 || s->n + n > NG_SHAPE_MAX_GROUPS)
        return ng_fail(err, NG_EFORMAT,
                       "%s: header 'aggregate.classes[%s].shapes' must be a non-empty array "
                       "(at most %d groups in all)",
                       m->path, ng_app_class_name(cls), NG_SHAPE_MAX_GROUPS);
    ng_shape_group *grown = realloc(s->groups, (s->n + n) * sizeof *grown);
    if (!grown)
        return ng_fail(err, NG_ENOMEM, "out of memory for flow shapes");
    s->groups = grown;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        ng_shape_group *g = &s->groups[s->n];
        memset(g, 0, sizeof *g);
        ng_status st = load_group(g, cls, json_array_get(json, i), i, m, err);
        s->n++; /* owned from here, freed with the rest */
        if (st)
            return st;
        if (i && g->kind <= g[-1].kind)
            return ng_fail(err, NG_EFORMAT,
                           "%s: header 'aggregate.classes[%s].shapes[%zu]': kinds must ascend",
                           m->path, ng_app_class_name(cls), i);
        total += g->flows;
    }
    if (total != flows)
        return ng_fail(err, NG_EFORMAT,
                       "%s: header 'aggregate.classes[%s].shapes' counts %llu flows, the class %llu",
                       m->path, ng_app_class_name(cls), (unsigned long long)total,
                       (unsigned long long)flows);
    return NG_OK;
}
