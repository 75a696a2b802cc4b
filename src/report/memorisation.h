/* memorisation.h — how many generated flows copy a training flow exactly.
 *
 * A flow's signature is its packet sequence of (direction, frame length) in time order,
 * direction 0 from the initiator (flows as in capture_summary.h: the 5-tuple, no
 * timeout). Only flows of at least NG_MEMO_MIN_PACKETS packets count: a 3-packet DNS
 * exchange repeats in any real traffic. Signatures are 64-bit hashes of the whole
 * sequence (length included), kept sorted, so a lookup is a binary search.
 *
 * Share memorised = flows (>= 5 packets) of a capture whose signature equals some
 * training flow's / flows (>= 5 packets) of that capture; NAN when it has none.
 * For two real halves the same number is the yardstick: how repetitive the traffic is. */
#ifndef NG_REPORT_MEMORISATION_H
#define NG_REPORT_MEMORISATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "report/capture_summary.h"

#define NG_MEMO_MIN_PACKETS 5

typedef struct ng_memo_set {
    uint64_t *sig;    /* sorted signatures of the flows with >= NG_MEMO_MIN_PACKETS */
    size_t n;
} ng_memo_set;

typedef struct ng_memo_score {
    double flows;     /* flows with >= NG_MEMO_MIN_PACKETS packets */
    double memorised; /* of those, signature found in the training set */
    double share;     /* memorised / flows; NAN when flows == 0 */
} ng_memo_score;

/* Signatures of a finished summary's long-enough flows. */
ng_status ng_memo_set_build(const ng_capture_summary *s, ng_memo_set *out, ng_error *err);
void ng_memo_set_free(ng_memo_set *set);
/* Score a finished summary against a training set. */
ng_status ng_memo_score_of(const ng_capture_summary *s, const ng_memo_set *train,
                           ng_memo_score *out, ng_error *err);

#endif
