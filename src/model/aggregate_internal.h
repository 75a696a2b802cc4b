/* aggregate_internal.h — the aggregate level's state, shared by aggregate_level.c
 * (train, save, load, summary) and timeline.c (generation). Not a public header. */
#ifndef NG_MODEL_AGGREGATE_INTERNAL_H
#define NG_MODEL_AGGREGATE_INTERNAL_H

#include "model/aggregate_level.h"
#include "model/arrivals.h"
#include "model/carried.h"
#include "model/endpoints.h"
#include "model/flow_shapes.h"
#include "model/header_habits.h"
#include "model/retries.h"

struct ng_aggregate {
    ng_aggregate_config cfg;
    int64_t train_start_ns, train_duration_ns;
    uint64_t n_flows;                    /* the arrivals' flows (all when carried.only) */
    uint64_t class_flows[NG_APP_COUNT];  /* of those */
    ng_flow_shapes shapes;
    ng_arrivals arrivals;
    ng_endpoints endpoints;
    ng_header_habits habits[NG_APP_COUNT];
    ng_carried carried;  /* streams through the whole capture, not arrivals */
    ng_retries retries;  /* a client's retries of a refused connection, not arrivals */
    json_t *stats; /* flow-size and inter-arrival summary of the training flows */
};

#endif
