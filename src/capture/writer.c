/* writer.c — the capture writer: a buffered stream of pcap or pcapng structures into an
 * atomic output file (core/outfile.h).
 *
 * Bytes collect in a 256 KiB buffer and go to the file in large fwrites; a packet larger
 * than the buffer is written straight through. A packet built in place (reserve, then
 * commit) is built in the buffer itself, after the room for its record header. The first
 * write error is reported with the file name and the packet number, and the writer stays
 * failed. */
#include "capture/writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture_format.h"
#include "core/outfile.h"

enum { WRITE_BUFFER = 256 * 1024, DLT_RAW_12 = 12, DLT_RAW_14 = 14, LINKTYPE_RAW = 101 };

struct ng_writer {
    ng_outfile out;
    ng_capture_format format;
    uint32_t snaplen;
    uint64_t packets;
    bool failed;
    bool reserved;        /* a packet is being built in place at buf + used + header */
    uint32_t reserved_len;
    size_t used;
    uint8_t *buf;
};

static const char *target_name(const ng_writer *w)
{
    return w->out.path ? w->out.path : "(standard output)";
}

static ng_status flush_buffer(ng_writer *w, ng_error *err)
{
    if (w->used && fwrite(w->buf, 1, w->used, w->out.fp) != w->used) {
        w->failed = true;
        return ng_fail(err, NG_EIO, "%s: write failed after %" PRIu64 " packets: %s",
                       target_name(w), w->packets, strerror(errno));
    }
    w->used = 0;
    return NG_OK;
}

static ng_status append(ng_writer *w, const void *data, size_t n, ng_error *err)
{
    if (n > WRITE_BUFFER - w->used) {
        ng_status st = flush_buffer(w, err);
        if (st != NG_OK)
            return st;
    }
    if (n > WRITE_BUFFER) {
        if (fwrite(data, 1, n, w->out.fp) != n) {
            w->failed = true;
            return ng_fail(err, NG_EIO, "%s: write failed at packet %" PRIu64 ": %s",
                           target_name(w), w->packets + 1, strerror(errno));
        }
        return NG_OK;
    }
    memcpy(w->buf + w->used, data, n);
    w->used += n;
    return NG_OK;
}

static uint32_t file_linktype(uint32_t linktype)
{
    return linktype == DLT_RAW_12 || linktype == DLT_RAW_14 ? LINKTYPE_RAW : linktype;
}

static ng_status write_file_header(ng_writer *w, uint32_t linktype, ng_error *err)
{
    uint8_t hdr[NG_PCAPNG_SHB_LEN + NG_PCAPNG_IDB_LEN];
    size_t n;
    if (w->format == NG_CAPTURE_PCAPNG) {
        n = ng_pcapng_section_header(hdr);
        n += ng_pcapng_interface_description(hdr + n, linktype, w->snaplen);
    } else {
        n = ng_pcap_file_header(hdr, w->format == NG_CAPTURE_PCAP_NS, linktype, w->snaplen);
    }
    return append(w, hdr, n, err);
}

ng_status ng_writer_open(ng_writer **out, const char *path, ng_capture_format format,
                         uint32_t linktype, uint32_t snaplen, ng_error *err)
{
    *out = NULL;
    if (format > NG_CAPTURE_PCAPNG)
        return ng_fail(err, NG_EINVAL, "%s: unknown capture format %d", path, (int)format);
    if (format == NG_CAPTURE_PCAPNG && linktype > UINT16_MAX)
        return ng_fail(err, NG_EINVAL, "%s: link type %" PRIu32 " does not fit pcapng's 16 bits",
                       path, linktype);
    ng_writer *w = calloc(1, sizeof *w);
    uint8_t *buf = malloc(WRITE_BUFFER);
    if (!w || !buf) {
        free(w);
        free(buf);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for the capture writer", path);
    }
    w->buf = buf;
    w->format = format;
    w->snaplen = snaplen ? snaplen : NG_WRITER_DEFAULT_SNAPLEN;
    ng_status st = ng_outfile_open(&w->out, path, err);
    if (st != NG_OK) {
        free(buf);
        free(w);
        return st;
    }
    st = write_file_header(w, file_linktype(linktype), err);
    if (st != NG_OK) {
        ng_writer_abort(w);
        return st;
    }
    *out = w;
    return NG_OK;
}

static ng_status record_header(ng_writer *w, int64_t ts_ns, uint32_t caplen, uint32_t wirelen,
                               uint8_t *hdr, size_t *n, ng_error *err)
{
    if (ts_ns < 0)
        return ng_fail(err, NG_EINVAL, "%s: packet %" PRIu64 ": timestamp %" PRId64
                       " ns is before 1970", target_name(w), w->packets + 1, ts_ns);
    if (w->format == NG_CAPTURE_PCAPNG) {
        *n = ng_pcapng_packet_header(hdr, (uint64_t)ts_ns, caplen, wirelen);
        return NG_OK;
    }
    int64_t sec = ts_ns / 1000000000;
    uint32_t ns = (uint32_t)(ts_ns % 1000000000);
    if (sec > (int64_t)UINT32_MAX)
        return ng_fail(err, NG_EINVAL, "%s: packet %" PRIu64 ": timestamp %" PRId64
                       " s is past what pcap can store (2106)", target_name(w), w->packets + 1, sec);
    uint32_t frac = w->format == NG_CAPTURE_PCAP_NS ? ns : ns / 1000;
    *n = ng_pcap_record_header(hdr, (uint32_t)sec, frac, caplen, wirelen);
    return NG_OK;
}

static ng_status check_lengths(const ng_writer *w, uint32_t caplen, uint32_t wirelen,
                               ng_error *err)
{
    if (wirelen < caplen)
        return ng_fail(err, NG_EINVAL, "%s: packet %" PRIu64 ": %" PRIu32
                       " bytes captured but only %" PRIu32 " on the wire",
                       target_name(w), w->packets + 1, caplen, wirelen);
    return NG_OK;
}

ng_status ng_writer_write(ng_writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                          uint32_t wirelen, ng_error *err)
{
    w->reserved = false;
    if (w->failed)
        return ng_fail(err, NG_EIO, "%s: writer already failed", target_name(w));
    ng_status st = check_lengths(w, caplen, wirelen, err);
    if (st != NG_OK)
        return st;
    if (caplen > w->snaplen)
        caplen = w->snaplen;
    uint8_t hdr[NG_PCAPNG_EPB_HDR_LEN];
    size_t n = 0;
    st = record_header(w, ts_ns, caplen, wirelen, hdr, &n, err);
    if (st == NG_OK)
        st = append(w, hdr, n, err);
    if (st == NG_OK && caplen)
        st = append(w, data, caplen, err);
    if (st == NG_OK && w->format == NG_CAPTURE_PCAPNG) {
        static const uint8_t zeros[4];
        uint8_t trailer[NG_PCAPNG_EPB_TRAILER_LEN];
        st = append(w, zeros, ng_pcapng_pad(caplen), err);
        if (st == NG_OK)
            st = append(w, trailer, ng_pcapng_packet_trailer(trailer, caplen), err);
    }
    if (st == NG_OK)
        w->packets++;
    else if (st == NG_EIO)
        w->failed = true;
    return st;
}

/* ---- packets built in place ---- */

static size_t record_header_len(const ng_writer *w)
{
    return w->format == NG_CAPTURE_PCAPNG ? NG_PCAPNG_EPB_HDR_LEN : NG_PCAP_RECORD_HDR_LEN;
}

/* The most a record of caplen bytes of data takes: header, data, and for pcapng at most
 * 3 bytes of padding and the trailer. */
static size_t record_max_len(const ng_writer *w, uint32_t caplen)
{
    size_t tail = w->format == NG_CAPTURE_PCAPNG ? 3 + NG_PCAPNG_EPB_TRAILER_LEN : 0;
    return record_header_len(w) + caplen + tail;
}

ng_status ng_writer_reserve(ng_writer *w, uint32_t max_caplen, uint8_t **room, ng_error *err)
{
    *room = NULL;
    w->reserved = false;
    if (w->failed)
        return ng_fail(err, NG_EIO, "%s: writer already failed", target_name(w));
    if (max_caplen > NG_WRITER_MAX_RESERVE)
        return ng_fail(err, NG_EINVAL, "%s: %" PRIu32 " bytes is more than a packet built in "
                       "place may have (%u)", target_name(w), max_caplen, NG_WRITER_MAX_RESERVE);
    if (record_max_len(w, max_caplen) > WRITE_BUFFER - w->used) {
        ng_status st = flush_buffer(w, err);
        if (st != NG_OK)
            return st;
    }
    w->reserved = true;
    w->reserved_len = max_caplen;
    *room = w->buf + w->used + record_header_len(w);
    return NG_OK;
}

/* pcapng: zero padding to a multiple of 4 and the trailer after caplen bytes at data. */
static size_t put_pcapng_tail(uint8_t *data, uint32_t caplen)
{
    uint32_t pad = ng_pcapng_pad(caplen);
    memset(data + caplen, 0, pad);
    return pad + ng_pcapng_packet_trailer(data + caplen + pad, caplen);
}

ng_status ng_writer_commit(ng_writer *w, int64_t ts_ns, uint32_t caplen, uint32_t wirelen,
                           ng_error *err)
{
    bool reserved = w->reserved;
    w->reserved = false;
    if (!reserved)
        return ng_fail(err, NG_EINVAL, "%s: packet %" PRIu64 " committed without a reservation",
                       target_name(w), w->packets + 1);
    if (caplen > w->reserved_len)
        return ng_fail(err, NG_EINVAL, "%s: packet %" PRIu64 ": %" PRIu32 " bytes committed in "
                       "room for %" PRIu32, target_name(w), w->packets + 1, caplen,
                       w->reserved_len);
    ng_status st = check_lengths(w, caplen, wirelen, err);
    if (st != NG_OK)
        return st;
    if (caplen > w->snaplen)
        caplen = w->snaplen;
    uint8_t *record = w->buf + w->used;
    size_t n = 0;
    st = record_header(w, ts_ns, caplen, wirelen, record, &n, err);
    if (st != NG_OK)
        return st;
    n += caplen;
    if (w->format == NG_CAPTURE_PCAPNG)
        n += put_pcapng_tail(record + record_header_len(w), caplen);
    w->used += n;
    w->packets++;
    return NG_OK;
}

static void free_writer(ng_writer *w)
{
    free(w->buf);
    free(w);
}

ng_status ng_writer_close(ng_writer *w, ng_error *err)
{
    if (!w)
        return NG_OK;
    ng_status st = w->failed ? ng_fail(err, NG_EIO, "%s: not saved after a write error",
                                       target_name(w))
                             : flush_buffer(w, err);
    if (st == NG_OK)
        st = ng_outfile_commit(&w->out, err);
    if (st != NG_OK)
        ng_outfile_abort(&w->out);
    free_writer(w);
    return st;
}

void ng_writer_abort(ng_writer *w)
{
    if (!w)
        return;
    ng_outfile_abort(&w->out);
    free_writer(w);
}

uint64_t ng_writer_packets(const ng_writer *w)
{
    return w->packets;
}

ng_status ng_capture_format_parse(const char *name, ng_capture_format *format, ng_error *err)
{
    if (!strcmp(name, "pcap") || !strcmp(name, "pcap-us"))
        *format = NG_CAPTURE_PCAP_US;
    else if (!strcmp(name, "pcap-ns"))
        *format = NG_CAPTURE_PCAP_NS;
    else if (!strcmp(name, "pcapng"))
        *format = NG_CAPTURE_PCAPNG;
    else
        return ng_fail(err, NG_EINVAL,
                       "unknown capture format '%s' (choose pcap, pcap-ns or pcapng)", name);
    return NG_OK;
}

const char *ng_capture_format_name(ng_capture_format format)
{
    switch (format) {
    case NG_CAPTURE_PCAP_US: return "pcap";
    case NG_CAPTURE_PCAP_NS: return "pcap-ns";
    case NG_CAPTURE_PCAPNG: return "pcapng";
    }
    return "?";
}
