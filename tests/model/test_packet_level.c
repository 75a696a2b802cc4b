/* test_packet_level.c — the packet level learns (validation loss falls well below the
 * untrained one), picks K in range, labels every packet, reproduces the training
 * marginals when sampled, round-trips through the model file byte for byte, is
 * deterministic, survives tiny and degenerate data, and refuses damaged headers.
 * Under ASan, and in small mode (ng_test_small, for valgrind: the captures cut to their
 * first 2000 packets), fewer epochs, mixture points and samples. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "flow/app_class.h"
#include "model/dataset.h"
#include "model/model_file.h"
#include "model/packet_features.h"
#include "model/packet_level.h"
#include "model/train_config.h"

#if defined(__SANITIZE_ADDRESS__)
#define NG_SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NG_SLOW_BUILD 1
#endif
#endif
#ifndef NG_SLOW_BUILD
#define NG_SLOW_BUILD 0
#endif

/* Fewer epochs, mixture points and samples: under ASan, and in small mode (valgrind). */
static bool reduced(void)
{
    return NG_SLOW_BUILD || ng_test_small();
}

static void quick_config(ng_train_config *cfg, size_t epochs)
{
    ng_train_config_default(cfg);
    cfg->packet.epochs = epochs;
    cfg->packet.k_max = 8;
    cfg->packet.gmm_max_points = reduced() ? 600 : 3000;
}

static void load(const char *path, ng_dataset *ds)
{
    ng_dataset_options opt;
    memset(&opt, 0, sizeof opt);
    opt.extract.max_packets = ng_test_small() ? 2000 : 0;
    ng_error err;
    ng_status st = ng_dataset_load(ds, &path, 1, &opt, &err);
    if (st)
        fail_msg("%s", err.msg);
}

static ng_packet_level *train(const ng_dataset *ds, const ng_train_config *cfg,
                              uint16_t *clusters, ng_level_report *rep, size_t *k)
{
    ng_packet_level *pl = NULL;
    ng_error err;
    ng_status st = ng_packet_level_train(ds, cfg, &pl, clusters, rep, k, &err);
    if (st)
        fail_msg("training failed: %s", err.msg);
    return pl;
}

static uint8_t *encode(const ng_packet_level *pl, size_t *len)
{
    ng_model_writer *w;
    ng_error err;
    json_t *header = json_object();
    assert_int_equal(ng_model_writer_new(&w, &err), NG_OK);
    if (ng_packet_level_save(pl, w, header, &err))
        fail_msg("save: %s", err.msg);
    assert_int_equal(ng_model_writer_set_header(w, header, &err), NG_OK);
    uint8_t *bytes;
    assert_int_equal(ng_model_writer_encode(w, &bytes, len, &err), NG_OK);
    json_decref(header);
    ng_model_writer_free(w);
    return bytes;
}

static ng_model_file *decode(const uint8_t *bytes, size_t len)
{
    ng_model_file *m;
    ng_error err;
    if (ng_model_file_decode(bytes, len, "model.ngm", &m, &err))
        fail_msg("decode: %s", err.msg);
    return m;
}

static void assert_sane_samples(const ng_packet_level *pl, size_t n, uint64_t seed)
{
    ng_packet_sample *s = calloc(n, sizeof *s);
    ng_rng rng;
    ng_rng_seed(&rng, seed);
    ng_packet_level_sample(pl, &rng, -1, n, s);
    for (size_t i = 0; i < n; i++) {
        assert_true(s[i].direction <= 1);
        assert_true(s[i].position < NG_POS_COUNT);
        assert_true(s[i].proto_kind < NG_PKT_PROTO_COUNT);
        assert_true(s[i].app_class < NG_APP_COUNT);
        assert_true(s[i].payload_len <= NG_PF_MAX_PAYLOAD);
        assert_true(s[i].frame_len >= s[i].header_len + s[i].payload_len);
        assert_true(s[i].flow_iat_ns >= 0);
        if (s[i].proto_kind != NG_PKT_TCP)
            assert_int_equal(s[i].tcp_flags, 0);
    }
    free(s);
}

static void assert_trained_well(const ng_dataset *ds, const ng_train_config *cfg,
                                ng_packet_level *pl, const uint16_t *clusters,
                                const ng_level_report *rep, size_t k)
{
    assert_true(isfinite(rep->initial_val_loss) && isfinite(rep->final_val_loss));
    print_message("val loss %.4f -> %.4f, K = %zu, %zu epochs, %.2f s\n", rep->initial_val_loss,
                  rep->final_val_loss, k, rep->epochs, rep->seconds);
    assert_true(rep->final_val_loss < 0.7 * rep->initial_val_loss);
    assert_int_equal(k, ng_packet_level_k(pl));
    assert_true(k >= 1 && k <= cfg->packet.k_max);
    for (size_t i = 0; i < ds->n_packets; i++)
        assert_true(clusters[i] < k);
    uint64_t assigned = 0;
    const ng_packet_cluster_summary *sum = ng_packet_level_clusters(pl);
    for (size_t c = 0; c < k; c++)
        assigned += sum[c].packets;
    assert_int_equal(assigned, ds->n_packets);
}

/* ---- training on real captures ---- */

static void test_tiny_pcap(void **state)
{
    (void)state;
    ng_dataset ds;
    load(ng_test_data("tiny.pcap"), &ds);
    ng_train_config cfg;
    quick_config(&cfg, 60);
    uint16_t *clusters = calloc(ds.n_packets, sizeof *clusters);
    ng_level_report rep;
    size_t k;
    ng_packet_level *pl = train(&ds, &cfg, clusters, &rep, &k);
    assert_trained_well(&ds, &cfg, pl, clusters, &rep, k);
    assert_sane_samples(pl, reduced() ? 500 : 3000, 7);
    ng_packet_level_free(pl);
    free(clusters);
    ng_dataset_free(&ds);
}

static double share_c2s_of_rows(const ng_dataset *ds)
{
    size_t c2s = 0;
    for (size_t i = 0; i < ds->n_packets; i++)
        c2s += ds->packets[i].direction == NG_DIR_C2S;
    return (double)c2s / (double)ds->n_packets;
}

/* Total variation distance between the payload-size vocabulary frequencies of the
 * training data and of the samples (with "other" as one more category). */
static double payload_vocab_tv(const ng_packet_features *pf, const ng_packet_sample *s, size_t n)
{
    size_t V = ng_vocab_size(&pf->size);
    double *seen = calloc(V, sizeof *seen), total = (double)pf->size.other_count, tv = 0.0;
    for (size_t v = 0; v < pf->size.n; v++)
        total += (double)pf->size.counts[v];
    for (size_t i = 0; i < n; i++)
        seen[ng_vocab_index(&pf->size, s[i].payload_len)] += 1.0 / (double)n;
    for (size_t v = 0; v < V; v++) {
        double want = (v < pf->size.n ? (double)pf->size.counts[v] : (double)pf->size.other_count) /
                      total;
        tv += 0.5 * fabs(seen[v] - want);
    }
    free(seen);
    return tv;
}

/* Packets drawn from one cluster look like the training packets assigned to it. */
static void assert_cluster_sampling_matches_summary(const ng_packet_level *pl)
{
    const ng_packet_cluster_summary *sum = ng_packet_level_clusters(pl);
    size_t big = 0, n = 2000;
    for (size_t c = 1; c < ng_packet_level_k(pl); c++)
        big = sum[c].packets > sum[big].packets ? c : big;
    ng_packet_sample *s = calloc(n, sizeof *s);
    ng_rng rng;
    ng_rng_seed(&rng, 5);
    ng_packet_level_sample(pl, &rng, (int)big, n, s);
    size_t c2s = 0;
    for (size_t i = 0; i < n; i++)
        c2s += s[i].direction == NG_DIR_C2S;
    print_message("cluster %zu: c2s share %.3f in training, %.3f sampled\n", big,
                  sum[big].share_c2s, (double)c2s / (double)n);
    assert_true(fabs(sum[big].share_c2s - (double)c2s / (double)n) < 0.15);
    free(s);
}

static void test_darpa_http(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "darpa99/week1-monday-http.pcap");
    ng_dataset ds;
    load(path, &ds);
    ng_train_config cfg;
    quick_config(&cfg, NG_SLOW_BUILD ? 2 : 6); /* small mode: 6 epochs of 2000 packets */
    uint16_t *clusters = calloc(ds.n_packets, sizeof *clusters);
    ng_level_report rep;
    size_t k;
    ng_packet_level *pl = train(&ds, &cfg, clusters, &rep, &k);
    assert_trained_well(&ds, &cfg, pl, clusters, &rep, k);

    size_t n = reduced() ? 5000 : 40000;
    ng_packet_sample *s = calloc(n, sizeof *s);
    ng_rng rng;
    ng_rng_seed(&rng, 11);
    ng_packet_level_sample(pl, &rng, -1, n, s);
    size_t c2s = 0;
    for (size_t i = 0; i < n; i++)
        c2s += s[i].direction == NG_DIR_C2S;
    double real = share_c2s_of_rows(&ds), synth = (double)c2s / (double)n;
    double tv = payload_vocab_tv(ng_packet_level_features(pl), s, n);
    print_message("c2s share real %.3f synth %.3f; payload vocabulary TV %.3f\n", real, synth, tv);
    assert_true(fabs(real - synth) < 0.1);
    assert_true(tv < 0.2);
    free(s);
    assert_sane_samples(pl, 2000, 3);
    assert_cluster_sampling_matches_summary(pl);
    ng_packet_level_free(pl);
    free(clusters);
    ng_dataset_free(&ds);
}

/* Mixed traffic (TCP, UDP, ICMP, ARP...): the protocol-kind mix survives sampling. */
static void test_darpa_monday_protocol_mix(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "darpa99/week1-monday.pcap");
    ng_dataset ds;
    load(path, &ds);
    ng_train_config cfg;
    quick_config(&cfg, NG_SLOW_BUILD ? 2 : 8);
    uint16_t *clusters = calloc(ds.n_packets, sizeof *clusters);
    ng_level_report rep;
    size_t k;
    ng_packet_level *pl = train(&ds, &cfg, clusters, &rep, &k);
    assert_trained_well(&ds, &cfg, pl, clusters, &rep, k);
    double real[NG_PKT_PROTO_COUNT] = {0}, synth[NG_PKT_PROTO_COUNT] = {0}, tv = 0.0;
    for (size_t f = 0; f < ds.n_flows; f++)
        real[ng_packet_proto_of(&ds.flows[f])] +=
            (double)(ds.first[f + 1] - ds.first[f]) / (double)ds.n_packets;
    size_t n = reduced() ? 4000 : 20000;
    ng_packet_sample *s = calloc(n, sizeof *s);
    ng_rng rng;
    ng_rng_seed(&rng, 21);
    ng_packet_level_sample(pl, &rng, -1, n, s);
    for (size_t i = 0; i < n; i++)
        synth[s[i].proto_kind] += 1.0 / (double)n;
    for (size_t p = 0; p < NG_PKT_PROTO_COUNT; p++)
        tv += 0.5 * fabs(real[p] - synth[p]);
    print_message("protocol-kind TV %.3f (udp real %.3f synth %.3f)\n", tv, real[NG_PKT_UDP],
                  synth[NG_PKT_UDP]);
    assert_true(tv < 0.05);
    free(s);
    ng_packet_level_free(pl);
    free(clusters);
    ng_dataset_free(&ds);
}

/* ---- model file ---- */

static void assert_same_samples(const ng_packet_level *a, const ng_packet_level *b, int cluster)
{
    enum { N = 1500 };
    ng_packet_sample *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    ng_rng r1, r2;
    ng_rng_seed(&r1, 99);
    ng_rng_seed(&r2, 99);
    ng_packet_level_sample(a, &r1, cluster, N, x);
    ng_packet_level_sample(b, &r2, cluster, N, y);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(x[i].direction, y[i].direction);
        assert_int_equal(x[i].position, y[i].position);
        assert_int_equal(x[i].proto_kind, y[i].proto_kind);
        assert_int_equal(x[i].app_class, y[i].app_class);
        assert_int_equal(x[i].tcp_flags, y[i].tcp_flags);
        assert_int_equal(x[i].payload_len, y[i].payload_len);
        assert_int_equal(x[i].frame_len, y[i].frame_len);
        assert_int_equal(x[i].header_len, y[i].header_len);
        assert_int_equal(x[i].flow_iat_ns, y[i].flow_iat_ns);
    }
    free(x);
    free(y);
}

static void test_save_load_save_is_identical(void **state)
{
    (void)state;
    ng_dataset ds;
    load(ng_test_data("tiny.pcap"), &ds);
    ng_train_config cfg;
    quick_config(&cfg, 5);
    ng_packet_level *pl = train(&ds, &cfg, NULL, NULL, NULL);
    size_t len1, len2;
    uint8_t *bytes1 = encode(pl, &len1);
    ng_model_file *m = decode(bytes1, len1);
    ng_packet_level *back;
    ng_error err;
    if (ng_packet_level_load(m, &back, &err))
        fail_msg("load: %s", err.msg);
    uint8_t *bytes2 = encode(back, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(bytes1, bytes2, len1);
    assert_same_samples(pl, back, -1);
    assert_same_samples(pl, back, (int)ng_packet_level_k(pl) - 1);
    json_t *summary = ng_packet_level_summary(back);
    assert_int_equal(json_integer_value(json_object_get(summary, "k")), ng_packet_level_k(pl));
    json_decref(summary);
    ng_packet_level_free(back);
    ng_model_file_free(m);
    free(bytes1);
    free(bytes2);
    ng_packet_level_free(pl);
    ng_dataset_free(&ds);
}

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    ng_dataset ds;
    load(ng_test_data("tiny.pcap"), &ds);
    ng_train_config cfg;
    quick_config(&cfg, 5);
    ng_packet_level *a = train(&ds, &cfg, NULL, NULL, NULL);
    ng_packet_level *b = train(&ds, &cfg, NULL, NULL, NULL);
    cfg.seed = 2;
    ng_packet_level *c = train(&ds, &cfg, NULL, NULL, NULL);
    size_t la, lb, lc;
    uint8_t *ba = encode(a, &la), *bb = encode(b, &lb), *bc = encode(c, &lc);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    assert_true(la != lc || memcmp(ba, bc, la) != 0);
    free(ba);
    free(bb);
    free(bc);
    ng_packet_level_free(a);
    ng_packet_level_free(b);
    ng_packet_level_free(c);
    ng_dataset_free(&ds);
}

/* ---- tiny and degenerate data ---- */

static void make_rows(ng_dataset *ds, size_t n_flows, size_t per_flow, bool identical)
{
    ng_flow *flows = calloc(n_flows, sizeof *flows);
    ng_packet_row *rows = calloc(n_flows * per_flow, sizeof *rows);
    size_t n = 0;
    for (size_t f = 0; f < n_flows; f++) {
        flows[f] = (ng_flow){.id = f, .start_ns = (int64_t)f * 1000000000, .ip_proto = 6,
                             .ip_version = 4, .ethertype = 0x0800, .app_class = NG_APP_HTTP};
        for (size_t k = 0; k < per_flow; k++, n++) {
            bool odd = !identical && (k % 2);
            rows[n] = (ng_packet_row){
                .ts_ns = flows[f].start_ns + (int64_t)k * 1000, .flow_id = f, .index = k,
                .flow_iat_ns = identical || !k ? 0 : 1000, .frame_len = odd ? 1514 : 60,
                .header_len = 54, .payload_len = odd ? 1460 : 0, .sport = 1025, .dport = 80,
                .ethertype = 0x0800, .direction = odd, .ip_proto = 6,
                .tcp_flags = odd ? 0x18 : 0x10, .app_class = NG_APP_HTTP};
            flows[f].packets[rows[n].direction]++;
        }
        flows[f].last_ns = rows[n - 1].ts_ns;
    }
    ng_error err;
    if (ng_dataset_from_rows(ds, rows, n, flows, n_flows, NULL, &err))
        fail_msg("%s", err.msg);
    free(rows);
    free(flows);
}

static void train_small(ng_dataset *ds)
{
    ng_train_config cfg;
    quick_config(&cfg, 10);
    uint16_t *clusters = calloc(ds->n_packets, sizeof *clusters);
    ng_level_report rep;
    size_t k;
    ng_packet_level *pl = train(ds, &cfg, clusters, &rep, &k);
    assert_true(isfinite(rep.initial_val_loss) && isfinite(rep.final_val_loss));
    assert_true(rep.final_val_loss <= rep.initial_val_loss);
    assert_true(k >= 1 && k <= ds->n_packets);
    for (size_t i = 0; i < ds->n_packets; i++)
        assert_true(clusters[i] < k);
    assert_sane_samples(pl, 500, 5);
    size_t len;
    uint8_t *bytes = encode(pl, &len); /* and it still saves */
    free(bytes);
    ng_packet_level_free(pl);
    free(clusters);
}

static void test_one_flow_of_two_packets(void **state)
{
    (void)state;
    ng_dataset ds;
    make_rows(&ds, 1, 2, false);
    train_small(&ds);
    ng_dataset_free(&ds);
}

static void test_identical_packets(void **state)
{
    (void)state;
    ng_dataset ds;
    make_rows(&ds, 12, 1, true); /* 12 flows of one identical packet: a validation split */
    train_small(&ds);
    ng_dataset_free(&ds);
    make_rows(&ds, 1, 1, true); /* a single packet */
    train_small(&ds);
    ng_dataset_free(&ds);
}

/* A learning rate of 1 without clipping either trains or stops with NG_ENUMERIC and
 * says so; it never hands back a model with NaN losses. */
static void test_divergence_is_reported(void **state)
{
    (void)state;
    ng_dataset ds;
    make_rows(&ds, 20, 6, false);
    ng_train_config cfg;
    quick_config(&cfg, 20);
    cfg.packet.learning_rate = 1.0f;
    cfg.packet.beta = 100.0f;
    cfg.max_grad_norm = 0.0f;
    ng_packet_level *pl = NULL;
    ng_level_report rep;
    ng_error err;
    ng_status st = ng_packet_level_train(&ds, &cfg, &pl, NULL, &rep, NULL, &err);
    if (st) {
        print_message("refused: %s\n", err.msg);
        assert_int_equal(st, NG_ENUMERIC);
        assert_non_null(strstr(err.msg, "diverged"));
        assert_null(pl);
    } else {
        assert_true(isfinite(rep.final_val_loss));
        assert_sane_samples(pl, 200, 1);
        ng_packet_level_free(pl);
    }
    ng_dataset_free(&ds);
}

static void test_empty_dataset_is_refused(void **state)
{
    (void)state;
    ng_dataset ds = {0};
    size_t first = 0;
    ds.first = &first;
    ng_train_config cfg;
    quick_config(&cfg, 1);
    ng_packet_level *pl;
    ng_error err;
    assert_int_equal(ng_packet_level_train(&ds, &cfg, &pl, NULL, NULL, NULL, &err), NG_EINVAL);
    assert_null(pl);
    assert_non_null(strstr(err.msg, "no packets"));
}

/* ---- damaged headers ---- */

static void assert_refused(ng_model_file *m, const char *needle)
{
    ng_packet_level *pl = (ng_packet_level *)1;
    ng_error err;
    assert_int_equal(ng_packet_level_load(m, &pl, &err), NG_EFORMAT);
    assert_null(pl);
    print_message("refused: %s\n", err.msg);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' does not mention '%s'", err.msg, needle);
}

static json_t *packet_section(ng_model_file *m, const char *key)
{
    return json_object_get(json_object_get(m->header, "packet"), key);
}

static void test_damaged_header_is_refused(void **state)
{
    (void)state;
    ng_dataset ds;
    load(ng_test_data("tiny.pcap"), &ds);
    ng_train_config cfg;
    quick_config(&cfg, 2);
    ng_packet_level *pl = train(&ds, &cfg, NULL, NULL, NULL);
    size_t len;
    uint8_t *bytes = encode(pl, &len);

    /* A payload vocabulary with one more size: the width no longer matches. */
    ng_model_file *m = decode(bytes, len);
    json_t *sizes = json_object_get(packet_section(m, "features"), "payload_sizes");
    json_array_append_new(json_object_get(sizes, "values"), json_integer(65000));
    json_array_append_new(json_object_get(sizes, "counts"), json_integer(1));
    assert_refused(m, "width");
    /* ... and with the width fixed too, the encoder's first tensor has the wrong shape. */
    json_t *feat = packet_section(m, "features");
    json_object_set_new(feat, "width",
                        json_integer(json_integer_value(json_object_get(feat, "width")) + 1));
    assert_refused(m, "packet.vae.encoder.0.weight");
    ng_model_file_free(m);

    /* An unsorted vocabulary. */
    m = decode(bytes, len);
    json_t *flags = json_object_get(json_object_get(packet_section(m, "features"), "tcp_flags"),
                                    "values");
    if (json_array_size(flags) >= 2) {
        json_t *first = json_incref(json_array_get(flags, 0));
        json_array_remove(flags, 0);
        json_array_append_new(flags, first);
        assert_refused(m, "tcp_flags");
    }
    ng_model_file_free(m);

    /* A different latent size: the encoder's last layer has the wrong shape. */
    m = decode(bytes, len);
    json_object_set_new(packet_section(m, "config"), "latent", json_integer(3));
    assert_refused(m, "packet.vae.encoder");
    ng_model_file_free(m);

    /* K in the header disagrees with the mixture. */
    m = decode(bytes, len);
    json_t *clusters = packet_section(m, "clusters");
    json_array_append(clusters, json_array_get(clusters, 0));
    json_object_set_new(json_object_get(m->header, "packet"), "k",
                        json_integer((json_int_t)json_array_size(clusters)));
    assert_refused(m, "packet.gmm");
    ng_model_file_free(m);

    /* Damaged tensor values: a NaN weight, a negative residual spread. */
    m = decode(bytes, len);
    for (size_t i = 0; i < m->n_tensors; i++) {
        if (!strcmp(m->tensors[i].name, "packet.vae.decoder.0.bias"))
            ((float *)m->tensors[i].data)[0] = NAN;
    }
    assert_refused(m, "packet.vae.decoder.0.bias");
    ng_model_file_free(m);
    m = decode(bytes, len);
    for (size_t i = 0; i < m->n_tensors; i++) {
        if (!strcmp(m->tensors[i].name, "packet.iat_residual_std"))
            ((double *)m->tensors[i].data)[0] = -1.0;
    }
    assert_refused(m, "packet.iat_residual_std");
    ng_model_file_free(m);

    /* A scaler with std 0, and a model without a packet level. */
    m = decode(bytes, len);
    json_t *sc = json_object_get(json_object_get(packet_section(m, "features"), "scalers"),
                                 "header_len");
    json_object_set_new(sc, "std", json_real(0.0));
    assert_refused(m, "header_len");
    json_object_del(m->header, "packet");
    assert_refused(m, "no 'packet' section");
    ng_model_file_free(m);

    free(bytes);
    ng_packet_level_free(pl);
    ng_dataset_free(&ds);
}

/* ---- features ---- */

static void test_positions_and_kinds(void **state)
{
    (void)state;
    assert_int_equal(ng_packet_position_of(0, 1), NG_POS_FIRST);
    assert_int_equal(ng_packet_position_of(1, 2), NG_POS_SECOND);
    assert_int_equal(ng_packet_position_of(2, 3), NG_POS_THIRD);
    assert_int_equal(ng_packet_position_of(3, 4), NG_POS_LAST);
    assert_int_equal(ng_packet_position_of(3, 5), NG_POS_MIDDLE);
    assert_int_equal(ng_packet_position_of(4, 5), NG_POS_LAST);
    ng_flow f = {.ip_version = 4, .ip_proto = 17};
    assert_int_equal(ng_packet_proto_of(&f), NG_PKT_UDP);
    f.ip_proto = 58;
    f.ip_version = 6;
    assert_int_equal(ng_packet_proto_of(&f), NG_PKT_ICMPV6);
    f.ip_proto = 47;
    assert_int_equal(ng_packet_proto_of(&f), NG_PKT_OTHER_IP);
    f = (ng_flow){.ethertype = 0x0806};
    assert_int_equal(ng_packet_proto_of(&f), NG_PKT_ARP);
    f.ethertype = 0;
    assert_int_equal(ng_packet_proto_of(&f), NG_PKT_OTHER_L2);
}

static void test_encode_then_sample_a_one_hot_row(void **state)
{
    (void)state;
    ng_dataset ds;
    make_rows(&ds, 2, 5, false);
    ng_packet_features pf;
    ng_error err;
    assert_int_equal(ng_packet_features_build(&pf, &ds, 8, &err), NG_OK);
    float *row = calloc(pf.width, sizeof *row);
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    for (size_t i = 0; i < ds.n_packets; i++) {
        const ng_packet_row *r = &ds.packets[i];
        ng_packet_features_encode(&pf, r, &ds.flows[r->flow_id], 5, row);
        ng_packet_sample s;
        ng_packet_features_sample(&pf, row, &rng, &s); /* one-hot: no randomness left */
        assert_int_equal(s.direction, r->direction);
        assert_int_equal(s.position, ng_packet_position_of(r->index, 5));
        assert_int_equal(s.proto_kind, NG_PKT_TCP);
        assert_int_equal(s.app_class, NG_APP_HTTP);
        assert_int_equal(s.tcp_flags, r->tcp_flags);
        assert_int_equal(s.payload_len, r->payload_len);
        assert_int_equal(s.frame_len, r->frame_len);
        assert_int_equal(s.header_len, r->header_len);
        assert_true(llabs(s.flow_iat_ns - r->flow_iat_ns) <= 1);
    }
    json_t *j = ng_packet_features_to_json(&pf);
    ng_packet_features back;
    assert_int_equal(ng_packet_features_from_json(&back, j, "test", &err), NG_OK);
    assert_int_equal(back.width, pf.width);
    assert_memory_equal(back.scaler, pf.scaler, sizeof pf.scaler);
    json_decref(j);
    free(row);
    ng_dataset_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions_and_kinds),
        cmocka_unit_test(test_encode_then_sample_a_one_hot_row),
        cmocka_unit_test(test_tiny_pcap),
        cmocka_unit_test(test_darpa_http),
        cmocka_unit_test(test_darpa_monday_protocol_mix),
        cmocka_unit_test(test_save_load_save_is_identical),
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_one_flow_of_two_packets),
        cmocka_unit_test(test_identical_packets),
        cmocka_unit_test(test_divergence_is_reported),
        cmocka_unit_test(test_empty_dataset_is_refused),
        cmocka_unit_test(test_damaged_header_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
