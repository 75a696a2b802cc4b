/* bench_packet_level.c — train the packet level on captures with the default settings
 * and report what docs/PACKET_LEVEL.md records: validation loss untrained -> trained,
 * K chosen by BIC, training seconds, sampling rate (packets/s) and how well samples
 * reproduce the training marginals (c2s share, payload-size vocabulary, flag mix).
 *
 *   bench_packet_level [--epochs N] [--seed S] [--samples N] capture.pcap [...] */
#include <math.h>
#include <openblas_config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "model/dataset.h"
#include "model/packet_level.h"
#include "model/train_config.h"

void openblas_set_num_threads(int n);

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double vocab_tv(const ng_vocab *v, const uint32_t *values, size_t n)
{
    size_t V = ng_vocab_size(v);
    double *seen = calloc(V, sizeof *seen), total = (double)v->other_count, tv = 0.0;
    for (size_t i = 0; i < v->n; i++)
        total += (double)v->counts[i];
    for (size_t i = 0; i < n; i++)
        seen[ng_vocab_index(v, values[i])] += 1.0 / (double)n;
    for (size_t i = 0; i < V; i++)
        tv += 0.5 * fabs(seen[i] - (i < v->n ? (double)v->counts[i] : (double)v->other_count) /
                                       total);
    free(seen);
    return tv;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Deciles 1, 5, 9 of log10(IAT s) over packets with a previous packet in their flow. */
static void print_iat_deciles(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_double);
    printf("log10 IAT (non-first) deciles 1/5/9 %s: %.2f %.2f %.2f\n", what, v[n / 10],
           v[n / 2], v[9 * n / 10]);
}

static void compare_iat_shape(const ng_dataset *ds, const ng_packet_sample *s, size_t n)
{
    double *v = malloc((ds->n_packets > n ? ds->n_packets : n) * sizeof *v);
    size_t m = 0;
    for (size_t i = 0; i < ds->n_packets; i++)
        if (ds->packets[i].index > 0)
            v[m++] = log10((double)ds->packets[i].flow_iat_ns * 1e-9 + 1e-7);
    if (m)
        print_iat_deciles("real ", v, m);
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i].position != 0)
            v[m++] = log10((double)s[i].flow_iat_ns * 1e-9 + 1e-7);
    if (m)
        print_iat_deciles("synth", v, m);
    free(v);
}

static void compare_marginals(const ng_dataset *ds, const ng_packet_level *pl,
                              const ng_packet_sample *s, size_t n)
{
    const ng_packet_features *pf = ng_packet_level_features(pl);
    size_t c2s_real = 0, c2s_synth = 0;
    double iat_real = 0, iat_synth = 0;
    for (size_t i = 0; i < ds->n_packets; i++) {
        c2s_real += ds->packets[i].direction == 0;
        iat_real += log10((double)ds->packets[i].flow_iat_ns * 1e-9 + 1e-7);
    }
    uint32_t *sizes = malloc(n * sizeof *sizes), *flags = malloc(n * sizeof *flags);
    for (size_t i = 0; i < n; i++) {
        c2s_synth += s[i].direction == 0;
        sizes[i] = s[i].payload_len;
        flags[i] = s[i].tcp_flags;
        iat_synth += log10((double)s[i].flow_iat_ns * 1e-9 + 1e-7);
    }
    printf("c2s share: real %.3f synth %.3f\n", (double)c2s_real / (double)ds->n_packets,
           (double)c2s_synth / (double)n);
    printf("mean log10 IAT: real %.3f synth %.3f\n", iat_real / (double)ds->n_packets,
           iat_synth / (double)n);
    double proto_real[NG_PKT_PROTO_COUNT] = {0}, proto_synth[NG_PKT_PROTO_COUNT] = {0};
    for (size_t f = 0; f < ds->n_flows; f++)
        proto_real[ng_packet_proto_of(&ds->flows[f])] +=
            (double)(ds->first[f + 1] - ds->first[f]) / (double)ds->n_packets;
    for (size_t i = 0; i < n; i++)
        proto_synth[s[i].proto_kind] += 1.0 / (double)n;
    double proto_tv = 0.0;
    for (size_t p = 0; p < NG_PKT_PROTO_COUNT; p++)
        proto_tv += 0.5 * fabs(proto_real[p] - proto_synth[p]);
    printf("protocol-kind TV distance: %.3f\n", proto_tv);
    printf("payload-size vocabulary TV distance: %.3f\n", vocab_tv(&pf->size, sizes, n));
    printf("TCP-flag vocabulary TV distance: %.3f\n", vocab_tv(&pf->flags, flags, n));
    free(sizes);
    free(flags);
    compare_iat_shape(ds, s, n);
}

int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    size_t n_samples = 2000000;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--epochs"))
            cfg.packet.epochs = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seed"))
            cfg.seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--samples"))
            n_samples = strtoul(argv[i + 1], NULL, 10);
    }
    if (i >= argc) {
        fprintf(stderr, "usage: bench_packet_level [--epochs N] [--seed S] [--samples N] capture...\n");
        return 2;
    }
    ng_dataset ds;
    ng_error err;
    if (ng_dataset_load(&ds, (const char *const *)argv + i, (size_t)(argc - i), NULL, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    ng_packet_level *pl;
    ng_level_report rep;
    size_t k;
    uint16_t *clusters = malloc(ds.n_packets * sizeof *clusters);
    double train_cpu = cpu_seconds();
    if (ng_packet_level_train(&ds, &cfg, &pl, clusters, &rep, &k, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    train_cpu = cpu_seconds() - train_cpu;
    printf("packets %zu flows %zu\n", ds.n_packets, ds.n_flows);
    printf("val loss %.4f -> %.4f (ratio %.3f), epochs %zu (best %zu), K %zu, train %.2f s wall, %.2f s CPU\n",
           rep.initial_val_loss, rep.final_val_loss, rep.final_val_loss / rep.initial_val_loss,
           rep.epochs, rep.best_epoch, k, rep.seconds, train_cpu);
    ng_packet_sample *s = malloc(n_samples * sizeof *s);
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    double t0 = now_seconds(), c0 = cpu_seconds();
    ng_packet_level_sample(pl, &rng, -1, n_samples, s);
    double dt = now_seconds() - t0, dc = cpu_seconds() - c0;
    printf("sampled %zu packets in %.3f s wall, %.3f s CPU: %.0f packets/s (CPU)\n", n_samples,
           dt, dc, (double)n_samples / dc);
    compare_marginals(&ds, pl, s, n_samples);
    json_t *summary = ng_packet_level_summary(pl);
    char *text = json_dumps(summary, JSON_INDENT(1) | JSON_REAL_PRECISION(4));
    printf("%s\n", text);
    free(text);
    json_decref(summary);
    free(s);
    free(clusters);
    ng_packet_level_free(pl);
    ng_dataset_free(&ds);
    return 0;
}
