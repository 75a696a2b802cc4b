/* test_aggregate_level.c — the aggregate level on real traffic (DARPA 1999 Monday):
 * a timeline over the training duration has the real flow count (±20%), class mix and
 * server ports (JSD ≤ 0.05), flow packets/bytes/duration (KS ≤ 0.10) and
 * flows-per-second series (KS ≤ 0.15); the streams running through the whole capture are
 * planned in every timeline at their real place, scaled with the window, and the periodic
 * ones (LLC 1 s, loopback 10 s, RIP, CDP) keep their rhythm; the model file
 * round-trips byte for byte; the
 * same seed gives the same timeline; plans pad short frames as the training frames were
 * (DARPA's 54-byte LLC frames), old models without that pad to 60; the timeline keeps its contract (ids, order,
 * duration, max_flows, class filter, rate scale); tiny data (one flow, only UDP, only
 * non-IP frames) works; damaged headers are refused naming the key. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "model/aggregate_level.h"
#include "model/dataset.h"
#include "model/model_file.h"
#include "model/train_config.h"
#include "stats/metrics.h"

/* ---- helpers ---- */

static void load(const char *path, ng_dataset *ds)
{
    ng_error err;
    if (ng_dataset_load(ds, &path, 1, NULL, &err))
        fail_msg("%s", err.msg);
}

static ng_aggregate *train(const ng_dataset *ds, uint64_t seed)
{
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    cfg.seed = seed;
    ng_aggregate *a = NULL;
    ng_error err;
    if (ng_aggregate_train(ds, &cfg, &a, &err))
        fail_msg("training failed: %s", err.msg);
    return a;
}

static ng_timeline_options options(const ng_aggregate *a, uint64_t seed)
{
    ng_timeline_options o;
    memset(&o, 0, sizeof o);
    o.seed = seed;
    o.start_ns = ng_aggregate_train_start_ns(a);
    o.duration_ns = ng_aggregate_train_duration_ns(a);
    o.rate_scale = 1.0;
    return o;
}

/* All plans of a timeline (caller frees). */
static ng_flow_plan *run(const ng_aggregate *a, const ng_timeline_options *o, size_t *n)
{
    ng_timeline *t;
    ng_error err;
    if (ng_timeline_new(a, o, &t, &err))
        fail_msg("timeline: %s", err.msg);
    size_t cap = 1024;
    ng_flow_plan *plans = malloc(cap * sizeof *plans);
    *n = 0;
    ng_flow_plan p;
    while (ng_timeline_next(t, &p)) {
        if (*n == cap)
            plans = realloc(plans, (cap *= 2) * sizeof *plans);
        plans[(*n)++] = p;
    }
    ng_timeline_free(t);
    return plans;
}

static uint8_t *encode(const ng_aggregate *a, size_t *len)
{
    ng_model_writer *w;
    ng_error err;
    json_t *header = json_object();
    assert_int_equal(ng_model_writer_new(&w, &err), NG_OK);
    if (ng_aggregate_save(a, w, header, &err))
        fail_msg("save: %s", err.msg);
    assert_int_equal(ng_model_writer_set_header(w, header, &err), NG_OK);
    uint8_t *bytes;
    assert_int_equal(ng_model_writer_encode(w, &bytes, len, &err), NG_OK);
    ng_model_writer_free(w);
    json_decref(header);
    return bytes;
}

static ng_aggregate *reload(const uint8_t *bytes, size_t len)
{
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, "mem.ngm", &m, &err), NG_OK);
    ng_aggregate *a;
    if (ng_aggregate_load(m, &a, &err))
        fail_msg("load: %s", err.msg);
    ng_model_file_free(m);
    return a;
}

static double ks(double *a, size_t na, double *b, size_t nb)
{
    double d;
    ng_error err;
    assert_int_equal(ng_ks_statistic(a, na, b, nb, &d, &err), NG_OK);
    return d;
}

/* Flows per 1 s bin over [origin, origin + duration). */
static double *per_second(const int64_t *starts, size_t n, int64_t origin, int64_t duration,
                          size_t *bins)
{
    *bins = (size_t)(duration / 1000000000) + 1;
    double *c = calloc(*bins, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        int64_t b = (starts[i] - origin) / 1000000000;
        if (b >= 0 && (size_t)b < *bins)
            c[b] += 1;
    }
    return c;
}

/* ---- DARPA 1999 Monday ---- */

typedef struct darpa_fixture {
    ng_dataset ds;
    ng_aggregate *a;
} darpa_fixture;

static darpa_fixture darpa;
static bool darpa_ready;

static bool darpa_setup(void)
{
    if (darpa_ready)
        return true;
    const char *path = ng_test_shared("darpa99/week1-monday.pcap");
    if (!path)
        return false;
    load(path, &darpa.ds);
    darpa.a = train(&darpa.ds, 1);
    darpa_ready = true;
    return true;
}

static void test_darpa_counts_mix_ports(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    const ng_dataset *ds = &darpa.ds;
    double real_cls[NG_APP_COUNT] = {0}, real_ports[65536 / 64] = {0};
    static double real_port[65536], gen_port[65536];
    memset(real_port, 0, sizeof real_port);
    memset(gen_port, 0, sizeof gen_port);
    (void)real_ports;
    for (size_t i = 0; i < ds->n_flows; i++) {
        real_cls[ds->flows[i].app_class]++;
        real_port[ds->flows[i].server_port]++;
    }
    double worst_count = 0, worst_cls = 0, worst_port = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ng_timeline_options o = options(darpa.a, seed);
        size_t n;
        ng_flow_plan *plans = run(darpa.a, &o, &n);
        double gen_cls[NG_APP_COUNT] = {0};
        memset(gen_port, 0, sizeof gen_port);
        for (size_t i = 0; i < n; i++) {
            gen_cls[plans[i].app_class]++;
            gen_port[plans[i].server_port]++;
        }
        double rel = fabs((double)n - (double)ds->n_flows) / (double)ds->n_flows;
        double jc = ng_jsd(real_cls, gen_cls, NG_APP_COUNT);
        double jp = ng_jsd(real_port, gen_port, 65536);
        print_message("seed %llu: %zu flows (real %zu, %+.1f%%), class JSD %.4f, port JSD %.4f\n",
                      (unsigned long long)seed, n, ds->n_flows,
                      100.0 * ((double)n - (double)ds->n_flows) / (double)ds->n_flows, jc, jp);
        worst_count = fmax(worst_count, rel);
        worst_cls = fmax(worst_cls, jc);
        worst_port = fmax(worst_port, jp);
        free(plans);
    }
    assert_true(worst_count <= 0.20);
    assert_true(worst_cls <= 0.05);
    assert_true(worst_port <= 0.05);
}

static void test_darpa_flow_shapes(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    const ng_dataset *ds = &darpa.ds;
    size_t nr = ds->n_flows;
    double *rp = malloc(nr * sizeof *rp), *rb = malloc(nr * sizeof *rb), *rd = malloc(nr * sizeof *rd);
    for (size_t i = 0; i < nr; i++) {
        rp[i] = (double)ng_flow_packets(&ds->flows[i]);
        rb[i] = (double)ng_flow_bytes(&ds->flows[i]);
        rd[i] = (double)(ds->flows[i].last_ns - ds->flows[i].start_ns) * 1e-9;
    }
    /* Ten timelines over the training duration, as generate runs them. */
    size_t n = 0, cap = 0;
    ng_flow_plan *plans = NULL;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        ng_timeline_options o = options(darpa.a, 100 + seed);
        size_t m;
        ng_flow_plan *part = run(darpa.a, &o, &m);
        if (n + m > cap)
            plans = realloc(plans, (cap = 2 * (n + m)) * sizeof *plans);
        memcpy(plans + n, part, m * sizeof *part);
        n += m;
        free(part);
    }
    double *gp = malloc(n * sizeof *gp), *gb = malloc(n * sizeof *gb), *gd = malloc(n * sizeof *gd);
    size_t syn_tcp = 0, tcp = 0;
    for (size_t i = 0; i < n; i++) {
        const ng_flow_plan *p = &plans[i];
        assert_true(p->target_packets >= 1);
        assert_true(p->target_duration_ns >= 0);
        if (p->target_packets == 1)
            assert_true(p->target_duration_ns == 0);
        assert_true(p->target_bytes >= p->target_packets * 42ull);
        gp[i] = p->target_packets;
        gb[i] = (double)p->target_bytes;
        gd[i] = (double)p->target_duration_ns * 1e-9;
        if (p->ip_proto == 6) {
            tcp++;
            syn_tcp += p->start_reason == 0;
        }
    }
    double kp = ks(rp, nr, gp, n), kb = ks(rb, nr, gb, n), kd = ks(rd, nr, gd, n);
    print_message("flow shapes KS vs real (%zu sampled, %zu real): packets %.4f, bytes %.4f, "
                  "duration %.4f; TCP flows starting with SYN %.1f%%\n",
                  n, nr, kp, kb, kd, 100.0 * (double)syn_tcp / (double)(tcp ? tcp : 1));
    assert_true(kp <= 0.10);
    assert_true(kb <= 0.10);
    assert_true(kd <= 0.10);
    free(rp), free(rb), free(rd), free(gp), free(gb), free(gd), free(plans);
}

static void test_darpa_flows_per_second(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    const ng_dataset *ds = &darpa.ds;
    int64_t origin = ng_aggregate_train_start_ns(darpa.a);
    int64_t dur = ng_aggregate_train_duration_ns(darpa.a);
    int64_t *starts = malloc(ds->n_flows * sizeof *starts);
    for (size_t i = 0; i < ds->n_flows; i++)
        starts[i] = ds->flows[i].start_ns;
    size_t bins;
    double *real = per_second(starts, ds->n_flows, origin, dur, &bins);
    free(starts);
    double worst = 0, sum = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ng_timeline_options o = options(darpa.a, seed);
        size_t n;
        ng_flow_plan *plans = run(darpa.a, &o, &n);
        int64_t *gs = malloc((n ? n : 1) * sizeof *gs);
        for (size_t i = 0; i < n; i++)
            gs[i] = plans[i].start_ns;
        size_t gbins;
        double *gen = per_second(gs, n, origin, dur, &gbins);
        double d = ks(real, bins, gen, gbins);
        print_message("seed %llu: flows-per-second KS %.4f (%zu bins)\n",
                      (unsigned long long)seed, d, bins);
        worst = fmax(worst, d);
        sum += d;
        free(gs), free(gen), free(plans);
    }
    print_message("flows-per-second KS: mean %.4f, worst %.4f over 5 seeds\n", sum / 5, worst);
    assert_true(worst <= 0.15);
    free(real);
}

/* A plan that is the carried stream of real flow f: same class, protocol, endpoints. */
static bool plan_is_flow(const ng_flow_plan *p, const ng_flow *f)
{
    return p->app_class == f->app_class && p->is_noflow == f->is_noflow &&
           p->ip_proto == f->ip_proto && !memcmp(&p->client, &f->client, sizeof f->client) &&
           !memcmp(&p->server, &f->server, sizeof f->server) &&
           p->client_port == f->client_port && p->server_port == f->server_port &&
           (!f->has_mac || !memcmp(p->client_mac, f->client_mac, 6));
}

/* Streams through the whole capture (LLC keep-alives, ARP, RIP, NTP...) are background,
 * not arrivals: every timeline plans each flow that lasts ≥ half the span at its real
 * start, with its real packets and duration; a window twice as long doubles them. The
 * background's packets (flows lasting ≥ half the span) per timeline: real 1662 on Monday;
 * drawn as arrivals they were 0 to ~900 depending on the seed. */
static void test_darpa_carried_streams(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    const ng_dataset *ds = &darpa.ds;
    int64_t span = ng_aggregate_train_duration_ns(darpa.a), origin = ng_aggregate_train_start_ns(darpa.a);
    size_t n_long = 0;
    double real_packets = 0;
    for (size_t i = 0; i < ds->n_flows; i++)
        if ((double)(ds->flows[i].last_ns - ds->flows[i].start_ns) >= 0.5 * (double)span) {
            n_long++;
            real_packets += (double)ng_flow_packets(&ds->flows[i]);
        }
    assert_true(n_long >= 4);
    for (int window = 1; window <= 2; window++) {
        for (uint64_t seed = 1; seed <= 5; seed++) {
            ng_timeline_options o = options(darpa.a, seed);
            o.duration_ns = window * span;
            size_t n, found = 0;
            double packets = 0;
            ng_flow_plan *plans = run(darpa.a, &o, &n);
            for (size_t i = 0; i < ds->n_flows; i++) {
                const ng_flow *f = &ds->flows[i];
                double dur = (double)(f->last_ns - f->start_ns);
                if (dur < 0.5 * (double)span)
                    continue;
                for (size_t j = 0; j < n; j++) {
                    const ng_flow_plan *p = &plans[j];
                    double offset = (double)(p->start_ns - origin);
                    if (!plan_is_flow(p, f) ||
                        fabs(offset - window * (double)(f->start_ns - origin)) > 2.0 ||
                        fabs((double)p->target_duration_ns - window * dur) > 2.0)
                        continue;
                    double want = 1.0 + window * ((double)ng_flow_packets(f) - 1.0);
                    assert_true(fabs((double)p->target_packets - want) <= 1.0);
                    packets += p->target_packets;
                    found++;
                    break;
                }
            }
            if (seed == 1)
                print_message("window %d x span: %zu of %zu long streams planned in place, "
                              "%.0f packets (real %.0f over one span)\n",
                              window, found, n_long, packets, real_packets);
            assert_int_equal(found, n_long);
            assert_true(fabs(packets - window * real_packets) <= (double)n_long * window);
            free(plans);
        }
    }
}

/* A leading rhythm's "lead" is "c2s" or "s2c" and its "lead_share" in (0, 1]: anything
 * else is refused with the stream's rhythm named. */
static void refuse_bad_leads(const ng_aggregate *a)
{
    const char *bad[][2] = {{"\"up\"", "0.5"}, {"\"c2s\"", "0"}, {"\"s2c\"", "1.5"}};
    for (size_t k = 0; k < 3; k++) {
        size_t len;
        uint8_t *bytes = encode(a, &len);
        ng_model_file *m;
        ng_error err;
        assert_int_equal(ng_model_file_decode(bytes, len, "lead.ngm", &m, &err), NG_OK);
        json_t *streams = json_object_get(
            json_object_get(json_object_get(m->header, "aggregate"), "carried"), "streams");
        json_t *rh = NULL;
        for (size_t i = 0; i < json_array_size(streams) && !rh; i++)
            rh = json_object_get(json_array_get(streams, i), "rhythm");
        assert_non_null(rh);
        json_object_set_new(rh, "lead", json_loads(bad[k][0], JSON_DECODE_ANY, NULL));
        json_object_set_new(rh, "lead_share", json_loads(bad[k][1], JSON_DECODE_ANY, NULL));
        ng_aggregate *back;
        assert_int_equal(ng_aggregate_load(m, &back, &err), NG_EFORMAT);
        print_message("refused: %s\n", err.msg);
        assert_non_null(strstr(err.msg, "rhythm"));
        assert_non_null(strstr(err.msg, k == 0 ? "lead" : "lead_share"));
        ng_model_file_free(m);
        free(bytes);
    }
}

/* Carried streams that keep time keep their rhythm (rhythm.h): on Monday the LLC
 * keep-alive (776 frames, 1.00 s), the loopback beacon (104, 10.00 s), RIP (38, ~28 s)
 * and CDP (18, 60 s) are periodic with every packet on the beat, the two NTP streams (44
 * and 28 packets) with their clients' requests every 64 s, the other request/response
 * streams (ARP, DNS) not at all; every plan of a periodic stream carries its rhythm (period within 1% of the real
 * median gap), others none; an old model without "rhythm" keys loads and plans none. */
static void test_darpa_periodic_streams(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    ng_timeline_options o = options(darpa.a, 3);
    size_t n, periodic = 0, llc = 0, ntp = 0;
    ng_flow_plan *plans = run(darpa.a, &o, &n);
    for (size_t i = 0; i < n; i++) {
        const ng_flow_plan *p = &plans[i];
        if (p->rhythm.period_ns == 0)
            continue;
        periodic++;
        assert_true(ng_rhythm_valid(&p->rhythm));
        print_message("periodic plan: class %u ethertype 0x%04x proto %u, %u packets, period "
                      "%.4f s\n", p->app_class, p->ethertype, p->ip_proto, p->target_packets,
                      p->rhythm.period_ns * 1e-9);
        if (p->is_noflow && p->ethertype == 0 && p->target_packets == 776) {
            llc++;
            assert_true(fabs(p->rhythm.period_ns * 1e-9 - 1.0) < 0.01);
        }
        if (p->is_noflow && p->ethertype == 0x9000)
            assert_true(fabs(p->rhythm.period_ns * 1e-9 - 10.0) < 0.1);
        if (p->app_class == NG_APP_NTP) {
            ntp++;
            assert_int_equal(p->rhythm.lead, NG_RHYTHM_LEAD_C2S);
            assert_true(fabs(p->rhythm.period_ns * 1e-9 - 64.0) < 0.64);
        } else {
            assert_int_equal(p->rhythm.lead, NG_RHYTHM_EVERY);
        }
        assert_false(p->ethertype == 0x0806 || p->app_class == NG_APP_DNS);
    }
    free(plans);
    assert_int_equal(llc, 1);
    assert_int_equal(ntp, 2);
    assert_int_equal(periodic, 6);
    json_t *sum = ng_aggregate_summary(darpa.a); /* what `inspect` shows */
    assert_int_equal(json_array_size(json_object_get(sum, "periodic_streams")), 6);
    json_decref(sum);

    size_t len;
    uint8_t *bytes = encode(darpa.a, &len);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, "old.ngm", &m, &err), NG_OK);
    json_t *streams = json_object_get(
        json_object_get(json_object_get(m->header, "aggregate"), "carried"), "streams");
    size_t removed = 0;
    for (size_t i = 0; i < json_array_size(streams); i++)
        removed += json_object_del(json_array_get(streams, i), "rhythm") == 0;
    assert_int_equal(removed, 6);
    ng_aggregate *old;
    if (ng_aggregate_load(m, &old, &err))
        fail_msg("old model: %s", err.msg);
    plans = run(old, &o, &n);
    for (size_t i = 0; i < n; i++)
        assert_true(plans[i].rhythm.period_ns == 0);
    free(plans);
    ng_aggregate_free(old);
    ng_model_file_free(m);
    free(bytes);
    refuse_bad_leads(darpa.a);
}

static void test_darpa_round_trip_and_determinism(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    size_t len1, len2;
    uint8_t *b1 = encode(darpa.a, &len1);
    ng_aggregate *back = reload(b1, len1);
    uint8_t *b2 = encode(back, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(b1, b2, len1);
    /* Retraining with the same seed gives the same bytes. */
    ng_aggregate *again = train(&darpa.ds, 1);
    size_t len3;
    uint8_t *b3 = encode(again, &len3);
    assert_int_equal(len1, len3);
    assert_memory_equal(b1, b3, len1);
    /* Same seed, same timeline — from the trained and from the reloaded model. */
    ng_timeline_options o = options(darpa.a, 99);
    size_t n1, n2;
    ng_flow_plan *p1 = run(darpa.a, &o, &n1), *p2 = run(back, &o, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(p1, p2, n1 * sizeof *p1);
    print_message("model section: %zu bytes; timeline of %zu flows identical after reload\n",
                  len1, n1);
    json_t *sum = ng_aggregate_summary(back);
    assert_non_null(sum);
    char *text = json_dumps(sum, JSON_COMPACT);
    assert_non_null(strstr(text, "\"smtp\""));
    free(text);
    json_decref(sum);
    free(p1), free(p2), free(b1), free(b2), free(b3);
    ng_aggregate_free(back);
    ng_aggregate_free(again);
}

/* The plan's (client, server) talked in the training data, with these MACs. */
static bool real_pair(const ng_dataset *ds, const ng_flow_plan *p)
{
    for (size_t i = 0; i < ds->n_flows; i++) {
        const ng_flow *f = &ds->flows[i];
        if (!memcmp(&f->client, &p->client, sizeof f->client) &&
            !memcmp(&f->server, &p->server, sizeof f->server) && f->app_class == p->app_class &&
            !memcmp(f->client_mac, p->client_mac, 6) && !memcmp(f->server_mac, p->server_mac, 6))
            return true;
    }
    return false;
}

static void test_darpa_timeline_contract(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    ng_timeline_options o = options(darpa.a, 5);
    o.start_ns = 1000000000000LL;
    o.duration_ns = 300000000000LL;
    size_t n;
    ng_flow_plan *plans = run(darpa.a, &o, &n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(plans[i].id, i);
        assert_true(plans[i].start_ns >= o.start_ns);
        assert_true(plans[i].start_ns < o.start_ns + o.duration_ns);
        if (i)
            assert_true(plans[i].start_ns >= plans[i - 1].start_ns);
        if (!plans[i].is_noflow) {
            assert_true(plans[i].server_port != 0);
            assert_true(plans[i].client.family == plans[i].server.family);
            assert_true(plans[i].client_ttl != 0 && plans[i].server_ttl != 0);
            assert_true(real_pair(&darpa.ds, &plans[i]));
        }
    }
    free(plans);
    /* Rate scale 2: the same flows, every start twice as close to the origin. */
    size_t n1, n2;
    o.duration_ns = 0;
    o.max_flows = 200;
    ng_flow_plan *slow = run(darpa.a, &o, &n1);
    o.rate_scale = 2.0;
    plans = run(darpa.a, &o, &n2);
    assert_int_equal(n1, n2);
    for (size_t i = 0; i < n2; i++) {
        double a1 = (double)(slow[i].start_ns - o.start_ns), a2 = (double)(plans[i].start_ns - o.start_ns);
        assert_true(fabs(a2 - a1 / 2) <= 1e-9 * a1 + (double)i + 1);
        assert_int_equal(plans[i].app_class, slow[i].app_class);
    }
    free(slow);
    free(plans);
    /* max_flows and the class filter: only HTTP, time still advancing. */
    o.rate_scale = 1.0;
    o.duration_ns = 0;
    o.max_flows = 50;
    o.filter_classes = true;
    o.keep_class[NG_APP_HTTP] = true;
    plans = run(darpa.a, &o, &n);
    assert_int_equal(n, 50);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(plans[i].app_class, NG_APP_HTTP);
        assert_int_equal(plans[i].server_port, 80);
        assert_int_equal(plans[i].id, i);
    }
    free(plans);
    /* A filter naming no class of the model is refused. */
    memset(o.keep_class, 0, sizeof o.keep_class);
    o.keep_class[NG_APP_QUIC] = true;
    ng_timeline *t;
    ng_error err;
    assert_int_equal(ng_timeline_new(darpa.a, &o, &t, &err), NG_EINVAL);
    /* Header habits are exposed per class. */
    const ng_header_habits *h = ng_aggregate_habits(darpa.a, NG_APP_SMTP);
    assert_true(h->dir[0].ttl.n >= 1);
    assert_true(h->dir[0].window.n >= 1);
    assert_int_equal(ng_aggregate_habits(darpa.a, 200)->dir[0].ttl.n, 0);
}

/* Ethernet padding follows training: DARPA Monday's 776 LLC frames are 54 bytes (the
 * capture saw them unpadded), so every LLC plan pads its frames to 54, not 60; its
 * loopback (0x9000) frames are 60 bytes of content and its short TCP frames were all
 * padded (HTTP 1232, SMTP 1688), so those plans keep 60; 3 of 156 ARP frames were 42
 * bytes, so a few ARP plans (never more than a quarter) pad to 42; the one short DNS
 * frame (a 59-byte query of the capturing host) makes DNS queries pad to 59. A model
 * saved before padding was learned (no "unpadded"/"padded" keys) loads and pads every
 * plan to 60. */
static json_t *habits_of(json_t *cls) { return json_object_get(cls, "habits"); }

static void test_darpa_ethernet_padding(void **state)
{
    (void)state;
    if (!darpa_setup()) {
        skip();
        return;
    }
    size_t llc = 0, llc54 = 0, loop = 0, arp = 0, arp42 = 0, ip = 0, ip_short = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ng_timeline_options o = options(darpa.a, seed);
        size_t n;
        ng_flow_plan *plans = run(darpa.a, &o, &n);
        for (size_t i = 0; i < n; i++) {
            const ng_flow_plan *p = &plans[i];
            if (p->ip_version) {
                ip++;
                if (p->ip_proto == 6) {
                    assert_int_equal(p->eth_min_frame[0], 0);
                    assert_int_equal(p->eth_min_frame[1], 0);
                }
                if (p->eth_min_frame[0] || p->eth_min_frame[1]) {
                    ip_short++;
                    assert_int_equal(p->app_class, NG_APP_DNS);
                    assert_int_equal(p->eth_min_frame[NG_DIR_C2S], 59);
                    assert_int_equal(p->eth_min_frame[NG_DIR_S2C], 0);
                }
            } else if (p->ethertype == 0) {
                llc++;
                llc54 += p->eth_min_frame[NG_DIR_C2S] == 54;
            } else if (p->ethertype == 0x9000) {
                loop++;
                assert_int_equal(p->eth_min_frame[0], 0);
                assert_int_equal(p->eth_min_frame[1], 0);
            } else if (p->ethertype == 0x0806) {
                arp++;
                for (int d = 0; d < 2; d++) {
                    assert_true(p->eth_min_frame[d] == 0 || p->eth_min_frame[d] == 42);
                    arp42 += p->eth_min_frame[d] == 42;
                }
            }
        }
        free(plans);
    }
    print_message("5 timelines: LLC plans %zu (padded to 54: %zu), loopback %zu, ARP %zu "
                  "(directions padded to 42: %zu), IP %zu (DNS padded to 59: %zu)\n",
                  llc, llc54, loop, arp, arp42, ip, ip_short);
    assert_true(llc >= 5);
    assert_int_equal(llc54, llc);
    assert_true(loop >= 5);
    assert_true(arp42 * 4 <= arp);

    /* An old model: the keys removed, every plan pads to 60. */
    size_t len;
    uint8_t *bytes = encode(darpa.a, &len);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, "old.ngm", &m, &err), NG_OK);
    json_t *classes = json_object_get(json_object_get(m->header, "aggregate"), "classes");
    size_t removed = 0;
    for (size_t c = 0; c < json_array_size(classes); c++)
        for (int d = 0; d < 2; d++) {
            json_t *dir = json_object_get(habits_of(json_array_get(classes, c)), d ? "s2c" : "c2s");
            removed += json_object_del(dir, "unpadded") == 0;
            removed += json_object_del(dir, "padded") == 0;
        }
    assert_true(removed > 0);
    ng_aggregate *old;
    if (ng_aggregate_load(m, &old, &err))
        fail_msg("old model: %s", err.msg);
    ng_timeline_options o = options(old, 1);
    size_t n, old_llc = 0;
    ng_flow_plan *plans = run(old, &o, &n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(plans[i].eth_min_frame[0], 0);
        assert_int_equal(plans[i].eth_min_frame[1], 0);
        old_llc += !plans[i].ip_version && plans[i].ethertype == 0;
    }
    assert_true(old_llc > 0);
    print_message("old model without the keys: %zu plans (%zu LLC), all padded to 60\n", n,
                  old_llc);
    free(plans);
    ng_aggregate_free(old);
    ng_model_file_free(m);
    free(bytes);
}

/* ---- damaged headers ---- */

typedef void (*damage_fn)(json_t *agg);

static json_t *classes0(json_t *agg) { return json_array_get(json_object_get(agg, "classes"), 0); }
static void neg_flows(json_t *agg) { json_object_set_new(classes0(agg), "flows", json_integer(-3)); }
static void bad_class(json_t *agg) { json_object_set_new(classes0(agg), "class", json_string("gopher")); }
static void bad_host(json_t *agg)
{
    json_t *servers = json_object_get(json_object_get(classes0(agg), "endpoints"), "servers");
    json_array_set_new(json_object_get(servers, "values"), 0, json_integer(1000000));
}
static void neg_count(json_t *agg)
{
    json_t *ports = json_object_get(json_object_get(classes0(agg), "endpoints"), "server_ports");
    json_array_set_new(json_object_get(ports, "counts"), 0, json_integer(-1));
}
static void bad_ngram_ctx(json_t *agg)
{
    json_t *ctx = json_object_get(json_object_get(json_object_get(agg, "arrivals"), "ngram"), "contexts");
    json_array_set_new(ctx, 0, json_string("x"));
}
static void bad_vocab(json_t *agg)
{
    json_t *g = json_object_get(json_object_get(agg, "arrivals"), "ngram");
    json_object_set_new(g, "vocab", json_integer(json_integer_value(json_object_get(g, "vocab")) + 1));
}
static void bad_k(json_t *agg)
{
    json_t *shape = json_array_get(json_object_get(classes0(agg), "shapes"), 0);
    json_object_set_new(shape, "k", json_integer(json_integer_value(json_object_get(shape, "k")) + 1));
}
static void missing_stats(json_t *agg) { json_object_del(agg, "stats"); }
static void bad_start_end(json_t *agg)
{
    json_t *se = json_object_get(json_array_get(json_object_get(classes0(agg), "shapes"), 0), "start_end");
    json_array_set_new(json_array_get(se, 0), 0, json_integer(-2));
}
static void unknown_arrival_class(json_t *agg)
{
    json_t *cls = json_object_get(json_object_get(agg, "arrivals"), "classes");
    json_array_set_new(cls, 0, json_string("nonsense"));
}

static json_t *carried0(json_t *agg)
{
    return json_array_get(json_object_get(json_object_get(agg, "carried"), "streams"), 0);
}
static void bad_carried_host(json_t *agg) { json_object_set_new(carried0(agg), "client", json_integer(1 << 20)); }
static void bad_carried_cover(json_t *agg) { json_object_set_new(carried0(agg), "cover", json_real(1.5)); }
static void bad_carried_kind(json_t *agg) { json_object_set_new(carried0(agg), "kind", json_integer(1)); }
/* A rhythm whose ratios go down, one with a period of 0, one that is not an object. */
static void bad_rhythm_order(json_t *agg)
{
    json_t *ratios = json_array();
    for (int q = 0; q < NG_RHYTHM_QUANTILES; q++)
        json_array_append_new(ratios, json_real(q == 5 ? 0.5 : 1.0 + 0.01 * q));
    json_object_set_new(carried0(agg), "rhythm", json_pack("{s:f, s:o}", "period_ns", 1e9,
                                                            "ratios", ratios));
}
static void bad_rhythm_period(json_t *agg)
{
    json_t *ratios = json_array();
    for (int q = 0; q < NG_RHYTHM_QUANTILES; q++)
        json_array_append_new(ratios, json_real(1.0));
    json_object_set_new(carried0(agg), "rhythm", json_pack("{s:f, s:o}", "period_ns", 0.0,
                                                            "ratios", ratios));
}
static void bad_rhythm_type(json_t *agg) { json_object_set_new(carried0(agg), "rhythm", json_integer(1)); }

static void test_damaged_headers_refused(void **state)
{
    (void)state;
    ng_dataset ds;
    load(ng_test_data("tiny.pcap"), &ds);
    ng_aggregate *a = train(&ds, 3);
    size_t len;
    uint8_t *bytes = encode(a, &len);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, "m.ngm", &m, &err), NG_OK);
    struct {
        damage_fn fn;
        const char *expect;
    } cases[] = {
        {neg_flows, "'flows'"},       {bad_class, "'class'"},   {bad_host, "servers"},
        {neg_count, "server_ports"},  {bad_ngram_ctx, "context 0"}, {bad_vocab, "vocab"},
        {bad_k, "k = "},              {missing_stats, "'stats'"}, {bad_start_end, "start_end"},
        {unknown_arrival_class, "arrivals"}, {bad_carried_host, "carried.streams[0]"},
        {bad_carried_cover, "'cover'"},       {bad_carried_kind, "'kind'"},
        {bad_rhythm_order, "rhythm: 'ratios[5]'"}, {bad_rhythm_period, "rhythm: 'period_ns'"},
        {bad_rhythm_type, "'rhythm'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *saved = json_deep_copy(json_object_get(m->header, "aggregate"));
        cases[i].fn(json_object_get(m->header, "aggregate"));
        ng_aggregate *back = NULL;
        ng_status st = ng_aggregate_load(m, &back, &err);
        print_message("damage %zu: %s\n", i, err.msg);
        assert_int_equal(st, NG_EFORMAT);
        assert_null(back);
        assert_non_null(strstr(err.msg, cases[i].expect));
        assert_non_null(strstr(err.msg, "m.ngm"));
        json_object_set_new(m->header, "aggregate", saved);
    }
    json_object_del(m->header, "aggregate");
    ng_aggregate *back = NULL;
    assert_int_equal(ng_aggregate_load(m, &back, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "'aggregate'"));
    ng_model_file_free(m);
    free(bytes);
    ng_aggregate_free(a);
    ng_dataset_free(&ds);
}

/* Every numeric leaf under a JSON value (depth-first). */
static void collect_numbers(json_t *v, json_t **out, size_t *n, size_t cap)
{
    if (json_is_number(v) && *n < cap) {
        out[(*n)++] = v;
    } else if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child)
            collect_numbers(child, out, n, cap);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            collect_numbers(json_array_get(v, i), out, n, cap);
    }
}

static void mutate_number(json_t *v, ng_rng *rng)
{
    static const double values[] = {-1, 0, 1, 2, 3, 7, 255, 65536, 1e6, 4294967296.0, -1e300,
                                    1e300, 0.5, -0.5};
    double pick = values[ng_rng_below(rng, sizeof values / sizeof values[0])];
    if (json_is_integer(v))
        json_integer_set(v, fabs(pick) > 9e18 ? (json_int_t)(pick > 0 ? INT64_MAX : INT64_MIN)
                                              : (json_int_t)pick);
    else
        json_real_set(v, pick);
}

/* 3000 single-number mutations of a saved aggregate section: each is refused with a
 * message or loads into a model whose timeline runs (ASan/UBSan watch the rest). */
static void test_mutated_headers_never_crash(void **state)
{
    (void)state;
    ng_dataset ds;
    load(ng_test_data("tiny.pcap"), &ds);
    ng_aggregate *a = train(&ds, 3);
    size_t len;
    uint8_t *bytes = encode(a, &len);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, "m.ngm", &m, &err), NG_OK);
    ng_rng rng;
    ng_rng_seed(&rng, 2024);
    size_t refused = 0, loaded = 0;
    for (int round = 0; round < 3000; round++) {
        json_t *saved = json_deep_copy(json_object_get(m->header, "aggregate"));
        json_t *leaves[4096];
        size_t n = 0;
        collect_numbers(json_object_get(m->header, "aggregate"), leaves, &n, 4096);
        assert_true(n > 0);
        mutate_number(leaves[ng_rng_below(&rng, n)], &rng);
        ng_aggregate *back = NULL;
        if (ng_aggregate_load(m, &back, &err) == NG_OK) {
            ng_timeline_options o = options(back, (uint64_t)round);
            o.duration_ns = 0;
            o.max_flows = 30;
            size_t got;
            free(run(back, &o, &got));
            json_decref(ng_aggregate_summary(back));
            ng_aggregate_free(back);
            loaded++;
        } else {
            assert_true(strlen(err.msg) > 0);
            refused++;
        }
        json_object_set_new(m->header, "aggregate", saved);
    }
    print_message("3000 mutations: %zu refused, %zu loaded and ran\n", refused, loaded);
    ng_model_file_free(m);
    free(bytes);
    ng_aggregate_free(a);
    ng_dataset_free(&ds);
}

/* ---- tiny data ---- */

static ng_flow make_flow(uint64_t id, int64_t start, uint8_t proto, uint8_t cls, bool noflow)
{
    ng_flow f;
    memset(&f, 0, sizeof f);
    f.id = id;
    f.start_ns = start;
    f.last_ns = start;
    f.packets[0] = 1;
    f.bytes[0] = 60;
    f.ip_proto = proto;
    f.app_class = cls;
    f.is_noflow = noflow;
    f.has_mac = true;
    f.client_mac[5] = (uint8_t)(1 + id % 3);
    f.server_mac[5] = 9;
    if (noflow) {
        f.ethertype = 0x0806;
        f.start_reason = NG_FLOW_START_NONE;
        f.end_reason = NG_FLOW_END_EOF;
        return f;
    }
    f.ethertype = 0x0800;
    f.ip_version = 4;
    f.client.family = f.server.family = 4;
    f.client.bytes[0] = 10, f.client.bytes[3] = (uint8_t)(1 + id % 3);
    f.server.bytes[0] = 10, f.server.bytes[3] = 200;
    f.client_port = (uint16_t)(40000 + id);
    f.server_port = 53;
    f.start_reason = proto == 6 ? NG_FLOW_START_SYN : NG_FLOW_START_NONE;
    f.end_reason = NG_FLOW_END_IDLE;
    return f;
}

static ng_packet_row row_of(const ng_flow *f)
{
    ng_packet_row r;
    memset(&r, 0, sizeof r);
    r.ts_ns = f->start_ns;
    r.flow_id = f->id;
    r.frame_len = 60;
    r.ethertype = f->ethertype;
    r.ip_proto = f->ip_proto;
    r.app_class = f->app_class;
    r.ip_version = f->ip_version;
    r.ttl = f->ip_version ? 64 : 0;
    r.sport = f->client_port;
    r.dport = f->server_port;
    return r;
}

static void check_tiny(const ng_flow *flows, size_t n)
{
    ng_packet_row rows[16];
    for (size_t i = 0; i < n; i++)
        rows[i] = row_of(&flows[i]);
    ng_dataset ds;
    ng_error err;
    if (ng_dataset_from_rows(&ds, rows, n, flows, n, NULL, &err))
        fail_msg("dataset: %s", err.msg);
    ng_aggregate *a = train(&ds, 2);
    size_t len, len2;
    uint8_t *bytes = encode(a, &len);
    ng_aggregate *back = reload(bytes, len);
    uint8_t *bytes2 = encode(back, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(bytes, bytes2, len);
    ng_timeline_options o = options(back, 4);
    o.duration_ns = 0;
    o.max_flows = 200;
    size_t got;
    ng_flow_plan *plans = run(back, &o, &got);
    assert_int_equal(got, 200);
    for (size_t i = 0; i < got; i++) {
        assert_true(plans[i].target_packets >= 1);
        assert_int_equal(plans[i].is_noflow, flows[0].is_noflow);
        if (plans[i].is_noflow)
            assert_int_equal(plans[i].ethertype, 0x0806);
        else
            assert_int_equal(plans[i].ip_proto, flows[0].ip_proto);
    }
    json_decref(ng_aggregate_summary(back));
    free(plans), free(bytes), free(bytes2);
    ng_aggregate_free(back);
    ng_aggregate_free(a);
    ng_dataset_free(&ds);
}

static void test_tiny_one_flow(void **state)
{
    (void)state;
    ng_flow f = make_flow(0, 1000, 17, NG_APP_DNS, false);
    check_tiny(&f, 1);
}

static void test_tiny_only_udp(void **state)
{
    (void)state;
    ng_flow f[8];
    for (size_t i = 0; i < 8; i++)
        f[i] = make_flow(i, (int64_t)(1000 + i * 1000000 * (i % 3 + 1)), 17, NG_APP_DNS, false);
    check_tiny(f, 8);
}

static void test_tiny_only_non_ip(void **state)
{
    (void)state;
    ng_flow f[6];
    for (size_t i = 0; i < 6; i++)
        f[i] = make_flow(i, (int64_t)(5000 + i * 20000000), 0, NG_APP_NOFLOW, true);
    check_tiny(f, 6);
}

/* Every flow starts at the same instant and runs through the whole 500 s (three Modbus
 * sessions of an ICS capture): all are carried, so every timeline has exactly these 5
 * flows, at the origin, lasting the whole window — drawn as arrivals they started at
 * random moments and the end of the window cut them. */
static void test_tiny_simultaneous_starts(void **state)
{
    (void)state;
    ng_flow f[5];
    ng_packet_row rows[5];
    for (size_t i = 0; i < 5; i++) {
        f[i] = make_flow(i, 1000000000, 6, NG_APP_HTTP, false);
        f[i].server_port = 80;
        f[i].last_ns = f[i].start_ns + 500000000000LL;
        f[i].packets[1] = 1;
        rows[i] = row_of(&f[i]);
    }
    ng_dataset ds;
    ng_error err;
    assert_int_equal(ng_dataset_from_rows(&ds, rows, 5, f, 5, NULL, &err), NG_OK);
    ng_aggregate *a = train(&ds, 1);
    double total = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        ng_timeline_options o = options(a, seed);
        size_t n;
        ng_flow_plan *plans = run(a, &o, &n);
        assert_int_equal(n, 5);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(plans[i].start_ns, o.start_ns);
            assert_int_equal(plans[i].target_duration_ns, o.duration_ns);
        }
        free(plans);
        total += (double)n;
    }
    print_message("simultaneous starts: %.2f flows per 500 s timeline (real 5)\n", total / 40);
    ng_aggregate_free(a);
    ng_dataset_free(&ds);
}

static void test_empty_refused(void **state)
{
    (void)state;
    ng_dataset ds;
    memset(&ds, 0, sizeof ds);
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    ng_aggregate *a;
    ng_error err;
    assert_int_equal(ng_aggregate_train(&ds, &cfg, &a, &err), NG_EINVAL);
    assert_null(a);
}

static int teardown(void **state)
{
    (void)state;
    if (darpa_ready) {
        ng_aggregate_free(darpa.a);
        ng_dataset_free(&darpa.ds);
        darpa_ready = false;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_darpa_counts_mix_ports),
        cmocka_unit_test(test_darpa_flow_shapes),
        cmocka_unit_test(test_darpa_flows_per_second),
        cmocka_unit_test(test_darpa_carried_streams),
        cmocka_unit_test(test_darpa_periodic_streams),
        cmocka_unit_test(test_darpa_round_trip_and_determinism),
        cmocka_unit_test(test_darpa_timeline_contract),
        cmocka_unit_test(test_darpa_ethernet_padding),
        cmocka_unit_test(test_damaged_headers_refused),
        cmocka_unit_test(test_mutated_headers_never_crash),
        cmocka_unit_test(test_tiny_one_flow),
        cmocka_unit_test(test_tiny_only_udp),
        cmocka_unit_test(test_tiny_only_non_ip),
        cmocka_unit_test(test_tiny_simultaneous_starts),
        cmocka_unit_test(test_empty_refused),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
