/* test_compare.c — compare's building blocks: checksums and seq/ack rules, the 5-tuple
 * capture summary, distances on real captures (self = 0, halves small but > 0), and the
 * JSON/HTML writers (no NaN, every chart present). */
#include "test_util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dissect.h"
#include "capture/reader.h"
#include "report/capture_summary.h"
#include "report/compare.h"
#include "report/memorisation.h"
#include "report/quantities.h"
#include "report/report_data.h"
#include "report/report_html.h"
#include "report/report_json.h"
#include "report/validity.h"

#define HTTP_PCAP "darpa99/week1-monday-http.pcap"

/* Frame 4 of darpa99/week1-monday-http.pcap (Ethernet/IPv4/TCP, 146 payload bytes) and
 * frame 1 of captures/k09…DnsPackets.pcap (Ethernet/IPv4/UDP DNS query); tshark reports
 * both checksums good (-o tcp.check_checksum:TRUE / udp / ip). */
static const char TCP_FRAME_HEX[] =
    "006097de543600107b3846320800450000ba0002400040062b14ac1074c9d1431d0b06ed0050571184cd"
    "51e5249350187d78c905";
static const char UDP_FRAME_HEX[] =
    "30469a23fbfa6cf049b2de6e08004500003c76d100008011af550a0000010a00008adcc800350028fde8"
    "8185010000010000000000000377777706676f6f676c6503636f6d0000010001";

static size_t from_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; hex[0] && hex[1] && n < cap; hex += 2) {
        unsigned v;
        sscanf(hex, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

static void dissect_frame(uint8_t *buf, size_t len, ng_packet *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    pkt->linktype = NG_DLT_EN10MB;
    pkt->caplen = pkt->wirelen = (uint32_t)len;
    ng_dissect(pkt, buf);
}

static void test_checksums_of_real_frames(void **state)
{
    (void)state;
    uint8_t tcp[256] = {0}, udp[128];
    /* The TCP payload is 146 zero bytes in the capture: the hex above stops at the header. */
    from_hex(TCP_FRAME_HEX, tcp, sizeof tcp);
    size_t nu = from_hex(UDP_FRAME_HEX, udp, sizeof udp);
    ng_packet pkt;
    ng_checksum_counts c = {{0}, {0}};
    dissect_frame(tcp, 200, &pkt);
    ng_checksum_count(&pkt, tcp, &c);
    dissect_frame(udp, nu, &pkt);
    ng_checksum_count(&pkt, udp, &c);
    assert_int_equal(c.checked[NG_CSUM_IPV4], 2);
    assert_int_equal(c.valid[NG_CSUM_IPV4], 2);
    assert_int_equal(c.checked[NG_CSUM_TCP], 1);
    assert_int_equal(c.valid[NG_CSUM_TCP], 1);
    assert_int_equal(c.checked[NG_CSUM_UDP], 1);
    assert_int_equal(c.valid[NG_CSUM_UDP], 1);

    /* One payload byte changed: TCP fails, the IP header still passes. */
    memset(&c, 0, sizeof c);
    tcp[150] = 0x41;
    dissect_frame(tcp, 200, &pkt);
    ng_checksum_count(&pkt, tcp, &c);
    assert_int_equal(c.valid[NG_CSUM_IPV4], 1);
    assert_int_equal(c.checked[NG_CSUM_TCP], 1);
    assert_int_equal(c.valid[NG_CSUM_TCP], 0);

    /* TTL changed: the IPv4 header checksum fails. */
    memset(&c, 0, sizeof c);
    udp[22] ^= 1;
    dissect_frame(udp, nu, &pkt);
    ng_checksum_count(&pkt, udp, &c);
    assert_int_equal(c.checked[NG_CSUM_IPV4], 1);
    assert_int_equal(c.valid[NG_CSUM_IPV4], 0);

    /* Truncated (snapped) frame: the segment is not all there, so TCP is not checked. */
    memset(&c, 0, sizeof c);
    dissect_frame(tcp, 100, &pkt);
    pkt.wirelen = 200;
    ng_checksum_count(&pkt, tcp, &c);
    assert_int_equal(c.checked[NG_CSUM_TCP], 0);
}

static void test_seqack_rules(void **state)
{
    (void)state;
    ng_seqack_state st = {{false, false}, {0, 0}};
    ng_seqack_counts c = {0};
    ng_seqack_update(&st, 0, NG_TCP_SYN, 1000, 0, 0, &c);                     /* SYN */
    ng_seqack_update(&st, 1, NG_TCP_SYN | NG_TCP_ACK, 5000, 1001, 0, &c);    /* SYN-ACK */
    ng_seqack_update(&st, 0, NG_TCP_ACK, 1001, 5001, 0, &c);                 /* ACK */
    ng_seqack_update(&st, 0, NG_TCP_ACK | NG_TCP_PSH, 1001, 5001, 100, &c);  /* data */
    ng_seqack_update(&st, 0, NG_TCP_ACK | NG_TCP_PSH, 1001, 5001, 100, &c);  /* retransmit */
    ng_seqack_update(&st, 1, NG_TCP_ACK, 5001, 1101, 0, &c);
    assert_int_equal(c.checked, 5);
    assert_int_equal(c.consistent, 5);
    ng_seqack_update(&st, 0, NG_TCP_ACK, 1301, 5001, 10, &c);  /* skips 200 bytes */
    assert_int_equal(c.consistent, 5);
    ng_seqack_update(&st, 1, NG_TCP_ACK, 5001, 9999, 0, &c);   /* acks unsent bytes */
    assert_int_equal(c.checked, 7);
    assert_int_equal(c.consistent, 5);
    assert_int_equal(c.ack_checked - c.ack_ok, 1);
    /* Wrap-around of the sequence space is consistent. */
    ng_seqack_state w = {{false, false}, {0, 0}};
    ng_seqack_counts cw = {0};
    ng_seqack_update(&w, 0, NG_TCP_ACK, 0xffffff00u, 0, 0x200, &cw);
    ng_seqack_update(&w, 0, NG_TCP_ACK, 0x100, 0, 10, &cw);
    assert_int_equal(cw.consistent, 1);
    /* A second connection on the same 5-tuple (the evaluation's flows never time out):
     * its SYN starts new sequence spaces on both sides, a retransmitted SYN does not. */
    ng_seqack_state r = {{false, false}, {0, 0}};
    ng_seqack_counts cr = {0};
    ng_seqack_update(&r, 0, NG_TCP_SYN, 1000, 0, 0, &cr);
    ng_seqack_update(&r, 1, NG_TCP_SYN | NG_TCP_ACK, 5000, 1001, 0, &cr);
    ng_seqack_update(&r, 0, NG_TCP_FIN | NG_TCP_ACK, 1001, 5001, 0, &cr);
    ng_seqack_update(&r, 1, NG_TCP_FIN | NG_TCP_ACK, 5001, 1002, 0, &cr);
    ng_seqack_update(&r, 0, NG_TCP_SYN, 777777, 0, 0, &cr);             /* new connection */
    ng_seqack_update(&r, 0, NG_TCP_SYN, 777777, 0, 0, &cr);             /* its retransmission */
    ng_seqack_update(&r, 1, NG_TCP_SYN | NG_TCP_ACK, 99, 777778, 0, &cr);
    ng_seqack_update(&r, 0, NG_TCP_ACK, 777778, 100, 5, &cr);
    assert_int_equal(cr.checked, 6);
    assert_int_equal(cr.consistent, 6);
}

/* A hand-built IPv4 packet record (no raw bytes). */
static ng_packet ip_packet(int64_t ts_ms, uint8_t proto, uint8_t a, uint16_t sport, uint8_t b,
                           uint16_t dport, uint8_t flags, uint32_t len)
{
    ng_packet p;
    memset(&p, 0, sizeof p);
    p.ts_ns = ts_ms * 1000000;
    p.wirelen = p.caplen = len;
    p.ip_version = 4;
    p.src.family = p.dst.family = 4;
    p.src.bytes[0] = 10, p.src.bytes[3] = a;
    p.dst.bytes[0] = 10, p.dst.bytes[3] = b;
    p.ip_proto = proto;
    p.sport = sport, p.dport = dport;
    p.tcp_flags = flags;
    return p;
}

static void test_summary_flows_and_structure(void **state)
{
    (void)state;
    ng_capture_summary s;
    assert_int_equal(ng_summary_init(&s, "hand-made", NULL), NG_OK);
    const ng_packet pk[] = {
        ip_packet(0, 6, 1, 40000, 2, 80, NG_TCP_SYN, 60),
        ip_packet(10, 6, 2, 80, 1, 40000, NG_TCP_SYN | NG_TCP_ACK, 60),
        ip_packet(20, 6, 1, 40000, 2, 80, NG_TCP_ACK, 60),
        ip_packet(15, 17, 3, 5353, 4, 53, 0, 90),  /* out of order: goes before the ACK */
        ip_packet(30, 6, 2, 80, 1, 40000, NG_TCP_ACK | NG_TCP_PSH, 1514),
        ip_packet(40, 6, 1, 40000, 2, 80, NG_TCP_FIN | NG_TCP_ACK, 60),
        ip_packet(50, 6, 2, 80, 1, 40000, NG_TCP_ACK, 60),
        ip_packet(60, 17, 4, 53, 3, 5353, 0, 300),
        ip_packet(70, 6, 5, 1234, 2, 80, NG_TCP_ACK, 60), /* mid-stream TCP flow */
    };
    for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
        assert_int_equal(ng_summary_add(&s, &pk[i], NULL, NULL), NG_OK);
    ng_packet arp;
    memset(&arp, 0, sizeof arp);
    arp.ts_ns = 80000000, arp.wirelen = 42;
    assert_int_equal(ng_summary_add(&s, &arp, NULL, NULL), NG_OK);
    assert_int_equal(ng_summary_finish(&s, NULL), NG_OK);

    assert_int_equal(s.n_pkts, 10);
    assert_int_equal(s.non_ip_packets, 1);
    assert_int_equal(s.out_of_order, 1);
    assert_int_equal(s.n_flows, 3);
    assert_int_equal(ng_summary_tcp_flows(&s), 2);
    assert_true(s.pkts[3].ts_ns == 20000000); /* sorted: 0 10 15 20 */
    const ng_flow_rec *web = &s.flows[0];
    assert_int_equal(web->packets, 6);
    assert_int_equal(web->bytes, 60 * 5 + 1514);
    assert_true(web->syn_start && web->handshake && web->fin_rst_end);
    assert_int_equal(web->server_port, 80);
    assert_false(s.flows[2].syn_start);
    /* Inter-arrivals within flows: 5 + 1 + 0 (first packets excluded). */
    assert_int_equal(s.n_flow_iat, 6);
    /* 3-grams: 6-packet flow gives 4, the others none. First: 0S 1S 0S. */
    double grams = 0;
    for (int g = 0; g < NG_NGRAM_COUNT; g++)
        grams += s.ngrams[g];
    assert_true(grams == 4.0);
    assert_true(s.ngrams[0 * 64 + 4 * 8 + 0] == 1.0);

    ng_quantities q;
    assert_int_equal(ng_quantities_build(&s, &q, NULL), NG_OK);
    assert_int_equal(q.n_cont[NG_Q_IAT], 9);
    assert_int_equal(q.n_bins, 1); /* 80 ms: one 1 s bin */
    assert_true(q.tput_packets[0] == 10.0);
    assert_true(ng_share_value(q.structure[NG_S_SYN_START]) == 0.5);
    assert_true(ng_share_value(q.structure[NG_S_HANDSHAKE]) == 0.5);
    assert_true(isnan(ng_share_value(q.structure[NG_S_CHECKSUM_OK]))); /* no bytes given */
    assert_int_equal(q.cat[NG_Q_HOST_RANK].k, 5);
    assert_true(q.cat[NG_Q_HOST_RANK].counts[0] == 7.0); /* 10.0.0.2: 7 packets */
    ng_quantities_free(&q);
    ng_summary_free(&s);
}

static bool read_capture(const char *path, ng_capture_summary *whole, ng_capture_summary *first,
                         ng_capture_summary *second, size_t split)
{
    ng_reader *r;
    ng_error err;
    if (ng_reader_open(&r, path, &err) != NG_OK)
        return false;
    ng_summary_init(whole, path, NULL);
    ng_summary_init(first, "first half", NULL);
    ng_summary_init(second, "second half", NULL);
    for (size_t i = 0;; i++) {
        ng_packet pkt;
        const uint8_t *data;
        bool got;
        assert_int_equal(ng_reader_next(r, &pkt, &data, &got, &err), NG_OK);
        if (!got)
            break;
        assert_int_equal(ng_summary_add(whole, &pkt, data, NULL), NG_OK);
        assert_int_equal(ng_summary_add(i < split ? first : second, &pkt, data, NULL), NG_OK);
    }
    ng_reader_close(r);
    return ng_summary_finish(whole, NULL) == NG_OK && ng_summary_finish(first, NULL) == NG_OK
           && ng_summary_finish(second, NULL) == NG_OK;
}

static void test_self_is_zero_halves_are_small(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, HTTP_PCAP);
    ng_capture_summary whole, first, second;
    assert_true(read_capture(path, &whole, &first, &second, 5000));
    ng_quantities qw, qa, qb;
    assert_int_equal(ng_quantities_build(&whole, &qw, NULL), NG_OK);
    assert_int_equal(ng_quantities_build(&first, &qa, NULL), NG_OK);
    assert_int_equal(ng_quantities_build(&second, &qb, NULL), NG_OK);
    /* Real capture facts (README): 718 flows, all starting with SYN, valid checksums. */
    assert_int_equal(whole.n_flows, 718);
    assert_true(ng_share_value(qw.structure[NG_S_SYN_START]) == 1.0);
    assert_true(ng_share_value(qw.structure[NG_S_CHECKSUM_OK]) == 1.0);
    assert_true(ng_share_value(qw.structure[NG_S_SEQACK_OK]) == 1.0);

    ng_comparison self, halves;
    assert_int_equal(ng_compare(&qw, &qw, &self, NULL), NG_OK);
    for (int i = 0; i < NG_Q_CONT_COUNT; i++) {
        const ng_cont_score *c = &self.cont[i];
        assert_true(c->ks == 0.0 && c->w1 == 0.0 && c->jsd == 0.0 && c->jsd_nats == 0.0);
        assert_true(isnan(c->w1_log10) || c->w1_log10 == 0.0);
    }
    for (int i = 0; i < NG_Q_CAT_COUNT; i++)
        assert_true(self.cat[i].jsd == 0.0 && self.cat[i].jsd_nats == 0.0);
    for (int i = 0; i < NG_S_COUNT; i++)
        assert_true(self.structure[i].diff == 0.0);

    assert_int_equal(ng_compare(&qa, &qb, &halves, NULL), NG_OK);
    /* Two halves of one day's HTTP: close, but not the same sample. */
    double ks_len = halves.cont[NG_Q_FRAME_LEN].ks, ks_iat = halves.cont[NG_Q_IAT].ks;
    double ks_pkts = halves.cont[NG_Q_FLOW_PACKETS].ks;
    print_message("halves: KS frame_len %.4f iat %.4f flow_packets %.4f, JSD ngram %.4f\n",
                  ks_len, ks_iat, ks_pkts, halves.cat[NG_Q_NGRAM].jsd);
    assert_true(ks_len > 0.0 && ks_len < 0.2);
    assert_true(ks_iat > 0.0 && ks_iat < 0.2);
    assert_true(ks_pkts > 0.0 && ks_pkts < 0.2);
    assert_true(halves.cat[NG_Q_NGRAM].jsd > 0.0 && halves.cat[NG_Q_NGRAM].jsd < 0.1);
    ng_quantities_free(&qw), ng_quantities_free(&qa), ng_quantities_free(&qb);
    ng_summary_free(&whole), ng_summary_free(&first), ng_summary_free(&second);
}

/* Golden values for the halves (first 5000 packets vs the other 5000, file order) of
 * darpa99/week1-monday-http.pcap, from scipy 1.10.1 / numpy 1.24.2 on tshark's fields:
 *   tshark -r week1-monday-http.pcap -T fields -e frame.len -e frame.time_epoch \
 *       > http_fields.txt
 * then this script:
 *   from decimal import Decimal
 *   import numpy as np
 *   from scipy.stats import ks_2samp, wasserstein_distance
 *   from scipy.spatial.distance import jensenshannon
 *   rows = [l.split() for l in open('http_fields.txt')]
 *   length = [float(r[0]) for r in rows]
 *   ns = [int(Decimal(r[1]) * 10**9) for r in rows]
 *   def iat(t):
 *       t = sorted(t)
 *       return [(b - a) * 1e-9 for a, b in zip(t, t[1:])]
 *   def jsd_bits(a, b, log):
 *       lo, hi = min(a + b), max(a + b)
 *       if log:
 *           lo, hi = max(lo, 1e-6), max(hi, 1e-6)
 *           e = np.logspace(np.log10(lo), np.log10(hi), 51)
 *           e[0], e[-1] = lo, hi  # exact ends, as necstgen (logspace may round them inward)
 *           a, b = np.maximum(a, 1e-6), np.maximum(b, 1e-6)
 *       else:
 *           e = np.linspace(lo, hi, 51)
 *       return jensenshannon(np.histogram(a, e)[0], np.histogram(b, e)[0], base=2) ** 2
 *   la, lb = length[:5000], length[5000:]
 *   ia, ib = iat(ns[:5000]), iat(ns[5000:])
 *   print("frame_len %.17g %.17g %.17g" % (ks_2samp(la, lb).statistic, wasserstein_distance(la, lb), jsd_bits(la, lb, False)))
 *   print("iat %.17g %.17g %.17g" % (ks_2samp(ia, ib).statistic, wasserstein_distance(ia, ib), jsd_bits(ia, ib, True)))
 *   print("iat_log10_w1 %.17g" % wasserstein_distance(np.log10(np.maximum(ia, 1e-6)), np.log10(np.maximum(ib, 1e-6))))
 * Output:
 *   frame_len 0.1424 184.64519999999999 0.02904209438098956
 *   iat 0.059811962392478497 0.068912264052810396 0.014581298849485952
 *   iat_log10_w1 0.055988214823540203
 */
static void test_halves_match_scipy(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, HTTP_PCAP);
    ng_capture_summary whole, first, second;
    assert_true(read_capture(path, &whole, &first, &second, 5000));
    ng_quantities qa, qb;
    assert_int_equal(ng_quantities_build(&first, &qa, NULL), NG_OK);
    assert_int_equal(ng_quantities_build(&second, &qb, NULL), NG_OK);
    ng_comparison c;
    assert_int_equal(ng_compare(&qa, &qb, &c, NULL), NG_OK);
    const ng_cont_score *len = &c.cont[NG_Q_FRAME_LEN], *iat = &c.cont[NG_Q_IAT];
    assert_true(fabs(len->ks - 0.1424) < 1e-12);
    assert_true(fabs(len->w1 - 184.64519999999999) < 1e-9);
    assert_true(fabs(len->jsd - 0.02904209438098956) < 1e-12);
    assert_true(fabs(iat->ks - 0.059811962392478497) < 1e-12);
    assert_true(fabs(iat->w1 - 0.068912264052810396) < 1e-12);
    /* numpy.logspace gives e[0] = 6.800000000000005e-05 > min = 6.8e-05 here, which
     * would drop the smallest value from numpy's histogram; hence the exact ends above. */
    assert_true(fabs(iat->jsd - 0.014581298849485952) < 1e-12);
    assert_true(fabs(iat->w1_log10 - 0.055988214823540203) < 1e-12);
    ng_quantities_free(&qa), ng_quantities_free(&qb);
    ng_summary_free(&whole), ng_summary_free(&first), ng_summary_free(&second);
}

static void test_empty_side_is_nan_not_crash(void **state)
{
    (void)state;
    ng_capture_summary empty, one;
    ng_summary_init(&empty, "empty", NULL);
    ng_summary_init(&one, "one", NULL);
    ng_packet p = ip_packet(0, 17, 1, 1000, 2, 53, 0, 80);
    ng_summary_add(&one, &p, NULL, NULL);
    assert_int_equal(ng_summary_finish(&empty, NULL), NG_OK);
    assert_int_equal(ng_summary_finish(&one, NULL), NG_OK);
    ng_quantities qe, qo;
    assert_int_equal(ng_quantities_build(&empty, &qe, NULL), NG_OK);
    assert_int_equal(ng_quantities_build(&one, &qo, NULL), NG_OK);
    ng_comparison c[2];
    assert_int_equal(ng_compare(&qo, &qe, &c[0], NULL), NG_OK);
    assert_true(isnan(c[0].cont[NG_Q_FRAME_LEN].ks));
    assert_true(isnan(c[0].cat[NG_Q_IP_PROTO].jsd));
    assert_int_equal(ng_compare(&qo, &qo, &c[1], NULL), NG_OK);
    ng_comparison mean;
    ng_comparison_mean(c, 2, &mean);
    assert_true(mean.cont[NG_Q_FRAME_LEN].ks == 0.0); /* NANs ignored */
    assert_true(isnan(mean.cont[NG_Q_IAT].ks));       /* one packet: no inter-arrival */
    ng_quantities_free(&qe), ng_quantities_free(&qo);
    ng_summary_free(&empty), ng_summary_free(&one);
}

static size_t count_substr(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_json_and_html_reports(void **state)
{
    (void)state;
    NG_REQUIRE_SHARED(path, HTTP_PCAP);
    ng_capture_summary whole, first, second;
    assert_true(read_capture(path, &whole, &first, &second, 3000));
    ng_quantities qa, qb;
    assert_int_equal(ng_quantities_build(&first, &qa, NULL), NG_OK);
    assert_int_equal(ng_quantities_build(&second, &qb, NULL), NG_OK);
    ng_comparison score;
    assert_int_equal(ng_compare(&qa, &qb, &score, NULL), NG_OK);
    ng_report_side synth = {&second, &qb};
    /* Memorisation with the first half as training: the first half copies itself
     * entirely; the second half repeats some of it (the yardstick for real traffic). */
    ng_memo_set set;
    assert_int_equal(ng_memo_set_build(&first, &set, NULL), NG_OK);
    assert_true(set.n > 0);
    ng_memo_score self_memo, real_memo;
    assert_int_equal(ng_memo_score_of(&first, &set, &self_memo, NULL), NG_OK);
    assert_true(self_memo.share == 1.0 && self_memo.flows == (double)set.n);
    assert_int_equal(ng_memo_score_of(&second, &set, &real_memo, NULL), NG_OK);
    assert_true(real_memo.flows > 0 && real_memo.share >= 0.0 && real_memo.share < 1.0);
    ng_memo_set_free(&set);
    ng_report_data d = {.real = {&first, &qa}, .synth = &synth, .scores = &score,
                        .n_synth = 1, .mean = score, .train_label = "first half",
                        .real_memo = real_memo, .memo = &self_memo, .mean_memo = self_memo};
    const char *json_path = ng_test_tmp("r.json"), *html_path = ng_test_tmp("r.html");
    assert_int_equal(ng_report_json_write(&d, json_path, NULL), NG_OK);
    assert_int_equal(ng_report_html_write(&d, html_path, NULL), NG_OK);

    json_error_t jerr;
    json_t *doc = json_load_file(json_path, 0, &jerr);
    assert_non_null(doc);
    json_t *ks = json_object_get(json_object_get(json_object_get(json_object_get(doc, "mean"),
                                 "continuous"), "frame_len"), "ks");
    assert_true(json_is_real(ks));
    assert_true(fabs(json_real_value(ks) - score.cont[NG_Q_FRAME_LEN].ks) < 1e-15);
    json_decref(doc);

    size_t len;
    char *html = (char *)ng_test_read_file(html_path, &len);
    html = realloc(html, len + 1);
    html[len] = '\0';
    assert_int_equal(count_substr(html, "NaN") + count_substr(html, "nan<") +
                     count_substr(html, ">nan") + count_substr(html, "inf<"), 0);
    /* 8 ECDFs + 2 throughput + 6 bar charts + rank-frequency. */
    assert_int_equal(count_substr(html, "<svg "), 17);
    assert_int_equal(count_substr(html, "no data"), 0);
    /* Self-contained: no scripts, no fetched resources (the SVG namespace is only a name). */
    assert_int_equal(count_substr(html, "<script") + count_substr(html, "src=")
                     + count_substr(html, "href=") + count_substr(html, "url("), 0);
    free(html);
    ng_quantities_free(&qa), ng_quantities_free(&qb);
    ng_summary_free(&whole), ng_summary_free(&first), ng_summary_free(&second);
    ng_test_cleanup_tmpdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksums_of_real_frames),
        cmocka_unit_test(test_seqack_rules),
        cmocka_unit_test(test_summary_flows_and_structure),
        cmocka_unit_test(test_self_is_zero_halves_are_small),
        cmocka_unit_test(test_halves_match_scipy),
        cmocka_unit_test(test_empty_side_is_nan_not_crash),
        cmocka_unit_test(test_json_and_html_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
