/* test_lora_cli.c — `necstgen lora`: train on the shared gateway capture, generate the
 * same 43 hours as LoRaTap pcap, Semtech JSON lines and CSV, and `lora compare --check`
 * passes on each (KS <= 0.10, JSD <= 0.05, FCnt strictly increasing); tshark dissects
 * every generated frame as LoRaWAN with a MIC and nothing malformed; usage errors and
 * a file of bad rows are reported, never a crash. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *bin(void) { return NG_BINARY; }

static void usage_errors(void **state)
{
    assert_int_equal(ng_test_run("%s lora >/dev/null 2>&1", bin()), 2);
    assert_int_equal(ng_test_run("%s lora fly >/dev/null 2>&1", bin()), 2);
    assert_int_equal(ng_test_run("%s lora train -o x.ngm >/dev/null 2>&1", bin()), 2);
    assert_int_equal(ng_test_run("%s lora generate -m x >/dev/null 2>&1", bin()), 2);
    assert_int_equal(ng_test_run("%s lora generate -m x -o y --devices 0 >/dev/null 2>&1", bin()), 2);
    assert_int_equal(ng_test_run("%s lora compare a >/dev/null 2>&1", bin()), 2);
    assert_int_equal(ng_test_run("%s lora --help >/dev/null 2>&1", bin()), 0);
    assert_int_equal(ng_test_run("%s lora generate -m /nonexistent.ngm -o %s >/dev/null 2>&1", bin(),
                                 ng_test_tmp("x.pcap")), 1);
}

static void bad_rows_are_reported(void **state)
{
    const char *csv = ng_test_tmp("bad.csv");
    const char *text =
        "time,physical_payload,frequency,spreading_factor,bandwidth,rssi,snr\n"
        "2020-04-25 01:01:23+00:00,QIImASYAVXkBl4VrQJm//ccHbA==,868100000,7,125,-78,7.0\n"
        "2020-04-25 01:01:43+00:00,QIImASYAVnkBsOMae0N5zfBR6w==,868300000,7,125,-79,7.5\n"
        "2020-04-25 01:02:03+00:00,%%%%,868300000,7,125,-79,7.5\n"
        "2020-04-25 01:02:23+00:00,QIIm,868300000,7,125,-79,7.5\n"
        "2020-04-25 01:02:43+00:00\n";
    ng_test_write_file(csv, text, strlen(text));
    const char *log = ng_test_tmp("train.log");
    assert_int_equal(ng_test_run("%s lora train %s -o %s 2>%s", bin(), csv, ng_test_tmp("b.ngm"), log), 0);
    assert_int_equal(ng_test_run("grep -q '2 uplinks read, 3 skipped (1 bad base64, 1 bad PHYPayload, 1 bad CSV row)' %s", log), 0);
    assert_int_equal(ng_test_run("%s lora generate -m %s -o %s 2>/dev/null", bin(), ng_test_tmp("b.ngm"),
                                 ng_test_tmp("b.pcap")), 0);
}

static void shared_capture_end_to_end(void **state)
{
    NG_REQUIRE_SHARED(csv, "lorawan/gateway-uplinks-fport1.csv");
    const char *model = ng_test_tmp("lora.ngm");
    assert_int_equal(ng_test_run("%s lora train %s -o %s 2>/dev/null", bin(), csv, model), 0);
    static const char *outs[] = {"s.pcap", "s.jsonl", "s.csv"};
    for (int i = 0; i < 3; i++) {
        char out[1024];
        snprintf(out, sizeof out, "%s", ng_test_tmp(outs[i]));
        assert_int_equal(ng_test_run("%s lora generate -m %s -o %s --seed 5 2>/dev/null", bin(), model, out), 0);
        assert_int_equal(ng_test_run("%s lora compare %s %s --check --json %s.json >/dev/null", bin(), csv,
                                     out, out), 0);
    }
    if (ng_test_run("command -v tshark >/dev/null 2>&1") != 0)
        return;
    const char *pcap = ng_test_tmp("s.pcap");
    assert_int_equal(ng_test_run("test \"$(tshark -r %s 2>/dev/null | wc -l)\" -gt 9000", pcap), 0);
    assert_int_equal(ng_test_run("test \"$(tshark -r %s 2>/dev/null | wc -l)\" -eq "
                                 "\"$(tshark -r %s -Y 'lorawan.mic && lorawan.fhdr.devaddr' 2>/dev/null | wc -l)\"",
                                 pcap, pcap), 0);
    assert_int_equal(ng_test_run("test \"$(tshark -r %s -Y '_ws.malformed || _ws.expert.severity >= warning' "
                                 "2>/dev/null | wc -l)\" -eq 0", pcap), 0);
}

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(bad_rows_are_reported),
        cmocka_unit_test(shared_capture_end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
