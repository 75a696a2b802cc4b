/* packet_features.c — building, encoding, sampling and (de)serialising the packet
 * features of the packet level (see packet_features.h for the layout). */
#include "model/packet_features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flow/app_class.h"

static const char *const position_names[NG_POS_COUNT] = {"first", "second", "third", "middle",
                                                         "last"};
static const char *const proto_names[NG_PKT_PROTO_COUNT] = {
    "tcp", "udp", "icmp", "icmpv6", "arp", "other-ip", "other-l2"};
static const char *const scaler_names[NG_PF_N_CONTINUOUS] = {"log_frame_len", "log_payload_len",
                                                             "header_len", "log10_iat_s"};

ng_packet_position ng_packet_position_of(uint64_t index, uint64_t n)
{
    if (index < 3)
        return (ng_packet_position)index;
    return n > 3 && index == n - 1 ? NG_POS_LAST : NG_POS_MIDDLE;
}

ng_packet_proto ng_packet_proto_of(const ng_flow *flow)
{
    if (flow->ip_version != 0) {
        switch (flow->ip_proto) {
        case 6: return NG_PKT_TCP;
        case 17: return NG_PKT_UDP;
        case 1: return NG_PKT_ICMP;
        case 58: return NG_PKT_ICMPV6;
        default: return NG_PKT_OTHER_IP;
        }
    }
    return flow->ethertype == 0x0806 ? NG_PKT_ARP : NG_PKT_OTHER_L2;
}

const char *ng_packet_position_name(ng_packet_position pos)
{
    return (unsigned)pos < NG_POS_COUNT ? position_names[pos] : "?";
}

const char *ng_packet_proto_name(ng_packet_proto kind)
{
    return (unsigned)kind < NG_PKT_PROTO_COUNT ? proto_names[kind] : "?";
}

/* ---- layout ---- */

static uint32_t most_frequent(const ng_vocab *v)
{
    size_t best = 0;
    for (size_t i = 1; i < v->n; i++)
        best = v->counts[i] > v->counts[best] ? i : best;
    return v->n ? v->values[best] : 0;
}

static void lay_out(ng_packet_features *pf)
{
    pf->group_width[NG_PF_DIRECTION] = 2;
    pf->group_width[NG_PF_POSITION] = NG_POS_COUNT;
    pf->group_width[NG_PF_PROTO] = NG_PKT_PROTO_COUNT;
    pf->group_width[NG_PF_APP] = ng_vocab_size(&pf->app);
    pf->group_width[NG_PF_FLAGS] = ng_vocab_size(&pf->flags);
    pf->group_width[NG_PF_SIZE] = ng_vocab_size(&pf->size);
    size_t off = 0;
    for (size_t g = 0; g < NG_PF_N_GROUPS; g++) {
        pf->group_offset[g] = off;
        off += pf->group_width[g];
    }
    pf->cont_offset = off;
    pf->width = off + NG_PF_N_CONTINUOUS;
    pf->top_app = most_frequent(&pf->app);
    pf->top_flags = most_frequent(&pf->flags);
}

void ng_packet_features_vae_fields(const ng_packet_features *pf, ng_vae_config *cfg)
{
    cfg->n_fields = NG_PF_N_GROUPS + 1;
    for (size_t g = 0; g < NG_PF_N_GROUPS; g++)
        cfg->fields[g] = (ng_vae_field){.kind = NG_VAE_CATEGORICAL, .width = pf->group_width[g]};
    cfg->fields[NG_PF_N_GROUPS] = (ng_vae_field){
        .kind = NG_VAE_CONTINUOUS, .width = NG_PF_N_CONTINUOUS, .loss = NG_RECON_MSE};
}

/* ---- raw continuous values ---- */

static double iat_value(int64_t iat_ns)
{
    double s = iat_ns > 0 ? (double)iat_ns * 1e-9 : 0.0;
    return log10(s + NG_PF_IAT_FLOOR_S);
}

static void continuous_values(const ng_packet_row *row, double *v)
{
    v[NG_PF_LOG_FRAME] = log1p((double)row->frame_len);
    v[NG_PF_LOG_PAYLOAD] = log1p((double)row->payload_len);
    v[NG_PF_HEADER] = (double)row->header_len;
    v[NG_PF_LOG_IAT] = iat_value(row->flow_iat_ns);
}

static void fit_scalers(ng_packet_features *pf, const ng_dataset *ds)
{
    double sum[NG_PF_N_CONTINUOUS] = {0}, sq[NG_PF_N_CONTINUOUS] = {0};
    for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++)
        pf->scaler[c] = (ng_pf_scaler){0.0, 1.0, INFINITY, -INFINITY};
    for (size_t i = 0; i < ds->n_packets; i++) {
        double v[NG_PF_N_CONTINUOUS];
        continuous_values(&ds->packets[i], v);
        for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++) {
            sum[c] += v[c];
            pf->scaler[c].min = fmin(pf->scaler[c].min, v[c]);
            pf->scaler[c].max = fmax(pf->scaler[c].max, v[c]);
        }
    }
    double n = (double)ds->n_packets;
    for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++)
        pf->scaler[c].mean = sum[c] / n;
    for (size_t i = 0; i < ds->n_packets; i++) {
        double v[NG_PF_N_CONTINUOUS];
        continuous_values(&ds->packets[i], v);
        for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++)
            sq[c] += (v[c] - pf->scaler[c].mean) * (v[c] - pf->scaler[c].mean);
    }
    for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++) {
        double sd = sqrt(sq[c] / n);
        pf->scaler[c].std = sd > 1e-6 ? sd : 1.0; /* a constant column stays at 0 */
    }
}

typedef enum { FIELD_APP, FIELD_FLAGS, FIELD_SIZE } vocab_field;

static uint32_t row_field(const ng_packet_row *r, vocab_field f)
{
    switch (f) {
    case FIELD_APP: return r->app_class;
    case FIELD_FLAGS: return r->ip_proto == 6 ? r->tcp_flags : 0;
    case FIELD_SIZE: /* sizes above an IP packet's (TSO captures) share the top value */
        return r->payload_len < NG_PF_MAX_PAYLOAD ? r->payload_len : NG_PF_MAX_PAYLOAD;
    }
    return 0;
}

static ng_status build_vocab(ng_vocab *v, const ng_dataset *ds, vocab_field f, size_t max,
                             uint32_t *scratch, ng_error *err)
{
    for (size_t i = 0; i < ds->n_packets; i++)
        scratch[i] = row_field(&ds->packets[i], f);
    return ng_vocab_build(v, scratch, ds->n_packets, max, err);
}

ng_status ng_packet_features_build(ng_packet_features *pf, const ng_dataset *ds,
                                   size_t size_vocab, ng_error *err)
{
    memset(pf, 0, sizeof *pf);
    if (ds->n_packets == 0)
        return ng_fail(err, NG_EINVAL, "packet level: the dataset holds no packets");
    uint32_t *scratch = malloc(ds->n_packets * sizeof *scratch);
    if (!scratch)
        return ng_fail(err, NG_ENOMEM, "out of memory for %zu packet values", ds->n_packets);
    ng_status st = build_vocab(&pf->app, ds, FIELD_APP, NG_APP_COUNT, scratch, err);
    if (!st)
        st = build_vocab(&pf->flags, ds, FIELD_FLAGS, NG_PF_MAX_FLAGS, scratch, err);
    if (!st)
        st = build_vocab(&pf->size, ds, FIELD_SIZE, size_vocab, scratch, err);
    free(scratch);
    if (st)
        return st;
    fit_scalers(pf, ds);
    lay_out(pf);
    return NG_OK;
}

/* ---- encoding ---- */

void ng_packet_features_encode(const ng_packet_features *pf, const ng_packet_row *row,
                               const ng_flow *flow, uint64_t n_in_flow, float *out)
{
    memset(out, 0, pf->width * sizeof *out);
    size_t hot[NG_PF_N_GROUPS] = {
        [NG_PF_DIRECTION] = row->direction ? 1 : 0,
        [NG_PF_POSITION] = ng_packet_position_of(row->index, n_in_flow),
        [NG_PF_PROTO] = ng_packet_proto_of(flow),
        [NG_PF_APP] = ng_vocab_index(&pf->app, row_field(row, FIELD_APP)),
        [NG_PF_FLAGS] = ng_vocab_index(&pf->flags, row_field(row, FIELD_FLAGS)),
        [NG_PF_SIZE] = ng_vocab_index(&pf->size, row_field(row, FIELD_SIZE)),
    };
    for (size_t g = 0; g < NG_PF_N_GROUPS; g++)
        out[pf->group_offset[g] + hot[g]] = 1.0f;
    double v[NG_PF_N_CONTINUOUS];
    continuous_values(row, v);
    for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++)
        out[pf->cont_offset + c] = (float)((v[c] - pf->scaler[c].mean) / pf->scaler[c].std);
}

ng_status ng_packet_features_encode_dataset(const ng_packet_features *pf, const ng_dataset *ds,
                                            float **rows, ng_error *err)
{
    *rows = malloc((ds->n_packets ? ds->n_packets : 1) * pf->width * sizeof(float));
    if (!*rows)
        return ng_fail(err, NG_ENOMEM, "out of memory encoding %zu packets x %zu features",
                       ds->n_packets, pf->width);
    for (size_t f = 0; f < ds->n_flows; f++) {
        size_t n;
        const ng_packet_row *p = ng_dataset_flow_packets(ds, f, &n);
        for (size_t k = 0; k < n; k++)
            ng_packet_features_encode(pf, &p[k], &ds->flows[f], n,
                                      *rows + (ds->first[f] + k) * pf->width);
    }
    return NG_OK;
}

/* ---- decoding ---- */

/* The decoded probabilities come from a softmax, so they sum to 1 up to rounding; a
 * draw past the rounded sum (or NaN probabilities) lands on the last category. */
static size_t sample_group(const float *prob, size_t width, ng_rng *rng)
{
    float u = (float)ng_rng_uniform(rng), acc = 0.0f;
    for (size_t i = 0; i + 1 < width; i++) {
        acc += prob[i];
        if (u < acc)
            return i;
    }
    return width - 1;
}

static double unscale(const ng_packet_features *pf, const float *decoded, size_t c)
{
    const ng_pf_scaler *s = &pf->scaler[c];
    double x = (double)decoded[pf->cont_offset + c] * s->std + s->mean;
    if (!(x >= s->min)) /* also catches NaN */
        x = s->min;
    return x > s->max ? s->max : x;
}

static uint32_t to_length(double x)
{
    if (!(x > 0.0))
        return 0;
    return x > NG_PF_MAX_PAYLOAD ? NG_PF_MAX_PAYLOAD : (uint32_t)lround(x);
}

static uint32_t vocab_value(const ng_vocab *v, size_t index, uint32_t fallback)
{
    return index < v->n ? v->values[index] : fallback;
}

void ng_packet_features_sample(const ng_packet_features *pf, const float *decoded, ng_rng *rng,
                               ng_packet_sample *out)
{
    size_t idx[NG_PF_N_GROUPS];
    for (size_t g = 0; g < NG_PF_N_GROUPS; g++)
        idx[g] = sample_group(decoded + pf->group_offset[g], pf->group_width[g], rng);
    out->direction = (uint8_t)idx[NG_PF_DIRECTION];
    out->position = (uint8_t)idx[NG_PF_POSITION];
    out->proto_kind = (uint8_t)idx[NG_PF_PROTO];
    out->app_class = (uint8_t)vocab_value(&pf->app, idx[NG_PF_APP], pf->top_app);
    out->tcp_flags = out->proto_kind == NG_PKT_TCP
                         ? (uint8_t)vocab_value(&pf->flags, idx[NG_PF_FLAGS], pf->top_flags)
                         : 0;
    out->payload_len = idx[NG_PF_SIZE] < pf->size.n
                           ? pf->size.values[idx[NG_PF_SIZE]]
                           : to_length(expm1(unscale(pf, decoded, NG_PF_LOG_PAYLOAD)));
    out->header_len = to_length(unscale(pf, decoded, NG_PF_HEADER));
    uint32_t frame = to_length(expm1(unscale(pf, decoded, NG_PF_LOG_FRAME)));
    uint32_t least = out->header_len + out->payload_len;
    out->frame_len = frame > least ? frame : least;
    double iat_ns = (pow(10.0, unscale(pf, decoded, NG_PF_LOG_IAT)) - NG_PF_IAT_FLOOR_S) * 1e9;
    if (iat_ns > 9e18) /* a damaged-but-finite scaler must not overflow int64 */
        iat_ns = 9e18;
    out->flow_iat_ns = out->position == NG_POS_FIRST || !(iat_ns > 0.0) ? 0 : llround(iat_ns);
}

/* ---- JSON ---- */

json_t *ng_packet_features_to_json(const ng_packet_features *pf)
{
    json_t *scalers = json_object();
    for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++) {
        const ng_pf_scaler *s = &pf->scaler[c];
        json_object_set_new(scalers, scaler_names[c],
                            json_pack("{s:f, s:f, s:f, s:f}", "mean", s->mean, "std", s->std,
                                      "min", s->min, "max", s->max));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:I}", "app_classes", ng_vocab_to_json(&pf->app),
                     "tcp_flags", ng_vocab_to_json(&pf->flags), "payload_sizes",
                     ng_vocab_to_json(&pf->size), "scalers", scalers, "width",
                     (json_int_t)pf->width);
}

static ng_status parse_vocab(ng_vocab *v, const json_t *json, const char *key, size_t max_n,
                             uint32_t max_value, const char *where, ng_error *err)
{
    char what[160];
    snprintf(what, sizeof what, "%s.%s", where, key);
    ng_status st = ng_vocab_from_json(v, json_object_get(json, key), what, err);
    if (st)
        return st;
    if (v->n < 1 || v->n > max_n)
        return ng_fail(err, NG_EFORMAT, "vocabulary '%s' has %zu values, expected 1..%zu", what,
                       v->n, max_n);
    for (size_t i = 0; i < v->n; i++)
        if (v->values[i] > max_value)
            return ng_fail(err, NG_EFORMAT, "vocabulary '%s': value %u is above %u", what,
                           v->values[i], max_value);
    return NG_OK;
}

static ng_status parse_scaler(ng_pf_scaler *s, const json_t *obj, const char *name,
                              const char *where, ng_error *err)
{
    const json_t *j[4] = {json_object_get(obj, "mean"), json_object_get(obj, "std"),
                          json_object_get(obj, "min"), json_object_get(obj, "max")};
    double v[4];
    for (size_t i = 0; i < 4; i++) {
        if (!json_is_number(j[i]))
            return ng_fail(err, NG_EFORMAT, "%s.scalers.%s: missing or non-numeric mean/std/min/max",
                           where, name);
        v[i] = json_number_value(j[i]);
        if (!isfinite(v[i]))
            return ng_fail(err, NG_EFORMAT, "%s.scalers.%s: value is not finite", where, name);
    }
    *s = (ng_pf_scaler){v[0], v[1], v[2], v[3]};
    if (!(s->std > 0.0) || s->min > s->max)
        return ng_fail(err, NG_EFORMAT, "%s.scalers.%s: std must be > 0 and min <= max", where,
                       name);
    return NG_OK;
}

ng_status ng_packet_features_from_json(ng_packet_features *pf, const json_t *json,
                                       const char *where, ng_error *err)
{
    memset(pf, 0, sizeof *pf);
    if (!json_is_object(json))
        return ng_fail(err, NG_EFORMAT, "%s: missing or not an object", where);
    ng_status st = parse_vocab(&pf->app, json, "app_classes", NG_APP_COUNT, NG_APP_COUNT - 1,
                               where, err);
    if (!st)
        st = parse_vocab(&pf->flags, json, "tcp_flags", NG_PF_MAX_FLAGS, 255, where, err);
    if (!st)
        st = parse_vocab(&pf->size, json, "payload_sizes", NG_VOCAB_MAX, NG_PF_MAX_PAYLOAD,
                         where, err);
    if (st)
        return st;
    const json_t *scalers = json_object_get(json, "scalers");
    if (!json_is_object(scalers) || json_object_size(scalers) != NG_PF_N_CONTINUOUS)
        return ng_fail(err, NG_EFORMAT, "%s.scalers: expected an object of %d scalers", where,
                       NG_PF_N_CONTINUOUS);
    for (size_t c = 0; c < NG_PF_N_CONTINUOUS; c++) {
        st = parse_scaler(&pf->scaler[c], json_object_get(scalers, scaler_names[c]),
                          scaler_names[c], where, err);
        if (st)
            return st;
    }
    lay_out(pf);
    const json_t *width = json_object_get(json, "width");
    if (!json_is_integer(width) || json_integer_value(width) != (json_int_t)pf->width)
        return ng_fail(err, NG_EFORMAT, "%s.width does not match the vocabularies (expected %zu)",
                       where, pf->width);
    return NG_OK;
}
