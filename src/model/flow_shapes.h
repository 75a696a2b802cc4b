/* flow_shapes.h — per application class, how big and how long flows are, and how
 * they begin and end.
 *
 * For each class with flows: a Gaussian mixture (full covariance, K ≤ k_max by BIC;
 * K = 1 for classes with fewer than NG_SHAPE_SMALL_CLASS flows) over
 * (log10 packets, log10 bytes, log10(duration_s + 1e-6)); the observed bounds of
 * bytes per packet; and joint counts of (start reason, end reason) per packet-count
 * bucket (1, 2–3, 4+ packets), so a one-packet TCP flow does not get a handshake
 * and a teardown it cannot have.
 *
 * Sampling gives consistent targets: packets an integer ≥ 1; bytes within
 * [packets × min frame, packets × max frame]; duration ≥ 0 and exactly 0 for a
 * single packet; start/end drawn from the bucket's counts (the class's totals when
 * the bucket is empty). Model file: the mixture as tensors "aggregate.shape.<class>"
 * (gmm_io.h); the rest in the class's JSON object under "shape". */
#ifndef NG_MODEL_FLOW_SHAPES_H
#define NG_MODEL_FLOW_SHAPES_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "flow/app_class.h"
#include "flow/flow.h"
#include "model/dataset.h"
#include "model/flow_plan.h"
#include "model/model_file.h"
#include "stats/gmm.h"

#define NG_SHAPE_SMALL_CLASS 5
#define NG_SHAPE_BUCKETS 3
#define NG_SHAPE_DIMS 3

typedef struct ng_class_shape {
    uint64_t flows;       /* 0: the class was not seen */
    ng_gmm *gmm;          /* NG_SHAPE_DIMS dimensions */
    uint32_t min_frame;   /* smallest bytes per packet of a flow (floor) */
    uint32_t max_frame;   /* largest bytes per packet of a flow (ceiling) */
    uint64_t start_end[NG_SHAPE_BUCKETS][NG_FLOW_START_COUNT][NG_FLOW_END_COUNT];
} ng_class_shape;

typedef struct ng_flow_shapes {
    ng_class_shape cls[NG_APP_COUNT];
} ng_flow_shapes;

ng_status ng_flow_shapes_train(ng_flow_shapes *s, const ng_dataset *ds, size_t k_max,
                               uint64_t seed, ng_error *err);
void ng_flow_shapes_free(ng_flow_shapes *s);

/* Fill plan->target_* and start/end reasons for a flow of class cls (must be seen). */
void ng_flow_shapes_sample(const ng_flow_shapes *s, uint8_t cls, ng_rng *rng,
                           ng_flow_plan *plan);
/* The feature vector of a real flow (what the mixture is fitted on). */
void ng_flow_shape_point(const ng_flow *f, double x[NG_SHAPE_DIMS]);

json_t *ng_flow_shapes_class_to_json(const ng_flow_shapes *s, uint8_t cls);
ng_status ng_flow_shapes_add_tensors(const ng_flow_shapes *s, ng_model_writer *w, ng_error *err);
/* Read class cls from its "shape" JSON and its tensors; flows is the class's count. */
ng_status ng_flow_shapes_class_load(ng_flow_shapes *s, uint8_t cls, uint64_t flows,
                                    const json_t *json, const ng_model_file *m, ng_error *err);

#endif
