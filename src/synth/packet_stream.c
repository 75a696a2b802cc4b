/* packet_stream.c — packet-level samples turned into standalone frames. */
#include "synth/packet_stream.h"

#include <stdlib.h>
#include <string.h>

#include "flow/app_class.h"
#include "flow/flow.h"
#include "synth/dissector_ports.h"
#include "synth/frame_builder.h"
#include "synth/host_state.h"
#include "synth/l2_frames.h"
#include "synth/payload_template.h"
#include "synth/tcp_state.h"

#define FRAME_CAP (NG_FRAME_MAX_HEADERS + 65536u + 64u)
#define CLIENTS 64
#define SERVERS 16

typedef struct stream {
    const ng_packet_stream_options *opt;
    ng_packet_output *out;
    ng_generate_stats *st;
    ng_host_ids ids;
    ng_tcp_config tcp_cfg;
    uint8_t *frame;
    uint8_t *payload;   /* 65536 zero bytes for payload templates */
    uint16_t server_port[2][NG_APP_COUNT]; /* [tcp, udp][class] */
    uint64_t index;
} stream;

static uint16_t first_port_of(uint8_t proto, uint8_t app_class)
{
    for (uint32_t p = 1; p < 49152; p++)
        if (ng_app_port_known(proto, (uint16_t)p) &&
            ng_app_class_of(proto, 60000, (uint16_t)p) == app_class)
            return (uint16_t)p;
    return proto == 6 ? 7000 : 9999; /* no table port, no strict dissector */
}

static void host(ng_addr *a, uint8_t subnet, uint8_t n)
{
    memset(a, 0, sizeof *a);
    a->family = 4;
    a->bytes[0] = 10, a->bytes[2] = subnet, a->bytes[3] = n;
}

static void set_endpoints(stream *s, const ng_packet_sample *p, ng_rng *rng, ng_frame_spec *f,
                          ng_error *err)
{
    memset(f, 0, sizeof *f);
    host(&f->src, 0, (uint8_t)(1 + ng_rng_below(rng, CLIENTS)));
    host(&f->dst, 1, (uint8_t)(1 + ng_rng_below(rng, SERVERS)));
    if (s->opt->addresses) {
        ng_address_map_apply(s->opt->addresses, &f->src, err);
        ng_address_map_apply(s->opt->addresses, &f->dst, err);
    }
    f->src_mac[0] = f->dst_mac[0] = 0x02;
    memcpy(f->src_mac + 2, f->src.bytes, 4);
    memcpy(f->dst_mac + 2, f->dst.bytes, 4);
    f->dst_mac[1] = 1;
    f->sport = ng_port_safe_for_zeros(p->proto_kind == NG_PKT_UDP ? 17 : 6,
                                      (uint16_t)(32768 + s->index % 28000));
    int udp = p->proto_kind == NG_PKT_UDP;
    uint8_t cls = p->app_class < NG_APP_COUNT ? p->app_class : 0;
    if (!s->server_port[udp][cls])
        s->server_port[udp][cls] = first_port_of(udp ? 17 : 6, cls);
    f->dport = s->server_port[udp][cls];
    f->ttl = 64;
    f->payload_len = p->payload_len;
    if (p->direction == NG_DIR_S2C)
        ng_frame_spec_reverse(f);
}

static ng_status emit(stream *s, int64_t ts, size_t len, const ng_packet_sample *p, ng_error *err)
{
    if (len == 0) {
        s->st->build_failures++;
        return NG_OK;
    }
    ng_out_packet o = {.ts_ns = ts, .frame = s->frame, .len = (uint32_t)len,
                       .flow_id = s->index, .direction = p->direction,
                       .app_class = p->app_class};
    ng_status st = ng_packet_output_write(s->out, &o, err);
    if (st != NG_OK)
        return st;
    if (!s->st->packets)
        s->st->first_ns = ts;
    s->st->last_ns = ts;
    s->st->packets++;
    s->st->bytes += len;
    if (p->app_class < NG_APP_COUNT) { /* no flows at this level: one "flow" per packet */
        s->st->packets_by_class[p->app_class]++;
        s->st->flows_by_class[p->app_class]++;
    }
    return NG_OK;
}

/* The port's protocol header (payload_template.h); returns the bytes to clear after. */
static uint32_t apply_template(stream *s, const ng_packet_sample *p, ng_frame_spec *f,
                               uint8_t proto)
{
    uint16_t server = p->direction == NG_DIR_S2C ? f->sport : f->dport;
    uint16_t client = p->direction == NG_DIR_S2C ? f->dport : f->sport;
    if (!ng_payload_template_needed(proto, server, client) || f->payload_len == 0)
        return 0;
    ng_payload_context ctx = {.ip_proto = proto, .server_port = server, .client_port = client,
                              .dir = p->direction};
    uint32_t written, len;
    if (proto == 6) {
        uint32_t min = ng_payload_min_tcp(proto, server, client);
        len = f->payload_len < min ? min : f->payload_len;
    } else {
        len = ng_payload_template(&ctx, f->payload_len, s->payload, &written);
    }
    if (len != f->payload_len)
        s->st->fixes.payload_adjusted++;
    f->payload_len = len;
    if (proto == 6)
        ng_payload_template(&ctx, len, s->payload, &written);
    if (written)
        f->payload = s->payload;
    return written;
}

static ng_status write_tcp(stream *s, int64_t ts, const ng_packet_sample *p, ng_frame_spec *f,
                           ng_error *err)
{
    ng_tcp_flow flow;
    ng_tcp_flow_init(&flow, &s->tcp_cfg, s->opt->seed, s->index, NG_TCP_START_MIDSTREAM);
    ng_tcp_proposal prop = {.ts_ns = ts, .dir = 0, .flags = p->tcp_flags,
                            .payload_len = f->payload_len};
    ng_tcp_segment seg[NG_TCP_MAX_EMIT];
    size_t n = ng_tcp_step(&flow, &prop, seg, &s->st->tcp_fixes);
    for (size_t i = 0; i < n; i++) {
        ng_frame_spec g = *f;
        if (seg[i].dir)
            ng_frame_spec_reverse(&g);
        ng_tcp_segment_to_spec(&seg[i], &g);
        ng_status st = ng_host_ids_next(&s->ids, &g.src, &g.ip_id, err);
        if (st == NG_OK)
            st = emit(s, seg[i].ts_ns, ng_build_tcp_frame(s->frame, FRAME_CAP, &g), p, err);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

static ng_status write_packet(stream *s, int64_t ts, const ng_packet_sample *p, ng_rng *rng,
                              ng_error *err)
{
    ng_frame_spec f;
    set_endpoints(s, p, rng, &f, err);
    if (p->payload_len > 1472 && p->proto_kind != NG_PKT_TCP) {
        f.payload_len = 1472;
        s->st->fixes.payload_clamped++;
    }
    if (p->proto_kind == NG_PKT_UDP || p->proto_kind == NG_PKT_ICMP) {
        ng_status st = ng_host_ids_next(&s->ids, &f.src, &f.ip_id, err);
        if (st != NG_OK)
            return st;
    }
    uint32_t written;
    ng_status st;
    switch (p->proto_kind) {
    case NG_PKT_TCP:
        written = apply_template(s, p, &f, 6);
        st = write_tcp(s, ts, p, &f, err);
        memset(s->payload, 0, written);
        return st;
    case NG_PKT_UDP:
        written = apply_template(s, p, &f, 17);
        st = emit(s, ts, ng_build_udp_frame(s->frame, FRAME_CAP, &f), p, err);
        memset(s->payload, 0, written);
        return st;
    case NG_PKT_ICMP:
        f.icmp_type = p->direction == NG_DIR_C2S ? NG_ICMP_ECHO_REQUEST : NG_ICMP_ECHO_REPLY;
        f.icmp_id = (uint16_t)s->index;
        f.icmp_seq = 1;
        return emit(s, ts, ng_build_icmp_frame(s->frame, FRAME_CAP, &f), p, err);
    case NG_PKT_ARP:
        f.payload_len = 0;
        f.arp_op = p->direction == NG_DIR_C2S ? NG_ARP_REQUEST : NG_ARP_REPLY;
        if (f.arp_op == NG_ARP_REQUEST)
            memset(f.dst_mac, 0xFF, 6);
        return emit(s, ts, ng_build_arp_frame(s->frame, FRAME_CAP, &f), p, err);
    default:
        s->st->flows_unsupported++;
        return NG_OK;
    }
}

ng_status ng_packet_stream_generate(const ng_packet_level *pl, const ng_packet_stream_options *opt,
                                    ng_packet_output *out, ng_generate_stats *stats,
                                    ng_error *err)
{
    memset(stats, 0, sizeof *stats);
    if (!opt->max_packets && opt->end_ns == INT64_MAX)
        return ng_fail(err, NG_EINVAL, "--level packet needs --packets, --duration or a "
                       "model with a training duration");
    stream s = {.opt = opt, .out = out, .st = stats};
    ng_host_ids_init(&s.ids, opt->seed);
    ng_tcp_config_default(&s.tcp_cfg);
    s.frame = malloc(FRAME_CAP);
    s.payload = calloc(1, 65536);
    ng_packet_sample *block = malloc(NG_PACKET_SAMPLE_BLOCK * sizeof *block);
    ng_status st = s.frame && s.payload && block ? NG_OK
                                                 : ng_fail(err, NG_ENOMEM, "out of memory");
    ng_rng rng, hosts;
    ng_rng_stream(&rng, opt->seed, 0x5041434bull);
    ng_rng_stream(&hosts, opt->seed, 0x484f5354ull);
    int64_t t = opt->start_ns;
    bool done = false;
    while (st == NG_OK && !done) {
        ng_packet_level_sample(pl, &rng, -1, NG_PACKET_SAMPLE_BLOCK, block);
        for (size_t i = 0; i < NG_PACKET_SAMPLE_BLOCK && st == NG_OK; i++) {
            if (block[i].flow_iat_ns > 0)
                t = block[i].flow_iat_ns > INT64_MAX - t ? INT64_MAX : t + block[i].flow_iat_ns;
            if (stats->packets && t < stats->last_ns)
                t = stats->last_ns; /* inserted TCP segments may have run ahead */
            if (t >= opt->end_ns || (opt->max_packets && stats->packets >= opt->max_packets)) {
                done = true;
                break;
            }
            st = write_packet(&s, t, &block[i], &hosts, err);
            s.index++;
        }
    }
    stats->flows = s.index;
    free(block);
    free(s.payload);
    free(s.frame);
    ng_host_ids_free(&s.ids);
    return st;
}
