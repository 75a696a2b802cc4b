/* follow.c — real flows collected through a feature sink, sorted by start, as plans.
 * Each direction of a plan pads its short frames only to the shortest unpadded frame
 * of the flow's direction when most of that direction's short frames were captured
 * unpadded (below 60 bytes). */
#include "synth/follow.h"

#include <stdlib.h>
#include <string.h>

#include "features/extract.h"
#include "flow/flow.h"
#include "model/retries.h"
#include "synth/flows_csv_reader.h"

#define ETH_MIN_FRAME 60u

/* Short frames (content below 60 bytes) of one flow per direction: unpadded, padded. */
typedef struct short_frames {
    uint32_t unpadded[2], padded[2];
    uint8_t min_len[2]; /* shortest unpadded frame */
} short_frames;

typedef struct collector {
    ng_follow_plans *f;
    ng_flow *flows; /* the real flows, as the plans (for retries.h) */
    size_t cap;
    short_frames *shorts; /* by flow id (ids count up from 0 in a capture) */
    size_t n_shorts;
} collector;

static ng_status on_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    collector *c = user;
    bool unpadded = row->frame_len < ETH_MIN_FRAME;
    bool padded = row->frame_len == ETH_MIN_FRAME &&
                  (uint64_t)row->header_len + row->payload_len < ETH_MIN_FRAME;
    if (!unpadded && !padded)
        return NG_OK;
    if (row->flow_id >= c->n_shorts) {
        size_t n = c->n_shorts ? c->n_shorts : 256;
        while (n <= row->flow_id && n < SIZE_MAX / 2 / sizeof *c->shorts)
            n *= 2;
        short_frames *p = n > row->flow_id ? realloc(c->shorts, n * sizeof *p) : NULL;
        if (!p)
            return ng_fail(err, NG_ENOMEM, "out of memory reading flows to follow");
        memset(p + c->n_shorts, 0, (n - c->n_shorts) * sizeof *p);
        c->shorts = p;
        c->n_shorts = n;
    }
    short_frames *s = &c->shorts[row->flow_id];
    int d = row->direction ? 1 : 0;
    if (unpadded) {
        s->unpadded[d] += s->unpadded[d] < UINT32_MAX;
        if (row->frame_len && (s->min_len[d] == 0 || row->frame_len < s->min_len[d]))
            s->min_len[d] = (uint8_t)row->frame_len;
    }
    else
        s->padded[d] += s->padded[d] < UINT32_MAX;
    return NG_OK;
}

static void plan_of_flow(const ng_flow *fl, ng_flow_plan *p)
{
    memset(p, 0, sizeof *p);
    p->start_ns = fl->start_ns;
    p->app_class = fl->app_class;
    p->ip_proto = fl->ip_proto;
    p->ip_version = fl->ip_version;
    p->ethertype = fl->ethertype;
    p->is_noflow = fl->is_noflow;
    p->start_reason = fl->start_reason;
    p->end_reason = fl->end_reason;
    uint64_t packets = ng_flow_packets(fl);
    p->target_packets = packets > UINT32_MAX ? UINT32_MAX : (uint32_t)packets;
    p->target_bytes = ng_flow_bytes(fl);
    p->target_duration_ns = ng_ts_gap(fl->last_ns, fl->start_ns);
    p->client = fl->client;
    p->server = fl->server;
    p->client_port = fl->client_port;
    p->server_port = fl->server_port;
    if (fl->has_mac) {
        memcpy(p->client_mac, fl->client_mac, 6);
        memcpy(p->server_mac, fl->server_mac, 6);
    }
}

static ng_status on_flow(void *user, const ng_flow *flow, ng_error *err)
{
    collector *c = user;
    ng_follow_plans *f = c->f;
    if (f->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        ng_flow_plan *p = realloc(f->plans, cap * sizeof *p);
        if (p)
            f->plans = p;
        ng_flow *fl = p ? realloc(c->flows, cap * sizeof *fl) : NULL;
        if (!fl)
            return ng_fail(err, NG_ENOMEM, "out of memory reading flows to follow");
        c->flows = fl;
        c->cap = cap;
    }
    c->flows[f->n] = *flow;
    ng_flow_plan *p = &f->plans[f->n++];
    plan_of_flow(flow, p);
    if (flow->id < c->n_shorts) {
        const short_frames *s = &c->shorts[flow->id];
        for (int d = 0; d < 2; d++)
            p->eth_min_frame[d] = s->unpadded[d] > s->padded[d] ? s->min_len[d] : 0;
    }
    return NG_OK;
}

/* A client's retries of a refused connection keep its tuple (retries.h), as they did in
 * the real capture: flagged, synth does not move them to ports of their own. */
static ng_status mark_retries(ng_follow_plans *f, const ng_flow *flows, ng_error *err)
{
    bool *retry = malloc((f->n ? f->n : 1) * sizeof *retry);
    if (!retry || ng_retries_mark(flows, f->n, NULL, retry, NULL) == (size_t)-1) {
        free(retry);
        return ng_fail(err, NG_ENOMEM, "out of memory reading flows to follow");
    }
    for (size_t i = 0; i < f->n; i++)
        f->plans[i].retry = retry[i];
    free(retry);
    return NG_OK;
}

static int by_start(const void *a, const void *b)
{
    const ng_flow_plan *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

ng_status ng_follow_load(ng_follow_plans *f, const char *path, int64_t start_ns, ng_error *err)
{
    memset(f, 0, sizeof *f);
    collector c = {f, NULL, 0, NULL, 0};
    ng_status st;
    if (ng_flows_csv_detect(path)) {
        st = ng_flows_csv_read(path, on_flow, &c, err);
    } else {
        ng_feature_sink sink = {.on_packet = on_packet, .on_flow = on_flow, .user = &c};
        ng_extract_options opt = {0};
        ng_extract_stats stats;
        memset(&stats, 0, sizeof stats);
        st = ng_extract_files(&path, 1, &opt, &sink, &stats, err);
    }
    free(c.shorts);
    if (st == NG_OK && f->n == 0)
        st = ng_fail(err, NG_EFORMAT, "--follow %s: the capture holds no flows", path);
    if (st == NG_OK)
        st = mark_retries(f, c.flows, err);
    free(c.flows);
    if (st != NG_OK) {
        ng_follow_free(f);
        return st;
    }
    for (size_t i = 0; i < f->n; i++)
        f->plans[i].id = i; /* ties keep the order flows were reported in */
    qsort(f->plans, f->n, sizeof *f->plans, by_start);
    int64_t shift = start_ns ? start_ns - f->plans[0].start_ns : 0;
    for (size_t i = 0; i < f->n; i++) {
        f->plans[i].id = i;
        f->plans[i].start_ns += shift;
    }
    return NG_OK;
}

bool ng_follow_next(void *follow_plans, ng_flow_plan *plan)
{
    ng_follow_plans *f = follow_plans;
    if (f->next >= f->n)
        return false;
    *plan = f->plans[f->next++];
    return true;
}

void ng_follow_free(ng_follow_plans *f)
{
    free(f->plans);
    memset(f, 0, sizeof *f);
}
