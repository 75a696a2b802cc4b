/* reader.c — pcap and pcapng files through libpcap, one dissected packet at a time.
 *
 * Before libpcap sees the file we check it ourselves (exists, is a regular file, not
 * empty, starts with a known magic, has a whole file header), so that each failure gets
 * its own clear message. Records come from pcap_next_ex with nanosecond timestamps.
 * Byte offsets are not tracked per packet (the stream's position costs a system call);
 * a failing record's offset is found afterwards by record_offset.c, and bytes_read is
 * refreshed every PROGRESS_EVERY packets.
 *
 * Zero-length records (caplen 0) are returned as packets with no layers. */
#include "capture/reader.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/dissect.h"
#include "capture/record_offset.h"
#include "core/log.h"

enum {
    PCAP_FILE_HDR = 24, PCAPNG_MIN_SHB = 28, MAGIC_BYTES = 4, SHOWN_BYTES = 8,
    PROGRESS_EVERY = 4096, STREAM_BUFFER = 1 << 20
};

struct ng_reader {
    pcap_t *pcap;
    FILE *fp;            /* libpcap's stream (closed by pcap_close), for progress */
    char *stream_buffer; /* its stdio buffer, freed after pcap_close */
    char *path;
    uint32_t linktype;
    uint64_t file_size;
    bool pcapng;
    int64_t last_ts_ns;
    bool warned_time;
    ng_reader_stats stats;
};

typedef enum capture_kind { KIND_UNKNOWN, KIND_PCAP, KIND_PCAPNG } capture_kind;

static capture_kind kind_of_magic(const uint8_t m[MAGIC_BYTES])
{
    static const uint8_t pcap_magics[][MAGIC_BYTES] = {
        { 0xA1, 0xB2, 0xC3, 0xD4 }, { 0xD4, 0xC3, 0xB2, 0xA1 }, /* microseconds */
        { 0xA1, 0xB2, 0x3C, 0x4D }, { 0x4D, 0x3C, 0xB2, 0xA1 }, /* nanoseconds */
        { 0xA1, 0xB2, 0xCD, 0x34 }, { 0x34, 0xCD, 0xB2, 0xA1 }, /* Kuznetsov's patch */
    };
    static const uint8_t pcapng_magic[MAGIC_BYTES] = { 0x0A, 0x0D, 0x0D, 0x0A };
    for (size_t i = 0; i < sizeof pcap_magics / sizeof pcap_magics[0]; i++)
        if (memcmp(m, pcap_magics[i], MAGIC_BYTES) == 0)
            return KIND_PCAP;
    if (memcmp(m, pcapng_magic, MAGIC_BYTES) == 0)
        return KIND_PCAPNG;
    return KIND_UNKNOWN;
}

static void hex_bytes(const uint8_t *b, size_t n, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 4 < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%02x", i ? " " : "", b[i]);
}

/* Stat and sniff the file: every refusal before libpcap gets its own message. */
static ng_status check_file(const char *path, uint64_t *size, capture_kind *kind,
                            ng_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ng_fail(err, NG_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ng_fail(err, NG_EIO, "%s: is a directory, not a capture file", path);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t head[SHOWN_BYTES];
    size_t got = fread(head, 1, sizeof head, fp);
    bool read_error = ferror(fp);
    fclose(fp);
    if (read_error)
        return ng_fail(err, NG_EIO, "%s: cannot read: %s", path, strerror(errno));
    *size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if (got == 0)
        return ng_fail(err, NG_EFORMAT, "%s: is empty (0 bytes), not a capture", path);

    char hex[3 * SHOWN_BYTES + 1];
    hex_bytes(head, got, hex, sizeof hex);
    *kind = got >= MAGIC_BYTES ? kind_of_magic(head) : KIND_UNKNOWN;
    if (*kind == KIND_UNKNOWN)
        return ng_fail(err, NG_EFORMAT,
                       "%s: not a pcap or pcapng capture (bad magic; file starts with %s)",
                       path, hex);
    uint64_t need = *kind == KIND_PCAP ? PCAP_FILE_HDR : PCAPNG_MIN_SHB;
    if (S_ISREG(st.st_mode) && *size < need)
        return ng_fail(err, NG_EFORMAT,
                       "%s: truncated file header: %" PRIu64 " bytes, a %s header needs %" PRIu64,
                       path, *size, *kind == KIND_PCAP ? "pcap" : "pcapng", need);
    return NG_OK;
}

/* libpcap reads through stdio; glibc's default 4 KiB buffer means a read() per 4 KiB,
 * which dominated the time on large files. We give the stream a buffer of 1 MiB, or
 * of the file's size when smaller. */
static ng_status open_pcap(ng_reader *r, ng_error *err)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    FILE *fp = fopen(r->path, "rb");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: cannot open: %s", r->path, strerror(errno));
    size_t size = r->file_size < STREAM_BUFFER ? (size_t)r->file_size : STREAM_BUFFER;
    size = size < BUFSIZ ? BUFSIZ : size;
    r->stream_buffer = malloc(size);
    if (r->stream_buffer)
        setvbuf(fp, r->stream_buffer, _IOFBF, size);
    r->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!r->pcap) {
        fclose(fp);
        return ng_fail(err, NG_EFORMAT, "%s: cannot read capture header: %s", r->path, errbuf);
    }
    r->fp = fp;
    r->linktype = (uint32_t)pcap_datalink(r->pcap);
    if (!ng_linktype_supported(r->linktype)) {
        const char *name = pcap_datalink_val_to_name((int)r->linktype);
        return ng_fail(err, NG_EUNSUPPORTED, "%s: unsupported link type %" PRIu32 " (%s)",
                       r->path, r->linktype, name ? name : "unknown to libpcap");
    }
    return NG_OK;
}

ng_status ng_reader_open(ng_reader **out, const char *path, ng_error *err)
{
    *out = NULL;
    if (!path)
        return ng_fail(err, NG_EINVAL, "no capture file given");
    uint64_t size = 0;
    capture_kind kind = KIND_UNKNOWN;
    ng_status st = check_file(path, &size, &kind, err);
    if (st != NG_OK)
        return st;

    ng_reader *r = calloc(1, sizeof *r);
    char *copy = strdup(path);
    if (!r || !copy) {
        free(r);
        free(copy);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory opening the capture", path);
    }
    r->path = copy;
    r->file_size = size;
    r->pcapng = kind == KIND_PCAPNG;
    r->last_ts_ns = INT64_MIN;
    st = open_pcap(r, err);
    if (st != NG_OK) {
        ng_reader_close(r);
        return st;
    }
    *out = r;
    return NG_OK;
}

static ng_status record_error(ng_reader *r, ng_error *err)
{
    /* Copy libpcap's text first: finding the offset does not touch it, but be safe. */
    char why[PCAP_ERRBUF_SIZE];
    snprintf(why, sizeof why, "%s", pcap_geterr(r->pcap));
    uint64_t number = r->stats.packets + 1;
    int64_t offset;
    if (ng_record_offset(r->path, number, &offset))
        return ng_fail(err, NG_EFORMAT, "%s: packet %" PRIu64 " (%s at byte offset %" PRId64
                       "): %s", r->path, number, r->pcapng ? "block" : "record header",
                       offset, why);
    return ng_fail(err, NG_EFORMAT, "%s: packet %" PRIu64 ": %s", r->path, number, why);
}

static void count_packet(ng_reader *r, const ng_packet *pkt)
{
    ng_reader_stats *s = &r->stats;
    s->packets++;
    if (pkt->anomalies & NG_PKT_TRUNCATED)
        s->truncated++;
    if (pkt->anomalies & NG_PKT_MALFORMED)
        s->malformed++;
    if (pkt->ts_ns < r->last_ts_ns)
        s->out_of_order++;
    r->last_ts_ns = pkt->ts_ns;
}

/* With nanosecond precision libpcap puts nanoseconds in tv_usec. pcapng can state
 * seconds that do not fit int64 nanoseconds (year 2262 on): those are clamped, once
 * with a warning, instead of overflowing. */
static int64_t timestamp_ns(ng_reader *r, const struct timeval *tv)
{
    const int64_t max_sec = INT64_MAX / 1000000000 - 1;
    int64_t sec = (int64_t)tv->tv_sec;
    if (sec > max_sec || sec < -max_sec) {
        if (!r->warned_time)
            ng_warn("%s: packet %" PRIu64 ": timestamp %" PRId64 " s is out of range; clamped",
                    r->path, r->stats.packets + 1, sec);
        r->warned_time = true;
        sec = sec > 0 ? max_sec : -max_sec;
    }
    return sec * 1000000000 + (int64_t)tv->tv_usec;
}

ng_status ng_reader_next(ng_reader *r, ng_packet *pkt, const uint8_t **data, bool *got,
                         ng_error *err)
{
    *got = false;
    if (data)
        *data = NULL;
    struct pcap_pkthdr *hdr;
    const u_char *bytes;
    int rc = pcap_next_ex(r->pcap, &hdr, &bytes);
    if (rc == PCAP_ERROR_BREAK) {
        r->stats.bytes_read = r->file_size;
        return NG_OK;
    }
    if (rc != 1)
        return record_error(r, err);

    pkt->ts_ns = timestamp_ns(r, &hdr->ts);
    pkt->number = r->stats.packets + 1;
    pkt->caplen = hdr->caplen;
    /* A record with more bytes than its wire length lies: trust the bytes, so that
     * frame length >= header + payload downstream, and count the packet malformed. */
    pkt->wirelen = hdr->len < hdr->caplen ? hdr->caplen : hdr->len;
    pkt->linktype = r->linktype;
    ng_dissect(pkt, bytes);
    if (hdr->len < hdr->caplen)
        pkt->anomalies |= NG_PKT_MALFORMED;
    count_packet(r, pkt);
    if (r->fp && r->stats.packets % PROGRESS_EVERY == 0) {
        off_t pos = ftello(r->fp);
        if (pos >= 0)
            r->stats.bytes_read = (uint64_t)pos;
    }
    if (data)
        *data = bytes;
    *got = true;
    return NG_OK;
}

const char *ng_reader_path(const ng_reader *r) { return r->path; }
uint32_t ng_reader_linktype(const ng_reader *r) { return r->linktype; }
uint64_t ng_reader_file_size(const ng_reader *r) { return r->file_size; }
const ng_reader_stats *ng_reader_get_stats(const ng_reader *r) { return &r->stats; }

void ng_reader_close(ng_reader *r)
{
    if (!r)
        return;
    if (r->pcap)
        pcap_close(r->pcap);
    free(r->stream_buffer);
    free(r->path);
    free(r);
}
