/* packet_level_sample.c — generating packets from the packet level: a component of the
 * latent mixture, z from its Gaussian, a block of rows decoded by one ng_vae_decode
 * call, the cluster's residual spread added to the log IAT, then each row's categories
 * drawn (packet_features.c). */
#include "model/packet_level_internal.h"

static size_t pick_component(const ng_packet_level *pl, ng_rng *rng)
{
    size_t k = pl->gmm->k;
    double u = ng_rng_uniform(rng) * pl->cum_weights[k - 1];
    size_t lo = 0, hi = k - 1; /* first c with u < cum[c] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < pl->cum_weights[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* z = mu_c + L_c e with e ~ N(0, I) (L lower triangular, or the diagonal's roots). */
static void draw_latent(const ng_gmm *g, size_t c, ng_rng *rng, float *z)
{
    enum { MAX_D = 64 };
    size_t d = g->d;
    double e[MAX_D];
    const double *mu = g->means + c * d;
    for (size_t j = 0; j < d; j++)
        e[j] = ng_rng_normal(rng);
    if (g->cov_type == NG_GMM_DIAG) {
        for (size_t j = 0; j < d; j++)
            z[j] = (float)(mu[j] + g->chol[c * d + j] * e[j]);
        return;
    }
    const double *l = g->chol + c * d * d;
    for (size_t r = 0; r < d; r++) {
        double s = mu[r];
        for (size_t j = 0; j <= r; j++)
            s += l[r * d + j] * e[j];
        z[r] = (float)s;
    }
}

void ng_packet_level_sample(const ng_packet_level *pl, ng_rng *rng, int cluster, size_t n,
                            ng_packet_sample *out)
{
    size_t L = pl->cfg.latent, W = pl->features.width, K = pl->gmm->k;
    size_t iat_col = pl->features.cont_offset + NG_PF_LOG_IAT;
    bool fixed = cluster >= 0 && (size_t)cluster < K;
    for (size_t start = 0; start < n; start += NG_PACKET_SAMPLE_BLOCK) {
        size_t B = n - start < NG_PACKET_SAMPLE_BLOCK ? n - start : NG_PACKET_SAMPLE_BLOCK;
        for (size_t r = 0; r < B; r++) {
            size_t c = fixed ? (size_t)cluster : pick_component(pl, rng);
            pl->component[r] = c;
            draw_latent(pl->gmm, c, rng, pl->z + r * L);
        }
        ng_vae_decode(pl->vae, pl->z, B, pl->decoded);
        for (size_t r = 0; r < B; r++) {
            float *row = pl->decoded + r * W;
            row[iat_col] += (float)(pl->iat_resid_std[pl->component[r]] * ng_rng_normal(rng));
            ng_packet_features_sample(&pl->features, row, rng, &out[start + r]);
        }
    }
}
