/* vocab.c — building (count, sort by frequency, keep the top, sort by value),
 * looking up (binary search) and (de)serialising vocabularies. */
#include "model/vocab.h"

#include <stdlib.h>
#include <string.h>

typedef struct value_count {
    uint32_t value;
    uint64_t count;
} value_count;

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int by_count_desc(const void *a, const void *b)
{
    const value_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->value < y->value ? -1 : x->value > y->value;
}

static int by_entry_value(const void *a, const void *b)
{
    const value_count *x = a, *y = b;
    return x->value < y->value ? -1 : x->value > y->value;
}

ng_status ng_vocab_build(ng_vocab *vocab, const uint32_t *values, size_t n, size_t max,
                         ng_error *err)
{
    memset(vocab, 0, sizeof *vocab);
    if (max > NG_VOCAB_MAX)
        max = NG_VOCAB_MAX;
    uint32_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    value_count *distinct = malloc((n ? n : 1) * sizeof *distinct);
    if (!sorted || !distinct) {
        free(sorted);
        free(distinct);
        return ng_fail(err, NG_ENOMEM, "out of memory building a vocabulary of %zu values", n);
    }
    if (n)
        memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_value);
    size_t n_distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (n_distinct && distinct[n_distinct - 1].value == sorted[i])
            distinct[n_distinct - 1].count++;
        else
            distinct[n_distinct++] = (value_count){sorted[i], 1};
    }
    qsort(distinct, n_distinct, sizeof *distinct, by_count_desc);
    size_t keep = n_distinct < max ? n_distinct : max;
    for (size_t i = keep; i < n_distinct; i++)
        vocab->other_count += distinct[i].count;
    qsort(distinct, keep, sizeof *distinct, by_entry_value);
    for (size_t i = 0; i < keep; i++) {
        vocab->values[i] = distinct[i].value;
        vocab->counts[i] = distinct[i].count;
    }
    vocab->n = keep;
    free(sorted);
    free(distinct);
    return NG_OK;
}

size_t ng_vocab_index(const ng_vocab *vocab, uint32_t v)
{
    size_t lo = 0, hi = vocab->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vocab->values[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < vocab->n && vocab->values[lo] == v ? lo : vocab->n;
}

json_t *ng_vocab_to_json(const ng_vocab *vocab)
{
    json_t *values = json_array(), *counts = json_array();
    for (size_t i = 0; i < vocab->n; i++) {
        json_array_append_new(values, json_integer(vocab->values[i]));
        json_array_append_new(counts, json_integer((json_int_t)vocab->counts[i]));
    }
    return json_pack("{s:o, s:o, s:I}", "values", values, "counts", counts, "other",
                     (json_int_t)vocab->other_count);
}

ng_status ng_vocab_from_json(ng_vocab *vocab, const json_t *json, const char *what,
                             ng_error *err)
{
    memset(vocab, 0, sizeof *vocab);
    const json_t *values = json_object_get(json, "values");
    const json_t *counts = json_object_get(json, "counts");
    const json_t *other = json_object_get(json, "other");
    if (!json_is_array(values) || !json_is_array(counts) || !json_is_integer(other) ||
        json_array_size(values) != json_array_size(counts) ||
        json_array_size(values) > NG_VOCAB_MAX || json_integer_value(other) < 0)
        return ng_fail(err, NG_EFORMAT, "vocabulary '%s' is malformed", what);
    vocab->n = json_array_size(values);
    vocab->other_count = (uint64_t)json_integer_value(other);
    for (size_t i = 0; i < vocab->n; i++) {
        const json_t *v = json_array_get(values, i), *c = json_array_get(counts, i);
        if (!json_is_integer(v) || !json_is_integer(c) || json_integer_value(v) < 0 ||
            json_integer_value(v) > UINT32_MAX || json_integer_value(c) < 0)
            return ng_fail(err, NG_EFORMAT, "vocabulary '%s': entry %zu is not a valid value",
                           what, i);
        vocab->values[i] = (uint32_t)json_integer_value(v);
        vocab->counts[i] = (uint64_t)json_integer_value(c);
        if (i && vocab->values[i] <= vocab->values[i - 1])
            return ng_fail(err, NG_EFORMAT, "vocabulary '%s': values not strictly increasing at %zu",
                           what, i);
    }
    return NG_OK;
}
