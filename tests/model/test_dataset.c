/* test_dataset.c — the training corpus groups every packet under its flow, in time
 * order, and the class filter keeps exactly the chosen classes. */
#include "test_util.h"

#include <string.h>

#include "flow/app_class.h"
#include "model/dataset.h"

static void assert_well_grouped(const ng_dataset *ds)
{
    assert_int_equal(ds->first[0], 0);
    assert_int_equal(ds->first[ds->n_flows], ds->n_packets);
    for (size_t i = 0; i < ds->n_flows; i++) {
        size_t n;
        const ng_packet_row *rows = ng_dataset_flow_packets(ds, i, &n);
        assert_int_equal(ds->flows[i].id, i);
        assert_int_equal(n, ng_flow_packets(&ds->flows[i]));
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(rows[k].flow_id, i);
            assert_int_equal(rows[k].index, k);
            if (k)
                assert_true(rows[k].ts_ns >= rows[k - 1].ts_ns);
        }
        if (i)
            assert_true(ds->flows[i].start_ns >= ds->flows[i - 1].start_ns);
    }
}

static void test_tiny_capture(void **state)
{
    (void)state;
    const char *path = ng_test_data("tiny.pcap");
    ng_dataset ds;
    ng_error err;
    assert_int_equal(ng_dataset_load(&ds, &path, 1, NULL, &err), NG_OK);
    assert_int_equal(ds.n_packets, 30);
    assert_int_equal(ds.stats.packets, 30);
    assert_true(ds.n_flows > 0);
    assert_well_grouped(&ds);
    assert_int_equal(ds.n_inputs, 1);
    assert_int_equal(ds.inputs[0].size > 0, 1);
    ng_dataset_free(&ds);
}

static void test_class_filter_on_darpa_monday(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, "darpa99/week1-monday.pcap");
    ng_dataset all, http;
    ng_error err;
    assert_int_equal(ng_dataset_load(&all, &path, 1, NULL, &err), NG_OK);
    assert_int_equal(all.n_packets, 10000);
    assert_well_grouped(&all);
    ng_dataset_options opt;
    memset(&opt, 0, sizeof opt);
    opt.filter_classes = true;
    opt.keep_class[NG_APP_HTTP] = true;
    assert_int_equal(ng_dataset_load(&http, &path, 1, &opt, &err), NG_OK);
    assert_well_grouped(&http);
    size_t expected_flows = 0, expected_packets = 0;
    for (size_t i = 0; i < all.n_flows; i++)
        if (all.flows[i].app_class == NG_APP_HTTP) {
            expected_flows++;
            expected_packets += ng_flow_packets(&all.flows[i]);
        }
    assert_true(expected_flows > 0);
    assert_int_equal(http.n_flows, expected_flows);
    assert_int_equal(http.n_packets, expected_packets);
    for (size_t i = 0; i < http.n_flows; i++)
        assert_int_equal(http.flows[i].app_class, NG_APP_HTTP);
    ng_dataset_free(&all);
    ng_dataset_free(&http);
}

static void test_missing_input_is_an_error(void **state)
{
    (void)state;
    const char *path = "/nonexistent/capture.pcap";
    ng_dataset ds;
    ng_error err;
    assert_int_not_equal(ng_dataset_load(&ds, &path, 1, NULL, &err), NG_OK);
    assert_non_null(strstr(err.msg, "/nonexistent/capture.pcap"));
    assert_int_equal(ds.n_packets, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_capture),
        cmocka_unit_test(test_class_filter_on_darpa_monday),
        cmocka_unit_test(test_missing_input_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
