/* csv_writer.c — row formatting and buffered, atomic CSV output. */
#include "features/csv_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/csv_format.h"
#include "flow/app_class.h"

#define BUF_CAP (1u << 20)

ng_status ng_csv_open(ng_csv_writer *w, const char *path, const char *header, ng_error *err)
{
    memset(w, 0, sizeof *w);
    w->buf = malloc(BUF_CAP);
    if (!w->buf)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for the output buffer", path);
    w->cap = BUF_CAP;
    ng_status st = ng_outfile_open(&w->out, path, err);
    if (st != NG_OK) {
        free(w->buf);
        w->buf = NULL;
        return st;
    }
    w->is_open = true;
    size_t n = strlen(header);
    memcpy(w->buf, header, n);
    w->len = n;
    return NG_OK;
}

static ng_status drain(ng_csv_writer *w, ng_error *err)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->out.fp) != w->len)
        return ng_fail(err, NG_EIO, "cannot write %s: %s", w->out.path, strerror(errno));
    w->len = 0;
    return NG_OK;
}

static ng_status make_room(ng_csv_writer *w, size_t need, ng_error *err)
{
    return w->len + need <= w->cap ? NG_OK : drain(w, err);
}

ng_status ng_csv_write_packet(ng_csv_writer *w, const ng_packet_row *row, ng_error *err)
{
    ng_status st = make_room(w, NG_CSV_PACKET_ROW_MAX, err);
    if (st != NG_OK)
        return st;
    w->len += ng_csv_format_packet(w->buf + w->len, row);
    w->rows++;
    return NG_OK;
}

ng_status ng_csv_write_flow(ng_csv_writer *w, const ng_flow_row *flow, ng_error *err)
{
    ng_status st = make_room(w, NG_CSV_FLOW_ROW_MAX, err);
    if (st != NG_OK)
        return st;
    w->len += ng_csv_format_flow(w->buf + w->len, flow);
    w->rows++;
    return NG_OK;
}

ng_status ng_csv_flush(ng_csv_writer *w, ng_error *err)
{
    ng_status st = drain(w, err);
    if (st == NG_OK && (fflush(w->out.fp) != 0 || ferror(w->out.fp)))
        st = ng_fail(err, NG_EIO, "cannot write %s: %s", w->out.path, strerror(errno));
    return st;
}

static void release_buffer(ng_csv_writer *w)
{
    free(w->buf);
    w->buf = NULL;
    w->is_open = false;
}

ng_status ng_csv_commit(ng_csv_writer *w, ng_error *err)
{
    if (!w->is_open)
        return ng_fail(err, NG_EINVAL, "CSV writer is not open");
    ng_status st = ng_csv_flush(w, err);
    if (st == NG_OK)
        st = ng_outfile_commit(&w->out, err);
    if (st != NG_OK)
        ng_outfile_abort(&w->out);
    release_buffer(w);
    return st;
}

void ng_csv_abort(ng_csv_writer *w)
{
    if (!w->is_open)
        return;
    ng_outfile_abort(&w->out);
    release_buffer(w);
}

/* ---- row formatting ---- */

#define PUT_U(v) (n += ng_fmt_u64(dst + n, (v)), dst[n++] = ',')
#define PUT_S(ns) (n += ng_fmt_seconds_ns(dst + n, (ns)), dst[n++] = ',')

size_t ng_csv_format_packet(char *dst, const ng_packet_row *r)
{
    size_t n = 0;
    PUT_S(r->ts_ns);
    PUT_U(r->flow_id);
    PUT_U(r->direction);
    PUT_U(r->index);
    PUT_U(r->frame_len);
    PUT_U(r->header_len);
    PUT_U(r->payload_len);
    PUT_U(r->ip_proto);
    PUT_U(r->ethertype);
    PUT_U(r->sport);
    PUT_U(r->dport);
    PUT_U(r->tcp_flags);
    PUT_S(r->flow_iat_ns);
    PUT_S(r->global_iat_ns);
    n += ng_fmt_str(dst + n, ng_app_class_name((ng_app_class)r->app_class));
    dst[n++] = '\n';
    return n;
}

static size_t put_addr(char *dst, const ng_addr *a)
{
    char text[64];
    ng_addr_format(a, text, sizeof text);
    size_t n = ng_fmt_str(dst, text);
    dst[n++] = ',';
    return n;
}

static size_t put_mac(char *dst, bool has, const uint8_t mac[6])
{
    size_t n = has ? ng_fmt_mac(dst, mac) : 0;
    dst[n++] = ',';
    return n;
}

size_t ng_csv_format_flow(char *dst, const ng_flow_row *f)
{
    size_t n = 0;
    char proto[16];
    PUT_U(f->id);
    n += ng_fmt_str(dst + n, ng_app_class_name((ng_app_class)f->app_class));
    dst[n++] = ',';
    n += ng_fmt_str(dst + n, ng_flow_protocol_name(f, proto, sizeof proto));
    dst[n++] = ',';
    n += put_addr(dst + n, &f->client);
    PUT_U(f->client_port);
    n += put_addr(dst + n, &f->server);
    PUT_U(f->server_port);
    n += put_mac(dst + n, f->has_mac, f->client_mac);
    n += put_mac(dst + n, f->has_mac, f->server_mac);
    PUT_S(f->start_ns);
    PUT_S(ng_ts_gap(f->last_ns, f->start_ns));
    PUT_U(f->packets[0]);
    PUT_U(f->packets[1]);
    PUT_U(f->bytes[0]);
    PUT_U(f->bytes[1]);
    PUT_U(f->payload_bytes[0]);
    PUT_U(f->payload_bytes[1]);
    n += ng_fmt_str(dst + n, ng_flow_start_name((ng_flow_start)f->start_reason));
    dst[n++] = ',';
    n += ng_fmt_str(dst + n, ng_flow_end_name((ng_flow_end)f->end_reason));
    dst[n++] = '\n';
    return n;
}

/* ---- sink adapter ---- */

static ng_status sink_packet(void *user, const ng_packet_row *row, ng_error *err)
{
    ng_csv_pair *pair = user;
    return pair->packets ? ng_csv_write_packet(pair->packets, row, err) : NG_OK;
}

static ng_status sink_flow(void *user, const ng_flow_row *flow, ng_error *err)
{
    ng_csv_pair *pair = user;
    return pair->flows ? ng_csv_write_flow(pair->flows, flow, err) : NG_OK;
}

ng_feature_sink ng_csv_sink(ng_csv_pair *pair)
{
    ng_feature_sink sink = {sink_packet, sink_flow, pair};
    return sink;
}
