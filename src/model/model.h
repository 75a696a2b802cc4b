/* model.h — a whole necstgen model: the three levels plus what made them.
 *
 * ng_model_train reads the captures into a dataset (dataset.h), trains the packet level
 * (VAE + latent mixture: packet clusters), then the flow level (LSTM over each flow's
 * clusters) and the aggregate level (flow shapes, arrivals, endpoints). The model file
 * (model_file.h) holds all of it plus a header with provenance (inputs with SHA-256,
 * packet counts, necstgen version, seed, every hyperparameter) and the training report.
 * Same inputs, configuration and build → a byte-identical file. */
#ifndef NG_MODEL_MODEL_H
#define NG_MODEL_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/aggregate_level.h"
#include "model/flow_level.h"
#include "model/packet_level.h"
#include "model/train_config.h"
#include "model/train_report.h"

typedef struct ng_model {
    ng_packet_level *packet;
    ng_flow_level *flow;
    ng_aggregate *aggregate;
    json_t *provenance;     /* inputs, counts, version, seed */
    json_t *config;         /* ng_train_config_to_json of the training run */
    ng_train_report report;
} ng_model;

ng_status ng_model_train(const char *const *paths, size_t n, const ng_train_config *cfg,
                         ng_model **out, ng_error *err);
/* Train on a dataset already in memory (provenance from its inputs). */
ng_status ng_model_train_dataset(const ng_dataset *ds, const ng_train_config *cfg,
                                 ng_model **out, ng_error *err);
ng_status ng_model_save(const ng_model *m, const char *path, ng_error *err);
/* Encode to memory (caller frees *bytes): what save writes. */
ng_status ng_model_encode(const ng_model *m, uint8_t **bytes, size_t *len, ng_error *err);
ng_status ng_model_load(const char *path, ng_model **out, ng_error *err);
/* Load from memory (e.g. the default model built into the binary); `label` names it. */
ng_status ng_model_load_bytes(const uint8_t *bytes, size_t len, const char *label,
                              ng_model **out, ng_error *err);
void ng_model_free(ng_model *m);

/* Everything `necstgen inspect` shows, as a new JSON object. */
json_t *ng_model_summary(const ng_model *m);

#endif
