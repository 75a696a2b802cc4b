/* bench_make_model.c — train a model for the generation benchmark when no default model
 * exists yet: `bench_make_model IN.pcap OUT.ngm [max_packets [flow_hidden]]` with the
 * default hyperparameters otherwise (what `necstgen train IN -o OUT` does). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "model/model.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_make_model IN.pcap OUT.ngm [max_packets]\n");
        return 2;
    }
    openblas_set_num_threads(1);
    ng_log_set_level(NG_LOG_WARN);
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    if (argc > 3)
        cfg.max_packets = strtoull(argv[3], NULL, 10);
    if (argc > 4)
        cfg.flow.hidden = strtoull(argv[4], NULL, 10);
    const char *paths[1] = {argv[1]};
    ng_model *m;
    ng_error err;
    if (ng_model_train(paths, 1, &cfg, &m, &err) != NG_OK ||
        ng_model_save(m, argv[2], &err) != NG_OK) {
        fprintf(stderr, "bench_make_model: %s\n", err.msg);
        return 1;
    }
    ng_model_free(m);
    return 0;
}
