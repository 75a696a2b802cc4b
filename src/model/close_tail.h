/* close_tail.h — how many packets a TCP flow has after its first FIN, as training saw it.
 *
 * The flow level is conditioned on a flow's planned packet count but often closes early:
 * on DARPA99 Friday an HTTP flow planned for 11 packets drew its server's FIN at the 7th
 * (4 packets left) instead of a second data segment, and 87 of 89 such flows came out one
 * packet short. In the training flows the close is regular: 98.6% of Friday's TCP flows
 * with a FIN have exactly 3 packets after the first one (ACK, FIN, last ACK); phone apps
 * close less tidily (reddit: 6 to 9+, TLS alerts after the FIN). The close tail is the
 * 90th percentile of that count over the training flows with a FIN; the sampler refuses a
 * first FIN that would leave more planned packets than that (model/tcp_mirror.h) and
 * draws again, so the flow's data comes first and its close at the end.
 *
 * Saved as the flow level's header key "close_tail"; absent (models from before it, or
 * fewer than NG_CLOSE_TAIL_MIN_FLOWS flows with a FIN) means no such rule. */
#ifndef NG_MODEL_CLOSE_TAIL_H
#define NG_MODEL_CLOSE_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "model/flow_codec.h"

#define NG_CLOSE_TAIL_NONE UINT32_MAX
#define NG_CLOSE_TAIL_MIN_FLOWS 20
#define NG_CLOSE_TAIL_MAX (1u << 20) /* the largest value a model file may hold */

/* Counts packets after the first FIN of flows given as tokens (packets in order);
 * first[f] .. first[f + 1] are flow f's tokens. */
typedef struct ng_close_tail_counts {
    size_t n_flows;        /* flows with a FIN */
    size_t *after;         /* [capacity]: packets after the first FIN, per such flow */
    size_t capacity;
} ng_close_tail_counts;

/* Adds the flows of one corpus; NG_ENOMEM leaves the counts as they were. */
ng_status ng_close_tail_add(ng_close_tail_counts *c, const ng_flow_codec *codec,
                            const ng_flow_token *tokens, const size_t *first, size_t n_flows,
                            ng_error *err);
/* The 90th percentile of the counts, or NG_CLOSE_TAIL_NONE below the minimum of flows. */
uint32_t ng_close_tail_of(ng_close_tail_counts *c);
void ng_close_tail_counts_free(ng_close_tail_counts *c);

#endif
