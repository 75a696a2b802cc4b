/* flow_shapes.h — how big and how long flows are, and how they begin and end, per
 * application class and protocol kind.
 *
 * Flows are grouped by (class, kind), the kind being the IP protocol of a TCP/UDP flow
 * (DNS over TCP is not DNS over UDP) or, for a no-flow stream, its ethertype and IP
 * protocol (an ARP stream is not an ICMP one) — ng_flow_kind. For each group: a
 * Gaussian mixture (full covariance, K ≤ k_max by BIC and K ≤ flows / 5) over
 * (log10 packets, log10 bytes, log10(duration_s + 1e-6)) — for groups of fewer than
 * NG_SHAPE_SMALL_GROUP flows, one narrow component per flow (empirical resampling with
 * jitter), since a Gaussian or two through a dozen points invents sizes. Fits use at
 * most 5000 flows of a group (seeded subsample), 8 restarts, every K tried. Also the observed bounds of bytes per packet; and joint
 * counts of (start reason, end reason) per packet-count bucket (1, 2–3, 4+ packets),
 * so a one-packet TCP flow does not get a handshake and a teardown it cannot have.
 *
 * Sampling gives consistent targets: packets an integer ≥ 1; bytes within
 * [packets × min frame, packets × max frame]; duration ≥ 0 and exactly 0 for a
 * single packet; start/end drawn from the bucket's counts (the group's totals when
 * the bucket is empty). Model file: each group's mixture as tensors
 * "aggregate.shape.<class>.<kind>" (gmm_io.h); the rest in the class's JSON object
 * under "shapes" (one entry per kind, kinds ascending). */
#ifndef NG_MODEL_FLOW_SHAPES_H
#define NG_MODEL_FLOW_SHAPES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "flow/app_class.h"
#include "flow/flow.h"
#include "model/dataset.h"
#include "model/flow_plan.h"
#include "model/model_file.h"
#include "stats/gmm.h"

#define NG_SHAPE_SMALL_GROUP 20
#define NG_SHAPE_BUCKETS 3
#define NG_SHAPE_DIMS 3
#define NG_SHAPE_MAX_GROUPS 4096

typedef struct ng_shape_group {
    uint8_t app_class;
    uint32_t kind;        /* ng_flow_kind */
    uint64_t flows;
    ng_gmm *gmm;          /* NG_SHAPE_DIMS dimensions */
    uint32_t min_frame;   /* smallest bytes per packet of a flow (floor) */
    uint32_t max_frame;   /* largest bytes per packet of a flow (ceiling) */
    uint64_t start_end[NG_SHAPE_BUCKETS][NG_FLOW_START_COUNT][NG_FLOW_END_COUNT];
} ng_shape_group;

typedef struct ng_flow_shapes {
    ng_shape_group *groups; /* ordered by (class, kind) */
    size_t n;
} ng_flow_shapes;

/* The protocol kind of a flow or plan: ip_proto for TCP/UDP flows; for no-flow
 * streams 1 << 24 | ethertype << 8 | ip_proto. */
uint32_t ng_flow_kind(bool is_noflow, uint16_t ethertype, uint8_t ip_proto);

ng_status ng_flow_shapes_train(ng_flow_shapes *s, const ng_dataset *ds, size_t k_max,
                               uint64_t seed, ng_error *err);
void ng_flow_shapes_free(ng_flow_shapes *s);

/* The group of (class, kind), or NULL. */
const ng_shape_group *ng_flow_shapes_find(const ng_flow_shapes *s, uint8_t cls, uint32_t kind);
/* The class's largest group, or NULL when the class has none. */
const ng_shape_group *ng_flow_shapes_largest(const ng_flow_shapes *s, uint8_t cls);

/* Fill plan->target_* and start/end reasons from the plan's (class, kind) group — the
 * class's largest group when that kind was never seen. The class must have a group. */
void ng_flow_shapes_sample(const ng_flow_shapes *s, ng_rng *rng, ng_flow_plan *plan);
/* The feature vector of a real flow (what the mixtures are fitted on). */
void ng_flow_shape_point(const ng_flow *f, double x[NG_SHAPE_DIMS]);

/* The class's groups as a JSON array (kinds ascending). */
json_t *ng_flow_shapes_class_to_json(const ng_flow_shapes *s, uint8_t cls);
ng_status ng_flow_shapes_add_tensors(const ng_flow_shapes *s, ng_model_writer *w, ng_error *err);
/* Append class cls's groups from its "shapes" array and tensors; their flows must sum
 * to the class's count. Call for classes in ascending order. */
ng_status ng_flow_shapes_class_load(ng_flow_shapes *s, uint8_t cls, uint64_t flows,
                                    const json_t *json, const ng_model_file *m, ng_error *err);

#endif
