/* cluster_support.h — which direction, flags and size outputs each cluster of the flow
 * level was seen with in training.
 *
 * The flow level's second head is linear in its one-hot inputs (cluster, direction,
 * flags), so it gives every combination some probability, also ones the training data
 * never had: DARPA99 HTTP clients sending 1460-byte segments (4% of the synthetic client
 * packets over 1000 bytes, none in the real capture), and the sampler's redraws of TCP
 * packets synth would drop double that (8%). The support records,
 * per cluster, the categorical outputs of head 2 (direction, flags, exact size or
 * "other" size) that occurred with it in the training flows; the sampler never draws an
 * output outside it. A cluster is a packet type (packet level), so this restricts the
 * vocabulary of each packet type, not sequences: flows stay new.
 *
 * Layout: row per cluster, one entry per categorical output of head 2 in its order
 * (codec out_dir .. out_other: 2 directions, flags vocabulary + other, sizes vocabulary
 * + other); 1 seen, 0 not. Stored in the model file as tensor "flow.support" (f32 0/1);
 * models without it allow everything. */
#ifndef NG_MODEL_CLUSTER_SUPPORT_H
#define NG_MODEL_CLUSTER_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/flow_codec.h"
#include "model/model_file.h"

#define NG_CLUSTER_SUPPORT_TENSOR "flow.support"

typedef struct ng_cluster_support {
    size_t k, width;  /* clusters, categorical outputs of head 2 */
    uint8_t *seen;    /* [k, width]; NULL: everything allowed */
} ng_cluster_support;

/* Categorical outputs of head 2 (the row width). */
size_t ng_cluster_support_width(const ng_flow_codec *codec);

/* Mark what the tokens show (called once per corpus; starts from nothing seen). */
ng_status ng_cluster_support_init(ng_cluster_support *s, const ng_flow_codec *codec,
                                  ng_error *err);
void ng_cluster_support_add(ng_cluster_support *s, const ng_flow_codec *codec,
                            const ng_flow_token *tokens, size_t n);
/* After the last add: a cluster with no direction, flags or size seen (a cluster of
 * packets outside the training flows) allows that whole group, so every cluster can be
 * drawn from. */
void ng_cluster_support_complete(ng_cluster_support *s, const ng_flow_codec *codec);
void ng_cluster_support_free(ng_cluster_support *s);

/* Output o (0-based from codec out_dir) allowed after cluster k. */
static inline bool ng_cluster_support_allows(const ng_cluster_support *s, size_t k, size_t o)
{
    return !s->seen || s->seen[k * s->width + o];
}

/* Entries seen, of k * width (for `inspect`). */
size_t ng_cluster_support_count(const ng_cluster_support *s);

ng_status ng_cluster_support_save(const ng_cluster_support *s, ng_model_writer *w,
                                  ng_error *err);
/* Reads the tensor when the file has it (else leaves s allowing everything). Refuses a
 * wrong shape, values other than 0/1, and a cluster row without any direction, flags or
 * size (nothing could be drawn). */
ng_status ng_cluster_support_load(ng_cluster_support *s, const ng_flow_codec *codec,
                                  const ng_model_file *m, ng_error *err);

#endif
