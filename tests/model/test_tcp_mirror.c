/* test_tcp_mirror.c — the sampler's mirror of synth/tcp_state's drop rules. */
#include "test_util.h"

#include "capture/packet.h"
#include "model/tcp_mirror.h"

#define ACK NG_TCP_ACK
#define SYN NG_TCP_SYN
#define FIN NG_TCP_FIN
#define RST NG_TCP_RST
#define MANY UINT32_MAX

static void send(ng_tcp_mirror *m, uint8_t dir, uint8_t flags, uint32_t len)
{
    assert_true(ng_tcp_mirror_keeps(m, dir, flags, len, MANY) || (flags & (FIN | RST)));
    ng_tcp_mirror_send(m, dir, flags, len);
}

/* SYN, SYN-ACK, ACK, data, ACK: a second pure ACK of the same data is a duplicate. */
static void test_duplicate_ack(void **state)
{
    (void)state;
    ng_tcp_mirror m;
    ng_tcp_mirror_init(&m, UINT32_MAX);
    send(&m, 0, SYN, 0);
    send(&m, 1, SYN | ACK, 0);
    send(&m, 0, ACK, 0);
    assert_false(ng_tcp_mirror_keeps(&m, 0, ACK, 0, MANY)); /* nothing new from 1 */
    assert_true(ng_tcp_mirror_keeps(&m, 0, ACK, 100, MANY)); /* data is never a dup */
    send(&m, 0, ACK, 100);
    assert_true(ng_tcp_mirror_keeps(&m, 1, ACK, 0, MANY));   /* acknowledges the 100 */
    send(&m, 1, ACK, 0);
    assert_false(ng_tcp_mirror_keeps(&m, 1, ACK, 0, MANY));
}

/* After a side's FIN it sends no data and no second FIN; closing early is refused while
 * planned packets remain; after FIN, FIN, ACK nothing is kept. */
static void test_teardown(void **state)
{
    (void)state;
    ng_tcp_mirror m;
    ng_tcp_mirror_init(&m, UINT32_MAX);
    send(&m, 0, SYN, 0);
    send(&m, 1, SYN | ACK, 0);
    send(&m, 0, ACK, 10);
    assert_false(ng_tcp_mirror_keeps(&m, 1, RST | ACK, 0, 3));
    assert_true(ng_tcp_mirror_keeps(&m, 1, RST | ACK, 0, 0));
    ng_tcp_mirror_send(&m, 0, FIN | ACK, 0);
    assert_false(ng_tcp_mirror_keeps(&m, 0, ACK, 5, MANY));
    assert_false(ng_tcp_mirror_keeps(&m, 0, FIN | ACK, 0, MANY));
    assert_true(ng_tcp_mirror_keeps(&m, 1, ACK, 20, MANY)); /* half-close: 1 may talk */
    ng_tcp_mirror_send(&m, 1, ACK, 20);
    assert_false(ng_tcp_mirror_keeps(&m, 1, FIN | ACK, 0, 5));
    assert_true(ng_tcp_mirror_keeps(&m, 1, FIN | ACK, 0, 1));
    ng_tcp_mirror_send(&m, 1, FIN | ACK, 0);
    assert_false(m.closed); /* the last ACK is still to come */
    assert_true(ng_tcp_mirror_keeps(&m, 0, ACK, 0, 0));
    ng_tcp_mirror_send(&m, 0, ACK, 0);
    assert_true(m.closed);
    assert_false(ng_tcp_mirror_keeps(&m, 1, ACK, 1, MANY));
}

/* With a close tail of 3 a first FIN is refused while more than 3 packets remain after
 * it, as a FIN with no place (the sampler looks elsewhere), and so is a side's second
 * FIN; the second FIN refused for the packets left and data after a side's FIN are
 * only redrawn; without a known plan the tail does not apply. */
static void test_close_tail(void **state)
{
    (void)state;
    ng_tcp_mirror m;
    ng_tcp_mirror_init(&m, 3);
    send(&m, 0, SYN, 0);
    send(&m, 1, SYN | ACK, 0);
    send(&m, 0, ACK, 100);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 1, FIN | ACK, 0, 4), NG_TCP_REFUSED_FIN);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 1, FIN | ACK, 0, 3), NG_TCP_KEPT);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 1, FIN | ACK, 0, MANY), NG_TCP_KEPT);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 1, ACK, 500, 9), NG_TCP_KEPT);
    ng_tcp_mirror_send(&m, 1, FIN | ACK, 0);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 0, FIN | ACK, 0, 2), NG_TCP_REFUSED);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 0, FIN | ACK, 0, 1), NG_TCP_KEPT);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 1, ACK, 10, 1), NG_TCP_REFUSED);
    assert_int_equal(ng_tcp_mirror_refusal(&m, 1, FIN | ACK, 0, 1), NG_TCP_REFUSED_FIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_ack),
        cmocka_unit_test(test_teardown),
        cmocka_unit_test(test_close_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
