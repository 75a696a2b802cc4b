/* flow_sampler.c — one flow, packet by packet, from the flow level.
 *
 * Layer 0's input projection is a sum of rows of the transposed W_ih (flow_level_
 * internal.h): the flow's constant conditioning once at begin, then per step the rows of
 * the previous cluster and flags (one-hot) and of the five scalar inputs; only h W_hh^T
 * is a matrix-vector product. Head 2's one-hot cluster part is one row of a table. */
#include "model/flow_sampler.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/flow_level_internal.h"
#include "nn/fastmath.h"
#include "nn/lstm_cell.h"
#include "nn/mdn.h"

#define NO_EXCLUDE ((size_t)-1)

void ng_flow_sampler_init(ng_flow_sampler *s)
{
    memset(s, 0, sizeof *s);
}

void ng_flow_sampler_free(ng_flow_sampler *s)
{
    free(s->memory);
    memset(s, 0, sizeof *s);
}

static size_t floats_needed(const ng_flow_net *net)
{
    size_t H = net->hidden;
    return 2 * net->layers * H + 8 * H + net->codec.k + 1 + net->codec.out2_size +
           net->codec.input_size;
}

static ng_status reserve(ng_flow_sampler *s, const ng_flow_net *net, ng_error *err)
{
    size_t need = floats_needed(net), H = net->hidden;
    if (s->capacity < need) {
        float *m = realloc(s->memory, need * sizeof(float));
        if (!m)
            return ng_fail(err, NG_ENOMEM, "no memory for a flow sampler");
        s->memory = m, s->capacity = need;
    }
    float *p = s->memory;
    s->h = p, p += net->layers * H;
    s->c = p, p += net->layers * H;
    s->gates = p, p += 4 * H;
    s->cond_gates = p, p += 4 * H;
    s->logits = p;
    return NG_OK;
}

static void add_row(float *g, const float *table, size_t row, float scale, size_t G)
{
    const float *r = table + row * G;
    for (size_t j = 0; j < G; j++)
        g[j] += scale * r[j];
}

static void conditioning_gates(const ng_flow_level *fl, const ng_flow_plan *plan, float *g,
                               float *x)
{
    const ng_flow_net *net = &fl->net;
    const ng_flow_codec *c = &net->codec;
    size_t G = 4 * net->hidden;
    ng_flow_condition cond;
    ng_flow_condition_of_plan(plan, &cond);
    memset(x, 0, c->input_size * sizeof *x);
    ng_flow_codec_encode_condition(c, &cond, x);
    memcpy(g, ng_params_data(&net->params, net->lstm.bias[0]), G * sizeof *g);
    for (size_t i = c->in_class; i < c->in_dir; i++)
        if (x[i] != 0.0f)
            add_row(g, fl->in_proj_t, i, x[i], G);
    for (size_t i = c->in_targets; i < c->in_targets + 3; i++)
        add_row(g, fl->in_proj_t, i, x[i], G);
}

ng_status ng_flow_sampler_begin(const ng_flow_level *fl, const ng_flow_plan *plan, uint64_t seed,
                                ng_flow_sampler *s, ng_error *err)
{
    const ng_flow_net *net = &fl->net;
    ng_status st = reserve(s, net, err);
    if (st)
        return st;
    memset(s->h, 0, 2 * net->layers * net->hidden * sizeof(float));
    float *x = s->logits + net->codec.k + 1 + net->codec.out2_size;
    conditioning_gates(fl, plan, s->cond_gates, x);
    ng_rng_seed(&s->rng, seed);
    memset(&s->prev, 0, sizeof s->prev);
    s->emitted = 0;
    s->target = plan->target_packets;
    s->tcp = plan->ip_proto == 6;
    s->ended = false;
    return NG_OK;
}

/* Layer 0's gate pre-activations for the current step, before h W_hh^T. */
static void input_gates(const ng_flow_level *fl, const ng_flow_sampler *s, float *g)
{
    const ng_flow_codec *c = &fl->net.codec;
    size_t G = 4 * fl->net.hidden;
    memcpy(g, s->cond_gates, G * sizeof *g);
    if (!s->emitted) {
        add_row(g, fl->in_proj_t, c->in_cluster + c->k, 1.0f, G);
    } else {
        add_row(g, fl->in_proj_t, c->in_cluster + s->prev.cluster, 1.0f, G);
        add_row(g, fl->in_proj_t, c->in_flags + s->prev.flag_idx, 1.0f, G);
        if (s->prev.dir)
            add_row(g, fl->in_proj_t, c->in_dir, 1.0f, G);
        add_row(g, fl->in_proj_t, c->in_iat, s->prev.iat_z, G);
        add_row(g, fl->in_proj_t, c->in_payload, s->prev.payload_z, G);
    }
    float progress[NG_FLOW_PROGRESS_FEATURES];
    ng_flow_codec_encode_progress((double)s->emitted, (double)s->target, progress);
    for (size_t i = 0; i < NG_FLOW_PROGRESS_FEATURES; i++)
        add_row(g, fl->in_proj_t, c->in_progress + i, progress[i], G);
}

static const float *lstm_step(const ng_flow_level *fl, ng_flow_sampler *s)
{
    const ng_flow_net *net = &fl->net;
    const ng_params *p = &net->params;
    size_t H = net->hidden, G = 4 * H;
    input_gates(fl, s, s->gates);
    const float *below = NULL;
    for (size_t l = 0; l < net->layers; l++) {
        float *h = s->h + l * H, *c = s->c + l * H;
        if (l) {
            memcpy(s->gates, ng_params_data(p, net->lstm.bias[l]), G * sizeof(float));
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)G, (int)H, 1.0f,
                        ng_params_data(p, net->lstm.w_ih[l]), (int)H, below, 1, 1.0f, s->gates, 1);
        }
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)G, (int)H, 1.0f,
                    ng_params_data(p, net->lstm.w_hh[l]), (int)H, h, 1, 1.0f, s->gates, 1);
        ng_lstm_cell_forward(s->gates, c, h, s->gates, c, H);
        below = h;
    }
    return below;
}

/* Index drawn from softmax(z[0..n)), never `exclude`; z is overwritten. */
static size_t sample_logits(float *z, size_t n, size_t exclude, ng_rng *rng)
{
    float maxv = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (i != exclude && z[i] > maxv)
            maxv = z[i];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        z[i] = i == exclude ? 0.0f : ng_fast_expf(z[i] - maxv);
        sum += z[i];
    }
    double u = ng_rng_uniform(rng) * sum, acc = 0.0;
    size_t last = n - 1 == exclude ? n - 2 : n - 1;
    for (size_t i = 0; i < n; i++) {
        acc += z[i];
        if (u < acc && i != exclude)
            return i;
    }
    return last;
}

static bool flow_is_over(const ng_flow_sampler *s)
{
    return s->target ? s->emitted >= s->target : s->emitted >= NG_FLOW_SAMPLER_MAX;
}

static uint16_t next_cluster(const ng_flow_level *fl, ng_flow_sampler *s, const float *h)
{
    const ng_flow_net *net = &fl->net;
    size_t K = net->codec.k, H = net->hidden;
    float *z = s->logits;
    memcpy(z, ng_params_data(&net->params, net->head1_b), (K + 1) * sizeof(float));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)(K + 1), (int)H, 1.0f,
                ng_params_data(&net->params, net->head1_w), (int)H, h, 1, 1.0f, z, 1);
    bool may_end = s->target ? false : s->emitted > 0;
    return (uint16_t)sample_logits(z, K + 1, may_end ? NO_EXCLUDE : K, &s->rng);
}

static void head2_outputs(const ng_flow_level *fl, ng_flow_sampler *s, const float *h,
                          uint16_t cluster, float *z)
{
    const ng_flow_net *net = &fl->net;
    size_t O2 = net->codec.out2_size, H = net->hidden;
    const float *b = ng_params_data(&net->params, net->head2_b);
    const float *col = fl->cluster_proj_t + (size_t)cluster * O2;
    for (size_t o = 0; o < O2; o++)
        z[o] = b[o] + col[o];
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)O2, (int)H, 1.0f,
                ng_params_data(&net->params, net->head2_w), (int)(H + net->codec.k), h, 1, 1.0f,
                z, 1);
}

static uint32_t sample_payload(const ng_flow_codec *c, float *z, ng_rng *rng, uint8_t *idx)
{
    float other[3];
    memcpy(other, z + c->out_other, sizeof other);
    *idx = (uint8_t)sample_logits(z + c->out_size, ng_vocab_size(&c->sizes), NO_EXCLUDE, rng);
    if (*idx < c->sizes.n)
        return c->sizes.values[*idx];
    return ng_flow_codec_payload(c, ng_mdn_sample(other, 1, rng));
}

static uint8_t sample_flags(const ng_flow_codec *c, bool tcp, float *z, ng_rng *rng,
                            uint8_t *idx)
{
    if (!tcp || !c->flags.n) {
        *idx = (uint8_t)ng_vocab_index(&c->flags, 0);
        return 0;
    }
    *idx = (uint8_t)sample_logits(z + c->out_flags, ng_vocab_size(&c->flags), c->flags.n, rng);
    return (uint8_t)c->flags.values[*idx];
}

bool ng_flow_sampler_next(const ng_flow_level *fl, ng_flow_sampler *s, ng_packet_proposal *out)
{
    const ng_flow_codec *c = &fl->net.codec;
    if (s->ended || flow_is_over(s)) {
        s->ended = true;
        return false;
    }
    if (s->emitted && s->emitted % fl->net.window == 0) /* as the training windows began */
        memset(s->h, 0, 2 * fl->net.layers * fl->net.hidden * sizeof(float));
    const float *h = lstm_step(fl, s);
    uint16_t cluster = next_cluster(fl, s, h);
    if (cluster == c->k) {
        s->ended = true;
        return false;
    }
    float *z = s->logits + c->k + 1;
    head2_outputs(fl, s, h, cluster, z);
    ng_flow_token t = {.cluster = cluster};
    /* fixed draw order: direction, flags, size, IAT */
    t.dir = (uint8_t)sample_logits(z + c->out_dir, 2, NO_EXCLUDE, &s->rng);
    out->tcp_flags = sample_flags(c, s->tcp, z, &s->rng, &t.flag_idx);
    out->payload_len = sample_payload(c, z, &s->rng, &t.size_idx);
    t.payload_z = ng_flow_codec_payload_z(c, out->payload_len);
    out->iat_ns = 0;
    if (s->emitted) {
        out->iat_ns = ng_flow_codec_iat_ns(c, ng_mdn_sample(z + c->out_iat, c->iat_mixture, &s->rng));
        t.has_iat = true;
        t.iat_z = (float)ng_flow_codec_iat_z(c, out->iat_ns);
    }
    out->cluster = cluster;
    out->direction = t.dir;
    s->prev = t;
    s->emitted++;
    return true;
}
