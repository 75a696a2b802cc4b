/* flow_level.h — the flow level: an LSTM that generates one flow packet by packet,
 * including when it ends, conditioned on the flow's class, protocol kind, start/end
 * reasons and target packets, bytes and duration (flow_codec.h has the encoding,
 * flow_net.h the network, docs/FLOW_LEVEL.md the whole story).
 *
 * Training: ng_flow_level_train reads the dataset and the packet level's cluster id of
 * every dataset packet (cluster_of_packet[i] in [0, k) for ds->packets[i]), subsamples
 * cfg->flow.max_flows flows (seeded), splits them into training and validation flows
 * (cfg->validation_fraction, seeded; with fewer than NG_FLOW_MIN_VAL_FLOWS flows every
 * flow trains and validates: one held-out flow of three is another regime, not a
 * sample — Modbus's validation loss rose from the first epoch and the untrained weights
 * were kept), cuts flows into windows of cfg->flow.max_steps steps, and trains with Adam
 * (cfg->flow.learning_rate, clipping at cfg->max_grad_norm) for at most
 * cfg->flow.epochs epochs, stopping after cfg->patience epochs without a better
 * validation loss and keeping the best weights. report (may be NULL) receives the
 * untrained and best validation loss (mean per step), epochs and seconds. A NaN/Inf
 * loss or gradient fails with NG_ENUMERIC. Same data + cfg->seed → bit-identical model.
 *
 * Model file: header["flow"] holds the architecture, vocabularies and scalers; tensors
 * "flow.lstm.<l>.{w_ih,w_hh,bias}", "flow.head1.{w,b}", "flow.head2.{w,b}" (float32).
 * Loading validates every shape against the header.
 *
 * Generation: flow_sampler.h. */
#ifndef NG_MODEL_FLOW_LEVEL_H
#define NG_MODEL_FLOW_LEVEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/dataset.h"
#include "model/model_file.h"
#include "model/train_config.h"
#include "model/train_report.h"

#define NG_FLOW_MIN_VAL_FLOWS 10 /* fewer flows: no validation split (as the packet level) */

typedef struct ng_flow_level ng_flow_level;

ng_status ng_flow_level_train(const ng_dataset *ds, const uint16_t *cluster_of_packet, size_t k,
                              const ng_train_config *cfg, ng_flow_level **out,
                              ng_level_report *report, ng_error *err);
/* Adds header["flow"] and the "flow.*" tensors. */
ng_status ng_flow_level_save(const ng_flow_level *fl, ng_model_writer *w, json_t *header,
                             ng_error *err);
ng_status ng_flow_level_load(const ng_model_file *m, ng_flow_level **out, ng_error *err);
void ng_flow_level_free(ng_flow_level *fl);

/* Packet clusters the model was trained with (k). */
size_t ng_flow_level_clusters(const ng_flow_level *fl);
/* For `necstgen inspect`: sizes, vocabularies, scalers. A new JSON object. */
json_t *ng_flow_level_summary(const ng_flow_level *fl);

#endif
