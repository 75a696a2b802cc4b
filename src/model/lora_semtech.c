/* lora_semtech.c — Semtech packet-forwarder rxpk JSON lines into LoRa records
 * (see lora_semtech.h). One jansson parse per line. */
#include "model/lora_semtech.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "capture/lora_csv.h"

static double jnum(const json_t *o, const char *key, double dflt, int *ok)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return dflt;
    if (!json_is_number(v)) {
        *ok = 0;
        return dflt;
    }
    return json_number_value(v);
}

static int rxpk_time(const json_t *o, ng_lora_record *r)
{
    const char *t = json_string_value(json_object_get(o, "time"));
    if (t)
        return ng_lora_time_parse(t, &r->time_ns);
    json_t *tm = json_object_get(o, "tmst");
    if (!json_is_integer(tm) || json_integer_value(tm) < 0 || json_integer_value(tm) > 0xffffffffLL)
        return -1; /* a 32-bit microsecond counter */
    r->time_ns = (int64_t)json_integer_value(tm) * 1000;
    return 0;
}

static int rxpk_radio(const json_t *o, ng_lora_record *r, ng_lora_input_stats *st,
                      const char *where)
{
    const char *modu = json_string_value(json_object_get(o, "modu"));
    const char *datr = json_string_value(json_object_get(o, "datr"));
    if ((modu && strcmp(modu, "LORA")) || ng_lora_datr_parse(datr, &r->sf, &r->bw_khz)) {
        ng_lora_stats_bad(st, NG_LORA_BAD_DATR, "%s: datr %s%s%s is not SF<n>BW<k>", where,
                          datr ? "'" : "", datr ? datr : "missing", datr ? "'" : "");
        return -1;
    }
    int ok = 1;
    double freq = jnum(o, "freq", 0, &ok), chan = jnum(o, "chan", -1, &ok);
    double stat = jnum(o, "stat", 1, &ok);
    double rssi = jnum(o, "rssi", 0, &ok), snr = jnum(o, "lsnr", 0, &ok);
    if (!ok || !(freq >= 0 && freq < 4000) || !(chan >= -1 && chan < 256) ||
        !(rssi >= -300 && rssi <= 100) || !(snr >= -100 && snr <= 100)) {
        ng_lora_stats_bad(st, NG_LORA_BAD_JSON, "%s: freq/chan/stat/rssi/lsnr not numbers in range", where);
        return -1;
    }
    r->rssi = (float)rssi;
    r->snr = (float)snr;
    r->freq_hz = (uint32_t)llround(freq * 1e6);
    r->chan = (int16_t)chan;
    r->crc = stat > 0 ? 1 : stat < 0 ? -1 : 0;
    r->cr = ng_lora_codr_parse(json_string_value(json_object_get(o, "codr")));
    return 0;
}

static ng_status one_rxpk(const json_t *o, const char *where, ng_lora_records *out,
                          ng_lora_input_stats *st, ng_error *err)
{
    ng_lora_record r;
    memset(&r, 0, sizeof r);
    const char *data = json_string_value(json_object_get(o, "data"));
    if (!json_is_object(o) || !data || rxpk_time(o, &r)) {
        ng_lora_stats_bad(st, NG_LORA_BAD_JSON, "%s: rxpk without data or time/tmst", where);
        return NG_OK;
    }
    if (rxpk_radio(o, &r, st, where) || ng_lora_record_from_base64(&r, data, strlen(data), st, where))
        return NG_OK;
    ng_status s = ng_lora_records_push(out, &r, err);
    if (s == NG_OK)
        st->read++;
    return s;
}

static ng_status one_line(const char *line, const char *where, ng_lora_records *out,
                          ng_lora_input_stats *st, ng_error *err)
{
    json_error_t je;
    json_t *root = json_loads(line, JSON_REJECT_DUPLICATES, &je);
    ng_status s = NG_OK;
    json_t *arr = json_object_get(root, "rxpk");
    if (!json_is_object(root)) {
        ng_lora_stats_bad(st, NG_LORA_BAD_JSON, "%s: not a JSON object (%s)", where,
                          root ? "other JSON" : je.text);
    } else if (json_is_array(arr)) {
        for (size_t i = 0; s == NG_OK && i < json_array_size(arr); i++)
            s = one_rxpk(json_array_get(arr, i), where, out, st, err);
    } else if (arr) {
        ng_lora_stats_bad(st, NG_LORA_BAD_JSON, "%s: \"rxpk\" is not an array", where);
    } else {
        s = one_rxpk(root, where, out, st, err);
    }
    json_decref(root);
    return s;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

ng_status ng_lora_semtech_read_fp(FILE *fp, const char *label, ng_lora_records *out,
                                  ng_lora_input_stats *st, ng_error *err)
{
    char *line = NULL, where[300];
    size_t cap = 0, no = 0;
    ng_status s = NG_OK;
    while (s == NG_OK && getline(&line, &cap, fp) >= 0) {
        no++;
        if (blank(line))
            continue;
        snprintf(where, sizeof where, "%s line %zu", label, no);
        s = one_line(line, where, out, st, err);
    }
    free(line);
    if (s == NG_OK && ferror(fp))
        s = ng_fail(err, NG_EIO, "%s: read error after line %zu", label, no);
    return s;
}

ng_status ng_lora_semtech_read(const char *path, ng_lora_records *out,
                               ng_lora_input_stats *st, ng_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: %s", path, strerror(errno));
    ng_status s = ng_lora_semtech_read_fp(fp, path, out, st, err);
    fclose(fp);
    return s;
}
