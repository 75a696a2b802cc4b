/* test_lora_compare.c — the LoRaWAN comparison: identical uplinks score 0 everywhere
 * and pass; shifted lengths, a different SF mix and a device whose FCnt goes backwards
 * are caught; the JSON output carries the numbers. */
#include "test_util.h"

#include <string.h>

#include "report/lora_compare.h"

static void make(ng_lora_records *r, int variant)
{
    ng_lora_records_init(r);
    for (int i = 0; i < 1000; i++) {
        ng_lora_record x = {.time_ns = (int64_t)i * 1000000000LL, .dev_addr = (uint32_t)(i % 10),
                            .mtype = 2, .fcnt = (uint32_t)(i / 10), .phy_len = (uint16_t)(19 + i % 3),
                            .sf = 7, .freq_hz = 868100000u + 200000u * (uint32_t)(i % 3),
                            .rssi = (float)(-80 - i % 7), .snr = (float)(i % 9)};
        if (variant == 1)
            x.phy_len += 10;
        if (variant == 2)
            x.sf = (uint8_t)(7 + i % 6);
        if (variant == 3 && i == 500)
            x.fcnt = 0;
        assert_int_equal(ng_lora_records_push(r, &x, NULL), NG_OK);
    }
}

static void identical_and_different(void **state)
{
    ng_lora_records a, b;
    ng_lora_comparison c;
    ng_error err;
    make(&a, 0);
    make(&b, 0);
    assert_int_equal(ng_lora_compare(&a, &b, &c, &err), NG_OK);
    assert_true(c.ks_length == 0 && c.ks_iat == 0 && c.ks_rssi == 0 && c.ks_snr == 0);
    assert_true(c.jsd_sf == 0 && c.jsd_channel == 0 && c.jsd_mtype == 0);
    assert_int_equal(c.devices_real, 10);
    assert_true(ng_lora_compare_passes(&c));
    const char *path = ng_test_tmp("c.json");
    assert_int_equal(ng_lora_compare_write_json(&c, path, &err), NG_OK);
    size_t n;
    char *text = (char *)ng_test_read_file(path, &n);
    assert_non_null(strstr(text, "\"passes\": true"));
    free(text);
    for (int v = 1; v <= 3; v++) {
        ng_lora_records_free(&b);
        make(&b, v);
        assert_int_equal(ng_lora_compare(&a, &b, &c, &err), NG_OK);
        assert_false(ng_lora_compare_passes(&c));
        if (v == 1)
            assert_true(c.ks_length == 1.0);
        if (v == 2)
            assert_true(c.jsd_sf > 0.5);
        if (v == 3)
            assert_int_equal(c.fcnt_violations_synth, 1);
    }
    ng_lora_records_free(&a);
    ng_lora_records_free(&b);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_and_different),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
