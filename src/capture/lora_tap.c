/* lora_tap.c — LoRaTap header coding and LoRaTap pcap reading/writing (see lora_tap.h). */
#include "capture/lora_tap.h"

#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture/lora_frame.h"

static uint8_t clamp_u8(long v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

void ng_loratap_header_encode(const ng_lora_record *rec, uint8_t *out)
{
    memset(out, 0, NG_LORATAP_HDR_LEN);
    out[3] = NG_LORATAP_HDR_LEN;
    for (int i = 0; i < 4; i++)
        out[4 + i] = (uint8_t)(rec->freq_hz >> (24 - 8 * i));
    out[8] = clamp_u8(lround((rec->bw_khz ? rec->bw_khz : 125) / 125.0));
    out[9] = rec->sf;
    uint8_t rssi = clamp_u8(lround(rec->rssi + 139.0));
    out[10] = rssi;
    out[11] = rssi;
    out[12] = rssi;
    long snr = lround(rec->snr * 4.0);
    out[13] = (uint8_t)(int8_t)(snr < -128 ? -128 : snr > 127 ? 127 : snr);
    out[14] = NG_LORATAP_SYNC_PUBLIC;
}

long ng_loratap_header_decode(const uint8_t *b, size_t len, ng_lora_record *rec)
{
    if (len < NG_LORATAP_HDR_LEN || b[0] != 0)
        return -1;
    size_t hl = (size_t)b[2] << 8 | b[3];
    if (hl < NG_LORATAP_HDR_LEN || hl > len)
        return -1;
    rec->freq_hz = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    rec->bw_khz = (uint16_t)(b[8] * 125u);
    rec->sf = b[9];
    rec->rssi = (float)(b[10] - 139);
    /* as a packet forwarder reports it (printf "%.1f", half-even on the exact
     * quarter): 9.25 dB -> 9.2, 9.75 -> 9.8, so LoRaTap and gateway logs agree */
    rec->snr = (float)(rint((int8_t)b[13] * 2.5) / 10.0);
    rec->crc = 1;
    rec->chan = -1;
    return (long)hl;
}

static void one_frame(const struct pcap_pkthdr *h, const uint8_t *data, size_t no,
                      const char *path, int ns, ng_lora_records *out,
                      ng_lora_input_stats *st, ng_status *s, ng_error *err)
{
    char where[300];
    snprintf(where, sizeof where, "%s frame %zu", path, no);
    ng_lora_record r;
    memset(&r, 0, sizeof r);
    long hl = ng_loratap_header_decode(data, h->caplen, &r);
    if (hl < 0) {
        ng_lora_stats_bad(st, NG_LORA_BAD_RADIO, "%s: LoRaTap header short or not version 0", where);
        return;
    }
    ng_lora_frame f;
    ng_error e;
    size_t n = h->caplen - (size_t)hl;
    if (n > NG_LORA_MAX_PHY || ng_lora_frame_decode(data + hl, n, &f, &e) != NG_OK) {
        ng_lora_stats_bad(st, NG_LORA_BAD_FRAME, "%s: %s", where,
                          n > NG_LORA_MAX_PHY ? "PHYPayload longer than 255 bytes" : e.msg);
        return;
    }
    r.time_ns = (int64_t)h->ts.tv_sec * 1000000000LL + (int64_t)h->ts.tv_usec * (ns ? 1 : 1000);
    r.mtype = f.mtype;
    r.major = f.major;
    r.dev_addr = f.dev_addr;
    r.fctrl = f.fctrl;
    r.fopts_len = f.fopts_len;
    r.fport = (int16_t)f.fport;
    r.fcnt = f.fcnt;
    r.phy_len = (uint16_t)f.len;
    r.frm_len = f.frm_len;
    *s = ng_lora_records_push(out, &r, err);
    if (*s == NG_OK)
        st->read++;
}

ng_status ng_lora_tap_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                           ng_error *err)
{
    char ebuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
    if (!p)
        return ng_fail(err, NG_EIO, "%s: %s", path, ebuf);
    ng_status s = NG_OK;
    if (pcap_datalink(p) != (int)NG_LINKTYPE_LORATAP) {
        s = ng_fail(err, NG_EUNSUPPORTED, "%s: link type %d is not LoRaTap (270)", path,
                    pcap_datalink(p));
        pcap_close(p);
        return s;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    size_t no = 0;
    int rc;
    while (s == NG_OK && (rc = pcap_next_ex(p, &h, &data)) == 1)
        one_frame(h, data, ++no, path, 1, out, st, &s, err);
    if (s == NG_OK && rc == PCAP_ERROR)
        s = ng_fail(err, NG_EFORMAT, "%s: after frame %zu: %s", path, no, pcap_geterr(p));
    pcap_close(p);
    return s;
}

ng_status ng_lora_tap_open(ng_writer **w, const char *path, ng_error *err)
{
    return ng_writer_open(w, path, NG_CAPTURE_PCAP_NS, NG_LINKTYPE_LORATAP, 0, err);
}

ng_status ng_lora_tap_write(ng_writer *w, const ng_lora_record *rec, const uint8_t *phy,
                            size_t phy_len, ng_error *err)
{
    uint8_t buf[NG_LORATAP_HDR_LEN + NG_LORA_MAX_PHY];
    if (phy_len > NG_LORA_MAX_PHY)
        return ng_fail(err, NG_EINVAL, "PHYPayload of %zu bytes (max 255)", phy_len);
    ng_loratap_header_encode(rec, buf);
    memcpy(buf + NG_LORATAP_HDR_LEN, phy, phy_len);
    uint32_t n = (uint32_t)(NG_LORATAP_HDR_LEN + phy_len);
    return ng_writer_write(w, rec->time_ns, buf, n, n, err);
}
