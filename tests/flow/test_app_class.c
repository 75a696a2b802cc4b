/* test_app_class.c — the port table: server port first, lower port when both known. */
#include <string.h>

#include "test_util.h"

#include "flow/app_class.h"

static void test_server_port_decides(void **state)
{
    assert_int_equal(ng_app_class_of(6, 40000, 80), NG_APP_HTTP);
    assert_int_equal(ng_app_class_of(6, 40000, 443), NG_APP_TLS);
    assert_int_equal(ng_app_class_of(17, 40000, 443), NG_APP_QUIC);
    assert_int_equal(ng_app_class_of(17, 40000, 53), NG_APP_DNS);
    assert_int_equal(ng_app_class_of(6, 40000, 53), NG_APP_DNS);
    assert_int_equal(ng_app_class_of(6, 40000, 25), NG_APP_SMTP);
    assert_int_equal(ng_app_class_of(6, 40000, 502), NG_APP_MODBUS);
    assert_int_equal(ng_app_class_of(6, 40000, 102), NG_APP_S7);
    assert_int_equal(ng_app_class_of(17, 5353, 5353), NG_APP_MDNS);
    assert_int_equal(ng_app_class_of(17, 40000, 161), NG_APP_SNMP);
}

static void test_protocol_matters(void **state)
{
    assert_int_equal(ng_app_class_of(17, 40000, 80), NG_APP_OTHER_UDP); /* http is TCP */
    assert_int_equal(ng_app_class_of(6, 40000, 123), NG_APP_OTHER_TCP); /* ntp is UDP */
    assert_int_equal(ng_app_class_of(1, 0, 0), NG_APP_NOFLOW);
    assert_int_equal(ng_app_class_of(0, 0, 0), NG_APP_NOFLOW);
}

static void test_both_known_lower_wins(void **state)
{
    assert_int_equal(ng_app_class_of(17, 53, 5353), NG_APP_DNS);
    assert_int_equal(ng_app_class_of(6, 20, 21), NG_APP_FTP_DATA);
    /* Only the client port is known (client/server guessed wrong): still classified. */
    assert_int_equal(ng_app_class_of(6, 80, 40000), NG_APP_HTTP);
}

static void test_names_round_trip(void **state)
{
    for (int c = 0; c < NG_APP_COUNT; c++) {
        const char *name = ng_app_class_name((ng_app_class)c);
        assert_non_null(name);
        assert_true(strlen(name) > 0);
        assert_int_equal(ng_app_class_from_name(name), c);
    }
    assert_string_equal(ng_app_class_name(NG_APP_NOFLOW), "no-flow");
    assert_string_equal(ng_app_class_name(NG_APP_OTHER_TCP), "other-tcp");
    assert_string_equal(ng_app_class_name(NG_APP_COUNT), "?");
    assert_int_equal(ng_app_class_from_name("nope"), -1);
    assert_int_equal(ng_app_class_from_name(NULL), -1); /* a JSON field that is not a string */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_port_decides),
        cmocka_unit_test(test_protocol_matters),
        cmocka_unit_test(test_both_known_lower_wins),
        cmocka_unit_test(test_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
