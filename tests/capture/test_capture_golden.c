/* test_capture_golden.c — the reader on the real captures in ../shared/data (skipped
 * when that folder is absent).
 *
 * Expected numbers were checked against Wireshark 4.x tools, on 2026-11-27:
 *   packet counts:   capinfos -c -M FILE            (equal to captures.csv `packets`,
 *                                                    10000 for each darpa99 file)
 *   layer counts:    tshark -r FILE -Y FILTER | wc -l  with FILTER sll, tcp, udp, ipv6,
 *                                                    vlan, mpls
 *   truncated:       tshark -r FILE -Y "frame.cap_len < frame.len" | wc -l
 *   out of order:    captures.csv `nonmonotonic_ts`
 * One difference is libpcap's, not ours: two records of pim-packet-assortment.pcap are
 * longer (65549, 65589 bytes) than the file's snap length (65535); libpcap clips them to
 * the snap length, so they count as truncated here while tshark reads them whole. */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/reader.h"

typedef struct file_counts {
    ng_reader_stats stats;
    uint64_t layer[NG_LAYER_COUNT]; /* packets having the layer at least once */
    uint64_t malformed_ip;          /* malformed packets whose IP layer was reached */
    uint64_t ts_first, ts_last;
} file_counts;

static void read_all(const char *path, file_counts *c)
{
    memset(c, 0, sizeof *c);
    ng_reader *r = NULL;
    ng_error err;
    ng_status st = ng_reader_open(&r, path, &err);
    if (st != NG_OK)
        fail_msg("%s", err.msg);
    ng_packet p;
    bool got = false;
    for (;;) {
        st = ng_reader_next(r, &p, NULL, &got, &err);
        if (st != NG_OK)
            fail_msg("%s", err.msg);
        if (!got)
            break;
        assert_int_equal(p.number, ng_reader_get_stats(r)->packets);
        bool seen[NG_LAYER_COUNT] = { false };
        for (unsigned i = 0; i < p.n_layers; i++)
            seen[p.layers[i]] = true;
        for (unsigned l = 0; l < NG_LAYER_COUNT; l++)
            c->layer[l] += seen[l];
    }
    c->stats = *ng_reader_get_stats(r);
    assert_int_equal(c->stats.bytes_read, ng_reader_file_size(r));
    ng_reader_close(r);
}

/* The next field of a CSV line (double quotes allowed); returns the rest or NULL. */
static char *csv_field(char *s, char *out, size_t outlen)
{
    size_t n = 0;
    bool quoted = *s == '"';
    if (quoted)
        s++;
    for (; *s; s++) {
        if (quoted && *s == '"' && s[1] == '"') {
            s++;
        } else if (quoted && *s == '"') {
            quoted = false;
            continue;
        } else if (!quoted && (*s == ',' || *s == '\n' || *s == '\r')) {
            break;
        }
        if (n + 1 < outlen)
            out[n++] = *s;
    }
    out[n] = '\0';
    return *s == ',' ? s + 1 : NULL;
}

/* Columns of captures.csv we use: 1 file, 8 packets, 18 nonmonotonic_ts. */
static bool csv_row(char *line, char *file, size_t flen, long *packets, long *nonmono)
{
    char field[512];
    char *s = line;
    for (int col = 0; s && col <= 18; col++) {
        s = csv_field(s, field, sizeof field);
        if (col == 1)
            snprintf(file, flen, "%s", field);
        else if (col == 8)
            *packets = strtol(field, NULL, 10);
        else if (col == 18)
            *nonmono = strtol(field, NULL, 10);
        if (!s && col < 18)
            return false;
    }
    return true;
}

static void every_shared_capture_reads_to_its_last_packet(void **state)
{
    NG_REQUIRE_SHARED(csv, "captures.csv");
    FILE *fp = fopen(csv, "r");
    assert_non_null(fp);
    char line[4096];
    int files = 0;
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        char rel[512];
        long packets = -1, nonmono = -1;
        if (!csv_row(line, rel, sizeof rel, &packets, &nonmono))
            continue;
        const char *path = ng_test_shared(rel);
        if (!path)
            fail_msg("%s listed in captures.csv but missing", rel);
        file_counts c;
        read_all(path, &c);
        if ((long)c.stats.packets != packets || (long)c.stats.out_of_order != nonmono)
            fail_msg("%s: %" PRIu64 " packets, %" PRIu64 " out of order; csv says %ld, %ld",
                     rel, c.stats.packets, c.stats.out_of_order, packets, nonmono);
        files++;
    }
    fclose(fp);
    assert_int_equal(files, 38);
}

static void darpa99_files_have_10000_packets(void **state)
{
    static const char *days[] = { "monday", "tuesday", "wednesday", "thursday", "friday",
                                  "monday-http", "monday-smtp" };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "darpa99/week1-%s.pcap", days[i]);
        NG_REQUIRE_SHARED(path, rel);
        file_counts c;
        read_all(path, &c);
        assert_int_equal(c.stats.packets, 10000);
        assert_int_equal(c.stats.malformed, 0);
        assert_int_equal(c.stats.truncated, 0);
    }
}

static void pcapng_files(void **state)
{
    NG_REQUIRE_SHARED(vk, "captures/k02-mobile-app__ndpi__vk.pcapng");
    file_counts c;
    read_all(vk, &c);
    assert_int_equal(c.stats.packets, 909);
    assert_int_equal(c.layer[NG_LAYER_TCP], 909);
    NG_REQUIRE_SHARED(zoom, "captures/k04-realtime-udp__ndpi__zoom_p2p.pcapng");
    read_all(zoom, &c);
    assert_int_equal(c.stats.packets, 763);
    assert_int_equal(c.layer[NG_LAYER_UDP], 710);
    assert_int_equal(c.layer[NG_LAYER_ICMP], 53);
}

/* The format is told by the magic, not the name: a pcapng file named .pcap reads the same. */
static void pcapng_named_pcap(void **state)
{
    NG_REQUIRE_SHARED(vk, "captures/k02-mobile-app__ndpi__vk.pcapng");
    size_t len;
    uint8_t *bytes = ng_test_read_file(vk, &len);
    const char *renamed = ng_test_tmp("vk.pcap");
    ng_test_write_file(renamed, bytes, len);
    free(bytes);
    file_counts c;
    read_all(renamed, &c);
    assert_int_equal(c.stats.packets, 909);
    assert_int_equal(c.layer[NG_LAYER_TCP], 909);
    ng_test_cleanup_tmpdir();
}

static void linux_cooked_capture(void **state)
{
    NG_REQUIRE_SHARED(path, "captures/k04-realtime-udp__ndpi__KakaoTalk_talk.pcap");
    ng_reader *r = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    assert_int_equal(ng_reader_linktype(r), 113);
    ng_packet p;
    bool got;
    uint64_t sll = 0, tcp = 0, udp = 0, with_ports = 0;
    while (ng_reader_next(r, &p, NULL, &got, &err) == NG_OK && got) {
        sll += p.n_layers && p.layers[0] == NG_LAYER_SLL;
        tcp += p.ip_proto == 6 && p.n_layers == 3 && p.layers[2] == NG_LAYER_TCP;
        udp += p.ip_proto == 17 && p.n_layers == 3 && p.layers[2] == NG_LAYER_UDP;
        with_ports += p.sport && p.dport && p.src.family == 4 && p.dst.family == 4;
        assert_int_equal(p.l2_len, 16);
    }
    ng_reader_close(r);
    assert_int_equal(sll, 3203);
    assert_int_equal(tcp, 166);
    assert_int_equal(udp, 3037);
    assert_int_equal(with_ports, 3203);
}

static void vlan_inside_mpls_pseudowire(void **state)
{
    NG_REQUIRE_SHARED(path, "captures/k14-small-web-session__tcpreplay__test.pcap");
    ng_reader *r = NULL;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet p;
    bool got;
    uint64_t vlan = 0, mpls = 0, vlan_ip_icmp = 0;
    while (ng_reader_next(r, &p, NULL, &got, &err) == NG_OK && got) {
        bool has_vlan = false, has_mpls = false;
        for (unsigned i = 0; i < p.n_layers; i++) {
            has_vlan |= p.layers[i] == NG_LAYER_VLAN;
            has_mpls |= p.layers[i] == NG_LAYER_MPLS;
        }
        vlan += has_vlan;
        mpls += has_mpls;
        vlan_ip_icmp += has_vlan && p.ip_version == 4 && p.layers[p.n_layers - 1] == NG_LAYER_ICMP;
    }
    ng_reader_close(r);
    assert_int_equal(vlan, 10);
    assert_int_equal(mpls, 16);
    assert_int_equal(vlan_ip_icmp, 10);
}

static void ipv6_truncated_and_out_of_order(void **state)
{
    file_counts c;
    NG_REQUIRE_SHARED(reddit, "captures/k02-mobile-app__ndpi__reddit.pcap");
    read_all(reddit, &c);
    assert_int_equal(c.layer[NG_LAYER_IPV6], 1942);
    assert_int_equal(c.layer[NG_LAYER_TCP], 1942);
    NG_REQUIRE_SHARED(tls2, "captures/k12-tls-only__pcapplusplus__tls2.pcap");
    read_all(tls2, &c);
    assert_int_equal(c.layer[NG_LAYER_IPV6], 4440);
    assert_int_equal(c.stats.out_of_order, 4);

    NG_REQUIRE_SHARED(gnutella, "captures/k06-p2p__ndpi__gnutella.pcap");
    read_all(gnutella, &c);
    assert_int_equal(c.stats.truncated, 1);
    assert_int_equal(c.layer[NG_LAYER_IPV6], 68);
    NG_REQUIRE_SHARED(pim, "captures/k13-control-plane__tcpdump__pim-packet-assortment.pcap");
    read_all(pim, &c);
    assert_int_equal(c.stats.truncated, 2);
    assert_int_equal(c.stats.malformed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shared_capture_reads_to_its_last_packet),
        cmocka_unit_test(darpa99_files_have_10000_packets),
        cmocka_unit_test(pcapng_files),
        cmocka_unit_test(pcapng_named_pcap),
        cmocka_unit_test(linux_cooked_capture),
        cmocka_unit_test(vlan_inside_mpls_pseudowire),
        cmocka_unit_test(ipv6_truncated_and_out_of_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
