/* tcp_mirror.h — the flow sampler's cheap copy of the TCP rules that drop packets.
 *
 * synth/tcp_state.h keeps every generated connection valid; some proposals it cannot
 * keep and drops (a pure ACK acknowledging nothing new, data or a second FIN after a
 * side's FIN, anything after the connection closed). Every dropped proposal makes the
 * flow shorter than its planned packet count (DARPA99 Monday: 14% of proposals were
 * duplicate ACKs). The sampler asks this mirror whether a proposal would survive and,
 * if not, draws again from the same step (rejection: the model's distribution
 * restricted to packets that survive), so the flow keeps its length.
 *
 * A refusal is one of two kinds (ng_tcp_refusal). A FIN the flow has no place for — its
 * side closed already, or a first FIN leaving more packets than the close tail — sends
 * the sampler to the clusters the model ranks next (the data still to come). Any other
 * refused packet is only drawn again from the same distribution: setting the cluster of
 * a duplicate ACK aside put 1460-byte segments where the model wanted an ACK, and the
 * second FIN refused for the packets left is a close in the right place that came
 * early (what the model ranks next there is an HTTP client's request after the server
 * closed).
 *
 * Sequence space is counted from 0 per side (payload + 1 for SYN + 1 for FIN); only the
 * relations the drop rules need are tracked. */
#ifndef NG_MODEL_TCP_MIRROR_H
#define NG_MODEL_TCP_MIRROR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ng_tcp_mirror {
    uint64_t nxt[2];    /* next sequence number of each side (from 0) */
    uint64_t acked[2];  /* what each side last acknowledged of the other; UINT64_MAX: none */
    bool sent[2], fin[2];
    bool closed;        /* both FINs, or a RST */
    uint32_t close_tail; /* most packets a first FIN may leave (model/close_tail.h) */
} ng_tcp_mirror;

/* close_tail UINT32_MAX: a first FIN may come at any point. */
void ng_tcp_mirror_init(ng_tcp_mirror *m, uint32_t close_tail);
/* Would synth/tcp_state keep this proposal? `remaining` = packets the flow has after
 * this one (UINT32_MAX when unknown): a close that would leave planned packets with
 * nothing to carry them (RST, or the second FIN with more than the last ACK to come)
 * counts as not kept, and so does a first FIN leaving more than close_tail. */
bool ng_tcp_mirror_keeps(const ng_tcp_mirror *m, uint8_t dir, uint8_t flags, uint32_t len,
                         uint32_t remaining);
typedef enum ng_tcp_refusal {
    NG_TCP_KEPT = 0,
    NG_TCP_REFUSED,     /* draw again */
    NG_TCP_REFUSED_FIN  /* a FIN with no place in this flow: look elsewhere */
} ng_tcp_refusal;

/* ng_tcp_mirror_keeps, with the kind of refusal. */
ng_tcp_refusal ng_tcp_mirror_refusal(const ng_tcp_mirror *m, uint8_t dir, uint8_t flags,
                                     uint32_t len, uint32_t remaining);
/* Account for a proposal that was sent. */
void ng_tcp_mirror_send(ng_tcp_mirror *m, uint8_t dir, uint8_t flags, uint32_t len);

#endif
