/* cmd_train.c — `necstgen train IN... -o MODEL`: learn all three levels into one file.
 *
 * Settings come from the defaults, then --config FILE.json, then the flags, so a flag
 * always wins; the final values are recorded in the model. Flags are range-checked as
 * they are parsed (usage errors name the flag), the config file when it is read. The
 * output's folder is checked before the training; the model file is written atomically
 * at the end: a failed or interrupted run leaves any previous model untouched.
 * Exit: 0 ok, 1 failure, 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/outfile.h"
#include "model/model.h"

typedef struct train_args {
    const char **inputs;
    size_t n_inputs;
    const char *output, *config_file;
    bool has_seed, has_epochs, has_max_packets, has_latent, has_apps;
    uint64_t seed, epochs, max_packets, latent;
    bool keep_class[NG_APP_COUNT];
} train_args;

/* The settings a numeric flag sets; the flag's range is what they all allow. */
static const char *const seed_keys[] = {"seed", NULL};
static const char *const epochs_keys[] = {"packet.epochs", "flow.epochs", NULL};
static const char *const max_packets_keys[] = {"max_packets", NULL};
static const char *const latent_keys[] = {"packet.latent", NULL};

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
            "  --seed S             random seed 0..2^63-1 (default 1); same inputs + seed =\n"
            "                       same file\n"
            "  --epochs N           maximum epochs of the packet and flow levels (1..100000)\n"
            "  --config FILE.json   hyperparameters (keys: docs/TRAINING.md)\n"
            "  --app CLASS,...      learn only flows of these application classes\n"
            "  --max-packets N      read at most N packets (0 = all)\n"
            "  --latent N           VAE latent size (1..64)\n"
            "  -h, --help           show this help\n");
}

static void flag_range(const char *const *keys, uint64_t *min, uint64_t *max)
{
    *min = 0;
    *max = UINT64_MAX;
    for (; *keys; keys++) {
        uint64_t lo, hi;
        if (ng_train_config_int_range(*keys, &lo, &hi)) {
            *min = lo > *min ? lo : *min;
            *max = hi < *max ? hi : *max;
        }
    }
}

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A non-negative integer within the range of the settings it sets. */
static int parse_number_option(ng_args *a, const char *flag, const char *const *keys,
                               uint64_t *out, bool *has)
{
    const char *val = ng_arg_value(a);
    if (!val || !val[0] || !all_digits(val))
        return ng_usage_error(a, "%s needs a non-negative integer, got '%s'", flag,
                              val ? val : "");
    uint64_t min, max;
    flag_range(keys, &min, &max);
    if (!ng_parse_u64(val, out) || *out < min || *out > max)
        return ng_usage_error(a, "%s must be %" PRIu64 "..%" PRIu64 ", got '%s'", flag, min,
                              max, val);
    *has = true;
    return -1;
}

/* --app CLASS,...: at least one class, every one known. */
static int parse_apps(ng_args *a, train_args *t)
{
    const char *list = ng_arg_value(a);
    if (!list)
        return ng_usage_error(a, "--app needs a list of classes, e.g. http,dns");
    char *copy = strdup(list);
    if (!copy)
        return 1;
    int rc = -1;
    bool any = false;
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name && rc == -1;
         name = strtok_r(NULL, ",", &save)) {
        int cls = ng_app_class_from_name(name);
        if (cls < 0)
            rc = ng_usage_error(a, "unknown application class '%s' (see docs/FLOWS.md)", name);
        else
            t->keep_class[cls] = t->has_apps = any = true;
    }
    free(copy);
    if (rc == -1 && !any)
        return ng_usage_error(a, "--app needs at least one class name, e.g. http,dns, got '%s'",
                              list);
    return rc;
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
            rc = parse_apps(&a, t);
        } else if (ng_arg_is(&a, "--seed", NULL)) {
            rc = parse_number_option(&a, "--seed", seed_keys, &t->seed, &t->has_seed);
        } else if (ng_arg_is(&a, "--epochs", NULL)) {
            rc = parse_number_option(&a, "--epochs", epochs_keys, &t->epochs, &t->has_epochs);
        } else if (ng_arg_is(&a, "--max-packets", NULL)) {
            rc = parse_number_option(&a, "--max-packets", max_packets_keys, &t->max_packets,
                                     &t->has_max_packets);
        } else if (ng_arg_is(&a, "--latent", NULL)) {
            rc = parse_number_option(&a, "--latent", latent_keys, &t->latent, &t->has_latent);
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
    if (t->has_apps) {
        memcpy(cfg->keep_class, t->keep_class, sizeof cfg->keep_class);
        cfg->filter_classes = true;
    }
    if (ng_train_config_check(cfg, &err) != NG_OK) { /* flags were checked: cannot happen */
        ng_error_log("%s", err.msg);
        return 2;
    }
    return -1;
}

/* Fail before the training, not minutes later: MODEL's folder must take a new file
 * (the same temporary ng_model_save makes at the end, created and removed now). An
 * existing device or FIFO is written in place, so it is only checked for access. */
static ng_status check_output(const char *path, ng_error *err)
{
    struct stat st;
    if (!strcmp(path, "-"))
        return NG_OK;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return access(path, W_OK) == 0
                   ? NG_OK
                   : ng_fail(err, NG_EIO, "%s: cannot open for writing: %s", path,
                             strerror(errno));
    ng_outfile probe;
    ng_status status = ng_outfile_open(&probe, path, err);
    if (status == NG_OK)
        ng_outfile_abort(&probe);
    return status;
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
    ng_status st = check_output(t.output, &err);
    if (st == NG_OK)
        st = ng_model_train(t.inputs, t.n_inputs, &cfg, &model, &err);
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
