/* tally.h — counting discrete values and keeping the most frequent ones.
 *
 * An ng_tally counts 64-bit values (a hash map, so memory follows the distinct
 * values seen). ng_tally_top turns it into an ng_top: up to `max` values ordered by
 * count (descending; ties: smaller value first), with the rest summed into `other`.
 * An ng_top is what the aggregate level stores and samples: categorical draws in
 * proportion to the counts, index n meaning "other". JSON form:
 * {"values": [...], "counts": [...], "other": N}; loading refuses mismatched
 * lengths, counts < 1, values above the caller's bound and duplicates. */
#ifndef NG_MODEL_TALLY_H
#define NG_MODEL_TALLY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/hashmap.h"
#include "core/rng.h"

typedef struct ng_tally {
    ng_hashmap map; /* uint64 value -> uint64 count */
} ng_tally;

typedef struct ng_top {
    size_t n;
    uint64_t *values;
    uint64_t *counts;
    uint64_t other; /* occurrences of values not kept */
} ng_top;

void ng_tally_init(ng_tally *t);
void ng_tally_free(ng_tally *t);
ng_status ng_tally_add(ng_tally *t, uint64_t value, uint64_t count, ng_error *err);
/* The `max` most frequent values (max 0: all of them). */
ng_status ng_tally_top(const ng_tally *t, size_t max, ng_top *out, ng_error *err);

void ng_top_free(ng_top *top);
/* Kept occurrences plus other. */
uint64_t ng_top_total(const ng_top *top);
/* Index in [0, n] drawn in proportion to counts (n: "other"); n when total is 0. */
size_t ng_top_sample(const ng_top *top, ng_rng *rng);
/* Most frequent value, or fallback when nothing is kept. */
uint64_t ng_top_mode(const ng_top *top, uint64_t fallback);
/* Value drawn among kept values only, or fallback when nothing is kept. */
uint64_t ng_top_sample_value(const ng_top *top, ng_rng *rng, uint64_t fallback);

json_t *ng_top_to_json(const ng_top *top);
ng_status ng_top_from_json(ng_top *top, const json_t *json, uint64_t max_value,
                           const char *what, ng_error *err);

#endif
