/* test_vocab.c — vocabularies keep the most frequent values, map the rest to "other",
 * and refuse damaged JSON. */
#include "test_util.h"

#include <string.h>

#include "model/vocab.h"

static void test_build_and_lookup(void **state)
{
    (void)state;
    /* 0 x5, 1460 x4, 7 x3, 99 x3, 5 x1, 6 x1 */
    const uint32_t values[] = {0, 1460, 0, 7, 99, 0, 1460, 7, 5, 0, 99, 1460, 6, 0, 7, 99, 1460};
    ng_vocab v;
    ng_error err;
    assert_int_equal(ng_vocab_build(&v, values, sizeof values / sizeof values[0], 3, &err), NG_OK);
    assert_int_equal(v.n, 3);
    assert_int_equal(ng_vocab_size(&v), 4);
    /* top 3 by count: 0 (5), 1460 (4), then the tie 7/99 (3 each) goes to 7 */
    assert_int_equal(v.values[0], 0);
    assert_int_equal(v.values[1], 7);
    assert_int_equal(v.values[2], 1460);
    assert_int_equal(v.counts[0], 5);
    assert_int_equal(v.counts[2], 4);
    assert_int_equal(v.other_count, 5); /* 99 x3, 5, 6 */
    assert_int_equal(ng_vocab_index(&v, 0), 0);
    assert_int_equal(ng_vocab_index(&v, 7), 1);
    assert_int_equal(ng_vocab_index(&v, 1460), 2);
    assert_int_equal(ng_vocab_index(&v, 99), 3);
    assert_int_equal(ng_vocab_index(&v, 100000), 3);
}

static void test_empty_input(void **state)
{
    (void)state;
    ng_vocab v;
    ng_error err;
    assert_int_equal(ng_vocab_build(&v, NULL, 0, 8, &err), NG_OK);
    assert_int_equal(v.n, 0);
    assert_int_equal(ng_vocab_index(&v, 3), 0);
}

static void test_json_round_trip_and_damage(void **state)
{
    (void)state;
    const uint32_t values[] = {3, 1, 2, 3, 3, 2};
    ng_vocab v, back;
    ng_error err;
    assert_int_equal(ng_vocab_build(&v, values, 6, 10, &err), NG_OK);
    json_t *j = ng_vocab_to_json(&v);
    assert_int_equal(ng_vocab_from_json(&back, j, "sizes", &err), NG_OK);
    assert_memory_equal(&v, &back, sizeof v);
    json_array_set_new(json_object_get(j, "values"), 0, json_integer(9));
    assert_int_equal(ng_vocab_from_json(&back, j, "sizes", &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "sizes"));
    json_object_del(j, "counts");
    assert_int_equal(ng_vocab_from_json(&back, j, "sizes", &err), NG_EFORMAT);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_lookup),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_json_round_trip_and_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
