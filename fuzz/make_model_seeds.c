/* make_model_seeds.c — writes the model-file seeds for fuzz_model_file into a folder:
 *   generic.ngm   the writer's own format: a JSON header and tensors of every dtype and
 *                 rank 0..3 (reaches the tensor table without any level's keys);
 *   tiny.ngm      a real model trained by ng_model_train on the given captures with a
 *                 very small configuration (reaches the packet, flow and aggregate loaders).
 * Build and run through scripts/fuzz.sh --seeds (or by hand against build-fuzz's libs):
 *   make_model_seeds OUTDIR CAPTURE... */
#include <stdio.h>
#include <stdlib.h>

#include "model/model.h"
#include "model/model_file.h"

static int fail(const ng_error *err)
{
    fprintf(stderr, "make_model_seeds: %s\n", err->msg);
    return 1;
}

static int write_generic(const char *dir)
{
    ng_model_writer *w;
    ng_error err;
    if (ng_model_writer_new(&w, &err) != NG_OK)
        return fail(&err);
    json_t *hdr = json_pack("{s:s, s:i, s:[f, f], s:{s:b}}", "kind", "seed", "k", 3, "scale",
                            0.5, 2.0, "nested", "flag", 1);
    ng_model_writer_set_header(w, hdr, &err);
    json_decref(hdr);
    const float f[6] = { 1, -2, 3.5f, 0, 1e-3f, 7 };
    const double d[4] = { 0.25, -1e300, 3, 4 };
    const uint64_t d2[2] = { 2, 3 }, d1[1] = { 4 }, d3[3] = { 1, 2, 3 };
    char path[4096];
    snprintf(path, sizeof path, "%s/generic.ngm", dir);
    if (ng_model_writer_add_f32(w, "scalar", 0, NULL, f, &err) != NG_OK ||
        ng_model_writer_add_f32(w, "m.w", 2, d2, f, &err) != NG_OK ||
        ng_model_writer_add_f64(w, "v.d", 1, d1, d, &err) != NG_OK ||
        ng_model_writer_add_f32(w, "cube", 3, d3, f, &err) != NG_OK ||
        ng_model_writer_save(w, path, &err) != NG_OK) {
        ng_model_writer_free(w);
        return fail(&err);
    }
    ng_model_writer_free(w);
    return 0;
}

static int write_trained(const char *dir, const char *const *pcaps, size_t n)
{
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    cfg.packet.hidden[0] = 8;
    cfg.packet.hidden[1] = 0;
    cfg.packet.latent = 2;
    cfg.packet.epochs = 2;
    cfg.packet.k_max = 3;
    cfg.packet.size_vocab = 4;
    cfg.flow.hidden = 4;
    cfg.flow.epochs = 2;
    cfg.flow.iat_mixture = 2;
    cfg.aggregate.k_max = 2;
    cfg.aggregate.gap_k_max = 2;
    cfg.aggregate.ngram_order = 2;
    ng_model *m;
    ng_error err;
    if (ng_model_train(pcaps, n, &cfg, &m, &err) != NG_OK)
        return fail(&err);
    char path[4096];
    snprintf(path, sizeof path, "%s/tiny.ngm", dir);
    ng_status st = ng_model_save(m, path, &err);
    ng_model_free(m);
    return st == NG_OK ? 0 : fail(&err);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: make_model_seeds OUTDIR CAPTURE...\n");
        return 2;
    }
    int rc = write_generic(argv[1]);
    return rc ? rc : write_trained(argv[1], (const char *const *)argv + 2, (size_t)argc - 2);
}
