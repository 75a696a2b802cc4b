/* test_gmm_io.c — a fitted Gaussian mixture survives a model file bit for bit, and a
 * damaged one is refused. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "model/gmm_io.h"
#include "stats/gmm.h"

static ng_gmm *fitted(ng_gmm_cov cov)
{
    size_t n = 600;
    double *x = malloc(n * 3 * sizeof *x);
    ng_rng rng;
    ng_rng_seed(&rng, 17);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 3; j++)
            x[i * 3 + j] = (i % 3 == j ? 4.0 : 0.0) + ng_rng_normal(&rng) * (0.5 + 0.1 * j);
    ng_gmm_options opt = ng_gmm_default_options();
    opt.cov_type = cov;
    ng_gmm *g;
    assert_int_equal(ng_gmm_fit(x, n, 3, 3, &opt, &g, NULL), NG_OK);
    free(x);
    return g;
}

static void assert_same_bits(const ng_gmm *a, const ng_gmm *b)
{
    assert_int_equal(a->k, b->k);
    assert_int_equal(a->d, b->d);
    assert_int_equal(a->cov_type, b->cov_type);
    size_t cs = a->cov_type == NG_GMM_FULL ? a->k * a->d * a->d : a->k * a->d;
    assert_memory_equal(a->weights, b->weights, a->k * sizeof(double));
    assert_memory_equal(a->means, b->means, a->k * a->d * sizeof(double));
    assert_memory_equal(a->covariances, b->covariances, cs * sizeof(double));
    assert_memory_equal(a->chol, b->chol, cs * sizeof(double));
    assert_memory_equal(a->prec_chol, b->prec_chol, cs * sizeof(double));
    assert_memory_equal(a->log_norm, b->log_norm, a->k * sizeof(double));
    assert_true(a->log_likelihood == b->log_likelihood);
    assert_int_equal(a->n_train, b->n_train);
    assert_int_equal(a->n_iter, b->n_iter);
    assert_int_equal(a->converged, b->converged);
}

static void test_round_trip_bit_exact(void **state)
{
    (void)state;
    ng_test_tmpdir();
    ng_gmm *full = fitted(NG_GMM_FULL), *diag = fitted(NG_GMM_DIAG);
    ng_model_writer *w;
    assert_int_equal(ng_model_writer_new(&w, NULL), NG_OK);
    assert_int_equal(ng_gmm_io_add(w, "packet.gmm", full, NULL), NG_OK);
    assert_int_equal(ng_gmm_io_add(w, "flow.gmm", diag, NULL), NG_OK);
    const char *path = ng_test_tmp("m.ngm");
    assert_int_equal(ng_model_writer_save(w, path, NULL), NG_OK);
    ng_model_writer_free(w);

    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_load(path, &m, &err), NG_OK);
    ng_gmm *full2, *diag2;
    assert_int_equal(ng_gmm_io_load(m, "packet.gmm", &full2, &err), NG_OK);
    assert_int_equal(ng_gmm_io_load(m, "flow.gmm", &diag2, &err), NG_OK);
    assert_same_bits(full, full2);
    assert_same_bits(diag, diag2);
    /* Same model, same samples. */
    ng_rng r1, r2;
    ng_rng_seed(&r1, 5);
    ng_rng_seed(&r2, 5);
    double s1[30], s2[30];
    ng_gmm_sample(full, &r1, 10, s1, NULL);
    ng_gmm_sample(full2, &r2, 10, s2, NULL);
    assert_memory_equal(s1, s2, sizeof s1);
    ng_gmm_free(full2);
    assert_int_equal(ng_gmm_io_load(m, "absent", &full2, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "tensor 'absent.weights' is missing"));
    assert_null(full2);
    ng_gmm_free(diag2);
    ng_model_file_free(m);
    ng_gmm_free(full);
    ng_gmm_free(diag);
    ng_test_cleanup_tmpdir();
}

static void test_damaged_mixture_refused(void **state)
{
    (void)state;
    ng_gmm *g = fitted(NG_GMM_FULL);
    g->weights[0] += 0.5; /* no longer sums to 1 */
    ng_model_writer *w;
    assert_int_equal(ng_model_writer_new(&w, NULL), NG_OK);
    assert_int_equal(ng_gmm_io_add(w, "g", g, NULL), NG_OK);
    /* A mismatched covariance shape under another prefix. */
    uint64_t wd[1] = {2}, md[2] = {2, 3}, cd[3] = {2, 3, 2}, fd[1] = {4};
    double zeros[12] = {0.5, 0.5};
    assert_int_equal(ng_model_writer_add_f64(w, "h.weights", 1, wd, zeros, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f64(w, "h.means", 2, md, zeros, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f64(w, "h.covariances", 3, cd, zeros, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f64(w, "h.fit", 1, fd, zeros, NULL), NG_OK);
    uint8_t *bytes;
    size_t len;
    assert_int_equal(ng_model_writer_encode(w, &bytes, &len, NULL), NG_OK);
    ng_model_writer_free(w);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, "x.ngm", &m, &err), NG_OK);
    ng_gmm *back;
    assert_int_equal(ng_gmm_io_load(m, "g", &back, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "x.ngm: mixture 'g' is invalid: gmm: weights sum"));
    assert_null(back);
    assert_int_equal(ng_gmm_io_load(m, "h", &back, &err), NG_EFORMAT);
    assert_string_equal(err.msg, "x.ngm: tensor 'h.covariances' has shape [2,3,2], expected [2,3,3]");
    ng_model_file_free(m);
    free(bytes);
    ng_gmm_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bit_exact),
        cmocka_unit_test(test_damaged_mixture_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
