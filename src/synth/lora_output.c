/* lora_output.c — LoRa records to LoRaTap pcap, Semtech JSON lines or gateway CSV
 * (see lora_output.h). */
#include "synth/lora_output.h"

#include <stdlib.h>
#include <string.h>

#include "capture/lora_base64.h"
#include "capture/lora_frame.h"
#include "capture/lora_tap.h"
#include "core/outfile.h"
#include "core/rng.h"

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

ng_status ng_lora_out_format_from_path(const char *path, ng_lora_out_format *f, ng_error *err)
{
    if (ends_with(path, ".pcap") || ends_with(path, ".pcapng"))
        *f = NG_LORA_OUT_PCAP;
    else if (ends_with(path, ".jsonl") || ends_with(path, ".json"))
        *f = NG_LORA_OUT_JSONL;
    else if (ends_with(path, ".csv"))
        *f = NG_LORA_OUT_CSV;
    else
        return ng_fail(err, NG_EINVAL, "%s: output must end in .pcap, .jsonl or .csv", path);
    return NG_OK;
}

static size_t build(const ng_lora_record *r, ng_rng *rng, uint8_t *phy)
{
    ng_lora_frame f;
    memset(&f, 0, sizeof f);
    f.mtype = r->mtype;
    f.major = r->major;
    f.dev_addr = r->dev_addr;
    f.fctrl = r->fctrl;
    f.fcnt = (uint16_t)r->fcnt;
    f.fport = r->fport;
    return ng_lora_frame_build(&f, r->phy_len, rng, phy);
}

/* Channel of r: its own, else the rank of its frequency among the sorted distinct ones. */
static int channel_of(const ng_lora_record *r, const uint32_t *freqs, size_t nf)
{
    if (r->chan >= 0)
        return r->chan;
    for (size_t i = 0; i < nf; i++)
        if (freqs[i] == r->freq_hz)
            return (int)i;
    return 0;
}

static size_t distinct_freqs(const ng_lora_records *recs, uint32_t *freqs, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < recs->n; i++) {
        uint32_t f = recs->v[i].freq_hz;
        size_t j = 0;
        while (j < n && freqs[j] < f)
            j++;
        if ((j < n && freqs[j] == f) || n == cap)
            continue;
        memmove(freqs + j + 1, freqs + j, (n - j) * sizeof *freqs);
        freqs[j] = f;
        n++;
    }
    return n;
}

static void write_json(FILE *fp, const ng_lora_record *r, int chan, const char *b64, size_t len)
{
    char t[40];
    ng_lora_time_format(r->time_ns, t, sizeof t);
    fprintf(fp,
            "{\"rxpk\":[{\"time\":\"%s\",\"tmst\":%u,\"chan\":%d,\"rfch\":0,\"freq\":%.6f,"
            "\"stat\":%d,\"modu\":\"LORA\",\"datr\":\"SF%uBW%u\",\"codr\":\"4/%u\","
            "\"lsnr\":%.1f,\"rssi\":%.0f,\"size\":%zu,\"data\":\"%s\"}]}\n",
            t, (unsigned)((uint64_t)(r->time_ns / 1000) & 0xffffffffu), chan, r->freq_hz / 1e6,
            r->crc, r->sf, r->bw_khz ? r->bw_khz : 125, r->cr ? r->cr : 5, r->snr, r->rssi, len, b64);
}

static void write_csv_row(FILE *fp, const ng_lora_record *r, const char *b64, size_t len)
{
    char t[40], bits[8];
    ng_lora_time_format(r->time_ns, t, sizeof t);
    t[10] = ' ';
    t[strlen(t) - 1] = '\0'; /* drop 'Z': the zone is written as +00:00 */
    int nb = 0;
    for (int b = 2; b >= 0; b--)
        if (nb || (r->mtype >> b & 1) || b == 0)
            bits[nb++] = (char)('0' + (r->mtype >> b & 1));
    bits[nb] = '\0';
    fprintf(fp, "%s+00:00,%08x,%s,0000000000000000,%d,%u,%u.0,%u.0,4/%u,%.0f,%.1f,%zu,%s,%u,",
            t, r->dev_addr, b64, r->crc, r->freq_hz, r->sf, r->bw_khz ? r->bw_khz : 125,
            r->cr ? r->cr : 5, r->rssi, r->snr, len, bits, r->fcnt);
    if (r->fport >= 0)
        fprintf(fp, "%d.0", r->fport);
    fputc('\n', fp);
}

static ng_status write_text(const char *path, ng_lora_out_format format,
                            const ng_lora_records *recs, ng_rng *rng, ng_error *err)
{
    ng_outfile out;
    ng_status s = ng_outfile_open(&out, path, err);
    if (s != NG_OK)
        return s;
    uint32_t freqs[64];
    size_t nf = distinct_freqs(recs, freqs, 64);
    if (format == NG_LORA_OUT_CSV)
        fputs("time,device_address,physical_payload,gateway,crc_status,frequency,"
              "spreading_factor,bandwidth,code_rate,rssi,snr,size,mtype,fcnt,fport\n", out.fp);
    for (size_t i = 0; i < recs->n; i++) {
        uint8_t phy[NG_LORA_MAX_PHY];
        char b64[4 * (NG_LORA_MAX_PHY / 3 + 1) + 1];
        size_t len = build(&recs->v[i], rng, phy);
        ng_base64_encode(phy, len, b64);
        if (format == NG_LORA_OUT_CSV)
            write_csv_row(out.fp, &recs->v[i], b64, len);
        else
            write_json(out.fp, &recs->v[i], channel_of(&recs->v[i], freqs, nf), b64, len);
    }
    s = ng_outfile_commit(&out, err);
    if (s != NG_OK)
        ng_outfile_abort(&out);
    return s;
}

static ng_status write_pcap(const char *path, const ng_lora_records *recs, ng_rng *rng,
                            ng_error *err)
{
    ng_writer *w = NULL;
    ng_status s = ng_lora_tap_open(&w, path, err);
    for (size_t i = 0; s == NG_OK && i < recs->n; i++) {
        uint8_t phy[NG_LORA_MAX_PHY];
        size_t len = build(&recs->v[i], rng, phy);
        s = ng_lora_tap_write(w, &recs->v[i], phy, len, err);
    }
    if (s != NG_OK) {
        ng_writer_abort(w);
        return s;
    }
    return ng_writer_close(w, err);
}

ng_status ng_lora_write(const char *path, ng_lora_out_format format, const ng_lora_records *recs,
                        uint64_t seed, ng_error *err)
{
    ng_rng rng;
    ng_rng_stream(&rng, seed, 0x10aa);
    if (format == NG_LORA_OUT_PCAP)
        return write_pcap(path, recs, &rng, err);
    return write_text(path, format, recs, &rng, err);
}
