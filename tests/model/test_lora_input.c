/* test_lora_input.c — Semtech packet-forwarder JSON lines (rxpk arrays and bare rxpk
 * objects, bad lines, unknown datr) and the content sniffing of model/lora_input.h. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "core/rng.h"

#include "model/lora_input.h"
#include "model/lora_semtech.h"

static const char *jsonl =
    "{\"rxpk\":[{\"time\":\"2020-04-25T01:01:23.562519Z\",\"tmst\":3512348611,\"chan\":2,"
    "\"rfch\":0,\"freq\":867.500000,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\","
    "\"codr\":\"4/5\",\"rssi\":-78,\"lsnr\":7.0,\"size\":19,\"data\":\"QIImASYAVXkBl4VrQJm//ccHbA==\"},"
    "{\"tmst\":1000000,\"freq\":868.1,\"stat\":-1,\"modu\":\"LORA\",\"datr\":\"SF12BW125\","
    "\"codr\":\"4/5\",\"rssi\":-110,\"lsnr\":-12.5,\"size\":19,\"data\":\"QIImASYAVnkBsOMae0N5zfBR6w==\"}]}\n"
    "\n"
    "{\"time\":\"2020-04-25T01:01:25Z\",\"freq\":868.3,\"datr\":\"SF7BW125\",\"rssi\":-80,\"lsnr\":5,\"data\":\"QIImASYAV3kBklnzkggty4RtCA==\"}\n"
    "{\"time\":\"2020-04-25T01:01:26Z\",\"freq\":868.3,\"datr\":\"SF77\",\"rssi\":-80,\"lsnr\":5,\"data\":\"QIImASYAV3kBklnzkggty4RtCA==\"}\n"
    "{\"time\":\"2020-04-25T01:01:26Z\",\"freq\":868.3,\"modu\":\"FSK\",\"datr\":50000,\"data\":\"QIImASYAV3kBklnzkggty4RtCA==\"}\n"
    "{\"time\":\"2020-04-25T01:01:27Z\",\"freq\":868.3,\"datr\":\"SF7BW125\",\"data\":\"@@@@\"}\n"
    "{\"time\":\"2020-04-25T01:01:27Z\",\"freq\":868.3,\"datr\":\"SF7BW125\",\"data\":\"QIIm\"}\n"
    "{\"time\":\"2020-04-25T01:01:27Z\",\"freq\":\"x\",\"datr\":\"SF7BW125\",\"data\":\"QIImASYAV3kBklnzkggty4RtCA==\"}\n"
    "not json at all\n"
    "[1,2]\n"
    "{\"rxpk\":5}\n"
    "{\"stat\":{\"time\":\"x\"}}\n";

static void semtech_lines(void **state)
{
    const char *path = ng_test_tmp("up.jsonl");
    ng_test_write_file(path, jsonl, strlen(jsonl));
    ng_lora_records recs;
    ng_lora_records_init(&recs);
    ng_lora_input_stats st = {0};
    ng_error err;
    assert_int_equal(ng_lora_semtech_read(path, &recs, &st, &err), NG_OK);
    assert_int_equal(recs.n, 3);
    assert_int_equal(st.bad[NG_LORA_BAD_DATR], 2);
    assert_int_equal(st.bad[NG_LORA_BAD_BASE64], 1);
    assert_int_equal(st.bad[NG_LORA_BAD_FRAME], 1);
    assert_int_equal(st.bad[NG_LORA_BAD_JSON], 5);
    const ng_lora_record *a = &recs.v[0], *b = &recs.v[1];
    assert_true(a->time_ns == 1587776483562519000LL);
    assert_int_equal(a->chan, 2);
    assert_int_equal(a->freq_hz, 867500000u);
    assert_int_equal(a->sf, 7);
    assert_int_equal(a->dev_addr, 0x26012682u);
    assert_int_equal(a->phy_len, 19);
    assert_true(b->time_ns == 1000000000LL); /* tmst in microseconds */
    assert_int_equal(b->crc, -1);
    assert_int_equal(b->sf, 12);
    assert_true(b->snr == -12.5f);
    ng_lora_records_free(&recs);
}

static void sniffing(void **state)
{
    ng_lora_input_kind k;
    ng_error err;
    const char *j = ng_test_tmp("x.txt");
    ng_test_write_file(j, "  \n{\"rxpk\":[]}\n", 15);
    assert_int_equal(ng_lora_input_sniff(j, &k, &err), NG_OK);
    assert_int_equal(k, NG_LORA_IN_SEMTECH);
    assert_int_equal(ng_lora_input_sniff(ng_test_data("tiny.pcap"), &k, &err), NG_OK);
    assert_int_equal(k, NG_LORA_IN_LORATAP);
    ng_lora_records recs;
    ng_lora_records_init(&recs);
    ng_lora_input_stats st = {0};
    assert_int_equal(ng_lora_read(ng_test_data("tiny.pcap"), &recs, &st, &err), NG_EUNSUPPORTED);
    assert_int_equal(ng_lora_read(ng_test_tmp("nope"), &recs, &st, &err), NG_EIO);
    NG_REQUIRE_SHARED(csv, "lorawan/gateway-uplinks-fport1.csv");
    assert_int_equal(ng_lora_read(csv, &recs, &st, &err), NG_OK);
    assert_int_equal(recs.n, 10000);
    for (size_t i = 1; i < recs.n; i++)
        assert_true(recs.v[i].time_ns >= recs.v[i - 1].time_ns);
    ng_lora_records_free(&recs);
}

/* 3000 mutants of the JSON lines: read or skipped, never a crash (ASan/UBSan in CI). */
static void semtech_mutants(void **state)
{
    ng_rng rng;
    ng_rng_seed(&rng, 5);
    size_t len = strlen(jsonl);
    char *buf = malloc(len + 1);
    static const char specials[] = "{}[]\":,9e-.\n";
    for (int m = 0; m < 3000; m++) {
        memcpy(buf, jsonl, len + 1);
        for (int k = 0; k < 1 + m % 6; k++)
            buf[ng_rng_below(&rng, len)] = m % 2 ? specials[ng_rng_below(&rng, sizeof specials - 1)]
                                                 : (char)(1 + ng_rng_below(&rng, 255));
        FILE *fp = fmemopen(buf, len, "r");
        assert_non_null(fp);
        ng_lora_records recs;
        ng_lora_records_init(&recs);
        ng_lora_input_stats st = {0};
        ng_error err;
        assert_int_equal(ng_lora_semtech_read_fp(fp, "mutant", &recs, &st, &err), NG_OK);
        assert_true(recs.n == st.read && recs.n <= 4);
        fclose(fp);
        ng_lora_records_free(&recs);
    }
    free(buf);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(semtech_lines),
        cmocka_unit_test(sniffing),
        cmocka_unit_test(semtech_mutants),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
