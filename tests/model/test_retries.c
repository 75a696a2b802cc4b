/* test_retries.c — a client's retries of a refused connection (model/retries.h): on
 * hand-made flows, exactly the refused attempts on one tuple, in time, soon after each
 * other are retries (not a late one, not a connection with data, not a skipped flow);
 * chain lengths are drawn with their training frequencies and idle times inside the
 * trained ones; the JSON round-trips and damaged JSON is refused naming the key. On DARPA 1999
 * Thursday (one client retries HTTP 79 times from one port, three others 11, 3 and 2
 * times): training finds the 95 retries, and timelines over the capture's duration have
 * about the real number of tuples (319, where plans drawn as arrivals gave one per flow),
 * every retry on the tuple of the refused plan before it and after its planned end. */
#include "test_util.h"

#include <string.h>

#include "core/rng.h"
#include "model/aggregate_level.h"
#include "model/dataset.h"
#include "model/retries.h"
#include "model/train_config.h"

#define SEC 1000000000LL

/* A refused attempt: SYN, then the server's RST, 2 ms later. */
static ng_flow refused(int64_t start_ns, uint16_t client_port, uint8_t cls)
{
    ng_flow f;
    memset(&f, 0, sizeof f);
    f.start_ns = start_ns;
    f.last_ns = start_ns + 2000000;
    f.packets[0] = f.packets[1] = 1;
    f.bytes[0] = f.bytes[1] = 60;
    f.ip_proto = 6;
    f.ip_version = 4;
    f.app_class = cls;
    f.client.family = f.server.family = 4;
    f.client.bytes[0] = 10, f.client.bytes[3] = 1;
    f.server.bytes[0] = 10, f.server.bytes[3] = 2;
    f.client_port = client_port;
    f.server_port = 80;
    f.start_reason = NG_FLOW_START_SYN;
    f.end_reason = NG_FLOW_END_RST;
    return f;
}

/* flows[0..4): a chain (first attempt, 3 retries 0.5 s apart); [4]: the same tuple again
 * 100 s later (too late: a chain of its own); [5]: a connection with data on the tuple
 * right after it (not refused); [6]: a refused attempt on another port; [7]: a retry of
 * it that the caller may skip. Given out of time order. */
static size_t sample_flows(ng_flow *f)
{
    for (int i = 0; i < 4; i++)
        f[i] = refused(SEC + i * SEC / 2, 4092, NG_APP_HTTP);
    f[4] = refused(101 * SEC, 4092, NG_APP_HTTP);
    f[5] = refused(102 * SEC, 4092, NG_APP_HTTP);
    f[5].payload_bytes[0] = 300;
    f[6] = refused(5 * SEC, 5000, NG_APP_HTTP);
    f[7] = refused(6 * SEC, 5000, NG_APP_HTTP);
    ng_flow tmp = f[0];
    f[0] = f[3], f[3] = tmp; /* any order */
    return 8;
}

static void test_mark_finds_exactly_the_retries(void **state)
{
    (void)state;
    ng_flow f[8];
    size_t n = sample_flows(f);
    bool is_retry[8];
    uint32_t chain[8];
    assert_int_equal(ng_retries_mark(f, n, NULL, is_retry, chain), 4);
    bool want[8] = {true, true, true, false, false, false, false, true};
    uint32_t want_chain[8] = {0, 0, 0, 3, 0, 0, 1, 0};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(is_retry[i], want[i]);
        assert_int_equal(chain[i], want_chain[i]);
    }
    bool skip[8] = {false, false, false, false, false, false, false, true};
    assert_int_equal(ng_retries_mark(f, n, skip, is_retry, chain), 3);
    assert_false(is_retry[7]);
    assert_int_equal(chain[6], 0);
}

static ng_retries trained(void)
{
    ng_flow f[8];
    size_t n = sample_flows(f);
    ng_retries r;
    ng_error err;
    if (ng_retries_train(&r, f, n, NULL, &err))
        fail_msg("%s", err.msg);
    return r;
}

/* First refused attempts of HTTP: [3] (3 retries), [4], [6] (1 retry): a chain of 3 a
 * third of the time, of 1 a third, none a third; idle times 0.498 s (3 of them: 0.5 s
 * start to start, 2 ms attempts) and 0.998 s. */
static void test_chains_and_idle_drawn_as_trained(void **state)
{
    (void)state;
    ng_retries r = trained();
    assert_int_equal(r.flows, 4);
    assert_int_equal(r.cls[NG_APP_HTTP].refused, 3);
    assert_int_equal(r.cls[NG_APP_HTTP].n_chains, 2);
    assert_int_equal(ng_retries_class_flows(&r, NG_APP_HTTP), 4);
    ng_rng rng;
    ng_rng_seed(&rng, 7);
    size_t count[4] = {0};
    for (int i = 0; i < 30000; i++) {
        uint32_t len = ng_retries_draw_chain(&r, NG_APP_HTTP, &rng);
        assert_true(len == 0 || len == 1 || len == 3);
        count[len]++;
    }
    for (int len = 0; len < 4; len += len ? 2 : 1)
        assert_true(count[len] > 9500 && count[len] < 10500);
    assert_int_equal(ng_retries_draw_chain(&r, NG_APP_DNS, &rng), 0);
    size_t at_short = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t idle = ng_retries_draw_idle_ns(&r, &rng);
        assert_true(idle >= SEC / 2 - 2000000 && idle <= SEC - 2000000);
        at_short += idle == SEC / 2 - 2000000;
    }
    print_message("idle 0.498 s: %zu of 10000 (3 of the 4 trained)\n", at_short);
    assert_true(at_short > 6000);
    ng_retries_free(&r);
}

static void test_json_round_trip_and_damage(void **state)
{
    (void)state;
    ng_retries r = trained(), back;
    ng_error err;
    json_t *j = ng_retries_to_json(&r);
    assert_non_null(j);
    assert_int_equal(ng_retries_from_json(&back, j, "m.ngm: header 'aggregate'", &err), NG_OK);
    assert_int_equal(back.flows, r.flows);
    assert_int_equal(back.cls[NG_APP_HTTP].refused, 3);
    assert_memory_equal(back.idle_s, r.idle_s, sizeof r.idle_s);
    ng_retries_free(&back);

    json_t *cls = json_array_get(json_object_get(j, "classes"), 0);
    json_object_set_new(cls, "refused", json_integer(1)); /* 2 chains of 1 attempt */
    assert_int_equal(ng_retries_from_json(&back, j, "m.ngm", &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "m.ngm.retries.classes[0]"));
    assert_non_null(strstr(err.msg, "chains"));
    json_object_set_new(cls, "refused", json_integer(3));
    json_array_set_new(json_object_get(j, "idle_s"), 3, json_real(0.1)); /* decreasing */
    assert_int_equal(ng_retries_from_json(&back, j, "m.ngm", &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "idle_s[3]"));
    json_decref(j);

    assert_int_equal(ng_retries_from_json(&back, NULL, "m.ngm", &err), NG_OK);
    assert_int_equal(back.flows, 0);
    ng_retries_free(&r);
}

/* ---- DARPA 1999 Thursday ---- */

static size_t distinct_tuples(const ng_flow_plan *p, size_t n)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p[j].ip_proto == p[i].ip_proto && p[j].client_port == p[i].client_port &&
                   p[j].server_port == p[i].server_port &&
                   !memcmp(&p[j].client, &p[i].client, sizeof p[i].client) &&
                   !memcmp(&p[j].server, &p[i].server, sizeof p[i].server);
        distinct += !seen;
    }
    return distinct;
}

/* A retry's tuple is that of the latest refused plan before it, and it starts after
 * that one's planned end. */
static void check_retry_tuples(const ng_flow_plan *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!p[i].retry)
            continue;
        assert_true(ng_retry_refused_plan(&p[i]));
        size_t j = i;
        while (j-- > 0 && !(p[j].client_port == p[i].client_port &&
                            !memcmp(&p[j].client, &p[i].client, sizeof p[i].client)))
            ;
        assert_true(j < i);
        assert_int_equal(p[j].server_port, p[i].server_port);
        assert_true(ng_retry_refused_plan(&p[j]));
        assert_true(p[i].start_ns >= p[j].start_ns + p[j].target_duration_ns + NG_RETRY_MIN_IDLE_NS);
    }
}

/* Train the aggregate level on a capture, walk 10 timelines over its duration and check
 * every retry; *tuples and *retries get the mean per timeline. */
static void walk_timelines(const char *path, uint64_t *trained_retries, double *tuples,
                           double *retries)
{
    ng_dataset ds;
    ng_error err;
    if (ng_dataset_load(&ds, &path, 1, NULL, &err))
        fail_msg("%s", err.msg);
    ng_train_config cfg;
    ng_train_config_default(&cfg);
    ng_aggregate *a;
    if (ng_aggregate_train(&ds, &cfg, &a, &err))
        fail_msg("%s", err.msg);
    json_t *sum = ng_aggregate_summary(a);
    *trained_retries = (uint64_t)json_integer_value(json_object_get(sum, "retries"));
    json_decref(sum);
    ng_timeline_options o;
    memset(&o, 0, sizeof o);
    o.start_ns = ng_aggregate_train_start_ns(a);
    o.duration_ns = ng_aggregate_train_duration_ns(a);
    o.rate_scale = 1.0;
    size_t all_tuples = 0, all_retries = 0;
    for (o.seed = 1; o.seed <= 10; o.seed++) {
        ng_timeline *t;
        assert_int_equal(ng_timeline_new(a, &o, &t, &err), NG_OK);
        ng_flow_plan *plans = malloc(8192 * sizeof *plans);
        size_t n = 0;
        while (n < 8192 && ng_timeline_next(t, &plans[n]))
            if (plans[n].ip_proto == 6)
                all_retries += plans[n].retry, n++;
        all_tuples += distinct_tuples(plans, n);
        check_retry_tuples(plans, n);
        free(plans);
        ng_timeline_free(t);
    }
    *tuples = all_tuples / 10.0;
    *retries = all_retries / 10.0;
    ng_aggregate_free(a);
    ng_dataset_free(&ds);
}

static void test_darpa_thursday_retries_share_a_tuple(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "darpa99/week1-thursday.pcap");
    uint64_t trained;
    double tuples, retries;
    walk_timelines(path, &trained, &tuples, &retries);
    print_message("Thursday: %.1f TCP tuples, %.1f retries a timeline (real: 319 tuples of 414 "
                  "connections, 95 retries)\n", tuples, retries);
    assert_int_equal(trained, 95);
    assert_true(tuples > 319 * 0.85 && tuples < 319 * 1.15);
    assert_true(retries > 20);
}

/* Gnutella's refused attempts last up to seconds; a retry drawn start to start began
 * while the attempt before it was still open on the same tuple. */
static void test_gnutella_retries_after_the_attempt(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "captures/k06-p2p__ndpi__gnutella.pcap");
    uint64_t trained;
    double tuples, retries;
    walk_timelines(path, &trained, &tuples, &retries);
    print_message("gnutella: %llu retries trained, %.1f a timeline\n",
                  (unsigned long long)trained, retries);
    assert_true(trained > 0 && retries > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mark_finds_exactly_the_retries),
        cmocka_unit_test(test_chains_and_idle_drawn_as_trained),
        cmocka_unit_test(test_json_round_trip_and_damage),
        cmocka_unit_test(test_darpa_thursday_retries_share_a_tuple),
        cmocka_unit_test(test_gnutella_retries_after_the_attempt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
