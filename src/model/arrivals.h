/* arrivals.h — when flows start: inter-arrival gaps and the sequence of classes.
 *
 * The gaps between consecutive flow starts (all classes together, in start order) are
 * modelled on a log scale, log10(gap_s + 1e-6), by a 1-D Gaussian mixture (K ≤
 * gap_k_max by BIC). Each flow becomes a token (gap component of the gap before it,
 * class of the flow) — the first flow takes the component of the median gap — and the
 * token sequence is modelled by a sparse back-off n-gram (ngram.h) whose context is
 * the previous `order` tokens: bursts (runs of short-gap components), lulls, and
 * which classes follow which, survive into generation. Generation draws the next
 * token from the n-gram given the recent tokens, then a gap from that component's
 * Gaussian, truncated to the range of log-gaps the component was fitted on (a wide
 * component must not invent hour-long lulls the data never had). A calibration factor,
 * the real mean gap over the mean gap of a long seeded simulation of the model, keeps
 * the long-run flow rate equal to the real one whatever the order and back-off do to
 * the component frequencies.
 *
 * Model file: tensors "aggregate.gap" (gmm_io.h); JSON "arrivals": {"classes": [names
 * in token order], "k": K, "lo": [K], "hi": [K], "gap_scale": f, "mean_gap_s": f, "ngram": {...}}. Tokens are component * n_classes + class index. */
#ifndef NG_MODEL_ARRIVALS_H
#define NG_MODEL_ARRIVALS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "flow/app_class.h"
#include "model/dataset.h"
#include "model/model_file.h"
#include "model/ngram.h"
#include "stats/gmm.h"

#define NG_GAP_FLOOR_S 1e-6

typedef struct ng_arrivals {
    ng_gmm *gap;                     /* d = 1 */
    size_t n_classes;
    uint8_t classes[NG_APP_COUNT];   /* class index -> ng_app_class */
    ng_ngram *ngram;
    double *lo, *hi;                 /* per component: observed range of its log-gaps */
    double gap_scale;                /* calibration: target mean gap / the model's */
    double mean_gap_s;               /* target: training span / flows (else 1 s) */
} ng_arrivals;

/* span_ns: the training traffic's whole span (first start to last packet), which may be
 * longer than these flows' own when some flows are carried (carried.h); 0: theirs. */
ng_status ng_arrivals_train(ng_arrivals *a, const ng_dataset *ds, int64_t span_ns,
                            size_t gap_k_max, size_t order, uint64_t seed, ng_error *err);
void ng_arrivals_free(ng_arrivals *a);

/* Split a token into its gap component and its app class. */
void ng_arrivals_token(const ng_arrivals *a, uint32_t token, size_t *component, uint8_t *cls);
/* A gap in seconds (≥ 0) from component c's Gaussian. */
double ng_arrivals_sample_gap_s(const ng_arrivals *a, size_t c, ng_rng *rng);

json_t *ng_arrivals_to_json(const ng_arrivals *a);
ng_status ng_arrivals_add_tensors(const ng_arrivals *a, ng_model_writer *w, ng_error *err);
/* Checks the n-gram's vocabulary is K × classes and that every class is known. */
ng_status ng_arrivals_load(ng_arrivals *a, const json_t *json, const ng_model_file *m,
                           ng_error *err);

#endif
