/* cmd_inspect.c — `necstgen inspect MODEL [--json]`: what a model learned, readable.
 *
 * The first block is written for people (inputs, sizes, clusters, losses before and
 * after training); then each level's own summary is printed as an indented outline.
 * --json prints the whole summary (ng_model_summary) as JSON instead. */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "model/model.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: necstgen inspect MODEL [--json]\n\n"
                 "Show what a model learned: inputs, classes and their shares, clusters per\n"
                 "mixture, flow sizes and inter-arrival times, validation losses.\n"
                 "  --json   print everything as JSON\n");
}

static bool is_scalar(const json_t *v) { return !json_is_object(v) && !json_is_array(v); }

static void print_scalar(const json_t *v)
{
    if (json_is_string(v))
        printf("%s", json_string_value(v));
    else if (json_is_integer(v))
        printf("%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        printf("%.6g", json_real_value(v));
    else if (json_is_boolean(v))
        printf("%s", json_is_true(v) ? "yes" : "no");
    else
        printf("-");
}

static void print_outline(const json_t *v, int depth);

static void print_array(const json_t *arr, int depth)
{
    size_t i;
    json_t *item;
    bool scalars = true;
    json_array_foreach(arr, i, item) scalars = scalars && is_scalar(item);
    if (scalars) {
        json_array_foreach(arr, i, item) {
            printf(i ? ", " : " ");
            print_scalar(item);
        }
        printf("\n");
        return;
    }
    printf("\n");
    json_array_foreach(arr, i, item) {
        printf("%*s[%zu]", 2 * (depth + 1), "", i);
        if (is_scalar(item)) {
            printf(" ");
            print_scalar(item);
            printf("\n");
        } else {
            print_outline(item, depth + 2);
        }
    }
}

static void print_outline(const json_t *v, int depth)
{
    if (json_is_array(v)) {
        print_array(v, depth);
        return;
    }
    printf("\n");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)v, key, value) {
        printf("%*s%s:", 2 * depth, "", key);
        if (is_scalar(value)) {
            printf(" ");
            print_scalar(value);
            printf("\n");
        } else {
            print_outline(value, depth + 1);
        }
    }
}

static void print_overview(const ng_model *m, const char *path)
{
    const json_t *prov = m->provenance;
    const ng_train_report *r = &m->report;
    printf("model %s (necstgen %s, seed %lld)\n", path,
           json_string_value(json_object_get(prov, "necstgen_version")),
           (long long)json_integer_value(json_object_get(prov, "seed")));
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(prov, "inputs"), i, in)
        printf("  input      %s (%lld bytes, sha256 %.16s...)\n",
               json_string_value(json_object_get(in, "name")),
               (long long)json_integer_value(json_object_get(in, "bytes")),
               json_string_value(json_object_get(in, "sha256")));
    printf("  trained on %lld packets in %lld flows\n",
           (long long)json_integer_value(json_object_get(prov, "packets_trained")),
           (long long)json_integer_value(json_object_get(prov, "flows_trained")));
    printf("  packet level: %zu clusters (BIC); validation loss %.4f untrained -> %.4f "
           "(epoch %zu of %zu)\n",
           r->packet_k, r->packet.initial_val_loss, r->packet.final_val_loss,
           r->packet.best_epoch, r->packet.epochs);
    printf("  flow level:   validation loss %.4f untrained -> %.4f (epoch %zu of %zu)\n",
           r->flow.initial_val_loss, r->flow.final_val_loss, r->flow.best_epoch,
           r->flow.epochs);
}

int ng_cmd_inspect(int argc, char **argv)
{
    ng_args a = {argc, argv, 1, "inspect", usage};
    const char *path = NULL;
    bool as_json = false;
    for (; a.i < argc; a.i++) {
        if (!strcmp(argv[a.i], "-h") || !strcmp(argv[a.i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[a.i], "--json")) {
            as_json = true;
        } else if (argv[a.i][0] == '-') {
            return ng_usage_error(&a, "unknown option '%s'", argv[a.i]);
        } else if (path) {
            return ng_usage_error(&a, "one model at a time");
        } else {
            path = argv[a.i];
        }
    }
    if (!path)
        return ng_usage_error(&a, "no model file given");
    ng_error err;
    ng_model *m;
    if (ng_model_load(path, &m, &err) != NG_OK) {
        ng_error_log("%s", err.msg);
        return 1;
    }
    json_t *summary = ng_model_summary(m);
    if (as_json) {
        json_dumpf(summary, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("\n");
    } else {
        print_overview(m, path);
        const char *levels[] = {"packet", "flow", "aggregate"};
        for (int l = 0; l < 3; l++) {
            printf("\n%s level:", levels[l]);
            print_outline(json_object_get(summary, levels[l]), 1);
        }
    }
    json_decref(summary);
    ng_model_free(m);
    return 0;
}
