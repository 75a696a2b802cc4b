/* aggregate_level.h — the aggregate level: which flows happen, when, between whom.
 *
 * Trained from the flows of a dataset: per application class a mixture over flow
 * shapes (packets, bytes, duration on log scales), the arrival process of flow starts
 * (inter-arrival gaps and their sequence, so bursts and lulls survive), the mix of
 * classes over time, the endpoint structure (server ports per class, client port
 * range, hosts and their popularity, MAC addresses) and per-class header habits
 * (TTLs, TCP windows and options, handshake/teardown shares).
 *
 * Generation walks a timeline: ng_timeline_next yields flow plans (flow_plan.h) in
 * start-time order until the requested duration or flow count is reached. */
#ifndef NG_MODEL_AGGREGATE_LEVEL_H
#define NG_MODEL_AGGREGATE_LEVEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "flow/app_class.h"
#include "model/dataset.h"
#include "model/flow_plan.h"
#include "model/header_habits.h"
#include "model/model_file.h"
#include "model/train_config.h"

typedef struct ng_aggregate ng_aggregate;

ng_status ng_aggregate_train(const ng_dataset *ds, const ng_train_config *cfg,
                             ng_aggregate **out, ng_error *err);
/* Adds header["aggregate"] and tensors "aggregate.*". */
ng_status ng_aggregate_save(const ng_aggregate *a, ng_model_writer *w, json_t *header,
                            ng_error *err);
ng_status ng_aggregate_load(const ng_model_file *m, ng_aggregate **out, ng_error *err);
void ng_aggregate_free(ng_aggregate *a);

/* What `necstgen inspect` prints: classes and shares, K per mixture, flow-size and
 * inter-arrival summaries, hosts. A new JSON object. */
json_t *ng_aggregate_summary(const ng_aggregate *a);
/* Start and duration of the training traffic (the default timeline length). */
int64_t ng_aggregate_train_start_ns(const ng_aggregate *a);
int64_t ng_aggregate_train_duration_ns(const ng_aggregate *a);
/* Flows the model was trained on, in all and of one class. */
uint64_t ng_aggregate_train_flows(const ng_aggregate *a);
uint64_t ng_aggregate_class_flows(const ng_aggregate *a, uint8_t app_class);
/* Header habits of a class (TTLs, windows, SYN options per direction); every field
 * empty (n == 0) for a class the model never saw or an out-of-range class. */
const ng_header_habits *ng_aggregate_habits(const ng_aggregate *a, uint8_t app_class);

typedef struct ng_timeline_options {
    uint64_t seed;
    int64_t start_ns;      /* timestamp of the timeline's origin */
    int64_t duration_ns;   /* no flow starts at or after start + duration (0: no limit) */
    uint64_t max_flows;    /* stop after this many flows (0: no limit) */
    double rate_scale;     /* > 0; 2 = flows arrive twice as often */
    bool keep_class[NG_APP_COUNT];
    bool filter_classes;   /* only plan flows of the kept classes */
} ng_timeline_options;

typedef struct ng_timeline ng_timeline;

ng_status ng_timeline_new(const ng_aggregate *a, const ng_timeline_options *opt,
                          ng_timeline **out, ng_error *err);
/* Next flow in start order; false when the duration or flow count is reached. */
bool ng_timeline_next(ng_timeline *t, ng_flow_plan *plan);
void ng_timeline_free(ng_timeline *t);

#endif
