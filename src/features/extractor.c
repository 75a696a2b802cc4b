/* extractor.c — the per-packet pipeline behind extract and training.
 *
 * push: count anomalies, make room in the reorder buffer by releasing the earliest
 * packets, buffer this one. Each released packet goes through the flow table and
 * becomes a packet row; flows ended on the way become flow rows (via the table's emit
 * callback) and are counted for the summary. */
#include "features/extractor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow_table.h"
#include "flow/reorder.h"

struct ng_extractor {
    ng_reorder reorder;
    ng_flow_table *flows;
    ng_feature_sink sink;
    ng_extract_stats stats;
    int64_t prev_ts_ns;
    bool any_released;
    bool finished;
};

static ng_proto_count *proto_slot(ng_extract_stats *s, const char *name)
{
    for (size_t i = 0; i < s->n_protos; i++)
        if (!strcmp(s->protos[i].name, name))
            return &s->protos[i];
    if (s->n_protos < NG_EXTRACT_MAX_PROTOS - 1 ||
        (s->n_protos == NG_EXTRACT_MAX_PROTOS - 1 && !strcmp(name, "other"))) {
        ng_proto_count *p = &s->protos[s->n_protos++];
        snprintf(p->name, sizeof p->name, "%s", name);
        return p;
    }
    return proto_slot(s, "other");
}

static void count_flow(ng_extract_stats *s, const ng_flow *f)
{
    char name[16];
    ng_proto_count *p = proto_slot(s, ng_flow_protocol_name(f, name, sizeof name));
    p->flows++;
    p->packets += ng_flow_packets(f);
    s->flows++;
    s->noflow_streams += f->is_noflow;
    if (f->app_class < NG_APP_COUNT) {
        s->flows_by_class[f->app_class]++;
        s->packets_by_class[f->app_class] += ng_flow_packets(f);
    }
    if (f->start_reason < NG_FLOW_START_COUNT)
        s->flows_by_start[f->start_reason]++;
    if (f->end_reason < NG_FLOW_END_COUNT)
        s->flows_by_end[f->end_reason]++;
}

static ng_status on_flow_end(void *user, const ng_flow *flow, ng_error *err)
{
    ng_extractor *x = user;
    count_flow(&x->stats, flow);
    return x->sink.on_flow ? x->sink.on_flow(x->sink.user, flow, err) : NG_OK;
}

ng_status ng_extractor_new(ng_extractor **out, const ng_extract_options *opt,
                           const ng_feature_sink *sink, ng_error *err)
{
    *out = NULL;
    ng_extractor *x = calloc(1, sizeof *x);
    if (!x)
        return ng_fail(err, NG_ENOMEM, "extractor: out of memory");
    if (sink)
        x->sink = *sink;
    ng_status st = ng_reorder_init(&x->reorder, opt ? opt->reorder_window : 0, err);
    if (st == NG_OK)
        st = ng_flow_table_new(&x->flows, opt ? opt->timeout_ns : 0, on_flow_end, x, err);
    if (st != NG_OK) {
        ng_extractor_free(x);
        return st;
    }
    *out = x;
    return NG_OK;
}

void ng_extractor_free(ng_extractor *x)
{
    if (!x)
        return;
    ng_reorder_free(&x->reorder);
    ng_flow_table_free(x->flows);
    free(x);
}

const ng_extract_stats *ng_extractor_stats(const ng_extractor *x)
{
    return &x->stats;
}

static void fill_row(ng_packet_row *row, const ng_packet *pkt, const ng_flow_update *upd,
                     int64_t global_iat_ns)
{
    memset(row, 0, sizeof *row);
    row->ts_ns = pkt->ts_ns;
    row->flow_id = upd->flow->id;
    row->index = upd->index;
    row->flow_iat_ns = upd->iat_ns;
    row->global_iat_ns = global_iat_ns;
    row->frame_len = pkt->wirelen;
    row->header_len = (uint32_t)pkt->l2_len + pkt->l3_len + pkt->l4_len;
    row->payload_len = pkt->payload_len;
    row->sport = pkt->sport;
    row->dport = pkt->dport;
    row->ethertype = pkt->ethertype;
    row->direction = upd->direction;
    row->ip_proto = pkt->ip_proto;
    row->tcp_flags = pkt->ip_proto == 6 ? pkt->tcp_flags : 0;
    row->app_class = upd->flow->app_class;
    row->ttl = pkt->ttl;
    row->ip_version = pkt->ip_version;
    row->vlan_id = pkt->vlan_id;
    bool tcp = pkt->ip_proto == 6;
    row->tcp_opts = tcp ? pkt->tcp_opts : 0;
    row->tcp_wscale = tcp ? pkt->wscale : 0;
    row->tcp_window = tcp ? pkt->window : 0;
    row->tcp_mss = tcp ? pkt->mss : 0;
}

/* One packet in time order: flows, then a packet row. */
static ng_status release(ng_extractor *x, const ng_packet *pkt, ng_error *err)
{
    ng_flow_update upd;
    ng_status st = ng_flow_table_push(x->flows, pkt, &upd, err);
    if (st != NG_OK)
        return st;
    int64_t global_iat = x->any_released ? ng_ts_gap(pkt->ts_ns, x->prev_ts_ns) : 0;
    if (!x->any_released)
        x->stats.first_ns = pkt->ts_ns;
    x->stats.last_ns = pkt->ts_ns;
    x->prev_ts_ns = pkt->ts_ns;
    x->any_released = true;
    if (!x->sink.on_packet)
        return NG_OK;
    ng_packet_row row;
    fill_row(&row, pkt, &upd, global_iat);
    return x->sink.on_packet(x->sink.user, &row, err);
}

ng_status ng_extractor_push(ng_extractor *x, const ng_packet *pkt, ng_error *err)
{
    x->stats.packets++;
    x->stats.bytes += pkt->wirelen;
    x->stats.truncated += (pkt->anomalies & NG_PKT_TRUNCATED) != 0;
    x->stats.malformed += (pkt->anomalies & NG_PKT_MALFORMED) != 0;
    ng_packet out;
    while (ng_reorder_full(&x->reorder)) {
        ng_reorder_pop(&x->reorder, &out);
        ng_status st = release(x, &out, err);
        if (st != NG_OK)
            return st;
    }
    ng_reorder_push(&x->reorder, pkt);
    x->stats.reordered = x->reorder.reordered;
    x->stats.late = x->reorder.late;
    return NG_OK;
}

ng_status ng_extractor_finish(ng_extractor *x, ng_error *err)
{
    if (x->finished)
        return NG_OK;
    x->finished = true;
    ng_packet out;
    while (ng_reorder_pop(&x->reorder, &out)) {
        ng_status st = release(x, &out, err);
        if (st != NG_OK)
            return st;
    }
    ng_status st = ng_flow_table_finish(x->flows, err);
    x->stats.reordered = x->reorder.reordered;
    x->stats.late = x->reorder.late;
    x->stats.max_active_flows = ng_flow_table_get_stats(x->flows)->max_active;
    return st;
}
