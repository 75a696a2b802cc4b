/* lora_csv.c — the gateway-log CSV reader (see lora_csv.h). Lines are split on commas
 * (the schema has no quoted fields); columns are found by name in the header. */
#include "capture/lora_csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capture/lora_base64.h"
#include "capture/lora_frame.h"

enum { C_TIME, C_PAYLOAD, C_FREQ, C_SF, C_BW, C_CR, C_RSSI, C_SNR, C_CRC, C_FCNT, C_N };
static const char *col_names[C_N] = {"time", "physical_payload", "frequency",
                                     "spreading_factor", "bandwidth", "code_rate",
                                     "rssi", "snr", "crc_status", "fcnt"};
#define MAX_FIELDS 64

int ng_lora_record_from_base64(ng_lora_record *rec, const char *b64, size_t len,
                               ng_lora_input_stats *st, const char *where)
{
    uint8_t buf[NG_LORA_MAX_PHY + 3];
    long n = ng_base64_decode(b64, len, buf, sizeof buf);
    if (n < 0) {
        ng_lora_stats_bad(st, NG_LORA_BAD_BASE64, "%s: payload is not valid base64", where);
        return -1;
    }
    ng_lora_frame f;
    ng_error e;
    if (n > NG_LORA_MAX_PHY || ng_lora_frame_decode(buf, (size_t)n, &f, &e) != NG_OK) {
        ng_lora_stats_bad(st, NG_LORA_BAD_FRAME, "%s: %s", where,
                          n > NG_LORA_MAX_PHY ? "PHYPayload longer than 255 bytes" : e.msg);
        return -1;
    }
    rec->mtype = f.mtype;
    rec->major = f.major;
    rec->dev_addr = f.dev_addr;
    rec->fctrl = f.fctrl;
    rec->fopts_len = f.fopts_len;
    rec->fport = (int16_t)f.fport;
    rec->fcnt = f.fcnt;
    rec->phy_len = (uint16_t)f.len;
    rec->frm_len = f.frm_len;
    return 0;
}

static size_t split(char *line, char **fields)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line;; p++) {
        if (n < MAX_FIELDS)
            fields[n++] = p;
        p += strcspn(p, ",");
        if (!*p)
            break;
        *p = '\0';
    }
    return n;
}

static int find_columns(char **fields, size_t n, int *idx)
{
    for (int c = 0; c < C_N; c++) {
        idx[c] = -1;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(fields[i], col_names[c]))
                idx[c] = (int)i;
    }
    return idx[C_TIME] >= 0 && idx[C_PAYLOAD] >= 0 ? 0 : -1;
}

/* A number from field c; *ok cleared when the column exists but does not parse. */
static double num(char **fields, size_t n, const int *idx, int c, double dflt, int *ok)
{
    if (idx[c] < 0)
        return dflt;
    if ((size_t)idx[c] >= n || !*fields[idx[c]]) {
        *ok = 0;
        return dflt;
    }
    char *end;
    errno = 0;
    double v = strtod(fields[idx[c]], &end);
    if (*end || errno || !isfinite(v))
        *ok = 0;
    return v;
}

static void radio_fields(ng_lora_record *r, char **f, size_t n, const int *idx, int *ok)
{
    double freq = num(f, n, idx, C_FREQ, 0, ok), sf = num(f, n, idx, C_SF, 0, ok);
    double bw = num(f, n, idx, C_BW, 0, ok), crc = num(f, n, idx, C_CRC, 1, ok);
    double rssi = num(f, n, idx, C_RSSI, 0, ok), snr = num(f, n, idx, C_SNR, 0, ok);
    if (!(freq >= 0 && freq < 4e9 && sf >= 0 && sf <= 12 && bw >= 0 && bw <= 1000) ||
        !(rssi >= -300 && rssi <= 100) || !(snr >= -100 && snr <= 100))
        *ok = 0;
    r->rssi = (float)rssi;
    r->snr = (float)snr;
    if (!*ok)
        return;
    r->freq_hz = (uint32_t)llround(freq);
    r->sf = (uint8_t)lround(sf);
    r->bw_khz = (uint16_t)lround(bw);
    r->crc = crc > 0 ? 1 : crc < 0 ? -1 : 0;
    r->chan = -1;
    if (idx[C_CR] >= 0 && (size_t)idx[C_CR] < n)
        r->cr = ng_lora_codr_parse(f[idx[C_CR]]);
}

static void full_fcnt(ng_lora_record *r, char **f, size_t n, const int *idx)
{
    int ok = 1;
    double v = num(f, n, idx, C_FCNT, -1, &ok);
    if (ok && v >= 0 && v < 4294967296.0 && ((uint32_t)v & 0xffff) == r->fcnt)
        r->fcnt = (uint32_t)v;
}

static void parse_row(char **f, size_t n, const int *idx, size_t line_no, const char *label,
                      ng_lora_records *out, ng_lora_input_stats *st, ng_error *err,
                      ng_status *status)
{
    char where[300];
    snprintf(where, sizeof where, "%s line %zu", label, line_no);
    ng_lora_record r;
    memset(&r, 0, sizeof r);
    int ok = (size_t)idx[C_TIME] < n && (size_t)idx[C_PAYLOAD] < n &&
             ng_lora_time_parse(f[idx[C_TIME]], &r.time_ns) == 0;
    if (ok)
        radio_fields(&r, f, n, idx, &ok);
    if (!ok) {
        ng_lora_stats_bad(st, NG_LORA_BAD_ROW, "%s: missing or unparsable columns", where);
        return;
    }
    const char *p = f[idx[C_PAYLOAD]];
    if (ng_lora_record_from_base64(&r, p, strlen(p), st, where))
        return;
    full_fcnt(&r, f, n, idx);
    *status = ng_lora_records_push(out, &r, err);
    if (*status == NG_OK)
        st->read++;
}

ng_status ng_lora_csv_read_fp(FILE *fp, const char *label, ng_lora_records *out,
                              ng_lora_input_stats *st, ng_error *err)
{
    char *line = NULL, *fields[MAX_FIELDS];
    size_t cap = 0, line_no = 0;
    int idx[C_N];
    ng_status s = NG_OK;
    ssize_t got;
    while (s == NG_OK && (got = getline(&line, &cap, fp)) >= 0) {
        line_no++;
        size_t n = split(line, fields);
        if (line_no == 1) {
            if (find_columns(fields, n, idx))
                s = ng_fail(err, NG_EFORMAT,
                            "%s: header has no 'time' and 'physical_payload' columns", label);
            continue;
        }
        if (n == 1 && !*fields[0])
            continue; /* blank line */
        parse_row(fields, n, idx, line_no, label, out, st, err, &s);
    }
    free(line);
    if (s == NG_OK && ferror(fp))
        s = ng_fail(err, NG_EIO, "%s: read error after line %zu", label, line_no);
    if (s == NG_OK && line_no == 0)
        s = ng_fail(err, NG_EFORMAT, "%s: empty file (expected a CSV header)", label);
    return s;
}

ng_status ng_lora_csv_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                           ng_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: %s", path, strerror(errno));
    ng_status s = ng_lora_csv_read_fp(fp, path, out, st, err);
    fclose(fp);
    return s;
}
