/* vae.c — encoder/decoder MLPs, reparameterisation, KL and the mixed reconstruction. */
#include "nn/vae.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/activations.h"
#include "nn/losses.h"

static size_t field_out_width(const ng_vae_field *f)
{
    if (f->kind == NG_VAE_CONTINUOUS && f->loss == NG_RECON_GAUSSIAN_NLL)
        return 2 * f->width;
    return f->width;
}

static float field_weight(const ng_vae_field *f)
{
    return f->weight > 0.0f ? f->weight : 1.0f;
}

static ng_status check_config(const ng_vae_config *cfg, ng_error *err)
{
    if (cfg->n_fields < 1 || cfg->n_fields > NG_VAE_MAX_FIELDS)
        return ng_fail(err, NG_EINVAL, "a VAE needs 1 to %d fields, not %zu", NG_VAE_MAX_FIELDS,
                       cfg->n_fields);
    if (cfg->n_hidden > NG_MLP_MAX_LAYERS - 1)
        return ng_fail(err, NG_EINVAL, "a VAE has at most %d hidden layers, not %zu",
                       NG_MLP_MAX_LAYERS - 1, cfg->n_hidden);
    if (cfg->latent == 0 || cfg->max_batch == 0)
        return ng_fail(err, NG_EINVAL, "VAE latent size and max_batch must be positive");
    for (size_t i = 0; i < cfg->n_fields; i++) {
        const ng_vae_field *f = &cfg->fields[i];
        if (f->width == 0)
            return ng_fail(err, NG_EINVAL, "VAE field %zu has width 0", i);
        if (f->kind == NG_VAE_CATEGORICAL && f->width < 2)
            return ng_fail(err, NG_EINVAL, "VAE categorical field %zu has fewer than 2 categories",
                           i);
    }
    return NG_OK;
}

static void lay_out_fields(ng_vae *vae)
{
    size_t in = 0, out = 0;
    for (size_t i = 0; i < vae->cfg.n_fields; i++) {
        const ng_vae_field *f = &vae->cfg.fields[i];
        vae->in_offset[i] = in;
        vae->out_offset[i] = out;
        in += f->width;
        out += field_out_width(f);
        vae->n_categorical += f->kind == NG_VAE_CATEGORICAL;
    }
    vae->in_width = in;
    vae->out_width = out;
}

static ng_status declare_mlps(ng_vae *vae, ng_params *params, const char *prefix,
                              ng_error *err)
{
    const ng_vae_config *c = &vae->cfg;
    ng_mlp_config enc = {.n_layers = c->n_hidden + 1, .hidden_act = c->act,
                         .output_act = NG_ACT_NONE, .slope = c->slope,
                         .max_batch = c->max_batch};
    ng_mlp_config dec = enc;
    enc.sizes[0] = vae->in_width;
    dec.sizes[0] = c->latent;
    for (size_t l = 0; l < c->n_hidden; l++) {
        enc.sizes[l + 1] = c->hidden[l];
        dec.sizes[l + 1] = c->hidden[c->n_hidden - 1 - l];
    }
    enc.sizes[c->n_hidden + 1] = 2 * c->latent;
    dec.sizes[c->n_hidden + 1] = vae->out_width;
    char name[NG_TENSOR_NAME_MAX];
    snprintf(name, sizeof name, "%s.encoder", prefix);
    ng_status st = ng_mlp_declare(&vae->encoder, &enc, params, name, err);
    if (st)
        return st;
    snprintf(name, sizeof name, "%s.decoder", prefix);
    return ng_mlp_declare(&vae->decoder, &dec, params, name, err);
}

static ng_status alloc_buffers(ng_vae *vae, ng_error *err)
{
    size_t B = vae->cfg.max_batch, L = vae->cfg.latent;
    size_t floats = B * (3 * L + 2 * L + 2 * vae->out_width + vae->in_width);
    vae->memory = calloc(floats, sizeof(float));
    vae->labels = calloc(B * (vae->n_categorical ? vae->n_categorical : 1), sizeof(int));
    if (!vae->memory || !vae->labels)
        return ng_fail(err, NG_ENOMEM, "no memory for VAE buffers (%zu floats)", floats);
    float *p = vae->memory;
    vae->eps = p, p += B * L;
    vae->z = p, p += B * L;
    vae->dz = p, p += B * L;
    vae->denc = p, p += 2 * B * L;
    vae->dec_value = p, p += B * vae->out_width;
    vae->ddec = p, p += B * vae->out_width;
    vae->batch_x = p;
    return NG_OK;
}

ng_status ng_vae_declare(ng_vae *vae, const ng_vae_config *cfg, ng_params *params,
                         const char *prefix, ng_error *err)
{
    memset(vae, 0, sizeof *vae);
    ng_status st = check_config(cfg, err);
    if (st)
        return st;
    vae->cfg = *cfg;
    lay_out_fields(vae);
    st = declare_mlps(vae, params, prefix, err);
    if (!st)
        st = alloc_buffers(vae, err);
    if (st)
        ng_vae_free(vae);
    return st;
}

void ng_vae_free(ng_vae *vae)
{
    ng_mlp_free(&vae->encoder);
    ng_mlp_free(&vae->decoder);
    free(vae->memory);
    free(vae->labels);
    memset(vae, 0, sizeof *vae);
}

void ng_vae_init_weights(ng_vae *vae, ng_rng *rng)
{
    ng_mlp_init_weights(&vae->encoder, rng);
    ng_mlp_init_weights(&vae->decoder, rng);
}

void ng_vae_sample_noise(ng_vae *vae, size_t B, ng_rng *rng)
{
    for (size_t i = 0; i < B * vae->cfg.latent; i++)
        vae->eps[i] = (float)ng_rng_normal(rng);
}

void ng_vae_zero_noise(ng_vae *vae, size_t B)
{
    memset(vae->eps, 0, B * vae->cfg.latent * sizeof(float));
}

/* z = mu + exp(logvar / 2) * eps; KL term and its gradient into denc. */
static double reparameterise(ng_vae *vae, const float *enc_out, size_t B)
{
    size_t L = vae->cfg.latent;
    float k = vae->cfg.beta / (float)B;
    double kl = 0.0;
    for (size_t r = 0; r < B; r++) {
        const float *mu = enc_out + r * 2 * L, *lv = mu + L;
        float *dmu = vae->denc + r * 2 * L, *dlv = dmu + L;
        for (size_t j = 0; j < L; j++) {
            float var = expf(lv[j]);
            vae->z[r * L + j] = mu[j] + sqrtf(var) * vae->eps[r * L + j];
            kl += -0.5 * (1.0 + lv[j] - (double)mu[j] * mu[j] - var);
            dmu[j] = k * mu[j];
            dlv[j] = 0.5f * k * (var - 1.0f);
        }
    }
    return kl / (double)B;
}

static void find_labels(ng_vae *vae, const float *x, size_t B)
{
    size_t c = 0;
    for (size_t i = 0; i < vae->cfg.n_fields; i++) {
        const ng_vae_field *f = &vae->cfg.fields[i];
        if (f->kind != NG_VAE_CATEGORICAL)
            continue;
        for (size_t r = 0; r < B; r++) {
            const float *g = x + r * vae->in_width + vae->in_offset[i];
            size_t best = 0;
            for (size_t k = 1; k < f->width; k++)
                best = g[k] > g[best] ? k : best;
            vae->labels[c * B + r] = (int)best;
        }
        c++;
    }
}

/* Sigmoid-squashed MSE/L1 field: loss on sigmoid(raw), gradient back through it. */
static double squashed_loss(ng_vae *vae, const ng_vae_field *f, size_t i, const float *raw,
                            const float *x, size_t B, float scale)
{
    size_t ow = vae->out_width, o = vae->out_offset[i];
    float *val = vae->dec_value + o, *d = vae->ddec + o;
    for (size_t r = 0; r < B; r++)
        ng_sigmoid_forward(val + r * ow, raw + r * ow + o, f->width);
    const float *t = x + vae->in_offset[i];
    double loss = f->loss == NG_RECON_MSE
                      ? ng_mse_loss(val, ow, t, vae->in_width, d, B, f->width, NULL, scale)
                      : ng_l1_loss(val, ow, t, vae->in_width, d, B, f->width, NULL, scale);
    for (size_t r = 0; r < B; r++)
        ng_sigmoid_backward(d + r * ow, d + r * ow, val + r * ow, f->width);
    return loss;
}

static double continuous_loss(ng_vae *vae, size_t i, const float *raw, const float *x,
                              size_t B, float scale)
{
    const ng_vae_field *f = &vae->cfg.fields[i];
    size_t ow = vae->out_width, iw = vae->in_width, o = vae->out_offset[i];
    const float *t = x + vae->in_offset[i];
    switch (f->loss) {
    case NG_RECON_MSE:
    case NG_RECON_L1:
        if (f->sigmoid_output)
            return squashed_loss(vae, f, i, raw, x, B, scale);
        if (f->loss == NG_RECON_MSE)
            return ng_mse_loss(raw + o, ow, t, iw, vae->ddec + o, B, f->width, NULL, scale);
        return ng_l1_loss(raw + o, ow, t, iw, vae->ddec + o, B, f->width, NULL, scale);
    case NG_RECON_GAUSSIAN_NLL:
        return ng_gaussian_nll_loss(raw + o, raw + o + f->width, ow, t, iw, vae->ddec + o,
                                    vae->ddec + o + f->width, B, f->width, NULL, scale);
    case NG_RECON_BCE:
        return ng_bce_logits_loss(raw + o, ow, t, iw, vae->ddec + o, B, f->width, NULL, scale);
    }
    return 0.0;
}

static double reconstruction_loss(ng_vae *vae, const float *raw, const float *x, size_t B)
{
    double total = 0.0;
    size_t c = 0;
    for (size_t i = 0; i < vae->cfg.n_fields; i++) {
        const ng_vae_field *f = &vae->cfg.fields[i];
        float scale = field_weight(f) / (float)B;
        if (f->kind == NG_VAE_CATEGORICAL) {
            size_t o = vae->out_offset[i];
            total += ng_softmax_xent_loss(raw + o, vae->out_width, vae->labels + c * B,
                                          vae->ddec + o, B, f->width, NULL, scale);
            c++;
        } else {
            total += continuous_loss(vae, i, raw, x, B, scale);
        }
    }
    return total;
}

double ng_vae_forward(ng_vae *vae, const float *x, size_t B)
{
    if (B > vae->cfg.max_batch)
        return NAN;
    const float *enc_out = ng_mlp_forward(&vae->encoder, x, B);
    vae->last_kl = reparameterise(vae, enc_out, B);
    const float *raw = ng_mlp_forward(&vae->decoder, vae->z, B);
    find_labels(vae, x, B);
    vae->last_recon = reconstruction_loss(vae, raw, x, B);
    return vae->last_recon + vae->cfg.beta * vae->last_kl;
}

void ng_vae_backward(ng_vae *vae, size_t B)
{
    size_t L = vae->cfg.latent;
    ng_mlp_backward(&vae->decoder, vae->ddec, vae->dz, B);
    const float *enc_out = vae->encoder.post[vae->encoder.cfg.n_layers - 1];
    for (size_t r = 0; r < B; r++) {
        const float *lv = enc_out + r * 2 * L + L;
        float *dmu = vae->denc + r * 2 * L, *dlv = dmu + L;
        for (size_t j = 0; j < L; j++) {
            float dz = vae->dz[r * L + j];
            dmu[j] += dz;
            dlv[j] += dz * vae->eps[r * L + j] * 0.5f * expf(0.5f * lv[j]);
        }
    }
    ng_mlp_backward(&vae->encoder, vae->denc, NULL, B);
}

static void encode_block(ng_vae *vae, const float *x, size_t B, float *mu, float *logvar)
{
    size_t L = vae->cfg.latent;
    const float *enc_out = ng_mlp_forward(&vae->encoder, x, B);
    for (size_t r = 0; r < B; r++) {
        if (mu)
            memcpy(mu + r * L, enc_out + r * 2 * L, L * sizeof(float));
        if (logvar)
            memcpy(logvar + r * L, enc_out + r * 2 * L + L, L * sizeof(float));
    }
}

void ng_vae_encode(ng_vae *vae, const float *x, size_t B, float *mu, float *logvar)
{
    size_t L = vae->cfg.latent, step = vae->cfg.max_batch;
    for (size_t start = 0; start < B; start += step) {
        size_t n = B - start < step ? B - start : step;
        encode_block(vae, x + start * vae->in_width, n, mu ? mu + start * L : NULL,
                     logvar ? logvar + start * L : NULL);
    }
}

static void decode_field(const ng_vae_field *f, const float *raw, float *out)
{
    if (f->kind == NG_VAE_CATEGORICAL)
        ng_softmax_forward(out, raw, 1, f->width);
    else if (f->loss == NG_RECON_BCE || f->sigmoid_output)
        ng_sigmoid_forward(out, raw, f->width);
    else
        memcpy(out, raw, f->width * sizeof(float)); /* value, or the Gaussian mean */
}

static void decode_block(ng_vae *vae, const float *z, size_t B, float *out)
{
    const float *raw = ng_mlp_forward(&vae->decoder, z, B);
    for (size_t r = 0; r < B; r++)
        for (size_t i = 0; i < vae->cfg.n_fields; i++)
            decode_field(&vae->cfg.fields[i], raw + r * vae->out_width + vae->out_offset[i],
                         out + r * vae->in_width + vae->in_offset[i]);
}

void ng_vae_decode(ng_vae *vae, const float *z, size_t B, float *out)
{
    size_t step = vae->cfg.max_batch;
    for (size_t start = 0; start < B; start += step) {
        size_t n = B - start < step ? B - start : step;
        decode_block(vae, z + start * vae->cfg.latent, n, out + start * vae->in_width);
    }
}

ng_status ng_vae_train_epoch(ng_vae *vae, ng_params *params, ng_adam *opt, const float *data,
                             ng_batcher *batcher, ng_rng *rng, float max_norm,
                             double *mean_loss, ng_error *err)
{
    double total = 0.0;
    size_t rows_seen = 0, B;
    const size_t *rows;
    if (batcher->batch > vae->cfg.max_batch)
        return ng_fail(err, NG_EINVAL, "batch size %zu exceeds the VAE's max_batch %zu",
                       batcher->batch, vae->cfg.max_batch);
    ng_batcher_epoch(batcher);
    while ((B = ng_batcher_next(batcher, &rows)) > 0) {
        ng_gather_rows(vae->batch_x, data, vae->in_width, rows, B);
        ng_vae_sample_noise(vae, B, rng);
        double loss = ng_vae_forward(vae, vae->batch_x, B);
        if (!isfinite(loss))
            return ng_fail(err, NG_ENUMERIC,
                           "training diverged: VAE loss is %s after %zu rows of the epoch",
                           isnan(loss) ? "NaN" : "Inf", rows_seen);
        ng_params_zero_grad(params);
        ng_vae_backward(vae, B);
        ng_status st = ng_adam_update(opt, params->data, params->grad, max_norm, err);
        if (st)
            return st;
        total += loss * (double)B;
        rows_seen += B;
    }
    if (mean_loss)
        *mean_loss = rows_seen ? total / (double)rows_seen : 0.0;
    return NG_OK;
}

double ng_vae_evaluate(ng_vae *vae, const float *data, const size_t *rows, size_t n)
{
    double total = 0.0;
    for (size_t start = 0; start < n; start += vae->cfg.max_batch) {
        size_t B = n - start < vae->cfg.max_batch ? n - start : vae->cfg.max_batch;
        ng_gather_rows(vae->batch_x, data, vae->in_width, rows + start, B);
        ng_vae_zero_noise(vae, B);
        total += ng_vae_forward(vae, vae->batch_x, B) * (double)B;
    }
    return n ? total / (double)n : 0.0;
}
