/* cmd_train.c — `necstgen train IN... -o MODEL`: learn all three levels into one file.
 *
 * Settings come from the defaults, then --config FILE.json, then the flags, so a flag
 * always wins; the final values are recorded in the model. The model file is written
 * atomically: a failed or interrupted run leaves any previous model untouched.
 * Exit: 0 ok, 1 failure, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "model/model.h"

typedef struct train_args {
    const char **inputs;
    size_t n_inputs;
    const char *output, *config_file, *apps;
    bool has_seed, has_epochs, has_max_packets, has_latent;
    uint64_t seed, epochs, max_packets, latent;
} train_args;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: necstgen train IN... -o MODEL [--seed S] [--epochs N] [--config FILE.json]\n"
            "                      [--app CLASS,...] [--max-packets N] [--latent N]\n"
            "\n"
            "Learn the traffic of pcap/pcapng captures at three levels (packets: VAE +\n"
            "Gaussian mixture; flows: LSTM; aggregate: flow shapes and arrivals) into MODEL.\n"
            "\n"
            "  -o, --output MODEL   model file to write\n"
            "  --seed S             random seed (default 1); same inputs + seed = same file\n"
            "  --epochs N           maximum epochs of the packet and flow levels\n"
            "  --config FILE.json   hyperparameters (keys: docs/TRAINING.md)\n"
            "  --app CLASS,...      learn only flows of these application classes\n"
            "  --max-packets N      read at most N packets\n"
            "  --latent N           VAE latent size\n"
            "  -h, --help           show this help\n");
}

static int parse_number_option(ng_args *a, const char *what, uint64_t *out, bool *has)
{
    const char *val = ng_arg_value(a);
    if (!val || !ng_parse_u64(val, out))
        return ng_usage_error(a, "%s needs a non-negative integer, got '%s'", what,
                              val ? val : "");
    *has = true;
    return -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, train_args *t)
{
    ng_args a = {argc, argv, 1, "train", usage};
    t->inputs = calloc((size_t)argc, sizeof *t->inputs);
    if (!t->inputs)
        return 1;
    for (; a.i < argc; a.i++) {
        const char *arg = argv[a.i];
        int rc = -1;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage(stdout);
            return 0;
        } else if (ng_arg_is(&a, "--output", "-o")) {
            if (!(t->output = ng_arg_value(&a)))
                return ng_usage_error(&a, "%s needs a file name", arg);
        } else if (ng_arg_is(&a, "--config", NULL)) {
            if (!(t->config_file = ng_arg_value(&a)))
                return ng_usage_error(&a, "--config needs a file name");
        } else if (ng_arg_is(&a, "--app", NULL)) {
            if (!(t->apps = ng_arg_value(&a)))
                return ng_usage_error(&a, "--app needs a list of classes, e.g. http,dns");
        } else if (ng_arg_is(&a, "--seed", NULL)) {
            rc = parse_number_option(&a, "--seed", &t->seed, &t->has_seed);
        } else if (ng_arg_is(&a, "--epochs", NULL)) {
            rc = parse_number_option(&a, "--epochs", &t->epochs, &t->has_epochs);
        } else if (ng_arg_is(&a, "--max-packets", NULL)) {
            rc = parse_number_option(&a, "--max-packets", &t->max_packets, &t->has_max_packets);
        } else if (ng_arg_is(&a, "--latent", NULL)) {
            rc = parse_number_option(&a, "--latent", &t->latent, &t->has_latent);
        } else if (arg[0] == '-' && arg[1]) {
            return ng_usage_error(&a, "unknown option '%s'", arg);
        } else {
            t->inputs[t->n_inputs++] = arg;
        }
        if (rc != -1)
            return rc;
    }
    if (!t->n_inputs)
        return ng_usage_error(&a, "no input capture given");
    if (!t->output)
        return ng_usage_error(&a, "no output model given (-o MODEL)");
    return -1;
}

static int parse_apps(const char *list, ng_train_config *cfg)
{
    char *copy = strdup(list);
    if (!copy)
        return 1;
    memset(cfg->keep_class, 0, sizeof cfg->keep_class);
    cfg->filter_classes = true;
    int rc = 0;
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        int cls = ng_app_class_from_name(name);
        if (cls < 0) {
            fprintf(stderr, "necstgen train: unknown application class '%s' (see docs/FLOWS.md)\n",
                    name);
            rc = 2;
            break;
        }
        cfg->keep_class[cls] = true;
    }
    free(copy);
    return rc;
}

/* Defaults, then the config file, then the flags. Returns -1 to go on. */
static int build_config(const train_args *t, ng_train_config *cfg)
{
    ng_error err;
    ng_train_config_default(cfg);
    if (t->config_file && ng_train_config_load_file(cfg, t->config_file, &err) != NG_OK) {
        ng_error_log("%s", err.msg);
        return 1;
    }
    if (t->has_seed)
        cfg->seed = t->seed;
    if (t->has_epochs)
        cfg->packet.epochs = cfg->flow.epochs = (size_t)t->epochs;
    if (t->has_max_packets)
        cfg->max_packets = t->max_packets;
    if (t->has_latent)
        cfg->packet.latent = (size_t)t->latent;
    if (t->apps) {
        int rc = parse_apps(t->apps, cfg);
        if (rc)
            return rc;
    }
    if (ng_train_config_check(cfg, &err) != NG_OK) {
        ng_error_log("%s", err.msg);
        return 2;
    }
    return -1;
}

static void print_summary(const ng_model *m, const char *path)
{
    const ng_train_report *r = &m->report;
    json_t *prov = m->provenance;
    fprintf(stderr,
            "necstgen train: wrote %s\n"
            "  trained on   %lld packets, %lld flows\n"
            "  packet level K=%zu clusters; validation loss %.4f -> %.4f (%zu epochs, %.1f s)\n"
            "  flow level   validation loss %.4f -> %.4f (%zu epochs, %.1f s)\n"
            "  aggregate    %.1f s; total %.1f s\n",
            path, (long long)json_integer_value(json_object_get(prov, "packets_trained")),
            (long long)json_integer_value(json_object_get(prov, "flows_trained")), r->packet_k,
            r->packet.initial_val_loss, r->packet.final_val_loss, r->packet.epochs,
            r->packet.seconds, r->flow.initial_val_loss, r->flow.final_val_loss, r->flow.epochs,
            r->flow.seconds, r->aggregate_seconds, r->total_seconds);
}

int ng_cmd_train(int argc, char **argv)
{
    train_args t = {0};
    ng_train_config cfg;
    int rc = parse_args(argc, argv, &t);
    if (rc == -1)
        rc = build_config(&t, &cfg);
    if (rc != -1) {
        free(t.inputs);
        return rc;
    }
    ng_error err;
    ng_model *model = NULL;
    ng_status st = ng_model_train(t.inputs, t.n_inputs, &cfg, &model, &err);
    if (st == NG_OK)
        st = ng_model_save(model, t.output, &err);
    if (st == NG_OK && ng_log_get_level() >= NG_LOG_INFO)
        print_summary(model, t.output);
    if (st != NG_OK)
        ng_error_log("%s", err.msg);
    ng_model_free(model);
    free(t.inputs);
    return st == NG_OK ? 0 : 1;
}
