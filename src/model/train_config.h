/* train_config.h — every hyperparameter of `necstgen train`, with defaults.
 *
 * Defaults come from ng_train_config_default; a JSON config file (--config) and then
 * command-line flags override them; the final values are recorded in the model file's
 * header (ng_train_config_to_json), so a model says how it was made. Unknown keys and
 * impossible values in a config file are refused with the file and key named. */
#ifndef NG_MODEL_TRAIN_CONFIG_H
#define NG_MODEL_TRAIN_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "flow/app_class.h"

typedef struct ng_packet_level_config {
    size_t latent;          /* VAE latent size (default 4) */
    size_t hidden[3];       /* encoder hidden sizes, decoder mirrors (0 ends the list) */
    float beta;             /* KL weight */
    size_t epochs;          /* maximum epochs */
    size_t batch;
    float learning_rate;
    size_t k_min, k_max;    /* GMM components searched by BIC over the latent space */
    size_t gmm_max_points;  /* latent points sampled for the GMM fit (speed bound); 0 = all */
    size_t size_vocab;      /* exact payload sizes kept as categories */
} ng_packet_level_config;

typedef struct ng_flow_level_config {
    size_t hidden;          /* LSTM hidden size */
    size_t layers;
    size_t max_steps;       /* sequences are cut into windows of this many packets */
    size_t epochs;
    size_t batch;
    float learning_rate;
    size_t iat_mixture;     /* Gaussian components for log inter-arrival times */
    size_t max_flows;       /* flows used for training (sampled when more); 0 = all */
} ng_flow_level_config;

typedef struct ng_aggregate_config {
    size_t k_max;           /* GMM components searched by BIC for flow shapes */
    size_t gap_k_max;       /* components of the flow inter-arrival mixture */
    size_t ngram_order;     /* context length of the arrival sequence model */
} ng_aggregate_config;

/* The largest seed and max_packets: the model records them as JSON integers, which are
 * signed 64-bit, so every accepted value is recorded exactly and read back the same. */
#define NG_TRAIN_CONFIG_U64_MAX ((uint64_t)INT64_MAX)

typedef struct ng_train_config {
    uint64_t seed;              /* 0 .. NG_TRAIN_CONFIG_U64_MAX */
    double validation_fraction; /* of flows, held out for early stopping */
    size_t patience;            /* epochs without validation improvement before stopping */
    float max_grad_norm;
    double flow_timeout_s;
    uint64_t max_packets;       /* 0 = all; at most NG_TRAIN_CONFIG_U64_MAX */
    bool keep_class[NG_APP_COUNT];
    bool filter_classes;        /* --app given */
    ng_packet_level_config packet;
    ng_flow_level_config flow;
    ng_aggregate_config aggregate;
} ng_train_config;

void ng_train_config_default(ng_train_config *cfg);
/* Override from a JSON object (e.g. a --config file's contents); `source` names it in
 * errors. Nested objects "packet", "flow", "aggregate" hold the level settings. */
ng_status ng_train_config_apply_json(ng_train_config *cfg, const json_t *obj, const char *source,
                                     ng_error *err);
ng_status ng_train_config_load_file(ng_train_config *cfg, const char *path, ng_error *err);
/* Check ranges and consistency (e.g. k_min <= k_max, fractions in [0, 0.5]). */
ng_status ng_train_config_check(const ng_train_config *cfg, ng_error *err);
/* The allowed range of the integer setting `key` ("seed", "packet.latent"), for
 * checking a command-line flag before it is applied; false when `key` is not one. */
bool ng_train_config_int_range(const char *key, uint64_t *min, uint64_t *max);
/* The whole configuration as a new JSON object (same keys as the config file). */
json_t *ng_train_config_to_json(const ng_train_config *cfg);

#endif
