/* flow_table.c — flows in a slot pool, found through core/hashmap, expired in LRU order.
 *
 * Each live flow has a slot in a growable array (indices stay valid when it grows); the
 * hash map maps a flow key to its slot index. Slots are also chained in a doubly linked
 * list ordered by last activity: with time-ordered input the head is always the flow
 * idle the longest, so expiry checks only the head. Ended slots go to a free list. */
#include "flow/flow_table.h"

#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "flow/app_class.h"
#include "flow/flow_key.h"

#define NIL UINT32_MAX

typedef struct flow_slot {
    ng_flow flow;
    ng_flow_key key;
    uint32_t prev, next; /* LRU links; next doubles as the free-list link */
    bool client_is_a;
} flow_slot;

struct ng_flow_table {
    ng_hashmap map; /* ng_flow_key -> uint32_t slot index */
    flow_slot *slots;
    uint32_t cap, high_water, free_head;
    uint32_t lru_head, lru_tail;
    int64_t timeout_ns;
    uint64_t next_id;
    ng_flow_emit_fn emit;
    void *user;
    ng_flow_table_stats stats;
};

ng_status ng_flow_table_new(ng_flow_table **out, int64_t timeout_ns, ng_flow_emit_fn emit,
                            void *user, ng_error *err)
{
    ng_flow_table *t = calloc(1, sizeof *t);
    if (!t)
        return ng_fail(err, NG_ENOMEM, "flow table: out of memory");
    ng_hashmap_init(&t->map, sizeof(ng_flow_key), sizeof(uint32_t));
    t->free_head = t->lru_head = t->lru_tail = NIL;
    t->timeout_ns = timeout_ns > 0 ? timeout_ns : NG_FLOW_DEFAULT_TIMEOUT_NS;
    t->emit = emit;
    t->user = user;
    *out = t;
    return NG_OK;
}

void ng_flow_table_free(ng_flow_table *t)
{
    if (!t)
        return;
    ng_hashmap_free(&t->map);
    free(t->slots);
    free(t);
}

const ng_flow_table_stats *ng_flow_table_get_stats(const ng_flow_table *t)
{
    return &t->stats;
}

/* ---- slot pool and LRU list ---- */

static ng_status slot_alloc(ng_flow_table *t, uint32_t *idx, ng_error *err)
{
    if (t->free_head != NIL) {
        *idx = t->free_head;
        t->free_head = t->slots[*idx].next;
        return NG_OK;
    }
    if (t->high_water == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 1024;
        if (cap <= t->cap || cap == NIL)
            return ng_fail(err, NG_ENOMEM, "flow table: too many live flows");
        flow_slot *slots = realloc(t->slots, (size_t)cap * sizeof *slots);
        if (!slots)
            return ng_fail(err, NG_ENOMEM, "flow table: out of memory for %u flows", cap);
        t->slots = slots;
        t->cap = cap;
    }
    *idx = t->high_water++;
    return NG_OK;
}

static void lru_unlink(ng_flow_table *t, uint32_t i)
{
    flow_slot *s = &t->slots[i];
    if (s->prev != NIL)
        t->slots[s->prev].next = s->next;
    else
        t->lru_head = s->next;
    if (s->next != NIL)
        t->slots[s->next].prev = s->prev;
    else
        t->lru_tail = s->prev;
}

static void lru_append(ng_flow_table *t, uint32_t i)
{
    flow_slot *s = &t->slots[i];
    s->prev = t->lru_tail;
    s->next = NIL;
    if (t->lru_tail != NIL)
        t->slots[t->lru_tail].next = i;
    else
        t->lru_head = i;
    t->lru_tail = i;
}

/* ---- ending flows ---- */

static bool is_tcp_flow(const ng_flow *f)
{
    return !f->is_noflow && f->ip_proto == 6;
}

static uint8_t end_reason(const ng_flow *f, ng_flow_end cause)
{
    uint8_t seen = f->tcp_flags_seen[0] | f->tcp_flags_seen[1];
    if (is_tcp_flow(f) && (seen & NG_TCP_RST))
        return NG_FLOW_END_RST;
    if (is_tcp_flow(f) && (seen & NG_TCP_FIN))
        return NG_FLOW_END_FIN;
    return (uint8_t)cause;
}

/* Emit slot i's flow and release the slot (even when emit fails). */
static ng_status end_flow(ng_flow_table *t, uint32_t i, ng_flow_end cause, ng_error *err)
{
    flow_slot *s = &t->slots[i];
    s->flow.end_reason = end_reason(&s->flow, cause);
    ng_status st = t->emit ? t->emit(t->user, &s->flow, err) : NG_OK;
    s = &t->slots[i];
    ng_hashmap_remove(&t->map, &s->key);
    lru_unlink(t, i);
    s->next = t->free_head;
    t->free_head = i;
    t->stats.active--;
    return st;
}

static ng_status expire_idle(ng_flow_table *t, int64_t now_ns, ng_error *err)
{
    while (t->lru_head != NIL &&
           ng_ts_gap(now_ns, t->slots[t->lru_head].flow.last_ns) > t->timeout_ns) {
        t->stats.idle_expiries++;
        ng_status st = end_flow(t, t->lru_head, NG_FLOW_END_IDLE, err);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

/* ---- starting flows ---- */

static bool from_service_port(const ng_packet *pkt)
{
    return pkt->sport < 1024 && pkt->dport >= 1024;
}

/* Decide the start reason and whether the packet's sender is the client. */
static bool sender_is_client(const ng_packet *pkt, bool has_ports, uint8_t *start)
{
    *start = NG_FLOW_START_NONE;
    if (!has_ports)
        return true;
    if (pkt->ip_proto == 6) {
        bool syn = pkt->tcp_flags & NG_TCP_SYN, ack = pkt->tcp_flags & NG_TCP_ACK;
        if (syn && !ack) {
            *start = NG_FLOW_START_SYN;
            return true;
        }
        if (syn) {
            *start = NG_FLOW_START_SYNACK;
            return false;
        }
        *start = NG_FLOW_START_MIDSTREAM;
    }
    return !from_service_port(pkt);
}

static void init_flow(ng_flow_table *t, flow_slot *s, const ng_packet *pkt,
                      const ng_flow_key *key, bool src_is_a)
{
    ng_flow *f = &s->flow;
    memset(f, 0, sizeof *f);
    bool has_ports = key->kind == NG_KEY_PORTS;
    bool src_client = sender_is_client(pkt, has_ports, &f->start_reason);
    s->key = *key;
    s->client_is_a = src_client == src_is_a;
    f->id = t->next_id++;
    f->start_ns = f->last_ns = pkt->ts_ns;
    f->client = src_client ? pkt->src : pkt->dst;
    f->server = src_client ? pkt->dst : pkt->src;
    if (has_ports) {
        f->client_port = src_client ? pkt->sport : pkt->dport;
        f->server_port = src_client ? pkt->dport : pkt->sport;
    }
    f->has_mac = pkt->has_mac;
    if (pkt->has_mac) {
        memcpy(f->client_mac, src_client ? pkt->src_mac : pkt->dst_mac, 6);
        memcpy(f->server_mac, src_client ? pkt->dst_mac : pkt->src_mac, 6);
    }
    f->ethertype = pkt->ethertype;
    f->ip_proto = pkt->ip_proto;
    f->ip_version = pkt->ip_version;
    f->is_noflow = !has_ports;
    f->app_class = has_ports ? (uint8_t)ng_app_class_of(pkt->ip_proto, f->client_port,
                                                        f->server_port)
                             : (uint8_t)NG_APP_NOFLOW;
    f->end_reason = NG_FLOW_END_EOF;
}

static ng_status start_flow(ng_flow_table *t, const ng_packet *pkt, const ng_flow_key *key,
                            bool src_is_a, uint32_t *idx, ng_error *err)
{
    ng_status st = slot_alloc(t, idx, err);
    if (st != NG_OK)
        return st;
    void *val = ng_hashmap_put(&t->map, key, NULL);
    if (!val) {
        t->slots[*idx].next = t->free_head;
        t->free_head = *idx;
        return ng_fail(err, NG_ENOMEM, "flow table: out of memory for the flow index");
    }
    memcpy(val, idx, sizeof *idx);
    init_flow(t, &t->slots[*idx], pkt, key, src_is_a);
    lru_append(t, *idx);
    t->stats.flows++;
    if (++t->stats.active > t->stats.max_active)
        t->stats.max_active = t->stats.active;
    return NG_OK;
}

/* ---- the packet path ---- */

static bool is_new_syn(const ng_packet *pkt)
{
    return pkt->ip_proto == 6 && (pkt->tcp_flags & (NG_TCP_SYN | NG_TCP_ACK)) == NG_TCP_SYN;
}

static bool saw_close(const ng_flow *f)
{
    return ((f->tcp_flags_seen[0] | f->tcp_flags_seen[1]) & (NG_TCP_FIN | NG_TCP_RST)) != 0;
}

/* Slot of the live flow for key, or NIL (after ending a closed flow a SYN reuses). */
static ng_status find_live(ng_flow_table *t, const ng_packet *pkt, const ng_flow_key *key,
                           uint32_t *idx, ng_error *err)
{
    *idx = NIL;
    const void *val = ng_hashmap_get(&t->map, key);
    if (!val)
        return NG_OK;
    uint32_t i;
    memcpy(&i, val, sizeof i);
    const ng_flow *f = &t->slots[i].flow;
    if (key->kind == NG_KEY_PORTS && is_new_syn(pkt) && is_tcp_flow(f) && saw_close(f)) {
        t->stats.syn_splits++;
        return end_flow(t, i, NG_FLOW_END_FIN, err);
    }
    *idx = i;
    return NG_OK;
}

static void add_packet(ng_flow_table *t, uint32_t i, const ng_packet *pkt, bool src_is_a,
                       ng_flow_update *upd)
{
    flow_slot *s = &t->slots[i];
    ng_flow *f = &s->flow;
    uint8_t dir = src_is_a == s->client_is_a ? NG_DIR_C2S : NG_DIR_S2C;
    uint64_t index = f->packets[0] + f->packets[1];
    int64_t gap = ng_ts_gap(pkt->ts_ns, f->last_ns);
    f->packets[dir]++;
    f->bytes[dir] += pkt->wirelen;
    f->payload_bytes[dir] += pkt->payload_len;
    if (!f->is_noflow && f->ip_proto == 6)
        f->tcp_flags_seen[dir] |= pkt->tcp_flags;
    if (pkt->ts_ns > f->last_ns)
        f->last_ns = pkt->ts_ns;
    if (t->lru_tail != i) {
        lru_unlink(t, i);
        lru_append(t, i);
    }
    upd->flow = f;
    upd->direction = dir;
    upd->is_first = index == 0;
    upd->index = index;
    upd->iat_ns = index == 0 || gap < 0 ? 0 : gap;
}

ng_status ng_flow_table_push(ng_flow_table *t, const ng_packet *pkt, ng_flow_update *upd,
                             ng_error *err)
{
    ng_status st = expire_idle(t, pkt->ts_ns, err);
    if (st != NG_OK)
        return st;
    ng_flow_key key;
    bool src_is_a;
    ng_flow_key_from_packet(pkt, &key, &src_is_a);
    uint32_t idx;
    if ((st = find_live(t, pkt, &key, &idx, err)) != NG_OK)
        return st;
    if (idx == NIL && (st = start_flow(t, pkt, &key, src_is_a, &idx, err)) != NG_OK)
        return st;
    t->stats.packets++;
    add_packet(t, idx, pkt, src_is_a, upd);
    return NG_OK;
}

typedef struct live_ref {
    uint64_t id;
    uint32_t slot;
} live_ref;

static int by_flow_id(const void *a, const void *b)
{
    uint64_t x = ((const live_ref *)a)->id, y = ((const live_ref *)b)->id;
    return (x > y) - (x < y);
}

ng_status ng_flow_table_finish(ng_flow_table *t, ng_error *err)
{
    size_t n = (size_t)t->stats.active;
    live_ref *live = malloc((n ? n : 1) * sizeof *live);
    if (!live)
        return ng_fail(err, NG_ENOMEM, "flow table: out of memory at finish");
    n = 0;
    for (uint32_t i = t->lru_head; i != NIL; i = t->slots[i].next)
        live[n++] = (live_ref){t->slots[i].flow.id, i};
    qsort(live, n, sizeof *live, by_flow_id);
    ng_status st = NG_OK;
    for (size_t k = 0; k < n; k++) {
        ng_status one = end_flow(t, live[k].slot, NG_FLOW_END_EOF, err);
        if (one != NG_OK && st == NG_OK) {
            st = one;
            t->emit = NULL; /* keep the first error; drop the rest quietly */
        }
    }
    free(live);
    return st;
}
