/* fuzz_model_file.c — libFuzzer harness: model-file bytes through the loader.
 *
 * Each input is decoded twice: as it is (magic, version, size and checksum checks), and
 * with the declared size and the SHA-256 trailer repaired, so mutations reach the JSON
 * header, the tensor table and the level loaders behind the checksum (packet, flow and
 * aggregate levels read their tensors and header keys from a decoded file), and the
 * whole-model loader with `inspect`'s summary. Refusals must come with a one-line
 * message; nothing may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "fuzz_common.h"
#include "model/aggregate_level.h"
#include "model/flow_level.h"
#include "model/model.h"
#include "model/model_file.h"
#include "model/packet_level.h"

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
    if (st == NG_OK)
        return;
    if (ng_fuzz_bad_message(err->msg))
        abort();
}

/* Every level loader on a decoded file; each either loads or refuses. */
static void load_levels(const ng_model_file *m)
{
    ng_error err;
    ng_packet_level *pl = NULL;
    ng_status st = ng_packet_level_load(m, &pl, &err);
    check_refusal(st, &err);
    ng_packet_level_free(pl);
    ng_flow_level *fl = NULL;
    st = ng_flow_level_load(m, &fl, &err);
    check_refusal(st, &err);
    ng_flow_level_free(fl);
    ng_aggregate *ag = NULL;
    st = ng_aggregate_load(m, &ag, &err);
    check_refusal(st, &err);
    ng_aggregate_free(ag);
}

static void decode(const uint8_t *bytes, size_t len)
{
    ng_model_file *m = NULL;
    ng_error err;
    ng_status st = ng_model_file_decode(bytes, len, "fuzz.ngm", &m, &err);
    check_refusal(st, &err);
    if (st != NG_OK)
        return;
    volatile double sink = 0;
    for (size_t i = 0; i < m->n_tensors; i++) {
        const ng_model_tensor *t = &m->tensors[i];
        if (t->count)
            sink += t->dtype == NG_DTYPE_F32 ? ((const float *)t->data)[t->count - 1]
                                             : ((const double *)t->data)[t->count - 1];
    }
    (void)sink;
    load_levels(m);
    ng_model_file_free(m);
}

/* The whole model as `generate` and `inspect` load it: header format, config,
 * provenance, all levels, then the inspect summary. */
static void whole_model(const uint8_t *bytes, size_t len)
{
    ng_model *m = NULL;
    ng_error err;
    ng_status st = ng_model_load_bytes(bytes, len, "fuzz.ngm", &m, &err);
    check_refusal(st, &err);
    if (st != NG_OK)
        return;
    json_t *summary = ng_model_summary(m);
    if (!summary)
        abort();
    json_decref(summary);
    ng_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode(data, size);
    if (size < 64)
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    for (int i = 0; i < 8; i++)
        fixed[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
    ng_sha256(fixed, size - NG_SHA256_LEN, fixed + size - NG_SHA256_LEN);
    decode(fixed, size);
    whole_model(fixed, size);
    free(fixed);
    return 0;
}
