/* test_hashmap.c — the open-addressing map against a plain array model, including
 * deletions that exercise backward shifting across wrapped probe runs. */
#include "test_util.h"

#include <string.h>

#include "core/hashmap.h"
#include "core/rng.h"

typedef struct key3 {
    uint32_t a, b, c;
} key3;

static void test_put_get_remove_against_model(void **state)
{
    (void)state;
    enum { UNIVERSE = 5000, OPS = 200000 };
    static int model[UNIVERSE]; /* 0 = absent, else value */
    memset(model, 0, sizeof model);
    ng_hashmap map;
    ng_hashmap_init(&map, sizeof(key3), sizeof(int));
    ng_rng rng;
    ng_rng_seed(&rng, 9);
    size_t live = 0;
    for (int op = 0; op < OPS; op++) {
        uint32_t k = (uint32_t)ng_rng_below(&rng, UNIVERSE);
        key3 key = {k, k * 7u, 0xABCD};
        switch (ng_rng_below(&rng, 3)) {
        case 0: {
            bool inserted;
            int *v = ng_hashmap_put(&map, &key, &inserted);
            assert_non_null(v);
            assert_int_equal(inserted, model[k] == 0);
            if (inserted) {
                assert_int_equal(*v, 0);
                live++;
            }
            *v = model[k] = op + 1;
            break;
        }
        case 1: {
            bool removed = ng_hashmap_remove(&map, &key);
            assert_int_equal(removed, model[k] != 0);
            if (removed)
                live--;
            model[k] = 0;
            break;
        }
        default: {
            int *v = ng_hashmap_get(&map, &key);
            if (model[k])
                assert_int_equal(*v, model[k]);
            else
                assert_null(v);
        }
        }
        assert_int_equal(map.count, live);
    }
    size_t pos = 0, iterated = 0;
    const void *key;
    void *val;
    while (ng_hashmap_next(&map, &pos, &key, &val)) {
        const key3 *k = key;
        assert_int_equal(*(int *)val, model[k->a]);
        iterated++;
    }
    assert_int_equal(iterated, live);
    ng_hashmap_free(&map);
}

static void test_empty_map(void **state)
{
    (void)state;
    ng_hashmap map;
    ng_hashmap_init(&map, 4, 8);
    uint32_t k = 1;
    assert_null(ng_hashmap_get(&map, &k));
    assert_false(ng_hashmap_remove(&map, &k));
    size_t pos = 0;
    assert_false(ng_hashmap_next(&map, &pos, NULL, NULL));
    ng_hashmap_free(&map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_remove_against_model),
        cmocka_unit_test(test_empty_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
