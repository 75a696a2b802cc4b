/* test_flow_golden.c — our flow table against an independent count of the same
 * definition (scripts/count_flows.py over tshark's dissection), on the DARPA 99 files and
 * nine real captures chosen for their quirks (all 45 shared files agree).
 *
 * Numbers produced by:
 *   scripts/count_flows.py ../shared/data/darpa99/week1-[a-z-]*.pcap   (tshark 4.0.17, 120 s)
 *   scripts/count_flows.py ../shared/data/captures/<file>...
 * Skips when ../shared/data is absent. */
#include <string.h>

#include "test_util.h"

#include "flow/app_class.h"
#include "flow/flow_table.h"
#include "flow/merge.h"
#include "flow/reorder.h"

typedef struct golden {
    const char *file;
    uint64_t packets, flows, tcp, udp, noflow, syn_started, c2s_packets;
} golden;

static const golden expected[] = {
    {"darpa99/week1-friday.pcap", 10000, 562, 493, 37, 32, 490, 5589},
    {"darpa99/week1-monday-http.pcap", 10000, 719, 719, 0, 0, 718, 4241},
    {"darpa99/week1-monday-smtp.pcap", 10000, 312, 312, 0, 0, 311, 5445},
    {"darpa99/week1-monday.pcap", 10000, 417, 350, 45, 22, 350, 5730},
    {"darpa99/week1-thursday.pcap", 10000, 525, 417, 70, 38, 414, 6467},
    {"darpa99/week1-tuesday.pcap", 10000, 472, 428, 19, 25, 428, 5678},
    {"darpa99/week1-wednesday.pcap", 10000, 438, 393, 22, 23, 393, 6077},
    /* Real captures with the quirks of data/README.md: Linux cooked framing, pcapng,
     * out-of-order timestamps, 1970 epoch + truncated frames, MPLS + IPv6, SMB, DNS. */
    {"captures/k04-realtime-udp__ndpi__KakaoTalk_talk.pcap", 3203, 20, 15, 5, 0, 4, 1614},
    {"captures/k02-mobile-app__ndpi__vk.pcapng", 909, 10, 10, 0, 0, 4, 909},
    {"captures/k12-tls-only__pcapplusplus__tls2.pcap", 7451, 334, 334, 0, 0, 0, 3463},
    {"captures/k07-ics__zeek__modbusBig.pcap", 13622, 3, 3, 0, 0, 0, 6688},
    {"captures/k06-p2p__ndpi__gnutella.pcap", 3905, 885, 151, 719, 15, 151, 2584},
    {"captures/k14-small-web-session__tcpreplay__test.pcap", 179, 28, 7, 12, 9, 6, 94},
    {"captures/k03-iot-setup__iotsentinel__HueSwitch_Setup-A-1.pcap", 2397, 213, 201, 11, 1,
     201, 1289},
    {"captures/k08-windows-lan__mercury__smb.pcap", 3328, 334, 326, 5, 3, 326, 1993},
    {"captures/k09-lan-name-services__pcapplusplus__DnsPackets.pcap", 464, 220, 0, 220, 0, 0,
     252},
};

typedef struct counts {
    uint64_t packets, flows, tcp, udp, noflow, syn_started, c2s_packets;
    uint64_t http_flows, http_syn, smtp_flows, smtp_syn;
} counts;

static ng_status count_flow(void *user, const ng_flow *f, ng_error *err)
{
    counts *c = user;
    c->flows++;
    c->noflow += f->is_noflow;
    c->tcp += !f->is_noflow && f->ip_proto == 6;
    c->udp += !f->is_noflow && f->ip_proto == 17;
    c->syn_started += f->start_reason == NG_FLOW_START_SYN;
    if (f->app_class == NG_APP_HTTP) {
        c->http_flows++;
        c->http_syn += f->start_reason == NG_FLOW_START_SYN;
    }
    if (f->app_class == NG_APP_SMTP) {
        c->smtp_flows++;
        c->smtp_syn += f->start_reason == NG_FLOW_START_SYN;
    }
    return NG_OK;
}

static void run_file(const char *path, counts *c)
{
    ng_error err;
    ng_merge *m;
    ng_flow_table *t;
    ng_reorder r;
    memset(c, 0, sizeof *c);
    const char *paths[] = {path};
    assert_int_equal(ng_merge_open(&m, paths, 1, &err), NG_OK);
    assert_int_equal(ng_reorder_init(&r, 0, &err), NG_OK);
    assert_int_equal(ng_flow_table_new(&t, 0, count_flow, c, &err), NG_OK);
    ng_packet pkt, out;
    bool got;
    ng_flow_update u;
    for (;;) {
        assert_int_equal(ng_merge_next(m, &pkt, NULL, &got, &err), NG_OK);
        if (got) {
            while (ng_reorder_full(&r)) {
                ng_reorder_pop(&r, &out);
                assert_int_equal(ng_flow_table_push(t, &out, &u, &err), NG_OK);
                c->c2s_packets += u.direction == NG_DIR_C2S;
            }
            ng_reorder_push(&r, &pkt);
            c->packets++;
            continue;
        }
        if (!ng_reorder_pop(&r, &out))
            break;
        assert_int_equal(ng_flow_table_push(t, &out, &u, &err), NG_OK);
        c->c2s_packets += u.direction == NG_DIR_C2S;
    }
    assert_int_equal(ng_flow_table_finish(t, &err), NG_OK);
    ng_flow_table_free(t);
    ng_reorder_free(&r);
    ng_merge_close(m);
}

static void test_matches_independent_count(void **state)
{
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        NG_REQUIRE_SHARED(path, expected[i].file);
        counts c;
        run_file(path, &c);
        const golden *g = &expected[i];
        print_message("%s: %llu flows\n", g->file, (unsigned long long)c.flows);
        assert_int_equal(c.packets, g->packets);
        assert_int_equal(c.flows, g->flows);
        assert_int_equal(c.tcp, g->tcp);
        assert_int_equal(c.udp, g->udp);
        assert_int_equal(c.noflow, g->noflow);
        assert_int_equal(c.syn_started, g->syn_started);
        assert_int_equal(c.c2s_packets, g->c2s_packets);
    }
}

/* README: the HTTP file holds 718 HTTP flows, all starting with a SYN; SMTP 311 flows.
 * We find those 718 (311) SYN-started flows plus one more each: a client FIN that came
 * more than the 120 s idle timeout after the rest of its connection (half-closed), which
 * our definition counts as a new, mid-stream flow. */
static void test_http_smtp_structure(void **state)
{
    NG_REQUIRE_SHARED(http, "darpa99/week1-monday-http.pcap");
    counts c;
    run_file(http, &c);
    assert_int_equal(c.http_flows, 719);
    assert_int_equal(c.http_syn, 718);
    assert_int_equal(c.flows - c.syn_started, 1);
    NG_REQUIRE_SHARED(smtp, "darpa99/week1-monday-smtp.pcap");
    run_file(smtp, &c);
    assert_int_equal(c.smtp_flows, 312);
    assert_int_equal(c.smtp_syn, 311);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_independent_count),
        cmocka_unit_test(test_http_smtp_structure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
