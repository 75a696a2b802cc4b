/* test_grow.c — doubling arrays keep their contents, and an impossible size fails
 * cleanly instead of wrapping around. */
#include "test_util.h"

#include <stdint.h>

#include "core/grow.h"

static void test_grows_and_keeps_contents(void **state)
{
    (void)state;
    uint32_t *items = NULL;
    size_t cap = 0;
    for (uint32_t i = 0; i < 10000; i++) {
        assert_true(ng_grow(&items, &cap, i + 1, sizeof *items));
        assert_true(cap >= i + 1);
        items[i] = i * 3;
    }
    for (uint32_t i = 0; i < 10000; i++)
        assert_int_equal(items[i], i * 3);
    size_t before = cap;
    assert_true(ng_grow(&items, &cap, 10, sizeof *items)); /* already room: no change */
    assert_int_equal(cap, before);
    free(items);
}

static void test_impossible_size_fails(void **state)
{
    (void)state;
    uint64_t *items = NULL;
    size_t cap = 0;
    assert_false(ng_grow(&items, &cap, SIZE_MAX / 4, sizeof *items));
    assert_null(items);
    assert_int_equal(cap, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_and_keeps_contents),
        cmocka_unit_test(test_impossible_size_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
