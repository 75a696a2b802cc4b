/* cmd_lora.c — `necstgen lora train|generate|compare|convert`: LoRaWAN gateway traffic.
 *
 *   lora train INPUT... -o MODEL [--seed S]
 *   lora generate -m MODEL -o OUT [--duration S] [--devices N] [--seed S]
 *   lora compare REAL SYNTH [--json FILE] [--check]
 *   lora convert INPUT -o OUT [--seed S]
 * Inputs are gateway CSV, Semtech rxpk JSON lines or LoRaTap pcaps (chosen by content);
 * outputs by extension: .pcap (LoRaTap), .jsonl (Semtech), .csv (gateway schema).
 * Skipped input (bad base64, short frames, unknown datr, broken rows) is reported on
 * stderr with counts by reason and the first problem; it is never fatal. */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "model/lora_input.h"
#include "model/lora_model.h"
#include "report/lora_compare.h"
#include "synth/lora_output.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: necstgen lora train INPUT... -o MODEL [--seed S]\n"
            "       necstgen lora generate -m MODEL -o OUT [--duration S] [--devices N] [--seed S]\n"
            "       necstgen lora compare REAL SYNTH [--json FILE] [--check]\n"
            "       necstgen lora convert INPUT -o OUT [--seed S]\n\n"
            "LoRaWAN uplinks as one stream per device. INPUT: gateway CSV, Semtech rxpk JSON\n"
            "lines or LoRaTap pcap. OUT by extension: .pcap (LoRaTap, Wireshark shows LoRaWAN),\n"
            ".jsonl (Semtech packet forwarder), .csv (gateway-log schema).\n"
            "  -o FILE         output model or uplinks\n"
            "  -m MODEL        a model from 'lora train'\n"
            "  --duration S    seconds to generate (default: the training span)\n"
            "  --devices N     draw N devices from the learned ones with new addresses\n"
            "                  (default: every learned device once, with its address)\n"
            "  --seed S        random seed (default 1)\n"
            "  --json FILE     also write the comparison as JSON\n"
            "  --check         exit 1 unless every target holds (KS<=0.10, JSD<=0.05, FCnt)\n");
}

typedef struct lora_opts {
    const char *inputs[64];
    int n_inputs;
    const char *out, *model, *json;
    double duration;
    uint64_t devices, seed;
    bool check;
} lora_opts;

static int parse(ng_args *a, lora_opts *o)
{
    for (; a->i < a->argc; a->i++) {
        const char *v = NULL;
        if (ng_arg_is(a, "--help", "-h")) {
            usage(stdout);
            return 0;
        } else if (ng_arg_is(a, "--output", "-o")) {
            if (!(o->out = ng_arg_value(a)))
                return ng_usage_error(a, "-o needs a file");
        } else if (ng_arg_is(a, "--model", "-m")) {
            if (!(o->model = ng_arg_value(a)))
                return ng_usage_error(a, "-m needs a model file");
        } else if (ng_arg_is(a, "--json", NULL)) {
            if (!(o->json = ng_arg_value(a)))
                return ng_usage_error(a, "--json needs a file");
        } else if (ng_arg_is(a, "--check", NULL)) {
            o->check = true;
        } else if (ng_arg_is(a, "--duration", NULL)) {
            if (!(v = ng_arg_value(a)) || !ng_parse_double(v, &o->duration) || !(o->duration > 0))
                return ng_usage_error(a, "--duration needs a positive number of seconds");
        } else if (ng_arg_is(a, "--devices", NULL)) {
            if (!(v = ng_arg_value(a)) || !ng_parse_u64(v, &o->devices) || o->devices == 0 ||
                o->devices > 10000000)
                return ng_usage_error(a, "--devices needs a count from 1 to 10000000");
        } else if (ng_arg_is(a, "--seed", NULL)) {
            if (!(v = ng_arg_value(a)) || !ng_parse_u64(v, &o->seed))
                return ng_usage_error(a, "--seed needs a non-negative integer");
        } else if (a->argv[a->i][0] == '-' && a->argv[a->i][1]) {
            return ng_usage_error(a, "unknown option '%s'", a->argv[a->i]);
        } else if (o->n_inputs < 64) {
            o->inputs[o->n_inputs++] = a->argv[a->i];
        } else {
            return ng_usage_error(a, "at most 64 inputs");
        }
    }
    return -1;
}

static int fail(const char *what, const ng_error *err)
{
    fprintf(stderr, "necstgen lora %s: %s\n", what, err->msg);
    return 1;
}

static int read_input(const char *path, ng_lora_records *r)
{
    ng_lora_input_stats st = {0};
    ng_error err;
    if (ng_lora_read(path, r, &st, &err) != NG_OK)
        return fail("read", &err);
    size_t skipped = ng_lora_stats_skipped(&st);
    if (skipped) {
        fprintf(stderr, "necstgen lora: %s: %zu uplinks read, %zu skipped (", path, st.read, skipped);
        for (int k = 0, first = 1; k < NG_LORA_BAD_KINDS; k++)
            if (st.bad[k]) {
                fprintf(stderr, "%s%zu %s", first ? "" : ", ", st.bad[k], ng_lora_bad_name(k));
                first = 0;
            }
        fprintf(stderr, "); first: %s\n", st.first);
    }
    return 0;
}

static int run_train(const lora_opts *o)
{
    ng_lora_records r;
    ng_lora_records_init(&r);
    int rc = 0;
    for (int i = 0; rc == 0 && i < o->n_inputs; i++)
        rc = read_input(o->inputs[i], &r);
    ng_lora_model *m = NULL;
    ng_error err;
    ng_lora_train_options to = ng_lora_train_default_options();
    to.seed = o->seed;
    if (rc == 0 && ng_lora_train(&r, &to, &m, &err) != NG_OK)
        rc = fail("train", &err);
    if (rc == 0 && ng_lora_model_save(m, o->out, &err) != NG_OK)
        rc = fail("train", &err);
    if (rc == 0)
        fprintf(stderr, "necstgen lora train: %zu uplinks of %zu devices over %.0f s, %zu channels -> %s\n",
                r.n, m->n_devices, m->span_s, m->n_freqs, o->out);
    ng_lora_model_free(m);
    ng_lora_records_free(&r);
    return rc;
}

static int write_out(const char *path, const ng_lora_records *r, uint64_t seed)
{
    ng_lora_out_format f;
    ng_error err;
    if (ng_lora_out_format_from_path(path, &f, &err) != NG_OK ||
        ng_lora_write(path, f, r, seed, &err) != NG_OK)
        return fail("write", &err);
    return 0;
}

static int run_generate(const lora_opts *o)
{
    ng_lora_model *m;
    ng_error err;
    if (ng_lora_model_load(o->model, &m, &err) != NG_OK)
        return fail("generate", &err);
    ng_lora_records r;
    ng_lora_records_init(&r);
    ng_lora_generate_options go = {.duration_s = o->duration, .n_devices = o->devices, .seed = o->seed};
    int rc = ng_lora_generate(m, &go, &r, &err) == NG_OK ? 0 : fail("generate", &err);
    if (rc == 0)
        rc = write_out(o->out, &r, o->seed);
    if (rc == 0)
        fprintf(stderr, "necstgen lora generate: %zu uplinks -> %s\n", r.n, o->out);
    ng_lora_records_free(&r);
    ng_lora_model_free(m);
    return rc;
}

static int run_compare(const lora_opts *o)
{
    ng_lora_records a, b;
    ng_lora_records_init(&a);
    ng_lora_records_init(&b);
    int rc = read_input(o->inputs[0], &a);
    if (rc == 0)
        rc = read_input(o->inputs[1], &b);
    ng_lora_comparison c;
    ng_error err;
    if (rc == 0 && ng_lora_compare(&a, &b, &c, &err) != NG_OK)
        rc = fail("compare", &err);
    if (rc == 0) {
        ng_lora_compare_print(&c, stdout);
        if (o->json && ng_lora_compare_write_json(&c, o->json, &err) != NG_OK)
            rc = fail("compare", &err);
        if (rc == 0 && o->check && !ng_lora_compare_passes(&c))
            rc = 1;
    }
    ng_lora_records_free(&a);
    ng_lora_records_free(&b);
    return rc;
}

static int run_convert(const lora_opts *o)
{
    ng_lora_records r;
    ng_lora_records_init(&r);
    int rc = read_input(o->inputs[0], &r);
    if (rc == 0)
        rc = write_out(o->out, &r, o->seed);
    ng_lora_records_free(&r);
    return rc;
}

static int dispatch(ng_args *a, const char *sub, const lora_opts *o)
{
    if (!strcmp(sub, "train")) {
        if (!o->n_inputs || !o->out)
            return ng_usage_error(a, "train needs INPUT... and -o MODEL");
        return run_train(o);
    }
    if (!strcmp(sub, "generate")) {
        if (!o->model || !o->out || o->n_inputs)
            return ng_usage_error(a, "generate needs -m MODEL and -o OUT (and no inputs)");
        return run_generate(o);
    }
    if (!strcmp(sub, "compare")) {
        if (o->n_inputs != 2)
            return ng_usage_error(a, "compare needs REAL and SYNTH");
        return run_compare(o);
    }
    if (!strcmp(sub, "convert")) {
        if (o->n_inputs != 1 || !o->out)
            return ng_usage_error(a, "convert needs INPUT and -o OUT");
        return run_convert(o);
    }
    return ng_usage_error(a, "unknown lora command '%s'", sub);
}

int ng_cmd_lora(int argc, char **argv)
{
    ng_args a = {.argc = argc, .argv = argv, .i = 1, .cmd = "lora", .usage = usage};
    if (argc < 2)
        return ng_usage_error(&a, "which: train, generate, compare or convert?");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    const char *sub = argv[1];
    a.i = 2;
    lora_opts o = {.seed = 1};
    int rc = parse(&a, &o);
    if (rc >= 0)
        return rc;
    return dispatch(&a, sub, &o);
}
