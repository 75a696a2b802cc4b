/* lora_input.c — pick the LoRa reader by content (see lora_input.h). */
#include "model/lora_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture/lora_csv.h"
#include "capture/lora_tap.h"
#include "model/lora_semtech.h"

static int is_capture_magic(const unsigned char *b, size_t n)
{
    static const unsigned char magics[][4] = {{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
                                              {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
                                              {0x0a, 0x0d, 0x0d, 0x0a}};
    for (size_t i = 0; n >= 4 && i < sizeof magics / sizeof magics[0]; i++)
        if (!memcmp(b, magics[i], 4))
            return 1;
    return 0;
}

ng_status ng_lora_input_sniff(const char *path, ng_lora_input_kind *kind, ng_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ng_fail(err, NG_EIO, "%s: %s", path, strerror(errno));
    unsigned char b[512];
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    *kind = NG_LORA_IN_CSV;
    if (is_capture_magic(b, n)) {
        *kind = NG_LORA_IN_LORATAP;
        return NG_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')
            continue;
        if (b[i] == '{')
            *kind = NG_LORA_IN_SEMTECH;
        break;
    }
    return NG_OK;
}

const char *ng_lora_input_kind_name(ng_lora_input_kind kind)
{
    return kind == NG_LORA_IN_LORATAP ? "LoRaTap pcap" : kind == NG_LORA_IN_SEMTECH ? "Semtech JSON" : "gateway CSV";
}

ng_status ng_lora_read(const char *path, ng_lora_records *out, ng_lora_input_stats *st,
                       ng_error *err)
{
    ng_lora_input_kind kind;
    ng_status s = ng_lora_input_sniff(path, &kind, err);
    if (s != NG_OK)
        return s;
    if (kind == NG_LORA_IN_LORATAP)
        s = ng_lora_tap_read(path, out, st, err);
    else if (kind == NG_LORA_IN_SEMTECH)
        s = ng_lora_semtech_read(path, out, st, err);
    else
        s = ng_lora_csv_read(path, out, st, err);
    if (s == NG_OK)
        ng_lora_records_sort_time(out);
    return s;
}
