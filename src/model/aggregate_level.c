/* aggregate_level.c — training, saving, loading and describing the aggregate level
 * (aggregate_level.h). Each concept lives in its own file: flow_shapes.c (sizes and
 * durations per class), arrivals.c (gaps and the class sequence), endpoints.c (hosts
 * and ports), header_habits.c (TTLs, windows, options); timeline.c generates. This
 * file composes them and owns header["aggregate"]. */
#include "model/aggregate_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/aggregate_json.h"
#include "model/tally.h"
#include "stats/metrics.h"

#define SECTION_VERSION 1

/* ---- training ---- */

static json_t *quantiles_json(double *x, size_t n)
{
    ng_sort_doubles(x, n);
    return json_pack("{s:f, s:f, s:f}", "median", n ? ng_median_sorted(x, n) : 0.0, "p90",
                     n ? ng_quantile_sorted(x, n, 0.9) : 0.0, "max", n ? x[n - 1] : 0.0);
}

static json_t *flow_stats(const ng_dataset *ds, double *x)
{
    size_t n = ds->n_flows;
    json_t *stats = json_object();
    for (size_t i = 0; i < n; i++)
        x[i] = (double)ng_flow_packets(&ds->flows[i]);
    json_object_set_new(stats, "packets", quantiles_json(x, n));
    for (size_t i = 0; i < n; i++)
        x[i] = (double)ng_flow_bytes(&ds->flows[i]);
    json_object_set_new(stats, "bytes", quantiles_json(x, n));
    for (size_t i = 0; i < n; i++)
        x[i] = (double)ng_ts_gap(ds->flows[i].last_ns, ds->flows[i].start_ns) * 1e-9;
    json_object_set_new(stats, "duration_s", quantiles_json(x, n));
    return stats;
}

static json_t *gap_stats(const ng_dataset *ds, double *x, int64_t duration_ns)
{
    size_t n = ds->n_flows;
    int64_t *starts = malloc((n ? n : 1) * sizeof *starts);
    if (!starts)
        return NULL;
    for (size_t i = 0; i < n; i++)
        starts[i] = ds->flows[i].start_ns;
    for (size_t i = 1; i < n; i++) { /* insertion keeps it simple; flows are nearly sorted */
        int64_t v = starts[i];
        size_t j = i;
        for (; j > 0 && starts[j - 1] > v; j--)
            starts[j] = starts[j - 1];
        starts[j] = v;
    }
    for (size_t i = 1; i < n; i++)
        x[i - 1] = (double)ng_ts_gap(starts[i], starts[i - 1]) * 1e-9;
    free(starts);
    json_t *gaps = quantiles_json(x, n ? n - 1 : 0);
    double rate = duration_ns > 0 ? (double)n / ((double)duration_ns * 1e-9) : 0.0;
    json_object_set_new(gaps, "flows_per_s", json_real(rate));
    return gaps;
}

static void count_classes(ng_aggregate *a, const ng_dataset *arrivals)
{
    for (size_t i = 0; i < arrivals->n_flows; i++)
        a->class_flows[arrivals->flows[i].app_class < NG_APP_COUNT ? arrivals->flows[i].app_class
                                                                   : 0]++;
    a->n_flows = arrivals->n_flows;
}

static ng_status train_stats(ng_aggregate *a, const ng_dataset *ds, ng_error *err)
{
    double *x = malloc((ds->n_flows ? ds->n_flows : 1) * sizeof *x);
    if (!x)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for statistics");
    a->stats = flow_stats(ds, x);
    json_t *gaps = a->stats ? gap_stats(ds, x, a->train_duration_ns) : NULL;
    free(x);
    if (!gaps)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for statistics");
    json_object_set_new(a->stats, "gap_s", gaps);
    return NG_OK;
}

/* The flows that are not skipped (carried streams, retries), as a dataset of flow
 * records only (no packets: the shapes and arrivals read none). Every flow when all are
 * skipped. */
static ng_status arrival_flows(const ng_dataset *ds, const bool *skip, ng_dataset *out,
                               ng_error *err)
{
    memset(out, 0, sizeof *out);
    out->flows = malloc((ds->n_flows ? ds->n_flows : 1) * sizeof *out->flows);
    if (!out->flows)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    for (size_t i = 0; i < ds->n_flows; i++)
        if (!skip[i])
            out->flows[out->n_flows++] = ds->flows[i];
    if (out->n_flows == 0) {
        memcpy(out->flows, ds->flows, ds->n_flows * sizeof *out->flows);
        out->n_flows = ds->n_flows;
    }
    return NG_OK;
}

/* skip: the flows that are not arrivals (carried or retries); carried: the former. */
static ng_status train_levels(ng_aggregate *a, const ng_dataset *ds, const ng_dataset *arr,
                              const bool *skip, const bool *carried,
                              const ng_train_config *cfg, ng_error *err)
{
    count_classes(a, arr);
    ng_status st = train_stats(a, ds, err);
    if (!st)
        st = ng_flow_shapes_train(&a->shapes, arr, cfg->aggregate.k_max, cfg->seed ^ 0x5ea9e, err);
    if (!st)
        st = ng_arrivals_train(&a->arrivals, arr, a->train_duration_ns, cfg->aggregate.gap_k_max,
                               cfg->aggregate.ngram_order, cfg->seed ^ 0x6a9, err);
    if (!st)
        st = ng_endpoints_train(&a->endpoints, ds, arr->n_flows < ds->n_flows ? skip : NULL, err);
    if (!st)
        st = ng_header_habits_train(a->habits, ds, err);
    if (!st)
        st = ng_carried_train(&a->carried, ds, carried, a->train_start_ns, a->train_duration_ns,
                              &a->endpoints, err);
    if (!st)
        st = ng_retries_train(&a->retries, ds->flows, ds->n_flows, carried, err);
    return st;
}

/* skip[i]: flow i is carried or a retry (not an arrival). */
static ng_status mark_skipped(const ng_dataset *ds, const bool *carried, bool *skip,
                              ng_error *err)
{
    if (ng_retries_mark(ds->flows, ds->n_flows, carried, skip, NULL) == (size_t)-1)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    for (size_t i = 0; i < ds->n_flows; i++)
        skip[i] = skip[i] || carried[i];
    return NG_OK;
}

static ng_status train_parts(ng_aggregate *a, const ng_dataset *ds, const ng_train_config *cfg,
                             ng_error *err)
{
    a->train_duration_ns = ng_dataset_span_ns(ds, &a->train_start_ns);
    bool *carried = calloc(ds->n_flows, sizeof *carried);
    bool *skip = calloc(ds->n_flows, sizeof *skip);
    ng_dataset arr = {0};
    ng_status st = carried && skip ? NG_OK
                                   : ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    if (!st) {
        ng_carried_mark(ds, a->train_duration_ns, carried);
        st = mark_skipped(ds, carried, skip, err);
    }
    if (!st)
        st = arrival_flows(ds, skip, &arr, err);
    if (!st)
        st = train_levels(a, ds, &arr, skip, carried, cfg, err);
    free(arr.flows);
    free(skip);
    free(carried);
    return st;
}

ng_status ng_aggregate_train(const ng_dataset *ds, const ng_train_config *cfg,
                             ng_aggregate **out, ng_error *err)
{
    *out = NULL;
    if (!ds || ds->n_flows == 0)
        return ng_fail(err, NG_EINVAL, "aggregate level: no flows to learn from");
    ng_aggregate *a = calloc(1, sizeof *a);
    if (!a)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    a->cfg = cfg->aggregate;
    ng_status st = train_parts(a, ds, cfg, err);
    if (st) {
        ng_aggregate_free(a);
        return st;
    }
    *out = a;
    return NG_OK;
}

void ng_aggregate_free(ng_aggregate *a)
{
    if (!a)
        return;
    ng_flow_shapes_free(&a->shapes);
    ng_arrivals_free(&a->arrivals);
    ng_endpoints_free(&a->endpoints);
    ng_header_habits_free(a->habits);
    ng_carried_free(&a->carried);
    ng_retries_free(&a->retries);
    json_decref(a->stats);
    free(a);
}

/* ---- accessors ---- */

int64_t ng_aggregate_train_start_ns(const ng_aggregate *a) { return a->train_start_ns; }
int64_t ng_aggregate_train_duration_ns(const ng_aggregate *a) { return a->train_duration_ns; }
/* The arrivals' flows, the retries and the carried streams (which are also the
 * arrivals' when all flows are carried). */
uint64_t ng_aggregate_train_flows(const ng_aggregate *a)
{
    return a->retries.flows + (a->carried.only ? a->n_flows : a->n_flows + a->carried.n);
}

uint64_t ng_aggregate_class_flows(const ng_aggregate *a, uint8_t app_class)
{
    if (app_class >= NG_APP_COUNT)
        return 0;
    uint64_t n = a->class_flows[app_class] + ng_retries_class_flows(&a->retries, app_class);
    for (size_t i = 0; i < a->carried.n && !a->carried.only; i++)
        n += a->carried.s[i].app_class == app_class;
    return n;
}

const ng_header_habits *ng_aggregate_habits(const ng_aggregate *a, uint8_t app_class)
{
    static const ng_header_habits none;
    return app_class < NG_APP_COUNT ? &a->habits[app_class] : &none;
}

/* ---- save ---- */

static json_t *class_json(const ng_aggregate *a, uint8_t cls)
{
    return json_pack("{s:s, s:I, s:o, s:o, s:o}", "class", ng_app_class_name(cls), "flows",
                     (json_int_t)a->class_flows[cls], "shapes",
                     ng_flow_shapes_class_to_json(&a->shapes, cls), "endpoints",
                     ng_endpoints_class_to_json(&a->endpoints, cls), "habits",
                     ng_header_habits_to_json(&a->habits[cls]));
}

static json_t *section_json(const ng_aggregate *a)
{
    json_t *classes = json_array();
    for (uint8_t c = 0; c < NG_APP_COUNT; c++)
        if (a->class_flows[c])
            json_array_append_new(classes, class_json(a, c));
    json_t *s = json_pack(
        "{s:i, s:{s:I, s:I, s:I}, s:I, s:I, s:I, s:O, s:o, s:o}", "version", SECTION_VERSION,
        "config", "k_max", (json_int_t)a->cfg.k_max, "gap_k_max", (json_int_t)a->cfg.gap_k_max,
        "ngram_order", (json_int_t)a->cfg.ngram_order, "train_start_ns",
        (json_int_t)a->train_start_ns, "train_duration_ns", (json_int_t)a->train_duration_ns,
        "n_flows", (json_int_t)a->n_flows, "stats", a->stats, "arrivals",
        ng_arrivals_to_json(&a->arrivals), "classes", classes);
    json_t *endpoints = ng_endpoints_to_json(&a->endpoints);
    if (s && endpoints)
        json_object_update(s, endpoints);
    json_decref(endpoints);
    json_t *carried = ng_carried_to_json(&a->carried);
    if (s && carried)
        json_object_set(s, "carried", carried);
    json_decref(carried);
    json_t *retries = ng_retries_to_json(&a->retries);
    if (s && retries)
        json_object_set(s, "retries", retries);
    json_decref(retries);
    return s;
}

ng_status ng_aggregate_save(const ng_aggregate *a, ng_model_writer *w, json_t *header,
                            ng_error *err)
{
    if (!json_is_object(header))
        return ng_fail(err, NG_EINVAL, "aggregate level: the model header is not a JSON object");
    json_t *section = section_json(a);
    if (!section || json_object_set_new(header, "aggregate", section))
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory building the header");
    ng_status st = ng_flow_shapes_add_tensors(&a->shapes, w, err);
    if (!st)
        st = ng_arrivals_add_tensors(&a->arrivals, w, err);
    return st;
}

/* ---- load ---- */

static ng_status load_class(ng_aggregate *a, const json_t *obj, size_t i, const ng_model_file *m,
                            ng_error *err)
{
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s: header 'aggregate.classes[%zu]'", m->path, i);
    int cls = ng_app_class_from_name(json_string_value(json_object_get(obj, "class")));
    if (cls < 0)
        ng_json_reader_fail(&r, "'class' is missing or not a known class name");
    else if (a->class_flows[cls])
        ng_json_reader_fail(&r, "class '%s' appears twice", ng_app_class_name((ng_app_class)cls));
    else if (i && a->shapes.n && cls < a->shapes.groups[a->shapes.n - 1].app_class)
        ng_json_reader_fail(&r, "classes must come in ascending class order");
    int64_t flows = ng_json_read_int(&r, obj, "flows", 1, INT64_MAX);
    if (r.st)
        return r.st;
    a->class_flows[cls] = (uint64_t)flows;
    ng_status st = ng_flow_shapes_class_load(&a->shapes, (uint8_t)cls, (uint64_t)flows,
                                             json_object_get(obj, "shapes"), m, err);
    char where[400];
    snprintf(where, sizeof where, "%s: header 'aggregate.classes[%s].endpoints'", m->path,
             ng_app_class_name((ng_app_class)cls));
    if (!st)
        st = ng_endpoints_class_from_json(&a->endpoints, (uint8_t)cls,
                                          json_object_get(obj, "endpoints"), where, err);
    if (!st && !ng_endpoints_class_ready(&a->endpoints, (uint8_t)cls))
        st = ng_fail(err, NG_EFORMAT, "%s: no hosts or streams to draw from", where);
    snprintf(where, sizeof where, "%s: header 'aggregate.classes[%s].habits'", m->path,
             ng_app_class_name((ng_app_class)cls));
    if (!st)
        st = ng_header_habits_from_json(&a->habits[cls], json_object_get(obj, "habits"), where,
                                        err);
    return st;
}

static ng_status load_classes(ng_aggregate *a, const json_t *arr, const ng_model_file *m,
                              ng_error *err)
{
    uint64_t total = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        ng_status st = load_class(a, json_array_get(arr, i), i, m, err);
        if (st)
            return st;
    }
    for (size_t c = 0; c < NG_APP_COUNT; c++)
        total += a->class_flows[c];
    if (total != a->n_flows)
        return ng_fail(err, NG_EFORMAT,
                       "%s: header 'aggregate.classes' counts %llu flows, 'n_flows' says %llu",
                       m->path, (unsigned long long)total, (unsigned long long)a->n_flows);
    for (size_t i = 0; i < a->arrivals.n_classes; i++)
        if (!a->class_flows[a->arrivals.classes[i]])
            return ng_fail(err, NG_EFORMAT,
                           "%s: header 'aggregate.arrivals.classes' names '%s', which "
                           "'aggregate.classes' does not describe",
                           m->path, ng_app_class_name(a->arrivals.classes[i]));
    return NG_OK;
}

static ng_status load_config(ng_aggregate *a, const json_t *section, const char *path,
                             ng_error *err)
{
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s: header 'aggregate'", path);
    if (ng_json_read_int(&r, section, "version", SECTION_VERSION, SECTION_VERSION) != SECTION_VERSION)
        return r.st;
    const json_t *cfg = ng_json_read_object(&r, section, "config");
    a->cfg.k_max = (size_t)ng_json_read_int(&r, cfg, "k_max", 1, 64);
    a->cfg.gap_k_max = (size_t)ng_json_read_int(&r, cfg, "gap_k_max", 1, 64);
    a->cfg.ngram_order = (size_t)ng_json_read_int(&r, cfg, "ngram_order", 0, NG_NGRAM_MAX_ORDER);
    a->train_start_ns = ng_json_read_int(&r, section, "train_start_ns", INT64_MIN, INT64_MAX);
    a->train_duration_ns = ng_json_read_int(&r, section, "train_duration_ns", 0, INT64_MAX);
    a->n_flows = (uint64_t)ng_json_read_int(&r, section, "n_flows", 1, INT64_MAX);
    const json_t *stats = ng_json_read_object(&r, section, "stats");
    ng_json_read_array(&r, section, "classes");
    if (!r.st)
        a->stats = json_deep_copy(stats);
    return r.st;
}

static ng_status load_section(ng_aggregate *a, const json_t *section, const ng_model_file *m,
                              ng_error *err)
{
    ng_status st = load_config(a, section, m->path, err);
    char where[300];
    snprintf(where, sizeof where, "%s: header 'aggregate'", m->path);
    if (!st)
        st = ng_endpoints_from_json(&a->endpoints, section, where, err);
    if (!st)
        st = ng_arrivals_load(&a->arrivals, json_object_get(section, "arrivals"), m, err);
    if (!st)
        st = load_classes(a, json_object_get(section, "classes"), m, err);
    if (!st)
        st = ng_carried_from_json(&a->carried, json_object_get(section, "carried"),
                                  &a->endpoints, where, err);
    if (!st)
        st = ng_retries_from_json(&a->retries, json_object_get(section, "retries"), where, err);
    return st;
}

ng_status ng_aggregate_load(const ng_model_file *m, ng_aggregate **out, ng_error *err)
{
    *out = NULL;
    const json_t *section = json_object_get(m->header, "aggregate");
    if (!json_is_object(section))
        return ng_fail(err, NG_EFORMAT,
                       "%s: the header has no 'aggregate' section (not a necstgen model with an "
                       "aggregate level?)",
                       m->path);
    ng_aggregate *a = calloc(1, sizeof *a);
    if (!a)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    ng_status st = load_section(a, section, m, err);
    if (st) {
        ng_aggregate_free(a);
        return st;
    }
    *out = a;
    return NG_OK;
}

/* ---- summary ---- */

static json_t *top_ports_json(const ng_class_endpoints *c, size_t max)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < c->server_ports.n && i < max; i++)
        json_array_append_new(arr, json_pack("{s:I, s:I}", "port",
                                             (json_int_t)c->server_ports.values[i], "flows",
                                             (json_int_t)c->server_ports.counts[i]));
    return arr;
}

static json_t *shapes_summary(const ng_aggregate *a, uint8_t cls)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->shapes.n; i++) {
        const ng_shape_group *g = &a->shapes.groups[i];
        if (g->app_class == cls)
            json_array_append_new(arr, json_pack("{s:I, s:I, s:I}", "kind", (json_int_t)g->kind,
                                                 "flows", (json_int_t)g->flows, "k",
                                                 (json_int_t)g->gmm->k));
    }
    return arr;
}

static json_t *class_summary(const ng_aggregate *a, uint8_t cls)
{
    const ng_class_endpoints *e = &a->endpoints.cls[cls];
    uint64_t flows = ng_aggregate_class_flows(a, cls);
    return json_pack("{s:s, s:I, s:f, s:o, s:I, s:I, s:o}", "class", ng_app_class_name(cls),
                     "flows", (json_int_t)flows, "share",
                     (double)flows / (double)ng_aggregate_train_flows(a), "shapes",
                     shapes_summary(a, cls), "servers", (json_int_t)e->servers.n,
                     "clients", (json_int_t)e->clients.n, "top_server_ports",
                     top_ports_json(e, 5));
}

/* The most used server ports over all classes. */
static json_t *top_ports_overall(const ng_aggregate *a, size_t max)
{
    ng_tally t;
    ng_top top;
    ng_tally_init(&t);
    for (size_t c = 0; c < NG_APP_COUNT; c++) {
        const ng_top *p = &a->endpoints.cls[c].server_ports;
        for (size_t i = 0; i < p->n; i++)
            if (ng_tally_add(&t, p->values[i], p->counts[i], NULL)) {
                ng_tally_free(&t);
                return NULL;
            }
    }
    ng_status st = ng_tally_top(&t, max, &top, NULL);
    ng_tally_free(&t);
    if (st)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < top.n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:I}", "port", (json_int_t)top.values[i],
                                             "flows", (json_int_t)top.counts[i]));
    ng_top_free(&top);
    return arr;
}

json_t *ng_aggregate_summary(const ng_aggregate *a)
{
    json_t *classes = json_array();
    for (uint8_t c = 0; c < NG_APP_COUNT; c++)
        if (ng_aggregate_class_flows(a, c))
            json_array_append_new(classes, class_summary(a, c));
    const ng_ngram *g = a->arrivals.ngram;
    json_t *sum = json_pack("{s:I, s:f, s:o, s:I, s:{s:I, s:I, s:I}, s:O, s:I, s:{s:i, s:i, s:i}, s:o*}",
                     "flows", (json_int_t)ng_aggregate_train_flows(a), "duration_s",
                     (double)a->train_duration_ns * 1e-9, "classes", classes, "gap_k",
                     (json_int_t)a->arrivals.gap->k, "ngram", "order",
                     (json_int_t)ng_ngram_order(g), "contexts", (json_int_t)ng_ngram_n_contexts(g),
                     "entries", (json_int_t)ng_ngram_n_entries(g), "stats", a->stats, "hosts",
                     (json_int_t)a->endpoints.n_hosts, "ephemeral_ports", "lo",
                     a->endpoints.eph_lo, "hi", a->endpoints.eph_hi, "step",
                     a->endpoints.eph_step, "top_server_ports", top_ports_overall(a, 10));
    if (sum) {
        json_object_set_new(sum, "carried_streams", json_integer((json_int_t)a->carried.n));
        json_object_set_new(sum, "retries", json_integer((json_int_t)a->retries.flows));
        json_t *periodic = ng_carried_rhythms_summary(&a->carried);
        if (json_array_size(periodic)) /* only models with periodic streams list them */
            json_object_set_new(sum, "periodic_streams", periodic);
        else
            json_decref(periodic);
    }
    return sum;
}
