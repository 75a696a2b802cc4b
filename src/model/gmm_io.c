/* gmm_io.c — saving and loading a Gaussian mixture as float64 tensors (gmm_io.h). */
#include "model/gmm_io.h"

#include <stdio.h>
#include <string.h>

static ng_status tensor_name(char *buf, size_t size, const char *prefix, const char *field,
                             ng_error *err)
{
    int n = snprintf(buf, size, "%s.%s", prefix, field);
    if (n < 0 || (size_t)n >= size || n > NG_TENSOR_MAX_NAME)
        return ng_fail(err, NG_EINVAL, "gmm io: prefix '%s' is too long", prefix);
    return NG_OK;
}

ng_status ng_gmm_io_add(ng_model_writer *w, const char *prefix, const ng_gmm *g,
                        ng_error *err)
{
    char name[NG_TENSOR_MAX_NAME + 32];
    uint64_t k = g->k, d = g->d;
    uint64_t wdims[1] = {k}, mdims[2] = {k, d}, cdims[3] = {k, d, d}, fdims[1] = {4};
    double fit[4] = {g->log_likelihood, (double)g->n_train, (double)g->n_iter,
                     g->converged ? 1.0 : 0.0};
    ng_status st = tensor_name(name, sizeof name, prefix, "weights", err);
    if (st == NG_OK)
        st = ng_model_writer_add_f64(w, name, 1, wdims, g->weights, err);
    if (st == NG_OK && (st = tensor_name(name, sizeof name, prefix, "means", err)) == NG_OK)
        st = ng_model_writer_add_f64(w, name, 2, mdims, g->means, err);
    if (st == NG_OK && (st = tensor_name(name, sizeof name, prefix, "covariances", err)) == NG_OK)
        st = ng_model_writer_add_f64(w, name, g->cov_type == NG_GMM_FULL ? 3 : 2, cdims,
                                     g->covariances, err);
    if (st == NG_OK && (st = tensor_name(name, sizeof name, prefix, "fit", err)) == NG_OK)
        st = ng_model_writer_add_f64(w, name, 1, fdims, fit, err);
    return st;
}

static ng_status get(const ng_model_file *m, const char *prefix, const char *field,
                     uint32_t rank, const uint64_t *dims, const ng_model_tensor **t, ng_error *err)
{
    char name[NG_TENSOR_MAX_NAME + 32];
    ng_status st = tensor_name(name, sizeof name, prefix, field, err);
    if (st == NG_OK)
        st = ng_model_file_tensor(m, name, NG_DTYPE_F64, rank, dims, t, err);
    return st;
}

ng_status ng_gmm_io_load(const ng_model_file *m, const char *prefix, ng_gmm **out,
                         ng_error *err)
{
    *out = NULL;
    const ng_model_tensor *tw, *tm, *tc, *tf;
    ng_status st = get(m, prefix, "weights", 1, NULL, &tw, err);
    if (st == NG_OK)
        st = get(m, prefix, "means", 2, NULL, &tm, err);
    if (st != NG_OK)
        return st;
    uint64_t k = tw->dims[0], d = tm->dims[1];
    uint64_t mdims[2] = {k, d}, cdims[3] = {k, d, d}, fdims[1] = {4};
    if ((st = get(m, prefix, "means", 2, mdims, &tm, err)) != NG_OK)
        return st;
    char name[NG_TENSOR_MAX_NAME + 32];
    if ((st = tensor_name(name, sizeof name, prefix, "covariances", err)) != NG_OK)
        return st;
    const ng_model_tensor *probe = ng_model_file_find(m, name);
    ng_gmm_cov cov = probe && probe->rank == 2 ? NG_GMM_DIAG : NG_GMM_FULL;
    if ((st = get(m, prefix, "covariances", cov == NG_GMM_FULL ? 3 : 2, cdims, &tc, err)) != NG_OK ||
        (st = get(m, prefix, "fit", 1, fdims, &tf, err)) != NG_OK)
        return st;
    ng_error inner;
    if (ng_gmm_new((size_t)k, (size_t)d, cov, out, &inner) != NG_OK)
        return ng_fail(err, inner.code == NG_ENOMEM ? NG_ENOMEM : NG_EFORMAT,
                       "%s: mixture '%s': %s", m->path, prefix, inner.msg);
    ng_gmm *g = *out;
    memcpy(g->weights, tw->data, tw->count * sizeof(double));
    memcpy(g->means, tm->data, tm->count * sizeof(double));
    memcpy(g->covariances, tc->data, tc->count * sizeof(double));
    const double *fit = tf->data;
    g->log_likelihood = fit[0];
    g->n_train = fit[1] >= 0 && fit[1] < 1e18 ? (size_t)fit[1] : 0;
    g->n_iter = fit[2] >= 0 && fit[2] < 1e18 ? (size_t)fit[2] : 0;
    g->converged = fit[3] != 0.0;
    if ((st = ng_gmm_prepare(g, &inner)) != NG_OK) {
        ng_gmm_free(g);
        *out = NULL;
        return ng_fail(err, NG_EFORMAT, "%s: mixture '%s' is invalid: %s", m->path, prefix,
                       inner.msg);
    }
    return NG_OK;
}
