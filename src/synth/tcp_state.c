/* tcp_state.c — the per-flow TCP state machine: handshake, data, teardown, and the
 * corrections that keep a proposed packet sequence a valid connection. See tcp_state.h.
 *
 * Every segment goes out through emit(), the one place that assigns seq/ack, advances
 * the sequence space, records what the peer has acknowledged and stamps the time;
 * the functions above it only decide flags and lengths. */
#include "synth/tcp_state.h"

#include <string.h>

#include "core/rng.h"

enum { PHASE_NEW, PHASE_SYN_SENT, PHASE_SYNACK_SENT, PHASE_OPEN, PHASE_CLOSED };

enum {
    UNSUPPORTED_FLAGS = NG_TCP_URG | NG_TCP_ECE | NG_TCP_CWR,
    NEGOTIABLE_OPTS = NG_TCPOPT_SACK_OK | NG_TCPOPT_TIMESTAMP | NG_TCPOPT_WSCALE,
    TIMESTAMP_OPT_LEN = 12,
    /* Largest payload any IPv4 or IPv6 header can state with the longest TCP header. */
    MAX_TCP_PAYLOAD = 0xFFFF - NG_IPV4_HEADER_LEN - NG_TCP_HEADER_LEN - NG_TCP_MAX_OPTIONS_LEN
};

/* Where a step's segments go, and when. */
typedef struct emitter {
    ng_tcp_segment *out;
    size_t n;
    int64_t ts;           /* time of the next segment */
    ng_tcp_fixes *fixes;
} emitter;

static void count(emitter *em, ng_tcp_fix kind)
{
    em->fixes->n[kind]++;
}

static bool started(const ng_tcp_flow *f)
{
    return f->started;
}

static uint16_t window_field(const ng_tcp_flow *f, int dir, bool syn)
{
    uint32_t w = f->cfg->side[dir].window;
    if (!syn && (f->negotiated & NG_TCPOPT_WSCALE))
        w >>= f->cfg->side[dir].wscale;
    if (w == 0)
        w = 1;
    return (uint16_t)(w > 0xFFFF ? 0xFFFF : w);
}

/* Bytes a side's last window field allows (SYN windows are never scaled). */
static uint32_t window_bytes(const ng_tcp_flow *f, int dir, uint16_t field, bool syn)
{
    if (syn || !(f->negotiated & NG_TCPOPT_WSCALE))
        return field;
    return (uint32_t)field << f->cfg->side[dir].wscale;
}

void ng_tcp_flow_init(ng_tcp_flow *flow, const ng_tcp_config *cfg, uint64_t seed,
                      uint64_t flow_id, ng_tcp_start start)
{
    memset(flow, 0, sizeof *flow);
    flow->cfg = cfg;
    flow->midstream = start == NG_TCP_START_MIDSTREAM;
    flow->phase = flow->midstream ? PHASE_OPEN : PHASE_NEW;
    if (flow->midstream && cfg->midstream_timestamps)
        flow->negotiated = NG_TCPOPT_TIMESTAMP;
    ng_rng rng;
    ng_rng_stream(&rng, seed, flow_id);
    for (int d = 0; d < 2; d++) {
        uint64_t r = ng_rng_u64(&rng);
        ng_tcp_side *s = &flow->side[d];
        s->snd_nxt = s->snd_una = (uint32_t)r;
        s->ts_base = s->last_tsval = (uint32_t)(r >> 32);
        s->rwnd = window_field(flow, d, false);
    }
    if (start == NG_TCP_START_SYNACK) { /* the client's SYN went by before the capture */
        flow->side[NG_TCP_CLIENT].snd_nxt++;
        flow->side[NG_TCP_CLIENT].sent = true;
        flow->phase = PHASE_SYN_SENT;
    }
}

static uint32_t clock_ticks(int64_t elapsed_ns, uint32_t hz)
{
    uint64_t e = elapsed_ns > 0 ? (uint64_t)elapsed_ns : 0;
    return (uint32_t)((e / 1000000000u) * hz + (e % 1000000000u) * hz / 1000000000u);
}

static void stamp_timestamps(ng_tcp_flow *f, ng_tcp_segment *seg, bool initial_syn)
{
    ng_tcp_side *s = &f->side[seg->dir], *peer = &f->side[!seg->dir];
    uint32_t hz = f->cfg->ts_hz ? f->cfg->ts_hz : 1000;
    seg->tcp.tsval = s->ts_base + clock_ticks(seg->ts_ns - f->t0, hz);
    seg->tcp.tsecr = initial_syn ? 0 : peer->last_tsval;
    s->last_tsval = seg->tcp.tsval;
}

static bool both_fins_acked(const ng_tcp_flow *f)
{
    for (int d = 0; d < 2; d++)
        if (!f->side[d].fin_sent || f->side[d].snd_una != f->side[d].snd_nxt)
            return false;
    return true;
}

/* Send one segment from dir: the only place seq, ack and the sequence space move. */
static ng_tcp_segment *emit(ng_tcp_flow *f, emitter *em, int dir, uint8_t flags, uint32_t len,
                            uint16_t window, bool inserted)
{
    ng_tcp_side *s = &f->side[dir], *peer = &f->side[!dir];
    ng_tcp_segment *seg = &em->out[em->n++];
    memset(seg, 0, sizeof *seg);
    if (!started(f))
        f->t0 = em->ts;
    f->started = true;
    seg->ts_ns = f->last_ts = em->ts;
    em->ts += f->cfg->insert_gap_ns;
    seg->dir = (uint8_t)dir;
    seg->inserted = inserted;
    seg->payload_len = len;
    seg->tcp.flags = flags;
    seg->tcp.seq = s->snd_nxt;
    seg->tcp.window = window;
    if (flags & NG_TCP_ACK) {
        seg->tcp.ack = s->last_ack = peer->snd_nxt;
        peer->snd_una = peer->snd_nxt;
    }
    bool syn = flags & NG_TCP_SYN;
    s->rwnd = window_bytes(f, dir, window, syn);
    s->snd_nxt += len + (syn ? 1u : 0u) + ((flags & NG_TCP_FIN) ? 1u : 0u);
    s->fin_sent |= (flags & NG_TCP_FIN) != 0;
    s->sent = true;
    f->last_dir = (uint8_t)dir;
    if (!syn && (f->negotiated & NG_TCPOPT_TIMESTAMP)) {
        seg->tcp.opts = NG_TCPOPT_TIMESTAMP;
        stamp_timestamps(f, seg, false);
    }
    if ((flags & NG_TCP_RST) || both_fins_acked(f))
        f->phase = PHASE_CLOSED;
    return seg;
}

static void put_syn_options(ng_tcp_flow *f, ng_tcp_segment *seg, uint8_t opts)
{
    const ng_tcp_side_config *sc = &f->cfg->side[seg->dir];
    seg->tcp.opts = opts;
    seg->tcp.mss = sc->mss;
    seg->tcp.wscale = sc->wscale;
    if (opts & NG_TCPOPT_TIMESTAMP)
        stamp_timestamps(f, seg, seg->dir == NG_TCP_CLIENT);
}

static void send_syn(ng_tcp_flow *f, emitter *em, uint16_t window, bool inserted)
{
    if (!window)
        window = window_field(f, NG_TCP_CLIENT, true);
    ng_tcp_segment *seg = emit(f, em, NG_TCP_CLIENT, NG_TCP_SYN, 0, window, inserted);
    put_syn_options(f, seg, f->cfg->side[NG_TCP_CLIENT].syn_opts & (NG_TCPOPT_MSS | NEGOTIABLE_OPTS));
    f->phase = PHASE_SYN_SENT;
}

/* The server answers only with options the SYN offered (MSS it may always state). */
static void send_synack(ng_tcp_flow *f, emitter *em, uint16_t window, bool inserted)
{
    uint8_t offered = f->cfg->side[NG_TCP_CLIENT].syn_opts;
    uint8_t mine = f->cfg->side[NG_TCP_SERVER].syn_opts;
    uint8_t reply = (mine & NG_TCPOPT_MSS) | (mine & offered & NEGOTIABLE_OPTS);
    if (!window)
        window = window_field(f, NG_TCP_SERVER, true);
    ng_tcp_segment *seg = emit(f, em, NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK, 0, window, inserted);
    put_syn_options(f, seg, reply);
    f->negotiated = reply & NEGOTIABLE_OPTS;
    f->phase = PHASE_SYNACK_SENT;
}

/* A proposed SYN or SYN/ACK: keep its window, drop what a SYN cannot carry. */
static void take_handshake_proposal(ng_tcp_flow *f, emitter *em, const ng_tcp_proposal *p,
                                    uint8_t wanted)
{
    if (p->payload_len)
        count(em, NG_TCP_FIX_SYN_PAYLOAD_DROPPED);
    if ((wanted & NG_TCP_ACK) && !(p->flags & NG_TCP_ACK))
        count(em, NG_TCP_FIX_ACK_ADDED);
    if (p->flags & (uint8_t)~wanted)
        count(em, NG_TCP_FIX_FLAGS_REMOVED);
    if (wanted & NG_TCP_ACK)
        send_synack(f, em, p->window, false);
    else
        send_syn(f, em, p->window, false);
}

/* Send the next segment the handshake is missing (counted as inserted). */
static void insert_handshake_segment(ng_tcp_flow *f, emitter *em)
{
    count(em, NG_TCP_FIX_HANDSHAKE_INSERTED);
    if (f->phase == PHASE_NEW) {
        send_syn(f, em, 0, true);
    } else if (f->phase == PHASE_SYN_SENT) {
        send_synack(f, em, 0, true);
    } else {
        emit(f, em, NG_TCP_CLIENT, NG_TCP_ACK, 0, window_field(f, NG_TCP_CLIENT, false), true);
        f->phase = PHASE_OPEN;
    }
}

/* A SYN (or SYN/ACK) proposed again by the side that sent it, with no answer yet and at
 * least a minimum retransmission timeout later: a retransmission, on the same initial
 * sequence number. A peer that never answers is common (gnutella: 67 of 139
 * connections are a SYN sent three times); read as a new segment, the repeated SYN had
 * a SYN/ACK inserted before it and every unanswered attempt came out as a completed
 * handshake (94% handshakes, real 39%). Sooner than the timeout no stack resends: the
 * proposal is read as before (the handshake goes on). */
#define MIN_RTO_NS 200000000LL /* Linux's minimum retransmission timeout */

static bool retransmits_handshake(const ng_tcp_flow *f, const ng_tcp_proposal *p, int dir)
{
    if (!(p->flags & NG_TCP_SYN) || (p->flags & NG_TCP_RST) || !started(f) ||
        p->ts_ns - f->last_ts < MIN_RTO_NS)
        return false;
    return (f->phase == PHASE_SYN_SENT && dir == NG_TCP_CLIENT) ||
           (f->phase == PHASE_SYNACK_SENT && dir == NG_TCP_SERVER);
}

static void retransmit_handshake(ng_tcp_flow *f, emitter *em, const ng_tcp_proposal *p, int dir)
{
    f->side[dir].snd_nxt--; /* back to the initial sequence number */
    take_handshake_proposal(f, em, p, dir == NG_TCP_CLIENT ? NG_TCP_SYN : NG_TCP_SYN | NG_TCP_ACK);
}

/* Bring the handshake up to date before p. Returns true when p itself became the SYN
 * or SYN/ACK (or their retransmission); false when p still has to be sent (as the third
 * ACK, data, or a RST). */
static bool advance_handshake(ng_tcp_flow *f, emitter *em, const ng_tcp_proposal *p, int dir)
{
    bool syn = p->flags & NG_TCP_SYN;
    if (retransmits_handshake(f, p, dir)) {
        retransmit_handshake(f, em, p, dir);
        return true;
    }
    while (f->phase < PHASE_OPEN) {
        if ((p->flags & NG_TCP_RST) && f->phase != PHASE_NEW)
            return false; /* refused or aborted attempt */
        if (f->phase == PHASE_NEW && dir == NG_TCP_CLIENT && syn) {
            take_handshake_proposal(f, em, p, NG_TCP_SYN);
            return true;
        }
        if (f->phase == PHASE_SYN_SENT && dir == NG_TCP_SERVER && syn) {
            take_handshake_proposal(f, em, p, NG_TCP_SYN | NG_TCP_ACK);
            return true;
        }
        if (f->phase == PHASE_SYNACK_SENT && dir == NG_TCP_CLIENT) {
            f->phase = PHASE_OPEN; /* p is the third segment */
            return false;
        }
        insert_handshake_segment(f, em);
    }
    return false;
}

/* A side may acknowledge once it has heard from its peer (mid-stream: always). */
static bool may_ack(const ng_tcp_flow *f, int dir)
{
    return f->midstream || f->side[!dir].sent;
}

static uint8_t correct_flags(const ng_tcp_flow *f, emitter *em, int dir, uint8_t flags,
                             uint32_t *len)
{
    if (flags & UNSUPPORTED_FLAGS) {
        flags &= (uint8_t)~UNSUPPORTED_FLAGS;
        count(em, NG_TCP_FIX_FLAGS_REMOVED);
    }
    if (flags & NG_TCP_SYN) {
        flags &= (uint8_t)~NG_TCP_SYN;
        count(em, NG_TCP_FIX_SYN_REMOVED);
    }
    if ((flags & NG_TCP_RST) && (flags & NG_TCP_FIN)) {
        flags &= (uint8_t)~NG_TCP_FIN;
        count(em, NG_TCP_FIX_FLAGS_REMOVED);
    }
    if ((flags & NG_TCP_RST) && *len) {
        *len = 0;
        count(em, NG_TCP_FIX_RST_PAYLOAD_DROPPED);
    }
    if (f->side[dir].fin_sent && (flags & NG_TCP_FIN)) {
        flags &= (uint8_t)~NG_TCP_FIN;
        count(em, NG_TCP_FIX_DUP_FIN_REMOVED);
    }
    if (f->side[dir].fin_sent && *len) {
        *len = 0;
        count(em, NG_TCP_FIX_DATA_AFTER_FIN_DROPPED);
    }
    if (may_ack(f, dir) && !(flags & NG_TCP_ACK)) {
        flags |= NG_TCP_ACK;
        count(em, NG_TCP_FIX_ACK_ADDED);
    } else if (!may_ack(f, dir) && (flags & NG_TCP_ACK)) {
        flags &= (uint8_t)~NG_TCP_ACK;
        count(em, NG_TCP_FIX_FLAGS_REMOVED);
    }
    return flags;
}

static uint32_t clamp_to_mss(const ng_tcp_flow *f, emitter *em, int dir, uint32_t len)
{
    uint32_t mss = f->cfg->side[!dir].mss;
    if (!mss)
        mss = MAX_TCP_PAYLOAD;
    else if (f->negotiated & NG_TCPOPT_TIMESTAMP)
        mss -= TIMESTAMP_OPT_LEN;
    if (len <= mss)
        return len;
    count(em, NG_TCP_FIX_PAYLOAD_CLAMPED);
    return mss;
}

/* Keep the data (and a FIN's sequence number) strictly inside the receiver's window
 * (touching the edge would be a "window full"): first let the receiver acknowledge what
 * is in flight, then clamp. */
static uint32_t fit_window(ng_tcp_flow *f, emitter *em, int dir, uint32_t len, bool fin)
{
    ng_tcp_side *s = &f->side[dir], *peer = &f->side[!dir];
    uint64_t rwnd = peer->rwnd;
    uint64_t in_flight = (uint32_t)(s->snd_nxt - s->snd_una);
    if (in_flight + len + fin < rwnd)
        return len;
    if (in_flight > 0) {
        count(em, NG_TCP_FIX_WINDOW_ACK_INSERTED);
        emit(f, em, !dir, NG_TCP_ACK, 0, window_field(f, !dir, false), true);
        rwnd = peer->rwnd;
    }
    if (len + fin < rwnd)
        return len;
    count(em, NG_TCP_FIX_PAYLOAD_CLAMPED);
    return rwnd > 1u + fin ? (uint32_t)(rwnd - 1 - fin) : 0;
}

/* A pure ACK that acknowledges nothing new is a duplicate ACK: drop it. */
static bool is_duplicate_ack(const ng_tcp_flow *f, int dir, uint8_t flags, uint32_t len)
{
    const ng_tcp_side *s = &f->side[dir];
    return len == 0 && !(flags & (NG_TCP_SYN | NG_TCP_FIN | NG_TCP_RST)) && s->sent &&
           s->last_ack == f->side[!dir].snd_nxt;
}

static void send_proposal(ng_tcp_flow *f, emitter *em, const ng_tcp_proposal *p, int dir)
{
    uint32_t len = p->payload_len;
    uint8_t flags = correct_flags(f, em, dir, p->flags, &len);
    len = clamp_to_mss(f, em, dir, len);
    if (is_duplicate_ack(f, dir, flags, len)) {
        count(em, NG_TCP_FIX_DUP_ACK_DROPPED);
        return;
    }
    if (len)
        len = fit_window(f, em, dir, len, (flags & NG_TCP_FIN) != 0);
    if (!len && (flags & NG_TCP_PSH)) {
        flags &= (uint8_t)~NG_TCP_PSH;
        count(em, NG_TCP_FIX_FLAGS_REMOVED);
    }
    if (is_duplicate_ack(f, dir, flags, len)) {
        count(em, NG_TCP_FIX_DUP_ACK_DROPPED);
        return;
    }
    bool resets_unopened = (flags & NG_TCP_RST) && !f->side[dir].sent && !f->midstream;
    uint16_t window = p->window ? p->window : window_field(f, dir, false);
    ng_tcp_segment *seg = emit(f, em, dir, flags, len, window, false);
    if (resets_unopened)
        seg->tcp.seq = 0; /* RFC 793: reset of a SYN that carried no ACK */
}

static emitter start_step(ng_tcp_flow *f, int64_t ts_ns, ng_tcp_segment *out,
                          ng_tcp_fixes *fixes)
{
    emitter em = {.out = out, .n = 0, .ts = ts_ns, .fixes = fixes};
    if (started(f) && ts_ns < f->last_ts) {
        em.ts = f->last_ts;
        count(&em, NG_TCP_FIX_TIME_RAISED);
    }
    return em;
}

size_t ng_tcp_step(ng_tcp_flow *flow, const ng_tcp_proposal *prop,
                   ng_tcp_segment out[NG_TCP_MAX_EMIT], ng_tcp_fixes *fixes)
{
    ng_tcp_fixes scratch;
    if (!fixes)
        fixes = &scratch;
    if (flow->phase == PHASE_CLOSED) {
        fixes->n[NG_TCP_FIX_AFTER_CLOSE_DROPPED]++;
        return 0;
    }
    int dir = prop->dir == NG_TCP_CLIENT ? NG_TCP_CLIENT : NG_TCP_SERVER;
    emitter em = start_step(flow, prop->ts_ns, out, fixes);
    if (!advance_handshake(flow, &em, prop, dir))
        send_proposal(flow, &em, prop, dir);
    return em.n;
}

static void append_teardown(ng_tcp_flow *f, emitter *em, int dir, uint8_t flags)
{
    count(em, NG_TCP_FIX_TEARDOWN_APPENDED);
    emit(f, em, dir, flags, 0, window_field(f, dir, false), true);
}

size_t ng_tcp_finish(ng_tcp_flow *flow, int64_t ts_ns, ng_tcp_end end,
                     ng_tcp_segment out[NG_TCP_MAX_EMIT], ng_tcp_fixes *fixes)
{
    ng_tcp_fixes scratch;
    if (!fixes)
        fixes = &scratch;
    if (flow->phase == PHASE_CLOSED || !started(flow))
        return 0;
    emitter em = start_step(flow, ts_ns, out, fixes);
    while (flow->phase < PHASE_OPEN) /* the model ended it inside the handshake */
        insert_handshake_segment(flow, &em);
    if (end == NG_TCP_END_RST) {
        append_teardown(flow, &em, flow->last_dir, NG_TCP_RST | NG_TCP_ACK);
        return em.n;
    }
    int closer = flow->side[0].fin_sent ? 0 : flow->side[1].fin_sent ? 1 : flow->last_dir;
    int order[2] = {closer, !closer};
    for (int k = 0; k < 2; k++)
        if (!flow->side[order[k]].fin_sent)
            append_teardown(flow, &em, order[k], NG_TCP_FIN | NG_TCP_ACK);
    for (int k = 0; k < 2; k++) {
        const ng_tcp_side *s = &flow->side[order[k]];
        if (s->snd_una != s->snd_nxt)
            append_teardown(flow, &em, !order[k], NG_TCP_ACK);
    }
    return em.n;
}

bool ng_tcp_flow_closed(const ng_tcp_flow *flow)
{
    return flow->phase == PHASE_CLOSED;
}
