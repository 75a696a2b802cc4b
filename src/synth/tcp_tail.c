/* tcp_tail.c — the held-back proposals of a TCP flow and the close folded into them.
 * See tcp_tail.h. */
#include "synth/tcp_tail.h"

#include <string.h>

#define MASK (NG_TCP_TAIL - 1)

void ng_tcp_tail_init(ng_tcp_tail *t)
{
    t->first = t->len = 0;
}

static ng_tcp_proposal *held_at(ng_tcp_tail *t, size_t i)
{
    return &t->held[(t->first + i) & MASK];
}

bool ng_tcp_tail_pop(ng_tcp_tail *t, ng_tcp_proposal *oldest)
{
    if (!t->len)
        return false;
    *oldest = t->held[t->first];
    t->first = (uint8_t)((t->first + 1) & MASK);
    t->len--;
    return true;
}

bool ng_tcp_tail_push(ng_tcp_tail *t, const ng_tcp_proposal *p, ng_tcp_proposal *oldest)
{
    bool full = t->len == NG_TCP_TAIL;
    if (full)
        ng_tcp_tail_pop(t, oldest);
    *held_at(t, t->len++) = *p;
    return full;
}

/* ---- trying a close on a copy of the connection ---- */

/* What a close costs: packets added or lost against the proposals, then payload bytes lost. */
typedef struct close_cost {
    uint64_t packets, bytes;
} close_cost;

static bool cheaper(close_cost a, close_cost b)
{
    return a.packets != b.packets ? a.packets < b.packets : a.bytes < b.bytes;
}

static close_cost try_close(const ng_tcp_flow *flow, const ng_tcp_proposal *p, size_t n,
                            ng_tcp_end end, uint64_t drawn_bytes)
{
    ng_tcp_flow f = *flow;
    ng_tcp_fixes fx;
    memset(&fx, 0, sizeof fx);
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    uint64_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = ng_tcp_step(&f, &p[i], seg, &fx);
        for (size_t j = 0; j < k; j++)
            kept += seg[j].inserted ? 0 : seg[j].payload_len;
    }
    ng_tcp_finish(&f, p[n - 1].ts_ns, end, seg, &fx);
    close_cost c = {.packets = fx.n[NG_TCP_FIX_TEARDOWN_APPENDED] +
                               fx.n[NG_TCP_FIX_AFTER_CLOSE_DROPPED] +
                               fx.n[NG_TCP_FIX_DUP_ACK_DROPPED],
                    .bytes = drawn_bytes > kept ? drawn_bytes - kept : 0};
    return c;
}

/* ---- the rewrites ---- */

/* The state machine's reading of a direction: 0 is the client, anything else the server. */
static int side_of(const ng_tcp_proposal *p)
{
    return p->dir == NG_TCP_CLIENT ? NG_TCP_CLIENT : NG_TCP_SERVER;
}

static bool may_carry_close(const ng_tcp_proposal *p)
{
    return !(p->flags & (NG_TCP_SYN | NG_TCP_RST));
}

/* Index of the last proposal before `before` from dir that may carry a FIN, or -1. */
static int last_from(const ng_tcp_proposal *p, int before, int dir)
{
    for (int i = before - 1; i >= 0; i--)
        if (side_of(&p[i]) == dir)
            return may_carry_close(&p[i]) ? i : -1;
    return -1;
}

/* Has dir sent its FIN already, or does a held proposal before `before` carry it? */
static bool fin_on_the_way(const ng_tcp_flow *flow, const ng_tcp_proposal *p, int before, int dir)
{
    if (flow->side[dir].fin_sent)
        return true;
    for (int i = 0; i < before; i++)
        if (side_of(&p[i]) == dir && (p[i].flags & NG_TCP_FIN))
            return true;
    return false;
}

/* dir's FIN on its last packet before `before`; false when it has none to carry it. */
static bool fin_before(const ng_tcp_flow *flow, ng_tcp_proposal *p, int before, int dir)
{
    if (fin_on_the_way(flow, p, before, dir))
        return true;
    int i = last_from(p, before, dir);
    if (i < 0)
        return false;
    p[i].flags |= NG_TCP_FIN;
    return true;
}

/* ... B FIN, A ACK: the last packet is the final ACK (its data, if any, is dropped when
 * drop_data, else the rewrite is refused). */
static bool fold_final_ack(const ng_tcp_flow *flow, ng_tcp_proposal *p, int n, bool drop_data)
{
    int last = n - 1;
    if (n < 2 || !may_carry_close(&p[last]) || !may_carry_close(&p[last - 1]))
        return false;
    int a = side_of(&p[last]), b = !a;
    if (side_of(&p[last - 1]) != b || (p[last].payload_len && !drop_data))
        return false;
    if (!fin_before(flow, p, last - 1, a))
        return false;
    p[last - 1].flags |= NG_TCP_FIN;
    p[last].flags = NG_TCP_ACK;
    p[last].payload_len = 0;
    return true;
}

/* ... B FIN, A FIN: the last packet carries the second FIN; the final ACK is appended. */
static bool fold_last_fin(const ng_tcp_flow *flow, ng_tcp_proposal *p, int n)
{
    int last = n - 1, a = side_of(&p[last]);
    if (!may_carry_close(&p[last]) || fin_on_the_way(flow, p, last, a))
        return false;
    fin_before(flow, p, last, !a); /* when B has no packet to carry it, finish sends it */
    p[last].flags |= NG_TCP_FIN;
    return true;
}

/* ... B FIN, A ... A FIN, B ACK: the last packet (A, no data) turns round to be B's final
 * ACK, A's FIN goes on the packet before it and B's on B's last packet before that. */
static bool fold_turned_final_ack(const ng_tcp_flow *flow, ng_tcp_proposal *p, int n)
{
    int last = n - 1;
    if (n < 2 || !may_carry_close(&p[last]) || !may_carry_close(&p[last - 1]) ||
        p[last].payload_len || side_of(&p[last - 1]) != side_of(&p[last]))
        return false;
    int a = side_of(&p[last]), b = !a;
    if (fin_on_the_way(flow, p, last - 1, a) || !fin_before(flow, p, last - 1, b))
        return false;
    p[last - 1].flags |= NG_TCP_FIN;
    p[last].dir = (uint8_t)b;
    p[last].flags = NG_TCP_ACK;
    return true;
}

/* The last packet becomes the RST when it carries no data. */
static bool fold_rst(ng_tcp_proposal *p, int n)
{
    ng_tcp_proposal *last = &p[n - 1];
    if ((last->flags & NG_TCP_SYN) || last->payload_len)
        return false;
    last->flags = NG_TCP_RST | NG_TCP_ACK;
    return true;
}

enum { REWRITE_FINAL_ACK, REWRITE_FINAL_ACK_DROPPING_DATA, REWRITE_TURNED_FINAL_ACK,
       REWRITE_LAST_FIN, REWRITE_RST, REWRITES };

static bool rewrite(int kind, const ng_tcp_flow *flow, ng_tcp_proposal *p, int n, ng_tcp_end end)
{
    if ((end == NG_TCP_END_RST) != (kind == REWRITE_RST))
        return false;
    switch (kind) {
    case REWRITE_FINAL_ACK: return fold_final_ack(flow, p, n, false);
    case REWRITE_FINAL_ACK_DROPPING_DATA: return fold_final_ack(flow, p, n, true);
    case REWRITE_TURNED_FINAL_ACK: return fold_turned_final_ack(flow, p, n);
    case REWRITE_LAST_FIN: return fold_last_fin(flow, p, n);
    default: return fold_rst(p, n);
    }
}

static uint64_t changed(const ng_tcp_proposal *a, const ng_tcp_proposal *b, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += a[i].flags != b[i].flags || a[i].payload_len != b[i].payload_len ||
             a[i].dir != b[i].dir;
    return k;
}

/* The held proposals without their FINs: a FIN the model put too early makes a side's
 * later packets drop (a second FIN becomes a duplicate ACK), so the close is also tried
 * from scratch. False when they had none. */
static bool without_fins(ng_tcp_proposal *p, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        any |= (p[i].flags & NG_TCP_FIN) != 0;
        p[i].flags &= (uint8_t)~NG_TCP_FIN;
    }
    return any;
}

typedef struct fold_search {
    const ng_tcp_flow *flow;
    ng_tcp_end end;
    size_t n;
    uint64_t bytes;           /* payload bytes as drawn */
    close_cost best_cost;
    ng_tcp_proposal best[NG_TCP_TAIL];
} fold_search;

/* Nothing can beat a close that keeps every packet and byte. */
static bool free_of_cost(const fold_search *fs)
{
    return fs->best_cost.packets == 0 && fs->best_cost.bytes == 0;
}

/* Try rewrite `kind` (-1: none) of base; keep it when it is cheaper than the best so far. */
static void consider(fold_search *fs, const ng_tcp_proposal *base, int kind)
{
    ng_tcp_proposal cand[NG_TCP_TAIL];
    memcpy(cand, base, fs->n * sizeof *cand);
    if (kind >= 0 && !rewrite(kind, fs->flow, cand, (int)fs->n, fs->end))
        return;
    close_cost c = try_close(fs->flow, cand, fs->n, fs->end, fs->bytes);
    if (cheaper(c, fs->best_cost)) {
        fs->best_cost = c;
        memcpy(fs->best, cand, fs->n * sizeof *cand);
    }
}

void ng_tcp_tail_fold(ng_tcp_tail *t, const ng_tcp_flow *flow, ng_tcp_end end,
                      ng_tcp_fixes *fixes)
{
    size_t n = t->len;
    if (!n || ng_tcp_flow_closed(flow))
        return;
    fold_search fs = {.flow = flow, .end = end, .n = n, .bytes = 0};
    ng_tcp_proposal drawn[NG_TCP_TAIL], cleared[NG_TCP_TAIL];
    for (size_t i = 0; i < n; i++) {
        drawn[i] = *held_at(t, i);
        fs.bytes += drawn[i].payload_len;
    }
    memcpy(fs.best, drawn, n * sizeof *drawn);
    fs.best_cost = try_close(flow, drawn, n, end, fs.bytes);
    for (int kind = 0; kind < REWRITES && !free_of_cost(&fs); kind++)
        consider(&fs, drawn, kind);
    memcpy(cleared, drawn, n * sizeof *drawn);
    if (!free_of_cost(&fs) && without_fins(cleared, n))
        for (int kind = -1; kind < REWRITES && !free_of_cost(&fs); kind++)
            consider(&fs, cleared, kind);
    fixes->n[NG_TCP_FIX_TEARDOWN_FOLDED] += changed(drawn, fs.best, n);
    for (size_t i = 0; i < n; i++)
        *held_at(t, i) = fs.best[i];
}
