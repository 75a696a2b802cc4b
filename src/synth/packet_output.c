/* packet_output.c — a thin switch between capture/writer.h and features/csv_writer.h. */
#include "synth/packet_output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "capture/dissect.h"
#include "core/grow.h"
#include "flow/flow.h"

ng_status ng_output_format_parse(const char *name, ng_output_format *out, ng_error *err)
{
    if (name && !strcmp(name, "csv")) {
        *out = NG_OUTPUT_CSV;
        return NG_OK;
    }
    ng_capture_format cf;
    if (!name || ng_capture_format_parse(name, &cf, NULL) != NG_OK)
        return ng_fail(err, NG_EINVAL, "--format '%s': expected pcap, pcap-ns, pcapng or csv",
                       name ? name : "");
    *out = cf == NG_CAPTURE_PCAP_NS ? NG_OUTPUT_PCAP_NS
         : cf == NG_CAPTURE_PCAPNG  ? NG_OUTPUT_PCAPNG : NG_OUTPUT_PCAP_US;
    return NG_OK;
}

const char *ng_output_format_name(ng_output_format fmt)
{
    switch (fmt) {
    case NG_OUTPUT_PCAP_US: return "pcap";
    case NG_OUTPUT_PCAP_NS: return "pcap-ns";
    case NG_OUTPUT_PCAPNG: return "pcapng";
    case NG_OUTPUT_CSV: return "csv";
    }
    return "?";
}

static ng_capture_format capture_format(ng_output_format fmt)
{
    return fmt == NG_OUTPUT_PCAP_NS ? NG_CAPTURE_PCAP_NS
         : fmt == NG_OUTPUT_PCAPNG  ? NG_CAPTURE_PCAPNG : NG_CAPTURE_PCAP_US;
}

ng_status ng_packet_output_open(ng_packet_output *out, const char *path, ng_output_format fmt,
                                ng_error *err)
{
    memset(out, 0, sizeof *out);
    out->format = fmt;
    if (fmt == NG_OUTPUT_CSV)
        return ng_csv_open(&out->csv, path, NG_CSV_PACKET_HEADER, err);
    return ng_writer_open(&out->writer, path, capture_format(fmt), NG_DLT_EN10MB, 0, err);
}

static ng_status write_csv_row(ng_packet_output *out, const ng_out_packet *p, ng_error *err)
{
    ng_packet pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.linktype = NG_DLT_EN10MB;
    pkt.caplen = pkt.wirelen = p->len;
    ng_dissect(&pkt, p->frame);
    ng_packet_row row;
    memset(&row, 0, sizeof row);
    row.ts_ns = p->ts_ns;
    row.flow_id = p->flow_id;
    row.index = p->index;
    row.flow_iat_ns = p->flow_iat_ns;
    row.global_iat_ns = out->any ? ng_ts_gap(p->ts_ns, out->last_ts) : 0;
    row.frame_len = p->len;
    row.header_len = (uint32_t)pkt.l2_len + pkt.l3_len + pkt.l4_len;
    row.payload_len = pkt.payload_len;
    row.sport = pkt.sport;
    row.dport = pkt.dport;
    row.ethertype = pkt.ethertype;
    row.direction = p->direction;
    row.ip_proto = pkt.ip_proto;
    row.tcp_flags = pkt.tcp_flags;
    row.app_class = p->app_class;
    return ng_csv_write_packet(&out->csv, &row, err);
}

static void note_written(ng_packet_output *out, const ng_out_packet *p)
{
    out->last_ts = p->ts_ns;
    out->any = true;
}

ng_status ng_packet_output_write(ng_packet_output *out, const ng_out_packet *p, ng_error *err)
{
    ng_status st = out->format == NG_OUTPUT_CSV
                       ? write_csv_row(out, p, err)
                       : ng_writer_write(out->writer, p->ts_ns, p->frame, p->len, p->len, err);
    note_written(out, p);
    return st;
}

static ng_status csv_room(ng_packet_output *out, uint32_t cap, uint8_t **frame, ng_error *err)
{
    if (!ng_grow(&out->csv_frame, &out->csv_frame_cap, cap, 1))
        return ng_fail(err, NG_ENOMEM, "out of memory for a %" PRIu32 "-byte frame", cap);
    *frame = out->csv_frame;
    return NG_OK;
}

ng_status ng_packet_output_room(ng_packet_output *out, uint32_t cap, uint8_t **frame,
                                ng_error *err)
{
    if (out->format == NG_OUTPUT_CSV)
        return csv_room(out, cap, frame, err);
    return ng_writer_reserve(out->writer, cap, frame, err);
}

ng_status ng_packet_output_put(ng_packet_output *out, const ng_out_packet *p, ng_error *err)
{
    ng_status st = out->format == NG_OUTPUT_CSV
                       ? write_csv_row(out, p, err)
                       : ng_writer_commit(out->writer, p->ts_ns, p->len, p->len, err);
    note_written(out, p);
    return st;
}

ng_status ng_packet_output_close(ng_packet_output *out, ng_error *err)
{
    ng_status st;
    if (out->format == NG_OUTPUT_CSV)
        st = ng_csv_commit(&out->csv, err);
    else
        st = ng_writer_close(out->writer, err);
    out->writer = NULL;
    free(out->csv_frame);
    out->csv_frame = NULL;
    return st;
}

void ng_packet_output_abort(ng_packet_output *out)
{
    if (out->format == NG_OUTPUT_CSV)
        ng_csv_abort(&out->csv);
    else
        ng_writer_abort(out->writer);
    out->writer = NULL;
    free(out->csv_frame);
    out->csv_frame = NULL;
}
