/* lora_record.c — the LoRa uplink list, the skipped-input tally, and the small text
 * parsers every LoRa reader shares (datarate, coding rate, timestamps). */
#include "capture/lora_record.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ng_lora_records_init(ng_lora_records *r) { memset(r, 0, sizeof *r); }

void ng_lora_records_free(ng_lora_records *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

ng_status ng_lora_records_push(ng_lora_records *r, const ng_lora_record *rec, ng_error *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        ng_lora_record *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return ng_fail(err, NG_ENOMEM, "out of memory for %zu LoRa records", cap);
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = *rec;
    return NG_OK;
}

static void merge_sort(ng_lora_record *v, ng_lora_record *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(v, tmp, h);
    merge_sort(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = v[j].time_ns < v[i].time_ns ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

void ng_lora_records_sort_time(ng_lora_records *r)
{
    ng_lora_record *tmp = malloc((r->n ? r->n : 1) * sizeof *tmp);
    if (!tmp) { /* fall back to insertion sort: stable, no memory */
        for (size_t i = 1; i < r->n; i++)
            for (size_t j = i; j > 0 && r->v[j].time_ns < r->v[j - 1].time_ns; j--) {
                ng_lora_record t = r->v[j];
                r->v[j] = r->v[j - 1];
                r->v[j - 1] = t;
            }
        return;
    }
    merge_sort(r->v, tmp, r->n);
    free(tmp);
}

void ng_lora_stats_bad(ng_lora_input_stats *st, ng_lora_bad kind, const char *fmt, ...)
{
    st->bad[kind]++;
    if (st->first[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->first, sizeof st->first, fmt, ap);
    va_end(ap);
}

size_t ng_lora_stats_skipped(const ng_lora_input_stats *st)
{
    size_t s = 0;
    for (int i = 0; i < NG_LORA_BAD_KINDS; i++)
        s += st->bad[i];
    return s;
}

const char *ng_lora_bad_name(ng_lora_bad kind)
{
    static const char *names[] = {"bad base64", "bad PHYPayload", "bad datarate",
                                  "bad CSV row", "bad JSON", "bad radio header"};
    return kind < NG_LORA_BAD_KINDS ? names[kind] : "?";
}

int ng_lora_datr_parse(const char *s, uint8_t *sf, uint16_t *bw_khz)
{
    if (!s || strncmp(s, "SF", 2) != 0)
        return -1;
    char *end;
    long f = strtol(s + 2, &end, 10);
    if (end == s + 2 || f < 5 || f > 12 || strncmp(end, "BW", 2) != 0)
        return -1;
    const char *b = end + 2;
    double bw = strtod(b, &end);
    if (end == b || *end || !(bw >= 7.8 && bw <= 500.0))
        return -1;
    *sf = (uint8_t)f;
    *bw_khz = (uint16_t)(bw + 0.5);
    return 0;
}

uint8_t ng_lora_codr_parse(const char *s)
{
    if (!s || strncmp(s, "4/", 2) != 0 || s[2] < '5' || s[2] > '8' || s[3])
        return 0;
    return (uint8_t)(s[2] - '0');
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

static int parse_zone(const char *p, long *offset_s)
{
    *offset_s = 0;
    if (!*p || ((*p == 'Z' || *p == 'z') && !p[1]))
        return 0;
    if (*p != '+' && *p != '-')
        return -1;
    int sign = *p == '-' ? -1 : 1, hh, mm = 0;
    p++;
    if (digits(&p, 2, &hh))
        return -1;
    if (*p == ':')
        p++;
    if (*p && digits(&p, 2, &mm))
        return -1;
    if (*p)
        return -1;
    *offset_s = sign * (hh * 3600L + mm * 60L);
    return 0;
}

int ng_lora_time_parse(const char *s, int64_t *ns)
{
    struct tm tm = {0};
    const char *p = s;
    int y, mo, d, h, mi, se;
    if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d) || (*p != ' ' && *p != 'T') || (p++, digits(&p, 2, &h)) ||
        *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &se))
        return -1;
    if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
        return -1; /* years outside 1970..2200 do not fit int64 ns after an offset */
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        int64_t scale = 100000000;
        if (!isdigit((unsigned char)*p))
            return -1;
        for (; isdigit((unsigned char)*p); p++, scale /= 10)
            frac += scale * (*p - '0');
    }
    long off;
    if (parse_zone(p, &off))
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    *ns = ((int64_t)t - off) * 1000000000LL + frac;
    return 0;
}

void ng_lora_time_format(int64_t ns, char *buf, size_t cap)
{
    int64_t sec = ns >= 0 ? ns / 1000000000LL : (ns - 999999999LL) / 1000000000LL;
    int64_t rem = ns - sec * 1000000000LL;
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (long)(rem / 1000));
}
