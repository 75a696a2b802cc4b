/* tally.c — value counting (hash map) and the top-k categorical it yields (tally.h). */
#include "model/tally.h"

#include <stdlib.h>
#include <string.h>

void ng_tally_init(ng_tally *t) { ng_hashmap_init(&t->map, sizeof(uint64_t), sizeof(uint64_t)); }

void ng_tally_free(ng_tally *t) { ng_hashmap_free(&t->map); }

ng_status ng_tally_add(ng_tally *t, uint64_t value, uint64_t count, ng_error *err)
{
    uint64_t *c = ng_hashmap_put(&t->map, &value, NULL);
    if (!c)
        return ng_fail(err, NG_ENOMEM, "tally: out of memory");
    *c += count;
    return NG_OK;
}

typedef struct value_count {
    uint64_t value, count;
} value_count;

static int by_count_then_value(const void *a, const void *b)
{
    const value_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->value < y->value ? -1 : x->value > y->value;
}

static ng_status top_alloc(ng_top *top, size_t n, ng_error *err)
{
    memset(top, 0, sizeof *top);
    top->values = calloc(n ? n : 1, sizeof *top->values);
    top->counts = calloc(n ? n : 1, sizeof *top->counts);
    if (!top->values || !top->counts) {
        ng_top_free(top);
        return ng_fail(err, NG_ENOMEM, "tally: out of memory");
    }
    return NG_OK;
}

ng_status ng_tally_top(const ng_tally *t, size_t max, ng_top *out, ng_error *err)
{
    size_t n = t->map.count, pos = 0, i = 0;
    value_count *all = calloc(n ? n : 1, sizeof *all);
    if (!all)
        return ng_fail(err, NG_ENOMEM, "tally: out of memory");
    const void *k;
    void *v;
    while (ng_hashmap_next(&t->map, &pos, &k, &v)) {
        memcpy(&all[i].value, k, sizeof(uint64_t));
        memcpy(&all[i].count, v, sizeof(uint64_t));
        i++;
    }
    qsort(all, n, sizeof *all, by_count_then_value);
    size_t keep = max && max < n ? max : n;
    ng_status st = top_alloc(out, keep, err);
    for (i = 0; st == NG_OK && i < n; i++) {
        if (i < keep) {
            out->values[i] = all[i].value;
            out->counts[i] = all[i].count;
        } else {
            out->other += all[i].count;
        }
    }
    if (st == NG_OK)
        out->n = keep;
    free(all);
    return st;
}

void ng_top_free(ng_top *top)
{
    free(top->values);
    free(top->counts);
    memset(top, 0, sizeof *top);
}

uint64_t ng_top_total(const ng_top *top)
{
    uint64_t total = top->other;
    for (size_t i = 0; i < top->n; i++)
        total += top->counts[i];
    return total;
}

static size_t draw_below(const ng_top *top, uint64_t r)
{
    for (size_t i = 0; i < top->n; i++) {
        if (r < top->counts[i])
            return i;
        r -= top->counts[i];
    }
    return top->n;
}

size_t ng_top_sample(const ng_top *top, ng_rng *rng)
{
    uint64_t total = ng_top_total(top);
    return total ? draw_below(top, ng_rng_below(rng, total)) : top->n;
}

uint64_t ng_top_mode(const ng_top *top, uint64_t fallback)
{
    return top->n ? top->values[0] : fallback;
}

uint64_t ng_top_sample_value(const ng_top *top, ng_rng *rng, uint64_t fallback)
{
    uint64_t kept = ng_top_total(top) - top->other;
    if (!kept)
        return fallback;
    return top->values[draw_below(top, ng_rng_below(rng, kept))];
}

json_t *ng_top_to_json(const ng_top *top)
{
    json_t *values = json_array(), *counts = json_array();
    for (size_t i = 0; i < top->n; i++) {
        json_array_append_new(values, json_integer((json_int_t)top->values[i]));
        json_array_append_new(counts, json_integer((json_int_t)top->counts[i]));
    }
    return json_pack("{s:o, s:o, s:I}", "values", values, "counts", counts, "other",
                     (json_int_t)top->other);
}

static ng_status read_entry(ng_top *top, size_t i, const json_t *v, const json_t *c,
                            uint64_t max_value, const char *what, ng_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        (uint64_t)json_integer_value(v) > max_value)
        return ng_fail(err, NG_EFORMAT, "%s: value %zu is not an integer in [0, %llu]", what, i,
                       (unsigned long long)max_value);
    if (!json_is_integer(c) || json_integer_value(c) < 1)
        return ng_fail(err, NG_EFORMAT, "%s: count %zu is not a positive integer", what, i);
    top->values[i] = (uint64_t)json_integer_value(v);
    top->counts[i] = (uint64_t)json_integer_value(c);
    for (size_t j = 0; j < i; j++)
        if (top->values[j] == top->values[i])
            return ng_fail(err, NG_EFORMAT, "%s: value %llu appears twice", what,
                           (unsigned long long)top->values[i]);
    return NG_OK;
}

ng_status ng_top_from_json(ng_top *top, const json_t *json, uint64_t max_value,
                           const char *what, ng_error *err)
{
    memset(top, 0, sizeof *top);
    const json_t *values = json_object_get(json, "values"), *counts = json_object_get(json, "counts");
    const json_t *other = json_object_get(json, "other");
    if (!json_is_array(values) || !json_is_array(counts) ||
        json_array_size(values) != json_array_size(counts) || !json_is_integer(other) ||
        json_integer_value(other) < 0)
        return ng_fail(err, NG_EFORMAT,
                       "%s: needs 'values' and 'counts' arrays of equal length and 'other' >= 0",
                       what);
    size_t n = json_array_size(values);
    ng_status st = top_alloc(top, n, err);
    for (size_t i = 0; st == NG_OK && i < n; i++)
        st = read_entry(top, i, json_array_get(values, i), json_array_get(counts, i), max_value,
                        what, err);
    if (st) {
        ng_top_free(top);
        return st;
    }
    top->n = n;
    top->other = (uint64_t)json_integer_value(other);
    return NG_OK;
}
