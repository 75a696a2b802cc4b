/* fuzz_train_config.c — libFuzzer harness: a JSON training config (`train --config`)
 * through ng_train_config_load_file (jansson's parser, ng_train_config_apply_json and
 * its range checks), as `train` reads it; a config that passes is turned back into JSON
 * and applied again (the round trip must succeed). Refusals, JSON syntax errors
 * included, must come with a one-line message free of control bytes; nothing may crash
 * or leak. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model/train_config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ng_fuzz_quiet();
    return 0;
}

static void check_refusal(ng_status st, const ng_error *err)
{
    if (st != NG_OK && ng_fuzz_bad_message(err->msg))
        abort();
}

static void round_trip(const ng_train_config *cfg)
{
    json_t *again = ng_train_config_to_json(cfg);
    if (!again)
        abort();
    ng_train_config copy;
    ng_train_config_default(&copy);
    ng_error err;
    if (ng_train_config_apply_json(&copy, again, "round trip", &err) != NG_OK)
        abort(); /* what to_json writes, apply_json must take */
    json_decref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    ng_error err;
    ng_status st = ng_train_config_load_file(&cfg, ng_fuzz_as_file(data, size), &err);
    check_refusal(st, &err);
    if (st == NG_OK)
        round_trip(&cfg);
    return 0;
}
