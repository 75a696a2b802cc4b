/* vocab.h — a vocabulary of the most frequent values of a discrete field.
 *
 * Used for the packet features that are categories: TCP flag combinations, exact payload
 * sizes, application classes, protocol kinds. The vocabulary keeps up to `max` values
 * (the most frequent; ties go to the smaller value) and maps every other value to one
 * extra "other" index, n. Lookups are a binary search over the kept values, which are
 * stored sorted. (De)serialised as a JSON array of the kept values. */
#ifndef NG_MODEL_VOCAB_H
#define NG_MODEL_VOCAB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define NG_VOCAB_MAX 1024

typedef struct ng_vocab {
    size_t n;                      /* kept values; index n means "other" */
    uint32_t values[NG_VOCAB_MAX]; /* sorted ascending */
    uint64_t counts[NG_VOCAB_MAX]; /* occurrences in the data it was built from */
    uint64_t other_count;          /* occurrences of values not kept */
} ng_vocab;

/* The `max` (<= NG_VOCAB_MAX) most frequent of values[0..n). */
ng_status ng_vocab_build(ng_vocab *vocab, const uint32_t *values, size_t n, size_t max,
                         ng_error *err);
/* Index of v, or vocab->n ("other") when v is not kept. */
size_t ng_vocab_index(const ng_vocab *vocab, uint32_t v);
/* Number of categories including "other". */
static inline size_t ng_vocab_size(const ng_vocab *vocab) { return vocab->n + 1; }

/* {"values": [...], "counts": [...], "other": N} */
json_t *ng_vocab_to_json(const ng_vocab *vocab);
/* Refuses unsorted, duplicate, oversize or mistyped arrays, naming `what`. */
ng_status ng_vocab_from_json(ng_vocab *vocab, const json_t *json, const char *what,
                             ng_error *err);

#endif
