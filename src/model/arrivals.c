/* arrivals.c — the gap mixture and the (gap component, class) n-gram (arrivals.h). */
#include "model/arrivals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/aggregate_json.h"
#include "model/gmm_io.h"
#include "stats/gmm_select.h"
#include "stats/metrics.h"

#define GAP_PREFIX "aggregate.gap"
#define NG_GAP_SCALE_MIN 1e-12
#define NG_GAP_SCALE_MAX 1e15
#ifndef NG_ARRIVALS_LAMBDA
#define NG_ARRIVALS_LAMBDA 0.3
#endif


typedef struct start_order {
    int64_t start_ns;
    size_t flow;
} start_order;

static int by_start(const void *a, const void *b)
{
    const start_order *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return x->flow < y->flow ? -1 : x->flow > y->flow;
}

static void collect_classes(ng_arrivals *a, const ng_dataset *ds)
{
    bool seen[NG_APP_COUNT] = {false};
    for (size_t i = 0; i < ds->n_flows; i++)
        seen[ds->flows[i].app_class < NG_APP_COUNT ? ds->flows[i].app_class : 0] = true;
    a->n_classes = 0;
    for (uint8_t c = 0; c < NG_APP_COUNT; c++)
        if (seen[c])
            a->classes[a->n_classes++] = c;
}

static size_t class_index(const ng_arrivals *a, uint8_t cls)
{
    for (size_t i = 0; i < a->n_classes; i++)
        if (a->classes[i] == cls)
            return i;
    return 0;
}

/* One second, when there are no gaps to learn from. */
static ng_status default_gap(ng_gmm **out, ng_error *err)
{
    ng_status st = ng_gmm_new(1, 1, NG_GMM_FULL, out, err);
    if (st)
        return st;
    (*out)->weights[0] = 1.0;
    (*out)->means[0] = 0.0;
    (*out)->covariances[0] = 0.25;
    return ng_gmm_prepare(*out, err);
}

static ng_status fit_gaps(ng_arrivals *a, const double *x, size_t n, size_t k_max,
                          uint64_t seed, ng_error *err)
{
    if (n == 0)
        return default_gap(&a->gap, err);
    ng_gmm_select_options opt = ng_gmm_select_default_options();
    opt.k_min = 1;
    opt.k_max = n < 10 ? 1 : (k_max < n / 5 ? k_max : n / 5);
    opt.gmm.seed = seed;
    opt.gmm.reg_covar = 1e-4;
    opt.gmm.n_init = 2;
    return ng_gmm_select(x, n, 1, &opt, &a->gap, NULL, err);
}

static ng_status first_component(const ng_arrivals *a, const double *x, size_t n, size_t *out,
                                 ng_error *err)
{
    *out = 0;
    if (n == 0)
        return NG_OK;
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for gaps");
    memcpy(sorted, x, n * sizeof *sorted);
    ng_sort_doubles(sorted, n);
    double median = ng_median_sorted(sorted, n);
    free(sorted);
    return ng_gmm_predict(a->gap, &median, 1, out, err);
}

static ng_status component_ranges(ng_arrivals *a, const double *x, const size_t *labels,
                                  size_t n, ng_error *err)
{
    size_t k = a->gap->k;
    a->lo = malloc(k * sizeof *a->lo);
    a->hi = malloc(k * sizeof *a->hi);
    if (!a->lo || !a->hi)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for gap ranges");
    for (size_t c = 0; c < k; c++) { /* a component with no point keeps its ±3 sd */
        double sd = sqrt(a->gap->covariances[c]);
        a->lo[c] = a->gap->means[c] - 3 * sd;
        a->hi[c] = a->gap->means[c] + 3 * sd;
    }
    bool *seen = calloc(k, sizeof *seen);
    if (!seen)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for gap ranges");
    for (size_t i = 0; i < n; i++) {
        size_t c = labels[i];
        if (!seen[c] || x[i] < a->lo[c])
            a->lo[c] = x[i];
        if (!seen[c] || x[i] > a->hi[c])
            a->hi[c] = x[i];
        seen[c] = true;
    }
    free(seen);
    return NG_OK;
}

/* Mean gap of a long simulation of the token chain, in seconds. */
static double simulated_mean_gap(const ng_arrivals *a, size_t steps, uint64_t seed)
{
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    uint32_t hist[NG_NGRAM_MAX_ORDER];
    size_t n_hist = 0, order = ng_ngram_order(a->ngram);
    double sum = 0;
    for (size_t i = 0; i < steps; i++) {
        uint32_t tok = ng_ngram_sample(a->ngram, hist, n_hist, &rng);
        if (order) {
            if (n_hist == order)
                memmove(hist, hist + 1, --n_hist * sizeof *hist);
            hist[n_hist++] = tok;
        }
        sum += ng_arrivals_sample_gap_s(a, tok / a->n_classes, &rng);
    }
    return sum / (double)steps;
}

/* The mean gap that puts the training's n flows in its whole duration (first start to
 * last packet): duration / n. Gaps between starts alone would ignore the time the last
 * flows still run: one 600 s FTP session has no gap at all, three Modbus sessions
 * starting within 0.1 s and lasting a minute would otherwise give a flow every 60 ms. */
static double target_mean_gap(const ng_dataset *ds, int64_t span_ns, const double *x,
                              size_t n_gaps)
{
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t i = 0; i < ds->n_flows; i++) {
        first = ds->flows[i].start_ns < first ? ds->flows[i].start_ns : first;
        last = ds->flows[i].last_ns > last ? ds->flows[i].last_ns : last;
    }
    if (span_ns <= 0 && last > first)
        span_ns = ng_ts_gap(last, first);
    double span = span_ns > 0 ? (double)span_ns * 1e-9 : 0.0;
    if (span > 0)
        return span / (double)ds->n_flows < 1e12 ? span / (double)ds->n_flows : 1e12;
    double mean = 0;
    for (size_t i = 0; i < n_gaps; i++)
        mean += (pow(10.0, x[i]) - NG_GAP_FLOOR_S) / (double)n_gaps;
    return mean > 0 ? mean : 1.0;
}

static void calibrate(ng_arrivals *a, const ng_dataset *ds, int64_t span_ns, const double *x,
                      size_t n_gaps, uint64_t seed)
{
    a->mean_gap_s = target_mean_gap(ds, span_ns, x, n_gaps);
    size_t steps = 20 * n_gaps < 20000 ? 20000 : 20 * n_gaps;
    a->gap_scale = 1.0;
    double model = simulated_mean_gap(a, steps > 2000000 ? 2000000 : steps, seed);
    if (model > 0 && isfinite(a->mean_gap_s / model))
        a->gap_scale = a->mean_gap_s / model;
    if (a->gap_scale < NG_GAP_SCALE_MIN)
        a->gap_scale = NG_GAP_SCALE_MIN;
    if (a->gap_scale > NG_GAP_SCALE_MAX)
        a->gap_scale = NG_GAP_SCALE_MAX;
}

static ng_status build_tokens(ng_arrivals *a, const ng_dataset *ds, const start_order *order,
                              const double *x, size_t order_len, ng_error *err)
{
    size_t n = ds->n_flows, n_gaps = n ? n - 1 : 0;
    size_t *labels = calloc(n ? n : 1, sizeof *labels);
    uint32_t *tokens = calloc(n ? n : 1, sizeof *tokens);
    ng_status st = labels && tokens ? NG_OK
                                    : ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    if (!st && n_gaps)
        st = ng_gmm_predict(a->gap, x, n_gaps, labels + 1, err);
    if (!st)
        st = first_component(a, x, n_gaps, &labels[0], err);
    if (!st)
        st = component_ranges(a, x, labels + 1, n_gaps, err);
    for (size_t i = 0; !st && i < n; i++)
        tokens[i] = (uint32_t)(labels[i] * a->n_classes +
                               class_index(a, ds->flows[order[i].flow].app_class));
    if (!st)
        st = ng_ngram_new(order_len, (uint32_t)(a->gap->k * a->n_classes), &a->ngram, err);
    if (!st)
        st = ng_ngram_set_lambda(a->ngram, NG_ARRIVALS_LAMBDA, err);
    if (!st)
        st = ng_ngram_add_sequence(a->ngram, tokens, n, err);
    free(labels);
    free(tokens);
    return st;
}

ng_status ng_arrivals_train(ng_arrivals *a, const ng_dataset *ds, int64_t span_ns,
                            size_t gap_k_max, size_t order, uint64_t seed, ng_error *err)
{
    memset(a, 0, sizeof *a);
    if (ds->n_flows == 0)
        return ng_fail(err, NG_EINVAL, "aggregate level: the dataset has no flows");
    collect_classes(a, ds);
    size_t n = ds->n_flows;
    start_order *ord = malloc(n * sizeof *ord);
    double *x = malloc(n * sizeof *x);
    ng_status st = ord && x ? NG_OK : ng_fail(err, NG_ENOMEM, "aggregate level: out of memory");
    for (size_t i = 0; !st && i < n; i++)
        ord[i] = (start_order){ds->flows[i].start_ns, i};
    if (!st)
        qsort(ord, n, sizeof *ord, by_start);
    for (size_t i = 1; !st && i < n; i++)
        x[i - 1] = log10((double)ng_ts_gap(ord[i].start_ns, ord[i - 1].start_ns) * 1e-9 +
                         NG_GAP_FLOOR_S);
    if (!st)
        st = fit_gaps(a, x, n - 1, gap_k_max, seed, err);
    if (!st)
        st = build_tokens(a, ds, ord, x, order, err);
    if (!st)
        calibrate(a, ds, span_ns, x, n - 1, seed ^ 0xca1);
    free(ord);
    free(x);
    if (st)
        ng_arrivals_free(a);
    return st;
}

void ng_arrivals_free(ng_arrivals *a)
{
    ng_gmm_free(a->gap);
    ng_ngram_free(a->ngram);
    free(a->lo);
    free(a->hi);
    memset(a, 0, sizeof *a);
}

void ng_arrivals_token(const ng_arrivals *a, uint32_t token, size_t *component, uint8_t *cls)
{
    *component = token / a->n_classes;
    *cls = a->classes[token % a->n_classes];
}

double ng_arrivals_sample_gap_s(const ng_arrivals *a, size_t c, ng_rng *rng)
{
    double sd = sqrt(a->gap->covariances[c]), mean = a->gap->means[c];
    double x = mean;
    for (int tries = 0; tries < 32; tries++) {
        x = mean + sd * ng_rng_normal(rng);
        if (x >= a->lo[c] && x <= a->hi[c])
            break;
    }
    x = x < a->lo[c] ? a->lo[c] : x > a->hi[c] ? a->hi[c] : x;
    if (x > 9.0)
        x = 9.0;
    double gap = pow(10.0, x) - NG_GAP_FLOOR_S;
    /* At least the floor: a model whose gaps were all 0 (simultaneous starts) must
     * still move the clock, and its calibration needs a non-zero mean. */
    return (gap > NG_GAP_FLOOR_S ? gap : NG_GAP_FLOOR_S) * a->gap_scale;
}

/* ---- model file ---- */

json_t *ng_arrivals_to_json(const ng_arrivals *a)
{
    json_t *classes = json_array(), *lo = json_array(), *hi = json_array();
    for (size_t i = 0; i < a->n_classes; i++)
        json_array_append_new(classes, json_string(ng_app_class_name(a->classes[i])));
    for (size_t c = 0; c < a->gap->k; c++) {
        json_array_append_new(lo, json_real(a->lo[c]));
        json_array_append_new(hi, json_real(a->hi[c]));
    }
    return json_pack("{s:I, s:o, s:o, s:o, s:f, s:f, s:o}", "k", (json_int_t)a->gap->k, "classes",
                     classes, "lo", lo, "hi", hi, "gap_scale", a->gap_scale, "mean_gap_s", a->mean_gap_s, "ngram",
                     ng_ngram_to_json(a->ngram));
}

ng_status ng_arrivals_add_tensors(const ng_arrivals *a, ng_model_writer *w, ng_error *err)
{
    return ng_gmm_io_add(w, GAP_PREFIX, a->gap, err);
}

static ng_status read_classes(ng_arrivals *a, const json_t *arr, const char *where, ng_error *err)
{
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > NG_APP_COUNT)
        return ng_fail(err, NG_EFORMAT, "%s.classes: must be an array of 1 to %d class names",
                       where, NG_APP_COUNT);
    for (size_t i = 0; i < n; i++) {
        int cls = ng_app_class_from_name(json_string_value(json_array_get(arr, i)));
        if (cls < 0 || (i && cls <= a->classes[i - 1]))
            return ng_fail(err, NG_EFORMAT,
                           "%s.classes[%zu]: not a known class name in ascending class order",
                           where, i);
        a->classes[i] = (uint8_t)cls;
    }
    a->n_classes = n;
    return NG_OK;
}

static ng_status read_ranges(ng_arrivals *a, const json_t *json, const char *where,
                             ng_error *err)
{
    size_t k = a->gap->k;
    const json_t *lo = json_object_get(json, "lo"), *hi = json_object_get(json, "hi");
    if (json_array_size(lo) != k || json_array_size(hi) != k)
        return ng_fail(err, NG_EFORMAT, "%s: 'lo' and 'hi' must hold k = %zu numbers", where, k);
    a->lo = malloc(k * sizeof *a->lo);
    a->hi = malloc(k * sizeof *a->hi);
    if (!a->lo || !a->hi)
        return ng_fail(err, NG_ENOMEM, "out of memory for gap ranges");
    for (size_t c = 0; c < k; c++) {
        const json_t *l = json_array_get(lo, c), *h = json_array_get(hi, c);
        if (!json_is_number(l) || !json_is_number(h) || !(json_number_value(l) >= -12) ||
            !(json_number_value(h) <= 12) || !(json_number_value(l) <= json_number_value(h)))
            return ng_fail(err, NG_EFORMAT, "%s: 'lo'/'hi' of component %zu are not an ordered "
                           "pair in [-12, 12]", where, c);
        a->lo[c] = json_number_value(l);
        a->hi[c] = json_number_value(h);
    }
    return NG_OK;
}

static ng_status load_parts(ng_arrivals *a, const json_t *json, const ng_model_file *m,
                            const char *where, ng_error *err)
{
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s", where);
    int64_t k = ng_json_read_int(&r, json, "k", 1, 4096);
    if (r.st)
        return r.st;
    ng_status st = read_classes(a, json_object_get(json, "classes"), where, err);
    if (!st)
        st = ng_gmm_io_load(m, GAP_PREFIX, &a->gap, err);
    if (!st && (a->gap->k != (size_t)k || a->gap->d != 1))
        st = ng_fail(err, NG_EFORMAT,
                     "%s: tensors '" GAP_PREFIX ".*' hold %zu components of %zu dims, header "
                     "says k = %lld of 1",
                     m->path, a->gap->k, a->gap->d, (long long)k);
    if (!st)
        st = read_ranges(a, json, where, err);
    if (!st) {
        a->gap_scale = ng_json_read_number(&r, json, "gap_scale", NG_GAP_SCALE_MIN,
                                           NG_GAP_SCALE_MAX);
        a->mean_gap_s = ng_json_read_number(&r, json, "mean_gap_s", 1e-12, 1e12);
        st = r.st;
    }
    char what[448];
    snprintf(what, sizeof what, "%s.ngram", where);
    if (!st)
        st = ng_ngram_from_json(json_object_get(json, "ngram"), what, &a->ngram, err);
    if (!st && ng_ngram_vocab(a->ngram) != a->gap->k * a->n_classes)
        st = ng_fail(err, NG_EFORMAT, "%s: vocabulary %u is not k × classes = %zu", what,
                     ng_ngram_vocab(a->ngram), a->gap->k * a->n_classes);
    return st;
}

ng_status ng_arrivals_load(ng_arrivals *a, const json_t *json, const ng_model_file *m,
                           ng_error *err)
{
    memset(a, 0, sizeof *a);
    char where[300];
    snprintf(where, sizeof where, "%s: header 'aggregate.arrivals'", m->path);
    ng_status st = json_is_object(json)
                       ? load_parts(a, json, m, where, err)
                       : ng_fail(err, NG_EFORMAT, "%s: missing or not an object", where);
    if (st)
        ng_arrivals_free(a);
    return st;
}
