/* flow_codec.c — vocabularies, scalers and vector layouts of the flow level. */
#include "model/flow_codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/fastmath.h"

#define MAX_PAYLOAD 65000.0

uint8_t ng_proto_kind_of(uint8_t ip_proto, uint16_t ethertype)
{
    if (ip_proto == 6)
        return NG_PROTO_KIND_TCP;
    if (ip_proto == 17)
        return NG_PROTO_KIND_UDP;
    if (ip_proto == 1 || ip_proto == 58)
        return NG_PROTO_KIND_ICMP;
    if (ethertype == 0x0806)
        return NG_PROTO_KIND_ARP;
    return NG_PROTO_KIND_OTHER;
}

static uint8_t clamp_reason(uint8_t r, uint8_t n)
{
    return r < n ? r : (uint8_t)(n - 1);
}

void ng_flow_condition_of_flow(const ng_flow *flow, ng_flow_condition *c)
{
    c->app_class = flow->app_class;
    c->proto_kind = ng_proto_kind_of(flow->ip_proto, flow->ethertype);
    c->start_reason = clamp_reason(flow->start_reason, NG_FLOW_START_KINDS);
    c->end_reason = clamp_reason(flow->end_reason, NG_FLOW_END_KINDS);
    c->packets = (double)ng_flow_packets(flow);
    c->bytes = (double)ng_flow_bytes(flow);
    c->duration_s = (double)(flow->last_ns - flow->start_ns) * 1e-9;
}

void ng_flow_condition_of_plan(const ng_flow_plan *plan, ng_flow_condition *c)
{
    c->app_class = plan->app_class;
    c->proto_kind = ng_proto_kind_of(plan->ip_proto, plan->ethertype);
    c->start_reason = clamp_reason(plan->start_reason, NG_FLOW_START_KINDS);
    c->end_reason = clamp_reason(plan->end_reason, NG_FLOW_END_KINDS);
    c->packets = (double)plan->target_packets;
    c->bytes = (double)plan->target_bytes;
    c->duration_s = (double)plan->target_duration_ns * 1e-9;
}

static double log_packets(double p) { return log1p(p); }
static double log_bytes(double b) { return log1p(b); }
static double log_duration(double s) { return log1p(s * 1e3); } /* milliseconds */
static double log10_iat(int64_t ns)
{
    double s = (double)ns * 1e-9;
    return log10(s > NG_FLOW_IAT_FLOOR_S ? s : NG_FLOW_IAT_FLOOR_S);
}

static float scale(const ng_scaler *s, double v)
{
    return (float)((v - s->mean) / s->std);
}

/* ---- fitting ---- */

typedef struct moments {
    double sum, sum2;
    size_t n;
} moments;

static void moments_add(moments *m, double v)
{
    m->sum += v, m->sum2 += v * v, m->n++;
}

static ng_scaler moments_scaler(const moments *m)
{
    if (!m->n)
        return (ng_scaler){0.0, 1.0};
    double mean = m->sum / (double)m->n, var = m->sum2 / (double)m->n - mean * mean;
    double sd = var > 1e-6 ? sqrt(var) : 1.0;
    return (ng_scaler){mean, sd};
}

static size_t count_packets(const ng_dataset *ds, const size_t *flows, size_t n_flows)
{
    size_t total = 0;
    for (size_t i = 0; i < n_flows; i++)
        total += ds->first[flows[i] + 1] - ds->first[flows[i]];
    return total;
}

static void fit_scalers(ng_flow_codec *codec, const ng_dataset *ds, const size_t *flows,
                        size_t n_flows)
{
    moments iat = {0}, pay = {0}, pk = {0}, by = {0}, du = {0};
    codec->iat_min_log10 = INFINITY, codec->iat_max_log10 = -INFINITY;
    for (size_t i = 0; i < n_flows; i++) {
        ng_flow_condition c;
        ng_flow_condition_of_flow(&ds->flows[flows[i]], &c);
        moments_add(&pk, log_packets(c.packets));
        moments_add(&by, log_bytes(c.bytes));
        moments_add(&du, log_duration(c.duration_s));
        size_t n;
        const ng_packet_row *rows = ng_dataset_flow_packets(ds, flows[i], &n);
        for (size_t j = 0; j < n; j++) {
            moments_add(&pay, log1p((double)rows[j].payload_len));
            if (j == 0)
                continue;
            double l = log10_iat(rows[j].flow_iat_ns);
            moments_add(&iat, l);
            codec->iat_min_log10 = fmin(codec->iat_min_log10, l);
            codec->iat_max_log10 = fmax(codec->iat_max_log10, l);
        }
    }
    if (!iat.n) /* no flow had a second packet: any sane range */
        codec->iat_min_log10 = -3.0, codec->iat_max_log10 = 0.0;
    codec->iat = moments_scaler(&iat);
    codec->payload = moments_scaler(&pay);
    codec->packets = moments_scaler(&pk);
    codec->bytes = moments_scaler(&by);
    codec->duration = moments_scaler(&du);
}

static ng_status fit_vocabs(ng_flow_codec *codec, const ng_dataset *ds, const size_t *flows,
                            size_t n_flows, size_t size_vocab, ng_error *err)
{
    size_t n = count_packets(ds, flows, n_flows), at = 0;
    uint32_t *flags = malloc((n + 1) * sizeof *flags), *sizes = malloc((n + 1) * sizeof *sizes);
    uint32_t *classes = malloc((n_flows + 1) * sizeof *classes);
    ng_status st = NG_OK;
    if (!flags || !sizes || !classes) {
        st = ng_fail(err, NG_ENOMEM, "no memory for the flow level's vocabularies (%zu packets)", n);
        goto done;
    }
    for (size_t i = 0; i < n_flows; i++) {
        classes[i] = ds->flows[flows[i]].app_class;
        size_t cnt;
        const ng_packet_row *rows = ng_dataset_flow_packets(ds, flows[i], &cnt);
        for (size_t j = 0; j < cnt; j++, at++)
            flags[at] = rows[j].tcp_flags, sizes[at] = rows[j].payload_len;
    }
    st = ng_vocab_build(&codec->classes, classes, n_flows, NG_APP_COUNT, err);
    size_vocab = size_vocab > 254 ? 254 : size_vocab; /* indices are bytes */
    if (!st)
        st = ng_vocab_build(&codec->flags, flags, n, NG_FLOW_MAX_FLAGS, err);
    if (!st)
        st = ng_vocab_build(&codec->sizes, sizes, n, size_vocab, err);
done:
    free(flags);
    free(sizes);
    free(classes);
    return st;
}

ng_status ng_flow_codec_fit(ng_flow_codec *codec, const ng_dataset *ds, size_t k,
                            const size_t *flows, size_t n_flows, size_t size_vocab,
                            size_t iat_mixture, ng_error *err)
{
    memset(codec, 0, sizeof *codec);
    codec->k = k;
    codec->iat_mixture = iat_mixture;
    ng_status st = fit_vocabs(codec, ds, flows, n_flows, size_vocab, err);
    if (st)
        return st;
    fit_scalers(codec, ds, flows, n_flows);
    ng_flow_codec_layout(codec);
    return NG_OK;
}

void ng_flow_codec_layout(ng_flow_codec *c)
{
    size_t at = 0;
    c->in_cluster = at, at += c->k + 1;
    c->in_flags = at, at += ng_vocab_size(&c->flags);
    c->in_class = at, at += ng_vocab_size(&c->classes);
    c->in_proto = at, at += NG_PROTO_KIND_COUNT;
    c->in_start = at, at += NG_FLOW_START_KINDS;
    c->in_end = at, at += NG_FLOW_END_KINDS;
    c->in_dir = at++;
    c->in_iat = at++;
    c->in_payload = at++;
    c->in_targets = at, at += 3;
    c->in_progress = at, at += NG_FLOW_PROGRESS_FEATURES;
    c->input_size = at;
    at = 0;
    c->in2_cluster = at, at += c->k;
    c->in2_dir = at, at += 2;
    c->in2_flags = at, at += ng_vocab_size(&c->flags);
    c->in2_extra = at;
    at = 0;
    c->out_dir = at, at += 2;
    c->out_flags = at, at += ng_vocab_size(&c->flags);
    c->out_size = at, at += ng_vocab_size(&c->sizes);
    c->out_other = at, at += 3; /* a one-component mixture: [weight, mean, log sigma] */
    c->out_iat = at, at += 3 * c->iat_mixture;
    c->out2_size = at;
}

/* ---- encoding ---- */

ng_flow_token ng_flow_codec_token(const ng_flow_codec *codec, const ng_packet_row *row,
                                  uint16_t cluster)
{
    ng_flow_token t = {0};
    t.cluster = cluster;
    t.dir = row->direction ? 1 : 0;
    t.flag_idx = (uint8_t)ng_vocab_index(&codec->flags, row->tcp_flags);
    t.size_idx = (uint8_t)ng_vocab_index(&codec->sizes, row->payload_len);
    t.has_iat = row->index > 0;
    t.iat_z = t.has_iat ? (float)ng_flow_codec_iat_z(codec, row->flow_iat_ns) : 0.0f;
    t.payload_z = ng_flow_codec_payload_z(codec, row->payload_len);
    return t;
}

void ng_flow_codec_encode_condition(const ng_flow_codec *codec, const ng_flow_condition *c,
                                    float *x)
{
    memset(x + codec->in_class, 0, (codec->in_dir - codec->in_class) * sizeof *x);
    x[codec->in_class + ng_vocab_index(&codec->classes, c->app_class)] = 1.0f;
    x[codec->in_proto + c->proto_kind] = 1.0f;
    x[codec->in_start + c->start_reason] = 1.0f;
    x[codec->in_end + c->end_reason] = 1.0f;
    x[codec->in_targets + 0] = scale(&codec->packets, log_packets(c->packets));
    x[codec->in_targets + 1] = scale(&codec->bytes, log_bytes(c->bytes));
    x[codec->in_targets + 2] = scale(&codec->duration, log_duration(c->duration_s));
}

void ng_flow_codec_encode_prev(const ng_flow_codec *codec, const ng_flow_token *prev, float *x)
{
    memset(x + codec->in_cluster, 0, (codec->in_class - codec->in_cluster) * sizeof *x);
    if (!prev) {
        x[codec->in_cluster + codec->k] = 1.0f;
        x[codec->in_dir] = x[codec->in_iat] = x[codec->in_payload] = 0.0f;
        return;
    }
    x[codec->in_cluster + prev->cluster] = 1.0f;
    x[codec->in_flags + prev->flag_idx] = 1.0f;
    x[codec->in_dir] = (float)prev->dir;
    x[codec->in_iat] = prev->iat_z;
    x[codec->in_payload] = prev->payload_z;
}

void ng_flow_codec_encode_progress(double t, double target, float *x_progress)
{
    double remaining = target > t ? target - t : 0.0;
    x_progress[0] = NG_FLOW_PROGRESS_SCALE * (float)log1p(t);
    x_progress[1] = NG_FLOW_PROGRESS_SCALE * (float)log1p(remaining);
    x_progress[2] = (float)(1.0 / (1.0 + remaining)); /* sharp near the end: 1, 1/2, 1/3 */
}

double ng_flow_codec_iat_z(const ng_flow_codec *codec, int64_t iat_ns)
{
    return scale(&codec->iat, log10_iat(iat_ns));
}

int64_t ng_flow_codec_iat_ns(const ng_flow_codec *codec, double z, float *z_clamped)
{
    double l = z * codec->iat.std + codec->iat.mean;
    if (l < codec->iat_min_log10 || l > codec->iat_max_log10) {
        l = l < codec->iat_min_log10 ? codec->iat_min_log10 : codec->iat_max_log10;
        z = (l - codec->iat.mean) / codec->iat.std;
    }
    if (z_clamped)
        *z_clamped = (float)z;
    /* 10^l s in ns; float precision (1e-7 relative: 8 us on a day-long gap) is plenty,
     * and the polynomial exp costs a fifth of libm's */
    return (int64_t)((double)ng_fast_expf((float)((l + 9.0) * M_LN10)) + 0.5); /* > 0 */
}

float ng_flow_codec_payload_z(const ng_flow_codec *codec, uint32_t payload)
{
    return scale(&codec->payload, log1p((double)payload));
}

uint32_t ng_flow_codec_payload(const ng_flow_codec *codec, double z)
{
    double v = expm1(z * codec->payload.std + codec->payload.mean);
    v = v < 0.0 ? 0.0 : (v > MAX_PAYLOAD ? MAX_PAYLOAD : v);
    return (uint32_t)llround(v);
}

/* ---- JSON ---- */

static json_t *scaler_json(const ng_scaler *s)
{
    return json_pack("[ff]", s->mean, s->std);
}

json_t *ng_flow_codec_to_json(const ng_flow_codec *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "k", json_integer((json_int_t)c->k));
    json_object_set_new(o, "iat_mixture", json_integer((json_int_t)c->iat_mixture));
    json_object_set_new(o, "classes", ng_vocab_to_json(&c->classes));
    json_object_set_new(o, "flags", ng_vocab_to_json(&c->flags));
    json_object_set_new(o, "sizes", ng_vocab_to_json(&c->sizes));
    json_object_set_new(o, "iat_log10", scaler_json(&c->iat));
    json_object_set_new(o, "iat_log10_range", json_pack("[ff]", c->iat_min_log10, c->iat_max_log10));
    json_object_set_new(o, "payload_log1p", scaler_json(&c->payload));
    json_object_set_new(o, "target_packets_log1p", scaler_json(&c->packets));
    json_object_set_new(o, "target_bytes_log1p", scaler_json(&c->bytes));
    json_object_set_new(o, "target_duration_log1p_ms", scaler_json(&c->duration));
    json_object_set_new(o, "input_size", json_integer((json_int_t)c->input_size));
    json_object_set_new(o, "head2_size", json_integer((json_int_t)c->out2_size));
    return o;
}

static ng_status pair_from_json(const json_t *o, const char *key, double *a, double *b,
                                bool positive_b, const char *label, ng_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(json_array_get(v, 0)) ||
        !json_is_number(json_array_get(v, 1)))
        return ng_fail(err, NG_EFORMAT, "%s: flow.%s must be an array of two numbers", label, key);
    *a = json_number_value(json_array_get(v, 0));
    *b = json_number_value(json_array_get(v, 1));
    if (!isfinite(*a) || !isfinite(*b) || (positive_b && !(*b > 0.0)))
        return ng_fail(err, NG_EFORMAT, "%s: flow.%s holds an impossible value", label, key);
    return NG_OK;
}

static ng_status size_from_json(const json_t *o, const char *key, size_t lo, size_t hi,
                                size_t *out, const char *label, ng_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)lo ||
        json_integer_value(v) > (json_int_t)hi)
        return ng_fail(err, NG_EFORMAT, "%s: flow.%s must be an integer in [%zu, %zu]", label,
                       key, lo, hi);
    *out = (size_t)json_integer_value(v);
    return NG_OK;
}

static ng_status vocabs_from_json(ng_flow_codec *c, const json_t *o, const char *label,
                                  ng_error *err)
{
    ng_status st = ng_vocab_from_json(&c->classes, json_object_get(o, "classes"), "flow.classes", err);
    if (!st)
        st = ng_vocab_from_json(&c->flags, json_object_get(o, "flags"), "flow.flags", err);
    if (!st)
        st = ng_vocab_from_json(&c->sizes, json_object_get(o, "sizes"), "flow.sizes", err);
    if (st) { /* name the file too */
        char msg[NG_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return ng_fail(err, NG_EFORMAT, "%s: %s", label, msg);
    }
    if (c->flags.n > NG_FLOW_MAX_FLAGS || c->sizes.n > 255)
        st = ng_fail(err, NG_EFORMAT, "%s: flow vocabularies too large (%zu flags, %zu sizes)",
                     label, c->flags.n, c->sizes.n);
    return st;
}

ng_status ng_flow_codec_from_json(ng_flow_codec *c, const json_t *o, const char *label,
                                  ng_error *err)
{
    memset(c, 0, sizeof *c);
    if (!json_is_object(o))
        return ng_fail(err, NG_EFORMAT, "%s: header has no flow object", label);
    size_t in_size = 0, out_size = 0;
    ng_status st = size_from_json(o, "k", 1, 65535, &c->k, label, err);
    if (!st)
        st = size_from_json(o, "iat_mixture", 1, NG_FLOW_MAX_MIXTURE, &c->iat_mixture, label, err);
    if (!st)
        st = vocabs_from_json(c, o, label, err);
    if (!st)
        st = pair_from_json(o, "iat_log10", &c->iat.mean, &c->iat.std, true, label, err);
    if (!st)
        st = pair_from_json(o, "iat_log10_range", &c->iat_min_log10, &c->iat_max_log10, false, label, err);
    if (!st)
        st = pair_from_json(o, "payload_log1p", &c->payload.mean, &c->payload.std, true, label, err);
    if (!st)
        st = pair_from_json(o, "target_packets_log1p", &c->packets.mean, &c->packets.std, true, label, err);
    if (!st)
        st = pair_from_json(o, "target_bytes_log1p", &c->bytes.mean, &c->bytes.std, true, label, err);
    if (!st)
        st = pair_from_json(o, "target_duration_log1p_ms", &c->duration.mean, &c->duration.std, true, label, err);
    if (!st)
        st = size_from_json(o, "input_size", 1, 1u << 20, &in_size, label, err);
    if (!st)
        st = size_from_json(o, "head2_size", 1, 1u << 20, &out_size, label, err);
    if (st)
        return st;
    if (c->iat_min_log10 > c->iat_max_log10)
        return ng_fail(err, NG_EFORMAT, "%s: flow.iat_log10_range is reversed", label);
    ng_flow_codec_layout(c);
    if (in_size != c->input_size || out_size != c->out2_size)
        return ng_fail(err, NG_EFORMAT, "%s: flow input/head sizes %zu/%zu do not match the "
                       "vocabularies (%zu/%zu)", label, in_size, out_size, c->input_size,
                       c->out2_size);
    return NG_OK;
}
