/* test_tcp_conversation.c — whole generated TCP connections, end to end.
 *
 * Proposals go through the state machine, segments through the frame builder, frames
 * through our dissector, and an independent checker (written from the TCP rules, not
 * from tcp_state.c) verifies 100% of segments: seq/ack continuity both ways, ACK on
 * everything after the first SYN, handshake order, no data after FIN, nothing after
 * close, no duplicate ACKs, data inside the advertised window, timestamps echoed.
 * Half of the random flows are closed through a tail (synth/tcp_tail.h) as the generator
 * closes them: the folded closes are checked the same way.
 * The same captures are written with capture/writer.h, read back identical with
 * capture/reader.h and, when tshark is installed, must show zero malformed frames, zero
 * warning/error expert items (bar RST's own warning) and zero TCP analysis flags. */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#include "capture/dissect.h"
#include "capture/reader.h"
#include "capture/writer.h"
#include "core/rng.h"
#include "synth/frame_builder.h"
#include "synth/l2_frames.h"
#include "synth/tcp_state.h"
#include "synth/tcp_tail.h"

/* ---- frames in memory, written as one pcap (nanosecond format) ---- */

typedef struct capture {
    uint8_t *bytes;   /* concatenated frames */
    size_t used, cap;
    ng_packet *pkts;  /* dissected, with ts_ns */
    uint32_t *flow_of;
    size_t *offset;   /* of each frame in bytes */
    size_t n, n_cap;
} capture;

static void capture_add(capture *c, const uint8_t *frame, size_t len, int64_t ts, uint32_t flow)
{
    if (c->used + len > c->cap) {
        c->cap = (c->cap + len) * 2;
        c->bytes = realloc(c->bytes, c->cap);
        assert_non_null(c->bytes);
    }
    if (c->n == c->n_cap) {
        c->n_cap = c->n_cap ? c->n_cap * 2 : 256;
        c->pkts = realloc(c->pkts, c->n_cap * sizeof *c->pkts);
        c->flow_of = realloc(c->flow_of, c->n_cap * sizeof *c->flow_of);
        c->offset = realloc(c->offset, c->n_cap * sizeof *c->offset);
        assert_true(c->pkts && c->flow_of && c->offset);
    }
    ng_packet *p = &c->pkts[c->n];
    memset(p, 0, sizeof *p);
    p->linktype = NG_DLT_EN10MB;
    p->caplen = p->wirelen = (uint32_t)len;
    ng_dissect(p, frame);
    p->ts_ns = ts;
    assert_int_equal(p->anomalies, 0);
    c->offset[c->n] = c->used;
    c->flow_of[c->n++] = flow;
    memcpy(c->bytes + c->used, frame, len);
    c->used += len;
}

static const capture *sort_subject;

static int by_time(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int64_t ti = sort_subject->pkts[i].ts_ns, tj = sort_subject->pkts[j].ts_ns;
    return ti < tj ? -1 : ti > tj ? 1 : (i > j) - (i < j);
}

static size_t *time_order(const capture *c)
{
    size_t *order = malloc((c->n + 1) * sizeof *order);
    assert_non_null(order);
    for (size_t i = 0; i < c->n; i++)
        order[i] = i;
    sort_subject = c;
    qsort(order, c->n, sizeof *order, by_time);
    return order;
}

/* Write the frames in time order (stable) with the project's writer (pcap, ns). */
static void capture_write_pcap(const capture *c, const char *path)
{
    size_t *order = time_order(c);
    ng_writer *w;
    ng_error err;
    assert_int_equal(ng_writer_open(&w, path, NG_CAPTURE_PCAP_NS, NG_DLT_EN10MB, 0, &err), NG_OK);
    for (size_t k = 0; k < c->n; k++) {
        const ng_packet *p = &c->pkts[order[k]];
        if (ng_writer_write(w, p->ts_ns, c->bytes + c->offset[order[k]], p->caplen, p->caplen,
                            &err) != NG_OK)
            fail_msg("%s", err.msg);
    }
    assert_int_equal(ng_writer_close(w, &err), NG_OK);
    free(order);
}

/* Read the file back with the project's reader: the same frames, bytes and times. */
static void assert_file_holds(const capture *c, const char *path)
{
    size_t *order = time_order(c);
    ng_reader *r;
    ng_error err;
    assert_int_equal(ng_reader_open(&r, path, &err), NG_OK);
    ng_packet pkt;
    const uint8_t *data;
    bool got;
    size_t k = 0;
    while (ng_reader_next(r, &pkt, &data, &got, &err) == NG_OK && got) {
        assert_true(k < c->n);
        const ng_packet *want = &c->pkts[order[k]];
        assert_int_equal(pkt.caplen, want->caplen);
        assert_int_equal(pkt.ts_ns, want->ts_ns);
        assert_memory_equal(data, c->bytes + c->offset[order[k]], pkt.caplen);
        assert_int_equal(pkt.seq, want->seq);
        k++;
    }
    assert_int_equal(k, c->n);
    ng_reader_close(r);
    free(order);
}

static void capture_append(capture *dst, const capture *src)
{
    for (size_t i = 0; i < src->n; i++)
        capture_add(dst, src->bytes + src->offset[i], src->pkts[i].caplen, src->pkts[i].ts_ns,
                    src->flow_of[i]);
}

static void capture_free(capture *c)
{
    free(c->bytes), free(c->pkts), free(c->flow_of), free(c->offset);
    memset(c, 0, sizeof *c);
}

/* Everything the tests generate, checked by tshark once at the end (tshark takes
 * seconds to start, so one run for all). */
static capture all_generated;

/* ---- generating flows ---- */

typedef struct gen {
    capture cap;
    ng_tcp_fixes fixes;
    uint64_t proposals, emitted, inserted;
} gen;

static ng_frame_spec flow_spec(uint32_t flow, int dir)
{
    ng_frame_spec s;
    memset(&s, 0, sizeof s);
    const uint8_t client_mac[6] = {0x00, 0x10, 0x5a, 0, 0, 1}, server_mac[6] = {0, 0x60, 8, 0, 0, 2};
    ng_addr client = {.family = 4, .bytes = {172, 16, (uint8_t)(flow >> 8), (uint8_t)flow}};
    ng_addr server = {.family = 4, .bytes = {192, 168, 1, 80}};
    memcpy(s.src_mac, dir ? server_mac : client_mac, 6);
    memcpy(s.dst_mac, dir ? client_mac : server_mac, 6);
    s.src = dir ? server : client;
    s.dst = dir ? client : server;
    s.sport = dir ? 80 : (uint16_t)(20000 + flow);
    s.dport = dir ? (uint16_t)(20000 + flow) : 80;
    s.ttl = 64;
    s.dont_fragment = true;
    return s;
}

static void gen_segments(gen *g, uint32_t flow, const ng_tcp_segment *segs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ng_frame_spec s = flow_spec(flow, segs[i].dir);
        ng_tcp_segment_to_spec(&segs[i], &s);
        s.ip_id = (uint16_t)g->cap.n;
        static uint8_t frame[NG_FRAME_MAX_HEADERS + 0x10000];
        size_t len = ng_build_tcp_frame(frame, sizeof frame, &s);
        assert_true(len > 0);
        capture_add(&g->cap, frame, len, segs[i].ts_ns, flow);
        g->emitted++;
        g->inserted += segs[i].inserted;
    }
}

static void gen_flow(gen *g, const ng_tcp_config *cfg, ng_tcp_start how, ng_tcp_end end,
                     uint32_t flow, const ng_tcp_proposal *props, size_t n, int64_t end_ts)
{
    ng_tcp_flow f;
    ng_tcp_flow_init(&f, cfg, 2022, flow, how);
    ng_tcp_segment segs[NG_TCP_MAX_EMIT];
    for (size_t i = 0; i < n; i++) {
        gen_segments(g, flow, segs, ng_tcp_step(&f, &props[i], segs, &g->fixes));
        g->proposals++;
    }
    gen_segments(g, flow, segs, ng_tcp_finish(&f, end_ts, end, segs, &g->fixes));
}

/* The same through a tail, as synth/flow_emitter.c closes a flow (synth/tcp_tail.h). */
static void gen_folded_flow(gen *g, const ng_tcp_config *cfg, ng_tcp_start how, ng_tcp_end end,
                            uint32_t flow, const ng_tcp_proposal *props, size_t n, int64_t end_ts)
{
    ng_tcp_flow f;
    ng_tcp_flow_init(&f, cfg, 2022, flow, how);
    ng_tcp_segment segs[NG_TCP_MAX_EMIT];
    ng_tcp_tail tail;
    ng_tcp_tail_init(&tail);
    ng_tcp_proposal oldest;
    for (size_t i = 0; i < n; i++) {
        if (ng_tcp_tail_push(&tail, &props[i], &oldest))
            gen_segments(g, flow, segs, ng_tcp_step(&f, &oldest, segs, &g->fixes));
        g->proposals++;
    }
    ng_tcp_tail_fold(&tail, &f, end, &g->fixes);
    while (ng_tcp_tail_pop(&tail, &oldest))
        gen_segments(g, flow, segs, ng_tcp_step(&f, &oldest, segs, &g->fixes));
    gen_segments(g, flow, segs, ng_tcp_finish(&f, end_ts, end, segs, &g->fixes));
}

/* ---- the independent checker ---- */

typedef struct side_check {
    bool known, sent, fin;
    uint32_t next;      /* next sequence number expected from this side */
    uint32_t acked;     /* highest ack the other side sent for it */
    uint32_t last_ack;  /* this side's last ack field */
    uint32_t rwnd;      /* bytes this side's last window allows */
    uint32_t tsval;
    bool ts_seen;
    uint8_t syn_opts;
} side_check;

typedef struct flow_check {
    side_check s[2];
    uint32_t client_port;
    bool closed, handshake, scaled;
    bool synack_start;  /* the client's SYN was never sent in the capture */
    uint8_t wscale[2];
    size_t count;
    int64_t last_ts;
} flow_check;

#define CHECK(cond, ...) do { if (!(cond)) { snprintf(why, 200, __VA_ARGS__); return false; } } while (0)

static bool check_syn(flow_check *fc, int d, const ng_packet *p, char *why)
{
    side_check *me = &fc->s[d], *peer = &fc->s[!d];
    CHECK(fc->handshake, "SYN in a mid-stream flow");
    CHECK(!me->sent, "second SYN from side %d", d);
    CHECK(p->payload_len == 0, "payload on SYN");
    if (d == 0) {
        CHECK(fc->count == 0, "client SYN is not the first segment");
        CHECK(!(p->tcp_flags & NG_TCP_ACK), "ACK on the client SYN");
        CHECK(!(p->tcp_opts & NG_TCPOPT_TIMESTAMP) || p->tsecr == 0, "TSecr on SYN");
    } else {
        CHECK((peer->sent || fc->synack_start) && (p->tcp_flags & NG_TCP_ACK),
              "SYN/ACK before SYN or without ACK");
        CHECK((p->tcp_opts & ~NG_TCPOPT_MSS & ~peer->syn_opts) == 0, "SYN/ACK option not offered");
        fc->scaled = (p->tcp_opts & peer->syn_opts & NG_TCPOPT_WSCALE) != 0;
    }
    me->syn_opts = p->tcp_opts;
    fc->wscale[d] = p->wscale;
    return true;
}

static bool check_segment(flow_check *fc, const ng_packet *p, char *why)
{
    int d = p->sport == fc->client_port ? 0 : 1;
    side_check *me = &fc->s[d], *peer = &fc->s[!d];
    uint8_t fl = p->tcp_flags;
    bool syn = fl & NG_TCP_SYN, fin = fl & NG_TCP_FIN, rst = fl & NG_TCP_RST, ack = fl & NG_TCP_ACK;
    CHECK(!fc->closed, "segment after the connection closed");
    CHECK(p->ts_ns >= fc->last_ts, "time went backwards");
    CHECK(!(fl & (NG_TCP_URG | NG_TCP_ECE | NG_TCP_CWR)), "unsupported flag");
    CHECK(!(syn && (fin || rst)), "SYN with FIN/RST");
    /* With the SYN unseen, either side may also reset the attempt before any SYN/ACK. */
    CHECK(fc->count > 0 || !fc->handshake || (syn && d == (fc->synack_start ? 1 : 0)) ||
          (fc->synack_start && rst), "handshake flow does not open with its SYN (or SYN/ACK)");
    /* A SYN (SYN/ACK) sent again before the peer acknowledged it: a retransmission. */
    bool syn_again = syn && me->sent && me->known && p->seq + 1 == me->next &&
                     me->acked != me->next;
    if (syn && !syn_again && !check_syn(fc, d, p, why))
        return false;
    if (!syn)
        CHECK(ack || (rst && !peer->sent && fc->handshake), "ACK missing");
    bool reset_of_syn = rst && !me->sent && fc->handshake && p->seq == 0;
    if (me->known && !reset_of_syn && !syn_again)
        CHECK(p->seq == me->next, "side %d seq %u, expected %u", d, p->seq, me->next);
    else if (!me->known)
        CHECK(!fc->handshake || syn || reset_of_syn || (fc->synack_start && d == 0),
              "first segment of side %d is not a SYN", d);
    if (ack) {
        if (peer->known)
            CHECK(p->ack == peer->next, "side %d ack %u, expected %u", d, p->ack, peer->next);
        peer->known = true, peer->next = p->ack, peer->acked = p->ack;
    }
    CHECK(!(me->fin && (p->payload_len || fin)), "data or FIN after FIN");
    CHECK(!(rst && p->payload_len), "payload on RST");
    CHECK(p->payload_len || syn || fin || rst || !me->sent || p->ack != me->last_ack,
          "duplicate ACK from side %d", d);
    if (!reset_of_syn && !syn_again) {
        me->next = (me->known ? me->next : p->seq) + p->payload_len + syn + fin;
        me->known = true;
    }
    /* With the SYN unseen, the client's window scale is unknown (as for tshark). */
    bool peer_scale_unknown = fc->synack_start && fc->scaled && d == 1;
    if (p->payload_len && peer->rwnd && !peer_scale_unknown)
        CHECK((uint32_t)(me->next - me->acked) < peer->rwnd, "data past the receiver's window");
    if (p->tcp_opts & NG_TCPOPT_TIMESTAMP) {
        CHECK(!me->ts_seen || (int32_t)(p->tsval - me->tsval) >= 0, "TSval went backwards");
        CHECK(syn && d == 0 ? p->tsecr == 0 : !peer->ts_seen || p->tsecr == peer->tsval, "TSecr does not echo");
        me->tsval = p->tsval, me->ts_seen = true;
    }
    me->rwnd = syn || !fc->scaled ? p->window : (uint32_t)p->window << fc->wscale[d];
    me->fin |= fin;
    me->sent = true;
    me->last_ack = ack ? p->ack : me->last_ack;
    fc->closed = rst || (me->fin && peer->fin && me->acked == me->next && peer->acked == peer->next);
    fc->last_ts = p->ts_ns;
    fc->count++;
    return true;
}

/* Check every segment of one flow; returns the number of segments checked. */
static size_t check_flow(const capture *c, uint32_t flow, ng_tcp_start how, bool *closed)
{
    flow_check fc;
    memset(&fc, 0, sizeof fc);
    fc.client_port = 20000 + flow;
    fc.handshake = how != NG_TCP_START_MIDSTREAM;
    fc.synack_start = how == NG_TCP_START_SYNACK;
    if (fc.synack_start) /* what the unseen SYN offered is unknown: accept any reply */
        fc.s[0].syn_opts = 0xFF;
    char why[200];
    for (size_t i = 0; i < c->n; i++) {
        if (c->flow_of[i] != flow)
            continue;
        if (!check_segment(&fc, &c->pkts[i], why))
            fail_msg("flow %u, frame %zu: %s", flow, i + 1, why);
    }
    if (closed)
        *closed = fc.closed;
    return fc.count;
}

/* ---- tshark ---- */

static bool have_tshark(void)
{
    return ng_test_run("command -v tshark >/dev/null 2>&1") == 0;
}

/* Frames tshark finds fault with: malformed, error-level expert items, warnings other
 * than the "Connection reset" every RST carries, TCP analysis flags (retransmission,
 * out-of-order, lost segment, dup ACK, ACKed unseen, window full, ...), bad checksums.
 * Returns the offending frame summaries (caller frees), or NULL when tshark fails. */
static char *tshark_complaints(const char *pcap)
{
    const char *out = ng_test_tmp("tshark.out");
    int rc = ng_test_run(
        "tshark -r '%s' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "
        "-o udp.check_checksum:TRUE -Y '_ws.malformed || _ws.expert.severity >= 8388608 || "
        "(_ws.expert.severity >= 6291456 && !tcp.flags.reset) || "
        "(tcp.analysis.flags && !tcp.analysis.window_update && "
        "!(tcp.analysis.retransmission && tcp.flags.syn)) || tcp.checksum.status == 0 || "
        "ip.checksum.status == 0 || udp.checksum.status == 0' > '%s' 2>/dev/null", pcap, out);
    if (rc != 0)
        return NULL;
    size_t len;
    uint8_t *text = ng_test_read_file(out, &len);
    char *s = malloc(len + 1);
    memcpy(s, text, len);
    s[len] = 0;
    free(text);
    return s;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A UDP frame with a broken checksum, so the tshark run proves it can see a fault. */
static void add_canary(capture *c)
{
    ng_frame_spec s = flow_spec(9999, 0);
    s.sport = s.dport = 4242;
    s.payload_len = 20;
    uint8_t frame[128];
    size_t len = ng_build_udp_frame(frame, sizeof frame, &s);
    frame[len - 1] ^= 0xFF; /* payload byte flipped after the checksum was computed */
    capture_add(c, frame, len, 1, 9999);
}

/* ---- scripted conversations ---- */

#define MS 1000000LL

static void test_http_like_conversation_with_fin(void **state)
{
    (void)state;
    ng_tcp_config cfg;
    ng_tcp_config_default(&cfg);
    int64_t t = 1000 * 1000 * MS;
    const ng_tcp_proposal props[] = {
        {t, 0, NG_TCP_SYN, 0, 0},
        {t + 1 * MS, 1, NG_TCP_SYN | NG_TCP_ACK, 0, 0},
        {t + 2 * MS, 0, NG_TCP_ACK, 0, 0},
        {t + 3 * MS, 0, NG_TCP_PSH | NG_TCP_ACK, 0, 300},
        {t + 4 * MS, 1, NG_TCP_ACK, 0, 1448},
        {t + 5 * MS, 1, NG_TCP_ACK, 0, 1448},
        {t + 6 * MS, 0, NG_TCP_ACK, 0, 0},
        {t + 7 * MS, 1, NG_TCP_PSH | NG_TCP_ACK, 0, 700},
        {t + 8 * MS, 1, NG_TCP_FIN | NG_TCP_ACK, 0, 0},
        {t + 9 * MS, 0, NG_TCP_FIN | NG_TCP_ACK, 0, 0},
        {t + 10 * MS, 1, NG_TCP_ACK, 0, 0},
    };
    gen g;
    memset(&g, 0, sizeof g);
    gen_flow(&g, &cfg, NG_TCP_START_SYN, NG_TCP_END_FIN, 1001, props, 11, t + 20 * MS);
    assert_int_equal(g.cap.n, 11);            /* valid as proposed: */
    assert_int_equal(ng_tcp_fixes_total(&g.fixes), 0); /* nothing corrected */
    bool closed;
    assert_int_equal(check_flow(&g.cap, 1001, NG_TCP_START_SYN, &closed), 11);
    assert_true(closed);
    assert_int_equal(g.cap.pkts[3].payload_len, 300);
    assert_int_equal(g.cap.pkts[4].ack, g.cap.pkts[3].seq + 300);
    capture_append(&all_generated, &g.cap);
    capture_free(&g.cap);
    ng_test_cleanup_tmpdir();
}

static void test_reset_cases(void **state)
{
    (void)state;
    ng_tcp_config cfg;
    ng_tcp_config_default(&cfg);
    int64_t t = 5000 * MS;
    gen g;
    memset(&g, 0, sizeof g);
    /* 1: refused connection (SYN, RST/ACK with seq 0). */
    const ng_tcp_proposal refused[] = {{t, 0, NG_TCP_SYN, 0, 0}, {t + MS, 1, NG_TCP_RST | NG_TCP_ACK, 0, 0}};
    gen_flow(&g, &cfg, NG_TCP_START_SYN, NG_TCP_END_FIN, 1002, refused, 2, t + 2 * MS);
    /* 2: reset mid-conversation by the client, then proposals after close. */
    const ng_tcp_proposal aborted[] = {
        {t, 0, NG_TCP_SYN, 0, 0}, {t + MS, 1, NG_TCP_SYN | NG_TCP_ACK, 0, 0},
        {t + 2 * MS, 0, NG_TCP_ACK | NG_TCP_PSH, 0, 200}, {t + 3 * MS, 1, NG_TCP_ACK, 0, 900},
        {t + 4 * MS, 0, NG_TCP_RST, 0, 0}, {t + 5 * MS, 1, NG_TCP_ACK, 0, 100},
    };
    gen_flow(&g, &cfg, NG_TCP_START_SYN, NG_TCP_END_FIN, 1003, aborted, 6, t + 9 * MS);
    /* 3: teardown by RST from ng_tcp_finish. */
    gen_flow(&g, &cfg, NG_TCP_START_SYN, NG_TCP_END_RST, 1004, aborted, 4, t + 9 * MS);
    assert_int_equal(g.fixes.n[NG_TCP_FIX_AFTER_CLOSE_DROPPED], 1);
    assert_int_equal(g.fixes.n[NG_TCP_FIX_ACK_ADDED], 1);   /* the client's bare RST */
    assert_int_equal(g.fixes.n[NG_TCP_FIX_TEARDOWN_APPENDED], 1);
    for (uint32_t f = 1002; f <= 1004; f++) {
        bool closed;
        check_flow(&g.cap, f, NG_TCP_START_SYN, &closed);
        assert_true(closed);
    }
    assert_int_equal(g.cap.pkts[1].seq, 0);
    assert_int_equal(g.cap.pkts[1].ack, g.cap.pkts[0].seq + 1);
    capture_append(&all_generated, &g.cap);
    capture_free(&g.cap);
    ng_test_cleanup_tmpdir();
}

static void test_midstream_flow(void **state)
{
    (void)state;
    ng_tcp_config cfg;
    ng_tcp_config_default(&cfg);
    int64_t t = 7000 * MS;
    const ng_tcp_proposal props[] = {
        {t, 1, NG_TCP_ACK, 0, 1448}, {t + MS, 1, NG_TCP_ACK, 0, 1448}, {t + 2 * MS, 0, NG_TCP_ACK, 0, 0},
        {t + 3 * MS, 0, NG_TCP_SYN | NG_TCP_ACK, 0, 40}, {t + 4 * MS, 1, NG_TCP_PSH | NG_TCP_ACK, 0, 10},
    };
    gen g;
    memset(&g, 0, sizeof g);
    gen_flow(&g, &cfg, NG_TCP_START_MIDSTREAM, NG_TCP_END_FIN, 1005, props, 5, t + 10 * MS);
    assert_int_equal(g.fixes.n[NG_TCP_FIX_SYN_REMOVED], 1);
    assert_int_equal(g.fixes.n[NG_TCP_FIX_HANDSHAKE_INSERTED], 0);
    bool closed;
    assert_int_equal(check_flow(&g.cap, 1005, NG_TCP_START_MIDSTREAM, &closed), 5 + 3); /* + FIN, FIN, ACK */
    assert_true(closed);
    for (size_t i = 0; i < g.cap.n; i++)
        assert_false(g.cap.pkts[i].tcp_flags & NG_TCP_SYN);
    capture_append(&all_generated, &g.cap);
    capture_free(&g.cap);
    ng_test_cleanup_tmpdir();
}

/* ---- fuzz: 10k random proposals over many flows ---- */

static ng_tcp_proposal random_proposal(ng_rng *rng, int64_t *t)
{
    static const uint8_t common[] = {
        NG_TCP_SYN, NG_TCP_SYN | NG_TCP_ACK, NG_TCP_ACK, NG_TCP_ACK | NG_TCP_PSH,
        NG_TCP_FIN | NG_TCP_ACK, NG_TCP_RST, NG_TCP_RST | NG_TCP_ACK, 0};
    ng_tcp_proposal p;
    memset(&p, 0, sizeof p);
    *t += (int64_t)ng_rng_below(rng, 3 * MS) - MS / 4; /* sometimes backwards */
    p.ts_ns = *t;
    p.dir = (uint8_t)ng_rng_below(rng, 2);
    uint64_t r = ng_rng_below(rng, 100);
    p.flags = r < 8 ? (uint8_t)ng_rng_u64(rng) : r < 30 ? NG_TCP_ACK
            : common[ng_rng_below(rng, sizeof common)];
    if (p.flags & NG_TCP_RST && ng_rng_below(rng, 3))
        p.flags = NG_TCP_ACK; /* keep flows alive a little longer */
    uint64_t l = ng_rng_below(rng, 10);
    p.payload_len = l < 4 ? 0 : l < 8 ? (uint32_t)ng_rng_below(rng, 1500) : (uint32_t)ng_rng_below(rng, 70000);
    p.window = ng_rng_below(rng, 10) == 0 ? (uint16_t)(1 + ng_rng_below(rng, 2000)) : 0;
    return p;
}

static void random_config(ng_rng *rng, ng_tcp_config *cfg)
{
    ng_tcp_config_default(cfg);
    cfg->midstream_timestamps = ng_rng_below(rng, 2);
    cfg->insert_gap_ns = (int64_t)ng_rng_below(rng, 100000);
    for (int d = 0; d < 2; d++) {
        cfg->side[d].syn_opts = (uint8_t)ng_rng_below(rng, 32) & ~NG_TCPOPT_SACK;
        cfg->side[d].wscale = (uint8_t)ng_rng_below(rng, 15);
        cfg->side[d].mss = (uint16_t)(536 + ng_rng_below(rng, 1000));
        if (ng_rng_below(rng, 4) == 0) { /* no MSS: only the IP length limits a segment */
            cfg->side[d].mss = 0;
            cfg->side[d].syn_opts &= (uint8_t)~NG_TCPOPT_MSS;
        }
        cfg->side[d].window = (uint32_t)(3000 + ng_rng_below(rng, 1u << 20));
    }
}

static void test_random_proposals_always_valid(void **state)
{
    (void)state;
    enum { PROPOSALS = 10000, CONFIGS = 16 };
    ng_rng rng;
    ng_rng_seed(&rng, 77);
    ng_tcp_config cfgs[CONFIGS];
    ng_error err;
    for (int i = 0; i < CONFIGS; i++) {
        random_config(&rng, &cfgs[i]);
        assert_int_equal(ng_tcp_config_check(&cfgs[i], &err), NG_OK);
    }
    gen g;
    memset(&g, 0, sizeof g);
    ng_tcp_proposal *props = malloc(PROPOSALS * sizeof *props);
    ng_tcp_start how[1200];
    uint32_t flow = 0;
    int64_t t = 100000 * MS;
    for (size_t done = 0; done < PROPOSALS; flow++) {
        size_t n = 1 + ng_rng_below(&rng, 40);
        if (n > PROPOSALS - done)
            n = PROPOSALS - done;
        int64_t ft = t;
        for (size_t i = 0; i < n; i++)
            props[i] = random_proposal(&rng, &ft);
        const ng_tcp_config *cfg = &cfgs[ng_rng_below(&rng, CONFIGS)];
        uint64_t r = ng_rng_below(&rng, 10);
        how[flow] = r < 6 ? NG_TCP_START_SYN : r < 8 ? NG_TCP_START_MIDSTREAM : NG_TCP_START_SYNACK;
        ng_tcp_end end = ng_rng_below(&rng, 5) ? NG_TCP_END_FIN : NG_TCP_END_RST;
        if (flow % 2) /* every other flow closed as the generator does */
            gen_folded_flow(&g, cfg, how[flow], end, flow, props, n, ft + MS);
        else
            gen_flow(&g, cfg, how[flow], end, flow, props, n, ft + MS);
        done += n;
        t += 50 * MS; /* flows one after another: the pcap stays in time order */
    }
    free(props);
    const char *path = ng_test_tmp("fuzz.pcap"); /* written first: kept for a failure's post-mortem */
    capture_write_pcap(&g.cap, path);
    size_t checked = 0, closed_flows = 0;
    for (uint32_t f = 0; f < flow; f++) {
        bool closed;
        checked += check_flow(&g.cap, f, how[f], &closed);
        closed_flows += closed;
    }
    assert_int_equal(checked, g.cap.n); /* 100% of segments checked */
    /* Every correction is counted: emitted = proposals - dropped + inserted. */
    uint64_t dropped = g.fixes.n[NG_TCP_FIX_AFTER_CLOSE_DROPPED] + g.fixes.n[NG_TCP_FIX_DUP_ACK_DROPPED];
    uint64_t inserted = g.fixes.n[NG_TCP_FIX_HANDSHAKE_INSERTED] +
                        g.fixes.n[NG_TCP_FIX_WINDOW_ACK_INSERTED] + g.fixes.n[NG_TCP_FIX_TEARDOWN_APPENDED];
    assert_int_equal(g.proposals, PROPOSALS);
    assert_int_equal(g.emitted, g.proposals - dropped + inserted);
    assert_int_equal(g.inserted, inserted);
    for (int k = 0; k < NG_TCP_FIX_COUNT; k++) {
        if (getenv("NG_TEST_VERBOSE"))
            printf("%-24s %llu\n", ng_tcp_fix_name((ng_tcp_fix)k), (unsigned long long)g.fixes.n[k]);
        assert_true(g.fixes.n[k] > 0); /* the fuzz exercises every kind */
    }
    if (getenv("NG_TEST_VERBOSE"))
        printf("flows %u, segments %zu, closed %zu\n", flow, g.cap.n, closed_flows);
    capture_append(&all_generated, &g.cap);
    capture_free(&g.cap);
    ng_test_cleanup_tmpdir();
}

/* One frame of every other kind the builders make, for tshark's verdict. */
static void test_every_other_frame_kind(void **state)
{
    (void)state;
    capture *c = &all_generated;
    uint8_t f[2048];
    int64_t t = 3000 * MS;
    for (int v = 4; v <= 6; v += 2) {
        ng_frame_spec s = flow_spec(3000, 0);
        ng_addr a6 = {.family = 6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
        ng_addr b6 = {.family = 6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 2}};
        if (v == 6)
            s.src = a6, s.dst = b6, s.flow_label = 0x12345, s.tos = 0x28;
        /* Unassigned ports: zero bytes to port 53 would be judged as DNS content. */
        s.sport = 40000, s.dport = 41000, s.payload_len = 33;
        capture_add(c, f, ng_build_udp_frame(f, sizeof f, &s), t++, 3000);
        s.vlan = true, s.vlan_id = 100, s.vlan_pcp = 3;
        capture_add(c, f, ng_build_udp_frame(f, sizeof f, &s), t++, 3000);
        s.vlan = false;
        uint8_t echo_req = v == 6 ? 128 : 8, echo_rep = v == 6 ? 129 : 0, unreach = v == 6 ? 1 : 3;
        s.icmp_id = 77, s.icmp_seq = 1, s.payload_len = 56, s.icmp_type = echo_req;
        capture_add(c, f, ng_build_icmp_frame(f, sizeof f, &s), t++, 3000);
        ng_frame_spec r = s;
        r.src = s.dst, r.dst = s.src, r.icmp_type = echo_rep;
        capture_add(c, f, ng_build_icmp_frame(f, sizeof f, &r), t++, 3000);
        r.icmp_type = unreach, r.icmp_code = v == 6 ? 4 : 3, r.payload_len = v == 6 ? 48 + 20 : 28 + 20;
        r.sport = 40000, r.dport = 41000; /* the datagram s sent */
        capture_add(c, f, ng_build_icmp_frame(f, sizeof f, &r), t++, 3000);
    }
    ng_frame_spec s = flow_spec(3001, 0);
    s.arp_op = NG_ARP_REQUEST;
    memset(s.dst_mac, 0xFF, 6);
    capture_add(c, f, ng_build_arp_frame(f, sizeof f, &s), t++, 3001);
    ng_frame_spec r = flow_spec(3001, 1);
    r.arp_op = NG_ARP_REPLY;
    capture_add(c, f, ng_build_arp_frame(f, sizeof f, &r), t++, 3001);
    s.llc_dsap = s.llc_ssap = 0xF0, s.llc_control = 0x03, s.payload_len = 50; /* NetBIOS */
    memcpy(s.dst_mac, (uint8_t[6]){0x03, 0, 0, 0, 0, 1}, 6);
    capture_add(c, f, ng_build_llc_frame(f, sizeof f, &s), t++, 3001);
}

static void test_written_file_reads_back(void **state)
{
    (void)state;
    assert_true(all_generated.n > 4000);
    add_canary(&all_generated);
    capture_write_pcap(&all_generated, ng_test_tmp("all.pcap"));
    assert_file_holds(&all_generated, ng_test_tmp("all.pcap"));
}

static void test_tshark_finds_nothing_wrong(void **state)
{
    (void)state;
    const char *path = ng_test_tmp("all.pcap");
    if (!have_tshark()) {
        ng_test_cleanup_tmpdir();
        capture_free(&all_generated);
        skip();
        return;
    }
    char *complaints = tshark_complaints(path);
    assert_non_null(complaints);
    if (count_lines(complaints) != 1 || !strstr(complaints, "4242"))
        fail_msg("tshark complaints (expected only the canary):\n%s", complaints);
    free(complaints);
    if (getenv("NG_TEST_VERBOSE"))
        printf("kept %s (%zu frames)\n", path, all_generated.n);
    else
        ng_test_cleanup_tmpdir();
    capture_free(&all_generated);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_like_conversation_with_fin),
        cmocka_unit_test(test_reset_cases),
        cmocka_unit_test(test_midstream_flow),
        cmocka_unit_test(test_random_proposals_always_valid),
        cmocka_unit_test(test_every_other_frame_kind),
        cmocka_unit_test(test_written_file_reads_back),
        cmocka_unit_test(test_tshark_finds_nothing_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
