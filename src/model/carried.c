/* carried.c — the streams that run through the whole capture (carried.h). */
#include "model/carried.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flow/app_class.h"
#include "model/aggregate_json.h"
#include "model/flow_shapes.h"

/* ---- training ---- */

static int64_t flow_duration(const ng_flow *f) { return ng_ts_gap(f->last_ns, f->start_ns); }

size_t ng_carried_mark(const ng_dataset *ds, int64_t span_ns, bool *mark)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->n_flows; i++) {
        mark[i] = span_ns > 0 &&
                  (double)flow_duration(&ds->flows[i]) >= NG_CARRIED_MIN_COVER * (double)span_ns;
        n += mark[i];
    }
    /* Over the cap (only a capture of thousands of parallel sessions): keep the longest. */
    while (n > NG_CARRIED_MAX) {
        size_t shortest = SIZE_MAX;
        for (size_t i = 0; i < ds->n_flows; i++)
            if (mark[i] && (shortest == SIZE_MAX ||
                            flow_duration(&ds->flows[i]) < flow_duration(&ds->flows[shortest])))
                shortest = i;
        mark[shortest] = false;
        n--;
    }
    return n;
}

static double fraction(int64_t part, int64_t whole)
{
    double f = whole > 0 ? (double)part / (double)whole : 0.0;
    return f < 0 ? 0.0 : f > 1 ? 1.0 : f;
}

/* The stream's rhythm from the times of its packets, when they keep time. */
static ng_status find_rhythm(ng_carried_stream *s, const ng_dataset *ds, size_t flow,
                             ng_error *err)
{
    size_t n = 0;
    const ng_packet_row *rows = ds->first ? ng_dataset_flow_packets(ds, flow, &n) : NULL;
    if (!rows || n < NG_RHYTHM_MIN_GAPS + 1)
        return NG_OK;
    int64_t *ts = malloc(n * sizeof *ts), *gaps = malloc(n * sizeof *gaps);
    double *scratch = malloc(n * sizeof *scratch);
    uint8_t *dir = malloc(n);
    if (ts && gaps && scratch && dir) {
        for (size_t i = 0; i < n; i++)
            ts[i] = rows[i].ts_ns, dir[i] = rows[i].direction;
        ng_rhythm_detect_stream(ts, dir, n, gaps, scratch, &s->rhythm);
    }
    bool ok = ts && gaps && scratch && dir;
    free(ts);
    free(gaps);
    free(scratch);
    free(dir);
    return ok ? NG_OK : ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for a "
                                                "stream's rhythm");
}

static ng_status add_stream(ng_carried_stream *s, const ng_dataset *ds, size_t flow,
                            int64_t start_ns, int64_t span_ns, const ng_endpoints *e,
                            ng_error *err)
{
    const ng_flow *f = &ds->flows[flow];
    memset(s, 0, sizeof *s);
    if (!ng_endpoints_find_host(e, &f->client, f->client_mac, f->has_mac, &s->client) ||
        !ng_endpoints_find_host(e, &f->server, f->server_mac, f->has_mac, &s->server))
        return ng_fail(err, NG_EINVAL, "aggregate level: a carried flow's host is not in the "
                                       "host table");
    s->app_class = f->app_class < NG_APP_COUNT ? f->app_class : NG_APP_NOFLOW;
    s->kind = ng_flow_kind(f->is_noflow, f->ethertype, f->ip_proto);
    s->client_port = f->client_port;
    s->server_port = f->server_port;
    s->start_reason = f->start_reason;
    s->end_reason = f->end_reason;
    s->offset = fraction(ng_ts_gap(f->start_ns, start_ns), span_ns);
    s->cover = fraction(flow_duration(f), span_ns);
    if (s->offset + s->cover > 1.0)
        s->offset = 1.0 - s->cover;
    s->packets = ng_flow_packets(f);
    s->bytes = ng_flow_bytes(f);
    return find_rhythm(s, ds, flow, err);
}

ng_status ng_carried_train(ng_carried *c, const ng_dataset *ds, const bool *mark,
                           int64_t start_ns, int64_t span_ns, const ng_endpoints *e,
                           ng_error *err)
{
    memset(c, 0, sizeof *c);
    size_t n = 0;
    for (size_t i = 0; i < ds->n_flows; i++)
        n += mark[i];
    if (n == 0)
        return NG_OK;
    c->s = calloc(n, sizeof *c->s);
    if (!c->s)
        return ng_fail(err, NG_ENOMEM, "aggregate level: out of memory for carried streams");
    c->only = n == ds->n_flows;
    for (size_t i = 0; i < ds->n_flows; i++) {
        if (!mark[i])
            continue;
        ng_status st = add_stream(&c->s[c->n++], ds, i, start_ns, span_ns, e, err);
        if (st) {
            ng_carried_free(c);
            return st;
        }
    }
    return NG_OK;
}

void ng_carried_free(ng_carried *c)
{
    free(c->s);
    memset(c, 0, sizeof *c);
}

/* ---- generation ---- */

static void copy_host(const ng_host *h, ng_addr *addr, uint8_t *mac)
{
    *addr = h->addr;
    if (h->has_mac)
        memcpy(mac, h->mac, 6);
    else
        memset(mac, 0, 6);
}

void ng_carried_plan(const ng_carried *c, size_t i, const ng_endpoints *e, int64_t span_ns,
                     int64_t origin_ns, double window_ns, ng_flow_plan *plan)
{
    const ng_carried_stream *s = &c->s[i];
    memset(plan, 0, sizeof *plan);
    double scale = span_ns > 0 ? window_ns / (double)span_ns : 1.0;
    double packets = s->packets > 1 ? 1.0 + floor((double)(s->packets - 1) * scale + 0.5) : 1.0;
    packets = packets < 1 ? 1 : packets > UINT32_MAX ? UINT32_MAX : packets;
    double bytes = floor((double)s->bytes * packets / (double)(s->packets ? s->packets : 1) + 0.5);
    plan->start_ns = origin_ns + (int64_t)(s->offset * window_ns);
    plan->app_class = s->app_class;
    plan->is_noflow = s->kind >> 24 != 0;
    plan->ethertype = plan->is_noflow ? (uint16_t)(s->kind >> 8) : 0;
    plan->ip_proto = (uint8_t)s->kind;
    plan->start_reason = s->start_reason;
    plan->end_reason = s->end_reason;
    plan->target_packets = (uint32_t)packets;
    plan->target_bytes = (uint64_t)(bytes > packets ? bytes : packets);
    plan->target_duration_ns = packets > 1 ? (int64_t)(s->cover * window_ns) : 0;
    copy_host(&e->hosts[s->client], &plan->client, plan->client_mac);
    copy_host(&e->hosts[s->server], &plan->server, plan->server_mac);
    plan->ip_version = plan->server.family;
    if (!plan->is_noflow)
        plan->ethertype = plan->ip_version == 6 ? 0x86DD : 0x0800;
    plan->client_port = s->client_port;
    plan->server_port = s->server_port;
    plan->client_ttl = e->hosts[s->client].ttl;
    plan->server_ttl = e->hosts[s->server].ttl;
    plan->rhythm = s->rhythm;
}

/* ---- model file ---- */

static json_t *rhythm_json(const ng_rhythm *r)
{
    json_t *ratios = json_array();
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES; q++)
        json_array_append_new(ratios, json_real((double)r->ratio[q]));
    json_t *o = json_pack("{s:f, s:o}", "period_ns", r->period_ns, "ratios", ratios);
    if (o && r->lead != NG_RHYTHM_EVERY) {
        json_object_set_new(o, "lead", json_string(r->lead == NG_RHYTHM_LEAD_C2S ? "c2s" : "s2c"));
        json_object_set_new(o, "lead_share", json_real((double)r->lead_share));
    }
    return o;
}

static json_t *stream_json(const ng_carried_stream *s)
{
    json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:i, s:i, s:i, s:i, s:f, s:f, s:I, s:I}", "class",
                     ng_app_class_name(s->app_class), "kind", (json_int_t)s->kind, "client",
                     (json_int_t)s->client, "server", (json_int_t)s->server, "client_port",
                     s->client_port, "server_port", s->server_port, "start", s->start_reason,
                     "end", s->end_reason, "offset", s->offset, "cover", s->cover, "packets",
                     (json_int_t)s->packets, "bytes", (json_int_t)s->bytes);
    if (o && s->rhythm.period_ns > 0)
        json_object_set_new(o, "rhythm", rhythm_json(&s->rhythm));
    return o;
}

json_t *ng_carried_to_json(const ng_carried *c)
{
    if (c->n == 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(arr, stream_json(&c->s[i]));
    return json_pack("{s:b, s:o}", "only", c->only, "streams", arr);
}

static json_t *rhythm_summary(const ng_carried_stream *s)
{
    const float *q = s->rhythm.ratio;
    static const char *lead[] = {"every packet", "client", "server"};
    return json_pack("{s:s, s:I, s:I, s:s, s:f, s:f, s:f, s:f}", "class",
                     ng_app_class_name(s->app_class), "kind", (json_int_t)s->kind, "packets",
                     (json_int_t)s->packets, "on_beat", lead[s->rhythm.lead], "period_s",
                     s->rhythm.period_ns * 1e-9, "gap_ratio_p10",
                     (double)q[(NG_RHYTHM_QUANTILES - 1) / 10],
                     "gap_ratio_p90", (double)q[(NG_RHYTHM_QUANTILES - 1) * 9 / 10],
                     "gap_ratio_max", (double)q[NG_RHYTHM_QUANTILES - 1]);
}

json_t *ng_carried_rhythms_summary(const ng_carried *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (c->s[i].rhythm.period_ns > 0)
            json_array_append_new(arr, rhythm_summary(&c->s[i]));
    return arr;
}

/* A stream the timeline can plan: TCP/UDP between two IP hosts of one family, or a
 * no-flow stream of class no-flow between hosts of one family. */
static void check_stream(ng_json_reader *r, const ng_endpoints *e, const ng_carried_stream *s)
{
    const ng_addr *c = &e->hosts[s->client].addr, *v = &e->hosts[s->server].addr;
    bool noflow = s->kind >> 24 != 0;
    if (c->family != v->family)
        ng_json_reader_fail(r, "client and server hosts are of different address families");
    else if (noflow != (s->app_class == NG_APP_NOFLOW))
        ng_json_reader_fail(r, "'kind' and 'class' disagree on being a no-flow stream");
    else if (!noflow && ((s->kind != 6 && s->kind != 17) || c->family == 0))
        ng_json_reader_fail(r, "a TCP/UDP stream needs 'kind' 6 or 17 and IP hosts");
}

/* "lead" (optional: every packet on the beat without it) "c2s" or "s2c", with
 * "lead_share" in (0, 1]. */
static void read_rhythm_lead(ng_json_reader *r, const json_t *rh, ng_rhythm *out)
{
    const json_t *lead = json_object_get(rh, "lead");
    out->lead = NG_RHYTHM_EVERY, out->lead_share = 1.0f;
    if (r->st || !lead)
        return;
    const char *name = json_string_value(lead);
    if (!name || (strcmp(name, "c2s") && strcmp(name, "s2c"))) {
        ng_json_reader_fail(r, "'lead' must be \"c2s\" or \"s2c\"");
        return;
    }
    out->lead = strcmp(name, "c2s") ? NG_RHYTHM_LEAD_S2C : NG_RHYTHM_LEAD_C2S;
    out->lead_share = (float)ng_json_read_number(r, rh, "lead_share", 1e-9, 1.0);
}

/* "rhythm" (optional): a period in ns, NG_RHYTHM_QUANTILES ratios and the lead. Failures
 * name "<stream>.rhythm". */
static void read_rhythm_fields(ng_json_reader *r, const json_t *rh, ng_rhythm *out)
{
    out->period_ns = ng_json_read_number(r, rh, "period_ns", NG_RHYTHM_MIN_PERIOD_NS,
                                         NG_RHYTHM_MAX_PERIOD_NS);
    const json_t *ratios = ng_json_read_array(r, rh, "ratios");
    if (!r->st && json_array_size(ratios) != NG_RHYTHM_QUANTILES)
        ng_json_reader_fail(r, "'ratios' must hold %d numbers", NG_RHYTHM_QUANTILES);
    for (size_t q = 0; q < NG_RHYTHM_QUANTILES && !r->st; q++) {
        const json_t *v = json_array_get(ratios, q);
        double x = json_number_value(v);
        if (!json_is_number(v) || !(x >= 0 && x <= NG_RHYTHM_MAX_RATIO) ||
            (q && (float)x < out->ratio[q - 1]))
            ng_json_reader_fail(r, "'ratios[%zu]' must be a number in [0, %g], not below the "
                                   "one before", q, NG_RHYTHM_MAX_RATIO);
        out->ratio[q] = (float)x;
    }
    read_rhythm_lead(r, rh, out);
    if (!r->st && !ng_rhythm_valid(out))
        ng_json_reader_fail(r, "not a usable rhythm");
}

static void read_rhythm(ng_json_reader *r, const json_t *o, ng_rhythm *out)
{
    const json_t *rh = json_object_get(o, "rhythm");
    if (!rh)
        return;
    if (!json_is_object(rh)) {
        ng_json_reader_fail(r, "'rhythm' must be an object");
        return;
    }
    ng_json_reader sub;
    ng_json_reader_init(&sub, r->err, "%s.rhythm", r->where);
    read_rhythm_fields(&sub, rh, out);
    r->st = sub.st;
}

static void read_stream(ng_json_reader *r, const json_t *o, const ng_endpoints *e,
                        ng_carried_stream *s)
{
    size_t n_hosts = e->n_hosts;
    int cls = ng_app_class_from_name(json_string_value(json_object_get(o, "class")));
    if (cls < 0)
        ng_json_reader_fail(r, "'class' is missing or not a known class name");
    s->app_class = (uint8_t)(cls < 0 ? 0 : cls);
    s->kind = (uint32_t)ng_json_read_int(r, o, "kind", 0, (1 << 25) - 1);
    int64_t host_max = n_hosts ? (int64_t)n_hosts - 1 : -1;
    s->client = (uint32_t)ng_json_read_int(r, o, "client", 0, host_max);
    s->server = (uint32_t)ng_json_read_int(r, o, "server", 0, host_max);
    s->client_port = (uint16_t)ng_json_read_int(r, o, "client_port", 0, 65535);
    s->server_port = (uint16_t)ng_json_read_int(r, o, "server_port", 0, 65535);
    s->start_reason = (uint8_t)ng_json_read_int(r, o, "start", 0, NG_FLOW_START_COUNT - 1);
    s->end_reason = (uint8_t)ng_json_read_int(r, o, "end", 0, NG_FLOW_END_COUNT - 1);
    s->offset = ng_json_read_number(r, o, "offset", 0.0, 1.0);
    s->cover = ng_json_read_number(r, o, "cover", 0.0, 1.0);
    s->packets = (uint64_t)ng_json_read_int(r, o, "packets", 1, UINT32_MAX);
    s->bytes = (uint64_t)ng_json_read_int(r, o, "bytes", 1, INT64_MAX / 2);
    if (!r->st && s->offset + s->cover > 1.0 + 1e-9)
        ng_json_reader_fail(r, "'offset' + 'cover' is more than the whole span");
    if (!r->st)
        check_stream(r, e, s);
    if (!r->st)
        read_rhythm(r, o, &s->rhythm);
}

ng_status ng_carried_from_json(ng_carried *c, const json_t *json, const ng_endpoints *e,
                               const char *where, ng_error *err)
{
    memset(c, 0, sizeof *c);
    if (!json)
        return NG_OK;
    ng_json_reader r;
    ng_json_reader_init(&r, err, "%s.carried", where);
    const json_t *only = json_object_get(json, "only");
    const json_t *arr = ng_json_read_array(&r, json, "streams");
    if (!r.st && !json_is_boolean(only))
        ng_json_reader_fail(&r, "'only' must be true or false");
    size_t n = json_array_size(arr);
    if (!r.st && (n == 0 || n > NG_CARRIED_MAX))
        ng_json_reader_fail(&r, "'streams' must hold 1 to %d streams", NG_CARRIED_MAX);
    if (r.st)
        return r.st;
    c->s = calloc(n, sizeof *c->s);
    if (!c->s)
        return ng_fail(err, NG_ENOMEM, "out of memory for carried streams");
    c->only = json_is_true(only);
    for (size_t i = 0; i < n && !r.st; i++) {
        ng_json_reader_init(&r, err, "%s.carried.streams[%zu]", where, i);
        const json_t *o = json_array_get(arr, i);
        if (!json_is_object(o))
            ng_json_reader_fail(&r, "not an object");
        else
            read_stream(&r, o, e, &c->s[c->n++]);
    }
    if (r.st)
        ng_carried_free(c);
    return r.st;
}
