/* test_tuple_set.c — TCP 4-tuples of a run: a reused tuple moves to a free client port;
 * a tuple stays taken for at least NG_TUPLE_SET_GENERATION later flows and is free
 * again after two generations; 5000 plans on one client/server pair get 5000 distinct
 * ports; memory stays bounded (two generations) over 300,000 flows; a retry of a
 * refused attempt finds the port that attempt's claim moved to; a connection with its
 * roles turned round is the same tuple. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "synth/tuple_set.h"

static ng_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    ng_addr x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.bytes[0] = a, x.bytes[1] = b, x.bytes[2] = c, x.bytes[3] = d;
    return x;
}

/* Claims (client, port) -> server:80; returns the port it got. */
static uint16_t claim(ng_tuple_set *t, ng_addr client, uint16_t port, bool *moved)
{
    ng_addr server = v4(10, 0, 0, 1);
    ng_error err;
    assert_int_equal(ng_tuple_set_claim(t, &client, &port, &server, 80, NULL, moved, &err),
                     NG_OK);
    return port;
}

/* n claims of tuples nobody else uses (distinct client addresses). */
static void fill(ng_tuple_set *t, uint32_t n, uint32_t salt)
{
    for (uint32_t i = 0; i < n; i++) {
        bool moved;
        claim(t, v4(172, (uint8_t)salt, (uint8_t)(i >> 8), (uint8_t)i), (uint16_t)(1024 + (i >> 16)),
              &moved);
        assert_false(moved);
    }
}

static void test_reuse_moves_until_two_generations_pass(void **state)
{
    (void)state;
    ng_tuple_set t;
    ng_tuple_set_init(&t);
    bool moved;
    ng_addr client = v4(192, 168, 1, 2);
    assert_int_equal(claim(&t, client, 40000, &moved), 40000);
    assert_false(moved);
    uint16_t again = claim(&t, client, 40000, &moved);
    assert_true(moved);
    assert_int_not_equal(again, 40000);
    fill(&t, NG_TUPLE_SET_GENERATION, 1); /* one generation later: still taken */
    claim(&t, client, 40000, &moved);
    assert_true(moved);
    fill(&t, 2 * NG_TUPLE_SET_GENERATION, 2); /* two more: forgotten, as after TIME_WAIT */
    assert_int_equal(claim(&t, client, 40000, &moved), 40000);
    assert_false(moved);
    assert_true(t.recent.count <= NG_TUPLE_SET_GENERATION);
    assert_true(t.older.count <= NG_TUPLE_SET_GENERATION);
    ng_tuple_set_free(&t);
}

static void test_one_pair_gets_distinct_ports(void **state)
{
    (void)state;
    ng_tuple_set t;
    ng_tuple_set_init(&t);
    static uint8_t seen[65536];
    memset(seen, 0, sizeof seen);
    size_t moved_count = 0;
    for (int i = 0; i < 5000; i++) {
        bool moved;
        uint16_t port = claim(&t, v4(192, 168, 1, 2), 50000, &moved);
        assert_false(seen[port]);
        seen[port] = 1;
        moved_count += moved;
    }
    assert_int_equal(moved_count, 4999);
    ng_tuple_set_free(&t);
}

static void test_memory_stays_bounded(void **state)
{
    (void)state;
    ng_tuple_set t;
    ng_tuple_set_init(&t);
    fill(&t, 300000, 3);
    printf("  after 300000 flows: %zu + %zu tuples held\n", t.recent.count, t.older.count);
    assert_true(t.recent.count + t.older.count <= 2 * NG_TUPLE_SET_GENERATION);
    ng_tuple_set_free(&t);
}

/* The same connection with the roles turned round (a session split by the idle timeout
 * comes back mid-stream, its first packet the server's) is the same tuple: it moves. */
static void test_roles_turned_round_are_one_tuple(void **state)
{
    (void)state;
    ng_tuple_set t;
    ng_tuple_set_init(&t);
    ng_addr a = v4(172, 16, 113, 84), b = v4(192, 168, 1, 20);
    uint16_t port_a = 2638, port_b = 6667;
    bool moved;
    ng_error err;
    assert_int_equal(ng_tuple_set_claim(&t, &a, &port_a, &b, 6667, NULL, &moved, &err), NG_OK);
    assert_false(moved);
    assert_int_equal(ng_tuple_set_claim(&t, &b, &port_b, &a, 2638, NULL, &moved, &err), NG_OK);
    assert_true(moved);
    assert_int_not_equal(port_b, 6667);
    ng_tuple_set_free(&t);
}

/* A refused attempt whose planned tuple was taken moved; its retries, planned on the same
 * tuple, follow it to the new port. A tuple that never moved keeps its port. */
static void test_retry_follows_a_moved_attempt(void **state)
{
    (void)state;
    ng_tuple_set t;
    ng_tuple_set_init(&t);
    ng_addr client = v4(192, 168, 1, 7), server = v4(10, 0, 0, 1);
    bool moved;
    claim(&t, client, 4092, &moved);
    uint16_t attempt = claim(&t, client, 4092, &moved);
    assert_true(moved);
    for (int retry = 0; retry < 3; retry++) {
        uint16_t port = 4092;
        ng_tuple_set_retry(&t, &client, &port, &server, 80);
        assert_int_equal(port, attempt);
    }
    uint16_t port = 5000;
    ng_tuple_set_retry(&t, &client, &port, &server, 80);
    assert_int_equal(port, 5000);
    ng_tuple_set_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_moves_until_two_generations_pass),
        cmocka_unit_test(test_one_pair_gets_distinct_ports),
        cmocka_unit_test(test_memory_stays_bounded),
        cmocka_unit_test(test_retry_follows_a_moved_attempt),
        cmocka_unit_test(test_roles_turned_round_are_one_tuple),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
