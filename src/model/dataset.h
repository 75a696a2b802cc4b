/* dataset.h — the training corpus: every packet row of the inputs, grouped by flow.
 *
 * ng_dataset_load runs the feature extraction (features/extract.h) over the inputs and
 * keeps the rows in memory in CSR form: flow i (ids renumbered 0..n_flows-1 in order of
 * first packet) owns packets[first[i] .. first[i+1]), in time order. A class filter
 * (--app) keeps only the flows of the listed application classes. Provenance for the
 * model file (input names, sizes, SHA-256) is recorded alongside. */
#ifndef NG_MODEL_DATASET_H
#define NG_MODEL_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sha256.h"
#include "features/extractor.h"
#include "features/rows.h"

typedef struct ng_dataset_options {
    ng_extract_options extract;     /* timeout, reorder window, max_packets, progress */
    bool keep_class[NG_APP_COUNT];  /* used when filter_classes is set */
    bool filter_classes;
} ng_dataset_options;

typedef struct ng_dataset_input {
    char *path;
    uint64_t size;                  /* bytes */
    uint8_t sha256[NG_SHA256_LEN];
} ng_dataset_input;

typedef struct ng_dataset {
    ng_packet_row *packets; /* n_packets rows, grouped by flow, time order within a flow */
    size_t n_packets;
    ng_flow *flows;         /* n_flows records, flows[i].id == i */
    size_t n_flows;
    size_t *first;          /* n_flows + 1 offsets into packets */
    ng_extract_stats stats; /* of the whole input, before any class filter */
    ng_dataset_input *inputs;
    size_t n_inputs;
} ng_dataset;

/* Read the inputs into ds (zeroed first). On failure ds is left empty. */
ng_status ng_dataset_load(ng_dataset *ds, const char *const *paths, size_t n,
                          const ng_dataset_options *opt, ng_error *err);

/* Build a dataset from rows already in memory (tests, and splits of a dataset):
 * packet rows in time order referring to flow ids of the given flows (any id order).
 * Copies everything; filters and renumbers as ng_dataset_load does. */
ng_status ng_dataset_from_rows(ng_dataset *ds, const ng_packet_row *packets, size_t n_packets,
                               const ng_flow *flows, size_t n_flows,
                               const ng_dataset_options *opt, ng_error *err);

void ng_dataset_free(ng_dataset *ds);

/* From the first flow's start to the last packet of any flow, ns (0 without flows or
 * when they all start and end at once); *start_ns gets the first start (may be NULL). */
int64_t ng_dataset_span_ns(const ng_dataset *ds, int64_t *start_ns);

/* Packets of flow i and their count. */
static inline const ng_packet_row *ng_dataset_flow_packets(const ng_dataset *ds, size_t i,
                                                           size_t *count)
{
    *count = ds->first[i + 1] - ds->first[i];
    return ds->packets + ds->first[i];
}

#endif
