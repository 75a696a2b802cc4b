/* follow.h — flow plans that follow a real capture (`generate --follow REAL`).
 *
 * The real capture is read with the same flow rules as `necstgen extract`
 * (features/extract.h); every flow becomes one plan, in order of start time, with the
 * real flow's start time, application class, protocol, endpoints (addresses, ports,
 * MACs), start and end kinds and its size (packets, bytes, duration) as the flow
 * level's targets. The synthetic traffic thus has the real period's dynamic (when flows
 * start, of which class, how big) while the flow level writes every packet. A client's
 * retries of a refused connection are flagged as such (model/retries.h) and keep the
 * real tuple, as the real ones did. When
 * start_ns is not 0 the whole timeline is shifted so the first flow starts there.
 * Plans are held in memory (about 300 bytes per real flow while loading, 150 after). */
#ifndef NG_SYNTH_FOLLOW_H
#define NG_SYNTH_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "model/flow_plan.h"

typedef struct ng_follow_plans {
    ng_flow_plan *plans;
    size_t n, next;
} ng_follow_plans;

ng_status ng_follow_load(ng_follow_plans *f, const char *path, int64_t start_ns, ng_error *err);
/* Plan source callback (generator.h): the next plan, false after the last. */
bool ng_follow_next(void *follow_plans, ng_flow_plan *plan);
void ng_follow_free(ng_follow_plans *f);

#endif
