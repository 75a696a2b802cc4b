/* flow_table.h — the bidirectional flow table: packets in, flows out.
 *
 * Contract (docs/FLOWS.md is the full definition):
 * - Feed packets in non-decreasing timestamp order (put a reorder buffer, reorder.h,
 *   in front); a packet earlier than its flow's last one gets an inter-arrival of 0.
 * - Each packet joins the live flow with the same key (flow_key.h), or starts a new one.
 *   A new flow also starts when the live one has been idle longer than the timeout
 *   (gap > timeout), or when a TCP SYN without ACK arrives on a flow that saw FIN or RST.
 * - Client: the sender of a first SYN (no ACK); the receiver of a first SYN+ACK;
 *   otherwise the receiver when the first packet goes from a port < 1024 to a port
 *   >= 1024, else the sender. For no-flow streams the sender of the first packet.
 * - Flow ids count from 0 in order of first packets.
 * - A flow is handed to the emit callback exactly once, when it ends: idle expiry
 *   (checked on every push against the least recently active flow, O(1)), replacement
 *   by a new SYN, or ng_flow_table_finish (remaining flows in id order). Memory is
 *   bounded by the flows alive at one time, not by the input size.
 * - No allocation on the hot path once the table has grown to the live flow count. */
#ifndef NG_FLOW_FLOW_TABLE_H
#define NG_FLOW_FLOW_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/packet.h"
#include "core/error.h"
#include "flow/flow.h"

#define NG_FLOW_DEFAULT_TIMEOUT_NS (120LL * 1000000000LL)

typedef struct ng_flow_table ng_flow_table;

/* Called once per finished flow; the pointer is valid only during the call.
 * A non-OK return stops the push/finish that triggered it and is passed up. */
typedef ng_status (*ng_flow_emit_fn)(void *user, const ng_flow *flow, ng_error *err);

/* What a pushed packet became. */
typedef struct ng_flow_update {
    const ng_flow *flow; /* its flow so far (counts include this packet); valid until
                            the next push or finish */
    uint8_t direction;   /* NG_DIR_C2S or NG_DIR_S2C */
    bool is_first;       /* the packet opened the flow */
    uint64_t index;      /* 0-based position of the packet within its flow */
    int64_t iat_ns;      /* gap since the flow's previous packet; 0 for the first */
} ng_flow_update;

typedef struct ng_flow_table_stats {
    uint64_t packets;
    uint64_t flows;          /* flows started */
    uint64_t active;         /* flows alive now */
    uint64_t max_active;     /* most flows alive at once */
    uint64_t syn_splits;     /* flows ended because a new SYN reused their key */
    uint64_t idle_expiries;  /* flows ended by the idle timeout */
} ng_flow_table_stats;

/* timeout_ns <= 0 means the default (120 s). emit may be NULL. */
ng_status ng_flow_table_new(ng_flow_table **out, int64_t timeout_ns, ng_flow_emit_fn emit,
                            void *user, ng_error *err);
ng_status ng_flow_table_push(ng_flow_table *t, const ng_packet *pkt, ng_flow_update *upd,
                             ng_error *err);
/* End every live flow (reason EOF, or FIN/RST when seen), emitting them in id order. */
ng_status ng_flow_table_finish(ng_flow_table *t, ng_error *err);
const ng_flow_table_stats *ng_flow_table_get_stats(const ng_flow_table *t);
void ng_flow_table_free(ng_flow_table *t);

#endif
