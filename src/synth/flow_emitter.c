/* flow_emitter.c — proposals from the flow sampler turned into queued segments, and the
 * queue head turned into a frame. */
#include "synth/flow_emitter.h"

#include <string.h>

#include "flow/app_class.h"
#include "flow/flow.h"
#include "synth/frame_builder.h"
#include "synth/dissector_ports.h"
#include "synth/l2_frames.h"
#include "synth/payload_template.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_LOOPBACK 0x9000
#define MAX_IPV4_PAYLOAD 65507u /* 65535 - 20 (IP) - 8 (UDP or ICMP) */
#define MAX_IPV6_PAYLOAD 65527u /* 65535 - 8 */
#define NULL_SAP 0x00
#define LLC_UI 0x03
#define RHYTHM_STREAM 0x7e1a7b3bULL /* the rhythm walks' seeds: seed ^ this */

ng_emit_kind ng_emit_kind_of(const ng_flow_plan *plan)
{
    if (plan->ip_version == 4 || plan->ip_version == 6) {
        switch (plan->ip_proto) {
        case 6: return NG_EMIT_TCP;
        case 17: return NG_EMIT_UDP;
        case 1: return plan->ip_version == 4 ? NG_EMIT_ICMP : NG_EMIT_UNSUPPORTED;
        case 58: return plan->ip_version == 6 ? NG_EMIT_ICMP : NG_EMIT_UNSUPPORTED;
        default: return NG_EMIT_UNSUPPORTED;
        }
    }
    if (plan->ethertype == ETHERTYPE_ARP)
        return NG_EMIT_ARP;
    if (plan->ethertype == 0 && plan->ip_proto == 0)
        return NG_EMIT_LLC;
    if (plan->ethertype == ETHERTYPE_LOOPBACK && plan->ip_proto == 0)
        return NG_EMIT_LOOPBACK;
    return NG_EMIT_UNSUPPORTED;
}

static bool mac_is_zero(const uint8_t mac[6])
{
    static const uint8_t zero[6];
    return !memcmp(mac, zero, 6);
}

/* 02:00:xx:xx:xx:xx from the last four bytes of an address (or of the flow id). */
static void derive_mac(uint8_t mac[6], const ng_addr *addr, uint64_t id, int side)
{
    mac[0] = 0x02, mac[1] = (uint8_t)side;
    const uint8_t *tail = addr->family == 4 ? addr->bytes : addr->bytes + 12;
    if (addr->family == 4 || addr->family == 6) {
        memcpy(mac + 2, tail, 4);
    } else {
        for (int i = 0; i < 4; i++)
            mac[2 + i] = (uint8_t)(id >> (8 * (3 - i)));
    }
}

static void derive_arp_address(ng_addr *addr, const uint8_t mac[6])
{
    memset(addr, 0, sizeof *addr);
    addr->family = 4;
    addr->bytes[0] = 10;
    memcpy(addr->bytes + 1, mac + 3, 3);
    if (addr->bytes[3] == 0 || addr->bytes[3] == 255)
        addr->bytes[3] = 1;
}

static bool is_group_address(const ng_addr *a)
{
    if (a->family == 4)
        return (a->bytes[0] & 0xF0) == 0xE0 ||
               (a->bytes[0] == 255 && a->bytes[1] == 255 && a->bytes[2] == 255 && a->bytes[3] == 255);
    return a->family == 6 && a->bytes[0] == 0xFF;
}

static bool is_local_control_block(const ng_addr *a)
{
    return a->family == 4 && a->bytes[0] == 224 && a->bytes[1] == 0 && a->bytes[2] == 0;
}

static bool tcp_client_port_ok(uint16_t port)
{
    return !ng_port_rejects_zeros(6, port) && !ng_app_port_known(6, port);
}

static ng_tcp_start tcp_start_of(uint8_t reason)
{
    switch (reason) {
    case NG_FLOW_START_SYNACK: return NG_TCP_START_SYNACK;
    case NG_FLOW_START_MIDSTREAM: return NG_TCP_START_MIDSTREAM;
    default: return NG_TCP_START_SYN;
    }
}

static ng_status set_addresses(ng_flow_emitter *e, ng_address_map *addresses, ng_error *err)
{
    ng_flow_plan *p = &e->plan;
    if (e->kind == NG_EMIT_ARP) {
        if (mac_is_zero(p->client_mac))
            derive_mac(p->client_mac, &p->client, p->id, 0);
        if (mac_is_zero(p->server_mac))
            derive_mac(p->server_mac, &p->server, p->id, 1);
        if (p->client.family != 4)
            derive_arp_address(&p->client, p->client_mac);
        if (p->server.family != 4)
            derive_arp_address(&p->server, p->server_mac);
    }
    if (addresses) {
        ng_status st = ng_address_map_apply(addresses, &p->client, err);
        if (st == NG_OK)
            st = ng_address_map_apply(addresses, &p->server, err);
        if (st != NG_OK)
            return st;
    }
    if (mac_is_zero(p->client_mac))
        derive_mac(p->client_mac, &p->client, p->id, 0);
    if (mac_is_zero(p->server_mac))
        derive_mac(p->server_mac, &p->server, p->id, 1);
    return NG_OK;
}

static void set_specs(ng_flow_emitter *e)
{
    const ng_flow_plan *p = &e->plan;
    ng_frame_spec *c2s = &e->spec[NG_DIR_C2S];
    memset(c2s, 0, sizeof *c2s);
    memcpy(c2s->src_mac, p->client_mac, 6);
    memcpy(c2s->dst_mac, p->server_mac, 6);
    c2s->src = p->client;
    c2s->dst = p->server;
    c2s->sport = p->client_port;
    c2s->dport = p->server_port;
    c2s->ttl = is_local_control_block(&p->server) ? 1 : p->client_ttl ? p->client_ttl : 64;
    c2s->dont_fragment = e->kind == NG_EMIT_TCP;
    c2s->llc_dsap = c2s->llc_ssap = NULL_SAP;
    c2s->llc_control = LLC_UI;
    c2s->eth_min_frame = p->eth_min_frame[NG_DIR_C2S];
    e->spec[NG_DIR_S2C] = *c2s;
    ng_frame_spec_reverse(&e->spec[NG_DIR_S2C]);
    e->spec[NG_DIR_S2C].ttl = p->server_ttl ? p->server_ttl : 64;
    e->spec[NG_DIR_S2C].eth_min_frame = p->eth_min_frame[NG_DIR_S2C];
}

ng_status ng_flow_emitter_begin(ng_flow_emitter *e, const ng_flow_level *fl,
                                const ng_flow_plan *plan, const ng_tcp_config *cfg,
                                uint64_t seed, const ng_emit_context *ctx, ng_error *err)
{
    ng_emit_fixes *fixes = ctx->fixes;
    e->plan = *plan;
    e->kind = (uint8_t)ng_emit_kind_of(plan);
    e->q_head = e->q_len = 0;
    e->sampling = true;
    e->started = false;
    e->closes = e->kind == NG_EMIT_TCP && (plan->end_reason == NG_FLOW_END_FIN ||
                                           plan->end_reason == NG_FLOW_END_RST);
    e->finish_due = false;
    ng_tcp_tail_init(&e->tail);
    e->clock_ns = e->last_out_ns = plan->start_ns;
    e->written = 0;
    e->icmp_id = (uint16_t)(plan->id * 0x9E37u + 1);
    e->icmp_seq = 0;
    e->heap_key_id = plan->id;
    e->payloads_sent[0] = e->payloads_sent[1] = 0;
    ng_status st = set_addresses(e, ctx->addresses, err);
    if (st != NG_OK)
        return st;
    if (e->kind == NG_EMIT_TCP || e->kind == NG_EMIT_UDP) {
        uint16_t *ports[2] = {&e->plan.client_port, &e->plan.server_port};
        for (int i = 0; i < 2; i++) {
            uint16_t safe = ng_port_safe_for_zeros(plan->ip_proto, *ports[i]);
            fixes->port_moved += safe != *ports[i];
            *ports[i] = safe;
        }
    }
    if (e->kind == NG_EMIT_TCP && ctx->tuples && plan->retry) {
        ng_tuple_set_retry(ctx->tuples, &e->plan.client, &e->plan.client_port, &e->plan.server,
                           e->plan.server_port);
    } else if (e->kind == NG_EMIT_TCP && ctx->tuples) {
        bool moved;
        st = ng_tuple_set_claim(ctx->tuples, &e->plan.client, &e->plan.client_port,
                                &e->plan.server, e->plan.server_port, tcp_client_port_ok,
                                &moved, err);
        if (st != NG_OK)
            return st;
        fixes->tuple_reuse_moved += moved;
    }
    e->one_way = e->kind != NG_EMIT_TCP && is_group_address(&e->plan.server);
    const ng_flow_plan *pp = &e->plan;
    e->templated = ng_payload_template_needed(pp->ip_proto, pp->server_port, pp->client_port);
    e->min_tcp_payload = e->kind == NG_EMIT_TCP ? ng_payload_min_tcp(pp->ip_proto,
                                                  pp->server_port, pp->client_port) : 0;
    set_specs(e);
    uint64_t beats = ng_rhythm_beat_gaps(&plan->rhythm, plan->target_packets);
    e->rhythmic = beats > 0 && ng_rhythm_valid(&plan->rhythm);
    e->since_beat_ns = 0;
    if (e->rhythmic)
        ng_rhythm_walk_begin(&e->rhythm_walk, &plan->rhythm, beats, plan->target_duration_ns,
                             seed ^ RHYTHM_STREAM, plan->id);
    if (e->kind == NG_EMIT_TCP)
        ng_tcp_flow_init(&e->tcp, cfg, seed, plan->id, tcp_start_of(plan->start_reason));
    return ng_flow_sampler_begin(fl, &e->plan, seed, &e->sampler, err);
}

static uint32_t payload_limit(const ng_flow_emitter *e)
{
    if (e->kind == NG_EMIT_LLC)
        return NG_EMIT_MAX_LLC_PAYLOAD;
    if (e->kind == NG_EMIT_LOOPBACK)
        return NG_ETH_MAX_BODY;
    if (e->kind == NG_EMIT_ARP)
        return 0;
    return e->plan.ip_version == 6 ? MAX_IPV6_PAYLOAD : MAX_IPV4_PAYLOAD;
}

static void push(ng_flow_emitter *e, const ng_tcp_segment *seg)
{
    e->queue[(e->q_head + e->q_len) & (NG_EMIT_QUEUE - 1)] = *seg;
    e->q_len++;
}

static void push_all(ng_flow_emitter *e, const ng_tcp_segment *seg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        push(e, &seg[i]);
}

static void queue_datagram(ng_flow_emitter *e, const ng_packet_proposal *p, ng_emit_fixes *fixes)
{
    ng_tcp_segment s;
    memset(&s, 0, sizeof s);
    s.ts_ns = e->clock_ns;
    s.dir = p->direction ? NG_DIR_S2C : NG_DIR_C2S;
    if (s.dir == NG_DIR_S2C && e->one_way) {
        s.dir = NG_DIR_C2S;
        fixes->direction_fixed++;
    }
    uint32_t limit = payload_limit(e);
    s.payload_len = p->payload_len;
    if (s.payload_len > limit) {
        if (e->kind != NG_EMIT_ARP)
            fixes->payload_clamped++;
        s.payload_len = limit;
    }
    push(e, &s);
}

static void step_tcp(ng_flow_emitter *e, const ng_tcp_proposal *prop, ng_tcp_fixes *fixes)
{
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    push_all(e, seg, ng_tcp_step(&e->tcp, prop, seg, fixes));
}

static void take_proposal(ng_flow_emitter *e, const ng_packet_proposal *p, ng_tcp_fixes *fixes,
                          ng_emit_fixes *other)
{
    if (e->started && p->iat_ns > 0)
        e->clock_ns = p->iat_ns > INT64_MAX - e->clock_ns ? INT64_MAX : e->clock_ns + p->iat_ns;
    e->started = true;
    if (e->kind != NG_EMIT_TCP) {
        queue_datagram(e, p, other);
        return;
    }
    ng_tcp_proposal prop = {.ts_ns = e->clock_ns, .dir = p->direction ? 1 : 0,
                            .flags = p->tcp_flags, .payload_len = p->payload_len};
    if (prop.payload_len && prop.payload_len < e->min_tcp_payload) {
        prop.payload_len = e->min_tcp_payload;
        other->payload_adjusted++;
    }
    if (!e->closes) {
        step_tcp(e, &prop, fixes);
        return;
    }
    ng_tcp_proposal oldest; /* the newest are held back: the close may be folded into them */
    if (ng_tcp_tail_push(&e->tail, &prop, &oldest))
        step_tcp(e, &oldest, fixes);
}

static ng_tcp_end planned_end(const ng_flow_emitter *e)
{
    return e->plan.end_reason == NG_FLOW_END_RST ? NG_TCP_END_RST : NG_TCP_END_FIN;
}

/* The sampler has no more: fold the close into the held proposals (none after a close). */
static void end_sampling(ng_flow_emitter *e, ng_tcp_fixes *fixes)
{
    e->sampling = false;
    e->finish_due = e->closes;
    if (!e->closes)
        return;
    if (ng_tcp_flow_closed(&e->tcp))
        ng_tcp_tail_init(&e->tail);
    else
        ng_tcp_tail_fold(&e->tail, &e->tcp, planned_end(e), fixes);
}

/* Step the oldest held proposal; a connection that closed drops the rest unsent, as it
 * would have stopped sampling. */
static void release_held(ng_flow_emitter *e, ng_tcp_fixes *fixes)
{
    ng_tcp_proposal prop;
    if (ng_tcp_flow_closed(&e->tcp))
        ng_tcp_tail_init(&e->tail);
    else if (ng_tcp_tail_pop(&e->tail, &prop))
        step_tcp(e, &prop, fixes);
}

static void finish(ng_flow_emitter *e, ng_tcp_fixes *fixes)
{
    e->finish_due = false;
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    push_all(e, seg, ng_tcp_finish(&e->tcp, e->clock_ns, planned_end(e), seg, fixes));
}

/* The gap before p in a stream that keeps time: the next beat for a packet on the beat
 * (one beat after the last such packet), the sampler's own gap for the others. */
static int64_t rhythm_gap(ng_flow_emitter *e, const ng_packet_proposal *p)
{
    const ng_rhythm *r = &e->plan.rhythm;
    if (r->lead == NG_RHYTHM_EVERY)
        return ng_rhythm_walk_next(&e->rhythm_walk, r);
    if (p->direction + 1 != r->lead) {
        e->since_beat_ns += p->iat_ns;
        return p->iat_ns;
    }
    int64_t gap = ng_rhythm_walk_next(&e->rhythm_walk, r) - e->since_beat_ns;
    e->since_beat_ns = 0;
    return gap > 0 ? gap : 0;
}

/* One move of the flow: sample a proposal, release a held one, or finish. */
static void advance(ng_flow_emitter *e, const ng_flow_level *fl, ng_tcp_fixes *tcp_fixes,
                    ng_emit_fixes *fixes)
{
    if (!e->sampling) {
        if (e->tail.len)
            release_held(e, tcp_fixes);
        else
            finish(e, tcp_fixes);
        return;
    }
    ng_packet_proposal p;
    /* a closed connection drops every later proposal: stop sampling it */
    bool closed = e->kind == NG_EMIT_TCP && e->started && ng_tcp_flow_closed(&e->tcp);
    if (!closed && ng_flow_sampler_next(fl, &e->sampler, &p)) {
        if (e->rhythmic && e->started) /* a periodic stream keeps its beat */
            p.iat_ns = rhythm_gap(e, &p);
        take_proposal(e, &p, tcp_fixes, fixes);
    }
    else
        end_sampling(e, tcp_fixes);
}

static bool has_more(const ng_flow_emitter *e)
{
    return e->sampling || e->tail.len || e->finish_due;
}

bool ng_flow_emitter_prefetch(ng_flow_emitter *e, const ng_flow_level *fl, size_t want,
                              ng_tcp_fixes *tcp_fixes, ng_emit_fixes *fixes)
{
    if (want > NG_EMIT_QUEUE - NG_TCP_MAX_EMIT)
        want = NG_EMIT_QUEUE - NG_TCP_MAX_EMIT;
    while (e->q_len < want && has_more(e))
        advance(e, fl, tcp_fixes, fixes);
    return e->q_len > 0;
}

bool ng_flow_emitter_refill(ng_flow_emitter *e, const ng_flow_level *fl, ng_tcp_fixes *tcp_fixes,
                            ng_emit_fixes *fixes)
{
    return ng_flow_emitter_prefetch(e, fl, 1, tcp_fixes, fixes);
}

static const ng_tcp_segment *queued(const ng_flow_emitter *e, size_t i)
{
    return &e->queue[(e->q_head + i) & (NG_EMIT_QUEUE - 1)];
}

bool ng_flow_emitter_handshake_done(const ng_flow_emitter *e, int64_t *ts_ns)
{
    if (e->kind != NG_EMIT_TCP || e->written)
        return false;
    size_t first = e->plan.start_reason == NG_FLOW_START_SYNACK ? 1 : 0;
    if (e->plan.start_reason == NG_FLOW_START_MIDSTREAM || e->q_len < 3 - first)
        return false;
    static const struct { uint8_t dir, flags; } want[3] = {
        {NG_TCP_CLIENT, NG_TCP_SYN}, {NG_TCP_SERVER, NG_TCP_SYN | NG_TCP_ACK},
        {NG_TCP_CLIENT, NG_TCP_ACK}};
    for (size_t i = first; i < 3; i++) {
        const ng_tcp_segment *s = queued(e, i - first);
        if (s->dir != want[i].dir ||
            (s->tcp.flags & (NG_TCP_SYN | NG_TCP_ACK | NG_TCP_RST)) != want[i].flags)
            return false;
    }
    *ts_ns = queued(e, 2 - first)->ts_ns;
    return true;
}

static size_t build_icmp(ng_flow_emitter *e, ng_frame_spec *s, const ng_tcp_segment *seg,
                         uint8_t *buf, size_t cap)
{
    bool v6 = e->plan.ip_version == 6;
    bool request = seg->dir == NG_DIR_C2S || e->icmp_seq == 0;
    if (request)
        e->icmp_seq++;
    s->icmp_type = v6 ? (request ? NG_ICMPV6_ECHO_REQUEST : NG_ICMPV6_ECHO_REPLY)
                      : (request ? NG_ICMP_ECHO_REQUEST : NG_ICMP_ECHO_REPLY);
    s->icmp_id = e->icmp_id;
    s->icmp_seq = e->icmp_seq;
    return ng_build_icmp_frame(buf, cap, s);
}

static size_t build_arp(ng_frame_spec *s, const ng_tcp_segment *seg, uint8_t *buf, size_t cap)
{
    s->payload_len = 0;
    if (seg->dir == NG_DIR_C2S) {
        s->arp_op = NG_ARP_REQUEST;
        memset(s->dst_mac, 0xFF, 6);
    } else {
        s->arp_op = NG_ARP_REPLY;
    }
    return ng_build_arp_frame(buf, cap, s);
}

static size_t build_frame(ng_flow_emitter *e, ng_frame_spec *sp, const ng_tcp_segment *seg,
                          uint8_t *buf, size_t cap);

/* Write the port's protocol header into payload (datagrams: maybe a new length). */
static uint32_t apply_template(ng_flow_emitter *e, const ng_tcp_segment *seg, ng_frame_spec *s,
                               uint8_t *payload, ng_emit_fixes *fixes)
{
    if (!e->templated || (seg->payload_len == 0 && e->kind == NG_EMIT_TCP))
        return 0;
    ng_payload_context ctx = {.ip_proto = e->plan.ip_proto, .server_port = e->plan.server_port,
                              .client_port = e->plan.client_port, .dir = seg->dir,
                              .index_in_dir = e->payloads_sent[seg->dir]++};
    uint32_t written;
    uint32_t len = ng_payload_template(&ctx, seg->payload_len, payload, &written);
    if (len != seg->payload_len) {
        uint32_t limit = payload_limit(e);
        len = len > limit ? limit : len;
        fixes->payload_adjusted++;
    }
    s->payload_len = len;
    if (written)
        s->payload = payload;
    return written;
}

size_t ng_flow_emitter_build_head(ng_flow_emitter *e, uint16_t ip_id, uint8_t *buf, size_t cap,
                                  uint8_t *payload, ng_emit_fixes *fixes)
{
    const ng_tcp_segment *seg = ng_flow_emitter_head(e);
    ng_frame_spec s = e->spec[seg->dir];
    s.ip_id = ip_id;
    s.payload_len = seg->payload_len;
    if (e->kind == NG_EMIT_TCP)
        ng_tcp_segment_to_spec(seg, &s);
    uint32_t written = apply_template(e, seg, &s, payload, fixes);
    size_t len = build_frame(e, &s, seg, buf, cap);
    if (written)
        memset(payload, 0, written);
    return len;
}

static size_t build_frame(ng_flow_emitter *e, ng_frame_spec *sp, const ng_tcp_segment *seg,
                          uint8_t *buf, size_t cap)
{
    ng_frame_spec s = *sp;
    switch ((ng_emit_kind)e->kind) {
    case NG_EMIT_TCP: return ng_build_tcp_frame(buf, cap, &s);
    case NG_EMIT_UDP: return ng_build_udp_frame(buf, cap, &s);
    case NG_EMIT_ICMP: return build_icmp(e, &s, seg, buf, cap);
    case NG_EMIT_ARP: return build_arp(&s, seg, buf, cap);
    case NG_EMIT_LLC: return ng_build_llc_frame(buf, cap, &s);
    case NG_EMIT_LOOPBACK: return ng_build_loopback_frame(buf, cap, &s);
    case NG_EMIT_UNSUPPORTED: break;
    }
    return 0;
}

void ng_flow_emitter_pop(ng_flow_emitter *e)
{
    e->last_out_ns = ng_flow_emitter_head_ts(e);
    e->written++;
    e->q_head = (uint8_t)((e->q_head + 1) & (NG_EMIT_QUEUE - 1));
    e->q_len--;
}

void ng_flow_emitter_free(ng_flow_emitter *e)
{
    ng_flow_sampler_free(&e->sampler);
}
