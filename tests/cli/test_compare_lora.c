/* test_compare_lora.c — `necstgen compare` recognises LoRaWAN uplink inputs (gateway CSV,
 * LoRaTap pcap) and scores them with the LoRaWAN quantities; ordinary captures are not
 * mistaken for them. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int teardown(void **state)
{
    ng_test_cleanup_tmpdir();
    return 0;
}

static char *read_text(const char *path)
{
    size_t len;
    uint8_t *data = ng_test_read_file(path, &len);
    char *text = realloc(data, len + 1);
    text[len] = '\0';
    return text;
}

static void test_lora_inputs_are_routed(void **state)
{
    NG_REQUIRE_SHARED(csv, "lorawan/gateway-uplinks-fport1.csv");
    const char *bin = ng_test_binary();
    char model[1024], synth[1024], out[1024];
    snprintf(model, sizeof model, "%s", ng_test_tmp("lora.ngm"));
    snprintf(synth, sizeof synth, "%s", ng_test_tmp("lora.pcap"));
    snprintf(out, sizeof out, "%s", ng_test_tmp("out.txt"));
    assert_int_equal(ng_test_run("%s -q lora train '%s' -o '%s'", bin, csv, model), 0);
    assert_int_equal(ng_test_run("%s -q lora generate -m '%s' -o '%s'", bin, model, synth), 0);
    assert_int_equal(ng_test_run("%s compare '%s' '%s' >'%s' 2>&1", bin, csv, synth, out), 0);
    char *text = read_text(out);
    assert_non_null(strstr(text, "KS per-device inter-arrival"));
    assert_non_null(strstr(text, "JSD SF mix"));
    free(text);
    /* options only the packet comparison has are refused, not ignored */
    assert_int_equal(ng_test_run("%s compare '%s' '%s' --html x.html >'%s' 2>&1", bin, csv,
                                 synth, out), 2);
    text = read_text(out);
    assert_non_null(strstr(text, "LoRaWAN uplinks"));
    free(text);
}

static void test_ordinary_captures_are_not_lora(void **state)
{
    const char *bin = ng_test_binary();
    const char *tiny = ng_test_data("tiny.pcap");
    char out[1024];
    snprintf(out, sizeof out, "%s", ng_test_tmp("out.txt"));
    assert_int_equal(ng_test_run("%s compare '%s' '%s' >'%s' 2>&1", bin, tiny, tiny, out), 0);
    char *text = read_text(out);
    assert_non_null(strstr(text, "Frame length"));
    assert_null(strstr(text, "JSD SF mix"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lora_inputs_are_routed),
        cmocka_unit_test(test_ordinary_captures_are_not_lora),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
