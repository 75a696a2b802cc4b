/* tcp_state.h — one TCP connection kept valid while a model proposes its packets.
 *
 * The model proposes, packet by packet, who sends, which flags, how many payload bytes
 * and when (ng_tcp_proposal). ng_tcp_step turns each proposal into 0..NG_TCP_MAX_EMIT
 * segments with final flags, seq, ack, window and options, inserting or dropping what
 * a real connection needs and counting every correction by kind (ng_tcp_fixes).
 * ng_tcp_finish closes the connection when the model says the flow ends (completing the
 * handshake first when the flow ended inside it).
 *
 * Rules (docs/SYNTH.md has the reasons):
 *  - Direction 0 is the client (initiator), 1 the server. ISNs and timestamp clock
 *    offsets come from ng_rng_stream(seed, flow_id), so a flow's bytes do not depend on
 *    how flows are interleaved.
 *  - A flow started with NG_TCP_START_SYN opens SYN, SYN/ACK, ACK; whatever the model
 *    proposes first, missing handshake segments are inserted. NG_TCP_START_SYNACK is the
 *    same with the client's SYN unseen (capture began after it). NG_TCP_START_MIDSTREAM
 *    starts established, with consistent seq/ack from the first segment.
 *  - seq advances by payload length (+1 for SYN and FIN); ack is always the other
 *    side's next sequence number (no loss is modelled); ACK is set on every segment
 *    once the other side has sent something. SYN only in the handshake.
 *  - Options: MSS/SACK-permitted/window scale/timestamps on SYN as configured, on
 *    SYN/ACK only where the SYN offered them; timestamps on every later segment when
 *    both sides offered them (TSval = offset + elapsed time at cfg->ts_hz, TSecr = the
 *    other side's latest TSval).
 *  - Payload at most the peer's MSS (less 12 with timestamps; without an MSS, what an
 *    IP length field can state, so every segment can be built); never more in flight
 *    than the receiver's window: a pure ACK from the receiver is inserted first.
 *  - Pure ACKs that acknowledge nothing new are dropped (they would be duplicate ACKs).
 *  - FIN from one side, FIN from the other, final ACK; or RST. A side sends no data
 *    after its FIN; nothing is sent after the connection is closed.
 *  - Output timestamps never decrease within a flow and are >= the proposal's: inserted
 *    segments come first, cfg->insert_gap_ns apart, then the proposal's segment.
 *
 * State is small (about 100 bytes, no allocation) so thousands of flows can be generated
 * lazily side by side; cfg is shared, not copied, and must outlive the flow. */
#ifndef NG_SYNTH_TCP_STATE_H
#define NG_SYNTH_TCP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "synth/frame_spec.h"

enum { NG_TCP_CLIENT = 0, NG_TCP_SERVER = 1 }; /* same values as NG_DIR_C2S / NG_DIR_S2C */

/* How the flow begins (from the learned class: ng_flow_start maps one to one). */
typedef enum ng_tcp_start {
    NG_TCP_START_SYN,       /* full handshake */
    NG_TCP_START_SYNACK,    /* handshake whose SYN was not captured: first is the SYN/ACK */
    NG_TCP_START_MIDSTREAM  /* already established */
} ng_tcp_start;

/* How ng_tcp_finish closes it (a flow that ends idle is simply not finished). */
typedef enum ng_tcp_end { NG_TCP_END_FIN, NG_TCP_END_RST } ng_tcp_end;
enum { NG_TCP_MAX_EMIT = 6 }; /* most segments one step or finish can return */

typedef struct ng_tcp_side_config {
    uint16_t mss;      /* announced on SYN when syn_opts has MSS; payload limit for the peer (0: none) */
    uint8_t wscale;    /* window scale shift (0..14) offered on SYN */
    uint8_t syn_opts;  /* NG_TCPOPT_MSS | WSCALE | SACK_OK | TIMESTAMP offered on SYN(/ACK) */
    uint32_t window;   /* receive window in bytes (the field is scaled down when negotiated) */
} ng_tcp_side_config;

typedef struct ng_tcp_config {
    bool midstream_timestamps;  /* mid-stream flows: carry the timestamp option */
    uint32_t ts_hz;             /* TSval clock rate (Linux: 1000) */
    int64_t insert_gap_ns;      /* spacing of inserted segments */
    ng_tcp_side_config side[2]; /* [NG_TCP_CLIENT], [NG_TCP_SERVER] */
} ng_tcp_config;

/* A sensible default: Linux-like options (MSS 1460, SACK, timestamps at 1000 Hz,
 * wscale 7, 64 KiB windows), 50 us between inserted segments. */
void ng_tcp_config_default(ng_tcp_config *cfg);
/* Refuses impossible settings (window 0, wscale > 14, MSS option with MSS 0, ...). */
ng_status ng_tcp_config_check(const ng_tcp_config *cfg, ng_error *err);

/* What the model proposes for the next packet of the flow. */
typedef struct ng_tcp_proposal {
    int64_t ts_ns;
    uint8_t dir;          /* NG_TCP_CLIENT or NG_TCP_SERVER */
    uint8_t flags;        /* NG_TCP_* as proposed */
    uint16_t window;      /* raw window field; 0 = derive from the side's configured window */
    uint32_t payload_len;
} ng_tcp_proposal;

/* A segment to build: tcp holds every header field tcp_header.h writes. */
typedef struct ng_tcp_segment {
    int64_t ts_ns;
    uint8_t dir;
    bool inserted;        /* added by the state machine, not proposed */
    uint32_t payload_len;
    ng_tcp_fields tcp;
} ng_tcp_segment;

/* Correction kinds; each counts once per segment (or per inserted segment). */
typedef enum ng_tcp_fix {
    NG_TCP_FIX_TIME_RAISED,         /* timestamp earlier than the flow's last: raised */
    NG_TCP_FIX_HANDSHAKE_INSERTED,  /* missing SYN, SYN/ACK or ACK of the handshake */
    NG_TCP_FIX_SYN_REMOVED,         /* SYN outside the handshake */
    NG_TCP_FIX_SYN_PAYLOAD_DROPPED, /* payload proposed on SYN or SYN/ACK */
    NG_TCP_FIX_ACK_ADDED,           /* ACK missing after the peer had sent */
    NG_TCP_FIX_FLAGS_REMOVED,       /* URG/ECE/CWR, PSH without data, ACK/FIN on a SYN, ... */
    NG_TCP_FIX_PAYLOAD_CLAMPED,     /* payload above MSS or the receive window */
    NG_TCP_FIX_WINDOW_ACK_INSERTED, /* receiver's ACK inserted so data fits its window */
    NG_TCP_FIX_DUP_ACK_DROPPED,     /* pure ACK acknowledging nothing new */
    NG_TCP_FIX_DATA_AFTER_FIN_DROPPED, /* payload from a side that had sent FIN */
    NG_TCP_FIX_DUP_FIN_REMOVED,     /* second FIN from the same side */
    NG_TCP_FIX_RST_PAYLOAD_DROPPED, /* payload on a RST */
    NG_TCP_FIX_AFTER_CLOSE_DROPPED, /* segment proposed after FIN/FIN/ACK or RST */
    NG_TCP_FIX_TEARDOWN_APPENDED,   /* FIN, FIN or ACK (or RST) added by ng_tcp_finish */
    NG_TCP_FIX_TEARDOWN_FOLDED,     /* a flow's last proposal made to carry its close
                                       (FIN set, made the final ACK, or a RST): tcp_tail.h */
    NG_TCP_FIX_COUNT
} ng_tcp_fix;

typedef struct ng_tcp_fixes {
    uint64_t n[NG_TCP_FIX_COUNT];
} ng_tcp_fixes;

/* Short name of a correction kind, e.g. "syn_removed". */
const char *ng_tcp_fix_name(ng_tcp_fix kind);
/* Sum of all corrections. */
uint64_t ng_tcp_fixes_total(const ng_tcp_fixes *fixes);

typedef struct ng_tcp_side {
    uint32_t snd_nxt;     /* next sequence number this side sends */
    uint32_t snd_una;     /* highest of its sequence numbers the peer acknowledged */
    uint32_t last_ack;    /* ack field of its last segment */
    uint32_t ts_base;     /* its timestamp clock at the flow's first segment */
    uint32_t last_tsval;
    uint32_t rwnd;        /* bytes its last segment's window field allows */
    bool sent;            /* has sent a segment */
    bool fin_sent;
} ng_tcp_side;

typedef struct ng_tcp_flow {
    const ng_tcp_config *cfg;
    ng_tcp_side side[2];
    int64_t t0, last_ts;
    uint8_t phase;        /* internal: new, syn sent, syn/ack sent, open, closed */
    uint8_t negotiated;   /* NG_TCPOPT_* in force after the handshake */
    uint8_t last_dir;
    bool midstream;
    bool started;         /* has emitted a segment */
} ng_tcp_flow;

/* Start a flow: no segment is produced until the first step. */
void ng_tcp_flow_init(ng_tcp_flow *flow, const ng_tcp_config *cfg, uint64_t seed,
                      uint64_t flow_id, ng_tcp_start start);
/* Turn one proposal into segments (written to out); returns how many (0 when dropped).
 * fixes (caller-owned, may aggregate many flows) is incremented per correction. */
size_t ng_tcp_step(ng_tcp_flow *flow, const ng_tcp_proposal *prop,
                   ng_tcp_segment out[NG_TCP_MAX_EMIT], ng_tcp_fixes *fixes);
/* The flow ends at ts_ns: append the missing teardown (NG_TCP_END_FIN: FIN both ways
 * and the final ACK, the side that sent last closing first; NG_TCP_END_RST: one RST).
 * A flow still in its handshake is left as it is (an unanswered or half-open attempt);
 * a flow that never sent anything stays empty. */
size_t ng_tcp_finish(ng_tcp_flow *flow, int64_t ts_ns, ng_tcp_end end,
                     ng_tcp_segment out[NG_TCP_MAX_EMIT], ng_tcp_fixes *fixes);
/* True after FINs both ways are acknowledged, or after a RST. */
bool ng_tcp_flow_closed(const ng_tcp_flow *flow);

/* Copy a segment's TCP fields and payload length into a frame spec. */
void ng_tcp_segment_to_spec(const ng_tcp_segment *seg, ng_frame_spec *spec);

#endif
