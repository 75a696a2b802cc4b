/* test_lora_output.c — LoRa records written as LoRaTap pcap, Semtech JSON lines and
 * gateway CSV read back field for field; same seed, same bytes; tshark dissects every
 * pcap frame as LoRaWAN with no malformed or expert errors (when tshark is installed). */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "model/lora_input.h"
#include "synth/lora_output.h"

static void make_records(ng_lora_records *recs)
{
    ng_lora_records_init(recs);
    static const uint8_t mtypes[] = {2, 4, 3, 2, 0, 1, 5, 2};
    static const uint16_t lens[] = {19, 62, 12, 13, 23, 17, 40, 255};
    for (int i = 0; i < 400; i++) {
        ng_lora_record r = {.time_ns = 1587776483000000000LL + (int64_t)i * 1234567891,
                            .dev_addr = 0x26010000u + (uint32_t)(i % 5), .fport = 1,
                            .fcnt = 70000u + (uint32_t)i, .sf = (uint8_t)(7 + i % 6),
                            .bw_khz = 125, .cr = 5, .freq_hz = 867100000u + 200000u * (uint32_t)(i % 8),
                            .chan = -1, .crc = 1, .rssi = (float)(-60 - i % 60),
                            .snr = (float)((i % 40) - 20) / 2.0f};
        r.mtype = mtypes[i % 8];
        r.phy_len = lens[i % 8];
        assert_int_equal(ng_lora_records_push(recs, &r, NULL), NG_OK);
    }
}

static void check_same(const ng_lora_records *a, const ng_lora_records *b, int snr_step4)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const ng_lora_record *x = &a->v[i], *y = &b->v[i];
        assert_int_equal(x->mtype, y->mtype);
        assert_int_equal(x->mtype >= 2 && x->mtype <= 5 && x->phy_len < 13 ? 13 : x->phy_len,
                         y->phy_len);
        assert_int_equal(x->sf, y->sf);
        assert_int_equal(x->freq_hz, y->freq_hz);
        assert_true(x->rssi == y->rssi);
        assert_true(snr_step4 ? x->snr == y->snr : (double)x->snr - y->snr < 0.051);
        if (x->mtype >= 2 && x->mtype <= 5) {
            assert_int_equal(x->dev_addr, y->dev_addr);
            assert_int_equal(x->fcnt & 0xffff, y->fcnt & 0xffff);
        }
        assert_true(x->time_ns / 1000 == y->time_ns / 1000);
    }
}

static void round_trip(const char *name, int snr_step4)
{
    ng_lora_records recs, back;
    make_records(&recs);
    ng_lora_records_init(&back);
    ng_lora_out_format f;
    ng_error err;
    const char *path = ng_test_tmp(name);
    assert_int_equal(ng_lora_out_format_from_path(path, &f, &err), NG_OK);
    assert_int_equal(ng_lora_write(path, f, &recs, 42, &err), NG_OK);
    ng_lora_input_stats st = {0};
    assert_int_equal(ng_lora_read(path, &back, &st, &err), NG_OK);
    assert_int_equal(ng_lora_stats_skipped(&st), 0);
    check_same(&recs, &back, snr_step4);
    size_t n1, n2;
    uint8_t *b1 = ng_test_read_file(path, &n1);
    assert_int_equal(ng_lora_write(path, f, &recs, 42, &err), NG_OK);
    uint8_t *b2 = ng_test_read_file(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    ng_lora_records_free(&recs);
    ng_lora_records_free(&back);
}

static void pcap_round_trip(void **state) { round_trip("out.pcap", 1); }
static void jsonl_round_trip(void **state) { round_trip("out.jsonl", 0); }
static void csv_round_trip(void **state) { round_trip("out.csv", 0); }

static void refusals(void **state)
{
    ng_lora_out_format f;
    ng_error err;
    assert_int_equal(ng_lora_out_format_from_path("x.txt", &f, &err), NG_EINVAL);
    ng_lora_records recs;
    make_records(&recs);
    assert_int_not_equal(ng_lora_write("/nonexistent-dir/x.pcap", NG_LORA_OUT_PCAP, &recs, 1, &err), NG_OK);
    ng_lora_records_free(&recs);
}

static void tshark_dissects_lorawan(void **state)
{
    if (ng_test_run("command -v tshark >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    ng_lora_records recs;
    make_records(&recs);
    const char *path = ng_test_tmp("ts.pcap");
    ng_error err;
    assert_int_equal(ng_lora_write(path, NG_LORA_OUT_PCAP, &recs, 3, &err), NG_OK);
    /* every frame has a LoRaWAN layer with a MIC; none is malformed or has an expert error */
    assert_int_equal(ng_test_run("test \"$(tshark -r %s -Y 'lorawan.mic' 2>/dev/null | wc -l)\" -eq %zu",
                                 path, recs.n), 0);
    assert_int_equal(ng_test_run("test \"$(tshark -r %s -Y '_ws.malformed || _ws.expert.severity >= warning' "
                                 "2>/dev/null | wc -l)\" -eq 0", path), 0);
    ng_lora_records_free(&recs);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcap_round_trip),
        cmocka_unit_test(jsonl_round_trip),
        cmocka_unit_test(csv_round_trip),
        cmocka_unit_test(refusals),
        cmocka_unit_test(tshark_dissects_lorawan),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
