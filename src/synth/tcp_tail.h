/* tcp_tail.h — a TCP flow's newest proposals, held back so that its close fits inside them.
 *
 * A flow the plan ends with FIN or RST used to get its whole teardown appended after the
 * model's last packet (ng_tcp_finish: FIN, FIN and the final ACK), so 40% of the TCP flows
 * came out one to three packets longer than planned (docs/FIDELITY.md, packets per flow).
 * The emitter instead holds the newest NG_TCP_TAIL proposals back; when the flow level has
 * no more, ng_tcp_tail_fold rewrites the held ones so that they carry the close
 * themselves. Times and sizes stay as drawn; flags change, and one direction may:
 *  - final ACK last: the last proposal (side A, no data) becomes the final ACK, the one
 *    before it (side B) carries B's FIN, A's last packet before that carries A's FIN
 *    (a FIN may carry data; B may go on sending after A's FIN, a half-close);
 *  - final ACK turned round: when the last two proposals are both A's and the last has
 *    no data (the model's "A ACK, A FIN" with B's final ACK beyond the planned count),
 *    the one before carries A's FIN, B's last packet before that B's FIN, and the last
 *    becomes B's final ACK;
 *  - FIN last: the last proposal carries A's FIN (with its data) and B's last packet before
 *    it B's FIN; ng_tcp_finish then appends only the final ACK;
 *  - RST: the last proposal, when it carries no data, becomes the RST.
 * Each rule is also tried on the held proposals with the model's own FINs removed (a FIN
 * drawn too early turns the side's later packets into duplicate ACKs that are dropped).
 * Every candidate runs on a copy of the connection (ng_tcp_flow is ~100 bytes and holds
 * no memory) followed by ng_tcp_finish; the proposals as drawn are tried first and kept
 * unless a rewrite changes the flow's packet count less (appended teardown, dropped
 * duplicate ACKs, proposals after the close), or as much but loses fewer payload bytes
 * (a final ACK made of a data packet drops its data). Every proposal a rewrite changed
 * counts one NG_TCP_FIX_TEARDOWN_FOLDED. */
#ifndef NG_SYNTH_TCP_TAIL_H
#define NG_SYNTH_TCP_TAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "synth/tcp_state.h"

enum { NG_TCP_TAIL = 8 }; /* proposals held back (a power of two) */

typedef struct ng_tcp_tail {
    ng_tcp_proposal held[NG_TCP_TAIL]; /* ring, oldest at first */
    uint8_t first, len;
} ng_tcp_tail;

void ng_tcp_tail_init(ng_tcp_tail *t);
/* Hold p. When the tail was full its oldest proposal leaves into *oldest: true. */
bool ng_tcp_tail_push(ng_tcp_tail *t, const ng_tcp_proposal *p, ng_tcp_proposal *oldest);
/* Take the oldest held proposal; false when none is held. */
bool ng_tcp_tail_pop(ng_tcp_tail *t, ng_tcp_proposal *oldest);
/* The flow has no more proposals: rewrite the held ones so that, stepped after flow's
 * current state and followed by ng_tcp_finish(end), the flow keeps its packet count as
 * well as it can (see above). flow is not changed. */
void ng_tcp_tail_fold(ng_tcp_tail *t, const ng_tcp_flow *flow, ng_tcp_end end,
                      ng_tcp_fixes *fixes);

#endif
