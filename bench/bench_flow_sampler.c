/* bench_flow_sampler.c — packets per second of the flow level's sampler.
 *
 * Trains a small flow level on a capture (default: DARPA99 week1-monday-http, clusters
 * made up from direction, flags and a size bucket), then generates flows from plans of
 * the real flows until N packets, timing the sampling alone in CPU seconds (one
 * OpenBLAS thread), and reports the training time too.
 * Usage: bench_flow_sampler [capture.pcap] [packets] [hidden] [k] [epochs] */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "model/dataset.h"
#include "model/flow_level.h"
#include "model/flow_sampler.h"
#include "model/train_config.h"

#ifndef NG_BENCH_DEFAULT_CAPTURE
#define NG_BENCH_DEFAULT_CAPTURE "../shared/data/darpa99/week1-monday-http.pcap"
#endif

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ng_flow_plan plan_of(const ng_flow *f, uint64_t id)
{
    ng_flow_plan p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.app_class = f->app_class;
    p.ip_proto = f->ip_proto;
    p.ethertype = f->ethertype;
    p.start_reason = f->start_reason;
    p.end_reason = f->end_reason;
    p.target_packets = (uint32_t)ng_flow_packets(f);
    p.target_bytes = ng_flow_bytes(f);
    p.target_duration_ns = f->last_ns - f->start_ns;
    return p;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : NG_BENCH_DEFAULT_CAPTURE;
    size_t want = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000000;
    size_t hidden = argc > 3 ? strtoull(argv[3], NULL, 10) : 32;
    size_t k = argc > 4 ? strtoull(argv[4], NULL, 10) : 16;
    size_t epochs = argc > 5 ? strtoull(argv[5], NULL, 10) : 2;
    openblas_set_num_threads(1);
    ng_log_set_level(NG_LOG_WARN);
    ng_dataset ds;
    ng_error err;
    if (ng_dataset_load(&ds, &path, 1, NULL, &err)) {
        fprintf(stderr, "bench_flow_sampler: %s\n", err.msg);
        return 1;
    }
    uint16_t *clusters = malloc((ds.n_packets + 1) * sizeof *clusters);
    for (size_t i = 0; i < ds.n_packets; i++) {
        const ng_packet_row *r = &ds.packets[i];
        unsigned bucket = r->payload_len == 0 ? 0 : (r->payload_len < 200 ? 1 : 2);
        clusters[i] = (uint16_t)((r->direction * 131u + r->tcp_flags * 7u + bucket * 29u) % k);
    }
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    cfg.flow.hidden = hidden;
    cfg.flow.epochs = epochs;
    ng_flow_level *fl;
    ng_level_report rep;
    if (ng_flow_level_train(&ds, clusters, k, &cfg, &fl, &rep, &err)) {
        fprintf(stderr, "bench_flow_sampler: %s\n", err.msg);
        return 1;
    }
    printf("flow training: %zu flows, %zu packets: %zu epochs in %.2f s (%.2f s/epoch), "
           "validation loss %.4f -> %.4f\n", ds.n_flows, ds.n_packets, rep.epochs, rep.seconds,
           rep.seconds / (double)(rep.epochs ? rep.epochs : 1), rep.initial_val_loss,
           rep.final_val_loss);
    ng_flow_sampler s = {0};
    ng_packet_proposal p;
    size_t packets = 0, flows = 0;
    double t0 = cpu_seconds();
    while (packets < want) {
        ng_flow_plan plan = plan_of(&ds.flows[flows % ds.n_flows], flows);
        if (ng_flow_sampler_begin(fl, &plan, flows, &s, &err))
            return 1;
        while (ng_flow_sampler_next(fl, &s, &p))
            packets++;
        flows++;
    }
    double dt = cpu_seconds() - t0;
    printf("flow sampler: hidden %zu, k %zu: %zu packets of %zu flows in %.3f CPU s = %.0f "
           "packets/s (%.2f us/packet)\n", hidden, k, packets, flows, dt, (double)packets / dt,
           1e6 * dt / (double)packets);
    ng_flow_sampler_free(&s);
    ng_flow_level_free(fl);
    free(clusters);
    ng_dataset_free(&ds);
    return 0;
}
