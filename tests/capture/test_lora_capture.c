/* test_lora_capture.c — LoRaWAN decoding and inputs: base64, the PHYPayload decoder
 * (data, join request/accept, short frames), the gateway CSV reader on good, bad and
 * real rows, timestamps, datarate strings, and LoRaTap headers and pcaps. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "capture/lora_base64.h"
#include "capture/lora_csv.h"
#include "capture/lora_frame.h"
#include "capture/lora_record.h"
#include "capture/lora_tap.h"

static void base64_round_trip_and_refusals(void **state)
{
    uint8_t in[40], out[40];
    char b64[64];
    for (size_t n = 0; n < sizeof in; n++) {
        for (size_t i = 0; i < n; i++)
            in[i] = (uint8_t)(i * 37 + n);
        size_t len = ng_base64_encode(in, n, b64);
        assert_int_equal(ng_base64_decode(b64, len, out, sizeof out), (long)n);
        assert_memory_equal(in, out, n);
    }
    assert_int_equal(ng_base64_decode("QUJD", 4, out, sizeof out), 3);
    assert_memory_equal(out, "ABC", 3);
    assert_int_equal(ng_base64_decode("QUI", 3, out, sizeof out), 2); /* unpadded */
    assert_int_equal(ng_base64_decode("QU!D", 4, out, sizeof out), -1);
    assert_int_equal(ng_base64_decode("Q", 1, out, sizeof out), -1);
    assert_int_equal(ng_base64_decode("QUI=Q", 5, out, sizeof out), -1);
    assert_int_equal(ng_base64_decode("QUJDRA==", 8, out, 3), -1); /* no room */
}

/* The first uplink of the shared capture: device 26012682, FCnt 0x7955 = 31061. */
static void decode_data_uplink(void **state)
{
    uint8_t b[64];
    const char *p = "QIImASYAVXkBl4VrQJm//ccHbA==";
    long n = ng_base64_decode(p, strlen(p), b, sizeof b);
    assert_int_equal(n, 19);
    ng_lora_frame f;
    ng_error err;
    assert_int_equal(ng_lora_frame_decode(b, (size_t)n, &f, &err), NG_OK);
    assert_int_equal(f.mtype, NG_LORA_UNCONF_UP);
    assert_int_equal(f.major, 0);
    assert_true(f.is_data);
    assert_int_equal(f.dev_addr, 0x26012682u);
    assert_int_equal(f.fopts_len, 0);
    assert_int_equal(f.fcnt, 31061 & 0xffff);
    assert_int_equal(f.fport, 1);
    assert_int_equal(f.frm_len, 19 - 13);
    assert_int_equal(f.len, 19);
}

static void decode_fopts_join_and_short(void **state)
{
    ng_lora_frame f;
    ng_error err;
    /* ConfirmedDataUp, ADR+ACK, 2 FOpts bytes, no FPort */
    uint8_t d[] = {0x80, 1, 2, 3, 4, 0xa2, 0x10, 0x00, 0x02, 0x03, 9, 9, 9, 9};
    assert_int_equal(ng_lora_frame_decode(d, sizeof d, &f, &err), NG_OK);
    assert_int_equal(f.mtype, NG_LORA_CONF_UP);
    assert_true(f.adr && f.ack);
    assert_int_equal(f.fopts_len, 2);
    assert_int_equal(f.fport, -1);
    assert_int_equal(f.fcnt, 16);
    assert_int_equal(f.dev_addr, 0x04030201u);
    /* FOptsLen larger than the frame */
    d[5] = 0x0f;
    assert_int_equal(ng_lora_frame_decode(d, sizeof d, &f, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "FOptsLen"));
    /* shorter than a data header */
    assert_int_equal(ng_lora_frame_decode(d, 7, &f, &err), NG_EFORMAT);
    assert_int_equal(ng_lora_frame_decode(d, 0, &f, &err), NG_EFORMAT);
    uint8_t j[23] = {0x00};
    assert_int_equal(ng_lora_frame_decode(j, 23, &f, &err), NG_OK);
    assert_int_equal(f.mtype, NG_LORA_JOIN_REQUEST);
    assert_false(f.is_data);
    assert_int_equal(ng_lora_frame_decode(j, 22, &f, &err), NG_EFORMAT);
    j[0] = 0x20;
    assert_int_equal(ng_lora_frame_decode(j, 17, &f, &err), NG_OK);
    assert_int_equal(f.mtype, NG_LORA_JOIN_ACCEPT);
    assert_int_equal(ng_lora_frame_decode(j, 20, &f, &err), NG_EFORMAT);
}

static void build_then_decode(void **state)
{
    ng_rng rng;
    ng_rng_seed(&rng, 7);
    for (uint8_t mt = 0; mt < 8; mt++) {
        for (size_t len = 0; len < 70; len += 7) {
            ng_lora_frame in = {.mtype = mt, .dev_addr = 0xdeadbeef, .fctrl = 0x80,
                                .fcnt = 513, .fport = 3}, out;
            uint8_t b[NG_LORA_MAX_PHY];
            ng_error err;
            size_t n = ng_lora_frame_build(&in, len, &rng, b);
            assert_true(n >= ng_lora_frame_min_len(mt));
            assert_int_equal(ng_lora_frame_decode(b, n, &out, &err), NG_OK);
            assert_int_equal(out.mtype, mt);
            if (!out.is_data)
                continue;
            assert_int_equal(n, len < 13 ? 13 : len);
            assert_int_equal(out.dev_addr, 0xdeadbeef);
            assert_int_equal(out.fcnt, 513);
            assert_int_equal(out.fopts_len, 0);
            assert_int_equal(out.fport, 3);
        }
    }
}

static void text_parsers(void **state)
{
    int64_t ns;
    assert_int_equal(ng_lora_time_parse("2020-04-25 01:01:23.562519+00:00", &ns), 0);
    assert_true(ns == 1587776483562519000LL);
    assert_int_equal(ng_lora_time_parse("2020-04-25T03:01:23.562519+02:00", &ns), 0);
    assert_true(ns == 1587776483562519000LL);
    assert_int_equal(ng_lora_time_parse("2020-04-25T01:01:23Z", &ns), 0);
    assert_true(ns == 1587776483000000000LL);
    assert_int_equal(ng_lora_time_parse("2020-04-25", &ns), -1);
    assert_int_equal(ng_lora_time_parse("2020-13-25 01:01:23", &ns), -1);
    char buf[40];
    ng_lora_time_format(1587776483562519000LL, buf, sizeof buf);
    assert_string_equal(buf, "2020-04-25T01:01:23.562519Z");
    uint8_t sf;
    uint16_t bw;
    assert_int_equal(ng_lora_datr_parse("SF7BW125", &sf, &bw), 0);
    assert_int_equal(sf, 7);
    assert_int_equal(bw, 125);
    assert_int_equal(ng_lora_datr_parse("SF12BW500", &sf, &bw), 0);
    assert_int_equal(ng_lora_datr_parse("SF13BW125", &sf, &bw), -1);
    assert_int_equal(ng_lora_datr_parse("50000", &sf, &bw), -1);
    assert_int_equal(ng_lora_datr_parse("SF7BW", &sf, &bw), -1);
    assert_int_equal(ng_lora_datr_parse(NULL, &sf, &bw), -1);
    assert_int_equal(ng_lora_codr_parse("4/5"), 5);
    assert_int_equal(ng_lora_codr_parse("OFF"), 0);
}

static const char *csv_text =
    "time,device_address,physical_payload,gateway,crc_status,frequency,spreading_factor,"
    "bandwidth,code_rate,rssi,snr,size,mtype,fcnt,fport,payload_length\n"
    "2020-04-25 01:01:23.562519+00:00,26012682,QIImASYAVXkBl4VrQJm//ccHbA==,g,1,867500000,7.0,125.0,4/5,-78,7.0,-1,10,31061,1.0,28\n"
    "2020-04-25 01:01:24.000000+00:00,26012682,QIImA!!!VXkBl4VrQJm//ccHbA==,g,1,867500000,7.0,125.0,4/5,-78,7.0,-1,10,31061,1.0,28\n"
    "2020-04-25 01:01:25.000000+00:00,26012682,QIImASY=,g,1,867500000,7.0,125.0,4/5,-78,7.0,-1,10,31061,1.0,28\n"
    "2020-04-25 01:01:26.000000+00:00,26012682,QIImASYAVXkBl4VrQJm//ccHbA==,g,1,867500000\n"
    "not a time,26012682,QIImASYAVXkBl4VrQJm//ccHbA==,g,1,867500000,7.0,125.0,4/5,-78,7.0,-1,10,31061,1.0,28\n"
    "2020-04-25 01:01:27.000000+00:00,26012682,QIImASYAVXkBl4VrQJm//ccHbA==,g,1,867500000,7.0,125.0,4/5,-80,x,-1,10,31061,1.0,28\n"
    "\n"
    "2020-04-25 01:01:28.000000+00:00,26012682,QIImASYAVnkBsOMae0N5zfBR6w==,g,1,868100000,12.0,125.0,4/5,-101,-7.5,-1,10,31062,1.0,28\n";

static void csv_good_and_bad_rows(void **state)
{
    const char *path = ng_test_tmp("rows.csv");
    ng_test_write_file(path, csv_text, strlen(csv_text));
    ng_lora_records recs;
    ng_lora_records_init(&recs);
    ng_lora_input_stats st = {0};
    ng_error err;
    assert_int_equal(ng_lora_csv_read(path, &recs, &st, &err), NG_OK);
    assert_int_equal(recs.n, 2);
    assert_int_equal(st.read, 2);
    assert_int_equal(st.bad[NG_LORA_BAD_BASE64], 1);
    assert_int_equal(st.bad[NG_LORA_BAD_FRAME], 1);
    assert_int_equal(st.bad[NG_LORA_BAD_ROW], 3);
    assert_int_equal(ng_lora_stats_skipped(&st), 5);
    assert_non_null(strstr(st.first, "line 3"));
    const ng_lora_record *r = &recs.v[1];
    assert_int_equal(r->dev_addr, 0x26012682u);
    assert_int_equal(r->fcnt, 31062);
    assert_int_equal(r->sf, 12);
    assert_int_equal(r->freq_hz, 868100000u);
    assert_int_equal(r->phy_len, 19);
    assert_int_equal(r->fport, 1);
    assert_int_equal(r->cr, 5);
    assert_true(r->rssi == -101.0f && r->snr == -7.5f);
    ng_lora_records_free(&recs);
    const char *bad = ng_test_tmp("bad.csv");
    ng_test_write_file(bad, "a,b,c\n1,2,3\n", 12);
    assert_int_equal(ng_lora_csv_read(bad, &recs, &st, &err), NG_EFORMAT);
    assert_int_equal(ng_lora_csv_read(ng_test_tmp("missing.csv"), &recs, &st, &err), NG_EIO);
    ng_lora_records_free(&recs);
}

static void shared_gateway_csv(void **state)
{
    NG_REQUIRE_SHARED(path, "lorawan/gateway-uplinks-fport1.csv");
    ng_lora_records recs;
    ng_lora_records_init(&recs);
    ng_lora_input_stats st = {0};
    ng_error err;
    assert_int_equal(ng_lora_csv_read(path, &recs, &st, &err), NG_OK);
    assert_int_equal(recs.n, 10000);
    assert_int_equal(ng_lora_stats_skipped(&st), 0);
    size_t up = 0, len19 = 0;
    for (size_t i = 0; i < recs.n; i++) {
        up += recs.v[i].mtype == NG_LORA_UNCONF_UP;
        len19 += recs.v[i].phy_len == 19;
        assert_int_equal(recs.v[i].fport, 1);
        assert_int_equal(recs.v[i].bw_khz, 125);
    }
    assert_int_equal(up, 9422);
    assert_int_equal(len19, 6866);
    ng_lora_records_free(&recs);
}

static void loratap_header_and_pcap(void **state)
{
    ng_lora_record r = {.time_ns = 1587776483562519123LL, .freq_hz = 868100000, .bw_khz = 125,
                        .sf = 9, .rssi = -97, .snr = -3.25f, .crc = 1}, back;
    uint8_t h[NG_LORATAP_HDR_LEN];
    ng_loratap_header_encode(&r, h);
    memset(&back, 0, sizeof back);
    assert_int_equal(ng_loratap_header_decode(h, sizeof h, &back), NG_LORATAP_HDR_LEN);
    assert_int_equal(back.freq_hz, r.freq_hz);
    assert_int_equal(back.sf, 9);
    assert_int_equal(back.bw_khz, 125);
    assert_true(back.rssi == -97.0f && back.snr == -3.2f); /* 0.1 dB, half-even */
    assert_int_equal(ng_loratap_header_decode(h, 10, &back), -1);

    const char *path = ng_test_tmp("lora.pcap");
    ng_writer *w;
    ng_error err;
    assert_int_equal(ng_lora_tap_open(&w, path, &err), NG_OK);
    ng_rng rng;
    ng_rng_seed(&rng, 1);
    ng_lora_frame f = {.mtype = 2, .dev_addr = 0x26012682, .fcnt = 7, .fport = 1};
    uint8_t phy[64];
    size_t n = ng_lora_frame_build(&f, 19, &rng, phy);
    assert_int_equal(ng_lora_tap_write(w, &r, phy, n, &err), NG_OK);
    assert_int_equal(ng_lora_tap_write(w, &r, phy, 5, &err), NG_OK); /* short: skipped */
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    ng_lora_records recs;
    ng_lora_records_init(&recs);
    ng_lora_input_stats st = {0};
    assert_int_equal(ng_lora_tap_read(path, &recs, &st, &err), NG_OK);
    assert_int_equal(recs.n, 1);
    assert_int_equal(st.bad[NG_LORA_BAD_FRAME], 1);
    assert_true(recs.v[0].time_ns == r.time_ns);
    assert_int_equal(recs.v[0].dev_addr, 0x26012682u);
    assert_int_equal(recs.v[0].fcnt, 7);
    assert_int_equal(recs.v[0].phy_len, 19);
    assert_int_equal(recs.v[0].sf, 9);
    ng_lora_records_free(&recs);
    assert_int_equal(ng_lora_tap_read(ng_test_data("tiny.pcap"), &recs, &st, &err), NG_EUNSUPPORTED);
}

/* 3000 mutants of the CSV (byte flips, commas, newlines, cut lines) and of LoRaTap
 * frames: every one is read or refused, never a crash (run under ASan/UBSan in CI). */
static void mutants_never_crash(void **state)
{
    ng_rng rng;
    ng_rng_seed(&rng, 99);
    size_t len = strlen(csv_text);
    char *buf = malloc(len + 1);
    static const char specials[] = ",\n=+/.-0123456789";
    for (int m = 0; m < 3000; m++) {
        memcpy(buf, csv_text, len + 1);
        for (int k = 0; k < 1 + m % 8; k++) {
            size_t at = (size_t)ng_rng_below(&rng, len);
            buf[at] = m % 2 ? specials[ng_rng_below(&rng, sizeof specials - 1)]
                            : (char)(1 + ng_rng_below(&rng, 255));
        }
        size_t cut = m % 5 == 0 ? (size_t)ng_rng_below(&rng, len) : len;
        FILE *fp = fmemopen(buf, cut ? cut : 1, "r");
        assert_non_null(fp);
        ng_lora_records recs;
        ng_lora_records_init(&recs);
        ng_lora_input_stats st = {0};
        ng_error err;
        ng_status s = ng_lora_csv_read_fp(fp, "mutant", &recs, &st, &err);
        assert_true(s == NG_OK || s == NG_EFORMAT);
        assert_true(st.read == recs.n && recs.n <= 9);
        fclose(fp);
        ng_lora_records_free(&recs);
    }
    free(buf);
    const char *path = ng_test_tmp("mut.pcap");
    ng_writer *w;
    ng_error err;
    assert_int_equal(ng_lora_tap_open(&w, path, &err), NG_OK);
    for (int m = 0; m < 3000; m++) {
        uint8_t f[80];
        uint32_t n = (uint32_t)ng_rng_below(&rng, sizeof f);
        for (uint32_t i = 0; i < n; i++)
            f[i] = (uint8_t)ng_rng_below(&rng, 256);
        if (n > 4 && m % 2) {
            f[0] = 0;
            f[2] = 0;
            f[3] = (uint8_t)(m % 3 ? 15 : ng_rng_below(&rng, 256));
        }
        assert_int_equal(ng_writer_write(w, m, f, n, n, &err), NG_OK);
    }
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    ng_lora_records recs;
    ng_lora_records_init(&recs);
    ng_lora_input_stats st = {0};
    assert_int_equal(ng_lora_tap_read(path, &recs, &st, &err), NG_OK);
    assert_int_equal(recs.n + ng_lora_stats_skipped(&st), 3000);
    assert_true(st.bad[NG_LORA_BAD_RADIO] > 0 && st.bad[NG_LORA_BAD_FRAME] > 0 && recs.n > 0);
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
        cmocka_unit_test(base64_round_trip_and_refusals),
        cmocka_unit_test(decode_data_uplink),
        cmocka_unit_test(decode_fopts_join_and_short),
        cmocka_unit_test(build_then_decode),
        cmocka_unit_test(text_parsers),
        cmocka_unit_test(csv_good_and_bad_rows),
        cmocka_unit_test(shared_gateway_csv),
        cmocka_unit_test(loratap_header_and_pcap),
        cmocka_unit_test(mutants_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
